//! What analysts open in Excel: CSV outputs with a byte-order mark (or GBK on request) and
//! `report.xlsx`, whose sheets hold the same figures as the CSVs, as numbers.

mod common;

use std::fs;
use std::io::Read;
use std::path::Path;

use calamine::{Data, Reader, Xlsx, open_workbook};
use common::{copy_fixture, yanglao};

fn plan(dir: &Path, extra: &[&str]) {
    let mut args = vec!["plan", "scenario.toml", "--out", "out"];
    args.extend_from_slice(extra);
    let run = yanglao(dir, &args);
    assert_eq!(run.code, 0, "{}", run.stderr);
}

/// A CSV output's records, the byte-order mark removed (and required).
fn csv_records(path: &Path) -> Vec<csv::StringRecord> {
    let bytes = fs::read(path).expect("csv");
    let body = bytes
        .strip_prefix(b"\xEF\xBB\xBF")
        .unwrap_or_else(|| panic!("{} starts with a UTF-8 BOM", path.display()));
    csv::Reader::from_reader(body)
        .records()
        .map(|r| r.expect("record"))
        .collect()
}

fn number(d: &Data) -> f64 {
    match d {
        Data::Float(x) => *x,
        Data::Int(x) => *x as f64,
        other => panic!("a number cell, not {other:?}"),
    }
}

fn text(d: &Data) -> String {
    match d {
        Data::String(s) => s.clone(),
        Data::Empty => String::new(),
        other => panic!("a text cell, not {other:?}"),
    }
}

#[test]
fn csv_outputs_carry_a_bom_and_gbk_on_request() {
    let dir = copy_fixture();
    plan(dir.path(), &[]);
    let out = dir.path().join("out/scenario");
    for f in ["villages.csv", "sites.csv", "proposals.csv"] {
        let records = csv_records(&out.join(f));
        assert!(!records.is_empty(), "{f} has rows");
    }
    let utf8 = fs::read(out.join("villages.csv")).expect("csv");

    plan(dir.path(), &["--encoding", "gbk"]);
    let gbk = fs::read(out.join("villages.csv")).expect("csv");
    assert!(!gbk.starts_with(b"\xEF\xBB\xBF"), "no BOM in GBK");
    assert!(
        std::str::from_utf8(&gbk).is_err(),
        "Chinese names in GBK are not UTF-8"
    );
    let (decoded, _, bad) = encoding_rs::GBK.decode(&gbk);
    assert!(!bad);
    assert_eq!(decoded.as_bytes(), &utf8[3..], "the same table, re-encoded");

    plan(dir.path(), &["--encoding", "utf8"]);
    let plain = fs::read(out.join("villages.csv")).expect("csv");
    assert_eq!(plain, &utf8[3..]);

    // `check` reads a CSV with the mark as it reads one without.
    let run = yanglao(dir.path(), &["check", "scenario.toml"]);
    assert_eq!(run.code, 0);
    fs::write(dir.path().join("villages.csv"), {
        let mut b = b"\xEF\xBB\xBF".to_vec();
        b.extend(fs::read(dir.path().join("villages.csv")).expect("fixture"));
        b
    })
    .expect("write");
    let with_bom = yanglao(dir.path(), &["check", "scenario.toml"]);
    assert_eq!(with_bom.code, 0, "{}", with_bom.stderr);
    assert_eq!(with_bom.stdout, run.stdout);
}

#[test]
fn the_batch_table_carries_a_bom() {
    let dir = copy_fixture();
    let run = yanglao(
        dir.path(),
        &["batch", "scenario.toml", "--out", "out", "-q"],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let rows = csv_records(&dir.path().join("out/batch-summary/batch.csv"));
    assert_eq!(rows.len(), 1);
}

#[test]
fn the_workbook_holds_the_csv_figures_as_numbers() {
    let dir = copy_fixture();
    plan(dir.path(), &[]);
    let out = dir.path().join("out/scenario");
    let path = out.join("report.xlsx");
    let mut book: Xlsx<_> = open_workbook(&path).expect("report.xlsx opens");
    assert_eq!(
        book.sheet_names(),
        ["指标", "项目", "乡镇", "村社区", "求解证明"]
    );

    // Villages: one row per row of villages.csv, same ids, elderly and people served.
    let villages = csv_records(&out.join("villages.csv"));
    let sheet = book.worksheet_range("村社区").expect("sheet");
    let rows: Vec<&[Data]> = sheet.rows().collect();
    assert_eq!(text(&rows[0][0]), "编号");
    assert_eq!(text(&rows[0][4]), "老年人口");
    assert_eq!(rows.len(), 1 + villages.len());
    for (row, rec) in rows[1..].iter().zip(&villages) {
        assert_eq!(text(&row[0]), &rec[0]);
        assert_eq!(number(&row[4]), rec[4].parse::<f64>().expect("elderly"));
        assert_eq!(number(&row[8]), rec[8].parse::<f64>().expect("served"));
        let covered = if &rec[6] == "true" { "是" } else { "否" };
        assert_eq!(text(&row[6]), covered);
    }

    // Projects: the report's project table, with the same projects as proposals.csv in the
    // same order, coordinates and beds in columns of their own, the same total cost.
    let proposals = csv_records(&out.join("proposals.csv"));
    let sheet = book.worksheet_range("项目").expect("sheet");
    let all: Vec<&[Data]> = sheet.rows().collect();
    let header: Vec<String> = all[0].iter().map(text).collect();
    assert_eq!(
        header[..6],
        [
            "序号",
            "名称",
            "编号",
            "乡镇/街道",
            "经度 (WGS-84)",
            "纬度 (WGS-84)"
        ]
    );
    let rows: Vec<&[Data]> = all[1..]
        .iter()
        .copied()
        .filter(|r| matches!(r[0], Data::Float(_) | Data::Int(_)))
        .collect();
    assert_eq!(rows.len(), proposals.len());
    for (row, rec) in rows.iter().zip(&proposals) {
        assert_eq!(text(&row[2]), &rec[0], "id");
        assert!((number(&row[4]) - rec[4].parse::<f64>().expect("lon")).abs() < 1e-6);
        assert_eq!(number(&row[7]), rec[6].parse::<f64>().expect("new beds"));
        assert_eq!(number(&row[11]), rec[11].parse::<f64>().expect("year"));
    }
    let cost_csv: f64 = proposals
        .iter()
        .map(|r| r[10].parse::<f64>().expect("cost"))
        .sum();
    let cost_xlsx: f64 = rows.iter().map(|r| number(&r[12])).sum();
    assert!(
        (cost_csv - cost_xlsx).abs() < 1e-6,
        "{cost_csv} vs {cost_xlsx}"
    );
    // The total row under them holds the same sum.
    let total = all
        .iter()
        .find(|r| matches!(&r[1], Data::String(s) if s.starts_with("合计")))
        .expect("a total row");
    assert!((number(&total[12]) - cost_csv).abs() < 1e-6);

    // Townships: compound cells split into numbers; the total row sums the villages.
    let sheet = book.worksheet_range("乡镇").expect("sheet");
    let rows: Vec<&[Data]> = sheet.rows().collect();
    let header: Vec<String> = rows[0].iter().map(text).collect();
    let elderly_col = header.iter().position(|h| h == "老年人口").expect("column");
    assert!(header.iter().any(|h| h == "床位 规划后"), "{header:?}");
    let total = rows
        .iter()
        .find(|r| matches!(&r[0], Data::String(s) if s == "合计"))
        .expect("a total row");
    let elderly: f64 = villages
        .iter()
        .map(|r| r[4].parse::<f64>().expect("elderly"))
        .sum();
    assert_eq!(number(&total[elderly_col]), elderly);
    // The sheet's numbers are the values behind the report's text: each township's served
    // count and share, formatted as the report formats them, read as its Markdown cell.
    let md = fs::read_to_string(out.join("report.md")).expect("report.md");
    let served_col = header
        .iter()
        .position(|h| h == "覆盖 规划后")
        .expect("column");
    assert_eq!(header[served_col + 1], "覆盖 规划后 占比");
    let md_header: Vec<&str> = md
        .lines()
        .find(|l| l.starts_with("| 乡镇/街道 |"))
        .expect("township table")
        .split(" | ")
        .collect();
    let md_col = md_header
        .iter()
        .position(|h| *h == "覆盖 规划后")
        .expect("column");
    let grouped = |x: f64| {
        let digits = format!("{x:.0}");
        let mut out = String::new();
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i) % 3 == 0 {
                out.push(',');
            }
            out.push(c);
        }
        out
    };
    let mut checked = 0;
    for row in &rows[1..] {
        let Data::String(town) = &row[0] else {
            continue;
        };
        let Some(line) = md.lines().find(|l| l.starts_with(&format!("| {town} |"))) else {
            continue;
        };
        let cells: Vec<&str> = line.split(" | ").collect();
        let (n, share) = (number(&row[served_col]), number(&row[served_col + 1]));
        assert_eq!(
            cells[md_col],
            format!("{} ({:.1}%)", grouped(n), 100.0 * share),
            "{town}"
        );
        checked += 1;
    }
    assert_eq!(checked, 3, "every township");

    // Indicators: the planned coverage is the share summary.json reports.
    let summary: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(out.join("summary.json")).expect("summary"))
            .expect("JSON");
    let sheet = book.worksheet_range("指标").expect("sheet");
    let coverage = sheet
        .rows()
        .find(|r| matches!(&r[0], Data::String(s) if s.starts_with("日间照料服务覆盖率")))
        .expect("coverage row");
    let planned = summary["day_care"]["coverage"].as_f64().expect("coverage");
    assert!((number(&coverage[5]) - planned).abs() < 1e-6);
    assert_eq!(text(&coverage[6]), "是");

    // Header rows frozen, printed on every page; number formats as shown in the report.
    let mut zip = zip::ZipArchive::new(fs::File::open(&path).expect("open")).expect("zip");
    for i in 1..=4 {
        let mut xml = String::new();
        zip.by_name(&format!("xl/worksheets/sheet{i}.xml"))
            .expect("sheet xml")
            .read_to_string(&mut xml)
            .expect("read");
        assert!(
            xml.contains(r#"ySplit="1""#),
            "sheet {i} freezes its header"
        );
        assert!(xml.contains("<cols>"), "sheet {i} sets column widths");
        assert!(
            xml.contains("fitToWidth") || xml.contains("fitToPage"),
            "sheet {i}"
        );
        if i == 3 {
            // Header and three townships under the filter; the total row (5) stays out,
            // so sorting cannot move it.
            assert!(xml.contains(r#"<autoFilter ref="A1:L4"/>"#), "{xml}");
        }
    }
    let mut styles = String::new();
    zip.by_name("xl/styles.xml")
        .expect("styles")
        .read_to_string(&mut styles)
        .expect("read");
    assert!(
        styles.contains("0.0%") && styles.contains("#,##0"),
        "{styles}"
    );

    // Same plan, same bytes.
    let first = fs::read(&path).expect("xlsx");
    plan(dir.path(), &[]);
    assert_eq!(fs::read(&path).expect("xlsx"), first);
}

/// The rows of a sheet under its header, up to the first blank row (the notes follow it).
fn body_rows(range: &calamine::Range<Data>) -> (Vec<String>, Vec<&[Data]>) {
    let mut rows = range.rows();
    let header = rows.next().expect("a header").iter().map(text).collect();
    let body = rows
        .take_while(|r| !matches!(r.first(), Some(Data::Empty) | None))
        .collect();
    (header, body)
}

/// Regression: the workbook lacked the report's budget trade-off and solver certificate.
/// Both sheets hold the figures of `summary.json` as numbers.
#[test]
fn the_workbook_holds_the_trade_off_and_the_certificates() {
    let dir = copy_fixture();
    let scenario = dir.path().join("scenario.toml");
    let text_in = fs::read_to_string(&scenario).expect("scenario");
    // The 10 万元 run overruns (the rules cost more), the 300 万元 one does not.
    let text_in = text_in.replace(
        "[costs]",
        "[budget]\ntotal = 1000\nallow_overrun = true\nsweep = [10, 300]\n\n[costs]",
    );
    fs::write(&scenario, text_in).expect("write");
    plan(dir.path(), &[]);
    let out = dir.path().join("out/scenario");
    let summary: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(out.join("summary.json")).expect("summary"))
            .expect("JSON");
    let mut book: Xlsx<_> = open_workbook(out.join("report.xlsx")).expect("report.xlsx opens");
    assert_eq!(
        book.sheet_names(),
        ["指标", "项目", "乡镇", "村社区", "预算与目标", "求解证明"]
    );

    let sheet = book.worksheet_range("预算与目标").expect("sheet");
    let (header, rows) = body_rows(&sheet);
    assert_eq!(
        header,
        [
            "预算 (万元)",
            "投资 (万元)",
            "超支 (万元)",
            "覆盖率",
            "新建站点",
            "达标目标",
            "目标数",
            "未达标"
        ]
    );
    let runs = summary["tradeoff"].as_array().expect("tradeoff");
    assert_eq!(rows.len(), runs.len());
    assert_eq!(runs.len(), 2);
    let f = |v: &serde_json::Value| v.as_f64().expect("a number");
    for (row, run) in rows.iter().zip(runs) {
        assert_eq!(number(&row[0]), f(&run["budget_wan"]));
        assert!((number(&row[1]) - f(&run["spent_wan"])).abs() < 1e-3);
        assert!((number(&row[2]) - f(&run["overrun_wan"])).abs() < 1e-3);
        assert!((number(&row[3]) - f(&run["coverage"])).abs() < 1e-9);
        assert_eq!(number(&row[4]), f(&run["new_sites"]));
        let met = run["met"].as_array().expect("met").len() as f64;
        let missed = run["missed"].as_array().expect("missed").len() as f64;
        assert_eq!(number(&row[5]), met);
        assert_eq!(number(&row[6]), met + missed);
    }
    assert!(number(&rows[0][2]) > 0.0 && number(&rows[1][2]) == 0.0);

    let sheet = book.worksheet_range("求解证明").expect("sheet");
    let (header, rows) = body_rows(&sheet);
    assert_eq!(
        header,
        [
            "优化问题",
            "状态",
            "目标函数",
            "目标值",
            "已证明的界",
            "差距",
            "随机种子"
        ]
    );
    let dc = &summary["day_care"];
    let network = rows
        .iter()
        .find(|r| text(&r[0]) == "日间照料网络")
        .expect("the day-care row");
    let value = if dc["objective"] == "new_sites" {
        f(&dc["new_sites"])
    } else {
        f(&dc["covered_elderly"]).round()
    };
    assert_eq!(number(&network[3]), value, "{dc}");
    assert_eq!(number(&network[4]), f(&dc["bound"]).round());
    assert!((number(&network[5]) - f(&dc["gap"])).abs() < 1e-12);
    assert_eq!(text(&network[6]), summary["day_care"]["seed"].to_string());
    let beds = &summary["beds"];
    let bed_row = rows
        .iter()
        .find(|r| text(&r[0]) == "床位方案")
        .expect("the bed row");
    assert!((number(&bed_row[3]) - f(&beds["cost_wan"])).abs() < 1e-3);
    assert!((number(&bed_row[4]) - f(&beds["bound_wan"])).abs() < 1e-3);
    assert!((number(&bed_row[5]) - f(&beds["gap"])).abs() < 1e-12);
    let phasing = rows
        .iter()
        .find(|r| text(&r[0]).starts_with("日间照料分年建设（在已选站点内）"))
        .expect("the phasing row");
    let ph = &dc["phasing"];
    assert!((number(&phasing[3]) - f(&ph["committed_wan_years"])).abs() < 1e-3);
    assert!((number(&phasing[4]) - f(&ph["bound"])).abs() < 1e-3);
}
