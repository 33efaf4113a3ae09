//! Plain domain types: villages (demand), facilities (what exists), candidate sites
//! (where something new may go) and the region that holds them.
//!
//! Coordinates in these types are always WGS-84 longitude/latitude in degrees; the loaders
//! convert GCJ-02 and BD-09 input once, on load.

use std::fmt;

pub mod decisions;
pub mod indicator;
mod scenario;
pub mod township;
pub use decisions::Decisions;
pub use indicator::{BedDefinitions, Goal, Indicator, TypeSet};
pub use scenario::*;
pub use township::{Township, TownshipKind, rural_by_county, rural_without_county};

/// Index of a village in [`Region::villages`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct VillageIdx(pub u32);

/// Index of a site in a combined site list: existing facilities first, then candidates
/// (see [`Region::site`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SiteIdx(pub u32);

impl VillageIdx {
    /// The index as a `usize`, for slice access.
    pub fn get(self) -> usize {
        self.0 as usize
    }
}

impl SiteIdx {
    /// The index as a `usize`, for slice access.
    pub fn get(self) -> usize {
        self.0 as usize
    }
}

/// A WGS-84 position in degrees.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LonLat {
    /// Longitude, degrees east.
    pub lon: f64,
    /// Latitude, degrees north.
    pub lat: f64,
}

/// Whether a village is an urban community (居委会) or a rural village (村委会); it picks the
/// travel speed and detour of the scenario.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum AreaKind {
    /// 城镇 / 居委会.
    Urban,
    /// 农村 / 村委会.
    Rural,
}

impl AreaKind {
    /// Parses `urban|rural|城镇|农村|城市|乡村` (case-insensitive for the English words).
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "urban" | "城镇" | "城市" | "居委会" | "社区" => Some(Self::Urban),
            "rural" | "农村" | "乡村" | "村委会" | "村" => Some(Self::Rural),
            _ => None,
        }
    }

    /// Derives the kind from a 12-digit statistical code (统计用区划代码): digits 10–12 below 200
    /// are a 居委会 (urban), the rest a 村委会 (rural). `None` when `id` is not such a code.
    pub fn from_statistical_code(id: &str) -> Option<Self> {
        let id = id.trim();
        if id.len() != 12 || !id.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let tail: u32 = id[9..].parse().ok()?;
        Some(if tail < 200 { Self::Urban } else { Self::Rural })
    }

    /// The English name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Urban => "urban",
            Self::Rural => "rural",
        }
    }
}

/// The type of an existing facility.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FacilityType {
    /// 日间照料中心.
    DayCare,
    /// 养老服务站 / 驿站.
    Station,
    /// 综合养老服务中心.
    Comprehensive,
    /// 养老机构 / 敬老院 / 养护院.
    Institution,
}

impl FacilityType {
    /// All types, in report order.
    pub const ALL: [Self; 4] = [
        Self::DayCare,
        Self::Station,
        Self::Comprehensive,
        Self::Institution,
    ];

    /// Parses the English code or a Chinese name.
    pub fn parse(s: &str) -> Option<Self> {
        match s
            .trim()
            .to_ascii_lowercase()
            .replace(['-', ' '], "_")
            .as_str()
        {
            "day_care" | "daycare" | "日间照料中心" | "日间照料" | "日照中心" => {
                Some(Self::DayCare)
            }
            "station" | "养老服务站" | "驿站" | "养老驿站" | "居家养老服务站" => {
                Some(Self::Station)
            }
            "comprehensive" | "综合养老服务中心" | "综合中心" => {
                Some(Self::Comprehensive)
            }
            "institution" | "养老机构" | "敬老院" | "养护院" | "养老院" | "福利院" => {
                Some(Self::Institution)
            }
            _ => None,
        }
    }

    /// The English code used in files.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::DayCare => "day_care",
            Self::Station => "station",
            Self::Comprehensive => "comprehensive",
            Self::Institution => "institution",
        }
    }

    /// The Chinese name used in reports.
    pub fn zh(self) -> &'static str {
        match self {
            Self::DayCare => "日间照料中心",
            Self::Station => "养老服务站",
            Self::Comprehensive => "综合养老服务中心",
            Self::Institution => "养老机构",
        }
    }
}

impl fmt::Display for FacilityType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a candidate site may host.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Allow {
    /// A new day-care centre only.
    DayCare,
    /// A new institution only.
    Institution,
    /// Either.
    Both,
}

impl Allow {
    /// Parses `day_care|institution|both` or the Chinese equivalents.
    pub fn parse(s: &str) -> Option<Self> {
        match s
            .trim()
            .to_ascii_lowercase()
            .replace(['-', ' '], "_")
            .as_str()
        {
            "day_care" | "daycare" | "日间照料中心" | "日间照料" => Some(Self::DayCare),
            "institution" | "养老机构" => Some(Self::Institution),
            "both" | "均可" | "全部" => Some(Self::Both),
            _ => None,
        }
    }

    /// Whether a day-care centre may open here.
    pub fn day_care(self) -> bool {
        matches!(self, Self::DayCare | Self::Both)
    }

    /// Whether an institution may open here.
    pub fn institution(self) -> bool {
        matches!(self, Self::Institution | Self::Both)
    }
}

/// One 村 / 社区: the demand side.
#[derive(Clone, Debug, PartialEq)]
pub struct Village {
    /// Identifier, usually the 12-digit statistical code.
    pub id: String,
    /// Name (名称).
    pub name: String,
    /// Township or street (乡镇 / 街道) it belongs to.
    pub township: String,
    /// WGS-84 position.
    pub pos: LonLat,
    /// Elderly people aged 60 and over.
    pub elderly: u32,
    /// Of whom aged 80 and over, when known.
    pub elderly_80: Option<u32>,
    /// Disabled or semi-disabled elderly (失能半失能), when known.
    pub disabled: Option<u32>,
    /// Urban community or rural village.
    pub kind: AreaKind,
}

/// An existing facility.
#[derive(Clone, Debug, PartialEq)]
pub struct Facility {
    /// Identifier, unique across villages, facilities and candidates.
    pub id: String,
    /// Name.
    pub name: String,
    /// Type.
    pub kind: FacilityType,
    /// Township or street it lies in.
    pub township: String,
    /// WGS-84 position.
    pub pos: LonLat,
    /// Institution beds (床位).
    pub beds: u32,
    /// Of which nursing beds (护理型床位); never more than `beds`.
    pub nursing_beds: u32,
    /// Ceiling for expansion, when known; never below `beds`.
    pub max_beds: Option<u32>,
    /// Public / public-interest (公办 / 公益性).
    pub public: bool,
    /// Day-care places, when known.
    pub capacity: Option<u32>,
}

/// A site where a new facility may go.
#[derive(Clone, Debug, PartialEq)]
pub struct Candidate {
    /// Identifier, unique across villages, facilities and candidates.
    pub id: String,
    /// Name.
    pub name: String,
    /// Township or street it lies in.
    pub township: String,
    /// WGS-84 position.
    pub pos: LonLat,
    /// What may open here.
    pub allow: Allow,
    /// Beds a new institution here may have (required when an institution is allowed).
    pub max_beds: Option<u32>,
    /// Cost override in 万元 (otherwise the scenario's default cost applies).
    pub cost_wan: Option<f64>,
}

/// A region's inputs after validation: every id unique, every township known, all positions
/// WGS-84.
#[derive(Clone, Debug, Default)]
pub struct Region {
    /// Villages and communities, in file order.
    pub villages: Vec<Village>,
    /// Existing facilities, in file order.
    pub facilities: Vec<Facility>,
    /// Candidate sites, in file order.
    pub candidates: Vec<Candidate>,
    /// Region outline rings (WGS-84), empty when no `boundary.geojson` was given.
    pub boundary: Vec<Vec<LonLat>>,
}

/// A site seen through the combined index: an existing facility or a candidate.
#[derive(Clone, Copy, Debug)]
pub enum Site<'a> {
    /// Existing facility, always open.
    Existing(&'a Facility),
    /// Candidate site.
    Candidate(&'a Candidate),
}

impl<'a> Site<'a> {
    /// The site's identifier.
    pub fn id(&self) -> &'a str {
        match self {
            Site::Existing(f) => &f.id,
            Site::Candidate(c) => &c.id,
        }
    }

    /// The site's name (may be empty).
    pub fn name(&self) -> &'a str {
        match self {
            Site::Existing(f) => &f.name,
            Site::Candidate(c) => &c.name,
        }
    }

    /// The site's position.
    pub fn pos(&self) -> LonLat {
        match self {
            Site::Existing(f) => f.pos,
            Site::Candidate(c) => c.pos,
        }
    }
}

impl Region {
    /// Number of sites in the combined index (facilities, then candidates).
    pub fn site_count(&self) -> usize {
        self.facilities.len() + self.candidates.len()
    }

    /// The site behind a combined index: facilities first, then candidates.
    pub fn site(&self, idx: SiteIdx) -> Site<'_> {
        let i = idx.get();
        match self.facilities.get(i) {
            Some(f) => Site::Existing(f),
            None => Site::Candidate(&self.candidates[i - self.facilities.len()]),
        }
    }

    /// The distinct township-level units of the villages (other units included), sorted.
    pub fn townships(&self) -> Vec<&str> {
        let mut townships: Vec<&str> = self.villages.iter().map(|v| v.township.as_str()).collect();
        townships.sort_unstable();
        townships.dedup();
        townships
    }

    /// Total elderly people.
    pub fn total_elderly(&self) -> u64 {
        self.villages.iter().map(|v| u64::from(v.elderly)).sum()
    }

    /// Baseline figures of the region as loaded.
    pub fn baseline(
        &self,
        defs: &BedDefinitions,
        township_kinds: &std::collections::BTreeMap<String, TownshipKind>,
    ) -> Baseline {
        let mut by_type: std::collections::BTreeMap<FacilityType, usize> =
            FacilityType::ALL.into_iter().map(|t| (t, 0)).collect();
        let (mut beds, mut nursing_beds) = (0u64, 0u64);
        // (beds, nursing, public) over the types of a definition.
        let sum = |set: TypeSet| {
            self.facilities
                .iter()
                .filter(|f| set.contains(f.kind))
                .fold((0u64, 0u64, 0u64), |(b, n, p), f| {
                    (
                        b + u64::from(f.beds),
                        n + u64::from(f.nursing_beds),
                        p + if f.public { u64::from(f.beds) } else { 0 },
                    )
                })
        };
        for f in &self.facilities {
            *by_type.entry(f.kind).or_default() += 1;
            beds += u64::from(f.beds);
            nursing_beds += u64::from(f.nursing_beds);
        }
        let elderly = self.total_elderly();
        let units = self.township_units_with(township_kinds);
        let townships = units.iter().filter(|u| u.kind.is_township()).count();
        let (share_beds, share_nursing, _) = sum(defs.nursing_share);
        let (public_of, _, public) = sum(defs.public_share);
        Baseline {
            villages: self.villages.len(),
            townships,
            other_units: units.len() - townships,
            elderly,
            facilities_by_type: by_type,
            beds,
            nursing_beds,
            candidates: self.candidates.len(),
            beds_per_1000: ratio(sum(defs.beds_per_1000).0 as f64 * 1000.0, elderly as f64),
            nursing_share: ratio(share_nursing as f64, share_beds as f64),
            nursing_per_1000: ratio(sum(defs.nursing_per_1000).1 as f64 * 1000.0, elderly as f64),
            public_share: ratio(public as f64, public_of as f64),
        }
    }
}

fn ratio(num: f64, den: f64) -> Option<f64> {
    (den > 0.0).then(|| num / den)
}

/// The region's figures before any plan: what `yanglao check` prints.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Baseline {
    /// Villages and communities.
    pub villages: usize,
    /// 乡镇（街道）: townships and streets (other township-level units not counted).
    pub townships: usize,
    /// Other township-level units (开发区, 园区, 农场 …).
    pub other_units: usize,
    /// Elderly people (60+).
    pub elderly: u64,
    /// Existing facilities per type.
    pub facilities_by_type: std::collections::BTreeMap<FacilityType, usize>,
    /// Beds in all facilities.
    pub beds: u64,
    /// Nursing beds in all facilities.
    pub nursing_beds: u64,
    /// Candidate sites.
    pub candidates: usize,
    /// Beds per 1000 elderly (types of its definition); `None` without elderly.
    pub beds_per_1000: Option<f64>,
    /// Nursing beds ÷ beds (types of its definition, 养老机构 by default); `None` without beds.
    pub nursing_share: Option<f64>,
    /// Nursing beds per 1000 elderly (types of its definition).
    pub nursing_per_1000: Option<f64>,
    /// Public beds ÷ beds (types of its definition).
    pub public_share: Option<f64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statistical_code_gives_kind() {
        // 620722100001: tail 001 < 200 → 居委会.
        assert_eq!(
            AreaKind::from_statistical_code("620722100001"),
            Some(AreaKind::Urban)
        );
        // 620722101201: tail 201 → 村委会.
        assert_eq!(
            AreaKind::from_statistical_code("620722101201"),
            Some(AreaKind::Rural)
        );
        assert_eq!(
            AreaKind::from_statistical_code("620722101199"),
            Some(AreaKind::Urban)
        );
        assert_eq!(
            AreaKind::from_statistical_code("620722101200"),
            Some(AreaKind::Rural)
        );
        assert_eq!(AreaKind::from_statistical_code("V001"), None);
        assert_eq!(AreaKind::from_statistical_code("6207221012001"), None);
    }

    #[test]
    fn facility_types_parse_in_both_languages() {
        assert_eq!(
            FacilityType::parse("日间照料中心"),
            Some(FacilityType::DayCare)
        );
        assert_eq!(FacilityType::parse("Day-Care"), Some(FacilityType::DayCare));
        assert_eq!(
            FacilityType::parse("敬老院"),
            Some(FacilityType::Institution)
        );
        assert_eq!(FacilityType::parse("hospital"), None);
    }
}
