//! A rule's documentation (markdown, from its doc comment) as HTML for the report.

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd, html};

/// Renders markdown to HTML. Raw HTML in the source is shown as text, never interpreted; links
/// other than `http(s)` and in-page ones lose their target; headings move down two levels so
/// they sit under the page's own `h2`/`h3`.
pub(super) fn markdown_to_html(markdown: &str) -> String {
    let events = Parser::new_ext(markdown, Options::ENABLE_TABLES).map(|event| match event {
        Event::Html(text) | Event::InlineHtml(text) => Event::Text(text),
        Event::Start(Tag::Heading {
            level,
            id,
            classes,
            attrs,
        }) => Event::Start(Tag::Heading {
            level: demote(level),
            id,
            classes,
            attrs,
        }),
        Event::End(TagEnd::Heading(level)) => Event::End(TagEnd::Heading(demote(level))),
        Event::Start(Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        }) => {
            let safe = ["https://", "http://", "#"]
                .iter()
                .any(|p| dest_url.starts_with(p));
            let dest_url = if safe { dest_url } else { "#".into() };
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            })
        }
        other => other,
    });
    let mut out = String::with_capacity(markdown.len() * 5 / 4);
    html::push_html(&mut out, events);
    out
}

fn demote(level: pulldown_cmark::HeadingLevel) -> pulldown_cmark::HeadingLevel {
    use pulldown_cmark::HeadingLevel::{H1, H2, H3, H4, H5, H6};
    match level {
        H1 => H3,
        H2 => H4,
        H3 => H5,
        H4 | H5 | H6 => H6,
    }
}

#[cfg(test)]
mod tests {
    use super::markdown_to_html;

    #[test]
    fn raw_html_is_text_and_headings_are_demoted() {
        let html = markdown_to_html(
            "## What it does\nReports <script>x</script> `code` [a](javascript:x).\n",
        );
        assert!(html.contains("<h4>What it does</h4>"), "{html}");
        assert!(html.contains("&lt;script&gt;"), "{html}");
        assert!(html.contains("<code>code</code>"), "{html}");
        assert!(html.contains("<a href=\"#\">a</a>"), "{html}");
    }
}
