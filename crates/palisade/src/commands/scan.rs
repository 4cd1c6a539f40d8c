//! `palisade scan`: check manifests before they ship.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context as _, anyhow};
use clap::Args;
use palisade::baseline;
use palisade::pipeline::{self, ScanContext};
use palisade_model::loader::{InputArg, WalkOptions};
use palisade_rules::config::FailOn;
use palisade_rules::{Engine, exceptions};

use super::check::{CheckArgs, Prepared, severity_counts, verdict};
use super::is_broken_pipe;
use super::output::{OutputSpec, write_outputs};
use super::report_file::write_report_file;

#[derive(Debug, Args)]
pub(crate) struct ScanArgs {
    /// Files and directories to scan (directories recursively: .yaml, .yml, .json); `-` reads
    /// standard input.
    #[arg(required = true, value_name = "PATH")]
    paths: Vec<String>,

    #[command(flatten)]
    check: CheckArgs,

    /// Leave out the findings this baseline file records (see `--write-baseline`): only new
    /// findings are reported and fail the run.
    #[arg(long, value_name = "FILE")]
    baseline: Option<PathBuf>,

    /// Record every finding in a baseline file, for `--baseline` to leave out later.
    #[arg(long, value_name = "FILE")]
    write_baseline: Option<PathBuf>,

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
}

fn parse_exclude(text: &str) -> Result<String, String> {
    palisade_model::loader::check_exclude(text).map(|()| text.to_string())
}

pub(crate) fn run(args: &ScanArgs) -> anyhow::Result<ExitCode> {
    let inputs = inputs(&args.paths, args.stdin_name.as_deref())?;
    // The configuration is looked for from the first scanned path (the working directory for
    // standard input) up.
    let start = args
        .paths
        .iter()
        .find(|p| *p != "-")
        .map_or_else(|| PathBuf::from("."), PathBuf::from);
    let Prepared {
        outputs,
        config,
        fail_on,
        write: options,
    } = args.check.prepare(&start)?;
    let known = match &args.baseline {
        Some(path) => Some(baseline::read(path).map_err(|e| anyhow!("{e}"))?),
        None => None,
    };
    let engine = Engine::new(config.settings);
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
            args.check.create_dirs,
        )
        .with_context(|| format!("writing the baseline {}", path.display()))?;
    }
    if let (Some(known), Some(path)) = (known, &args.baseline) {
        baseline::apply(&mut report, known, path);
    }

    // Writing a baseline accepts what is found; only unreadable input fails that run.
    let threshold = if args.write_baseline.is_some() {
        FailOn::Never
    } else {
        fail_on
    };
    let code = verdict(&report, threshold, true);
    match write_outputs(&outputs, &report, &options) {
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
    let by_severity = severity_counts(&summary);
    let mut line = format!(
        "palisade: {} finding{}",
        summary.findings,
        if summary.findings == 1 { "" } else { "s" }
    );
    if !by_severity.is_empty() {
        line.push_str(&format!(" ({by_severity})"));
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
