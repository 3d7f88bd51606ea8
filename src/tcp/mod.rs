//! The pure TCP model: the edges of the state diagram, endpoints,
//! reassembly, Wireshark's analysis marks and the tracker that follows
//! captured connections. No I/O, no clock, no randomness; it imports
//! nothing but the shared data types of [`crate::timeline`].

pub mod analysis;
pub mod endpoint;
pub mod reassembly;
pub mod state;
pub mod tracker;
