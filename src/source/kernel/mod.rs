//! What the live sources need from the kernel, at the edge where privilege
//! is held: the raw `AF_PACKET` socket and its ring ([`sniffer`]), the
//! private tracefs instance ([`tracefs`]), `/proc/net/tcp` and the sysctls
//! ([`proc`]), giving up privilege once those are open ([`privilege`]), and
//! the kernel's states per step from the tracepoint events ([`attribute`]).

pub mod attribute;
pub mod privilege;
pub mod proc;
pub mod sniffer;
pub mod tracefs;
