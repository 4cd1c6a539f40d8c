//! The scan pipeline behind `palisade scan`, as a library so benchmarks and tests can drive it.

pub mod baseline;
pub mod origin;
pub mod pipeline;
pub mod render;
