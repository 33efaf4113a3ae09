//! Property tests of every loader on hostile bytes: any byte sequence, and valid files
//! mutated the way files get damaged (bytes flipped, cut short, quotes, byte-order marks,
//! CR, NUL, huge numbers inserted, pieces deleted or repeated). Each loader must give a
//! result or located, bilingual diagnostics, and never panic.
//!
//! Each property runs 96 cases by default, so the suite stays fast; `PROPTEST_CASES=N` runs
//! N cases per property (a long session: `PROPTEST_CASES=20000 cargo test --release --test
//! hostile_props`).

use std::fs;
use std::path::{Path, PathBuf};

use proptest::prelude::*;
use proptest::test_runner::Config;

use yanglao::error::{Diagnostic, Diagnostics};
use yanglao::io::number::parse_number;
use yanglao::io::region::{
    self, CANDIDATE_COLUMNS, FACILITY_COLUMNS, LoadOptions, VILLAGE_COLUMNS,
};
use yanglao::io::scenario::parse_scenario;
use yanglao::io::table::Table;
use yanglao::io::{crs, geojson, text};
use yanglao::model::{Crs, LonLat, Region, Travel};
use yanglao::travel::{RoadNetwork, TravelError, matrix::OdMatrix};

const FIXTURE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/tiny");

fn config() -> Config {
    Config {
        cases: std::env::var("PROPTEST_CASES")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(96),
        // A failure is reported with its smallest input; fixed cases become named
        // regression tests below rather than files.
        failure_persistence: None,
        ..Config::default()
    }
}

fn fixture(file: &str) -> Vec<u8> {
    fs::read(Path::new(FIXTURE).join(file)).expect("fixture file")
}

/// How a file gets damaged.
#[derive(Clone, Debug)]
enum Mutation {
    /// Replace the byte at a position.
    Flip(usize, u8),
    /// Cut the file at a position.
    Truncate(usize),
    /// Insert a piece at a position.
    Insert(usize, &'static [u8]),
    /// Delete up to n bytes at a position.
    Delete(usize, usize),
    /// Repeat the bytes of a range right after it (a pasted line).
    Repeat(usize, usize),
}

/// Pieces that break parsers: quotes, byte-order marks, line ends, NUL, delimiters, numbers
/// no column expects, invalid UTF-8 and GBK, TOML and JSON punctuation.
const PIECES: &[&[u8]] = &[
    b"\"",
    b"\"\"",
    "\u{feff}".as_bytes(),
    b"\r",
    b"\n",
    b"\r\n",
    b"\0",
    b",",
    b",,",
    b";",
    b"\t",
    b" ",
    b"1e308",
    b"-1e308",
    b"1e309",
    b"NaN",
    b"inf",
    b"-inf",
    b"-",
    b"-0",
    b"4294967296",
    b"99999999999999999999999999",
    b"0x7fffffffffffffff",
    b"\xff",
    b"\x81",
    b"\x80",
    b"\xe4\xb8",
    b"\xfe\xff",
    b"[",
    b"]",
    b"[[",
    b"{",
    b"}",
    b"=",
    b"#",
    b"'''",
    b"\"\"\"",
    b"\\",
    b"\\u",
    b"[[other_targets]]\n",
    b"[limits]\nmemory_mb = 1\n",
    b"years = []\n",
    "城关镇".as_bytes(),
    "，".as_bytes(),
    "１２３".as_bytes(),
    "．".as_bytes(),
    "。".as_bytes(),
    b"1,5",
    b"1,234",
    b"6.20722E+11",
    b"%",
];

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<usize>(), any::<u8>()).prop_map(|(i, b)| Mutation::Flip(i, b)),
        any::<usize>().prop_map(Mutation::Truncate),
        (any::<usize>(), prop::sample::select(PIECES)).prop_map(|(i, p)| Mutation::Insert(i, p)),
        (any::<usize>(), 1usize..32).prop_map(|(i, n)| Mutation::Delete(i, n)),
        (any::<usize>(), 1usize..80).prop_map(|(i, n)| Mutation::Repeat(i, n)),
    ]
}

fn apply(mut bytes: Vec<u8>, mutations: &[Mutation]) -> Vec<u8> {
    for m in mutations {
        let at = |i: usize, len: usize| if len == 0 { 0 } else { i % (len + 1) };
        match *m {
            Mutation::Flip(i, b) => {
                if !bytes.is_empty() {
                    let i = i % bytes.len();
                    bytes[i] = b;
                }
            }
            Mutation::Truncate(i) => {
                let i = at(i, bytes.len());
                bytes.truncate(i);
            }
            Mutation::Insert(i, piece) => {
                let i = at(i, bytes.len());
                bytes.splice(i..i, piece.iter().copied());
            }
            Mutation::Delete(i, n) => {
                let i = at(i, bytes.len());
                let end = (i + n).min(bytes.len());
                bytes.drain(i..end);
            }
            Mutation::Repeat(i, n) => {
                let i = at(i, bytes.len());
                let end = (i + n).min(bytes.len());
                let piece = bytes[i..end].to_vec();
                bytes.splice(end..end, piece);
            }
        }
    }
    bytes
}

/// A valid file damaged in one to eight ways.
fn damaged(file: &'static str) -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(mutation(), 1..8).prop_map(move |ms| apply(fixture(file), &ms))
}

/// Any bytes, with the pieces above mixed in so that short inputs still reach deep paths.
fn any_bytes() -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(
        prop_oneof![
            any::<u8>().prop_map(|b| vec![b]),
            prop::sample::select(PIECES).prop_map(<[u8]>::to_vec),
        ],
        0..64,
    )
    .prop_map(|parts| parts.concat())
}

/// Every diagnostic names the file it is about, sits on a line of it (or line 0 for the
/// whole file), and speaks both languages.
fn assert_located(d: &Diagnostic, files: &[(&Path, &[u8])]) {
    let Some((_, bytes)) = files.iter().find(|(p, _)| *p == d.path) else {
        panic!("diagnostic about an unexpected file: {d}");
    };
    // Lines as editors count them: every LF, every CR not followed by LF.
    let lines = 1 + bytes
        .iter()
        .enumerate()
        .filter(|(i, b)| **b == b'\n' || (**b == b'\r' && bytes.get(i + 1) != Some(&b'\n')))
        .count() as u64;
    assert!(d.line <= lines + 1, "line {} of {lines}: {d}", d.line);
    assert!(!d.zh.trim().is_empty() && !d.en.trim().is_empty(), "{d}");
    assert!(d.column == 0 || d.line > 0, "a column without a line: {d}");
}

fn assert_all_located(ds: &Diagnostics, files: &[(&Path, &[u8])]) {
    assert!(!ds.is_empty(), "an error without diagnostics");
    for d in &ds.0 {
        assert_located(d, files);
    }
}

/// A folder with the fixture's region files, `file` replaced by `bytes`.
fn region_dir(file: &str, bytes: &[u8]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    for f in ["villages.csv", "facilities.csv", "candidates.csv"] {
        fs::write(dir.path().join(f), fixture(f)).expect("write");
    }
    fs::write(dir.path().join(file), bytes).expect("write");
    dir
}

fn check_region(file: &str, bytes: &[u8]) {
    let dir = region_dir(file, bytes);
    let files: Vec<(PathBuf, Vec<u8>)> = ["villages.csv", "facilities.csv", "candidates.csv"]
        .iter()
        .map(|f| {
            let p = dir.path().join(f);
            let b = fs::read(&p).expect("read back");
            (p, b)
        })
        .collect();
    let files: Vec<(&Path, &[u8])> = files
        .iter()
        .map(|(p, b)| (p.as_path(), b.as_slice()))
        .collect();
    for crs in [Crs::Wgs84, Crs::Bd09] {
        let opts = LoadOptions {
            crs,
            china_bounds: true,
        };
        match region::load_region(dir.path(), opts) {
            Ok(r) => {
                for v in &r.villages {
                    assert!(v.pos.lon.is_finite() && v.pos.lat.is_finite());
                }
                for f in &r.facilities {
                    assert!(f.nursing_beds <= f.beds);
                }
            }
            Err(ds) => assert_all_located(&ds, &files),
        }
    }
}

/// Plans and writes a damaged copy of the fixture when it loads: whatever the loaders let
/// through must not crash the solvers, the maps or the writers.
fn check_plan(file: &str, bytes: &[u8]) {
    let dir = region_dir(file, bytes);
    fs::write(dir.path().join("scenario.toml"), fixture("scenario.toml")).expect("write");
    if file == "scenario.toml" {
        fs::write(dir.path().join(file), bytes).expect("write");
    }
    match yanglao::plan::run(&dir.path().join("scenario.toml")) {
        Ok(plan) => {
            let out = dir.path().join("out");
            yanglao::report::write_plan(&plan, &out).expect("outputs are written");
        }
        Err(yanglao::plan::PlanError::Input(ds)) => assert!(!ds.is_empty()),
        Err(e) => panic!("a run failed on input the loaders accepted: {e}"),
    }
}

fn check_table(bytes: &[u8]) {
    let path = Path::new("villages.csv");
    match text::decode(path, bytes) {
        Ok(t) => {
            assert!(!t.text.contains('\r'));
            for specs in [VILLAGE_COLUMNS, FACILITY_COLUMNS, CANDIDATE_COLUMNS] {
                if let Err(ds) = Table::parse(path, &t.text, specs) {
                    assert_all_located(&ds, &[(path, bytes)]);
                }
            }
        }
        Err(d) => assert_located(&d, &[(path, bytes)]),
    }
}

fn check_scenario(bytes: &[u8]) {
    // Paths resolve against the fixture folder, so `data = "."` finds real files.
    let path = Path::new(FIXTURE).join("scenario.toml");
    match text::decode(&path, bytes) {
        Ok(t) => match parse_scenario(&path, &t.text) {
            Ok(s) => {
                assert!(!s.years.is_empty());
                assert!(s.travel.minutes > 0.0 && s.travel.minutes <= 1440.0);
                for mode in [s.travel.urban, s.travel.rural] {
                    assert!(mode.speed_kmh > 0.0 && mode.speed_kmh <= 300.0);
                }
                assert!(s.limits.memory_mb > 0);
            }
            Err(ds) => assert_all_located(&ds, &[(&path, bytes)]),
        },
        Err(d) => assert_located(&d, &[(&path, bytes)]),
    }
}

fn check_geojson(bytes: &[u8]) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("boundary.geojson");
    fs::write(&path, bytes).expect("write");
    for crs in [Crs::Wgs84, Crs::Gcj02] {
        match geojson::read_rings(&path, crs) {
            Ok(rings) => {
                assert!(!rings.is_empty());
                for p in rings.iter().flatten() {
                    assert!(p.lon.is_finite() && p.lat.is_finite(), "{p:?}");
                }
            }
            Err(d) => assert_located(&d, &[(&path, bytes)]),
        }
    }
}

fn check_roads(bytes: &[u8]) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("roads.csv");
    fs::write(&path, bytes).expect("write");
    match RoadNetwork::read(&path) {
        Ok(net) => assert!(net.edge_count() > 0),
        Err(TravelError::Roads(ds)) => assert_all_located(&ds, &[(&path, bytes)]),
        Err(TravelError::NoRoads { .. }) => {}
        Err(e) => panic!("unexpected error for roads.csv: {e}"),
    }
}

fn tiny_region() -> Region {
    region::load_region(Path::new(FIXTURE), LoadOptions::default()).expect("the fixture loads")
}

fn travel() -> Travel {
    Travel {
        minutes: 15.0,
        urban: Travel::DEFAULT_URBAN,
        rural: Travel::DEFAULT_RURAL,
        roads: None,
        matrix: None,
    }
}

fn check_od(region: &Region, bytes: &[u8]) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("od.csv");
    fs::write(&path, bytes).expect("write");
    match OdMatrix::read(&path, region, &travel()) {
        Ok(m) => {
            use yanglao::travel::{Query, TravelModel};
            let lists = m.reach(region, &Query::within(15.0));
            assert_eq!(lists.village_count(), region.villages.len());
        }
        Err(TravelError::Matrix(ds)) => assert_all_located(&ds, &[(&path, bytes)]),
        Err(e) => panic!("unexpected error for od.csv: {e}"),
    }
}

/// A valid `roads.csv` near the fixture, with every optional column.
const ROADS: &str = "from_lon,from_lat,to_lon,to_lat,speed_kmh,oneway\n\
    100.8100,38.4340,100.8160,38.4420,30,no\n\
    100.8160,38.4420,100.9500,38.5200,\"60\",yes\n\
    100.9500,38.5200,100.9800,38.5050,,-1\n\
    100.7000,38.3000,100.7300,38.2850,20,\n";

/// A valid `od.csv` for the fixture, GBK-safe ASCII with CRLF.
const OD: &str = "from_id,to_id,minutes,meters\r\n\
    620722100001,F01,3.5,\r\n\
    620722100002,F01,,900\r\n\
    620722101201,F03,12,\r\n\
    620722102202,C04,\"2.5\",120\r\n";

const BOUNDARY: &str = r#"{"type": "FeatureCollection", "features": [
  {"type": "Feature", "properties": {"name": "测试县"},
   "geometry": {"type": "MultiPolygon", "coordinates": [[[[100.6, 38.2], [101.1, 38.2], [101.1, 38.6], [100.6, 38.6], [100.6, 38.2]]]]}},
  {"type": "Feature", "geometry": null}
]}
"#;

/// Numbers no key expects: beyond every integer type, negative, fractional, not finite.
const HOSTILE_NUMBERS: &[&str] = &[
    "99999999999999999999992021",
    "-99999999999999999999999999",
    "9223372036854775807",
    "-9223372036854775808",
    "4294967296",
    "-1",
    "0",
    "-0.0",
    "1e308",
    "-1e308",
    "5e-324",
    "inf",
    "-inf",
    "nan",
    "0x7fffffff",
    "0b11",
    "1_000",
    "2021.5",
    "\"2021\"",
    "[]",
    "{}",
    "true",
];

/// The fixture scenario with some of its numbers replaced by hostile ones.
fn scenario_with_hostile_numbers() -> impl Strategy<Value = Vec<u8>> {
    let text = String::from_utf8(fixture("scenario.toml")).expect("UTF-8 fixture");
    // Byte ranges of the digit runs (with a leading minus or decimal part) after a `=` or
    // inside an array: the values.
    let mut numbers = Vec::new();
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i].is_ascii_digit() && i > 0 && matches!(bytes[i - 1], b' ' | b'[' | b'-') {
            let start = if bytes[i - 1] == b'-' { i - 1 } else { i };
            let mut end = i;
            while end < bytes.len() && (bytes[end].is_ascii_digit() || bytes[end] == b'.') {
                end += 1;
            }
            numbers.push((start, end));
            i = end;
        } else {
            i += 1;
        }
    }
    let count = numbers.len();
    prop::collection::vec((0..count, prop::sample::select(HOSTILE_NUMBERS)), 1..4).prop_map(
        move |mut picks: Vec<(usize, &str)>| {
            // Replace from the end so that earlier ranges stay valid; one value per range.
            picks.sort_by_key(|p| std::cmp::Reverse(p.0));
            picks.dedup_by_key(|p| p.0);
            let mut out = text.clone();
            for (n, value) in picks {
                let (start, end) = numbers[n];
                out.replace_range(start..end, value);
            }
            out.into_bytes()
        },
    )
}

/// Just enough protobuf to write a small OpenStreetMap PBF file.
fn varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

fn field_bytes(out: &mut Vec<u8>, field: u64, b: &[u8]) {
    varint(out, (field << 3) | 2);
    varint(out, b.len() as u64);
    out.extend_from_slice(b);
}

fn field_uint(out: &mut Vec<u8>, field: u64, v: u64) {
    varint(out, field << 3);
    varint(out, v);
}

fn packed_delta(out: &mut Vec<u8>, field: u64, vs: &[i64]) {
    let mut body = Vec::new();
    let mut prev = 0i64;
    for v in vs {
        let d = v - prev;
        prev = *v;
        varint(&mut body, ((d << 1) ^ (d >> 63)) as u64);
    }
    field_bytes(out, field, &body);
}

fn blob(out: &mut Vec<u8>, kind: &str, data: &[u8], compress: bool) {
    use std::io::Write;
    let mut body = Vec::new();
    if compress {
        let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
        z.write_all(data).expect("write to memory");
        field_uint(&mut body, 2, data.len() as u64);
        field_bytes(&mut body, 3, &z.finish().expect("compress in memory"));
    } else {
        field_bytes(&mut body, 1, data);
    }
    let mut header = Vec::new();
    field_bytes(&mut header, 1, kind.as_bytes());
    field_uint(&mut header, 3, body.len() as u64);
    out.extend_from_slice(&(header.len() as u32).to_be_bytes());
    out.extend_from_slice(&header);
    out.extend_from_slice(&body);
}

/// Three dense nodes on a line and a residential way through them.
fn pbf(compress: bool) -> Vec<u8> {
    let mut out = Vec::new();
    let mut header = Vec::new();
    field_bytes(&mut header, 4, b"OsmSchema-V0.6");
    field_bytes(&mut header, 4, b"DenseNodes");
    blob(&mut out, "OSMHeader", &header, false);
    let mut table = Vec::new();
    for s in ["", "highway", "residential"] {
        field_bytes(&mut table, 1, s.as_bytes());
    }
    let mut dense = Vec::new();
    packed_delta(&mut dense, 1, &[1, 2, 3]);
    packed_delta(&mut dense, 8, &[384_000_000, 384_045_000, 384_090_000]);
    packed_delta(&mut dense, 9, &[1_008_000_000; 3]);
    let mut dense_group = Vec::new();
    field_bytes(&mut dense_group, 2, &dense);
    let mut way = Vec::new();
    field_uint(&mut way, 1, 100);
    field_bytes(&mut way, 2, &[1]);
    field_bytes(&mut way, 3, &[2]);
    packed_delta(&mut way, 8, &[1, 2, 3]);
    let mut way_group = Vec::new();
    field_bytes(&mut way_group, 3, &way);
    let mut block = Vec::new();
    field_bytes(&mut block, 1, &table);
    field_bytes(&mut block, 2, &dense_group);
    field_bytes(&mut block, 2, &way_group);
    blob(&mut out, "OSMData", &block, compress);
    out
}

fn check_osm(bytes: &[u8]) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("roads.osm.pbf");
    fs::write(&path, bytes).expect("write");
    match RoadNetwork::read(&path) {
        Ok(net) => assert!(net.edge_count() > 0),
        Err(TravelError::Osm { .. } | TravelError::NoRoads { .. }) => {}
        Err(e) => panic!("unexpected error for an OSM file: {e}"),
    }
}

fn damaged_pbf() -> impl Strategy<Value = Vec<u8>> {
    (any::<bool>(), prop::collection::vec(mutation(), 1..6))
        .prop_map(|(compress, ms)| apply(pbf(compress), &ms))
}

fn damaged_text(text: &'static str) -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(mutation(), 1..8).prop_map(move |ms| apply(text.as_bytes().to_vec(), &ms))
}

/// Cell values that stress the number reader and the id checks.
const CELLS: &[&str] = &[
    "",
    "1,5",
    "100,80",
    "12,34",
    "1234,",
    ",1234",
    "1,2,3,4",
    "1,234",
    "12,345,678",
    "１２３",
    "１，２３４．５",
    "3。5",
    "55%",
    "6.20722E+11",
    "NaN",
    "inf",
    "-0",
    "1e309",
    "-1",
    "0.5",
    "城关镇",
    "\u{feff}",
    " ",
    "#N/A",
    "9999999999999999999",
    "100.8",
    "38.4",
    "38.4,100.8",
];

/// A workbook holding the fixture's villages with some cells replaced by `changes`
/// (row, column, value); numbers are stored as numbers, the rest as text.
fn villages_workbook(changes: &[(usize, usize, &str)]) -> Vec<u8> {
    let text = String::from_utf8(fixture("villages.csv")).expect("UTF-8 fixture");
    let mut rows: Vec<Vec<String>> = text
        .lines()
        .map(|l| l.split(',').map(str::to_owned).collect())
        .collect();
    for &(r, c, v) in changes {
        let r = r % rows.len();
        let c = c % rows[r].len();
        rows[r][c] = v.to_owned();
    }
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (r, row) in rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            let (r, c) = (r as u32, c as u16);
            match cell.parse::<f64>() {
                _ if cell.is_empty() => {}
                Ok(v) if v.is_finite() => {
                    sheet.write_number(r, c, v).expect("write");
                }
                _ => {
                    sheet.write_string(r, c, cell).expect("write");
                }
            }
        }
    }
    book.save_to_buffer().expect("workbook")
}

/// Loads a region whose villages are the workbook `bytes`: a region, or diagnostics that
/// name the workbook (or the other files) and speak both languages.
fn check_workbook(bytes: &[u8]) {
    let dir = tempfile::tempdir().expect("temp dir");
    for f in ["facilities.csv", "candidates.csv"] {
        fs::write(dir.path().join(f), fixture(f)).expect("write");
    }
    let book = dir.path().join("villages.xlsx");
    fs::write(&book, bytes).expect("write");
    match region::load_region(dir.path(), LoadOptions::default()) {
        Ok(r) => {
            for v in &r.villages {
                assert!(v.pos.lon.is_finite() && v.pos.lat.is_finite());
            }
        }
        Err(ds) => {
            assert!(!ds.is_empty());
            for d in &ds.0 {
                assert!(d.path.starts_with(dir.path()), "{d}");
                assert!(!d.zh.trim().is_empty() && !d.en.trim().is_empty(), "{d}");
                if d.path == book && d.line > 0 {
                    assert!(d.sheet.is_some(), "a workbook cell without its sheet: {d}");
                }
            }
        }
    }
}

/// A region folder with the fixture's tables and `bytes` as its outline, loaded with and
/// without the China check (which decide how a swapped outline is detected).
fn check_region_boundary(bytes: &[u8]) {
    let dir = region_dir("villages.csv", &fixture("villages.csv"));
    let path = dir.path().join("boundary.geojson");
    fs::write(&path, bytes).expect("write");
    for china_bounds in [true, false] {
        let opts = LoadOptions {
            crs: Crs::Gcj02,
            china_bounds,
        };
        match region::load_region_with_notes(dir.path(), opts) {
            Ok((r, notes)) => {
                for p in r.boundary.iter().flatten() {
                    assert!(p.lon.is_finite() && p.lat.is_finite(), "{p:?}");
                }
                for n in &notes.0 {
                    assert!(
                        n.en.starts_with("note:") || n.en.contains("more points"),
                        "{n}"
                    );
                }
            }
            Err(ds) => assert_all_located(&ds, &[(&path, bytes)]),
        }
    }
}

/// Text that looks like a number: digits, commas, points, signs, exponents, full-width forms.
fn number_like() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop::sample::select(vec![
            "0", "1", "2", "5", "9", "12", "345", ",", ".", "-", "+", "e", "E", "１", "，", "．",
            "－", "。", " ", "%",
        ]),
        0..12,
    )
    .prop_map(|parts| parts.concat())
}

/// `n` with thousands separators.
fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn a_number_is_read_as_the_cell_shows_or_rejected(cell in number_like()) {
        if let Ok(n) = parse_number(&cell) {
            // Nothing is read differently from what the cell shows: with full-width forms
            // made ASCII and the (well-formed) thousands separators dropped, the text is
            // the number.
            let ascii: String = cell
                .trim()
                .chars()
                .map(|c| match c {
                    '１' => '1',
                    '，' => ',',
                    '．' => '.',
                    '－' => '-',
                    c => c,
                })
                .collect();
            let plain = ascii.replace(',', "");
            prop_assert_eq!(plain.parse::<f64>().ok(), Some(n.value), "{}", cell);
            if ascii.contains(',') {
                let int = plain.trim_start_matches(['+', '-']);
                let int_len = int.find(['.', 'e', 'E']).unwrap_or(int.len());
                prop_assert!(int_len > 3, "{}", cell);
            }
        }
    }

    #[test]
    fn thousands_groups_read_back_exactly(n in 0u64..1_000_000_000_000, frac in 0u32..1000) {
        prop_assert_eq!(parse_number(&grouped(n)).map(|v| v.value), Ok(n as f64));
        let with_frac = format!("-{}.{frac:03}", grouped(n));
        let expected: f64 = format!("-{n}.{frac:03}").parse().expect("number");
        prop_assert_eq!(parse_number(&with_frac).map(|v| v.value), Ok(expected));
    }

    #[test]
    fn a_workbook_with_hostile_cells_is_loaded_or_located(
        changes in prop::collection::vec(
            (0usize..8, 0usize..8, prop::sample::select(CELLS)),
            0..6,
        ),
    ) {
        check_workbook(&villages_workbook(&changes));
    }

    #[test]
    fn a_damaged_workbook_is_loaded_or_located(
        mutations in prop::collection::vec(mutation(), 1..4),
    ) {
        check_workbook(&apply(villages_workbook(&[]), &mutations));
    }

    #[test]
    fn any_bytes_as_a_workbook_are_loaded_or_located(bytes in any_bytes()) {
        check_workbook(&bytes);
    }

    #[test]
    fn a_damaged_boundary_in_a_region_is_loaded_or_located(bytes in damaged_text(BOUNDARY)) {
        check_region_boundary(&bytes);
    }

    #[test]
    fn gcj02_and_bd09_round_trips_hold_anywhere_in_chinas_box(
        lon in 73.0f64..136.0,
        lat in 3.0f64..54.0,
    ) {
        for crs in [Crs::Gcj02, Crs::Bd09] {
            let (x, y) = crs::from_wgs84(crs, LonLat { lon, lat });
            let back = crs::to_wgs84(crs, x, y);
            let m = ((back.lat - lat).to_radians() * 6_371_008.8)
                .hypot((back.lon - lon).to_radians() * 6_371_008.8 * lat.to_radians().cos());
            prop_assert!(m < 0.01, "{:?} ({}, {}): {} m", crs, lon, lat, m);
        }
    }

    #[test]
    fn decoding_and_parsing_any_bytes_never_panics(bytes in any_bytes()) {
        check_table(&bytes);
    }

    #[test]
    fn a_damaged_villages_file_is_loaded_or_located(bytes in damaged("villages.csv")) {
        check_table(&bytes);
        check_region("villages.csv", &bytes);
    }

    #[test]
    fn a_damaged_facilities_file_is_loaded_or_located(bytes in damaged("facilities.csv")) {
        check_region("facilities.csv", &bytes);
    }

    #[test]
    fn a_damaged_candidates_file_is_loaded_or_located(bytes in damaged("candidates.csv")) {
        check_region("candidates.csv", &bytes);
    }

    #[test]
    fn any_bytes_as_a_region_file_are_loaded_or_located(
        bytes in any_bytes(),
        file in prop::sample::select(vec!["villages.csv", "facilities.csv", "candidates.csv"]),
    ) {
        check_region(file, &bytes);
    }

    #[test]
    fn any_bytes_as_a_scenario_are_validated_or_located(bytes in any_bytes()) {
        check_scenario(&bytes);
    }

    #[test]
    fn a_scenario_with_hostile_numbers_is_validated_or_located(
        bytes in scenario_with_hostile_numbers(),
    ) {
        check_scenario(&bytes);
        check_plan("scenario.toml", &bytes);
    }

    #[test]
    fn a_damaged_scenario_is_validated_or_located(bytes in damaged("scenario.toml")) {
        check_scenario(&bytes);
    }

    #[test]
    fn a_damaged_boundary_is_read_or_located(bytes in damaged_text(BOUNDARY)) {
        check_geojson(&bytes);
    }

    #[test]
    fn any_bytes_as_a_boundary_are_read_or_located(bytes in any_bytes()) {
        check_geojson(&bytes);
    }

    #[test]
    fn a_damaged_roads_file_is_read_or_located(bytes in damaged_text(ROADS)) {
        check_roads(&bytes);
    }

    #[test]
    fn any_bytes_as_a_roads_file_are_read_or_located(bytes in any_bytes()) {
        check_roads(&bytes);
    }

    #[test]
    fn a_damaged_region_that_loads_also_plans(
        (file, bytes) in prop::sample::select(vec!["villages.csv", "facilities.csv", "candidates.csv", "scenario.toml"])
            .prop_flat_map(|f| (Just(f), damaged(f))),
    ) {
        check_plan(file, &bytes);
    }

    #[test]
    fn a_damaged_osm_file_is_read_or_an_error(bytes in damaged_pbf()) {
        check_osm(&bytes);
    }

    #[test]
    fn a_damaged_od_file_is_read_or_located(bytes in damaged_text(OD)) {
        check_od(&tiny_region(), &bytes);
    }
}

#[test]
fn the_undamaged_inputs_load() {
    // The mutations start from valid files: check that they are.
    check_region("villages.csv", &fixture("villages.csv"));
    let region = tiny_region();
    let dir = tempfile::tempdir().expect("temp dir");
    let od = dir.path().join("od.csv");
    fs::write(&od, OD).expect("write");
    OdMatrix::read(&od, &region, &travel()).expect("valid od.csv");
    let roads = dir.path().join("roads.csv");
    fs::write(&roads, ROADS).expect("write");
    RoadNetwork::read(&roads).expect("valid roads.csv");
    for compress in [false, true] {
        let osm = dir.path().join("roads.osm.pbf");
        fs::write(&osm, pbf(compress)).expect("write");
        // One two-way street of two segments: four directed edges.
        assert_eq!(RoadNetwork::read(&osm).expect("valid PBF").edge_count(), 4);
    }
    let boundary = dir.path().join("boundary.geojson");
    fs::write(&boundary, BOUNDARY).expect("write");
    assert_eq!(
        geojson::read_rings(&boundary, Crs::Wgs84)
            .expect("valid")
            .len(),
        1
    );
    let path = Path::new(FIXTURE).join("scenario.toml");
    parse_scenario(
        &path,
        &String::from_utf8(fixture("scenario.toml")).expect("UTF-8"),
    )
    .expect("valid scenario");
}
