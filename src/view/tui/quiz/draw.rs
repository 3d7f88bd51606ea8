//! Drawing the quiz screen: the ladder so far, the question panel (the
//! question and its choices, then right / wrong and the explanation) and
//! the status line.

use super::{Phase, Quiz};
use crate::explain;
use crate::i18n::{msg, text};
use crate::view::tui::app::{HitMap, Pane};
use crate::view::tui::explain::step_kind_in;
use crate::view::tui::text::{fit, wrapped};
use crate::view::tui::ui::{self, Mode};
use crate::view::tui::{help, ladder, states};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

/// The quiz's keys for the `?` overlay, in `lang`.
fn keys(lang: crate::explain::Lang) -> [(&'static str, &'static str); 9] {
    [
        ("a b c d / 1 2 3 4", text(lang, "tui-quiz-help-answer")),
        ("↑ ↓  Enter", text(lang, "tui-quiz-help-choose")),
        (
            text(lang, "tui-quiz-help-next-keys"),
            text(lang, "tui-quiz-help-next"),
        ),
        ("↑ ↓", text(lang, "tui-quiz-help-scroll")),
        ("l", text(lang, "tui-quiz-help-language")),
        ("r", text(lang, "tui-quiz-help-again")),
        ("? h F1", text(lang, "tui-quiz-help-help")),
        ("q  Esc", text(lang, "tui-help-quit")),
        ("Ctrl-C", text(lang, "tui-help-quit-always")),
    ]
}

fn letter(i: usize) -> char {
    (b'a' + i as u8) as char
}

/// The question panel's title.
pub fn title(quiz: &Quiz) -> String {
    let l = quiz.lang();
    let (n, total) = (quiz.index + 1, quiz.questions.len());
    let score = format!("{}/{}", quiz.right, quiz.asked);
    match quiz.phase {
        Phase::Done => msg!(l, "tui-quiz-title-done", score = score),
        _ => msg!(l, "tui-quiz-title", n = n, total = total, score = score),
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
            &msg!(l, "tui-quiz-final", right = r, asked = a, pct = pct),
            w,
            "  ",
            t.bold(),
        ));
        out.push(Line::raw(""));
        let verdict = if a == 0 {
            text(l, "tui-quiz-nothing-to-ask").to_string()
        } else if r == a {
            text(l, "tui-quiz-all-right").to_string()
        } else if r * 10 >= a * 7 {
            msg!(l, "tui-quiz-well-done", command = "synack simulate")
        } else {
            text(l, "tui-quiz-try-again").to_string()
        };
        out.extend(wrapped(&verdict, w, "", Style::new()));
        out.push(Line::raw(""));
        out.extend(wrapped(text(l, "tui-quiz-end-keys"), w, "", t.dim()));
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
        out.extend(wrapped(text(l, "tui-quiz-answer-keys"), w, "", t.dim()));
        return out;
    };
    out.push(Line::raw(""));
    let right = chosen == q.answer;
    let answer = format!("{}) {}", letter(q.answer), q.choices[q.answer]);
    let verdict = if right {
        text(l, "tui-quiz-right").to_string()
    } else {
        msg!(l, "tui-quiz-wrong", answer = answer)
    };
    let vstyle = if right {
        t.bold()
    } else {
        t.lost().add_modifier(Modifier::BOLD)
    };
    out.extend(wrapped(&verdict, w, "  ", vstyle));
    let step = &quiz.app.tl.steps[q.step];
    out.extend(wrapped(
        &msg!(
            l,
            "tui-quiz-step",
            n = quiz.app.position().0,
            kind = step_kind_in(step, l)
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
            text(l, "tui-quiz-to-score")
        } else {
            text(l, "tui-quiz-to-next")
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
        Phase::Done => text(l, "tui-quiz-the-end").to_string(),
        _ => msg!(l, "tui-quiz-status-question", n = n, total = total),
    };
    let score = msg!(
        l,
        "tui-quiz-status-score",
        right = quiz.right,
        asked = quiz.asked
    );
    let keys = match quiz.phase {
        Phase::Asking => text(l, "tui-quiz-status-asking"),
        Phase::Revealed { .. } => text(l, "tui-quiz-status-answered"),
        Phase::Done => text(l, "tui-quiz-status-done"),
    };
    let quiz_name = text(l, "tui-quiz-name");
    let full = format!(
        " {} │ {quiz_name} │ {at} │ {score} │ {keys}",
        crate::explain::source_in(&quiz.app.tl.source, l)
    );
    if crate::view::tui::text::width(&full) <= w {
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
        let title = text(app.lang, "tui-quiz-help-title");
        help::render_keys(f, area, app, title, &keys(app.lang), None);
    }
    quiz.max_scroll = max;
    hits
}
