//! The report every renderer reads: located findings, input errors and skipped documents.

use std::collections::BTreeMap;
use std::sync::Arc;

use palisade_model::ObjectRef;
use palisade_rules::{Finding, RuleDef, Severity};

use crate::quote::SourceQuote;

/// Where a finding is in a file, or, with line 0, which object it is on when there is no file
/// (`cluster/namespace/Kind/name` for a live cluster's objects).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileLocation {
    pub path: Arc<str>,
    /// Counted from 1; 0 when the object has no file.
    pub line: u32,
    pub column: u32,
    /// False when the field is absent and the location is its nearest existing parent.
    pub exact: bool,
    /// The part of the line to quote: a window around the column, secrets redacted.
    pub quote: Option<SourceQuote>,
}

impl FileLocation {
    /// Whether the location is a line in a file (not an object of a live cluster).
    pub fn has_line(&self) -> bool {
        self.line > 0
    }
}

/// `path:line:column`, or the path alone when there is no line.
impl std::fmt::Display for FileLocation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.has_line() {
            write!(f, "{}:{}:{}", self.path, self.line, self.column)
        } else {
            f.write_str(&self.path)
        }
    }
}

/// A finding and where it is.
#[derive(Clone, Debug)]
pub struct ReportFinding {
    pub finding: Finding,
    pub location: Option<FileLocation>,
}

/// An input that could not be read or a document that could not be parsed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InputError {
    pub path: String,
    pub line: Option<u32>,
    pub column: Option<u32>,
    pub message: String,
}

/// A document that is not a Kubernetes object.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Skipped {
    pub path: String,
    pub document: usize,
    pub item: Option<usize>,
    pub line: u32,
    pub reason: String,
}

/// An object that was checked, and the rules that looked at it (for formats that list passes
/// as well as failures, such as JUnit).
#[derive(Clone, Debug)]
pub struct CheckedObject {
    pub object: ObjectRef,
    /// Where the object starts (`quote` is not filled).
    pub location: Option<FileLocation>,
    pub rules: Vec<&'static RuleDef>,
}

/// Something about the run itself the user should know (an expired or unused exception, a
/// symbolic link not followed).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Notice {
    /// `expired-exception`, `unused-exception`, `skipped-link`, or one about an inline
    /// exception: `inline-exception-unknown-rule`, `inline-exception-without-reason`,
    /// `inline-exception-not-on-pods`; or `baseline`, `chart-not-rendered`, `kustomize-patch`, `bootstrap-rbac`; or `malformed-object`, `unknown-kind`.
    pub kind: &'static str,
    pub file: String,
    pub line: Option<u32>,
    pub message: String,
}

/// Every kind of [`Notice`], as the JSON report's `notices[].type` and its schema name them.
pub const NOTICE_KINDS: [&str; 12] = [
    "expired-exception",
    "unused-exception",
    "skipped-link",
    "inline-exception-unknown-rule",
    "inline-exception-without-reason",
    "inline-exception-not-on-pods",
    "baseline",
    "chart-not-rendered",
    "kustomize-patch",
    "bootstrap-rbac",
    "malformed-object",
    "unknown-kind",
];

/// Everything one scan produced.
#[derive(Clone, Debug, Default)]
pub struct Report {
    /// Findings, waived ones included (`finding.waiver` is set on those).
    pub findings: Vec<ReportFinding>,
    pub errors: Vec<InputError>,
    pub skipped: Vec<Skipped>,
    /// Every object scanned, in input order, with the rules evaluated on it.
    pub checked: Vec<CheckedObject>,
    pub notices: Vec<Notice>,
    pub files: usize,
    pub objects: usize,
    /// Findings a display filter left out of `findings` (see [`Report::hide_below`]).
    pub hidden: Hidden,
    /// In an audit, the pods of each workload, whatever their phase (pods are reported on their
    /// workload).
    pub pods: std::collections::HashMap<ObjectRef, usize>,
    /// In an audit, the cluster that was read: objects come from it, not from files.
    pub cluster: Option<String>,
}

/// What `--min-severity` left out of the listing. It is a display filter only: the exit code
/// was decided on every finding, so the counts of what is not shown must still be reported.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Hidden {
    /// The lowest severity still listed; `None` when nothing was filtered.
    pub min_severity: Option<Severity>,
    /// Hidden findings that are not waived.
    pub findings: usize,
    /// The same, by severity.
    pub by_severity: BTreeMap<Severity, usize>,
    /// Hidden findings an exception waived.
    pub waived: usize,
}

/// Counts for summary lines.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    /// Findings that are not waived, by severity.
    pub by_severity: BTreeMap<Severity, usize>,
    /// Findings that are not waived.
    pub findings: usize,
    /// Findings an exception waived.
    pub waived: usize,
}

impl Report {
    /// Where the objects came from, for summary lines: `from 3 files`, `from cluster prod`.
    pub fn source_text(&self) -> String {
        match &self.cluster {
            Some(cluster) => format!("from cluster {cluster}"),
            None if self.files == 1 => "from 1 file".to_string(),
            None => format!("from {} files", self.files),
        }
    }

    pub fn summary(&self) -> Summary {
        let mut summary = Summary::default();
        for f in self.findings.iter().filter(|f| f.finding.waiver.is_none()) {
            *summary.by_severity.entry(f.finding.severity).or_default() += 1;
            summary.findings += 1;
        }
        summary.waived = self
            .findings
            .iter()
            .filter(|f| f.finding.waiver.is_some())
            .count();
        summary
    }

    /// Leaves findings below `min` out of the listing, counting them in [`Report::hidden`].
    /// Checked objects stay: their rules were evaluated either way.
    pub fn hide_below(&mut self, min: Severity) {
        let hidden = &mut self.hidden;
        hidden.min_severity = Some(min);
        self.findings.retain(|f| {
            if f.finding.severity >= min {
                return true;
            }
            if f.finding.waiver.is_some() {
                hidden.waived += 1;
            } else {
                hidden.findings += 1;
                *hidden.by_severity.entry(f.finding.severity).or_default() += 1;
            }
            false
        });
    }

    /// Sorts findings by file, line, column and rule, and errors and skipped documents by file.
    pub fn sort(&mut self) {
        self.findings.sort_by(|a, b| {
            let key = |f: &ReportFinding| {
                let (path, line, column) = f
                    .location
                    .as_ref()
                    .map_or((None, 0, 0), |l| (Some(l.path.clone()), l.line, l.column));
                (
                    path,
                    line,
                    column,
                    f.finding.rule.code,
                    f.finding.pointer.clone(),
                )
            };
            key(a).cmp(&key(b))
        });
        self.errors
            .sort_by(|a, b| (&a.path, a.line, a.column).cmp(&(&b.path, b.line, b.column)));
        self.skipped
            .sort_by(|a, b| (&a.path, a.document, a.item).cmp(&(&b.path, b.document, b.item)));
    }
}
