//! Views render a timeline. They never parse packets or decide states.

pub mod json;
pub mod plain;
pub mod tui;
