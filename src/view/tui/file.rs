//! A large capture file in the terminal UI: the connection list fills while
//! a background thread indexes the file ([`crate::source::index_capture`]), and a
//! connection is opened by reading only its frames
//! ([`crate::source::CaptureIndex::timeline`]).
//!
//! The thread sends [`IndexMsg`]s over a channel; the event loop takes them
//! in with [`App::poll_index`] between frames. Quitting sets
//! the stop flag (and drops the receiver): the thread's next progress
//! report returns `ControlFlow::Break` and it ends on its own.

use super::app::App;
use crate::explain::Lang;
use crate::i18n::msg;
use crate::pcap::CaptureError;
use crate::source::{CaptureIndex, ReadOptions, index_capture};
use crate::tcp::tracker::Summary;
use crate::timeline::Timeline;
use std::borrow::Cow;
use std::io::Write;
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::time::Instant;

/// What the indexing thread tells the UI.
#[derive(Debug)]
pub enum IndexMsg {
    /// How far it has got, and the connections that became final since the
    /// last message (in stream order).
    Progress {
        bytes: u64,
        total_bytes: u64,
        frames: u64,
        rows: Vec<Summary>,
    },
    /// The index is built (or the file could not be read at all).
    Done(Box<Result<CaptureIndex, CaptureError>>),
}

/// The running indexer: where its messages arrive, and how to stop it.
pub struct Indexer {
    pub rx: Receiver<IndexMsg>,
    pub stop: Arc<AtomicBool>,
}

impl Indexer {
    /// Tell the thread to stop at its next progress report (it is not
    /// waited for).
    pub fn cancel(&self) {
        self.stop.store(true, Ordering::SeqCst);
    }
}

/// Index `path` on a background thread.
pub fn spawn(path: &Path) -> Indexer {
    let (tx, rx) = channel();
    let stop = Arc::new(AtomicBool::new(false));
    let path = path.to_path_buf();
    let flag = stop.clone();
    std::thread::Builder::new()
        .name("synack-index".into())
        .spawn(move || index_into(&path, &tx, &flag))
        .expect("cannot start the indexing thread");
    Indexer { rx, stop }
}

/// The body of the indexing thread (also usable without a thread, in tests).
pub fn index_into(path: &Path, tx: &Sender<IndexMsg>, stop: &AtomicBool) {
    let result = index_capture(path, |p| {
        let msg = IndexMsg::Progress {
            bytes: p.bytes,
            total_bytes: p.total_bytes,
            frames: p.frames,
            rows: p.new_summaries.to_vec(),
        };
        if stop.load(Ordering::SeqCst) || tx.send(msg).is_err() {
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(())
        }
    });
    if !stop.load(Ordering::SeqCst) {
        let _ = tx.send(IndexMsg::Done(Box::new(result)));
    }
}

/// The file side of an [`super::app::App`] opened on a capture file.
pub struct FileState {
    pub path: PathBuf,
    /// Progress so far.
    pub bytes: u64,
    pub total_bytes: u64,
    pub frames: u64,
    /// The finished index (None while indexing).
    pub index: Option<CaptureIndex>,
    /// Indexing ended (with an index or with an error).
    pub done: bool,
    /// Enter was pressed on this TCP stream before the index was done: it
    /// opens as soon as it is. (The UDP rows come with the finished index,
    /// so only a TCP row can be waited for.)
    pub pending: Option<u32>,
    /// This stream (is UDP, number) is to be read now (the screen saying
    /// so is drawn first, then [`super::app::App::finish_open`] reads it).
    pub opening: Option<(bool, u32)>,
    /// The stream (is UDP, number) whose timeline the app holds.
    pub loaded: Option<(bool, u32)>,
    /// A lasting note for the status line: damage, a read error.
    pub note: Option<String>,
    /// Widest cell of each list column over every row, in English and in
    /// Chinese, kept up to date as rows arrive (measuring 300 000 rows at
    /// every frame would be slow).
    pub widths: [[usize; super::list::NCOLS]; 2],
    /// Messages from the indexing thread (None in tests that feed
    /// [`IndexMsg`]s by hand).
    pub indexer: Option<Indexer>,
    /// Timing log ([`TIMING_ENV`]).
    pub timing: Option<Timing>,
}

impl FileState {
    pub fn new(path: &Path) -> FileState {
        FileState {
            path: path.to_path_buf(),
            bytes: 0,
            total_bytes: std::fs::metadata(path).map_or(0, |m| m.len()),
            frames: 0,
            index: None,
            done: false,
            pending: None,
            opening: None,
            loaded: None,
            note: None,
            widths: [[0; super::list::NCOLS]; 2],
            indexer: None,
            timing: Timing::from_env(),
        }
    }

    /// Percent of the file indexed.
    pub fn percent(&self) -> u64 {
        if self.done {
            100
        } else {
            (self.bytes * 100)
                .checked_div(self.total_bytes)
                .unwrap_or(0)
                .min(99)
        }
    }
}

/// `SYNACK_TUI_TIMING=FILE` appends, for a capture file opened in the
/// terminal UI, the Unix time and the milliseconds since the UI started
/// of: the first frame drawn,
/// the index done, and each connection opened (and how long its read and
/// the next frame took). For `bench/tui_open.sh`.
pub const TIMING_ENV: &str = "SYNACK_TUI_TIMING";

pub struct Timing {
    start: Instant,
    out: std::fs::File,
}

impl Timing {
    fn from_env() -> Option<Timing> {
        let path = std::env::var_os(TIMING_ENV)?;
        let out = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .ok()?;
        Some(Timing {
            start: Instant::now(),
            out,
        })
    }

    /// Log `what` with the time since start.
    pub fn log(&mut self, what: &str) {
        let ms = self.start.elapsed().as_secs_f64() * 1e3;
        let unix = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0.0, |d| d.as_secs_f64());
        let _ = writeln!(self.out, "{unix:.3}\t{ms:.1} ms\t{what}");
    }
}

/// Group digits by three with spaces: `15 230`.
pub fn grouped(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(' ');
        }
        out.push(c);
    }
    out
}

/// A frame count for the gauge: `1.2M`, `340k`, `5 120`.
pub fn short_count(n: u64) -> String {
    if n >= 1_000_000 {
        format!("{:.1}M", n as f64 / 1e6)
    } else if n >= 10_000 {
        format!("{}k", n / 1000)
    } else {
        grouped(n)
    }
}

impl App<'static> {
    /// A capture file indexed in the background: opens on an empty list
    /// that [`App::index_event`] fills (the event loop feeds it from
    /// [`FileState::indexer`], see [`super::run_capture_file`]).
    pub fn file(path: &Path) -> App<'static> {
        let tl = Timeline {
            source: format!("capture: {}", path.display()),
            title: String::new(),
            streams: Vec::new(),
            steps: Vec::new(),
        };
        let mut app = App::with(Cow::Owned(tl)).with_list();
        app.file = Some(FileState::new(path));
        app
    }
}

impl App<'_> {
    /// A capture file still being indexed.
    pub fn indexing(&self) -> bool {
        self.shared.file.as_ref().is_some_and(|f| !f.done)
    }

    /// Take in what the indexing thread has sent since the last call;
    /// returns whether anything changed.
    pub fn poll_index(&mut self) -> bool {
        let mut msgs = Vec::new();
        if let Some(ix) = self.shared.file.as_ref().and_then(|f| f.indexer.as_ref()) {
            use std::sync::mpsc::TryRecvError;
            loop {
                match ix.rx.try_recv() {
                    Ok(m) => msgs.push(m),
                    Err(TryRecvError::Empty) => break,
                    Err(TryRecvError::Disconnected) => {
                        let done = self.shared.file.as_ref().is_some_and(|f| f.done)
                            || msgs.iter().any(|m| matches!(m, IndexMsg::Done(_)));
                        if !done {
                            // The thread ended without a word: it panicked.
                            msgs.push(IndexMsg::Done(Box::new(Err(
                                crate::pcap::CaptureError::Unreadable {
                                    path: self
                                        .file
                                        .as_ref()
                                        .map(|f| f.path.clone())
                                        .unwrap_or_default(),
                                    source: std::io::Error::other("the indexing thread failed"),
                                },
                            ))));
                        }
                        break;
                    }
                }
            }
        }
        let changed = !msgs.is_empty();
        for m in msgs {
            self.index_event(m);
        }
        changed
    }

    /// Take in one message of the indexing thread: progress and new rows,
    /// or the finished index (which opens the connection Enter was
    /// pressed on meanwhile).
    pub fn index_event(&mut self, msg: IndexMsg) {
        let Some(file) = self.shared.file.as_mut() else {
            return;
        };
        match msg {
            IndexMsg::Progress {
                bytes,
                total_bytes,
                frames,
                rows,
            } => {
                file.bytes = bytes;
                file.total_bytes = total_bytes;
                file.frames = frames;
                for r in &rows {
                    for (k, lang) in [Lang::En, Lang::Zh].into_iter().enumerate() {
                        let m = super::list::measure(r, lang);
                        for (w, m) in file.widths[k].iter_mut().zip(m) {
                            *w = (*w).max(m);
                        }
                    }
                }
                self.shared.conns.extend(rows);
            }
            IndexMsg::Done(result) => {
                file.done = true;
                file.bytes = file.total_bytes;
                if let Some(t) = file.timing.as_mut() {
                    t.log("index done");
                }
                match *result {
                    Ok(idx) => {
                        file.frames = idx.frames_total;
                        if let Some(d) = &idx.damage {
                            file.note = Some(msg!(
                                self.shared.lang,
                                "tui-file-damaged",
                                damage = d.to_string()
                            ));
                        }
                        for r in &idx.udp_summaries {
                            for (k, lang) in [Lang::En, Lang::Zh].into_iter().enumerate() {
                                let m = super::list::measure_udp(r, lang);
                                for (w, m) in file.widths[k].iter_mut().zip(m) {
                                    *w = (*w).max(m);
                                }
                            }
                        }
                        self.shared.udp_conns = idx.udp_summaries.clone();
                        file.index = Some(idx);
                        file.opening = file.pending.take().map(|s| (false, s));
                        let only = self.shared.conns.first().map(|c| (false, c.stream)).or(self
                            .shared
                            .udp_conns
                            .first()
                            .map(|u| (true, u.stream)));
                        if file.opening.is_none()
                            && file.loaded.is_none()
                            && self.shared.conns.len() + self.shared.udp_conns.len() == 1
                        {
                            // One connection: there is nothing to choose.
                            file.opening = only;
                        }
                    }
                    Err(e) => {
                        file.pending = None;
                        file.note = Some(msg!(
                            self.shared.lang,
                            "tui-file-cannot-index",
                            error = e.to_string()
                        ));
                    }
                }
            }
        }
    }

    /// Read the stream marked by [`App::open`] (the frame saying it is
    /// being opened was drawn) and show it; returns whether there was one.
    pub fn finish_open(&mut self) -> bool {
        let Some(file) = self.shared.file.as_mut() else {
            return false;
        };
        let Some((udp, stream)) = file.opening.take() else {
            return false;
        };
        let Some(idx) = file.index.as_ref() else {
            return false;
        };
        let started = std::time::Instant::now();
        let opts = ReadOptions {
            keep_bytes: true,
            lang: self.shared.lang,
            ..Default::default()
        };
        let read = if udp {
            idx.udp_timeline(stream, opts)
        } else {
            idx.timeline(stream, opts)
        };
        match read {
            Ok(tl) => {
                let steps = tl.steps.len();
                file.loaded = Some((udp, stream));
                self.shared.tl = Cow::Owned(tl);
                if let Some(t) = file.timing.as_mut() {
                    let what = if udp { "UDP stream" } else { "stream" };
                    t.log(&format!(
                        "{what} {stream} read: {steps} steps in {:.1} ms",
                        started.elapsed().as_secs_f64() * 1e3
                    ));
                }
                let row = (0..self.shared.list_len())
                    .find(|&i| self.shared.list_key(i) == Some((udp, stream)));
                if let Some(i) = row {
                    self.show(i);
                }
            }
            Err(e) => {
                let (lang, error) = (self.shared.lang, e.to_string());
                file.note = Some(if udp {
                    msg!(
                        lang,
                        "tui-file-cannot-read-udp",
                        stream = stream,
                        error = error
                    )
                } else {
                    msg!(lang, "tui-file-cannot-read", stream = stream, error = error)
                });
            }
        }
        true
    }

    /// Open stream `key` (is UDP, number) of a capture file: read its
    /// frames once the frame saying so is drawn ([`App::finish_open`]),
    /// or, while the file is still being indexed, as soon as the index is
    /// done.
    pub(super) fn file_open(&mut self, key: (bool, u32)) -> bool {
        let Some(file) = self.shared.file.as_mut() else {
            return false;
        };
        file.opening = None;
        file.pending = None;
        if let Some(t) = file.timing.as_mut() {
            t.log(&format!("open stream {}", key.1));
        }
        if file.index.is_some() {
            file.opening = Some(key);
        } else if !file.done && !key.0 {
            file.pending = Some(key.1);
        } else {
            return false;
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_read_well() {
        assert_eq!(grouped(0), "0");
        assert_eq!(grouped(999), "999");
        assert_eq!(grouped(15_230), "15 230");
        assert_eq!(grouped(1_234_567), "1 234 567");
        assert_eq!(short_count(5120), "5 120");
        assert_eq!(short_count(340_500), "340k");
        assert_eq!(short_count(1_234_567), "1.2M");
    }
}
