//! Readers of the public location benchmarks of OR-Library (Beasley 1990) and of Lorena &
//! Senne, from their text (the caller reads the files), for benchmarking the siting solvers.
//!
//! - `pmed1`–`pmed40` (uncapacitated p-median): `n m p`, then `m` undirected edges `i j cost`
//!   (1-based; when a pair repeats, the last line wins). Costs are all-pairs shortest paths,
//!   every vertex is a client of weight 1 and a candidate site.
//! - `pmedcap1`–`20` (capacitated p-median, Osman & Christofides 1994): `number optimum`,
//!   `n p capacity`, then `n` lines `id x y demand`.
//! - `SJC1`–`SJC4b` (Lorena & Senne 2003): `n p`, then `n` lines `x y capacity demand`.
//!
//! In both capacitated families every point is a client and a candidate site, costs are
//! Euclidean distances (not weighted by demand) and demand only enters the capacities.
//! The published `pmedcap` optima use distances truncated to whole numbers: with exact
//! distances `pmedcap1-2` has the proven optimum 758.23 (the Lagrangian bound meets the
//! answer) against the listed 740, and truncation reproduces the listed values. `SJC`
//! values use exact distances (SJC1's best known value, 17 288.99, is not whole).
//!
//! # References
//! - Beasley, J. E. (1990). OR-Library: distributing test problems by electronic mail.
//!   *JORS* 41, 1069–1072.
//! - Osman, I. H. & Christofides, N. (1994). Capacitated clustering problems by hybrid
//!   simulated annealing and tabu search. *ITOR* 1, 317–336.
//! - Lorena, L. A. N. & Senne, E. L. F. (2003). Local search heuristics for capacitated
//!   p-median problems. *Networks and Spatial Economics* 3, 407–419.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use rayon::prelude::*;

use super::cost::CostTable;
use super::cpmp::CapacitatedProblem;
use super::error::SolveError;
use super::pmedian::PMedianProblem;

/// A capacitated benchmark instance.
#[derive(Clone, Debug)]
pub struct CapacitatedInstance {
    /// The problem.
    pub problem: CapacitatedProblem,
    /// The optimum printed in the file's first line (pmedcap only).
    pub listed_optimum: Option<f64>,
}

/// Reads a `pmed` graph instance and computes its all-pairs shortest paths.
pub fn parse_pmed(text: &str) -> Result<PMedianProblem, SolveError> {
    let mut numbers = Numbers::new(text);
    let n = numbers.count("n")?;
    let m = numbers.count("m")?;
    let p = numbers.count("p")?;
    if n == 0 {
        return Err(SolveError::Parse("no vertices".into()));
    }
    // Edge costs, the last line of a pair winning.
    let mut edge = vec![u64::MAX; n * n];
    for e in 0..m {
        let i = numbers.count("edge end")?;
        let j = numbers.count("edge end")?;
        let c = numbers.count("edge cost")? as u64;
        if i == 0 || j == 0 || i > n || j > n {
            return Err(SolveError::Parse(format!(
                "edge {} joins {i} and {j}, outside 1..={n}",
                e + 1
            )));
        }
        edge[(i - 1) * n + (j - 1)] = c;
        edge[(j - 1) * n + (i - 1)] = c;
    }
    let adjacency: Vec<Vec<(usize, u64)>> = (0..n)
        .map(|i| {
            (0..n)
                .filter(|&j| j != i && edge[i * n + j] != u64::MAX)
                .map(|j| (j, edge[i * n + j]))
                .collect()
        })
        .collect();
    let rows: Vec<Vec<u64>> = (0..n)
        .into_par_iter()
        .map(|s| dijkstra(&adjacency, s))
        .collect();
    let costs = CostTable::from_fn(n, n, |i, j| match rows[i][j] {
        u64::MAX => f64::INFINITY,
        d => d as f64,
    })?;
    Ok(PMedianProblem::new(costs, p))
}

/// Shortest distances from `source` (`u64::MAX` where unreachable).
fn dijkstra(adjacency: &[Vec<(usize, u64)>], source: usize) -> Vec<u64> {
    let mut dist = vec![u64::MAX; adjacency.len()];
    let mut heap = BinaryHeap::new();
    dist[source] = 0;
    heap.push(Reverse((0u64, source)));
    while let Some(Reverse((d, v))) = heap.pop() {
        if d > dist[v] {
            continue;
        }
        for &(w, c) in &adjacency[v] {
            let nd = d + c;
            if nd < dist[w] {
                dist[w] = nd;
                heap.push(Reverse((nd, w)));
            }
        }
    }
    dist
}

/// Reads a `pmedcap` instance (Osman & Christofides).
pub fn parse_pmedcap(text: &str) -> Result<CapacitatedInstance, SolveError> {
    let mut numbers = Numbers::new(text);
    let _number = numbers.next("instance number")?;
    let optimum = numbers.next("optimum")?;
    let n = numbers.count("n")?;
    let p = numbers.count("p")?;
    let capacity = numbers.next("capacity")?;
    let mut points = Vec::with_capacity(n);
    let mut demand = Vec::with_capacity(n);
    for _ in 0..n {
        let _id = numbers.next("id")?;
        points.push((numbers.next("x")?, numbers.next("y")?));
        demand.push(numbers.next("demand")?);
    }
    Ok(CapacitatedInstance {
        problem: euclidean(&points, demand, vec![capacity; n], p, f64::floor)?,
        listed_optimum: Some(optimum),
    })
}

/// Reads an `SJC` instance (Lorena & Senne).
pub fn parse_sjc(text: &str) -> Result<CapacitatedInstance, SolveError> {
    let mut numbers = Numbers::new(text);
    let n = numbers.count("n")?;
    let p = numbers.count("p")?;
    let mut points = Vec::with_capacity(n);
    let mut capacity = Vec::with_capacity(n);
    let mut demand = Vec::with_capacity(n);
    for _ in 0..n {
        points.push((numbers.next("x")?, numbers.next("y")?));
        capacity.push(numbers.next("capacity")?);
        demand.push(numbers.next("demand")?);
    }
    Ok(CapacitatedInstance {
        problem: euclidean(&points, demand, capacity, p, |d| d)?,
        listed_optimum: None,
    })
}

/// Every point a client and a site, costs `round(Euclidean distance)`.
fn euclidean(
    points: &[(f64, f64)],
    demand: Vec<f64>,
    capacity: Vec<f64>,
    p: usize,
    round: fn(f64) -> f64,
) -> Result<CapacitatedProblem, SolveError> {
    let n = points.len();
    let costs = CostTable::from_fn(n, n, |i, j| {
        let (a, b) = (points[i], points[j]);
        round((a.0 - b.0).hypot(a.1 - b.1))
    })?;
    CapacitatedProblem::new(costs, demand, capacity, p)
}

/// Reads a table of `name value` lines (optima or best-known values); lines whose second
/// field is not a number, such as a header, are skipped.
pub fn parse_values(text: &str) -> Vec<(String, f64)> {
    text.lines()
        .filter_map(|line| {
            let mut fields = line.split_whitespace();
            let name = fields.next()?;
            let value: f64 = fields.next()?.parse().ok()?;
            Some((name.to_owned(), value))
        })
        .collect()
}

/// Whitespace-separated numbers with positions for messages.
struct Numbers<'a> {
    tokens: std::str::SplitWhitespace<'a>,
    read: usize,
}

impl<'a> Numbers<'a> {
    fn new(text: &'a str) -> Self {
        Self {
            tokens: text.split_whitespace(),
            read: 0,
        }
    }

    fn next(&mut self, what: &str) -> Result<f64, SolveError> {
        self.read += 1;
        let token = self.tokens.next().ok_or_else(|| {
            SolveError::Parse(format!("number {} ({what}) is missing", self.read))
        })?;
        token
            .parse::<f64>()
            .ok()
            .filter(|v| v.is_finite())
            .ok_or_else(|| SolveError::Parse(format!("number {} ({what}) is {token:?}", self.read)))
    }

    fn count(&mut self, what: &str) -> Result<usize, SolveError> {
        let v = self.next(what)?;
        if v < 0.0 || v.fract() != 0.0 || v > u32::MAX as f64 {
            return Err(SolveError::Parse(format!(
                "number {} ({what}) is {v}, not a count",
                self.read
            )));
        }
        Ok(v as usize)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pmed_graph_uses_shortest_paths_and_last_edge() {
        // 1–2 costs 5 then 1 (last wins); 2–3 costs 2; so 1→3 is 3.
        let text = "3 3 1\n1 2 5\n2 3 2\n1 2 1\n";
        let p = parse_pmed(text).expect("valid");
        assert_eq!(p.p, 1);
        assert_eq!(p.costs.cost(0, 2), Some(3.0));
        assert_eq!(p.costs.cost(1, 0), Some(1.0));
        assert_eq!(p.costs.cost(2, 2), Some(0.0));
        // Opening vertex 2 (index 1) costs 1 + 0 + 2.
        assert_eq!(p.objective_of(&[1]), Some(3.0));
    }

    #[test]
    fn capacitated_formats() {
        let cap = parse_pmedcap(" 1 713\n 3 1 10\n 1 0 0 3\n 2 3 4 5\n 3 1 1 2\n").expect("valid");
        assert_eq!(cap.listed_optimum, Some(713.0));
        assert_eq!(cap.problem.costs.cost(0, 1), Some(5.0));
        // √(2² + 3²) = 3.61 is truncated.
        assert_eq!(cap.problem.costs.cost(1, 2), Some(3.0));
        assert_eq!(cap.problem.demand, [3.0, 5.0, 2.0]);
        assert_eq!(cap.problem.capacity, [10.0; 3]);
        let sjc = parse_sjc("2 1\n0 0 720 50\n6 9 700 4\n").expect("valid");
        assert_eq!(sjc.problem.costs.cost(1, 0), Some(117f64.sqrt()));
        assert_eq!(sjc.problem.capacity, [720.0, 700.0]);
        assert_eq!(sjc.problem.demand, [50.0, 4.0]);
        assert!(parse_sjc("2 1\n0 0 720\n").is_err());
    }

    #[test]
    fn values_skip_headers() {
        let v = parse_values("Data file   Optimal solution value\npmed1 5819\nSJC1 17288.99\n");
        assert_eq!(
            v,
            [("pmed1".to_owned(), 5819.0), ("SJC1".to_owned(), 17288.99)]
        );
    }
}
