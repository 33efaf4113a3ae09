//! The scenario TOML: parsed raw with every value's position, then validated once into a
//! [`Scenario`] with defaults filled and paths resolved relative to the scenario file.
//!
//! Validation walks the whole document and reports every problem at once: syntax errors,
//! unknown keys (with the nearest known key as a hint), wrong types, values out of range,
//! years outside the plan and paths that do not exist.

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::{Path, PathBuf};

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use crate::error::{Diagnostic, Diagnostics};
use crate::io::text::{self, line_column_of};
use crate::model::{
    BedDefinitions, BedSettings, BedTargets, CoverageScope, Crs, DayCare, DayCareStep,
    FacilityType, Goal, Limits, OtherTarget, Scenario, SweepAxis, Travel, TravelMode, TypeSet,
};

/// Reads and validates a scenario file.
pub fn load_scenario(path: &Path) -> Result<Scenario, Diagnostics> {
    let bytes = std::fs::read(path).map_err(|e| {
        let (zh, en) = text::read_error(&e);
        Diagnostic::new(
            path,
            0,
            0,
            format!("无法读取情景文件：{zh}"),
            format!("cannot read the scenario file: {en}"),
        )
    })?;
    if let Some(kind) = not_a_scenario(path, &bytes) {
        return Err(Diagnostic::new(
            path,
            0,
            0,
            format!("应为情景文件（.toml），这是{}", kind.0),
            format!("expected a scenario file (.toml), this is {}", kind.1),
        )
        .into());
    }
    let decoded = text::decode(path, &bytes)?;
    parse_scenario(path, &decoded.text)
}

/// What a file given as a scenario is instead (Chinese, English), when its name or its
/// first bytes say it is a table, a workbook or GeoJSON rather than TOML.
fn not_a_scenario(path: &Path, bytes: &[u8]) -> Option<(&'static str, &'static str)> {
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"\xD0\xCF\x11\xE0") {
        return Some(("一个 Excel/WPS 工作簿", "an Excel/WPS workbook"));
    }
    match ext.as_str() {
        "csv" | "tsv" | "txt" => Some(("一个 CSV 表格", "a CSV table")),
        "xlsx" | "xls" | "xlsm" | "et" => Some(("一个 Excel/WPS 工作簿", "an Excel/WPS workbook")),
        "geojson" | "json" => Some(("一个 JSON/GeoJSON 文件", "a JSON/GeoJSON file")),
        _ => None,
    }
}

/// Validates scenario text read from `path` (used to resolve relative paths).
pub fn parse_scenario(path: &Path, source: &str) -> Result<Scenario, Diagnostics> {
    let mut cx = Cx {
        path,
        source,
        out: Diagnostics::default(),
    };
    let (doc, errors) = DeTable::parse_recoverable(source);
    for e in &errors {
        let span = e.span().unwrap_or(0..0);
        let msg = e.message().trim().to_owned();
        cx.at(
            span,
            format!("TOML 语法错误：{msg}"),
            format!("TOML syntax error: {msg}"),
        );
    }
    if !errors.is_empty() {
        return Err(cx.finish());
    }
    let base = path.parent().unwrap_or(Path::new("."));
    let root = Tbl::new("", doc.get_ref(), doc.span());
    let scenario = validate(&mut cx, &root, base, path);
    let mut out = cx.finish();
    match scenario {
        Some(s) if out.is_empty() => Ok(s),
        _ => {
            out.sort();
            Err(out)
        }
    }
}

/// Collects diagnostics located by byte spans of the scenario text.
struct Cx<'a> {
    path: &'a Path,
    source: &'a str,
    out: Diagnostics,
}

impl Cx<'_> {
    fn at(&mut self, span: Range<usize>, zh: String, en: String) {
        let (line, column) = line_column_of(self.source, span.start);
        self.out
            .push(Diagnostic::new(self.path, line, column, zh, en));
    }

    /// The value as written in the file, for messages.
    fn written(&self, span: &Range<usize>) -> String {
        let s = self.source.get(span.clone()).unwrap_or_default().trim();
        let mut chars = s.chars();
        let head: String = chars.by_ref().take(60).collect();
        if chars.next().is_some() {
            format!("{head}…")
        } else {
            head
        }
    }

    fn finish(self) -> Diagnostics {
        self.out
    }
}

/// A table of the document with the dotted name it sits under.
struct Tbl<'a, 'i> {
    name: String,
    table: &'a DeTable<'i>,
    span: Range<usize>,
}

type Val<'a, 'i> = &'a Spanned<DeValue<'i>>;

impl<'a, 'i> Tbl<'a, 'i> {
    fn new(name: &str, table: &'a DeTable<'i>, span: Range<usize>) -> Self {
        Self {
            name: name.to_owned(),
            table,
            span,
        }
    }

    fn key_name(&self, key: &str) -> String {
        if self.name.is_empty() {
            key.to_owned()
        } else {
            format!("{}.{key}", self.name)
        }
    }

    fn get(&self, key: &str) -> Option<Val<'a, 'i>> {
        self.table.get(key)
    }

    /// Reports every key not in `allowed`, with the nearest allowed key as a hint.
    fn only(&self, cx: &mut Cx<'_>, allowed: &[&str]) {
        for (k, _) in self.table.iter() {
            let key = k.get_ref().as_ref();
            if allowed.contains(&key) {
                continue;
            }
            let full = self.key_name(key);
            let (hint_zh, hint_en) = match nearest(key, allowed) {
                Some(n) => (
                    format!("（是否想写「{n}」？）"),
                    format!(" (did you mean \"{n}\"?)"),
                ),
                None => (
                    format!("（可用的键：{}）", allowed.join("、")),
                    format!(" (known keys: {})", allowed.join(", ")),
                ),
            };
            cx.at(
                k.span(),
                format!("未知的键「{full}」{hint_zh}"),
                format!("unknown key \"{full}\"{hint_en}"),
            );
        }
    }

    fn missing(&self, cx: &mut Cx<'_>, key: &str) {
        let full = self.key_name(key);
        cx.at(
            self.span.start..self.span.start,
            format!("缺少必需的键「{full}」"),
            format!("missing required key \"{full}\""),
        );
    }

    fn wrong_type(&self, cx: &mut Cx<'_>, key: &str, v: Val<'_, '_>, zh: &str, en: &str) {
        let full = self.key_name(key);
        let w = cx.written(&v.span());
        cx.at(
            v.span(),
            format!("「{full}」应为{zh}：{w}"),
            format!("\"{full}\" must be {en}: {w}"),
        );
    }

    fn string(&self, cx: &mut Cx<'_>, key: &str) -> Option<(String, Range<usize>)> {
        let v = self.get(key)?;
        match v.get_ref() {
            DeValue::String(s) => Some((s.to_string(), v.span())),
            _ => {
                self.wrong_type(cx, key, v, "字符串", "a string");
                None
            }
        }
    }

    fn number(&self, cx: &mut Cx<'_>, key: &str) -> Option<(f64, Range<usize>)> {
        let v = self.get(key)?;
        let parsed = match v.get_ref() {
            DeValue::Integer(i) => int_value(i.as_str(), i.radix()).map(|i| i as f64),
            DeValue::Float(f) => f.as_str().replace('_', "").parse::<f64>().ok(),
            _ => None,
        };
        match parsed.filter(|x| x.is_finite()) {
            Some(x) => Some((x, v.span())),
            None => {
                self.wrong_type(cx, key, v, "有限的数", "a finite number");
                None
            }
        }
    }

    fn integer(&self, cx: &mut Cx<'_>, key: &str) -> Option<(i64, Range<usize>)> {
        let v = self.get(key)?;
        match v.get_ref() {
            DeValue::Integer(i) => match int_value(i.as_str(), i.radix()) {
                Some(x) => Some((x, v.span())),
                None => {
                    let full = self.key_name(key);
                    let w = cx.written(&v.span());
                    cx.at(
                        v.span(),
                        format!("「{full}」超出了整数的范围：{w}"),
                        format!("\"{full}\" is out of range for a whole number: {w}"),
                    );
                    None
                }
            },
            _ => {
                self.wrong_type(cx, key, v, "整数", "an integer");
                None
            }
        }
    }

    fn boolean(&self, cx: &mut Cx<'_>, key: &str) -> Option<bool> {
        let v = self.get(key)?;
        match v.get_ref() {
            DeValue::Boolean(b) => Some(*b),
            _ => {
                self.wrong_type(cx, key, v, "true 或 false", "true or false");
                None
            }
        }
    }

    fn table(&self, cx: &mut Cx<'_>, key: &str) -> Option<Tbl<'a, 'i>> {
        let v = self.get(key)?;
        match v.get_ref() {
            DeValue::Table(t) => Some(Tbl::new(&self.key_name(key), t, v.span())),
            _ => {
                self.wrong_type(cx, key, v, "表", "a table");
                None
            }
        }
    }

    /// A number in `lo..=hi`; out-of-range values are reported with the range.
    fn number_in(&self, cx: &mut Cx<'_>, key: &str, lo: f64, hi: f64) -> Option<f64> {
        let (x, span) = self.number(cx, key)?;
        if (lo..=hi).contains(&x) {
            return Some(x);
        }
        let full = self.key_name(key);
        let w = cx.written(&span);
        cx.at(
            span,
            format!("「{full}」应在 {lo} 到 {hi} 之间：{w}"),
            format!("\"{full}\" must be between {lo} and {hi}: {w}"),
        );
        None
    }

    /// A target: a number in `lo..=hi` (at least that value), or an inline table
    /// `{ above = x }` for a target worded "超过" (strictly above) or `{ at_least = x }`.
    fn goal(&self, cx: &mut Cx<'_>, key: &str, lo: f64, hi: f64) -> Option<Goal> {
        let v = self.get(key)?;
        if let DeValue::Table(t) = v.get_ref() {
            let t = Tbl::new(&self.key_name(key), t, v.span());
            t.only(cx, &["above", "at_least", "binding"]);
            let binding = t.boolean(cx, "binding").unwrap_or(true);
            let with = |g: Goal| Goal { binding, ..g };
            return match (t.get("above").is_some(), t.get("at_least").is_some()) {
                (true, false) => t.number_in(cx, "above", lo, hi).map(Goal::above).map(with),
                (false, true) => t
                    .number_in(cx, "at_least", lo, hi)
                    .map(Goal::at_least)
                    .map(with),
                _ => {
                    let full = self.key_name(key);
                    let w = cx.written(&v.span());
                    cx.at(
                        v.span(),
                        format!("「{full}」应写 {{ above = 值 }}（超过）或 {{ at_least = 值 }}（不低于）之一：{w}"),
                        format!("\"{full}\" takes exactly one of {{ above = value }} (strictly above) or {{ at_least = value }}: {w}"),
                    );
                    None
                }
            };
        }
        self.number_in(cx, key, lo, hi).map(Goal::at_least)
    }

    /// A list of facility types (`["institution", "comprehensive"]`, Chinese names too), or
    /// `"all"` / `"各类"` for every type.
    fn types(&self, cx: &mut Cx<'_>, key: &str) -> Option<TypeSet> {
        let v = self.get(key)?;
        let full = self.key_name(key);
        match v.get_ref() {
            DeValue::String(s) if matches!(s.as_ref(), "all" | "各类") => Some(TypeSet::ALL),
            DeValue::Array(items) => {
                let mut kinds = Vec::new();
                let mut ok = true;
                for item in items.iter() {
                    let kind = match item.get_ref() {
                        DeValue::String(s) => FacilityType::parse(s),
                        _ => None,
                    };
                    match kind {
                        Some(k) => kinds.push(k),
                        None => {
                            ok = false;
                            let w = cx.written(&item.span());
                            cx.at(
                                item.span(),
                                format!("「{full}」中未知的设施类型：{w}（应为 day_care、station、comprehensive 或 institution）"),
                                format!("unknown facility type in \"{full}\": {w} (expected day_care, station, comprehensive or institution)"),
                            );
                        }
                    }
                }
                ok.then(|| TypeSet::of(&kinds))
            }
            _ => {
                self.wrong_type(
                    cx,
                    key,
                    v,
                    "设施类型的数组或 \"all\"",
                    "an array of facility types or \"all\"",
                );
                None
            }
        }
    }

    /// A share of a whole, 0..=1.
    fn share(&self, cx: &mut Cx<'_>, key: &str) -> Option<f64> {
        self.number_in(cx, key, 0.0, 1.0)
    }

    /// A number above zero and at most `hi`: times and speeds, where a huge value is a typo
    /// that would otherwise reach every site of a province, or draw circles round the globe.
    fn positive_up_to(&self, cx: &mut Cx<'_>, key: &str, hi: f64) -> Option<f64> {
        let (x, span) = self.number(cx, key)?;
        if x > 0.0 && x <= hi {
            return Some(x);
        }
        let full = self.key_name(key);
        let w = cx.written(&span);
        cx.at(
            span,
            format!("「{full}」应大于 0 且不超过 {hi}：{w}"),
            format!("\"{full}\" must be greater than 0 and at most {hi}: {w}"),
        );
        None
    }

    /// A whole number >= 0 that fits in `u32`.
    fn count(&self, cx: &mut Cx<'_>, key: &str) -> Option<u32> {
        let (x, span) = self.integer(cx, key)?;
        if let Ok(x) = u32::try_from(x) {
            return Some(x);
        }
        let full = self.key_name(key);
        let w = cx.written(&span);
        cx.at(
            span,
            format!("「{full}」应为不小于 0 的整数：{w}"),
            format!("\"{full}\" must be a whole number >= 0: {w}"),
        );
        None
    }

    /// A path resolved against `base` that must exist (as a folder when `dir`).
    fn path(&self, cx: &mut Cx<'_>, key: &str, base: &Path, dir: bool) -> Option<PathBuf> {
        let (s, span) = self.string(cx, key)?;
        let p = base.join(&s);
        let ok = if dir { p.is_dir() } else { p.is_file() };
        if ok {
            return Some(p);
        }
        let full = self.key_name(key);
        let (zh, en) = match (dir, p.exists()) {
            (true, true) => (
                "应为数据文件夹，但这是一个文件",
                "must name a data folder, but this is a file",
            ),
            (true, false) => ("数据文件夹不存在", "data folder does not exist"),
            (false, true) => (
                "应为文件，但这是一个文件夹",
                "must name a file, but this is a folder",
            ),
            (false, false) => ("文件不存在", "file does not exist"),
        };
        cx.at(
            span,
            format!("「{full}」{zh}：{}", p.display()),
            format!("\"{full}\": {en}: {}", p.display()),
        );
        None
    }

    /// Entries keyed by plan year: each key must be an integer in `years`.
    fn by_year(&self, cx: &mut Cx<'_>, years: &[i32]) -> Vec<(i32, Tbl<'a, 'i>)> {
        let mut result = Vec::new();
        for (k, v) in self.table.iter() {
            let key = k.get_ref().as_ref();
            let full = self.key_name(key);
            let Ok(year) = key.parse::<i32>() else {
                cx.at(
                    k.span(),
                    format!("「{full}」的键应为年份"),
                    format!("\"{full}\": the key must be a year"),
                );
                continue;
            };
            if !years.is_empty() && !years.contains(&year) {
                cx.at(
                    k.span(),
                    format!("「{full}」：{year} 年不在规划年份 years 中"),
                    format!("\"{full}\": {year} is not one of the plan years"),
                );
                continue;
            }
            match v.get_ref() {
                DeValue::Table(t) => result.push((year, Tbl::new(&full, t, v.span()))),
                _ => self.wrong_type(cx, key, v, "表", "a table"),
            }
        }
        result
    }
}

fn int_value(s: &str, radix: u32) -> Option<i64> {
    let digits = s.replace('_', "");
    let digits = digits
        .trim_start_matches("0x")
        .trim_start_matches("0o")
        .trim_start_matches("0b");
    i64::from_str_radix(digits, radix).ok()
}

/// The allowed key closest to `key` by edit distance, if it is close enough to be a typo.
fn nearest<'k>(key: &str, allowed: &[&'k str]) -> Option<&'k str> {
    allowed
        .iter()
        .map(|a| (edit_distance(key, a), *a))
        .filter(|(d, a)| *d <= 2.max(a.chars().count() / 3))
        .min_by_key(|(d, _)| *d)
        .map(|(_, a)| a)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(ca != *cb))
                .min(prev[j + 1] + 1)
                .min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

/// Longest travel time a scenario may ask for: one day, in minutes.
const MAX_MINUTES: f64 = 1440.0;

/// Fastest travel mode a scenario may set, in km/h.
const MAX_SPEED_KMH: f64 = 300.0;

const TOP_KEYS: &[&str] = &[
    "name",
    "data",
    "crs",
    "base_year",
    "years",
    "elderly_growth",
    "seed",
    "source",
    "china_bounds",
    "travel",
    "day_care",
    "beds",
    "indicators",
    "costs",
    "budget",
    "other_targets",
    "sweep",
    "limits",
    "decisions",
];

fn validate(cx: &mut Cx<'_>, root: &Tbl<'_, '_>, base: &Path, path: &Path) -> Option<Scenario> {
    root.only(cx, TOP_KEYS);
    let name = root.string(cx, "name").map(|(s, _)| s);
    if root.get("name").is_none() {
        root.missing(cx, "name");
    }
    let data = root.path(cx, "data", base, true);
    if root.get("data").is_none() {
        root.missing(cx, "data");
    }
    let crs = match root.string(cx, "crs") {
        None => Some(Crs::default()),
        Some((s, span)) => Crs::parse(&s).or_else(|| {
            let w = cx.written(&span);
            cx.at(
                span,
                format!("未知的坐标系「crs」：{w}（应为 wgs84、gcj02 或 bd09）"),
                format!("unknown \"crs\": {w} (expected wgs84, gcj02 or bd09)"),
            );
            None
        }),
    };
    let china_bounds = root.boolean(cx, "china_bounds").unwrap_or(true);
    if let (false, Some(Crs::Gcj02 | Crs::Bd09)) = (china_bounds, crs) {
        let span = root.get("crs").map_or(0..0, |v| v.span());
        cx.at(
            span,
            "GCJ-02 与 BD-09 只用于中国境内，不能与 china_bounds = false 同用".into(),
            "GCJ-02 and BD-09 are China-only and cannot be used with china_bounds = false".into(),
        );
    }
    let base_year = root
        .integer(cx, "base_year")
        .and_then(|(y, span)| year_in_range(cx, y, span, "base_year"));
    if root.get("base_year").is_none() {
        root.missing(cx, "base_year");
    }
    let years = plan_years(cx, root, base_year);
    let elderly_growth = root
        .number_in(cx, "elderly_growth", -0.5, 1.0)
        .unwrap_or(0.0);
    let seed = match root.integer(cx, "seed") {
        None => Some(1),
        Some((s, span)) => u64::try_from(s).ok().or_else(|| {
            let w = cx.written(&span);
            cx.at(
                span,
                format!("「seed」应为不小于 0 的整数：{w}"),
                format!("\"seed\" must be a whole number >= 0: {w}"),
            );
            None
        }),
    };
    let source = root.string(cx, "source").map(|(s, _)| s);
    let travel = travel(cx, root, base);
    let plan_years = years.clone().unwrap_or_default();
    let day_care = day_care(cx, root, &plan_years);
    let (bed_targets, beds) = bed_targets(cx, root, &plan_years);
    let (costs, budget) = costs(cx, root, &plan_years);
    let other_targets = other_targets(cx, root);
    let indicators = indicators(cx, root);
    let sweep = sweep(cx, root);
    let limits = limits(cx, root);
    let decisions = decisions(cx, root, base);

    Some(Scenario {
        path: path.to_path_buf(),
        name: name?,
        data: data?,
        crs: crs?,
        china_bounds,
        base_year: base_year?,
        years: years?,
        elderly_growth,
        seed: seed?,
        source,
        travel: travel?,
        day_care: day_care?,
        bed_targets,
        beds,
        indicators,
        costs,
        budget,
        other_targets,
        sweep,
        limits,
        decisions,
    })
}

/// `[decisions]`: `file` (a decisions CSV, relative to the scenario), then the `required` and
/// `excluded` lists of ids, which override the file; an id in both lists is an error.
/// See [`crate::io::decisions`].
fn decisions(cx: &mut Cx<'_>, root: &Tbl<'_, '_>, base: &Path) -> crate::model::Decisions {
    use crate::model::decisions::{Decision, Decisions, Origin, Verdict};
    let mut out = Decisions::default();
    let Some(t) = root.table(cx, "decisions") else {
        return out;
    };
    t.only(cx, &["file", "required", "excluded"]);
    if let Some(file) = t.path(cx, "file", base, false) {
        match crate::io::decisions::read_file(&file) {
            Ok(d) => out.overlay(d),
            Err(problems) => cx.out.extend(problems),
        }
    }
    let mut listed = Decisions::default();
    for (key, verdict) in [
        ("required", Verdict::Required),
        ("excluded", Verdict::Excluded),
    ] {
        let Some(v) = t.get(key) else { continue };
        let full = t.key_name(key);
        let DeValue::Array(items) = v.get_ref() else {
            t.wrong_type(cx, key, v, "编号的列表", "a list of ids");
            continue;
        };
        for item in items.iter() {
            let DeValue::String(id) = item.get_ref() else {
                let w = cx.written(&item.span());
                cx.at(
                    item.span(),
                    format!("「{full}」应为编号（字符串）：{w}"),
                    format!("\"{full}\" must list ids (strings): {w}"),
                );
                continue;
            };
            let (line, column) = line_column_of(cx.source, item.span().start);
            if let Some(first) = listed.get(id) {
                if first.verdict != verdict {
                    let first_line = first.origin.line;
                    cx.at(
                        item.span(),
                        format!(
                            "「{id}」既是必选（required）又被排除（excluded，第 {first_line} 行）"
                        ),
                        format!("\"{id}\" is both required and excluded (see line {first_line})"),
                    );
                }
                continue;
            }
            listed.list.push(Decision {
                id: id.to_string(),
                verdict,
                year: None,
                origin: Origin {
                    path: cx.path.to_path_buf(),
                    line,
                    column,
                },
            });
        }
    }
    out.overlay(listed);
    out
}

/// `[limits]`: resource limits of a run.
fn limits(cx: &mut Cx<'_>, root: &Tbl<'_, '_>) -> Limits {
    let mut limits = Limits::default();
    let Some(t) = root.table(cx, "limits") else {
        return limits;
    };
    t.only(cx, &["memory_mb"]);
    if let Some(mb) = t.count(cx, "memory_mb") {
        if mb == 0 {
            let span = t.get("memory_mb").map_or(0..0, |v| v.span());
            cx.at(
                span,
                "「limits.memory_mb」应大于 0：0".into(),
                "\"limits.memory_mb\" must be greater than 0: 0".into(),
            );
        } else {
            limits.memory_mb = mb;
        }
    }
    limits
}

/// `[sweep]`: dotted keys (quoted, or nested tables) to arrays of values.
fn sweep(cx: &mut Cx<'_>, root: &Tbl<'_, '_>) -> Vec<SweepAxis> {
    let Some(t) = root.table(cx, "sweep") else {
        return Vec::new();
    };
    let mut axes = Vec::new();
    flatten_sweep(cx, &t, "", &mut axes);
    axes
}

fn flatten_sweep(cx: &mut Cx<'_>, t: &Tbl<'_, '_>, prefix: &str, axes: &mut Vec<SweepAxis>) {
    let known: Vec<&str> = SweepAxis::KEYS.iter().map(|k| k.0).collect();
    for (k, v) in t.table.iter() {
        let key = format!("{prefix}{}", k.get_ref());
        if let DeValue::Table(inner) = v.get_ref() {
            let sub = Tbl::new(&t.key_name(k.get_ref()), inner, v.span());
            flatten_sweep(cx, &sub, &format!("{key}."), axes);
            continue;
        }
        let Some(&(_, lo, hi, whole)) = SweepAxis::KEYS.iter().find(|x| x.0 == key) else {
            let hint = nearest(&key, &known)
                .map(|n| {
                    (
                        format!("（是否想写「{n}」？）"),
                        format!(" (did you mean \"{n}\"?)"),
                    )
                })
                .unwrap_or_else(|| {
                    (
                        format!("（可扫描的键：{}）", known.join("、")),
                        format!(" (keys that can be swept: {})", known.join(", ")),
                    )
                });
            cx.at(
                k.span(),
                format!("「sweep.{key}」不能扫描{}", hint.0),
                format!("\"sweep.{key}\" cannot be swept{}", hint.1),
            );
            continue;
        };
        let DeValue::Array(items) = v.get_ref() else {
            t.wrong_type(cx, k.get_ref(), v, "数值数组", "an array of numbers");
            continue;
        };
        let mut values = Vec::new();
        for item in items {
            let x = match item.get_ref() {
                DeValue::Integer(i) => int_value(i.as_str(), i.radix()).map(|i| i as f64),
                DeValue::Float(f) => f.as_str().replace('_', "").parse::<f64>().ok(),
                _ => None,
            };
            let w = cx.written(&item.span());
            match x.filter(|x| x.is_finite()) {
                Some(x) if (lo..=hi).contains(&x) && (!whole || x.fract() == 0.0) => values.push(x),
                Some(_) => cx.at(
                    item.span(),
                    format!(
                        "「sweep.{key}」的取值应在 {lo} 到 {hi} 之间{}：{w}",
                        if whole { "且为整数" } else { "" }
                    ),
                    format!(
                        "\"sweep.{key}\" values must be {}between {lo} and {hi}: {w}",
                        if whole { "whole numbers " } else { "" }
                    ),
                ),
                None => cx.at(
                    item.span(),
                    format!("「sweep.{key}」的取值应为数字：{w}"),
                    format!("\"sweep.{key}\" values must be numbers: {w}"),
                ),
            }
        }
        if items.is_empty() {
            cx.at(
                v.span(),
                format!("「sweep.{key}」至少要有一个取值"),
                format!("\"sweep.{key}\" needs at least one value"),
            );
        } else {
            axes.push(SweepAxis { key, values });
        }
    }
}

fn year_in_range(cx: &mut Cx<'_>, y: i64, span: Range<usize>, key: &str) -> Option<i32> {
    if (1949..=2100).contains(&y) {
        return Some(y as i32);
    }
    cx.at(
        span,
        format!("「{key}」应为 1949 到 2100 之间的年份：{y}"),
        format!("\"{key}\" must be a year between 1949 and 2100: {y}"),
    );
    None
}

fn plan_years(cx: &mut Cx<'_>, root: &Tbl<'_, '_>, base_year: Option<i32>) -> Option<Vec<i32>> {
    let Some(v) = root.get("years") else {
        root.missing(cx, "years");
        return None;
    };
    let DeValue::Array(items) = v.get_ref() else {
        root.wrong_type(cx, "years", v, "年份数组", "an array of years");
        return None;
    };
    let mut years = Vec::new();
    for item in items {
        let year = match item.get_ref() {
            DeValue::Integer(i) => match int_value(i.as_str(), i.radix()) {
                Some(y) => year_in_range(cx, y, item.span(), "years"),
                // Too large even for i64: still a year out of range, and said so.
                None => {
                    let w = cx.written(&item.span());
                    cx.at(
                        item.span(),
                        format!("「years」应为 1949 到 2100 之间的年份：{w}"),
                        format!("\"years\" must be a year between 1949 and 2100: {w}"),
                    );
                    None
                }
            },
            _ => {
                root.wrong_type(cx, "years", item, "年份（整数）", "a year (integer)");
                None
            }
        };
        let year = year?;
        if years.last().is_some_and(|last| *last >= year) {
            cx.at(
                item.span(),
                format!("「years」应严格递增：{year}"),
                format!("\"years\" must be strictly increasing: {year}"),
            );
            return None;
        }
        if base_year.is_some_and(|b| year < b) {
            cx.at(
                item.span(),
                format!("规划年份 {year} 不能早于基期 base_year"),
                format!("plan year {year} must not be before base_year"),
            );
            return None;
        }
        years.push(year);
    }
    if years.is_empty() {
        cx.at(
            v.span(),
            "「years」至少要有一个规划年份".into(),
            "\"years\" needs at least one plan year".into(),
        );
        return None;
    }
    Some(years)
}

fn travel(cx: &mut Cx<'_>, root: &Tbl<'_, '_>, base: &Path) -> Option<Travel> {
    let Some(t) = root.table(cx, "travel") else {
        return if root.get("travel").is_some() {
            None
        } else {
            Some(Travel {
                minutes: Travel::DEFAULT_MINUTES,
                urban: Travel::DEFAULT_URBAN,
                rural: Travel::DEFAULT_RURAL,
                roads: None,
                matrix: None,
            })
        };
    };
    t.only(cx, &["minutes", "urban", "rural", "roads", "matrix"]);
    let minutes = if t.get("minutes").is_some() {
        t.positive_up_to(cx, "minutes", MAX_MINUTES)
    } else {
        Some(Travel::DEFAULT_MINUTES)
    };
    let mut mode = |key: &str, default: TravelMode| -> Option<TravelMode> {
        let Some(m) = t.table(cx, key) else {
            return t.get(key).is_none().then_some(default);
        };
        m.only(cx, &["speed_kmh", "detour"]);
        let speed_kmh = match m.get("speed_kmh") {
            Some(_) => m.positive_up_to(cx, "speed_kmh", MAX_SPEED_KMH),
            None => Some(default.speed_kmh),
        };
        let detour = match m.get("detour") {
            Some(_) => m.number_in(cx, "detour", 1.0, 10.0),
            None => Some(default.detour),
        };
        Some(TravelMode {
            speed_kmh: speed_kmh?,
            detour: detour?,
        })
    };
    let urban = mode("urban", Travel::DEFAULT_URBAN);
    let rural = mode("rural", Travel::DEFAULT_RURAL);
    let roads = match t.get("roads") {
        Some(_) => Some(t.path(cx, "roads", base, false)?),
        None => None,
    };
    let matrix = match t.get("matrix") {
        Some(v) => {
            if roads.is_some() {
                cx.at(
                    v.span(),
                    "「travel.roads」与「travel.matrix」只能选一个".into(),
                    "\"travel.roads\" and \"travel.matrix\" exclude each other: choose one".into(),
                );
                return None;
            }
            Some(t.path(cx, "matrix", base, false)?)
        }
        None => None,
    };
    Some(Travel {
        minutes: minutes?,
        urban: urban?,
        rural: rural?,
        roads,
        matrix,
    })
}

fn day_care(cx: &mut Cx<'_>, root: &Tbl<'_, '_>, years: &[i32]) -> Option<DayCare> {
    let Some(t) = root.table(cx, "day_care") else {
        return root.get("day_care").is_none().then(DayCare::default);
    };
    t.only(
        cx,
        &[
            "coverage",
            "scope",
            "per_street",
            "township_share",
            "max_new",
            "curve",
            "capacity",
            "exclude_unreachable",
            "serving",
            "per_county",
            "township_kinds",
            "data_capacity",
            "targets",
            "coverage_binding",
        ],
    );
    let scope = match t.string(cx, "scope") {
        None => Some(CoverageScope::All),
        Some((s, span)) => match s.as_str() {
            "all" => Some(CoverageScope::All),
            "urban" => Some(CoverageScope::Urban),
            _ => {
                let w = cx.written(&span);
                cx.at(
                    span,
                    format!("未知的「day_care.scope」：{w}（应为 all 或 urban）"),
                    format!("unknown \"day_care.scope\": {w} (expected all or urban)"),
                );
                None
            }
        },
    };
    let mut targets = BTreeMap::new();
    if let Some(steps) = t.table(cx, "targets") {
        for (year, step) in steps.by_year(cx, years) {
            step.only(
                cx,
                &["coverage", "township_share", "per_street", "per_county"],
            );
            targets.insert(
                year,
                DayCareStep {
                    coverage: step.share(cx, "coverage"),
                    township_share: step.share(cx, "township_share"),
                    per_street: step.count(cx, "per_street"),
                    per_county: step.count(cx, "per_county"),
                },
            );
        }
    }
    let capacity = t.count(cx, "capacity").filter(|c| *c > 0);
    // One home for the final-year targets: `coverage` and `township_share` are the final
    // year's step; a final-year entry under `[day_care.targets]` may say the same, not differ.
    let mut coverage = t.share(cx, "coverage");
    let mut township_share = t.share(cx, "township_share");
    if let Some(&last) = years.last() {
        let step = targets.entry(last).or_insert_with(DayCareStep::default);
        for (key, top, yearly) in [
            ("coverage", &mut coverage, &mut step.coverage),
            (
                "township_share",
                &mut township_share,
                &mut step.township_share,
            ),
        ] {
            match (*top, *yearly) {
                (Some(a), Some(b)) if (a - b).abs() > 1e-12 => {
                    let span = t.get(key).map_or(t.span.clone(), |v| v.span());
                    cx.at(
                        span,
                        format!("「day_care.{key}」（{a}）与 {last} 年的「day_care.targets.{last}.{key}」（{b}）不一致；末年目标只写一处"),
                        format!("\"day_care.{key}\" ({a}) differs from \"day_care.targets.{last}.{key}\" ({b}); give the final-year target once"),
                    );
                }
                (Some(a), None) => *yearly = Some(a),
                (None, Some(b)) => *top = Some(b),
                _ => {}
            }
        }
        if *step == DayCareStep::default() {
            targets.remove(&last);
        }
    }
    Some(DayCare {
        coverage,
        scope: scope?,
        per_street: t.count(cx, "per_street").unwrap_or(0),
        township_share,
        max_new: t.count(cx, "max_new"),
        curve: t.boolean(cx, "curve").unwrap_or(false),
        capacity,
        data_capacity: t.boolean(cx, "data_capacity").unwrap_or(true),
        exclude_unreachable: t.boolean(cx, "exclude_unreachable").unwrap_or(false),
        serving: t.types(cx, "serving").unwrap_or(TypeSet::DAY_CARE),
        per_county: t.count(cx, "per_county").unwrap_or(0),
        township_kinds: township_kinds(cx, &t),
        targets,
        coverage_binding: t.boolean(cx, "coverage_binding").unwrap_or(true),
    })
}

fn bed_targets(
    cx: &mut Cx<'_>,
    root: &Tbl<'_, '_>,
    years: &[i32],
) -> (BTreeMap<i32, BedTargets>, BedSettings) {
    let mut result = BTreeMap::new();
    let mut settings = BedSettings::default();
    let Some(beds) = root.table(cx, "beds") else {
        return (result, settings);
    };
    beds.only(cx, &["targets", "catchment_minutes", "decay"]);
    if beds.get("catchment_minutes").is_some()
        && let Some(m) = beds.positive_up_to(cx, "catchment_minutes", MAX_MINUTES)
    {
        settings.catchment_minutes = m;
    }
    if let Some((d, span)) = beds.string(cx, "decay") {
        match d.as_str() {
            "none" => settings.gaussian = false,
            "gaussian" => settings.gaussian = true,
            _ => {
                let w = cx.written(&span);
                cx.at(
                    span,
                    format!("未知的「beds.decay」：{w}（应为 none 或 gaussian）"),
                    format!("unknown \"beds.decay\": {w} (expected none or gaussian)"),
                );
            }
        }
    }
    let Some(targets) = beds.table(cx, "targets") else {
        return (result, settings);
    };
    for (year, t) in targets.by_year(cx, years) {
        t.only(
            cx,
            &[
                "nursing_share",
                "beds_per_1000",
                "nursing_per_1000",
                "public_share",
                "new_beds",
            ],
        );
        result.insert(
            year,
            BedTargets {
                nursing_share: t.goal(cx, "nursing_share", 0.0, 1.0),
                beds_per_1000: t.goal(cx, "beds_per_1000", 0.0, 1000.0),
                nursing_per_1000: t.goal(cx, "nursing_per_1000", 0.0, 1000.0),
                public_share: t.goal(cx, "public_share", 0.0, 1.0),
                new_beds: t.goal(cx, "new_beds", 0.0, 1.0e9),
            },
        );
    }
    (result, settings)
}

/// `[day_care.township_kinds]`: unit name → street | town | xiang | other (or 街道/镇/乡/其他).
fn township_kinds(
    cx: &mut Cx<'_>,
    t: &Tbl<'_, '_>,
) -> BTreeMap<String, crate::model::TownshipKind> {
    let mut out = BTreeMap::new();
    let Some(kinds) = t.table(cx, "township_kinds") else {
        return out;
    };
    let keys: Vec<String> = kinds
        .table
        .iter()
        .map(|(k, _)| k.get_ref().to_string())
        .collect();
    for key in keys {
        let Some((v, span)) = kinds.string(cx, &key) else {
            continue;
        };
        match crate::model::TownshipKind::parse(&v) {
            Some(kind) => {
                out.insert(key, kind);
            }
            None => {
                let w = cx.written(&span);
                cx.at(
                    span,
                    format!("「day_care.township_kinds」中「{key}」的类型未知：{w}（应为 street、town、xiang 或 other / 街道、镇、乡、其他）"),
                    format!("unknown kind of \"{key}\" in \"day_care.township_kinds\": {w} (expected street, town, xiang or other)"),
                );
            }
        }
    }
    out
}

/// `[indicators]`: which facility types each bed indicator counts.
fn indicators(cx: &mut Cx<'_>, root: &Tbl<'_, '_>) -> BedDefinitions {
    let mut d = BedDefinitions::default();
    let Some(t) = root.table(cx, "indicators") else {
        return d;
    };
    t.only(
        cx,
        &[
            "beds_per_1000",
            "nursing_share",
            "nursing_per_1000",
            "public_share",
            "new_beds",
        ],
    );
    for (key, slot) in [
        ("beds_per_1000", &mut d.beds_per_1000),
        ("nursing_share", &mut d.nursing_share),
        ("nursing_per_1000", &mut d.nursing_per_1000),
        ("public_share", &mut d.public_share),
        ("new_beds", &mut d.new_beds),
    ] {
        if let Some(set) = t.types(cx, key) {
            if set == TypeSet::EMPTY {
                cx.at(
                    t.get(key).map_or(t.span.clone(), |v| v.span()),
                    format!("「indicators.{key}」至少要列出一种设施类型"),
                    format!("\"indicators.{key}\" must list at least one facility type"),
                );
            } else {
                *slot = set;
            }
        }
    }
    d
}

fn costs(
    cx: &mut Cx<'_>,
    root: &Tbl<'_, '_>,
    years: &[i32],
) -> (crate::model::Costs, crate::model::Budget) {
    let mut costs = crate::model::Costs::default();
    if let Some(t) = root.table(cx, "costs") {
        t.only(
            cx,
            &[
                "day_care",
                "new_bed",
                "convert_bed",
                "institution",
                "designate_public",
                "upgrade",
            ],
        );
        for (key, slot) in [
            ("day_care", &mut costs.day_care_wan),
            ("new_bed", &mut costs.new_bed_wan),
            ("convert_bed", &mut costs.convert_bed_wan),
            ("institution", &mut costs.institution_wan),
            ("upgrade", &mut costs.upgrade_wan),
        ] {
            if let Some(v) = t.number_in(cx, key, 0.0, 1e9) {
                *slot = v;
            }
        }
        costs.designate_public_wan = t.number_in(cx, "designate_public", 0.0, 1e9);
    }
    let mut budget = crate::model::Budget::default();
    if let Some(t) = root.table(cx, "budget") {
        t.only(cx, &["total", "per_year", "allow_overrun", "sweep"]);
        budget.total_wan = t.number_in(cx, "total", 0.0, 1e12);
        budget.sweep_wan = budget_sweep(cx, &t);
        budget.allow_overrun = t.boolean(cx, "allow_overrun").unwrap_or(false);
        if let Some(per) = t.table(cx, "per_year") {
            let keys: Vec<(String, Range<usize>)> = per
                .table
                .iter()
                .map(|(k, _)| (k.get_ref().to_string(), k.span()))
                .collect();
            for (key, span) in keys {
                match key.parse::<i32>() {
                    Ok(year) if years.contains(&year) => {
                        if let Some(v) = per.number_in(cx, &key, 0.0, 1e12) {
                            budget.per_year_wan.insert(year, v);
                        }
                    }
                    _ => cx.at(
                        span,
                        format!("「budget.per_year.{key}」不是规划年份之一"),
                        format!("\"budget.per_year.{key}\": {key} is not one of the plan years"),
                    ),
                }
            }
        }
    }
    (costs, budget)
}

/// `[budget] sweep`: total budgets (万元, 0–1e12) for the trade-off table, ascending, each once.
fn budget_sweep(cx: &mut Cx<'_>, t: &Tbl<'_, '_>) -> Vec<f64> {
    let Some(v) = t.get("sweep") else {
        return Vec::new();
    };
    let DeValue::Array(items) = v.get_ref() else {
        t.wrong_type(
            cx,
            "sweep",
            v,
            "数值数组（万元）",
            "an array of numbers (万元)",
        );
        return Vec::new();
    };
    let mut values = Vec::new();
    for item in items {
        let x = match item.get_ref() {
            DeValue::Integer(i) => int_value(i.as_str(), i.radix()).map(|i| i as f64),
            DeValue::Float(f) => f.as_str().replace('_', "").parse::<f64>().ok(),
            _ => None,
        };
        let w = cx.written(&item.span());
        match x.filter(|x| x.is_finite() && (0.0..=1e12).contains(x)) {
            Some(x) => values.push(x),
            None => cx.at(
                item.span(),
                format!("「budget.sweep」的取值应为 0 到 1e12 之间的数字（万元）：{w}"),
                format!("\"budget.sweep\" values must be numbers between 0 and 1e12 (万元): {w}"),
            ),
        }
    }
    values.sort_by(f64::total_cmp);
    values.dedup();
    values
}

fn other_targets(cx: &mut Cx<'_>, root: &Tbl<'_, '_>) -> Vec<OtherTarget> {
    let Some(v) = root.get("other_targets") else {
        return Vec::new();
    };
    let DeValue::Array(items) = v.get_ref() else {
        root.wrong_type(
            cx,
            "other_targets",
            v,
            "表数组 [[other_targets]]",
            "an array of tables [[other_targets]]",
        );
        return Vec::new();
    };
    let mut result = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let DeValue::Table(t) = item.get_ref() else {
            root.wrong_type(cx, "other_targets", item, "表", "a table");
            continue;
        };
        let t = Tbl::new(&format!("other_targets[{}]", i + 1), t, item.span());
        t.only(cx, &["name", "value", "unit", "year", "source"]);
        let name = t.string(cx, "name").map(|(s, _)| s);
        if t.get("name").is_none() {
            t.missing(cx, "name");
        }
        let year = t
            .integer(cx, "year")
            .and_then(|(y, span)| year_in_range(cx, y, span, "other_targets.year"));
        let target = OtherTarget {
            name: name.unwrap_or_default(),
            value: t.number(cx, "value").map(|(v, _)| v),
            unit: t.string(cx, "unit").map(|(s, _)| s),
            year,
            source: t.string(cx, "source").map(|(s, _)| s),
        };
        result.push(target);
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    fn errors(src: &str) -> Vec<String> {
        let dir = std::env::temp_dir();
        match parse_scenario(&dir.join("s.toml"), src) {
            Ok(_) => Vec::new(),
            Err(d) => {
                d.0.iter()
                    .map(|d| format!("{}:{}: {}", d.line, d.column, d.en))
                    .collect()
            }
        }
    }

    const OK: &str = "name = \"x\"\ndata = \".\"\nbase_year = 2020\nyears = [2021, 2025]\n";

    #[test]
    fn minimal_scenario_gets_defaults() {
        let dir = std::env::temp_dir();
        let s = parse_scenario(&dir.join("s.toml"), OK).expect("valid");
        assert_eq!(s.travel.minutes, 15.0);
        assert_eq!(s.crs, Crs::Wgs84);
        assert_eq!(s.seed, 1);
        assert_eq!(s.final_year(), 2025);
        assert!(s.china_bounds);
    }

    #[test]
    fn typo_gets_a_hint() {
        let e = errors(&format!("{OK}[travel]\nminuts = 10\n"));
        assert_eq!(
            e,
            vec!["6:1: unknown key \"travel.minuts\" (did you mean \"minutes\"?)"]
        );
    }

    #[test]
    fn all_problems_at_once() {
        let e = errors(
            "name = 3\ndata = \".\"\nbase_year = 2020\nyears = [2021]\n[day_care]\ncoverage = 1.5\n[beds.targets]\n2030 = { nursing_share = 0.5 }\n",
        );
        assert_eq!(
            e,
            vec![
                "1:8: \"name\" must be a string: 3",
                "6:12: \"day_care.coverage\" must be between 0 and 1: 1.5",
                "8:1: \"beds.targets.2030\": 2030 is not one of the plan years",
            ]
        );
    }

    #[test]
    fn years_must_follow_the_base_year() {
        let e = errors("name = \"x\"\ndata = \".\"\nbase_year = 2020\nyears = [2019]\n");
        assert_eq!(e, vec!["4:10: plan year 2019 must not be before base_year"]);
    }

    #[test]
    fn a_year_too_large_for_any_integer_is_reported() {
        // Found by tests/hostile_props.rs: the scenario was rejected with no message at all.
        assert_eq!(
            errors(
                "name = \"x\"\ndata = \".\"\nbase_year = 2020\nyears = [99999999999999999999992021]\n"
            ),
            vec![
                "4:10: \"years\" must be a year between 1949 and 2100: 99999999999999999999992021"
            ]
        );
    }

    #[test]
    fn limits_default_and_can_be_set() {
        let dir = std::env::temp_dir();
        let s = parse_scenario(&dir.join("s.toml"), OK).expect("valid");
        assert_eq!(s.limits.memory_mb, Limits::DEFAULT_MEMORY_MB);
        let s = parse_scenario(
            &dir.join("s.toml"),
            &format!("{OK}[limits]\nmemory_mb = 64\n"),
        )
        .expect("valid");
        assert_eq!(s.limits.memory_mb, 64);
        assert_eq!(
            errors(&format!("{OK}[limits]\nmemory_mb = -1\n")),
            vec!["6:13: \"limits.memory_mb\" must be a whole number >= 0: -1"]
        );
    }

    #[test]
    fn edit_distance_counts_typos() {
        assert_eq!(edit_distance("minuts", "minutes"), 1);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(nearest("zzzzzz", &["minutes"]), None);
    }
}
