//! The explain pane: what the program on each side sees (socket calls,
//! Node.js `net` events) and the plain-words explanation of the step.

use super::app::{App, HitMap, Pane};
use super::text::{fit, pane_block, width, wrapped};
use crate::explain::{self, Lang};
use crate::i18n::{msg, text};
use crate::timeline::{Side, StepKind};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

/// What kind of step this is, in a few words.
pub fn step_kind_text(app: &App) -> String {
    match app.tl.steps.get(app.current) {
        Some(step) => step_kind_in(step, app.lang),
        None => String::new(),
    }
}

/// What kind of step `step` is, in a few words of `lang`.
pub fn step_kind_in(step: &crate::timeline::Step, lang: Lang) -> String {
    let side = lang.side(step.side);
    match (step.kind, &step.segment) {
        (StepKind::Segment, Some(v)) => msg!(
            lang,
            "tui-explain-segment",
            flags = v.seg.flags.wireshark(),
            who = side,
            lost = if v.lost { "yes" } else { "no" },
            frame = v.frame
        ),
        (StepKind::Call, _) => msg!(lang, "tui-explain-call", who = side),
        // Not a timer: a datagram opened from the connection list.
        (StepKind::Datagram, _) => msg!(
            lang,
            "tui-explain-datagram",
            who = side,
            frame = step.datagram.as_ref().map_or(0, |d| d.frame)
        ),
        _ => msg!(lang, "tui-explain-timer", who = side),
    }
}

/// The width of the side-name column: the longer name, and a space.
pub fn side_col(lang: Lang) -> usize {
    [Side::Client, Side::Server]
        .iter()
        .map(|s| width(lang.side(*s)))
        .max()
        .unwrap_or(6)
        + 1
}

/// All the lines of the pane for a width of `w`.
pub fn lines(app: &App, w: usize) -> Vec<Line<'static>> {
    let t = &app.theme;
    let Some(step) = app.tl.steps.get(app.current) else {
        return vec![Line::raw("no steps")];
    };
    let (n, total) = app.position();
    let head = msg!(
        app.lang,
        "tui-explain-head",
        n = n,
        total = total,
        time = format!("{:.3}", step.time)
    );
    let mut out = wrapped(
        &format!("{head} · {}", step_kind_text(app)),
        w,
        "  ",
        t.bold(),
    );
    let calls = explain::side_calls_in(step, app.lang);
    let events = explain::node_events(step);
    let col = side_col(app.lang);
    for side in [Side::Client, Side::Server] {
        let call = calls[side.index()].clone().unwrap_or_else(|| "—".into());
        // A side's line wraps under itself (indented past the side name)
        // rather than being cut at the pane's edge; the Node.js event gets
        // a line of its own, and only when there is one.
        let name = Span::styled(fit(app.lang.side(side), col), t.side(side).patch(t.bold()));
        let socket = format!("{}{call}", text(app.lang, "tui-explain-socket"));
        let indent = " ".repeat(col);
        for (k, text) in super::text::wrap(&socket, w.saturating_sub(col).max(8), "")
            .into_iter()
            .enumerate()
        {
            let head = if k == 0 {
                name.clone()
            } else {
                Span::raw(indent.clone())
            };
            out.push(Line::from(vec![head, Span::styled(text, t.side(side))]));
        }
        if let Some(event) = events[side.index()] {
            let text = format!("Node.js: {event}");
            for text in super::text::wrap(&text, w.saturating_sub(col).max(8), "  ") {
                out.push(Line::from(vec![
                    Span::raw(indent.clone()),
                    Span::styled(text, t.dim()),
                ]));
            }
        }
    }
    out.push(Line::raw(""));
    out.extend(wrapped(
        &explain::explain_in(step, app.lang),
        w,
        "",
        Style::new(),
    ));
    if let Some(d) = &step.kernel_detail {
        // What the tracepoints saw during this step (live lab, trace): the
        // states pane marks a difference with ✗; here is the why.
        let mut kernel: Vec<String> = d
            .transitions
            .iter()
            .map(|k| explain::kernel::transition_in(k, app.lang))
            .collect();
        kernel.extend(d.events.iter().cloned());
        kernel.extend(d.note.iter().cloned());
        if !kernel.is_empty() {
            out.push(Line::raw(""));
            out.push(Line::styled(
                crate::i18n::text(app.lang, "kernel-heading").to_string(),
                t.bold(),
            ));
            for line in kernel {
                out.extend(wrapped(&line, w, "  ", t.dim()));
            }
        }
    }
    out
}

pub fn render(f: &mut Frame, area: Rect, app: &App, hits: &mut HitMap, title: &str) {
    let block = pane_block(app, Pane::Explain, title);
    let inner = block.inner(area);
    f.render_widget(block, area);
    let all = lines(app, inner.width as usize);
    let max = all.len().saturating_sub(inner.height as usize) as u16;
    hits.max_scroll[Pane::Explain.index()] = max;
    let off = app.steps.scroll[Pane::Explain.index()].min(max);
    f.render_widget(Paragraph::new(all).scroll((off, 0)), inner);
}
