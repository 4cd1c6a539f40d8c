//! Writing a report to a file without trusting what is already on disk.
//!
//! CI runs `palisade scan` in a checkout of someone else's change. A symbolic link committed at
//! the report's path (or at a directory on the way to it) would make a plain write overwrite
//! whatever the link points to, with the CI job's permissions. So a link anywhere on the path
//! the user named is refused, the report is written to a temporary file beside its target and
//! renamed over it (a rename replaces a link instead of following it), and missing directories
//! are created only inside the working directory unless `--create-dirs` says otherwise.
//!
//! A target that is not a file at all (`/dev/null`, `/dev/stdout`, a named pipe) is written
//! through, never renamed over: a rename would replace the device node itself.

use std::io::Write as _;
use std::path::{Component, Path, PathBuf};

use anyhow::{Context as _, anyhow, bail};

/// Writes `text` to `path` for the report named `what` (`sarif`, ...).
pub(crate) fn write_report_file(
    path: &Path,
    text: &str,
    what: &str,
    create_dirs: bool,
) -> anyhow::Result<()> {
    if let Some(link) = first_symlink(path) {
        bail!(
            "refusing to write the {what} report to {}: {} is a symbolic link (remove it, or name another file)",
            path.display(),
            link.display()
        );
    }
    let parent = match path.parent().filter(|p| !p.as_os_str().is_empty()) {
        Some(parent) => parent.to_path_buf(),
        None => PathBuf::from("."),
    };
    if !parent.is_dir() {
        if !create_dirs && !inside_working_directory(&parent) {
            bail!(
                "not creating {} for the {what} report: it is outside the working directory (pass --create-dirs to create it)",
                parent.display()
            );
        }
        std::fs::create_dir_all(&parent)
            .with_context(|| format!("creating {} for the {what} report", parent.display()))?;
    }
    let writing = || format!("writing the {what} report to {}", path.display());
    if let Ok(metadata) = std::fs::metadata(path)
        && !metadata.is_file()
    {
        if metadata.is_dir() {
            bail!(
                "cannot write the {what} report to {}: it is a directory",
                path.display()
            );
        }
        let mut device = std::fs::OpenOptions::new()
            .write(true)
            .open(path)
            .with_context(writing)?;
        device.write_all(text.as_bytes()).with_context(writing)?;
        return Ok(());
    }
    let mut file = tempfile::Builder::new()
        .prefix(".palisade-report-")
        .tempfile_in(&parent)
        .with_context(writing)?;
    file.write_all(text.as_bytes()).with_context(writing)?;
    readable_by_others(file.as_file()).with_context(writing)?;
    file.persist(path)
        .map_err(|e| anyhow!(e.error))
        .with_context(writing)?;
    Ok(())
}

/// The first symbolic link on the path as given: every prefix of a relative path (the parts the
/// checkout controls), only the file itself for an absolute one (the user named those
/// directories).
fn first_symlink(path: &Path) -> Option<PathBuf> {
    let is_link = |p: &Path| std::fs::symlink_metadata(p).is_ok_and(|m| m.is_symlink());
    if path.is_absolute() {
        return is_link(path).then(|| path.to_path_buf());
    }
    let mut prefix = PathBuf::new();
    for component in path.components() {
        prefix.push(component);
        if matches!(component, Component::Normal(_)) && is_link(&prefix) {
            return Some(prefix);
        }
    }
    None
}

/// Whether a directory that does not exist yet would be created inside the working directory:
/// its deepest existing ancestor resolves to a place inside it, and the rest does not climb out
/// with `..`.
fn inside_working_directory(dir: &Path) -> bool {
    let Ok(cwd) = std::env::current_dir().and_then(|d| d.canonicalize()) else {
        return false;
    };
    let absolute = if dir.is_absolute() {
        dir.to_path_buf()
    } else {
        cwd.join(dir)
    };
    let mut existing = absolute.as_path();
    let mut missing = Vec::new();
    while !existing.exists() {
        let Some(parent) = existing.parent() else {
            return false;
        };
        if let Some(name) = existing.file_name() {
            missing.push(name);
        }
        existing = parent;
    }
    let climbs = missing.iter().any(|name| *name == "..")
        || absolute
            .strip_prefix(existing)
            .is_ok_and(|rest| rest.components().any(|c| c == Component::ParentDir));
    existing
        .canonicalize()
        .is_ok_and(|resolved| resolved.starts_with(&cwd))
        && !climbs
}

/// A report is a file like any other the user writes: 0644, not the 0600 of a temporary file.
#[cfg(unix)]
fn readable_by_others(file: &std::fs::File) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt as _;
    file.set_permissions(std::fs::Permissions::from_mode(0o644))
}

#[cfg(not(unix))]
fn readable_by_others(_file: &std::fs::File) -> std::io::Result<()> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_path_that_climbs_out_is_not_inside() {
        assert!(inside_working_directory(Path::new("reports/new")));
        assert!(inside_working_directory(Path::new(".")));
        assert!(!inside_working_directory(Path::new(
            "../elsewhere-that-does-not-exist"
        )));
        assert!(!inside_working_directory(Path::new("new/../../x")));
        assert!(!inside_working_directory(Path::new(
            "/palisade-no-such-dir/reports"
        )));
    }

    /// `--output /dev/null` once replaced the device node with a regular file (as root): a
    /// named pipe stands in for any target that is not a file.
    #[test]
    fn a_target_that_is_not_a_file_is_written_through_not_replaced() {
        use std::io::Read as _;
        use std::os::unix::fs::FileTypeExt as _;
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("report.pipe");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        if !made.is_ok_and(|s| s.success()) {
            return;
        }
        let reader = {
            let fifo = fifo.clone();
            std::thread::spawn(move || {
                let mut text = String::new();
                std::fs::File::open(fifo)
                    .and_then(|mut f| f.read_to_string(&mut text))
                    .map(|_| text)
            })
        };
        write_report_file(&fifo, "{\"findings\": []}\n", "json", false).unwrap();
        assert_eq!(reader.join().unwrap().unwrap(), "{\"findings\": []}\n");
        assert!(std::fs::metadata(&fifo).unwrap().file_type().is_fifo());

        let error = write_report_file(dir.path(), "x", "json", false).unwrap_err();
        assert!(error.to_string().ends_with("it is a directory"), "{error}");
    }
}
