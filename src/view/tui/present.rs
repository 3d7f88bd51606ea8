//! The presenter layout (`--present`, `P`): for a projector at the back of
//! a classroom. Both endpoints' states in large letters, the ladder with
//! the current step in the middle, and the explanation in short lines;
//! the layers and the state diagram are left out.

use super::app::{App, HitMap, Pane};
use super::ladder::short_state;
use super::text::{width, wrap};
use super::{ladder, ui};
use crate::explain;
use crate::i18n::msg;
use crate::timeline::{Side, state_name};
use ratatui::Frame;
use ratatui::layout::{Alignment, Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use tui_big_text::{BigText, PixelSize};

/// Explanation lines are kept short so they can be read from far away.
const LINE: usize = 64;

/// Each letter of the large state names is 4 columns wide (the 8×8 font
/// drawn in quadrant blocks) and 4 rows high.
const LETTER: usize = 4;

pub fn render(f: &mut Frame, area: Rect, app: &App, hits: &mut HitMap) {
    let Some(step) = app.tl.steps.get(app.current) else {
        ladder::render(f, area, app, hits, &ui::ladder_title(app));
        return;
    };
    let text = explain::explain_in(step, app.lang);
    let ew = (area.width as usize).clamp(20, LINE);
    let lines = wrap(&text, ew, "");
    let explain_h = (lines.len() as u16 + 1).min(area.height / 3).max(3);
    let big = area.height >= 20;
    let states_h = if big { 6 } else { 2 };
    let [states, lad, exp] = Layout::vertical([
        Constraint::Length(states_h),
        Constraint::Fill(1),
        Constraint::Length(explain_h),
    ])
    .areas(area);
    render_states(f, states, app, big);
    hits.panes.push((Pane::Ladder, lad));
    ladder::render(f, lad, app, hits, &ui::ladder_title(app));
    let strong = Style::new().add_modifier(Modifier::BOLD);
    let para: Vec<Line> = lines.into_iter().map(|l| Line::styled(l, strong)).collect();
    f.render_widget(
        Paragraph::new(para).alignment(Alignment::Center),
        exp.inner(ratatui::layout::Margin::new(0, 0)),
    );
}

/// The state name drawn large when it fits in `w` columns: the full name,
/// else the short one; None when neither fits.
fn big_name(s: Option<crate::tcp::state::State>, w: usize) -> Option<String> {
    [state_name(s), short_state(s)]
        .into_iter()
        .find(|n| n.len() * LETTER <= w)
        .map(str::to_string)
}

fn render_states(f: &mut Frame, area: Rect, app: &App, big: bool) {
    let Some(step) = app.tl.steps.get(app.current) else {
        return;
    };
    if step.is_udp() {
        // No state to draw large: the contrast with TCP is the point.
        let line = Line::styled(
            crate::i18n::text(app.lang, "tui-udp-no-states"),
            app.theme.bold(),
        );
        f.render_widget(Paragraph::new(line).alignment(Alignment::Center), area);
        return;
    }
    let halves =
        Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)]).split(area);
    for (side, half) in [Side::Client, Side::Server].into_iter().zip(halves.iter()) {
        let state = step.after.get(side);
        let changed = step.before.get(side) != state;
        let style = app.theme.side(side).add_modifier(Modifier::BOLD);
        let name = app.lang.side(side);
        // The label says in words what the large letters show, and where
        // the state came from.
        let mark = if changed {
            format!(
                ": {} → {}",
                state_name(step.before.get(side)),
                state_name(state)
            )
        } else {
            msg!(app.lang, "tui-present-unchanged", state = state_name(state))
        };
        let [label, rest] =
            Layout::vertical([Constraint::Length(1), Constraint::Fill(1)]).areas(*half);
        let align = match side {
            Side::Client => Alignment::Left,
            Side::Server => Alignment::Right,
        };
        let w = half.width as usize;
        match big_name(state, w.saturating_sub(1)).filter(|_| big) {
            Some(text) => {
                f.render_widget(
                    Paragraph::new(Line::styled(format!("{name}{mark}"), style)).alignment(align),
                    label,
                );
                let widget = BigText::builder()
                    .pixel_size(PixelSize::Quadrant)
                    .style(style)
                    .alignment(align)
                    .lines(vec![Line::from(text)])
                    .build();
                f.render_widget(widget, rest);
            }
            None => {
                let text = format!("{name}{mark}");
                let text = if width(&text) > w {
                    format!("{name}: {}", short_state(state))
                } else {
                    text
                };
                f.render_widget(
                    Paragraph::new(Line::from(Span::styled(text, style))).alignment(align),
                    *half,
                );
            }
        }
    }
}
