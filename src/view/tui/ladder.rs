//! The ladder (sequence) diagram: two lifelines, one row per step (one
//! server's several connections: [`super::lanes`]).
//!
//! ```text
//!    client 192.0.2.1:50000                  server 192.0.2.2:80
//!  1              │                     ● listen() │ LISTEN
//!  2 SYN_SENT     │ ● connect()                    │
//! ▶3              │──────── [S] seq=0 ────────────▶│ SYN_RECEIVED
//! ```

use super::app::{App, HitMap, Pane};
use super::text::{fit, fit_right, pane_block, truncate, width};
use crate::explain::Lang;
use crate::i18n::{msg, text};
use crate::tcp::state::State;
use crate::timeline::{
    Analysis, Call, CallResult, SegmentView, Side, Step, StepKind, Timer, state_name,
};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

/// Short state names for narrow ladders.
pub fn short_state(s: Option<State>) -> &'static str {
    match s {
        None => "UNKNOWN",
        Some(State::SynReceived) => "SYN_RCVD",
        Some(State::Established) => "ESTAB",
        Some(State::FinWait1) => "FIN_WAIT1",
        Some(State::FinWait2) => "FIN_WAIT2",
        Some(s) => s.name(),
    }
}

fn analysis_name(a: Analysis, lang: Lang) -> &'static str {
    match a {
        Analysis::Retransmission => text(lang, "tui-analysis-retransmission"),
        Analysis::DupAck => text(lang, "tui-analysis-dup-ack"),
        Analysis::OutOfOrder => text(lang, "tui-analysis-out-of-order"),
        Analysis::ZeroWindow => text(lang, "tui-analysis-zero-window"),
        Analysis::SpuriousRetransmission => text(lang, "tui-analysis-spurious-retransmission"),
        Analysis::KeepAlive => text(lang, "tui-analysis-keep-alive"),
        Analysis::KeepAliveAck => text(lang, "tui-analysis-keep-alive-ack"),
        Analysis::ZeroWindowProbe => text(lang, "tui-analysis-zero-window-probe"),
        Analysis::ZeroWindowProbeAck => text(lang, "tui-analysis-zero-window-probe-ack"),
        Analysis::ChallengeAck => text(lang, "tui-analysis-challenge-ack"),
    }
}

/// `[S.] seq=0 ack=1 len=5`, relative or raw; shorter variants follow for
/// narrow ladders.
pub fn seg_labels(v: &SegmentView, raw: bool) -> Vec<String> {
    seg_labels_in(v, raw, Lang::En)
}

/// [`seg_labels`] in `lang`.
pub fn seg_labels_in(v: &SegmentView, raw: bool, lang: Lang) -> Vec<String> {
    let (seq, ack) = if raw {
        (v.seg.seq.0, v.seg.ack.0)
    } else {
        (v.seq_rel, v.ack_rel)
    };
    let flags = v.seg.flags.tcpdump();
    let ack_part = if v.seg.flags.ack() {
        format!(" ack={ack}")
    } else {
        String::new()
    };
    let len_part = if v.len > 0 {
        format!(" len={}", v.len)
    } else {
        String::new()
    };
    let tags: String = v
        .analysis
        .iter()
        .map(|a| msg!(lang, "tui-ladder-tag", name = analysis_name(*a, lang)))
        .collect();
    let lost = if v.lost {
        text(lang, "tui-ladder-lost")
    } else {
        ""
    };
    let mut out = Vec::with_capacity(7);
    if let Some(l7) = &v.l7 {
        // The application line first, as Wireshark's flow graph; narrower
        // ladders drop the TCP numbers before they drop it.
        let l = l7.label();
        out.push(format!(
            "{l} {flags} seq={seq}{ack_part}{len_part}{lost}{tags}"
        ));
        out.push(format!("{l} {flags}{len_part}{lost}"));
        out.push(format!("{l}{lost}"));
    }
    out.extend([
        format!("{flags} seq={seq}{ack_part}{len_part}{lost}{tags}"),
        format!("{flags} seq={seq}{ack_part}{len_part}{lost}"),
        format!(
            "{flags} {seq}{}{len_part}{lost}",
            ack_part.replace(" ack=", "/")
        ),
        format!("{flags}{lost}"),
    ]);
    out
}

pub fn call_text(step: &Step) -> String {
    call_text_in(step, Lang::En)
}

/// [`call_text`] in `lang`.
pub fn call_text_in(step: &Step, lang: Lang) -> String {
    let call = step.call.map(Call::name).unwrap_or("");
    match &step.call_result {
        Some(CallResult::Bytes(n)) if step.call.is_some_and(Call::receives) => {
            format!("{call} = {n}")
        }
        Some(CallResult::Bytes(n)) => msg!(lang, "tui-ladder-call-bytes", call = call, n = *n),
        Some(CallResult::Eof) => format!("{call} = 0 (EOF)"),
        Some(CallResult::TimedOut) => msg!(lang, "call-text-timed-out", call = call),
        // poll() returns how many of its descriptors are ready: the one.
        Some(CallResult::Done) if step.call == Some(Call::Poll) => format!("{call} = 1"),
        Some(CallResult::Error(e)) => format!("{call} = -1 {e}"),
        Some(CallResult::Abort { .. }) => format!("{call} → RST"),
        _ => call.to_string(),
    }
}

pub fn timer_text(t: &Timer) -> String {
    timer_text_in(t, Lang::En)
}

/// [`timer_text`] in `lang`.
pub fn timer_text_in(t: &Timer, lang: Lang) -> String {
    match t {
        Timer::Retransmission { rto } => {
            msg!(lang, "tui-timer-rto", seconds = format!("{rto:.0}"))
        }
        Timer::DelayedAck => text(lang, "timer-delayed-ack").to_string(),
        Timer::TimeWait { seconds } => {
            msg!(lang, "timer-time-wait", seconds = format!("{seconds:.0}"))
        }
    }
}

/// The arrow between the lifelines, exactly `w` columns.
pub fn arrow(v: &SegmentView, raw: bool, w: usize) -> String {
    arrow_in(v, raw, w, Lang::En)
}

/// [`arrow`] with its label in `lang`.
pub fn arrow_in(v: &SegmentView, raw: bool, w: usize, lang: Lang) -> String {
    if w < 3 {
        return " ".repeat(w);
    }
    // A lost segment stops two thirds of the way, at a ✕.
    let span = if v.lost { (w * 2 / 3).max(3) } else { w };
    let inner = span - 1;
    let label = seg_labels_in(v, raw, lang)
        .into_iter()
        .find(|l| width(l) + 2 <= inner)
        .unwrap_or_else(|| truncate(&v.seg.flags.tcpdump(), inner.saturating_sub(2)));
    let label = if label.is_empty() {
        label
    } else {
        format!(" {label} ")
    };
    let fill = inner - width(&label);
    let (l, r) = (fill / 2, fill - fill / 2);
    // An RST is drawn with a heavy line, so it stands out on a monochrome
    // projector too.
    let line = if v.seg.flags.rst() { "━" } else { "─" };
    let body = format!("{}{label}{}", line.repeat(l), line.repeat(r));
    let head = if v.lost {
        "✕"
    } else if v.from == Side::Client {
        "▶"
    } else {
        "◀"
    };
    let drawn = match v.from {
        Side::Client => format!("{body}{head}"),
        Side::Server => format!("{head}{body}"),
    };
    match v.from {
        Side::Client => fit(&drawn, w),
        Side::Server => fit_right(&drawn, w),
    }
}

/// A datagram's arrow, `w` columns: dashed, as nothing acknowledges it.
pub fn datagram_arrow(v: &crate::timeline::DatagramView, w: usize, lang: Lang) -> String {
    if w < 3 {
        return " ".repeat(w);
    }
    let inner = w - 1;
    let mut label = msg!(lang, "udp-datagram-label", n = v.len);
    if let Some(l7) = &v.l7 {
        label = format!("{} {label}", l7.label());
    }
    let label = if width(&label) + 2 <= inner {
        format!(" {label} ")
    } else {
        truncate("UDP", inner)
    };
    let fill = inner.saturating_sub(width(&label));
    let (l, r) = (fill / 2, fill - fill / 2);
    let body = format!("{}{label}{}", "╌".repeat(l), "╌".repeat(r));
    let drawn = match v.from {
        Side::Client => format!("{body}▷"),
        Side::Server => format!("◁{body}"),
    };
    match v.from {
        Side::Client => fit(&drawn, w),
        Side::Server => fit_right(&drawn, w),
    }
}

/// Text on one lifeline (a call or a timer), `w` columns.
fn on_lifeline(side: Side, text: &str, w: usize) -> String {
    match side {
        Side::Client => fit(&format!(" {text}"), w),
        Side::Server => fit_right(&format!("{text} "), w),
    }
}

struct Geometry {
    num: usize,
    state: usize,
    middle: usize,
}

/// `largest` is the largest row number (step or frame number).
fn geometry(inner: usize, largest: u64) -> Geometry {
    let num = largest.max(1).to_string().len() + 1;
    let fixed = num + 4;
    let mut state = 12;
    if inner < fixed + 2 * state + 34 {
        state = 10;
    }
    if inner < fixed + 2 * state + 16 {
        state = 0;
    }
    let middle = inner.saturating_sub(fixed + 2 * state);
    Geometry { num, state, middle }
}

fn changed(step: &Step, side: Side, w: usize) -> String {
    let (b, a) = (step.before.get(side), step.after.get(side));
    if b == a {
        return String::new();
    }
    if w >= 12 {
        state_name(a).to_string()
    } else {
        short_state(a).to_string()
    }
}

/// A segment's arrow style: by its flags, lost ones dimmed.
pub(super) fn segment_style(app: &App, v: &SegmentView) -> Style {
    let t = &app.theme;
    if v.lost {
        t.lost()
    } else if !v.analysis.is_empty() {
        // The label names the analysis; bold makes it stand out without
        // changing the colour rule.
        t.segment(v.seg.flags)
            .add_modifier(ratatui::style::Modifier::BOLD)
    } else {
        t.segment(v.seg.flags)
    }
}

/// One ladder row.
fn step_line(app: &App, i: usize, n: u64, g: &Geometry) -> Line<'static> {
    let t = &app.theme;
    let step = &app.tl.steps[i];
    // Quiz: while a question is open the "?" row is the current one.
    let current = i == app.current && !app.pending;
    let marker = if current { "▶" } else { " " };
    let num = format!("{marker}{}", fit_right(&n.to_string(), g.num - 1));
    let (middle, mstyle) = match (&step.kind, &step.segment) {
        (StepKind::Segment, Some(v)) => (
            arrow_in(v, app.raw_seq, g.middle, app.lang),
            segment_style(app, v),
        ),
        (StepKind::Datagram, _) => match step.datagram.as_deref() {
            Some(v) => (
                datagram_arrow(v, g.middle, app.lang),
                t.segment(Default::default()),
            ),
            None => (String::new(), t.dim()),
        },
        (StepKind::Timer, _) => (
            on_lifeline(
                step.side,
                &format!(
                    "⊙ {}",
                    step.timer
                        .as_ref()
                        .map(|t| timer_text_in(t, app.lang))
                        .unwrap_or_default()
                ),
                g.middle,
            ),
            t.warn(),
        ),
        _ => (
            on_lifeline(
                step.side,
                &format!("● {}", call_text_in(step, app.lang)),
                g.middle,
            ),
            t.side(step.side).patch(t.bold()),
        ),
    };
    let mut spans = vec![
        Span::raw(num),
        Span::raw(" "),
        Span::styled(
            fit(&changed(step, Side::Client, g.state), g.state),
            t.side(Side::Client).patch(t.bold()),
        ),
        Span::styled("│", t.side(Side::Client)),
        Span::styled(middle, mstyle),
        Span::styled("│", t.side(Side::Server)),
        Span::raw(" "),
        Span::styled(
            fit(&changed(step, Side::Server, g.state), g.state),
            t.side(Side::Server).patch(t.bold()),
        ),
    ];
    if current {
        for s in &mut spans {
            s.style = s.style.patch(t.current());
        }
    }
    Line::from(spans)
}

fn separator(app: &App, step: &crate::timeline::Step, w: usize) -> Line<'static> {
    let stream = step.stream;
    let (name, info) = match step.datagram.as_deref() {
        Some(d) => (text(app.lang, "udp-stream"), Some(d.ends())),
        None => (
            text(app.lang, "tui-ladder-stream"),
            app.tl.streams.get(stream as usize).copied(),
        ),
    };
    let text = match info {
        Some(info) => format!(" {name} {stream}: {} ↔ {} ", info.client, info.server),
        None => format!(" {name} {stream} "),
    };
    let text = truncate(&text, w.saturating_sub(4));
    let rest = w.saturating_sub(width(&text) + 2);
    Line::from(Span::styled(
        format!("──{text}{}", "─".repeat(rest)),
        app.theme.dim(),
    ))
}

/// All rows: the lines and, for each, the step it shows (None: separator).
fn rows(app: &App, g: &Geometry, w: usize) -> Vec<(Line<'static>, Option<usize>)> {
    let multi = app.stream.is_none()
        && (app.tl.streams.len() > 1 || app.tl.steps.iter().any(|s| s.is_udp()));
    let mut out = Vec::new();
    let mut last_stream = None;
    let mut last_time: Option<f64> = None;
    for (n, i) in app.visible_steps().into_iter().enumerate() {
        if !app.revealed(i) {
            break;
        }
        let step = &app.tl.steps[i];
        // A UDP conversation's number is apart from TCP's.
        let stream = (step.is_udp(), step.stream);
        if multi && last_stream != Some(stream) {
            out.push((separator(app, step, w), None));
        }
        let time = app.tl.steps[i].time;
        if app.timed
            && let Some(prev) = last_time
        {
            out.extend(gap_rows(app, g, time - prev).into_iter().map(|l| (l, None)));
        }
        last_time = Some(time);
        last_stream = Some(stream);
        out.push((step_line(app, i, app.row_number(i, n + 1), g), Some(i)));
    }
    if app.pending {
        out.push((pending_line(app, g), None));
    }
    out
}

/// How many empty rows stand for `dt` seconds between two steps in the
/// time-proportional ladder (`t`). A logarithmic scale: a loopback
/// round trip and the 60 s of TIME_WAIT both fit on one screen, yet a 1 s
/// retransmission timeout stands out from the 10 ms of the wire.
pub fn gap_rows_for(dt: f64) -> usize {
    if dt < 0.02 {
        return 0;
    }
    (2.0 * (dt / 0.02).log10()).round().clamp(1.0, 8.0) as usize
}

/// The rows of a gap: the lifelines, and the time on the first one.
fn gap_rows(app: &App, g: &Geometry, dt: f64) -> Vec<Line<'static>> {
    let t = &app.theme;
    (0..gap_rows_for(dt))
        .map(|k| {
            let label = if k == 0 {
                msg!(app.lang, "tui-ladder-gap", seconds = format!("{dt:.3}"))
            } else {
                String::new()
            };
            Line::from(vec![
                Span::raw(" ".repeat(g.num + 1 + g.state)),
                Span::styled("│", t.side(Side::Client)),
                Span::styled(fit(&label, g.middle), t.dim()),
                Span::styled("│", t.side(Side::Server)),
            ])
        })
        .collect()
}

/// Quiz: the row of the step in question, not shown yet.
fn pending_line(app: &App, g: &Geometry) -> Line<'static> {
    let t = &app.theme;
    let q = text(app.lang, "tui-ladder-what-next");
    let fill = g.middle.saturating_sub(width(q));
    let middle = fit(
        &format!("{}{q}{}", "┄".repeat(fill / 2), "┄".repeat(fill - fill / 2)),
        g.middle,
    );
    let spans = vec![
        Span::raw(format!("▶{}", fit_right("?", g.num - 1))),
        Span::raw(" "),
        Span::raw(" ".repeat(g.state)),
        Span::styled("│", t.side(Side::Client)),
        Span::raw(middle),
        Span::styled("│", t.side(Side::Server)),
        Span::raw(" "),
        Span::raw(" ".repeat(g.state)),
    ];
    Line::from(
        spans
            .into_iter()
            .map(|s| {
                let style = s.style.patch(t.current());
                s.style(style)
            })
            .collect::<Vec<_>>(),
    )
}

fn header(app: &App, g: &Geometry, w: usize) -> Line<'static> {
    let t = &app.theme;
    let stream = app
        .stream
        .or_else(|| app.tl.steps.get(app.current).map(|s| s.stream))
        .unwrap_or(0);
    let udp = app
        .tl
        .steps
        .get(app.current)
        .and_then(|s| s.datagram.as_deref())
        .filter(|_| app.stream.is_none() || app.udp)
        .map(|d| d.ends());
    let Some(info) = udp.or_else(|| app.tl.streams.get(stream as usize).copied()) else {
        return Line::from(fit(app.lang.side(Side::Client), w));
    };
    let left = g.num + 1;
    let c = format!("{} {}", app.lang.side(Side::Client), info.client);
    let s = format!("{} {}", app.lang.side(Side::Server), info.server);
    let space = w.saturating_sub(left);
    if width(&c) + width(&s) + 1 > space {
        let c = format!("C {}", info.client);
        let s = format!("S {}", info.server);
        let half = space / 2;
        return Line::from(vec![
            Span::raw(" ".repeat(left.min(w))),
            Span::styled(fit(&c, half), t.side(Side::Client).patch(t.bold())),
            Span::styled(
                fit_right(&s, space - half),
                t.side(Side::Server).patch(t.bold()),
            ),
        ]);
    }
    Line::from(vec![
        Span::raw(" ".repeat(left)),
        Span::styled(c.clone(), t.side(Side::Client).patch(t.bold())),
        Span::raw(" ".repeat(space - width(&c) - width(&s))),
        Span::styled(s, t.side(Side::Server).patch(t.bold())),
    ])
}

/// Draw the ladder in `area` and record its rows for the mouse.
pub fn render(f: &mut Frame, area: Rect, app: &App, hits: &mut HitMap, title: &str) {
    let block = pane_block(app, Pane::Ladder, title);
    let inner = block.inner(area);
    f.render_widget(block, area);
    if inner.height == 0 || inner.width == 0 {
        return;
    }
    let w = inner.width as usize;
    let visible = app.visible_steps();
    if visible.is_empty() && !app.pending {
        let text = if app.live.is_some() {
            text(app.lang, "tui-ladder-no-steps-yet")
        } else {
            text(app.lang, "tui-ladder-no-steps")
        };
        f.render_widget(
            Paragraph::new(super::text::wrapped(text, w, "", Style::new())),
            inner,
        );
        return;
    }
    let largest = visible
        .iter()
        .enumerate()
        .map(|(n, &i)| app.row_number(i, n + 1))
        .max()
        .unwrap_or(1);
    let g = geometry(w, largest);
    let lanes = super::lanes::Lanes::of(app).and_then(|l| {
        let states = super::lanes::state_widths(app, &l);
        super::lanes::Geometry::new(&l, w, largest, &states).map(|lg| (l, lg))
    });
    let (head, all) = match &lanes {
        Some((l, lg)) => (
            super::lanes::header(app, l, lg),
            super::lanes::rows(app, l, lg),
        ),
        None => (vec![header(app, &g, w)], rows(app, &g, w)),
    };
    let head_h = head.len();
    let h = inner.height.saturating_sub(head_h as u16) as usize;
    let total = all.len();
    let cur = if app.pending {
        total.saturating_sub(1)
    } else {
        all.iter()
            .position(|(_, s)| *s == Some(app.current))
            .unwrap_or(0)
    };
    let max_off = total.saturating_sub(h);
    // As many rows in view as fit: scroll only when the current step
    // would leave the view (from where the last draw left it).
    let base = if app.present {
        // On a projector the current step stays in the middle.
        cur.saturating_sub(h / 2).min(max_off)
    } else {
        app.hits
            .ladder_base
            .clamp((cur + 1).saturating_sub(h.max(1)), cur)
            .min(max_off)
    };
    hits.ladder_base = base;
    let follow = base as i32;
    // Scrolling shows the rows around the current one, never hides it: the
    // offset stays between the one that puts it on the last row and the
    // one that puts it on the first.
    let (cur, h1) = (cur as i32, h.max(1) as i32);
    let lo = (cur + 1 - h1).max(0) - follow;
    let hi = cur.min(max_off as i32) - follow;
    hits.ladder_range = (lo, hi.max(lo));
    let off = (follow + app.steps.ladder_scroll).clamp(0, max_off as i32) as usize;
    let mut lines = head;
    for (k, (line, step)) in all.into_iter().skip(off).take(h).enumerate() {
        if let Some(s) = step {
            hits.ladder_rows.push((inner.y + (head_h + k) as u16, s));
        }
        lines.push(line);
    }
    f.render_widget(Paragraph::new(lines).style(Style::new()), inner);
}
