//! Views render a timeline. They never parse packets or decide states.

pub mod html;
pub mod json;
pub mod mermaid;
pub mod plain;
pub mod svg;
pub mod tui;
