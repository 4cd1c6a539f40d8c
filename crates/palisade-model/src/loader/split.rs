//! Splitting a stream into documents, as `kubectl` does.
//!
//! Splitting before parsing means a syntax error in one document cannot hide the documents
//! after it, and each document is parsed with its own resource budget.

/// One document of a stream.
pub(crate) struct Chunk<'a> {
    /// 0-based document index in the file.
    pub(crate) index: usize,
    /// The line (1-based) at which the chunk's text starts in the file.
    pub(crate) first_line: u32,
    pub(crate) text: &'a str,
}

/// Splits YAML at separator lines (`---` alone or followed by a comment), or a JSON text into
/// its concatenated values.
pub(crate) fn documents(text: &str) -> Vec<Chunk<'_>> {
    if looks_like_json(text)
        && let Some(chunks) = json_values(text)
    {
        return chunks;
    }
    yaml_documents(text)
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
            chunks.push(Chunk {
                index: chunks.len(),
                first_line: start_line,
                text: &text[start..offset],
            });
            // The separator line itself stays out of both documents.
            start = offset + line.len();
            start_line = line_no + 1;
        }
        offset += line.len();
    }
    chunks.push(Chunk {
        index: chunks.len(),
        first_line: start_line,
        text: &text[start..],
    });
    chunks
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

/// Splits concatenated JSON values; `None` when the text is not JSON after all, so the YAML
/// parser can report the problem with its position.
fn json_values(text: &str) -> Option<Vec<Chunk<'_>>> {
    let mut chunks = Vec::new();
    let mut stream = serde_json::Deserializer::from_str(text).into_iter::<serde::de::IgnoredAny>();
    let mut start = 0usize;
    loop {
        match stream.next() {
            None => break,
            Some(Ok(_)) => {
                let end = stream.byte_offset();
                let value_start =
                    start + text[start..end].len() - text[start..end].trim_start().len();
                let first_line = line_of(text, value_start);
                chunks.push(Chunk {
                    index: chunks.len(),
                    first_line,
                    text: &text[value_start..end],
                });
                start = end;
            }
            Some(Err(_)) => return None,
        }
    }
    Some(chunks)
}

fn line_of(text: &str, offset: usize) -> u32 {
    let newlines = text.as_bytes()[..offset]
        .iter()
        .filter(|b| **b == b'\n')
        .count();
    u32::try_from(newlines).unwrap_or(u32::MAX - 1) + 1
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
        let lines: Vec<_> = chunks.iter().map(|c| c.first_line).collect();
        assert_eq!(lines, [1, 3, 5]);
    }

    #[test]
    fn concatenated_json_values_are_separate_documents() {
        let text = "{\"a\": 1}\n\n{\"b\": [1,\n 2]}\n";
        let chunks = documents(text);
        let texts: Vec<_> = chunks.iter().map(|c| c.text).collect();
        assert_eq!(texts, ["{\"a\": 1}", "{\"b\": [1,\n 2]}"]);
        assert_eq!(chunks[1].first_line, 3);
    }
}
