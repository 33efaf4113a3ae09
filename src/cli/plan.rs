//! `yanglao plan <scenario.toml>... [--out DIR] [--lang zh|en] [--font PATH]`: plan each
//! scenario and write its outputs into `DIR/<scenario file stem>/` (default `output/`).

use std::path::PathBuf;
use std::process::ExitCode;

use crate::map;
use crate::plan::{self, PlanError};
use crate::report;

/// Arguments of `yanglao plan`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Scenario files.
    #[arg(required = true)]
    pub scenarios: Vec<PathBuf>,
    /// Folder that receives one output folder per scenario.
    #[arg(long, default_value = "output")]
    pub out: PathBuf,
    /// Print the summaries on stdout as one JSON array (one element per scenario planned,
    /// in the order given) instead of the headlines.
    #[arg(long)]
    pub json: bool,
    /// Print nothing but errors.
    #[arg(long, short)]
    pub quiet: bool,
    /// A decisions CSV (`id,decision[,year]`: required / excluded / candidate) laid over the
    /// scenario's own decisions; may be repeated, the last one winning per id.
    #[arg(long, value_name = "FILE")]
    pub decisions: Vec<PathBuf>,
    /// Labels and font of the reports and maps.
    #[command(flatten)]
    pub render: RenderArgs,
}

/// How reports and maps are drawn; shared by `plan` and `batch`.
#[derive(Debug, clap::Args)]
pub struct RenderArgs {
    /// Font for the maps and charts (TrueType/OpenType; face 0 of a collection) instead of
    /// the bundled WenQuanYi Micro Hei subset.
    #[arg(long, value_name = "PATH")]
    pub font: Option<PathBuf>,
    /// Language of the report, map and chart labels.
    #[arg(long, value_enum, default_value = "zh")]
    pub lang: LangArg,
    /// Encoding of the CSV outputs: UTF-8 with a byte-order mark (what Excel needs to read
    /// UTF-8), plain UTF-8, or GBK (what Excel on Chinese Windows assumes without a mark).
    #[arg(long, value_enum, default_value = "utf8-bom")]
    pub encoding: EncodingArg,
}

/// `--encoding` values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum EncodingArg {
    /// UTF-8 with a byte-order mark.
    #[value(name = "utf8-bom")]
    Utf8Bom,
    /// UTF-8 without a mark.
    Utf8,
    /// GBK (GB18030 for the rare characters outside GBK).
    Gbk,
}

impl RenderArgs {
    /// The drawing options these flags ask for (reads the font file, if one is named).
    pub fn options(&self) -> anyhow::Result<map::Options> {
        Ok(map::Options {
            lang: match self.lang {
                LangArg::Zh => map::Lang::Zh,
                LangArg::En => map::Lang::En,
            },
            font: match &self.font {
                Some(path) => map::Font::from_path(path).map_err(|e| {
                    super::BadInput(format!("--font 无法使用 / --font cannot be used: {e}"))
                })?,
                None => map::Font::embedded(),
            },
            csv: match self.encoding {
                EncodingArg::Utf8Bom => crate::io::text::CsvEncoding::Utf8Bom,
                EncodingArg::Utf8 => crate::io::text::CsvEncoding::Utf8,
                EncodingArg::Gbk => crate::io::text::CsvEncoding::Gbk,
            },
        })
    }
}

/// `--lang` values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum LangArg {
    /// 中文.
    Zh,
    /// English.
    En,
}

/// Place names with missing glyphs listed in full before the warning is cut short.
const MISSING_GLYPHS_SHOWN: usize = 10;

/// Warns on stderr about place names the map font cannot draw.
pub(super) fn warn_missing_glyphs(p: &plan::Plan, font: &map::Font) {
    let missing = map::missing_glyphs(p, font);
    if missing.is_empty() {
        return;
    }
    let font_name = font
        .path()
        .map_or("WenQuanYi Micro Hei (GBK)".to_owned(), |f| {
            f.display().to_string()
        });
    eprintln!(
        "警告: 字体 {font_name} 缺少 {} 个地名中的字形, 地图上这些字将显示为空白; 可用 --font 指定其他字体 / warning: the font lacks glyphs in {} place name(s); they will be blank on the maps (use --font):",
        missing.len(),
        missing.len()
    );
    for m in missing.iter().take(MISSING_GLYPHS_SHOWN) {
        let chars: String = m.chars.iter().collect();
        eprintln!("  {} ({chars})", m.name);
    }
    if missing.len() > MISSING_GLYPHS_SHOWN {
        eprintln!("  … +{}", missing.len() - MISSING_GLYPHS_SHOWN);
    }
}

/// Runs the subcommand.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let opts = args.render.options()?;
    super::check_out_folder(&args.out)?;
    let mut code = ExitCode::SUCCESS;
    let mut summaries = Vec::new();
    for path in &args.scenarios {
        match plan::run_with(path, &args.decisions) {
            Ok(p) => {
                if !args.quiet {
                    eprint!("{}", p.notes);
                    warn_missing_glyphs(&p, &opts.font);
                }
                let dir = report::write_plan_with(&p, &args.out, &opts)?;
                if args.json {
                    summaries.push(report::summary_value(&p));
                } else if !args.quiet {
                    super::print_out(&headline(&p, &dir))?;
                }
            }
            Err(PlanError::Input(d)) => {
                super::check::report(path, &d);
                code = ExitCode::from(2);
            }
            // A bad road or matrix file is bad input like any other table: located, exit 2.
            Err(PlanError::Travel(e)) if e.diagnostics().is_some() || e.is_bad_input() => {
                match e.diagnostics() {
                    Some(d) => super::check::report(path, d),
                    None => eprintln!("{}: {e}", path.display()),
                }
                code = ExitCode::from(2);
            }
            Err(e) => {
                eprintln!("{}: {e}", path.display());
                if code == ExitCode::SUCCESS {
                    code = ExitCode::from(1);
                }
            }
        }
    }
    if args.json {
        super::print_out(&format!("{}\n", serde_json::to_string_pretty(&summaries)?))?;
    }
    Ok(code)
}

/// A few lines on what the plan achieved.
fn headline(p: &plan::Plan, dir: &std::path::Path) -> String {
    let dc = &p.day_care;
    let mut out = format!("{} → {}\n", p.scenario.name, dir.display());
    out += &format!(
        "  日间照料 day care: {} new sites, coverage {} → {}{}, status {:?}, gap {:.4}%\n",
        dc.new_sites,
        crate::map::pct(dc.covered_before / dc.total_elderly.max(1.0)),
        crate::map::pct(dc.coverage),
        dc.target
            .map(|t| format!(" (target {})", crate::map::pct(t)))
            .unwrap_or_default(),
        dc.status,
        100.0 * dc.gap,
    );
    for s in &dc.shortfalls {
        out += &format!("  ! {} / {}\n", s.zh, s.en);
    }
    if let Some(b) = &p.beds {
        for y in &b.years {
            out += &format!(
                "  床位 beds {}: {} beds ({:.1} per 1000), nursing {}, public {}, {} actions, {:.0} 万元{}\n",
                y.year,
                y.beds,
                y.beds_per_1000,
                crate::map::pct(y.nursing_share),
                crate::map::pct(y.public_share),
                y.actions.len(),
                y.cost_wan,
                if y.met.all() {
                    ""
                } else {
                    " — target missed"
                },
            );
        }
        out += &format!(
            "  床位 beds: total {:.0} 万元, bound {:.0}, status {:?}, gap {:.4}%; accessibility Gini {:.3} → {:.3}\n",
            b.cost_wan,
            b.bound_wan,
            b.status,
            100.0 * b.gap,
            b.accessibility.gini_before,
            b.accessibility.gini_after
        );
        for s in &b.shortfalls {
            out += &format!("  ! {} / {}\n", s.zh, s.en);
        }
    }
    let sp = &p.spending;
    if sp.budget_wan.is_some() || !sp.budget_per_year_wan.is_empty() {
        out += &format!(
            "  预算 budget: spent {:.0} 万元{}\n",
            sp.spent_wan,
            sp.budget_wan
                .map(|b| format!(" of {b:.0}"))
                .unwrap_or_default()
        );
    }
    if sp.overrun_wan > 0.0 {
        out += &format!(
            "  ! 超出预算 {:.0} 万元{} / over budget by {:.0} 万元{}\n",
            sp.overrun_wan,
            if sp.allow_overrun {
                "（情景允许）"
            } else {
                "（日间照料规则与目标所需）"
            },
            sp.overrun_wan,
            if sp.allow_overrun {
                " (the scenario allows it)"
            } else {
                " (what the day-care rules and targets need)"
            },
        );
    }
    out
}
