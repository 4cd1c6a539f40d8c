//! Terminal styling shared by the text and compact renderers: ANSI colours when asked for, and
//! manifest text made safe to print.

use std::borrow::Cow;
use std::fmt::Write as _;

use palisade_rules::Severity;

pub(crate) struct Style {
    pub(crate) on: bool,
}

impl Style {
    pub(crate) fn paint(&self, code: &str, text: &str) -> String {
        if self.on {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }
    pub(crate) fn bold(&self, text: &str) -> String {
        self.paint("1", text)
    }
    pub(crate) fn dim(&self, text: &str) -> String {
        self.paint("2", text)
    }
    /// `position: label message`, a line about the input rather than a finding.
    pub(crate) fn diagnostic(
        &self,
        out: &mut String,
        position: &str,
        label: (&str, &str),
        message: &str,
    ) {
        let (code, text) = label;
        let _ = writeln!(
            out,
            "{}: {} {message}",
            self.bold(position),
            self.paint(code, text)
        );
    }
    pub(crate) fn severity(&self, severity: Severity) -> String {
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

/// Text from a manifest, made safe for a terminal: control characters (escape sequences that
/// could move the cursor, rewrite earlier lines or set the window title) and the Unicode
/// direction overrides that reorder what is shown are printed as `\u{..}` escapes instead.
pub(crate) fn clean(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_unsafe) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        push_clean(&mut out, c);
    }
    Cow::Owned(out)
}

/// One character as [`clean`] prints it.
pub(crate) fn push_clean(out: &mut String, c: char) {
    if is_unsafe(c) {
        let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
    } else {
        out.push(c);
    }
}

fn is_unsafe(c: char) -> bool {
    (c.is_control() && c != '\t')
        || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}' | '\u{061c}')
}

pub(crate) fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// `file:line:col`, `file:line` or `file`, as far as the position is known.
pub(crate) fn position(path: &str, line: Option<u32>, column: Option<u32>) -> String {
    match (line, column) {
        (Some(l), Some(c)) => format!("{path}:{l}:{c}"),
        (Some(l), None) => format!("{path}:{l}"),
        _ => path.to_string(),
    }
}
