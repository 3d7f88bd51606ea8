//! The ladder as a Mermaid `sequenceDiagram`, to paste into Markdown docs
//! and slides that render Mermaid.

use crate::timeline::{Side, StepKind, Timeline, state_name};
use std::fmt::Write;

fn who(side: Side) -> &'static str {
    match side {
        Side::Client => "C",
        Side::Server => "S",
    }
}

/// Mermaid treats `;` and `#` specially in messages; keep labels plain.
fn clean(s: &str) -> String {
    s.replace([';', '#'], " ")
}

pub fn render(tl: &Timeline, only_stream: Option<u32>) -> String {
    if only_stream.is_none()
        && let Some(lanes) = crate::view::Lanes::of(tl)
    {
        return lanes_diagram(tl, &lanes);
    }
    // One diagram per connection (a sequence diagram has one pair of
    // participants), each starting with its own `sequenceDiagram` line.
    let groups = crate::view::by_stream(tl, only_stream);
    let many = groups.len() > 1;
    let mut out = String::new();
    for (i, steps) in groups.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        diagram(&mut out, tl, steps, many);
    }
    if groups.is_empty() {
        out.push_str("sequenceDiagram\n");
    }
    out
}

fn diagram(out: &mut String, tl: &Timeline, steps: &[&crate::timeline::Step], titled: bool) {
    out.push_str("sequenceDiagram\n");
    let stream = steps.first().map_or(0, |s| s.stream);
    // A UDP conversation: its ends are its first datagram's; no states.
    let udp = steps.first().and_then(|s| s.datagram.as_deref());
    let info = match udp {
        Some(d) => Some(d.ends()),
        None => tl.streams.get(stream as usize).copied(),
    };
    let word = if udp.is_some() {
        "UDP stream"
    } else {
        "stream"
    };
    if titled && let Some(info) = info {
        let _ = writeln!(
            out,
            "    title {word} {stream}: {} <-> {}",
            clean(&info.client.to_string()),
            clean(&info.server.to_string())
        );
    }
    if let Some(info) = info {
        let _ = writeln!(out, "    participant C as client {}", info.client);
        let _ = writeln!(out, "    participant S as server {}", info.server);
    }
    if udp.is_some() {
        let _ = writeln!(out, "    Note over C,S: UDP: no connection, no states");
    } else if let Some(first) = steps.first() {
        let _ = writeln!(out, "    Note over C: {}", state_name(first.before.client));
        let _ = writeln!(out, "    Note over S: {}", state_name(first.before.server));
    }
    for step in steps {
        match step.kind {
            StepKind::Segment => {
                let v = step.segment.as_ref().expect("segment step");
                let _ = writeln!(
                    out,
                    "    {}{}{}: {}",
                    who(v.from),
                    arrow(v),
                    who(v.from.other()),
                    segment_label(v)
                );
            }
            StepKind::Call => {
                let call = step.call.map(|c| c.name()).unwrap_or("");
                let _ = writeln!(out, "    Note over {}: {}", who(step.side), clean(call));
            }
            StepKind::Timer => {
                let _ = writeln!(out, "    Note over {}: timer fires", who(step.side));
            }
            StepKind::Datagram => {
                let v = step.datagram.as_ref().expect("datagram step");
                let mut label = format!("UDP {} bytes", v.len);
                if let Some(l7) = &v.l7 {
                    label = format!("{} · {label}", l7.label());
                }
                // The open arrow: sent, and nothing comes back for it.
                let _ = writeln!(
                    out,
                    "    {}-){}: {}",
                    who(v.from),
                    who(v.from.other()),
                    clean(&label)
                );
            }
        }
        for side in [Side::Client, Side::Server] {
            let (b, a) = (step.before.get(side), step.after.get(side));
            if b != a {
                let place = match side {
                    Side::Client => "left of C",
                    Side::Server => "right of S",
                };
                let _ = writeln!(out, "    Note {place}: {}", state_name(a));
            }
        }
    }
}

fn arrow(v: &crate::timeline::SegmentView) -> &'static str {
    if v.lost { "-x" } else { "->>" }
}

/// A segment's message: flags, numbers, its L7 label, what befell it.
fn segment_label(v: &crate::timeline::SegmentView) -> String {
    let mut label = format!(
        "{} {} seq={}",
        v.seg.flags.tcpdump(),
        v.seg.flags.wireshark(),
        v.seq_rel
    );
    if v.seg.flags.ack() {
        let _ = write!(label, " ack={}", v.ack_rel);
    }
    if v.len > 0 {
        let _ = write!(label, " len={}", v.len);
    }
    if let Some(l7) = &v.l7 {
        label = format!("{} · {label}", l7.label());
    }
    if v.lost {
        label.push_str(" (lost)");
    } else if !v.analysis.is_empty() {
        label.push_str(" (retransmission)");
    }
    clean(&label)
}

/// One diagram for several connections to one server: a participant per
/// client (C1, C2, ...) and the server; the server's states are per
/// connection, so its notes name the client.
fn lanes_diagram(tl: &Timeline, lanes: &crate::view::Lanes) -> String {
    let mut out = String::from("sequenceDiagram\n");
    for (i, c) in lanes.clients.iter().enumerate() {
        let _ = writeln!(out, "    participant C{} as client {} {c}", i + 1, i + 1);
    }
    let _ = writeln!(out, "    participant S as server {}", lanes.server);
    for step in &tl.steps {
        let k = lanes.lane(step.stream).unwrap_or(0) + 1;
        let end = |side: Side| match side {
            Side::Client => format!("C{k}"),
            Side::Server => "S".to_string(),
        };
        match step.kind {
            StepKind::Segment => {
                let v = step.segment.as_ref().expect("segment step");
                let _ = writeln!(
                    out,
                    "    {}{}{}: {}",
                    end(v.from),
                    arrow(v),
                    end(v.from.other()),
                    segment_label(v)
                );
            }
            StepKind::Call => {
                let call = clean(step.call.map(|c| c.name()).unwrap_or(""));
                match step.side {
                    Side::Client => {
                        let _ = writeln!(out, "    Note over C{k}: {call}");
                    }
                    // listen() is the listener's, not a connection's.
                    Side::Server if step.call == Some(crate::timeline::Call::Listen) => {
                        let _ = writeln!(out, "    Note over S: {call}");
                    }
                    Side::Server => {
                        let _ = writeln!(out, "    Note over S: {call} (client {k})");
                    }
                }
            }
            StepKind::Timer => {
                let _ = writeln!(out, "    Note over {}: timer fires", end(step.side));
            }
            StepKind::Datagram => {}
        }
        for side in [Side::Client, Side::Server] {
            let (b, a) = (step.before.get(side), step.after.get(side));
            if b != a {
                let _ = match side {
                    Side::Client => writeln!(out, "    Note left of C{k}: {}", state_name(a)),
                    Side::Server => {
                        writeln!(out, "    Note right of S: client {k}: {}", state_name(a))
                    }
                };
            }
        }
    }
    out
}
