//! Indicator definitions: which facility types each indicator counts, how a target compares,
//! and the plan wording it implements. One home for every definition; the bed model, the
//! indicator table, the report and `check` all read it.
//!
//! # Defaults and their sources
//! - 护理型床位占比 counts *养老机构* beds only (nursing beds of institutions ÷ institution
//!   beds): the wording of every seed plan ("养老机构护理型床位占比", 晋江市"十四五"民政事业发展
//!   专项规划 L291, 福建省"十四五"民政事业发展专项规划 L350, 泰州市"十四五"民政事业发展规划 L280,
//!   江门市江海区民政事业发展"十四五"规划 L186).
//! - 每千名老年人养老床位数, 每千名老年人护理型床位数, 公益性床位占比 and 新增养老床位 count
//!   beds of every type (各类养老床位, 晋江 L82 "各类养老床位总量", 福建 L314 "新增各类养老床位").
//!   A scenario overrides a set where its plan defines otherwise (民乐 counts 养老机构 beds).

use std::fmt;

use super::FacilityType;

/// A set of facility types, as a bit set over [`FacilityType::ALL`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct TypeSet(u8);

impl TypeSet {
    /// No type.
    pub const EMPTY: Self = Self(0);
    /// Every type (各类).
    pub const ALL: Self = Self(0b1111);
    /// Institutions only (养老机构).
    pub const INSTITUTIONS: Self = Self(1 << 3);
    /// The facilities of the day-care network: 日间照料中心 and 综合养老服务中心.
    pub const DAY_CARE: Self = Self(0b0101);

    /// The bit index of a type, its position in [`FacilityType::ALL`].
    pub fn index(kind: FacilityType) -> usize {
        match kind {
            FacilityType::DayCare => 0,
            FacilityType::Station => 1,
            FacilityType::Comprehensive => 2,
            FacilityType::Institution => 3,
        }
    }

    /// The set of the given types.
    pub fn of(kinds: &[FacilityType]) -> Self {
        Self(kinds.iter().fold(0, |s, k| s | 1 << Self::index(*k)))
    }

    /// Whether `kind` is in the set.
    pub fn contains(self, kind: FacilityType) -> bool {
        self.0 & 1 << Self::index(kind) != 0
    }

    /// Whether the type of bit index `i` is in the set.
    pub fn contains_index(self, i: usize) -> bool {
        self.0 & 1 << i != 0
    }

    /// The types in the set, in [`FacilityType::ALL`] order.
    pub fn kinds(self) -> Vec<FacilityType> {
        FacilityType::ALL
            .into_iter()
            .filter(|k| self.contains(*k))
            .collect()
    }

    /// Chinese names joined by "、", "各类" for every type.
    pub fn zh(self) -> String {
        if self == Self::ALL {
            return "各类养老服务设施".to_owned();
        }
        self.kinds()
            .iter()
            .map(|k| k.zh())
            .collect::<Vec<_>>()
            .join("、")
    }

    /// English codes joined by ", ", "every type" for every type.
    pub fn en(self) -> String {
        if self == Self::ALL {
            return "every facility type".to_owned();
        }
        self.kinds()
            .iter()
            .map(|k| k.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

impl fmt::Display for TypeSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.en())
    }
}

impl serde::Serialize for TypeSet {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeSeq;
        let kinds = self.kinds();
        let mut seq = s.serialize_seq(Some(kinds.len()))?;
        for k in kinds {
            seq.serialize_element(k.as_str())?;
        }
        seq.end()
    }
}

/// A target value and how the indicator must compare with it.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize)]
pub struct Goal {
    /// The target value (a share in 0–1, a count, or a figure per 1000 elderly).
    pub value: f64,
    /// `true` for "超过" (strictly above), `false` for "不低于/达到" (at least).
    pub strict: bool,
    /// `true` for a binding target (约束性, the default), `false` for an expected one
    /// (预期性): under a budget too small for every target, binding targets are met first.
    pub binding: bool,
}

impl Goal {
    /// At least `value`.
    pub fn at_least(value: f64) -> Self {
        Self {
            value,
            strict: false,
            binding: true,
        }
    }

    /// Strictly above `value`.
    pub fn above(value: f64) -> Self {
        Self {
            value,
            strict: true,
            binding: true,
        }
    }

    /// Whether a whole count `have` meets the goal for the real threshold `need`
    /// (`value` × the denominator): `have >= ⌈need⌉`, or `have > need` when strict.
    /// Counts are whole beds or centres, so the comparison is exact; `need` is computed in
    /// floating point and nudged by 1e-9 against round-off.
    pub fn holds_count(&self, have: u64, need: f64) -> bool {
        let have = have as f64;
        if self.strict {
            have > need + 1e-9
        } else {
            have >= need - 1e-9
        }
    }

    /// The least whole count that meets the goal for the real threshold `need`.
    pub fn least_count(&self, need: f64) -> u64 {
        if need <= 0.0 && !self.strict {
            return 0;
        }
        if self.strict {
            ((need + 1e-9).floor() + 1.0).max(0.0) as u64
        } else {
            (need - 1e-9).ceil().max(0.0) as u64
        }
    }

    /// The comparison sign: "≥" or ">".
    pub fn sign(&self) -> &'static str {
        if self.strict { ">" } else { "≥" }
    }
}

/// Which facility types each bed indicator counts (`[indicators]` in the scenario).
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize)]
pub struct BedDefinitions {
    /// 每千名老年人养老床位数: beds of these types per 1000 elderly.
    pub beds_per_1000: TypeSet,
    /// 养老机构护理型床位占比: nursing beds ÷ beds, both over these types.
    pub nursing_share: TypeSet,
    /// 每千名老年人护理型床位数: nursing beds of these types per 1000 elderly.
    pub nursing_per_1000: TypeSet,
    /// 公益性床位占比: public (公办/公益性) beds ÷ beds, both over these types.
    pub public_share: TypeSet,
    /// 新增养老床位: beds added since the base year at facilities of these types.
    pub new_beds: TypeSet,
}

impl Default for BedDefinitions {
    fn default() -> Self {
        Self {
            beds_per_1000: TypeSet::ALL,
            nursing_share: TypeSet::INSTITUTIONS,
            nursing_per_1000: TypeSet::ALL,
            public_share: TypeSet::ALL,
            new_beds: TypeSet::ALL,
        }
    }
}

/// Every indicator the plans set targets for, with its names and the definition printed
/// under the indicator table.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Indicator {
    /// Share of the elderly within the service circle of a serving facility.
    Coverage,
    /// Share of 乡镇/街道 with a comprehensive centre.
    TownshipShare,
    /// 街道 with at least `per_street` comprehensive centres.
    PerStreet,
    /// 市/区/县 with at least `per_county` rural regional (comprehensive) centres.
    PerCounty,
    /// 每千名老年人养老床位数.
    #[serde(rename = "beds_per_1000")]
    BedsPer1000,
    /// 养老机构护理型床位占比.
    NursingShare,
    /// 每千名老年人护理型床位数.
    #[serde(rename = "nursing_per_1000")]
    NursingPer1000,
    /// 公益性床位占比.
    PublicShare,
    /// 新增养老床位 (cumulative since the base year).
    NewBeds,
}

impl Indicator {
    /// The key used in scenarios and `summary.json`.
    pub fn key(self) -> &'static str {
        match self {
            Self::Coverage => "coverage",
            Self::TownshipShare => "township_share",
            Self::PerStreet => "per_street",
            Self::PerCounty => "per_county",
            Self::BedsPer1000 => "beds_per_1000",
            Self::NursingShare => "nursing_share",
            Self::NursingPer1000 => "nursing_per_1000",
            Self::PublicShare => "public_share",
            Self::NewBeds => "new_beds",
        }
    }

    /// The indicator's name as the plans word it.
    pub fn zh(self) -> &'static str {
        match self {
            Self::Coverage => "日间照料服务覆盖率",
            Self::TownshipShare => "乡镇(街道)综合养老服务中心覆盖率",
            Self::PerStreet => "街道综合养老服务中心",
            Self::PerCounty => "县(市、区)农村区域性养老服务中心",
            Self::BedsPer1000 => "每千名老年人养老床位数",
            Self::NursingShare => "养老机构护理型床位占比",
            Self::NursingPer1000 => "每千名老年人护理型床位数",
            Self::PublicShare => "公益性床位占比",
            Self::NewBeds => "新增养老床位",
        }
    }

    /// English name.
    pub fn en(self) -> &'static str {
        match self {
            Self::Coverage => "Day-care coverage of the elderly",
            Self::TownshipShare => "Townships with a comprehensive centre",
            Self::PerStreet => "Streets with a comprehensive centre",
            Self::PerCounty => "Counties meeting the rural regional-centre minimum",
            Self::BedsPer1000 => "Beds per 1000 elderly",
            Self::NursingShare => "Nursing share of institution beds",
            Self::NursingPer1000 => "Nursing beds per 1000 elderly",
            Self::PublicShare => "Public bed share",
            Self::NewBeds => "New beds since the base year",
        }
    }

    /// Whether the day-care network answers it (coverage, township share, streets,
    /// counties), not the beds.
    pub fn is_day_care(self) -> bool {
        matches!(
            self,
            Self::Coverage | Self::TownshipShare | Self::PerStreet | Self::PerCounty
        )
    }

    /// Whether the value is a share (printed as a percentage).
    pub fn is_share(self) -> bool {
        matches!(
            self,
            Self::Coverage | Self::TownshipShare | Self::NursingShare | Self::PublicShare
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strict_and_at_least_goals_differ_only_at_the_threshold() {
        // 60 % of 1,000 beds is 600: 600 nursing beds meet "≥ 60 %" but not "超过 60 %".
        assert!(Goal::at_least(0.6).holds_count(600, 600.0));
        assert!(!Goal::above(0.6).holds_count(600, 600.0));
        assert!(Goal::above(0.6).holds_count(601, 600.0));
        assert_eq!(Goal::at_least(0.6).least_count(600.0), 600);
        assert_eq!(Goal::above(0.6).least_count(600.0), 601);
        assert_eq!(Goal::at_least(0.6).least_count(600.4), 601);
        assert_eq!(Goal::above(0.6).least_count(600.4), 601);
        assert_eq!(Goal::at_least(0.0).least_count(0.0), 0);
        assert_eq!(Goal::above(0.0).least_count(0.0), 1);
    }

    #[test]
    fn type_sets_name_their_members() {
        let s = TypeSet::of(&[FacilityType::Institution, FacilityType::Comprehensive]);
        assert!(s.contains(FacilityType::Institution));
        assert!(!s.contains(FacilityType::Station));
        assert_eq!(s.zh(), "综合养老服务中心、养老机构");
        assert_eq!(TypeSet::ALL.kinds().len(), 4);
    }
}
