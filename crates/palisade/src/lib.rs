//! The scan pipeline behind `palisade scan` and the audit behind `palisade audit`, as a library
//! so benchmarks and tests can drive them.

pub mod audit;
pub mod baseline;
pub mod origin;
pub mod pipeline;
pub mod render;
