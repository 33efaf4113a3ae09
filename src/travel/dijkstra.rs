//! A Dijkstra search that stops at a cost limit, for any petgraph graph.
//!
//! petgraph's own `dijkstra` stops only at a goal node and returns a hash map holding
//! tentative costs of the frontier; here the search settles nodes in cost order, reports each
//! one whose cost is `<=` the limit (inclusive) exactly once, and never pushes anything beyond
//! the limit. Its scratch space is kept between runs, so a search costs time in proportion to
//! the part of the graph it reaches, not to the size of the graph.

use std::cmp::{Ordering, Reverse};
use std::collections::BinaryHeap;

use petgraph::visit::{EdgeRef, IntoEdges, NodeIndexable};

/// Reusable memory of [`bounded_dijkstra`]: one cost per node, reset after each run.
#[derive(Clone, Debug, Default)]
pub struct Scratch {
    cost: Vec<f64>,
    touched: Vec<usize>,
    heap: BinaryHeap<Reverse<Entry>>,
}

#[derive(Clone, Copy, Debug)]
struct Entry {
    cost: f64,
    node: usize,
}

impl PartialEq for Entry {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl Eq for Entry {}
impl PartialOrd for Entry {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Entry {
    fn cmp(&self, other: &Self) -> Ordering {
        self.cost
            .total_cmp(&other.cost)
            .then(self.node.cmp(&other.node))
    }
}

/// Settles every node whose least cost from `sources` is `<= limit`, in non-decreasing cost,
/// calling `settled(node, cost)` once for each. The order depends only on the graph and the
/// arguments, never on timing.
///
/// `sources` gives each start node with its starting cost (costs above `limit` are ignored).
/// `cost(edge)` is the cost of traversing an edge in its direction; an infinite or NaN cost
/// closes the edge. Costs must not be negative.
///
/// # Examples
///
/// ```
/// use petgraph::graph::DiGraph;
/// use petgraph::visit::EdgeRef;
/// use yanglao::travel::dijkstra::{Scratch, bounded_dijkstra};
///
/// // a →5→ b →10→ c →1→ d: with a limit of 15, c is reached at exactly 15, d is not.
/// let mut g = DiGraph::<(), f64>::new();
/// let [a, b, c, d] = [(); 4].map(|_| g.add_node(()));
/// g.add_edge(a, b, 5.0);
/// g.add_edge(b, c, 10.0);
/// g.add_edge(c, d, 1.0);
/// let mut seen = Vec::new();
/// bounded_dijkstra(&g, &[(a, 0.0)], 15.0, |e| *e.weight(), &mut Scratch::default(),
///     |n, cost| seen.push((n.index(), cost)));
/// assert_eq!(seen, [(0, 0.0), (1, 5.0), (2, 15.0)]);
/// ```
pub fn bounded_dijkstra<G, F, S>(
    graph: G,
    sources: &[(G::NodeId, f64)],
    limit: f64,
    mut cost: F,
    scratch: &mut Scratch,
    mut settled: S,
) where
    G: IntoEdges + NodeIndexable,
    F: FnMut(G::EdgeRef) -> f64,
    S: FnMut(G::NodeId, f64),
{
    let n = graph.node_bound();
    if scratch.cost.len() < n {
        scratch.cost.resize(n, f64::INFINITY);
    }
    let Scratch {
        cost: best,
        touched,
        heap,
    } = scratch;
    for &(node, c) in sources {
        let i = graph.to_index(node);
        if c <= limit && c < best[i] {
            if best[i] == f64::INFINITY {
                touched.push(i);
            }
            best[i] = c;
            heap.push(Reverse(Entry { cost: c, node: i }));
        }
    }
    while let Some(Reverse(Entry { cost: c, node: i })) = heap.pop() {
        if c > best[i] {
            continue; // a stale entry: the node was settled at a lower cost
        }
        let u = graph.from_index(i);
        settled(u, c);
        for edge in graph.edges(u) {
            let w = cost(edge);
            if w.is_nan() || w == f64::INFINITY {
                continue;
            }
            let next = c + w;
            let j = graph.to_index(edge.target());
            if next <= limit && next < best[j] {
                if best[j] == f64::INFINITY {
                    touched.push(j);
                }
                best[j] = next;
                heap.push(Reverse(Entry {
                    cost: next,
                    node: j,
                }));
            }
        }
    }
    for i in touched.drain(..) {
        best[i] = f64::INFINITY;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use petgraph::algo::dijkstra;
    use petgraph::graph::{DiGraph, NodeIndex};

    /// A small deterministic pseudo-random generator for test graphs.
    fn lcg(state: &mut u64) -> u64 {
        *state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        *state >> 33
    }

    #[test]
    fn agrees_with_petgraph_below_the_limit() {
        let mut state = 7u64;
        for _ in 0..20 {
            let n = 40;
            let mut g = DiGraph::<(), f64>::new();
            let nodes: Vec<NodeIndex> = (0..n).map(|_| g.add_node(())).collect();
            for _ in 0..120 {
                let a = nodes[(lcg(&mut state) % n as u64) as usize];
                let b = nodes[(lcg(&mut state) % n as u64) as usize];
                g.add_edge(a, b, (lcg(&mut state) % 100) as f64 / 10.0);
            }
            let limit = 12.5;
            let full = dijkstra(&g, nodes[0], None, |e| *e.weight());
            let mut ours = Vec::new();
            let mut scratch = Scratch::default();
            bounded_dijkstra(
                &g,
                &[(nodes[0], 0.0)],
                limit,
                |e| *e.weight(),
                &mut scratch,
                |v, c| ours.push((v, c)),
            );
            let mut expected: Vec<(NodeIndex, f64)> =
                full.into_iter().filter(|(_, c)| *c <= limit).collect();
            expected.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
            ours.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
            assert_eq!(ours, expected);
            // The scratch space is clean for the next run.
            assert!(scratch.cost.iter().all(|c| *c == f64::INFINITY));
        }
    }

    #[test]
    fn several_sources_with_start_costs() {
        // a →4→ c ← 1 ← b; start a at 0 and b at 2: c is reached at 3 through b.
        let mut g = DiGraph::<(), f64>::new();
        let [a, b, c] = [(); 3].map(|_| g.add_node(()));
        g.add_edge(a, c, 4.0);
        g.add_edge(b, c, 1.0);
        let mut seen = Vec::new();
        bounded_dijkstra(
            &g,
            &[(a, 0.0), (b, 2.0)],
            10.0,
            |e| *e.weight(),
            &mut Scratch::default(),
            |n, cost| seen.push((n.index(), cost)),
        );
        assert_eq!(seen, [(0, 0.0), (1, 2.0), (2, 3.0)]);
    }

    #[test]
    fn closed_edges_are_skipped() {
        let mut g = DiGraph::<(), f64>::new();
        let [a, b] = [(); 2].map(|_| g.add_node(()));
        g.add_edge(a, b, f64::INFINITY);
        let mut seen = Vec::new();
        bounded_dijkstra(
            &g,
            &[(a, 0.0)],
            f64::INFINITY,
            |e| *e.weight(),
            &mut Scratch::default(),
            |n, _| seen.push(n.index()),
        );
        assert_eq!(seen, [0]);
    }
}
