//! Several connections at once in the terminal UI: one server's clients on
//! one ladder (a lifeline per client endpoint and the server's), the
//! states table of every connection, the connection list of the live lab
//! (Enter steps through one connection, Esc goes back to all of them), and
//! UDP conversations in the connection list of a capture file.
//!
//! The timelines are made here: three simulated `handshake` runs from
//! three client ports to one server, interleaved in time as the lab's
//! `chat` script interleaves its clients (calls included), and the same
//! segments written to a pcap and read back by the capture reader (the
//! real tracker numbering them). UDP datagrams are built with etherparse
//! into a pcap of their own beside a TCP connection.

use crossterm::event::KeyCode;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;
use std::sync::mpsc::channel;
use synack::explain::Lang;
use synack::source::capture::{self, ReadOptions};
use synack::source::{SimConfig, Source};
use synack::tcp::state::State;
use synack::timeline::{Call, Timeline, state_name};
use synack::view::tui::advance;
use synack::view::tui::app::{Action, App, Pane, Screen};
use synack::view::tui::file::{IndexMsg, index_into};

mod common;
use common::fake::Fake;
use common::{key, render};

const SERVER: &str = "127.0.0.1:8080";
const PORTS: [u16; 3] = [40001, 40002, 40003];

/// Three clients of one server, as the lab's `chat` makes them: each runs
/// `handshake` (connect, a line each way, close), started 15 ms after the
/// one before, so their steps interleave; the server listens once.
fn chat() -> Timeline {
    let server: SocketAddr = SERVER.parse().unwrap();
    let mut steps = Vec::new();
    let mut streams = Vec::new();
    for (k, port) in PORTS.iter().enumerate() {
        let cfg = SimConfig {
            client: SocketAddr::new(server.ip(), *port),
            server,
            ..SimConfig::default()
        };
        let tl = synack::source::scenario::timeline("handshake", cfg, Lang::En).unwrap();
        streams.push(tl.streams[0]);
        for mut s in tl.steps {
            if k > 0 && s.call == Some(Call::Listen) {
                continue;
            }
            s.stream = k as u32;
            s.time += 0.015 * k as f64;
            steps.push(s);
        }
    }
    // Stable: each connection's own steps keep their order.
    steps.sort_by(|a, b| a.time.total_cmp(&b.time));
    let mut frame = 0;
    for s in &mut steps {
        if let Some(v) = s.segment.as_mut() {
            frame += 1;
            v.frame = frame;
        }
    }
    Timeline {
        source: "live lab".into(),
        title: String::new(),
        streams,
        steps,
    }
}

/// A file in the tests' scratch directory, one per call.
fn scratch(name: &str) -> PathBuf {
    static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = N.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("tui-lanes-{name}-{}-{n}.pcap", std::process::id()))
}

/// The chat's segments written to a pcap and read back as `inspect` does.
fn chat_capture() -> Timeline {
    let path = scratch("chat");
    synack::app::export(&chat(), &path).unwrap();
    let (mut tl, _) = capture::timeline(
        &path,
        ReadOptions {
            keep_bytes: true,
            ..Default::default()
        },
    )
    .unwrap();
    std::fs::remove_file(&path).unwrap();
    tl.source = "capture: chat.pcap".into();
    tl
}

fn plain(mut app: App<'_>) -> App<'_> {
    app.theme.color = false;
    app
}

/// The screen's lines, as characters (every character of a ladder is one
/// column wide, so a char index is a column).
fn lines(screen: &str) -> Vec<Vec<char>> {
    screen.lines().map(|l| l.chars().collect()).collect()
}

/// Where each client lane's lifeline is: the column its label starts at in
/// the header (`client 2 :40002`, `c2 :40002` or, on two header lines,
/// `client 2` / `c2` over the address).
fn lane_columns(screen: &[Vec<char>], header_y: usize) -> Vec<usize> {
    let row: String = screen[header_y].iter().collect();
    (1..=PORTS.len())
        .map(|n| {
            let at = row
                .find(&format!("client {n} "))
                .or_else(|| row.find(&format!("c{n} ")))
                .unwrap_or_else(|| panic!("no label of client {n} in {row:?}"));
            row[..at].chars().count()
        })
        .collect()
}

/// Check every segment row of the ladder on screen: its arrow starts right
/// beside its own client's lifeline and ends at the server's, crossing the
/// client lanes between (`┼`) and leaving those before it alone (`│`).
/// Returns how many rows were checked.
fn arrows_in_their_lanes(app: &App, screen: &str) -> usize {
    let scr = lines(screen);
    let rows = &app.hits.ladder_rows;
    let first = rows.first().expect("ladder rows on screen").0 as usize;
    // The header is the line (or two) right above the first row.
    let header_y = (first.saturating_sub(2)..first)
        .find(|&y| scr[y].iter().collect::<String>().contains(":40001"))
        .map(|y| {
            let s: String = scr[y].iter().collect();
            if s.contains("c1") || s.contains("client 1") {
                y
            } else {
                y - 1
            }
        })
        .expect("a header naming the clients");
    let x = lane_columns(&scr, header_y);
    let mut checked = 0;
    for &(y, i) in rows {
        let step = &app.tl.steps[i];
        let Some(v) = step.segment.as_ref() else {
            continue;
        };
        let row = &scr[y as usize];
        let k = step.stream as usize;
        let text: String = row.iter().collect();
        assert_eq!(
            row[x[k]],
            '│',
            "lifeline of client {} at row {text:?}",
            k + 1
        );
        let start = row[x[k] + 1];
        let want = if v.from == synack::timeline::Side::Client {
            '─'
        } else {
            '◀'
        };
        assert!(
            start == want || (v.seg.flags.rst() && start == '━'),
            "row {text:?}: the arrow of client {} starts at its lane ({start:?})",
            k + 1
        );
        for (j, &xj) in x.iter().enumerate() {
            let c = row[xj];
            if j < k {
                assert_eq!(c, '│', "row {text:?}: lane {} is not crossed", j + 1);
            } else if j > k {
                assert!(
                    c == '┼' || c == '╋' || !"│─".contains(c),
                    "row {text:?}: lane {} is crossed ({c:?})",
                    j + 1
                );
            }
        }
        // The arrow ends at the server's lifeline: `▶│` or `─│`.
        let server = text
            .find("▶│")
            .or_else(|| text.find("─│"))
            .map(|b| text[..b].chars().count() + 1);
        let server = server.unwrap_or_else(|| panic!("row {text:?}: no server lifeline"));
        assert!(server > *x.last().unwrap(), "row {text:?}");
        checked += 1;
    }
    checked
}

/// The states each connection is in after step `at`: (stream, client,
/// server) for every connection begun by then.
fn states_at(tl: &Timeline, at: usize) -> Vec<(u32, Option<State>, Option<State>)> {
    let mut out: Vec<(u32, Option<State>, Option<State>)> = Vec::new();
    for s in &tl.steps[..=at] {
        match out.iter_mut().find(|(n, ..)| *n == s.stream) {
            Some(r) => (r.1, r.2) = (s.after.client, s.after.server),
            None => out.push((s.stream, s.after.client, s.after.server)),
        }
    }
    out.sort_by_key(|r| r.0);
    out
}

/// The states table's row of `stream` on `screen`, from its marker on
/// (at 200x60 the ladder is on the same screen line, left of it).
fn table_row(screen: &str, stream: u32) -> Option<String> {
    let n = stream + 1;
    let port = PORTS[stream as usize];
    screen.lines().find_map(|l| {
        let at = [format!("client {n} :{port}  "), format!("c{n} :{port}  ")]
            .iter()
            .find_map(|label| l.find(label.as_str()))?;
        let start = l[..at].chars().count().checked_sub(5)?;
        let row: String = l.chars().skip(start).collect();
        row.contains(&format!(" {stream}  ")).then_some(row)
    })
}

#[test]
fn one_server_and_three_clients_share_one_ladder() {
    let tl = chat();
    assert_eq!(tl.streams.len(), 3);
    // Well into the story: all three connected, one of them closing.
    let at = tl
        .steps
        .iter()
        .position(|s| s.stream == 0 && s.call == Some(Call::Close))
        .unwrap();
    for (w, h) in [(80, 24), (200, 60)] {
        let mut app = plain(App::new(&tl));
        app.goto(at);
        let screen = render(&mut app, w, h);
        // A lifeline per client endpoint, named with its port, and the
        // server's.
        for (n, port) in PORTS.iter().enumerate() {
            let n = n + 1;
            assert!(
                screen.contains(&format!("client {n} :{port}"))
                    || screen.contains(&format!("c{n} :{port}")),
                "{w}x{h}: client {n}\n{screen}"
            );
        }
        assert!(
            screen.contains("server 127.0.0.1:8080"),
            "{w}x{h}\n{screen}"
        );
        assert!(
            !screen.contains("── stream"),
            "one ladder, no blocks\n{screen}"
        );
        let checked = arrows_in_their_lanes(&app, &screen);
        assert!(checked >= 3, "{w}x{h}: {checked} arrows\n{screen}");
        // Calls on their caller's lane; the server's name the connection.
        assert!(screen.contains("● close()"), "{screen}");
        if w == 200 {
            assert!(screen.contains("● accept() → client "), "{screen}");
            // All four panes; the states pane has the table of every
            // connection begun, the current one's row marked.
            for pane in ["Ladder", "States", "Layers", "Explain"] {
                assert!(screen.contains(pane), "{pane} missing\n{screen}");
            }
        }
        insta::assert_snapshot!(format!("tui_lanes_chat_{w}x{h}"), screen);
    }
}

#[test]
fn the_states_pane_lists_every_connection_at_the_current_step() {
    let tl = chat();
    for at in [5, tl.steps.len() / 2, tl.steps.len() - 1] {
        for (w, h) in [(80, 24), (200, 60)] {
            let mut app = plain(App::new(&tl));
            app.goto(at);
            while w == 80 && app.steps.focus != Pane::States {
                app.handle_key(key(KeyCode::Tab));
            }
            let screen = render(&mut app, w, h);
            let want = states_at(&tl, at);
            assert!(screen.contains("connection"), "{w}x{h}\n{screen}");
            for (stream, client, server) in &want {
                let row = table_row(&screen, *stream)
                    .unwrap_or_else(|| panic!("{w}x{h} step {at}: no row {stream}\n{screen}"));
                let short = |s: Option<State>| synack::view::tui::ladder::short_state(s);
                for (side, st) in [("client", client), ("server", server)] {
                    assert!(
                        row.contains(state_name(*st)) || row.contains(short(*st)),
                        "{w}x{h} step {at}: {side} of {stream} is {}: {row}",
                        state_name(*st)
                    );
                }
                let here = *stream == tl.steps[at].stream;
                assert_eq!(row.starts_with('▶'), here, "{row}");
            }
            // Connections not begun yet have no row.
            for n in want.len() as u32..3 {
                assert!(table_row(&screen, n).is_none(), "{screen}");
            }
        }
    }
}

#[test]
fn a_capture_of_one_servers_clients_is_drawn_in_lanes_too() {
    let tl = chat_capture();
    assert_eq!(tl.streams.len(), 3, "the tracker finds three connections");
    let mut app = plain(App::new(&tl));
    app.show_future = true;
    app.frame_numbers = true;
    app.goto(tl.steps.len() / 2);
    for (w, h) in [(80, 24), (120, 40), (200, 60)] {
        let screen = render(&mut app, w, h);
        assert!(
            arrows_in_their_lanes(&app, &screen) >= 5,
            "{w}x{h}\n{screen}"
        );
    }
}

#[test]
fn connections_to_different_servers_keep_their_blocks() {
    // Two connections to two servers: one block each, as before.
    let mut tl = chat();
    tl.streams[1].server = "127.0.0.1:9090".parse().unwrap();
    let mut app = plain(App::new(&tl));
    app.show_future = true;
    let screen = render(&mut app, 120, 40);
    assert!(
        screen.contains("── stream 0: 127.0.0.1:40001 ↔ 127.0.0.1:8080"),
        "{screen}"
    );
    assert!(
        !screen.contains("c1 :40001") && !screen.contains("client 1 :40001"),
        "{screen}"
    );
    assert!(
        !screen.contains("connection  "),
        "no states table\n{screen}"
    );
}

/// What the event loop does with an action, then a few polls.
fn settle(app: &mut App, src: &mut Fake, action: Action) {
    if action == Action::Advance {
        advance(app, src).unwrap();
    }
    for _ in 0..4 {
        if src.poll().unwrap() {
            app.refresh(src);
        } else {
            app.refresh_info(src);
        }
    }
}

/// Press → until `done` holds (at most 300 times).
fn next_until(app: &mut App, src: &mut Fake, done: impl Fn(&App) -> bool) {
    for _ in 0..300 {
        if done(app) {
            return;
        }
        let a = app.handle_key(key(KeyCode::Right));
        settle(app, src, a);
    }
    panic!("never got there");
}

#[test]
fn the_lab_gets_a_connection_list_once_it_has_two_connections() {
    let mut src = Fake::new(chat(), true);
    let mut app = plain(App::live(&src));
    // One connection: Esc still quits, as in every lab script so far.
    next_until(&mut app, &mut src, |a| !a.tl.steps.is_empty());
    assert!(!app.has_list);
    assert_eq!(app.handle_key(key(KeyCode::Esc)), Action::Quit);
    next_until(&mut app, &mut src, |a| a.conns.len() == 2);
    assert!(app.has_list);
    let all = render(&mut app, 80, 24);
    assert!(all.contains("all 2 connections (Esc: list)"), "{all}");
    assert!(
        all.contains("c2 :40002") || all.contains("client 2 :40002"),
        "{all}"
    );

    // Esc: the list, refreshed as the lab goes on.
    app.handle_key(key(KeyCode::Esc));
    assert_eq!(app.screen, Screen::List);
    let list = render(&mut app, 80, 24);
    assert!(list.contains("[ Connections: 2 ]"), "{list}");
    assert!(list.contains("Esc all"), "{list}");
    let packets = app.conns[1].packets;
    settle(&mut app, &mut src, Action::None);
    let a = app.handle_key(key(KeyCode::Esc));
    assert_eq!(
        (a, app.screen, app.stream),
        (Action::Redraw, Screen::Steps, None)
    );
    next_until(&mut app, &mut src, |a| a.conns.len() == 3);
    next_until(&mut app, &mut src, |a| a.conns[1].packets > packets);
    app.handle_key(key(KeyCode::Esc));
    let list = render(&mut app, 80, 24);
    assert!(list.contains("[ Connections: 3 ]"), "{list}");
    assert!(list.contains("127.0.0.1:40003"), "{list}");

    // Enter: only client 2's steps, on the two-lifeline ladder.
    app.handle_key(key(KeyCode::Down));
    app.handle_key(key(KeyCode::Enter));
    assert_eq!((app.screen, app.stream), (Screen::Steps, Some(1)));
    assert!(
        app.visible_steps()
            .iter()
            .all(|&i| app.tl.steps[i].stream == 1)
    );
    let one = render(&mut app, 80, 24);
    assert!(one.contains("client 127.0.0.1:40002"), "{one}");
    assert!(one.contains("stream 1 of 3 (Esc: list)"), "{one}");
    assert!(!one.contains("c1 :40001"), "{one}");

    // Next at the end of that connection makes the lab's next call, which
    // may be another connection's: a note says so.
    app.handle_key(key(KeyCode::End));
    let mut noted = false;
    for _ in 0..20 {
        let a = app.handle_key(key(KeyCode::Right));
        if a == Action::Advance {
            advance(&mut app, &mut src).unwrap();
            if app
                .message
                .as_deref()
                .is_some_and(|m| m.contains("another connection"))
            {
                noted = true;
                break;
            }
        }
        settle(&mut app, &mut src, Action::None);
    }
    assert!(noted, "a call on another connection is noted");
    assert!(
        app.visible_steps()
            .iter()
            .all(|&i| app.tl.steps[i].stream == 1)
    );

    // Esc, Esc: back to all of them, in lanes.
    app.handle_key(key(KeyCode::Esc));
    assert_eq!(app.screen, Screen::List);
    app.handle_key(key(KeyCode::Esc));
    assert_eq!((app.screen, app.stream), (Screen::Steps, None));
    let all = render(&mut app, 200, 60);
    assert!(all.contains("client 3 :40003"), "{all}");
    assert!(arrows_in_their_lanes(&app, &all) > 0);
    // The help says what Esc does here.
    app.handle_key(key(KeyCode::Char('?')));
    let help = render(&mut app, 80, 24);
    assert!(help.contains("from the list, all connections"), "{help}");
    assert_eq!(app.handle_key(key(KeyCode::Char('q'))), Action::Quit);
}

/// A capture with one TCP connection (the `handshake` simulation) and two
/// UDP conversations: a DNS-like question and answer before it, and one
/// datagram to a syslog port during it.
fn udp_capture() -> PathBuf {
    use etherparse::PacketBuilder;
    const START: i128 = 1_767_225_600_000_000_000;
    let udp = |src: [u8; 4], sport: u16, dst: [u8; 4], dport: u16, payload: &[u8]| -> Vec<u8> {
        let b = PacketBuilder::ethernet2([2, 0, 0, 0, 0, 1], [2, 0, 0, 0, 0, 2])
            .ipv4(src, dst, 64)
            .udp(sport, dport);
        let mut out = Vec::with_capacity(b.size(payload.len()));
        b.write(&mut out, payload).unwrap();
        out
    };
    let mut frames: Vec<(i128, Vec<u8>)> = vec![
        (START, udp([10, 0, 0, 5], 5353, [10, 0, 0, 1], 53, &[7; 20])),
        (
            START + 3_000_000,
            udp([10, 0, 0, 1], 53, [10, 0, 0, 5], 5353, &[8; 60]),
        ),
        (
            START + 45_000_000,
            udp([10, 0, 0, 5], 40514, [10, 0, 0, 9], 514, b"<13>hello"),
        ),
    ];
    for (step, v) in synack::source::scenario::timeline("handshake", Default::default(), Lang::En)
        .unwrap()
        .segments()
    {
        let b = v.bytes.as_ref().unwrap();
        frames.push((
            START + 10_000_000 + (step.time * 1e9) as i128,
            b.data.clone(),
        ));
    }
    frames.sort_by_key(|f| f.0);
    let path = scratch("udp");
    let mut w = synack::pcap::PcapWriter::create_with(&path, 1, true).unwrap();
    for (ts, data) in &frames {
        w.write_frame(*ts, data, data.len() as u32).unwrap();
    }
    w.finish().unwrap();
    path
}

/// Index `path` here and hand every message to `app`, as the background
/// thread would.
fn index_now(app: &mut App, path: &Path) {
    let (tx, rx) = channel();
    index_into(path, &tx, &AtomicBool::new(false));
    drop(tx);
    for m in rx.try_iter() {
        let done = matches!(m, IndexMsg::Done(_));
        app.index_event(m);
        if done {
            break;
        }
    }
}

#[test]
fn udp_conversations_are_listed_and_open_their_datagrams() {
    let path = udp_capture();
    let mut app = plain(App::file(&path));
    index_now(&mut app, &path);
    assert_eq!((app.conns.len(), app.udp_conns.len()), (1, 2));
    let u = &app.udp_conns[0];
    assert_eq!((u.stream, u.packets), (0, 2));
    assert_eq!(u.client, "10.0.0.5:5353".parse().unwrap());
    assert_eq!(u.server, "10.0.0.1:53".parse().unwrap());
    for (w, h) in [(80, 24), (200, 60)] {
        let list = render(&mut app, w, h);
        assert!(list.contains("[ Connections: 3 ]"), "{list}");
        assert!(list.contains("proto"), "a protocol column\n{list}");
        // TCP's stream 0 and UDP's streams 0 and 1: numbered apart.
        let rows: Vec<&str> = list
            .lines()
            .filter(|l| l.contains("TCP") || l.contains("UDP"))
            .collect();
        assert_eq!(rows.len(), 3, "{list}");
        let words =
            |r: &str| -> Vec<String> { r.split_whitespace().take(5).map(str::to_string).collect() };
        assert_eq!(
            words(rows[0])[1..4],
            ["0", "TCP", "192.0.2.1:50000"],
            "{list}"
        );
        assert_eq!(
            words(rows[1])[1..4],
            ["0", "UDP", "10.0.0.5:5353"],
            "{list}"
        );
        assert_eq!(
            words(rows[2])[1..4],
            ["1", "UDP", "10.0.0.5:40514"],
            "{list}"
        );
        if w == 80 {
            // The temporary path differs between machines; snapshots must not.
            app.shared.tl.to_mut().source = "capture: udp.pcap".into();
            let list = render(&mut app, w, h);
            insta::assert_snapshot!("tui_lanes_udp_list_80x24", list);
        }
    }
    // The second UDP conversation: Enter reads its datagram.
    app.handle_key(key(KeyCode::End));
    let details = render(&mut app, 80, 24);
    assert!(
        details.contains("UDP stream 1: 10.0.0.5:40514 ↔ 10.0.0.9:514"),
        "{details}"
    );
    assert_eq!(app.handle_key(key(KeyCode::Enter)), Action::Redraw);
    let opening = render(&mut app, 80, 24);
    assert!(opening.contains("opening UDP stream 1"), "{opening}");
    assert!(app.finish_open());
    assert_eq!(
        (app.screen, app.stream, app.udp),
        (Screen::Steps, Some(1), true)
    );
    assert_eq!(app.visible_steps().len(), 1);
    assert!(
        app.tl
            .steps
            .iter()
            .all(|s| s.is_datagram() && s.stream == 1)
    );
    let steps = render(&mut app, 80, 24);
    assert!(steps.contains("UDP stream 1 of 2 (Esc: list)"), "{steps}");
    assert!(steps.contains("UDP 9 bytes"), "{steps}");
    assert!(
        steps.contains("10.0.0.5:40514"),
        "the header names its ends\n{steps}"
    );
    // Back, and the first: two datagrams, one each way.
    app.handle_key(key(KeyCode::Esc));
    app.handle_key(key(KeyCode::Up));
    app.handle_key(key(KeyCode::Enter));
    assert!(app.finish_open());
    assert_eq!(
        (app.stream, app.udp, app.visible_steps().len()),
        (Some(0), true, 2)
    );
    app.handle_key(key(KeyCode::Right));
    let steps = render(&mut app, 80, 24);
    assert!(steps.contains("UDP 60 bytes"), "{steps}");
    assert!(
        steps.contains("UDP datagram from the server (frame 2)"),
        "{steps}"
    );
    // And the TCP connection numbered 0 as well is still TCP's.
    app.handle_key(key(KeyCode::Esc));
    app.handle_key(key(KeyCode::Home));
    app.handle_key(key(KeyCode::Enter));
    assert!(app.finish_open());
    assert_eq!((app.stream, app.udp), (Some(0), false));
    assert!(
        app.visible_steps()
            .iter()
            .all(|&i| !app.tl.steps[i].is_datagram())
    );

    // The file read whole (`App::capture`) lists them the same way.
    let (tl, report) = capture::timeline(&path, ReadOptions::default()).unwrap();
    let mut app = plain(App::capture(&tl, &report.summaries));
    assert_eq!(app.udp_conns, {
        let mut f = plain(App::file(&path));
        index_now(&mut f, &path);
        f.udp_conns.clone()
    });
    app.handle_key(key(KeyCode::Down));
    app.handle_key(key(KeyCode::Enter));
    assert_eq!((app.stream, app.udp), (Some(0), true));
    assert_eq!(app.visible_steps().len(), 2);
    std::fs::remove_file(&path).unwrap();
}

#[test]
fn the_lanes_in_chinese_line_up() {
    let tl = chat();
    let mut app = plain(App::new(&tl));
    app.lang = Lang::Zh;
    app.goto(30);
    for (w, h) in [(80, 24), (200, 60)] {
        let screen = render(&mut app, w, h);
        assert!(
            screen.contains("客1 :40001") || screen.contains("客户端 1 :40001"),
            "{screen}"
        );
        assert!(screen.contains("服务端 127.0.0.1:8080"), "{screen}");
        assert!(screen.contains("→ 客户端 2"), "{screen}");
        // Wide characters take two columns: no line runs past the screen,
        // and the right border of the ladder stays in its column.
        let borders: Vec<usize> = screen
            .lines()
            .take(12)
            .map(|l| {
                assert!(
                    unicode_width::UnicodeWidthStr::width(l) <= w as usize,
                    "{l}"
                );
                let end = l.find('┃').map(|_| l.rfind('┃').unwrap()).unwrap_or(0);
                unicode_width::UnicodeWidthStr::width(&l[..end])
            })
            .filter(|&c| c > 0)
            .collect();
        assert!(
            borders.windows(2).all(|p| p[0] == p[1]),
            "{w}x{h}\n{screen}"
        );
    }
}
