//! Parallel or sequential maps whose results come back in index order, so that any thread
//! count gives the same answer.

use rayon::prelude::*;

/// Maps `f` over `0..n`, in parallel or not, results in index order.
pub(crate) fn run_tasks<T: Send>(
    parallel: bool,
    n: usize,
    f: impl Fn(usize) -> T + Sync + Send,
) -> Vec<T> {
    if parallel {
        (0..n).into_par_iter().map(f).collect()
    } else {
        (0..n).map(f).collect()
    }
}
