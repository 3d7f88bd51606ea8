//! The explain pane: what the program on each side sees (socket calls,
//! Node.js `net` events) and the plain-words explanation of the step.

use super::app::{App, HitMap, Pane};
use super::text::{pane_block, wrapped};
use crate::explain;
use crate::timeline::{Side, StepKind};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

/// What kind of step this is, in a few words.
pub fn step_kind_text(app: &App) -> String {
    let Some(step) = app.tl.steps.get(app.current) else {
        return String::new();
    };
    match (step.kind, &step.segment) {
        (StepKind::Segment, Some(v)) => format!(
            "{} from the {}{} (frame {})",
            v.seg.flags.wireshark(),
            step.side,
            if v.lost { ", LOST" } else { "" },
            v.frame
        ),
        (StepKind::Call, _) => format!("socket call by the {}", step.side),
        _ => format!("timer of the {}", step.side),
    }
}

/// All the lines of the pane for a width of `w`.
pub fn lines(app: &App, w: usize) -> Vec<Line<'static>> {
    let t = &app.theme;
    let Some(step) = app.tl.steps.get(app.current) else {
        return vec![Line::raw("no steps")];
    };
    let (n, total) = app.position();
    let mut out = wrapped(
        &format!(
            "Step {n} of {total} · t = {:.3} s · {}",
            step.time,
            step_kind_text(app)
        ),
        w,
        "  ",
        t.bold(),
    );
    let calls = explain::side_calls(step);
    let events = explain::node_events(step);
    for side in [Side::Client, Side::Server] {
        let call = calls[side.index()].clone().unwrap_or_else(|| "—".into());
        let event = events[side.index()].unwrap_or("—");
        out.push(Line::from(vec![
            Span::styled(format!("{:<7}", side.name()), t.side(side).patch(t.bold())),
            Span::raw("socket: "),
            Span::styled(call, t.side(side)),
            Span::styled("   Node.js: ", t.dim()),
            Span::styled(event.to_string(), t.side(side)),
        ]));
    }
    out.push(Line::raw(""));
    out.extend(wrapped(&explain::explain(step), w, "", Style::new()));
    out
}

pub fn render(f: &mut Frame, area: Rect, app: &App, hits: &mut HitMap, title: &str) {
    let block = pane_block(app, Pane::Explain, title);
    let inner = block.inner(area);
    f.render_widget(block, area);
    let all = lines(app, inner.width as usize);
    let max = all.len().saturating_sub(inner.height as usize) as u16;
    hits.max_scroll[Pane::Explain.index()] = max;
    let off = app.scroll[Pane::Explain.index()].min(max);
    f.render_widget(Paragraph::new(all).scroll((off, 0)), inner);
}
