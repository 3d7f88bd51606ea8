//! The quiz screen (`synack quiz` in a terminal): before each step the
//! ladder stops and a question asks what comes next; the answer reveals the
//! step (the ladder advances to it, highlighted) with right / wrong, the
//! correct answer, the explanation and the running score; at the end, the
//! final score.
//!
//! The questions come from [`crate::quiz::questions`], so they are the same
//! as the plain quiz's for the same seed. Steps without a question (timers)
//! are revealed on the way. [`Quiz`] is plain Rust and driven by keys in
//! tests; [`draw`] renders it.

use super::app::{Action, App, HitMap, Pane};
use super::explain::step_kind_in;
use super::text::{fit, tr, wrapped};
use super::ui::{self, Mode};
use super::{help, ladder, states};
use crate::explain::{self, Lang};
use crate::quiz::{Question, questions};
use crate::timeline::Timeline;
use crossterm::event::{Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use ratatui::Frame;
use ratatui::Terminal;
use ratatui::backend::Backend;
use ratatui::layout::{Constraint, Layout};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

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

/// The quiz's keys for the `?` overlay.
const KEYS: [(&str, &str); 9] = [
    ("a b c d / 1 2 3 4", "answer"),
    ("↑ ↓  Enter", "choose an answer, give it"),
    ("→  space  Enter", "next question"),
    ("↑ ↓", "after an answer: scroll the explanation"),
    ("l", "language (English / 中文)"),
    ("r", "start the quiz again"),
    ("? h F1", "this help (any key closes it)"),
    ("q  Esc", "quit"),
    ("Ctrl-C", "quit, always"),
];

const KEYS_ZH: [(&str, &str); 9] = [
    ("a b c d / 1 2 3 4", "作答"),
    ("↑ ↓  Enter", "选择答案、提交"),
    ("→  空格  Enter", "下一题"),
    ("↑ ↓", "作答后：滚动讲解"),
    ("l", "切换语言（English / 中文）"),
    ("r", "重新开始测验"),
    ("? h F1", "本帮助（任意键关闭）"),
    ("q  Esc", "退出"),
    ("Ctrl-C", "退出（任何时候）"),
];

fn letter(i: usize) -> char {
    (b'a' + i as u8) as char
}

/// The question panel's title.
pub fn title(quiz: &Quiz) -> String {
    let l = quiz.lang();
    let (n, total) = (quiz.index + 1, quiz.questions.len());
    let score = format!("{}/{}", quiz.right, quiz.asked);
    match quiz.phase {
        Phase::Done => tr(
            l,
            format!("Quiz · final score {score}"),
            format!("测验 · 最终得分 {score}"),
        ),
        _ => tr(
            l,
            format!("Quiz · question {n} of {total} · score {score}"),
            format!("测验 · 第 {n} 题，共 {total} 题 · 得分 {score}"),
        ),
    }
}

/// All the lines of the question panel for a width of `w`.
pub fn lines(quiz: &Quiz, w: usize) -> Vec<Line<'static>> {
    let t = &quiz.app.theme;
    let l = quiz.lang();
    let mut out: Vec<Line<'static>> = Vec::new();
    let Some(q) = quiz.question() else {
        let (r, a) = (quiz.right, quiz.asked);
        let pct = (r * 100).checked_div(a).unwrap_or(0);
        out.extend(wrapped(
            &tr(
                l,
                format!("Final score: {r} of {a} right ({pct} %)."),
                format!("最终得分：{a} 题中答对 {r} 题（{pct}%）。"),
            ),
            w,
            "  ",
            t.bold(),
        ));
        out.push(Line::raw(""));
        let verdict = if a == 0 {
            tr(
                l,
                "There was nothing to ask about in this connection.",
                "这个连接里没有可以提问的步骤。",
            )
        } else if r == a {
            tr(
                l,
                "Every answer right: you know how TCP opens and closes a connection.",
                "全部答对：你已经掌握了 TCP 如何建立和关闭连接。",
            )
        } else if r * 10 >= a * 7 {
            tr(
                l,
                "Well done. Step through the ones you missed with `synack simulate`.",
                "做得不错。可以用 `synack simulate` 逐步查看答错的步骤。",
            )
        } else {
            tr(
                l,
                "Step through the connection again (the ladder above shows all of it), then try again with r.",
                "再逐步看一遍这个连接（上面的时序图显示了全部步骤），然后按 r 重新测验。",
            )
        };
        out.extend(wrapped(verdict, w, "", Style::new()));
        out.push(Line::raw(""));
        out.extend(wrapped(
            tr(l, "r: play again · q: quit", "r：再来一次 · q：退出"),
            w,
            "",
            t.dim(),
        ));
        return out;
    };
    out.extend(wrapped(&q.prompt, w, "", t.bold()));
    let revealed = match quiz.phase {
        Phase::Revealed { chosen } => Some(chosen),
        _ => None,
    };
    for (i, c) in q.choices.iter().enumerate() {
        let (mark, style) = match revealed {
            None if i == quiz.cursor => ("▶", t.current()),
            None => (" ", Style::new()),
            Some(_) if i == q.answer => ("✓", t.bold()),
            Some(ch) if ch == i => ("✗", t.lost()),
            Some(_) => (" ", t.dim()),
        };
        let text = format!("{mark} {}) {c}", letter(i));
        out.push(Line::styled(
            if revealed.is_none() && i == quiz.cursor {
                fit(&text, w.min(40))
            } else {
                text
            },
            style,
        ));
    }
    let Some(chosen) = revealed else {
        out.extend(wrapped(
            tr(
                l,
                "a–d or 1–4 answers; ↑↓ and Enter too",
                "按 a–d 或 1–4 作答；也可以用 ↑↓ 和 Enter",
            ),
            w,
            "",
            t.dim(),
        ));
        return out;
    };
    out.push(Line::raw(""));
    let right = chosen == q.answer;
    let answer = format!("{}) {}", letter(q.answer), q.choices[q.answer]);
    let verdict = if right {
        tr(l, "✓ Right!".to_string(), "✓ 答对了！".to_string())
    } else {
        tr(
            l,
            format!("✗ Wrong: the answer is {answer}"),
            format!("✗ 答错了：正确答案是 {answer}"),
        )
    };
    let vstyle = if right {
        t.bold()
    } else {
        t.lost().add_modifier(Modifier::BOLD)
    };
    out.extend(wrapped(&verdict, w, "  ", vstyle));
    let step = &quiz.app.tl.steps[q.step];
    out.extend(wrapped(
        &tr(
            l,
            format!("Step {}: {}", quiz.app.position().0, step_kind_in(step, l)),
            format!("第 {} 步：{}", quiz.app.position().0, step_kind_in(step, l)),
        ),
        w,
        "  ",
        t.side(step.side),
    ));
    out.extend(wrapped(&explain::explain_in(step, l), w, "", Style::new()));
    out.push(Line::raw(""));
    let last = quiz.index + 1 >= quiz.questions.len();
    out.extend(wrapped(
        if last {
            tr(
                l,
                "→ / space / Enter: the final score",
                "→ / 空格 / Enter：最终得分",
            )
        } else {
            tr(
                l,
                "→ / space / Enter: next question",
                "→ / 空格 / Enter：下一题",
            )
        },
        w,
        "",
        t.dim(),
    ));
    out
}

/// The status line: source, question n/N, score, keys.
pub fn status_text(quiz: &Quiz, w: usize) -> String {
    let l = quiz.lang();
    let (n, total) = (quiz.index + 1, quiz.questions.len());
    let at = match quiz.phase {
        Phase::Done => tr(l, "the end".to_string(), "结束".to_string()),
        _ => tr(
            l,
            format!("question {n}/{total}"),
            format!("第 {n}/{total} 题"),
        ),
    };
    let score = tr(
        l,
        format!("score {}/{}", quiz.right, quiz.asked),
        format!("得分 {}/{}", quiz.right, quiz.asked),
    );
    let keys = match quiz.phase {
        Phase::Asking => tr(
            l,
            "a–d answer  ↑↓ Enter  l 中文  ? help  q quit",
            "a–d 作答  ↑↓ Enter  l English  ? 帮助  q 退出",
        ),
        Phase::Revealed { .. } => tr(
            l,
            "→ next  ↑↓ scroll  l 中文  ? help  q quit",
            "→ 下一题  ↑↓ 滚动  l English  ? 帮助  q 退出",
        ),
        Phase::Done => tr(
            l,
            "r again  l 中文  q quit",
            "r 再来一次  l English  q 退出",
        ),
    };
    let quiz_name = tr(l, "quiz", "测验");
    let full = format!(
        " {} │ {quiz_name} │ {at} │ {score} │ {keys}",
        crate::explain::source_in(&quiz.app.tl.source, l)
    );
    if super::text::width(&full) <= w {
        return fit(&full, w);
    }
    fit(&format!(" {at} │ {score} │ {keys}"), w)
}

/// Draw the quiz screen; returns where things went.
pub fn draw(f: &mut Frame, quiz: &mut Quiz) -> HitMap {
    let area = f.area();
    let mut hits = HitMap::default();
    let app = &quiz.app;
    let m = ui::mode(area);
    if m == Mode::TooSmall {
        ui::too_small(f, area, app);
        return hits;
    }
    let [main, status_area] =
        Layout::vertical([Constraint::Fill(1), Constraint::Length(1)]).areas(area);
    let (lad, panel, st) = match m {
        Mode::Wide | Mode::Medium => {
            let pct = if m == Mode::Wide { 45 } else { 55 };
            let left_w = (main.width * pct / 100).clamp(60, 100);
            let [left, right] =
                Layout::horizontal([Constraint::Length(left_w), Constraint::Fill(1)]).areas(main);
            // The state diagram too, once something has happened (before
            // that it would give the first answer away).
            let shows_states = m == Mode::Wide && (!app.visible_steps().is_empty() || !app.pending);
            if shows_states {
                let w = right.width.saturating_sub(2) as usize;
                let need = (lines(quiz, w).len() as u16 + 2).max(12);
                let need = need.min(right.height.saturating_sub(19));
                let [p, s] =
                    Layout::vertical([Constraint::Length(need), Constraint::Fill(1)]).areas(right);
                (left, p, Some(s))
            } else {
                (left, right, None)
            }
        }
        _ => {
            let w = main.width.saturating_sub(2) as usize;
            let need = lines(quiz, w).len() as u16 + 2;
            let max = main.height.saturating_sub(7).max(6);
            let [lad, panel] =
                Layout::vertical([Constraint::Fill(1), Constraint::Length(need.min(max))])
                    .areas(main);
            (lad, panel, None)
        }
    };
    let app = &quiz.app;
    hits.panes.push((Pane::Ladder, lad));
    ladder::render(f, lad, app, &mut hits, &ui::ladder_title(app));
    if let Some(s) = st {
        let title = Pane::States.title_in(app.lang);
        states::render(f, s, app, &mut hits, title);
    }
    let block = Block::bordered()
        .title(Span::styled(
            format!("[ {} ]", title(quiz)),
            app.theme.title(),
        ))
        .border_style(app.theme.focus_border());
    let inner = block.inner(panel);
    f.render_widget(block, panel);
    let all = lines(quiz, inner.width as usize);
    let max = all.len().saturating_sub(inner.height as usize) as u16;
    f.render_widget(Paragraph::new(all).scroll((quiz.scroll.min(max), 0)), inner);
    f.render_widget(
        Paragraph::new(Line::raw(status_text(quiz, status_area.width as usize)))
            .style(Style::new().add_modifier(Modifier::REVERSED)),
        status_area,
    );
    if app.help {
        let (title, keys) = tr(
            app.lang,
            (" Quiz keys (any key closes) ", &KEYS[..]),
            (" 测验按键（任意键关闭） ", &KEYS_ZH[..]),
        );
        help::render_keys(f, area, app, title, keys, None);
    }
    quiz.max_scroll = max;
    hits
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
