//! What `scan` and `audit` share: the rules to run and how, the configuration, the reports and
//! the exit code, so that a finding means the same in CI and in the cluster.

use std::collections::HashSet;
use std::io::IsTerminal as _;
use std::path::{Path, PathBuf};

use anyhow::anyhow;
use clap::{Args, ValueEnum};
use palisade_rules::config::{self, Config, FailOn};
use palisade_rules::{PssLevel, PssVersion, RULES, RuleDef, Severity, names};

use super::output::{OutputSpec, WriteOptions};

#[derive(Debug, Args)]
pub(crate) struct CheckArgs {
    /// Report format(s): text, compact, json, sarif, junit, github, markdown, html, openreports
    /// (OpenReports objects as YAML) or metrics (Prometheus text); several at once as
    /// `sarif=out.sarif,json=out.json` (at most one without a file goes to stdout).
    #[arg(long, default_value = "text", value_name = "FORMAT[=FILE],...")]
    pub format: String,

    /// File for the report of a single format (standard output when absent).
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Pod Security Standards level for objects whose namespace has no enforce label:
    /// `baseline`, `restricted` (default), or `privileged` (turns the PSS rules off).
    #[arg(long, value_parser = parse_level)]
    pub pss_level: Option<PssLevel>,

    /// Pod Security Standards policy version: `v1.0` … `v1.37`, or `latest` (default).
    #[arg(long, value_parser = parse_version)]
    pub pss_version: Option<PssVersion>,

    /// Rules to run, by code, name or category (or `all`), comma-separated or repeated; replaces
    /// the configuration's `select` and `ignore`.
    #[arg(long, value_delimiter = ',', value_name = "RULES", value_parser = parse_rules)]
    pub select: Vec<Vec<&'static RuleDef>>,

    /// Rules not to run, by code, name or category, comma-separated or repeated; added to the
    /// configuration's `ignore`.
    #[arg(long, value_delimiter = ',', value_name = "RULES", value_parser = parse_rules)]
    pub ignore: Vec<Vec<&'static RuleDef>>,

    /// Exit with 1 when a finding of this severity or higher is found, or `none` to exit 0
    /// whatever is found (unreadable input still exits 2) [default: low].
    #[arg(long, value_parser = parse_fail_on, value_name = "SEVERITY")]
    pub fail_on: Option<FailOn>,

    /// List only findings of this severity or higher in every report (the others are counted
    /// as hidden); the exit code still follows --fail-on.
    #[arg(long, value_parser = parse_severity, value_name = "SEVERITY")]
    pub min_severity: Option<Severity>,

    /// The Kubernetes version the objects are for (e.g. `1.29`), for deprecated APIs
    /// [default: scan: the newest known; audit: the cluster's].
    #[arg(long, value_parser = parse_kube_version)]
    pub kube_version: Option<(u16, u16)>,

    /// Configuration file [default: the first `.palisade.yaml` in the scanned path's directory
    /// or above it; for audit, in the working directory or above it].
    #[arg(long, value_name = "FILE", conflicts_with = "no_config")]
    pub config: Option<PathBuf>,

    /// Ignore configuration files.
    #[arg(long)]
    pub no_config: bool,

    /// List skipped documents one by one.
    #[arg(long, short)]
    pub verbose: bool,

    /// Create missing directories for report files outside the working directory too (inside
    /// it they are always created).
    #[arg(long)]
    pub create_dirs: bool,

    /// Colour the text output: auto (when stdout is a terminal and NO_COLOR is unset), always, never.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub(crate) enum ColorChoice {
    Auto,
    Always,
    Never,
}

/// The run as the arguments and the configuration decide it.
#[derive(Debug)]
pub(crate) struct Prepared {
    pub outputs: OutputSpec,
    pub config: Config,
    pub fail_on: FailOn,
    pub write: WriteOptions,
}

/// The exit code of a run: 2 when input could not be read (unless `errors_fail` is false), 1
/// when an unwaived finding is at or above the threshold, else 0.
pub(crate) fn verdict(report: &palisade_report::Report, fail_on: FailOn, errors_fail: bool) -> u8 {
    let failing = report
        .findings
        .iter()
        .any(|f| f.finding.waiver.is_none() && fail_on.fails(f.finding.severity));
    if errors_fail && !report.errors.is_empty() {
        super::EXIT_ERROR
    } else if failing {
        super::EXIT_FINDINGS
    } else {
        super::EXIT_CLEAN
    }
}

/// `2 critical, 5 high`: the severities that have findings, most severe first (empty when none),
/// for the summary lines on standard error.
pub(crate) fn severity_counts(summary: &palisade_report::Summary) -> String {
    Severity::ALL
        .iter()
        .filter_map(|s| {
            let count = summary.by_severity.get(s).copied().unwrap_or(0);
            (count > 0).then(|| format!("{count} {s}"))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

impl CheckArgs {
    /// Reads the configuration (from `config_start` up, unless one is named or none wanted)
    /// and applies the arguments over it.
    pub fn prepare(&self, config_start: &Path) -> anyhow::Result<Prepared> {
        let outputs =
            OutputSpec::parse(&self.format, self.output.as_deref()).map_err(|e| anyhow!(e))?;
        let mut config = self.load_config(config_start)?;
        let settings = &mut config.settings;
        if let Some(level) = self.pss_level {
            settings.pss.level = level;
        }
        if let Some(version) = self.pss_version {
            settings.pss.version = version;
        }
        if self.kube_version.is_some() {
            settings.kube_version = self.kube_version;
        }
        if !self.select.is_empty() {
            let on: HashSet<&str> = self.select.iter().flatten().map(|r| r.code).collect();
            settings.disabled = RULES
                .iter()
                .map(|r| r.code)
                .filter(|code| !on.contains(code))
                .collect();
        }
        settings
            .disabled
            .extend(self.ignore.iter().flatten().map(|r| r.code));
        let fail_on = self
            .fail_on
            .or(config.fail_on)
            .unwrap_or(FailOn::At(Severity::Low));
        let write = WriteOptions {
            color: use_color(self.color),
            verbose: self.verbose,
            create_dirs: self.create_dirs,
            fail_on,
            min_severity: self.min_severity,
            ..WriteOptions::default()
        };
        Ok(Prepared {
            outputs,
            config,
            fail_on,
            write,
        })
    }

    fn load_config(&self, start: &Path) -> anyhow::Result<Config> {
        if self.no_config {
            return Ok(Config::default());
        }
        let path = match &self.config {
            Some(path) => Some(path.clone()),
            None => config::discover(start),
        };
        match path {
            Some(path) => Config::load(&path).map_err(|e| anyhow!("{e}")),
            None => Ok(Config::default()),
        }
    }
}

fn parse_level(text: &str) -> Result<PssLevel, String> {
    PssLevel::parse(text)
        .ok_or_else(|| format!("`{text}` is not a level: use baseline, restricted or privileged"))
}

fn parse_version(text: &str) -> Result<PssVersion, String> {
    PssVersion::parse(text)
        .ok_or_else(|| format!("`{text}` is not a policy version: use v1.0 … v1.37 or latest"))
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

fn use_color(choice: ColorChoice) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::env::var_os("NO_COLOR").is_none() && std::io::stdout().is_terminal()
        }
    }
}
