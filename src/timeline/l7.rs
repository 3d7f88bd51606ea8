//! What a segment's payload was recognised as: the label every view puts
//! on an arrow. The recognisers themselves are in `wire/l7.rs`.

use serde::Serialize;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Protocol {
    Http,
    Websocket,
}

/// What a segment's payload was recognised as, with a short label in the
/// style of Wireshark's flow graph.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct L7 {
    pub protocol: Protocol,
    pub summary: String,
    /// A `101 Switching Protocols` with `Upgrade: websocket`: the tracker
    /// reads WebSocket frames on this connection from now on.
    #[serde(skip)]
    pub upgrade: bool,
}

impl Protocol {
    pub fn name(self) -> &'static str {
        match self {
            Protocol::Http => "http",
            Protocol::Websocket => "websocket",
        }
    }
}

impl L7 {
    /// The label an arrow carries: `GET / HTTP/1.1`, `WS text "hi"`.
    pub fn label(&self) -> String {
        match self.protocol {
            Protocol::Http => self.summary.clone(),
            Protocol::Websocket => format!("WS {}", self.summary),
        }
    }
}
