//! Structured logs: one JSON object per line, as log collectors expect from a pod.

use tracing_subscriber::EnvFilter;
use tracing_subscriber::fmt::MakeWriter;

/// Installs the global JSON subscriber writing to `writer`, filtered by `filter` (the
/// `RUST_LOG` syntax, e.g. `info` or `palisade_webhook=debug`). A subscriber already
/// installed (by a test or a benchmark) is left in place.
pub fn init<W>(filter: &str, writer: W) -> Result<(), String>
where
    W: for<'w> MakeWriter<'w> + Send + Sync + 'static,
{
    let filter = EnvFilter::try_new(filter).map_err(|e| e.to_string())?;
    let _ = tracing_subscriber::fmt()
        .json()
        .flatten_event(true)
        .with_current_span(false)
        .with_span_list(false)
        .with_target(false)
        .with_env_filter(filter)
        .with_writer(writer)
        .try_init();
    Ok(())
}
