//! Splitting a stream into documents, as `kubectl` does.
//!
//! Splitting before parsing means a syntax error in one document cannot hide the documents
//! after it, and each document is parsed with its own resource budget.

use super::{json, yaml};
use crate::location::Location;

/// One document of a stream.
pub(crate) struct Chunk<'a> {
    /// 0-based document index in the file.
    pub(crate) index: usize,
    /// Where the chunk's text starts in the file.
    pub(crate) start: Location,
    pub(crate) text: &'a str,
    /// Set when splitting already found that the chunk does not parse.
    pub(crate) problem: Option<Problem>,
}

/// Why a chunk does not parse, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Problem {
    pub(crate) message: String,
    pub(crate) location: Location,
}

/// Splits YAML at separator lines (`---` alone or followed by a comment), or a JSON text into
/// its concatenated values.
///
/// A text that starts with `{` or `[` is JSON unless its first value is broken JSON but good
/// YAML (a flow-style YAML document), so a broken first record of an NDJSON file is reported
/// as JSON and the records after it still load.
pub(crate) fn documents(text: &str) -> Vec<Chunk<'_>> {
    if !looks_like_json(text) {
        return yaml_documents(text);
    }
    let chunks = json::values(text);
    if chunks.first().is_some_and(|c| c.problem.is_some()) {
        let yaml = yaml_documents(text);
        if yaml
            .first()
            .is_some_and(|c| yaml::parse_documents(c.text, c.start).is_ok())
        {
            return yaml;
        }
    }
    chunks
}

fn looks_like_json(text: &str) -> bool {
    text.trim_start().starts_with(['{', '['])
}

fn yaml_documents(text: &str) -> Vec<Chunk<'_>> {
    let mut chunks = Vec::new();
    let mut start = 0usize;
    let mut start_line = 1u32;
    let mut offset = 0usize;
    for (line_no, line) in (1u32..).zip(text.split_inclusive('\n')) {
        if is_separator(line) {
            chunks.push(yaml_chunk(chunks.len(), start_line, &text[start..offset]));
            // The separator line itself stays out of both documents.
            start = offset + line.len();
            start_line = line_no + 1;
        }
        offset += line.len();
    }
    chunks.push(yaml_chunk(chunks.len(), start_line, &text[start..]));
    chunks
}

fn yaml_chunk(index: usize, line: u32, text: &str) -> Chunk<'_> {
    Chunk {
        index,
        start: Location { line, column: 1 },
        text,
        problem: None,
    }
}

fn is_separator(line: &str) -> bool {
    match line.strip_prefix("---") {
        Some(rest) => {
            let rest = rest.trim();
            rest.is_empty() || rest.starts_with('#')
        }
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn separators_with_comments_split_and_others_do_not() {
        let text = "a: 1\n--- # next\nb: 2\n---\nc: 3\n---not: a separator\n";
        let chunks = documents(text);
        let texts: Vec<_> = chunks.iter().map(|c| c.text).collect();
        assert_eq!(texts, ["a: 1\n", "b: 2\n", "c: 3\n---not: a separator\n"]);
        let lines: Vec<_> = chunks.iter().map(|c| c.start.line).collect();
        assert_eq!(lines, [1, 3, 5]);
    }

    #[test]
    fn concatenated_json_values_are_separate_documents() {
        let text = "{\"a\": 1}\n\n{\"b\": [1,\n 2]}\n";
        let chunks = documents(text);
        let texts: Vec<_> = chunks.iter().map(|c| c.text).collect();
        assert_eq!(texts, ["{\"a\": 1}", "{\"b\": [1,\n 2]}"]);
        assert_eq!(chunks[1].start.line, 3);
    }
}
