//! Splitting concatenated JSON values (NDJSON, `jq` output) into one chunk per value, in one
//! pass over the text.
//!
//! The scanner only finds where each value ends (brackets, strings and their escapes); serde_json
//! then checks each value on its own, so a broken value costs only itself. After a broken value,
//! scanning resumes at the next line that begins with `{` or `[`, which is where the next NDJSON
//! record or `jq`-printed value starts. Positions are counted as the scanner moves, never by
//! re-reading the text before a value, so the work is linear in the size of the file.

use super::split::{Chunk, Problem};
use crate::location::Location;

/// How many times the length of the text the scanner may read in all. A valid stream is read
/// once; recovering from a value that is never closed re-reads what follows it once, and this
/// bound keeps a file made of such values linear too.
const SCAN_BUDGET_FACTOR: usize = 3;

/// Splits `text` into its JSON values. Broken values come back as chunks with a problem.
pub(crate) fn values(text: &str) -> Vec<Chunk<'_>> {
    let mut scanner = Scanner::new(text);
    let mut chunks = Vec::new();
    loop {
        scanner.skip_whitespace();
        let start = scanner.mark();
        if scanner.peek().is_none() {
            break;
        }
        if scanner.budget == 0 {
            let problem = Problem {
                message: "too many broken JSON values to recover from; the rest of the file is \
                          not read"
                    .to_string(),
                location: start.location(),
            };
            push_broken(&mut chunks, text, start, text.len(), problem);
            break;
        }
        match scanner.scan_value() {
            Scanned::Value => {
                let end = scanner.mark();
                if !push_value(&mut chunks, text, start, end.pos) {
                    scanner.resync();
                }
            }
            Scanned::Broken(problem) => {
                push_broken(&mut chunks, text, start, scanner.pos, problem);
                scanner.resync();
            }
            Scanned::Unterminated(candidates) => {
                if !recover(&mut chunks, text, start, &candidates, &mut scanner) {
                    break;
                }
            }
        }
    }
    chunks
}

/// A value that starts at `start` is never closed. Reports it, then keeps the values that start
/// at the beginning of a line inside it and are closed (an NDJSON record after a truncated one).
/// Returns false when nothing after it can be recovered.
fn recover<'a>(
    chunks: &mut Vec<Chunk<'a>>,
    text: &'a str,
    start: Mark,
    candidates: &[Candidate],
    scanner: &mut Scanner<'_>,
) -> bool {
    let opener = text
        .as_bytes()
        .get(start.pos)
        .map_or('{', |b| char::from(*b));
    let problem = Problem {
        message: format!("invalid JSON: the `{opener}` that opens this value is never closed"),
        location: start.location(),
    };
    let mut closed = candidates
        .iter()
        .filter_map(|c| c.end.map(|end| (c.start, end)));
    let Some(first) = closed.next() else {
        push_broken(chunks, text, start, text.len(), problem);
        return false;
    };
    push_broken(chunks, text, start, first.0.pos, problem);
    let mut last = first.1;
    push_value(chunks, text, first.0, first.1.pos);
    for (from, to) in closed {
        // A closed candidate inside the previous one belongs to it.
        if from.pos < last.pos {
            continue;
        }
        push_value(chunks, text, from, to.pos);
        last = to;
    }
    scanner.seek(last);
    true
}

/// Checks one value with serde_json and adds it; false when it is not valid JSON.
fn push_value<'a>(chunks: &mut Vec<Chunk<'a>>, text: &'a str, start: Mark, end: usize) -> bool {
    let value = text.get(start.pos..end).unwrap_or_default();
    let problem = serde_json::from_str::<serde::de::IgnoredAny>(value)
        .err()
        .map(|error| json_problem(value, start.location(), &error));
    let valid = problem.is_none();
    chunks.push(Chunk {
        index: chunks.len(),
        start: start.location(),
        text: value,
        problem,
    });
    valid
}

fn push_broken<'a>(
    chunks: &mut Vec<Chunk<'a>>,
    text: &'a str,
    start: Mark,
    end: usize,
    problem: Problem,
) {
    chunks.push(Chunk {
        index: chunks.len(),
        start: start.location(),
        text: text.get(start.pos..end).unwrap_or_default(),
        problem: Some(problem),
    });
}

/// serde_json's error in the user's terms, at its place in the file.
fn json_problem(value: &str, start: Location, error: &serde_json::Error) -> Problem {
    let rendered = error.to_string();
    // The position is reported separately.
    let message = rendered
        .rfind(" at line ")
        .map_or(rendered.as_str(), |at| &rendered[..at]);
    let line = error.line().max(1);
    let line_text = value.split('\n').nth(line - 1).unwrap_or_default();
    // serde_json counts columns in bytes, editors in characters.
    let bytes = error.column().saturating_sub(1).min(line_text.len());
    let chars = line_text.as_bytes()[..bytes]
        .iter()
        .filter(|b| !is_continuation(**b))
        .count();
    let column = u32::try_from(chars).unwrap_or(u32::MAX).saturating_add(1);
    let line_offset = u32::try_from(line - 1).unwrap_or(u32::MAX);
    Problem {
        message: format!("invalid JSON: {message}"),
        location: Location {
            line: start.line.saturating_add(line_offset),
            column: if line == 1 {
                column.saturating_add(start.column - 1)
            } else {
                column
            },
        },
    }
}

fn is_continuation(byte: u8) -> bool {
    byte & 0xC0 == 0x80
}

/// A position in the text with its line and column (in characters), both from 1.
#[derive(Clone, Copy, Debug)]
struct Mark {
    pos: usize,
    line: u32,
    column: u32,
}

impl Mark {
    fn location(self) -> Location {
        Location {
            line: self.line,
            column: self.column,
        }
    }
}

/// An opening bracket at the start of a line inside a value, and where its value closes.
struct Candidate {
    start: Mark,
    end: Option<Mark>,
}

enum Scanned {
    /// A value ends at the scanner's position (it may still be invalid JSON).
    Value,
    /// The value is broken where the problem says.
    Broken(Problem),
    /// The text ended inside the value.
    Unterminated(Vec<Candidate>),
}

struct Scanner<'a> {
    bytes: &'a [u8],
    pos: usize,
    line: u32,
    column: u32,
    /// Bytes the scanner may still read.
    budget: usize,
}

impl<'a> Scanner<'a> {
    fn new(text: &'a str) -> Self {
        Self {
            bytes: text.as_bytes(),
            pos: 0,
            line: 1,
            column: 1,
            budget: text.len().saturating_mul(SCAN_BUDGET_FACTOR),
        }
    }

    fn mark(&self) -> Mark {
        Mark {
            pos: self.pos,
            line: self.line,
            column: self.column,
        }
    }

    fn seek(&mut self, mark: Mark) {
        self.pos = mark.pos;
        self.line = mark.line;
        self.column = mark.column;
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn bump(&mut self) -> Option<u8> {
        let byte = self.peek()?;
        self.pos += 1;
        self.budget = self.budget.saturating_sub(1);
        if byte == b'\n' {
            self.line = self.line.saturating_add(1);
            self.column = 1;
        } else if !is_continuation(byte) {
            self.column = self.column.saturating_add(1);
        }
        Some(byte)
    }

    fn at_line_start(&self) -> bool {
        self.column == 1
    }

    fn skip_whitespace(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.bump();
        }
    }

    /// Moves to the next line that begins with `{` or `[`, or to the end.
    fn resync(&mut self) {
        loop {
            if self.at_line_start() && matches!(self.peek(), Some(b'{' | b'[')) {
                return;
            }
            if self.bump().is_none() {
                return;
            }
        }
    }

    /// Scans one value that starts at a non-blank byte.
    fn scan_value(&mut self) -> Scanned {
        let start = self.mark();
        match self.peek() {
            Some(b'{' | b'[') => self.scan_container(),
            Some(b'"') => {
                self.bump();
                match self.skip_string(start) {
                    Ok(()) => Scanned::Value,
                    Err(problem) => Scanned::Broken(problem),
                }
            }
            _ => {
                // A number, a literal or stray text: up to the next blank or value start.
                self.bump();
                while let Some(byte) = self.peek() {
                    if matches!(byte, b' ' | b'\t' | b'\n' | b'\r' | b'{' | b'[' | b'"') {
                        break;
                    }
                    self.bump();
                }
                Scanned::Value
            }
        }
    }

    fn scan_container(&mut self) -> Scanned {
        // The closing bracket each open one expects, and its candidate index if it opened a
        // line inside the value.
        let mut stack: Vec<(u8, Option<usize>)> = Vec::new();
        let mut candidates: Vec<Candidate> = Vec::new();
        loop {
            let line_start = self.at_line_start();
            let here = self.mark();
            let Some(byte) = self.bump() else {
                return Scanned::Unterminated(candidates);
            };
            match byte {
                b'"' => {
                    if let Err(problem) = self.skip_string(here) {
                        return Scanned::Broken(problem);
                    }
                }
                b'{' | b'[' => {
                    let candidate = (line_start && !stack.is_empty()).then(|| {
                        candidates.push(Candidate {
                            start: here,
                            end: None,
                        });
                        candidates.len() - 1
                    });
                    stack.push((if byte == b'{' { b'}' } else { b']' }, candidate));
                }
                b'}' | b']' => match stack.pop() {
                    Some((expected, candidate)) if expected == byte => {
                        if let Some(c) = candidate.and_then(|i| candidates.get_mut(i)) {
                            c.end = Some(self.mark());
                        }
                        if stack.is_empty() {
                            return Scanned::Value;
                        }
                    }
                    Some((expected, _)) => {
                        return Scanned::Broken(Problem {
                            message: format!(
                                "invalid JSON: expected `{}` but found `{}`",
                                char::from(expected),
                                char::from(byte)
                            ),
                            location: here.location(),
                        });
                    }
                    // The scan returns as soon as the stack empties, so this is never reached.
                    None => return Scanned::Value,
                },
                _ => {}
            }
        }
    }

    /// Skips the rest of a string whose opening quote is at `open`.
    fn skip_string(&mut self, open: Mark) -> Result<(), Problem> {
        let unclosed = |message: &str| Problem {
            message: format!("invalid JSON: {message}"),
            location: open.location(),
        };
        loop {
            match self.bump() {
                None => return Err(unclosed("string is never closed")),
                Some(b'"') => return Ok(()),
                // JSON strings cannot hold a line break, so a string still open at the end of
                // its line is broken, and the next line may well be a good record.
                Some(b'\n') => return Err(unclosed("string is not closed on its line")),
                Some(b'\\') => {
                    if self.peek() == Some(b'\n') {
                        return Err(unclosed("string is not closed on its line"));
                    }
                    self.bump();
                }
                Some(_) => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn summary(text: &str) -> Vec<(u32, u32, Option<String>)> {
        values(text)
            .into_iter()
            .map(|c| (c.start.line, c.start.column, c.problem.map(|p| p.message)))
            .collect()
    }

    #[test]
    fn values_on_one_line_and_over_several_are_split() {
        let text = "{\"a\": \"}\"} [1, {\"b\": \"\\\"\"}]\n  {\"c\":\n  2}\n\"s\" 7 true";
        let chunks = values(text);
        let texts: Vec<_> = chunks.iter().map(|c| c.text).collect();
        assert_eq!(
            texts,
            [
                "{\"a\": \"}\"}",
                "[1, {\"b\": \"\\\"\"}]",
                "{\"c\":\n  2}",
                "\"s\"",
                "7",
                "true"
            ]
        );
        let starts: Vec<_> = chunks
            .iter()
            .map(|c| (c.start.line, c.start.column))
            .collect();
        assert_eq!(starts, [(1, 1), (1, 12), (2, 3), (4, 1), (4, 5), (4, 7)]);
        assert!(chunks.iter().all(|c| c.problem.is_none()));
    }

    #[test]
    fn columns_count_characters_not_bytes() {
        let chunks = values("{\"é\": \"ü\"} {}");
        assert_eq!((chunks[1].start.line, chunks[1].start.column), (1, 12));
    }

    #[test]
    fn a_broken_record_costs_only_itself() {
        // Each text, and per chunk its line, column and problem.
        type Expected<'a> = &'a [(u32, u32, Option<&'a str>)];
        let cases: &[(&str, Expected<'_>)] = &[
            (
                "{\"a\": 1}\n{\"b\": 1,,}\n{\"c\": 1}\n",
                &[
                    (1, 1, None),
                    (2, 1, Some("invalid JSON: key must be a string")),
                    (3, 1, None),
                ],
            ),
            (
                "{\"a\": 1}\n{\"b\": \"x}\n{\"c\": 1}\n",
                &[
                    (1, 1, None),
                    (2, 1, Some("invalid JSON: string is not closed on its line")),
                    (3, 1, None),
                ],
            ),
            (
                "{\"a\": [1}\n{\"c\": 1}\n",
                &[
                    (1, 1, Some("invalid JSON: expected `]` but found `}`")),
                    (2, 1, None),
                ],
            ),
            (
                "{\"a\": 1\n{\"b\": 2}\n{\"c\": 3}\n",
                &[
                    (
                        1,
                        1,
                        Some("invalid JSON: the `{` that opens this value is never closed"),
                    ),
                    (2, 1, None),
                    (3, 1, None),
                ],
            ),
            (
                "{\"a\": 1}\n{\"b\": [\n",
                &[
                    (1, 1, None),
                    (
                        2,
                        1,
                        Some("invalid JSON: the `{` that opens this value is never closed"),
                    ),
                ],
            ),
            (
                "{\"a\": 1}}\n{\"b\": 2}\n",
                &[
                    (1, 1, None),
                    (1, 9, Some("invalid JSON: expected value")),
                    (2, 1, None),
                ],
            ),
        ];
        for (text, expected) in cases {
            let expected: Vec<_> = expected
                .iter()
                .map(|(l, c, m)| (*l, *c, m.map(str::to_string)))
                .collect();
            assert_eq!(summary(text), expected, "{text:?}");
        }
    }

    #[test]
    fn an_invalid_value_reports_the_position_in_the_file() {
        let text = "{\"a\": 1}\n{\"a\": 1}  {\"b\": tru}\n";
        let chunks = values(text);
        let problem = chunks[2].problem.as_ref().map(|p| p.location);
        // serde_json notices the bad literal `tru` at the `}` after it.
        assert_eq!(
            problem,
            Some(Location {
                line: 2,
                column: 20
            })
        );
    }

    #[test]
    fn unclosed_values_everywhere_stay_linear_and_end() {
        let text = "{\n".repeat(10_000);
        let chunks = values(&text);
        assert_eq!(chunks.len(), 1);
        assert!(chunks[0].problem.is_some());
    }
}
