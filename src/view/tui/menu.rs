//! The overlays of a simulation: "what if" on the current segment (`x`)
//! and the scenario picker (`c`). While one is open it takes every key;
//! what it chooses is played by the [`super::app::Replay`] the TUI was
//! given.

use super::app::{Action, App, Menu};
use super::text::fit;
use crate::explain::Lang;
use crate::i18n::{msg, text};
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
                Some(flags) => msg!(app.lang, "tui-menu-what-if-head", flags = flags.as_str()),
                None => text(app.lang, "tui-menu-not-a-segment").to_string(),
            };
            let mut lines = vec![Line::raw(""), Line::styled(format!(" {head}"), t.bold())];
            if which.is_some() {
                for (k, what) in [
                    ("1", text(app.lang, "tui-menu-lost")),
                    ("2", text(app.lang, "tui-menu-late")),
                    ("3", text(app.lang, "tui-menu-twice")),
                ] {
                    lines.push(Line::from(vec![
                        Span::styled(format!("   {k}  "), t.bold()),
                        Span::raw(what),
                    ]));
                }
                lines.push(Line::raw(""));
                lines.push(Line::styled(text(app.lang, "tui-menu-replayed"), t.dim()));
            }
            lines.push(Line::styled(text(app.lang, "tui-menu-esc-back"), t.dim()));
            (text(app.lang, "tui-menu-what-if"), lines)
        }
        Menu::Picker(sel) => {
            let all = scenarios();
            let mut lines = vec![Line::raw("")];
            for (i, sc) in all.iter().enumerate() {
                // The scenario library carries its own summaries in both languages.
                let summary = match app.lang {
                    Lang::En => sc.summary,
                    Lang::Zh => sc.summary_zh,
                };
                let marker = if i == sel { "▶" } else { " " };
                let text = format!("{marker} {} {summary}", fit(sc.name, 22));
                let style = if i == sel { t.current() } else { t.dim() };
                lines.push(Line::styled(text, style));
            }
            lines.push(Line::raw(""));
            lines.push(Line::styled(
                text(app.lang, "tui-menu-picker-keys"),
                t.dim(),
            ));
            (text(app.lang, "tui-menu-scenarios"), lines)
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
                self.shared.message = Some(msg!(
                    self.shared.lang,
                    "tui-menu-cannot-replay",
                    error = format!("{e:#}")
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
            self.shared.message =
                Some(text(self.shared.lang, "tui-menu-what-if-no-segment").into());
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
