//! Renderers: the only code that formats findings. One file per format, all over [`Report`].

mod json;
mod model;
mod text;

pub use json::{render_json, JSON_SCHEMA_VERSION};
pub use model::{CheckedObject, FileLocation, InputError, Notice, Report, ReportFinding, Skipped, Summary};
pub use text::{render_text, TextOptions};
