//! The TUI's modes on their own: the connection list and the stepper each
//! take their own keys, and what reaches the other one goes through the
//! app (an `Outcome`), so a key in one never changes the other's state.

use crossterm::event::KeyCode;
use synack::explain::Lang;
use synack::timeline::Timeline;
use synack::view::tui::app::{Action, App, Pane, Screen, StepMode, TuiOptions};
use synack::view::tui::mode::Outcome;

mod common;
use common::{key, render, timeline};

/// Without colour, so nothing depends on NO_COLOR.
fn plain(mut app: App) -> App {
    app.theme.color = false;
    app
}

/// A capture of a simulated scenario, read back as `inspect` reads it.
fn capture_of(name: &str) -> (Timeline, Vec<synack::tcp::tracker::Summary>) {
    use synack::source::capture::{self, ReadOptions};
    let sim = timeline(name);
    let dir = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    // Tests run in parallel: one file each.
    static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = N.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    let path = dir.join(format!("tui-modes-{name}-{}-{n}.pcap", std::process::id()));
    synack::app::export(&sim, &path).unwrap();
    let (tl, report) = capture::timeline(
        &path,
        ReadOptions {
            keep_bytes: true,
            ..Default::default()
        },
    )
    .unwrap();
    std::fs::remove_file(&path).unwrap();
    (tl, report.summaries)
}

#[test]
fn stepping_keys_in_the_list_do_not_reach_the_stepper() {
    let (tl, sums) = capture_of("time-wait");
    let mut app = plain(App::capture(&tl, &sums));
    assert_eq!(app.screen, Screen::List);
    let (raw, present, timed, future) = (app.raw_seq, app.present, app.timed, app.show_future);
    for k in [
        KeyCode::Tab,
        KeyCode::BackTab,
        KeyCode::Left,
        KeyCode::Backspace,
        KeyCode::Char('a'),
        KeyCode::Char('+'),
        KeyCode::Char('s'),
        KeyCode::Char('P'),
        KeyCode::Char('t'),
        KeyCode::Char('v'),
        KeyCode::Char('r'),
    ] {
        assert_eq!(app.handle_key(key(k)), Action::None, "{k:?} in the list");
    }
    assert_eq!(
        app.steps,
        StepMode::default(),
        "the stepper was not touched"
    );
    assert_eq!(
        (app.raw_seq, app.present, app.timed, app.show_future),
        (raw, present, timed, future)
    );
    assert_eq!((app.screen, app.list.selected), (Screen::List, 0));
    // The list's own keys still work.
    assert_eq!(app.handle_key(key(KeyCode::Char('j'))), Action::Redraw);
    assert_eq!(app.list.selected, 1);
    assert_eq!(app.steps, StepMode::default());
}

#[test]
fn list_keys_in_the_stepper_do_not_move_the_selection() {
    let (tl, sums) = capture_of("time-wait");
    let mut app = plain(App::capture(&tl, &sums));
    app.handle_key(key(KeyCode::Enter));
    assert_eq!((app.screen, app.stream), (Screen::Steps, Some(0)));
    let n0 = tl.steps.iter().filter(|s| s.stream == 0).count();
    // End, PageDown, j: in the list they move the selection; here they
    // step or scroll, and the selection stays on the open connection.
    app.handle_key(key(KeyCode::End));
    assert_eq!(app.position(), (n0, n0));
    for k in [
        KeyCode::PageDown,
        KeyCode::Char('j'),
        KeyCode::Down,
        KeyCode::Home,
    ] {
        app.handle_key(key(k));
    }
    assert_eq!(app.position(), (1, n0));
    assert_eq!((app.screen, app.list.selected), (Screen::Steps, 0));
}

#[test]
fn each_mode_handles_keys_on_its_own_and_asks_the_app_to_switch() {
    let (tl, sums) = capture_of("time-wait");
    let mut app = plain(App::capture(&tl, &sums));
    let App {
        shared,
        list,
        steps,
        screen,
    } = &mut app;
    assert_eq!(
        list.key(shared, key(KeyCode::Down)),
        Outcome::Act(Action::Redraw)
    );
    // Opening is the app's to do: the list only asks for it.
    assert_eq!(list.key(shared, key(KeyCode::Enter)), Outcome::Open(1));
    assert_eq!((*screen, shared.stream), (Screen::List, None));
    // Within a capture, Esc and Backspace at the first step ask to go back
    // to the list.
    shared.stream = Some(1);
    shared.current = shared.first().unwrap();
    assert_eq!(steps.key(shared, key(KeyCode::Esc)), Outcome::ToList);
    assert_eq!(steps.key(shared, key(KeyCode::Backspace)), Outcome::ToList);
    assert_eq!(
        steps.key(shared, key(KeyCode::Right)),
        Outcome::Act(Action::Redraw)
    );
    assert_eq!(*screen, Screen::List, "the stepper did not switch screens");

    // A simulation has no list: Esc quits.
    let sim = timeline("handshake");
    let mut app = plain(App::new(&sim));
    let App { shared, steps, .. } = &mut app;
    assert_eq!(
        steps.key(shared, key(KeyCode::Esc)),
        Outcome::Act(Action::Quit)
    );
}

#[test]
fn a_round_trip_through_the_list_comes_back_to_the_same_pane_and_step() {
    let (tl, sums) = capture_of("time-wait");
    let mut app = plain(App::capture(&tl, &sums));
    app.handle_key(key(KeyCode::Enter));
    app.handle_key(key(KeyCode::Right));
    app.handle_key(key(KeyCode::Right));
    app.handle_key(key(KeyCode::Tab));
    let (at, focus) = (app.current, app.steps.focus);
    assert_eq!(focus, Pane::States);
    app.handle_key(key(KeyCode::Esc));
    assert_eq!(app.screen, Screen::List);
    // The other connection, then back to the first one.
    app.handle_key(key(KeyCode::Down));
    app.handle_key(key(KeyCode::Enter));
    assert_eq!(app.stream, Some(1));
    app.handle_key(key(KeyCode::Esc));
    app.handle_key(key(KeyCode::Up));
    app.handle_key(key(KeyCode::Enter));
    assert_eq!((app.stream, app.current), (Some(0), at));
    assert_eq!(app.steps.focus, Pane::States);
}

#[test]
fn the_language_comes_from_the_options() {
    let tl = timeline("handshake");
    let mut app = plain(App::new(&tl));
    app.apply(TuiOptions {
        lang: Lang::Zh,
        ..Default::default()
    });
    assert_eq!(app.lang, Lang::Zh);
    let screen = render(&mut app, 80, 24);
    assert!(screen.contains("时序图"), "{screen}");
    assert!(!screen.contains("Ladder"), "{screen}");
    app.apply(TuiOptions::default());
    let screen = render(&mut app, 80, 24);
    assert!(screen.contains("Ladder"), "{screen}");
}
