//! Horizontal bar charts as inline SVG, one bar per group stacked by severity. Drawn here so the
//! page needs no charting script; a click on a bar filters the table (the page's script reads
//! `data-filter`).

use std::collections::HashMap;
use std::fmt::Write as _;

use palisade_rules::Severity;

use super::data::severity_index;
use crate::common::escape_markup;

/// One bar: what it shows, the filter a click applies, and its counts by severity.
pub(super) struct Bar {
    pub label: String,
    /// `key=value`, as in the page's URL fragment (`category=network`).
    pub filter: String,
    pub counts: [usize; 5],
}

impl Bar {
    fn total(&self) -> usize {
        self.counts.iter().sum()
    }
}

/// Counts findings into bars by a key, largest first; past `limit` bars the rest are folded
/// into one unclickable "N more" bar.
pub(super) fn bars<'a>(
    items: impl Iterator<Item = (Severity, &'a str)>,
    filter_key: &str,
    label: impl Fn(&str) -> String,
    limit: usize,
) -> Vec<Bar> {
    let mut groups: HashMap<&str, [usize; 5]> = HashMap::new();
    for (severity, key) in items {
        groups.entry(key).or_default()[severity_index(severity)] += 1;
    }
    let mut sorted: Vec<(&str, [usize; 5])> = groups.into_iter().collect();
    // Largest first; equal totals by severity profile, then by name, so output is stable.
    sorted.sort_by(|a, b| {
        b.1.iter()
            .sum::<usize>()
            .cmp(&a.1.iter().sum())
            .then(b.1.cmp(&a.1))
            .then(a.0.cmp(b.0))
    });
    let rest = sorted.split_off(sorted.len().min(limit));
    let mut out: Vec<Bar> = sorted
        .into_iter()
        .map(|(key, counts)| Bar {
            label: label(key),
            filter: format!("{filter_key}={key}"),
            counts,
        })
        .collect();
    if !rest.is_empty() {
        let mut counts = [0; 5];
        for (_, c) in &rest {
            for (total, n) in counts.iter_mut().zip(c) {
                *total += n;
            }
        }
        out.push(Bar {
            label: format!("{} more", rest.len()),
            filter: String::new(),
            counts,
        });
    }
    out
}

// Sized for a chart about 400 pixels wide (three side by side), so text draws at its CSS size.
const ROW: usize = 22;
const LABEL: usize = 168;
const WIDTH: usize = 178;
const COUNT: usize = 50;

/// A titled chart; an empty one says so instead of drawing nothing.
pub(super) fn chart(id: &str, title: &str, bars: &[Bar]) -> String {
    let mut out = String::new();
    let _ = write!(
        out,
        "<figure class=\"chart\" id=\"{id}\"><figcaption>{}</figcaption>",
        escape_markup(title)
    );
    if bars.is_empty() {
        out.push_str("<p class=\"empty\">No findings.</p></figure>");
        return out;
    }
    let height = bars.len() * ROW;
    let max = bars.iter().map(Bar::total).max().unwrap_or(1).max(1);
    let _ = write!(
        out,
        "<svg viewBox=\"0 0 {} {height}\" role=\"img\" aria-label=\"{}\">",
        LABEL + WIDTH + COUNT,
        escape_markup(title)
    );
    for (i, bar) in bars.iter().enumerate() {
        let y = i * ROW;
        let clickable = !bar.filter.is_empty();
        if clickable {
            let _ = write!(
                out,
                "<g class=\"bar\" data-filter=\"{}\" tabindex=\"0\" role=\"button\">",
                escape_markup(&bar.filter)
            );
        } else {
            out.push_str("<g class=\"bar rest\">");
        }
        let _ = write!(out, "<title>{}</title>", escape_markup(&tooltip(bar)));
        // The whole row takes the click and the hover, not only the painted bar and label.
        let _ = write!(
            out,
            "<rect class=\"hit\" x=\"0\" y=\"{y}\" width=\"{}\" height=\"{ROW}\"/>",
            LABEL + WIDTH + COUNT
        );
        let _ = write!(
            out,
            "<text class=\"label\" x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>",
            LABEL - 8,
            y + 15,
            escape_markup(&shorten(&bar.label, 21))
        );
        let mut x = LABEL;
        for (severity, n) in Severity::ALL.iter().zip(bar.counts) {
            if n == 0 {
                continue;
            }
            let width = (n * WIDTH).div_ceil(max).max(2);
            let _ = write!(
                out,
                "<rect class=\"sev-{}\" x=\"{x}\" y=\"{}\" width=\"{width}\" height=\"{}\"/>",
                severity.as_str(),
                y + 4,
                ROW - 8
            );
            x += width;
        }
        let _ = write!(
            out,
            "<text class=\"count\" x=\"{}\" y=\"{}\">{}</text></g>",
            x + 5,
            y + 15,
            bar.total()
        );
    }
    out.push_str("</svg></figure>");
    out
}

fn tooltip(bar: &Bar) -> String {
    let parts: Vec<String> = Severity::ALL
        .iter()
        .zip(bar.counts)
        .filter(|(_, n)| *n > 0)
        .map(|(s, n)| format!("{n} {}", s.as_str()))
        .collect();
    format!("{}: {}", bar.label, parts.join(", "))
}

/// Long labels are cut with an ellipsis; the full text is in the tooltip.
fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let mut out: String = text.chars().take(max - 1).collect();
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_past_the_limit_fold_into_one_bar() {
        let items = [
            (Severity::High, "a"),
            (Severity::Low, "a"),
            (Severity::High, "b"),
            (Severity::Info, "c"),
        ];
        let bars = bars(items.into_iter(), "category", str::to_string, 2);
        let labels: Vec<&str> = bars.iter().map(|b| b.label.as_str()).collect();
        assert_eq!(labels, ["a", "b", "1 more"]);
        assert_eq!(bars[0].counts, [0, 1, 0, 1, 0]);
        assert!(bars[2].filter.is_empty());
        assert!(chart("x", "T", &bars).contains("data-filter=\"category=a\""));
    }
}
