//! The quoted source line under a finding, and the carets that point into it.
//!
//! Several findings on one line share one quote (RBAC rules on `resources: ["*"]` often fire
//! five times), so a quote carries every mark on it. A finding on a missing field is located at
//! the field's nearest existing parent; its mark goes on that parent's key (or on the `-` of the
//! list item, or the `{` of a flow mapping), never on a neighbouring key such as the `name:` that
//! happens to open a container's mapping.

use std::fmt::Write as _;

use crate::quote::SourceQuote;

use super::style::{Style, clean, push_clean};

/// One span to underline, in characters of the quote's text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Mark {
    pub(crate) start: usize,
    pub(crate) width: usize,
    /// Said after the carets when the line has a single mark.
    pub(crate) label: Option<&'static str>,
}

/// Where the mark for a finding at `quote.caret` goes.
pub(crate) fn mark(quote: &SourceQuote, exact: bool) -> Mark {
    let chars: Vec<char> = quote.text.chars().collect();
    let caret = quote.caret.min(chars.len());
    let rest = chars.get(caret..).unwrap_or_default();
    let token = token_width(rest).max(1);
    if exact {
        return Mark {
            start: caret,
            width: token,
            label: None,
        };
    }
    // The parent is a flow collection (`{name: c}`, `{"name":"c"}`): mark its opening bracket.
    if matches!(rest.first(), Some('{' | '[')) {
        return Mark {
            start: caret,
            width: 1,
            label: Some("field is missing in this mapping"),
        };
    }
    // The parent is a block list item (`- name: c`): the location is its first key, which is
    // not what is wrong; the item's `-` is.
    let before = chars.get(..caret).unwrap_or_default();
    let trimmed = before.len() - before.iter().rev().take_while(|c| **c == ' ').count();
    if trimmed > 0
        && before.get(trimmed - 1) == Some(&'-')
        && (trimmed == 1 || before.get(trimmed - 2).is_some_and(|c| c.is_whitespace()))
    {
        return Mark {
            start: trimmed - 1,
            width: 1,
            label: Some("field is missing in this list item"),
        };
    }
    Mark {
        start: caret,
        width: token,
        label: Some("field is missing under this key"),
    }
}

/// The width (in characters) of the key or scalar that starts `text`: up to the `:` of a key, or
/// to the end of a flow item or of the text.
fn token_width(text: &[char]) -> usize {
    let stop = text
        .iter()
        .position(|c| matches!(c, ':' | '#' | ',' | '}' | ']'))
        .unwrap_or(text.len());
    let mut end = stop;
    while end > 0 && text.get(end - 1).is_some_and(|c| c.is_whitespace()) {
        end -= 1;
    }
    end
}

/// The quoted line (a window of it) with its line number, and a line of carets under it.
pub(crate) fn write_quote(
    out: &mut String,
    line: u32,
    quote: &SourceQuote,
    marks: &[Mark],
    style: &Style,
) {
    let number = line.to_string();
    let gutter = " ".repeat(number.len());
    let lead = if quote.clipped_before { "…" } else { "" };
    let tail = if quote.clipped_after { "…" } else { "" };
    let _ = writeln!(out, "{gutter} {}", style.dim("|"));
    let _ = writeln!(
        out,
        "{} {} {lead}{}{tail}",
        style.dim(&number),
        style.dim("|"),
        clean(quote.text.trim_end())
    );
    let mut carets = caret_line(&quote.text, marks);
    if let [
        Mark {
            label: Some(label), ..
        },
    ] = marks
    {
        let _ = write!(carets, " {label}");
    }
    // Under a clipped window's leading `…`, one column of space.
    let indent = " ".repeat(lead.chars().count());
    let _ = writeln!(
        out,
        "{gutter} {} {indent}{}",
        style.dim("|"),
        style.paint("1;31", &carets)
    );
}

/// Spaces (tabs where the text has tabs) up to each mark, carets under it. Widths are measured on
/// the text as printed, so a control character shown as `\u{1b}` gets a caret per column.
fn caret_line(text: &str, marks: &[Mark]) -> String {
    let end = marks.iter().map(|m| m.start + m.width).max().unwrap_or(0);
    let mut line = String::new();
    let mut shown = String::new();
    for (i, c) in text
        .chars()
        .chain(std::iter::repeat(' '))
        .take(end)
        .enumerate()
    {
        let marked = marks
            .iter()
            .any(|m| (m.start..m.start + m.width).contains(&i));
        shown.clear();
        push_clean(&mut shown, c);
        for _ in shown.chars() {
            line.push(match (marked, c) {
                (true, _) => '^',
                (false, '\t') => '\t',
                (false, _) => ' ',
            });
        }
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::quote::quote_line;

    fn marked(line: &str, column: u32, exact: bool) -> (String, Option<&'static str>) {
        let quote = quote_line(line, column, &[]);
        let m = mark(&quote, exact);
        (caret_line(&quote.text, std::slice::from_ref(&m)), m.label)
    }

    #[test]
    fn marks_sit_on_the_right_token() {
        let under_key = Some("field is missing under this key");
        let in_item = Some("field is missing in this list item");
        let in_mapping = Some("field is missing in this mapping");
        let cases: [(&str, u32, bool, &str, Option<&str>); 8] = [
            ("  privileged: true", 3, true, "  ^^^^^^^^^^", None),
            ("  resources: [\"*\"]", 15, true, "              ^^^", None),
            (
                "    securityContext:",
                5,
                false,
                "    ^^^^^^^^^^^^^^^",
                under_key,
            ),
            ("spec:", 1, false, "^^^^", under_key),
            ("  - name: c", 5, false, "  ^", in_item),
            ("- - name: c", 5, false, "  ^", in_item),
            ("  - {name: d, image: x}", 5, false, "    ^", in_mapping),
            ("\tkey:\tvalue", 2, true, "\t^^^", None),
        ];
        for (line, column, exact, carets, label) in cases {
            assert_eq!(
                marked(line, column, exact),
                (carets.to_string(), label),
                "{line}"
            );
        }
    }

    #[test]
    fn a_minus_in_a_key_is_not_a_list_item() {
        let (carets, label) = marked("  x-y: z", 3, false);
        assert_eq!(carets, "  ^^^");
        assert_eq!(label, Some("field is missing under this key"));
    }

    #[test]
    fn several_marks_share_one_caret_line() {
        let marks = [
            Mark {
                start: 2,
                width: 3,
                label: None,
            },
            Mark {
                start: 8,
                width: 1,
                label: None,
            },
        ];
        assert_eq!(caret_line("  abc: [x]", &marks), "  ^^^   ^");
    }

    #[test]
    fn control_characters_get_a_caret_per_printed_column() {
        let marks = [Mark {
            start: 0,
            width: 2,
            label: None,
        }];
        assert_eq!(caret_line("\u{1b}a: b", &marks), "^^^^^^^");
    }
}
