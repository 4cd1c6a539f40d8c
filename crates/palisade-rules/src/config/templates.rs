//! The `pod-templates` section: where the user's own custom resources keep their pod specs,
//! so that the pod rules read them as they read a Deployment's.
//!
//! ```yaml
//! pod-templates:
//!   - group: acme.dev
//!     kind: Runner
//!     paths: [/spec/pods/*/template/spec]
//! ```

use std::sync::Arc;

use palisade_model::{PodTemplates, TemplateLocation, check_pattern};
use serde::Deserialize;
use serde_saphyr::Spanned;

use super::{ConfigError, Validator};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(super) struct PodTemplateOptions {
    /// The API group (`""` for the core group).
    group: Option<String>,
    kind: Option<String>,
    /// JSON pointers to the pod specs; `*` stands for every list index or mapping key.
    paths: Option<Vec<Spanned<String>>>,
    /// The spec is merged by an operator into a template it owns: only what it sets is judged.
    overlay: Option<bool>,
}

impl Validator<'_> {
    pub(super) fn pod_templates(
        &self,
        entries: Option<Vec<Spanned<PodTemplateOptions>>>,
    ) -> Result<Arc<PodTemplates>, ConfigError> {
        let Some(entries) = entries else {
            return Ok(Arc::new(PodTemplates::default()));
        };
        let mut locations: Vec<TemplateLocation> = Vec::new();
        for (index, entry) in entries.into_iter().enumerate() {
            let at = entry.referenced;
            let options = entry.value;
            let (Some(group), Some(kind)) = (options.group, options.kind) else {
                return self.error(
                    &at,
                    format!("pod-templates[{index}]: `group` and `kind` are required (group \"\" is the core group)"),
                );
            };
            if kind.trim().is_empty() {
                return self.error(&at, format!("pod-templates[{index}]: `kind` is empty"));
            }
            if locations.iter().any(|l| l.group == group && l.kind == kind) {
                return self.error(
                    &at,
                    format!("pod-templates[{index}]: {kind} in group {group:?} is listed twice"),
                );
            }
            let paths = options.paths.unwrap_or_default();
            if paths.is_empty() {
                return self.error(
                    &at,
                    format!("pod-templates[{index}]: `paths` must list at least one pointer to a pod spec"),
                );
            }
            let mut specs = Vec::new();
            for path in paths {
                if let Err(message) = check_pattern(&path.value) {
                    return self.error(
                        &path.referenced,
                        format!("pod-templates[{index}].paths: {message}"),
                    );
                }
                specs.push(path.value);
            }
            let mut location = TemplateLocation::new(&group, &kind, specs);
            location.overlay = options.overlay.unwrap_or(false);
            locations.push(location);
        }
        Ok(Arc::new(PodTemplates::with_configured(locations)))
    }
}
