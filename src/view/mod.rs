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
/// `backlog`, or a capture of one server and its clients). The one rule
/// for when the TUI, SVG and Mermaid draw lanes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Lanes {
    pub server: std::net::SocketAddr,
    /// Each lane's client endpoint, in order of first appearance.
    pub clients: Vec<std::net::SocketAddr>,
    /// The TCP streams the timeline's steps hold, in number order.
    pub streams: Vec<u32>,
    /// Lane of each stream number (None: the stream has no step).
    lane_of: Vec<Option<usize>>,
}

impl Lanes {
    /// The lanes of `tl` when its steps' TCP connections (two or more, from
    /// two or more client endpoints: connections that reuse one client's
    /// ports one after the other read better as one ladder each) all go to
    /// the same server endpoint, and it has no UDP; `None` otherwise.
    pub fn of(tl: &crate::timeline::Timeline) -> Option<Lanes> {
        if tl.streams.len() < 2 {
            return None;
        }
        let mut present = vec![false; tl.streams.len()];
        for s in &tl.steps {
            if s.is_udp() {
                return None;
            }
            if let Some(p) = present.get_mut(s.stream as usize) {
                *p = true;
            }
        }
        let streams: Vec<u32> = (0u32..)
            .zip(&present)
            .filter(|(_, p)| **p)
            .map(|(n, _)| n)
            .collect();
        let server = tl.streams[*streams.first()? as usize].server;
        let mut clients: Vec<std::net::SocketAddr> = Vec::new();
        let mut lane_of = vec![None; tl.streams.len()];
        for &n in &streams {
            let info = tl.streams[n as usize];
            if info.server != server {
                return None;
            }
            let lane = match clients.iter().position(|c| *c == info.client) {
                Some(l) => l,
                None => {
                    clients.push(info.client);
                    clients.len() - 1
                }
            };
            lane_of[n as usize] = Some(lane);
        }
        (clients.len() >= 2).then_some(Lanes {
            server,
            clients,
            streams,
            lane_of,
        })
    }

    /// The 0-based client lane of connection `stream`.
    pub fn lane(&self, stream: u32) -> Option<usize> {
        self.lane_of.get(stream as usize).copied().flatten()
    }
}
