//! Views render a timeline. They never parse packets or decide states.

pub mod html;
pub mod json;
pub mod mermaid;
pub mod plain;
pub mod quiz;
pub mod svg;
pub mod tui;

/// The steps of `tl` (or of its stream `only`) grouped by connection, in
/// order of first appearance, each group in step order: for the views that
/// draw one ladder per connection.
pub fn by_stream(
    tl: &crate::timeline::Timeline,
    only: Option<u32>,
) -> Vec<Vec<&crate::timeline::Step>> {
    // A UDP conversation's number is apart from TCP's: keyed by both.
    let mut index: std::collections::HashMap<(bool, u32), usize> = std::collections::HashMap::new();
    let mut groups: Vec<Vec<&crate::timeline::Step>> = Vec::new();
    for step in tl
        .steps
        .iter()
        .filter(|s| only.is_none_or(|n| s.in_tcp_stream(n)))
    {
        let key = (step.is_udp(), step.stream);
        let i = *index.entry(key).or_insert_with(|| {
            groups.push(Vec::new());
            groups.len() - 1
        });
        groups[i].push(step);
    }
    groups
}

/// Several connections to one server, drawn on one ladder: a lifeline per
/// client endpoint and one for the server (the live lab's `chat` and
/// `backlog`, or a capture of one server and its clients).
#[derive(Clone, Debug, PartialEq)]
pub struct Lanes {
    pub server: std::net::SocketAddr,
    /// The client endpoints, in order of first appearance.
    pub clients: Vec<std::net::SocketAddr>,
}

impl Lanes {
    /// The lanes of `tl` when every one of its two or more TCP connections
    /// goes to the same server endpoint and it has no UDP; `None` otherwise
    /// (one connection, or many servers: one ladder per connection).
    pub fn of(tl: &crate::timeline::Timeline) -> Option<Lanes> {
        if tl.streams.len() < 2 || tl.steps.iter().any(|s| s.is_udp()) {
            return None;
        }
        let server = tl.streams[0].server;
        if tl.streams.iter().any(|s| s.server != server) {
            return None;
        }
        let mut clients = Vec::new();
        for s in &tl.streams {
            if !clients.contains(&s.client) {
                clients.push(s.client);
            }
        }
        (clients.len() > 1).then_some(Lanes { server, clients })
    }

    /// The 0-based client lane of connection `stream`.
    pub fn lane(&self, tl: &crate::timeline::Timeline, stream: u32) -> usize {
        tl.streams
            .get(stream as usize)
            .and_then(|s| self.clients.iter().position(|c| *c == s.client))
            .unwrap_or(0)
    }
}
