//! Which `.palisade.yaml` applies to a scanned path.
//!
//! The search walks up from the path, but not past the repository it is in (a directory with
//! `.git`) or the user's home directory: a configuration found above those belongs to someone
//! else (a shared `/tmp`, another checkout, a parent project) and would silently change what
//! is checked, or waive findings, for a repository that never asked for it.

use std::path::{Path, PathBuf};

use super::CONFIG_FILE_NAMES;

/// The first `.palisade.yaml` (or `.yml`) in the path's directory or above it, up to and
/// including the repository root or the home directory, whichever comes first.
pub fn discover(start: &Path) -> Option<PathBuf> {
    discover_within(
        start,
        std::env::var_os("HOME").map(PathBuf::from).as_deref(),
    )
}

fn discover_within(start: &Path, home: Option<&Path>) -> Option<PathBuf> {
    let start = if start.is_dir() {
        start.to_path_buf()
    } else {
        start.parent()?.to_path_buf()
    };
    let start = std::fs::canonicalize(&start).unwrap_or(start);
    let home = home.map(|h| std::fs::canonicalize(h).unwrap_or_else(|_| h.to_path_buf()));
    for dir in start.ancestors() {
        let found = CONFIG_FILE_NAMES
            .iter()
            .map(|name| dir.join(name))
            .find(|candidate| candidate.is_file());
        if found.is_some() {
            return found;
        }
        let repository_root = dir.join(".git").exists();
        if repository_root || home.as_deref() == Some(dir) {
            return None;
        }
    }
    None
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests")]

    use super::*;

    #[test]
    fn the_search_stops_at_the_repository_root_and_at_home() {
        let root = tempfile::tempdir().unwrap();
        let outer = root.path().join(".palisade.yaml");
        std::fs::write(&outer, "fail-on: high\n").unwrap();
        let repo = root.path().join("repo");
        let deploy = repo.join("deploy/app");
        std::fs::create_dir_all(&deploy).unwrap();
        std::fs::create_dir(repo.join(".git")).unwrap();

        // Above the repository root: not used.
        assert_eq!(discover_within(&deploy, None), None);
        // Inside it: used, from any depth.
        let inner = repo.join(".palisade.yml");
        std::fs::write(&inner, "fail-on: high\n").unwrap();
        let found = discover_within(&deploy, None).unwrap();
        assert_eq!(found, std::fs::canonicalize(&inner).unwrap());

        // Not in a repository: the home directory is the last one looked at.
        let home = root.path().join("home");
        let project = home.join("project");
        std::fs::create_dir_all(&project).unwrap();
        assert_eq!(discover_within(&project, Some(&home)), None);
        std::fs::write(home.join(".palisade.yaml"), "fail-on: high\n").unwrap();
        assert!(discover_within(&project, Some(&home)).is_some());
        // A worktree or submodule has a `.git` file rather than a directory: also a root.
        std::fs::remove_dir(repo.join(".git")).unwrap();
        std::fs::write(repo.join(".git"), "gitdir: elsewhere\n").unwrap();
        std::fs::remove_file(&inner).unwrap();
        assert_eq!(discover_within(&deploy, None), None);
    }
}
