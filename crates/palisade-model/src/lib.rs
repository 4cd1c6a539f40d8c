//! The Palisade object model: how manifests become [`Object`]s that rules can read.
//!
//! This crate has no IO beyond reading the files it is asked to load, no async runtime and no
//! network, so every front end (scan, serve, audit) can share it.

pub mod kinds;
pub mod loader;
mod location;
mod object;
pub mod pod;
pub mod pointer;
pub mod selector;
mod templates;

pub use location::{Location, SourceMap, SourcePosition};
pub use object::{Object, ObjectRef, Origin, TemplateSource};
pub use pod::{ContainerKind, ContainerView, PodSpecView};
pub use templates::{ContainerLists, PodTemplates, ShapeProblem, TemplateLocation, check_pattern};
