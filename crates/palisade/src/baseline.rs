//! Baselines: the findings a project already has, recorded so that only new ones fail a pull
//! request. Each finding is keyed on its stable fingerprint (rule, object and field, not the
//! line), so edits that move lines do not turn old findings into new ones.

use std::collections::HashMap;
use std::path::Path;

use palisade_report::{Notice, Report, ReportFinding, finding_fingerprint};
use serde::{Deserialize, Serialize};

/// The format written, and the only one read.
const VERSION: u32 = 1;

/// A baseline file that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum BaselineError {
    #[error("{path}: cannot read the baseline: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("{path}: not a Palisade baseline: {message}")]
    Parse { path: String, message: String },
}

#[derive(Debug, Serialize, Deserialize)]
struct File {
    version: u32,
    findings: Vec<Entry>,
}

/// One recorded finding; everything but the fingerprint is there for the people who review
/// the file.
#[derive(Debug, Serialize, Deserialize)]
struct Entry {
    fingerprint: String,
    rule: String,
    object: String,
    pointer: String,
}

/// The baseline of a report: every finding no exception waives.
pub fn write(report: &Report) -> String {
    let findings = report
        .findings
        .iter()
        .filter(|f| f.finding.waiver.is_none())
        .map(|f| Entry {
            fingerprint: finding_fingerprint(&f.finding),
            rule: f.finding.rule.name.to_string(),
            object: f.finding.object.to_string(),
            pointer: f.finding.pointer.clone(),
        })
        .collect();
    let mut text = serde_json::to_string_pretty(&File {
        version: VERSION,
        findings,
    })
    .unwrap_or_default();
    text.push('\n');
    text
}

/// The fingerprints a baseline file holds, with how many findings each stands for.
pub fn read(path: &Path) -> Result<HashMap<String, usize>, BaselineError> {
    let display = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|source| BaselineError::Read {
        path: display.clone(),
        source,
    })?;
    let file: File = serde_json::from_str(&text).map_err(|e| BaselineError::Parse {
        path: display.clone(),
        message: e.to_string(),
    })?;
    if file.version != VERSION {
        return Err(BaselineError::Parse {
            path: display,
            message: format!("version {} (this Palisade reads {VERSION})", file.version),
        });
    }
    let mut counts = HashMap::new();
    for entry in file.findings {
        *counts.entry(entry.fingerprint).or_insert(0) += 1;
    }
    Ok(counts)
}

/// Drops the findings the baseline records from the report, and says how many in a notice,
/// with how many baseline entries matched nothing (fixed since, and ready to be removed).
pub fn apply(report: &mut Report, mut known: HashMap<String, usize>, path: &Path) {
    let recorded: usize = known.values().sum();
    let before = report.findings.len();
    report.findings.retain(|f: &ReportFinding| {
        if f.finding.waiver.is_some() {
            return true;
        }
        match known.get_mut(&finding_fingerprint(&f.finding)) {
            Some(count) if *count > 0 => {
                *count -= 1;
                false
            }
            _ => true,
        }
    });
    let hidden = before - report.findings.len();
    let stale = recorded - hidden;
    let mut message = format!("{hidden} finding(s) recorded in the baseline are not reported");
    if stale > 0 {
        message.push_str(&format!(
            "; {stale} baseline entr{} matched nothing (fixed?): write the baseline again to drop them",
            if stale == 1 { "y" } else { "ies" }
        ));
    }
    report.notices.push(Notice {
        kind: "baseline",
        file: path.display().to_string(),
        line: None,
        message,
    });
}
