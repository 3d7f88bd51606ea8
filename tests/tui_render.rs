//! Rendering tests of the terminal UI with ratatui's TestBackend, on real
//! simulated timelines.

use crossterm::event::{KeyCode, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::style::Color;
use synack::timeline::Timeline;
use synack::view::tui::app::{Action, App};
use synack::view::tui::ui;

mod common;
use common::{key, render, timeline};

/// The simulation at `step`, with the steps still to come shown too (`v`):
/// these tests are about layout; hiding the future is tested in
/// tests/tui_classroom.rs.
fn app_at(tl: &Timeline, step: usize) -> App<'_> {
    let mut app = App::new(tl);
    app.theme.color = false;
    app.show_future = true;
    app.goto(step);
    app
}

const SIZES: [(u16, u16); 3] = [(80, 24), (120, 40), (200, 60)];

#[test]
fn the_syn_step_shows_its_arrow_and_both_states_at_every_size() {
    let tl = timeline("handshake");
    // Step 3 (index 2) is the first SYN.
    assert!(tl.steps[2].segment.as_ref().unwrap().seg.flags.syn());
    for (w, h) in SIZES {
        let mut app = app_at(&tl, 2);
        let screen = render(&mut app, w, h);
        let row = screen
            .lines()
            .find(|l| l.contains("▶ 3"))
            .unwrap_or_else(|| panic!("{w}x{h}: current row marker missing\n{screen}"));
        assert!(row.contains("[S] seq=0"), "{w}x{h}: {row}");
        assert!(row.contains("──▶│"), "{w}x{h}: arrow to the server: {row}");
        assert!(
            screen.contains("client 192.0.2.1:50000"),
            "{w}x{h}\n{screen}"
        );
        assert!(screen.contains("server 192.0.2.2:80"), "{w}x{h}\n{screen}");
        assert!(screen.contains("SYN_SENT (unchanged)"), "{w}x{h}\n{screen}");
        assert!(
            screen.contains("LISTEN → SYN_RECEIVED"),
            "{w}x{h}\n{screen}"
        );
        assert!(
            screen.contains("rcv SYN / snd SYN,ACK"),
            "{w}x{h}\n{screen}"
        );
        assert!(screen.contains("step 3/21"), "{w}x{h}\n{screen}");
        assert!(screen.contains("The client opens"), "{w}x{h}\n{screen}");
    }
}

#[test]
fn wide_screen_shows_every_pane_at_once() {
    let tl = timeline("handshake");
    let mut app = app_at(&tl, 2);
    let screen = render(&mut app, 200, 60);
    for want in [
        "Ladder",
        " States ",
        " Layers ",
        " Explain ",
        // the state diagram, client marked in SYN_SENT, server in SYN_RECEIVED
        "C[SYN_SENT]",
        "[SYN_RECEIVED]S",
        "[TIME_WAIT]",
        // layers with decoded fields
        "L2 Ethernet II · OSI 2 data link · TCP/IP link",
        "L3 IPv4 · OSI 3 network · TCP/IP internet",
        "L4 TCP · OSI 4 transport",
        "dst MAC 02:00:5e:00:00:02",
        "192.0.2.1 → 192.0.2.2",
        "TTL 64",
        "port 50000 → 80",
        "seq 3141592653 (relative 0)",
        "flags 0x002 [S] = SYN",
        "options: mss 1460",
        "0000  02 00 5e 00 00 02",
        // explain
        "client socket: connect()",
        "simulation: handshake │ step 3/21",
    ] {
        assert!(screen.contains(want), "missing `{want}`\n{screen}");
    }
}

#[test]
fn first_middle_and_last_steps_render_at_every_size() {
    let tl = timeline("handshake");
    let n = tl.steps.len();
    for (w, h) in SIZES {
        for i in [0, n / 2, n - 1] {
            let mut app = app_at(&tl, i);
            let screen = render(&mut app, w, h);
            assert!(
                screen.contains(&format!("step {}/{n}", i + 1)),
                "{w}x{h} step {i}\n{screen}"
            );
            assert!(
                screen.contains(&format!("▶{:>2}", i + 1)),
                "{w}x{h}: current step {i} not in view\n{screen}"
            );
        }
    }
    let mut app = app_at(&tl, n - 1);
    let screen = render(&mut app, 80, 24);
    assert!(screen.contains("TIME_WAIT"), "{screen}");
    assert!(screen.contains("LAST_ACK → CLOSED"), "{screen}");
}

#[test]
fn a_lost_segment_is_drawn_lost() {
    let tl = timeline("syn-lost");
    let lost = tl
        .steps
        .iter()
        .position(|s| s.segment.as_ref().is_some_and(|v| v.lost))
        .expect("syn-lost loses a segment");
    for (w, h) in SIZES {
        let mut app = app_at(&tl, lost);
        let screen = render(&mut app, w, h);
        let row = screen
            .lines()
            .find(|l| l.contains(&format!("▶{:>2}", lost + 1)))
            .unwrap_or_else(|| panic!("{screen}"));
        assert!(row.contains('✕'), "{w}x{h}: {row}");
        assert!(row.contains("LOST"), "{w}x{h}: {row}");
        assert!(
            !row.contains('▶') || row.matches('▶').count() == 1,
            "no arrow head: {row}"
        );
    }
    // The retransmission is marked.
    let rtx = tl
        .steps
        .iter()
        .position(|s| {
            s.segment.as_ref().is_some_and(|v| {
                v.analysis
                    .contains(&synack::timeline::Analysis::Retransmission)
            })
        })
        .expect("a retransmission");
    let mut app = app_at(&tl, rtx);
    let screen = render(&mut app, 120, 40);
    assert!(screen.contains("(retransmission)"), "{screen}");
    // The timer that caused it is on the client's lifeline.
    assert!(screen.contains("⊙ RTO timer fires"), "{screen}");
}

#[test]
fn two_streams_get_a_separator() {
    let tl = timeline("time-wait");
    assert_eq!(tl.streams.len(), 2);
    let mut app = app_at(&tl, tl.steps.len() - 1);
    let screen = render(&mut app, 200, 60);
    assert!(
        screen.contains("── stream 1: 192.0.2.1:50000 ↔ 192.0.2.2:80"),
        "{screen}"
    );
    assert!(screen.contains("TIME_WAIT timer fires"), "{screen}");
}

#[test]
fn raw_sequence_numbers_on_s() {
    let tl = timeline("handshake");
    let mut app = app_at(&tl, 2);
    app.handle_key(key(KeyCode::Char('s')));
    let screen = render(&mut app, 120, 40);
    assert!(screen.contains("[S] seq=3141592653"), "{screen}");
    assert!(screen.contains("seq raw"), "{screen}");
}

#[test]
fn tiny_terminals_get_a_note_and_never_panic() {
    let tl = timeline("handshake");
    for (w, h) in [(59, 24), (80, 14), (40, 10), (20, 5), (1, 1), (0, 0)] {
        let mut app = app_at(&tl, 3);
        let screen = render(&mut app, w, h);
        if w >= 30 && h >= 3 {
            assert!(screen.contains("enlarge"), "{w}x{h}\n{screen}");
        }
    }
    // Every size from tiny to huge, at every step of a busy scenario.
    let tl = timeline("reorder");
    for w in (0..=220).step_by(7) {
        for h in (0..=70).step_by(5) {
            for i in [0, tl.steps.len() / 2, tl.steps.len() - 1] {
                let mut app = app_at(&tl, i);
                app.help = i == 0;
                render(&mut app, w, h);
            }
        }
    }
}

#[test]
fn help_overlay_lists_the_keys() {
    let tl = timeline("handshake");
    let mut app = app_at(&tl, 0);
    app.handle_key(key(KeyCode::Char('?')));
    let screen = render(&mut app, 80, 24);
    for want in ["Keys", "next step", "autoplay", "Ctrl-C", "quit"] {
        assert!(screen.contains(want), "{want}\n{screen}");
    }
}

#[test]
fn tab_switches_the_detail_pane_in_the_compact_layout() {
    let tl = timeline("handshake");
    let mut app = app_at(&tl, 2);
    assert!(render(&mut app, 80, 24).contains("▸Explain"));
    app.handle_key(key(KeyCode::Tab));
    let screen = render(&mut app, 80, 24);
    assert!(screen.contains("▸States"), "{screen}");
    assert!(
        screen.contains("[TIME_WAIT]"),
        "the whole diagram shows at 80x24\n{screen}"
    );
    assert!(screen.contains("[SYN_RECEIVED]S"), "{screen}");
    app.handle_key(key(KeyCode::Tab));
    let screen = render(&mut app, 80, 24);
    assert!(screen.contains("▸Layers"), "{screen}");
    assert!(screen.contains("L2 Ethernet II"), "{screen}");
}

#[test]
fn clicking_a_ladder_row_goes_to_that_step() {
    use crossterm::event::{MouseButton, MouseEvent, MouseEventKind};
    let tl = timeline("handshake");
    let mut app = app_at(&tl, 0);
    let screen = render(&mut app, 120, 40);
    let row = screen
        .lines()
        .position(|l| l.contains("[S.] seq=0 ack=1"))
        .expect("the SYN/ACK row") as u16;
    let click = MouseEvent {
        kind: MouseEventKind::Down(MouseButton::Left),
        column: 30,
        row,
        modifiers: KeyModifiers::NONE,
    };
    app.handle_mouse(click);
    assert_eq!(app.current, 3);
    let screen = render(&mut app, 120, 40);
    assert!(screen.contains("step 4/21"), "{screen}");
}

/// The frame with the ladder pane blanked out, unless the whole ladder
/// fits (200x60); the current step is always in the ladder's view.
fn frame_but_ladder(app: &mut App, w: u16, h: u16) -> String {
    let screen = render(app, w, h);
    assert!(app.hits.ladder_rows.iter().any(|r| r.1 == app.current));
    if (w, h) == (200, 60) {
        return screen;
    }
    let (_, r) = *app
        .hits
        .panes
        .iter()
        .find(|(p, _)| *p == synack::view::tui::app::Pane::Ladder)
        .unwrap();
    let mut out = String::new();
    for (y, line) in screen.lines().enumerate() {
        for (x, c) in line.chars().enumerate() {
            let inside = (r.x..r.x + r.width).contains(&(x as u16))
                && (r.y..r.y + r.height).contains(&(y as u16));
            out.push(if inside { ' ' } else { c });
        }
        out.push('\n');
    }
    out
}

/// Forward to the end and back gives the same frames. Where the whole
/// ladder fits (200x60) the frames are identical; where it does not, the
/// ladder scrolls only when the current step would leave the view, so its
/// rows may sit differently going back: everything else is identical, and
/// the ladder always shows the current step.
#[test]
fn forward_to_the_end_and_back_gives_the_same_frames() {
    let tl = timeline("handshake");
    for (w, h) in SIZES {
        let mut app = app_at(&tl, 0);
        let mut forward = vec![frame_but_ladder(&mut app, w, h)];
        while app.handle_key(key(KeyCode::Right)) == Action::Redraw {
            forward.push(frame_but_ladder(&mut app, w, h));
        }
        assert_eq!(forward.len(), tl.steps.len());
        let mut back = vec![frame_but_ladder(&mut app, w, h)];
        while app.handle_key(key(KeyCode::Left)) == Action::Redraw {
            back.push(frame_but_ladder(&mut app, w, h));
        }
        back.reverse();
        assert_eq!(forward, back, "{w}x{h}");
    }
}

#[test]
fn no_color_means_no_colour() {
    let tl = timeline("handshake");
    let mut app = app_at(&tl, 2);
    let mut term = Terminal::new(TestBackend::new(200, 60)).unwrap();
    term.draw(|f| {
        ui::draw(f, &app);
    })
    .unwrap();
    let buf = term.backend().buffer();
    assert!(
        buf.content()
            .iter()
            .all(|c| c.fg == Color::Reset && c.bg == Color::Reset)
    );
    // With colour the two sides differ.
    app.theme.color = true;
    term.draw(|f| {
        ui::draw(f, &app);
    })
    .unwrap();
    assert!(
        term.backend()
            .buffer()
            .content()
            .iter()
            .any(|c| c.fg == Color::Cyan)
    );
}

/// A capture of a simulated scenario, read back as `inspect` reads it.
fn capture_of(name: &str) -> (Timeline, Vec<synack::tcp::tracker::Summary>) {
    use synack::source::capture::{self, ReadOptions};
    let sim = timeline(name);
    let dir = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    let path = dir.join(format!("tui-render-{name}-{}.pcap", std::process::id()));
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
fn inspect_list_keys_open_a_connection_and_go_back() {
    use synack::view::tui::app::Screen;
    let (tl, sums) = capture_of("time-wait");
    let mut app = App::capture(&tl, &sums);
    app.theme.color = false;
    assert_eq!(app.screen, Screen::List);
    // ↑ at the top and ↓ at the bottom stay put.
    assert_eq!(app.handle_key(key(KeyCode::Up)), Action::None);
    assert_eq!(app.handle_key(key(KeyCode::Down)), Action::Redraw);
    assert_eq!(app.handle_key(key(KeyCode::Down)), Action::None);
    assert_eq!(app.list.selected, 1);
    app.handle_key(key(KeyCode::Home));
    assert_eq!(app.list.selected, 0);
    app.handle_key(key(KeyCode::End));
    assert_eq!(app.list.selected, 1);
    // Enter: only that stream's steps, numbered from 1.
    app.handle_key(key(KeyCode::Enter));
    assert_eq!((app.screen, app.stream), (Screen::Steps, Some(1)));
    let n1 = tl.steps.iter().filter(|s| s.stream == 1).count();
    assert_eq!(app.position(), (1, n1));
    let screen = render(&mut app, 80, 24);
    assert!(screen.contains("Ladder · stream 1 of 2"), "{screen}");
    assert!(!screen.contains("── stream 0"), "only stream 1\n{screen}");
    // Frame numbers: stream 1 starts at frame 8.
    assert!(screen.contains("▶ 8 SYN_SENT"), "{screen}");
    assert!(screen.contains("frame 8"), "{screen}");
    app.handle_key(key(KeyCode::End));
    assert_eq!(app.position(), (n1, n1));
    assert_eq!(app.handle_key(key(KeyCode::Right)), Action::None);
    // Esc goes back to the list, which remembers the selection...
    assert_eq!(app.handle_key(key(KeyCode::Esc)), Action::Redraw);
    assert_eq!(app.screen, Screen::List);
    assert_eq!(app.list.selected, 1);
    // ...and Enter comes back where the connection was left.
    app.handle_key(key(KeyCode::Enter));
    assert_eq!(app.position(), (n1, n1));
    // Backspace steps back; at the first step it goes to the list.
    app.handle_key(key(KeyCode::Home));
    assert_eq!(app.screen, Screen::Steps);
    app.handle_key(key(KeyCode::Right));
    app.handle_key(key(KeyCode::Backspace));
    assert_eq!((app.screen, app.position().0), (Screen::Steps, 1));
    app.handle_key(key(KeyCode::Backspace));
    assert_eq!(app.screen, Screen::List);
    // On the list, Esc and q quit.
    assert_eq!(app.handle_key(key(KeyCode::Esc)), Action::Quit);
    assert_eq!(app.handle_key(key(KeyCode::Char('q'))), Action::Quit);
}

#[test]
fn inspect_forward_to_the_end_and_back_gives_the_same_frames() {
    let (tl, sums) = capture_of("time-wait");
    let mut app = App::capture(&tl, &sums);
    app.theme.color = false;
    app.handle_key(key(KeyCode::Enter));
    let mut forward = vec![render(&mut app, 80, 24)];
    while app.handle_key(key(KeyCode::Right)) == Action::Redraw {
        forward.push(render(&mut app, 80, 24));
    }
    assert_eq!(forward.len(), app.position().1);
    let mut back = vec![render(&mut app, 80, 24)];
    while app.handle_key(key(KeyCode::Left)) == Action::Redraw {
        back.push(render(&mut app, 80, 24));
    }
    back.reverse();
    assert_eq!(forward, back);
    // Autoplay in a connection stops at its last step, not at the file's.
    app.handle_key(key(KeyCode::Char('a')));
    while app.tick() {}
    assert!(!app.steps.autoplay);
    assert_eq!(app.position().0, app.position().1);
    assert_eq!(app.tl.steps[app.current].stream, 0);
}

#[test]
fn clicking_the_list_selects_then_opens() {
    use crossterm::event::{MouseButton, MouseEvent, MouseEventKind};
    use synack::view::tui::app::Screen;
    let (tl, sums) = capture_of("time-wait");
    let mut app = App::capture(&tl, &sums);
    app.theme.color = false;
    let screen = render(&mut app, 120, 40);
    let row = screen
        .lines()
        .position(|l| l.contains("  1  192.0.2.1:50000"))
        .expect("row of stream 1") as u16;
    let click = MouseEvent {
        kind: MouseEventKind::Down(MouseButton::Left),
        column: 10,
        row,
        modifiers: KeyModifiers::NONE,
    };
    app.handle_mouse(click);
    assert_eq!((app.screen, app.list.selected), (Screen::List, 1));
    app.handle_mouse(click);
    assert_eq!((app.screen, app.stream), (Screen::Steps, Some(1)));
}

#[test]
fn an_empty_capture_lists_nothing_and_enter_does_nothing() {
    let tl = Timeline {
        source: "capture: empty.pcap".into(),
        title: String::new(),
        streams: vec![],
        steps: vec![],
    };
    let mut app = App::capture(&tl, &[]);
    for (w, h) in SIZES {
        let screen = render(&mut app, w, h);
        assert!(screen.contains("No TCP connections"), "{screen}");
    }
    assert_eq!(app.handle_key(key(KeyCode::Enter)), Action::None);
    assert_eq!(app.handle_key(key(KeyCode::Down)), Action::None);
}

#[test]
fn l_toggles_the_language_of_explanations_and_labels() {
    let tl = timeline("handshake");
    let mut app = app_at(&tl, 4);
    app.lang = synack::explain::Lang::En;
    let en = render(&mut app, 80, 24);
    assert!(en.contains("Ladder") && en.contains("client"), "{en}");
    assert_eq!(app.handle_key(key(KeyCode::Char('l'))), Action::Redraw);
    let zh = render(&mut app, 80, 24);
    for want in ["时序图", "客户端", "服务端", "讲解", "步骤"] {
        assert!(zh.contains(want), "{want} missing:\n{zh}");
    }
    // Protocol names, flags and states stay as in the RFC.
    assert!(zh.contains("[S.]") && zh.contains("ESTABLISHED"), "{zh}");
    app.handle_key(key(KeyCode::Char('l')));
    assert_eq!(render(&mut app, 80, 24), en);
}

/// The ladder keeps as many steps in view as fit: it scrolls only when the
/// current step would leave the view, forward and back.
#[test]
fn the_ladder_scrolls_only_when_the_step_would_leave_the_view() {
    let tl = timeline("handshake");
    for (w, h) in SIZES {
        let mut app = app_at(&tl, 0);
        render(&mut app, w, h);
        let shown =
            |app: &App| -> Vec<usize> { app.hits.ladder_rows.iter().map(|r| r.1).collect() };
        let mut view = shown(&app);
        assert_eq!(view[0], 0, "{w}x{h}: the first step is at the top");
        let mut steps = vec![];
        while app.handle_key(key(KeyCode::Right)) == Action::Redraw {
            steps.push(app.current);
        }
        while app.handle_key(key(KeyCode::Left)) == Action::Redraw {
            steps.push(app.current);
        }
        let mut app = app_at(&tl, 0);
        render(&mut app, w, h);
        for s in steps {
            app.goto(s);
            render(&mut app, w, h);
            let now = shown(&app);
            assert!(now.contains(&s), "{w}x{h}: step {s} not in view");
            if view.contains(&s) {
                assert_eq!(now, view, "{w}x{h}: scrolled though step {s} was in view");
            } else {
                // Moved just enough: the step is at the edge it came in by.
                assert!(now.first() == Some(&s) || now.last() == Some(&s));
            }
            view = now;
        }
    }
}

#[test]
fn a_nine_step_connection_keeps_its_first_row_at_step_four() {
    // The report: 9 rows, step 4 selected, the first row was hidden.
    let tl = timeline("handshake");
    let mut app = app_at(&tl, 3);
    render(&mut app, 80, 24);
    assert_eq!(app.hits.ladder_rows.first().map(|r| r.1), Some(0));
}

#[test]
fn the_list_never_panics_at_any_size() {
    let (tl, sums) = capture_of("time-wait");
    for w in (0..=220).step_by(9) {
        for h in (0..=70).step_by(6) {
            let mut app = App::capture(&tl, &sums);
            render(&mut app, w, h);
            app.handle_key(key(KeyCode::Enter));
            render(&mut app, w, h);
        }
    }
}

/// A UDP datagram (here, the lab's UDP recording): no state is drawn for
/// it, at any size: the states line says UDP has none.
#[test]
fn a_datagram_shows_that_udp_has_no_states() {
    use synack::source::capture::{self, ReadOptions};
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/captures/live-udp.pcap");
    let (tl, _) = capture::timeline(
        std::path::Path::new(path),
        ReadOptions {
            keep_bytes: true,
            ..Default::default()
        },
    )
    .unwrap();
    assert!(tl.steps.iter().all(|s| s.is_udp()));
    for (w, h) in SIZES {
        let mut app = app_at(&tl, 0);
        let screen = render(&mut app, w, h);
        assert!(
            screen.contains("UDP has no connection states"),
            "{w}x{h}\n{screen}"
        );
        assert!(!screen.contains("UNKNOWN"), "{w}x{h}\n{screen}");
    }
}

/// Calls on a UDP socket (the live lab's, trace's) carry their
/// conversation: with that conversation chosen they are on its ladder, and
/// the connection list counts only the datagrams as packets.
#[test]
fn a_chosen_udp_conversation_shows_its_calls_too() {
    use synack::source::capture::{self, ReadOptions};
    use synack::timeline::{Call, CallResult, StepKind};
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/captures/live-udp.pcap");
    let (mut tl, _) =
        capture::timeline(std::path::Path::new(path), ReadOptions::default()).unwrap();
    // A sendto() call before the first datagram, as the lab records it.
    let mut call = tl.steps[0].clone();
    call.kind = StepKind::Call;
    call.call = Some(Call::SendTo);
    call.call_result = Some(CallResult::Bytes(4));
    if let Some(d) = call.datagram.as_mut() {
        d.frame = 0;
    }
    tl.steps.insert(0, call);
    let rows = capture::udp_summaries(&tl);
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].packets, 3, "datagrams only");
    let mut app = app_at(&tl, 0);
    app.stream = Some(0);
    app.udp = true;
    let screen = render(&mut app, 120, 40);
    assert!(screen.contains("sendto() 4 bytes"), "{screen}");
    assert!(screen.contains("UDP 13 bytes"), "{screen}");
}
