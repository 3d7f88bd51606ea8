//! The capture-file source: read frames, decode them, track connections,
//! and hand out timeline steps in frame order as they become final.

use crate::pcap::{CaptureError, CaptureReader};
use crate::tcp::tracker::{Observed, Summary, Tracker};
use crate::timeline::{FrameBytes, Step, StreamInfo, Timeline};
use crate::wire::decode::{DecodeOutcome, Decoder};
use std::path::Path;

/// What reading a whole file gave, besides the steps.
#[derive(Debug)]
pub struct CaptureReport {
    pub frames: u64,
    pub tcp_frames: u64,
    pub malformed: u64,
    pub streams: Vec<StreamInfo>,
    pub summaries: Vec<Summary>,
    /// An error met after some frames were read: those frames stand.
    pub damage: Option<CaptureError>,
}

impl CaptureReport {
    /// A file cut short at the end (a capture that was interrupted) is
    /// worth a warning; any other damage is a failure.
    pub fn damage_is_fatal(&self) -> bool {
        !matches!(
            self.damage,
            None | Some(CaptureError::TruncatedRecord { .. })
        )
    }
}

#[derive(Clone, Copy, Debug, Default)]
pub struct ReadOptions {
    /// Keep each frame's bytes in its step (for the layers view).
    pub keep_bytes: bool,
    /// Show a progress line on stderr (only when stderr is a terminal).
    pub progress: bool,
}

/// A one-line progress report on stderr for long files, redrawn in place.
struct Progress {
    total: u64,
    read: u64,
    last: std::time::Instant,
    shown: bool,
    name: String,
}

impl Progress {
    fn new(path: &Path, enabled: bool) -> Option<Progress> {
        use std::io::IsTerminal;
        let total = std::fs::metadata(path).ok()?.len();
        (enabled && std::io::stderr().is_terminal()).then(|| Progress {
            total: total.max(1),
            read: 0,
            last: std::time::Instant::now(),
            shown: false,
            name: path.display().to_string(),
        })
    }

    /// `bytes`: roughly what one record took in the file.
    fn advance(&mut self, bytes: u64, frames: u64) {
        self.read += bytes;
        if self.last.elapsed().as_millis() >= 200 {
            self.last = std::time::Instant::now();
            self.shown = true;
            let pct = (self.read * 100 / self.total).min(100);
            eprint!("\rreading {}: {pct:>3}% ({frames} frames)", self.name);
        }
    }

    fn done(&self) {
        if self.shown {
            // Clear the line so the output that follows starts clean.
            eprint!("\r{}\r", " ".repeat(self.name.len() + 40));
        }
    }
}

/// Read `path`, calling `on_step` for each TCP segment in frame order.
/// Fails only when the file cannot be read as a capture at all.
pub fn read(
    path: &Path,
    opts: ReadOptions,
    mut on_step: impl FnMut(Step),
) -> Result<CaptureReport, CaptureError> {
    let reader = CaptureReader::open(path)?;
    let mut progress = Progress::new(path, opts.progress);
    let mut decoder = Decoder::new();
    let mut tracker = Tracker::new();
    let mut t0: Option<i128> = None;
    let mut report = CaptureReport {
        frames: 0,
        tcp_frames: 0,
        malformed: 0,
        streams: Vec::new(),
        summaries: Vec::new(),
        damage: None,
    };
    for item in reader {
        let frame = match item {
            Ok(f) => f,
            Err(e) => {
                if report.frames == 0 {
                    return Err(e);
                }
                report.damage = Some(e);
                break;
            }
        };
        report.frames += 1;
        if let Some(p) = progress.as_mut() {
            p.advance(frame.data.len() as u64 + 16, report.frames);
        }
        let t0 = *t0.get_or_insert(frame.ts_nanos);
        let time = (frame.ts_nanos - t0) as f64 / 1e9;
        match decoder.decode(frame.link_type, &frame.data, frame.orig_len) {
            DecodeOutcome::Tcp(d) => {
                report.tcp_frames += 1;
                let bytes = FrameBytes {
                    link_type: frame.link_type,
                    orig_len: frame.orig_len,
                    data: if opts.keep_bytes {
                        frame.data
                    } else {
                        Vec::new()
                    },
                    layers: d.layers,
                };
                tracker.push(Observed {
                    frame: frame.index,
                    time,
                    src: d.src,
                    dst: d.dst,
                    seg: d.seg,
                    len: d.len,
                    wire_len: frame.orig_len,
                    bytes: Some(bytes),
                });
                while let Some(step) = tracker.pop() {
                    on_step(step);
                }
            }
            DecodeOutcome::Malformed(_) => report.malformed += 1,
            DecodeOutcome::NotTcp | DecodeOutcome::FragmentHeld => {}
        }
    }
    if let Some(p) = &progress {
        p.done();
    }
    tracker.finish();
    while let Some(step) = tracker.pop() {
        on_step(step);
    }
    report.streams = tracker.streams();
    report.summaries = tracker.summaries();
    Ok(report)
}

/// Read a whole file into one timeline (every connection).
pub fn timeline(path: &Path, opts: ReadOptions) -> Result<(Timeline, CaptureReport), CaptureError> {
    let mut steps = Vec::new();
    let report = read(path, opts, |s| steps.push(s))?;
    let tl = Timeline {
        source: format!("capture: {}", path.display()),
        title: format!(
            "{} frames, {} TCP segments, {} connection(s)",
            report.frames,
            report.tcp_frames,
            report.streams.len()
        ),
        streams: report.streams.clone(),
        steps,
    };
    Ok((tl, report))
}
