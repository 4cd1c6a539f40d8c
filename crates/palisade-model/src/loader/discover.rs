//! Expanding the inputs a user named into the files to read, in a stable order, and reading
//! them within bounds.

use std::fs::{File, Metadata};
use std::io::Read;
use std::path::{Path, PathBuf};

use super::{InputArg, LoadError};

/// The most bytes read from one input, standard input included. Real manifests are far
/// smaller (the largest file in the corpus is under 2 MiB); the cap keeps a device such as
/// `/dev/zero` piped to standard input from exhausting memory.
pub const MAX_INPUT_BYTES: u64 = 256 * 1024 * 1024;

/// One thing to read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    File(PathBuf),
    /// Standard input, shown as `<stdin>` or under the name given.
    Stdin(Option<String>),
}

impl Source {
    pub fn display_path(&self) -> String {
        match self {
            Self::File(path) => path.display().to_string(),
            Self::Stdin(None) => "<stdin>".to_string(),
            Self::Stdin(Some(name)) => name.clone(),
        }
    }

    /// Reads the whole input, at most [`MAX_INPUT_BYTES`] of it.
    pub(crate) fn read(&self) -> Result<Vec<u8>, LoadError> {
        let display = self.display_path();
        match self {
            Self::File(path) => {
                // Checked before opening: opening a FIFO waits for a writer.
                let metadata = std::fs::metadata(path).map_err(|e| read_error(&display, &e))?;
                ensure_regular(&display, &metadata)?;
                let file = File::open(path).map_err(|e| read_error(&display, &e))?;
                // Checked again on what was opened, in case the path changed in between.
                let metadata = file.metadata().map_err(|e| read_error(&display, &e))?;
                ensure_regular(&display, &metadata)?;
                read_capped(file, &display, MAX_INPUT_BYTES, metadata.len())
            }
            Self::Stdin(_) => read_capped(std::io::stdin().lock(), &display, MAX_INPUT_BYTES, 0),
        }
    }
}

/// Reads to the end, or fails once more than `cap` bytes have come.
pub(crate) fn read_capped(
    reader: impl Read,
    path: &str,
    cap: u64,
    size_hint: u64,
) -> Result<Vec<u8>, LoadError> {
    let mut bytes = Vec::with_capacity(usize::try_from(size_hint.min(cap)).unwrap_or(0));
    reader
        .take(cap.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| read_error(path, &e))?;
    if u64::try_from(bytes.len()).unwrap_or(u64::MAX) > cap {
        return Err(LoadError::TooLarge {
            path: path.to_string(),
            limit: cap,
        });
    }
    Ok(bytes)
}

fn read_error(path: &str, error: &std::io::Error) -> LoadError {
    LoadError::Read {
        path: path.to_string(),
        reason: error.to_string(),
    }
}

fn ensure_regular(path: &str, metadata: &Metadata) -> Result<(), LoadError> {
    if metadata.is_file() {
        return Ok(());
    }
    Err(LoadError::NotRegular {
        path: path.to_string(),
        kind: kind_of(metadata).to_string(),
    })
}

fn kind_of(metadata: &Metadata) -> &'static str {
    let file_type = metadata.file_type();
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if file_type.is_fifo() {
            return "a FIFO";
        }
        if file_type.is_socket() {
            return "a socket";
        }
        if file_type.is_char_device() {
            return "a character device";
        }
        if file_type.is_block_device() {
            return "a block device";
        }
    }
    if file_type.is_dir() {
        "a directory"
    } else {
        "a special file"
    }
}

/// What expanding the inputs found.
#[derive(Debug, Default)]
pub struct Discovery {
    pub sources: Vec<Source>,
    pub errors: Vec<LoadError>,
    /// Symbolic links met inside a directory walk and not followed: links to directories, and
    /// links whose name is that of a manifest.
    pub skipped_links: Vec<PathBuf>,
}

/// Expands directories recursively (files ending in `.yaml`, `.yml` or `.json`, sorted by
/// name). Files named explicitly are read whatever their extension. Each problem becomes an
/// error and the walk goes on.
///
/// Symbolic links named on the command line are followed; links found inside a directory are
/// not, as ripgrep does by default, so a walk never leaves the tree it was given (a link to
/// `/etc` in a checked-out repository is not read).
pub fn discover(inputs: &[InputArg]) -> (Vec<Source>, Vec<LoadError>) {
    let found = discovery(inputs);
    (found.sources, found.errors)
}

/// [`discover`], also telling which symbolic links inside directories were not followed.
pub fn discovery(inputs: &[InputArg]) -> Discovery {
    let mut found = Discovery::default();
    for input in inputs {
        let path = match input {
            InputArg::Stdin => {
                found.sources.push(Source::Stdin(None));
                continue;
            }
            InputArg::NamedStdin(name) => {
                found.sources.push(Source::Stdin(Some(name.clone())));
                continue;
            }
            InputArg::Path(path) => path,
        };
        let display = path.display().to_string();
        // `metadata` follows a link: a link named on the command line is read.
        match std::fs::metadata(path) {
            Ok(metadata) if metadata.is_dir() => walk(path, &mut found),
            Ok(metadata) => match ensure_regular(&display, &metadata) {
                Ok(()) => found.sources.push(Source::File(path.clone())),
                Err(error) => found.errors.push(error),
            },
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                found.errors.push(LoadError::Read {
                    path: display,
                    reason: "no such file or directory".to_string(),
                });
            }
            Err(error) => found.errors.push(read_error(&display, &error)),
        }
    }
    found
}

fn walk(root: &Path, found: &mut Discovery) {
    // Hidden entries (`.git`, `.github`) hold no manifests to ship, as ripgrep assumes too.
    // The root itself is followed if it is a link (walkdir always does so for the root).
    let walker = walkdir::WalkDir::new(root)
        .follow_links(false)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|entry| entry.depth() == 0 || !is_hidden(entry.file_name()));
    for entry in walker {
        match entry {
            Ok(entry) if entry.file_type().is_file() && is_manifest(entry.path()) => {
                found.sources.push(Source::File(entry.into_path()));
            }
            Ok(entry) if entry.path_is_symlink() && entry.depth() > 0 => {
                let to_directory = std::fs::metadata(entry.path()).is_ok_and(|m| m.is_dir());
                if to_directory || is_manifest(entry.path()) {
                    found.skipped_links.push(entry.into_path());
                }
            }
            // Directories are descended into; FIFOs, sockets and devices inside a tree are
            // never opened.
            Ok(_) => {}
            Err(error) => {
                let path = error.path().unwrap_or(root).display().to_string();
                let reason = error
                    .io_error()
                    .map_or_else(|| error.to_string(), std::string::ToString::to_string);
                found.errors.push(LoadError::Read { path, reason });
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
