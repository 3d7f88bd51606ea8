//! Snapshots of the terminal UI (ratatui's TestBackend, as plain text, no
//! colour): every pane of the stepping view at 80x24 (where the detail
//! panes are tabs) and at 200x60 (all at once), at the first, a middle and
//! the last step of `handshake`; and `inspect` on a capture made from the
//! same simulation, its connection list and its stepping view.
//!
//! Review them in `tests/snapshots/tui_snapshots__tui_*.snap`; regenerate
//! with `INSTA_UPDATE=always cargo test --test tui_snapshots`.

use crossterm::event::KeyCode;
use std::path::PathBuf;
use synack::source::capture::{self, ReadOptions};
use synack::tcp::tracker::Summary;
use synack::timeline::Timeline;
use synack::view::tui::app::{App, Pane, Screen};

mod common;
use common::{key, render, timeline};

fn plain(mut app: App<'_>) -> App<'_> {
    app.theme.color = false;
    app
}

/// Focus `pane` the way a user does, with Tab from the ladder.
fn focus(app: &mut App, pane: Pane) {
    while app.steps.focus != pane {
        app.handle_key(key(KeyCode::Tab));
    }
}

/// Which step: its name in the snapshot and its index among `n`.
type Pick = (&'static str, fn(usize) -> usize);

const STEPS: [Pick; 3] = [("first", |_| 0), ("middle", |n| n / 2), ("last", |n| n - 1)];

#[test]
fn handshake_80x24_each_tab() {
    let tl = timeline("handshake");
    let n = tl.steps.len();
    for (which, at) in STEPS {
        for pane in [Pane::Explain, Pane::States, Pane::Layers] {
            let mut app = plain(App::new(&tl));
            app.goto(at(n));
            focus(&mut app, pane);
            let screen = render(&mut app, 80, 24);
            let name = format!(
                "tui_handshake_80x24_{which}_{}",
                pane.title().to_lowercase()
            );
            insta::assert_snapshot!(name, screen);
        }
    }
}

#[test]
fn handshake_200x60_all_panes() {
    let tl = timeline("handshake");
    let n = tl.steps.len();
    for (which, at) in STEPS {
        let mut app = plain(App::new(&tl));
        app.goto(at(n));
        let screen = render(&mut app, 200, 60);
        for pane in ["Ladder", "States", "Layers", "Explain"] {
            assert!(screen.contains(pane), "{which}: {pane} missing");
        }
        insta::assert_snapshot!(format!("tui_handshake_200x60_{which}"), screen);
    }
}

/// A capture file made from a simulated scenario: exported to a pcap and
/// read back as `inspect` reads it.
pub fn capture_of(name: &str) -> (Timeline, Vec<Summary>) {
    let sim = timeline(name);
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    // Tests run in parallel and may export the same scenario: one file each.
    static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = N.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    let path = dir.join(format!("tui-snap-{name}-{}-{n}.pcap", std::process::id()));
    synack::app::export(&sim, &path).unwrap();
    let (mut tl, report) = capture::timeline(
        &path,
        ReadOptions {
            keep_bytes: true,
            ..Default::default()
        },
    )
    .unwrap();
    std::fs::remove_file(&path).unwrap();
    // The temporary path differs between machines; snapshots must not.
    tl.source = format!("capture: {name}.pcap");
    (tl, report.summaries)
}

#[test]
fn inspect_list_and_steps() {
    let (tl, summaries) = capture_of("handshake");
    assert_eq!(summaries.len(), 1);
    for (w, h) in [(80, 24), (200, 60)] {
        // One connection: it opens at once; Esc shows the list.
        let mut app = plain(App::capture(&tl, &summaries));
        assert_eq!(app.screen, Screen::Steps);
        app.handle_key(key(KeyCode::Esc));
        assert_eq!(app.screen, Screen::List);
        let list = render(&mut app, w, h);
        assert!(list.contains("192.0.2.1:50000"), "{list}");
        insta::assert_snapshot!(format!("tui_inspect_{w}x{h}_list"), list);
        app.handle_key(key(KeyCode::Enter));
        assert_eq!(app.screen, Screen::Steps);
        app.handle_key(key(KeyCode::Right));
        app.handle_key(key(KeyCode::Right));
        let steps = render(&mut app, w, h);
        insta::assert_snapshot!(format!("tui_inspect_{w}x{h}_steps"), steps);
    }
}

#[test]
fn inspect_two_connections_list() {
    let (tl, summaries) = capture_of("time-wait");
    assert_eq!(summaries.len(), 2);
    for (w, h) in [(80, 24), (120, 40)] {
        let mut app = plain(App::capture(&tl, &summaries));
        app.handle_key(key(KeyCode::Down));
        let list = render(&mut app, w, h);
        insta::assert_snapshot!(format!("tui_inspect_time-wait_{w}x{h}_list"), list);
    }
}

/// The stepping view in Chinese (`--lang zh`, or `l`), at 80x24 (each tab)
/// and at 200x60: wide characters must line up with the ladder.
#[test]
fn handshake_in_chinese() {
    let tl = timeline("handshake");
    let n = tl.steps.len();
    for pane in [Pane::Explain, Pane::States, Pane::Layers] {
        let mut app = plain(App::new(&tl));
        app.lang = synack::explain::Lang::Zh;
        app.goto(n / 2);
        focus(&mut app, pane);
        let screen = render(&mut app, 80, 24);
        assert!(screen.contains("客户端"), "{screen}");
        insta::assert_snapshot!(
            format!(
                "tui_zh_handshake_80x24_middle_{}",
                pane.title().to_lowercase()
            ),
            screen
        );
    }
    let mut app = plain(App::new(&tl));
    app.handle_key(key(KeyCode::Char('l')));
    assert_eq!(app.lang, synack::explain::Lang::Zh);
    app.goto(n / 2);
    let screen = render(&mut app, 200, 60);
    for pane in ["时序图", "状态", "分层", "讲解"] {
        assert!(screen.contains(pane), "{pane} missing");
    }
    insta::assert_snapshot!("tui_zh_handshake_200x60_middle", screen);
    app.handle_key(key(KeyCode::Char('?')));
    insta::assert_snapshot!("tui_zh_help_80x24", render(&mut app, 80, 24));
}

#[test]
fn inspect_list_in_chinese() {
    let (tl, summaries) = capture_of("time-wait");
    for (w, h) in [(80, 24), (200, 60)] {
        let mut app = plain(App::capture(&tl, &summaries));
        app.lang = synack::explain::Lang::Zh;
        let list = render(&mut app, w, h);
        assert!(list.contains("握手"), "{list}");
        insta::assert_snapshot!(format!("tui_zh_inspect_{w}x{h}_list"), list);
    }
}
