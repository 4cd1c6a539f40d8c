//! Turns files, directories and standard input into [`Object`]s.
//!
//! Streams are split into documents the way `kubectl` splits them (a line that starts with
//! `---`, optionally followed by a comment), so one document that does not parse costs only that
//! document. JSON files may hold one value or several concatenated ones (NDJSON), and a broken
//! value costs only itself. `List` kinds are unpacked into their items. Everything that is not
//! an object is reported, never dropped. Text may be UTF-8 or, with a byte order mark, UTF-16.

mod decode;
mod discover;
mod json;
mod limits;
mod projects;
mod rendered;
mod split;
mod yaml;

use std::path::PathBuf;
use std::sync::Arc;

use serde_json::Value;

use crate::location::{Location, SourceMap};
use crate::object::{Object, Origin};

pub use discover::{
    Discovery, MAX_INPUT_BYTES, Source, WalkOptions, check_exclude, discover, discovery,
    discovery_with,
};
pub use projects::{Chart, Kustomization, Patch, normalize};

/// Why an input, or a part of it, could not be read.
#[derive(Debug, Clone, thiserror::Error)]
pub enum LoadError {
    /// The file or directory could not be read.
    #[error("{path}: cannot read: {reason}")]
    Read { path: String, reason: String },
    /// The file holds NUL bytes, so it is not a manifest.
    #[error("{path}: binary file (contains NUL bytes), not a manifest")]
    Binary { path: String },
    /// The file is not valid UTF-8.
    #[error("{path}: invalid UTF-8 at byte {offset}")]
    InvalidUtf8 { path: String, offset: usize },
    /// The file starts with a UTF-16 byte order mark but is not valid UTF-16.
    #[error("{path}: invalid UTF-16 at byte {offset}")]
    InvalidUtf16 { path: String, offset: usize },
    /// The path names something other than a file or directory: reading a FIFO would wait for
    /// a writer, and a device such as `/dev/zero` never ends.
    #[error(
        "{path}: not a regular file ({kind}); palisade reads files, directories and `-` for standard input"
    )]
    NotRegular { path: String, kind: String },
    /// The input holds more bytes than Palisade reads from one input.
    #[error("{path}: larger than {} MiB, the most palisade reads from one input", .limit / (1024 * 1024))]
    TooLarge { path: String, limit: u64 },
    /// A document is not valid YAML or JSON, or breaks a resource limit.
    #[error("{path}:{}: {message}", .location.map_or_else(|| "".to_string(), |l| format!("{}:{}", l.line, l.column)))]
    Parse {
        path: String,
        document: usize,
        location: Option<Location>,
        message: String,
    },
}

impl LoadError {
    pub fn path(&self) -> &str {
        match self {
            Self::Read { path, .. }
            | Self::Binary { path }
            | Self::InvalidUtf8 { path, .. }
            | Self::InvalidUtf16 { path, .. }
            | Self::NotRegular { path, .. }
            | Self::TooLarge { path, .. }
            | Self::Parse { path, .. } => path,
        }
    }

    pub fn location(&self) -> Option<Location> {
        match self {
            Self::Parse { location, .. } => *location,
            _ => None,
        }
    }
}

/// A document that parsed but is not a Kubernetes object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SkippedDocument {
    pub path: String,
    pub document: usize,
    pub item: Option<usize>,
    pub location: Location,
    pub reason: String,
}

/// Everything read from one input.
#[derive(Debug, Default)]
pub struct LoadedFile {
    /// The path as shown to the user.
    pub path: Arc<str>,
    /// The text, kept so that reports can quote the lines they point at.
    pub text: String,
    pub objects: Vec<Object>,
    pub skipped: Vec<SkippedDocument>,
    pub errors: Vec<LoadError>,
}

/// Reads and parses one source. Never fails as a whole: problems land in `errors`.
pub fn load(source: &Source) -> LoadedFile {
    let display: Arc<str> = Arc::from(source.display_path());
    match source.read() {
        Ok(bytes) => load_bytes(display, bytes),
        Err(error) => LoadedFile {
            errors: vec![error],
            path: display,
            ..LoadedFile::default()
        },
    }
}

/// Parses the bytes of one input named `path`.
pub fn load_bytes(path: Arc<str>, bytes: Vec<u8>) -> LoadedFile {
    let mut file = LoadedFile {
        path: path.clone(),
        ..LoadedFile::default()
    };
    let text = match decode::text(&path, bytes) {
        Ok(text) => text,
        Err(error) => {
            file.errors.push(error);
            return file;
        }
    };
    for chunk in split::documents(&text) {
        if let Some(problem) = chunk.problem {
            file.errors.push(LoadError::Parse {
                path: path.to_string(),
                document: chunk.index,
                location: Some(problem.location),
                message: problem.message,
            });
            continue;
        }
        match yaml::parse_documents(chunk.text, chunk.start) {
            Ok(documents) => {
                let template = rendered::template_source(chunk.text, chunk.start);
                for parsed in documents {
                    let map = Arc::new(SourceMap::new(parsed.root));
                    let origin = Origin {
                        path: file.path.clone(),
                        document: chunk.index,
                        item: None,
                        template: template.clone(),
                    };
                    add_document(&mut file, origin, parsed.value, map);
                }
            }
            Err(failure) => file.errors.push(LoadError::Parse {
                path: path.to_string(),
                document: chunk.index,
                location: failure.location.or(Some(chunk.start)),
                message: failure.message,
            }),
        }
    }
    file.text = text;
    file
}

fn add_document(file: &mut LoadedFile, origin: Origin, value: Value, map: Arc<SourceMap>) {
    let document = origin.document;
    let root = map.root();
    match Object::from_value(value, origin, map.clone(), String::new()) {
        Ok(object) if is_list(&object) => unpack_list(file, object, map),
        Ok(object) => file.objects.push(object),
        Err((value, reason)) => {
            let reason = if value.is_object() {
                reason
            } else {
                "it is not a mapping"
            };
            file.skipped.push(SkippedDocument {
                path: file.path.to_string(),
                document,
                item: None,
                location: root,
                reason: reason.to_string(),
            });
        }
    }
}

/// `v1/List` and every `*List` kind (`PodList`, `ConfigMapList`, ...) that has `items`.
fn is_list(object: &Object) -> bool {
    object.kind.ends_with("List") && object.value.get("items").is_some_and(Value::is_array)
}

fn unpack_list(file: &mut LoadedFile, mut list: Object, map: Arc<SourceMap>) {
    let items = match list.value.get_mut("items") {
        Some(Value::Array(items)) => std::mem::take(items),
        _ => return,
    };
    for (index, item) in items.into_iter().enumerate() {
        let base = format!("/items/{index}");
        let origin = Origin {
            path: file.path.clone(),
            document: list.origin.document,
            item: Some(index),
            template: list.origin.template.clone(),
        };
        match Object::from_value(item, origin, map.clone(), base.clone()) {
            Ok(object) => file.objects.push(object),
            Err((_, reason)) => file.skipped.push(SkippedDocument {
                path: file.path.to_string(),
                document: list.origin.document,
                item: Some(index),
                location: map.resolve(&base).location,
                reason: reason.to_string(),
            }),
        }
    }
}

/// Convenience for tests and tools: parse text as if it were a file at `path`.
pub fn load_str(path: &str, text: &str) -> LoadedFile {
    load_bytes(Arc::from(path), text.as_bytes().to_vec())
}

/// Paths given on the command line, before they are expanded.
#[derive(Debug, Clone)]
pub enum InputArg {
    Path(PathBuf),
    Stdin,
    /// Standard input, named in reports as given (`--stdin-name`).
    NamedStdin(String),
}

#[cfg(test)]
mod input_tests;
#[cfg(test)]
mod tests;
