//! The report's notices that are not about one finding: what was left out or not checked, and
//! why, so that nothing a user gave is skipped in silence.

use std::path::PathBuf;
use std::sync::Arc;

use palisade_model::loader::Patch;
use palisade_model::{Object, PodTemplates};
use palisade_report::Notice;
use palisade_rules::exceptions::{self, Exceptions};

use super::locate_shown;

/// Notices about an object's `palisade.dev/ignore` annotations, where they are written.
pub(super) fn inline(
    object: &Object,
    templates: &PodTemplates,
    path: &Arc<str>,
    misplaced: bool,
    out: &mut Vec<Notice>,
) {
    let notice = |kind, pointer: &str, message| {
        let location = locate_shown(object, pointer, path);
        Notice {
            kind,
            file: location.path.to_string(),
            line: Some(location.line),
            message,
        }
    };
    for problem in exceptions::problems(object, templates) {
        out.push(notice(problem.kind, &problem.pointer, problem.message));
    }
    if misplaced {
        let at = palisade_model::pointer::join(
            &Object::metadata_pointer("annotations"),
            exceptions::IGNORE_ANNOTATION,
        );
        out.push(notice(
            "inline-exception-not-on-pods",
            &at,
            format!(
                "{} on {}'s own metadata does not waive findings in its pod template: its pods do not carry it, and the webhook judges them; put it on spec.template.metadata.annotations",
                exceptions::IGNORE_ANNOTATION,
                object.object_ref()
            ),
        ));
    }
}

/// One notice per Kustomize patch left out.
pub(super) fn patches(patches: &[Patch]) -> impl Iterator<Item = Notice> + '_ {
    patches.iter().map(|patch| Notice {
        kind: "kustomize-patch",
        file: patch.path.display().to_string(),
        line: None,
        message: format!(
            "a patch in {}: a fragment of an object, not checked on its own; check the built output (`kustomize build`)",
            patch.kustomization.display()
        ),
    })
}

/// At most one notice for Kubernetes' own RBAC defaults, at the first of them.
pub(super) fn bootstrap(found: &[(String, Notice)]) -> Option<Notice> {
    let (_, first) = found.first()?;
    // A cluster has about 140 of them: name a few, count the rest.
    const NAMED: usize = 4;
    let mut names: Vec<&str> = found.iter().map(|(name, _)| name.as_str()).collect();
    names.sort_unstable();
    let listed = if names.len() > NAMED {
        format!(
            "{} and {} more",
            names[..NAMED].join(", "),
            names.len() - NAMED
        )
    } else {
        names.join(", ")
    };
    Some(Notice {
        message: format!(
            "Kubernetes' own RBAC defaults ({listed}), recognised by name, label and content, grant what the control plane needs by design; the rbac rules do not report them"
        ),
        ..first.clone()
    })
}

/// One notice per structural fault that kept rules from reading part of an object.
pub(super) fn malformed(
    object: &Object,
    templates: &PodTemplates,
    path: &Arc<str>,
    out: &mut Vec<Notice>,
) {
    for problem in templates.problems(object) {
        let location = locate_shown(object, &problem.pointer, path);
        out.push(Notice {
            kind: "malformed-object",
            file: location.path.to_string(),
            line: location.has_line().then_some(location.line),
            message: format!("{}: {}", object.object_ref(), problem.message),
        });
    }
}

/// One notice per kind Palisade does not know, at its first object, with how many there are.
pub(super) fn unrecognised(mut found: Vec<(String, Notice)>) -> Vec<Notice> {
    // Input order, so that "the first" is the first the user wrote.
    let mut by_kind: Vec<(String, Notice, usize)> = Vec::new();
    for (kind, notice) in found.drain(..) {
        match by_kind.iter_mut().find(|(k, _, _)| *k == kind) {
            Some((_, _, count)) => *count += 1,
            None => by_kind.push((kind, notice, 1)),
        }
    }
    by_kind
        .into_iter()
        .map(|(kind, first, count)| {
            let objects = if count == 1 {
                "1 object".to_string()
            } else {
                format!("{count} objects (this is the first)")
            };
            Notice {
                message: format!(
                    "{kind}: not a kind Palisade knows, so no rule checked {objects}. If it runs pods, say where its pod spec is under `pod-templates` in .palisade.yaml"
                ),
                ..first
            }
        })
        .collect()
}

/// Expired exceptions, and those that matched nothing.
pub(super) fn exceptions(exceptions: &Exceptions, today: &str) -> impl Iterator<Item = Notice> {
    exceptions.notices(today).into_iter().map(|n| Notice {
        kind: if n.expired {
            "expired-exception"
        } else {
            "unused-exception"
        },
        file: n.file,
        line: Some(n.line),
        message: n.message,
    })
}

/// A link inside a scanned directory may point out of the tree (into /etc, another checkout):
/// it is not followed, and the report says so rather than skipping it silently.
pub(super) fn skipped_links(links: &[PathBuf]) -> impl Iterator<Item = Notice> + '_ {
    links.iter().map(|link| Notice {
        kind: "skipped-link",
        file: link.display().to_string(),
        line: None,
        message: "symbolic link not followed inside a directory; name it on the command line to scan what it points to".to_string(),
    })
}
