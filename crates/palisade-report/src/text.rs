//! Compiler-style terminal output: `path:line:col`, the rule, the quoted line with a caret,
//! and what to do instead.

use std::fmt::Write as _;

use palisade_rules::Severity;

use crate::model::{FileLocation, Report, ReportFinding};

/// How text output looks.
#[derive(Clone, Copy, Debug, Default)]
pub struct TextOptions {
    /// ANSI colours.
    pub color: bool,
    /// List skipped documents one by one, not only their count.
    pub verbose: bool,
}

struct Style {
    on: bool,
}

impl Style {
    fn paint(&self, code: &str, text: &str) -> String {
        if self.on {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }
    fn bold(&self, text: &str) -> String {
        self.paint("1", text)
    }
    fn dim(&self, text: &str) -> String {
        self.paint("2", text)
    }
    /// `position: label message`, a line about the input rather than a finding.
    fn diagnostic(&self, out: &mut String, position: &str, label: (&str, &str), message: &str) {
        let (code, text) = label;
        let _ = writeln!(
            out,
            "{}: {} {message}",
            self.bold(position),
            self.paint(code, text)
        );
    }
    fn severity(&self, severity: Severity) -> String {
        let code = match severity {
            Severity::Critical => "1;35",
            Severity::High => "1;31",
            Severity::Medium => "1;33",
            Severity::Low => "1;36",
            Severity::Info => "1;34",
        };
        self.paint(code, severity.as_str())
    }
}

/// Renders the whole report as text.
pub fn render_text(report: &Report, options: TextOptions) -> String {
    let style = Style { on: options.color };
    let mut out = String::new();
    for error in &report.errors {
        let position = match (error.line, error.column) {
            (Some(l), Some(c)) => format!("{}:{l}:{c}", error.path),
            (Some(l), None) => format!("{}:{l}", error.path),
            _ => error.path.clone(),
        };
        style.diagnostic(
            &mut out,
            &clean(&position),
            ("1;31", "error:"),
            &clean(&error.message),
        );
    }
    for notice in &report.notices {
        let position = match notice.line {
            Some(l) => format!("{}:{l}", notice.file),
            None => notice.file.clone(),
        };
        style.diagnostic(
            &mut out,
            &clean(&position),
            ("1;33", "warning:"),
            &clean(&notice.message),
        );
    }
    if !report.errors.is_empty() || !report.notices.is_empty() {
        out.push('\n');
    }
    for finding in report
        .findings
        .iter()
        .filter(|f| f.finding.waiver.is_none())
    {
        render_finding(&mut out, finding, &style);
    }
    if options.verbose {
        for s in &report.skipped {
            let item = s.item.map(|i| format!(", item {i}")).unwrap_or_default();
            let _ = writeln!(
                out,
                "{}: skipped document {}{item}: {}",
                style.dim(&clean(&format!("{}:{}", s.path, s.line))),
                s.document,
                clean(&s.reason)
            );
        }
    }
    out.push_str(&summary_line(report, &style));
    out.push('\n');
    out
}

fn render_finding(out: &mut String, f: &ReportFinding, style: &Style) {
    let finding = &f.finding;
    let position = match &f.location {
        Some(l) => format!("{}:{}:{}", l.path, l.line, l.column),
        None => "<unknown>".to_string(),
    };
    let _ = writeln!(
        out,
        "{}: {} {} [{}] {}",
        style.bold(&clean(&position)),
        style.bold(finding.rule.code),
        finding.rule.name,
        style.severity(finding.severity),
        clean(&finding.message)
    );
    if let Some(location) = &f.location {
        quote(out, location, style);
    }
    let _ = writeln!(
        out,
        "   {} {} {}",
        style.dim("="),
        style.bold("object:"),
        clean(&finding.object.to_string())
    );
    let _ = writeln!(
        out,
        "   {} {} {}",
        style.dim("="),
        style.bold("help:"),
        clean(&finding.help)
    );
    out.push('\n');
}

/// The offending line (a window of it), with a caret under the key or value the finding names.
fn quote(out: &mut String, location: &FileLocation, style: &Style) {
    let Some(quote) = &location.quote else {
        return;
    };
    let number = location.line.to_string();
    let gutter = " ".repeat(number.len());
    let before: String = quote.text.chars().take(quote.caret).collect();
    let lead = if quote.clipped_before { "…" } else { "" };
    let tail = if quote.clipped_after { "…" } else { "" };
    // The caret sits under the escaped text, so it is measured on the escaped text too.
    let prefix: String = std::iter::repeat_n(' ', lead.chars().count())
        .chain(
            clean(&before)
                .chars()
                .map(|c| if c == '\t' { '\t' } else { ' ' }),
        )
        .collect();
    let rest: String = quote.text.chars().skip(quote.caret).collect();
    let width = clean(&rest[..token_end(&rest)]).chars().count().max(1);
    let _ = writeln!(out, "{gutter} {}", style.dim("|"));
    let _ = writeln!(
        out,
        "{} {} {lead}{}{tail}",
        style.dim(&number),
        style.dim("|"),
        clean(quote.text.trim_end())
    );
    let marker = if location.exact {
        "^".repeat(width)
    } else {
        format!("{} field is missing here", "^".repeat(width))
    };
    let _ = writeln!(
        out,
        "{gutter} {} {prefix}{}",
        style.dim("|"),
        style.paint("1;31", &marker)
    );
}

/// The end (in bytes) of the key or scalar that starts `text`: up to the `:` of a key, or to the
/// end of a flow item or of the text.
fn token_end(text: &str) -> usize {
    let stop = text.find([':', '#', ',', '}', ']']).unwrap_or(text.len());
    text[..stop].trim_end().len()
}

/// Text from a manifest, made safe for a terminal: control characters (escape sequences that
/// could move the cursor, rewrite earlier lines or set the window title) and the Unicode
/// direction overrides that reorder what is shown are printed as `\u{..}` escapes instead.
pub(crate) fn clean(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(is_unsafe) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if is_unsafe(c) {
            let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

fn is_unsafe(c: char) -> bool {
    (c.is_control() && c != '\t')
        || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}' | '\u{061c}')
}

fn summary_line(report: &Report, style: &Style) -> String {
    let summary = report.summary();
    let mut parts = Vec::new();
    for severity in Severity::ALL {
        if let Some(n) = summary.by_severity.get(&severity) {
            parts.push(format!("{n} {}", style.severity(severity)));
        }
    }
    let findings = match summary.findings {
        0 => "No findings".to_string(),
        1 => format!("1 finding ({})", parts.join(", ")),
        n => format!("{n} findings ({})", parts.join(", ")),
    };
    let mut line = format!(
        "{findings} in {} object{} from {} file{}",
        report.objects,
        plural(report.objects),
        report.files,
        plural(report.files)
    );
    if summary.waived > 0 {
        let _ = write!(line, "; {} waived by exceptions", summary.waived);
    }
    let _ = write!(
        line,
        "; {} document{} skipped",
        report.skipped.len(),
        plural(report.skipped.len())
    );
    if !report.errors.is_empty() {
        let _ = write!(
            line,
            "; {} input error{}",
            report.errors.len(),
            plural(report.errors.len())
        );
    }
    line.push('.');
    style.bold(&line)
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}
