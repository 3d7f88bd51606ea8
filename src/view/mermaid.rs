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
    let mut out = String::from("sequenceDiagram\n");
    let steps: Vec<_> = tl
        .steps
        .iter()
        .filter(|s| only_stream.is_none_or(|n| n == s.stream))
        .collect();
    let first_stream = steps.first().map_or(0, |s| s.stream);
    if let Some(info) = tl.streams.get(first_stream as usize) {
        let _ = writeln!(out, "    participant C as client {}", info.client);
        let _ = writeln!(out, "    participant S as server {}", info.server);
    }
    if let Some(first) = steps.first() {
        let _ = writeln!(out, "    Note over C: {}", state_name(first.before.client));
        let _ = writeln!(out, "    Note over S: {}", state_name(first.before.server));
    }
    let mut stream = first_stream;
    for step in steps {
        if step.stream != stream {
            stream = step.stream;
            let _ = writeln!(out, "    Note over C,S: stream {stream}: a new connection");
        }
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
    out
}
