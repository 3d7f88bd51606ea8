//! The quiz screen (`synack quiz` in a terminal): before each step the
//! ladder stops and a question asks what comes next; the answer reveals the
//! step (the ladder advances to it, highlighted) with right / wrong, the
//! correct answer, the explanation and the running score; at the end, the
//! final score.
//!
//! The questions come from [`crate::view::quiz::questions`], so they are the same
//! as the plain quiz's for the same seed. Steps without a question (timers)
//! are revealed on the way. [`Quiz`] is plain Rust and driven by keys in
//! tests; [`draw`] renders it.

mod draw;

pub use draw::{draw, lines, status_text, title};

use super::app::{Action, App, HitMap};
use crate::explain::Lang;
use crate::timeline::Timeline;
use crate::view::quiz::{Question, questions};
use crossterm::event::{Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::Backend;

/// Where the quiz is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    /// The question is open; the step is not shown yet.
    Asking,
    /// The user chose `chosen`; the step is shown.
    Revealed { chosen: usize },
    /// Every question has been answered: the final score.
    Done,
}

pub struct Quiz<'a> {
    /// The stepping view's state, for the ladder (its `limit`, `pending`
    /// and `current` follow the quiz), the language and the theme.
    pub app: App<'a>,
    pub questions: Vec<Question>,
    /// Index into `questions` of the current one.
    pub index: usize,
    /// The highlighted choice (↑/↓ move it, Enter answers it).
    pub cursor: usize,
    pub phase: Phase,
    /// Answered right so far.
    pub right: usize,
    /// Answered so far.
    pub asked: usize,
    /// Scroll offset of the question panel (long explanations).
    pub scroll: u16,
    pub max_scroll: u16,
    pub stream: Option<u32>,
    pub seed: u64,
}

impl<'a> Quiz<'a> {
    /// A quiz on `tl` (only `stream`'s steps when given), its questions
    /// made with `seed` in `lang`.
    pub fn new(tl: &'a Timeline, stream: Option<u32>, seed: u64, lang: Lang) -> Quiz<'a> {
        let mut app = App::new(tl);
        app.lang = lang;
        app.stream = stream;
        let mut quiz = Quiz {
            app,
            questions: questions(tl, stream, seed, lang),
            index: 0,
            cursor: 0,
            phase: Phase::Asking,
            right: 0,
            asked: 0,
            scroll: 0,
            max_scroll: 0,
            stream,
            seed,
        };
        if quiz.questions.is_empty() {
            quiz.phase = Phase::Done;
        }
        quiz.show();
        quiz
    }

    pub fn lang(&self) -> Lang {
        self.app.lang
    }

    /// The open (or just answered) question; None at the end.
    pub fn question(&self) -> Option<&Question> {
        match self.phase {
            Phase::Done => None,
            _ => self.questions.get(self.index),
        }
    }

    /// Make the ladder show what the phase allows.
    fn show(&mut self) {
        let app = &mut self.app;
        app.steps.reset_view();
        self.scroll = 0;
        let step = self.questions.get(self.index).map(|q| q.step);
        match (self.phase, step) {
            (Phase::Asking, Some(q)) => {
                app.limit = Some(q);
                app.pending = true;
                app.current = app.visible_steps().last().copied().unwrap_or(q);
            }
            (Phase::Revealed { .. }, Some(q)) => {
                app.limit = Some(q + 1);
                app.pending = false;
                app.current = q;
            }
            _ => {
                app.limit = None;
                app.pending = false;
                app.current = app.visible_steps().last().copied().unwrap_or(0);
            }
        }
    }

    /// Answer the open question with choice `choice`; returns whether it
    /// was right (None when no question is open or there is no such choice).
    pub fn answer(&mut self, choice: usize) -> Option<bool> {
        if self.phase != Phase::Asking {
            return None;
        }
        let q = self.questions.get(self.index)?;
        if choice >= q.choices.len() {
            return None;
        }
        let right = choice == q.answer;
        self.asked += 1;
        if right {
            self.right += 1;
        }
        self.cursor = choice;
        self.phase = Phase::Revealed { chosen: choice };
        self.show();
        Some(right)
    }

    /// From an answered question to the next one, or to the final score.
    pub fn next_question(&mut self) -> bool {
        if !matches!(self.phase, Phase::Revealed { .. }) {
            return false;
        }
        self.index += 1;
        self.cursor = 0;
        self.phase = if self.index < self.questions.len() {
            Phase::Asking
        } else {
            Phase::Done
        };
        self.show();
        true
    }

    /// Start again from the first question.
    pub fn restart(&mut self) {
        self.index = 0;
        self.cursor = 0;
        self.right = 0;
        self.asked = 0;
        self.phase = if self.questions.is_empty() {
            Phase::Done
        } else {
            Phase::Asking
        };
        self.show();
    }

    /// The other language: the questions are made again (same seed, so
    /// the same steps, choices and answers, in the other words).
    pub fn toggle_lang(&mut self) {
        let lang = self.app.lang.toggle();
        self.app.lang = lang;
        self.questions = questions(&self.app.tl, self.stream, self.seed, lang);
    }

    /// What a key does. Ctrl-C always quits.
    pub fn handle_key(&mut self, key: KeyEvent) -> Action {
        if key.kind == KeyEventKind::Release {
            return Action::None;
        }
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        if ctrl && matches!(key.code, KeyCode::Char('c') | KeyCode::Char('C')) {
            return Action::Quit;
        }
        if self.app.help {
            match key.code {
                KeyCode::Char('q') => return Action::Quit,
                _ => {
                    self.app.help = false;
                    return Action::Redraw;
                }
            }
        }
        match key.code {
            KeyCode::Char('q') | KeyCode::Esc => return Action::Quit,
            KeyCode::Char('?') | KeyCode::Char('h') | KeyCode::F(1) => {
                self.app.help = true;
                return Action::Redraw;
            }
            KeyCode::Char('l') => {
                self.toggle_lang();
                return Action::Redraw;
            }
            KeyCode::Char('r') => {
                self.restart();
                return Action::Redraw;
            }
            _ => {}
        }
        let n = self.question().map_or(0, |q| q.choices.len());
        let changed = match (self.phase, key.code) {
            (Phase::Asking, KeyCode::Char(c @ 'a'..='d')) => {
                self.answer((c as u8 - b'a') as usize).is_some()
            }
            (Phase::Asking, KeyCode::Char(c @ '1'..='4')) => {
                self.answer((c as u8 - b'1') as usize).is_some()
            }
            (Phase::Asking, KeyCode::Up | KeyCode::Char('k')) => {
                let old = self.cursor;
                self.cursor = self.cursor.saturating_sub(1);
                old != self.cursor
            }
            (Phase::Asking, KeyCode::Down | KeyCode::Char('j')) => {
                let old = self.cursor;
                self.cursor = (self.cursor + 1).min(n.saturating_sub(1));
                old != self.cursor
            }
            (Phase::Asking, KeyCode::Enter | KeyCode::Char(' ')) => {
                self.answer(self.cursor).is_some()
            }
            (
                Phase::Revealed { .. },
                KeyCode::Right
                | KeyCode::Char(' ')
                | KeyCode::Enter
                | KeyCode::Char('n')
                | KeyCode::PageDown,
            ) => self.next_question(),
            (Phase::Revealed { .. } | Phase::Done, KeyCode::Down | KeyCode::Char('j')) => {
                let old = self.scroll;
                self.scroll = (self.scroll + 1).min(self.max_scroll);
                old != self.scroll
            }
            (Phase::Revealed { .. } | Phase::Done, KeyCode::Up | KeyCode::Char('k')) => {
                let old = self.scroll;
                self.scroll = self.scroll.saturating_sub(1);
                old != self.scroll
            }
            _ => false,
        };
        if changed {
            Action::Redraw
        } else {
            Action::None
        }
    }
}

/// Draw, wait for a key, repeat until the user quits.
pub fn event_loop<B: Backend>(terminal: &mut Terminal<B>, quiz: &mut Quiz) -> anyhow::Result<()>
where
    B::Error: Send + Sync + 'static,
{
    let mut dirty = true;
    loop {
        if dirty {
            let mut hits = HitMap::default();
            terminal.draw(|f| hits = draw(f, quiz))?;
            quiz.app.hits = hits;
        }
        // Wake up now and then to notice a terminating signal.
        if super::terminated() {
            return Ok(());
        }
        let Ok(event) = super::next_event(std::time::Duration::from_millis(200)) else {
            // The terminal hung up.
            return Ok(());
        };
        let Some(event) = event else {
            dirty = false;
            continue;
        };
        dirty = match event {
            Event::Key(k) => match quiz.handle_key(k) {
                Action::Quit => return Ok(()),
                Action::None => false,
                _ => true,
            },
            Event::Resize(..) => true,
            _ => false,
        };
    }
}
