//! `palisade scan`: check manifests before they ship.

use std::io::IsTerminal as _;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{anyhow, Context as _};
use clap::{Args, ValueEnum};
use palisade::pipeline;
use palisade_model::loader::InputArg;
use palisade_report::{render_json, render_text, TextOptions};
use palisade_rules::{Engine, PssLevel, PssProfile, PssVersion, Settings, Severity};

use super::{EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS};

#[derive(Debug, Args)]
pub(crate) struct ScanArgs {
    /// Files and directories to scan (directories recursively: .yaml, .yml, .json); `-` reads
    /// standard input.
    #[arg(required = true, value_name = "PATH")]
    paths: Vec<String>,

    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,

    /// Pod Security Standards level for objects whose namespace has no enforce label:
    /// `baseline`, `restricted`, or `privileged` (turns the PSS rules off).
    #[arg(long, default_value = "restricted", value_parser = parse_level)]
    pss_level: PssLevel,

    /// Pod Security Standards policy version: `v1.0` … `v1.37`, or `latest`.
    #[arg(long, default_value = "latest", value_parser = parse_version)]
    pss_version: PssVersion,

    /// Exit with 1 when a finding of this severity or higher is found.
    #[arg(long, default_value = "low", value_parser = parse_severity)]
    fail_on: Severity,

    /// List skipped documents one by one.
    #[arg(long, short)]
    verbose: bool,

    /// Colour the text output: auto (when stdout is a terminal and NO_COLOR is unset), always, never.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    color: ColorChoice,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum Format {
    Text,
    Json,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum ColorChoice {
    Auto,
    Always,
    Never,
}

fn parse_level(text: &str) -> Result<PssLevel, String> {
    PssLevel::parse(text).ok_or_else(|| format!("`{text}` is not a level: use baseline, restricted or privileged"))
}

fn parse_version(text: &str) -> Result<PssVersion, String> {
    PssVersion::parse(text).ok_or_else(|| format!("`{text}` is not a policy version: use v1.0 … v1.37 or latest"))
}

fn parse_severity(text: &str) -> Result<Severity, String> {
    Severity::parse(text).ok_or_else(|| format!("`{text}` is not a severity: use critical, high, medium, low or info"))
}

pub(crate) fn run(args: &ScanArgs) -> anyhow::Result<ExitCode> {
    let inputs = inputs(&args.paths)?;
    let settings = Settings {
        pss: PssProfile { level: args.pss_level, version: args.pss_version },
        ..Settings::default()
    };
    let engine = Engine::new(settings);
    let report = pipeline::scan(&inputs, &engine);

    let text = match args.format {
        Format::Text => render_text(&report, TextOptions { color: use_color(args.color), verbose: args.verbose }),
        Format::Json => render_json(&report, env!("CARGO_PKG_VERSION")),
    };
    super::write_stdout(&text).context("writing the report")?;

    let code = if !report.errors.is_empty() {
        EXIT_ERROR
    } else if report.findings.iter().any(|f| f.finding.severity >= args.fail_on) {
        EXIT_FINDINGS
    } else {
        EXIT_CLEAN
    };
    Ok(ExitCode::from(code))
}

fn inputs(paths: &[String]) -> anyhow::Result<Vec<InputArg>> {
    if paths.iter().filter(|p| *p == "-").count() > 1 {
        return Err(anyhow!("`-` (standard input) can be given only once"));
    }
    Ok(paths
        .iter()
        .map(|p| if p == "-" { InputArg::Stdin } else { InputArg::Path(PathBuf::from(p)) })
        .collect())
}

fn use_color(choice: ColorChoice) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => std::env::var_os("NO_COLOR").is_none() && std::io::stdout().is_terminal(),
    }
}
