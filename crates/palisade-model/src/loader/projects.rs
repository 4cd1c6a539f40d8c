//! Directories that are not plain manifests: Helm charts (their templates are Go templates, not
//! YAML, until `helm template` renders them) and Kustomizations (their patches are fragments of
//! objects, not whole ones). A walk must neither parse the first nor judge the second as if
//! they were what ships.

use std::path::{Component, Path, PathBuf};

use serde_json::Value;

/// A Helm chart found in a walk.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Chart {
    pub dir: PathBuf,
    /// `name` in `Chart.yaml`: the first part of the `# Source:` paths `helm template` writes.
    pub name: Option<String>,
}

/// A file a Kustomization uses as a patch.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Patch {
    pub path: PathBuf,
    pub kustomization: PathBuf,
}

/// The chart whose root is `dir`, if `dir` holds a `Chart.yaml`.
pub(crate) fn chart_at(dir: &Path) -> Option<Chart> {
    let file = dir.join("Chart.yaml");
    if !file.is_file() {
        return None;
    }
    let name = std::fs::read_to_string(&file)
        .ok()
        .and_then(|text| first_document(&text))
        .and_then(|v| v.get("name")?.as_str().map(str::to_string));
    Some(Chart {
        dir: dir.to_path_buf(),
        name,
    })
}

/// The file names `kustomize build` looks for in a directory.
const KUSTOMIZATION_FILES: [&str; 3] = ["kustomization.yaml", "kustomization.yml", "Kustomization"];

fn kustomization_file(dir: &Path) -> Option<PathBuf> {
    KUSTOMIZATION_FILES
        .iter()
        .map(|name| dir.join(name))
        .find(|path| path.is_file())
}

/// A Kustomization found in a walk.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Kustomization {
    pub dir: PathBuf,
    /// The files its `resources` list (not directories or remote bases): what a build of it
    /// stands for, so they need no reading on their own when it is built.
    pub resources: Vec<PathBuf>,
}

/// The Kustomization in `dir`, if there is one.
pub(crate) fn kustomization_at(dir: &Path) -> Option<Kustomization> {
    let file = kustomization_file(dir)?;
    let value = std::fs::read_to_string(&file)
        .ok()
        .and_then(|text| first_document(&text));
    let resources = value
        .as_ref()
        .and_then(|v| v.get("resources")?.as_array().cloned())
        .unwrap_or_default()
        .iter()
        .filter_map(Value::as_str)
        .map(|entry| normalize(&dir.join(entry)))
        .filter(|path| path.is_file())
        .collect();
    Some(Kustomization {
        dir: dir.to_path_buf(),
        resources,
    })
}

/// The patch files the Kustomization in `dir` names, if there is one.
pub(crate) fn kustomize_patches(dir: &Path) -> Vec<Patch> {
    let Some(file) = kustomization_file(dir) else {
        return Vec::new();
    };
    let Some(value) = std::fs::read_to_string(&file)
        .ok()
        .and_then(|text| first_document(&text))
    else {
        return Vec::new();
    };
    let mut paths = Vec::new();
    // `patchesStrategicMerge` lists files (or inline patches, which hold a newline).
    for item in value
        .get("patchesStrategicMerge")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        if let Some(path) = item.as_str().filter(|p| !p.contains('\n')) {
            paths.push(path.to_string());
        }
    }
    for key in ["patches", "patchesJson6902"] {
        for item in value
            .get(key)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if let Some(path) = item.get("path").and_then(Value::as_str) {
                paths.push(path.to_string());
            }
        }
    }
    paths
        .into_iter()
        .map(|path| Patch {
            path: normalize(&dir.join(path)),
            kustomization: file.clone(),
        })
        .collect()
}

/// A small configuration file (`Chart.yaml`, `kustomization.yaml`) as a value; one that does
/// not parse is treated as absent here, and its directory is walked as usual.
fn first_document(text: &str) -> Option<Value> {
    serde_saphyr::from_str::<Value>(text).ok()
}

/// `a/b/../c` as `a/c`, without touching the file system (a patch may name a file that a link
/// or a missing directory would make `canonicalize` fail on).
pub fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir if out.file_name().is_some() => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn charts_are_found_with_their_names() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(chart_at(dir.path()), None);
        std::fs::write(
            dir.path().join("Chart.yaml"),
            "apiVersion: v2\nname: shop\nversion: 1.0.0\n",
        )
        .unwrap();
        let chart = chart_at(dir.path()).unwrap();
        assert_eq!(chart.name.as_deref(), Some("shop"));
    }

    #[test]
    fn every_form_of_kustomize_patch_is_found() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("kustomization.yaml"),
            "resources: [../base]\npatchesStrategicMerge:\n- replicas.yaml\n- |\n  apiVersion: v1\n  kind: X\npatches:\n- path: patches/limits.yaml\n  target: {kind: Deployment}\n- patch: |-\n    - op: remove\npatchesJson6902:\n- path: ./json.yaml\n",
        )
        .unwrap();
        let found: Vec<PathBuf> = kustomize_patches(dir.path())
            .into_iter()
            .map(|p| p.path.strip_prefix(dir.path()).unwrap().to_path_buf())
            .collect();
        assert_eq!(
            found,
            [
                PathBuf::from("replicas.yaml"),
                PathBuf::from("patches/limits.yaml"),
                PathBuf::from("json.yaml")
            ]
        );
        assert_eq!(
            normalize(Path::new("a/./b/../c.yaml")),
            PathBuf::from("a/c.yaml")
        );
    }
}
