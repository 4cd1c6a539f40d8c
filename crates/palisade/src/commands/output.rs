//! `--format` and `--output`: which reports one scan writes, and where.
//!
//! `--format sarif` writes one format to standard output (or to `--output FILE`);
//! `--format text,sarif=out.sarif,html=report.html` writes several at once, each format with a
//! path going to that file and at most one going to standard output.

use std::path::{Path, PathBuf};

use anyhow::Context as _;
use palisade_report::{
    OpenReportsOptions, Report, TextOptions, render_compact, render_github, render_html,
    render_json, render_junit, render_markdown, render_metrics, render_openreports, render_sarif,
    render_text,
};
use palisade_rules::Severity;
use palisade_rules::config::FailOn;

use super::report_file::write_report_file;

/// A report format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Format {
    Text,
    Compact,
    Json,
    Sarif,
    Junit,
    Github,
    Markdown,
    Html,
    /// OpenReports `Report`/`ClusterReport` objects as a YAML stream.
    OpenReports,
    /// Prometheus text exposition of the counts.
    Metrics,
}

impl Format {
    const ALL: [Format; 10] = [
        Self::Text,
        Self::Compact,
        Self::Json,
        Self::Sarif,
        Self::Junit,
        Self::Github,
        Self::Markdown,
        Self::Html,
        Self::OpenReports,
        Self::Metrics,
    ];

    fn name(self) -> &'static str {
        match self {
            Self::Text => "text",
            Self::Compact => "compact",
            Self::Json => "json",
            Self::Sarif => "sarif",
            Self::Junit => "junit",
            Self::Github => "github",
            Self::Markdown => "markdown",
            Self::Html => "html",
            Self::OpenReports => "openreports",
            Self::Metrics => "metrics",
        }
    }

    fn parse(text: &str) -> Result<Self, String> {
        Self::ALL
            .into_iter()
            .find(|f| f.name().eq_ignore_ascii_case(text))
            .ok_or_else(|| {
                let names: Vec<&str> = Self::ALL.iter().map(|f| f.name()).collect();
                format!("`{text}` is not a report format: use {}", names.join(", "))
            })
    }
}

/// Where one report goes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Target {
    Stdout,
    File(PathBuf),
}

/// Every report a scan writes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct OutputSpec {
    pub(crate) outputs: Vec<(Format, Target)>,
}

impl OutputSpec {
    /// Reads `--format` (`FORMAT` or `FORMAT=PATH,...`; a PATH of `-` is standard output) and
    /// `--output` (the file for a single format without a path).
    pub(crate) fn parse(format: &str, output: Option<&Path>) -> Result<Self, String> {
        let mut outputs = Vec::new();
        for item in format.split(',').map(str::trim) {
            if item.is_empty() {
                return Err(format!("`--format {format}` has an empty entry"));
            }
            let (name, target) = match item.split_once('=') {
                Some((name, "")) => return Err(format!("`{name}=` needs a file after `=`")),
                Some((name, "-")) => (name.trim(), Target::Stdout),
                Some((name, path)) => (name.trim(), Target::File(PathBuf::from(path.trim()))),
                None => (item, Target::Stdout),
            };
            outputs.push((Format::parse(name)?, target));
        }
        if let Some(path) = output {
            match outputs.as_mut_slice() {
                [(_, target @ Target::Stdout)] => {
                    *target = if path == Path::new("-") {
                        Target::Stdout
                    } else {
                        Target::File(path.to_path_buf())
                    };
                }
                _ => {
                    return Err("`--output` takes the report of a single format; with several, give each its \
                                file: `--format sarif=out.sarif,json=out.json`"
                        .to_string());
                }
            }
        }
        let to_stdout: Vec<&str> = outputs
            .iter()
            .filter(|(_, t)| *t == Target::Stdout)
            .map(|(f, _)| f.name())
            .collect();
        if to_stdout.len() > 1 {
            return Err(format!(
                "only one report can go to standard output, not {}: give the others a file (`{}=PATH`)",
                to_stdout.join(" and "),
                to_stdout.get(1).copied().unwrap_or_default()
            ));
        }
        for (i, (_, target)) in outputs.iter().enumerate() {
            if let Target::File(path) = target
                && outputs[..i].iter().any(|(_, t)| t == target)
            {
                return Err(format!(
                    "two reports would be written to {}",
                    path.display()
                ));
            }
        }
        Ok(Self { outputs })
    }
}

impl OutputSpec {
    /// Whether every report goes to a file (nothing to standard output).
    pub(crate) fn writes_only_files(&self) -> bool {
        self.outputs
            .iter()
            .all(|(_, t)| matches!(t, Target::File(_)))
    }

    /// The files reports go to, as given.
    pub(crate) fn files(&self) -> Vec<String> {
        self.outputs
            .iter()
            .filter_map(|(_, t)| match t {
                Target::File(path) => Some(path.display().to_string()),
                Target::Stdout => None,
            })
            .collect()
    }
}

/// How reports are written.
#[derive(Clone, Debug)]
pub(crate) struct WriteOptions {
    /// Colour text on standard output.
    pub(crate) color: bool,
    pub(crate) verbose: bool,
    /// Create missing directories for report files outside the working directory too.
    pub(crate) create_dirs: bool,
    /// The severity that fails the scan: JUnit makes failures of these findings only.
    pub(crate) fail_on: FailOn,
    /// `--min-severity`: findings below it are left out of every report's listing (and
    /// counted as hidden). The exit code was decided before, on every finding.
    pub(crate) min_severity: Option<Severity>,
    /// How OpenReports objects are named and bounded (the timestamp is set when written).
    pub(crate) openreports: OpenReportsOptions,
}

impl Default for WriteOptions {
    fn default() -> Self {
        Self {
            color: false,
            verbose: false,
            create_dirs: false,
            fail_on: FailOn::At(Severity::Low),
            min_severity: None,
            openreports: OpenReportsOptions::default(),
        }
    }
}

/// Renders and writes every requested report: files first, then standard output, so a reader
/// that closes the pipe early cannot cost the files. Colour applies to text on standard output
/// only.
pub(crate) fn write_outputs(
    spec: &OutputSpec,
    report: &Report,
    options: &WriteOptions,
) -> anyhow::Result<()> {
    let shown;
    let report = match options.min_severity {
        Some(min) => {
            let mut filtered = report.clone();
            filtered.hide_below(min);
            shown = filtered;
            &shown
        }
        None => report,
    };
    let mut stdout = None;
    for (format, target) in &spec.outputs {
        match target {
            Target::Stdout => stdout = Some(*format),
            Target::File(path) => {
                let text = render(*format, report, false, options);
                write_report_file(path, &text, format.name(), options.create_dirs)?;
            }
        }
    }
    if let Some(format) = stdout {
        super::write_stdout(&render(format, report, options.color, options))
            .context("writing the report")?;
    }
    Ok(())
}

fn render(format: Format, report: &Report, color: bool, options: &WriteOptions) -> String {
    let version = env!("CARGO_PKG_VERSION");
    let text = TextOptions {
        color,
        verbose: options.verbose,
    };
    match format {
        Format::Text => render_text(report, text),
        Format::Compact => render_compact(report, text),
        Format::Json => render_json(report, version),
        Format::Sarif => render_sarif(report, version),
        Format::Junit => render_junit(report, options.fail_on),
        Format::Github => render_github(report),
        Format::Markdown => render_markdown(report),
        Format::Html => render_html(report, version),
        Format::OpenReports => render_openreports(
            report,
            &OpenReportsOptions {
                timestamp: now(),
                ..options.openreports.clone()
            },
        ),
        Format::Metrics => {
            let prefix = if report.cluster.is_some() {
                "palisade_audit"
            } else {
                "palisade_scan"
            };
            render_metrics(report, prefix, now())
        }
    }
}

/// Seconds since the epoch (0 on a clock before it).
pub(crate) fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str) -> Target {
        Target::File(PathBuf::from(path))
    }

    #[test]
    fn specs_that_parse() {
        type Case<'a> = (&'a str, Option<&'a str>, Vec<(Format, Target)>);
        let cases: [Case<'_>; 9] = [
            ("text", None, vec![(Format::Text, Target::Stdout)]),
            ("compact", None, vec![(Format::Compact, Target::Stdout)]),
            ("SARIF", None, vec![(Format::Sarif, Target::Stdout)]),
            (
                "sarif",
                Some("out.sarif"),
                vec![(Format::Sarif, file("out.sarif"))],
            ),
            ("json", Some("-"), vec![(Format::Json, Target::Stdout)]),
            (
                "sarif=out.sarif,json=out.json",
                None,
                vec![
                    (Format::Sarif, file("out.sarif")),
                    (Format::Json, file("out.json")),
                ],
            ),
            (
                "text, html=r/report.html",
                None,
                vec![
                    (Format::Text, Target::Stdout),
                    (Format::Html, file("r/report.html")),
                ],
            ),
            (
                "junit=-,markdown=summary.md",
                None,
                vec![
                    (Format::Junit, Target::Stdout),
                    (Format::Markdown, file("summary.md")),
                ],
            ),
            (
                "github,sarif=a.sarif,sarif=b.sarif",
                None,
                vec![
                    (Format::Github, Target::Stdout),
                    (Format::Sarif, file("a.sarif")),
                    (Format::Sarif, file("b.sarif")),
                ],
            ),
        ];
        for (format, output, expected) in cases {
            let spec = OutputSpec::parse(format, output.map(Path::new));
            assert_eq!(
                spec,
                Ok(OutputSpec { outputs: expected }),
                "--format {format} --output {output:?}"
            );
        }
    }

    #[test]
    fn specs_that_are_refused_say_why() {
        let cases = [
            ("pdf", None, "not a report format"),
            ("sarif=", None, "needs a file"),
            ("sarif,,json=x", None, "empty entry"),
            (
                "text,json",
                None,
                "only one report can go to standard output",
            ),
            (
                "text,json=-",
                None,
                "only one report can go to standard output",
            ),
            ("sarif=a,json=a", None, "two reports would be written to a"),
            (
                "sarif=a.sarif",
                Some("b.sarif"),
                "`--output` takes the report of a single format",
            ),
            (
                "sarif,json=x.json",
                Some("b"),
                "`--output` takes the report of a single format",
            ),
        ];
        for (format, output, message) in cases {
            let error = OutputSpec::parse(format, output.map(Path::new)).expect_err(format);
            assert!(error.contains(message), "--format {format}: {error}");
        }
    }
}
