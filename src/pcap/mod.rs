//! Capture files: a streaming reader for pcap and pcapng, and an atomic
//! writer of pcap, or of pcapng with frame comments (temporary file, fsync,
//! rename).

pub mod read;
pub mod write;

pub use read::{CaptureError, CaptureReader, MAX_RECORD_LEN, RawFrame};
pub use write::{PcapWriter, annotate, check_target, wants_pcapng, write_pcap};
