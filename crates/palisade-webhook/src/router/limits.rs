//! How many reviews are read and evaluated at once.
//!
//! Each body in flight holds up to 3 MiB, and each evaluation its parsed object and findings
//! (a pod with 10,000 containers: hundreds of MiB of findings if four run at once). Two
//! semaphores bound both by construction, so memory stays under the install's limit however
//! many requests arrive: excess requests wait briefly, then get 429 with `Retry-After`, which
//! the API server treats as a failed call (the webhook's failurePolicy decides).

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// Bodies being received at once: 16 × 3 MiB.
pub const MAX_BODIES_IN_FLIGHT: usize = 16;

/// How long a request waits for a slot before it is answered 429.
pub const QUEUE_WAIT: Duration = Duration::from_secs(2);

/// Bodies larger than this are evaluated on the blocking pool, so that a slow evaluation never
/// stalls the async workers that answer probes and other reviews.
pub const INLINE_EVALUATION_LIMIT: usize = 128 * 1024;

/// The two gates every review passes.
#[derive(Clone, Debug)]
pub struct Limits {
    bodies: Arc<Semaphore>,
    evaluations: Arc<Semaphore>,
    evaluation_slots: usize,
}

impl Limits {
    /// One evaluation per core (at least one, at most eight): evaluation is CPU work, more at
    /// once only adds memory.
    pub fn new() -> Self {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        Self::with_slots(MAX_BODIES_IN_FLIGHT, cores.clamp(1, 8))
    }

    pub fn with_slots(bodies: usize, evaluations: usize) -> Self {
        Self {
            bodies: Arc::new(Semaphore::new(bodies.max(1))),
            evaluations: Arc::new(Semaphore::new(evaluations.max(1))),
            evaluation_slots: evaluations.max(1),
        }
    }

    pub fn evaluation_slots(&self) -> usize {
        self.evaluation_slots
    }

    /// A slot to receive a body, or `None` after [`QUEUE_WAIT`].
    pub async fn body_slot(&self) -> Option<OwnedSemaphorePermit> {
        wait(&self.bodies).await
    }

    /// A slot to evaluate, or `None` after [`QUEUE_WAIT`].
    pub async fn evaluation_slot(&self) -> Option<OwnedSemaphorePermit> {
        wait(&self.evaluations).await
    }
}

impl Default for Limits {
    fn default() -> Self {
        Self::new()
    }
}

async fn wait(semaphore: &Arc<Semaphore>) -> Option<OwnedSemaphorePermit> {
    tokio::time::timeout(QUEUE_WAIT, semaphore.clone().acquire_owned())
        .await
        .ok()?
        .ok()
}
