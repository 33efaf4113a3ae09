//! `report.html` rendered by headless Chromium: the indicator table and the map are in the
//! page, and hovering a village and turning the wheel work. Ignored by default, so that
//! `cargo test` lists it as ignored where no Chromium may be installed (Debian:
//! `apt-get install chromium`; or set `CHROMIUM`); `.ci/run` installs Chromium and runs it
//! with `cargo test -- --ignored`, and then a missing browser fails it.

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{copy_fixture, yanglao};

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

/// Added to a copy of the report: once loaded, hovers the first village of the map, turns
/// the wheel over it, then resets, and records what happened on `<body>`.
const PROBE: &str = r#"<script>
window.addEventListener('load', function () {
  var svg = document.getElementById('map-svg');
  var data = JSON.parse(document.getElementById('map-data').textContent);
  var v = data.villages[0], m = svg.getScreenCTM();
  var x = m.a * v[0] + m.e, y = m.d * v[1] + m.f;
  svg.dispatchEvent(new PointerEvent('pointermove', {clientX: x, clientY: y, bubbles: true}));
  var tip = document.querySelector('.map-box .tip');
  document.body.setAttribute('data-tip', tip.hidden ? 'hidden' : tip.textContent);
  svg.dispatchEvent(new WheelEvent('wheel', {clientX: x, clientY: y, deltaY: -100, bubbles: true, cancelable: true}));
  document.body.setAttribute('data-zoomed', svg.getAttribute('viewBox'));
  document.querySelector('.map-box button[data-act=reset]').click();
  document.body.setAttribute('data-reset', svg.getAttribute('viewBox'));
});
</script></body>"#;

fn attr<'a>(dom: &'a str, name: &str) -> &'a str {
    let start = dom.find(&format!("{name}=\"")).map(|i| i + name.len() + 2);
    start
        .and_then(|s| dom[s..].find('"').map(|e| &dom[s..s + e]))
        .unwrap_or("")
}

#[test]
#[ignore = "needs Chromium (apt-get install chromium, or set CHROMIUM); run with --ignored"]
fn chromium_renders_the_report_with_its_table_and_map() {
    let chromium = chromium()
        .expect("no Chromium found (apt-get install chromium, or set CHROMIUM=/path/to/chrome)");
    let dir = copy_fixture();
    let run = yanglao(dir.path(), &["plan", "scenario.toml", "--out", "out"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let report = dir.path().join("out/scenario/report.html");
    let html = fs::read_to_string(&report).expect("report.html");
    let probe = dir.path().join("probe.html");
    fs::write(&probe, html.replace("</body>", PROBE)).expect("write the probe page");
    let profile = tempfile::tempdir().expect("profile dir");

    let Some(dom) = dump_dom(&chromium, &report, profile.path()) else {
        panic!("{} did not render report.html", chromium.display());
    };
    assert!(dom.contains("<table id=\"indicators\""), "indicator table");
    assert!(dom.contains("日间照料服务覆盖率"), "indicator rows");
    assert!(dom.contains("<svg id=\"map-svg\""), "map");
    assert!(
        dom.split("</text>")
            .any(|t| t.trim_end().ends_with(">洪水街道") || t.trim_end().ends_with("\n洪水街道")),
        "township labels in the map"
    );
    assert!(dom.contains("<table id=\"projects\""), "projects");

    let dom = dump_dom(&chromium, &probe, profile.path()).expect("the probe page renders");
    let first_village = attr(&dom, "data-tip");
    // villages[0] is the largest village, 南街社区 (820 elderly), served by F01.
    assert!(
        first_village.contains("南街社区"),
        "tooltip: {first_village}"
    );
    assert!(first_village.contains("820"), "tooltip: {first_village}");
    let zoomed = attr(&dom, "data-zoomed");
    let reset = attr(&dom, "data-reset");
    assert!(
        !zoomed.is_empty() && zoomed != reset,
        "wheel zooms: {zoomed} vs {reset}"
    );
    assert!(
        reset.starts_with("0 0 "),
        "reset shows the whole map: {reset}"
    );
}
