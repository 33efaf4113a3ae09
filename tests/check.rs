//! `yanglao check` driven through the real binary on the six-village fixture in
//! `tests/fixtures/tiny`, and on copies of it broken in one way each. Every bad input has its
//! exact message checked; none may make the binary panic.

use std::fs;
use std::path::Path;

mod common;

use common::{copy_fixture, golden, yanglao};

fn edit(dir: &Path, file: &str, f: impl FnOnce(String) -> String) {
    let p = dir.join(file);
    let s = fs::read_to_string(&p).expect("fixture file");
    fs::write(&p, f(s)).expect("write");
}

/// Checks the broken copy and returns its problem lines (without the closing count line).
fn problems(dir: &Path) -> Vec<String> {
    let run = yanglao(dir, &["check", "scenario.toml"]);
    assert_eq!(
        run.code, 2,
        "bad input exits with 2; stderr: {}",
        run.stderr
    );
    assert!(run.stdout.is_empty(), "no baseline for bad input");
    let lines: Vec<String> = run.stderr.lines().map(str::to_owned).collect();
    let (last, body) = lines.split_last().expect("a summary line");
    assert_eq!(
        *last,
        format!(
            "scenario.toml: {} 处问题 / {} problem(s)",
            body.len(),
            body.len()
        )
    );
    body.to_vec()
}

/// Breaks the fixture with `f` and expects exactly the one problem `expected`.
fn expect_one(f: impl FnOnce(&Path), expected: &str) {
    let dir = copy_fixture();
    f(dir.path());
    assert_eq!(problems(dir.path()), vec![expected.to_owned()]);
}

fn replace(file: &'static str, from: &'static str, to: &'static str) -> impl FnOnce(&Path) {
    move |d| {
        edit(d, file, |s| {
            assert!(s.contains(from), "{from} is in {file}");
            s.replacen(from, to, 1)
        })
    }
}

#[test]
fn good_fixture_prints_the_golden_baseline() {
    let dir = copy_fixture();
    let run = yanglao(dir.path(), &["check", "scenario.toml"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    golden("check_tiny.txt", &run.stdout);
}

#[test]
fn excel_files_read_the_same_gbk_bom_crlf_chinese_headers_any_order() {
    let plain_dir = copy_fixture();
    let plain = yanglao(plain_dir.path(), &["check", "scenario.toml"]).stdout;
    let dir = copy_fixture();
    // villages.csv as Excel saves it in China: GBK, CRLF, Chinese headers, columns reordered,
    // an extra column, no kind column (derived from the 12-digit codes).
    let src = fs::read_to_string(dir.path().join("villages.csv")).expect("fixture");
    let mut rows =
        vec!["备注,名称,编号,乡镇/街道,纬度,经度,老年人口（人）,80岁以上,失能半失能".to_owned()];
    for line in src.lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        rows.push(format!(
            "x,{},{},{},{},{},{},{},{}",
            f[1], f[0], f[2], f[4], f[3], f[5], f[6], f[7]
        ));
    }
    let text = rows.join("\r\n") + "\r\n";
    let (gbk, _, _) = encoding_rs::GBK.encode(&text);
    fs::write(dir.path().join("villages.csv"), gbk).expect("write");
    // facilities.csv with a UTF-8 byte-order mark and CRLF.
    edit(dir.path(), "facilities.csv", |s| {
        format!("\u{feff}{}", s.replace('\n', "\r\n"))
    });
    let run = yanglao(dir.path(), &["check", "scenario.toml"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout, plain);
}

#[test]
fn crlf_keeps_line_numbers_right() {
    // Line 4 of facilities.csv is F03; with CRLF the csv crate alone would say line 3.
    expect_one(
        |d| {
            edit(d, "facilities.csv", |s| {
                s.replace("80,0,120", "80,90,120").replace('\n', "\r\n")
            })
        },
        "./facilities.csv:4:8: 护理型床位 (90) 多于床位 (80) / nursing_beds (90) exceed beds (80)",
    );
}

#[test]
fn missing_required_column() {
    expect_one(
        |d| edit(d, "villages.csv", |s| s.replace(",elderly,", ",old,")),
        "./villages.csv:1:0: 缺少必需的列「elderly」（也可写作：老年人口、老年人数、60岁以上、60岁以上老年人口、老人） / missing required column \"elderly\" (also accepted: 老年人口, 老年人数, 60岁以上, 60岁以上老年人口, 老人)",
    );
}

#[test]
fn non_numeric_number() {
    expect_one(
        replace("villages.csv", "38.5200,310", "38.5200,三百一十"),
        "./villages.csv:4:6: 「elderly」不是数字：「三百一十」 / column \"elderly\" is not a number: \"三百一十\"",
    );
}

#[test]
fn empty_cell_in_a_required_column() {
    expect_one(
        replace("villages.csv", "620722102201,新天村,", "620722102201,,"),
        "./villages.csv:6:2: 必填列「name」为空 / empty cell in required column \"name\"",
    );
}

#[test]
fn lon_lat_swapped() {
    expect_one(
        replace("villages.csv", "100.7000,38.3000", "38.3000,100.7000"),
        "./villages.csv:6:4: 经度 38.3000、纬度 100.7000 似乎填反了 / lon 38.3000 and lat 100.7000 look swapped",
    );
}

#[test]
fn position_outside_china() {
    expect_one(
        replace("candidates.csv", "100.7150,38.2930", "139.7150,35.6930"),
        "./candidates.csv:4:4: 坐标（139.7150, 35.6930）不在中国境内（距中国轮廓超过 5 千米）；若本区域确在境外，请在情景文件中设置 china_bounds = false / position (139.7150, 35.6930) is outside China (over 5 km from its outline); if the region is outside China, set china_bounds = false in the scenario",
    );
}

#[test]
fn negative_count() {
    expect_one(
        replace("facilities.csv", "38.5180,80,0", "38.5180,-80,0"),
        "./facilities.csv:4:7: 「beds」不能为负数：-80 / column \"beds\" must not be negative: -80",
    );
}

#[test]
fn nursing_beds_exceed_beds() {
    expect_one(
        replace("facilities.csv", "200,60,300", "200,260,300"),
        "./facilities.csv:3:8: 护理型床位 (260) 多于床位 (200) / nursing_beds (260) exceed beds (200)",
    );
}

#[test]
fn duplicate_id_within_a_file() {
    expect_one(
        replace("villages.csv", "620722102202,何庄村", "620722102201,何庄村"),
        "./villages.csv:7:1: 编号「620722102201」重复，第 6 行已使用 / duplicate id \"620722102201\", first used on line 6",
    );
}

#[test]
fn duplicate_id_across_villages_and_facilities() {
    expect_one(
        replace("facilities.csv", "F05,", "620722101201,"),
        "./facilities.csv:6:1: 编号「620722101201」已在 villages.csv 第 4 行使用 / id \"620722101201\" is already used in villages.csv line 4",
    );
}

#[test]
fn unknown_facility_type() {
    expect_one(
        replace("facilities.csv", ",station,", ",hospital,"),
        "./facilities.csv:6:3: 未知的设施类型「hospital」（应为 day_care 日间照料中心、station 养老服务站、comprehensive 综合养老服务中心 或 institution 养老机构） / unknown facility type \"hospital\" (expected day_care, station, comprehensive or institution)",
    );
}

#[test]
fn township_no_village_has() {
    expect_one(
        replace("facilities.csv", "station,新天镇", "station,永固镇"),
        "./facilities.csv:6:4: 乡镇/街道「永固镇」在 villages.csv 中没有任何村/社区 / township \"永固镇\" has no village in villages.csv",
    );
}

#[test]
fn empty_file() {
    expect_one(
        |d| fs::write(d.join("candidates.csv"), "").expect("write"),
        "./candidates.csv:1:1: 文件为空，缺少表头 / the file is empty: no header row",
    );
}

#[test]
fn header_only() {
    expect_one(
        |d| {
            edit(d, "villages.csv", |s| {
                s.lines().next().expect("header").to_owned() + "\n"
            })
        },
        "./villages.csv:2:1: 只有表头，没有数据行 / the file has a header but no data rows",
    );
}

#[test]
fn facilities_and_candidates_may_be_header_only() {
    let dir = copy_fixture();
    for file in ["facilities.csv", "candidates.csv"] {
        edit(dir.path(), file, |s| {
            s.lines().next().expect("header").to_owned() + "\n"
        });
    }
    let run = yanglao(dir.path(), &["check", "scenario.toml"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains("candidate sites                  0"),
        "{}",
        run.stdout
    );
}

#[test]
fn semicolon_delimiter() {
    expect_one(
        |d| edit(d, "candidates.csv", |s| s.replace(',', ";")),
        "./candidates.csv:1:1: 列之间用的是分号而不是逗号；请另存为逗号分隔的 CSV / columns are separated by semicolons, not commas; save the file as comma-separated CSV",
    );
}

#[test]
fn tab_delimiter() {
    expect_one(
        |d| edit(d, "candidates.csv", |s| s.replace(',', "\t")),
        "./candidates.csv:1:1: 列之间用的是制表符而不是逗号；请另存为逗号分隔的 CSV / columns are separated by tabs, not commas; save the file as comma-separated CSV",
    );
}

#[test]
fn invalid_gbk_bytes() {
    expect_one(
        |d| {
            let text = fs::read_to_string(d.join("candidates.csv")).expect("fixture");
            let mut bytes = encoding_rs::GBK.encode(&text).0.into_owned();
            // Line 3 starts "C02,"; put a byte GB18030 never uses (0xFF) after "C0".
            let line3 = bytes
                .windows(4)
                .position(|w| w == b"C02,")
                .expect("C02 is in the file");
            bytes[line3 + 2] = 0xFF;
            fs::write(d.join("candidates.csv"), &bytes).expect("write");
        },
        "./candidates.csv:3:3: 既不是 UTF-8 也不是 GBK 编码，含有无效字节；请另存为 UTF-8 或 GBK 的 CSV / invalid bytes: the file is neither UTF-8 nor GBK; save it as CSV in UTF-8 or GBK",
    );
}

#[test]
fn scenario_pointing_at_a_missing_folder() {
    expect_one(
        replace(
            "scenario.toml",
            "data = \".\"",
            "data = \"../no-such-folder\"",
        ),
        "scenario.toml:3:8: 「data」数据文件夹不存在：../no-such-folder / \"data\": data folder does not exist: ../no-such-folder",
    );
}

#[test]
fn unknown_scenario_key() {
    expect_one(
        replace("scenario.toml", "coverage = 0.9", "coverag = 0.9"),
        "scenario.toml:16:1: 未知的键「day_care.coverag」（是否想写「coverage」？） / unknown key \"day_care.coverag\" (did you mean \"coverage\"?)",
    );
}

#[test]
fn target_share_outside_0_1() {
    expect_one(
        replace(
            "scenario.toml",
            "nursing_share = 0.55",
            "nursing_share = 55",
        ),
        "scenario.toml:27:26: 「beds.targets.2025.nursing_share」应在 0 到 1 之间：55 / \"beds.targets.2025.nursing_share\" must be between 0 and 1: 55",
    );
}

#[test]
fn every_problem_is_reported_at_once_in_file_order() {
    let dir = copy_fixture();
    let d = dir.path();
    replace("villages.csv", "38.5200,310", "38.5200,abc")(d);
    replace("villages.csv", "620722102202,何庄村", "620722102201,何庄村")(d);
    replace("facilities.csv", ",station,", ",hospital,")(d);
    replace("candidates.csv", "both,100,", "both,many,")(d);
    let got = problems(d);
    let places: Vec<&str> = got
        .iter()
        .map(|l| l.split(": ").next().expect("located"))
        .collect();
    assert_eq!(
        places,
        vec![
            "./candidates.csv:3:7",
            "./facilities.csv:6:3",
            "./villages.csv:4:6",
            "./villages.csv:7:1",
        ]
    );
}

#[test]
fn several_scenarios_are_all_checked() {
    let good = copy_fixture();
    let bad = copy_fixture();
    replace("villages.csv", "38.5200,310", "38.5200,-310")(bad.path());
    let root = good.path().parent().expect("temp root");
    let good_s = good.path().join("scenario.toml");
    let bad_s = bad.path().join("scenario.toml");
    let run = yanglao(
        root,
        &[
            "check",
            good_s.to_str().expect("utf-8"),
            bad_s.to_str().expect("utf-8"),
        ],
    );
    assert_eq!(run.code, 2);
    assert!(
        run.stdout.contains("测试县"),
        "the good one still gets its baseline"
    );
    assert!(
        run.stderr.contains("must not be negative: -310"),
        "{}",
        run.stderr
    );
}

#[test]
fn kind_must_be_known_when_ids_are_not_codes() {
    expect_one(
        replace("villages.csv", "620722100001,", "V1,"),
        "./villages.csv:2:1: 缺少城乡类型：编号「V1」不是 12 位统计用区划代码，请填写 kind 列 / no kind: id \"V1\" is not a 12-digit statistical code, so fill in the kind column",
    );
}

#[test]
fn township_kinds_override_the_code_and_unknown_names_are_located() {
    // 新天镇 declared another unit (say a farm that calls itself a town): 2 乡镇（街道）, 1 other.
    let dir = copy_fixture();
    edit(dir.path(), "scenario.toml", |s| {
        s.replace(
            "curve = true",
            "curve = true\n\n[day_care.township_kinds]\n\"新天镇\" = \"other\"",
        )
    });
    let run = yanglao(dir.path(), &["check", "scenario.toml", "--json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let v: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON");
    assert_eq!(v[0]["baseline"]["townships"], 2);
    assert_eq!(v[0]["baseline"]["other_units"], 1);
    // A name no village uses, and a kind nobody knows.
    let dir = copy_fixture();
    edit(dir.path(), "scenario.toml", |s| {
        s.replace(
            "curve = true",
            "curve = true\n\n[day_care.township_kinds]\n\"新天乡\" = \"other\"",
        )
    });
    let lines = problems(dir.path());
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert!(lines[0].contains("新天乡"), "{lines:?}");
    let dir = copy_fixture();
    edit(dir.path(), "scenario.toml", |s| {
        s.replace(
            "curve = true",
            "curve = true\n\n[day_care.township_kinds]\n\"新天镇\" = \"village\"",
        )
    });
    let lines = problems(dir.path());
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert!(lines[0].contains("village"), "{lines:?}");
}

/// With a road file, `check` says what the network looks like to the scenario: its pieces,
/// the villages too far from any road to enter it and the longest walks onto it, by id.
#[test]
fn check_reports_the_road_network_by_id() {
    let dir = copy_fixture();
    // A street through the two town communities and, 5 km away, a stub nobody lives near.
    fs::write(
        dir.path().join("roads.csv"),
        "from_lon,from_lat,to_lon,to_lat\n\
         100.8100,38.4330,100.8160,38.4330\n\
         100.8160,38.4330,100.8160,38.4420\n\
         100.8700,38.4000,100.8710,38.4000\n",
    )
    .expect("write roads.csv");
    edit(dir.path(), "scenario.toml", |s| {
        s.replacen("[travel]\n", "[travel]\nroads = \"roads.csv\"\n", 1)
    });
    let run = yanglao(dir.path(), &["check", "scenario.toml"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let out = &run.stdout;
    assert!(
        out.contains("road network: 5 nodes, 6 edges, 2 pieces, the main one 3 nodes"),
        "{out}"
    );
    // The four rural villages are kilometres from the street.
    assert!(
        out.contains("4 villages farther than 1000 m from any usable road"),
        "{out}"
    );
    for id in [
        "620722101201",
        "620722101202",
        "620722102201",
        "620722102202",
    ] {
        assert!(out.contains(id), "{id} located: {out}");
    }
    // 南街社区 stands 111 m north of the street's west end; 北街社区 on its east end.
    assert!(out.contains("620722100001 南街社区 111 m"), "{out}");

    let run = yanglao(dir.path(), &["check", "--json", "scenario.toml"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON");
    let net = &json[0]["network"];
    assert_eq!(net["pieces"], 2);
    assert_eq!(
        net["villages_beyond_snap_limit"],
        serde_json::json!([
            "620722101201",
            "620722101202",
            "620722102201",
            "620722102202"
        ])
    );
    assert_eq!(net["longest_snap_legs_m"][0]["village"], "620722100001");
}

#[test]
fn coverage_today_names_the_population_it_counts() {
    // Urban scope: the share counts the urban communities' elderly (南街 820 + 北街 640).
    let dir = copy_fixture();
    edit(dir.path(), "scenario.toml", |s| {
        s.replace("[day_care]\n", "[day_care]\nscope = \"urban\"\n")
    });
    let run = yanglao(dir.path(), &["check", "scenario.toml"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let line = run
        .stdout
        .lines()
        .find(|l| l.contains("day-care coverage today"))
        .expect("coverage line");
    assert!(line.contains("/ 1460 名城镇社区老年人"), "{line}");
    assert!(
        run.stdout.contains("2390  老年人口"),
        "the total keeps its own label"
    );
}
