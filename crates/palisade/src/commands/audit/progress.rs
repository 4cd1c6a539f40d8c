//! A spinner on standard error while the cluster is read, when standard error is a terminal.

use std::sync::atomic::{AtomicUsize, Ordering};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use palisade_cluster::Batch;

pub(crate) struct Progress {
    bar: ProgressBar,
    objects: AtomicUsize,
}

impl Progress {
    pub fn start() -> Self {
        // Hidden when standard error is not a terminal: CI logs get the summary line only.
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
        if let Ok(style) = ProgressStyle::with_template("{spinner} {msg} [{elapsed}]") {
            bar.set_style(style);
        }
        bar.enable_steady_tick(std::time::Duration::from_millis(120));
        Self {
            bar,
            objects: AtomicUsize::new(0),
        }
    }

    /// Counts a page as it arrives.
    pub fn read(&self, batch: &Batch) {
        let total = self
            .objects
            .fetch_add(batch.objects.len(), Ordering::Relaxed)
            + batch.objects.len();
        self.bar.set_message(format!(
            "reading the cluster: {total} objects ({})",
            batch.resource
        ));
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.bar.finish_and_clear();
    }
}
