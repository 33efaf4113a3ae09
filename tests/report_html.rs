//! `report.html` rendered by headless Chromium: the indicator table and the map are in the
//! page; hovering a village, turning the wheel and switching layers work; symbols keep
//! their screen size at any zoom; and the what-if mode counts the same elderly as an
//! independent count from the output files and the plan's travel times, and saves its
//! decisions in the format `yanglao plan --decisions` reads. Ignored by default, so that
//! `cargo test` lists it as ignored where no Chromium may be installed (Debian:
//! `apt-get install chromium`; or set `CHROMIUM`); `.ci/run` installs Chromium and runs it
//! with `cargo test -- --ignored`, and then a missing browser fails it.

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{copy_fixture, csv_rows, yanglao};
use serde_json::Value;

fn chromium() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("CHROMIUM") {
        return Some(PathBuf::from(p));
    }
    let path = std::env::var_os("PATH")?;
    [
        "chromium",
        "chromium-browser",
        "google-chrome",
        "google-chrome-stable",
    ]
    .iter()
    .flat_map(|name| std::env::split_paths(&path).map(move |dir| dir.join(name)))
    .find(|p| p.is_file())
}

/// The DOM of `page` after its scripts ran, or `None` when Chromium fails or takes more than
/// two minutes.
fn dump_dom(chromium: &Path, page: &Path, profile: &Path) -> Option<String> {
    let mut child = Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--window-size=1400,2400",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg("--dump-dom")
        .arg(format!("file://{}", page.display()))
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .ok()?;
    // Read while waiting: the DOM is larger than a pipe's buffer.
    let mut stdout = child.stdout.take()?;
    let reader = std::thread::spawn(move || {
        let mut dom = String::new();
        std::io::Read::read_to_string(&mut stdout, &mut dom)
            .ok()
            .map(|_| dom)
    });
    let start = Instant::now();
    loop {
        if child.try_wait().ok()?.is_some() {
            break;
        }
        if start.elapsed() > Duration::from_secs(120) {
            let _ = child.kill();
            let _ = child.wait();
            return None;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    reader.join().ok()?
}

/// Renders `page` with `probe` (a script run once the page has loaded, which writes a JSON
/// value into `window.probeOut`) and returns that value. The probe page is written beside
/// `page`.
fn probe(chromium: &Path, page: &Path, script: &str) -> Value {
    let html = fs::read_to_string(page).expect("report.html");
    let wrapped = format!(
        "<script>window.addEventListener('load', function () {{ var out; try {{ out = (function () {{ {script} }})(); }} catch (e) {{ out = {{error: String(e)}}; }} var pre = document.createElement('pre'); pre.id = 'probe-out'; pre.textContent = JSON.stringify(out); document.body.appendChild(pre); }});</script></body>"
    );
    let probe_page = page.with_file_name("probe.html");
    fs::write(&probe_page, html.replace("</body>", &wrapped)).expect("write the probe page");
    let profile = tempfile::tempdir().expect("profile dir");
    let dom = dump_dom(chromium, &probe_page, profile.path())
        .unwrap_or_else(|| panic!("{} did not render the probe page", chromium.display()));
    let start = dom
        .find("<pre id=\"probe-out\">")
        .map(|i| i + "<pre id=\"probe-out\">".len())
        .expect("the probe ran");
    let end = dom[start..].find("</pre>").expect("closed") + start;
    let text = dom[start..end]
        .replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&");
    let v: Value = serde_json::from_str(&text).expect("probe output is JSON");
    assert!(v.get("error").is_none(), "probe failed: {v}");
    v
}

fn chromium_or_fail() -> PathBuf {
    chromium()
        .expect("no Chromium found (apt-get install chromium, or set CHROMIUM=/path/to/chrome)")
}

/// The fixture planned into a temporary folder: (folder, report path).
fn fixture_report() -> (tempfile::TempDir, PathBuf) {
    let dir = copy_fixture();
    let run = yanglao(dir.path(), &["plan", "scenario.toml", "--out", "out"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let report = dir.path().join("out/scenario/report.html");
    (dir, report)
}

#[test]
#[ignore = "needs Chromium (apt-get install chromium, or set CHROMIUM); run with --ignored"]
fn chromium_renders_the_report_with_its_table_and_map() {
    let chromium = chromium_or_fail();
    let (dir, report) = fixture_report();
    let profile = tempfile::tempdir().expect("profile dir");
    let Some(dom) = dump_dom(&chromium, &report, profile.path()) else {
        panic!("{} did not render report.html", chromium.display());
    };
    assert!(dom.contains("<table id=\"indicators\""), "indicator table");
    assert!(dom.contains("日间照料服务覆盖率"), "indicator rows");
    assert!(dom.contains("<svg id=\"map-svg\""), "map");
    assert!(
        dom.split("</text>")
            .any(|t| t.trim_end().ends_with(">洪水街道")),
        "township labels drawn into the map"
    );
    assert!(dom.contains("<table id=\"projects\""), "projects");

    // Hover the first village, turn the wheel over it, reset.
    let out = probe(
        &chromium,
        &report,
        r#"
        var svg = document.getElementById('map-svg');
        var c = svg.querySelector('[data-v="0"]'), b = c.getBoundingClientRect();
        var x = b.left + b.width / 2, y = b.top + b.height / 2;
        c.dispatchEvent(new PointerEvent('pointermove', {clientX: x, clientY: y, bubbles: true}));
        var tip = document.querySelector('#wmap .tip');
        var r = {tip: tip.hidden ? '' : tip.textContent};
        svg.dispatchEvent(new WheelEvent('wheel', {clientX: x, clientY: y, deltaY: -100, bubbles: true, cancelable: true}));
        r.zoomed = svg.getAttribute('viewBox');
        document.querySelector('#wmap button[data-act=reset]').click();
        r.reset = svg.getAttribute('viewBox');
        return r;
        "#,
    );
    let first = &csv_rows(&dir.path().join("villages.csv"))[0];
    let tip = out["tip"].as_str().unwrap_or_default();
    assert!(tip.contains(&first["name"]), "tooltip: {tip}");
    assert!(tip.contains(&first["elderly"]), "tooltip: {tip}");
    let (zoomed, reset) = (
        out["zoomed"].as_str().unwrap_or_default(),
        out["reset"].as_str().unwrap_or_default(),
    );
    assert!(zoomed != reset, "wheel zooms: {zoomed} vs {reset}");
    assert!(
        reset.starts_with("0 0 "),
        "reset shows the whole map: {reset}"
    );
}

#[test]
#[ignore = "needs Chromium (apt-get install chromium, or set CHROMIUM); run with --ignored"]
fn map_layers_switch_and_symbols_keep_their_size_when_zooming() {
    let chromium = chromium_or_fail();
    let (_dir, report) = fixture_report();
    let out = probe(
        &chromium,
        &report,
        r#"
        var svg = document.getElementById('map-svg');
        function shown(e) { return getComputedStyle(e).display !== 'none'; }
        function box(e) { var b = e.getBoundingClientRect(); return [b.left + b.width / 2, b.top + b.height / 2, b.width, b.height]; }
        var r = {layers: []};
        document.querySelectorAll('#wmap .layers input').forEach(function (input) {
          var sample = svg.querySelector('.' + input.value);
          if (!sample || input.value === 'tw') { return; }
          var before = shown(sample);
          input.click();
          var off = shown(sample);
          input.click();
          r.layers.push([input.value, before, off, shown(sample)]);
        });
        var v = svg.querySelector('[data-v="0"]'), s = svg.querySelector('.sx');
        var w = svg.querySelector('[data-v="1"]');
        r.before = [box(v), box(s), box(w), svg.getAttribute('viewBox')];
        for (var i = 0; i < 4; i++) {
          var b = box(v);
          svg.dispatchEvent(new WheelEvent('wheel', {clientX: b[0], clientY: b[1], deltaY: -100, bubbles: true, cancelable: true}));
        }
        r.after = [box(v), box(s), box(w), svg.getAttribute('viewBox')];
        return r;
        "#,
    );
    let layers = out["layers"].as_array().expect("layers");
    let names: Vec<&str> = layers.iter().filter_map(|l| l[0].as_str()).collect();
    for needed in ["sx", "sn", "ar", "bd"] {
        assert!(names.contains(&needed), "layer {needed} in {names:?}");
    }
    assert!(
        names.iter().any(|n| n.starts_with('v')),
        "village layers: {names:?}"
    );
    for l in layers {
        assert_eq!(
            (l[1].as_bool(), l[2].as_bool(), l[3].as_bool()),
            (Some(true), Some(false), Some(true)),
            "layer {} shows, hides when unticked and shows again: {l}",
            l[0]
        );
    }
    let num = |v: &Value, i: usize, j: usize| v[i][j].as_f64().expect("number");
    let (b, a) = (&out["before"], &out["after"]);
    let width = |vb: &Value| {
        vb.as_str()
            .and_then(|s| s.split(' ').nth(2))
            .and_then(|w| w.parse::<f64>().ok())
            .expect("viewBox")
    };
    assert!(
        width(&a[3]) < width(&b[3]) / 2.0,
        "the wheel zoomed in: {} → {}",
        b[3],
        a[3]
    );
    // Two villages drift apart on screen, and every symbol keeps its size.
    let apart = |x: &Value| {
        ((num(x, 0, 0) - num(x, 2, 0)).powi(2) + (num(x, 0, 1) - num(x, 2, 1)).powi(2)).sqrt()
    };
    assert!(apart(a) > 2.0 * apart(b), "the map zoomed: {b} → {a}");
    for sym in 0..2 {
        for dim in 2..4 {
            let (x, y) = (num(b, sym, dim), num(a, sym, dim));
            assert!(
                x > 1.0 && (x - y).abs() < 0.5,
                "symbol {sym} size {x} → {y}"
            );
        }
    }
}
