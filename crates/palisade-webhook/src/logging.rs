//! Structured logs: one JSON object per line, as log collectors expect from a pod.

use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

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

/// Longest string from a request that a log line carries (a Kubernetes name is at most 253).
const MAX_LOGGED: usize = 256;

/// A string from a request, cut to [`MAX_LOGGED`] bytes (at a character boundary) with the
/// number of bytes left out: a client choosing what goes into the log must not choose its size.
pub fn clip(text: &str) -> std::borrow::Cow<'_, str> {
    if text.len() <= MAX_LOGGED {
        return std::borrow::Cow::Borrowed(text);
    }
    let end = boundary_at_most(text, MAX_LOGGED);
    std::borrow::Cow::Owned(format!(
        "{}…(+{} bytes)",
        text.get(..end).unwrap_or_default(),
        text.len() - end
    ))
}

/// The largest character boundary of `text` at or before byte `max`.
pub(crate) fn boundary_at_most(text: &str, max: usize) -> usize {
    let mut end = max.min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    end
}

/// Rejected requests logged per window; the rest are counted and the count is logged with the
/// next line that gets through.
const REJECTIONS_PER_WINDOW: u64 = 10;
const WINDOW_SECONDS: u64 = 10;

static REJECTIONS: RateLimit = RateLimit::new(REJECTIONS_PER_WINDOW, WINDOW_SECONDS);

/// Logs a request turned away before a decision (bad body, too large, too slow, too busy),
/// at most [`REJECTIONS_PER_WINDOW`] per [`WINDOW_SECONDS`].
pub fn rejected(status: u16, message: &str) {
    let Some(suppressed) = REJECTIONS.admit() else {
        return;
    };
    tracing::warn!(status, error = %clip(message), suppressed, "rejected request");
}

/// A fixed-window rate limit over the monotonic clock, lock-free.
#[derive(Debug)]
pub struct RateLimit {
    per_window: u64,
    window_seconds: u64,
    window: AtomicU64,
    in_window: AtomicU64,
    suppressed: AtomicU64,
}

impl RateLimit {
    pub const fn new(per_window: u64, window_seconds: u64) -> Self {
        Self {
            per_window,
            window_seconds,
            window: AtomicU64::new(0),
            in_window: AtomicU64::new(0),
            suppressed: AtomicU64::new(0),
        }
    }

    /// `Some(n)` when this event may be logged, with the number suppressed since the last one
    /// that was; `None` when it is over the limit (and counted).
    pub fn admit(&self) -> Option<u64> {
        self.admit_at(seconds_since_start())
    }

    fn admit_at(&self, now_seconds: u64) -> Option<u64> {
        let window = now_seconds / self.window_seconds.max(1);
        if self.window.swap(window, Ordering::Relaxed) != window {
            self.in_window.store(0, Ordering::Relaxed);
        }
        if self.in_window.fetch_add(1, Ordering::Relaxed) < self.per_window {
            Some(self.suppressed.swap(0, Ordering::Relaxed))
        } else {
            self.suppressed.fetch_add(1, Ordering::Relaxed);
            None
        }
    }
}

fn seconds_since_start() -> u64 {
    static START: OnceLock<Instant> = OnceLock::new();
    START.get_or_init(Instant::now).elapsed().as_secs()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_strings_are_clipped_at_a_character_boundary() {
        assert_eq!(clip("short"), "short");
        let long = "é".repeat(300);
        let clipped = clip(&long);
        assert!(clipped.len() < 300, "{}", clipped.len());
        assert!(clipped.ends_with("bytes)"), "{clipped}");
    }

    #[test]
    fn the_rate_limit_admits_a_window_s_worth_then_counts_the_rest() {
        let limit = RateLimit::new(3, 10);
        let admitted: Vec<Option<u64>> = (0..5).map(|_| limit.admit_at(100)).collect();
        assert_eq!(admitted, [Some(0), Some(0), Some(0), None, None]);
        // The next window reports what was left out.
        assert_eq!(limit.admit_at(110), Some(2));
        assert_eq!(limit.admit_at(111), Some(0));
    }
}
