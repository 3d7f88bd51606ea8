//! The states pane: each endpoint's state before → after the current step,
//! the RFC 9293 edge it took, and the state diagram (RFC 9293 Figure 5,
//! redrawn small) with both endpoints marked.

use super::app::{App, HitMap, Pane};
use super::explain::side_col;
use super::text::{fit, pane_block, truncate, width};
use crate::i18n::{msg, text};
use crate::tcp::state::State;
use crate::timeline::{CallResult, Side, Step, StepKind, state_name};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

/// The diagram. Edge labels are short; the full RFC label of the edge just
/// taken is written above the diagram.
const ART: [&str; 14] = [
    "                     [CLOSED]",
    "         listen() ╱            ╲ connect()",
    "          [LISTEN] ───── SEND ─────▶ [SYN_SENT]",
    "        rcv SYN │     ╭── rcv SYN ──╯    │ rcv SYN,ACK",
    "                ▼     ▼                  ▼",
    "         [SYN_RECEIVED] ─ rcv ACK ─▶ [ESTABLISHED]",
    "                   close ╱               ╲ rcv FIN",
    "       [FIN_WAIT_1] ─ rcv FIN ─▶ [CLOSING]    [CLOSE_WAIT]",
    "    rcv ACK │  ╲ rcv FIN,ACK        │ rcv ACK      │ close",
    "       [FIN_WAIT_2]    ╲            ▼          [LAST_ACK]",
    "    rcv FIN ╰──────────▶ [TIME_WAIT]              │ rcv ACK",
    "                            2MSL ╰────────────▶ [CLOSED]",
    "",
    "   rcv RST ─▶ CLOSED (SYN_RECEIVED ─▶ LISTEN)   ABORT ─▶ snd RST",
];

/// The row of the CLOSED box at the bottom of [`ART`] (the end of a
/// connection, as opposed to the one at the top it starts from).
const CLOSED_BOTTOM: usize = 11;

/// The row of the RST edges, which Figure 5 leaves out (RFC 9293 §3.10.7
/// lists them in words): an RST received takes any synchronised state to
/// CLOSED, an abort sends one.
const RST_ROW: usize = 13;

/// Where each edge's label is in [`ART`]: (from, to, row, label, nth
/// occurrence of the label in that row).
const EDGES: [(State, State, usize, &str, usize); 18] = [
    (State::Closed, State::Listen, 1, "listen()", 0),
    (State::Closed, State::SynSent, 1, "connect()", 0),
    (State::Listen, State::SynSent, 2, "SEND", 0),
    (State::Listen, State::SynReceived, 3, "rcv SYN", 0),
    (State::SynSent, State::SynReceived, 3, "rcv SYN", 1),
    (State::SynSent, State::Established, 3, "rcv SYN,ACK", 0),
    (State::SynReceived, State::Established, 5, "rcv ACK", 0),
    (State::Established, State::FinWait1, 6, "close", 0),
    (State::Established, State::CloseWait, 6, "rcv FIN", 0),
    (State::FinWait1, State::Closing, 7, "rcv FIN", 0),
    (State::FinWait1, State::FinWait2, 8, "rcv ACK", 0),
    (State::FinWait1, State::TimeWait, 8, "rcv FIN,ACK", 0),
    (State::Closing, State::TimeWait, 8, "rcv ACK", 1),
    (State::CloseWait, State::LastAck, 8, "close", 0),
    (State::FinWait2, State::TimeWait, 10, "rcv FIN", 0),
    (State::LastAck, State::Closed, 10, "rcv ACK", 0),
    (State::TimeWait, State::Closed, 11, "2MSL", 0),
    (State::SynReceived, State::FinWait1, 6, "close", 0),
];

/// The label in [`RST_ROW`] of the edge `side` took in `step` when an RST
/// moved it: "rcv RST" for the receiver, "ABORT" for the sender.
fn rst_edge(step: &Step, side: Side) -> Option<&'static str> {
    let rst = step.segment.as_ref().is_some_and(|v| v.seg.flags.rst());
    let abort = matches!(step.call_result, Some(CallResult::Abort { .. }));
    match (step.kind, step.side == side) {
        (StepKind::Segment, false) if rst => Some("rcv RST"),
        (StepKind::Segment, true) if rst => Some("ABORT"),
        (_, true) if abort => Some("ABORT"),
        _ => None,
    }
}

/// [`edge_label`] in `lang`: the RFC's user calls (OPEN, SEND, CLOSE,
/// ABORT), TCB and the flags stay; the words around them are translated.
pub fn edge_label_in(step: &Step, side: Side, lang: crate::explain::Lang) -> Option<String> {
    let en = edge_label(step, side)?;
    if lang == crate::explain::Lang::En {
        return Some(en);
    }
    // The English fragments are those edge_label writes; each is replaced
    // by its message, in order (longer fragments before the ones inside them).
    let words: [(&str, &str); 14] = [
        (" (inferred)", text(lang, "tui-edge-inferred")),
        (
            "passive OPEN (listen())",
            text(lang, "tui-edge-passive-open"),
        ),
        (
            "active OPEN (connect())",
            text(lang, "tui-edge-active-open"),
        ),
        ("ACK of SYN", text(lang, "tui-edge-ack-of-syn")),
        ("FIN + ACK of FIN", text(lang, "tui-edge-fin-ack-of-fin")),
        ("ACK of FIN", text(lang, "tui-edge-ack-of-fin")),
        ("back to LISTEN", text(lang, "tui-edge-back-to-listen")),
        ("delete TCB", text(lang, "tui-edge-delete-tcb")),
        ("create TCB", text(lang, "tui-edge-create-tcb")),
        ("Timeout = 2MSL", text(lang, "tui-edge-timeout")),
        ("rcv ", text(lang, "tui-edge-rcv")),
        ("snd ", text(lang, "tui-edge-snd")),
        ("/ no reply", text(lang, "tui-edge-no-reply")),
        (", ", text(lang, "comma")),
    ];
    Some(words.iter().fold(en, |t, (e, z)| t.replace(e, z)))
}

/// The RFC 9293 Figure 5 label of the edge `side` took in `step`, or None
/// when its state did not change.
pub fn edge_label(step: &Step, side: Side) -> Option<String> {
    use State::*;
    let (b, a) = (step.before.get(side), step.after.get(side));
    if b == a {
        return None;
    }
    let receiver = step.kind == StepKind::Segment && step.side != side;
    let rst_in = receiver && step.segment.as_ref().is_some_and(|v| v.seg.flags.rst());
    let aborts = step.side == side
        && (matches!(step.call_result, Some(CallResult::Abort { .. }))
            || step.segment.as_ref().is_some_and(|v| v.seg.flags.rst()));
    let (Some(b), Some(a)) = (b, a) else {
        return Some(format!("{} → {} (inferred)", state_name(b), state_name(a)));
    };
    let text = match (b, a) {
        _ if rst_in && a == Listen => "rcv RST / back to LISTEN",
        _ if rst_in => "rcv RST / delete TCB",
        (_, Closed) if aborts => "ABORT / snd RST, delete TCB",
        (Closed, Listen) => "passive OPEN (listen()) / create TCB",
        (Closed, SynSent) => "active OPEN (connect()) / create TCB, snd SYN",
        (Listen, SynSent) => "SEND / snd SYN",
        (Listen, SynReceived) | (SynSent, SynReceived) => "rcv SYN / snd SYN,ACK",
        (SynSent, Established) => "rcv SYN,ACK / snd ACK",
        (SynReceived, Established) => "rcv ACK of SYN / no reply",
        (SynReceived | Established, FinWait1) => "CLOSE / snd FIN",
        (Established, CloseWait) => "rcv FIN / snd ACK",
        (FinWait1, FinWait2) => "rcv ACK of FIN / no reply",
        (FinWait1, Closing) => "rcv FIN / snd ACK",
        (FinWait1, TimeWait) => "rcv FIN + ACK of FIN / snd ACK",
        (FinWait2, TimeWait) => "rcv FIN / snd ACK",
        (CloseWait, LastAck) => "CLOSE / snd FIN",
        (Closing, TimeWait) => "rcv ACK of FIN / no reply",
        (LastAck, Closed) => "rcv ACK of FIN / no reply",
        (TimeWait, Closed) => "Timeout = 2MSL / delete TCB",
        (Listen | SynSent, Closed) => "CLOSE / delete TCB",
        _ => return Some(format!("{b} → {a}")),
    };
    Some(text.to_string())
}

/// One line per endpoint: `client  SYN_SENT → ESTABLISHED  rcv SYN,ACK / snd ACK`.
pub fn summary(app: &App, w: usize) -> Vec<Line<'static>> {
    let t = &app.theme;
    let Some(step) = app.tl.steps.get(app.current) else {
        return vec![];
    };
    if step.is_udp() {
        return vec![cut_line(
            vec![Span::styled(
                text(app.lang, "tui-udp-no-states").to_string(),
                t.bold(),
            )],
            w,
        )];
    }
    // Among one server's several clients, which client this is.
    let names: [String; 2] = match super::lanes::Lanes::of(app) {
        Some(l) => [
            l.name(l.lane(step.stream).unwrap_or(0), false).to_string(),
            app.lang.side(Side::Server).to_string(),
        ],
        None => [Side::Client, Side::Server].map(|s| app.lang.side(s).to_string()),
    };
    let col = names
        .iter()
        .map(|n| width(n) + 1)
        .max()
        .unwrap_or(0)
        .max(side_col(app.lang));
    [Side::Client, Side::Server]
        .into_iter()
        .map(|side| {
            let (b, a) = (step.before.get(side), step.after.get(side));
            let mut spans = vec![Span::styled(fit(&names[side.index()], col), t.side(side))];
            let kernel = step.kernel.map(|k| kernel_span(app, a, k.get(side)));
            if b == a {
                spans.push(Span::styled(
                    state_name(a).to_string(),
                    t.side(side).patch(t.bold()),
                ));
                spans.push(Span::styled(
                    text(app.lang, "tui-states-unchanged"),
                    t.dim(),
                ));
                spans.extend(kernel);
            } else {
                spans.push(Span::raw(state_name(b).to_string()));
                spans.push(Span::raw(" → "));
                spans.push(Span::styled(
                    state_name(a).to_string(),
                    t.side(side).patch(t.bold()),
                ));
                spans.extend(kernel);
                if let Some(e) = edge_label_in(step, side, app.lang) {
                    spans.push(Span::raw("   "));
                    spans.push(Span::styled(e, t.edge()));
                }
            }
            cut_line(spans, w)
        })
        .collect()
}

/// What the kernel says (live lab): `  kernel: ESTABLISHED ✓`, or on a
/// mismatch `  ✗ kernel: SYN_RECEIVED (differs!)`; `kernel: no socket`
/// when it has none for that side.
fn kernel_span(app: &App, inferred: Option<State>, kernel: Option<State>) -> Span<'static> {
    let t = &app.theme;
    let kn = text(app.lang, "tui-states-kernel");
    match kernel {
        None => Span::styled(text(app.lang, "tui-states-no-socket"), t.dim()),
        Some(k) if Some(k) == inferred => Span::raw(format!("  {kn}: {} ✓", k.name())),
        Some(k) => Span::styled(
            msg!(app.lang, "tui-states-kernel-differs", state = k.name()),
            t.lost()
                .patch(Style::new().add_modifier(ratatui::style::Modifier::REVERSED)),
        ),
    }
}

/// Cut a line of spans to `w` columns.
fn cut_line(spans: Vec<Span<'static>>, w: usize) -> Line<'static> {
    let mut left = w;
    let mut out = Vec::new();
    for s in spans {
        if left == 0 {
            break;
        }
        let text = truncate(&s.content, left);
        left -= width(&text);
        out.push(Span::styled(text, s.style));
    }
    Line::from(out)
}

/// Char-column range of the `nth` occurrence of `needle` in `row`.
fn find_nth(row: &str, needle: &str, nth: usize) -> Option<(usize, usize)> {
    let mut from = 0;
    for k in 0..=nth {
        let at = from + row[from..].find(needle)?;
        if k == nth {
            let col = row[..at].chars().count();
            return Some((col, col + needle.chars().count()));
        }
        from = at + needle.len();
    }
    None
}

/// Whether `side` has been in a synchronised state earlier in this stream
/// (then CLOSED is the one at the bottom of the diagram).
fn closed_at_bottom(app: &App, side: Side) -> bool {
    let Some(cur) = app.tl.steps.get(app.current) else {
        return false;
    };
    app.tl.steps[..=app.current]
        .iter()
        .filter(|s| s.stream == cur.stream)
        .any(|s| {
            s.before.get(side).is_some_and(State::is_synchronized)
                || s.after.get(side).is_some_and(State::is_synchronized)
        })
}

/// Where `state`'s box is: (row, first col, end col) of its `[NAME]`.
fn state_box(state: State, bottom: bool) -> Option<(usize, usize, usize)> {
    let token = format!("[{}]", state.name());
    if state == State::Closed {
        let row = if bottom { CLOSED_BOTTOM } else { 0 };
        return find_nth(ART[row], &token, 0).map(|(a, b)| (row, a, b));
    }
    ART.iter()
        .enumerate()
        .find_map(|(r, line)| find_nth(line, &token, 0).map(|(a, b)| (r, a, b)))
}

/// The diagram with the endpoints marked: `C[ESTABLISHED]S`, the boxes in
/// each side's colour, the edges just taken underlined.
pub fn diagram(app: &App) -> Vec<Line<'static>> {
    let t = &app.theme;
    let artw = ART.iter().map(|l| width(l)).max().unwrap_or(0) + 1;
    let mut chars: Vec<Vec<char>> = ART
        .iter()
        .map(|l| {
            let mut v: Vec<char> = l.chars().collect();
            v.resize(artw, ' ');
            v
        })
        .collect();
    let mut styles: Vec<Vec<Style>> = chars.iter().map(|r| vec![t.dim(); r.len()]).collect();
    // State boxes in normal text, the arrows dim.
    for (cs, ss) in chars.iter().zip(styles.iter_mut()) {
        let mut inside = false;
        for (c, s) in cs.iter().zip(ss.iter_mut()) {
            if *c == '[' {
                inside = true;
            }
            if inside {
                *s = Style::new();
            }
            if *c == ']' {
                inside = false;
            }
        }
    }
    let Some(step) = app.tl.steps.get(app.current) else {
        return vec![];
    };
    for side in [Side::Client, Side::Server] {
        let (b, a) = (step.before.get(side), step.after.get(side));
        if b != a
            && let Some(label) = rst_edge(step, side)
            && let Some((x0, x1)) = find_nth(ART[RST_ROW], label, 0)
        {
            styles[RST_ROW][x0..x1].fill(t.edge());
            continue;
        }
        if b != a
            && let (Some(b), Some(a)) = (b, a)
            && let Some(&(_, _, row, label, nth)) =
                EDGES.iter().find(|(f, to, ..)| *f == b && *to == a)
            && let Some((x0, x1)) = find_nth(ART[row], label, nth)
        {
            styles[row][x0..x1].fill(t.edge());
        }
    }
    let states = [
        (Side::Client, step.after.client),
        (Side::Server, step.after.server),
    ];
    for (side, state) in states {
        let Some(state) = state else { continue };
        let Some((row, a, b)) = state_box(state, closed_at_bottom(app, side)) else {
            continue;
        };
        let both = states
            .iter()
            .all(|(s, st)| *s == side || *st == Some(state));
        let style = if both && side == Side::Server {
            // Both in one box: keep the client's colour, add the S marker.
            t.side_mark(Side::Client)
        } else {
            t.side_mark(side)
        };
        styles[row][a..b].fill(style);
        let (mark_col, mark) = match side {
            Side::Client => (a.checked_sub(1), 'C'),
            Side::Server => (Some(b), 'S'),
        };
        if let Some(c) = mark_col.filter(|&c| c < artw) {
            chars[row][c] = mark;
            styles[row][c] = t.side_mark(side);
        }
    }
    chars
        .into_iter()
        .zip(styles)
        .map(|(cs, ss)| super::text::styled_runs(cs.into_iter().zip(ss)))
        .collect()
}

/// All the lines of the pane, for a width of `w`.
pub fn lines(app: &App, w: usize, with_summary: bool) -> Vec<Line<'static>> {
    let t = &app.theme;
    let mut out = Vec::new();
    if app.tl.steps.get(app.current).is_some_and(|s| s.is_udp()) {
        // No diagram to light up: the contrast with TCP is the point.
        return super::text::wrapped(text(app.lang, "tui-udp-no-states"), w, "", t.bold());
    }
    if let Some(lanes) = super::lanes::Lanes::of(app) {
        // One server's several connections: all their states at once,
        // then the current step's connection as for one.
        out = super::lanes::table(app, &lanes, w);
        out.push(Line::raw(""));
    }
    if with_summary {
        out.extend(summary(app, w));
        out.push(Line::raw(""));
    }
    out.extend(diagram(app));
    out.push(Line::raw(""));
    out.push(cut_line(
        vec![
            Span::styled("C", t.side_mark(Side::Client)),
            Span::raw(format!(" {}  ", app.lang.side(Side::Client))),
            Span::styled("S", t.side_mark(Side::Server)),
            Span::raw(format!(" {}  ", app.lang.side(Side::Server))),
            Span::styled(text(app.lang, "tui-states-underlined"), t.edge()),
            Span::raw(text(app.lang, "tui-states-edge-taken")),
        ],
        w,
    ));
    out
}

pub fn render(f: &mut Frame, area: Rect, app: &App, hits: &mut HitMap, title: &str) {
    render_with(f, area, app, hits, title, true);
}

/// Like [`render`]; without the two summary lines when the layout shows
/// them elsewhere.
pub fn render_with(
    f: &mut Frame,
    area: Rect,
    app: &App,
    hits: &mut HitMap,
    title: &str,
    with_summary: bool,
) {
    let block = pane_block(app, Pane::States, title);
    let inner = block.inner(area);
    f.render_widget(block, area);
    let all = lines(app, inner.width as usize, with_summary);
    let max = all.len().saturating_sub(inner.height as usize) as u16;
    hits.max_scroll[Pane::States.index()] = max;
    let off = app.steps.scroll[Pane::States.index()].min(max);
    f.render_widget(Paragraph::new(all).scroll((off, 0)), inner);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_edge_label_is_in_the_art() {
        for (from, to, row, label, nth) in EDGES {
            assert!(
                find_nth(ART[row], label, nth).is_some(),
                "{from} → {to}: `{label}` #{nth} not in row {row}"
            );
            assert!(
                from.can_reach_in_one_step(to),
                "{from} → {to} is no RFC edge"
            );
        }
        for s in crate::tcp::state::ALL_STATES {
            assert!(state_box(s, false).is_some(), "{s} has no box");
        }
        assert_ne!(
            state_box(State::Closed, false),
            state_box(State::Closed, true)
        );
    }
}
