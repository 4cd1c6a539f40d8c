//! Expanding the inputs a user named into the files to read, in a stable order, and reading
//! them within bounds.

use std::fs::{File, Metadata};
use std::io::Read;
use std::path::{Path, PathBuf};

use super::projects::{self, Chart, Kustomization, Patch};
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
    /// Helm charts met in a walk: their files are not read as manifests (templates are not
    /// YAML until rendered); front ends render them or say they did not.
    pub charts: Vec<Chart>,
    /// Files a Kustomization uses as patches: fragments, not objects, so not read.
    pub patches: Vec<Patch>,
    /// Kustomizations, which front ends may build.
    pub kustomizations: Vec<Kustomization>,
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
    discovery_with(inputs, &WalkOptions::default())
}

/// [`discovery`] with excludes, or without `.gitignore`. Files named on the command line are
/// always read, as ripgrep reads them.
pub fn discovery_with(inputs: &[InputArg], options: &WalkOptions) -> Discovery {
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
            Ok(metadata) if metadata.is_dir() => walk(path, options, &mut found),
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

/// How directories are walked.
#[derive(Clone, Debug)]
pub struct WalkOptions {
    /// Globs of paths to leave out, as in `.gitignore` (`generated/`, `*.tmpl.yaml`,
    /// `charts/*/tests`), matched under each directory named on the command line.
    pub exclude: Vec<String>,
    /// Leave out what `.gitignore` files (and `.git/info/exclude`) leave out.
    pub gitignore: bool,
}

impl Default for WalkOptions {
    fn default() -> Self {
        Self {
            exclude: Vec::new(),
            gitignore: true,
        }
    }
}

/// Checks an exclude glob, for a clear error before anything is read.
pub fn check_exclude(glob: &str) -> Result<(), String> {
    ignore::overrides::OverrideBuilder::new(".")
        .add(&format!("!{glob}"))
        .map(|_| ())
        .map_err(|e| format!("`{glob}` is not a valid glob: {e}"))
}

fn walk(root: &Path, options: &WalkOptions, found: &mut Discovery) {
    // Hidden entries (`.git`, `.github`) hold no manifests to ship, as ripgrep assumes too.
    // Links inside the tree are not followed; the root itself is, if it is one.
    let mut builder = ignore::WalkBuilder::new(root);
    builder
        .follow_links(false)
        .hidden(true)
        .parents(options.gitignore)
        .git_ignore(options.gitignore)
        .git_exclude(options.gitignore)
        .git_global(false)
        .ignore(false)
        .require_git(false)
        .sort_by_file_name(std::cmp::Ord::cmp);
    if !options.exclude.is_empty() {
        let mut overrides = ignore::overrides::OverrideBuilder::new(root);
        for glob in &options.exclude {
            if let Err(error) = overrides.add(&format!("!{glob}")) {
                found.errors.push(LoadError::Read {
                    path: glob.clone(),
                    reason: format!("not a valid exclude glob: {error}"),
                });
                return;
            }
        }
        match overrides.build() {
            Ok(overrides) => {
                builder.overrides(overrides);
            }
            Err(error) => {
                found.errors.push(LoadError::Read {
                    path: root.display().to_string(),
                    reason: format!("exclude globs: {error}"),
                });
                return;
            }
        }
    }
    let first_source = found.sources.len();
    let (first_chart, first_patch) = (found.charts.len(), found.patches.len());
    for entry in builder.build() {
        match entry {
            Ok(entry) => {
                let is_file = entry.file_type().is_some_and(|t| t.is_file());
                if entry.file_type().is_some_and(|t| t.is_dir()) {
                    found.charts.extend(projects::chart_at(entry.path()));
                    if let Some(kustomization) = projects::kustomization_at(entry.path()) {
                        found.kustomizations.push(kustomization);
                        found
                            .patches
                            .extend(projects::kustomize_patches(entry.path()));
                    }
                } else if is_file && is_manifest(entry.path()) {
                    found.sources.push(Source::File(entry.into_path()));
                } else if entry.path_is_symlink() && entry.depth() > 0 {
                    let to_directory = std::fs::metadata(entry.path()).is_ok_and(|m| m.is_dir());
                    if to_directory || is_manifest(entry.path()) {
                        found.skipped_links.push(entry.into_path());
                    }
                }
                // Directories are descended into; FIFOs, sockets and devices inside a tree
                // are never opened.
            }
            Err(error) => found.errors.push(walk_error(root, &error)),
        }
    }
    // What charts and Kustomizations hold is left out only once the whole tree is known.
    let charts = &found.charts[first_chart..];
    let patches = &found.patches[first_patch..];
    let mut index = first_source;
    found.sources.retain(|source| {
        let keep = index < first_source
            || match source {
                Source::File(path) => {
                    let path = projects::normalize(path);
                    !charts
                        .iter()
                        .any(|c| path.starts_with(projects::normalize(&c.dir)))
                        && !patches.iter().any(|p| p.path == path)
                }
                Source::Stdin(_) => true,
            };
        index += 1;
        keep
    });
}

fn walk_error(root: &Path, error: &ignore::Error) -> LoadError {
    let mut path = root.display().to_string();
    let mut current = error;
    loop {
        match current {
            ignore::Error::WithPath { path: at, err } => {
                path = at.display().to_string();
                current = err;
            }
            ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
                current = err;
            }
            ignore::Error::Io(io) => {
                return LoadError::Read {
                    path,
                    reason: io.to_string(),
                };
            }
            other => {
                return LoadError::Read {
                    path,
                    reason: other.to_string(),
                };
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
