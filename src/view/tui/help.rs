//! The `?` overlay with every key.

use super::app::App;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};

pub const KEYS: [(&str, &str); 19] = [
    (
        "→  space  n  PgDn  Enter",
        "next step (live: at the last, next call)",
    ),
    ("←  p  Backspace  PgUp", "previous step"),
    ("Home g / End G", "first / last step"),
    ("Tab / Shift-Tab", "next / previous pane"),
    ("↑ ↓  (j k)", "scroll the focused pane"),
    ("mouse click", "go to a ladder row; focus a pane"),
    ("mouse wheel", "scroll the pane under the pointer"),
    ("a", "autoplay on / off (stops at the end)"),
    ("+  -", "autoplay faster / slower"),
    ("r", "restart from the first step"),
    ("s", "raw / relative sequence numbers"),
    ("l", "language of the explanations"),
    ("? h F1", "this help (Esc closes it)"),
    ("↑ ↓  Enter", "connection list: choose, open"),
    ("Esc", "back to the connection list"),
    ("q  Esc", "quit"),
    ("Ctrl-C", "quit, always"),
    ("", ""),
    ("C / S", "client / server in the state diagram"),
];

pub fn render(f: &mut Frame, area: Rect, app: &App) {
    let t = &app.theme;
    let w = 72.min(area.width);
    let h = (KEYS.len() as u16 + 4).min(area.height);
    let r = Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    );
    let mut lines = vec![Line::raw("")];
    for (k, what) in KEYS {
        lines.push(Line::from(vec![
            Span::styled(format!(" {k:<26}"), t.bold()),
            Span::raw(what),
        ]));
    }
    f.render_widget(Clear, r);
    f.render_widget(
        Paragraph::new(lines).block(
            Block::bordered()
                .title(Span::styled(" Keys (? or Esc to close) ", t.title()))
                .border_style(t.focus_border()),
        ),
        r,
    );
}
