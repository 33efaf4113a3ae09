//! `report.html`: one self-contained page that opens offline (no network reference of any
//! kind): the indicator table, the page maps (day-care coverage with its what-if, bed
//! access), which `map.js` draws with symbols of a fixed size at any zoom, switchable layers
//! and details on hover or click, the charts inline as SVG, the proposed projects, the
//! townships, other targets, the certificate and the shortfalls.

use serde_json::Value;

use super::table::{Cell, Table, Tone};
use super::tables::{
    certificate_table, decisions_table, indicator_table, other_targets_table, project_table,
    projects, scenario_line, shortfalls, township_table, townships, tradeoff_table,
};
use crate::map::{Drawings, Lang, PlanMap, Rendered, pct, thousands};
use crate::plan::Plan;

mod interactive;
pub use interactive::WHATIF_MAX_VILLAGES;

/// Escapes text for HTML content and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The inside of a plotters SVG document under a new opening tag: the original tag carries
/// an `xmlns` URL, which inline SVG in HTML does not need.
fn inline_svg(r: &Rendered, id: &str, label: &str) -> String {
    let body = r.svg.find('>').map_or(r.svg.as_str(), |i| &r.svg[i + 1..]);
    // The page embeds one font for all its text: the SVG's own copy is left out.
    let body = match body.trim_start().strip_prefix(crate::map::SVG_FONT_START) {
        Some(rest) => rest
            .find(crate::map::SVG_FONT_END)
            .map_or(body, |i| &rest[i + crate::map::SVG_FONT_END.len()..]),
        None => body,
    };
    let body = body.trim_end();
    let body = body.strip_suffix("</svg>").unwrap_or(body);
    format!(
        "<svg id=\"{id}\" class=\"figure\" viewBox=\"0 0 {w} {h}\" role=\"img\" aria-label=\"{label}\" preserveAspectRatio=\"xMidYMid meet\">{body}</svg>",
        w = r.size.0,
        h = r.size.1,
        label = escape(label),
    )
}

/// JSON for a `<script type="application/json">` block: `</` cannot end the script early.
fn script_json(v: &Value) -> String {
    v.to_string().replace("</", "<\\/")
}

fn table_html(t: &Table) -> String {
    let mut out = format!(
        "<div class=\"table-wrap\"><table id=\"{}\">\n<thead><tr>",
        t.id
    );
    let numeric: Vec<bool> = (0..t.header.len())
        .map(|c| {
            t.rows
                .iter()
                .find_map(|r| r.get(c).filter(|cell| cell.text != "—"))
                .is_some_and(|cell| cell.tone == Tone::Number)
        })
        .collect();
    for (h, num) in t.header.iter().zip(&numeric) {
        out += &format!(
            "<th{}>{}</th>",
            if *num { " class=\"num\"" } else { "" },
            escape(h)
        );
    }
    out += "</tr></thead>\n<tbody>\n";
    let write_row = |out: &mut String, row: &[Cell], class: &str| {
        *out += &format!("<tr{class}>");
        for (c, cell) in row.iter().enumerate() {
            let text = escape(&cell.text);
            *out += &match cell.tone {
                Tone::Good => {
                    format!("<td class=\"met\"><span class=\"badge good\">{text}</span></td>")
                }
                Tone::Bad => {
                    format!("<td class=\"met\"><span class=\"badge bad\">{text}</span></td>")
                }
                _ if numeric.get(c).copied().unwrap_or(false) => {
                    format!("<td class=\"num\">{text}</td>")
                }
                _ => format!("<td>{text}</td>"),
            };
        }
        *out += "</tr>\n";
    };
    for row in &t.rows {
        write_row(&mut out, row, "");
    }
    out += "</tbody>\n";
    if let Some(total) = &t.total {
        out += "<tfoot>\n";
        write_row(&mut out, total, " class=\"total\"");
        out += "</tfoot>\n";
    }
    out += "</table></div>\n";
    for n in &t.notes {
        out += &format!("<p class=\"note\">{}</p>\n", escape(n));
    }
    out
}

/// The interactive coverage map (see [`interactive`]) with its what-if panel (or why there
/// is none).
fn interactive_block(plan: &Plan, title: &str, lang: Lang) -> String {
    let data = interactive::map_json(plan, lang);
    map_box(&data, "map", title, lang) + &whatif_panel(&data, lang)
}

/// The interactive bed-accessibility map: the same page map, villages coloured by the beds
/// per 1000 elderly within their reach, the care institutions as sites, no what-if.
fn access_block(plan: &Plan, m: &PlanMap, title: &str, lang: Lang) -> String {
    map_box(
        &interactive::access_json(plan, m, lang),
        "access",
        title,
        lang,
    )
}

/// A page map: toolbar, layer switches (the village classes, then the site, area, boundary
/// and name layers the data has), the SVG `map.js` draws into and its data. Ids: the box
/// `wmap` for the coverage map (`id` = `map`), else `{id}-box`; the SVG `{id}-svg`, the
/// data `{id}-data`.
fn map_box(data: &Value, id: &str, title: &str, lang: Lang) -> String {
    let t = |k: &str| data["text"][k].as_str().unwrap_or_default().to_owned();
    let colors: Vec<&str> = data["colors"]
        .as_array()
        .map(|a| a.iter().map(|c| c.as_str().unwrap_or_default()).collect())
        .unwrap_or_default();
    let classes: Vec<String> = data["text"]["classes"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|c| c.as_str().unwrap_or_default().to_owned())
                .collect()
        })
        .unwrap_or_default();
    let mut layers = String::new();
    for (i, c) in classes.iter().enumerate() {
        let style = colors
            .get(i)
            .map(|c| format!(" style=\"background:{}\"", escape(c)))
            .unwrap_or_default();
        layers += &format!(
            "<label><input type=\"checkbox\" value=\"v{i}\" checked><span class=\"sw v{i}\"{style}></span>{}</label>",
            escape(c)
        );
    }
    // The coverage map has no `acc` (beds in reach) block.
    let coverage_map = data["acc"].is_null();
    let site_layers: &[(&str, &str)] = if coverage_map {
        &[
            ("sx", "existing"),
            ("sn", "new"),
            ("sc", "candidates"),
            ("ar", "areas"),
        ]
    } else {
        // The new-institution layer only where the plan builds one.
        let new = data["s"]
            .as_array()
            .is_some_and(|s| s.iter().any(|x| x[6] == 3));
        if new {
            &[("sx", "existing_inst"), ("sn", "new_inst")]
        } else {
            &[("sx", "existing_inst")]
        }
    };
    for &(v, key) in site_layers
        .iter()
        .chain(&[("bd", "boundary"), ("tw", "towns")])
    {
        layers += &format!(
            "<label><input type=\"checkbox\" value=\"{v}\" checked><span class=\"sw {v}\"></span>{}</label>",
            escape(&t(key))
        );
    }
    let box_id = if id == "map" {
        "wmap".to_owned()
    } else {
        format!("{id}-box")
    };
    format!(
        r#"<div class="map-box page-map" id="{box_id}">
<div class="toolbar"><button type="button" data-act="in" title="{zin}">+</button><button type="button" data-act="out" title="{zout}">−</button><button type="button" data-act="reset">{reset}</button><span class="hint">{hint}</span></div>
<div class="layers">{layers}</div>
<div class="map-view"><svg id="{id}-svg" class="figure wm" viewBox="0 0 {w} {h}" role="img" aria-label="{label}" preserveAspectRatio="xMidYMid meet"></svg><div class="tip" hidden></div></div>
<script type="application/json" class="map-data" id="{id}-data">{json}</script>
</div>
"#,
        zin = lang.pick("放大", "Zoom in"),
        zout = lang.pick("缩小", "Zoom out"),
        reset = lang.pick("复位", "Reset"),
        hint = escape(&t("hint")),
        w = data["w"],
        h = data["h"],
        label = escape(title),
        json = script_json(data),
    )
}

/// The what-if panel under the coverage map, or the reason there is none.
fn whatif_panel(data: &Value, lang: Lang) -> String {
    let t = |k: &str| data["text"][k].as_str().unwrap_or_default().to_owned();
    if data["whatif"].as_bool().unwrap_or(false) {
        format!(
            r#"<div class="whatif" id="whatif">
<p class="hint">{hint}</p>
<div class="cards">
<div class="card"><div class="k">{k_cov}</div><div class="v" id="wi-share"></div><div class="n">{k_el}: <span id="wi-covered" data-value=""></span> {people}</div></div>
<div class="card"><div class="k">{k_sites}</div><div class="v" id="wi-sites"></div></div>
<div class="card"><div class="k">{k_cost}</div><div class="v" id="wi-cost"></div></div>
</div>
<ul class="short" id="wi-rules"></ul>
<p class="note">{comp_note}</p>
<h3>{k_changes}</h3>
<ul class="short" id="wi-changes"></ul>
<p><button type="button" id="wi-reset">{reset}</button> <button type="button" id="wi-save">{save}</button></p>
<p class="note">{save_note}</p>
</div>
"#,
            hint = escape(&t("hint_whatif")),
            k_cov = escape(&t("coverage")),
            k_el = escape(&t("covered")),
            people = escape(lang.pick("人", "")),
            k_sites = escape(&t("sites")),
            k_cost = escape(&t("cost")),
            comp_note = escape(&t("comp_note")),
            k_changes = escape(&t("changes")),
            reset = escape(&t("reset")),
            save = escape(&t("save")),
            save_note = escape(&t("save_note")),
        )
    } else {
        format!(
            "<p class=\"note whatif-off\" id=\"whatif-off\">{}</p>\n",
            escape(data["why"].as_str().unwrap_or_default())
        )
    }
}

/// The page script of the interactive map.
const MAP_SCRIPT: &str = include_str!("map.js");

const STYLE: &str = r#"
:root{--ink:#262b33;--muted:#5f6670;--line:#d9dde3;--soft:#f4f6f8;--accent:#2b7bc4;--good:#1a7f45;--bad:#c0392b}
*{box-sizing:border-box}
body{margin:0;background:#eef1f4;color:var(--ink);font:15px/1.6 "yanglao-embedded","Microsoft YaHei","PingFang SC","Noto Sans CJK SC","WenQuanYi Micro Hei","Source Han Sans SC",sans-serif}
main{max-width:1360px;margin:0 auto;padding:28px 32px 48px;background:#fff;min-height:100vh}
header .kicker{margin:0;color:var(--accent);font-size:14px;font-weight:600;letter-spacing:.08em}
header h1{margin:2px 0 4px;font-size:28px;letter-spacing:.02em}
header .sub{color:var(--muted);margin:0}
nav{margin:18px 0 8px;display:flex;flex-wrap:wrap;gap:6px 14px;font-size:14px}
nav a{color:var(--accent);text-decoration:none}
h2{font-size:21px;margin:34px 0 12px;padding-bottom:6px;border-bottom:2px solid var(--line)}
h3{font-size:17px;margin:22px 0 8px}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(200px,1fr));gap:12px;margin:20px 0 6px}
.card{background:var(--soft);border:1px solid var(--line);border-radius:8px;padding:12px 16px}
.card .k{color:var(--muted);font-size:13px}
.card .v{font-size:24px;font-weight:600;margin-top:2px}
.card .v small{font-size:14px;color:var(--muted);font-weight:400}
.card .n{color:var(--muted);font-size:13px;min-height:1.2em}
.table-wrap{overflow-x:auto}
table{border-collapse:collapse;width:100%;font-size:14px;margin:4px 0}
th,td{border-bottom:1px solid var(--line);padding:7px 10px;text-align:left;vertical-align:top}
th{background:var(--soft);font-weight:600;white-space:nowrap}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
td.met{text-align:center}
tbody tr:nth-child(even){background:#fafbfc}
tfoot td{font-weight:600;border-top:2px solid var(--line)}
.badge{display:inline-block;min-width:2.6em;padding:1px 8px;border-radius:10px;font-size:13px;font-weight:600;text-align:center}
.badge.good{background:#e3f4ea;color:var(--good)}
.badge.bad{background:#fbe6e3;color:var(--bad)}
.note{color:var(--muted);font-size:13px;margin:6px 0}
.map-box{border:1px solid var(--line);border-radius:8px;overflow:hidden;margin:8px 0 4px}
.toolbar{display:flex;align-items:center;gap:6px;padding:6px 10px;background:var(--soft);border-bottom:1px solid var(--line)}
.toolbar button{min-width:34px;height:28px;border:1px solid #b9c0c8;border-radius:5px;background:#fff;font:inherit;cursor:pointer}
.toolbar button:hover{background:#e8eef5}
.toolbar .hint{margin-left:10px;color:var(--muted);font-size:13px}
.map-view{position:relative;background:#fff}
svg.figure{display:block;width:100%;height:auto}
.map-view svg{cursor:grab;touch-action:none}
.map-view svg.dragging{cursor:grabbing}
.tip{position:absolute;pointer-events:none;background:rgba(255,255,255,.97);border:1px solid #9aa3ad;border-radius:6px;padding:7px 10px;font-size:13px;line-height:1.5;box-shadow:0 2px 8px rgba(0,0,0,.15);max-width:320px;z-index:5}
.tip b{font-size:14px}
.tip hr{border:0;border-top:1px solid #d9dde3;margin:5px 0}
.tip .sw{display:inline-block;width:10px;height:10px;border-radius:50%;margin-right:5px;vertical-align:middle}
.chart{border:1px solid var(--line);border-radius:8px;padding:6px;margin:8px 0}
ul.short li{margin:4px 0}
.ok{color:var(--good)}
footer{margin-top:40px;color:var(--muted);font-size:13px;border-top:1px solid var(--line);padding-top:12px}
.layers{display:flex;flex-wrap:wrap;gap:2px 14px;padding:6px 10px;font-size:13px;border-bottom:1px solid var(--line)}
.layers label{cursor:pointer;white-space:nowrap}
.layers input{margin:0 4px 0 0;vertical-align:middle}
.sw{display:inline-block;width:10px;height:10px;border-radius:50%;margin-right:5px;vertical-align:middle;border:1px solid transparent}
.sw.v0,svg.wm .v0{background:#2ca25f;fill:#2ca25f}
.sw.v1,svg.wm .v1{background:#2b7bc4;fill:#2b7bc4}
.sw.v2,svg.wm .v2{background:#f48c1e;fill:#f48c1e}
.sw.v3,svg.wm .v3{background:#c4c4c4;fill:#c4c4c4}
.sw.sx{border:2px solid #54278f;border-radius:1px}
.sw.sn{border:2px solid #e31a1c}
.sw.sc{background:#fff;border-color:#888}
.sw.ar{background:#d9e8f5;border-color:#9ec4e0;border-radius:2px}
.sw.bd{background:#fbfbf9;border-color:#555;border-radius:2px}
.sw.tw{display:none}
svg.wm{background:#eeeeea;height:min(78vh,900px)}
svg.wm *{vector-effect:non-scaling-stroke}
svg.wm .bd path{fill:#fbfbf9;stroke:#555;stroke-width:1.2;fill-rule:evenodd}
svg.wm .ar *{fill:#d9e8f5;fill-opacity:.55;stroke:#9ec4e0;stroke-width:.8;pointer-events:none}
svg.wm .vil circle{stroke:#fff;stroke-width:.8}
svg.wm .sx{fill:none;stroke:#54278f;stroke-width:2}
svg.wm .sx.comp{stroke:#2a0f50;stroke-width:3}
svg.wm .sx.dropped{stroke:#8c8c8c;stroke-width:1.5;stroke-dasharray:3 2}
svg.wm .sn{fill:none;stroke:#e31a1c;stroke-width:3}
svg.wm .sn.comp{stroke:#a50f15;stroke-width:4}
svg.wm .sc{fill:#fff;fill-opacity:.7;stroke:#888;stroke-width:1}
svg.wm .tw text{fill:#333;stroke:#fff;paint-order:stroke;text-anchor:middle;pointer-events:none;font-weight:600}
svg.wm.hide-v0 .v0,svg.wm.hide-v1 .v1,svg.wm.hide-v2 .v2,svg.wm.hide-v3 .v3,svg.wm.hide-sx .sx,svg.wm.hide-sn .sn,svg.wm.hide-sc .sc,svg.wm.hide-ar .ar,svg.wm.hide-bd .bd,svg.wm.hide-tw .tw{display:none}
.whatif{border:1px solid var(--line);border-top:0;border-radius:0 0 8px 8px;padding:4px 14px 10px;margin:-4px 0 8px;background:#fcfcfd}
.whatif .hint{color:var(--accent);font-weight:600;margin:6px 0}
.whatif button{height:30px;padding:0 12px;border:1px solid #b9c0c8;border-radius:5px;background:#fff;font:inherit;cursor:pointer}
.whatif-off{border-left:3px solid var(--bad);padding-left:8px}
@media print{body{background:#fff}main{padding:0;max-width:none}.toolbar,nav,.layers,.whatif button{display:none}h2{break-after:avoid}table,.map-box,.chart{break-inside:avoid}}
"#;

fn chart_block(r: &Rendered, id: &str, title: &str) -> String {
    format!("<div class=\"chart\">{}</div>\n", inline_svg(r, id, title))
}

/// The key figures above the report: elderly, coverage, new sites, cost and, with a bed
/// plan, the nursing share, as cards (ids for the what-if mode, which updates them).
fn key_figures(plan: &Plan, lang: Lang) -> String {
    let s = &plan.scenario;
    let dc = &plan.day_care;
    let mut body = String::new();
    let total = dc.total_elderly.max(1.0);
    let cost: f64 = projects(plan).iter().map(|p| p.cost_wan).sum();
    let mut cards: Vec<(String, String, String)> = vec![
        (
            lang.pick(
                "老年人口 (60 岁以上, 全部村/社区)",
                "Elderly (60+, all villages)",
            )
            .to_owned(),
            format!(
                "{}<small> {}</small>",
                thousands(plan.region.total_elderly() as f64),
                lang.pick("人", "")
            ),
            format!(
                "{} {} · {} {}",
                thousands(plan.region.villages.len() as f64),
                lang.pick("个村/社区", "villages"),
                townships(plan).len(),
                lang.pick("个乡镇/街道", "townships"),
            ),
        ),
        (
            lang.pick("日间照料覆盖率", "Day-care coverage").to_owned(),
            format!("{} → {}", pct(dc.covered_before / total), pct(dc.coverage)),
            {
                let mut parts: Vec<String> = dc
                    .target
                    .iter()
                    .map(|t| format!("{} {}", lang.pick("目标", "target"), pct(*t)))
                    .collect();
                // The share counts the elderly in scope; say so where that is not everyone.
                if (dc.total_elderly - plan.region.total_elderly() as f64).abs() >= 0.5 {
                    parts.push(format!(
                        "{} {} {}",
                        lang.pick("按纳入口径的", "of"),
                        thousands(dc.total_elderly),
                        lang.pick("名老年人计", "elderly in scope")
                    ));
                }
                parts.join(" · ")
            },
        ),
        (
            lang.pick("新建日间照料/综合中心", "New day-care sites")
                .to_owned(),
            format!("{}<small> {}</small>", dc.new_sites, lang.pick("处", "")),
            format!(
                "{} {}",
                lang.pick("新增覆盖老年人", "elderly newly served"),
                thousands(dc.covered_elderly - dc.covered_before)
            ),
        ),
        (
            lang.pick("投资合计", "Total cost").to_owned(),
            format!(
                "{}<small> {}</small>",
                thousands(cost),
                lang.pick("万元", "× 10k yuan")
            ),
            s.budget
                .total_wan
                .map(|b| {
                    let over = plan.spending.overrun_wan;
                    format!(
                        "{} {} {}{}",
                        lang.pick("预算", "budget"),
                        thousands(b),
                        lang.pick("万元", ""),
                        if over > 0.0 {
                            format!(" · {} {}", lang.pick("超支", "over by"), thousands(over))
                        } else {
                            String::new()
                        }
                    )
                })
                .unwrap_or_else(|| {
                    // Only yearly limits: the years over theirs.
                    plan.spending
                        .overrun_per_year_wan
                        .iter()
                        .map(|(y, o)| {
                            format!("{y} {} {}", lang.pick("超支", "over by"), thousands(*o))
                        })
                        .collect::<Vec<_>>()
                        .join(" · ")
                }),
        ),
    ];
    if let Some(b) = &plan.beds
        && let Some(last) = b.years.last()
    {
        cards.push((
            lang.pick("护理型床位占比", "Nursing share").to_owned(),
            format!(
                "{} → {}",
                pct(b.baseline.nursing_share),
                pct(last.nursing_share)
            ),
            last.targets
                .nursing_share
                .map(|t| {
                    format!(
                        "{} {} {}",
                        last.year,
                        lang.pick("目标", "target"),
                        pct(t.value)
                    )
                })
                .unwrap_or_default(),
        ));
    }
    body += "<div class=\"cards\">";
    // Ids for the what-if mode of the map, which updates these figures.
    let ids = ["card-elderly", "card-coverage", "card-sites", "card-cost"];
    for (i, (k, v, note)) in cards.iter().enumerate() {
        let id = ids.get(i).copied().unwrap_or("card");
        let note_attr = if i == 2 {
            format!(
                " id=\"card-newly\" data-label=\"{}\"",
                escape(lang.pick("新增覆盖老年人", "elderly newly served"))
            )
        } else {
            String::new()
        };
        body += &format!(
            "<div class=\"card\"><div class=\"k\">{}</div><div class=\"v\" id=\"{id}\">{v}</div><div class=\"n\"{note_attr}>{}</div></div>",
            escape(k),
            escape(note)
        );
    }
    body += "</div>\n";
    body
}

/// The shortfalls section: a line that all is met, or the list of what is not.
fn shortfalls_html(plan: &Plan, lang: Lang) -> String {
    let mut body = String::new();
    let short = shortfalls(plan, lang);
    if short.is_empty() {
        body += &format!(
            "<p class=\"ok\">{}</p>\n",
            lang.pick("全部规则与目标均已满足。", "Every rule and target is met.")
        );
    } else {
        body += "<ul class=\"short\">\n";
        for s in short {
            body += &format!("<li>{}</li>\n", escape(&s));
        }
        body += "</ul>\n";
    }
    body
}

/// The page around the sections: head with the style, title, scenario line and source,
/// the section links, the footer and the scripts.
/// The page around `body`, with the subset of `font` its text needs embedded
/// ([`crate::map::font_face`]) in a first style sheet of its own.
fn page(plan: &Plan, lang: Lang, nav: &[String], body: &str, font: &crate::map::Font) -> String {
    let html = page_text(plan, lang, nav, body);
    match crate::map::font_face(font, &html) {
        Some(face) => html.replacen("<style>", &format!("<style>{face}</style>\n<style>"), 1),
        None => html,
    }
}

/// The page around `body`, without an embedded font.
fn page_text(plan: &Plan, lang: Lang, nav: &[String], body: &str) -> String {
    let s = &plan.scenario;
    let kicker = lang.pick("养老服务设施规划报告", "Elderly-care facility plan");
    let title = s.name.clone();
    let source = s
        .source
        .as_deref()
        .map(|src| {
            format!(
                "<p class=\"sub\">{}: {}</p>",
                lang.pick("依据", "Source"),
                escape(src)
            )
        })
        .unwrap_or_default();
    format!(
        r#"<!DOCTYPE html>
<html lang="{lang_code}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} · {kicker}</title>
<style>{STYLE}</style>
</head>
<body>
<main>
<header>
<p class="kicker">{kicker}</p>
<h1>{title}</h1>
<p class="sub">{line}</p>
{source}
</header>
<nav>{nav}</nav>
{body}
<footer>{footer}</footer>
</main>
<script>{MAP_SCRIPT}</script>
</body>
</html>
"#,
        lang_code = lang.code(),
        title = escape(&title),
        kicker = escape(kicker),
        line = escape(&scenario_line(plan, lang)),
        nav = nav.join(""),
        footer = escape(&format!(
            "yanglao {} · {} · {}: summary.json, villages.csv, sites.csv, proposals.csv, report.xlsx, *.geojson, map.png/svg",
            env!("CARGO_PKG_VERSION"),
            lang.pick("坐标系 WGS-84", "coordinates WGS-84"),
            lang.pick("同目录文件", "files alongside"),
        )),
    )
}

/// `report.html`.
pub fn report_html(plan: &Plan, lang: Lang, drawings: &Drawings) -> String {
    let mut body = String::new();
    let mut nav = Vec::new();
    let mut n = 0;
    let mut section = |body: &mut String, id: &str, title: &str| {
        n += 1;
        nav.push(format!("<a href=\"#sec-{id}\">{n}. {}</a>", escape(title)));
        *body += &format!("<h2 id=\"sec-{id}\">{n}. {}</h2>\n", escape(title));
    };

    body += &key_figures(plan, lang);

    section(&mut body, "indicators", lang.pick("指标", "Indicators"));
    body += &table_html(&indicator_table(plan, lang));

    let map_title = lang.pick("日间照料服务覆盖图", "Day-care coverage map");
    section(&mut body, "map", map_title);
    body += &interactive_block(plan, map_title, lang);

    if let Some(curve) = &drawings.curve {
        let t = lang.pick("覆盖曲线", "Coverage curve");
        section(&mut body, "curve", t);
        body += &format!(
            "<p class=\"note\">{}</p>\n",
            escape(lang.pick(
                "每增加一处新建站点可达到的最优覆盖率, 以及已证明的上界 (没有方案能超过它)",
                "Best coverage for each number of new sites, with the proven upper bound no plan can exceed",
            ))
        );
        body += &chart_block(curve, "curve-svg", t);
    }

    section(
        &mut body,
        "projects",
        lang.pick("规划项目", "Proposed projects"),
    );
    let pt = project_table(plan, lang);
    if pt.rows.is_empty() {
        body += &format!("<p>{}</p>\n", lang.pick("无新建项目。", "No new project."));
    } else {
        body += &table_html(&pt);
        body += &format!(
            "<p class=\"note\">{}</p>\n",
            lang.pick(
                "* 改造为护理型床位的现有床位数；† 转为公益性的民办床位数",
                "* existing beds converted to nursing beds; † private beds re-designated as public-interest beds"
            )
        );
    }

    section(&mut body, "townships", lang.pick("乡镇汇总", "Townships"));
    body += &table_html(&township_table(plan, lang));

    if plan.beds.is_some() {
        section(&mut body, "beds", lang.pick("养老床位", "Beds"));
        if let Some(beds) = &drawings.beds {
            body += &chart_block(
                beds,
                "beds-svg",
                lang.pick("各乡镇养老床位", "Beds per township"),
            );
        }
        if let Some(access) = &drawings.access {
            let t = lang.pick("养老床位可达性", "Bed accessibility");
            body += &format!("<h3>{}</h3>\n", escape(t));
            body += &access_block(plan, access, t, lang);
        }
    }

    if let Some(t) = other_targets_table(plan, lang) {
        section(
            &mut body,
            "other-targets",
            lang.pick(
                "其他目标 (已记录, 未建模)",
                "Other targets (recorded, not modelled)",
            ),
        );
        body += &table_html(&t);
    }

    if let Some(t) = tradeoff_table(plan, lang) {
        let title = lang.pick("预算与目标", "Budget and targets");
        section(&mut body, "tradeoff", title);
        if let Some(chart) = &drawings.tradeoff {
            body += &chart_block(chart, "tradeoff-svg", title);
        }
        body += &table_html(&t);
    }

    if let Some(t) = decisions_table(plan, lang) {
        section(
            &mut body,
            "decisions",
            lang.pick("决定的代价", "Price of the decisions"),
        );
        body += &table_html(&t);
    }

    section(
        &mut body,
        "certificate",
        lang.pick("求解证明", "Certificate"),
    );
    body += &table_html(&certificate_table(plan, lang));

    section(&mut body, "shortfalls", lang.pick("未达标项", "Shortfalls"));
    body += &shortfalls_html(plan, lang);

    page(plan, lang, &nav, &body, &drawings.font)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The test county's plan (`tests/fixtures/tiny`).
    pub(super) fn tiny_plan() -> Plan {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/tiny/scenario.toml");
        crate::plan::run(&path).expect("the fixture plans")
    }

    #[test]
    fn text_is_escaped() {
        assert_eq!(
            escape("<a href=\"x\">&'"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
        );
        let v = serde_json::json!({"name": "</script><script>alert(1)"});
        assert!(!script_json(&v).contains("</script>"));
    }

    #[test]
    fn a_plan_without_beds_has_no_bed_sections() {
        let mut plan = tiny_plan();
        plan.beds = None;
        plan.indicators = crate::plan::indicators::table(
            &plan.scenario,
            &plan.region,
            &plan.reach,
            &plan.day_care,
            None,
        );
        let opts = crate::map::Options::default();
        let drawings = crate::map::draw_all(&plan, &opts).expect("draws");
        assert!(drawings.access.is_none() && drawings.beds.is_none());
        assert!(drawings.curve.is_some());
        let html = report_html(&plan, Lang::Zh, &drawings);
        assert!(html.contains("<table id=\"indicators\""));
        assert!(!html.contains("access-svg") && !html.contains("beds-svg"));
        assert!(
            !html.contains("护理型床位占比</td>"),
            "no bed indicator rows"
        );
        let md = super::super::markdown::report_markdown(&plan, Lang::Zh, &[]);
        assert!(md.contains("床位指标尚未规划"));
        assert!(!md.contains("每千名老年人养老床位数"));
    }
}
