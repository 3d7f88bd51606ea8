//! Frames on the wire: building them for simulated segments.

pub mod build;
pub mod decode;
pub mod l7;
