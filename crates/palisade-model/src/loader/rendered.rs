//! Rendered output that names its templates: `helm template` writes `# Source: chart/templates/x.yaml`
//! at the top of every document, so a finding can point at the template a user edits rather
//! than at a line of a stream nobody keeps.

use std::sync::Arc;

use crate::location::Location;
use crate::object::TemplateSource;

const SOURCE_PREFIX: &str = "# Source:";

/// The template named by a `# Source:` comment among the comments and blank lines that open a
/// document, if there is one. `start` is where the document's text begins in the stream.
pub(crate) fn template_source(text: &str, start: Location) -> Option<Arc<TemplateSource>> {
    for (offset, line) in (0u32..).zip(text.lines()) {
        let line = line.trim();
        if line.is_empty() || line == "---" {
            continue;
        }
        if !line.starts_with('#') {
            return None;
        }
        if let Some(path) = line.strip_prefix(SOURCE_PREFIX).map(str::trim)
            && !path.is_empty()
        {
            return Some(Arc::new(TemplateSource {
                path: Arc::from(path),
                comment_line: start.line + offset,
            }));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(line: u32) -> Location {
        Location { line, column: 1 }
    }

    #[test]
    fn the_source_comment_names_the_template_and_its_line() {
        let text = "# Source: app/templates/deploy.yaml\napiVersion: apps/v1\n";
        let source = template_source(text, at(12)).expect("a source");
        assert_eq!(&*source.path, "app/templates/deploy.yaml");
        assert_eq!(source.comment_line, 12);
        assert_eq!(source.line_of(13), 1);
        let later = "\n# a comment\n# Source: app/templates/svc.yaml\nkind: Service\n";
        assert_eq!(
            template_source(later, at(1)).map(|s| s.comment_line),
            Some(3)
        );
    }

    #[test]
    fn only_comments_before_the_content_count() {
        for text in [
            "apiVersion: v1\n# Source: app/templates/x.yaml\n",
            "# Source:\napiVersion: v1\n",
            "kind: Pod\n",
            "",
        ] {
            assert_eq!(template_source(text, at(1)), None, "{text:?}");
        }
    }
}
