//! Capture files: a streaming reader for pcap and pcapng, and an atomic pcap
//! writer (temporary file, fsync, rename).

pub mod read;
pub mod write;

pub use read::{CaptureError, CaptureReader, RawFrame, MAX_RECORD_LEN};
pub use write::{write_pcap, PcapWriter};
