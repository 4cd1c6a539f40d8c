//! Helm charts and Kustomizations met in a walk: rendered with the user's own tools when they
//! are there, so that what is checked is what would ship.

use std::collections::HashSet;
use std::path::PathBuf;

use palisade_model::loader::{self, Chart, Kustomization, Source};
use palisade_report::{InputError, Notice};

use super::{FileOutcome, ScanContext, scan_loaded, scan_loaded_with};
use crate::{origin, render};

/// The renderers found for what the walk met.
pub(super) struct Tools {
    helm: Option<PathBuf>,
    kustomize: Option<(PathBuf, &'static str)>,
}

/// What rendering added to the scan.
pub(super) struct Rendered {
    /// Charts and Kustomizations rendered (or tried), counted as inputs.
    pub(super) inputs: usize,
    pub(super) notices: Vec<Notice>,
}

impl Tools {
    /// Looks for helm only when there is a chart, and for kustomize only when there is a
    /// Kustomization.
    pub(super) fn find(charts: &[Chart], kustomizations: &[Kustomization]) -> Self {
        Self {
            helm: (!charts.is_empty()).then(render::find_helm).flatten(),
            kustomize: (!kustomizations.is_empty())
                .then(render::find_kustomize)
                .flatten(),
        }
    }

    /// A Kustomization that can be built is checked as built: the files it lists as
    /// resources are inputs to it, not what ships.
    pub(super) fn drop_built_resources(
        &self,
        kustomizations: &[Kustomization],
        sources: &mut Vec<Source>,
    ) {
        if self.kustomize.is_none() {
            return;
        }
        let built: HashSet<PathBuf> = kustomizations
            .iter()
            .flat_map(|k| k.resources.iter().cloned())
            .collect();
        sources.retain(|source| match source {
            Source::File(path) => !built.contains(&loader::normalize(path)),
            Source::Stdin(_) => true,
        });
    }

    /// Renders every chart and builds every Kustomization it can, scanning the output; a
    /// chart without helm is a notice, a failed render an input error.
    pub(super) fn render(
        &self,
        charts: &[Chart],
        kustomizations: &[Kustomization],
        context: &ScanContext<'_>,
        outcomes: &mut Vec<FileOutcome>,
    ) -> Rendered {
        let mut rendered = Rendered {
            inputs: charts.len(),
            notices: Vec::new(),
        };
        for chart in charts {
            let display = chart.dir.display().to_string();
            let Some(helm) = &self.helm else {
                rendered.notices.push(Notice {
                    kind: "chart-not-rendered",
                    file: display.clone(),
                    line: None,
                    message: format!(
                        "a Helm chart: its templates are not manifests until rendered, and no helm was found to render them (PALISADE_HELM or PATH); run `helm template {display} | palisade scan -`"
                    ),
                });
                continue;
            };
            outcomes.push(
                match render::render_chart(helm, chart, &context.helm_values) {
                    Ok(file) => scan_loaded(file, context),
                    Err(message) => failed(display, message),
                },
            );
        }
        let Some(tool) = &self.kustomize else {
            return rendered;
        };
        rendered.inputs += kustomizations.len();
        for kustomization in kustomizations {
            let dir = &kustomization.dir;
            outcomes.push(match render::build_kustomization(tool, dir) {
                Ok(file) => scan_loaded_with(file, context, origin::SourceFiles::relative_to(dir)),
                Err(message) => failed(dir.display().to_string(), message),
            });
        }
        rendered
    }
}

/// A render that failed: an input error naming the directory and what the tool said.
fn failed(path: String, message: String) -> FileOutcome {
    FileOutcome {
        errors: vec![InputError {
            path,
            line: None,
            column: None,
            message,
        }],
        ..FileOutcome::default()
    }
}
