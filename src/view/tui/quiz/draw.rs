//! Drawing the quiz screen: the ladder so far, the question panel (the
//! question and its choices, then right / wrong and the explanation) and
//! the status line.

use super::{Phase, Quiz};
use crate::explain;
use crate::view::tui::app::{HitMap, Pane};
use crate::view::tui::explain::step_kind_in;
use crate::view::tui::text::{fit, tr, wrapped};
use crate::view::tui::ui::{self, Mode};
use crate::view::tui::{help, ladder, states};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

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
