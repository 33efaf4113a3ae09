//! Full set covering with the street, township and county rules: every person some candidate
//! can reach is covered, each street holds its centres, a share of the townships holds one,
//! each county its rural centres, at the least cost.
//!
//! # Model
//! On a [`CoverageProblem`] with a price `c_j` per candidate (a count of sites when every
//! price is 1) and [`GroupRules`]:
//!
//! ```text
//! min Σ c_j x_j   s.t.  Σ_{j ∋ i} x_j >= 1          for every point i with people, not covered
//!                                                     before and within some candidate's reach,
//!                       Σ_{j ∈ g} x_j >= at_least_g,   Σ_{j ∈ c} x_j >= at_least_c,
//!                       z_g <= Σ_{j ∈ g} x_j,  Σ_{g without a centre} z_g >= need − have,
//!                       x ∈ {0,1},  z ∈ [0,1]
//! ```
//!
//! (the location set-covering problem, Toregas et al. 1971, with the group rows of the plans'
//! street and township rules, and count rows `c` such as a county's rural centres). Without
//! count rows this is [`min_cost_with_rules`] with the target equal to the reachable people:
//! the coverage rows are then plain covering rows, which admit the classic reductions.
//!
//! # Method
//! 1. Reductions, repeated until none applies (Garfinkel & Nemhauser 1972, *Integer
//!    Programming*, §8.2 on set covering): a point only one candidate reaches, or a group or
//!    count row with exactly as many candidates as it needs, forces them open; a point whose
//!    candidates include all those of another point is implied by it and dropped; a
//!    candidate whose points lie within those of another no dearer candidate that stands in
//!    for it in every count row still short (each needing at most one more) and in the
//!    township share is dropped.
//! 2. The candidates left split into independent pieces (linked by a shared point or a group
//!    or count row); each piece is solved by LP-based branch and bound (`microlp`) within the node
//!    limit, and its bound is the solver's best bound over the open nodes, rounded up where
//!    prices are whole.
//! 3. The answer is the forced candidates and each piece's answer; the bound is the forced
//!    cost plus the pieces' bounds. A piece the solver leaves without any answer takes the
//!    greedy answer (the group and count rows first, then the most points per price).
//!
//! Where the target is below the reachable people, [`min_cost_rules_cover`] hands the program
//! to [`min_cost_with_rules`] unchanged (and [`min_cost_rules_cover_with`], with a count row
//! still short, gives no answer).

use super::Certificate;
use super::budget_coverage::{BudgetCoverageSolution, GroupRules, min_cost_with_rules, usable};
use super::coverage::CoverageProblem;

const TOL: f64 = Certificate::TOLERANCE;

/// One joint rules-and-coverage program as data, for a check by another solver: the coverage
/// problem, prices, target and rules of [`min_cost_rules_cover`] (see the module docs for the
/// model). Points and candidates are indices as in the [`CoverageProblem`].
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize)]
pub struct RulesCoverInstance {
    /// People per point.
    pub weight: Vec<f64>,
    /// Whether a site open before the plan covers the point.
    pub covered: Vec<bool>,
    /// Points each candidate reaches.
    pub sets: Vec<Vec<u32>>,
    /// Price of each candidate (new sites: 1, sites opened anyway: 0); `None` where it cannot
    /// open.
    pub price: Vec<Option<f64>>,
    /// People to cover in all (those covered before included).
    pub target: f64,
    /// The group (township) of each candidate, if it counts for one.
    pub group: Vec<Option<u32>>,
    /// Per group: whether it holds a centre before the plan.
    pub has: Vec<bool>,
    /// Per group: open candidates it needs at least.
    pub at_least: Vec<u32>,
    /// Groups that must hold a centre, in all.
    pub need_groups: usize,
    /// More count rows (a county's rural centres).
    pub counts: Vec<CountRow>,
}

impl RulesCoverInstance {
    /// The program of [`min_cost_rules_cover_with`] called with these arguments.
    pub fn new(
        problem: &CoverageProblem,
        price: &[f64],
        target: f64,
        rules: &GroupRules,
        counts: &[CountRow],
    ) -> Self {
        Self {
            weight: problem.weight.clone(),
            covered: problem.covered.clone(),
            sets: problem.sets.clone(),
            price: price
                .iter()
                .map(|&c| (c.is_finite() && c >= 0.0).then_some(c))
                .collect(),
            target,
            group: rules.group.clone(),
            has: rules.has.clone(),
            at_least: rules.at_least.clone(),
            need_groups: rules.need_groups,
            counts: counts.to_vec(),
        }
    }
}

/// A count row next to the group rules: at least `at_least` of the candidates `members` open
/// (每县 `per_county` rural centres: the day-care candidates of the county's 镇 and 乡).
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct CountRow {
    /// Candidate indices.
    pub members: Vec<u32>,
    /// Open members needed at least.
    pub at_least: u32,
}

/// What [`min_cost_rules_cover`] did besides its answer.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct RulesCoverStats {
    /// Candidates the reductions opened.
    pub forced: usize,
    /// Points left after the reductions.
    pub points_left: usize,
    /// Candidates left after the reductions.
    pub candidates_left: usize,
    /// Independent pieces solved.
    pub pieces: usize,
    /// Pieces the branch and bound finished.
    pub pieces_proven: usize,
    /// Branch-and-bound nodes, all pieces together.
    pub nodes: u64,
}

/// The cheapest set meeting the coverage `target` and the group `rules` (see the module
/// docs), with `price[j]` the price of candidate `j` (not finite or negative: it never opens)
/// and at most `node_limit` branch-and-bound nodes per piece. The certificate's bound is a
/// proven lower bound on the cost (status `optimal` when every piece was solved to the end).
/// `None` when no set meets the target and the rules, or (target below the reachable people)
/// [`min_cost_with_rules`] gives no answer.
///
/// # Panics
/// When `price` or `rules.group` do not hold one entry per candidate.
pub fn min_cost_rules_cover(
    problem: &CoverageProblem,
    price: &[f64],
    target: f64,
    rules: &GroupRules,
    node_limit: u64,
) -> Option<(BudgetCoverageSolution, RulesCoverStats)> {
    min_cost_rules_cover_with(problem, price, target, rules, &[], node_limit)
}

/// [`min_cost_rules_cover`] with `counts`, more count rows (a county's rural centres). With
/// a count row still short and the target below the reachable people, `None`: that program
/// is left to the caller.
///
/// # Panics
/// When `price` or `rules.group` do not hold one entry per candidate.
pub fn min_cost_rules_cover_with(
    problem: &CoverageProblem,
    price: &[f64],
    target: f64,
    rules: &GroupRules,
    counts: &[CountRow],
    node_limit: u64,
) -> Option<(BudgetCoverageSolution, RulesCoverStats)> {
    rules.assert_fits(problem, price);
    let usable = |j: usize| usable(price, j);
    let all: Vec<u32> = (0..price.len())
        .filter(|&j| usable(j))
        .map(|j| j as u32)
        .collect();
    let reachable = problem.covered_weight(&all);
    if target > reachable + TOL {
        return None;
    }
    if target < reachable - TOL {
        if counts.iter().any(|c| c.at_least > 0) {
            return None;
        }
        let sol = min_cost_with_rules(problem, price, target, rules, node_limit)?;
        let stats = RulesCoverStats {
            points_left: problem.weight.len(),
            candidates_left: all.len(),
            pieces: 1,
            pieces_proven: usize::from(sol.certificate.status == super::Status::Optimal),
            nodes: sol.nodes,
            ..RulesCoverStats::default()
        };
        return Some((sol, stats));
    }
    let mut r = Reduced::new(problem, price, rules, counts)?;
    r.reduce()?;
    let mut stats = RulesCoverStats {
        forced: r.open.iter().filter(|o| **o).count(),
        points_left: r.rows.iter().filter(|k| k.is_some()).count(),
        candidates_left: r.alive.iter().filter(|a| **a).count(),
        ..RulesCoverStats::default()
    };
    let whole = price.iter().all(|c| !c.is_finite() || c.fract() == 0.0);
    let mut sites: Vec<u32> = (0..price.len())
        .filter(|&j| r.open[j])
        .map(|j| j as u32)
        .collect();
    let mut bound = sites.iter().fold(0.0, |a, &j| a + price[j as usize]);
    for piece in r.pieces() {
        stats.pieces += 1;
        let (chosen, piece_bound, proven, nodes) = r.solve_piece(&piece, node_limit, whole);
        stats.nodes += nodes;
        stats.pieces_proven += usize::from(proven);
        bound += piece_bound;
        sites.extend(chosen.iter().map(|&j| j as u32));
    }
    sites.sort_unstable();
    sites.dedup();
    let cost = sites.iter().fold(0.0, |a, &j| a + price[j as usize]);
    let covered = problem.covered_weight(&sites);
    if covered < target - TOL || !meets_rules(rules, &sites) || !meets_counts(counts, &sites) {
        return None;
    }
    Some((
        BudgetCoverageSolution {
            sites,
            covered,
            cost_wan: cost,
            certificate: Certificate::new(cost, bound.min(cost)),
            nodes: stats.nodes,
        },
        stats,
    ))
}

/// Whether the open candidates `sites` meet the group rows of `rules`.
pub fn meets_rules(rules: &GroupRules, sites: &[u32]) -> bool {
    let mut count = vec![0u32; rules.has.len()];
    for &j in sites {
        if let Some(Some(g)) = rules.group.get(j as usize)
            && let Some(c) = count.get_mut(*g as usize)
        {
            *c += 1;
        }
    }
    let each = rules
        .at_least
        .iter()
        .enumerate()
        .all(|(g, need)| count.get(g).copied().unwrap_or(0) >= *need);
    let with = (0..rules.has.len())
        .filter(|&g| rules.has[g] || count[g] > 0)
        .count();
    each && with >= rules.need_groups
}

/// Whether the open candidates `sites` meet every count row.
pub fn meets_counts(counts: &[CountRow], sites: &[u32]) -> bool {
    counts.iter().all(|c| {
        let open = c.members.iter().filter(|j| sites.contains(j)).count();
        open as u64 >= u64::from(c.at_least)
    })
}

/// The program after the reductions.
struct Reduced<'a> {
    price: &'a [f64],
    /// The township group of each candidate (for the township share).
    group: &'a [Option<u32>],
    /// Candidates still free to choose.
    alive: Vec<bool>,
    /// Candidates forced open.
    open: Vec<bool>,
    /// Per point: the candidates reaching it, while it is a row of the program; `None` once
    /// covered by a forced candidate or implied by another row.
    rows: Vec<Option<Vec<usize>>>,
    /// Per candidate: the points it reaches that are rows.
    cols: Vec<Vec<usize>>,
    /// Count rows (each street's centres, then the extra rows): members and open candidates
    /// still needed.
    counts: Vec<(Vec<usize>, u32)>,
    /// Per candidate: the count rows it is a member of.
    count_of: Vec<Vec<usize>>,
    /// Per township group: whether it holds a centre (before the plan, or a forced candidate).
    has: Vec<bool>,
    /// Groups that must hold a centre, in all.
    need_groups: usize,
}

impl<'a> Reduced<'a> {
    /// The program before any reduction; `None` when the rules do not fit the candidates.
    fn new(
        problem: &CoverageProblem,
        price: &'a [f64],
        rules: &'a GroupRules,
        extra: &[CountRow],
    ) -> Option<Self> {
        let n = problem.weight.len();
        let m = price.len();
        let usable = |j: usize| usable(price, j);
        let mut rows: Vec<Option<Vec<usize>>> = vec![None; n];
        let mut reached: Vec<Vec<usize>> = vec![Vec::new(); n];
        for (j, set) in problem.sets.iter().enumerate() {
            if usable(j) {
                for &i in set {
                    reached[i as usize].push(j);
                }
            }
        }
        for (i, js) in reached.into_iter().enumerate() {
            if !problem.covered[i] && problem.weight[i] > 0.0 && !js.is_empty() {
                let mut js = js;
                js.sort_unstable();
                js.dedup();
                rows[i] = Some(js);
            }
        }
        let mut cols: Vec<Vec<usize>> = vec![Vec::new(); m];
        for (i, row) in rows.iter().enumerate() {
            if let Some(js) = row {
                for &j in js {
                    cols[j].push(i);
                }
            }
        }
        let groups = rules.has.len();
        if rules.at_least.len() != groups
            || rules
                .group
                .iter()
                .any(|g| g.is_some_and(|g| g as usize >= groups))
            || extra
                .iter()
                .any(|c| c.members.iter().any(|&j| j as usize >= m))
        {
            return None;
        }
        let mut counts: Vec<(Vec<usize>, u32)> = Vec::new();
        for (g, &need) in rules.at_least.iter().enumerate() {
            if need > 0 {
                let members = (0..m)
                    .filter(|&j| usable(j) && rules.group[j] == Some(g as u32))
                    .collect();
                counts.push((members, need));
            }
        }
        for c in extra.iter().filter(|c| c.at_least > 0) {
            let mut members: Vec<usize> = c
                .members
                .iter()
                .map(|&j| j as usize)
                .filter(|&j| usable(j))
                .collect();
            members.sort_unstable();
            members.dedup();
            counts.push((members, c.at_least));
        }
        let mut count_of: Vec<Vec<usize>> = vec![Vec::new(); m];
        for (r, (members, _)) in counts.iter().enumerate() {
            for &j in members {
                count_of[j].push(r);
            }
        }
        let mut r = Self {
            price,
            group: &rules.group,
            alive: (0..m).map(usable).collect(),
            open: vec![false; m],
            rows,
            cols,
            counts,
            count_of,
            has: rules.has.clone(),
            need_groups: rules.need_groups,
        };
        for j in 0..m {
            if r.alive[j] && r.cols[j].is_empty() && !r.counts_matter(j) && !r.share_matters(j) {
                r.alive[j] = false;
            }
        }
        Some(r)
    }

    /// Groups holding a centre still needed by the township share.
    fn share_short(&self) -> usize {
        let with = self.has.iter().filter(|h| **h).count();
        self.need_groups.saturating_sub(with)
    }

    /// Whether opening candidate `j` would still count for the township share.
    fn share_matters(&self, j: usize) -> bool {
        self.share_short() > 0 && self.group[j].is_some_and(|g| !self.has[g as usize])
    }

    /// Whether candidate `j` is a member of a count row still short.
    fn counts_matter(&self, j: usize) -> bool {
        self.count_of[j].iter().any(|&r| self.counts[r].1 > 0)
    }

    /// Opens candidate `j`: its rows are met, its group and count rows count it.
    fn force(&mut self, j: usize) {
        self.alive[j] = false;
        self.open[j] = true;
        let points = std::mem::take(&mut self.cols[j]);
        for i in points {
            if let Some(js) = self.rows[i].take() {
                for k in js {
                    if k != j {
                        self.cols[k].retain(|&p| p != i);
                    }
                }
            }
        }
        for &r in &self.count_of[j] {
            self.counts[r].1 = self.counts[r].1.saturating_sub(1);
        }
        if let Some(g) = self.group[j] {
            self.has[g as usize] = true;
        }
    }

    /// Removes candidate `j` from the program (never opened).
    fn drop_candidate(&mut self, j: usize) {
        self.alive[j] = false;
        for i in std::mem::take(&mut self.cols[j]) {
            if let Some(js) = self.rows[i].as_mut() {
                js.retain(|&k| k != j);
            }
        }
    }

    /// Applies the reductions until none applies; `None` when a row or a count row can no
    /// longer be met.
    fn reduce(&mut self) -> Option<()> {
        loop {
            let mut changed = false;
            // Count rows with just the candidates they need.
            for r in 0..self.counts.len() {
                let need = self.counts[r].1;
                if need == 0 {
                    continue;
                }
                let members: Vec<usize> = self.counts[r]
                    .0
                    .iter()
                    .copied()
                    .filter(|&j| self.alive[j])
                    .collect();
                if (members.len() as u64) < u64::from(need) {
                    return None;
                }
                if members.len() as u64 == u64::from(need) {
                    for j in members {
                        self.force(j);
                    }
                    changed = true;
                }
            }
            // Rows only one candidate meets.
            for i in 0..self.rows.len() {
                match self.rows[i].as_ref().map(Vec::len) {
                    Some(0) => return None,
                    Some(1) => {
                        let j = self.rows[i].as_ref()?[0];
                        self.force(j);
                        changed = true;
                    }
                    _ => {}
                }
            }
            if changed {
                continue;
            }
            changed |= self.drop_implied_rows();
            changed |= self.drop_dominated_candidates();
            if !changed {
                return Some(());
            }
        }
    }

    /// Drops every row whose candidates include all those of another row (of two equal rows,
    /// the later one). Returns whether any was dropped.
    fn drop_implied_rows(&mut self) -> bool {
        let mut changed = false;
        for k in 0..self.rows.len() {
            let Some(ck) = self.rows[k].clone() else {
                continue;
            };
            let Some(&first) = ck.first() else { continue };
            let others: Vec<usize> = self.cols[first].clone();
            for i in others {
                if i == k {
                    continue;
                }
                let Some(ci) = self.rows[i].as_ref() else {
                    continue;
                };
                if ci.len() < ck.len() || (ci.len() == ck.len() && i < k) {
                    continue;
                }
                if ck.iter().all(|j| ci.binary_search(j).is_ok()) {
                    // Row i holds every candidate of row k: meeting k meets i.
                    if let Some(js) = self.rows[i].take() {
                        for j in js {
                            self.cols[j].retain(|&p| p != i);
                        }
                    }
                    changed = true;
                }
            }
        }
        changed
    }

    /// Whether candidate `k` may stand in for candidate `j` in the count rows and the
    /// township share: `k` is in every count row of `j` still short, each needing at most
    /// one more (with two or more needed, both may be), and in `j`'s township where that
    /// still counts for the share.
    fn stands_in(&self, k: usize, j: usize) -> bool {
        let rows_ok = self.count_of[j].iter().all(|&r| {
            let need = self.counts[r].1;
            need == 0 || (need == 1 && self.count_of[k].contains(&r))
        });
        rows_ok && (!self.share_matters(j) || self.group[k] == self.group[j])
    }

    /// Drops every candidate whose rows lie within those of another candidate, no dearer,
    /// that stands in for it in the count rows and the share ([`Self::stands_in`]; of two
    /// equal ones, the later). Returns whether any was dropped.
    fn drop_dominated_candidates(&mut self) -> bool {
        let mut changed = false;
        for j in 0..self.alive.len() {
            if !self.alive[j] {
                continue;
            }
            if self.cols[j].is_empty() {
                if !self.counts_matter(j) && !self.share_matters(j) {
                    self.drop_candidate(j);
                    changed = true;
                }
                continue;
            }
            let first = self.cols[j][0];
            let Some(rivals) = self.rows[first].clone() else {
                continue;
            };
            let cj = self.cols[j].clone();
            let dominated = rivals.iter().any(|&k| {
                if k == j || !self.alive[k] || self.price[k] > self.price[j] {
                    return false;
                }
                if !self.stands_in(k, j) {
                    return false;
                }
                let ck = &self.cols[k];
                if ck.len() < cj.len() {
                    return false;
                }
                let inside = cj.iter().all(|i| ck.contains(i));
                // Equal candidates: the later one goes.
                let tie =
                    ck.len() == cj.len() && self.price[k] == self.price[j] && self.stands_in(j, k);
                inside && (!tie || k < j)
            });
            if dominated {
                self.drop_candidate(j);
                changed = true;
            }
        }
        changed
    }

    /// The candidates left, split into pieces no row links: a shared point, a count row still
    /// short, or the township share (all groups without a centre together).
    fn pieces(&self) -> Vec<Vec<usize>> {
        let m = self.alive.len();
        let mut parent: Vec<usize> = (0..m).collect();
        fn find(parent: &mut [usize], mut a: usize) -> usize {
            while parent[a] != a {
                parent[a] = parent[parent[a]];
                a = parent[a];
            }
            a
        }
        let union = |parent: &mut Vec<usize>, a: usize, b: usize| {
            let (ra, rb) = (find(parent, a), find(parent, b));
            if ra != rb {
                parent[ra.max(rb)] = ra.min(rb);
            }
        };
        for js in self.rows.iter().flatten() {
            for w in js.windows(2) {
                union(&mut parent, w[0], w[1]);
            }
        }
        for (members, need) in &self.counts {
            if *need > 0 {
                let alive: Vec<usize> =
                    members.iter().copied().filter(|&j| self.alive[j]).collect();
                for w in alive.windows(2) {
                    union(&mut parent, w[0], w[1]);
                }
            }
        }
        let mut lead_share: Option<usize> = None;
        for j in (0..m).filter(|&j| self.alive[j] && self.share_matters(j)) {
            match lead_share {
                Some(l) => union(&mut parent, l, j),
                None => lead_share = Some(j),
            }
        }
        let mut by_root: std::collections::BTreeMap<usize, Vec<usize>> = Default::default();
        for j in (0..m).filter(|&j| self.alive[j]) {
            let root = find(&mut parent, j);
            by_root.entry(root).or_default().push(j);
        }
        // A piece with nothing to meet (no row, no count row, no share) opens nothing.
        by_root
            .into_values()
            .filter(|piece| {
                piece.iter().any(|&j| {
                    !self.cols[j].is_empty() || self.counts_matter(j) || self.share_matters(j)
                })
            })
            .collect()
    }

    /// The share still needed from `piece`: all of it where the piece holds the candidates
    /// that count for it, else none.
    fn piece_short(&self, piece: &[usize]) -> usize {
        if piece.iter().any(|&j| self.share_matters(j)) {
            self.share_short()
        } else {
            0
        }
    }

    /// The count rows still short that `piece` holds members of.
    fn piece_counts(&self, piece: &[usize]) -> Vec<usize> {
        let mut rs: Vec<usize> = piece
            .iter()
            .flat_map(|&j| self.count_of[j].iter().copied())
            .filter(|&r| self.counts[r].1 > 0)
            .collect();
        rs.sort_unstable();
        rs.dedup();
        rs
    }

    /// Solves one piece: its answer (candidate indices), a lower bound on its cost, whether
    /// the search finished, and the nodes searched.
    fn solve_piece(
        &self,
        piece: &[usize],
        node_limit: u64,
        whole: bool,
    ) -> (Vec<usize>, f64, bool, u64) {
        use microlp::{ComparisonOp, OptimizationDirection, Problem};
        let mut lp = Problem::new(OptimizationDirection::Minimize);
        let var: std::collections::BTreeMap<usize, microlp::Variable> = piece
            .iter()
            .map(|&j| (j, lp.add_binary_var(self.price[j])))
            .collect();
        let mut rows: Vec<usize> = piece
            .iter()
            .flat_map(|&j| self.cols[j].iter().copied())
            .collect();
        rows.sort_unstable();
        rows.dedup();
        for &i in &rows {
            let mut row = microlp::LinearExpr::empty();
            for j in self.rows[i].iter().flatten() {
                if let Some(&v) = var.get(j) {
                    row.add(v, 1.0);
                }
            }
            lp.add_constraint(row, ComparisonOp::Ge, 1.0);
        }
        for r in self.piece_counts(piece) {
            let mut row = microlp::LinearExpr::empty();
            for j in &self.counts[r].0 {
                if let Some(&v) = var.get(j) {
                    row.add(v, 1.0);
                }
            }
            lp.add_constraint(row, ComparisonOp::Ge, f64::from(self.counts[r].1));
        }
        let short = self.piece_short(piece);
        if short > 0 {
            let mut groups: std::collections::BTreeMap<u32, Vec<microlp::Variable>> =
                Default::default();
            for &j in piece.iter().filter(|&&j| self.share_matters(j)) {
                if let Some(g) = self.group[j] {
                    groups.entry(g).or_default().push(var[&j]);
                }
            }
            let mut sum = microlp::LinearExpr::empty();
            for vs in groups.values() {
                let z = lp.add_var(0.0, (0.0, 1.0));
                let mut row = microlp::LinearExpr::empty();
                row.add(z, 1.0);
                for &v in vs {
                    row.add(v, -1.0);
                }
                lp.add_constraint(row, ComparisonOp::Le, 0.0);
                sum.add(z, 1.0);
            }
            lp.add_constraint(sum, ComparisonOp::Ge, short as f64);
        }
        let mut options = microlp::SolveOptions::default();
        options.node_limit = Some(node_limit);
        let round = |b: f64| if whole { (b - TOL).ceil() } else { b };
        let outcome = lp.solve_with(options).ok();
        let stats = outcome.as_ref().map(|o| o.stats());
        let nodes = stats.map_or(0, |s| s.nodes_solved);
        let found = outcome.as_ref().and_then(|o| {
            let sol = o.solution()?;
            let chosen: Vec<usize> = var
                .iter()
                .filter(|(_, v)| sol.var_value(**v) > 0.5)
                .map(|(j, _)| *j)
                .collect();
            Some(chosen)
        });
        let optimal = outcome.as_ref().is_some_and(|o| o.is_optimal());
        let chosen = match found.filter(|c| self.meets_piece(piece, c)) {
            Some(c) => c,
            None => self.greedy_piece(piece),
        };
        let cost = chosen.iter().fold(0.0, |a, &j| a + self.price[j]);
        let bound = if optimal && self.meets_piece(piece, &chosen) {
            cost
        } else {
            round(stats.and_then(|s| s.best_bound).unwrap_or(0.0).max(0.0)).min(cost)
        };
        (chosen, bound, optimal, nodes)
    }

    /// Whether `chosen` meets every row, count row and the share `piece` holds.
    fn meets_piece(&self, piece: &[usize], chosen: &[usize]) -> bool {
        let rows_met = piece.iter().all(|&j| {
            self.cols[j]
                .iter()
                .all(|&i| self.rows[i].iter().flatten().any(|k| chosen.contains(k)))
        });
        let counts_met = self.piece_counts(piece).into_iter().all(|r| {
            let (members, need) = &self.counts[r];
            members.iter().filter(|j| chosen.contains(j)).count() as u64 >= u64::from(*need)
        });
        rows_met && counts_met && self.new_groups(chosen).len() >= self.piece_short(piece)
    }

    /// The groups without a centre that `chosen` gives one.
    fn new_groups(&self, chosen: &[usize]) -> Vec<u32> {
        let mut gs: Vec<u32> = chosen
            .iter()
            .filter_map(|&j| self.group[j])
            .filter(|&g| !self.has[g as usize])
            .collect();
        gs.sort_unstable();
        gs.dedup();
        gs
    }

    /// A greedy answer for `piece`: each count row's needs first (the candidate meeting the
    /// most rows), then the most rows per price, then one candidate in groups without a
    /// centre until the share holds.
    fn greedy_piece(&self, piece: &[usize]) -> Vec<usize> {
        let mut chosen: Vec<usize> = Vec::new();
        let mut met: std::collections::BTreeSet<usize> = Default::default();
        let gain = |j: usize, met: &std::collections::BTreeSet<usize>| {
            self.cols[j].iter().filter(|i| !met.contains(i)).count()
        };
        let take =
            |j: usize, chosen: &mut Vec<usize>, met: &mut std::collections::BTreeSet<usize>| {
                chosen.push(j);
                met.extend(self.cols[j].iter().copied());
            };
        for r in self.piece_counts(piece) {
            let (members, need) = &self.counts[r];
            loop {
                let open = members.iter().filter(|j| chosen.contains(j)).count() as u64;
                if open >= u64::from(*need) {
                    break;
                }
                let best = members
                    .iter()
                    .copied()
                    .filter(|&j| self.alive[j] && !chosen.contains(&j))
                    .max_by(|&a, &b| gain(a, &met).cmp(&gain(b, &met)).then(b.cmp(&a)));
                let Some(j) = best else { break };
                take(j, &mut chosen, &mut met);
            }
        }
        let rows: usize = {
            let mut all: Vec<usize> = piece.iter().flat_map(|&j| self.cols[j].clone()).collect();
            all.sort_unstable();
            all.dedup();
            all.len()
        };
        while met.len() < rows {
            let best = piece
                .iter()
                .copied()
                .filter(|&j| !chosen.contains(&j) && gain(j, &met) > 0)
                .max_by(|&a, &b| {
                    let ra = gain(a, &met) as f64 / self.price[a].max(1e-9);
                    let rb = gain(b, &met) as f64 / self.price[b].max(1e-9);
                    ra.total_cmp(&rb).then(b.cmp(&a))
                });
            let Some(j) = best else { break };
            take(j, &mut chosen, &mut met);
        }
        let short = self.piece_short(piece);
        while self.new_groups(&chosen).len() < short {
            let have = self.new_groups(&chosen);
            let best = piece
                .iter()
                .copied()
                .filter(|&j| {
                    self.group[j].is_some_and(|g| !self.has[g as usize] && !have.contains(&g))
                })
                .min_by(|&a, &b| self.price[a].total_cmp(&self.price[b]).then(a.cmp(&b)));
            let Some(j) = best else { break };
            take(j, &mut chosen, &mut met);
        }
        chosen.sort_unstable();
        chosen
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::solve::SplitMix64;

    /// A random instance with groups: ties, duplicate candidates, zero weights, points no
    /// candidate reaches, and groups whose candidates cover much.
    fn random(rng: &mut SplitMix64) -> (CoverageProblem, Vec<f64>, GroupRules) {
        let n = 3 + rng.below(9);
        let m = 2 + rng.below(10);
        let weight: Vec<f64> = (0..n)
            .map(|_| {
                if rng.below(5) == 0 {
                    0.0
                } else {
                    (1 + rng.below(4)) as f64
                }
            })
            .collect();
        let covered: Vec<bool> = (0..n).map(|_| rng.below(6) == 0).collect();
        let mut sets: Vec<Vec<u32>> = Vec::new();
        for j in 0..m {
            if j > 0 && rng.below(5) == 0 {
                // A duplicate of the previous candidate.
                let prev = sets[j - 1].clone();
                sets.push(prev);
                continue;
            }
            let wide = rng.below(4) == 0;
            let mut s: Vec<u32> = (0..n as u32)
                .filter(|_| rng.below(if wide { 4 } else { 10 }) < 3 || wide && rng.below(2) == 0)
                .collect();
            s.dedup();
            sets.push(s);
        }
        let price: Vec<f64> = (0..m)
            .map(|_| match rng.below(8) {
                0 => f64::INFINITY,
                1 => 0.0,
                _ => 1.0,
            })
            .collect();
        let groups = 1 + rng.below(4);
        let group: Vec<Option<u32>> = (0..m)
            .map(|_| {
                let g = rng.below(groups + 1) as u32;
                (g < groups as u32).then_some(g)
            })
            .collect();
        let has: Vec<bool> = (0..groups).map(|_| rng.below(3) == 0).collect();
        let at_least: Vec<u32> = (0..groups)
            .map(|_| (rng.below(3) / 2) as u32 + u32::from(rng.below(5) == 0))
            .collect();
        let need_groups = rng.below(groups + 1);
        (
            CoverageProblem {
                weight,
                covered,
                sets,
            },
            price,
            GroupRules {
                group,
                has,
                at_least,
                need_groups,
            },
        )
    }

    /// The least cost of a set meeting `target` and the rules, by trying every subset.
    fn brute_force(
        p: &CoverageProblem,
        price: &[f64],
        target: f64,
        rules: &GroupRules,
        counts: &[CountRow],
    ) -> Option<f64> {
        let m = p.sets.len();
        let mut best: Option<f64> = None;
        for mask in 0u32..(1 << m) {
            let open: Vec<u32> = (0..m as u32).filter(|j| mask >> j & 1 == 1).collect();
            if open.iter().any(|&j| !price[j as usize].is_finite()) {
                continue;
            }
            if p.covered_weight(&open) < target - TOL
                || !meets_rules(rules, &open)
                || !meets_counts(counts, &open)
            {
                continue;
            }
            let cost = open.iter().fold(0.0, |a, &j| a + price[j as usize]);
            if best.is_none_or(|b| cost < b) {
                best = Some(cost);
            }
        }
        best
    }

    #[test]
    fn full_cover_with_rules_and_counts_equals_brute_force() {
        let mut rng = SplitMix64::new(7, 0);
        let (mut solved, mut proven) = (0, 0);
        for case in 0..600 {
            let (p, price, rules) = random(&mut rng);
            let all: Vec<u32> = (0..price.len() as u32)
                .filter(|&j| price[j as usize].is_finite())
                .collect();
            let target = p.covered_weight(&all);
            // Every other case has a county-like count row over a few candidates.
            let counts: Vec<CountRow> = if case % 2 == 0 {
                let members: Vec<u32> = (0..price.len() as u32)
                    .filter(|_| rng.below(3) == 0)
                    .collect();
                let at_least = rng.below(members.len().min(3) + 1) as u32;
                vec![CountRow { members, at_least }]
            } else {
                Vec::new()
            };
            let best = brute_force(&p, &price, target, &rules, &counts);
            let got = min_cost_rules_cover_with(&p, &price, target, &rules, &counts, 10_000);
            // Without a single node: the greedy answer of each piece, with a valid bound.
            if let (Some(b), Some((cut, _))) = (
                best,
                min_cost_rules_cover_with(&p, &price, target, &rules, &counts, 0),
            ) {
                assert!(cut.certificate.bound <= b + TOL, "case {case}: cut bound");
                assert!(cut.cost_wan >= b - TOL, "case {case}: cut cost");
                assert!(p.covered_weight(&cut.sites) >= target - TOL, "case {case}");
                assert!(meets_rules(&rules, &cut.sites), "case {case}");
                assert!(meets_counts(&counts, &cut.sites), "case {case}");
            }
            match (best, got) {
                (None, None) => {}
                (Some(b), Some((sol, _))) => {
                    solved += 1;
                    assert!(
                        sol.certificate.bound <= b + TOL,
                        "case {case}: bound above optimum {b}"
                    );
                    assert!(p.covered_weight(&sol.sites) >= target - TOL, "case {case}");
                    assert!(meets_rules(&rules, &sol.sites), "case {case}");
                    assert!(meets_counts(&counts, &sol.sites), "case {case}");
                    assert!(
                        (sol.cost_wan - sol.sites.iter().fold(0.0, |a, &j| a + price[j as usize]))
                            .abs()
                            < TOL,
                        "case {case}: cost"
                    );
                    if sol.certificate.status == crate::solve::Status::Optimal {
                        proven += 1;
                        assert!(
                            (sol.cost_wan - b).abs() < TOL,
                            "case {case}: {} vs {b}",
                            sol.cost_wan
                        );
                    }
                    assert!(sol.cost_wan >= b - TOL, "case {case}");
                }
                (Some(b), None) => panic!("case {case}: optimum {b} but no answer"),
                (None, Some((sol, _))) => {
                    panic!("case {case}: no set meets the rules, got {:?}", sol.sites)
                }
            }
        }
        assert!(solved > 150, "too few feasible cases: {solved}");
        assert!(proven > 150, "too few proven cases: {proven}");
    }

    #[test]
    fn partial_targets_with_rules_equal_brute_force() {
        // Below the reachable people the program goes to `min_cost_with_rules` unchanged.
        let mut rng = SplitMix64::new(11, 0);
        let mut proven = 0;
        for case in 0..300 {
            let (p, price, rules) = random(&mut rng);
            let all: Vec<u32> = (0..price.len() as u32)
                .filter(|&j| price[j as usize].is_finite())
                .collect();
            let base = p.covered_weight(&[]);
            let target = base + (p.covered_weight(&all) - base) * 0.6;
            let best = brute_force(&p, &price, target, &rules, &[]);
            let got = min_cost_rules_cover(&p, &price, target, &rules, 10_000);
            let Some((sol, _)) = got else {
                assert!(
                    best.is_none(),
                    "case {case}: optimum {best:?} but no answer"
                );
                continue;
            };
            let b = best.expect("an answer meets the target and the rules");
            assert!(
                sol.certificate.bound <= b + TOL,
                "case {case}: bound above optimum"
            );
            assert!(sol.covered >= target - TOL && meets_rules(&rules, &sol.sites));
            if sol.certificate.status == crate::solve::Status::Optimal {
                proven += 1;
                assert!((sol.cost_wan - b).abs() < TOL, "case {case}");
            }
        }
        assert!(proven > 100, "too few proven cases: {proven}");
    }

    #[test]
    fn a_street_whose_only_candidates_cover_most_points() {
        // Candidates 0 and 1 are the street's; 0 covers most points. A full cover needs 0
        // and 3, and the street rule is met by 0: two sites.
        let p = CoverageProblem {
            weight: vec![1.0, 2.0, 0.0, 3.0, 1.0],
            covered: vec![false; 5],
            sets: vec![vec![0, 1, 2, 3], vec![0], vec![1], vec![3, 4], vec![4]],
        };
        let price = vec![1.0; 5];
        let rules = GroupRules {
            group: vec![Some(0), Some(0), None, None, None],
            has: vec![false],
            at_least: vec![1],
            need_groups: 0,
        };
        let (sol, _) = min_cost_rules_cover(&p, &price, 7.0, &rules, 1_000).expect("an answer");
        assert_eq!(sol.sites, vec![0, 3]);
        assert_eq!(sol.certificate.status, crate::solve::Status::Optimal);
        // Two sites in the street now: the rule costs one more.
        let rules2 = GroupRules {
            at_least: vec![2],
            ..rules
        };
        let (sol, _) = min_cost_rules_cover(&p, &price, 7.0, &rules2, 1_000).expect("an answer");
        assert_eq!(sol.cost_wan, 3.0);
        assert!(sol.sites.contains(&0) && sol.sites.contains(&1));
    }
}
