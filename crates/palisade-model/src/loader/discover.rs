//! Expanding the inputs a user named into the files to read, in a stable order.

use std::io::Read;
use std::path::{Path, PathBuf};

use super::{InputArg, LoadError};

/// One thing to read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    File(PathBuf),
    Stdin,
}

impl Source {
    pub fn display_path(&self) -> String {
        match self {
            Self::File(path) => path.display().to_string(),
            Self::Stdin => "<stdin>".to_string(),
        }
    }

    pub(crate) fn read(&self) -> std::io::Result<Vec<u8>> {
        match self {
            Self::File(path) => std::fs::read(path),
            Self::Stdin => {
                let mut bytes = Vec::new();
                std::io::stdin().lock().read_to_end(&mut bytes)?;
                Ok(bytes)
            }
        }
    }
}

/// Expands directories recursively (files ending in `.yaml`, `.yml` or `.json`, sorted by
/// name), following symbolic links but never around a loop. Files named explicitly are read
/// whatever their extension. Each problem becomes an error and the walk goes on.
pub fn discover(inputs: &[InputArg]) -> (Vec<Source>, Vec<LoadError>) {
    let mut sources = Vec::new();
    let mut errors = Vec::new();
    for input in inputs {
        match input {
            InputArg::Stdin => sources.push(Source::Stdin),
            InputArg::Path(path) if path.is_dir() => walk(path, &mut sources, &mut errors),
            InputArg::Path(path) if path.exists() => sources.push(Source::File(path.clone())),
            InputArg::Path(path) => errors.push(LoadError::Read {
                path: path.display().to_string(),
                reason: "no such file or directory".to_string(),
            }),
        }
    }
    (sources, errors)
}

fn walk(root: &Path, sources: &mut Vec<Source>, errors: &mut Vec<LoadError>) {
    // Hidden entries (`.git`, `.github`) hold no manifests to ship, as ripgrep assumes too.
    let walker = walkdir::WalkDir::new(root)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|entry| entry.depth() == 0 || !is_hidden(entry.file_name()));
    for entry in walker {
        match entry {
            Ok(entry) if entry.file_type().is_file() && is_manifest(entry.path()) => {
                sources.push(Source::File(entry.into_path()));
            }
            Ok(_) => {}
            Err(error) => {
                let path = error.path().unwrap_or(root).display().to_string();
                let reason = match error.loop_ancestor() {
                    Some(ancestor) => {
                        format!(
                            "symbolic link loop back to {} (not followed)",
                            ancestor.display()
                        )
                    }
                    None => error
                        .io_error()
                        .map_or_else(|| error.to_string(), std::string::ToString::to_string),
                };
                errors.push(LoadError::Read { path, reason });
            }
        }
    }
}

fn is_manifest(path: &Path) -> bool {
    path.extension().and_then(|e| e.to_str()).is_some_and(|e| {
        ["yaml", "yml", "json"]
            .iter()
            .any(|x| e.eq_ignore_ascii_case(x))
    })
}

fn is_hidden(name: &std::ffi::OsStr) -> bool {
    name.to_str().is_some_and(|n| n.starts_with('.'))
}
