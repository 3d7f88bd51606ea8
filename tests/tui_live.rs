//! The terminal UI on live sources, without root: a fake lab that reveals a
//! simulated timeline one socket call per `advance()` (the segments come
//! later, one per `poll()`, as from a sniffer), and a fake sniffer that only
//! listens. Drives the app the way the event loop does.

use crossterm::event::KeyCode;
use std::path::PathBuf;
use synack::source::Source;
use synack::source::capture::{self, ReadOptions};
use synack::tcp::state::State;
use synack::timeline::{States, Timeline};
use synack::view::tui::advance;
use synack::view::tui::app::{Action, App, Screen};

mod common;
use common::fake::Fake;
use common::{key, render, timeline};

/// What the event loop does with an action and after it.
fn settle(app: &mut App, src: &mut Fake, action: Action) {
    if action == Action::Advance {
        advance(app, src).unwrap();
    }
    if src.poll().unwrap() {
        app.refresh(src);
    } else {
        app.refresh_info(src);
    }
}

fn plain(mut app: App<'static>) -> App<'static> {
    app.theme.color = false;
    app
}

#[test]
fn next_at_the_last_step_makes_the_next_call_and_shows_its_steps_one_by_one() {
    let mut src = Fake::lab("handshake");
    let total = src.script.steps.len();
    let mut app = plain(App::live(&src));
    assert_eq!(app.screen, Screen::Steps);
    assert_eq!(app.tl.steps.len(), 0);
    let screen = render(&mut app, 80, 24);
    assert!(screen.contains("No steps yet"), "{screen}");
    assert!(
        screen.contains("NEXT (→ / space): the server calls listen()"),
        "{screen}"
    );
    let mut visited = Vec::new();
    for _ in 0..200 {
        if app.live.as_ref().unwrap().finished && app.at_end() {
            break;
        }
        let action = app.handle_key(key(KeyCode::Right));
        assert_ne!(action, Action::None);
        settle(&mut app, &mut src, action);
        // A few more polls, as time passes between key presses.
        for _ in 0..3 {
            settle(&mut app, &mut src, Action::None);
        }
        if visited.last() != Some(&app.current) {
            visited.push(app.current);
        }
    }
    assert_eq!(
        visited,
        (0..total).collect::<Vec<_>>(),
        "every step is shown, in order, none skipped"
    );
    assert_eq!(app.tl.steps, src.script.steps);
    // At the end: next asks the source, which has nothing left.
    let action = app.handle_key(key(KeyCode::Right));
    assert_eq!(action, Action::Advance);
    settle(&mut app, &mut src, action);
    let screen = render(&mut app, 80, 24);
    assert!(screen.contains("nothing more to do"), "{screen}");
    assert!(screen.contains("run to its end"), "{screen}");
    assert!(
        screen.contains(&format!("step {total}/{total}")),
        "{screen}"
    );
}

#[test]
fn stepping_back_in_live_mode_never_advances() {
    let mut src = Fake::lab("handshake");
    let mut app = plain(App::live(&src));
    for _ in 0..3 {
        let a = app.handle_key(key(KeyCode::Right));
        settle(&mut app, &mut src, a);
    }
    let made = src.shown.steps.len();
    let at = app.current;
    app.handle_key(key(KeyCode::Left));
    assert_eq!(app.current, at - 1);
    // Not at the last step: next only moves the cursor.
    let a = app.handle_key(key(KeyCode::Right));
    assert_eq!(a, Action::Redraw);
    assert_eq!(app.current, at);
    assert_eq!(src.shown.steps.len(), made);
    let screen = render(&mut app, 80, 24);
    assert!(screen.contains("capturing on lo"), "{screen}");
}

#[test]
fn autoplay_in_live_mode_drives_the_lab_to_its_end() {
    let mut src = Fake::lab("handshake");
    let total = src.script.steps.len();
    let mut app = plain(App::live(&src));
    app.handle_key(key(KeyCode::Char('a')));
    assert!(app.steps.autoplay);
    let mut visited = vec![];
    for _ in 0..500 {
        if !app.steps.autoplay {
            break;
        }
        let a = app.tick_action();
        settle(&mut app, &mut src, a);
        if !app.tl.steps.is_empty() && visited.last() != Some(&app.current) {
            visited.push(app.current);
        }
    }
    assert!(!app.steps.autoplay, "autoplay stops when the lab is done");
    assert!(src.finished());
    assert_eq!(visited, (0..total).collect::<Vec<_>>());
}

#[test]
fn the_kernels_view_shows_beside_the_inferred_state() {
    let mut tl = timeline("handshake");
    // Step 4 (the SYN-ACK): the kernel agrees for the server, and for the
    // client it says SYN_SENT where synack inferred ESTABLISHED.
    let syn_ack = 3;
    assert_eq!(tl.steps[syn_ack].after.client, Some(State::Established));
    tl.steps[syn_ack].kernel = Some(States::new(State::SynSent, State::SynReceived));
    let mut app = App::new(&tl);
    app.theme.color = false;
    app.goto(syn_ack);
    for (w, h) in [(80, 24), (200, 60)] {
        let screen = render(&mut app, w, h);
        assert!(
            screen.contains("SYN_SENT → ESTABLISHED  ✗ kernel: SYN_SENT (differs!)"),
            "{w}x{h}\n{screen}"
        );
        assert!(
            screen.contains("SYN_RECEIVED (unchanged)  kernel: SYN_RECEIVED ✓"),
            "{w}x{h}\n{screen}"
        );
        if w == 80 {
            insta::assert_snapshot!("tui_live_80x24_kernel_mismatch", screen);
        }
    }
}

#[test]
fn live_lab_screen_with_the_hint() {
    let mut src = Fake::lab("handshake");
    let mut app = plain(App::live(&src));
    for _ in 0..3 {
        let a = app.handle_key(key(KeyCode::Right));
        settle(&mut app, &mut src, a);
        for _ in 0..3 {
            settle(&mut app, &mut src, Action::None);
        }
    }
    // Listen, connect and its three segments, now at the last one.
    app.handle_key(key(KeyCode::End));
    let screen = render(&mut app, 80, 24);
    assert!(
        screen.contains("NEXT (→ / space): the server calls accept()"),
        "{screen}"
    );
    insta::assert_snapshot!("tui_live_80x24_at_the_end", screen);
    app.handle_key(key(KeyCode::Home));
    let screen = render(&mut app, 80, 24);
    assert!(screen.contains("more already made"), "{screen}");
}

fn capture_of(name: &str) -> Timeline {
    let sim = timeline(name);
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    let path = dir.join(format!("tui-live-{name}-{}.pcap", std::process::id()));
    synack::app::export(&sim, &path).unwrap();
    let (tl, _) = capture::timeline(
        &path,
        ReadOptions {
            keep_bytes: true,
            ..Default::default()
        },
    )
    .unwrap();
    std::fs::remove_file(&path).unwrap();
    tl
}

#[test]
fn sniffing_shows_the_connection_list_as_it_grows() {
    let script = capture_of("time-wait");
    assert_eq!(script.streams.len(), 2);
    let first_len = script.steps.iter().filter(|s| s.stream == 0).count();
    let mut src = Fake::sniffer(script);
    let mut app = plain(App::live(&src));
    assert_eq!(app.screen, Screen::List, "a sniffer opens on the list");
    let screen = render(&mut app, 80, 24);
    assert!(screen.contains("waiting for one"), "{screen}");
    // The first three segments: one connection.
    for _ in 0..3 {
        settle(&mut app, &mut src, Action::None);
    }
    assert_eq!(app.conns.len(), 1);
    assert_eq!(app.conns[0].packets, 3);
    // Open it while it grows. Next at the last step: the sniffer has
    // nothing to drive, so the step to come is shown when it comes.
    app.handle_key(key(KeyCode::Enter));
    assert_eq!((app.screen, app.stream), (Screen::Steps, Some(0)));
    app.handle_key(key(KeyCode::End));
    let a = app.handle_key(key(KeyCode::Right));
    assert_eq!(a, Action::Advance);
    settle(&mut app, &mut src, a);
    let (n, total) = app.position();
    assert_eq!((n, total), (5, 5), "moved to the new steps");
    assert!(
        render(&mut app, 120, 40).contains("sniffing only"),
        "a note says why nothing happened at once"
    );
    // On the last step the sniffer follows new segments, like `tail -f`.
    settle(&mut app, &mut src, Action::None);
    assert_eq!(app.position(), (6, 6), "followed the new segment");
    // Stepping back stops following: growth alone no longer moves it.
    app.handle_key(key(KeyCode::Left));
    app.handle_key(key(KeyCode::Left));
    assert_eq!(app.position().0, 4);
    for _ in 0..50 {
        settle(&mut app, &mut src, Action::None);
    }
    assert_eq!(app.position(), (4, first_len));
    let screen = render(&mut app, 80, 24);
    assert!(screen.contains("stream 0"), "{screen}");
    // Frame numbers in the ladder: the fourth row is frame 4.
    assert!(screen.contains("▶4 FIN_WAIT_1"), "{screen}");
    app.handle_key(key(KeyCode::Esc));
    assert_eq!(app.screen, Screen::List);
    assert_eq!(app.conns.len(), 2);
    let screen = render(&mut app, 80, 24);
    insta::assert_snapshot!("tui_sniff_80x24_list", screen);
    app.handle_key(key(KeyCode::Down));
    app.handle_key(key(KeyCode::Enter));
    assert_eq!(app.stream, Some(1));
    assert_eq!(app.position().0, 1);
    assert!(
        app.visible_steps()
            .iter()
            .all(|&i| app.tl.steps[i].stream == 1)
    );
}

#[test]
fn the_explain_pane_says_what_the_kernel_did_and_why_it_differs() {
    use synack::timeline::{KernelDetail, KernelTransition, Side};
    let mut tl = timeline("handshake");
    let syn = 2;
    tl.steps[syn].kernel = Some(States::new(State::SynSent, State::Listen));
    tl.steps[syn].kernel_detail = Some(Box::new(KernelDetail {
        transitions: vec![KernelTransition {
            side: Side::Server,
            socket: "listener",
            from: Some(State::Listen),
            to: Some(State::Listen),
            t: 0.004213,
        }],
        events: vec!["the kernel retransmitted this SYN/ACK".into()],
        note: Some("Linux leaves the listener in LISTEN".into()),
    }));
    for (lang, heading, line) in [
        (
            synack::explain::Lang::En,
            "The kernel's own changes (tracepoints):",
            "server (listening socket): LISTEN → LISTEN at 0.004213 s",
        ),
        (
            synack::explain::Lang::Zh,
            "内核自身的状态变化（跟踪点）：",
            "服务端（监听套接字）：LISTEN → LISTEN，时间 0.004213 秒",
        ),
    ] {
        let mut app = App::new(&tl);
        app.theme.color = false;
        app.lang = lang;
        app.goto(syn);
        let text: Vec<String> = synack::view::tui::explain::lines(&app, 200)
            .iter()
            .map(|l| l.spans.iter().map(|s| s.content.as_ref()).collect())
            .collect();
        let all = text.join("\n");
        assert!(all.contains(heading), "{all}");
        assert!(all.contains(line), "{all}");
        assert!(all.contains("Linux leaves the listener in LISTEN"), "{all}");
        assert!(all.contains("retransmitted this SYN/ACK"), "{all}");
        // A step without kernel detail has no such section.
        app.goto(0);
        let none: Vec<String> = synack::view::tui::explain::lines(&app, 200)
            .iter()
            .map(|l| l.spans.iter().map(|s| s.content.as_ref()).collect())
            .collect();
        assert!(!none.join("\n").contains(heading));
    }
}
