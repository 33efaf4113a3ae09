//! Benchmark groups of whole runs: `check` (validating a generated 20,000-village input),
//! `seeds` (every bundled scenario step by step, then all five as one batch) and `counties`
//! (a generated 100-county batch, the unit a national run is split into).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::Instant;

use super::bench::{mib, peak_rss_kib, println, reset_peak};
use crate::solve::SplitMix64;

/// One generated county written as input files: `dir/data/<name>/` and `dir/<name>.toml`.
struct CountySpec {
    name: String,
    centre: (f64, f64),
    townships: usize,
    villages_per_township: usize,
}

fn uniform(r: &mut SplitMix64) -> f64 {
    (r.next_u64() >> 11) as f64 / (1u64 << 53) as f64
}

/// Writes a synthetic county: townships around a seat (the first two are 街道 with urban
/// communities), villages around their township seat, existing facilities, candidates and a
/// scenario with the usual 十四五 targets. Returns the scenario path.
fn write_county(dir: &Path, spec: &CountySpec, seed: u64) -> std::io::Result<PathBuf> {
    let mut r = SplitMix64::new(seed, 7);
    let data = dir.join("data").join(&spec.name);
    std::fs::create_dir_all(&data)?;
    let (mut villages, mut facilities, mut candidates) = (
        String::from("id,name,township,lon,lat,elderly,elderly_80,disabled,kind\n"),
        String::from("id,name,type,township,lon,lat,beds,nursing_beds,max_beds,public,capacity\n"),
        String::from("id,name,township,lon,lat,allow,max_beds,cost\n"),
    );
    let km = 1.0 / 111.0;
    let (mut nv, mut nf, mut nc) = (0usize, 0usize, 0usize);
    for t in 0..spec.townships {
        let street = t < 2;
        let township = if street {
            format!("{}第{}街道", spec.name, t + 1)
        } else {
            format!("{}第{}镇", spec.name, t + 1)
        };
        let angle = uniform(&mut r) * std::f64::consts::TAU;
        // Townships spread over a county whose area grows with their number (about 15 in an
        // ordinary county, 20 to 40 km across).
        let scale = (spec.townships as f64 / 15.0).sqrt();
        let dist = if street {
            1.5
        } else {
            (6.0 + 14.0 * uniform(&mut r)) * scale
        };
        let seat = (
            spec.centre.0 + angle.cos() * dist * km / spec.centre.1.to_radians().cos(),
            spec.centre.1 + angle.sin() * dist * km,
        );
        for v in 0..spec.villages_per_township {
            let spread = if street { 1.2 } else { 4.0 };
            let lon =
                seat.0 + (uniform(&mut r) - 0.5) * 2.0 * spread * km / seat.1.to_radians().cos();
            let lat = seat.1 + (uniform(&mut r) - 0.5) * 2.0 * spread * km;
            let elderly = if street {
                600 + r.below(900)
            } else {
                120 + r.below(500)
            };
            let kind = if street { "urban" } else { "rural" };
            nv += 1;
            let _ = writeln!(
                villages,
                "{}V{nv:05},村{nv},{township},{lon:.6},{lat:.6},{elderly},{},{},{kind}",
                spec.name,
                elderly / 8,
                elderly / 25
            );
            if v % 3 == 0 {
                nf += 1;
                let _ = writeln!(
                    facilities,
                    "{}F{nf:04},日照{nf},day_care,{township},{lon:.6},{lat:.6},0,0,,true,40",
                    spec.name
                );
            } else {
                nc += 1;
                let _ = writeln!(
                    candidates,
                    "{}C{nc:05},候选{nc},{township},{:.6},{:.6},day_care,,",
                    spec.name,
                    lon + 0.001,
                    lat
                );
            }
        }
        // An institution at every third township seat, a candidate for one at the others.
        if t % 3 == 0 {
            nf += 1;
            let beds = 80 + r.below(200);
            let _ = writeln!(
                facilities,
                "{}F{nf:04},敬老院{nf},institution,{township},{:.6},{:.6},{beds},{},{},{},",
                spec.name,
                seat.0,
                seat.1,
                beds / 4,
                beds + beds / 2,
                t % 2 == 0
            );
        } else {
            nc += 1;
            let _ = writeln!(
                candidates,
                "{}C{nc:05},镇区候选{nc},{township},{:.6},{:.6},institution,120,",
                spec.name, seat.0, seat.1
            );
        }
    }
    std::fs::write(data.join("villages.csv"), villages)?;
    std::fs::write(data.join("facilities.csv"), facilities)?;
    std::fs::write(data.join("candidates.csv"), candidates)?;
    let scenario = dir.join(format!("{}.toml", spec.name));
    std::fs::write(
        &scenario,
        format!(
            "name = \"{n}\"\ndata = \"data/{n}\"\nbase_year = 2020\nyears = [2021, 2022, 2023, 2024, 2025]\n\
             elderly_growth = 0.03\nseed = {seed}\n\n[day_care]\ncoverage = 0.9\nper_street = 1\n\
             township_share = 0.6\n\n[beds.targets]\n2023 = {{ nursing_share = 0.45 }}\n\
             2025 = {{ nursing_share = 0.55, beds_per_1000 = 40 }}\n",
            n = spec.name
        ),
    )?;
    Ok(scenario)
}

fn scratch(name: &str) -> std::io::Result<PathBuf> {
    let dir = std::env::temp_dir().join(format!("yanglao-bench-{name}-{}", std::process::id()));
    if dir.exists() {
        std::fs::remove_dir_all(&dir)?;
    }
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}

/// `check` on a generated 20,000-village county: load and validate, then the travel lists
/// `check` builds to find unreachable villages.
pub fn bench_check(seed: u64) -> anyhow::Result<()> {
    let dir = scratch("check")?;
    let spec = CountySpec {
        name: "大县".into(),
        centre: (118.0, 26.0),
        townships: 200,
        villages_per_township: 100,
    };
    let scenario = write_county(&dir, &spec, seed)?;
    reset_peak();
    let t = Instant::now();
    let loaded = crate::io::load(&scenario).map_err(|d| anyhow::anyhow!("{d}"))?;
    let load_s = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let reach = crate::travel::reach(&loaded.region, &loaded.scenario.travel)?;
    let travel_s = t.elapsed().as_secs_f64();
    println!(
        "check: generated county, {} villages, {} facilities, {} candidates",
        loaded.region.villages.len(),
        loaded.region.facilities.len(),
        loaded.region.candidates.len()
    );
    println!("  load + validate   {load_s:>8.3} s");
    println!(
        "  reach lists       {travel_s:>8.3} s  ({} pairs, {} unreachable villages)",
        reach.pair_count(),
        reach.unreachable_villages().count()
    );
    println!(
        "  check in all      {:>8.3} s  peak memory {}",
        load_s + travel_s,
        mib(peak_rss_kib())
    );
    std::fs::remove_dir_all(&dir)?;
    Ok(())
}

/// Every bundled scenario step by step, then all of them as one batch.
pub fn bench_seeds(seeds: &Path) -> anyhow::Result<()> {
    let files = super::batch::collect(&[seeds.to_path_buf()]);
    if files.is_empty() {
        println!(
            "seeds: no scenario in {} (run from the project folder)",
            seeds.display()
        );
        return Ok(());
    }
    let out = scratch("seeds")?;
    println!("seeds: {}", seeds.display());
    println!(
        "  {:<10} {:>8} {:>8} {:>8} {:>8} {:>8} {:>8} {:>8}  peak",
        "scenario", "villages", "load s", "travel s", "dc s", "beds s", "report s", "total s"
    );
    for f in &files {
        reset_peak();
        let t = Instant::now();
        let p = crate::plan::run(f)?;
        let t_report = Instant::now();
        crate::report::write_plan(&p, &out)?;
        let report_s = t_report.elapsed().as_secs_f64();
        let tm = &p.timings;
        println!(
            "  {:<10} {:>8} {:>8.3} {:>8.3} {:>8.3} {:>8.3} {:>8.3} {:>8.3}  {}",
            crate::report::output_name(f),
            p.region.villages.len(),
            tm.load_s,
            tm.travel_s,
            tm.day_care_s,
            tm.beds_s,
            report_s,
            t.elapsed().as_secs_f64(),
            mib(peak_rss_kib())
        );
    }
    reset_peak();
    let t = Instant::now();
    run_batch(vec![seeds.to_path_buf()], &out.join("batch"), None)?;
    println!(
        "  all {} as one batch: {:.3} s, peak memory {}",
        files.len(),
        t.elapsed().as_secs_f64(),
        mib(peak_rss_kib())
    );
    std::fs::remove_dir_all(&out)?;
    Ok(())
}

fn run_batch(inputs: Vec<PathBuf>, out: &Path, jobs: Option<usize>) -> anyhow::Result<()> {
    super::batch::run(super::batch::Args {
        inputs,
        out: out.to_path_buf(),
        jobs,
        quiet: true,
        json: false,
        render: super::plan::RenderArgs {
            font: None,
            lang: super::plan::LangArg::Zh,
            encoding: super::plan::EncodingArg::Utf8Bom,
        },
    })?;
    Ok(())
}

/// A generated batch of `n` counties (about 300 villages each), run with 1 job and with all
/// cores: how a national run scales.
pub fn bench_counties(seed: u64, n: usize) -> anyhow::Result<()> {
    let dir = scratch("counties")?;
    let mut villages = 0;
    for i in 0..n {
        let spec = CountySpec {
            name: format!("县{i:03}"),
            centre: (116.0 + (i % 10) as f64 * 0.45, 24.0 + (i / 10) as f64 * 0.4),
            townships: 15,
            villages_per_township: 20,
        };
        write_county(&dir, &spec, seed + i as u64)?;
        villages += spec.townships * spec.villages_per_township;
    }
    println!("counties: {n} generated counties, {villages} villages in all");
    for jobs in [Some(1), None] {
        reset_peak();
        let t = Instant::now();
        run_batch(vec![dir.clone()], &dir.join("out"), jobs)?;
        println!(
            "  batch with {:<12} {:>8.3} s  peak memory {}",
            jobs.map_or_else(
                || format!("{} jobs", rayon::current_num_threads()),
                |j| format!("{j} job")
            ),
            t.elapsed().as_secs_f64(),
            mib(peak_rss_kib())
        );
    }
    std::fs::remove_dir_all(&dir)?;
    Ok(())
}
