//! Loading a region's data folder: `villages.csv`, `facilities.csv`, optional `candidates.csv`
//! and optional `boundary.geojson`, validated together so that every problem is reported at once.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use crate::error::Diagnostics;
use crate::io::crs::{check_position, to_wgs84};
use crate::io::table::{Cells, Col, ColumnSpec, Row, Table};
use crate::model::{
    Allow, AreaKind, Candidate, Crs, Facility, FacilityType, LonLat, Region, Village,
};

/// How positions in the files are to be read.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LoadOptions {
    /// The coordinate system the files are written in.
    pub crs: Crs,
    /// Whether positions must lie in China (73–136 E, 3–54 N).
    pub china_bounds: bool,
}

impl Default for LoadOptions {
    fn default() -> Self {
        Self {
            crs: Crs::Wgs84,
            china_bounds: true,
        }
    }
}

const fn spec(name: &'static str, aliases: &'static [&'static str], required: bool) -> ColumnSpec {
    ColumnSpec {
        name,
        aliases,
        required,
    }
}

const ID: ColumnSpec = spec("id", &["编号", "区划代码", "统计用区划代码", "代码"], true);
const NAME: ColumnSpec = spec("name", &["名称", "村名", "村社区", "机构名称"], true);
const TOWNSHIP: ColumnSpec = spec(
    "township",
    &["乡镇/街道", "乡镇街道", "乡镇", "街道", "所属乡镇"],
    true,
);
const LON: ColumnSpec = spec("lon", &["经度", "longitude", "lng"], true);
const LAT: ColumnSpec = spec("lat", &["纬度", "latitude"], true);

/// Columns of `villages.csv`, in [`Col`] order.
pub const VILLAGE_COLUMNS: &[ColumnSpec] = &[
    ID,
    NAME,
    TOWNSHIP,
    LON,
    LAT,
    spec(
        "elderly",
        &[
            "老年人口",
            "老年人数",
            "60岁以上",
            "60岁以上老年人口",
            "老人",
        ],
        true,
    ),
    spec(
        "elderly_80",
        &["80岁以上", "高龄老人", "80岁以上老年人口"],
        false,
    ),
    spec(
        "disabled",
        &["失能半失能", "失能半失能老人", "失能老人"],
        false,
    ),
    spec("kind", &["类型", "城乡类型", "城乡"], false),
];

/// Columns of `facilities.csv`, in [`Col`] order.
pub const FACILITY_COLUMNS: &[ColumnSpec] = &[
    ID,
    NAME,
    spec("type", &["类型", "设施类型"], true),
    TOWNSHIP,
    LON,
    LAT,
    spec("beds", &["床位", "床位数"], true),
    spec(
        "nursing_beds",
        &["护理型床位", "护理型床位数", "护理床位"],
        true,
    ),
    spec("max_beds", &["最大床位", "床位上限"], false),
    spec("public", &["公办", "公益性"], false),
    spec("capacity", &["容量", "托位", "照料位"], false),
];

/// Columns of `candidates.csv`, in [`Col`] order.
pub const CANDIDATE_COLUMNS: &[ColumnSpec] = &[
    ID,
    NAME,
    TOWNSHIP,
    LON,
    LAT,
    spec("allow", &["允许", "可建类型", "用途"], true),
    spec("max_beds", &["最大床位", "床位上限"], false),
    spec("cost", &["造价", "投资", "成本"], false),
];

/// Where an id was first seen: file name and line.
type Seen = HashMap<String, (&'static str, u64)>;

/// Reads and validates a region's data folder.
///
/// Every problem in every file is returned at once, sorted by file, line and column.
pub fn load_region(dir: &Path, opts: LoadOptions) -> Result<Region, Diagnostics> {
    let mut out = Diagnostics::default();
    let mut seen = Seen::new();
    let mut region = Region::default();

    let villages_path = dir.join("villages.csv");
    match Table::read(&villages_path, VILLAGE_COLUMNS) {
        Ok(t) => region.villages = villages(&t, opts, &mut seen, &mut out),
        Err(d) => out.extend(d),
    }
    // Without readable villages there is nothing to check townships against.
    let towns: Option<HashSet<String>> = (!region.villages.is_empty())
        .then(|| region.villages.iter().map(|v| v.township.clone()).collect());
    let facilities_path = dir.join("facilities.csv");
    // A region may have no facilities or candidates yet: a header alone is valid there.
    match Table::read_with(&facilities_path, FACILITY_COLUMNS, true) {
        Ok(t) => region.facilities = facilities(&t, opts, &mut seen, &towns, &mut out),
        Err(d) => out.extend(d),
    }
    let candidates_path = dir.join("candidates.csv");
    if candidates_path.exists() {
        match Table::read_with(&candidates_path, CANDIDATE_COLUMNS, true) {
            Ok(t) => region.candidates = candidates(&t, opts, &mut seen, &towns, &mut out),
            Err(d) => out.extend(d),
        }
    }
    let boundary_path = dir.join("boundary.geojson");
    if boundary_path.exists() {
        match crate::io::geojson::read_rings(&boundary_path, opts.crs) {
            Ok(rings) => region.boundary = rings,
            Err(d) => out.push(d),
        }
    }
    out.into_result(region).map_err(|e| match e {
        crate::error::Error::Input(d) => d,
        crate::error::Error::Io { .. } => unreachable!("into_result only makes input errors"),
    })
}

/// The fields every row of the three files shares.
struct Common {
    id: String,
    name: String,
    township: String,
    pos: LonLat,
}

/// Reads id, name, township and position (columns 0..5 of every file's specs in the order
/// id, name, township, lon, lat at `cols`), checking the id against all ids seen so far.
fn common(
    c: &mut Cells<'_>,
    row: &Row,
    cols: [Col; 5],
    specs: &[ColumnSpec],
    file: &'static str,
    opts: LoadOptions,
    seen: &mut Seen,
) -> Option<Common> {
    let [id_c, name_c, town_c, lon_c, lat_c] = cols;
    let id = c.text(row, id_c, &specs[id_c.0]);
    let name = c.text(row, name_c, &specs[name_c.0]);
    let township = c.text(row, town_c, &specs[town_c.0]);
    let lon = c.number(row, lon_c, &specs[lon_c.0], true);
    let lat = c.number(row, lat_c, &specs[lat_c.0], true);
    if let Some(id) = &id {
        match seen.get(id) {
            Some(&(first_file, first_line)) if first_file == file => c.report(
                row,
                id_c,
                format!("编号「{id}」重复，第 {first_line} 行已使用"),
                format!("duplicate id \"{id}\", first used on line {first_line}"),
            ),
            Some(&(first_file, first_line)) => c.report(
                row,
                id_c,
                format!("编号「{id}」已在 {first_file} 第 {first_line} 行使用"),
                format!("id \"{id}\" is already used in {first_file} line {first_line}"),
            ),
            None => {
                seen.insert(id.clone(), (file, row.line));
            }
        }
    }
    let (lon, lat) = (lon?, lat?);
    if let Err(problem) = check_position(lon, lat, opts.china_bounds) {
        let lon_s = c.raw(row, lon_c).unwrap_or_default().to_owned();
        let lat_s = c.raw(row, lat_c).unwrap_or_default().to_owned();
        let (zh, en) = problem.messages(&lon_s, &lat_s);
        let col = if problem == crate::io::crs::PositionProblem::LatOutside {
            lat_c
        } else {
            lon_c
        };
        c.report(row, col, zh, en);
        return None;
    }
    Some(Common {
        id: id?,
        name: name?,
        township: township?,
        pos: to_wgs84(opts.crs, lon, lat),
    })
}

const COMMON: [Col; 5] = [Col(0), Col(1), Col(2), Col(3), Col(4)];

fn villages(t: &Table, opts: LoadOptions, seen: &mut Seen, out: &mut Diagnostics) -> Vec<Village> {
    let s = VILLAGE_COLUMNS;
    let (elderly_c, e80_c, disabled_c, kind_c) = (Col(5), Col(6), Col(7), Col(8));
    let mut c = t.cells(out);
    let mut result = Vec::with_capacity(t.rows.len());
    for row in &t.rows {
        let common = common(&mut c, row, COMMON, s, "villages.csv", opts, seen);
        let elderly = c.count(row, elderly_c, &s[5], true);
        let elderly_80 = c.count(row, e80_c, &s[6], false);
        let disabled = c.count(row, disabled_c, &s[7], false);
        if let Some(e) = elderly {
            for (col, part) in [(e80_c, elderly_80), (disabled_c, disabled)] {
                if let Some(p) = part.filter(|p| *p > e) {
                    let h = c.header(col, &s[col.0]);
                    c.report(
                        row,
                        col,
                        format!("「{h}」({p}) 多于老年人口 ({e})"),
                        format!("\"{h}\" ({p}) exceeds elderly ({e})"),
                    );
                }
            }
        }
        let kind = match c.raw(row, kind_c) {
            Some(k) => AreaKind::parse(k).or_else(|| {
                c.report(
                    row,
                    kind_c,
                    format!("未知的城乡类型「{k}」（应为 urban/城镇 或 rural/农村）"),
                    format!("unknown kind \"{k}\" (expected urban or rural)"),
                );
                None
            }),
            None => {
                let id = c.raw(row, Col(0)).unwrap_or_default().to_owned();
                AreaKind::from_statistical_code(&id).or_else(|| {
                    c.report(
                        row,
                        Col(0),
                        format!("缺少城乡类型：编号「{id}」不是 12 位统计用区划代码，请填写 kind 列"),
                        format!("no kind: id \"{id}\" is not a 12-digit statistical code, so fill in the kind column"),
                    );
                    None
                })
            }
        };
        if let (Some(cm), Some(elderly), Some(kind)) = (common, elderly, kind) {
            result.push(Village {
                id: cm.id,
                name: cm.name,
                township: cm.township,
                pos: cm.pos,
                elderly,
                elderly_80,
                disabled,
                kind,
            });
        }
    }
    result
}

fn facilities(
    t: &Table,
    opts: LoadOptions,
    seen: &mut Seen,
    towns: &Option<HashSet<String>>,
    out: &mut Diagnostics,
) -> Vec<Facility> {
    let s = FACILITY_COLUMNS;
    let cols = [Col(0), Col(1), Col(3), Col(4), Col(5)];
    let (type_c, beds_c, nursing_c, max_c, public_c, cap_c) =
        (Col(2), Col(6), Col(7), Col(8), Col(9), Col(10));
    let mut c = t.cells(out);
    let mut result = Vec::with_capacity(t.rows.len());
    for row in &t.rows {
        let common = common(&mut c, row, cols, s, "facilities.csv", opts, seen);
        known_township(&mut c, row, Col(3), towns);
        let kind = c.text(row, type_c, &s[2]).and_then(|k| {
            FacilityType::parse(&k).or_else(|| {
                c.report(
                    row,
                    type_c,
                    format!("未知的设施类型「{k}」（应为 day_care 日间照料中心、station 养老服务站、comprehensive 综合养老服务中心 或 institution 养老机构）"),
                    format!("unknown facility type \"{k}\" (expected day_care, station, comprehensive or institution)"),
                );
                None
            })
        });
        let beds_required = kind == Some(FacilityType::Institution);
        let beds = c.count(row, beds_c, &s[6], beds_required);
        let nursing = c.count(row, nursing_c, &s[7], beds_required);
        let max_beds = c.count(row, max_c, &s[8], false);
        let public = c.flag(row, public_c, &s[9]);
        let capacity = c.count(row, cap_c, &s[10], false);
        let (beds_v, nursing_v) = (beds.unwrap_or(0), nursing.unwrap_or(0));
        if nursing_v > beds_v {
            c.report(
                row,
                nursing_c,
                format!("护理型床位 ({nursing_v}) 多于床位 ({beds_v})"),
                format!("nursing_beds ({nursing_v}) exceed beds ({beds_v})"),
            );
        }
        if let Some(m) = max_beds.filter(|m| *m < beds_v) {
            c.report(
                row,
                max_c,
                format!("最大床位 ({m}) 少于现有床位 ({beds_v})"),
                format!("max_beds ({m}) is below beds ({beds_v})"),
            );
        }
        let cells_ok = (beds.is_some() || c.raw(row, beds_c).is_none())
            && (nursing.is_some() || c.raw(row, nursing_c).is_none());
        if let (Some(cm), Some(kind), true) = (common, kind, cells_ok) {
            result.push(Facility {
                id: cm.id,
                name: cm.name,
                kind,
                township: cm.township,
                pos: cm.pos,
                beds: beds_v,
                nursing_beds: nursing_v.min(beds_v),
                max_beds,
                public: public.unwrap_or(false),
                capacity,
            });
        }
    }
    result
}

fn candidates(
    t: &Table,
    opts: LoadOptions,
    seen: &mut Seen,
    towns: &Option<HashSet<String>>,
    out: &mut Diagnostics,
) -> Vec<Candidate> {
    let s = CANDIDATE_COLUMNS;
    let (allow_c, max_c, cost_c) = (Col(5), Col(6), Col(7));
    let mut c = t.cells(out);
    let mut result = Vec::with_capacity(t.rows.len());
    for row in &t.rows {
        let common = common(&mut c, row, COMMON, s, "candidates.csv", opts, seen);
        known_township(&mut c, row, Col(2), towns);
        let allow = c.text(row, allow_c, &s[5]).and_then(|a| {
            Allow::parse(&a).or_else(|| {
                c.report(
                    row,
                    allow_c,
                    format!("未知的可建类型「{a}」（应为 day_care、institution 或 both）"),
                    format!("unknown allow \"{a}\" (expected day_care, institution or both)"),
                );
                None
            })
        });
        let max_beds = c.count(row, max_c, &s[6], false);
        let cost = c.number(row, cost_c, &s[7], false);
        if let Some(v) = cost.filter(|v| *v < 0.0) {
            c.report(
                row,
                cost_c,
                format!("「cost」不能为负数：{v}"),
                format!("column \"cost\" must not be negative: {v}"),
            );
        }
        if let (Some(cm), Some(allow)) = (common, allow) {
            result.push(Candidate {
                id: cm.id,
                name: cm.name,
                township: cm.township,
                pos: cm.pos,
                allow,
                max_beds,
                cost_wan: cost.filter(|v| *v >= 0.0),
            });
        }
    }
    result
}

/// Reports a township that no village in `villages.csv` belongs to.
fn known_township(c: &mut Cells<'_>, row: &Row, col: Col, towns: &Option<HashSet<String>>) {
    let (Some(towns), Some(t)) = (towns, c.raw(row, col)) else {
        return;
    };
    if !towns.contains(t) {
        let t = t.to_owned();
        c.report(
            row,
            col,
            format!("乡镇/街道「{t}」在 villages.csv 中没有任何村/社区"),
            format!("township \"{t}\" has no village in villages.csv"),
        );
    }
}
