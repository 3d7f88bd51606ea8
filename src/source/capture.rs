//! The capture-file source: read frames, decode them, track connections,
//! and hand out timeline steps in frame order as they become final.
//!
//! One reader, one pass ([`scan`]), chosen by what the caller wants and by
//! [`ReadOptions`] (keep the frames' bytes, use a second thread, one stream
//! only, UDP or not):
//!
//! - [`steps`]: every step, lent and let go (memory bounded by the open
//!   connections), with an end mark per stream: `inspect --json/--plain`;
//! - [`summaries`]: one row per connection as it ends: `inspect --summary`
//!   (TCP connections only: UDP has none);
//! - [`timeline`]: the whole file in memory, every stream kept: the TUI and
//!   the diagrams on small files;
//! - [`index`] and [`CaptureIndex::timeline`]: where each stream's frames
//!   are, then one stream read back by offsets: the TUI on large files
//!   (and [`CaptureIndex::udp_timeline`], one UDP conversation; the index's
//!   [`UdpSummary`] rows list them).
//!
//! UDP datagrams are steps of their own ([`StepKind::Datagram`]) among the
//! segments, in frame order; their `stream` numbers UDP conversations apart
//! from TCP's (tshark's `udp.stream` beside `tcp.stream`), so a filter on
//! one stream means a TCP stream and [`Step::in_tcp_stream`] tells them apart.

use crate::pcap::read::{FrameRef, ReaderState};
use crate::pcap::{CaptureError, CaptureReader};
use crate::tcp::tracker::{Observed, ObservedDatagram, Summary, Tracker};
#[cfg(doc)]
use crate::timeline::StepKind;
use crate::timeline::{FrameBytes, Step, StreamInfo, Timeline};
use crate::wire::decode::{DecodeOutcome, DecodedUdp, Decoder, Detail, Undecoded};
use std::collections::BTreeMap;
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};

/// What reading a whole file gave, besides the steps.
#[derive(Debug)]
pub struct CaptureReport {
    pub frames: u64,
    pub tcp_frames: u64,
    /// UDP datagrams shown (none when [`ReadOptions::tcp_only`]).
    pub udp_frames: u64,
    /// UDP conversations among them.
    pub udp_streams: u64,
    pub malformed: u64,
    /// The first frame whose TCP header was unusable, and why.
    pub first_malformed: Option<(u64, String)>,
    pub streams: Vec<StreamInfo>,
    pub summaries: Vec<Summary>,
    /// An error met after some frames were read: those frames stand.
    pub damage: Option<CaptureError>,
    /// Connections summarised early (and forgotten) because more than
    /// [`crate::tcp::tracker::MAX_LIVE_CONNS`] were open at once; a later
    /// segment of one of them started a new stream. Streaming reads only.
    pub evicted_open: u64,
    /// Frames left out because synack cannot read them (an unknown link
    /// type, headers nested past the limits, …): per reason, how many and
    /// the first frame.
    pub undecoded: BTreeMap<Undecoded, (u64, u64)>,
    /// How many connections the file holds (whatever `stream` asked for),
    /// so a caller can tell "no such stream" from an empty one.
    pub connections: u64,
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

/// How to read a capture.
#[derive(Clone, Copy, Debug, Default)]
pub struct ReadOptions {
    /// Keep each frame's bytes in its step (for the layers view).
    pub keep_bytes: bool,
    /// Show a progress line on stderr (only when stderr is a terminal).
    pub progress: bool,
    /// Read and decode on this thread, and run the rest on a second one
    /// (the caller's formatting for [`steps`], the tracker for
    /// [`summaries`]). Same results, in the same order.
    pub parallel: bool,
    /// Only this stream's steps or row (the others are still tracked, so
    /// stream numbers stay those of the whole file).
    pub stream: Option<u32>,
    /// The language of the timeline's title.
    pub lang: crate::explain::Lang,
    /// Leave UDP datagrams out, as before synack showed them (what
    /// [`summaries`] always does: UDP has no connections to sum up).
    pub tcp_only: bool,
}

impl ReadOptions {
    fn wants(&self, stream: u32) -> bool {
        self.stream.is_none_or(|n| n == stream)
    }

    /// One stream asked for is a TCP stream: datagrams only come without
    /// such a filter.
    fn wants_step(&self, step: &Step) -> bool {
        if step.is_datagram() {
            self.stream.is_none()
        } else {
            self.wants(step.stream)
        }
    }
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

/// What [`scan`] found in a frame.
enum Packet {
    Tcp(crate::wire::decode::Decoded),
    Udp(DecodedUdp),
}

/// One TCP segment or UDP datagram found by [`scan`], with the frame it
/// came from.
struct Found<'a> {
    frame: &'a FrameRef<'a>,
    /// Seconds since the first frame of the file.
    time: f64,
    packet: Packet,
}

impl Found<'_> {
    fn reassembled(&self) -> bool {
        match &self.packet {
            Packet::Tcp(d) => d.reassembled,
            Packet::Udp(d) => d.reassembled,
        }
    }
}

/// The pass shared by every reader of a whole file: frames in, decoded TCP
/// segments (and, with `udp`, UDP datagrams) out to `on_found`. With
/// `states`, the reader's format state is recorded wherever it changes
/// (pcapng sections and interfaces), for reading records at their offsets
/// later. Fails only when the file cannot be read as a capture at all.
fn scan(
    path: &Path,
    progress: bool,
    detail: Detail,
    udp: bool,
    report: &mut CaptureReport,
    mut states: Option<&mut Vec<(u64, ReaderState)>>,
    mut on_found: impl FnMut(Found<'_>, u64, &mut Decoder) -> ControlFlow<()>,
) -> Result<Option<i128>, CaptureError> {
    let mut reader = CaptureReader::open(path)?;
    let mut progress = Progress::new(path, progress);
    let mut decoder = Decoder::with_detail(detail);
    let mut t0: Option<i128> = None;
    let mut version = reader.state_version();
    if let Some(st) = states.as_deref_mut() {
        st.push((0, reader.state()));
    }
    loop {
        let position = reader.position();
        let Some(item) = reader.next_frame() else {
            break;
        };
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
        let first = *t0.get_or_insert(frame.ts_nanos);
        let time = (frame.ts_nanos - first) as f64 / 1e9;
        let offset = frame.offset;
        let mut stop = false;
        match decoder.decode(frame.link_type, frame.data, frame.orig_len) {
            DecodeOutcome::Tcp(decoded) => {
                report.tcp_frames += 1;
                let found = Found {
                    frame: &frame,
                    time,
                    packet: Packet::Tcp(decoded),
                };
                stop = on_found(found, position, &mut decoder).is_break();
            }
            DecodeOutcome::Udp(decoded) if udp => {
                report.udp_frames += 1;
                let found = Found {
                    frame: &frame,
                    time,
                    packet: Packet::Udp(decoded),
                };
                stop = on_found(found, position, &mut decoder).is_break();
            }
            DecodeOutcome::Malformed(why) => {
                report.malformed += 1;
                if report.first_malformed.is_none() {
                    report.first_malformed = Some((frame.index, why));
                }
            }
            DecodeOutcome::NotTcp | DecodeOutcome::FragmentHeld | DecodeOutcome::Udp(_) => {
                if let Some(why) = decoder.refused() {
                    report.undecoded.entry(why).or_insert((0, frame.index)).0 += 1;
                }
            }
        }
        if let Some(st) = states.as_deref_mut()
            && reader.state_version() != version
        {
            // The frame just read was read with the new state.
            version = reader.state_version();
            st.push((offset, reader.state()));
        }
        if stop {
            break;
        }
    }
    if let Some(p) = &progress {
        p.done();
    }
    Ok(t0)
}

/// Give what `scan` found to the tracker; the stream it went to (a UDP
/// conversation's number for a datagram) and whether it was one.
fn feed(tracker: &mut Tracker, found: Found<'_>, keep_bytes: bool) -> (usize, bool) {
    let Found {
        frame,
        time,
        packet,
    } = found;
    let data = if keep_bytes {
        frame.data.to_vec()
    } else {
        Vec::new()
    };
    match packet {
        Packet::Tcp(decoded) => {
            tracker.push(observe_frame(
                frame.index,
                time,
                frame.link_type,
                data,
                frame.data.len(),
                frame.orig_len,
                decoded,
            ));
            (tracker.stream_of_last(), false)
        }
        Packet::Udp(d) => {
            let stream = tracker.push_datagram(ObservedDatagram {
                frame: frame.index,
                time,
                src: d.src,
                dst: d.dst,
                len: d.len,
                bytes: Some(FrameBytes {
                    link_type: frame.link_type,
                    orig_len: frame.orig_len,
                    captured_len: frame.data.len() as u32,
                    data,
                    layers: d.layers,
                }),
            });
            (stream as usize, true)
        }
    }
}

/// The TCP segment `scan` found, for the paths that read TCP only.
fn observed(found: Found<'_>, keep_bytes: bool) -> Option<Observed> {
    let Found {
        frame,
        time,
        packet,
    } = found;
    let Packet::Tcp(decoded) = packet else {
        return None;
    };
    let data = if keep_bytes {
        frame.data.to_vec()
    } else {
        Vec::new()
    };
    Some(observe_frame(
        frame.index,
        time,
        frame.link_type,
        data,
        frame.data.len(),
        frame.orig_len,
        decoded,
    ))
}

/// What the tracker takes for one decoded frame: the segment, its lengths
/// and the frame's bytes (`data` may be empty when they are not kept;
/// `captured` is how many the capture held). Shared by files, the live lab
/// and the sniffer.
pub fn observe_frame(
    frame: u64,
    time: f64,
    link_type: u32,
    data: Vec<u8>,
    captured: usize,
    orig_len: u32,
    d: crate::wire::decode::Decoded,
) -> Observed {
    Observed {
        frame,
        time,
        src: d.src,
        dst: d.dst,
        seg: d.seg,
        len: d.len,
        wire_len: orig_len,
        l7: d.l7,
        bytes: Some(FrameBytes {
            link_type,
            orig_len,
            captured_len: captured as u32,
            data,
            layers: d.layers,
        }),
    }
}

/// Hand a step's vectors back to the decoder for the next frames.
fn recycle(step: Step, decoder: &mut Decoder) {
    if let Some(v) = step.segment {
        let layers = v.bytes.map(|b| b.layers).unwrap_or_default();
        decoder.recycle(layers, v.seg.options);
    } else if let Some(v) = step.datagram {
        let layers = v.bytes.map(|b| b.layers).unwrap_or_default();
        decoder.recycle(layers, Vec::new());
    }
}

fn empty_report() -> CaptureReport {
    CaptureReport {
        frames: 0,
        tcp_frames: 0,
        udp_frames: 0,
        udp_streams: 0,
        malformed: 0,
        first_malformed: None,
        streams: Vec::new(),
        summaries: Vec::new(),
        damage: None,
        evicted_open: 0,
        undecoded: BTreeMap::new(),
        connections: 0,
    }
}

/// What a step view needs decoded: the layers (for the layer names and
/// byte ranges), the options, and the payload only when bytes are kept.
fn step_detail(keep_bytes: bool) -> Detail {
    Detail {
        layers: true,
        options: true,
        payload: keep_bytes,
    }
}

/// Read `path` keeping every connection to the end (for the report's
/// `streams` and `summaries`), giving each step away in frame order.
fn read_all(
    path: &Path,
    opts: ReadOptions,
    mut on_step: impl FnMut(Step),
) -> Result<CaptureReport, CaptureError> {
    let mut tracker = Tracker::new();
    let mut report = empty_report();
    scan(
        path,
        opts.progress,
        step_detail(opts.keep_bytes),
        !opts.tcp_only,
        &mut report,
        None,
        |found, _, _| {
            feed(&mut tracker, found, opts.keep_bytes);
            while let Some(step) = tracker.pop() {
                on_step(step);
            }
            ControlFlow::Continue(())
        },
    )?;
    tracker.finish();
    while let Some(step) = tracker.pop() {
        on_step(step);
    }
    report.udp_streams = u64::from(tracker.udp_streams());
    report.streams = tracker.streams();
    report.summaries = tracker.summaries();
    report.connections = report.streams.len() as u64;
    Ok(report)
}

/// What [`steps`] hands out.
pub enum StepEvent<'a> {
    Step(&'a Step),
    /// This stream will have no more steps.
    End(u32),
}

/// Every step of `path` in frame order, each lent to `on_event` and then
/// let go (its memory is reused for the frames that follow), with an
/// [`StepEvent::End`] per stream once the tracker has forgotten it (in
/// stream order, some time after its last step). Only per-connection state
/// is held (see [`Tracker::streaming`]): `streams` and `summaries` of the
/// report stay empty. With `opts.parallel`, `on_event` runs on a second
/// thread, fed batches of steps.
pub fn steps<F>(
    path: &Path,
    opts: ReadOptions,
    mut on_event: F,
) -> Result<CaptureReport, CaptureError>
where
    F: FnMut(StepEvent<'_>) -> ControlFlow<()> + Send,
{
    // Stream numbers are counted before the filter, for `connections`.
    let mut connections = 0u64;
    let mut filtered = |ev: StepEvent<'_>| {
        let wanted = match ev {
            StepEvent::Step(s) if s.is_datagram() => opts.wants_step(s),
            StepEvent::Step(s) => {
                connections = connections.max(u64::from(s.stream) + 1);
                opts.wants(s.stream)
            }
            StepEvent::End(n) => {
                connections = connections.max(u64::from(n) + 1);
                opts.wants(n)
            }
        };
        if wanted {
            on_event(ev)
        } else {
            ControlFlow::Continue(())
        }
    };
    let mut report = if opts.parallel {
        steps_parallel(path, opts, &mut filtered)?
    } else {
        steps_here(path, opts, &mut filtered)?
    };
    report.connections = connections;
    Ok(report)
}

/// [`steps`] on this thread alone.
fn steps_here(
    path: &Path,
    opts: ReadOptions,
    on_event: &mut dyn FnMut(StepEvent<'_>) -> ControlFlow<()>,
) -> Result<CaptureReport, CaptureError> {
    let mut tracker = Tracker::streaming(true);
    let mut report = empty_report();
    let mut stopped = false;
    scan(
        path,
        opts.progress,
        step_detail(opts.keep_bytes),
        !opts.tcp_only,
        &mut report,
        None,
        |found, _, decoder| {
            feed(&mut tracker, found, opts.keep_bytes);
            while let Some(step) = tracker.pop() {
                let flow = on_event(StepEvent::Step(&step));
                recycle(step, decoder);
                if flow.is_break() {
                    stopped = true;
                    return ControlFlow::Break(());
                }
            }
            while let Some(s) = tracker.pop_summary() {
                if on_event(StepEvent::End(s.stream)).is_break() {
                    stopped = true;
                    return ControlFlow::Break(());
                }
            }
            ControlFlow::Continue(())
        },
    )?;
    if !stopped {
        tracker.finish();
        while let Some(step) = tracker.pop() {
            if on_event(StepEvent::Step(&step)).is_break() {
                stopped = true;
                break;
            }
        }
    }
    if !stopped {
        tracker.forget_all();
        while let Some(s) = tracker.pop_summary() {
            if on_event(StepEvent::End(s.stream)).is_break() {
                break;
            }
        }
    }
    report.evicted_open = tracker.evicted_open();
    report.udp_streams = u64::from(tracker.udp_streams());
    Ok(report)
}

// Boxing would cost an allocation per step; the small `End` is rare.
#[allow(clippy::large_enum_variant)]
enum Item {
    Step(Step),
    End(u32),
}

/// [`steps`] on two threads: this one reads, decodes and tracks; a second
/// one runs `on_event` (formatting and writing, say) on batches of steps
/// handed over through a bounded channel, and gives them back for their
/// memory to be reused.
fn steps_parallel<F>(
    path: &Path,
    opts: ReadOptions,
    mut on_event: F,
) -> Result<CaptureReport, CaptureError>
where
    F: FnMut(StepEvent<'_>) -> ControlFlow<()> + Send,
{
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::mpsc;
    const BATCH: usize = 256;
    let (tx, rx) = mpsc::sync_channel::<Vec<Item>>(8);
    let (back_tx, back_rx) = mpsc::channel::<Vec<Item>>();
    let stop = AtomicBool::new(false);
    std::thread::scope(|scope| {
        let stop = &stop;
        let on_event = &mut on_event;
        scope.spawn(move || {
            for batch in rx {
                if !stop.load(Ordering::Relaxed) {
                    for item in &batch {
                        let ev = match item {
                            Item::Step(s) => StepEvent::Step(s),
                            Item::End(n) => StepEvent::End(*n),
                        };
                        if on_event(ev).is_break() {
                            stop.store(true, Ordering::Relaxed);
                            break;
                        }
                    }
                }
                if back_tx.send(batch).is_err() {
                    break;
                }
            }
        });
        let mut tracker = Tracker::streaming(true);
        let mut report = empty_report();
        let mut batch: Vec<Item> = Vec::with_capacity(BATCH);
        let mut spare: Vec<Vec<Item>> = Vec::new();
        // Hand `batch` over; take back (and recycle) what came back.
        let mut send = |batch: &mut Vec<Item>, decoder: Option<&mut Decoder>| -> bool {
            let next = spare.pop().unwrap_or_else(|| Vec::with_capacity(BATCH));
            if tx.send(std::mem::replace(batch, next)).is_err() {
                return false;
            }
            if let Some(decoder) = decoder {
                while let Ok(mut done) = back_rx.try_recv() {
                    for item in done.drain(..) {
                        if let Item::Step(step) = item {
                            recycle(step, decoder);
                        }
                    }
                    spare.push(done);
                }
            }
            !stop.load(Ordering::Relaxed)
        };
        let result = scan(
            path,
            opts.progress,
            step_detail(opts.keep_bytes),
            !opts.tcp_only,
            &mut report,
            None,
            |found, _, decoder| {
                feed(&mut tracker, found, opts.keep_bytes);
                while let Some(step) = tracker.pop() {
                    batch.push(Item::Step(step));
                    if batch.len() >= BATCH && !send(&mut batch, Some(decoder)) {
                        return ControlFlow::Break(());
                    }
                }
                while let Some(s) = tracker.pop_summary() {
                    batch.push(Item::End(s.stream));
                }
                ControlFlow::Continue(())
            },
        );
        if result.is_ok() && !stop.load(Ordering::Relaxed) {
            tracker.finish();
            while let Some(step) = tracker.pop() {
                batch.push(Item::Step(step));
            }
            tracker.forget_all();
            while let Some(s) = tracker.pop_summary() {
                batch.push(Item::End(s.stream));
            }
            send(&mut batch, None);
        }
        drop(tx);
        report.evicted_open = tracker.evicted_open();
        report.udp_streams = u64::from(tracker.udp_streams());
        result.map(|_| report)
    })
}

/// Every connection's summary row, in stream order, as each one ends (only
/// per-connection state is held; frames are decoded without their layers).
/// With `opts.parallel`, the tracker (and `on_summary`) run on a second
/// thread, fed batches of frames over a bounded channel.
pub fn summaries<F>(
    path: &Path,
    opts: ReadOptions,
    mut on_summary: F,
) -> Result<CaptureReport, CaptureError>
where
    F: FnMut(Summary) -> ControlFlow<()> + Send,
{
    let mut connections = 0u64;
    let mut filtered = |s: Summary| {
        connections = connections.max(u64::from(s.stream) + 1);
        if opts.wants(s.stream) {
            on_summary(s)
        } else {
            ControlFlow::Continue(())
        }
    };
    let mut report = if opts.parallel {
        summaries_parallel(path, opts, &mut filtered)?
    } else {
        summaries_here(path, opts, &mut filtered)?
    };
    report.connections = connections;
    Ok(report)
}

/// [`summaries`] on this thread alone.
fn summaries_here(
    path: &Path,
    opts: ReadOptions,
    on_summary: &mut dyn FnMut(Summary) -> ControlFlow<()>,
) -> Result<CaptureReport, CaptureError> {
    let mut tracker = Tracker::streaming(false);
    let mut report = empty_report();
    let mut stopped = false;
    scan(
        path,
        opts.progress,
        Detail::LEAN,
        false,
        &mut report,
        None,
        |found, _, _| {
            if let Some(o) = observed(found, false) {
                tracker.push(o);
            }
            while let Some(s) = tracker.pop_summary() {
                if on_summary(s).is_break() {
                    stopped = true;
                    return ControlFlow::Break(());
                }
            }
            ControlFlow::Continue(())
        },
    )?;
    if !stopped {
        tracker.finish();
        tracker.forget_all();
        while let Some(s) = tracker.pop_summary() {
            if on_summary(s).is_break() {
                break;
            }
        }
    }
    report.evicted_open = tracker.evicted_open();
    Ok(report)
}

/// [`summaries`] on two threads.
fn summaries_parallel<F>(
    path: &Path,
    opts: ReadOptions,
    on_summary: F,
) -> Result<CaptureReport, CaptureError>
where
    F: FnMut(Summary) -> ControlFlow<()> + Send,
{
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::mpsc;
    const BATCH: usize = 1024;
    let (tx, rx) = mpsc::sync_channel::<Vec<Observed>>(8);
    let (back_tx, back_rx) = mpsc::channel::<Vec<Observed>>();
    let stop = AtomicBool::new(false);
    std::thread::scope(|scope| {
        let stop = &stop;
        let tracking = scope.spawn(move || {
            let mut on_summary = on_summary;
            let mut tracker = Tracker::streaming(false);
            let mut stopped = false;
            for mut batch in rx {
                if !stopped {
                    for o in batch.drain(..) {
                        tracker.push(o);
                        while let Some(s) = tracker.pop_summary() {
                            if on_summary(s).is_break() {
                                stopped = true;
                                stop.store(true, Ordering::Relaxed);
                                break;
                            }
                        }
                        if stopped {
                            break;
                        }
                    }
                }
                batch.clear();
                if back_tx.send(batch).is_err() {
                    break;
                }
            }
            if !stopped {
                tracker.finish();
                tracker.forget_all();
                while let Some(s) = tracker.pop_summary() {
                    if on_summary(s).is_break() {
                        break;
                    }
                }
            }
            tracker.evicted_open()
        });
        let mut report = empty_report();
        let mut batch: Vec<Observed> = Vec::with_capacity(BATCH);
        let result = scan(
            path,
            opts.progress,
            Detail::LEAN,
            false,
            &mut report,
            None,
            |found, _, _| {
                batch.extend(observed(found, false));
                if batch.len() >= BATCH {
                    let next = back_rx
                        .try_recv()
                        .unwrap_or_else(|_| Vec::with_capacity(BATCH));
                    if tx.send(std::mem::replace(&mut batch, next)).is_err()
                        || stop.load(Ordering::Relaxed)
                    {
                        return ControlFlow::Break(());
                    }
                }
                ControlFlow::Continue(())
            },
        );
        if result.is_ok() && !batch.is_empty() {
            let _ = tx.send(std::mem::take(&mut batch));
        }
        drop(tx);
        let evicted = tracking.join().expect("the tracking thread does not panic");
        result?;
        report.evicted_open = evicted;
        Ok(report)
    })
}

/// One UDP conversation, as the connection list shows it beside the TCP
/// connections' [`Summary`] rows: its two ends (the "client" sent the first
/// datagram, tshark's address A), how many datagrams, their bytes on the
/// wire (frame lengths, as tshark's conversation table counts), and when.
#[derive(Clone, Debug, PartialEq)]
pub struct UdpSummary {
    /// The conversation's number, tshark's `udp.stream` (apart from TCP's).
    pub stream: u32,
    pub client: std::net::SocketAddr,
    pub server: std::net::SocketAddr,
    pub packets: u64,
    pub bytes: u64,
    /// Seconds since the first frame.
    pub start: f64,
    pub duration: f64,
}

impl UdpSummary {
    /// Count one datagram of conversation `stream` into `rows` (one per
    /// conversation, in number order; a new number is the next row).
    fn count(
        rows: &mut Vec<UdpSummary>,
        stream: u32,
        src: std::net::SocketAddr,
        dst: std::net::SocketAddr,
        bytes: u32,
        time: f64,
    ) {
        let n = stream as usize;
        while rows.len() <= n {
            // A number skipped (never the case in frame order): a row with
            // nothing in it keeps `rows[n].stream == n`.
            let stream = rows.len() as u32;
            rows.push(UdpSummary {
                stream,
                client: src,
                server: dst,
                packets: 0,
                bytes: 0,
                start: time,
                duration: 0.0,
            });
        }
        let r = &mut rows[n];
        if r.packets == 0 {
            (r.client, r.server, r.start) = (src, dst, time);
        }
        r.packets += 1;
        r.bytes += u64::from(bytes);
        r.duration = (time - r.start).max(r.duration);
    }
}

/// The UDP conversations of a timeline, one row each (for a timeline read
/// whole, or one that grows, such as the live lab's `udp` script).
pub fn udp_summaries(tl: &Timeline) -> Vec<UdpSummary> {
    let mut rows = Vec::new();
    for (step, d) in tl.datagrams() {
        let bytes = d.bytes.as_ref().map_or(d.len + 42, |b| b.orig_len);
        UdpSummary::count(&mut rows, step.stream, d.src, d.dst, bytes, step.time);
    }
    rows.retain(|r| r.packets > 0);
    rows
}

/// Where one TCP frame of a stream is in the file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FrameLoc {
    /// Byte offset of its record (pcap) or block (pcapng).
    pub offset: u64,
    /// Its 1-based frame number in the file.
    pub frame: u32,
    /// How many frames back the TCP frame before it (of any stream) is.
    pub gap: u32,
}

/// The connections of a file and where each one's frames are: built in one
/// pass by [`index`], read back one stream at a time by [`read_stream`].
#[derive(Debug)]
pub struct CaptureIndex {
    pub path: PathBuf,
    /// One per stream, in stream order (`summaries[n].stream == n`).
    pub summaries: Vec<Summary>,
    /// The frames of each stream, in frame order.
    pub frames: Vec<Vec<FrameLoc>>,
    /// Streams that [`read_stream`] must read the whole file for (an IP
    /// fragment was reassembled into one of its segments, or the file has
    /// more than 2^32 frames).
    pub needs_full_read: Vec<bool>,
    /// The frames of each UDP conversation, in frame order (`gap` unused),
    /// and which of them must be read from the whole file.
    pub udp_frames: Vec<Vec<FrameLoc>>,
    pub udp_needs_full_read: Vec<bool>,
    /// One row per UDP conversation, in `udp.stream` order, for the
    /// connection list (the TCP rows are `summaries`).
    pub udp_summaries: Vec<UdpSummary>,
    /// Timestamp of the first frame: times are seconds since it.
    pub t0_nanos: i128,
    /// Format state of the reader from each offset on.
    states: Vec<(u64, ReaderState)>,
    pub frames_total: u64,
    pub tcp_frames: u64,
    pub udp_frames_total: u64,
    pub malformed: u64,
    pub damage: Option<CaptureError>,
    pub evicted_open: u64,
}

/// How far [`index`] has got, for a progress gauge.
#[derive(Debug)]
pub struct IndexProgress<'a> {
    /// Bytes of the file read so far, and its size.
    pub bytes: u64,
    pub total_bytes: u64,
    pub frames: u64,
    /// Summaries that became final since the last report, in stream order
    /// (all streams before them were reported earlier): the connection list
    /// can grow while the index is built.
    pub new_summaries: &'a [Summary],
}

/// How often [`index`] reports progress, in frames.
const INDEX_REPORT_EVERY: u64 = 32_768;

/// Build the list of connections and the per-stream index of frame offsets
/// in one streaming pass over `path` (no frame is kept in memory).
/// `on_progress` is called every few ten thousand frames and once at the
/// end; return `ControlFlow::Break` from it to stop early (the index then
/// covers what was read). Meant for a background thread: send what it gets
/// over a channel to the UI thread.
pub fn index(
    path: &Path,
    mut on_progress: impl FnMut(IndexProgress<'_>) -> ControlFlow<()>,
) -> Result<CaptureIndex, CaptureError> {
    let total_bytes = std::fs::metadata(path).map_or(0, |m| m.len());
    let mut tracker = Tracker::streaming(false);
    let mut report = empty_report();
    let mut states = Vec::new();
    let mut frames: Vec<Vec<FrameLoc>> = Vec::new();
    let mut full: Vec<bool> = Vec::new();
    let mut udp_frames: Vec<Vec<FrameLoc>> = Vec::new();
    let mut udp_full: Vec<bool> = Vec::new();
    let mut udp_rows: Vec<UdpSummary> = Vec::new();
    let mut summaries: Vec<Summary> = Vec::new();
    let mut reported = 0usize;
    let mut prev_tcp = 0u64;
    let mut since_report = 0u64;
    let mut stopped = false;
    let t0 = scan(
        path,
        false,
        Detail::LEAN,
        true,
        &mut report,
        Some(&mut states),
        |found: Found<'_>, position, _| {
            let index = found.frame.index;
            let offset = found.frame.offset;
            let reassembled = found.reassembled();
            let datagram = match &found.packet {
                Packet::Udp(d) => Some((d.src, d.dst, found.frame.orig_len, found.time)),
                Packet::Tcp(_) => None,
            };
            // The stream it went to: the tracker numbers streams in order of
            // first appearance, so a new one is `frames.len()`.
            let (stream, udp) = feed(&mut tracker, found, false);
            if udp {
                if stream >= udp_frames.len() {
                    udp_frames.resize_with(stream + 1, Vec::new);
                    udp_full.resize(stream + 1, false);
                }
                let frame = u32::try_from(index).unwrap_or_else(|_| {
                    udp_full[stream] = true;
                    u32::MAX
                });
                udp_full[stream] |= reassembled;
                if let Some((src, dst, orig_len, time)) = datagram {
                    UdpSummary::count(&mut udp_rows, stream as u32, src, dst, orig_len, time);
                }
                udp_frames[stream].push(FrameLoc {
                    offset,
                    frame,
                    gap: 0,
                });
                return ControlFlow::Continue(());
            }
            if stream >= frames.len() {
                frames.resize_with(stream + 1, Vec::new);
                full.resize(stream + 1, false);
            }
            let (frame, gap) = match (u32::try_from(index), u32::try_from(index - prev_tcp)) {
                (Ok(f), Ok(g)) => (f, g),
                _ => {
                    full[stream] = true;
                    (u32::MAX, 0)
                }
            };
            full[stream] |= reassembled;
            frames[stream].push(FrameLoc { offset, frame, gap });
            prev_tcp = index;
            while let Some(s) = tracker.pop_summary() {
                summaries.push(s);
            }
            since_report += 1;
            if since_report >= INDEX_REPORT_EVERY {
                since_report = 0;
                let p = IndexProgress {
                    bytes: position,
                    total_bytes,
                    frames: index,
                    new_summaries: &summaries[reported..],
                };
                reported = summaries.len();
                if on_progress(p).is_break() {
                    stopped = true;
                    return ControlFlow::Break(());
                }
            }
            ControlFlow::Continue(())
        },
    )?;
    let _ = stopped;
    tracker.finish();
    tracker.forget_all();
    while let Some(s) = tracker.pop_summary() {
        summaries.push(s);
    }
    let _ = on_progress(IndexProgress {
        bytes: total_bytes,
        total_bytes,
        frames: report.frames,
        new_summaries: &summaries[reported..],
    });
    frames.resize_with(summaries.len(), Vec::new);
    full.resize(summaries.len(), false);
    for f in frames.iter_mut().chain(udp_frames.iter_mut()) {
        f.shrink_to_fit();
    }
    Ok(CaptureIndex {
        path: path.to_path_buf(),
        summaries,
        frames,
        needs_full_read: full,
        udp_frames,
        udp_needs_full_read: udp_full,
        udp_summaries: udp_rows,
        t0_nanos: t0.unwrap_or(0),
        states,
        frames_total: report.frames,
        tcp_frames: report.tcp_frames,
        udp_frames_total: report.udp_frames,
        malformed: report.malformed,
        damage: report.damage,
        evicted_open: tracker.evicted_open(),
    })
}

impl CaptureIndex {
    /// The datagrams of UDP conversation `stream` of the indexed file,
    /// reading only its frames (by their offsets). `streams` is left empty:
    /// it lists TCP connections.
    pub fn udp_timeline(&self, stream: u32, opts: ReadOptions) -> Result<Timeline, CaptureError> {
        let n = stream as usize;
        let mut steps = Vec::new();
        if self.udp_needs_full_read.get(n).copied().unwrap_or(true) {
            read_all(
                &self.path,
                ReadOptions {
                    progress: false,
                    tcp_only: false,
                    ..opts
                },
                |s| {
                    if s.is_datagram() && s.stream == stream {
                        steps.push(s);
                    }
                },
            )?;
        } else {
            let mut reader = CaptureReader::open_for_seeking(&self.path)?;
            let mut decoder = Decoder::with_detail(step_detail(opts.keep_bytes));
            let mut tracker = Tracker::new();
            tracker.start_at_udp_stream(stream);
            for loc in &self.udp_frames[n] {
                reader.seek_record(loc.offset, u64::from(loc.frame), self.state_at(loc.offset))?;
                let frame = match reader.next_frame() {
                    Some(Ok(f)) => f,
                    Some(Err(e)) => return Err(e),
                    None => break,
                };
                let time = (frame.ts_nanos - self.t0_nanos) as f64 / 1e9;
                let DecodeOutcome::Udp(decoded) =
                    decoder.decode(frame.link_type, frame.data, frame.orig_len)
                else {
                    continue;
                };
                let found = Found {
                    frame: &frame,
                    time,
                    packet: Packet::Udp(decoded),
                };
                feed(&mut tracker, found, opts.keep_bytes);
                while let Some(s) = tracker.pop() {
                    steps.push(s);
                }
            }
        }
        let packets = self.udp_frames.get(n).map_or(0, Vec::len);
        let title = crate::i18n::msg!(
            opts.lang,
            "capture-udp-stream-title",
            stream = stream,
            packets = packets,
        );
        Ok(Timeline {
            source: format!("capture: {}", self.path.display()),
            title,
            streams: Vec::new(),
            steps,
        })
    }

    fn state_at(&self, offset: u64) -> &ReaderState {
        let i = self.states.partition_point(|(o, _)| *o <= offset);
        &self.states[i.saturating_sub(1)].1
    }

    /// The timeline of one stream of the indexed file, reading only its frames
    /// (by their offsets). `opts.keep_bytes` keeps each frame's bytes for the
    /// layers view. Steps keep their stream number; `streams` holds the
    /// endpoints of every stream up to this one, so views can index it by
    /// stream number.
    pub fn timeline(&self, stream: u32, opts: ReadOptions) -> Result<Timeline, CaptureError> {
        let idx = self;
        let keep_bytes = opts.keep_bytes;
        let n = stream as usize;
        let streams: Vec<StreamInfo> = idx.summaries
            [..=n.min(idx.summaries.len().saturating_sub(1))]
            .iter()
            .map(|s| StreamInfo {
                client: s.client,
                server: s.server,
            })
            .collect();
        let mut steps = Vec::new();
        if idx.needs_full_read.get(n).copied().unwrap_or(true) {
            read_all(
                &idx.path,
                ReadOptions {
                    progress: false,
                    ..opts
                },
                |s| {
                    if s.in_tcp_stream(stream) {
                        steps.push(s);
                    }
                },
            )?;
        } else {
            let mut reader = CaptureReader::open_for_seeking(&idx.path)?;
            let mut decoder = Decoder::with_detail(step_detail(keep_bytes));
            let mut tracker = Tracker::new();
            tracker.start_at_stream(stream);
            for loc in &idx.frames[n] {
                reader.seek_record(loc.offset, u64::from(loc.frame), idx.state_at(loc.offset))?;
                let frame = match reader.next_frame() {
                    Some(Ok(f)) => f,
                    Some(Err(e)) => return Err(e),
                    None => break,
                };
                let time = (frame.ts_nanos - idx.t0_nanos) as f64 / 1e9;
                let DecodeOutcome::Tcp(decoded) =
                    decoder.decode(frame.link_type, frame.data, frame.orig_len)
                else {
                    continue;
                };
                tracker.seen_up_to(u64::from(loc.frame - loc.gap));
                while let Some(s) = tracker.pop() {
                    steps.push(s);
                }
                feed(
                    &mut tracker,
                    Found {
                        frame: &frame,
                        time,
                        packet: Packet::Tcp(decoded),
                    },
                    keep_bytes,
                );
                while let Some(s) = tracker.pop() {
                    steps.push(s);
                }
            }
            tracker.finish();
            while let Some(s) = tracker.pop() {
                steps.push(s);
            }
        }
        let title = match idx.summaries.get(n) {
            Some(s) => crate::i18n::msg!(
                opts.lang,
                "capture-stream-title",
                stream = stream,
                client = s.client.to_string(),
                server = s.server.to_string(),
                packets = s.packets,
            ),
            None => crate::i18n::msg!(opts.lang, "capture-stream-title-bare", stream = stream),
        };
        Ok(Timeline {
            source: format!("capture: {}", idx.path.display()),
            title,
            streams,
            steps,
        })
    }
}

/// A whole file in one timeline, every connection kept (or only the steps
/// of `opts.stream`; the report still has every stream).
pub fn timeline(path: &Path, opts: ReadOptions) -> Result<(Timeline, CaptureReport), CaptureError> {
    let mut steps = Vec::new();
    let report = read_all(path, opts, |s| {
        if opts.wants_step(&s) {
            steps.push(s);
        }
    })?;
    let tl = Timeline {
        source: format!("capture: {}", path.display()),
        title: {
            let mut title = crate::i18n::msg!(
                opts.lang,
                "capture-title",
                frames = report.frames,
                segments = report.tcp_frames,
                streams = report.streams.len(),
            );
            if report.udp_frames > 0 {
                title.push_str(&crate::i18n::msg!(
                    opts.lang,
                    "capture-title-udp",
                    datagrams = report.udp_frames,
                    conversations = report.udp_streams,
                ));
            }
            title
        },
        streams: report.streams.clone(),
        steps,
    };
    Ok((tl, report))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every capture the tests know: synack's samples and the shared corpus.
    fn files() -> Vec<PathBuf> {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut out = Vec::new();
        for dir in [root.join("captures"), root.join("../shared/corpus")] {
            let Ok(entries) = std::fs::read_dir(&dir) else {
                continue;
            };
            for e in entries.flatten() {
                let p = e.path();
                if p.extension()
                    .is_some_and(|x| x == "pcap" || x == "pcapng" || x == "cap")
                {
                    out.push(p);
                }
            }
        }
        out.sort();
        out
    }

    /// The fast paths (streaming steps, steps on two threads, summaries
    /// without steps, the index and one stream read by offsets) give what
    /// the plain whole-file read gives, with UDP datagrams and without.
    #[test]
    fn fast_paths_agree_with_the_plain_read() {
        let mut checked = 0;
        for path in files() {
            for tcp_only in [true, false] {
                checked += fast_paths_agree_on(&path, tcp_only);
            }
        }
        assert!(checked > 10, "only {checked} captures read");
    }

    fn fast_paths_agree_on(path: &Path, tcp_only: bool) -> usize {
        let base = ReadOptions {
            tcp_only,
            ..ReadOptions::default()
        };
        {
            let mut all = Vec::new();
            let Ok(report) = read_all(path, base, |s| all.push(s)) else {
                return 0;
            };
            let name = format!("{} (tcp_only: {tcp_only})", path.display());
            assert_eq!(
                all.iter().filter(|s| s.is_datagram()).count() as u64,
                report.udp_frames
            );
            let frames: Vec<u64> = all
                .iter()
                .filter_map(|s| s.datagram.as_ref().map(|d| d.frame))
                .collect();
            assert!(frames.is_sorted(), "datagrams in frame order in {name}");

            for parallel in [false, true] {
                let opts = ReadOptions { parallel, ..base };
                let mut streamed = Vec::new();
                let mut ended = Vec::new();
                let r = steps(path, opts, |ev| {
                    match ev {
                        StepEvent::Step(s) => streamed.push(s.clone()),
                        StepEvent::End(n) => ended.push(n),
                    }
                    ControlFlow::Continue(())
                })
                .unwrap();
                assert_eq!(streamed, all, "steps (parallel: {parallel}) on {name}");
                let every: Vec<u32> = (0..report.streams.len() as u32).collect();
                assert_eq!(ended, every, "end marks (parallel: {parallel}) on {name}");
                assert_eq!(r.connections, report.streams.len() as u64);

                let mut sums = Vec::new();
                summaries(path, opts, |s| {
                    sums.push(s);
                    ControlFlow::Continue(())
                })
                .unwrap();
                assert_eq!(
                    sums, report.summaries,
                    "summaries (parallel: {parallel}) on {name}"
                );
            }

            let idx = index(path, |_| ControlFlow::Continue(())).unwrap();
            assert_eq!(idx.summaries, report.summaries, "index on {name}");
            if !tcp_only {
                assert_eq!(idx.udp_frames.len() as u64, report.udp_streams);
                for n in 0..report.udp_streams as u32 {
                    let want: Vec<&Step> = all
                        .iter()
                        .filter(|x| x.is_datagram() && x.stream == n)
                        .collect();
                    let tl = idx.udp_timeline(n, base).unwrap();
                    let got: Vec<&Step> = tl.steps.iter().collect();
                    assert_eq!(got, want, "index UDP timeline {n} of {name}");
                }
            }
            for s in &report.summaries {
                let only = ReadOptions {
                    stream: Some(s.stream),
                    ..base
                };
                let want: Vec<&Step> = all.iter().filter(|x| x.in_tcp_stream(s.stream)).collect();
                let tl = idx.timeline(s.stream, only).unwrap();
                let got: Vec<&Step> = tl.steps.iter().collect();
                assert_eq!(got, want, "index timeline {} of {name}", s.stream);
                assert_eq!(tl.streams.len(), s.stream as usize + 1);
                let (tl, _) = timeline(path, only).unwrap();
                let got: Vec<&Step> = tl.steps.iter().collect();
                assert_eq!(got, want, "timeline of stream {} of {name}", s.stream);
                let mut rows = Vec::new();
                summaries(path, only, |r| {
                    rows.push(r);
                    ControlFlow::Continue(())
                })
                .unwrap();
                assert_eq!(
                    rows,
                    std::slice::from_ref(s),
                    "summary of stream {} of {name}",
                    s.stream
                );
            }
        }
        1
    }
}
