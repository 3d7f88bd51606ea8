//! What every mode of the stepping UI reads and every pane draws from:
//! the timeline and the current step in it, the display options, the
//! overlays and the source behind the timeline. The modes
//! ([`super::mode`]) are lent it with each key; [`App`] derefs to it.

use super::app::{Action, HitMap, Menu, Replay};
use super::file::FileState;
use super::live::LiveInfo;
use super::theme::Theme;
use crate::explain::Lang;
use crate::source::UdpSummary;
use crate::tcp::tracker::Summary;
use crate::timeline::{Step, Timeline};
use crossterm::event::{KeyCode, KeyEvent};
use std::borrow::Cow;

#[cfg(doc)]
use super::app::App;

/// What every mode reads and the panes draw from.
pub struct Shared<'a> {
    /// Borrowed for a finished timeline; owned (and replaced as it grows,
    /// or as a stream is read or a scenario replayed) otherwise.
    pub tl: Cow<'a, Timeline>,
    /// Only this stream's steps are stepped through (None: all of them).
    /// Set by opening a connection from the list.
    pub stream: Option<u32>,
    /// `stream` numbers a UDP conversation, not a TCP connection (tshark
    /// numbers the two apart).
    pub udp: bool,
    /// Index into `tl.steps`.
    pub current: usize,
    /// Quiz: only steps before this index exist yet (None: all).
    pub limit: Option<usize>,
    /// Quiz: a question about the next step is open; the ladder ends in a
    /// "?" row, which is the current one.
    pub pending: bool,
    /// There is a connection list (inspect, sniff, the lab once it has
    /// several connections): Esc in the stepping view goes back to it.
    pub has_list: bool,
    /// The list was reached from a view of all connections at once (the
    /// live lab): Esc in the list goes back to it instead of quitting.
    pub has_all: bool,
    /// The rows of the connection list. Shared, not the list's own: the
    /// sniffer and the file index refresh them on any screen, and the
    /// ladder's title counts them.
    pub conns: Vec<Summary>,
    /// The UDP conversations, listed after the TCP rows of `conns`.
    pub udp_conns: Vec<UdpSummary>,
    /// Number the ladder rows by frame (captures and the sniffer), as
    /// Wireshark's "No." column, instead of by step.
    pub frame_numbers: bool,
    /// The language of the explanations and labels (`l` toggles).
    pub lang: Lang,
    pub theme: Theme,
    /// Show raw sequence numbers instead of relative ones.
    pub raw_seq: bool,
    /// Draw the ladder rows after the current step too (`v` toggles).
    /// Off in the simulation and the live lab, so "what comes next?" is
    /// not answered on the projector before it is asked; on for captures
    /// and the sniffer, whose reader wants the whole connection at once.
    pub show_future: bool,
    /// The presenter layout: ladder and explanation only, large (`P`).
    pub present: bool,
    /// Gaps between rows of the ladder grow with the time between steps
    /// (`t`), so a 1 s RTO or the 60 s of TIME_WAIT show as gaps.
    pub timed: bool,
    pub help: bool,
    pub menu: Option<Menu>,
    /// A one-off note for the status line; the next key clears it.
    pub message: Option<String>,
    pub hits: HitMap,
    /// Set in live mode (the lab, the sniffer).
    pub live: Option<LiveInfo>,
    /// Set for a capture file indexed in the background
    /// ([`App::file`]): the list grows as the index is built, and `tl`
    /// holds the one stream opened last.
    pub file: Option<FileState>,
    /// Set for a simulation: "what if" and the scenario picker.
    pub replay: Option<Replay>,
}

impl<'a> Shared<'a> {
    pub(super) fn new(tl: Cow<'a, Timeline>) -> Shared<'a> {
        Shared {
            tl,
            stream: None,
            udp: false,
            current: 0,
            limit: None,
            pending: false,
            has_list: false,
            has_all: false,
            conns: Vec::new(),
            udp_conns: Vec::new(),
            frame_numbers: false,
            lang: Lang::default(),
            theme: Theme::from_env(),
            raw_seq: false,
            show_future: false,
            present: false,
            timed: false,
            help: false,
            menu: None,
            message: None,
            hits: HitMap::default(),
            live: None,
            file: None,
            replay: None,
        }
    }

    /// The ladder's number for step `i`: the frame number of a segment when
    /// numbering by frame, else its place `n` (1-based) among the steps.
    pub fn row_number(&self, i: usize, n: usize) -> u64 {
        match &self.tl.steps[i].segment {
            Some(v) if self.frame_numbers => v.frame,
            _ => n as u64,
        }
    }

    /// Whether `step` belongs to the connection chosen (any step when
    /// none is).
    pub fn chosen(&self, step: &Step) -> bool {
        match self.stream {
            None => true,
            Some(s) if self.udp => step.is_udp() && step.stream == s,
            Some(s) => step.in_tcp_stream(s),
        }
    }

    /// Rows of the connection list: the TCP connections, then the UDP
    /// conversations.
    pub fn list_len(&self) -> usize {
        self.conns.len() + self.udp_conns.len()
    }

    /// Row `idx` of the list as (is UDP, stream number).
    pub fn list_key(&self, idx: usize) -> Option<(bool, u32)> {
        match self.conns.get(idx) {
            Some(c) => Some((false, c.stream)),
            None => self
                .udp_conns
                .get(idx - self.conns.len())
                .map(|u| (true, u.stream)),
        }
    }

    /// Step indices (into `tl.steps`) the user steps through, in order.
    pub fn visible_steps(&self) -> Vec<usize> {
        let end = self.limit.unwrap_or(usize::MAX).min(self.tl.steps.len());
        (0..end)
            .filter(|&i| self.chosen(&self.tl.steps[i]))
            .collect()
    }

    /// Whether the ladder draws step `i`: every step up to the current
    /// one, and the later ones only when [`Shared::show_future`] is on.
    pub fn revealed(&self, i: usize) -> bool {
        self.show_future || i <= self.current
    }

    pub fn first(&self) -> Option<usize> {
        self.visible_steps().first().copied()
    }

    pub fn last(&self) -> Option<usize> {
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

    /// Live mode and the lab can still drive the connection: "next" at the
    /// last step performs the next socket call.
    pub fn can_advance(&self) -> bool {
        self.live.as_ref().is_some_and(|l| l.drives && !l.finished)
    }

    /// Keys every screen shares; None when `key` is none of them.
    pub(super) fn common_key(&mut self, key: KeyEvent) -> Option<Action> {
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
}
