//! The terminal UI on a capture file indexed in the background
//! (`run_capture_file`): the list grows from the indexer's progress
//! messages, a gauge shows how far it is, and Enter reads one connection's
//! frames by their offsets (at once when the index is done, as soon as it
//! is done otherwise). Drawn with ratatui's TestBackend, no terminal.

use crossterm::event::KeyCode;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::sync::mpsc::channel;
use synack::source::capture::{self, ReadOptions};
use synack::tcp::tracker::Summary;
use synack::tcp::tracker::summaries_of as summarize;
use synack::view::tui::app::{Action, App, Screen};
use synack::view::tui::file::{IndexMsg, Indexer, index_into};

mod common;
use common::{key, render, timeline as sim};

fn plain(mut app: App<'static>) -> App<'static> {
    app.theme.color = false;
    app.lang = synack::explain::Lang::En;
    app
}

/// `n` made-up rows (the sniffer's summaries of a simulation, renumbered).
fn rows(from: u32, n: u32) -> Vec<Summary> {
    let one = summarize(&sim("handshake")).remove(0);
    (from..from + n)
        .map(|k| Summary {
            stream: k,
            packets: one.packets + u64::from(k),
            ..one.clone()
        })
        .collect()
}

fn progress(bytes: u64, frames: u64, rows: Vec<Summary>) -> IndexMsg {
    IndexMsg::Progress {
        bytes,
        total_bytes: 1000,
        frames,
        rows,
    }
}

/// A capture with two connections (the `time-wait` scenario) in a file of
/// its own.
fn capture_file(test: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    let path = dir.join(format!("tui-file-{test}-{}.pcap", std::process::id()));
    synack::app::export(&sim("time-wait"), &path).unwrap();
    path
}

/// Index `path` on this thread and hand the messages to `app` as the
/// background thread would.
fn index_now(app: &mut App, path: &Path) -> Vec<IndexMsg> {
    let (tx, rx) = channel();
    index_into(path, &tx, &AtomicBool::new(false));
    drop(tx);
    let msgs: Vec<IndexMsg> = rx.try_iter().collect();
    assert!(matches!(msgs.last(), Some(IndexMsg::Done(_))));
    let _ = app;
    msgs
}

#[test]
fn the_first_screen_shows_a_gauge_before_any_row() {
    let mut app = plain(App::file(Path::new("/nowhere/big.pcap")));
    assert_eq!(app.screen, Screen::List);
    assert!(app.indexing());
    let screen = render(&mut app, 80, 24);
    assert!(
        screen.contains("indexing 0% · 0 frames · 0 connections"),
        "{screen}"
    );
    assert!(
        screen.contains("connections show here as they are found"),
        "{screen}"
    );
    // Nothing to open yet; keys do no harm.
    app.handle_key(key(KeyCode::Down));
    assert_eq!(app.handle_key(key(KeyCode::Enter)), Action::None);
    assert_eq!(app.screen, Screen::List);
}

#[test]
fn the_list_grows_from_progress_messages_and_stays_usable() {
    let mut app = plain(App::file(Path::new("/nowhere/big.pcap")));
    app.index_event(progress(250, 32_768, rows(0, 3)));
    let screen = render(&mut app, 80, 24);
    assert!(
        screen.contains("indexing 25% · 32k frames · 3 connections"),
        "{screen}"
    );
    assert!(screen.contains("[ Connections: 3 ]"), "{screen}");
    insta::assert_snapshot!("tui_file_indexing_80x24", screen);

    // The selection moves while rows come in, and stays on its row.
    app.handle_key(key(KeyCode::Down));
    app.handle_key(key(KeyCode::Down));
    assert_eq!(app.list.selected, 2);
    app.index_event(progress(430, 1_234_567, rows(3, 15_227)));
    assert_eq!(app.conns.len(), 15_230);
    assert_eq!(app.list.selected, 2);
    let screen = render(&mut app, 200, 60);
    assert!(
        screen.contains("indexing 43% · 1.2M frames · 15 230 connections"),
        "{screen}"
    );
    assert!(screen.contains("[ Connections: 15 230 ]"), "{screen}");
    // PageDown moves by the rows on screen.
    let shown = app.hits.list_rows.len();
    assert!(shown > 20, "{shown} rows at 200x60");
    app.handle_key(key(KeyCode::PageDown));
    assert_eq!(app.list.selected, 2 + shown);
    app.handle_key(key(KeyCode::PageUp));
    assert_eq!(app.list.selected, 2);
    app.handle_key(key(KeyCode::End));
    assert_eq!(app.list.selected, 15_229);
    let screen = render(&mut app, 80, 24);
    assert!(screen.contains("▶ 15229"), "{screen}");
    // The columns are as wide as the widest row, wherever the view is.
    assert!(screen.contains("packets"), "{screen}");

    // Enter before the index is done: it waits, and says so.
    assert_eq!(app.handle_key(key(KeyCode::Enter)), Action::Redraw);
    assert_eq!(app.screen, Screen::List);
    assert_eq!(app.file.as_ref().unwrap().pending, Some(15_229));
    let screen = render(&mut app, 200, 60);
    assert!(
        screen.contains("indexing… stream 15229 opens when the index is done (43%)"),
        "{screen}"
    );
    // At 80 columns the note still fits, without the Esc hint.
    let screen = render(&mut app, 80, 24);
    assert!(
        screen.contains("│ stream 15229 opens once indexed (43%)"),
        "{screen}"
    );
    // In Chinese too.
    app.handle_key(key(KeyCode::Char('l')));
    let screen = render(&mut app, 80, 24);
    assert!(
        screen.contains("正在建立索引 43% · 1.2M 帧 · 15 230 个连接"),
        "{screen}"
    );
    assert!(screen.contains("索引完成后打开流 15229"), "{screen}");
    app.handle_key(key(KeyCode::Char('l')));
    // Esc gives up waiting, a second Esc quits.
    assert_eq!(app.handle_key(key(KeyCode::Esc)), Action::Redraw);
    assert_eq!(app.file.as_ref().unwrap().pending, None);
    assert_eq!(app.handle_key(key(KeyCode::Esc)), Action::Quit);
}

#[test]
fn enter_reads_one_stream_of_a_real_capture() {
    let path = capture_file("enter");
    let (whole, _) = capture::timeline(
        &path,
        ReadOptions {
            keep_bytes: true,
            ..Default::default()
        },
    )
    .unwrap();
    let mut app = plain(App::file(&path));
    for m in index_now(&mut app, &path) {
        app.index_event(m);
    }
    assert!(!app.indexing());
    assert_eq!(app.conns.len(), 2);
    let list = render(&mut app, 80, 24);
    assert!(
        !list.contains("indexing"),
        "the gauge is gone when done: {list}"
    );
    assert!(list.contains("[ Connections: 2 ]"), "{list}");

    app.handle_key(key(KeyCode::Down));
    assert_eq!(app.handle_key(key(KeyCode::Enter)), Action::Redraw);
    // The frame saying it opens is drawn first, then the stream is read.
    let opening = render(&mut app, 80, 24);
    assert!(opening.contains("opening stream 1"), "{opening}");
    assert!(app.finish_open());
    assert_eq!(app.screen, Screen::Steps);
    assert_eq!(app.stream, Some(1));
    let want: Vec<_> = whole.steps.iter().filter(|s| s.stream == 1).collect();
    let got: Vec<_> = app.tl.steps.iter().collect();
    assert_eq!(got, want, "only stream 1, as the whole-file read has it");
    let steps = render(&mut app, 80, 24);
    assert!(steps.contains("stream 1"), "{steps}");
    app.handle_key(key(KeyCode::Right));
    assert_eq!(app.position().0, 2);

    // Back to the list and into the other connection.
    app.handle_key(key(KeyCode::Esc));
    assert_eq!(app.screen, Screen::List);
    app.handle_key(key(KeyCode::Up));
    app.handle_key(key(KeyCode::Enter));
    assert!(app.finish_open());
    assert_eq!(app.stream, Some(0));
    assert!(app.tl.steps.iter().all(|s| s.stream == 0));
    // Reopening the stream that is loaded needs no read, and comes back
    // where it was left.
    app.handle_key(key(KeyCode::Right));
    app.handle_key(key(KeyCode::Esc));
    app.handle_key(key(KeyCode::Enter));
    assert_eq!(app.screen, Screen::Steps);
    assert!(!app.finish_open());
    assert_eq!(app.position().0, 2);
    std::fs::remove_file(&path).unwrap();
}

#[test]
fn enter_while_indexing_opens_the_stream_when_the_index_is_done() {
    let path = capture_file("pending");
    let mut app = plain(App::file(&path));
    let msgs = index_now(&mut app, &path);
    let (done, early): (Vec<_>, Vec<_>) = msgs
        .into_iter()
        .partition(|m| matches!(m, IndexMsg::Done(_)));
    for m in early {
        app.index_event(m);
    }
    assert!(app.indexing());
    assert_eq!(app.conns.len(), 2);
    app.handle_key(key(KeyCode::Enter));
    assert_eq!(app.file.as_ref().unwrap().pending, Some(0));
    assert!(
        !app.finish_open(),
        "nothing to read before the index is done"
    );

    // The index arrives through the channel, as from the thread.
    let (tx, rx) = channel();
    for m in done {
        tx.send(m).unwrap();
    }
    drop(tx);
    app.file.as_mut().unwrap().indexer = Some(Indexer {
        rx,
        stop: Arc::new(AtomicBool::new(false)),
    });
    assert!(app.poll_index());
    assert!(!app.indexing());
    assert_eq!(app.file.as_ref().unwrap().note, None, "a clean end");
    assert!(app.finish_open());
    assert_eq!(app.screen, Screen::Steps);
    assert_eq!(app.stream, Some(0));
    assert!(!app.tl.steps.is_empty());
    std::fs::remove_file(&path).unwrap();
}

#[test]
fn a_damaged_file_says_so_in_the_status_line() {
    let path = capture_file("damaged");
    // Cut the last record in half.
    let bytes = std::fs::read(&path).unwrap();
    std::fs::write(&path, &bytes[..bytes.len() - 20]).unwrap();
    let mut app = plain(App::file(&path));
    for m in index_now(&mut app, &path) {
        app.index_event(m);
    }
    assert!(!app.indexing());
    let note = app.file.as_ref().unwrap().note.clone().unwrap();
    assert!(note.contains("damaged"), "{note}");
    let screen = render(&mut app, 200, 60);
    assert!(screen.contains("⚠ damaged file"), "{screen}");
    std::fs::remove_file(&path).unwrap();
}

#[test]
fn quitting_stops_the_indexer() {
    let path = capture_file("stop");
    let (tx, rx) = channel();
    let stop = AtomicBool::new(true);
    // Told to stop: no Done message, whatever it had read.
    index_into(&path, &tx, &stop);
    drop(tx);
    assert!(rx.try_iter().all(|m| !matches!(m, IndexMsg::Done(_))));
    std::fs::remove_file(&path).unwrap();
}

/// A file of one connection: nothing to choose, so once the index is done
/// the connection opens by itself; Esc still shows the list.
#[test]
fn a_capture_of_one_connection_opens_it_directly() {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    let path = dir.join(format!("tui-file-one-{}.pcap", std::process::id()));
    synack::app::export(&sim("handshake"), &path).unwrap();
    let mut app = plain(App::file(&path));
    for m in index_now(&mut app, &path) {
        app.index_event(m);
    }
    assert_eq!(app.conns.len(), 1);
    assert!(app.finish_open(), "the one stream is read without a key");
    assert_eq!(app.screen, Screen::Steps);
    assert_eq!(app.stream, Some(0));
    app.handle_key(key(KeyCode::Esc));
    assert_eq!(app.screen, Screen::List);
    std::fs::remove_file(&path).unwrap();
}
