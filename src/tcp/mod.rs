//! The pure TCP model: states, segments, sequence arithmetic, endpoints,
//! the simulator and its scenarios. No I/O, no clock, no randomness.

pub mod analysis;
pub mod endpoint;
pub mod reassembly;
pub mod scenario;
pub mod segment;
pub mod seq;
pub mod sim;
pub mod state;
pub mod tracker;
