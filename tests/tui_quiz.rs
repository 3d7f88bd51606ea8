//! The quiz screen of the terminal UI: key-driven tests of its state (the
//! score, the answer shown is the truth about the step, timers revealed on
//! the way, the language toggle) and TestBackend snapshots at 80x24 and
//! 200x60: a question, a revealed answer, the final score.
//!
//! Review the snapshots in `tests/snapshots/tui_quiz__*.snap`; regenerate
//! with `INSTA_UPDATE=always cargo test --test tui_quiz`.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use synack::explain::Lang;
use synack::timeline::{StepKind, Timeline, state_name};
use synack::view::tui::app::{Action, HitMap};
use synack::view::tui::quiz::{self, Phase, Quiz};

mod common;
use common::{key, text, timeline};

fn render(quiz: &mut Quiz, w: u16, h: u16) -> String {
    let mut term = Terminal::new(TestBackend::new(w, h)).unwrap();
    let mut hits = HitMap::default();
    term.draw(|f| hits = quiz::draw(f, quiz)).unwrap();
    quiz.app.hits = hits;
    text(term.backend().buffer())
}

fn new_quiz(tl: &Timeline, lang: Lang) -> Quiz<'_> {
    let mut q = Quiz::new(tl, None, 7, lang);
    q.app.theme.color = false;
    q
}

fn letter(i: usize) -> KeyCode {
    KeyCode::Char((b'a' + i as u8) as char)
}

/// The truth about a step, as the choices spell it.
fn truths(tl: &Timeline, step: usize) -> Vec<String> {
    let s = &tl.steps[step];
    match s.kind {
        StepKind::Call => vec![s.call.unwrap().name().to_string()],
        _ => {
            let v = s.segment.as_ref().unwrap();
            vec![
                v.seg.flags.tcpdump(),
                v.ack_rel.to_string(),
                state_name(s.after.get(v.from.other())).to_string(),
            ]
        }
    }
}

#[test]
fn right_and_wrong_answers_keep_score_and_show_the_truth() {
    let tl = timeline("handshake");
    let mut q = new_quiz(&tl, Lang::En);
    let total = q.questions.len();
    assert!(total >= 10);
    assert_eq!(q.phase, Phase::Asking);
    // First question: the right letter.
    let first = q.questions[0].clone();
    assert_eq!(q.handle_key(key(letter(first.answer))), Action::Redraw);
    assert_eq!((q.right, q.asked), (1, 1));
    assert_eq!(
        q.phase,
        Phase::Revealed {
            chosen: first.answer
        }
    );
    // The step is now shown and current.
    assert_eq!(q.app.current, first.step);
    assert!(!q.app.pending);
    // Keys that answer do nothing once answered.
    assert_eq!(q.handle_key(key(KeyCode::Char('a'))), Action::None);
    assert_eq!((q.right, q.asked), (1, 1));
    q.handle_key(key(KeyCode::Right));
    // Second question: a wrong number key.
    let second = q.questions[1].clone();
    assert_eq!(q.phase, Phase::Asking);
    assert!(q.app.pending);
    assert!(
        q.app.visible_steps().iter().all(|&i| i < second.step),
        "the step in question is not shown before the answer"
    );
    let wrong = (second.answer + 1) % second.choices.len();
    q.handle_key(key(KeyCode::Char((b'1' + wrong as u8) as char)));
    assert_eq!((q.right, q.asked), (1, 2));
    let screen = render(&mut q, 80, 24);
    let shown = format!(
        "the answer is {}) {}",
        (b'a' + second.answer as u8) as char,
        second.choices[second.answer]
    );
    assert!(screen.contains(&shown), "{screen}");
    assert!(truths(&tl, second.step).contains(&second.choices[second.answer]));
    assert!(screen.contains("score 1/2"), "{screen}");
    // ↓ and Enter answer too.
    q.handle_key(key(KeyCode::Enter));
    let third = q.questions[2].clone();
    for _ in 0..third.answer {
        q.handle_key(key(KeyCode::Down));
    }
    q.handle_key(key(KeyCode::Enter));
    assert_eq!((q.right, q.asked), (2, 3));
}

#[test]
fn the_whole_quiz_ends_on_the_final_score_and_r_restarts() {
    let tl = timeline("time-wait");
    let mut q = new_quiz(&tl, Lang::En);
    let total = q.questions.len();
    let timer = tl
        .steps
        .iter()
        .position(|s| s.kind == StepKind::Timer)
        .expect("time-wait has the 2MSL timer");
    let mut saw_timer = false;
    while q.phase != Phase::Done {
        let a = q.question().unwrap().answer;
        q.handle_key(key(letter(a)));
        saw_timer |= q.app.visible_steps().contains(&timer);
        q.handle_key(key(KeyCode::Char(' ')));
    }
    assert!(saw_timer, "the timer step is revealed on the way");
    assert_eq!((q.right, q.asked), (total, total));
    // The whole connection is on the ladder at the end.
    assert_eq!(q.app.visible_steps().len(), tl.steps.len());
    let screen = render(&mut q, 80, 24);
    assert!(
        screen.contains(&format!("Final score: {total} of {total} right (100 %)")),
        "{screen}"
    );
    q.handle_key(key(KeyCode::Char('r')));
    assert_eq!(q.phase, Phase::Asking);
    assert_eq!((q.right, q.asked, q.index), (0, 0, 0));
}

#[test]
fn l_switches_language_and_keeps_the_questions() {
    let tl = timeline("handshake");
    let mut q = new_quiz(&tl, Lang::En);
    let en: Vec<_> = q
        .questions
        .iter()
        .map(|x| (x.step, x.choices.clone(), x.answer))
        .collect();
    q.handle_key(key(KeyCode::Char('l')));
    assert_eq!(q.lang(), Lang::Zh);
    let zh: Vec<_> = q
        .questions
        .iter()
        .map(|x| (x.step, x.choices.clone(), x.answer))
        .collect();
    assert_eq!(en, zh);
    let screen = render(&mut q, 80, 24);
    assert!(screen.contains("测验"), "{screen}");
}

#[test]
fn quit_keys_and_ctrl_c() {
    let tl = timeline("handshake");
    let mut q = new_quiz(&tl, Lang::En);
    assert_eq!(q.handle_key(key(KeyCode::Char('q'))), Action::Quit);
    assert_eq!(q.handle_key(key(KeyCode::Esc)), Action::Quit);
    let ctrl_c = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
    assert_eq!(q.handle_key(ctrl_c), Action::Quit);
    q.handle_key(key(KeyCode::Char('?')));
    assert!(q.app.help);
    assert_eq!(q.handle_key(ctrl_c), Action::Quit);
}

#[test]
fn never_panics_at_any_size() {
    let tl = timeline("handshake");
    let mut q = new_quiz(&tl, Lang::Zh);
    for (w, h) in [
        (1, 1),
        (20, 5),
        (59, 14),
        (60, 15),
        (80, 24),
        (120, 40),
        (200, 60),
    ] {
        render(&mut q, w, h);
        q.handle_key(key(KeyCode::Char('b')));
        render(&mut q, w, h);
        q.handle_key(key(KeyCode::Right));
    }
}

/// A question, the answer revealed (a wrong one, so both marks show), and
/// the final score, at both sizes, in English and Chinese.
#[test]
fn snapshots() {
    let tl = timeline("handshake");
    for lang in [Lang::En, Lang::Zh] {
        let tag = match lang {
            Lang::En => "en",
            Lang::Zh => "zh",
        };
        for (w, h) in [(80, 24), (200, 60)] {
            let mut q = new_quiz(&tl, lang);
            // Answer the first three right, to get into the handshake.
            for _ in 0..3 {
                let a = q.question().unwrap().answer;
                q.handle_key(key(letter(a)));
                q.handle_key(key(KeyCode::Enter));
            }
            let asking = render(&mut q, w, h);
            insta::assert_snapshot!(format!("tui_quiz_{tag}_{w}x{h}_question"), asking);
            let qn = q.question().unwrap().clone();
            q.handle_key(key(letter((qn.answer + 1) % qn.choices.len())));
            let revealed = render(&mut q, w, h);
            insta::assert_snapshot!(format!("tui_quiz_{tag}_{w}x{h}_revealed"), revealed);
            while q.phase != Phase::Done {
                if q.phase == Phase::Asking {
                    let a = q.question().unwrap().answer;
                    q.handle_key(key(letter(a)));
                }
                q.handle_key(key(KeyCode::Enter));
            }
            let done = render(&mut q, w, h);
            insta::assert_snapshot!(format!("tui_quiz_{tag}_{w}x{h}_final"), done);
        }
    }
}
