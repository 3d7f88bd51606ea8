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
                let arrow = if v.lost { "-x" } else { "->>" };
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
                let _ = writeln!(
                    out,
                    "    {}{arrow}{}: {}",
                    who(v.from),
                    who(v.from.other()),
                    clean(&label)
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
