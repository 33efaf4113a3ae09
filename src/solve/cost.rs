//! The cost table the siting solvers share: what serving each client from each site costs,
//! indexed both ways, complete or truncated to each client's nearest sites.
//!
//! # Truncated rows
//! Listing every client–site pair of a county is wasteful, so callers keep each client's
//! nearest sites. A truncated row says how much its unlisted sites cost at least (the next
//! distance, `beyond`), and the solvers keep the answer exact as in Church's BEAMR model:
//! every unlisted pair is priced at `beyond`, which can only lower the cost of an answer, so
//! a bound of that model bounds the full problem; an answer whose clients are all served
//! within their lists costs what it reports; and where the best answer would send a client
//! beyond its list, that client's row is grown through a [`RowSource`] and the problem solved
//! again.
//!
//! # References
//! - Church, R. L. (2008). BEAMR: An exact and overlap-free model for the p-median problem.
//!   *Computers & Operations Research* 35, 968–977.

use super::error::SolveError;

/// One allowed client–site pair seen from one end: the other end and the cost.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Link {
    /// The site (in a client's row) or the client (in a site's column).
    pub to: u32,
    /// Cost of serving the client from the site.
    pub cost: f64,
}

/// A client's cost row from a [`RowSource`]: the listed `(site, cost)` pairs, in any order,
/// and the least cost of every site not listed (`f64::INFINITY` when no other site may
/// serve the client).
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    /// Listed sites and costs.
    pub links: Vec<(u32, f64)>,
    /// Every unlisted site costs at least this; at least every listed cost.
    pub beyond: f64,
}

/// Longer cost rows on demand, for tables whose rows were truncated.
pub trait RowSource {
    /// Longer rows of `clients` (ascending) than the ones the table holds: more sites listed
    /// or a larger least cost beyond them (a complete row, `beyond = ∞`, always qualifies).
    /// One row per client, in the order asked.
    ///
    /// # Errors
    /// Whatever stops the source from computing them, as [`SolveError::Rows`].
    fn rows(&mut self, clients: &[u32]) -> Result<Vec<Row>, SolveError>;
}

/// Costs of serving clients from sites, dense or sparse, with both directions indexed.
///
/// Rows (per client) are sorted by cost, ties by site index; columns (per site) by cost, ties
/// by client index. A row is complete (a pair that is not listed is not allowed) or
/// truncated (every pair that is not listed costs at least [`CostTable::beyond`]).
#[derive(Clone, Debug)]
pub struct CostTable {
    sites: usize,
    row_start: Vec<usize>,
    rows: Vec<Link>,
    col_start: Vec<usize>,
    cols: Vec<Link>,
    lookup: Lookup,
    beyond: Vec<f64>,
    integral: bool,
    max_cost: f64,
}

/// Random access to one cost.
#[derive(Clone, Debug)]
enum Lookup {
    /// Row-major clients × sites, `∞` where not allowed.
    Dense(Vec<f64>),
    /// Each client's links sorted by site (offsets as the rows).
    BySite(Vec<Link>),
}

impl CostTable {
    /// A dense table: `costs[i * sites + j]` is the cost of client `i` at site `j`;
    /// `f64::INFINITY` marks a pair that is not allowed.
    ///
    /// # Errors
    /// [`SolveError::Shape`] when `costs` does not hold `clients × sites` values,
    /// [`SolveError::BadCost`] for a negative or NaN cost.
    pub fn dense(clients: usize, sites: usize, costs: Vec<f64>) -> Result<Self, SolveError> {
        if costs.len() != clients * sites {
            return Err(SolveError::Shape {
                what: "costs",
                got: costs.len(),
                want: clients * sites,
                of: "clients × sites",
            });
        }
        let mut lists = Vec::with_capacity(clients);
        for i in 0..clients {
            let row = &costs[i * sites..(i + 1) * sites];
            let mut list = Vec::new();
            for (j, &c) in row.iter().enumerate() {
                check_cost(i, j, c)?;
                if c.is_finite() {
                    list.push(Link {
                        to: j as u32,
                        cost: c,
                    });
                }
            }
            lists.push(list);
        }
        let beyond = vec![f64::INFINITY; clients];
        Ok(Self::build(sites, lists, beyond, Some(costs)))
    }

    /// A dense table from a cost function of (client, site).
    ///
    /// # Errors
    /// As [`CostTable::dense`].
    pub fn from_fn(
        clients: usize,
        sites: usize,
        cost: impl Fn(usize, usize) -> f64,
    ) -> Result<Self, SolveError> {
        let costs = (0..clients * sites)
            .map(|k| cost(k / sites, k % sites))
            .collect();
        Self::dense(clients, sites, costs)
    }

    /// A sparse table of complete rows: for each client the allowed `(site, cost)` pairs, in
    /// any order; no other pair is allowed. A site listed twice for one client keeps its
    /// cheaper cost.
    ///
    /// # Errors
    /// [`SolveError::SiteOutOfRange`] and [`SolveError::BadCost`].
    pub fn sparse(sites: usize, lists: &[Vec<(u32, f64)>]) -> Result<Self, SolveError> {
        Self::truncated(sites, lists, &vec![f64::INFINITY; lists.len()])
    }

    /// A sparse table of truncated rows: for each client its nearest `(site, cost)` pairs, in
    /// any order, and `beyond[i]`, the least cost at which any unlisted site could serve
    /// client `i` (for example the cost of its next-nearest site; `f64::INFINITY` when the
    /// row is complete). The solvers stay exact on such a table (see the module
    /// documentation).
    ///
    /// # Errors
    /// As [`CostTable::sparse`]; [`SolveError::Shape`] when `beyond` is not one value per
    /// client, [`SolveError::BadTail`] when a `beyond` is NaN or below a listed cost.
    pub fn truncated(
        sites: usize,
        lists: &[Vec<(u32, f64)>],
        beyond: &[f64],
    ) -> Result<Self, SolveError> {
        if beyond.len() != lists.len() {
            return Err(SolveError::Shape {
                what: "least costs beyond the lists",
                got: beyond.len(),
                want: lists.len(),
                of: "clients",
            });
        }
        let mut out = Vec::with_capacity(lists.len());
        for (i, list) in lists.iter().enumerate() {
            out.push(sparse_row(i, sites, list, beyond[i])?);
        }
        Ok(Self::build(sites, out, beyond.to_vec(), None))
    }

    /// The same table with the rows of some clients replaced by longer ones.
    ///
    /// # Errors
    /// As [`CostTable::truncated`] for the new rows; [`SolveError::NoProgress`] when a new
    /// row lists no more sites than the old one and its `beyond` is not larger.
    pub fn with_rows(&self, clients: &[u32], rows: &[Row]) -> Result<Self, SolveError> {
        if clients.len() != rows.len() {
            return Err(SolveError::Shape {
                what: "rows",
                got: rows.len(),
                want: clients.len(),
                of: "clients asked for",
            });
        }
        let mut lists: Vec<Vec<Link>> = (0..self.clients())
            .map(|i| {
                let mut row = self.row(i).to_vec();
                row.sort_by_key(|l| l.to);
                row
            })
            .collect();
        let mut beyond = self.beyond.clone();
        for (&i, row) in clients.iter().zip(rows) {
            let i = i as usize;
            let Some(old) = lists.get(i) else {
                return Err(SolveError::Shape {
                    what: "clients",
                    got: i + 1,
                    want: self.clients(),
                    of: "clients",
                });
            };
            let new = sparse_row(i, self.sites, &row.links, row.beyond)?;
            if new.len() <= old.len() && row.beyond <= beyond[i] {
                return Err(SolveError::NoProgress { client: i });
            }
            lists[i] = new;
            beyond[i] = row.beyond;
        }
        Ok(Self::build(self.sites, lists, beyond, None))
    }

    fn build(
        sites: usize,
        mut lists: Vec<Vec<Link>>,
        beyond: Vec<f64>,
        dense: Option<Vec<f64>>,
    ) -> Self {
        let mut row_start = Vec::with_capacity(lists.len() + 1);
        row_start.push(0);
        let mut by_site = Vec::new();
        let mut rows = Vec::new();
        let mut col_len = vec![0usize; sites];
        let mut integral = true;
        let mut max_cost: f64 = 0.0;
        for list in &mut lists {
            if dense.is_none() {
                // Sparse lists arrive sorted by site.
                by_site.extend_from_slice(list);
            }
            list.sort_by(|a, b| a.cost.total_cmp(&b.cost).then(a.to.cmp(&b.to)));
            for l in list.iter() {
                col_len[l.to as usize] += 1;
                integral &= l.cost.fract() == 0.0 && l.cost < 1e15;
                max_cost = max_cost.max(l.cost);
            }
            rows.extend_from_slice(list);
            row_start.push(rows.len());
        }
        for &b in &beyond {
            if b.is_finite() {
                integral &= b.fract() == 0.0 && b < 1e15;
            }
        }
        let mut col_start = vec![0usize; sites + 1];
        for j in 0..sites {
            col_start[j + 1] = col_start[j] + col_len[j];
        }
        let mut fill = col_start[..sites].to_vec();
        let mut cols = vec![Link { to: 0, cost: 0.0 }; rows.len()];
        for i in 0..lists.len() {
            for l in &rows[row_start[i]..row_start[i + 1]] {
                let at = &mut fill[l.to as usize];
                cols[*at] = Link {
                    to: i as u32,
                    cost: l.cost,
                };
                *at += 1;
            }
        }
        for j in 0..sites {
            cols[col_start[j]..col_start[j + 1]]
                .sort_by(|a, b| a.cost.total_cmp(&b.cost).then(a.to.cmp(&b.to)));
        }
        let lookup = match dense {
            Some(d) => Lookup::Dense(d),
            None => Lookup::BySite(by_site),
        };
        Self {
            sites,
            row_start,
            rows,
            col_start,
            cols,
            lookup,
            beyond,
            integral,
            max_cost,
        }
    }

    /// Number of clients.
    pub fn clients(&self) -> usize {
        self.row_start.len() - 1
    }

    /// Number of candidate sites.
    pub fn sites(&self) -> usize {
        self.sites
    }

    /// Number of listed pairs.
    pub fn pairs(&self) -> usize {
        self.rows.len()
    }

    /// The sites listed for client `i`, cheapest first.
    pub fn row(&self, i: usize) -> &[Link] {
        &self.rows[self.row_start[i]..self.row_start[i + 1]]
    }

    /// The clients listing site `j`, cheapest first.
    pub fn column(&self, j: usize) -> &[Link] {
        &self.cols[self.col_start[j]..self.col_start[j + 1]]
    }

    /// The least cost at which a site not listed for client `i` could serve it:
    /// `f64::INFINITY` when its row is complete.
    pub fn beyond(&self, i: usize) -> f64 {
        self.beyond[i]
    }

    /// Whether every row is complete (no pair beyond the lists is allowed).
    pub fn is_complete(&self) -> bool {
        self.beyond.iter().all(|b| b.is_infinite())
    }

    /// The listed cost of client `i` at site `j`, `None` when the pair is not listed.
    pub fn cost(&self, i: usize, j: usize) -> Option<f64> {
        let c = self.c(i, j);
        c.is_finite().then_some(c)
    }

    /// Whether every cost is a whole number (bounds are then rounded up).
    pub fn is_integral(&self) -> bool {
        self.integral
    }

    /// The largest listed cost.
    pub fn max_cost(&self) -> f64 {
        self.max_cost
    }

    /// The listed cost of client `i` at site `j`, `∞` when not listed.
    pub(crate) fn c(&self, i: usize, j: usize) -> f64 {
        match &self.lookup {
            Lookup::Dense(d) => d[i * self.sites + j],
            Lookup::BySite(links) => {
                let row = &links[self.row_start[i]..self.row_start[i + 1]];
                match row.binary_search_by(|l| l.to.cmp(&(j as u32))) {
                    Ok(k) => row[k].cost,
                    Err(_) => f64::INFINITY,
                }
            }
        }
    }

    /// Clients that no site may serve: an empty, complete row.
    pub fn unreachable(&self) -> Vec<u32> {
        (0..self.clients())
            .filter(|&i| self.row(i).is_empty() && self.beyond[i].is_infinite())
            .map(|i| i as u32)
            .collect()
    }

    /// A cost above every total of listed costs: one more than the sum of each client's
    /// dearest listed cost. Charged for a client left without a listed open site.
    pub(crate) fn penalty(&self) -> f64 {
        1.0 + (0..self.clients())
            .map(|i| self.row(i).last().map_or(0.0, |l| l.cost))
            .sum::<f64>()
    }
}

/// The nearest-site truncation of a complete table, and a [`RowSource`] that grows it: the
/// first table keeps each client's `k` cheapest sites, and every request doubles the rows
/// asked for. For benchmarks and tests of the truncated models; a caller with a travel model
/// grows rows from that model instead.
#[derive(Clone, Debug)]
pub struct NearestRows {
    full: CostTable,
    len: Vec<usize>,
}

impl NearestRows {
    /// Rows of `full` (complete rows expected) cut to their `k` cheapest sites.
    pub fn new(full: CostTable, k: usize) -> Self {
        let len = vec![k; full.clients()];
        Self { full, len }
    }

    /// The truncated table: each row its first `k` sites, `beyond` the next site's cost.
    pub fn table(&self) -> CostTable {
        let n = self.full.clients();
        let mut lists = Vec::with_capacity(n);
        let mut beyond = Vec::with_capacity(n);
        for i in 0..n {
            let row = self.row(i);
            lists.push(row.links);
            beyond.push(row.beyond);
        }
        CostTable::truncated(self.full.sites, &lists, &beyond)
            .expect("a cut of a valid table is valid")
    }

    fn row(&self, i: usize) -> Row {
        let full = self.full.row(i);
        let k = self.len[i].min(full.len());
        Row {
            links: full[..k].iter().map(|l| (l.to, l.cost)).collect(),
            beyond: full
                .get(k)
                .map_or(self.full.beyond[i], |l| l.cost.min(self.full.beyond[i])),
        }
    }
}

impl RowSource for NearestRows {
    fn rows(&mut self, clients: &[u32]) -> Result<Vec<Row>, SolveError> {
        clients
            .iter()
            .map(|&i| {
                let i = i as usize;
                let len = self.len.get_mut(i).ok_or(SolveError::Shape {
                    what: "clients",
                    got: i + 1,
                    want: self.full.clients(),
                    of: "clients",
                })?;
                *len = (*len * 2).max(*len + 1);
                Ok(self.row(i))
            })
            .collect()
    }
}

/// One client's row checked and sorted by site, duplicates keeping the cheaper cost.
fn sparse_row(
    i: usize,
    sites: usize,
    list: &[(u32, f64)],
    beyond: f64,
) -> Result<Vec<Link>, SolveError> {
    let mut row: Vec<Link> = Vec::with_capacity(list.len());
    for &(j, c) in list {
        if j as usize >= sites {
            return Err(SolveError::SiteOutOfRange {
                client: i,
                site: j,
                sites,
            });
        }
        check_cost(i, j as usize, c)?;
        if c.is_finite() {
            row.push(Link { to: j, cost: c });
        }
    }
    row.sort_by(|a, b| a.to.cmp(&b.to).then(a.cost.total_cmp(&b.cost)));
    row.dedup_by_key(|l| l.to);
    let listed = row.iter().map(|l| l.cost).fold(0.0, f64::max);
    if beyond.is_nan() || beyond < listed {
        return Err(SolveError::BadTail {
            client: i,
            beyond,
            listed,
        });
    }
    Ok(row)
}

fn check_cost(i: usize, j: usize, c: f64) -> Result<(), SolveError> {
    if c.is_nan() || c < 0.0 {
        Err(SolveError::BadCost {
            client: i,
            site: j,
            cost: c,
        })
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn truncated_rows_keep_their_tail() {
        let t = CostTable::truncated(3, &[vec![(2, 1.0), (0, 2.0)], vec![]], &[5.0, 7.0])
            .expect("valid");
        assert_eq!(t.beyond(0), 5.0);
        assert!(!t.is_complete());
        assert!(
            t.unreachable().is_empty(),
            "an empty truncated row still reaches"
        );
        assert_eq!(t.cost(0, 1), None);
        assert_eq!(
            CostTable::truncated(3, &[vec![(2, 9.0)]], &[5.0]).err(),
            Some(SolveError::BadTail {
                client: 0,
                beyond: 5.0,
                listed: 9.0
            })
        );
    }

    #[test]
    fn grown_rows_replace_the_old_ones() {
        let t =
            CostTable::truncated(3, &[vec![(0, 1.0)], vec![(1, 1.0)]], &[2.0, 3.0]).expect("valid");
        let rows = [Row {
            links: vec![(0, 1.0), (2, 2.0), (1, 4.0)],
            beyond: f64::INFINITY,
        }];
        let g = t.with_rows(&[0], &rows).expect("longer");
        assert_eq!(g.row(0).len(), 3);
        assert_eq!(g.column(2), [Link { to: 0, cost: 2.0 }]);
        assert_eq!(g.row(1), t.row(1));
        assert_eq!(g.beyond(1), 3.0);
        let same = [Row {
            links: vec![(0, 1.0)],
            beyond: 2.0,
        }];
        assert_eq!(
            t.with_rows(&[0], &same).err(),
            Some(SolveError::NoProgress { client: 0 })
        );
    }

    #[test]
    fn bad_input_is_rejected() {
        assert!(CostTable::dense(2, 2, vec![1.0, 2.0, 3.0]).is_err());
        assert!(CostTable::dense(1, 2, vec![1.0, f64::NAN]).is_err());
        assert!(CostTable::sparse(2, &[vec![(2, 1.0)]]).is_err());
        assert!(CostTable::sparse(2, &[vec![(1, -1.0)]]).is_err());
        assert!(CostTable::truncated(2, &[vec![(1, 1.0)]], &[f64::NAN]).is_err());
    }
}
