//! The overlays of a simulation: "what if" on the current segment (`x`)
//! and the scenario picker (`c`). While one is open it takes every key;
//! what it chooses is played by the [`super::app::Replay`] the TUI was
//! given.

use super::app::{Action, App, Menu};
use super::text::{fit, tr};
use crate::source::{SCENARIO_NAMES, SimConfig, WhatIf, WhatIfKind, scenarios};
use crossterm::event::{KeyCode, KeyEvent};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};
use std::borrow::Cow;

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
            let all = scenarios();
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

impl App<'_> {
    /// Run the simulation again with `cfg` (and maybe another scenario),
    /// keeping the cursor on step index `at` where it still exists.
    fn rerun(&mut self, scenario: String, cfg: SimConfig, at: usize) -> bool {
        let Some(r) = self.shared.replay.as_mut() else {
            return false;
        };
        match (r.run)(&scenario, &cfg) {
            Ok((tl, sent)) => {
                r.scenario = scenario;
                r.cfg = cfg;
                r.sent = sent;
                self.shared.tl = Cow::Owned(tl);
                self.shared.current = at.min(self.shared.tl.steps.len().saturating_sub(1));
                self.shared.hits.ladder_base = 0;
                self.steps.reset_view();
                true
            }
            Err(e) => {
                self.shared.message = Some(tr(
                    self.shared.lang,
                    format!("cannot replay: {e:#}"),
                    format!("无法重放：{e:#}"),
                ));
                false
            }
        }
    }

    /// "What if" on the current step: change its segment and play the
    /// scenario again from there. Changes at later steps are forgotten
    /// (they named segments of a run that no longer happens).
    pub fn what_if(&mut self, change: WhatIfKind) -> bool {
        let at = self.shared.current;
        let Some(r) = self.shared.replay.as_ref() else {
            return false;
        };
        let Some(Some(sent)) = r.sent.get(at).copied() else {
            self.shared.message = Some(
                tr(
                    self.shared.lang,
                    "what if: choose a segment's step first",
                    "假如：请先选中一个报文段的步骤",
                )
                .into(),
            );
            return false;
        };
        let mut cfg = r.cfg.clone();
        cfg.what_if.retain(|w| w.sent() < sent);
        cfg.what_if.push(WhatIf::new(change, sent));
        let scenario = r.scenario.clone();
        self.rerun(scenario, cfg, at)
    }

    /// The picker chose scenario `name`: play it from its first step, with
    /// no "what if".
    pub fn pick(&mut self, name: &str) -> bool {
        let Some(r) = self.shared.replay.as_ref() else {
            return false;
        };
        let cfg = SimConfig {
            what_if: Vec::new(),
            ..r.cfg.clone()
        };
        self.steps.autoplay = false;
        self.steps.paused = false;
        self.rerun(name.to_string(), cfg, 0)
    }

    /// Keys while a menu is open.
    pub(super) fn menu_key(&mut self, menu: Menu, key: KeyEvent) -> Action {
        match (menu, key.code) {
            (_, KeyCode::Esc) | (Menu::WhatIf, KeyCode::Char('x')) => {
                self.shared.menu = None;
                Action::Redraw
            }
            (Menu::WhatIf, KeyCode::Char(c @ '1'..='3')) => {
                self.shared.menu = None;
                self.what_if(match c {
                    '1' => WhatIfKind::Drop,
                    '2' => WhatIfKind::Delay(0.5),
                    _ => WhatIfKind::Duplicate,
                });
                Action::Redraw
            }
            (Menu::Picker(i), KeyCode::Up | KeyCode::Char('k')) => {
                self.shared.menu = Some(Menu::Picker(i.saturating_sub(1)));
                Action::Redraw
            }
            (Menu::Picker(i), KeyCode::Down | KeyCode::Char('j')) => {
                self.shared.menu = Some(Menu::Picker((i + 1).min(SCENARIO_NAMES.len() - 1)));
                Action::Redraw
            }
            (Menu::Picker(i), KeyCode::Enter | KeyCode::Char(' ')) => {
                self.shared.menu = None;
                self.pick(SCENARIO_NAMES[i]);
                Action::Redraw
            }
            (_, KeyCode::Char('q')) => Action::Quit,
            _ => Action::None,
        }
    }
}
