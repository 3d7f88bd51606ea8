//! The status line: source, step n/N (or the selected connection), modes,
//! a note from the last key, and the main keys.

use super::app::{App, Screen};
use super::text::fit;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

/// The source, with the live source's own status after it.
fn source(app: &App) -> String {
    match &app.live {
        Some(l) if !l.status.is_empty() => format!("{} · {}", app.tl.source, l.status),
        _ => app.tl.source.clone(),
    }
}

fn list_text(app: &App, w: usize) -> String {
    let n = app.conns.len();
    let at = if n == 0 {
        "no connections".to_string()
    } else {
        format!("connection {}/{n}", app.selected + 1)
    };
    let keys = app
        .message
        .clone()
        .unwrap_or_else(|| "↑↓ choose  Enter open  ? help  q quit".into());
    let full = format!(" {} │ {at} │ {keys}", source(app));
    let short = format!(" {at} │ {keys}");
    if full.chars().count() <= w {
        fit(&full, w)
    } else {
        fit(&short, w)
    }
}

pub fn text(app: &App, w: usize) -> String {
    if app.screen == Screen::List {
        return list_text(app, w);
    }
    let (n, total) = app.position();
    let frame = app
        .tl
        .steps
        .get(app.current)
        .and_then(|s| s.segment.as_ref())
        .filter(|_| app.frame_numbers && n > 0)
        .map(|v| format!(" · frame {}", v.frame))
        .unwrap_or_default();
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
    let back = if app.has_list { "  Esc list" } else { "" };
    let (keys, short_keys) = match &app.message {
        Some(m) => (m.clone(), m.clone()),
        None => (
            format!("←/→ step  Tab pane  ↑↓ scroll  a play  s seq  ? help{back}  q quit"),
            format!("←/→ step  ? help{back}  q quit"),
        ),
    };
    let stream = match app.stream {
        Some(s) if app.has_list => format!(" │ stream {s}"),
        _ => String::new(),
    };
    let full = format!(
        " {}{stream} │ step {n}/{total}{frame} │ {play} │ {seq} │ {keys}",
        source(app)
    );
    let short = format!(" step {n}/{total}{frame} │ {play} │ {short_keys}");
    // Live: what the source says matters more than the keys.
    let live = app
        .live
        .as_ref()
        .filter(|l| !l.status.is_empty())
        .map(|l| format!(" {} │ step {n}/{total}{frame} │ {short_keys}", l.status));
    [Some(full), live, Some(short)]
        .into_iter()
        .flatten()
        .find(|t| t.chars().count() <= w)
        .map_or_else(
            || fit(&format!(" step {n}/{total}{frame} │ {short_keys}"), w),
            |t| fit(&t, w),
        )
}

pub fn render(f: &mut Frame, area: Rect, app: &App) {
    let style = Style::new().add_modifier(Modifier::REVERSED);
    f.render_widget(
        Paragraph::new(Line::raw(text(app, area.width as usize))).style(style),
        area,
    );
}
