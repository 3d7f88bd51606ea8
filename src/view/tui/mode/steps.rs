//! Stepping through a timeline: the cursor's panes (focus, scrolling) and
//! autoplay, and the keys of the stepping screen. The current step itself
//! is shared ([`Shared::current`]): the quiz moves it too, and every pane
//! draws it.

use super::Outcome;
use crate::source::SCENARIO_NAMES;
use crate::view::tui::app::{Action, Menu, Pane, Shared};
use crossterm::event::{KeyCode, KeyEvent, MouseButton, MouseEvent, MouseEventKind};
use ratatui::layout::Position;
use std::time::Duration;

/// Autoplay intervals `+` and `-` move between, in milliseconds.
const INTERVALS_MS: [u64; 9] = [250, 500, 750, 1000, 1500, 2000, 3000, 5000, 8000];
const DEFAULT_INTERVAL: usize = 4;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StepMode {
    pub focus: Pane,
    /// The detail pane last focused, shown in the tab slot of the small
    /// layouts while the ladder has the focus.
    pub detail: Pane,
    /// Scroll offset of each pane (by [`Pane::index`]); the ladder's is
    /// added to the position that keeps the current step in view.
    pub scroll: [u16; 4],
    pub ladder_scroll: i32,
    pub autoplay: bool,
    interval: usize,
    /// `--pace`: autoplay at this interval instead of the `+`/`-` ones.
    pub pace: Option<Duration>,
    /// Autoplay was paused by space or by stepping back; space resumes it.
    pub paused: bool,
    /// Time left until the next autoplay step, set by the event loop for
    /// the countdown.
    pub countdown: Option<Duration>,
    /// Live mode: "next" was pressed at the last step (index `n` was the
    /// first step that did not exist yet); the cursor moves to the first
    /// step from `n` on as soon as it comes. Growth alone never moves it.
    pub follow: Option<usize>,
}

impl Default for StepMode {
    fn default() -> StepMode {
        StepMode {
            focus: Pane::Ladder,
            detail: Pane::Explain,
            scroll: [0; 4],
            ladder_scroll: 0,
            autoplay: false,
            interval: DEFAULT_INTERVAL,
            pace: None,
            paused: false,
            countdown: None,
            follow: None,
        }
    }
}

impl StepMode {
    pub fn interval(&self) -> Duration {
        self.pace
            .unwrap_or_else(|| Duration::from_millis(INTERVALS_MS[self.interval]))
    }

    /// Every pane back to its top, the ladder to the current step.
    pub fn reset_view(&mut self) {
        self.scroll = [0; 4];
        self.ladder_scroll = 0;
    }

    /// Go to step index `i` (into `tl.steps`); returns whether it moved.
    pub fn goto(&mut self, sh: &mut Shared, i: usize) -> bool {
        if i == sh.current || i >= sh.tl.steps.len() {
            return false;
        }
        sh.current = i;
        self.reset_view();
        self.follow = None;
        true
    }

    pub fn forward(&mut self, sh: &mut Shared) -> bool {
        let steps = sh.visible_steps();
        match steps.iter().find(|&&i| i > sh.current) {
            Some(&i) => self.goto(sh, i),
            None => false,
        }
    }

    pub fn back(&mut self, sh: &mut Shared) -> bool {
        let steps = sh.visible_steps();
        match steps.iter().rev().find(|&&i| i < sh.current) {
            Some(&i) => self.goto(sh, i),
            None => false,
        }
    }

    fn goto_first(&mut self, sh: &mut Shared) -> bool {
        sh.first().is_some_and(|f| self.goto(sh, f))
    }

    /// "Next": the next step; at the last step in live mode, ask for the
    /// next socket call.
    fn next(&mut self, sh: &mut Shared) -> Action {
        if self.forward(sh) {
            Action::Redraw
        } else if sh.live.is_some() && sh.at_end() {
            Action::Advance
        } else {
            Action::None
        }
    }

    /// One autoplay tick: the next step; autoplay stops at the last one.
    pub fn tick(&mut self, sh: &mut Shared) -> bool {
        if !self.autoplay {
            return false;
        }
        let moved = self.forward(sh);
        if sh.at_end() {
            self.autoplay = false;
        }
        moved
    }

    /// One autoplay tick, live sources included: at the last step the lab
    /// is asked for its next call.
    pub fn tick_action(&mut self, sh: &mut Shared) -> Action {
        if !self.autoplay {
            return Action::None;
        }
        if sh.live.is_none() {
            return Action::redraw_if(self.tick(sh));
        }
        if self.forward(sh) {
            return Action::Redraw;
        }
        if sh.can_advance() {
            return Action::Advance;
        }
        self.autoplay = false;
        Action::Redraw
    }

    pub fn set_focus(&mut self, pane: Pane) {
        self.focus = pane;
        if pane != Pane::Ladder {
            self.detail = pane;
        }
    }

    fn scroll_pane(&mut self, sh: &Shared, pane: Pane, down: bool) -> bool {
        if pane == Pane::Ladder {
            let (lo, hi) = sh.hits.ladder_range;
            let new = (self.ladder_scroll + if down { 1 } else { -1 }).clamp(lo, hi.max(lo));
            let moved = new != self.ladder_scroll;
            self.ladder_scroll = new;
            return moved;
        }
        let max = sh.hits.max_scroll[pane.index()];
        let s = &mut self.scroll[pane.index()];
        let new = if down {
            s.saturating_add(1).min(max)
        } else {
            s.saturating_sub(1).min(max)
        };
        let moved = new != *s;
        *s = new;
        moved
    }

    /// Keys of the stepping screen (those every screen shares are taken
    /// first).
    pub fn key(&mut self, sh: &mut Shared, key: KeyEvent) -> Outcome {
        // Paced autoplay: space pauses and resumes it; while it was never
        // started, space steps as always.
        if key.code == KeyCode::Char(' ') && (self.autoplay || self.paused) {
            self.autoplay = !self.autoplay;
            self.paused = !self.autoplay;
            return Action::Redraw.into();
        }
        // Stepping back pauses autoplay (the teacher wants to go over it).
        if matches!(
            key.code,
            KeyCode::Left | KeyCode::Char('p') | KeyCode::Backspace | KeyCode::PageUp
        ) && self.autoplay
        {
            self.autoplay = false;
            self.paused = true;
        }
        let action = match key.code {
            KeyCode::Esc if sh.has_list => return Outcome::ToList,
            KeyCode::Esc => Action::Quit,
            KeyCode::Char('P') => {
                sh.present = !sh.present;
                Action::Redraw
            }
            KeyCode::Char('t') => {
                sh.timed = !sh.timed;
                sh.hits.ladder_base = 0;
                Action::Redraw
            }
            KeyCode::Char('x') if sh.replay.is_some() => {
                sh.menu = Some(Menu::WhatIf);
                Action::Redraw
            }
            KeyCode::Char('c') if sh.replay.is_some() => {
                let now = sh
                    .replay
                    .as_ref()
                    .and_then(|r| SCENARIO_NAMES.iter().position(|n| *n == r.scenario))
                    .unwrap_or(0);
                sh.menu = Some(Menu::Picker(now));
                Action::Redraw
            }
            KeyCode::Right
            | KeyCode::Char(' ')
            | KeyCode::Char('n')
            | KeyCode::PageDown
            | KeyCode::Enter => self.next(sh),
            // Backspace at the first step goes back to the list.
            KeyCode::Backspace if sh.has_list && sh.first().is_none_or(|f| sh.current <= f) => {
                return Outcome::ToList;
            }
            KeyCode::Left | KeyCode::Char('p') | KeyCode::Backspace | KeyCode::PageUp => {
                Action::redraw_if(self.back(sh))
            }
            KeyCode::Home | KeyCode::Char('g') => Action::redraw_if(self.goto_first(sh)),
            KeyCode::End | KeyCode::Char('G') => {
                Action::redraw_if(sh.last().is_some_and(|l| self.goto(sh, l)))
            }
            KeyCode::Tab => {
                self.set_focus(self.focus.next());
                Action::Redraw
            }
            KeyCode::BackTab => {
                self.set_focus(self.focus.prev());
                Action::Redraw
            }
            KeyCode::Down | KeyCode::Char('j') => {
                Action::redraw_if(self.scroll_pane(sh, self.focus, true))
            }
            KeyCode::Up | KeyCode::Char('k') => {
                Action::redraw_if(self.scroll_pane(sh, self.focus, false))
            }
            KeyCode::Char('a') => {
                self.autoplay = !self.autoplay;
                self.paused = false;
                if self.autoplay && sh.at_end() && !sh.can_advance() {
                    // Play again from the start.
                    self.goto_first(sh);
                }
                Action::Redraw
            }
            KeyCode::Char('+') | KeyCode::Char('=') => {
                // Faster: a shorter interval.
                self.interval = self.interval.saturating_sub(1);
                Action::Redraw
            }
            KeyCode::Char('-') | KeyCode::Char('_') => {
                self.interval = (self.interval + 1).min(INTERVALS_MS.len() - 1);
                Action::Redraw
            }
            KeyCode::Char('r') => {
                self.autoplay = false;
                self.goto_first(sh);
                self.reset_view();
                Action::Redraw
            }
            KeyCode::Char('s') => {
                sh.raw_seq = !sh.raw_seq;
                Action::Redraw
            }
            KeyCode::Char('v') => {
                sh.show_future = !sh.show_future;
                Action::Redraw
            }
            _ => Action::None,
        };
        action.into()
    }

    fn pane_at(sh: &Shared, col: u16, row: u16) -> Option<Pane> {
        let pos = Position::new(col, row);
        sh.hits
            .panes
            .iter()
            .find(|(_, r)| r.contains(pos))
            .map(|(p, _)| *p)
    }

    /// Click a ladder row to go to its step, click a pane to focus it; the
    /// wheel scrolls the pane under the pointer.
    pub fn mouse(&mut self, sh: &mut Shared, m: MouseEvent) -> Outcome {
        let action = match m.kind {
            MouseEventKind::Down(MouseButton::Left) => {
                let pane = Self::pane_at(sh, m.column, m.row);
                if let Some(p) = pane {
                    self.set_focus(p);
                }
                if pane == Some(Pane::Ladder)
                    && let Some(&(_, step)) = sh.hits.ladder_rows.iter().find(|(y, _)| *y == m.row)
                {
                    self.goto(sh, step);
                }
                Action::Redraw
            }
            MouseEventKind::ScrollDown | MouseEventKind::ScrollUp => {
                let down = m.kind == MouseEventKind::ScrollDown;
                let pane = Self::pane_at(sh, m.column, m.row).unwrap_or(self.focus);
                Action::redraw_if(self.scroll_pane(sh, pane, down))
            }
            _ => Action::None,
        };
        action.into()
    }
}
