//! synack: see how TCP opens and closes a connection.
//!
//! The pipeline is `source → decode → track → timeline → view`; see
//! `docs/architecture.md`.

pub mod app;
pub mod cli;
pub mod explain;
pub mod i18n;
pub mod pcap;
pub mod signals;
pub mod source;
pub mod tcp;
pub mod timeline;
pub mod view;
pub mod wire;
