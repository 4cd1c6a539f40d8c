//! Kustomize's `config.kubernetes.io/origin` annotation (a `buildMetadata: [originAnnotations]`
//! build writes it): the file each built object came from. When that file is there, a finding
//! points into it, at the same field when the file has it and at its nearest parent when a
//! patch or transformer added the field.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use palisade_model::Object;
use palisade_model::loader::{self, LoadedFile};
use palisade_report::FileLocation;
use serde_json::Value;

pub const ORIGIN_ANNOTATION: &str = "config.kubernetes.io/origin";

/// The local file an object's origin annotation names; `None` for objects from a remote
/// repository, generated ones, or none at all.
pub fn origin_path(object: &Object) -> Option<String> {
    let text = object.annotations()?.get(ORIGIN_ANNOTATION)?.as_str()?;
    let origin: Value = serde_saphyr::from_str(text).ok()?;
    if origin.get("repo").is_some() {
        return None;
    }
    origin.get("path")?.as_str().map(str::to_string)
}

/// Source files read so far, by the path the annotation gives (relative to the working
/// directory); `None` when one could not be read.
#[derive(Default)]
pub struct SourceFiles {
    /// What relative paths are relative to: the Kustomization's directory when Palisade built
    /// it, else the working directory.
    base: Option<PathBuf>,
    files: HashMap<String, Option<LoadedFile>>,
}

impl SourceFiles {
    /// Sources of the output of a Kustomization built in `dir`.
    pub fn relative_to(dir: &std::path::Path) -> Self {
        Self {
            base: Some(dir.to_path_buf()),
            files: HashMap::new(),
        }
    }

    /// The object `object` was built from, in the file its origin annotation names, with that
    /// file's path: when the file can be read and holds an object of the same kind whose name
    /// the built one contains (a `namePrefix` or `nameSuffix` may have been added).
    pub fn source_of(&mut self, object: &Object) -> Option<(Arc<str>, &Object)> {
        let mut path = origin_path(object)?;
        if let Some(base) = &self.base {
            path = loader::normalize(&base.join(&path)).display().to_string();
        }
        let file = self
            .files
            .entry(path.clone())
            .or_insert_with(|| {
                let source = loader::Source::File(PathBuf::from(&path));
                let file = loader::load(&source);
                file.errors.is_empty().then_some(file)
            })
            .as_ref()?;
        let built_name = object.name();
        let source = file.objects.iter().find(|candidate| {
            candidate.kind == object.kind
                && !candidate.name().is_empty()
                && built_name.contains(candidate.name())
        })?;
        Some((Arc::from(path.as_str()), source))
    }
}

/// Where `pointer` is in the source object from [`SourceFiles::source_of`]: the field, or its
/// nearest parent when a patch or transformer added it.
pub fn locate_in(source: &Object, path: &Arc<str>, pointer: &str) -> FileLocation {
    let position = source.resolve(pointer);
    FileLocation {
        path: path.clone(),
        line: position.location.line,
        column: position.location.column,
        exact: position.exact,
        quote: None,
    }
}
