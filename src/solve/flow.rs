//! Capacitated assignment of people to sites as a maximum flow (Dinic 1970): source → demand
//! point (its weight) → every site it reaches → sink (the site's capacity). People may split
//! between sites. Points try their nearest site first, so the flow found keeps people close
//! where capacity allows.

use std::collections::VecDeque;

/// An assignment problem: demand weights, site capacities, and for each point the sites it
/// may use, nearest first.
#[derive(Clone, Debug, Default)]
pub struct Assignment {
    /// Weight of each demand point.
    pub demand: Vec<f64>,
    /// Capacity of each site (`f64::INFINITY` for none).
    pub capacity: Vec<f64>,
    /// For each point, the sites it may be assigned to, nearest first.
    pub options: Vec<Vec<u32>>,
}

/// The result: how much of each point is served, and by which sites.
#[derive(Clone, Debug, PartialEq)]
pub struct Served {
    /// Total weight served.
    pub total: f64,
    /// Weight served per point.
    pub per_point: Vec<f64>,
    /// Weight each site serves.
    pub per_site: Vec<f64>,
    /// For each point, (site, weight) pairs, nearest first.
    pub flows: Vec<Vec<(u32, f64)>>,
}

struct Edge {
    to: usize,
    rev: usize,
    cap: f64,
}

struct Graph {
    adj: Vec<Vec<Edge>>,
}

const EPS: f64 = 1e-9;

impl Graph {
    fn add(&mut self, a: usize, b: usize, cap: f64) -> (usize, usize) {
        let ra = self.adj[b].len();
        let rb = self.adj[a].len();
        self.adj[a].push(Edge {
            to: b,
            rev: ra,
            cap,
        });
        self.adj[b].push(Edge {
            to: a,
            rev: rb,
            cap: 0.0,
        });
        (a, rb)
    }

    fn levels(&self, s: usize, t: usize) -> Option<Vec<i32>> {
        let mut level = vec![-1; self.adj.len()];
        level[s] = 0;
        let mut q = VecDeque::from([s]);
        while let Some(u) = q.pop_front() {
            for e in &self.adj[u] {
                if e.cap > EPS && level[e.to] < 0 {
                    level[e.to] = level[u] + 1;
                    q.push_back(e.to);
                }
            }
        }
        (level[t] >= 0).then_some(level)
    }

    /// One blocking-flow push along level-increasing edges (iterative DFS).
    fn push(&mut self, s: usize, t: usize, level: &[i32], it: &mut [usize]) -> f64 {
        let mut path: Vec<(usize, usize)> = Vec::new();
        let mut u = s;
        loop {
            if u == t {
                let f = path
                    .iter()
                    .map(|&(v, i)| self.adj[v][i].cap)
                    .fold(f64::INFINITY, f64::min);
                for &(v, i) in &path {
                    self.adj[v][i].cap -= f;
                    let (to, rev) = (self.adj[v][i].to, self.adj[v][i].rev);
                    self.adj[to][rev].cap += f;
                }
                return f;
            }
            let mut advanced = false;
            while it[u] < self.adj[u].len() {
                let e = &self.adj[u][it[u]];
                if e.cap > EPS && level[e.to] == level[u] + 1 {
                    path.push((u, it[u]));
                    u = e.to;
                    advanced = true;
                    break;
                }
                it[u] += 1;
            }
            if !advanced {
                if u == s {
                    return 0.0;
                }
                let (prev, _) = path
                    .pop()
                    .expect("a non-source node has a parent on the path");
                it[prev] += 1;
                u = prev;
            }
        }
    }
}

impl Assignment {
    /// The maximum weight that can be served, with the flows.
    pub fn solve(&self) -> Served {
        self.solve_with_first(None)
    }

    /// [`Assignment::solve`] with the sites `first` marks (one flag per site) filled before
    /// the others: the flow is first maximal for those sites alone, then for all. An
    /// augmenting path ends at the sink, so it never lowers what a site passes on to it: the
    /// first sites still serve, in all, as many as they can alone. The total is the same
    /// maximum as [`Assignment::solve`]'s.
    pub fn solve_first(&self, first: &[bool]) -> Served {
        self.solve_with_first(Some(first))
    }

    fn solve_with_first(&self, first: Option<&[bool]>) -> Served {
        let early = |j: usize| first.is_none_or(|f| f[j]);
        let n = self.demand.len();
        let m = self.capacity.len();
        let (s, t) = (n + m, n + m + 1);
        let mut g = Graph {
            adj: (0..n + m + 2).map(|_| Vec::new()).collect(),
        };
        let mut arcs: Vec<Vec<(u32, (usize, usize))>> = vec![Vec::new(); n];
        // Nearest first: a greedy pass fills the nearest sites before the flow rebalances.
        let mut left: Vec<f64> = self.capacity.clone();
        let mut pre = vec![Vec::new(); n];
        for (i, opts) in self.options.iter().enumerate() {
            let mut need = self.demand[i];
            for &j in opts.iter().filter(|&&j| early(j as usize)) {
                if need <= EPS {
                    break;
                }
                let take = need.min(left[j as usize]);
                if take > EPS {
                    pre[i].push((j, take));
                    left[j as usize] -= take;
                    need -= take;
                }
            }
        }
        for i in 0..n {
            let pre_total: f64 = pre[i].iter().map(|p| p.1).sum();
            g.add(s, i, self.demand[i] - pre_total);
            for &j in &self.options[i] {
                let id = g.add(i, n + j as usize, f64::INFINITY);
                arcs[i].push((j, id));
            }
        }
        let mut sink_arcs = Vec::with_capacity(m);
        for (j, &cap) in self.capacity.iter().enumerate() {
            sink_arcs.push(g.add(n + j, t, if early(j) { cap } else { 0.0 }));
        }
        // Install the greedy flow as residual capacities.
        for i in 0..n {
            for &(j, f) in &pre[i] {
                let &(_, (a, ei)) = arcs[i]
                    .iter()
                    .find(|(jj, _)| *jj == j)
                    .expect("listed option");
                let e = &mut g.adj[a][ei];
                e.cap -= f;
                let (to, rev) = (e.to, e.rev);
                g.adj[to][rev].cap += f;
                let (sa, si) = sink_arcs[j as usize];
                let e = &mut g.adj[sa][si];
                e.cap -= f;
                let (to, rev) = (e.to, e.rev);
                g.adj[to][rev].cap += f;
            }
        }
        let max_flow = |g: &mut Graph| {
            while let Some(level) = g.levels(s, t) {
                let mut it = vec![0usize; g.adj.len()];
                while g.push(s, t, &level, &mut it) > EPS {}
            }
        };
        max_flow(&mut g);
        if first.is_some() {
            // The other sites open: their sink arcs carry no flow yet.
            for (j, &(a, i)) in sink_arcs.iter().enumerate() {
                if !early(j) {
                    g.adj[a][i].cap = self.capacity[j];
                }
            }
            max_flow(&mut g);
        }
        let mut flows = vec![Vec::new(); n];
        let mut per_point = vec![0.0; n];
        let mut per_site = vec![0.0; m];
        for i in 0..n {
            for &(j, (a, ei)) in &arcs[i] {
                let e = &g.adj[a][ei];
                let f = g.adj[e.to][e.rev].cap;
                if f > EPS {
                    flows[i].push((j, f));
                    per_point[i] += f;
                    per_site[j as usize] += f;
                }
            }
        }
        Served {
            total: per_point.iter().sum(),
            per_point,
            per_site,
            flows,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn capacity_limits_and_rebalances() {
        // Point 0 (10 people) reaches sites 0 and 1; point 1 (10 people) only site 0. Site 0
        // holds 10, site 1 holds 10. Nearest-first would put point 0 on site 0 and leave point 1
        // unserved; the flow moves point 0 to site 1: everyone is served.
        let a = Assignment {
            demand: vec![10.0, 10.0],
            capacity: vec![10.0, 10.0],
            options: vec![vec![0, 1], vec![0]],
        };
        let s = a.solve();
        assert!((s.total - 20.0).abs() < 1e-9);
        assert_eq!(s.flows[1], vec![(0, 10.0)]);
        assert_eq!(s.flows[0], vec![(1, 10.0)]);
    }

    /// A random assignment of 1 to `max_points` points and 1 to 5 sites, each point
    /// reaching each site with probability ½.
    fn random_assignment(r: &mut crate::solve::SplitMix64, max_points: usize) -> Assignment {
        let n = 1 + r.below(max_points);
        let m = 1 + r.below(5);
        Assignment {
            demand: (0..n).map(|_| r.below(50) as f64).collect(),
            capacity: (0..m).map(|_| r.below(60) as f64).collect(),
            options: (0..n)
                .map(|_| (0..m as u32).filter(|_| r.below(2) == 0).collect())
                .collect(),
        }
    }

    #[test]
    fn the_first_sites_keep_serving_what_they_serve_alone() {
        // Point 0 (100) reaches site 0 (the existing one, 300 places) and site 1 (800);
        // point 1 (400) reaches both too. Filling site 0 first, it serves 300 of the 500,
        // as it does alone; everyone is served at the end.
        let a = Assignment {
            demand: vec![100.0, 400.0],
            capacity: vec![300.0, 800.0],
            options: vec![vec![1, 0], vec![1, 0]],
        };
        assert!((a.solve().total - 500.0).abs() < 1e-9);
        let s = a.solve_first(&[true, false]);
        assert!((s.total - 500.0).abs() < 1e-9);
        assert!((s.per_site[0] - 300.0).abs() < 1e-9, "{:?}", s.per_site);
        // Random instances: the first sites serve what they serve alone, the total is the
        // maximum.
        let mut r = crate::solve::SplitMix64::new(5, 0);
        for _ in 0..200 {
            let a = random_assignment(&mut r, 8);
            let m = a.capacity.len();
            let first: Vec<bool> = (0..m).map(|_| r.below(2) == 0).collect();
            let alone = Assignment {
                capacity: (0..m)
                    .map(|j| if first[j] { a.capacity[j] } else { 0.0 })
                    .collect(),
                ..a.clone()
            }
            .solve()
            .total;
            let s = a.solve_first(&first);
            let by_first: f64 = (0..m).filter(|&j| first[j]).map(|j| s.per_site[j]).sum();
            assert!((by_first - alone).abs() < 1e-6, "{by_first} vs {alone}");
            assert!((s.total - a.solve().total).abs() < 1e-6);
        }
    }

    #[test]
    fn served_never_exceeds_demand_or_capacity() {
        let mut r = crate::solve::SplitMix64::new(3, 0);
        for _ in 0..50 {
            let a = random_assignment(&mut r, 12);
            let (n, m) = (a.demand.len(), a.capacity.len());
            let s = a.solve();
            for i in 0..n {
                assert!(s.per_point[i] <= a.demand[i] + 1e-6);
            }
            for j in 0..m {
                assert!(s.per_site[j] <= a.capacity[j] + 1e-6);
            }
            // Max-flow = min-cut: served is at most total demand and total reachable capacity.
            let reachable_cap: f64 = (0..m as u32)
                .filter(|j| a.options.iter().any(|o| o.contains(j)))
                .map(|j| a.capacity[j as usize])
                .sum();
            let total: f64 = a.demand.iter().sum();
            assert!(s.total <= total.min(reachable_cap) + 1e-6);
            // No augmenting path is left: each point with unmet demand sees only full sites.
            for i in 0..n {
                if s.per_point[i] < a.demand[i] - 1e-6 {
                    for &j in &a.options[i] {
                        assert!(
                            s.per_site[j as usize] >= a.capacity[j as usize] - 1e-6
                                || a.options.is_empty()
                        );
                    }
                }
            }
        }
    }
}
