//! The classroom defects of the terminal UI (issue 16), each checked on a
//! TestBackend screen: what a teacher on a projector and a student alone
//! ran into.

use crossterm::event::KeyCode;
use std::path::PathBuf;
use synack::capture::{self, ReadOptions};
use synack::timeline::Timeline;
use synack::view::tui::app::{Action, App, Pane};

mod common;
use common::{key, render, timeline};

fn plain(mut app: App<'_>) -> App<'_> {
    app.theme.color = false;
    app
}

/// A sample capture of the repository, read as `inspect` reads it.
fn sample(name: &str) -> (Timeline, Vec<synack::tcp::tracker::Summary>) {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("captures")
        .join(name);
    let (tl, report) = capture::timeline(
        &path,
        ReadOptions {
            keep_bytes: true,
            ..Default::default()
        },
    )
    .unwrap();
    (tl, report.summaries)
}

/// The ladder rows on screen: (screen row, step index).
fn ladder_steps(app: &App) -> Vec<usize> {
    app.hits.ladder_rows.iter().map(|r| r.1).collect()
}

#[test]
fn the_simulation_hides_the_steps_still_to_come_and_v_shows_them() {
    let tl = timeline("handshake");
    let mut app = plain(App::new(&tl));
    app.goto(2);
    let screen = render(&mut app, 120, 40);
    assert_eq!(ladder_steps(&app), [0, 1, 2], "{screen}");
    assert!(screen.contains("[S] seq=0"), "{screen}");
    assert!(
        !screen.contains("[S.]"),
        "the SYN/ACK of step 4 is visible before it happens:\n{screen}"
    );
    // Stepping reveals one row at a time.
    assert_eq!(app.handle_key(key(KeyCode::Right)), Action::Redraw);
    let screen = render(&mut app, 120, 40);
    assert_eq!(ladder_steps(&app), [0, 1, 2, 3]);
    assert!(screen.contains("[S.]"), "{screen}");
    // v shows everything, v again hides the rest.
    assert_eq!(app.handle_key(key(KeyCode::Char('v'))), Action::Redraw);
    render(&mut app, 200, 60);
    assert_eq!(ladder_steps(&app).len(), tl.steps.len());
    app.handle_key(key(KeyCode::Char('v')));
    render(&mut app, 200, 60);
    assert_eq!(ladder_steps(&app), [0, 1, 2, 3]);
}

#[test]
fn a_capture_shows_the_whole_connection() {
    let (tl, summaries) = sample("sim-handshake.pcap");
    let mut app = plain(App::capture(&tl, &summaries));
    app.handle_key(key(KeyCode::Enter));
    render(&mut app, 200, 60);
    let n = tl.steps.iter().filter(|s| s.stream == 0).count();
    assert_eq!(ladder_steps(&app).len(), n);
}

/// Every word of `text` is on the screen, in order (so a line that wraps
/// still counts, one that is cut does not).
fn words_in_order(screen: &str, text: &str) -> Result<(), String> {
    let flat: String = screen
        .lines()
        .map(|l| l.replace(['│', '┃'], " "))
        .collect::<Vec<_>>()
        .join(" ");
    let mut at = 0;
    for w in text.split_whitespace() {
        match flat[at..].find(w) {
            Some(p) => at += p + w.len(),
            None => return Err(format!("{w:?} of {text:?} is not on the screen")),
        }
    }
    Ok(())
}

#[test]
fn the_explain_pane_wraps_instead_of_cutting_in_both_languages() {
    for lang in [synack::explain::Lang::En, synack::explain::Lang::Zh] {
        for name in ["handshake", "reorder", "half-close"] {
            let tl = timeline(name);
            for i in 0..tl.steps.len() {
                let mut app = plain(App::new(&tl));
                app.lang = lang;
                app.goto(i);
                // The explain pane is shown beside the ladder at 120x40.
                let screen = render(&mut app, 120, 40);
                let calls = synack::explain::side_calls_in(&tl.steps[i], lang);
                for call in calls.iter().flatten() {
                    if let Err(e) = words_in_order(&screen, call) {
                        panic!("{name} step {} ({lang:?}): {e}\n{screen}", i + 1);
                    }
                }
            }
        }
    }
}

#[test]
fn the_node_line_appears_only_when_there_is_an_event() {
    let tl = timeline("handshake");
    let mut with = 0;
    for i in 0..tl.steps.len() {
        let mut app = plain(App::new(&tl));
        app.goto(i);
        let screen = render(&mut app, 200, 60);
        assert!(!screen.contains("Node.js: —"), "step {}\n{screen}", i + 1);
        let events = synack::explain::node_events(&tl.steps[i]);
        for e in events.iter().flatten() {
            with += 1;
            assert!(
                screen.contains(&format!("Node.js: {e}")),
                "step {}: {e}\n{screen}",
                i + 1
            );
        }
    }
    assert!(with > 0, "no step of the handshake has a Node.js event");
}

#[test]
fn the_help_lists_only_keys_of_this_mode_and_no_legend_as_a_key() {
    let tl = timeline("handshake");
    let mut app = plain(App::new(&tl));
    app.handle_key(key(KeyCode::Char('?')));
    let screen = render(&mut app, 120, 40);
    assert!(screen.contains("show / hide the steps"), "{screen}");
    assert!(!screen.contains("connection list"), "{screen}");
    assert!(!screen.contains("C / S"), "{screen}");
    assert!(screen.contains("C marks the client"), "{screen}");

    let (tl, summaries) = sample("sim-handshake.pcap");
    let mut app = plain(App::capture(&tl, &summaries));
    app.handle_key(key(KeyCode::Char('?')));
    let screen = render(&mut app, 120, 40);
    assert!(screen.contains("connection list"), "{screen}");
}

#[test]
fn scrolling_the_ladder_never_hides_the_current_row() {
    let tl = timeline("time-wait");
    for (w, h) in [(80, 24), (120, 40)] {
        for start in [0, tl.steps.len() / 2, tl.steps.len() - 1] {
            for down in [true, false] {
                let mut app = plain(App::new(&tl));
                app.show_future = true;
                app.goto(start);
                render(&mut app, w, h);
                for _ in 0..60 {
                    app.handle_key(key(if down { KeyCode::Down } else { KeyCode::Up }));
                    render(&mut app, w, h);
                    assert!(
                        ladder_steps(&app).contains(&app.current),
                        "{w}x{h} from step {start}: the current row scrolled away"
                    );
                }
            }
        }
    }
}

#[test]
fn a_loopback_round_trip_is_shown_in_microseconds() {
    let (tl, summaries) = sample("live-default.pcap");
    let rtt = summaries[0]
        .handshake_rtt
        .expect("the lab's handshake has an RTT");
    assert!(rtt < 0.001, "loopback RTT {rtt}");
    let mut app = plain(App::capture(&tl, &summaries));
    let screen = render(&mut app, 120, 40);
    assert!(screen.contains(" µs)"), "{screen}");
    assert!(!screen.contains("RTT 0.000 s"), "{screen}");
}

#[test]
fn a_scaled_window_is_shown_in_bytes_too() {
    let (tl, summaries) = sample("live-default.pcap");
    // The first segment after the handshake: its window is scaled by the
    // shift of its sender's SYN.
    let i = tl
        .steps
        .iter()
        .position(|s| s.segment.as_ref().is_some_and(|v| v.len > 0))
        .unwrap();
    let v = tl.steps[i].segment.as_ref().unwrap();
    let shift = tl
        .steps
        .iter()
        .filter_map(|s| s.segment.as_ref())
        .find(|s| s.seg.flags.syn() && s.from == v.from)
        .and_then(|s| {
            s.seg.options.iter().find_map(|o| match o {
                synack::tcp::segment::TcpOption::WindowScale { shift } => Some(*shift),
                _ => None,
            })
        })
        .expect("Linux offers window scaling on loopback");
    let mut app = plain(App::capture(&tl, &summaries));
    app.handle_key(key(KeyCode::Enter));
    app.goto(i);
    app.focus = Pane::Layers;
    app.detail = Pane::Layers;
    let screen = render(&mut app, 200, 60);
    let want = format!(
        "window {} (× {} = {} bytes)",
        v.seg.win,
        1u32 << shift,
        u32::from(v.seg.win) << shift
    );
    assert!(screen.contains(&want), "{want}\n{screen}");
}

#[test]
fn an_edge_with_no_reply_says_so() {
    let tl = timeline("handshake");
    // The server's SYN_RECEIVED → ESTABLISHED on the third segment.
    let i = tl
        .steps
        .iter()
        .position(|s| s.after.server == Some(synack::tcp::state::State::Established))
        .unwrap();
    let mut app = plain(App::new(&tl));
    app.goto(i);
    let screen = render(&mut app, 200, 60);
    assert!(screen.contains("rcv ACK of SYN / no reply"), "{screen}");
    assert!(!screen.contains("/ x"), "{screen}");
}

#[test]
fn an_unknown_scenario_is_a_usage_error() {
    for cmd in [["simulate", "nosuch"], ["quiz", "nosuch"]] {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_synack"))
            .args(cmd)
            .arg("--plain")
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{cmd:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("no scenario `nosuch`"), "{err}");
        assert!(err.contains("three-way-close"), "{err}");
    }
}
