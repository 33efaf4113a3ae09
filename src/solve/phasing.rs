//! Phasing a fixed set of new sites over the plan years: which year each one opens, so that
//! every year's steps hold, nothing opened closes later, spending waits as long as the steps
//! (and any yearly budgets) allow, and among equally cheap schedules the most people are
//! covered earliest.
//!
//! # Model
//! Items `i` (new sites and upgrades) with cost `c_i` (万元), the points they reach and,
//! for comprehensive centres, a group (township). Plan years `k = 0..T`; item `i` opens in
//! year `t_i` and stays open. `O_k = {i : t_i <= k}`. Constraints:
//! - year `k`'s step: the weight of points covered by the base or by `O_k` is at least
//!   `need_people_k`, and the groups with a centre (before, or from `O_k`) number at least
//!   `need_groups_k`; a step the whole set cannot meet is asked as far as the whole set goes;
//! - year `k`'s budget: `sum(c_i : t_i = k) <= budget_k`;
//! - an item due by year `d_i` (a street or county step needing it) opens by then:
//!   `t_i <= d_i`;
//! - every item opens by the final year.
//!
//! Objective, lexicographic: (1) minimise the money committed, `sum_k C(O_k)` with `C` the
//! cost of a set (万元·years: each 万元 counted once for every plan year from the year it is
//! spent, so a cheaper early network wins and spending waits until a step needs it); (2)
//! maximise the people covered summed over the years (people·years: the most coverage
//! earliest). Without yearly budgets every schedule of the same set costs the same in all;
//! (1) then asks, year by year, for the cheapest nested subsets meeting the steps — a nested
//! covering question inside the set.
//!
//! # Method
//! Depth-first branch and bound, year by year and item by item (open this year or not),
//! items ordered by coverage per 万元. Lower bound on the money still to commit: every
//! unassigned item counts at least in the final year; the extra cost a later step needs over
//! the open set is bounded below by a fractional knapsack on the items' marginal coverage per
//! 万元 (coverage is submodular, so marginal gains over the open set bound every later gain),
//! by the cheapest items of distinct groups lacking a centre and by the items due by then
//! still closed, and a year's cumulative
//! spend is at least that of any earlier step. Upper bound on people·years: the open set
//! with every item still available that year. Budgets prune by the room left in the remaining
//! years. When the node limit stops the search, the best schedule found is returned with the
//! root bound (status `feasible`).
//!
//! # Effort
//! Exponential in the number of items in the worst case; the bounds keep tens of items with a
//! few steps small. [`PhasingOptions::node_limit`] caps it.

use super::Certificate;

/// One item to phase: a new site or an upgrade.
#[derive(Clone, Debug, PartialEq)]
pub struct PhasingItem {
    /// Cost when it opens, 万元 (>= 0).
    pub cost: f64,
    /// Points it covers once open (indices into the weights).
    pub points: Vec<u32>,
    /// The group (township) it gives a centre, if it counts for the group steps.
    pub group: Option<u32>,
    /// The year (index) by which it must be open, if a step names it (a street or county
    /// step that needs this very centre).
    pub due: Option<usize>,
}

/// What one plan year asks.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct PhasingYear {
    /// People that must be covered by this year, if any step says so.
    pub need_people: Option<f64>,
    /// Groups that must have a centre by this year (counting those with one before).
    pub need_groups: Option<usize>,
    /// The most this year may spend, 万元; `None` = no limit of its own.
    pub budget: Option<f64>,
}

/// A phasing problem: weights and base coverage of points, groups with a centre before,
/// the items and the plan years in order (the last takes every item left).
#[derive(Clone, Debug, PartialEq)]
pub struct PhasingProblem {
    /// People per point.
    pub weight: Vec<f64>,
    /// Points covered before the plan.
    pub covered: Vec<bool>,
    /// Per group: whether it has a centre before the plan.
    pub group_has: Vec<bool>,
    /// Items.
    pub items: Vec<PhasingItem>,
    /// Plan years, ascending (at least one).
    pub years: Vec<PhasingYear>,
}

/// Search limits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PhasingOptions {
    /// Most branch-and-bound nodes before the search stops with its best schedule.
    pub node_limit: u64,
}

impl Default for PhasingOptions {
    fn default() -> Self {
        Self {
            node_limit: 200_000,
        }
    }
}

/// A schedule with its certificate.
#[derive(Clone, Debug, PartialEq)]
pub struct Phasing {
    /// Year index of each item.
    pub year: Vec<usize>,
    /// Money committed, `sum_k C(O_k)`, 万元·years (the objective).
    pub committed_wan_years: f64,
    /// People covered per year.
    pub covered: Vec<f64>,
    /// Groups with a centre per year.
    pub groups: Vec<usize>,
    /// Spend per year, 万元.
    pub spend: Vec<f64>,
    /// Objective, proven lower bound, gap and status of the money committed.
    pub certificate: Certificate,
    /// Nodes searched.
    pub nodes: u64,
    /// Whether the search finished: the tie-break (people·years) is then proven best too;
    /// otherwise only the certificate's objective is as good as its bound says.
    pub complete: bool,
}

impl Phasing {
    /// People·years: the people covered summed over the years (the tie-break).
    pub fn people_years(&self) -> f64 {
        self.covered.iter().fold(0.0, |a, b| a + b)
    }
}

/// Why no schedule came back.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum PhasingError {
    /// The input is inconsistent.
    #[error("phasing input: {0}")]
    Input(String),
    /// No schedule fits the yearly budgets (every step relaxed to what the whole set reaches).
    #[error("no schedule of the sites fits the yearly budgets")]
    OverBudget,
    /// The node limit stopped the search before it found any schedule.
    #[error("the phasing search stopped after {0} nodes without a schedule")]
    NotFound(u64),
}

const TOL: f64 = Certificate::TOLERANCE;
const UNSET: usize = usize::MAX;

impl PhasingProblem {
    /// Checks the shapes: one weight per point, points and groups in range, costs finite and
    /// not negative, at least one year.
    pub fn validate(&self) -> Result<(), PhasingError> {
        let bad = |m: String| Err(PhasingError::Input(m));
        if self.years.is_empty() {
            return bad("no plan year".into());
        }
        if self.covered.len() != self.weight.len() {
            return bad("covered and weight differ in length".into());
        }
        if self.weight.iter().any(|w| !w.is_finite() || *w < 0.0) {
            return bad("a weight is negative or not finite".into());
        }
        for (i, it) in self.items.iter().enumerate() {
            if !it.cost.is_finite() || it.cost < 0.0 {
                return bad(format!(
                    "item {i}: cost {} is negative or not finite",
                    it.cost
                ));
            }
            if it.points.iter().any(|&p| p as usize >= self.weight.len()) {
                return bad(format!("item {i}: a point is out of range"));
            }
            if it.group.is_some_and(|g| g as usize >= self.group_has.len()) {
                return bad(format!("item {i}: its group is out of range"));
            }
            if it.due.is_some_and(|d| d >= self.years.len()) {
                return bad(format!("item {i}: its due year is out of range"));
            }
        }
        Ok(())
    }

    /// People covered with `open` items open.
    fn covered_with(&self, open: impl Iterator<Item = usize>) -> f64 {
        let mut hit = self.covered.clone();
        for i in open {
            for &p in &self.items[i].points {
                hit[p as usize] = true;
            }
        }
        self.weight
            .iter()
            .zip(&hit)
            .filter(|(_, h)| **h)
            .fold(0.0, |a, (w, _)| a + w)
    }

    /// Groups with a centre with `open` items open.
    fn groups_with(&self, open: impl Iterator<Item = usize>) -> usize {
        let mut has = self.group_has.clone();
        for i in open {
            if let Some(g) = self.items[i].group {
                has[g as usize] = true;
            }
        }
        has.iter().filter(|h| **h).count()
    }

    /// The steps as the search asks them: each no higher than the whole set reaches.
    fn clamped_steps(&self) -> Vec<(f64, usize)> {
        let all_people = self.covered_with(0..self.items.len());
        let all_groups = self.groups_with(0..self.items.len());
        self.years
            .iter()
            .map(|y| {
                (
                    y.need_people.map_or(0.0, |n| n.min(all_people)),
                    y.need_groups.map_or(0, |n| n.min(all_groups)),
                )
            })
            .collect()
    }

    /// Evaluates a schedule (year index per item): per-year coverage, groups, spend and the
    /// money committed; `None` when it breaks a step or a budget.
    pub fn evaluate(&self, year: &[usize]) -> Option<Phasing> {
        let t = self.years.len();
        if year.len() != self.items.len()
            || year.iter().any(|&k| k >= t)
            || self
                .items
                .iter()
                .zip(year)
                .any(|(it, &k)| it.due.is_some_and(|d| k > d))
        {
            return None;
        }
        let steps = self.clamped_steps();
        let mut covered = Vec::with_capacity(t);
        let mut groups = Vec::with_capacity(t);
        let mut spend = vec![0.0; t];
        let mut committed = 0.0;
        let mut cumulative = 0.0;
        for k in 0..t {
            let open = || (0..self.items.len()).filter(|&i| year[i] <= k);
            for i in (0..self.items.len()).filter(|&i| year[i] == k) {
                spend[k] += self.items[i].cost;
            }
            cumulative += spend[k];
            committed += cumulative;
            let c = self.covered_with(open());
            let g = self.groups_with(open());
            if c < steps[k].0 - TOL
                || g < steps[k].1
                || self.years[k].budget.is_some_and(|b| spend[k] > b + TOL)
            {
                return None;
            }
            covered.push(c);
            groups.push(g);
        }
        Some(Phasing {
            year: year.to_vec(),
            committed_wan_years: committed,
            covered,
            groups,
            spend,
            certificate: Certificate::new(committed, committed),
            nodes: 0,
            complete: true,
        })
    }

    /// The best schedule (see the module doc), with a proven lower bound on the money
    /// committed.
    ///
    /// # Errors
    /// [`PhasingError::Input`] for inconsistent shapes, [`PhasingError::OverBudget`] when no
    /// schedule fits the yearly budgets.
    pub fn solve(&self, opts: &PhasingOptions) -> Result<Phasing, PhasingError> {
        self.validate()?;
        let mut s = Search::new(self, opts.node_limit);
        let root = s.lower_bound(0, 0);
        s.root = root;
        s.dfs(0, 0);
        let Some((year, _, _)) = s.best.take() else {
            return Err(if s.stopped {
                PhasingError::NotFound(s.nodes)
            } else {
                PhasingError::OverBudget
            });
        };
        let nodes = s.nodes;
        let complete = !s.stopped;
        let mut out = self
            .evaluate(&year)
            .expect("the search keeps only schedules that meet every step and budget");
        out.nodes = nodes;
        out.complete = complete;
        let bound = if complete {
            out.committed_wan_years
        } else {
            root.min(out.committed_wan_years)
        };
        out.certificate = Certificate::new(out.committed_wan_years, bound);
        Ok(out)
    }
}

/// Branch-and-bound state.
struct Search<'a> {
    p: &'a PhasingProblem,
    steps: Vec<(f64, usize)>,
    /// Items in branching order.
    order: Vec<usize>,
    /// Year of each item, `UNSET` while undecided.
    year: Vec<usize>,
    /// Per item, the last year it was ruled out of (`UNSET` if none): it may open only later.
    not_before: Vec<usize>,
    /// Open items covering each point, plus one for the base.
    count: Vec<u32>,
    covered: f64,
    group_count: Vec<u32>,
    groups: usize,
    /// Cost of the open items.
    open_cost: f64,
    /// Money committed in the years closed so far.
    committed: f64,
    /// People·years of the years closed so far.
    people_years: f64,
    /// Spend of the current year.
    spend_now: f64,
    total_cost: f64,
    /// People covered with every item open.
    all_people: f64,
    /// The root's lower bound on the money committed.
    root: f64,
    nodes: u64,
    limit: u64,
    stopped: bool,
    best: Option<(Vec<usize>, f64, f64)>,
}

impl<'a> Search<'a> {
    fn new(p: &'a PhasingProblem, limit: u64) -> Self {
        let count: Vec<u32> = p.covered.iter().map(|&c| u32::from(c)).collect();
        let covered = p
            .weight
            .iter()
            .zip(&p.covered)
            .filter(|(_, c)| **c)
            .fold(0.0, |a, (w, _)| a + w);
        let group_count: Vec<u32> = p.group_has.iter().map(|&h| u32::from(h)).collect();
        let groups = p.group_has.iter().filter(|h| **h).count();
        // Coverage per 万元 over the base, the most first; ties by index.
        let gain = |i: usize| -> f64 {
            p.items[i]
                .points
                .iter()
                .filter(|&&q| !p.covered[q as usize])
                .fold(0.0, |a, &q| a + p.weight[q as usize])
        };
        let mut order: Vec<usize> = (0..p.items.len()).collect();
        let key = |i: usize| {
            let c = p.items[i].cost;
            if c > 0.0 { gain(i) / c } else { f64::INFINITY }
        };
        order.sort_by(|&a, &b| key(b).total_cmp(&key(a)).then(a.cmp(&b)));
        Self {
            p,
            steps: p.clamped_steps(),
            order,
            year: vec![UNSET; p.items.len()],
            not_before: vec![UNSET; p.items.len()],
            count,
            covered,
            group_count,
            groups,
            open_cost: 0.0,
            committed: 0.0,
            people_years: 0.0,
            spend_now: 0.0,
            total_cost: p.items.iter().fold(0.0, |a, it| a + it.cost),
            all_people: p.covered_with(0..p.items.len()),
            root: f64::NEG_INFINITY,
            nodes: 0,
            limit,
            stopped: false,
            best: None,
        }
    }

    fn open(&mut self, i: usize, k: usize) {
        self.year[i] = k;
        let it = &self.p.items[i];
        for &q in &it.points {
            let c = &mut self.count[q as usize];
            if *c == 0 {
                self.covered += self.p.weight[q as usize];
            }
            *c += 1;
        }
        if let Some(g) = it.group {
            let c = &mut self.group_count[g as usize];
            if *c == 0 {
                self.groups += 1;
            }
            *c += 1;
        }
        self.open_cost += it.cost;
        self.spend_now += it.cost;
    }

    fn close(&mut self, i: usize) {
        self.year[i] = UNSET;
        let it = &self.p.items[i];
        for &q in &it.points {
            let c = &mut self.count[q as usize];
            *c -= 1;
            if *c == 0 {
                self.covered -= self.p.weight[q as usize];
            }
        }
        if let Some(g) = it.group {
            let c = &mut self.group_count[g as usize];
            *c -= 1;
            if *c == 0 {
                self.groups -= 1;
            }
        }
        self.open_cost -= it.cost;
        self.spend_now -= it.cost;
    }

    /// Whether item `i` may still open in year `k`.
    fn available(&self, i: usize, k: usize) -> bool {
        self.year[i] == UNSET && (self.not_before[i] == UNSET || self.not_before[i] < k)
    }

    /// The least extra cost over the open set that meets step `k` with the items available
    /// in year `k`; `None` when they cannot meet it.
    fn extra_for(&self, k: usize) -> Option<f64> {
        let (people, groups) = self.steps[k];
        // Items due by year `k` and still closed open by then, whatever else.
        let mut lb: f64 = (0..self.p.items.len())
            .filter(|&i| self.year[i] == UNSET && self.p.items[i].due.is_some_and(|d| d <= k))
            .fold(0.0, |a, i| a + self.p.items[i].cost);
        if lb > 0.0
            && (0..self.p.items.len()).any(|i| {
                self.p.items[i].due.is_some_and(|d| d <= k)
                    && !self.available(i, k)
                    && self.year[i] == UNSET
            })
        {
            return None;
        }
        let deficit = people - self.covered;
        if deficit > TOL {
            let mut items: Vec<(f64, f64)> = Vec::new();
            for i in (0..self.p.items.len()).filter(|&i| self.available(i, k)) {
                let gain = self.p.items[i]
                    .points
                    .iter()
                    .filter(|&&q| self.count[q as usize] == 0)
                    .fold(0.0, |a, &q| a + self.p.weight[q as usize]);
                if gain > 0.0 {
                    items.push((gain, self.p.items[i].cost));
                }
            }
            items.sort_by(|a, b| (b.0 * a.1).total_cmp(&(a.0 * b.1)));
            let mut left = deficit;
            let mut cost = 0.0;
            for (g, c) in items {
                if left <= TOL {
                    break;
                }
                if g >= left {
                    cost += c * left / g;
                    left = 0.0;
                } else {
                    cost += c;
                    left -= g;
                }
            }
            if left > TOL {
                return None;
            }
            lb = lb.max(cost);
        }
        if groups > self.groups {
            let mut cheapest: std::collections::BTreeMap<u32, f64> = Default::default();
            for i in (0..self.p.items.len()).filter(|&i| self.available(i, k)) {
                if let Some(g) = self.p.items[i].group
                    && self.group_count[g as usize] == 0
                {
                    let e = cheapest.entry(g).or_insert(f64::INFINITY);
                    *e = e.min(self.p.items[i].cost);
                }
            }
            let mut costs: Vec<f64> = cheapest.into_values().collect();
            let need = groups - self.groups;
            if costs.len() < need {
                return None;
            }
            costs.sort_by(f64::total_cmp);
            lb = lb.max(costs[..need].iter().fold(0.0, |a, b| a + b));
        }
        Some(lb)
    }

    /// A lower bound on the money committed by any completion of the node at year `k`
    /// (the current year's open items included in the open set); infinite when no
    /// completion meets the steps.
    fn lower_bound(&self, k: usize, _pos: usize) -> f64 {
        let t = self.p.years.len();
        let mut bound = self.committed;
        let mut need: f64 = 0.0;
        for y in k..t {
            if y + 1 == t {
                bound += self.total_cost;
                break;
            }
            match self.extra_for(y) {
                Some(e) => need = need.max(e),
                None => return f64::INFINITY,
            }
            bound += self.open_cost + need;
        }
        bound
    }

    /// An upper bound on the people·years of any completion.
    fn people_bound(&self, k: usize) -> f64 {
        let t = self.p.years.len();
        let mut hit: Vec<bool> = self.count.iter().map(|&c| c > 0).collect();
        for i in (0..self.p.items.len()).filter(|&i| self.available(i, k)) {
            for &q in &self.p.items[i].points {
                hit[q as usize] = true;
            }
        }
        let now = self
            .p
            .weight
            .iter()
            .zip(&hit)
            .filter(|(_, h)| **h)
            .fold(0.0, |a, (w, _)| a + w);
        self.people_years + now + self.all_people * (t - k - 1) as f64
    }

    /// Whether the remaining budgets can still pay for every unassigned item.
    fn budget_room(&self, k: usize) -> bool {
        let left: f64 = (0..self.p.items.len())
            .filter(|&i| self.year[i] == UNSET)
            .fold(0.0, |a, i| a + self.p.items[i].cost);
        let mut room = 0.0;
        for y in k..self.p.years.len() {
            match self.p.years[y].budget {
                None => return true,
                Some(b) if y == k => room += (b - self.spend_now).max(0.0),
                Some(b) => room += b,
            }
        }
        left <= room + TOL
    }

    fn pruned(&self, k: usize, pos: usize) -> bool {
        if !self.budget_room(k) {
            return true;
        }
        let lb = self.lower_bound(k, pos);
        let Some((_, best, best_people)) = &self.best else {
            return !lb.is_finite();
        };
        lb > best + TOL || (lb >= best - TOL && self.people_bound(k) <= best_people + TOL)
    }

    fn dfs(&mut self, k: usize, pos: usize) {
        if self.stopped {
            return;
        }
        self.nodes += 1;
        // Without any schedule yet the search goes on longer before it gives up; once the
        // root bound proves the money committed, a tenth of the limit goes to the tie-break.
        let proven = self.best.as_ref().is_some_and(|b| b.1 <= self.root + TOL);
        if (self.nodes > self.limit && self.best.is_some())
            || (proven && self.nodes > self.limit / 10)
            || self.nodes > self.limit.saturating_mul(20)
        {
            self.stopped = true;
            return;
        }
        let t = self.p.years.len();
        if k + 1 == t {
            self.finish();
            return;
        }
        if pos == self.order.len() {
            self.close_year(k);
            return;
        }
        if self.pruned(k, pos) {
            return;
        }
        let i = self.order[pos];
        if !self.available(i, k) {
            self.dfs(k, pos + 1);
            return;
        }
        // Not now first: spending waits; then open now, where the year's budget allows.
        let before = self.not_before[i];
        self.not_before[i] = k;
        self.dfs(k, pos + 1);
        self.not_before[i] = before;
        let fits = self.p.years[k]
            .budget
            .is_none_or(|b| self.spend_now + self.p.items[i].cost <= b + TOL);
        if fits {
            self.open(i, k);
            self.dfs(k, pos + 1);
            self.close(i);
        }
    }

    /// Every item decided for year `k`: check its step, book it and go on to the next year.
    fn close_year(&mut self, k: usize) {
        let (people, groups) = self.steps[k];
        if self.covered < people - TOL || self.groups < groups {
            return;
        }
        let overdue =
            |i: usize| self.year[i] == UNSET && self.p.items[i].due.is_some_and(|d| d <= k);
        if (0..self.p.items.len()).any(overdue) {
            return;
        }
        let (committed, people_years, spend) = (self.committed, self.people_years, self.spend_now);
        self.committed += self.open_cost;
        self.people_years += self.covered;
        self.spend_now = 0.0;
        self.dfs(k + 1, 0);
        self.committed = committed;
        self.people_years = people_years;
        self.spend_now = spend;
    }

    /// The final year: every item left opens.
    fn finish(&mut self) {
        let k = self.p.years.len() - 1;
        let left: Vec<usize> = (0..self.p.items.len())
            .filter(|&i| self.year[i] == UNSET)
            .collect();
        let spend_before = self.spend_now;
        for &i in &left {
            self.open(i, k);
        }
        let (people, groups) = self.steps[k];
        let ok = self.covered >= people - TOL
            && self.groups >= groups
            && self.p.years[k]
                .budget
                .is_none_or(|b| self.spend_now <= b + TOL);
        if ok {
            let committed = self.committed + self.open_cost;
            let people_years = self.people_years + self.covered;
            let better = match &self.best {
                None => true,
                Some((_, c, py)) => {
                    committed < c - TOL || (committed <= c + TOL && people_years > py + TOL)
                }
            };
            if better {
                self.best = Some((self.year.clone(), committed, people_years));
            }
        }
        for &i in left.iter().rev() {
            self.close(i);
        }
        self.spend_now = spend_before;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::solve::{SplitMix64, Status};

    /// Every schedule (year per item), the lexicographic best by brute force.
    fn brute(p: &PhasingProblem) -> Option<(f64, f64)> {
        let n = p.items.len();
        let t = p.years.len();
        let mut best: Option<(f64, f64)> = None;
        let mut year = vec![0usize; n];
        loop {
            if let Some(s) = p.evaluate(&year) {
                let key = (s.committed_wan_years, s.people_years());
                best = Some(match best {
                    None => key,
                    Some(b) if key.0 < b.0 - TOL || (key.0 <= b.0 + TOL && key.1 > b.1 + TOL) => {
                        key
                    }
                    Some(b) => b,
                });
            }
            // Next schedule in base t.
            let mut i = 0;
            while i < n {
                year[i] += 1;
                if year[i] < t {
                    break;
                }
                year[i] = 0;
                i += 1;
            }
            if i == n {
                return best;
            }
        }
    }

    fn random_problem(rng: &mut SplitMix64, budgets: bool) -> PhasingProblem {
        let points = 4 + (rng.next_u64() % 8) as usize;
        let groups = 1 + (rng.next_u64() % 4) as usize;
        let n = 1 + (rng.next_u64() % 6) as usize;
        let t = 1 + (rng.next_u64() % 4) as usize;
        let weight: Vec<f64> = (0..points)
            .map(|_| (1 + rng.next_u64() % 50) as f64)
            .collect();
        let covered: Vec<bool> = (0..points).map(|_| rng.below(4) == 0).collect();
        let group_has: Vec<bool> = (0..groups).map(|_| rng.below(3) == 0).collect();
        let items = (0..n)
            .map(|_| PhasingItem {
                cost: [10.0, 20.0, 25.0, 30.0][(rng.next_u64() % 4) as usize],
                points: (0..points as u32).filter(|_| rng.below(3) == 0).collect(),
                group: (rng.below(2) == 0).then(|| (rng.next_u64() % groups as u64) as u32),
                due: (rng.below(4) == 0).then(|| rng.below(t)),
            })
            .collect();
        let total: f64 = weight.iter().sum();
        let years = (0..t)
            .map(|_| PhasingYear {
                need_people: (rng.below(2) == 0)
                    .then(|| total * (rng.next_u64() % 101) as f64 / 100.0),
                need_groups: (rng.below(3) == 0)
                    .then(|| (rng.next_u64() % (groups as u64 + 1)) as usize),
                budget: (budgets && rng.below(2) == 0)
                    .then(|| [0.0, 20.0, 30.0, 50.0, 80.0][(rng.next_u64() % 5) as usize]),
            })
            .collect();
        PhasingProblem {
            weight,
            covered,
            group_has,
            items,
            years,
        }
    }

    #[test]
    fn branch_and_bound_equals_brute_force() {
        let mut rng = SplitMix64::new(7, 0);
        let mut solved = 0;
        for case in 0..600 {
            let p = random_problem(&mut rng, case % 2 == 1);
            let want = brute(&p);
            match p.solve(&PhasingOptions::default()) {
                Ok(s) => {
                    let (c, py) = want.unwrap_or_else(|| panic!("case {case}: {p:?}"));
                    assert!((s.committed_wan_years - c).abs() <= 1e-6, "case {case}");
                    assert!((s.people_years() - py).abs() <= 1e-6, "case {case}");
                    assert_eq!(s.certificate.status, Status::Optimal);
                    assert_eq!(p.evaluate(&s.year).map(|e| e.committed_wan_years), Some(c));
                    solved += 1;
                }
                Err(e) => {
                    assert_eq!(e, PhasingError::OverBudget);
                    assert!(want.is_none(), "case {case}: brute force found {want:?}");
                }
            }
        }
        assert!(solved > 300, "{solved}");
    }

    #[test]
    fn a_stopped_search_claims_no_more_than_it_proved() {
        let mut rng = SplitMix64::new(3, 0);
        for case in 0..200 {
            let p = random_problem(&mut rng, false);
            let Some((c, _)) = brute(&p) else { continue };
            let s = p
                .solve(&PhasingOptions { node_limit: 3 })
                .expect("no budgets: a schedule exists");
            assert!(s.certificate.bound <= c + 1e-6, "case {case}");
            assert!(s.committed_wan_years >= c - 1e-6, "case {case}");
            if s.certificate.status == Status::Optimal {
                assert!((s.committed_wan_years - c).abs() <= 1e-6, "case {case}");
            }
        }
    }

    #[test]
    fn spending_waits_for_the_step_that_needs_it() {
        // Points 100 (covered before), 50, 30; a 2-year plan whose first year asks 150 people:
        // the site adding 50 (20 万元) opens first, the one adding 30 waits.
        let p = PhasingProblem {
            weight: vec![100.0, 50.0, 30.0],
            covered: vec![true, false, false],
            group_has: vec![],
            items: vec![
                PhasingItem {
                    cost: 20.0,
                    points: vec![1],
                    group: None,
                    due: None,
                },
                PhasingItem {
                    cost: 20.0,
                    points: vec![2],
                    group: None,
                    due: None,
                },
            ],
            years: vec![
                PhasingYear {
                    need_people: Some(150.0),
                    ..PhasingYear::default()
                },
                PhasingYear::default(),
            ],
        };
        let s = p.solve(&PhasingOptions::default()).expect("feasible");
        assert_eq!(s.year, vec![0, 1]);
        assert_eq!(s.committed_wan_years, 20.0 + 40.0);
        assert_eq!(s.covered, vec![150.0, 180.0]);
        assert_eq!(s.certificate.status, Status::Optimal);
    }
}
