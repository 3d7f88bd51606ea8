//! The overlays of a simulation: "what if" on the current segment (`x`)
//! and the scenario picker (`c`).

use super::app::{App, Menu};
use super::text::{fit, tr};
use crate::source::scenario;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};

pub fn render(f: &mut Frame, area: Rect, app: &App, menu: Menu) {
    let t = &app.theme;
    let (title, lines): (&str, Vec<Line>) = match menu {
        Menu::WhatIf => {
            let which = app
                .tl
                .steps
                .get(app.current)
                .and_then(|s| s.segment.as_ref())
                .map(|v| v.seg.flags.wireshark());
            let head = match &which {
                Some(flags) => tr(
                    app.lang,
                    format!("What if this {flags} segment…"),
                    format!("假如这个 {flags} 报文段……"),
                ),
                None => tr(
                    app.lang,
                    "This step is not a segment: choose one first.".to_string(),
                    "这一步不是报文段：请先选中一个报文段。".to_string(),
                ),
            };
            let mut lines = vec![Line::raw(""), Line::styled(format!(" {head}"), t.bold())];
            if which.is_some() {
                for (k, en, zh) in [
                    ("1", "were lost on the wire", "在线路上丢失"),
                    ("2", "arrived half a second late", "晚到半秒"),
                    ("3", "arrived twice", "到达两次"),
                ] {
                    lines.push(Line::from(vec![
                        Span::styled(format!("   {k}  "), t.bold()),
                        Span::raw(tr(app.lang, en, zh)),
                    ]));
                }
                lines.push(Line::raw(""));
                lines.push(Line::styled(
                    tr(
                        app.lang,
                        " The scenario is played again from here with the change.",
                        " 场景会带着这个改变从这里重新运行。",
                    ),
                    t.dim(),
                ));
            }
            lines.push(Line::styled(
                tr(app.lang, " Esc: back", " Esc：返回"),
                t.dim(),
            ));
            (tr(app.lang, " What if? ", " 假如？ "), lines)
        }
        Menu::Picker(sel) => {
            let all = scenario::all();
            let mut lines = vec![Line::raw("")];
            for (i, sc) in all.iter().enumerate() {
                let summary = tr(app.lang, sc.summary, sc.summary_zh);
                let marker = if i == sel { "▶" } else { " " };
                let text = format!("{marker} {} {summary}", fit(sc.name, 22));
                let style = if i == sel { t.current() } else { t.dim() };
                lines.push(Line::styled(text, style));
            }
            lines.push(Line::raw(""));
            lines.push(Line::styled(
                tr(
                    app.lang,
                    " ↑ ↓ choose  Enter play  Esc back",
                    " ↑ ↓ 选择  Enter 播放  Esc 返回",
                ),
                t.dim(),
            ));
            (tr(app.lang, " Scenarios ", " 场景 "), lines)
        }
    };
    let w = area.width.saturating_sub(4).min(100);
    let h = (lines.len() as u16 + 2).min(area.height);
    let r = Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    );
    f.render_widget(Clear, r);
    f.render_widget(
        Paragraph::new(lines).block(
            Block::bordered()
                .title(Span::styled(title.to_string(), t.title()))
                .border_style(t.focus_border()),
        ),
        r,
    );
}
