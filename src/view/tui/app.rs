//! The state of the terminal UI and what keys and mouse do to it. Plain
//! Rust: no terminal here, so every key can be tested without one.
//!
//! An [`App`] is split the way its screens are:
//!
//! - [`Shared`]: what every screen reads — the timeline and the current
//!   step, the display options (language, theme, raw numbers, presenter
//!   layout), the overlays (help, the "what if" and scenario menus, the
//!   status-line message), where things were drawn last ([`HitMap`]) and
//!   the source behind the timeline (a live source, a capture file being
//!   indexed, a simulation that can be replayed). `App` derefs to it, so
//!   the panes read `app.tl` and `app.lang` whatever the mode.
//! - one state per mode, each with its own keys and mouse:
//!   [`ListMode`] (the connection list, [`super::mode::list`]) and
//!   [`StepMode`] (stepping through the ladder, [`super::mode::steps`]).
//!   Both live as long as the app, because a round trip through the list
//!   comes back to the same pane and the list keeps its selection;
//!   [`App::screen`] says which one takes the keys. The quiz is a mode of
//!   its own ([`super::quiz::Quiz`]) that draws with the same panes.
//!
//! Overlays take the keys before the mode does: an open menu
//! ([`super::menu`]), then the help. The live and file sources add their
//! own steps to the loop: [`super::live`] and [`super::file`].
//!
//! Drawing reads an [`App`] and returns a [`HitMap`], which the event loop
//! stores back into the app so mouse clicks can be mapped to steps.

use super::mode::Outcome;
pub use super::mode::list::ListMode;
pub use super::mode::steps::StepMode;
pub use super::shared::Shared;
use crate::explain::Lang;
use crate::i18n::text;
use crate::source::SimConfig;
use crate::tcp::tracker::Summary;
use crate::timeline::Timeline;
use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseEvent, MouseEventKind};
use ratatui::layout::Rect;
use std::borrow::Cow;
use std::ops::{Deref, DerefMut};
use std::time::Duration;

pub use super::live::LiveInfo;

/// The panes of the stepping screen, in `Tab` order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Pane {
    Ladder,
    States,
    Layers,
    Explain,
}

impl Pane {
    pub const ALL: [Pane; 4] = [Pane::Ladder, Pane::States, Pane::Layers, Pane::Explain];

    pub fn index(self) -> usize {
        self as usize
    }

    pub fn next(self) -> Pane {
        Pane::ALL[(self.index() + 1) % Pane::ALL.len()]
    }

    pub fn prev(self) -> Pane {
        Pane::ALL[(self.index() + Pane::ALL.len() - 1) % Pane::ALL.len()]
    }

    pub fn title(self) -> &'static str {
        self.title_in(Lang::En)
    }

    /// The title in `lang`.
    pub fn title_in(self, lang: Lang) -> &'static str {
        match self {
            Pane::Ladder => text(lang, "tui-pane-ladder"),
            Pane::States => text(lang, "tui-pane-states"),
            Pane::Layers => text(lang, "tui-pane-layers"),
            Pane::Explain => text(lang, "tui-pane-explain"),
        }
    }
}

/// Which screen is showing. `inspect` and `sniff` open on a list of
/// connections (Enter opens one, Esc goes back); the stepping view then
/// shows only the chosen stream (see [`Shared::stream`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Screen {
    List,
    Steps,
}

/// What the event loop should do after a key or mouse event.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    /// Nothing changed.
    None,
    /// The state changed: draw again.
    Redraw,
    /// Live mode, at the last step: ask the source for the next socket
    /// call ([`crate::source::Source::advance`]), then draw.
    Advance,
    Quit,
}

impl Action {
    /// Redraw when something changed.
    pub fn redraw_if(changed: bool) -> Action {
        if changed {
            Action::Redraw
        } else {
            Action::None
        }
    }
}

/// Where things were drawn last time, for the mouse.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HitMap {
    /// Each visible pane's area.
    pub panes: Vec<(Pane, Rect)>,
    /// Screen row -> step index, for the ladder rows on screen.
    pub ladder_rows: Vec<(u16, usize)>,
    /// The largest useful scroll offset of each pane (by [`Pane::index`]).
    pub max_scroll: [u16; 4],
    /// The range of useful ladder scroll offsets around the current step.
    pub ladder_range: (i32, i32),
    /// Screen row -> index into [`Shared::conns`], for the connection list.
    pub list_rows: Vec<(u16, usize)>,
    /// The ladder's scroll offset before the user's own scrolling: it
    /// moves only when the current step would leave the view, and the
    /// next draw starts from it.
    pub ladder_base: usize,
}

/// How the TUI is presented, from the command line (`--pace`, `--present`,
/// `--lang`).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct TuiOptions {
    /// Autoplay from the start, one step every this many seconds.
    pub pace: Option<f64>,
    /// Start in the presenter layout.
    pub present: bool,
    /// The language to start in (`l` toggles).
    pub lang: Lang,
}

/// Runs a scenario with a configuration: the timeline and each step's
/// "what if" number ([`crate::source::WhatIf`]). Given by whoever starts
/// the TUI, so the view never runs the model itself.
pub type RunScenario = fn(&str, &SimConfig) -> anyhow::Result<(Timeline, Vec<Option<u32>>)>;

/// A simulation the TUI can play again with a change ("what if") or swap
/// for another scenario (the picker).
pub struct Replay {
    pub scenario: String,
    pub cfg: SimConfig,
    pub run: RunScenario,
    /// The "what if" number of each step of the timeline shown.
    pub sent: Vec<Option<u32>>,
}

/// An overlay that takes the keys until it closes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Menu {
    /// What if the current segment were lost, late or duplicated?
    WhatIf,
    /// Choose a scenario; the index of the highlighted one.
    Picker(usize),
}

pub struct App<'a> {
    pub shared: Shared<'a>,
    /// Which mode takes the keys and is drawn.
    pub screen: Screen,
    pub list: ListMode,
    pub steps: StepMode,
}

/// The panes and the tests read the shared state as `app.tl`, `app.lang`:
/// it is what every mode has in common, so naming the part it sits in
/// would only add noise at every use.
impl<'a> Deref for App<'a> {
    type Target = Shared<'a>;
    fn deref(&self) -> &Shared<'a> {
        &self.shared
    }
}

impl DerefMut for App<'_> {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.shared
    }
}

impl<'a> App<'a> {
    pub fn new(tl: &'a Timeline) -> App<'a> {
        Self::with(Cow::Borrowed(tl))
    }

    pub(super) fn with(tl: Cow<'a, Timeline>) -> App<'a> {
        App {
            shared: Shared::new(tl),
            screen: Screen::Steps,
            list: ListMode::default(),
            steps: StepMode::default(),
        }
    }

    /// Open on the connection list, numbering by frame and showing whole
    /// connections, as a capture or a sniffer wants.
    pub(super) fn with_list(mut self) -> Self {
        self.has_list = true;
        self.screen = Screen::List;
        self.frame_numbers = true;
        self.show_future = true;
        self
    }

    /// A capture file: open on the list of its connections (`summaries`,
    /// as the capture report's `summaries`).
    pub fn capture(tl: &'a Timeline, summaries: &[Summary]) -> App<'a> {
        let mut app = Self::new(tl).with_list();
        app.conns = summaries.to_vec();
        app.udp_conns = crate::source::udp_summaries(tl);
        if app.list_len() == 1 {
            // One connection: there is nothing to choose.
            app.show(0);
        }
        app
    }

    /// Take the command line's presentation options: `--pace` starts
    /// autoplay at that interval, `--present` the presenter layout, and
    /// the language.
    pub fn apply(&mut self, opts: TuiOptions) {
        if let Some(p) = opts.pace {
            self.steps.pace = Some(Duration::from_secs_f64(p));
            self.steps.autoplay = true;
        }
        self.present = opts.present;
        self.lang = opts.lang;
    }

    /// A simulation that "what if" and the picker can run again.
    pub fn with_replay(mut self, replay: Replay) -> Self {
        self.replay = Some(replay);
        self
    }

    /// What a key does. Ctrl-C always quits (in raw mode it is a key).
    pub fn handle_key(&mut self, key: KeyEvent) -> Action {
        if key.kind == KeyEventKind::Release {
            return Action::None;
        }
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        if ctrl && matches!(key.code, KeyCode::Char('c') | KeyCode::Char('C')) {
            return Action::Quit;
        }
        if let Some(menu) = self.menu {
            return self.menu_key(menu, key);
        }
        if self.help {
            // Esc and ? close the help; q still quits; other keys close it
            // and do what they do.
            match key.code {
                KeyCode::Esc | KeyCode::Char('?') => {
                    self.help = false;
                    return Action::Redraw;
                }
                KeyCode::Char('q') => return Action::Quit,
                _ => self.help = false,
            }
            let _ = self.handle_key(key);
            return Action::Redraw;
        }
        let had_message = self.message.take().is_some();
        let action = match self.shared.common_key(key) {
            Some(a) => a,
            None => {
                let outcome = match self.screen {
                    Screen::List => self.list.key(&mut self.shared, key),
                    Screen::Steps => self.steps.key(&mut self.shared, key),
                };
                self.follow(outcome)
            }
        };
        if had_message && action == Action::None {
            Action::Redraw
        } else {
            action
        }
    }

    /// Click a ladder row to go to its step, click a pane to focus it; the
    /// wheel scrolls the pane under the pointer. In the list: click a row
    /// to select it, the selected one to open it.
    pub fn handle_mouse(&mut self, m: MouseEvent) -> Action {
        if self.help {
            if matches!(m.kind, MouseEventKind::Down(_)) {
                self.help = false;
                return Action::Redraw;
            }
            return Action::None;
        }
        let outcome = match self.screen {
            Screen::List => self.list.mouse(&self.shared, m),
            Screen::Steps => self.steps.mouse(&mut self.shared, m),
        };
        self.follow(outcome)
    }

    /// Carry out what a mode asked for that reaches beyond it.
    fn follow(&mut self, outcome: Outcome) -> Action {
        match outcome {
            Outcome::Act(a) => a,
            Outcome::ToList => {
                self.back_to_list();
                Action::Redraw
            }
            Outcome::ToAll => {
                self.show_all();
                Action::Redraw
            }
            Outcome::Open(i) => Action::redraw_if(self.open(i)),
        }
    }

    /// Open the connection at `idx` of the list in the stepping view, where
    /// it was left (or at its first step).
    pub fn open(&mut self, idx: usize) -> bool {
        let Some((udp, stream)) = self.list_key(idx) else {
            return false;
        };
        if self
            .file
            .as_ref()
            .is_some_and(|f| f.loaded != Some((udp, stream)))
        {
            // A capture file: read the stream's frames first, once the
            // index says where they are.
            self.list.selected = idx;
            return self.file_open((udp, stream));
        }
        self.show(idx)
    }

    /// Show the connection at `idx` of the list (its steps are in `tl`).
    pub(super) fn show(&mut self, idx: usize) -> bool {
        let Some((udp, stream)) = self.list_key(idx) else {
            return false;
        };
        self.list.selected = idx;
        self.shared.stream = Some(stream);
        self.shared.udp = udp;
        self.screen = Screen::Steps;
        let to = self
            .list
            .positions
            .get(&(udp, stream))
            .copied()
            .filter(|&i| self.tl.steps.get(i).is_some_and(|s| self.chosen(s)))
            .or_else(|| self.first());
        self.shared.current = to.unwrap_or(0);
        self.steps.reset_view();
        self.steps.autoplay = false;
        true
    }

    /// From the stepping view back to the connection list.
    pub fn back_to_list(&mut self) {
        self.steps.follow = None;
        if let Some(s) = self.shared.stream {
            let key = (self.shared.udp, s);
            self.list.positions.insert(key, self.shared.current);
        }
        self.steps.autoplay = false;
        self.screen = Screen::List;
    }

    /// From the list back to every connection at once (the live lab's
    /// lanes): the cursor stays on the step it was on, which is a step of
    /// the whole timeline too.
    pub fn show_all(&mut self) {
        self.shared.stream = None;
        self.shared.udp = false;
        self.screen = Screen::Steps;
        self.shared.current = self
            .shared
            .current
            .min(self.tl.steps.len().saturating_sub(1));
        self.steps.reset_view();
        self.hits.ladder_base = 0;
    }

    /// Go to step index `i` (into `tl.steps`); returns whether it moved.
    pub fn goto(&mut self, i: usize) -> bool {
        self.steps.goto(&mut self.shared, i)
    }

    /// One autoplay tick: the next step; autoplay stops at the last one.
    pub fn tick(&mut self) -> bool {
        self.steps.tick(&mut self.shared)
    }

    /// One autoplay tick in any mode: the next step, or in live mode at the
    /// last step the next socket call ([`Action::Advance`]). Autoplay stops
    /// at the end (in live mode: when the lab has nothing left to do).
    pub fn tick_action(&mut self) -> Action {
        if self.screen != Screen::Steps {
            return Action::None;
        }
        self.steps.tick_action(&mut self.shared)
    }

    /// The autoplay interval.
    pub fn interval(&self) -> Duration {
        self.steps.interval()
    }
}

#[cfg(test)]
mod tests;
