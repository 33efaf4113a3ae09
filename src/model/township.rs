//! Township-level units (乡级行政区划) and what kind each is: 街道, 镇, 乡, or another unit
//! (开发区, 园区, 农场, 林场, 渔业社 …) that plans do not count among 乡镇（街道）.
//!
//! # Source
//! The 12-digit statistical division code (统计用区划代码, National Bureau of Statistics)
//! numbers the township part (digits 7–9) by kind: 001–099 街道, 100–199 镇, 200–399 乡,
//! 400 and above other township-level units. A name ending in 街道, 镇 or 乡 is taken at its
//! word; the code decides for the rest (开发区, 园区, 农场 …).

use std::collections::BTreeMap;

use super::Region;

/// The kind of a township-level unit.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TownshipKind {
    /// 街道 (urban sub-district).
    Street,
    /// 镇 (town).
    Town,
    /// 乡 (rural township, 民族乡 included).
    Xiang,
    /// 开发区, 园区, 农场, 林场 and other units that are not 乡镇（街道）.
    Other,
}

impl TownshipKind {
    /// From the township digits (7–9) of a 12-digit statistical code.
    pub fn from_code(id: &str) -> Option<Self> {
        if id.len() != 12 || !id.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let n: u32 = id[6..9].parse().ok()?;
        Some(match n {
            0 => return None,
            1..=99 => Self::Street,
            100..=199 => Self::Town,
            200..=399 => Self::Xiang,
            _ => Self::Other,
        })
    }

    /// From the unit's name: "…街道" a street, "…镇" a town, "…乡" a 乡, anything else
    /// another unit.
    pub fn from_name(name: &str) -> Self {
        let name = name.trim();
        if name.ends_with("街道") || name.ends_with("街道办事处") {
            Self::Street
        } else if name.ends_with('镇') {
            Self::Town
        } else if name.ends_with('乡') {
            Self::Xiang
        } else {
            Self::Other
        }
    }

    /// Whether plans count this unit among 乡镇（街道）.
    pub fn is_township(self) -> bool {
        self != Self::Other
    }

    /// Whether it is rural (镇 or 乡), where rural regional centres go.
    pub fn is_rural(self) -> bool {
        matches!(self, Self::Town | Self::Xiang)
    }

    /// Parses `street|town|xiang|other` or 街道/镇/乡/其他.
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim() {
            "street" | "街道" => Some(Self::Street),
            "town" | "镇" => Some(Self::Town),
            "xiang" | "township" | "乡" => Some(Self::Xiang),
            "other" | "其他" => Some(Self::Other),
            _ => None,
        }
    }

    /// Chinese name.
    pub fn zh(self) -> &'static str {
        match self {
            Self::Street => "街道",
            Self::Town => "镇",
            Self::Xiang => "乡",
            Self::Other => "其他乡级单位",
        }
    }
}

/// One township-level unit of a region.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Township<'a> {
    /// Name as the villages file writes it.
    pub name: &'a str,
    /// Its kind.
    pub kind: TownshipKind,
    /// The county (市/区/县) it belongs to: the first six digits of its villages'
    /// statistical codes; `None` without codes.
    pub county: Option<&'a str>,
}

/// The 镇 and 乡 of `units` whose county cannot be told (their villages have no statistical
/// codes), in `units`' order: [`rural_by_county`] leaves them out.
pub fn rural_without_county<'a>(units: &[Township<'a>]) -> Vec<&'a str> {
    units
        .iter()
        .filter(|u| u.kind.is_rural() && u.county.is_none())
        .map(|u| u.name)
        .collect()
}

/// The 镇 and 乡 of `units` per county (first six code digits); units without a county are
/// left out (see [`rural_without_county`]).
pub fn rural_by_county<'a>(units: &[Township<'a>]) -> BTreeMap<&'a str, Vec<&'a str>> {
    let mut out: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for u in units.iter().filter(|u| u.kind.is_rural()) {
        if let Some(c) = u.county {
            out.entry(c).or_default().push(u.name);
        }
    }
    out
}

impl Region {
    /// Every township-level unit of the villages, sorted by name, with its kind and county:
    /// a name ending in 街道, 镇 or 乡 gives the kind; otherwise the township digits of its
    /// first village with a 12-digit statistical code do (a unit with neither is
    /// [`TownshipKind::Other`]).
    pub fn township_units(&self) -> Vec<Township<'_>> {
        self.township_units_with(&BTreeMap::new())
    }

    /// [`Region::township_units`] with the scenario's overrides (`[day_care.township_kinds]`:
    /// unit name → kind) applied last.
    pub fn township_units_with(
        &self,
        overrides: &BTreeMap<String, TownshipKind>,
    ) -> Vec<Township<'_>> {
        let mut units: BTreeMap<&str, Township<'_>> = BTreeMap::new();
        for v in &self.villages {
            let by_name = TownshipKind::from_name(&v.township);
            let by_code = TownshipKind::from_code(&v.id);
            let county = by_code.map(|_| &v.id[..6]);
            // A name that says 街道, 镇 or 乡 is taken at its word; otherwise the code decides.
            let kind = if by_name.is_township() {
                by_name
            } else {
                by_code.unwrap_or(by_name)
            };
            let entry = units.entry(v.township.as_str()).or_insert(Township {
                name: v.township.as_str(),
                kind,
                county,
            });
            if entry.county.is_none() && by_code.is_some() {
                entry.kind = kind;
                entry.county = county;
            }
        }
        for (name, kind) in overrides {
            if let Some(u) = units.get_mut(name.as_str()) {
                u.kind = *kind;
            }
        }
        units.into_values().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_class_township_units() {
        assert_eq!(
            TownshipKind::from_code("620722101001"),
            Some(TownshipKind::Town)
        );
        assert_eq!(
            TownshipKind::from_code("440704001002"),
            Some(TownshipKind::Street)
        );
        assert_eq!(
            TownshipKind::from_code("350121203001"),
            Some(TownshipKind::Xiang)
        );
        assert_eq!(
            TownshipKind::from_code("620722400001"),
            Some(TownshipKind::Other)
        );
        assert_eq!(TownshipKind::from_code("V001"), None);
        assert_eq!(
            TownshipKind::from_name("民乐生态工业园区"),
            TownshipKind::Other
        );
        assert_eq!(TownshipKind::from_name("外海街道"), TownshipKind::Street);
        assert!(!TownshipKind::Other.is_township());
    }
}
