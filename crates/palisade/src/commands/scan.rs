//! `palisade scan`: check manifests before they ship.

use std::collections::HashSet;
use std::io::IsTerminal as _;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context as _, anyhow};
use clap::{Args, ValueEnum};
use palisade::baseline;
use palisade::pipeline::{self, ScanContext};
use palisade_model::loader::{InputArg, WalkOptions};
use palisade_rules::config::{self, Config, FailOn};
use palisade_rules::{Engine, PssLevel, PssVersion, RULES, RuleDef, Severity, exceptions, names};

use super::output::{OutputSpec, WriteOptions, write_outputs};
use super::report_file::write_report_file;
use super::{EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS, is_broken_pipe};

#[derive(Debug, Args)]
pub(crate) struct ScanArgs {
    /// Files and directories to scan (directories recursively: .yaml, .yml, .json); `-` reads
    /// standard input.
    #[arg(required = true, value_name = "PATH")]
    paths: Vec<String>,

    /// Report format(s): text, compact, json, sarif, junit, github, markdown or html; several at
    /// once as `sarif=out.sarif,json=out.json` (at most one without a file goes to stdout).
    #[arg(long, default_value = "text", value_name = "FORMAT[=FILE],...")]
    format: String,

    /// File for the report of a single format (standard output when absent).
    #[arg(long, short, value_name = "FILE")]
    output: Option<PathBuf>,

    /// Pod Security Standards level for objects whose namespace has no enforce label:
    /// `baseline`, `restricted` (default), or `privileged` (turns the PSS rules off).
    #[arg(long, value_parser = parse_level)]
    pss_level: Option<PssLevel>,

    /// Pod Security Standards policy version: `v1.0` … `v1.37`, or `latest` (default).
    #[arg(long, value_parser = parse_version)]
    pss_version: Option<PssVersion>,

    /// Rules to run, by code, name or category (or `all`), comma-separated or repeated; replaces
    /// the configuration's `select` and `ignore`.
    #[arg(long, value_delimiter = ',', value_name = "RULES", value_parser = parse_rules)]
    select: Vec<Vec<&'static RuleDef>>,

    /// Rules not to run, by code, name or category, comma-separated or repeated; added to the
    /// configuration's `ignore`.
    #[arg(long, value_delimiter = ',', value_name = "RULES", value_parser = parse_rules)]
    ignore: Vec<Vec<&'static RuleDef>>,

    /// Exit with 1 when a finding of this severity or higher is found, or `none` to exit 0
    /// whatever is found (unreadable input still exits 2) [default: low].
    #[arg(long, value_parser = parse_fail_on, value_name = "SEVERITY")]
    fail_on: Option<FailOn>,

    /// Leave out the findings this baseline file records (see `--write-baseline`): only new
    /// findings are reported and fail the run.
    #[arg(long, value_name = "FILE")]
    baseline: Option<PathBuf>,

    /// Record every finding in a baseline file, for `--baseline` to leave out later.
    #[arg(long, value_name = "FILE")]
    write_baseline: Option<PathBuf>,

    /// List only findings of this severity or higher in every report (the others are counted
    /// as hidden); the exit code still follows --fail-on.
    #[arg(long, value_parser = parse_severity, value_name = "SEVERITY")]
    min_severity: Option<Severity>,

    /// The Kubernetes version the manifests are for (e.g. `1.29`), for deprecated APIs
    /// [default: the newest known].
    #[arg(long, value_parser = parse_kube_version)]
    kube_version: Option<(u16, u16)>,

    /// Configuration file [default: the first `.palisade.yaml` in the scanned path's directory
    /// or above it].
    #[arg(long, value_name = "FILE", conflicts_with = "no_config")]
    config: Option<PathBuf>,

    /// Ignore configuration files.
    #[arg(long)]
    no_config: bool,

    /// Leave out paths matching this glob in directory walks (`.gitignore` syntax: `generated/`,
    /// `*.tmpl.yaml`); repeatable, added to the configuration's `exclude`.
    #[arg(long, value_name = "GLOB", value_parser = parse_exclude)]
    exclude: Vec<String>,

    /// Values file for the Helm charts found in scanned directories (rendered with `helm
    /// template`); repeatable.
    #[arg(long = "values", value_name = "FILE")]
    helm_values: Vec<PathBuf>,

    /// Walk directories without honouring `.gitignore` files.
    #[arg(long)]
    no_gitignore: bool,

    /// The name standard input (`-`) has in reports, e.g. the file it was rendered from.
    #[arg(long, value_name = "NAME")]
    stdin_name: Option<String>,

    /// List skipped documents one by one.
    #[arg(long, short)]
    verbose: bool,

    /// Create missing directories for report files outside the working directory too (inside
    /// it they are always created).
    #[arg(long)]
    create_dirs: bool,

    /// Colour the text output: auto (when stdout is a terminal and NO_COLOR is unset), always, never.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    color: ColorChoice,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum ColorChoice {
    Auto,
    Always,
    Never,
}

fn parse_level(text: &str) -> Result<PssLevel, String> {
    PssLevel::parse(text)
        .ok_or_else(|| format!("`{text}` is not a level: use baseline, restricted or privileged"))
}

fn parse_version(text: &str) -> Result<PssVersion, String> {
    PssVersion::parse(text)
        .ok_or_else(|| format!("`{text}` is not a policy version: use v1.0 … v1.37 or latest"))
}

fn parse_exclude(text: &str) -> Result<String, String> {
    palisade_model::loader::check_exclude(text).map(|()| text.to_string())
}

fn parse_severity(text: &str) -> Result<Severity, String> {
    Severity::parse(text).ok_or_else(|| {
        format!("`{text}` is not a severity: use critical, high, medium, low or info")
    })
}

fn parse_fail_on(text: &str) -> Result<FailOn, String> {
    FailOn::parse(text).ok_or_else(|| {
        format!("`{text}` is not a severity: use critical, high, medium, low, info or none")
    })
}

fn parse_rules(text: &str) -> Result<Vec<&'static RuleDef>, String> {
    names::rules_named(text.trim()).ok_or_else(|| names::unknown_message(text.trim()))
}

fn parse_kube_version(text: &str) -> Result<(u16, u16), String> {
    config::parse_kube_version(text)
        .ok_or_else(|| format!("`{text}` is not a Kubernetes version such as 1.29"))
}

pub(crate) fn run(args: &ScanArgs) -> anyhow::Result<ExitCode> {
    let outputs =
        OutputSpec::parse(&args.format, args.output.as_deref()).map_err(|e| anyhow!(e))?;
    let inputs = inputs(&args.paths, args.stdin_name.as_deref())?;
    let config = load_config(args)?;
    let mut settings = config.settings;
    if let Some(level) = args.pss_level {
        settings.pss.level = level;
    }
    if let Some(version) = args.pss_version {
        settings.pss.version = version;
    }
    if args.kube_version.is_some() {
        settings.kube_version = args.kube_version;
    }
    if !args.select.is_empty() {
        let on: HashSet<&str> = args.select.iter().flatten().map(|r| r.code).collect();
        settings.disabled = RULES
            .iter()
            .map(|r| r.code)
            .filter(|code| !on.contains(code))
            .collect();
    }
    settings
        .disabled
        .extend(args.ignore.iter().flatten().map(|r| r.code));
    let fail_on = args
        .fail_on
        .or(config.fail_on)
        .unwrap_or(FailOn::At(Severity::Low));
    let known = match &args.baseline {
        Some(path) => Some(baseline::read(path).map_err(|e| anyhow!("{e}"))?),
        None => None,
    };
    let engine = Engine::new(settings);
    let context = ScanContext {
        engine: &engine,
        exceptions: &config.exceptions,
        today: exceptions::today(),
        walk: WalkOptions {
            exclude: config
                .exclude
                .iter()
                .chain(&args.exclude)
                .cloned()
                .collect(),
            gitignore: !args.no_gitignore,
        },
        helm_values: args.helm_values.clone(),
    };
    let mut report = pipeline::scan_with(&inputs, &context);
    // Written before a baseline is applied: the new file records everything found now.
    if let Some(path) = &args.write_baseline {
        write_report_file(
            path,
            &baseline::write(&report),
            "baseline",
            args.create_dirs,
        )
        .with_context(|| format!("writing the baseline {}", path.display()))?;
    }
    if let (Some(known), Some(path)) = (known, &args.baseline) {
        baseline::apply(&mut report, known, path);
    }

    // Writing a baseline accepts what is found; only unreadable input fails that run.
    let failing = args.write_baseline.is_none()
        && report
            .findings
            .iter()
            .any(|f| f.finding.waiver.is_none() && fail_on.fails(f.finding.severity));
    let code = if !report.errors.is_empty() {
        EXIT_ERROR
    } else if failing {
        EXIT_FINDINGS
    } else {
        EXIT_CLEAN
    };
    let options = WriteOptions {
        color: use_color(args.color),
        verbose: args.verbose,
        create_dirs: args.create_dirs,
        fail_on,
        min_severity: args.min_severity,
    };
    match write_outputs(&outputs, &report, options) {
        // `palisade scan . | head` under `pipefail`: the reader stopped, the verdict stands.
        Err(error) if is_broken_pipe(&error) => {}
        result => result?,
    }
    if outputs.writes_only_files() {
        eprintln!("{}", one_line_summary(&report, &outputs));
    }
    Ok(ExitCode::from(code))
}

/// What a CI log shows when every report went to a file: the counts, and where to look.
fn one_line_summary(report: &palisade_report::Report, outputs: &OutputSpec) -> String {
    let summary = report.summary();
    let by_severity: Vec<String> = Severity::ALL
        .iter()
        .filter_map(|s| {
            let count = summary.by_severity.get(s).copied().unwrap_or(0);
            (count > 0).then(|| format!("{count} {s}"))
        })
        .collect();
    let mut line = format!(
        "palisade: {} finding{}",
        summary.findings,
        if summary.findings == 1 { "" } else { "s" }
    );
    if !by_severity.is_empty() {
        line.push_str(&format!(" ({})", by_severity.join(", ")));
    }
    line.push_str(&format!(
        " in {} objects from {} files",
        report.objects, report.files
    ));
    if summary.waived > 0 {
        line.push_str(&format!(", {} waived", summary.waived));
    }
    if !report.errors.is_empty() {
        line.push_str(&format!(", {} input errors", report.errors.len()));
    }
    line.push_str(&format!("; reports: {}", outputs.files().join(", ")));
    line
}

/// The configuration in force: `--config`, else the nearest `.palisade.yaml` above the first
/// scanned path (the working directory for standard input), else defaults.
fn load_config(args: &ScanArgs) -> anyhow::Result<Config> {
    if args.no_config {
        return Ok(Config::default());
    }
    let path = match &args.config {
        Some(path) => Some(path.clone()),
        None => {
            let start = args
                .paths
                .iter()
                .find(|p| *p != "-")
                .map_or_else(|| PathBuf::from("."), PathBuf::from);
            config::discover(&start)
        }
    };
    match path {
        Some(path) => Config::load(&path).map_err(|e| anyhow!("{e}")),
        None => Ok(Config::default()),
    }
}

fn inputs(paths: &[String], stdin_name: Option<&str>) -> anyhow::Result<Vec<InputArg>> {
    if paths.iter().filter(|p| *p == "-").count() > 1 {
        return Err(anyhow!("`-` (standard input) can be given only once"));
    }
    Ok(paths
        .iter()
        .map(|p| {
            if p == "-" {
                stdin_name.map_or(InputArg::Stdin, |name| {
                    InputArg::NamedStdin(name.to_string())
                })
            } else {
                InputArg::Path(PathBuf::from(p))
            }
        })
        .collect())
}

fn use_color(choice: ColorChoice) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::env::var_os("NO_COLOR").is_none() && std::io::stdout().is_terminal()
        }
    }
}
