//! Renderers: the only code that formats findings. One file per format, all over [`Report`].

mod common;
mod github;
mod html;
mod json;
mod junit;
mod markdown;
mod metrics;
mod model;
mod openreports;
mod quote;
mod sarif;
mod text;

pub use common::finding_fingerprint;
pub use github::render_github;
pub use html::render_html;
pub use json::{JSON_SCHEMA_VERSION, render_json};
pub use junit::render_junit;
pub use markdown::render_markdown;
pub use metrics::render_metrics;
pub use model::{
    CheckedObject, FileLocation, Hidden, InputError, NOTICE_KINDS, Notice, Report, ReportFinding,
    Skipped, Summary,
};
pub use openreports::{OpenReportsOptions, openreports, render_openreports};
pub use quote::{QuotableLine, REDACTED, SourceQuote, quote_line};
pub use sarif::{SARIF_SCHEMA_URI, render_sarif};
pub use text::{TextOptions, render_compact, render_text};
