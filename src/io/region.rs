//! Loading a region's data folder: `villages`, `facilities`, optional `candidates` (CSV files
//! or workbooks) and optional `boundary.geojson`, validated together so that every problem is
//! reported at once.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use crate::error::{Diagnostic, Diagnostics};
use crate::io::china::{self, Outline};
use crate::io::crs::{PositionProblem, check_position, to_wgs84};
use crate::io::table::{Cells, Col, ColumnSpec, Row, Table};
use crate::io::workbook;
use crate::model::{
    Allow, AreaKind, Candidate, Crs, Facility, FacilityType, LonLat, Region, Village,
};

/// How positions in the files are to be read.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LoadOptions {
    /// The coordinate system the files are written in.
    pub crs: Crs,
    /// Whether positions must lie in China (its outline, see [`china::contains`]).
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

pub(crate) const ID: ColumnSpec = spec("id", &["编号", "区划代码", "统计用区划代码", "代码"], true);
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
    // Read by [`crate::io::decisions::from_candidates`]: required / excluded / candidate.
    spec("status", &["状态", "决定", "decision"], false),
];

/// Where an id was first seen: file name and line.
type Seen = HashMap<String, (String, u64)>;

/// A point more than this far outside the region's own outline gets a note, km.
pub const FAR_OUTSIDE_KM: f64 = 10.0;

/// What the row readers share while a folder is loaded.
struct Context<'a> {
    opts: LoadOptions,
    seen: Seen,
    /// The region's outline (WGS-84), when `boundary.geojson` was read.
    boundary: Option<Outline>,
    /// Positions outside China: file, row, column, lon and lat as written.
    outside: Vec<Outside>,
    /// Rows with a position that passed the number checks, all files.
    positioned: usize,
    /// Points far outside the region's outline.
    far: Vec<Diagnostic>,
    notes: &'a mut Diagnostics,
}

/// A position outside China, as written.
struct Outside {
    diagnostic: Diagnostic,
    lon: String,
    lat: String,
}

/// Finds `<stem>.csv`, or a workbook `<stem>.xlsx` / `.xlsm` / `.xls` / `.ods`, in `dir`.
/// Two of them for one table is an error: which one is meant is a guess.
pub(crate) fn find_table(dir: &Path, stem: &str) -> Result<Option<PathBuf>, Diagnostic> {
    let found: Vec<PathBuf> = std::iter::once("csv")
        .chain(workbook::EXTENSIONS.iter().copied())
        .map(|ext| dir.join(format!("{stem}.{ext}")))
        .filter(|p| p.exists())
        .collect();
    match found.as_slice() {
        [] => Ok(None),
        [one] => Ok(Some(one.clone())),
        [first, rest @ ..] => {
            let others: Vec<String> = rest
                .iter()
                .map(|p| {
                    p.file_name()
                        .unwrap_or_default()
                        .to_string_lossy()
                        .into_owned()
                })
                .collect();
            Err(Diagnostic::new(
                first,
                0,
                0,
                format!(
                    "同一张表有多个文件：{} 与 {}；请只保留一个",
                    first.file_name().unwrap_or_default().to_string_lossy(),
                    others.join("、")
                ),
                format!(
                    "more than one file for the same table: {} and {}; keep only one",
                    first.file_name().unwrap_or_default().to_string_lossy(),
                    others.join(", ")
                ),
            ))
        }
    }
}

/// Reads a CSV file or a workbook as a table.
pub(crate) fn read_table(
    path: &Path,
    specs: &[ColumnSpec],
    allow_empty: bool,
) -> Result<Table, Diagnostics> {
    if workbook::is_workbook(path) {
        workbook::read_table(path, specs, allow_empty)
    } else {
        Table::read_with(path, specs, allow_empty)
    }
}

/// Reads and validates a region's data folder; see [`load_region_with_notes`].
pub fn load_region(dir: &Path, opts: LoadOptions) -> Result<Region, Diagnostics> {
    load_region_with_notes(dir, opts).map(|(region, _)| region)
}

/// Reads and validates a region's data folder: `villages`, `facilities` and optional
/// `candidates`, each a `.csv` file or a workbook (`.xlsx`, `.xlsm`, `.xls`, `.ods`), and
/// optional `boundary.geojson`.
///
/// Every problem in every file is returned at once, sorted by file, line and column. On
/// success the notes say what was read differently from how it was written (full-width
/// digits) and which points lie more than [`FAR_OUTSIDE_KM`] outside the region's outline.
pub fn load_region_with_notes(
    dir: &Path,
    opts: LoadOptions,
) -> Result<(Region, Diagnostics), Diagnostics> {
    let mut out = Diagnostics::default();
    let mut notes = Diagnostics::default();
    let mut region = Region::default();

    let boundary_path = dir.join("boundary.geojson");
    let mut raw_boundary = None;
    if boundary_path.exists() {
        match crate::io::geojson::read_raw_rings(&boundary_path) {
            Ok(rings) => raw_boundary = Some(rings),
            Err(d) => out.push(d),
        }
    }
    let mut cx = Context {
        opts,
        seen: Seen::new(),
        boundary: None,
        outside: Vec::new(),
        positioned: 0,
        far: Vec::new(),
        notes: &mut notes,
    };
    if let Some(rings) = &raw_boundary {
        region.boundary = rings
            .iter()
            .map(|r| r.iter().map(|&(x, y)| to_wgs84(opts.crs, x, y)).collect())
            .collect();
        cx.boundary = Some(Outline::new(
            region
                .boundary
                .iter()
                .map(|r| r.iter().map(|p| (p.lon, p.lat)).collect())
                .collect(),
        ));
    }

    let villages_path = match find_table(dir, "villages") {
        Ok(p) => p.unwrap_or_else(|| dir.join("villages.csv")),
        Err(d) => {
            out.push(d);
            dir.join("villages.csv")
        }
    };
    // The townships the village rows name, those with a bad cell included: a township whose
    // villages all have errors is still known, so its facilities and candidates are not
    // reported again for it.
    let mut named: HashSet<String> = HashSet::new();
    match read_table(&villages_path, VILLAGE_COLUMNS, false) {
        Ok(t) => {
            region.villages = villages(&t, &mut cx, &mut out);
            named.extend(t.column(COMMON[2]).map(str::to_owned));
        }
        Err(d) => out.extend(d),
    }
    // Without readable villages there is nothing to check townships against.
    let towns: Option<HashSet<String>> = (!region.villages.is_empty()).then(|| {
        named.extend(region.villages.iter().map(|v| v.township.clone()));
        named
    });
    // A region may have no facilities or candidates yet: a header alone is valid there.
    let facilities_path = match find_table(dir, "facilities") {
        Ok(p) => p.unwrap_or_else(|| dir.join("facilities.csv")),
        Err(d) => {
            out.push(d);
            dir.join("facilities.csv")
        }
    };
    match read_table(&facilities_path, FACILITY_COLUMNS, true) {
        Ok(t) => region.facilities = facilities(&t, &mut cx, &towns, &mut out),
        Err(d) => out.extend(d),
    }
    match find_table(dir, "candidates") {
        Ok(Some(candidates_path)) => match read_table(&candidates_path, CANDIDATE_COLUMNS, true) {
            Ok(t) => region.candidates = candidates(&t, &mut cx, &towns, &mut out),
            Err(d) => out.extend(d),
        },
        Ok(None) => {}
        Err(d) => out.push(d),
    }
    outside_china(&mut cx, &mut out);
    far_outside_notes(&mut cx);
    if let Some(d) = raw_boundary
        .as_ref()
        .and_then(|rings| boundary_swapped(&boundary_path, rings, &region, opts))
    {
        out.push(d);
    }
    if out.is_empty() {
        notes.sort();
        Ok((region, notes))
    } else {
        out.sort();
        Err(out)
    }
}

/// Reports positions outside China: one message per row when a few stray points are
/// outside, or one message naming `china_bounds` when most are (the region itself is outside
/// China, and the scenario should say so).
fn outside_china(cx: &mut Context<'_>, out: &mut Diagnostics) {
    if cx.outside.is_empty() {
        return;
    }
    let n = cx.outside.len();
    if n >= 3 && 2 * n > cx.positioned {
        let first = &cx.outside[0];
        let d = &first.diagnostic;
        out.push(Diagnostic {
            zh: format!(
                "{n} 个坐标（共 {} 个）不在中国境内，第一个是此处的（{}, {}）；若本区域确在境外，请在情景文件中设置 china_bounds = false，否则请检查坐标",
                cx.positioned, first.lon, first.lat
            ),
            en: format!(
                "{n} of {} positions are outside China, the first here ({}, {}); if the region is outside China, set china_bounds = false in the scenario, else check the coordinates",
                cx.positioned, first.lon, first.lat
            ),
            ..d.clone()
        });
    } else {
        out.0.extend(cx.outside.drain(..).map(|o| o.diagnostic));
    }
}

/// Notes for points far outside the region's outline: each of the first ten, then a count.
fn far_outside_notes(cx: &mut Context<'_>) {
    const SHOWN: usize = 10;
    let n = cx.far.len();
    let mut far = std::mem::take(&mut cx.far);
    if n > SHOWN {
        let last = far[SHOWN - 1].clone();
        far.truncate(SHOWN);
        far.push(Diagnostic {
            zh: format!(
                "另有 {} 个点远在 boundary.geojson 的区域轮廓之外",
                n - SHOWN
            ),
            en: format!(
                "{} more points lie far outside the region's outline in boundary.geojson",
                n - SHOWN
            ),
            column: 0,
            ..last
        });
    }
    cx.notes.0.extend(far);
}

/// A boundary written as [lat, lon]: its positions make sense only with the two exchanged
/// (checked against China's outline, and against the villages).
fn boundary_swapped(
    path: &Path,
    rings: &[Vec<(f64, f64)>],
    region: &Region,
    opts: LoadOptions,
) -> Option<Diagnostic> {
    let points: Vec<(f64, f64)> = rings.iter().flatten().copied().collect();
    let first = *points.first()?;
    let swapped = if opts.china_bounds {
        let inside = points.iter().filter(|p| china::contains(p.0, p.1)).count();
        let inside_swapped = points.iter().filter(|p| china::contains(p.1, p.0)).count();
        inside_swapped > inside
    } else {
        // Compare with the villages (WGS-84): which reading of the outline holds more of them?
        let outline = |swap: bool| {
            Outline::new(
                rings
                    .iter()
                    .map(|r| {
                        r.iter()
                            .map(|&(x, y)| {
                                let (x, y) = if swap { (y, x) } else { (x, y) };
                                let p = to_wgs84(opts.crs, x, y);
                                (p.lon, p.lat)
                            })
                            .collect()
                    })
                    .collect(),
            )
        };
        let (straight, swapped) = (outline(false), outline(true));
        let held = |o: &Outline| {
            region
                .villages
                .iter()
                .filter(|v| o.contains(v.pos.lon, v.pos.lat))
                .count()
        };
        !region.villages.is_empty() && held(&swapped) > held(&straight)
    };
    swapped.then(|| {
        Diagnostic::new(
            path,
            0,
            0,
            format!(
                "区域轮廓的坐标似乎写成了 [纬度, 经度]（第一个点 [{}, {}]）；GeoJSON 要求 [经度, 纬度]",
                first.0, first.1
            ),
            format!(
                "the outline's positions look written as [lat, lon] (first point [{}, {}]); GeoJSON needs [lon, lat]",
                first.0, first.1
            ),
        )
    })
}

/// The fields every row of the three files shares.
struct Common {
    id: String,
    name: String,
    township: String,
    pos: LonLat,
}

/// Whether an id looks like a number Excel displayed in scientific notation
/// (`6.20722E+11`): its digits are lost, and it is not the id the analyst meant.
fn scientific_id(id: &str) -> bool {
    let Some((mantissa, exponent)) = id.split_once(['e', 'E']) else {
        return false;
    };
    let exponent = exponent.strip_prefix('+').unwrap_or(exponent);
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, "0"));
    !int.is_empty()
        && int.bytes().all(|b| b.is_ascii_digit())
        && !frac.is_empty()
        && frac.bytes().all(|b| b.is_ascii_digit())
        && !exponent.is_empty()
        && exponent.bytes().all(|b| b.is_ascii_digit())
}

/// Reads id, name, township and position (columns 0..5 of every file's specs in the order
/// id, name, township, lon, lat at `cols`), checking the id against all ids seen so far.
fn common(
    c: &mut Cells<'_>,
    row: &Row,
    cols: [Col; 5],
    specs: &[ColumnSpec],
    file: &str,
    cx: &mut Context<'_>,
) -> Option<Common> {
    let [id_c, name_c, town_c, lon_c, lat_c] = cols;
    let mut id = c.text(row, id_c, &specs[id_c.0]);
    let name = c.text(row, name_c, &specs[name_c.0]);
    let township = c.text(row, town_c, &specs[town_c.0]);
    let lon = c.number(row, lon_c, &specs[lon_c.0], true);
    let lat = c.number(row, lat_c, &specs[lat_c.0], true);
    if let Some(i) = id.as_deref().filter(|i| scientific_id(i)) {
        let i = i.to_owned();
        c.report(
            row,
            id_c,
            format!(
                "编号「{i}」是科学计数法：Excel 把长编号当成数字后丢失了末尾的数字；请把该列设为文本格式后重新填写编号"
            ),
            format!(
                "id \"{i}\" is in scientific notation: Excel turned a long code into a number and lost its last digits; format the column as text and enter the ids again"
            ),
        );
        id = None;
    }
    if let Some(id) = &id {
        match cx.seen.get(id) {
            Some((first_file, first_line)) if first_file == file => c.report(
                row,
                id_c,
                format!("编号「{id}」重复，第 {first_line} 行已使用"),
                format!("duplicate id \"{id}\", first used on line {first_line}"),
            ),
            Some((first_file, first_line)) => c.report(
                row,
                id_c,
                format!("编号「{id}」已在 {first_file} 第 {first_line} 行使用"),
                format!("id \"{id}\" is already used in {first_file} line {first_line}"),
            ),
            None => {
                cx.seen.insert(id.clone(), (file.to_owned(), row.line));
            }
        }
    }
    let (lon, lat) = (lon?, lat?);
    cx.positioned += 1;
    if let Err(problem) = check_position(lon, lat, cx.opts.china_bounds) {
        let lon_s = c.raw(row, lon_c).unwrap_or_default().to_owned();
        let lat_s = c.raw(row, lat_c).unwrap_or_default().to_owned();
        let (zh, en) = problem.messages(&lon_s, &lat_s);
        if problem == PositionProblem::OutsideChina {
            // Decided once all files are read: a few strays, or a region outside China.
            let mut scratch = Diagnostics::default();
            c.report_into(&mut scratch, row, lon_c, zh, en);
            cx.outside
                .extend(scratch.0.into_iter().map(|diagnostic| Outside {
                    diagnostic,
                    lon: lon_s.clone(),
                    lat: lat_s.clone(),
                }));
        } else {
            c.report(row, lon_c, zh, en);
        }
        return None;
    }
    let pos = to_wgs84(cx.opts.crs, lon, lat);
    if let Some(km) = cx
        .boundary
        .as_ref()
        .and_then(|b| b.distance_outside_km(pos.lon, pos.lat, FAR_OUTSIDE_KM))
        .filter(|km| *km > FAR_OUTSIDE_KM)
    {
        let mut scratch = Diagnostics::default();
        let what = id.as_deref().unwrap_or_default();
        c.report_into(
            &mut scratch,
            row,
            lon_c,
            format!(
                "注意：「{what}」的位置在 boundary.geojson 的区域轮廓之外约 {km:.0} 千米，请核对坐标"
            ),
            format!(
                "note: \"{what}\" lies about {km:.0} km outside the region's outline in boundary.geojson; check its position"
            ),
        );
        cx.far.extend(scratch.0);
    }
    Some(Common {
        id: id?,
        name: name?,
        township: township?,
        pos,
    })
}

const COMMON: [Col; 5] = [Col(0), Col(1), Col(2), Col(3), Col(4)];

fn villages(t: &Table, cx: &mut Context<'_>, out: &mut Diagnostics) -> Vec<Village> {
    let s = VILLAGE_COLUMNS;
    let (elderly_c, e80_c, disabled_c, kind_c) = (Col(5), Col(6), Col(7), Col(8));
    let mut c = t.cells(out);
    let mut result = Vec::with_capacity(t.rows.len());
    let mut rows_of = Vec::with_capacity(t.rows.len());
    for row in &t.rows {
        let common = common(&mut c, row, COMMON, s, &file_name(t), cx);
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
            // An id in scientific notation is reported already; its kind cannot be told.
            None if c.raw(row, Col(0)).is_some_and(scientific_id) => None,
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
            rows_of.push(row);
        }
    }
    // A township name used in two counties (by the counties' 6 digits of 12-digit statistical
    // codes) would merge two townships into one, and the county rules with them.
    let mut county_of: std::collections::BTreeMap<&str, &str> = std::collections::BTreeMap::new();
    let mut merged: Vec<(usize, String, String, String)> = Vec::new();
    for (k, v) in result.iter().enumerate() {
        if v.id.len() != 12 || !v.id.bytes().all(|b| b.is_ascii_digit()) {
            continue;
        }
        let county = &v.id[..6];
        match county_of.get(v.township.as_str()) {
            Some(&first) if first != county => {
                if !merged.iter().any(|m| m.1 == v.township) {
                    merged.push((k, v.township.clone(), first.to_owned(), county.to_owned()));
                }
            }
            Some(_) => {}
            None => {
                county_of.insert(v.township.as_str(), county);
            }
        }
    }
    for (k, town, first, other) in merged {
        c.report(
            rows_of[k],
            Col(2),
            format!(
                "乡镇/街道「{town}」的村/社区属于两个县(市、区)（编号前 6 位 {first} 与 {other}）：同名乡镇会被当作一个；请在名称中区分，例如「{town}({other})」"
            ),
            format!(
                "township \"{town}\" holds villages of two counties (codes starting {first} and {other}): same-named townships would be taken as one; give them distinct names, e.g. \"{town}({other})\""
            ),
        );
    }
    for (i, km) in township_outliers(&result) {
        let v = &result[i];
        let mut scratch = Diagnostics::default();
        c.report_into(
            &mut scratch,
            rows_of[i],
            Col(3),
            format!(
                "注意：「{}」{} 距所属乡镇/街道「{}」各村/社区的中心约 {km:.0} 千米，请核对坐标或乡镇",
                v.id, v.name, v.township
            ),
            format!(
                "note: \"{}\" {} lies about {km:.0} km from the centre of its township \"{}\"; check its position or township",
                v.id, v.name, v.township
            ),
        );
        cx.notes.extend(scratch);
    }
    cx.notes.extend(c.into_notes());
    result
}

/// A village this far from the centre of its township's villages, and
/// [`TOWNSHIP_SPREAD`] times farther than they typically are, gets a note, km.
pub const TOWNSHIP_FAR_KM: f64 = 15.0;
/// How many times the township's median distance to its centre makes a village an outlier.
pub const TOWNSHIP_SPREAD: f64 = 5.0;

/// Villages far from the rest of their township (a position typed wrong, or the wrong
/// township): index and distance in km. The centre is the median longitude and latitude of
/// the township's villages, which one stray village does not move far; only townships with
/// at least four villages are judged.
fn township_outliers(villages: &[Village]) -> Vec<(usize, f64)> {
    let mut by_town: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, v) in villages.iter().enumerate() {
        by_town.entry(v.township.as_str()).or_default().push(i);
    }
    let median = |mut xs: Vec<f64>| {
        xs.sort_by(f64::total_cmp);
        let n = xs.len();
        if n % 2 == 1 {
            xs[n / 2]
        } else {
            (xs[n / 2 - 1] + xs[n / 2]) / 2.0
        }
    };
    // Local equirectangular distance: exact enough within a township.
    let km = |a: LonLat, b: (f64, f64)| {
        let dlon = (a.lon - b.0) * a.lat.to_radians().cos();
        (a.lat - b.1).hypot(dlon) * china::KM_PER_DEG
    };
    let mut out = Vec::new();
    for members in by_town.values().filter(|m| m.len() >= 4) {
        let pos: Vec<LonLat> = members.iter().map(|&j| villages[j].pos).collect();
        let centre = (
            median(pos.iter().map(|p| p.lon).collect()),
            median(pos.iter().map(|p| p.lat).collect()),
        );
        let typical = median(pos.iter().map(|p| km(*p, centre)).collect());
        for (&i, p) in members.iter().zip(&pos) {
            let d = km(*p, centre);
            if d > TOWNSHIP_FAR_KM && d > TOWNSHIP_SPREAD * typical {
                out.push((i, d));
            }
        }
    }
    out.sort_by_key(|&(i, _)| i);
    out
}

fn facilities(
    t: &Table,
    cx: &mut Context<'_>,
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
        let common = common(&mut c, row, cols, s, &file_name(t), cx);
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
    cx.notes.extend(c.into_notes());
    result
}

fn candidates(
    t: &Table,
    cx: &mut Context<'_>,
    towns: &Option<HashSet<String>>,
    out: &mut Diagnostics,
) -> Vec<Candidate> {
    let s = CANDIDATE_COLUMNS;
    let (allow_c, max_c, cost_c) = (Col(5), Col(6), Col(7));
    let mut c = t.cells(out);
    let mut result = Vec::with_capacity(t.rows.len());
    for row in &t.rows {
        let common = common(&mut c, row, COMMON, s, &file_name(t), cx);
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
    cx.notes.extend(c.into_notes());
    result
}

/// The file name of a table, as messages name it.
fn file_name(t: &Table) -> String {
    t.path
        .file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned())
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
