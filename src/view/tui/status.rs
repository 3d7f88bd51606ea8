//! The status line: source, step n/N, modes and the main keys.

use super::app::App;
use super::text::fit;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

pub fn text(app: &App, w: usize) -> String {
    let (n, total) = app.position();
    let play = if app.autoplay {
        format!("▶ autoplay {:.2}s", app.interval().as_secs_f64())
    } else {
        "‖ paused".into()
    };
    let seq = if app.raw_seq {
        "seq raw"
    } else {
        "seq relative"
    };
    let full = format!(
        " {} │ step {n}/{total} │ {play} │ {seq} │ ←/→ step  Tab pane  ↑↓ scroll  a play  s seq  ? help  q quit",
        app.tl.source
    );
    let short = format!(" step {n}/{total} │ {play} │ ←/→ step  ? help  q quit");
    if full.chars().count() <= w {
        fit(&full, w)
    } else {
        fit(&short, w)
    }
}

pub fn render(f: &mut Frame, area: Rect, app: &App) {
    let style = Style::new().add_modifier(Modifier::REVERSED);
    f.render_widget(
        Paragraph::new(Line::raw(text(app, area.width as usize))).style(style),
        area,
    );
}
