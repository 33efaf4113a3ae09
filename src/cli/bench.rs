//! `yanglao bench [GROUP]...`: times the hot paths on generated data and prints the figures.
//!
//! Each group builds its own seeded data, so runs are comparable across machines and commits.
//! Figures only: nothing here judges them. Build with `--release` for meaningful numbers.
//!
//! Groups:
//! - `travel`: crow-fly reach lists for 17 500 villages × 13 000 sites spread like a province
//!   (Fujian's extent, clustered around 84 county seats) at 15 minutes, with time, peak
//!   memory (`VmHWM`) and pair count; the k-nearest query of bed planning; and road-network
//!   reach on a generated grid of 100 000 nodes with 2 000 sites.
//! - `check`: `yanglao check` on a generated 20,000-village county (load, validate, reach).
//! - `seeds`: every bundled scenario (`seeds/` in the working folder) step by step (load,
//!   travel, day care, beds, reports, peak memory), then all of them as one batch.
//! - `counties`: a generated batch of 100 counties with 1 job and with every core.
//! - `orlib`: the p-median (`pmed1`–`40`) and capacitated p-median (`pmedcap1`–`20`,
//!   `SJC1`–`4b`) benchmarks against their published optima, from the folder named by
//!   `YANGLAO_BENCHMARKS` (default `../shared/benchmarks` next to the crate); skipped with a
//!   message when absent. Per instance the objective, our own bound and both gaps; per
//!   family how many answers our bound proves optimal. `--family` picks one family,
//!   `--instance` (repeatable) single instances.
//! - `dense`: greenfield coverage of the bundled 泰州 and 福建 data (`seeds/` in the working
//!   folder; every village a candidate, crow-fly 15 minutes at 8 km/h urban and 24 km/h
//!   rural, detour 1.0): set covering (coverage 1.0), maximal covering with p = 5, 10, 20,
//!   50, 100 and partial covering (the fewest sites reaching 90, 95, 99 % of the elderly on
//!   泰州, 90 % on 福建), each with time, objective, bound, gap and status; then the day-care step of
//!   `plan` (and `solve`) on the same instance for coverage 1.0 (and 0.9 on 泰州) and max_new
//!   20 and 100, so that the product's own path is timed too; and 泰州's whole curve. `--variant` picks one,
//!   `--cover-only` runs set covering alone; `--write-instances DIR` writes them for
//!   `tests/scripts/highs_dense.py`, which times HiGHS on the same models.

use std::process::ExitCode;
use std::time::Instant;

/// Prints a line of figures on stdout; when the reader has gone (`yanglao bench | head -1`)
/// the run ends quietly with success, as `plan` does, instead of panicking.
macro_rules! println {
    ($($arg:tt)*) => {
        $crate::cli::bench::print_line(&format!($($arg)*))
    };
}
pub(super) use println;

/// Writes `line` and a newline to stdout through [`super::print_out`]; a closed pipe ends the
/// process with success (the figures after it have no reader), any other failure is
/// reported on stderr once and ends it with 1.
pub(super) fn print_line(line: &str) {
    if let Err(e) = super::print_out(&format!("{line}\n")) {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
        let _ = std::io::Write::write_all(
            &mut std::io::stderr(),
            format!("yanglao: stdout: {e}\n").as_bytes(),
        );
        std::process::exit(1);
    }
}

use crate::model::{
    Allow, AreaKind, Candidate, Facility, FacilityType, LonLat, Region, SiteIdx, Travel, Village,
};
use crate::travel::{CrowFly, Exec, NetworkOptions, Query, RoadNetwork, RoadSegment, TravelModel};

/// Arguments of `yanglao bench`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Benchmark groups to run; all of them when none is given.
    #[arg(value_enum)]
    pub groups: Vec<Group>,
    /// Seed of the generated data.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Run on the calling thread only (the sequential path).
    #[arg(long)]
    pub sequential: bool,
    /// Only this benchmark family of the `orlib` group.
    #[arg(long, value_enum)]
    pub family: Option<Family>,
    /// Only the `orlib` instances of these names (for example `pmed36`).
    #[arg(long, value_name = "NAME")]
    pub instance: Vec<String>,
    /// `dense` group: also write each instance as `<name>.cover` into this folder (format in
    /// `write_cover_instance`), for the HiGHS script `tests/scripts/highs_dense.py`.
    #[arg(long, value_name = "DIR")]
    pub write_instances: Option<std::path::PathBuf>,
    /// `dense` group: only this variant.
    #[arg(long, value_enum)]
    pub variant: Option<DenseVariant>,
    /// `dense` group: only set covering (coverage 1.0).
    #[arg(long)]
    pub cover_only: bool,
}

/// A family of the `orlib` group.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Family {
    /// Beasley's uncapacitated p-median graphs, pmed1–40.
    Pmed,
    /// Osman & Christofides' capacitated instances, pmedcap1-1 to 1-20.
    Pmedcap,
    /// Lorena & Senne's São José dos Campos instances, SJC1–4b.
    Sjc,
}

/// A benchmark group.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Group {
    /// Crow-fly and road-network reach lists.
    Travel,
    /// Validating a generated 20,000-village input.
    Check,
    /// The bundled scenarios, step by step and as one batch.
    Seeds,
    /// A generated 100-county batch.
    Counties,
    /// p-median and capacitated p-median on the public benchmarks.
    Orlib,
    /// Greenfield coverage of 泰州 and 福建 (every village a candidate, 15-minute circles of
    /// 2 km urban and 6 km rural): set covering, maximal covering and the curve.
    Dense,
}

impl Group {
    const ALL: [Group; 6] = [
        Group::Travel,
        Group::Check,
        Group::Seeds,
        Group::Counties,
        Group::Orlib,
        Group::Dense,
    ];
}

/// Runs the chosen groups and prints their figures on stdout.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let groups: Vec<Group> = if args.groups.is_empty() {
        Group::ALL.to_vec()
    } else {
        args.groups.clone()
    };
    let exec = if args.sequential {
        Exec::Sequential
    } else {
        Exec::Parallel
    };
    if cfg!(debug_assertions) {
        println!("note: debug build; use `cargo run --release -- bench` for real figures");
    }
    println!(
        "threads: {}",
        if args.sequential {
            1
        } else {
            rayon::current_num_threads()
        }
    );
    for group in groups {
        match group {
            Group::Travel => bench_travel(args.seed, exec),
            Group::Check => super::bench_plan::bench_check(args.seed)?,
            Group::Seeds => super::bench_plan::bench_seeds(std::path::Path::new("seeds"))?,
            Group::Counties => super::bench_plan::bench_counties(args.seed, 100)?,
            Group::Orlib => bench_orlib(args.seed, !args.sequential, args.family, &args.instance),
            Group::Dense => bench_dense(&args)?,
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// SplitMix64: a small, seeded, reproducible generator for benchmark data.
struct Rng(u64);

impl Rng {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    fn range(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.unit()
    }

    /// Standard normal (Box–Muller).
    fn normal(&mut self) -> f64 {
        let u = 1.0 - self.unit();
        let v = self.unit();
        (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
    }
}

/// Fujian's extent, degrees.
const LON: (f64, f64) = (115.8, 120.7);
const LAT: (f64, f64) = (23.5, 28.3);
/// Degrees of latitude per kilometre.
const DEG_PER_KM: f64 = 1.0 / 111.195;

fn village(i: usize, pos: LonLat, kind: AreaKind) -> Village {
    Village {
        id: format!("V{i:05}"),
        name: String::new(),
        township: String::new(),
        pos,
        elderly: 300,
        elderly_80: None,
        disabled: None,
        kind,
    }
}

fn facility(i: usize, pos: LonLat, kind: FacilityType) -> Facility {
    Facility {
        id: format!("F{i:05}"),
        name: String::new(),
        kind,
        township: String::new(),
        pos,
        beds: if kind == FacilityType::Institution {
            100
        } else {
            0
        },
        nursing_beds: 0,
        max_beds: None,
        public: true,
        capacity: None,
    }
}

fn candidate(i: usize, pos: LonLat) -> Candidate {
    Candidate {
        id: format!("C{i:05}"),
        name: String::new(),
        township: String::new(),
        pos,
        allow: if i.is_multiple_of(4) {
            Allow::Both
        } else {
            Allow::DayCare
        },
        max_beds: Some(200),
        cost_wan: None,
    }
}

/// A province-like region: 84 county seats uniform in the extent, villages and sites normally
/// spread around them (σ 12 km and 10 km); villages within 8 km of their seat (about a fifth)
/// are urban.
fn province(seed: u64, villages: usize, facilities: usize, candidates: usize) -> Region {
    let mut rng = Rng(seed);
    let seats: Vec<LonLat> = (0..84)
        .map(|_| LonLat {
            lon: rng.range(LON.0 + 0.2, LON.1 - 0.2),
            lat: rng.range(LAT.0 + 0.2, LAT.1 - 0.2),
        })
        .collect();
    let around = |rng: &mut Rng, sigma_km: f64| {
        let seat = seats[(rng.next_u64() % seats.len() as u64) as usize];
        let dlat = rng.normal() * sigma_km * DEG_PER_KM;
        let dlon = rng.normal() * sigma_km * DEG_PER_KM / seat.lat.to_radians().cos();
        let pos = LonLat {
            lon: (seat.lon + dlon).clamp(LON.0, LON.1),
            lat: (seat.lat + dlat).clamp(LAT.0, LAT.1),
        };
        let off_km = (dlat.hypot(dlon * seat.lat.to_radians().cos())) / DEG_PER_KM;
        (pos, off_km)
    };
    let villages = (0..villages)
        .map(|i| {
            let (pos, off_km) = around(&mut rng, 12.0);
            let kind = if off_km < 8.0 {
                AreaKind::Urban
            } else {
                AreaKind::Rural
            };
            village(i, pos, kind)
        })
        .collect();
    let facilities = (0..facilities)
        .map(|i| {
            let kind = FacilityType::ALL[i % 4];
            facility(i, around(&mut rng, 10.0).0, kind)
        })
        .collect();
    let candidates = (0..candidates)
        .map(|i| candidate(i, around(&mut rng, 10.0).0))
        .collect();
    Region {
        villages,
        facilities,
        candidates,
        boundary: Vec::new(),
    }
}

/// Peak resident memory of this process in KiB (`VmHWM`), where Linux reports it.
pub(super) fn peak_rss_kib() -> Option<u64> {
    status_kib("VmHWM:")
}

/// Current resident memory in KiB (`VmRSS`).
fn rss_kib() -> Option<u64> {
    status_kib("VmRSS:")
}

fn status_kib(key: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with(key))?;
    line[key.len()..]
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()
}

/// Resets `VmHWM` to the current resident size (Linux ≥ 4.0), so that each figure is the
/// peak of its own step; elsewhere the figure is the peak since the process started.
pub(super) fn reset_peak() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}

pub(super) fn mib(kib: Option<u64>) -> String {
    kib.map_or_else(
        || "n/a".to_owned(),
        |k| format!("{:.1} MiB", k as f64 / 1024.0),
    )
}

fn thousands(n: usize) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn bench_travel(seed: u64, exec: Exec) {
    const MINUTES: f64 = 15.0;
    let (nv, nf, nc) = (17_500, 2_000, 11_000);
    let t = Instant::now();
    let region = province(seed, nv, nf, nc);
    let urban = region
        .villages
        .iter()
        .filter(|v| v.kind == AreaKind::Urban)
        .count();
    println!(
        "travel: generated {} villages ({} urban) and {} sites over 115.8–120.7 E, 23.5–28.3 N in {:.3} s",
        thousands(nv),
        thousands(urban),
        thousands(region.site_count()),
        t.elapsed().as_secs_f64()
    );
    let model = CrowFly::new(Travel::DEFAULT_URBAN, Travel::DEFAULT_RURAL);

    let reset = reset_peak();
    let before = rss_kib();
    let t = Instant::now();
    let lists = model.reach(&region, &Query::within(MINUTES).exec(exec));
    let secs = t.elapsed().as_secs_f64();
    let peak = peak_rss_kib();
    println!(
        "travel/crow-fly: {} villages × {} sites at {MINUTES} min: {} pairs, {} villages unreachable, {:.3} s, peak memory {}{} (resident before {})",
        thousands(nv),
        thousands(region.site_count()),
        thousands(lists.pair_count()),
        thousands(lists.unreachable_villages().count()),
        secs,
        mib(peak),
        if reset { "" } else { " since start" },
        mib(before)
    );
    let t = Instant::now();
    let mut served = 0usize;
    for s in 0..region.site_count() {
        served += lists.villages_of(SiteIdx(s as u32)).len();
    }
    println!(
        "travel/crow-fly transpose: {} pairs by site in {:.3} s",
        thousands(served),
        t.elapsed().as_secs_f64()
    );

    let beds: Vec<SiteIdx> = (0..region.site_count() as u32)
        .map(SiteIdx)
        .filter(|s| match region.site(*s) {
            crate::model::Site::Existing(f) => f.kind == FacilityType::Institution,
            crate::model::Site::Candidate(c) => c.allow.institution(),
        })
        .collect();
    let t = Instant::now();
    let nearest = model.reach(
        &region,
        &Query::within(60.0).sites(&beds).nearest(5).exec(exec),
    );
    println!(
        "travel/crow-fly nearest 5 of {} institution sites within 60 min: {} pairs in {:.3} s",
        thousands(beds.len()),
        thousands(nearest.pair_count()),
        t.elapsed().as_secs_f64()
    );
    drop((lists, nearest, region));

    bench_network(seed, exec, MINUTES);
}

/// A grid of `cols × rows` nodes 150 m apart near 26° N with every tenth street an arterial
/// (limit 40 km/h), one street in twenty one-way, and villages and sites scattered over it.
fn bench_network(seed: u64, exec: Exec, minutes: f64) {
    let (cols, rows) = (400usize, 250usize);
    let (nv, nsites) = (17_500usize, 2_000usize);
    let spacing_km = 0.15;
    let origin = LonLat {
        lon: 118.0,
        lat: 26.0,
    };
    let dlat = spacing_km * DEG_PER_KM;
    let dlon = dlat / origin.lat.to_radians().cos();
    let at = |c: usize, r: usize| LonLat {
        lon: origin.lon + c as f64 * dlon,
        lat: origin.lat + r as f64 * dlat,
    };
    let mut rng = Rng(seed ^ 0x5EED);
    let t = Instant::now();
    let mut segments = Vec::with_capacity(2 * cols * rows);
    for r in 0..rows {
        for c in 0..cols {
            for (dc, dr, line) in [(1, 0, r), (0, 1, c)] {
                let (c2, r2) = (c + dc, r + dr);
                if c2 >= cols || r2 >= rows {
                    continue;
                }
                let speed = if line % 10 == 0 { 40.0 } else { f64::INFINITY };
                let seg = if line % 20 == 7 {
                    RoadSegment::one_way(at(c, r), at(c2, r2), speed)
                } else {
                    RoadSegment::two_way(at(c, r), at(c2, r2), speed)
                };
                segments.push(seg);
            }
        }
    }
    let net = RoadNetwork::from_segments(segments);
    let build = t.elapsed().as_secs_f64();
    let (nodes, edges) = (net.node_count(), net.edge_count());
    let extent = |n: usize| (n - 1) as f64 * spacing_km;
    let point = |rng: &mut Rng| LonLat {
        lon: origin.lon + rng.unit() * (cols - 1) as f64 * dlon,
        lat: origin.lat + rng.unit() * (rows - 1) as f64 * dlat,
    };
    let region = Region {
        villages: (0..nv)
            .map(|i| {
                let kind = if i % 2 == 0 {
                    AreaKind::Urban
                } else {
                    AreaKind::Rural
                };
                village(i, point(&mut rng), kind)
            })
            .collect(),
        facilities: Vec::new(),
        candidates: (0..nsites).map(|i| candidate(i, point(&mut rng))).collect(),
        boundary: Vec::new(),
    };
    let model = net.with_modes(
        Travel::DEFAULT_URBAN,
        Travel::DEFAULT_RURAL,
        &NetworkOptions::default(),
    );
    let reset = reset_peak();
    let t = Instant::now();
    let lists = model.reach(&region, &Query::within(minutes).exec(exec));
    let secs = t.elapsed().as_secs_f64();
    let peak = peak_rss_kib();
    let summary = lists.network().cloned();
    println!(
        "travel/network: grid {cols} × {rows} ({} nodes, {} directed edges, {:.1} × {:.1} km) built in {:.3} s",
        thousands(nodes),
        thousands(edges),
        extent(cols),
        extent(rows),
        build
    );
    println!(
        "travel/network: {} villages (half urban walking, half rural riding) × {} sites at {minutes} min: {} pairs, {} villages unreachable, {:.3} s, peak memory {}{}, {} component(s)",
        thousands(nv),
        thousands(nsites),
        thousands(lists.pair_count()),
        thousands(lists.unreachable_villages().count()),
        secs,
        mib(peak),
        if reset { "" } else { " since start" },
        summary.map_or(0, |s| s.components)
    );
    let crow = CrowFly::new(
        crate::model::TravelMode {
            detour: 1.0,
            ..Travel::DEFAULT_URBAN
        },
        crate::model::TravelMode {
            detour: 1.0,
            ..Travel::DEFAULT_RURAL
        },
    )
    .reach(&region, &Query::within(minutes).exec(exec));
    println!(
        "travel/network: for comparison, crow-fly with detour 1 on the same points: {} pairs",
        thousands(crow.pair_count())
    );
}

/// The benchmark folder: `YANGLAO_BENCHMARKS`, else `../shared/benchmarks` next to the crate.
fn benchmark_dir() -> std::path::PathBuf {
    std::env::var_os("YANGLAO_BENCHMARKS").map_or_else(
        || std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/benchmarks"),
        std::path::PathBuf::from,
    )
}

/// One row of the `orlib` table: gap to the known value and to our own bound, in percent.
struct OrlibRow {
    gap_pct: f64,
    bound_gap_pct: f64,
    secs: f64,
    /// Whether the answer is proven optimal by our own bound.
    proven: bool,
}

fn bench_orlib(seed: u64, parallel: bool, family: Option<Family>, only: &[String]) {
    use crate::solve::SolveError;
    use crate::solve::cpmp::CapacitatedOptions;
    use crate::solve::orlib;
    use crate::solve::pmedian::{MedianSolution, PMedianOptions};

    let dir = benchmark_dir();
    if !dir.is_dir() {
        println!(
            "orlib: benchmark folder {} not found (set YANGLAO_BENCHMARKS); skipped",
            dir.display()
        );
        return;
    }
    let families: &[(Family, &str, &str, &str)] = &[
        (Family::Pmed, "pmed", "pmedopt.txt", "txt"),
        (Family::Pmedcap, "pmedcap", "optimal.txt", "txt"),
        (Family::Sjc, "sjc", "best_known.txt", "dat"),
    ];
    println!(
        "{:<12} {:>4} {:>4} {:>10} {:>12} {:>12} {:>8} {:>8} {:>8}",
        "instance", "n", "p", "known", "objective", "bound", "gap %", "bound %", "time s"
    );
    let mut summaries = Vec::new();
    for &(fam, sub, table, ext) in families {
        if family.is_some_and(|f| f != fam) {
            continue;
        }
        let folder = dir.join(sub);
        let Ok(text) = std::fs::read_to_string(folder.join(table)) else {
            println!(
                "orlib/{sub}: {} not readable; skipped",
                folder.join(table).display()
            );
            continue;
        };
        let mut rows = Vec::new();
        for (name, known) in orlib::parse_values(&text) {
            if !only.is_empty() && !only.contains(&name) {
                continue;
            }
            let path = folder.join(format!("{name}.{ext}"));
            let Ok(data) = std::fs::read_to_string(&path) else {
                println!("{name:<12} not readable: {}", path.display());
                continue;
            };
            let solved: Result<(usize, usize, MedianSolution, f64), SolveError> = match fam {
                Family::Pmed => orlib::parse_pmed(&data).map(|pm| {
                    let t = Instant::now();
                    let opts = PMedianOptions {
                        seed,
                        parallel,
                        ..PMedianOptions::default()
                    };
                    let sol = pm.solve(&opts);
                    (pm.costs.clients(), pm.p, sol, t.elapsed().as_secs_f64())
                }),
                Family::Pmedcap | Family::Sjc => {
                    let parsed = if fam == Family::Sjc {
                        orlib::parse_sjc(&data)
                    } else {
                        orlib::parse_pmedcap(&data)
                    };
                    parsed.map(|inst| {
                        let t = Instant::now();
                        let opts = CapacitatedOptions {
                            seed,
                            parallel,
                            ..CapacitatedOptions::default()
                        };
                        let sol = inst.problem.solve(&opts);
                        let (n, p) = (inst.problem.costs.clients(), inst.problem.p);
                        (n, p, sol, t.elapsed().as_secs_f64())
                    })
                }
            };
            match solved {
                Ok((n, p, sol, secs)) => {
                    let c = sol.certificate;
                    let row = OrlibRow {
                        gap_pct: 100.0 * (c.objective - known) / known,
                        bound_gap_pct: 100.0 * c.gap,
                        secs,
                        proven: c.status == crate::solve::Status::Optimal,
                    };
                    println!(
                        "{name:<12} {n:>4} {p:>4} {known:>10.2} {:>12.2} {:>12.2} {:>8.3} {:>8.3} {:>8.2}",
                        c.objective, c.bound, row.gap_pct, row.bound_gap_pct, row.secs
                    );
                    rows.push(row);
                }
                Err(e) => println!("{name:<12} unreadable: {e}"),
            }
        }
        summaries.push((sub, rows));
    }
    for (sub, rows) in &summaries {
        if rows.is_empty() {
            continue;
        }
        let k = rows.len() as f64;
        let avg = |f: fn(&OrlibRow) -> f64| rows.iter().map(f).sum::<f64>() / k;
        let max = |f: fn(&OrlibRow) -> f64| rows.iter().map(f).fold(f64::NEG_INFINITY, f64::max);
        println!(
            "orlib/{sub}: {} instances, {}/{} proven optimal, gap to known average {:.3} % max {:.3} %, bound gap average {:.3} % max {:.3} %, time total {:.1} s max {:.2} s",
            rows.len(),
            rows.iter().filter(|r| r.proven).count(),
            rows.len(),
            avg(|r| r.gap_pct),
            max(|r| r.gap_pct),
            avg(|r| r.bound_gap_pct),
            max(|r| r.bound_gap_pct),
            rows.iter().map(|r| r.secs).sum::<f64>(),
            max(|r| r.secs),
        );
    }
}

/// A variant of the `dense` group.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum DenseVariant {
    /// 泰州 (`seeds/taizhou.toml`, 1,745 villages).
    Taizhou,
    /// 福建 (`seeds/fujian.toml`, 17,498 villages).
    Fujian,
}

impl DenseVariant {
    fn name(self) -> &'static str {
        match self {
            DenseVariant::Taizhou => "taizhou",
            DenseVariant::Fujian => "fujian",
        }
    }
}

/// The greenfield variant of a bundled region: its villages (loaded through the scenario, so
/// positions are converted as `plan` converts them), no existing site, one day-care candidate
/// at every village, crow-fly 15 minutes at 8 km/h urban and 24 km/h rural with detour 1.0
/// (2 km and 6 km). The scenario comes back with that travel model, the whole region in
/// scope, no street, township or county rule, no target, budget or curve, and the reach
/// lists of that model.
pub fn dense_setup(
    scenario: &std::path::Path,
) -> anyhow::Result<(crate::model::Scenario, Region, crate::travel::ReachLists)> {
    use crate::model::{CoverageScope, TravelMode, TypeSet};
    let loaded =
        crate::io::load(scenario).map_err(|d| anyhow::anyhow!("{}: {d}", scenario.display()))?;
    let villages = loaded.region.villages;
    let candidates = villages
        .iter()
        .map(|v| Candidate {
            id: format!("c-{}", v.id),
            name: v.name.clone(),
            township: v.township.clone(),
            pos: v.pos,
            allow: Allow::DayCare,
            max_beds: None,
            cost_wan: None,
        })
        .collect();
    let region = Region {
        villages,
        facilities: Vec::new(),
        candidates,
        boundary: Vec::new(),
    };
    let urban = TravelMode {
        speed_kmh: 8.0,
        detour: 1.0,
    };
    let rural = TravelMode {
        speed_kmh: 24.0,
        detour: 1.0,
    };
    let reach = CrowFly::new(urban, rural).reach(&region, &Query::within(15.0));
    let mut s = loaded.scenario;
    s.travel.minutes = 15.0;
    s.travel.urban = urban;
    s.travel.rural = rural;
    s.travel.roads = None;
    s.travel.matrix = None;
    let dc = &mut s.day_care;
    dc.scope = CoverageScope::All;
    dc.serving = TypeSet::of(&[crate::model::FacilityType::DayCare]);
    dc.coverage = None;
    dc.targets.clear();
    dc.per_street = 0;
    dc.per_county = 0;
    dc.township_share = None;
    dc.max_new = None;
    dc.curve = false;
    dc.capacity = None;
    dc.data_capacity = false;
    dc.exclude_unreachable = false;
    s.budget = Default::default();
    s.decisions = Default::default();
    Ok((s, region, reach))
}

/// The coverage instance of [`dense_setup`]: every village weighted by its elderly people.
pub fn dense_instance(
    scenario: &std::path::Path,
) -> anyhow::Result<crate::solve::coverage::CoverageProblem> {
    use crate::model::{CoverageScope, TypeSet};
    let (_, region, reach) = dense_setup(scenario)?;
    Ok(crate::plan::day_care::coverage_problem(
        &region,
        &reach,
        CoverageScope::All,
        TypeSet::EMPTY,
    ))
}

/// Writes a coverage instance as plain text: a line `points candidates`, then one line per
/// point `weight covered` (covered 0 or 1), then one line per candidate: the number of points
/// it covers followed by their 0-based indices, all separated by single spaces.
pub fn write_cover_instance(
    problem: &crate::solve::coverage::CoverageProblem,
    path: &std::path::Path,
) -> std::io::Result<()> {
    use std::io::Write;
    let mut out = std::io::BufWriter::new(std::fs::File::create(path)?);
    writeln!(out, "{} {}", problem.weight.len(), problem.sets.len())?;
    for (w, c) in problem.weight.iter().zip(&problem.covered) {
        writeln!(out, "{w} {}", u8::from(*c))?;
    }
    for s in &problem.sets {
        write!(out, "{}", s.len())?;
        for i in s {
            write!(out, " {i}")?;
        }
        writeln!(out)?;
    }
    out.flush()
}

fn bench_dense(args: &Args) -> anyhow::Result<()> {
    use crate::solve::coverage::CoverageOptions;
    let variants: Vec<DenseVariant> = match args.variant {
        Some(v) => vec![v],
        None => vec![DenseVariant::Taizhou, DenseVariant::Fujian],
    };
    let opts = CoverageOptions {
        seed: args.seed,
        parallel: !args.sequential,
        ..CoverageOptions::default()
    };
    for variant in variants {
        let name = variant.name();
        let path = std::path::Path::new("seeds").join(format!("{name}.toml"));
        if !path.is_file() {
            println!(
                "dense/{name}: {} not found (run from the project folder); skipped",
                path.display()
            );
            continue;
        }
        reset_peak();
        let t = Instant::now();
        let (scenario, region, reach) = dense_setup(&path)?;
        let problem = crate::plan::day_care::coverage_problem(
            &region,
            &reach,
            crate::model::CoverageScope::All,
            crate::model::TypeSet::EMPTY,
        );
        let pairs: usize = problem.sets.iter().map(Vec::len).sum();
        let sizes = problem.component_sizes();
        let largest = sizes.iter().max_by_key(|s| s.0).copied().unwrap_or((0, 0));
        println!(
            "dense/{name}: {} points, {} candidates, {} pairs, built in {:.3} s; after reduction {} components, largest {} points × {} candidates",
            thousands(problem.weight.len()),
            thousands(problem.sets.len()),
            thousands(pairs),
            t.elapsed().as_secs_f64(),
            sizes.len(),
            largest.0,
            largest.1
        );
        if let Some(dir) = &args.write_instances {
            std::fs::create_dir_all(dir)?;
            let file = dir.join(format!("{name}.cover"));
            write_cover_instance(&problem, &file)?;
            println!("dense/{name}: instance written to {}", file.display());
        }
        println!(
            "  {:<22} {:>12} {:>12} {:>9} {:>9} {:>8}",
            "problem", "objective", "bound", "gap %", "status", "time s"
        );
        let row = |label: &str, c: crate::solve::Certificate, secs: f64| {
            println!(
                "  {label:<22} {:>12.1} {:>12.1} {:>9.4} {:>9} {:>8.3}",
                c.objective,
                c.bound,
                100.0 * c.gap,
                format!("{:?}", c.status).to_lowercase(),
                secs
            );
        };
        let reachable = problem.reachable_weight();
        let t = Instant::now();
        let sol = problem.solve_target(reachable, &opts);
        let secs = t.elapsed().as_secs_f64();
        match sol {
            Ok(s) => row("set covering (1.0)", s.certificate, secs),
            Err(s) => row("set covering: infeas.", s.certificate, secs),
        }
        let budgets: &[u32] = if args.cover_only {
            &[]
        } else {
            &[5, 10, 20, 50, 100]
        };
        for &p in budgets {
            let t = Instant::now();
            let s = problem.solve_budget(p, &opts);
            row(
                &format!("max covering p = {p}"),
                s.certificate,
                t.elapsed().as_secs_f64(),
            );
        }
        // Partial covering: the fewest sites reaching a share of the elderly (福建: one share,
        // which takes tens of seconds).
        let shares: &[f64] = match variant {
            _ if args.cover_only => &[],
            DenseVariant::Taizhou => &[0.9, 0.95, 0.99],
            DenseVariant::Fujian => &[0.9],
        };
        for &share in shares {
            let t = Instant::now();
            let sol = problem.solve_target(share * reachable, &opts);
            let secs = t.elapsed().as_secs_f64();
            let (Ok(s) | Err(s)) = sol;
            row(&format!("covering {share:.2}"), s.certificate, secs);
        }
        // The same questions as `plan` and `solve` ask them: loading excluded, the day-care
        // step whole (its rules, certificates, phasing and per-village results included).
        if !args.cover_only {
            let mut questions: Vec<(String, crate::model::Scenario)> = Vec::new();
            let shares: &[f64] = if variant == DenseVariant::Taizhou {
                &[1.0, 0.9]
            } else {
                &[1.0]
            };
            for &share in shares {
                let mut s = scenario.clone();
                s.day_care.coverage = Some(share);
                questions.push((format!("plan: coverage {share:.2}"), s));
            }
            for p in [20, 100] {
                let mut s = scenario.clone();
                s.day_care.max_new = Some(p);
                questions.push((format!("plan: max_new = {p}"), s));
            }
            for (label, s) in questions {
                let t = Instant::now();
                let dc = crate::plan::day_care::plan(&s, &region, &reach);
                let secs = t.elapsed().as_secs_f64();
                let mut c = crate::solve::Certificate::new(
                    if dc.objective == crate::plan::day_care::Objective::NewSites {
                        f64::from(dc.new_sites)
                    } else {
                        dc.covered_elderly
                    },
                    dc.bound,
                );
                c.status = dc.status;
                row(&label, c, secs);
            }
        }
        if variant == DenseVariant::Taizhou && !args.cover_only {
            let t = Instant::now();
            let curve = problem.curve(&opts);
            let secs = t.elapsed().as_secs_f64();
            let proven = curve
                .points
                .iter()
                .filter(|pt| pt.bound - pt.covered <= crate::solve::Certificate::TOLERANCE)
                .count();
            let worst = curve
                .points
                .iter()
                .map(|pt| (pt.bound - pt.covered) / pt.bound.max(1.0))
                .fold(0.0, f64::max);
            println!(
                "  curve: {} points (p = 0 … {}), {} proven optimal, largest gap {:.4} %, {:.3} s",
                curve.points.len(),
                curve.max_sites(),
                proven,
                100.0 * worst,
                secs
            );
        }
        println!("dense/{name}: peak memory {}", mib(peak_rss_kib()));
    }
    Ok(())
}
