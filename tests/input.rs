//! Every number means what the analyst meant: the strict number reader, full-width digits,
//! China's outline, swapped boundaries, one message for a region outside China, and Excel
//! workbooks that load exactly like the same data in CSV. Each case on a copy of the
//! six-village fixture, through the library loader (the messages are the ones `check` prints).

use std::fs;
use std::path::Path;

use rust_xlsxwriter::{Format, Workbook};

use yanglao::error::Diagnostics;
use yanglao::io::region::{LoadOptions, load_region_with_notes};
use yanglao::model::{Crs, Region};

mod common;

use common::copy_fixture;

fn edit(dir: &Path, file: &str, from: &str, to: &str) {
    let p = dir.join(file);
    let s = fs::read_to_string(&p).expect("fixture file");
    assert!(s.contains(from), "{from} is in {file}");
    fs::write(&p, s.replacen(from, to, 1)).expect("write");
}

fn load(dir: &Path) -> Result<(Region, Diagnostics), Diagnostics> {
    load_region_with_notes(dir, LoadOptions::default())
}

/// The problems of a broken copy, as `file:line:column: zh / en` without the folder.
fn problems(dir: &Path) -> Vec<String> {
    match load(dir) {
        Ok(_) => Vec::new(),
        Err(d) => {
            let prefix = format!("{}/", dir.display());
            d.0.iter()
                .map(|d| d.to_string().replace(&prefix, ""))
                .collect()
        }
    }
}

#[test]
fn every_malformed_thousands_group_is_a_located_error_showing_the_cell() {
    // Row 4 of villages.csv (六坝村) has elderly 310 in column 6.
    for cell in ["1,5", "100,80", "12,34", "1234,", ",1234", "1,2,3,4"] {
        let dir = copy_fixture();
        edit(
            dir.path(),
            "villages.csv",
            "38.5200,310,",
            &format!("38.5200,\"{cell}\","),
        );
        assert_eq!(
            problems(dir.path()),
            vec![format!(
                "villages.csv:4:6: 「elderly」中的逗号位置不对：「{cell}」；逗号只能作千位分隔（如 1,234 或 12,345,678），小数请用小数点（1.5），请改正这个单元格 / column \"elderly\": misplaced comma in \"{cell}\"; a comma may only separate thousands (1,234 or 12,345,678) and a decimal needs a point (1.5): fix the cell"
            )],
            "{cell}"
        );
    }
}

#[test]
fn well_formed_thousands_groups_are_read() {
    let dir = copy_fixture();
    edit(
        dir.path(),
        "villages.csv",
        "38.5200,310,",
        "38.5200,\"1,310\",",
    );
    edit(
        dir.path(),
        "facilities.csv",
        "38.4400,200,60,300",
        "38.4400,200,60,\"1,000\"",
    );
    let (region, notes) = load(dir.path()).expect("valid");
    assert_eq!(region.villages[2].elderly, 1310);
    assert_eq!(region.facilities[1].max_beds, Some(1000));
    assert!(notes.is_empty(), "{notes}");
}

#[test]
fn full_width_digits_are_read_with_one_note_per_column() {
    let dir = copy_fixture();
    edit(
        dir.path(),
        "villages.csv",
        "38.5200,310,",
        "38.5200,３１０,",
    );
    edit(
        dir.path(),
        "villages.csv",
        "38.5050,270,",
        "38.5050,２７０,",
    );
    edit(
        dir.path(),
        "villages.csv",
        "100.7000,38.3000",
        "１００．７０００,38.3000",
    );
    let (region, notes) = load(dir.path()).expect("valid");
    assert_eq!(region.villages[2].elderly, 310);
    assert_eq!(region.villages[3].elderly, 270);
    assert!((region.villages[4].pos.lon - 100.7).abs() < 1e-12);
    let prefix = format!("{}/", dir.path().display());
    let notes: Vec<String> = notes
        .0
        .iter()
        .map(|d| d.to_string().replace(&prefix, ""))
        .collect();
    assert_eq!(
        notes,
        [
            "villages.csv:4:6: 注意：「elderly」中的全角字符「３１０」按半角读作 310，本列另有 1 个这样的单元格 / note: full-width characters in column \"elderly\", \"３１０\", read as 310; 1 more such cell(s) in this column",
            "villages.csv:6:4: 注意：「lon」中的全角字符「１００．７０００」按半角读作 100.7 / note: full-width characters in column \"lon\", \"１００．７０００\", read as 100.7",
        ]
    );
}

#[test]
fn chinese_punctuation_in_a_number_is_named() {
    let dir = copy_fixture();
    edit(dir.path(), "villages.csv", "38.5200,310,", "38.5200,3。10,");
    assert_eq!(
        problems(dir.path()),
        [
            "villages.csv:4:6: 「elderly」中含有中文标点「。」：「3。10」；小数请用小数点「.」，一个单元格只能填一个数 / column \"elderly\": Chinese punctuation \"。\" in \"3。10\"; write decimals with a point \".\" and one number per cell"
        ]
    );
}

#[test]
fn an_id_excel_turned_into_scientific_notation_is_flagged() {
    let dir = copy_fixture();
    edit(dir.path(), "villages.csv", "620722101201,", "6.20722E+11,");
    assert_eq!(
        problems(dir.path()),
        [
            "villages.csv:4:1: 编号「6.20722E+11」是科学计数法：Excel 把长编号当成数字后丢失了末尾的数字；请把该列设为文本格式后重新填写编号 / id \"6.20722E+11\" is in scientific notation: Excel turned a long code into a number and lost its last digits; format the column as text and enter the ids again"
        ]
    );
}

/// Moves every position of the fixture by (dlon, dlat) degrees.
fn shift_all(dir: &Path, dlon: f64, dlat: f64) {
    for file in ["villages.csv", "facilities.csv", "candidates.csv"] {
        let p = dir.join(file);
        let s = fs::read_to_string(&p).expect("fixture");
        let mut lines = s.lines();
        let header = lines.next().expect("header");
        let cols: Vec<&str> = header.split(',').collect();
        let lon = cols.iter().position(|c| *c == "lon").expect("lon");
        let lat = cols.iter().position(|c| *c == "lat").expect("lat");
        let mut out = vec![header.to_owned()];
        for line in lines {
            let mut f: Vec<String> = line.split(',').map(str::to_owned).collect();
            let x: f64 = f[lon].parse().expect("lon");
            let y: f64 = f[lat].parse().expect("lat");
            f[lon] = format!("{:.4}", x + dlon);
            f[lat] = format!("{:.4}", y + dlat);
            out.push(f.join(","));
        }
        fs::write(&p, out.join("\n") + "\n").expect("write");
    }
}

#[test]
fn a_region_outside_china_gets_one_message_naming_china_bounds() {
    // The fixture moved to Osaka (inside the old 73–136 E, 3–54 N box): 15 positions.
    let dir = copy_fixture();
    shift_all(dir.path(), 135.50 - 100.81, 34.69 - 38.434);
    let p = problems(dir.path());
    assert_eq!(p.len(), 1, "{p:#?}");
    assert!(
        p[0].starts_with("villages.csv:2:4: 15 个坐标（共 15 个）不在中国境内")
            && p[0].contains("set china_bounds = false in the scenario"),
        "{}",
        p[0]
    );
    // With china_bounds = false the same data load.
    let opts = LoadOptions {
        crs: Crs::Wgs84,
        china_bounds: false,
    };
    assert!(load_region_with_notes(dir.path(), opts).is_ok());
}

#[test]
fn seoul_and_hanoi_inside_the_old_box_are_outside_china() {
    let dir = copy_fixture();
    edit(
        dir.path(),
        "villages.csv",
        "100.9500,38.5200",
        "126.9780,37.5665",
    );
    edit(
        dir.path(),
        "candidates.csv",
        "100.7150,38.2930",
        "105.8542,21.0285",
    );
    let p = problems(dir.path());
    assert_eq!(p.len(), 2, "{p:#?}");
    assert!(p[0].starts_with("candidates.csv:4:4: 坐标（105.8542, 21.0285）不在中国境内"));
    assert!(p[1].starts_with("villages.csv:4:4: 坐标（126.9780, 37.5665）不在中国境内"));
}

const BOUNDARY: &str = r#"{"type":"Feature","properties":{},"geometry":{"type":"Polygon","coordinates":[[[100.6,38.2],[101.1,38.2],[101.1,38.6],[100.6,38.6],[100.6,38.2]]]}}"#;

#[test]
fn a_boundary_written_as_lat_lon_is_reported() {
    let dir = copy_fixture();
    let swapped = r#"{"type":"Polygon","coordinates":[[[38.2,100.6],[38.2,101.1],[38.6,101.1],[38.6,100.6],[38.2,100.6]]]}"#;
    fs::write(dir.path().join("boundary.geojson"), swapped).expect("write");
    assert_eq!(
        problems(dir.path()),
        [
            "boundary.geojson:0:0: 不是有效的 GeoJSON 面：坐标 [38.2,100.6] 似乎写成了 [纬度, 经度]；GeoJSON 要求 [经度, 纬度] / not a valid GeoJSON polygon: position [38.2,100.6] looks written as [lat, lon]; GeoJSON needs [lon, lat]"
        ]
    );
    // Swapped but within ±90 both ways (a region at 60 E, 20 N, china_bounds off): detected
    // against the villages.
    let dir = copy_fixture();
    shift_all(dir.path(), -40.0, -18.0);
    let outline = r#"{"type":"Polygon","coordinates":[[[20.2,60.6],[20.2,61.1],[20.6,61.1],[20.6,60.6],[20.2,60.6]]]}"#;
    fs::write(dir.path().join("boundary.geojson"), outline).expect("write");
    let opts = LoadOptions {
        crs: Crs::Wgs84,
        china_bounds: false,
    };
    let d = load_region_with_notes(dir.path(), opts).expect_err("swapped");
    assert_eq!(d.len(), 1, "{d}");
    assert!(d.0[0].en.contains("look written as [lat, lon]"), "{d}");
}

#[test]
fn a_point_far_outside_the_regions_outline_gets_a_note() {
    let dir = copy_fixture();
    fs::write(dir.path().join("boundary.geojson"), BOUNDARY).expect("write");
    let (_, notes) = load(dir.path()).expect("valid");
    assert!(notes.is_empty(), "{notes}");
    // 何庄村 moved 0.5° east of the outline: 0.5 × cos 38.285° × 111.195 km = 43.6 km of the outline, still in China.
    edit(
        dir.path(),
        "villages.csv",
        "100.7300,38.2850",
        "101.6000,38.2850",
    );
    let (_, notes) = load(dir.path()).expect("a note, not an error");
    assert_eq!(notes.len(), 1, "{notes}");
    let n = &notes.0[0];
    assert_eq!((n.line, n.column), (7, 4));
    assert!(
        n.en.contains("\"620722102202\" lies about 44 km outside the region's outline"),
        "{}",
        n.en
    );
}

/// Writes `csv` (the fixture's text) as the first sheet of a workbook the way analysts keep
/// registers: a merged title row above the header, numbers as numbers except one stored as
/// text, ids of villages as numbers, and formatted empty rows below the data.
fn csv_to_workbook(csv: &str, path: &Path, text_ids: bool) {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("名单").expect("sheet name");
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().expect("header").split(',').collect();
    let last_col = (header.len() - 1) as u16;
    sheet
        .merge_range(
            0,
            0,
            0,
            last_col,
            "测试县 登记表（2020 年）",
            &Format::new(),
        )
        .expect("merge");
    for (c, h) in header.iter().enumerate() {
        sheet.write_string(1, c as u16, *h).expect("write");
    }
    for (r, line) in lines.enumerate() {
        let row = r as u32 + 2;
        for (c, cell) in line.split(',').enumerate() {
            let col = c as u16;
            let as_text = (text_ids && c == 0) || (r == 0 && header[c] == "elderly");
            match cell.parse::<f64>() {
                _ if cell.is_empty() => {}
                Ok(v) if !as_text => {
                    sheet.write_number(row, col, v).expect("write");
                }
                _ => {
                    sheet.write_string(row, col, cell).expect("write");
                }
            }
        }
    }
    let n = csv.lines().count() as u32;
    for row in n + 1..n + 6 {
        sheet
            .write_blank(row, 0, &Format::new().set_bold())
            .expect("blank");
    }
    book.save(path).expect("save workbook");
}

#[test]
fn workbooks_load_the_same_region_and_plan_as_csv() {
    let csv_dir = copy_fixture();
    let (from_csv, _) = load(csv_dir.path()).expect("valid CSV");
    let dir = copy_fixture();
    for stem in ["villages", "facilities", "candidates"] {
        let csv = dir.path().join(format!("{stem}.csv"));
        let text = fs::read_to_string(&csv).expect("fixture");
        csv_to_workbook(
            &text,
            &dir.path().join(format!("{stem}.xlsx")),
            stem != "villages",
        );
        fs::remove_file(csv).expect("remove the CSV");
    }
    let (from_xlsx, notes) = load(dir.path()).expect("valid workbooks");
    assert!(notes.is_empty(), "{notes}");
    assert_eq!(format!("{from_xlsx:?}"), format!("{from_csv:?}"));
    // And so the same plan.
    let plan = |d: &Path| {
        let p = yanglao::plan::run(&d.join("scenario.toml")).expect("plans");
        (
            format!("{:?}", p.day_care),
            format!("{:?}", p.beds),
            p.reach.pair_count(),
        )
    };
    assert_eq!(plan(dir.path()), plan(csv_dir.path()));
}

#[test]
fn workbook_problems_are_located_as_sheet_and_cell() {
    let dir = copy_fixture();
    let text = fs::read_to_string(dir.path().join("villages.csv")).expect("fixture");
    // 六坝村's elderly (sheet row 5: title, header, then the third village) as "1,5".
    let text = text.replacen("38.5200,310,", "38.5200,1;5,", 1);
    let text = text.replacen("620722102201,", "6.20722E+11,", 1);
    fs::remove_file(dir.path().join("villages.csv")).expect("remove");
    write_rows(&text, &dir.path().join("villages.xlsx"));
    let p = problems(dir.path());
    assert_eq!(
        p,
        [
            "villages.xlsx:名单!F5: 「elderly」中的逗号位置不对：「1,5」；逗号只能作千位分隔（如 1,234 或 12,345,678），小数请用小数点（1.5），请改正这个单元格 / column \"elderly\": misplaced comma in \"1,5\"; a comma may only separate thousands (1,234 or 12,345,678) and a decimal needs a point (1.5): fix the cell",
            "villages.xlsx:名单!A7: 编号「6.20722E+11」是科学计数法：Excel 把长编号当成数字后丢失了末尾的数字；请把该列设为文本格式后重新填写编号 / id \"6.20722E+11\" is in scientific notation: Excel turned a long code into a number and lost its last digits; format the column as text and enter the ids again",
        ]
    );
}

/// Writes CSV-like text (`;` inside a cell stands for a comma) as strings, under a title row.
fn write_rows(text: &str, path: &Path) {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("名单").expect("sheet name");
    sheet.write_string(0, 0, "登记表").expect("title");
    for (r, line) in text.lines().enumerate() {
        for (c, cell) in line.split(',').enumerate() {
            if !cell.is_empty() {
                sheet
                    .write_string(r as u32 + 1, c as u16, cell.replace(';', ","))
                    .expect("write");
            }
        }
    }
    book.save(path).expect("save");
}

#[test]
fn a_float_id_beyond_excels_precision_is_flagged_in_a_workbook() {
    let dir = copy_fixture();
    let text = fs::read_to_string(dir.path().join("villages.csv")).expect("fixture");
    fs::remove_file(dir.path().join("villages.csv")).expect("remove");
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    for (r, line) in text.lines().enumerate() {
        for (c, cell) in line.split(',').enumerate() {
            let (row, col) = (r as u32, c as u16);
            // An 18-digit id typed as a number: Excel keeps 15 digits.
            if r == 1 && c == 0 {
                sheet
                    .write_number(row, col, 620_722_100_001_000_123.0)
                    .expect("w");
            } else if !cell.is_empty() {
                sheet.write_string(row, col, cell).expect("w");
            }
        }
    }
    book.save(dir.path().join("villages.xlsx")).expect("save");
    let p = problems(dir.path());
    assert_eq!(p.len(), 1, "{p:#?}");
    assert!(
        p[0].starts_with("villages.xlsx:Sheet1!A2: 编号「6.207221000010001E17」是科学计数法"),
        "{}",
        p[0]
    );
}

#[test]
fn a_csv_and_a_workbook_for_one_table_are_an_error() {
    let dir = copy_fixture();
    let text = fs::read_to_string(dir.path().join("candidates.csv")).expect("fixture");
    write_rows(&text, &dir.path().join("candidates.xlsx"));
    assert_eq!(
        problems(dir.path()),
        [
            "candidates.csv:0:0: 同一张表有多个文件：candidates.csv 与 candidates.xlsx；请只保留一个 / more than one file for the same table: candidates.csv and candidates.xlsx; keep only one"
        ]
    );
}

#[test]
fn a_two_row_header_with_merged_cells_reads_like_the_csv() {
    let csv_dir = copy_fixture();
    let (from_csv, _) = load(csv_dir.path()).expect("valid CSV");
    let dir = copy_fixture();
    let text = fs::read_to_string(dir.path().join("villages.csv")).expect("fixture");
    fs::remove_file(dir.path().join("villages.csv")).expect("remove");
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    let f = Format::new();
    // 编号 | 名称 | 乡镇/街道 merged down over two rows; 坐标 over 经度 纬度, 人口 over
    // 老年人口 80岁以上 失能半失能, merged across.
    for (c, h) in ["编号", "名称", "乡镇/街道"].iter().enumerate() {
        sheet
            .merge_range(0, c as u16, 1, c as u16, h, &f)
            .expect("merge");
    }
    sheet.merge_range(0, 3, 0, 4, "坐标", &f).expect("merge");
    sheet.merge_range(0, 5, 0, 7, "人口", &f).expect("merge");
    for (c, h) in ["经度", "纬度", "老年人口", "80岁以上", "失能半失能"]
        .iter()
        .enumerate()
    {
        sheet.write_string(1, c as u16 + 3, *h).expect("write");
    }
    for (r, line) in text.lines().skip(1).enumerate() {
        for (c, cell) in line.split(',').enumerate() {
            let (row, col) = (r as u32 + 2, c as u16);
            match cell.parse::<f64>() {
                Ok(v) => sheet.write_number(row, col, v).expect("write"),
                Err(_) => sheet.write_string(row, col, cell).expect("write"),
            };
        }
    }
    book.save(dir.path().join("villages.xlsx")).expect("save");
    let (from_xlsx, _) = load(dir.path()).expect("valid workbook");
    assert_eq!(
        format!("{:?}", from_xlsx.villages),
        format!("{:?}", from_csv.villages)
    );
}

#[test]
fn nothing_covered_never_prints_negative_zero_percent() {
    // With a 0.01-minute limit no village is covered: the covered share is the sum of no
    // f64s, which is -0.0 in Rust, and used to print as "-0.0%".
    let dir = copy_fixture();
    edit(
        dir.path(),
        "scenario.toml",
        "minutes = 15",
        "minutes = 0.01",
    );
    edit(
        dir.path(),
        "scenario.toml",
        "coverage = 0.9",
        "# coverage = 0.9",
    );
    let run = common::yanglao(dir.path(), &["plan", "scenario.toml"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains("coverage 0.0% → 0.0%"),
        "{}",
        run.stdout
    );
    let out = dir.path().join("output/scenario");
    let mut checked = 0;
    for entry in fs::read_dir(&out).expect("outputs") {
        let p = entry.expect("entry").path();
        if let Ok(text) = fs::read_to_string(&p) {
            assert!(!text.contains("-0.0%"), "{} prints -0.0%", p.display());
            checked += 1;
        }
    }
    assert!(checked >= 5, "only {checked} text outputs");
}

#[test]
fn a_village_far_from_the_rest_of_its_township_gets_a_note() {
    let dir = copy_fixture();
    // 六坝镇 with four villages within 3 km of each other: no note.
    edit(
        dir.path(),
        "villages.csv",
        "620722101202,海潮坝村,六坝镇,100.9800,38.5050,270,35,9\n",
        "620722101202,海潮坝村,六坝镇,100.9800,38.5050,270,35,9\n620722101203,三村,六坝镇,100.9600,38.5100,100,10,2\n620722101204,四村,六坝镇,100.9700,38.5300,100,10,2\n",
    );
    let (_, notes) = load(dir.path()).expect("valid");
    assert!(notes.is_empty(), "{notes}");
    // 四村 typed 0.5° too far east: about 45 km from the township's centre.
    edit(
        dir.path(),
        "villages.csv",
        "100.9700,38.5300",
        "101.4700,38.5300",
    );
    let (_, notes) = load(dir.path()).expect("a note, not an error");
    assert_eq!(notes.len(), 1, "{notes}");
    let n = &notes.0[0];
    assert_eq!((n.line, n.column), (7, 4), "{n}");
    assert!(
        n.en.starts_with("note: \"620722101204\" 四村 lies about 4"),
        "{}",
        n.en
    );
    assert!(
        n.en.ends_with(
            "km from the centre of its township \"六坝镇\"; check its position or township"
        ),
        "{}",
        n.en
    );
}

/// An OpenDocument spreadsheet (what WPS and LibreOffice save as `.ods`) holding `csv`: the
/// smallest package calamine opens (mimetype, manifest, content), numbers as float cells.
fn csv_to_ods(csv: &str, path: &Path) {
    use std::io::Write;
    use zip::write::SimpleFileOptions;
    let esc = |s: &str| {
        s.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&quot;")
    };
    let mut rows = String::new();
    for line in csv.lines() {
        rows += "<table:table-row>";
        for cell in line.split(',') {
            match cell.parse::<f64>() {
                _ if cell.is_empty() => rows += "<table:table-cell/>",
                Ok(v) => {
                    rows += &format!(
                        "<table:table-cell office:value-type=\"float\" office:value=\"{v}\"><text:p>{v}</text:p></table:table-cell>"
                    )
                }
                Err(_) => {
                    rows += &format!(
                        "<table:table-cell office:value-type=\"string\"><text:p>{}</text:p></table:table-cell>",
                        esc(cell)
                    )
                }
            }
        }
        rows += "</table:table-row>";
    }
    let content = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body><office:spreadsheet><table:table table:name="村">{rows}</table:table></office:spreadsheet></office:body></office:document-content>"#
    );
    let manifest = r#"<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>"#;
    let file = fs::File::create(path).expect("create");
    let mut zip = zip::ZipWriter::new(file);
    let stored = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for (name, body) in [
        ("mimetype", "application/vnd.oasis.opendocument.spreadsheet"),
        ("META-INF/manifest.xml", manifest),
        ("content.xml", content.as_str()),
    ] {
        zip.start_file(name, stored).expect("entry");
        zip.write_all(body.as_bytes()).expect("write");
    }
    zip.finish().expect("finish");
}

#[test]
fn an_ods_workbook_loads_like_the_csv() {
    let csv_dir = copy_fixture();
    let (from_csv, _) = load(csv_dir.path()).expect("valid CSV");
    let dir = copy_fixture();
    let text = fs::read_to_string(dir.path().join("villages.csv")).expect("fixture");
    fs::remove_file(dir.path().join("villages.csv")).expect("remove");
    csv_to_ods(&text, &dir.path().join("villages.ods"));
    let (from_ods, _) = load(dir.path()).expect("valid workbook");
    assert_eq!(
        format!("{:?}", from_ods.villages),
        format!("{:?}", from_csv.villages)
    );
    // Its problems are located by sheet and cell too.
    let broken = text
        .replacen("38.5200,310,", "38.5200,12;34,", 1)
        .replace(';', "，");
    csv_to_ods(&broken, &dir.path().join("villages.ods"));
    let p = problems(dir.path());
    assert_eq!(p.len(), 1, "{p:#?}");
    assert!(
        p[0].starts_with("villages.ods:村!F4: 「elderly」中的逗号位置不对：「12，34」"),
        "{}",
        p[0]
    );
}

#[test]
fn a_township_name_in_two_counties_is_a_located_error() {
    // 海潮坝村 (row 5) moved to county 620723 by its code, its township name kept: two
    // 六坝镇 would be read as one, with the county rule counting across both.
    let dir = copy_fixture();
    edit(dir.path(), "villages.csv", "620722101202,", "620723101202,");
    assert_eq!(
        problems(dir.path()),
        vec![
            "villages.csv:5:3: 乡镇/街道「六坝镇」的村/社区属于两个县(市、区)（编号前 6 位 620722 与 620723）：同名乡镇会被当作一个；请在名称中区分，例如「六坝镇(620723)」 / township \"六坝镇\" holds villages of two counties (codes starting 620722 and 620723): same-named townships would be taken as one; give them distinct names, e.g. \"六坝镇(620723)\"".to_string()
        ]
    );
    // Named apart, both townships are read.
    edit(
        dir.path(),
        "villages.csv",
        "620723101202,海潮坝村,六坝镇",
        "620723101202,海潮坝村,六坝镇(620723)",
    );
    assert!(problems(dir.path()).is_empty());
}

#[test]
fn a_township_whose_villages_all_have_errors_is_not_reported_again_for_its_sites() {
    // Both villages of 新天镇 get a bad elderly cell: each is reported where it is, and the
    // station F05 and the candidates C03 and C04 of 新天镇 are not also told that their
    // township has no village.
    let dir = copy_fixture();
    edit(dir.path(), "villages.csv", "38.3000,190,", "38.3000,19O,");
    edit(dir.path(), "villages.csv", "38.2850,160,", "38.2850,16O,");
    let got = problems(dir.path());
    assert!(
        got.iter()
            .filter(|p| p.starts_with("villages.csv:"))
            .count()
            >= 2,
        "{got:#?}"
    );
    assert!(
        got.iter().all(|p| !p.contains("has no village")),
        "{got:#?}"
    );
    // A township no village row names is still reported.
    let dir = copy_fixture();
    edit(
        dir.path(),
        "candidates.csv",
        "C04,何庄村候选点,新天镇",
        "C04,何庄村候选点,永固镇",
    );
    let got = problems(dir.path());
    assert!(
        got.iter()
            .any(|p| p.contains("township \"永固镇\" has no village")),
        "{got:#?}"
    );
}
