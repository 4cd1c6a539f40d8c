//! `palisade serve`: the admission webhook.
//!
//! The API server posts an `admission.k8s.io/v1` AdmissionReview to `/validate`; the request's
//! object goes through the same [`palisade_rules::Engine`] as `palisade scan` (per-object and
//! PSS rules; set rules need the whole cluster and do not run here), and each finding is
//! enforced, warned about or audited as the configuration's `webhook.modes` say.
//!
//! The layers, from the inside out:
//! - [`review`]: decoding the AdmissionReview and encoding the answer;
//! - [`decision`]: the pure function from request + policy to response (no HTTP);
//! - [`policy`]: the engine, exceptions, modes and exemptions a decision needs;
//! - [`router`]: the axum routes, limits, timeouts and panic guard;
//! - [`metrics`], [`tls`] (certificates and their reload) and [`server`] (listeners,
//!   readiness, graceful shutdown).

pub mod decision;
pub mod head_timeout;
pub mod logging;
pub mod metrics;
pub mod policy;
pub mod review;
pub mod router;
pub mod server;
pub mod tls;

pub use decision::{Decision, Judged, Outcome, decide};
pub use policy::{Policy, PolicyError};
pub use review::{BadRequest, Request, parse};
pub use router::{App, router};
pub use server::{Running, ServeError, ServeOptions, run, start};
