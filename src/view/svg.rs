//! The ladder diagram as SVG, for slides and handouts: two lifelines, one
//! arrow per segment, states written where they change, socket calls and
//! timers on the lifeline of the side that makes them.

use crate::timeline::{Side, Step, StepKind, Timeline, state_name};
use std::fmt::Write;

const WIDTH: f64 = 860.0;
const LEFT: f64 = 250.0;
const RIGHT: f64 = 610.0;
const ROW: f64 = 30.0;
const TOP: f64 = 110.0;

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn x_of(side: Side) -> f64 {
    match side {
        Side::Client => LEFT,
        Side::Server => RIGHT,
    }
}

/// Where one connection's ladder starts below the previous one: its own
/// height ([`TOP`] from the lifelines' labels at 78, plus its rows) and a gap.
fn section_height(rows: usize) -> f64 {
    (TOP - 60.0) + ROW * (rows as f64 + 1.5) + 20.0
}

/// Render `tl` (or one stream of it) as a standalone SVG document: one
/// ladder per connection, one under the other.
pub fn render(tl: &Timeline, only_stream: Option<u32>) -> String {
    if only_stream.is_none()
        && let Some(lanes) = crate::view::Lanes::of(tl)
    {
        return lanes_svg(tl, &lanes);
    }
    let groups = crate::view::by_stream(tl, only_stream);
    let last = groups.last().map_or(0, |g| g.len());
    let above: f64 = groups[..groups.len().saturating_sub(1)]
        .iter()
        .map(|g| section_height(g.len()))
        .sum();
    let height = above + TOP + ROW * (last as f64 + 1.5) + 20.0;
    let mut out = head(tl, WIDTH, height);
    let many = groups.len() > 1;
    let mut off = 0.0;
    for steps in &groups {
        ladder(&mut out, tl, steps, off, many);
        off += section_height(steps.len());
    }
    if groups.is_empty() {
        ladder(&mut out, tl, &[], 0.0, false);
    }
    out.push_str("</svg>\n");
    out
}

/// The document's start: size, arrow head, background, title lines.
fn head(tl: &Timeline, width: f64, height: f64) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" font-family="DejaVu Sans Mono, Menlo, Consolas, monospace" font-size="13">"#
    );
    let _ = writeln!(
        out,
        r##"<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#222"/></marker></defs>"##
    );
    let _ = writeln!(out, r#"<rect width="100%" height="100%" fill="white"/>"#);
    let _ = writeln!(
        out,
        r#"<text x="{}" y="28" text-anchor="middle" font-size="16" font-weight="bold">{}</text>"#,
        width / 2.0,
        esc(&format!("synack - {}", tl.source))
    );
    if !tl.title.is_empty() {
        let _ = writeln!(
            out,
            r##"<text x="{}" y="48" text-anchor="middle" fill="#555">{}</text>"##,
            width / 2.0,
            esc(&tl.title)
        );
    }
    out
}

/// One connection's ladder, `off` below where the first one goes.
fn ladder(out: &mut String, tl: &Timeline, steps: &[&Step], off: f64, titled: bool) {
    let stream = steps.first().map_or(0, |s| s.stream);
    // A UDP conversation: its ends are its first datagram's; no states.
    let udp = steps.first().and_then(|s| s.datagram.as_deref());
    if titled {
        let word = if udp.is_some() {
            "UDP stream"
        } else {
            "stream"
        };
        let _ = writeln!(
            out,
            r##"<text x="8" y="{}" font-weight="bold" fill="#036">{word} {stream}</text>"##,
            off + 64.0
        );
    }
    let info = match udp {
        Some(d) => Some(d.ends()),
        None => tl.streams.get(stream as usize).copied(),
    };
    if let Some(info) = info {
        for (side, addr) in [(Side::Client, info.client), (Side::Server, info.server)] {
            let _ = writeln!(
                out,
                r#"<text x="{}" y="{}" text-anchor="middle" font-weight="bold">{} {}</text>"#,
                x_of(side),
                off + 78.0,
                side,
                esc(&addr.to_string())
            );
        }
    }
    let bottom = off + TOP + ROW * (steps.len() as f64 + 1.5);
    for side in [Side::Client, Side::Server] {
        let _ = writeln!(
            out,
            r##"<line x1="{x}" y1="{}" x2="{x}" y2="{bottom}" stroke="#888" stroke-width="2"/>"##,
            off + 90.0,
            x = x_of(side)
        );
    }
    if let Some(first) = steps.first() {
        for side in [Side::Client, Side::Server] {
            let name = if udp.is_some() {
                "no state (UDP)"
            } else {
                state_name(first.before.get(side))
            };
            state_label(out, side, off + TOP - 8.0, name);
        }
    }
    for (i, step) in steps.iter().enumerate() {
        let y = off + TOP + ROW * (i as f64 + 1.0);
        let _ = writeln!(
            out,
            r##"<text x="8" y="{}" fill="#999" font-size="11">{:.3}s</text>"##,
            y + 4.0,
            step.time
        );
        match step.kind {
            StepKind::Segment => {
                let v = step.segment.as_ref().expect("segment step");
                let (x1, x2) = (x_of(v.from), x_of(v.from.other()));
                let y2 = y + 10.0;
                let (colour, stroke) = colour(v);
                if v.lost {
                    let xm = x1 + (x2 - x1) * 0.6;
                    let ym = y + 6.0;
                    let _ = writeln!(
                        out,
                        r#"<line x1="{x1}" y1="{y}" x2="{xm}" y2="{ym}" stroke="{colour}" stroke-width="1.5" stroke-dasharray="5,3"/>"#
                    );
                    let (anchor, dx) = if x2 > x1 {
                        ("start", 6.0)
                    } else {
                        ("end", -6.0)
                    };
                    let _ = writeln!(
                        out,
                        r##"<text x="{}" y="{}" text-anchor="{anchor}" fill="#b00" font-weight="bold">✕ lost</text>"##,
                        xm + dx - 6.0 * dx.signum(),
                        ym + 5.0
                    );
                } else {
                    let _ = writeln!(
                        out,
                        r#"<line x1="{x1}" y1="{y}" x2="{x2}" y2="{y2}" stroke="{colour}" stroke-width="{stroke}" marker-end="url(#arrow)"/>"#
                    );
                }
                let label = segment_label(v);
                let _ = writeln!(
                    out,
                    r#"<text x="{}" y="{}" text-anchor="middle" fill="{colour}">{}</text>"#,
                    (LEFT + RIGHT) / 2.0,
                    y - 3.0,
                    esc(&label)
                );
            }
            StepKind::Datagram => {
                let v = step.datagram.as_ref().expect("datagram step");
                let (x1, x2) = (x_of(v.from), x_of(v.from.other()));
                // Dashed: nothing acknowledges it or sends it again.
                let _ = writeln!(
                    out,
                    r##"<line x1="{x1}" y1="{y}" x2="{x2}" y2="{}" stroke="#222" stroke-width="1.5" stroke-dasharray="8,4" marker-end="url(#arrow)"/>"##,
                    y + 10.0
                );
                let label = match &v.l7 {
                    Some(l7) => format!("{} UDP {} bytes", l7.label(), v.len),
                    None => format!("UDP {} bytes", v.len),
                };
                let _ = writeln!(
                    out,
                    r##"<text x="{}" y="{}" text-anchor="middle" fill="#222">{}</text>"##,
                    (LEFT + RIGHT) / 2.0,
                    y - 3.0,
                    esc(&label)
                );
            }
            StepKind::Call | StepKind::Timer => {
                let text = if step.kind == StepKind::Call {
                    step.call.map(|c| c.name().to_string()).unwrap_or_default()
                } else {
                    match step.timer {
                        Some(crate::timeline::Timer::Retransmission { rto }) => {
                            format!("RTO {rto:.0} s")
                        }
                        Some(crate::timeline::Timer::DelayedAck) => "delayed ACK".into(),
                        Some(crate::timeline::Timer::TimeWait { seconds }) => {
                            format!("2MSL {seconds:.0} s")
                        }
                        None => String::new(),
                    }
                };
                let x = x_of(step.side);
                let (anchor, dx) = match step.side {
                    Side::Client => ("start", 10.0),
                    Side::Server => ("end", -10.0),
                };
                let fill = if step.kind == StepKind::Call {
                    "#063"
                } else {
                    "#606"
                };
                let _ = writeln!(
                    out,
                    r#"<circle cx="{x}" cy="{y}" r="4" fill="{fill}"/><text x="{}" y="{}" text-anchor="{anchor}" fill="{fill}" font-style="italic">{}</text>"#,
                    x + dx,
                    y + 4.0,
                    esc(&text)
                );
            }
        }
        for side in [Side::Client, Side::Server] {
            let (b, a) = (step.before.get(side), step.after.get(side));
            if b != a {
                state_label(out, side, y + 8.0, state_name(a));
            }
        }
    }
}

fn state_label(out: &mut String, side: Side, y: f64, name: &str) {
    let (x, anchor) = match side {
        Side::Client => (LEFT - 12.0, "end"),
        Side::Server => (RIGHT + 12.0, "start"),
    };
    let _ = writeln!(
        out,
        r##"<text x="{x}" y="{y}" text-anchor="{anchor}" font-weight="bold" fill="#036">{name}</text>"##
    );
}

/// The colour rule of every view (the TUI's `Theme::segment`): SYN blue,
/// FIN yellow-brown, RST red; and the stroke, heavier for an RST so it
/// shows in black and white too.
fn colour(v: &crate::timeline::SegmentView) -> (&'static str, &'static str) {
    let f = v.seg.flags;
    let colour = if f.rst() {
        "#b00"
    } else if f.syn() {
        "#05a"
    } else if f.fin() {
        "#a50"
    } else {
        "#222"
    };
    (colour, if f.rst() { "3" } else { "1.5" })
}

fn segment_label(v: &crate::timeline::SegmentView) -> String {
    let mut label = format!("{} seq={}", v.seg.flags.tcpdump(), v.seq_rel);
    if let Some(l7) = &v.l7 {
        // The application line says more than the numbers; the flags and
        // length stay so the arrow is still TCP.
        label = format!("{} {}", l7.label(), v.seg.flags.tcpdump());
    } else if v.seg.flags.ack() {
        let _ = write!(label, " ack={}", v.ack_rel);
    }
    if v.len > 0 {
        let _ = write!(label, " len={}", v.len);
    }
    if !v.analysis.is_empty() {
        label.push_str(" (retransmission)");
        if !v
            .analysis
            .contains(&crate::timeline::Analysis::Retransmission)
        {
            label = label.replace("retransmission", "analysis");
        }
    }
    label
}

/// Several connections to one server on one ladder: a lifeline per client
/// (left) and the server's (right); each arrow between its client's
/// lifeline and the server's; the server's states name the client.
fn lanes_svg(tl: &Timeline, lanes: &crate::view::Lanes) -> String {
    const LANE: f64 = 170.0;
    let lane_x = |i: usize| 190.0 + LANE * i as f64;
    let server_x = lane_x(lanes.clients.len()) + 140.0;
    let width = server_x + 260.0;
    let rows = tl.steps.len() as f64;
    let height = TOP + ROW * (rows + 1.5) + 20.0;
    let mut out = head(tl, width, height);
    let mut heads: Vec<(f64, String)> = lanes
        .clients
        .iter()
        .enumerate()
        .map(|(i, c)| (lane_x(i), format!("client {} {}", i + 1, c)))
        .collect();
    heads.push((server_x, format!("server {}", lanes.server)));
    let bottom = TOP + ROW * (rows + 1.5);
    for (i, (x, name)) in heads.iter().enumerate() {
        // Alternate heights: neighbouring addresses would overlap.
        let y = if i % 2 == 0 { 70.0 } else { 86.0 };
        let _ = writeln!(
            out,
            r##"<text x="{x}" y="{y}" text-anchor="middle" font-weight="bold">{}</text><line x1="{x}" y1="92" x2="{x}" y2="{bottom}" stroke="#888" stroke-width="2"/>"##,
            esc(name)
        );
    }
    for (i, step) in tl.steps.iter().enumerate() {
        let y = TOP + ROW * (i as f64 + 1.0);
        let k = lanes.lane(step.stream).unwrap_or(0);
        let x_of = |side: Side| match side {
            Side::Client => lane_x(k),
            Side::Server => server_x,
        };
        let _ = writeln!(
            out,
            r##"<text x="8" y="{}" fill="#999" font-size="11">{:.3}s</text>"##,
            y + 4.0,
            step.time
        );
        match step.kind {
            StepKind::Segment => {
                let v = step.segment.as_ref().expect("segment step");
                let (x1, x2) = (x_of(v.from), x_of(v.from.other()));
                let (colour, stroke) = colour(v);
                let dash = if v.lost {
                    r#" stroke-dasharray="5,3""#
                } else {
                    ""
                };
                let _ = writeln!(
                    out,
                    r#"<line x1="{x1}" y1="{y}" x2="{x2}" y2="{}" stroke="{colour}" stroke-width="{stroke}"{dash} marker-end="url(#arrow)"/><text x="{}" y="{}" text-anchor="middle" fill="{colour}" font-size="12">{}</text>"#,
                    y + 10.0,
                    (lane_x(k) + server_x) / 2.0,
                    y - 3.0,
                    esc(&segment_label(v))
                );
            }
            StepKind::Call | StepKind::Timer => {
                let mut text = step.call.map(|c| c.name().to_string()).unwrap_or_default();
                if step.side == Side::Server
                    && step.kind == StepKind::Call
                    && step.call != Some(crate::timeline::Call::Listen)
                {
                    let _ = write!(text, " (client {})", k + 1);
                }
                let (anchor, dx) = match step.side {
                    Side::Client => ("start", 10.0),
                    Side::Server => ("end", -10.0),
                };
                let x = x_of(step.side);
                let _ = writeln!(
                    out,
                    r##"<circle cx="{x}" cy="{y}" r="4" fill="#063"/><text x="{}" y="{}" text-anchor="{anchor}" fill="#063" font-style="italic">{}</text>"##,
                    x + dx,
                    y + 4.0,
                    esc(&text)
                );
            }
            StepKind::Datagram => {}
        }
        for side in [Side::Client, Side::Server] {
            let (b, a) = (step.before.get(side), step.after.get(side));
            if b != a {
                let (x, anchor, name) = match side {
                    Side::Client => (lane_x(k) - 8.0, "end", state_name(a).to_string()),
                    Side::Server => (
                        server_x + 12.0,
                        "start",
                        format!("client {}: {}", k + 1, state_name(a)),
                    ),
                };
                let _ = writeln!(
                    out,
                    r##"<text x="{x}" y="{}" text-anchor="{anchor}" font-weight="bold" font-size="11" fill="#036">{name}</text>"##,
                    y + 12.0
                );
            }
        }
    }
    out.push_str("</svg>\n");
    out
}
