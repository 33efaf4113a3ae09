//! Decisions officials take before the optimiser runs: a site required (opened, kept, or its
//! bed actions done) or excluded (never opened, dropped, or left as it is).
//!
//! A decision names a site by id:
//! - a **candidate**: `required` opens it (by `year` if given: the plan dates it no later),
//!   as a day-care centre when it allows day care, else as a new institution with its
//!   `max_beds` beds in the first plan year; `excluded` removes it from every model;
//! - an existing facility of a type that **serves day care** (`day_care.serving`): `excluded`
//!   drops it (treated as closed throughout the plan, its beds too); `required` keeps it, which
//!   is the default;
//! - any other existing facility (an **institution**, or a facility with beds that does not
//!   serve day care): `required` does both of its bed actions in the first plan year —
//!   converts every ordinary bed to a nursing bed (改造) and builds up to its `max_beds` (扩建);
//!   `excluded` rules both out there (its beds stay as they are).
//!
//! Decisions come from four places, later ones overriding earlier ones per id: the `status`
//! column of `candidates.csv`, the scenario's `[decisions] file`, its `required` and
//! `excluded` lists, and `--decisions FILE` on the command line. See
//! [`crate::io::decisions`] for the formats and [`crate::plan`] for how each model honours
//! them.

use std::path::PathBuf;

use super::{Region, TypeSet};

/// What was decided about a site.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// The site must be in the plan (必选).
    Required,
    /// The site must stay out of the plan (排除).
    Excluded,
}

impl Verdict {
    /// Parses a decision cell: `required` (必选, 必建, 保留), `excluded` (排除, 不建, 关闭), or
    /// `candidate` (候选) and an empty cell for no decision (`Some(None)`); `None` for anything
    /// else.
    pub fn parse(s: &str) -> Option<Option<Self>> {
        match s.trim().to_ascii_lowercase().as_str() {
            "required" | "必选" | "必建" | "保留" => Some(Some(Self::Required)),
            "excluded" | "排除" | "不建" | "关闭" => Some(Some(Self::Excluded)),
            "candidate" | "候选" | "" => Some(None),
            _ => None,
        }
    }

    /// English keyword, as the decisions CSV writes it.
    pub fn key(self) -> &'static str {
        match self {
            Self::Required => "required",
            Self::Excluded => "excluded",
        }
    }

    /// Chinese name for reports.
    pub fn zh(self) -> &'static str {
        match self {
            Self::Required => "必选",
            Self::Excluded => "排除",
        }
    }
}

/// Where a decision was written: a file, line and column (from 1; 0 = the whole line or file).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Origin {
    /// The file (a decisions CSV, `candidates.csv` or the scenario).
    pub path: PathBuf,
    /// Line, from 1.
    pub line: u64,
    /// Column, from 1.
    pub column: u64,
}

/// One decision.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Decision {
    /// Candidate or existing facility id.
    pub id: String,
    /// Required or excluded.
    pub verdict: Verdict,
    /// Plan year by which a required candidate opens, if given.
    pub year: Option<i32>,
    /// Where it was written.
    #[serde(skip)]
    pub origin: Origin,
}

/// The decisions of a scenario, in the order they were written, one per id.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize)]
#[serde(transparent)]
pub struct Decisions {
    /// One per id.
    pub list: Vec<Decision>,
}

/// What a decision's id names in a region.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Subject {
    /// A candidate site (index into [`Region::candidates`]).
    Candidate(usize),
    /// An existing facility of a type that serves day care.
    ServingFacility(usize),
    /// Any other existing facility: its bed actions.
    BedFacility(usize),
}

impl Decisions {
    /// Whether there is no decision.
    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    /// Number of decisions.
    pub fn len(&self) -> usize {
        self.list.len()
    }

    /// The decision about `id`, if any.
    pub fn get(&self, id: &str) -> Option<&Decision> {
        self.list.iter().find(|d| d.id == id)
    }

    /// These decisions with `later` laid over them: a decision of `later` replaces one about
    /// the same id (in its place), the others are appended in their order.
    pub fn overlay(&mut self, later: Decisions) {
        for d in later.list {
            match self.list.iter_mut().find(|x| x.id == d.id) {
                Some(x) => *x = d,
                None => self.list.push(d),
            }
        }
    }

    /// Only the decision at position `i` (empty when out of range).
    pub fn only(&self, i: usize) -> Decisions {
        Decisions {
            list: self.list.get(i).cloned().into_iter().collect(),
        }
    }

    /// What `id` names in `region`; `serving` are the facility types that serve day care.
    pub fn subject(region: &Region, serving: TypeSet, id: &str) -> Option<Subject> {
        if let Some(c) = region.candidates.iter().position(|c| c.id == id) {
            return Some(Subject::Candidate(c));
        }
        let i = region.facilities.iter().position(|f| f.id == id)?;
        Some(if serving.contains(region.facilities[i].kind) {
            Subject::ServingFacility(i)
        } else {
            Subject::BedFacility(i)
        })
    }

    /// Whether `id` (a candidate or an existing facility) is excluded: it never opens, and
    /// an existing facility is neither upgraded to a comprehensive centre nor given bed
    /// actions.
    pub fn is_excluded(&self, id: &str) -> bool {
        self.get(id).is_some_and(|d| d.verdict == Verdict::Excluded)
    }

    /// The region the decisions leave: excluded candidates removed and excluded day-care
    /// facilities dropped (both in file order otherwise); ids it does not know are ignored
    /// (validation reports them).
    pub fn apply(&self, region: &Region, serving: TypeSet) -> Region {
        let mut out = region.clone();
        out.candidates.retain(|c| !self.is_excluded(&c.id));
        out.facilities
            .retain(|f| !(serving.contains(f.kind) && self.is_excluded(&f.id)));
        out
    }

    /// Required candidates of `region` that allow day care, with their years, in decision
    /// order.
    pub fn required_day_care(&self, region: &Region) -> Vec<(usize, Option<i32>)> {
        self.list
            .iter()
            .filter(|d| d.verdict == Verdict::Required)
            .filter_map(|d| {
                let c = region.candidates.iter().position(|c| c.id == d.id)?;
                region.candidates[c].allow.day_care().then_some((c, d.year))
            })
            .collect()
    }

    /// The candidates of [`Decisions::required_day_care`], ascending, each once.
    pub fn required_day_care_sites(&self, region: &Region) -> Vec<usize> {
        let mut out: Vec<usize> = self
            .required_day_care(region)
            .into_iter()
            .map(|(c, _)| c)
            .collect();
        out.sort_unstable();
        out.dedup();
        out
    }

    /// Required candidates of `region` that allow only an institution (they open as new
    /// institutions), in decision order.
    pub fn required_institutions(&self, region: &Region) -> Vec<usize> {
        self.list
            .iter()
            .filter(|d| d.verdict == Verdict::Required)
            .filter_map(|d| {
                let c = region.candidates.iter().position(|c| c.id == d.id)?;
                let allow = region.candidates[c].allow;
                (allow.institution() && !allow.day_care()).then_some(c)
            })
            .collect()
    }

    /// The verdict on the bed actions of facility `i` of `region` (a facility that does not
    /// serve day care), if any.
    pub fn bed_verdict(&self, region: &Region, serving: TypeSet, i: usize) -> Option<Verdict> {
        let f = region.facilities.get(i)?;
        if serving.contains(f.kind) {
            return None;
        }
        self.get(&f.id).map(|d| d.verdict)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(id: &str, verdict: Verdict) -> Decision {
        Decision {
            id: id.into(),
            verdict,
            year: None,
            origin: Origin::default(),
        }
    }

    #[test]
    fn verdicts_read_english_and_chinese() {
        assert_eq!(Verdict::parse("Required"), Some(Some(Verdict::Required)));
        assert_eq!(Verdict::parse("必建"), Some(Some(Verdict::Required)));
        assert_eq!(Verdict::parse(" 关闭 "), Some(Some(Verdict::Excluded)));
        assert_eq!(Verdict::parse("候选"), Some(None));
        assert_eq!(Verdict::parse("maybe"), None);
    }

    #[test]
    fn a_later_decision_replaces_an_earlier_one_in_place() {
        let mut a = Decisions {
            list: vec![d("C1", Verdict::Required), d("C2", Verdict::Excluded)],
        };
        a.overlay(Decisions {
            list: vec![d("C3", Verdict::Required), d("C1", Verdict::Excluded)],
        });
        let got: Vec<(&str, Verdict)> = a.list.iter().map(|d| (d.id.as_str(), d.verdict)).collect();
        assert_eq!(
            got,
            vec![
                ("C1", Verdict::Excluded),
                ("C2", Verdict::Excluded),
                ("C3", Verdict::Required)
            ]
        );
    }
}
