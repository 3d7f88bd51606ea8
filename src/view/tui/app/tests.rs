use super::*;
use crate::source::scenario;
use crate::source::sim::{SimConfig, Simulator};
use crossterm::event::{MouseButton, MouseEvent};

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
    assert!(app.steps.autoplay);
    let mut ticks = 0;
    while app.tick() {
        ticks += 1;
    }
    assert_eq!(ticks, tl.steps.len() - 1);
    assert!(app.at_end());
    assert!(!app.steps.autoplay, "autoplay stops at the last step");
    // Turning it on at the end plays again from the start.
    app.handle_key(key(KeyCode::Char('a')));
    assert!(app.steps.autoplay);
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
    assert!(!app.steps.autoplay);
    app.handle_key(key(KeyCode::Char('s')));
    assert!(app.raw_seq);
    app.handle_key(key(KeyCode::Char('s')));
    assert!(!app.raw_seq);
    assert_eq!(app.steps.focus, Pane::Ladder);
    for want in [Pane::States, Pane::Layers, Pane::Explain, Pane::Ladder] {
        app.handle_key(key(KeyCode::Tab));
        assert_eq!(app.steps.focus, want);
    }
    assert_eq!(
        app.steps.detail,
        Pane::Explain,
        "the last detail pane is remembered"
    );
    app.handle_key(KeyEvent::new(KeyCode::BackTab, KeyModifiers::SHIFT));
    assert_eq!(app.steps.focus, Pane::Explain);
}

#[test]
fn scrolling_is_clamped_and_reset_by_stepping() {
    let tl = timeline("handshake");
    let mut app = App::new(&tl);
    app.hits.max_scroll = [0, 0, 3, 0];
    app.handle_key(key(KeyCode::Tab));
    app.handle_key(key(KeyCode::Tab));
    assert_eq!(app.steps.focus, Pane::Layers);
    for _ in 0..10 {
        app.handle_key(key(KeyCode::Down));
    }
    assert_eq!(app.steps.scroll[Pane::Layers.index()], 3);
    app.handle_key(key(KeyCode::Up));
    assert_eq!(app.steps.scroll[Pane::Layers.index()], 2);
    app.handle_key(key(KeyCode::Right));
    assert_eq!(app.steps.scroll, [0; 4]);
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
    assert_eq!(app.steps.ladder_scroll, 1);
}
