//! The state of the terminal UI and what keys and mouse do to it. Plain
//! Rust: no terminal here, so every key can be tested without one.
//!
//! Drawing reads an [`App`] and returns a [`HitMap`] (where each pane and
//! each ladder row ended up on screen), which the event loop stores back
//! into the app so mouse clicks can be mapped to steps.

use super::file::{FileState, IndexMsg};
use super::text::tr;
use super::theme::Theme;
use crate::explain::Lang;
use crate::source::Source;
use crate::source::scenario;
use crate::source::sim::{SimConfig, WhatIf, WhatIfKind};
use crate::tcp::tracker::Summary;
use crate::timeline::Timeline;
use crossterm::event::{
    KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseButton, MouseEvent, MouseEventKind,
};
use ratatui::layout::{Position, Rect};
use std::borrow::Cow;
use std::collections::HashMap;
use std::time::Duration;

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
        match self {
            Pane::Ladder => "Ladder",
            Pane::States => "States",
            Pane::Layers => "Layers",
            Pane::Explain => "Explain",
        }
    }

    /// The title in `lang`.
    pub fn title_in(self, lang: Lang) -> &'static str {
        match (lang, self) {
            (Lang::En, p) => p.title(),
            (Lang::Zh, Pane::Ladder) => "时序图",
            (Lang::Zh, Pane::States) => "状态",
            (Lang::Zh, Pane::Layers) => "分层",
            (Lang::Zh, Pane::Explain) => "讲解",
        }
    }
}

/// Which screen is showing. `inspect` and `sniff` open on a list of
/// connections (Enter opens one, Esc goes back); the stepping view then
/// shows only the chosen stream (see [`App::stream`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Screen {
    List,
    Steps,
}

/// What a live source (the lab or the sniffer) last said about itself.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LiveInfo {
    /// The lab drives the connection (next at the last step performs the
    /// next socket call); the sniffer only listens.
    pub drives: bool,
    /// What the next call will do ([`Source::next_hint`]).
    pub hint: Option<String>,
    /// [`Source::status`], for the status line.
    pub status: String,
    /// [`Source::finished`].
    pub finished: bool,
}

/// What the event loop should do after a key or mouse event.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    /// Nothing changed.
    None,
    /// The state changed: draw again.
    Redraw,
    /// Live mode, at the last step: ask the source for the next socket
    /// call ([`Source::advance`]), then draw.
    Advance,
    Quit,
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
    /// Screen row -> index into [`App::conns`], for the connection list.
    pub list_rows: Vec<(u16, usize)>,
    /// The ladder's scroll offset before the user's own scrolling: it
    /// moves only when the current step would leave the view, and the
    /// next draw starts from it.
    pub ladder_base: usize,
}

/// How the TUI is presented, from the command line (`--pace`, `--present`).
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
/// "what if" number ([`crate::source::sim::WhatIf`]). Given by whoever starts
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

/// Autoplay intervals `+` and `-` move between, in milliseconds.
const INTERVALS_MS: [u64; 9] = [250, 500, 750, 1000, 1500, 2000, 3000, 5000, 8000];
const DEFAULT_INTERVAL: usize = 4;

pub struct App<'a> {
    /// Borrowed for a finished timeline; owned (and replaced as it grows)
    /// in live mode.
    pub tl: Cow<'a, Timeline>,
    pub screen: Screen,
    /// Only this stream's steps are stepped through (None: all of them).
    /// Set by opening a connection from the list.
    pub stream: Option<u32>,
    /// There is a connection list (inspect, sniff): Esc in the stepping
    /// view goes back to it.
    pub has_list: bool,
    /// The rows of the connection list.
    pub conns: Vec<Summary>,
    /// Index into `conns` of the selected row.
    pub selected: usize,
    /// Number the ladder rows by frame (captures and the sniffer), as
    /// Wireshark's "No." column, instead of by step.
    pub frame_numbers: bool,
    /// Set in live mode (the lab, the sniffer).
    pub live: Option<LiveInfo>,
    /// A one-off note for the status line; the next key clears it.
    pub message: Option<String>,
    /// Where each stream was left, to come back to it from the list.
    positions: HashMap<u32, usize>,
    /// Live mode: "next" was pressed at the last step (index `n` was the
    /// first step that did not exist yet); the cursor moves to the first
    /// step from `n` on as soon as it comes. Growth alone never moves it.
    pub follow: Option<usize>,
    /// Index into `tl.steps`.
    pub current: usize,
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
    pub help: bool,
    /// Show raw sequence numbers instead of relative ones.
    pub raw_seq: bool,
    pub theme: Theme,
    /// The language of the explanations and labels (`l` toggles).
    pub lang: Lang,
    /// Quiz: only steps before this index exist yet (None: all).
    pub limit: Option<usize>,
    /// Quiz: a question about the next step is open; the ladder ends in a
    /// "?" row, which is the current one.
    pub pending: bool,
    pub hits: HitMap,
    /// Set for a capture file indexed in the background
    /// ([`App::file`]): the list grows as the index is built, and `tl`
    /// holds the one stream opened last.
    pub file: Option<FileState>,
    /// Draw the ladder rows after the current step too (`v` toggles).
    /// Off in the simulation and the live lab, so "what comes next?" is
    /// not answered on the projector before it is asked; on for captures
    /// and the sniffer, whose reader wants the whole connection at once.
    pub show_future: bool,
    /// `--pace`: autoplay at this interval instead of the `+`/`-` ones.
    pub pace: Option<Duration>,
    /// Autoplay was paused by space or by stepping back; space resumes it.
    pub paused: bool,
    /// Time left until the next autoplay step, set by the event loop for
    /// the countdown.
    pub countdown: Option<Duration>,
    /// The presenter layout: ladder and explanation only, large (`P`).
    pub present: bool,
    /// Gaps between rows of the ladder grow with the time between steps
    /// (`t`), so a 1 s RTO or the 60 s of TIME_WAIT show as gaps.
    pub timed: bool,
    /// Set for a simulation: "what if" and the scenario picker.
    pub replay: Option<Replay>,
    pub menu: Option<Menu>,
}

impl<'a> App<'a> {
    pub fn new(tl: &'a Timeline) -> App<'a> {
        Self::with(Cow::Borrowed(tl))
    }

    fn with(tl: Cow<'a, Timeline>) -> App<'a> {
        App {
            tl,
            screen: Screen::Steps,
            stream: None,
            has_list: false,
            conns: Vec::new(),
            selected: 0,
            frame_numbers: false,
            live: None,
            message: None,
            positions: HashMap::new(),
            follow: None,
            current: 0,
            focus: Pane::Ladder,
            detail: Pane::Explain,
            scroll: [0; 4],
            ladder_scroll: 0,
            autoplay: false,
            interval: DEFAULT_INTERVAL,
            help: false,
            raw_seq: false,
            theme: Theme::from_env(),
            lang: Lang::default(),
            limit: None,
            pending: false,
            hits: HitMap::default(),
            file: None,
            show_future: false,
            pace: None,
            paused: false,
            countdown: None,
            present: false,
            timed: false,
            replay: None,
            menu: None,
        }
    }

    /// A capture file: open on the list of its connections (`summaries`,
    /// as [`crate::source::capture::CaptureReport::summaries`]).
    pub fn capture(tl: &'a Timeline, summaries: &[Summary]) -> App<'a> {
        let mut app = Self::new(tl);
        app.has_list = true;
        app.screen = Screen::List;
        app.conns = summaries.to_vec();
        app.frame_numbers = true;
        app.show_future = true;
        if app.conns.len() == 1 {
            // One connection: there is nothing to choose.
            app.show(0);
        }
        app
    }

    /// A capture file indexed in the background: opens on an empty list
    /// that [`App::index_event`] fills (the event loop feeds it from
    /// [`FileState::indexer`], see [`super::run_capture_file`]).
    pub fn file(path: &std::path::Path) -> App<'static> {
        let tl = Timeline {
            source: format!("capture: {}", path.display()),
            title: String::new(),
            streams: Vec::new(),
            steps: Vec::new(),
        };
        let mut app = App::with(Cow::Owned(tl));
        app.has_list = true;
        app.screen = Screen::List;
        app.frame_numbers = true;
        app.show_future = true;
        app.file = Some(FileState::new(path));
        app
    }

    /// A capture file still being indexed.
    pub fn indexing(&self) -> bool {
        self.file.as_ref().is_some_and(|f| !f.done)
    }

    /// Take in what the indexing thread has sent since the last call;
    /// returns whether anything changed.
    pub fn poll_index(&mut self) -> bool {
        let mut msgs = Vec::new();
        if let Some(ix) = self.file.as_ref().and_then(|f| f.indexer.as_ref()) {
            use std::sync::mpsc::TryRecvError;
            loop {
                match ix.rx.try_recv() {
                    Ok(m) => msgs.push(m),
                    Err(TryRecvError::Empty) => break,
                    Err(TryRecvError::Disconnected) => {
                        let done = self.file.as_ref().is_some_and(|f| f.done)
                            || msgs.iter().any(|m| matches!(m, IndexMsg::Done(_)));
                        if !done {
                            // The thread ended without a word: it panicked.
                            msgs.push(IndexMsg::Done(Box::new(Err(
                                crate::pcap::CaptureError::Unreadable {
                                    path: self
                                        .file
                                        .as_ref()
                                        .map(|f| f.path.clone())
                                        .unwrap_or_default(),
                                    source: std::io::Error::other("the indexing thread failed"),
                                },
                            ))));
                        }
                        break;
                    }
                }
            }
        }
        let changed = !msgs.is_empty();
        for m in msgs {
            self.index_event(m);
        }
        changed
    }

    /// Take in one message of the indexing thread: progress and new rows,
    /// or the finished index (which opens the connection Enter was
    /// pressed on meanwhile).
    pub fn index_event(&mut self, msg: IndexMsg) {
        let Some(file) = self.file.as_mut() else {
            return;
        };
        match msg {
            IndexMsg::Progress {
                bytes,
                total_bytes,
                frames,
                rows,
            } => {
                file.bytes = bytes;
                file.total_bytes = total_bytes;
                file.frames = frames;
                for r in &rows {
                    for (k, lang) in [Lang::En, Lang::Zh].into_iter().enumerate() {
                        let m = super::list::measure(r, lang);
                        for (w, m) in file.widths[k].iter_mut().zip(m) {
                            *w = (*w).max(m);
                        }
                    }
                }
                self.conns.extend(rows);
            }
            IndexMsg::Done(result) => {
                file.done = true;
                file.bytes = file.total_bytes;
                if let Some(t) = file.timing.as_mut() {
                    t.log("index done");
                }
                match *result {
                    Ok(idx) => {
                        file.frames = idx.frames_total;
                        if let Some(d) = &idx.damage {
                            file.note = Some(tr(
                                self.lang,
                                format!("damaged file, read up to the damage: {d}"),
                                format!("文件已损坏，只读到损坏处：{d}"),
                            ));
                        }
                        file.index = Some(idx);
                        file.opening = file.pending.take();
                        if file.opening.is_none() && file.loaded.is_none() && self.conns.len() == 1
                        {
                            // One connection: there is nothing to choose.
                            file.opening = Some(self.conns[0].stream);
                        }
                    }
                    Err(e) => {
                        file.pending = None;
                        file.note = Some(tr(
                            self.lang,
                            format!("cannot index the file: {e}"),
                            format!("无法为文件建立索引：{e}"),
                        ));
                    }
                }
            }
        }
    }

    /// Read the stream marked by [`App::open`] (the frame saying it is
    /// being opened was drawn) and show it; returns whether there was one.
    pub fn finish_open(&mut self) -> bool {
        let Some(file) = self.file.as_mut() else {
            return false;
        };
        let Some(stream) = file.opening.take() else {
            return false;
        };
        let Some(idx) = file.index.as_ref() else {
            return false;
        };
        let started = std::time::Instant::now();
        let opts = crate::source::capture::ReadOptions {
            keep_bytes: true,
            lang: self.lang,
            ..Default::default()
        };
        match idx.timeline(stream, opts) {
            Ok(tl) => {
                let steps = tl.steps.len();
                file.loaded = Some(stream);
                self.tl = Cow::Owned(tl);
                if let Some(t) = file.timing.as_mut() {
                    t.log(&format!(
                        "stream {stream} read: {steps} steps in {:.1} ms",
                        started.elapsed().as_secs_f64() * 1e3
                    ));
                }
                if let Some(i) = self.conns.iter().position(|c| c.stream == stream) {
                    self.show(i);
                }
            }
            Err(e) => {
                file.note = Some(tr(
                    self.lang,
                    format!("cannot read stream {stream}: {e}"),
                    format!("无法读取流 {stream}：{e}"),
                ));
            }
        }
        true
    }

    /// Live mode: a copy of the source's timeline, refreshed by
    /// [`App::refresh`]. A source with nothing to drive at the start (no
    /// [`Source::next_hint`]) is a sniffer: it gets the connection
    /// list, like a capture file.
    pub fn live(source: &dyn Source) -> App<'static> {
        let mut app = App::with(Cow::Owned(source.timeline().clone()));
        let drives = source.next_hint().is_some();
        app.live = Some(LiveInfo {
            drives,
            ..LiveInfo::default()
        });
        if !drives {
            app.has_list = true;
            app.screen = Screen::List;
            app.frame_numbers = true;
            app.show_future = true;
        }
        app.refresh(source);
        app
    }

    /// Take in a live source's timeline as it is now. The cursor stays
    /// where it is, unless "next" was pressed at the last step (see
    /// [`App::follow`]): then it moves to the first new step, so the steps
    /// a key press caused are shown one by one.
    pub fn refresh(&mut self, source: &dyn Source) {
        self.refresh_info(source);
        let tl = source.timeline();
        if *self.tl == *tl {
            return;
        }
        // The sniffer follows new segments, like `tail -f`, while the
        // cursor is on the last step; stepping back stops that. (The lab
        // moves only when "next" was pressed: see `follow`.)
        let tail = self.live.as_ref().is_some_and(|l| !l.drives)
            && self.screen == Screen::Steps
            && self.at_end();
        self.tl = Cow::Owned(tl.clone());
        if self.has_list {
            self.conns = source.summaries();
            self.selected = self.selected.min(self.conns.len().saturating_sub(1));
        }
        // Steps are appended (the last ones may be amended, e.g. with the
        // kernel's states); if the source rewrote its timeline, keep the
        // cursor on a step that exists.
        self.current = self.current.min(self.tl.steps.len().saturating_sub(1));
        if tail && let Some(last) = self.last() {
            self.goto(last);
        }
        if let Some(from) = self.follow
            && self.screen == Screen::Steps
            && let Some(i) = self.visible_steps().into_iter().find(|&i| i >= from)
        {
            self.follow = None;
            if !self.goto(i) {
                // Already there (the very first step of an empty timeline).
                self.scroll = [0; 4];
            }
        }
    }

    /// "Next" at the last step in live mode: from now on, show the first
    /// step that comes (see [`App::follow`]).
    pub fn expect_new_steps(&mut self) {
        self.follow = Some(if self.visible_steps().is_empty() {
            0
        } else {
            self.tl.steps.len()
        });
    }

    /// Take in the source's hint, status and whether it has finished.
    pub fn refresh_info(&mut self, source: &dyn Source) {
        if let Some(live) = &mut self.live {
            live.hint = source.next_hint();
            live.status = source.status();
            live.finished = source.finished();
        }
    }

    /// Open the connection at `idx` of the list in the stepping view, where
    /// it was left (or at its first step).
    pub fn open(&mut self, idx: usize) -> bool {
        let Some(c) = self.conns.get(idx) else {
            return false;
        };
        let stream = c.stream;
        if let Some(file) = self.file.as_mut()
            && file.loaded != Some(stream)
        {
            // A capture file: read the stream's frames first, once the
            // index says where they are.
            self.selected = idx;
            file.opening = None;
            file.pending = None;
            if let Some(t) = file.timing.as_mut() {
                t.log(&format!("open stream {stream}"));
            }
            if file.index.is_some() {
                file.opening = Some(stream);
            } else if !file.done {
                file.pending = Some(stream);
            } else {
                return false;
            }
            return true;
        }
        self.show(idx)
    }

    /// Show the connection at `idx` of the list (its steps are in `tl`).
    fn show(&mut self, idx: usize) -> bool {
        let Some(c) = self.conns.get(idx) else {
            return false;
        };
        let stream = c.stream;
        self.selected = idx;
        self.stream = Some(stream);
        self.screen = Screen::Steps;
        let to = self
            .positions
            .get(&stream)
            .copied()
            .filter(|&i| self.tl.steps.get(i).is_some_and(|s| s.stream == stream))
            .or_else(|| self.first());
        self.current = to.unwrap_or(0);
        self.scroll = [0; 4];
        self.ladder_scroll = 0;
        self.autoplay = false;
        true
    }

    /// From the stepping view back to the connection list.
    pub fn back_to_list(&mut self) {
        self.follow = None;
        if let Some(s) = self.stream {
            self.positions.insert(s, self.current);
        }
        self.autoplay = false;
        self.screen = Screen::List;
    }

    /// The ladder's number for step `i`: the frame number of a segment when
    /// numbering by frame, else its place `n` (1-based) among the steps.
    pub fn row_number(&self, i: usize, n: usize) -> u64 {
        match &self.tl.steps[i].segment {
            Some(v) if self.frame_numbers => v.frame,
            _ => n as u64,
        }
    }

    /// Step indices (into `tl.steps`) the user steps through, in order.
    pub fn visible_steps(&self) -> Vec<usize> {
        let end = self.limit.unwrap_or(usize::MAX).min(self.tl.steps.len());
        (0..end)
            .filter(|&i| self.stream.is_none_or(|s| self.tl.steps[i].stream == s))
            .collect()
    }

    /// Whether the ladder draws step `i`: every step up to the current
    /// one, and the later ones only when [`App::show_future`] is on.
    pub fn revealed(&self, i: usize) -> bool {
        self.show_future || i <= self.current
    }

    fn first(&self) -> Option<usize> {
        self.visible_steps().first().copied()
    }

    fn last(&self) -> Option<usize> {
        self.visible_steps().last().copied()
    }

    /// 1-based position of the current step and the number of steps.
    pub fn position(&self) -> (usize, usize) {
        let steps = self.visible_steps();
        let n = steps
            .iter()
            .position(|&i| i == self.current)
            .map_or(0, |p| p + 1);
        (n, steps.len())
    }

    pub fn at_end(&self) -> bool {
        self.last().is_none_or(|l| self.current >= l)
    }

    pub fn interval(&self) -> Duration {
        self.pace
            .unwrap_or_else(|| Duration::from_millis(INTERVALS_MS[self.interval]))
    }

    /// Take the command line's presentation options: `--pace` starts
    /// autoplay at that interval, `--present` the presenter layout.
    pub fn apply(&mut self, opts: TuiOptions) {
        if let Some(p) = opts.pace {
            self.pace = Some(Duration::from_secs_f64(p));
            self.autoplay = true;
        }
        self.present = opts.present;
        self.lang = opts.lang;
    }

    /// A simulation that "what if" and the picker can run again.
    pub fn with_replay(mut self, replay: Replay) -> Self {
        self.replay = Some(replay);
        self
    }

    /// Run the simulation again with `cfg` (and maybe another scenario),
    /// keeping the cursor on step index `at` where it still exists.
    fn rerun(&mut self, scenario: String, cfg: SimConfig, at: usize) -> bool {
        let Some(r) = self.replay.as_mut() else {
            return false;
        };
        match (r.run)(&scenario, &cfg) {
            Ok((tl, sent)) => {
                r.scenario = scenario;
                r.cfg = cfg;
                r.sent = sent;
                self.tl = Cow::Owned(tl);
                self.current = at.min(self.tl.steps.len().saturating_sub(1));
                self.scroll = [0; 4];
                self.ladder_scroll = 0;
                self.hits.ladder_base = 0;
                true
            }
            Err(e) => {
                self.message = Some(tr(
                    self.lang,
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
        let at = self.current;
        let Some(r) = self.replay.as_ref() else {
            return false;
        };
        let Some(Some(sent)) = r.sent.get(at).copied() else {
            self.message = Some(
                tr(
                    self.lang,
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
        let Some(r) = self.replay.as_ref() else {
            return false;
        };
        let cfg = SimConfig {
            what_if: Vec::new(),
            ..r.cfg.clone()
        };
        self.autoplay = false;
        self.paused = false;
        self.rerun(name.to_string(), cfg, 0)
    }

    /// Keys while a menu is open.
    fn menu_key(&mut self, menu: Menu, key: KeyEvent) -> Action {
        match (menu, key.code) {
            (_, KeyCode::Esc) | (Menu::WhatIf, KeyCode::Char('x')) => {
                self.menu = None;
                Action::Redraw
            }
            (Menu::WhatIf, KeyCode::Char(c @ '1'..='3')) => {
                self.menu = None;
                self.what_if(match c {
                    '1' => WhatIfKind::Drop,
                    '2' => WhatIfKind::Delay(0.5),
                    _ => WhatIfKind::Duplicate,
                });
                Action::Redraw
            }
            (Menu::Picker(i), KeyCode::Up | KeyCode::Char('k')) => {
                self.menu = Some(Menu::Picker(i.saturating_sub(1)));
                Action::Redraw
            }
            (Menu::Picker(i), KeyCode::Down | KeyCode::Char('j')) => {
                self.menu = Some(Menu::Picker((i + 1).min(scenario::NAMES.len() - 1)));
                Action::Redraw
            }
            (Menu::Picker(i), KeyCode::Enter | KeyCode::Char(' ')) => {
                self.menu = None;
                self.pick(scenario::NAMES[i]);
                Action::Redraw
            }
            (_, KeyCode::Char('q')) => Action::Quit,
            _ => Action::None,
        }
    }

    /// Go to step index `i` (into `tl.steps`); returns whether it moved.
    pub fn goto(&mut self, i: usize) -> bool {
        if i == self.current || i >= self.tl.steps.len() {
            return false;
        }
        self.current = i;
        self.scroll = [0; 4];
        self.ladder_scroll = 0;
        self.follow = None;
        true
    }

    pub fn forward(&mut self) -> bool {
        let steps = self.visible_steps();
        match steps.iter().find(|&&i| i > self.current) {
            Some(&i) => self.goto(i),
            None => false,
        }
    }

    pub fn back(&mut self) -> bool {
        let steps = self.visible_steps();
        match steps.iter().rev().find(|&&i| i < self.current) {
            Some(&i) => self.goto(i),
            None => false,
        }
    }

    /// Live mode and the lab can still drive the connection: "next" at the
    /// last step performs the next socket call.
    pub fn can_advance(&self) -> bool {
        self.live.as_ref().is_some_and(|l| l.drives && !l.finished)
    }

    /// "Next": the next step; at the last step in live mode, ask for the
    /// next socket call.
    fn next(&mut self) -> Action {
        if self.forward() {
            Action::Redraw
        } else if self.live.is_some() && self.at_end() {
            Action::Advance
        } else {
            Action::None
        }
    }

    /// One autoplay tick in any mode: the next step, or in live mode at the
    /// last step the next socket call ([`Action::Advance`]). Autoplay stops
    /// at the end (in live mode: when the lab has nothing left to do).
    pub fn tick_action(&mut self) -> Action {
        if !self.autoplay || self.screen != Screen::Steps {
            return Action::None;
        }
        if self.live.is_none() {
            return Self::redraw_if(self.tick());
        }
        if self.forward() {
            return Action::Redraw;
        }
        if self.can_advance() {
            return Action::Advance;
        }
        self.autoplay = false;
        Action::Redraw
    }

    /// One autoplay tick: the next step; autoplay stops at the last one.
    pub fn tick(&mut self) -> bool {
        if !self.autoplay {
            return false;
        }
        let moved = self.forward();
        if self.at_end() {
            self.autoplay = false;
        }
        moved
    }

    fn set_focus(&mut self, pane: Pane) {
        self.focus = pane;
        if pane != Pane::Ladder {
            self.detail = pane;
        }
    }

    fn scroll_pane(&mut self, pane: Pane, down: bool) -> bool {
        if pane == Pane::Ladder {
            let (lo, hi) = self.hits.ladder_range;
            let new = (self.ladder_scroll + if down { 1 } else { -1 }).clamp(lo, hi.max(lo));
            let moved = new != self.ladder_scroll;
            self.ladder_scroll = new;
            return moved;
        }
        let max = self.hits.max_scroll[pane.index()];
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

    fn redraw_if(changed: bool) -> Action {
        if changed {
            Action::Redraw
        } else {
            Action::None
        }
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
        let action = match self.screen {
            Screen::List => self.list_key(key),
            Screen::Steps => self.steps_key(key),
        };
        if had_message && action == Action::None {
            Action::Redraw
        } else {
            action
        }
    }

    /// Keys both screens share; None when `key` is none of them.
    fn common_key(&mut self, key: KeyEvent) -> Option<Action> {
        Some(match key.code {
            KeyCode::Char('q') => Action::Quit,
            KeyCode::Char('?') | KeyCode::Char('h') | KeyCode::F(1) => {
                self.help = true;
                Action::Redraw
            }
            KeyCode::Char('l') => {
                self.lang = self.lang.toggle();
                Action::Redraw
            }
            _ => return None,
        })
    }

    fn select(&mut self, idx: usize) -> Action {
        let idx = idx.min(self.conns.len().saturating_sub(1));
        let moved = idx != self.selected;
        self.selected = idx;
        Self::redraw_if(moved)
    }

    fn list_key(&mut self, key: KeyEvent) -> Action {
        if let Some(a) = self.common_key(key) {
            return a;
        }
        match key.code {
            KeyCode::Esc if self.file.as_ref().is_some_and(|f| f.pending.is_some()) => {
                // Not waiting for that connection any more.
                if let Some(f) = self.file.as_mut() {
                    f.pending = None;
                }
                Action::Redraw
            }
            KeyCode::Esc => Action::Quit,
            KeyCode::Up | KeyCode::Char('k') => self.select(self.selected.saturating_sub(1)),
            KeyCode::Down | KeyCode::Char('j') => self.select(self.selected + 1),
            // A page: as many rows as the list showed last time.
            KeyCode::PageUp => self.select(
                self.selected
                    .saturating_sub(self.hits.list_rows.len().max(1)),
            ),
            KeyCode::PageDown => self.select(self.selected + self.hits.list_rows.len().max(1)),
            KeyCode::Home | KeyCode::Char('g') => self.select(0),
            KeyCode::End | KeyCode::Char('G') => self.select(usize::MAX),
            KeyCode::Enter | KeyCode::Right | KeyCode::Char(' ') | KeyCode::Char('n') => {
                Self::redraw_if(self.open(self.selected))
            }
            _ => Action::None,
        }
    }

    fn steps_key(&mut self, key: KeyEvent) -> Action {
        if let Some(a) = self.common_key(key) {
            return a;
        }
        // Paced autoplay: space pauses and resumes it; while it was never
        // started, space steps as always.
        if key.code == KeyCode::Char(' ') && (self.autoplay || self.paused) {
            self.autoplay = !self.autoplay;
            self.paused = !self.autoplay;
            return Action::Redraw;
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
        match key.code {
            KeyCode::Esc if self.has_list => {
                self.back_to_list();
                Action::Redraw
            }
            KeyCode::Esc => Action::Quit,
            KeyCode::Char('P') => {
                self.present = !self.present;
                Action::Redraw
            }
            KeyCode::Char('t') => {
                self.timed = !self.timed;
                self.hits.ladder_base = 0;
                Action::Redraw
            }
            KeyCode::Char('x') if self.replay.is_some() => {
                self.menu = Some(Menu::WhatIf);
                Action::Redraw
            }
            KeyCode::Char('c') if self.replay.is_some() => {
                let now = self
                    .replay
                    .as_ref()
                    .and_then(|r| scenario::NAMES.iter().position(|n| *n == r.scenario))
                    .unwrap_or(0);
                self.menu = Some(Menu::Picker(now));
                Action::Redraw
            }
            KeyCode::Right
            | KeyCode::Char(' ')
            | KeyCode::Char('n')
            | KeyCode::PageDown
            | KeyCode::Enter => self.next(),
            KeyCode::Backspace
                if self.has_list && self.first().is_none_or(|f| self.current <= f) =>
            {
                // Backspace at the first step goes back to the list.
                self.back_to_list();
                Action::Redraw
            }
            KeyCode::Left | KeyCode::Char('p') | KeyCode::Backspace | KeyCode::PageUp => {
                Self::redraw_if(self.back())
            }
            KeyCode::Home | KeyCode::Char('g') => {
                let first = self.first();
                Self::redraw_if(first.is_some_and(|f| self.goto(f)))
            }
            KeyCode::End | KeyCode::Char('G') => {
                let last = self.last();
                Self::redraw_if(last.is_some_and(|l| self.goto(l)))
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
                Self::redraw_if(self.scroll_pane(self.focus, true))
            }
            KeyCode::Up | KeyCode::Char('k') => {
                Self::redraw_if(self.scroll_pane(self.focus, false))
            }
            KeyCode::Char('a') => {
                self.autoplay = !self.autoplay;
                self.paused = false;
                if self.autoplay && self.at_end() && !self.can_advance() {
                    // Play again from the start.
                    if let Some(f) = self.first() {
                        self.goto(f);
                    }
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
                if let Some(f) = self.first() {
                    self.goto(f);
                }
                self.scroll = [0; 4];
                self.ladder_scroll = 0;
                Action::Redraw
            }
            KeyCode::Char('s') => {
                self.raw_seq = !self.raw_seq;
                Action::Redraw
            }
            KeyCode::Char('v') => {
                self.show_future = !self.show_future;
                Action::Redraw
            }
            _ => Action::None,
        }
    }

    fn pane_at(&self, col: u16, row: u16) -> Option<Pane> {
        let pos = Position::new(col, row);
        self.hits
            .panes
            .iter()
            .find(|(_, r)| r.contains(pos))
            .map(|(p, _)| *p)
    }

    /// Click a ladder row to go to its step, click a pane to focus it; the
    /// wheel scrolls the pane under the pointer.
    pub fn handle_mouse(&mut self, m: MouseEvent) -> Action {
        if self.help {
            if matches!(m.kind, MouseEventKind::Down(_)) {
                self.help = false;
                return Action::Redraw;
            }
            return Action::None;
        }
        if self.screen == Screen::List {
            return self.list_mouse(m);
        }
        match m.kind {
            MouseEventKind::Down(MouseButton::Left) => {
                let pane = self.pane_at(m.column, m.row);
                if let Some(p) = pane {
                    self.set_focus(p);
                }
                if pane == Some(Pane::Ladder)
                    && let Some(&(_, step)) =
                        self.hits.ladder_rows.iter().find(|(y, _)| *y == m.row)
                {
                    self.goto(step);
                }
                Action::Redraw
            }
            MouseEventKind::ScrollDown | MouseEventKind::ScrollUp => {
                let down = m.kind == MouseEventKind::ScrollDown;
                let pane = self.pane_at(m.column, m.row).unwrap_or(self.focus);
                Self::redraw_if(self.scroll_pane(pane, down))
            }
            _ => Action::None,
        }
    }
}

impl App<'_> {
    /// Click a row to select it, click the selected row to open it; the
    /// wheel moves the selection.
    fn list_mouse(&mut self, m: MouseEvent) -> Action {
        match m.kind {
            MouseEventKind::Down(MouseButton::Left) => {
                match self.hits.list_rows.iter().find(|(y, _)| *y == m.row) {
                    Some(&(_, i)) if i == self.selected => Self::redraw_if(self.open(i)),
                    Some(&(_, i)) => self.select(i),
                    None => Action::None,
                }
            }
            MouseEventKind::ScrollDown => self.select(self.selected + 1),
            MouseEventKind::ScrollUp => self.select(self.selected.saturating_sub(1)),
            _ => Action::None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::scenario;
    use crate::source::sim::{SimConfig, Simulator};

    fn timeline(name: &str) -> Timeline {
        let sc = scenario::get(name).unwrap();
        Simulator::run(SimConfig::default(), &sc.ops)
            .unwrap()
            .into_timeline(format!("simulation: {name}"), sc.summary.into())
    }

    fn key(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    #[test]
    fn next_and_previous_keys() {
        let tl = timeline("handshake");
        let mut app = App::new(&tl);
        for k in [
            KeyCode::Right,
            KeyCode::Char(' '),
            KeyCode::Char('n'),
            KeyCode::PageDown,
        ] {
            assert_eq!(app.handle_key(key(k)), Action::Redraw);
        }
        assert_eq!(app.current, 4);
        for k in [
            KeyCode::Left,
            KeyCode::Char('p'),
            KeyCode::Backspace,
            KeyCode::PageUp,
        ] {
            app.handle_key(key(k));
        }
        assert_eq!(app.current, 0);
        // Nothing before the first step.
        assert_eq!(app.handle_key(key(KeyCode::Left)), Action::None);
    }

    #[test]
    fn home_end_and_the_end_stops() {
        let tl = timeline("handshake");
        let mut app = App::new(&tl);
        app.handle_key(key(KeyCode::End));
        assert_eq!(app.current, tl.steps.len() - 1);
        assert_eq!(app.position(), (tl.steps.len(), tl.steps.len()));
        assert_eq!(app.handle_key(key(KeyCode::Right)), Action::None);
        app.handle_key(key(KeyCode::Home));
        assert_eq!(app.current, 0);
        assert_eq!(app.position(), (1, tl.steps.len()));
    }

    #[test]
    fn forward_to_the_end_and_back_visits_every_step() {
        let tl = timeline("time-wait");
        let mut app = App::new(&tl);
        let mut seen = vec![app.current];
        while app.handle_key(key(KeyCode::Right)) == Action::Redraw {
            seen.push(app.current);
        }
        assert_eq!(seen, (0..tl.steps.len()).collect::<Vec<_>>());
        let mut back = vec![app.current];
        while app.handle_key(key(KeyCode::Left)) == Action::Redraw {
            back.push(app.current);
        }
        back.reverse();
        assert_eq!(seen, back);
    }

    #[test]
    fn quit_keys_and_ctrl_c() {
        let tl = timeline("handshake");
        let mut app = App::new(&tl);
        assert_eq!(app.handle_key(key(KeyCode::Char('q'))), Action::Quit);
        assert_eq!(app.handle_key(key(KeyCode::Esc)), Action::Quit);
        let ctrl_c = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
        assert_eq!(app.handle_key(ctrl_c), Action::Quit);
        app.help = true;
        assert_eq!(app.handle_key(ctrl_c), Action::Quit);
        // A release event (Windows) does nothing.
        let mut release = key(KeyCode::Right);
        release.kind = KeyEventKind::Release;
        assert_eq!(app.handle_key(release), Action::None);
    }

    #[test]
    fn help_opens_and_closes_without_quitting() {
        let tl = timeline("handshake");
        let mut app = App::new(&tl);
        app.handle_key(key(KeyCode::Char('?')));
        assert!(app.help);
        assert_eq!(app.handle_key(key(KeyCode::Esc)), Action::Redraw);
        assert!(!app.help);
        app.handle_key(key(KeyCode::Char('?')));
        app.handle_key(key(KeyCode::Right));
        assert!(!app.help);
        assert_eq!(app.current, 1);
    }

    #[test]
    fn autoplay_steps_and_stops_at_the_end() {
        let tl = timeline("handshake");
        let mut app = App::new(&tl);
        assert!(!app.tick(), "no autoplay, no step");
        app.handle_key(key(KeyCode::Char('a')));
        assert!(app.autoplay);
        let mut ticks = 0;
        while app.tick() {
            ticks += 1;
        }
        assert_eq!(ticks, tl.steps.len() - 1);
        assert!(app.at_end());
        assert!(!app.autoplay, "autoplay stops at the last step");
        // Turning it on at the end plays again from the start.
        app.handle_key(key(KeyCode::Char('a')));
        assert!(app.autoplay);
        assert_eq!(app.current, 0);
    }

    #[test]
    fn interval_keys_are_bounded() {
        let tl = timeline("handshake");
        let mut app = App::new(&tl);
        let start = app.interval();
        app.handle_key(key(KeyCode::Char('+')));
        assert!(app.interval() < start);
        for _ in 0..20 {
            app.handle_key(key(KeyCode::Char('+')));
        }
        assert_eq!(app.interval(), Duration::from_millis(250));
        for _ in 0..20 {
            app.handle_key(key(KeyCode::Char('-')));
        }
        assert_eq!(app.interval(), Duration::from_millis(8000));
    }

    #[test]
    fn restart_raw_toggle_and_focus() {
        let tl = timeline("handshake");
        let mut app = App::new(&tl);
        app.handle_key(key(KeyCode::End));
        app.handle_key(key(KeyCode::Char('a')));
        app.handle_key(key(KeyCode::Char('r')));
        assert_eq!(app.current, 0);
        app.handle_key(key(KeyCode::Char('a')));
        app.handle_key(key(KeyCode::Char('r')));
        assert!(!app.autoplay);
        app.handle_key(key(KeyCode::Char('s')));
        assert!(app.raw_seq);
        app.handle_key(key(KeyCode::Char('s')));
        assert!(!app.raw_seq);
        assert_eq!(app.focus, Pane::Ladder);
        for want in [Pane::States, Pane::Layers, Pane::Explain, Pane::Ladder] {
            app.handle_key(key(KeyCode::Tab));
            assert_eq!(app.focus, want);
        }
        assert_eq!(
            app.detail,
            Pane::Explain,
            "the last detail pane is remembered"
        );
        app.handle_key(KeyEvent::new(KeyCode::BackTab, KeyModifiers::SHIFT));
        assert_eq!(app.focus, Pane::Explain);
    }

    #[test]
    fn scrolling_is_clamped_and_reset_by_stepping() {
        let tl = timeline("handshake");
        let mut app = App::new(&tl);
        app.hits.max_scroll = [0, 0, 3, 0];
        app.handle_key(key(KeyCode::Tab));
        app.handle_key(key(KeyCode::Tab));
        assert_eq!(app.focus, Pane::Layers);
        for _ in 0..10 {
            app.handle_key(key(KeyCode::Down));
        }
        assert_eq!(app.scroll[Pane::Layers.index()], 3);
        app.handle_key(key(KeyCode::Up));
        assert_eq!(app.scroll[Pane::Layers.index()], 2);
        app.handle_key(key(KeyCode::Right));
        assert_eq!(app.scroll, [0; 4]);
    }

    #[test]
    fn clicking_a_ladder_row_jumps_to_its_step() {
        let tl = timeline("handshake");
        let mut app = App::new(&tl);
        app.hits.panes = vec![(Pane::Ladder, Rect::new(0, 0, 80, 10))];
        app.hits.ladder_rows = vec![(3, 0), (4, 1), (5, 2)];
        app.hits.ladder_range = (-2, 5);
        let click = MouseEvent {
            kind: MouseEventKind::Down(MouseButton::Left),
            column: 10,
            row: 5,
            modifiers: KeyModifiers::NONE,
        };
        assert_eq!(app.handle_mouse(click), Action::Redraw);
        assert_eq!(app.current, 2);
        let wheel = MouseEvent {
            kind: MouseEventKind::ScrollDown,
            ..click
        };
        app.handle_mouse(wheel);
        assert_eq!(app.ladder_scroll, 1);
    }
}
