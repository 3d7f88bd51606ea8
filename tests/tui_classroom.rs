//! The classroom defects of the terminal UI (issue 16), each checked on a
//! TestBackend screen: what a teacher on a projector and a student alone
//! ran into.

use crossterm::event::KeyCode;
use std::path::PathBuf;
use synack::source::capture::{self, ReadOptions};
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
    // A capture of one connection opens on it: Esc shows the list.
    app.handle_key(key(KeyCode::Esc));
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
                synack::timeline::segment::TcpOption::WindowScale { shift } => Some(*shift),
                _ => None,
            })
        })
        .expect("Linux offers window scaling on loopback");
    let mut app = plain(App::capture(&tl, &summaries));
    app.handle_key(key(KeyCode::Enter));
    app.goto(i);
    app.steps.focus = Pane::Layers;
    app.steps.detail = Pane::Layers;
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

/// The simulation as `synack simulate NAME` starts it on a terminal: with
/// the simulator's way in, so "what if" and the picker work.
fn simulation(name: &str, opts: synack::view::tui::app::TuiOptions) -> App<'static> {
    use synack::view::tui::app::Replay;
    let cfg = synack::source::sim::SimConfig::default();
    let (tl, sent) =
        synack::source::scenario::run(name, cfg.clone(), synack::explain::Lang::En).unwrap();
    let tl: &'static Timeline = Box::leak(Box::new(tl));
    let mut app = plain(App::new(tl)).with_replay(Replay {
        scenario: name.into(),
        cfg,
        run: |name, cfg| {
            synack::source::scenario::run(name, cfg.clone(), synack::explain::Lang::En)
        },
        sent,
    });
    app.apply(opts);
    app
}

#[test]
fn pace_autoplays_space_pauses_and_resumes_and_stepping_back_pauses() {
    use synack::view::tui::app::TuiOptions;
    let mut app = simulation(
        "handshake",
        TuiOptions {
            pace: Some(2.0),
            present: false,
            ..Default::default()
        },
    );
    assert!(app.steps.autoplay, "--pace starts autoplay");
    assert_eq!(app.interval(), std::time::Duration::from_secs(2));
    assert_eq!(app.tick_action(), Action::Redraw);
    assert_eq!(app.current, 1);
    // Space pauses (it does not step) and resumes.
    app.handle_key(key(KeyCode::Char(' ')));
    assert!(!app.steps.autoplay && app.steps.paused);
    assert_eq!(app.current, 1);
    app.steps.countdown = None;
    let screen = render(&mut app, 120, 40);
    assert!(screen.contains("paused (space resumes)"), "{screen}");
    app.handle_key(key(KeyCode::Char(' ')));
    assert!(app.steps.autoplay && !app.steps.paused);
    // The countdown the event loop sets is shown.
    app.steps.countdown = Some(std::time::Duration::from_millis(1400));
    let screen = render(&mut app, 120, 40);
    assert!(screen.contains("next in 1.4 s"), "{screen}");
    // Stepping back pauses.
    app.handle_key(key(KeyCode::Left));
    assert!(!app.steps.autoplay && app.steps.paused);
    assert_eq!(app.current, 0);
    // Without --pace, space steps as always.
    let tl = timeline("handshake");
    let mut app = plain(App::new(&tl));
    app.handle_key(key(KeyCode::Char(' ')));
    assert_eq!(app.current, 1);
    assert!(!app.steps.autoplay);
}

#[test]
fn the_presenter_layout_shows_large_states_the_ladder_and_the_explanation_only() {
    use synack::view::tui::app::TuiOptions;
    for (w, h) in [(80, 24), (120, 40), (200, 60)] {
        let mut app = simulation(
            "handshake",
            TuiOptions {
                pace: None,
                present: true,
                ..Default::default()
            },
        );
        app.goto(3); // the SYN/ACK: the client becomes ESTABLISHED
        let screen = render(&mut app, w, h);
        assert!(
            screen.contains("client: SYN_SENT → ESTABLISHED"),
            "{w}x{h}\n{screen}"
        );
        // The large letters are drawn with block characters.
        let blocks = screen.chars().filter(|c| ('▀'..='▟').contains(c)).count();
        assert!(blocks > 40, "{w}x{h}: no large state names\n{screen}");
        assert!(screen.contains("[S.] seq=0 ack=1"), "{w}x{h}\n{screen}");
        assert!(screen.contains("connect() returns"), "{w}x{h}\n{screen}");
        // No layers, no state diagram, no tabs.
        assert!(
            !screen.contains("Layers") && !screen.contains("(Tab)"),
            "{w}x{h}\n{screen}"
        );
        // P goes back to the normal layout.
        app.handle_key(key(KeyCode::Char('P')));
        let screen = render(&mut app, w, h);
        assert!(
            screen.contains("(Tab)") || screen.contains("Layers"),
            "{w}x{h}\n{screen}"
        );
    }
}

#[test]
fn what_if_in_the_tui_replays_the_scenario_with_the_segment_lost() {
    let mut app = simulation("handshake", Default::default());
    app.goto(2); // the SYN
    assert_eq!(app.handle_key(key(KeyCode::Char('x'))), Action::Redraw);
    let screen = render(&mut app, 120, 40);
    assert!(screen.contains("What if this SYN segment"), "{screen}");
    app.handle_key(key(KeyCode::Char('1')));
    assert!(app.menu.is_none());
    let v = app.tl.steps[2].segment.as_ref().unwrap();
    assert!(v.lost && v.seg.flags.syn(), "the SYN is lost now");
    assert_eq!(app.current, 2);
    // The client's retransmission follows: a timer, then the SYN again.
    assert!(app.tl.steps[3].timer.is_some());
    assert!(app.tl.source.contains("what if"), "{}", app.tl.source);
    // What if on a call step says to choose a segment.
    app.goto(1);
    app.handle_key(key(KeyCode::Char('x')));
    app.handle_key(key(KeyCode::Char('1')));
    let screen = render(&mut app, 120, 40);
    assert!(screen.contains("choose a segment"), "{screen}");
}

#[test]
fn the_picker_swaps_the_scenario_without_quitting() {
    let mut app = simulation("handshake", Default::default());
    app.goto(5);
    app.handle_key(key(KeyCode::Char('c')));
    let screen = render(&mut app, 120, 40);
    assert!(screen.contains("three-way-close"), "{screen}");
    let at = synack::source::scenario::NAMES
        .iter()
        .position(|n| *n == "refused")
        .unwrap();
    for _ in 0..at {
        app.handle_key(key(KeyCode::Down));
    }
    assert_eq!(app.handle_key(key(KeyCode::Enter)), Action::Redraw);
    assert_eq!(app.tl.source, "simulation: refused");
    assert_eq!(app.current, 0);
    assert!(
        app.tl
            .steps
            .iter()
            .any(|s| s.segment.as_ref().is_some_and(|v| v.seg.flags.rst()))
    );
}

#[test]
fn the_timed_ladder_shows_long_gaps_as_gaps() {
    assert_eq!(synack::view::tui::ladder::gap_rows_for(0.010), 0);
    let rto = synack::view::tui::ladder::gap_rows_for(1.0);
    let msl = synack::view::tui::ladder::gap_rows_for(60.0);
    assert!(0 < rto && rto < msl, "{rto} {msl}");
    let tl = timeline("syn-lost");
    let mut app = plain(App::new(&tl));
    app.show_future = true;
    let plain_rows = {
        render(&mut app, 120, 60);
        app.hits.ladder_rows.len()
    };
    app.handle_key(key(KeyCode::Char('t')));
    let screen = render(&mut app, 120, 60);
    assert!(screen.contains("s later"), "{screen}");
    // The same steps, more rows between them.
    assert_eq!(app.hits.ladder_rows.len(), plain_rows);
    let first = app.hits.ladder_rows.first().unwrap().0;
    let last = app.hits.ladder_rows.last().unwrap().0;
    assert!((last - first) as usize > plain_rows, "{screen}");
}

#[test]
fn what_if_on_the_command_line() {
    let base = common::ndjson(&["simulate", "handshake", "--json"]);
    let syn = base
        .iter()
        .position(|s| s["flags"] == serde_json::json!(["SYN"]))
        .unwrap();
    let step = (syn + 1).to_string();
    let lost = common::ndjson(&["simulate", "handshake", "--json", "--drop", &step]);
    assert_eq!(lost[syn]["lost"], true);
    assert_eq!(lost[syn + 1]["kind"], "timer");
    assert_eq!(
        lost[syn + 2]["analysis"],
        serde_json::json!(["retransmission"])
    );
    let dup = common::ndjson(&["simulate", "handshake", "--json", "--duplicate", &step]);
    assert_eq!(dup[syn]["flags"], dup[syn + 1]["flags"]);
    assert_eq!(dup[syn]["seq_raw"], dup[syn + 1]["seq_raw"]);
    let late = common::ndjson(&[
        "simulate",
        "handshake",
        "--json",
        "--delay",
        &format!("{step}:500"),
    ]);
    let t = |v: &serde_json::Value| v["time"].as_f64().unwrap();
    assert!((t(&late[syn]) - t(&base[syn]) - 0.5).abs() < 1e-6);
    // A call step is not a segment: one clear line, exit 1.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_synack"))
        .args(["simulate", "handshake", "--plain", "--drop", "1"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("not a segment"), "{err}");
    // A pace out of range is a usage error.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_synack"))
        .args(["simulate", "--pace", "0", "--plain"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

/// The cells of `buf` whose text is `needle`, in the first row it is in.
fn cells_of(buf: &ratatui::buffer::Buffer, needle: &str) -> Vec<ratatui::buffer::Cell> {
    let a = buf.area;
    for y in 0..a.height {
        let row: String = (0..a.width)
            .map(|x| buf[(x, y)].symbol().to_string())
            .collect();
        if let Some(at) = row.find(needle) {
            let x0 = row[..at].chars().count() as u16;
            return (x0..x0 + needle.chars().count() as u16)
                .map(|x| buf[(x, y)].clone())
                .collect();
        }
    }
    Vec::new()
}

fn draw(app: &mut App, w: u16, h: u16) -> ratatui::buffer::Buffer {
    let mut term = ratatui::Terminal::new(ratatui::backend::TestBackend::new(w, h)).unwrap();
    let mut hits = Default::default();
    term.draw(|f| hits = synack::view::tui::ui::draw(f, app))
        .unwrap();
    app.hits = hits;
    term.backend().buffer().clone()
}

#[test]
fn an_rst_underlines_its_edge_in_the_state_diagram() {
    use ratatui::style::Modifier;
    let tl = timeline("abort");
    let i = tl
        .steps
        .iter()
        .position(|s| s.segment.as_ref().is_some_and(|v| v.seg.flags.rst()))
        .unwrap();
    let mut app = plain(App::new(&tl));
    app.goto(i);
    let buf = draw(&mut app, 200, 60);
    let cells = cells_of(&buf, "rcv RST ─▶ CLOSED");
    assert!(!cells.is_empty(), "{}", common::text(&buf));
    assert!(
        cells[..7]
            .iter()
            .all(|c| c.modifier.contains(Modifier::UNDERLINED)),
        "the server's rcv RST edge is not underlined"
    );
    let abort = cells_of(&buf, "ABORT ─▶ snd RST");
    assert!(abort[0].modifier.is_empty() || !abort[0].modifier.contains(Modifier::UNDERLINED));
}

#[test]
fn arrows_are_coloured_by_flag_and_an_rst_is_heavy_without_colour_too() {
    use ratatui::style::Color;
    let tl = timeline("abort");
    let mut app = App::new(&tl);
    app.theme.color = true;
    app.show_future = true;
    let buf = draw(&mut app, 200, 60);
    let fg = |needle: &str| cells_of(&buf, needle).first().map(|c| c.fg);
    assert_eq!(fg("[S] seq=0"), Some(Color::LightBlue), "SYN");
    assert_eq!(fg("[R.] seq="), Some(Color::LightRed), "RST");
    // Both directions of plain ACKs look the same: colour is the flag's,
    // not the sender's.
    assert_eq!(fg("[.] seq=1 ack=1"), Some(Color::Reset));
    // Without colour the RST is still told apart: a heavy line.
    app.theme.color = false;
    let screen = render(&mut app, 200, 60);
    let rst = screen.lines().find(|l| l.contains("[R.]")).unwrap();
    assert!(rst.contains('━'), "{rst}");
    let syn = screen.lines().find(|l| l.contains("[S] seq=0")).unwrap();
    assert!(!syn.contains('━'), "{syn}");
}

/// The live lab in a real terminal (tmux), as a teacher starts it: needs
/// root (the raw socket) and tmux.
#[test]
fn the_live_lab_counts_calls_in_its_hint_and_hides_what_is_to_come() {
    if synack::source::kernel::sniffer::RawSocket::open("lo").is_err() {
        eprintln!("SKIP: the live lab needs CAP_NET_RAW (run as root)");
        return;
    }
    if std::process::Command::new("tmux")
        .arg("-V")
        .output()
        .is_err()
    {
        eprintln!("SKIP: tmux is not installed");
        return;
    }
    let session = format!("synack-classroom-{}", std::process::id());
    let tmux = |args: &[&str]| {
        std::process::Command::new("tmux")
            .args(args)
            .output()
            .expect("tmux")
    };
    let cmd = format!("{} live", env!("CARGO_BIN_EXE_synack"));
    tmux(&[
        "new-session",
        "-d",
        "-s",
        &session,
        "-x",
        "120",
        "-y",
        "40",
        &cmd,
    ]);
    let screen = || {
        String::from_utf8_lossy(&tmux(&["capture-pane", "-p", "-t", &session]).stdout).to_string()
    };
    let wait_for = |what: &str| {
        for _ in 0..100 {
            let s = screen();
            if s.contains(what) {
                return s;
            }
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        screen()
    };
    let first = wait_for("next call (1 of");
    let (mut called, mut after) = (String::new(), String::new());
    if first.contains("next call (1 of") {
        // listen(), then connect(): the SYN, SYN/ACK and ACK are captured
        // at once, but shown one → at a time.
        tmux(&["send-keys", "-t", &session, "Right"]);
        wait_for("next call (2 of");
        tmux(&["send-keys", "-t", &session, "Right"]);
        called = wait_for("Step 2 of 5");
        tmux(&["send-keys", "-t", &session, "Right"]);
        after = wait_for("[S]");
    }
    tmux(&["send-keys", "-t", &session, "q"]);
    std::thread::sleep(std::time::Duration::from_millis(300));
    tmux(&["kill-session", "-t", &session]);
    assert!(first.contains("next call (1 of"), "{first}");
    assert!(
        !first.contains("step 1/"),
        "one step counter only:\n{first}"
    );
    // connect() was made: its call is shown, the segments it caused are
    // not, until → shows them one by one.
    assert!(called.contains("● connect()"), "{called}");
    assert!(
        !called.contains("[S]"),
        "the SYN is shown before its step:\n{called}"
    );
    assert!(after.contains("[S]"), "{after}");
    assert!(
        !after.contains("[S.]"),
        "the SYN/ACK is shown before its step:\n{after}"
    );
}

#[test]
fn every_key_of_the_help_shows_at_80x24() {
    let tl = timeline("handshake");
    let (cap, summaries) = sample("sim-handshake.pcap");
    let apps = [
        ("simulation", simulation("handshake", Default::default())),
        ("capture", plain(App::capture(&cap, &summaries))),
        ("plain timeline", plain(App::new(&tl))),
    ];
    for (what, mut app) in apps {
        for lang in [synack::explain::Lang::En, synack::explain::Lang::Zh] {
            app.lang = lang;
            app.help = true;
            let screen = render(&mut app, 80, 24);
            assert!(screen.contains("Ctrl-C"), "{what} {lang:?}\n{screen}");
            assert!(screen.contains("? h F1"), "{what} {lang:?}\n{screen}");
        }
    }
}
