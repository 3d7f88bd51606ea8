//! A timeline that grows: the live lab (it drives the connection: "next"
//! at the last step makes its next socket call) and the sniffer (it only
//! listens: the list of connections is refreshed as they come and grow,
//! and the stepper follows new segments while it is on the last one).
//!
//! The lab opens on all its connections at once (the lanes of
//! [`super::lanes`] once there are several); from its second connection
//! on it has a connection list too (Esc), refreshed as connections come,
//! where Enter steps through one and Esc goes back to all of them.
//!
//! The event loop polls the source and hands it to [`App::refresh`];
//! [`advance`] is what [`super::app::Action::Advance`] does.

use super::app::{App, Screen};
use crate::i18n::{msg, text};
use crate::source::Source;
use std::borrow::Cow;

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

impl App<'static> {
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
            app = app.with_list();
        }
        app.refresh(source);
        app
    }
}

impl App<'_> {
    /// Take in a live source's timeline as it is now. The cursor stays
    /// where it is, unless "next" was pressed at the last step (see
    /// [`super::app::StepMode::follow`]): then it moves to the first new
    /// step, so the steps a key press caused are shown one by one.
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
        let lab = self.live.as_ref().is_some_and(|l| l.drives);
        if self.has_list || lab {
            self.conns = source.summaries();
            self.udp_conns = crate::source::udp_summaries(&self.tl);
            if lab && self.list_len() >= 2 {
                // Several connections: a list to pick one from, and the
                // view of all of them to come back to (one connection
                // keeps Esc as quit, as it always was).
                self.has_list = true;
                self.has_all = true;
            }
            self.list.selected = self.list.selected.min(self.list_len().saturating_sub(1));
        }
        // Steps are appended (the last ones may be amended, e.g. with the
        // kernel's states); if the source rewrote its timeline, keep the
        // cursor on a step that exists.
        self.current = self.current.min(self.tl.steps.len().saturating_sub(1));
        if tail && let Some(last) = self.last() {
            self.goto(last);
        }
        if let Some(from) = self.steps.follow
            && self.screen == Screen::Steps
            && let Some(i) = self.visible_steps().into_iter().find(|&i| i >= from)
        {
            self.steps.follow = None;
            if !self.goto(i) {
                // Already there (the very first step of an empty timeline).
                self.steps.scroll = [0; 4];
            }
        }
    }

    /// "Next" at the last step in live mode: from now on, show the first
    /// step that comes (see [`super::app::StepMode::follow`]).
    pub fn expect_new_steps(&mut self) {
        self.steps.follow = Some(if self.visible_steps().is_empty() {
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
}

/// Ask a live source for the next socket call and take in what it did.
/// A call that fails is reported in the status line, not fatal: the lab
/// shows failures (a refused connect) as steps of their own.
pub fn advance(app: &mut App, source: &mut dyn Source) -> anyhow::Result<()> {
    app.expect_new_steps();
    let drives = app.live.as_ref().is_some_and(|l| l.drives);
    let lang = app.lang;
    match source.advance() {
        Ok(true) => {}
        Ok(false) if drives => {
            app.steps.autoplay = false;
            app.steps.follow = None;
            app.message = Some(text(lang, "tui-live-lab-done").into());
        }
        Ok(false) => {
            // The sniffer: the next step shows when it is captured.
            app.steps.autoplay = false;
            app.message = Some(text(lang, "tui-live-sniff-only").into());
        }
        Err(e) => {
            app.steps.autoplay = false;
            app.steps.follow = None;
            app.message = Some(msg!(lang, "tui-live-error", error = format!("{e:#}")));
        }
    }
    let before = app.tl.steps.len();
    source.poll()?;
    app.refresh(source);
    if drives && app.stream.is_some() && app.steps.follow.is_some() && app.tl.steps.len() > before {
        // The call was made on another connection than the one shown:
        // say so, or "next" would seem to do nothing.
        app.message = Some(text(lang, "tui-live-other-connection").into());
    }
    Ok(())
}
