//! What the live sources need from the kernel, at the edge where privilege
//! is held: the raw `AF_PACKET` socket and its ring ([`sniffer`]), the
//! private tracefs instance ([`tracefs`]), `/proc/net/tcp` and the sysctls
//! ([`proc`]), and giving up privilege once those are open ([`privilege`]).

pub mod privilege;
pub mod proc;
pub mod sniffer;
pub mod tracefs;
