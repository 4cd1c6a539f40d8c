//! The piece of a source line a report quotes: a window around the finding's column, with the
//! values of secrets on that line replaced.
//!
//! A report must never be bigger than a few lines per finding (a minified JSON file is one
//! line of megabytes) and must never print the secret a finding is about: the report ends up
//! in CI logs and in code-scanning dashboards that far more people read than the manifests.

/// What replaces a secret's value in a quote.
pub const REDACTED: &str = "[redacted]";

/// Characters quoted before the finding's column.
const BEFORE: usize = 40;
/// Characters quoted from the finding's column on.
const AFTER: usize = 80;

/// A quoted window of a source line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SourceQuote {
    /// The quoted text, without the line break.
    pub text: String,
    /// Where the finding's column is in `text`, in characters from 0.
    pub caret: usize,
    /// Whether the line goes on before or after the window.
    pub clipped_before: bool,
    pub clipped_after: bool,
}

/// Quotes `line` around the 1-based character `column`, first replacing the value that starts
/// at each of `secret_columns` (1-based) with [`REDACTED`].
pub fn quote_line(line: &str, column: u32, secret_columns: &[u32]) -> SourceQuote {
    QuotableLine::new(line, secret_columns).quote(column)
}

/// A line prepared once for many quotes: a minified file is one line with a finding every few
/// hundred bytes, so each quote must cost the size of its window, not of the line.
#[derive(Debug)]
pub struct QuotableLine<'a> {
    text: &'a str,
    /// Byte offset of every character, unless the line is ASCII (then they are the same).
    char_starts: Option<Vec<usize>>,
    /// Byte ranges of secret values, sorted and disjoint.
    secrets: Vec<(usize, usize)>,
}

impl<'a> QuotableLine<'a> {
    pub fn new(line: &'a str, secret_columns: &[u32]) -> Self {
        let text = line.trim_end_matches(['\r', '\n']);
        let char_starts = (!text.is_ascii()).then(|| text.char_indices().map(|(i, _)| i).collect());
        let mut this = Self {
            text,
            char_starts,
            secrets: Vec::new(),
        };
        let mut spans: Vec<(usize, usize)> = secret_columns
            .iter()
            .filter_map(|&c| value_span(text.as_bytes(), this.byte_of(to_index(c))?, true))
            .collect();
        spans.sort_unstable();
        for (start, end) in spans {
            match this.secrets.last_mut() {
                Some(last) if start < last.1 => last.1 = last.1.max(end),
                _ => this.secrets.push((start, end)),
            }
        }
        this
    }

    fn char_count(&self) -> usize {
        self.char_starts.as_ref().map_or(self.text.len(), Vec::len)
    }

    /// The byte offset of a character index; the line's length for one past the end.
    fn byte_of(&self, index: usize) -> Option<usize> {
        match &self.char_starts {
            None => (index <= self.text.len()).then_some(index),
            Some(starts) => starts
                .get(index)
                .copied()
                .or_else(|| (index == starts.len()).then_some(self.text.len())),
        }
    }

    /// The window around the 1-based character `column`.
    pub fn quote(&self, column: u32) -> SourceQuote {
        let count = self.char_count();
        let caret_char = to_index(column).min(count);
        let first_char = caret_char.saturating_sub(BEFORE);
        let last_char = caret_char.saturating_add(AFTER).min(count);
        let byte = |index: usize| self.byte_of(index).unwrap_or(self.text.len());
        let (first, caret_byte, last) = (byte(first_char), byte(caret_char), byte(last_char));

        let mut text = String::new();
        let mut caret = None;
        let mut at = first;
        let mut secrets = self
            .secrets
            .iter()
            .skip_while(|(_, end)| *end <= first)
            .peekable();
        while at < last {
            if let Some(&&(start, end)) = secrets.peek()
                && start <= at
            {
                if (start..end).contains(&caret_byte) {
                    caret = Some(text.chars().count());
                }
                text.push_str(REDACTED);
                at = end;
                secrets.next();
                continue;
            }
            let stop = secrets.peek().map_or(last, |(start, _)| (*start).min(last));
            let piece = self.text.get(at..stop).unwrap_or_default();
            if caret.is_none() && (at..stop).contains(&caret_byte) {
                let before = self.text.get(at..caret_byte).unwrap_or_default();
                caret = Some(text.chars().count() + before.chars().count());
            }
            text.push_str(piece);
            at = stop;
        }
        let caret = caret.unwrap_or_else(|| text.chars().count());
        SourceQuote {
            text,
            caret,
            clipped_before: first > 0,
            clipped_after: at < self.text.len(),
        }
    }
}

fn to_index(column: u32) -> usize {
    usize::try_from(column.saturating_sub(1)).unwrap_or(usize::MAX)
}

/// The bytes `start..end` of the value at `at`: a quoted scalar with its quotes, the value after
/// `key:` when `at` is a key, or a plain scalar to the end of the line. `None` when there is no
/// value on this line (a block scalar's `|` or `>`, or nothing). Only what starts at a finding's
/// own position may be a key; a value's text is never split at a `: ` inside it. Every
/// delimiter looked for is ASCII, so the offsets are character boundaries.
fn value_span(line: &[u8], at: usize, may_be_key: bool) -> Option<(usize, usize)> {
    let first = *line.get(at)?;
    if first == b'"' || first == b'\'' {
        let end = closing_quote(line, at, first).map_or(line.len(), |i| i + 1);
        // A quoted key (`"password": "x"`) is followed by its value.
        return match after_key(line, end).filter(|_| may_be_key) {
            Some(value) => value_span(line, value, false),
            None => Some((at, end)),
        };
    }
    if may_be_key && let Some(value) = after_key(line, plain_key_end(line, at)) {
        return value_span(line, value, false);
    }
    if first == b'|' || first == b'>' {
        return None;
    }
    let end = line.len()
        - line
            .iter()
            .rev()
            .take_while(|c| c.is_ascii_whitespace())
            .count();
    (end > at).then_some((at, end))
}

/// The closing quote of a quoted scalar opened at `open`: `\"` escapes in double quotes, `''`
/// in single quotes.
fn closing_quote(line: &[u8], open: usize, quote: u8) -> Option<usize> {
    let mut i = open + 1;
    while let Some(&c) = line.get(i) {
        if quote == b'"' && c == b'\\' {
            i += 2;
            continue;
        }
        if c == quote {
            if quote == b'\'' && line.get(i + 1) == Some(&b'\'') {
                i += 2;
                continue;
            }
            return Some(i);
        }
        i += 1;
    }
    None
}

/// Where a plain key starting at `at` ends: the first `:` followed by a space or the line's end.
fn plain_key_end(line: &[u8], at: usize) -> usize {
    // Keys are short (a ConfigMap key is at most 253 bytes); a value is never searched through.
    (at..line.len().min(at + 512))
        .find(|&i| {
            line.get(i) == Some(&b':') && line.get(i + 1).is_none_or(u8::is_ascii_whitespace)
        })
        .unwrap_or(line.len())
}

/// If `line[end]` is the `:` after a key, where its value starts (`None` if it has none here).
fn after_key(line: &[u8], end: usize) -> Option<usize> {
    let mut i = end;
    while line.get(i) == Some(&b' ') {
        i += 1;
    }
    if line.get(i) != Some(&b':') {
        return None;
    }
    i += 1;
    while line.get(i).is_some_and(u8::is_ascii_whitespace) {
        i += 1;
    }
    (i < line.len()).then_some(i)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn quoted(line: &str, column: u32, secrets: &[u32]) -> (String, usize) {
        let q = quote_line(line, column, secrets);
        (q.text, q.caret)
    }

    #[test]
    fn values_of_secrets_are_redacted_in_every_scalar_style() {
        let cases = [
            ("    value: hunter2-prod", 12, "    value: [redacted]"),
            (
                "    value: \"hunter2 prod\"  # note",
                12,
                "    value: [redacted]  # note",
            ),
            ("    value: 'it''s secret'", 12, "    value: [redacted]"),
            ("  password: hunter2", 3, "  password: [redacted]"),
            (
                "  \"password\": \"hunter2\",",
                3,
                "  \"password\": [redacted],",
            ),
            (
                "{\"name\":\"X\",\"value\":\"AKIAIOSFODNN7EXAMPLE\"}",
                21,
                "{\"name\":\"X\",\"value\":[redacted]}",
            ),
            ("    value: a: b", 5, "    value: [redacted]"),
            ("  config.properties: |", 3, "  config.properties: |"),
            (
                "- {name: TOKEN, value: ghp_abc}",
                24,
                "- {name: TOKEN, value: [redacted]",
            ),
        ];
        for (line, column, expected) in cases {
            assert_eq!(quote_line(line, column, &[column]).text, expected, "{line}");
        }
    }

    #[test]
    fn the_caret_follows_the_text_around_a_redaction() {
        let line = "{\"value\":\"secret-secret-secret\",\"privileged\":true}";
        let privileged = u32::try_from(line.find("\"privileged").unwrap() + 1).unwrap();
        let (text, caret) = quoted(line, privileged, &[10]);
        assert_eq!(text, "{\"value\":[redacted],\"privileged\":true}");
        assert_eq!(&text[caret..caret + 11], "\"privileged");
    }

    #[test]
    fn long_lines_are_quoted_as_a_window_around_the_column() {
        let line = format!("{}TARGET{}", "a".repeat(10_000), "b".repeat(10_000));
        let q = quote_line(&line, 10_001, &[]);
        assert!(q.clipped_before && q.clipped_after);
        assert_eq!(q.text.chars().count(), BEFORE + AFTER);
        assert_eq!(&q.text[q.caret..q.caret + 6], "TARGET");
        let short = quote_line("  privileged: true", 3, &[]);
        assert_eq!(short.text, "  privileged: true");
        assert!(!short.clipped_before && !short.clipped_after);
    }

    #[test]
    fn columns_past_the_end_and_multibyte_text_do_not_panic() {
        for (line, column) in [("", 1), ("x", 0), ("ä: ü", 99), ("日本語: 値", 4)] {
            let q = quote_line(line, column, &[column]);
            assert!(q.caret <= q.text.chars().count(), "{line}");
        }
    }
}
