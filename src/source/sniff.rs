//! `synack sniff`: follow the TCP connections other programs make on an
//! interface, through the same decoder and tracker as a capture file.
//!
//! The work per segment does not grow with what came before: the tracker
//! runs in its streaming mode (as `inspect --json` does), forgetting a
//! connection once it is finished and summarised. In the text modes each
//! step is written out as soon as it is decided and then let go
//! ([`Keep::Nothing`]); the terminal UI needs a timeline to browse, so it
//! keeps the latest [`MAX_BROWSE_STEPS`] steps and the summaries of at most
//! [`MAX_BROWSE_SUMMARIES`] forgotten connections ([`Keep::Latest`]), and
//! says in the status line when older ones were let go.
//!
//! With a tracer (root, tracefs), each segment step also gets the kernel's
//! states and the changes it made on that step ([`KernelFeed`]). A step
//! then waits until the tracer has delivered events past the next step of
//! its connection, or [`KERNEL_BOUND`] after its frame, whichever is first.

use super::kernel::attribute::{self, ConnKernel, SLACK_NS};
use super::kernel::sniffer::{Frame, Sniffer};
use super::kernel::tracefs::{Event, EventKind, Tracer};
use crate::i18n::msg;
use crate::pcap::PcapWriter;
use crate::source::Source;
use crate::tcp::tracker::{Summary, Tracker};
use crate::timeline::{Side, Step, StreamInfo, Timeline};
use crate::wire::decode::{DecodeOutcome, Decoder, Detail};
use anyhow::{Context, Result};
use std::collections::{HashMap, VecDeque};
use std::net::SocketAddr;
use std::sync::mpsc::RecvTimeoutError;
use std::time::{Duration, Instant};

/// Terminal UI: at most this many steps are kept to browse.
pub const MAX_BROWSE_STEPS: usize = 20_000;
/// Terminal UI: at most this many bytes of frames are kept in those steps
/// (the UI copies the timeline when it changes, so this counts twice).
pub const MAX_BROWSE_BYTES: usize = 16 << 20;
/// Terminal UI: summaries kept of connections the tracker forgot (the
/// connection list is copied when it changes, too).
pub const MAX_BROWSE_SUMMARIES: usize = 20_000;
/// Frames taken in one [`SniffSource::wait`], so that the caller writes
/// out and checks for Ctrl-C often even while frames keep coming.
const MAX_BATCH: usize = 4096;
/// After Ctrl-C, frames already captured are still taken for this long;
/// the rest are counted and left.
const FINISH_BUDGET: Duration = Duration::from_millis(500);
/// With a tracer, a step waits at most this long after its frame for the
/// kernel's events of it. The trace pipe's reader polls every 50 ms and
/// the changes a segment causes come within microseconds of it, so this
/// is three reader rounds: enough on a busy machine, short enough that
/// the text modes still read as live.
pub const KERNEL_BOUND: Duration = Duration::from_millis(150);

/// What the source holds on to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Keep {
    /// Steps are handed out by [`SniffSource::drain_ready`] and dropped.
    Nothing,
    /// The latest steps stay in the timeline, for the terminal UI.
    Latest,
}

pub struct SniffSource {
    /// The language of the status line.
    lang: crate::explain::Lang,
    sniffer: Sniffer,
    iface: String,
    port: Option<u16>,
    keep: Keep,
    /// Stop taking segments after this many (`--count`).
    limit: Option<u64>,
    decoder: Decoder,
    tracker: Tracker,
    /// Frames counted (and saved): the matching TCP frames.
    frames: u64,
    /// TCP segments taken in.
    segments: u64,
    /// Connections seen.
    conns: u64,
    writer: Option<PcapWriter>,
    write_error: Option<String>,
    t0: Option<i128>,
    timeline: Timeline,
    /// [`Keep::Nothing`]: steps decided and not yet handed out.
    ready: Vec<Step>,
    /// [`Keep::Latest`]: steps and frame bytes let go from the front.
    steps_let_go: u64,
    kept_bytes: usize,
    /// [`Keep::Latest`]: summaries of forgotten connections, in stream order.
    forgotten: VecDeque<Summary>,
    summaries_let_go: u64,
    /// Frames captured before Ctrl-C that there was no time left to take.
    unshown: u64,
    stopped: bool,
    /// The kernel's events, when a tracer could be set up.
    kernel: Option<KernelFeed>,
}

impl SniffSource {
    /// Follow what `sniffer` captures; with `port`, only that port's
    /// segments, which the kernel is asked to filter.
    pub fn new(
        sniffer: Sniffer,
        iface: &str,
        port: Option<u16>,
        writer: Option<PcapWriter>,
        keep: Keep,
        lang: crate::explain::Lang,
    ) -> SniffSource {
        // Only slower without it: the port is checked here again anyway.
        let _ = sniffer.set_filter(port, false);
        let what = port.map_or_else(|| "all TCP".to_string(), |p| format!("TCP port {p}"));
        let detail = match keep {
            // What the NDJSON and text lines show: no payload copy.
            Keep::Nothing => Detail {
                layers: true,
                options: true,
                payload: false,
            },
            Keep::Latest => Detail::ALL,
        };
        SniffSource {
            lang,
            sniffer,
            iface: iface.to_string(),
            port,
            keep,
            limit: None,
            decoder: Decoder::with_detail(detail),
            tracker: Tracker::streaming(true),
            frames: 0,
            segments: 0,
            conns: 0,
            writer,
            write_error: None,
            t0: None,
            timeline: Timeline {
                source: format!("sniff: {iface}"),
                title: format!("{what} on {iface}, live"),
                streams: Vec::new(),
                steps: Vec::new(),
            },
            ready: Vec::new(),
            steps_let_go: 0,
            kept_bytes: 0,
            forgotten: VecDeque::new(),
            summaries_let_go: 0,
            unshown: 0,
            stopped: false,
            kernel: None,
        }
    }

    /// Give every segment step the kernel's states from `tracer`'s events.
    pub fn with_tracer(mut self, tracer: Tracer) -> SniffSource {
        self.kernel = Some(KernelFeed::new(tracer, self.lang));
        self
    }

    /// True when steps carry the kernel's states.
    pub fn traced(&self) -> bool {
        self.kernel.is_some()
    }

    /// Take no more than `n` segments (`--count`).
    pub fn with_limit(mut self, n: Option<u64>) -> SniffSource {
        self.limit = n;
        self
    }

    pub fn segments(&self) -> u64 {
        self.segments
    }

    /// Frames the kernel dropped because they were not read in time.
    pub fn dropped(&self) -> u64 {
        self.sniffer.dropped()
    }

    /// Frames captured before the stop but not taken in (see
    /// [`FINISH_BUDGET`]).
    pub fn unshown(&self) -> u64 {
        self.unshown
    }

    /// Why capturing costs more than it should, if it does.
    pub fn note(&self) -> Option<&str> {
        self.sniffer.note()
    }

    fn save(&mut self, f: &Frame) {
        if let Some(w) = self.writer.as_mut() {
            let r = w
                .write_frame(f.ts_nanos, &f.data, f.orig_len)
                .and_then(|_| w.flush());
            if let Err(e) = r {
                self.write_error.get_or_insert(e.to_string());
            }
        }
    }

    fn full(&self) -> bool {
        self.limit.is_some_and(|n| self.segments >= n)
    }

    /// Take one frame; true when it was a TCP segment of interest.
    fn take(&mut self, f: Frame) -> bool {
        if self.full() {
            return false;
        }
        let link = self.sniffer.link_type;
        let d = match self.decoder.decode(link, &f.data, f.orig_len) {
            DecodeOutcome::Tcp(d) => d,
            _ => return false,
        };
        if let Some(p) = self.port
            && d.src.port() != p
            && d.dst.port() != p
        {
            return false;
        }
        self.frames += 1;
        self.segments += 1;
        let t0 = *self.t0.get_or_insert(f.ts_nanos);
        self.save(&f);
        let time = (f.ts_nanos - t0) as f64 / 1e9;
        let captured = f.data.len();
        let data = match self.keep {
            Keep::Latest => f.data,
            Keep::Nothing => Vec::new(),
        };
        self.tracker.push(crate::source::capture::observe_frame(
            self.frames,
            time,
            link,
            data,
            captured,
            f.orig_len,
            d,
        ));
        self.conns = self.conns.max(self.tracker.stream_of_last() as u64 + 1);
        while let Some(step) = self.tracker.pop() {
            self.hold(step);
        }
        while let Some(s) = self.tracker.pop_summary() {
            if let Some(k) = self.kernel.as_mut() {
                k.forget(s.stream);
            }
            self.keep_summary(s);
        }
        true
    }

    /// A step is placed at once, or, with a tracer, once the kernel's
    /// events of it can have come.
    fn hold(&mut self, step: Step) {
        match self.kernel.as_mut() {
            None => self.place(step),
            Some(k) => {
                let t0 = self.t0.unwrap_or(0);
                k.hold(step, t0);
            }
        }
    }

    /// Place the held steps that are final (all of them with `all`).
    fn release(&mut self, all: bool) {
        let Some(mut k) = self.kernel.take() else {
            return;
        };
        let t0 = self.t0.unwrap_or(0);
        k.take_events();
        while let Some(step) = k.next_final(t0, all) {
            self.place(step);
        }
        self.kernel = Some(k);
    }

    fn place(&mut self, step: Step) {
        match self.keep {
            Keep::Nothing => self.ready.push(step),
            Keep::Latest => {
                let streams = &mut self.timeline.streams;
                if let Some(v) = &step.segment
                    && streams.len() <= step.stream as usize
                {
                    let (client, server) = match v.from {
                        Side::Client => (v.src, v.dst),
                        Side::Server => (v.dst, v.src),
                    };
                    streams.resize(step.stream as usize + 1, StreamInfo { client, server });
                }
                self.kept_bytes += bytes_of(&step);
                self.timeline.steps.push(step);
                self.trim();
            }
        }
    }

    /// Let the oldest steps go once over the bounds, a quarter at a time so
    /// that the shifting is paid once per many steps.
    fn trim(&mut self) {
        let steps = &mut self.timeline.steps;
        if steps.len() <= MAX_BROWSE_STEPS && self.kept_bytes <= MAX_BROWSE_BYTES {
            return;
        }
        let mut n = steps.len().saturating_sub(MAX_BROWSE_STEPS * 3 / 4);
        let mut bytes: usize = steps[..n].iter().map(bytes_of).sum();
        while n < steps.len() && self.kept_bytes - bytes > MAX_BROWSE_BYTES * 3 / 4 {
            bytes += bytes_of(&steps[n]);
            n += 1;
        }
        steps.drain(..n);
        self.kept_bytes -= bytes;
        self.steps_let_go += n as u64;
    }

    fn keep_summary(&mut self, s: Summary) {
        if self.keep == Keep::Latest {
            if self.forgotten.len() >= MAX_BROWSE_SUMMARIES {
                self.forgotten.pop_front();
                self.summaries_let_go += 1;
            }
            self.forgotten.push_back(s);
        }
    }

    /// Hand each step decided since the last call to `f`, in order, and
    /// let it go ([`Keep::Nothing`]).
    pub fn drain_ready(&mut self, mut f: impl FnMut(&Step)) {
        for step in self.ready.drain(..) {
            f(&step);
            if let Some(v) = step.segment {
                let layers = v.bytes.map(|b| b.layers).unwrap_or_default();
                self.decoder.recycle(layers, v.seg.options);
            }
        }
    }

    fn failed(&self, e: std::io::Error) -> anyhow::Error {
        anyhow::anyhow!("capture on {} failed: {e}", self.iface)
    }

    /// Take what is waiting, at most [`MAX_BATCH`] frames.
    fn drain(&mut self) -> Result<bool> {
        let mut changed = false;
        for _ in 0..MAX_BATCH {
            match self.sniffer.try_recv() {
                Ok(Ok(f)) => changed |= self.take(f),
                Ok(Err(e)) => return Err(self.failed(e)),
                Err(_) => break,
            }
        }
        if self.kernel.is_some() {
            let before = self.timeline.steps.len() + self.ready.len() + self.steps_let_go as usize;
            self.release(false);
            changed |=
                self.timeline.steps.len() + self.ready.len() + self.steps_let_go as usize != before;
        }
        Ok(changed)
    }

    /// Wait up to `timeout` for a frame, then take what is waiting (at most
    /// [`MAX_BATCH`] frames, and never past the limit).
    pub fn wait(&mut self, timeout: Duration) -> Result<bool> {
        let mut changed = false;
        match self.sniffer.recv_timeout(timeout) {
            Ok(Ok(f)) => changed |= self.take(f),
            Ok(Err(e)) => return Err(self.failed(e)),
            Err(RecvTimeoutError::Timeout) | Err(RecvTimeoutError::Disconnected) => {}
        }
        if !self.full() {
            changed |= self.drain()?;
        }
        Ok(changed)
    }

    /// Stop capturing, take the frames captured until then (for at most
    /// [`FINISH_BUDGET`]), settle the held steps and finish the `--save`
    /// file.
    pub fn finish(&mut self) -> Result<()> {
        if !self.stopped {
            self.stopped = true;
            self.sniffer.stop();
            let until = Instant::now() + FINISH_BUDGET;
            let mut error = None;
            while let Ok(r) = self.sniffer.try_recv() {
                match r {
                    Ok(_) if Instant::now() >= until => self.unshown += 1,
                    Ok(f) => {
                        self.take(f);
                    }
                    Err(e) => {
                        error.get_or_insert(e);
                    }
                }
            }
            self.tracker.finish();
            while let Some(step) = self.tracker.pop() {
                self.hold(step);
            }
            // The kernel's events of the last steps are still on their way.
            if let Some(end) = self.kernel.as_ref().and_then(KernelFeed::last_due) {
                while Instant::now() < end {
                    std::thread::sleep(Duration::from_millis(10));
                    self.release(false);
                }
            }
            self.release(true);
            // Summarise what is left, for the connection list.
            self.tracker.finish();
            while let Some(s) = self.tracker.pop_summary() {
                self.keep_summary(s);
            }
            if let Some(e) = error {
                return Err(self.failed(e));
            }
        }
        if let Some(w) = self.writer.take() {
            w.finish().context("cannot finish the --save file")?;
        }
        if let Some(e) = &self.write_error {
            anyhow::bail!("writing the --save file failed: {e}");
        }
        Ok(())
    }
}

/// One connection the tracker follows, as the kernel's events see it.
struct Conn {
    client: SocketAddr,
    server: SocketAddr,
    k: ConnKernel,
    /// Its held steps: frame time and sender.
    held: VecDeque<(i128, Side)>,
    /// Its events not yet given to a step.
    events: Vec<(Event, Side)>,
    /// The tracker has forgotten it: drop it once its steps are out.
    done: bool,
}

/// The tracer's events, matched to the connections the tracker follows and
/// given to their steps: a change only a call makes (connect, close,
/// shutdown: `sniff` sees no calls) to the segment that call sends, any
/// other to the last segment that end received at or before it (as
/// `synack trace` does), so that on loopback, where the other side's
/// segment follows within microseconds, the change stays with its cause.
pub struct KernelFeed {
    tracer: Tracer,
    lang: crate::explain::Lang,
    held: VecDeque<(Step, i128)>,
    conns: HashMap<u32, Conn>,
    /// Each end's (local address, local port, remote port) → its stream.
    ends: HashMap<(std::net::IpAddr, u16, u16), (u32, Side)>,
    /// Listening sockets' kernel states by port: from `/proc` at the
    /// start, then from their events.
    listeners: HashMap<u16, u8>,
    /// Events of no followed connection (yet): a `connect()`'s
    /// CLOSE → SYN_SENT comes before its SYN is captured, with no port.
    loose: Vec<Event>,
    /// The latest event time seen.
    latest: i128,
}

fn realtime_nanos() -> i128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as i128)
}

impl KernelFeed {
    fn new(tracer: Tracer, lang: crate::explain::Lang) -> KernelFeed {
        let mut tracer = tracer;
        tracer.run();
        let mut listeners = HashMap::new();
        for v6 in [false, true] {
            for s in super::kernel::proc::read_sockets(v6).unwrap_or_default() {
                if s.st == 10 {
                    listeners.insert(s.local.port(), 10);
                }
            }
        }
        KernelFeed {
            tracer,
            lang,
            held: VecDeque::new(),
            conns: HashMap::new(),
            ends: HashMap::new(),
            listeners,
            loose: Vec::new(),
            latest: 0,
        }
    }

    fn hold(&mut self, step: Step, t0: i128) {
        let t = t0 + (step.time * 1e9).round() as i128;
        if let Some(v) = &step.segment {
            let s = step.stream;
            if !self.conns.contains_key(&s) {
                let (client, server) = match v.from {
                    Side::Client => (v.src, v.dst),
                    Side::Server => (v.dst, v.src),
                };
                self.ends.insert(
                    (client.ip(), client.port(), server.port()),
                    (s, Side::Client),
                );
                self.ends.insert(
                    (server.ip(), server.port(), client.port()),
                    (s, Side::Server),
                );
                self.conns.insert(
                    s,
                    Conn {
                        client,
                        server,
                        k: ConnKernel::default(),
                        held: VecDeque::new(),
                        events: Vec::new(),
                        done: false,
                    },
                );
                let conn = self.conns.get_mut(&s).expect("just inserted");
                // Events that came before its first frame was taken.
                let mut syn_sent = false;
                self.loose.retain(|e| {
                    let Some((side, _)) = attribute::end_of(e, client, server) else {
                        return true;
                    };
                    if e.sport == 0 {
                        // One connect() each: the earliest before this SYN.
                        if syn_sent || e.t_nanos > t + SLACK_NS {
                            return true;
                        }
                        syn_sent = true;
                    }
                    conn.events.push((e.clone(), side));
                    false
                });
            }
            if let Some(c) = self.conns.get_mut(&s) {
                c.held.push_back((t, v.from));
            }
        }
        self.held.push_back((step, t));
    }

    fn forget(&mut self, stream: u32) {
        if let Some(c) = self.conns.get_mut(&stream) {
            c.done = true;
        }
        self.drop_if_done(stream);
    }

    fn drop_if_done(&mut self, stream: u32) {
        let Some(c) = self.conns.get(&stream) else {
            return;
        };
        if !c.done || !c.held.is_empty() {
            return;
        }
        let (client, server) = (c.client, c.server);
        self.conns.remove(&stream);
        for key in [
            (client.ip(), client.port(), server.port()),
            (server.ip(), server.port(), client.port()),
        ] {
            if self.ends.get(&key).is_some_and(|(s, _)| *s == stream) {
                self.ends.remove(&key);
            }
        }
    }

    /// Take what the tracer has read and give it to its connection.
    fn take_events(&mut self) {
        for e in self.tracer.take() {
            self.latest = self.latest.max(e.t_nanos);
            if e.dport == 0 && e.sport != 0 {
                if let EventKind::State { new, .. } = e.kind {
                    self.listeners.insert(e.sport, new);
                }
                continue;
            }
            let hit = e
                .saddr
                .parse::<std::net::IpAddr>()
                .ok()
                .and_then(|ip| self.ends.get(&(ip, e.sport, e.dport)).copied());
            match hit {
                Some((s, side)) => {
                    if let Some(c) = self.conns.get_mut(&s) {
                        c.events.push((e, side));
                    }
                }
                None if e.sport == 0 => {
                    // A connect() whose SYN may already be held: the
                    // earliest such connection still without its change.
                    let owner = self
                        .held
                        .iter()
                        .filter_map(|(st, t)| {
                            let v = st.segment.as_ref()?;
                            let syn = v.seg.flags.syn() && !v.seg.flags.ack();
                            let c = self.conns.get(&st.stream)?;
                            (syn && *t + SLACK_NS >= e.t_nanos
                                && attribute::end_of(&e, c.client, c.server).is_some()
                                && !c.events.iter().any(|(x, _)| x.sport == 0))
                            .then_some(st.stream)
                        })
                        .next();
                    match owner.and_then(|s| self.conns.get_mut(&s)) {
                        Some(c) => c.events.push((e, Side::Client)),
                        None => self.loose.push(e),
                    }
                }
                None => self.loose.push(e),
            }
        }
        // Events of no followed connection are let go after a while.
        let old = realtime_nanos() - 4 * KERNEL_BOUND.as_nanos() as i128;
        self.loose.retain(|e| e.t_nanos >= old);
    }

    /// When the last held step is due, if any is held.
    fn last_due(&self) -> Option<Instant> {
        let (_, t) = self.held.back()?;
        let left = (t + KERNEL_BOUND.as_nanos() as i128 - realtime_nanos())
            .clamp(0, KERNEL_BOUND.as_nanos() as i128);
        Some(Instant::now() + Duration::from_nanos(left as u64))
    }

    /// The first held step, with the kernel's states, once it is final:
    /// the tracer has delivered events past the next step of its
    /// connection, or [`KERNEL_BOUND`] has passed since its frame.
    fn next_final(&mut self, t0: i128, all: bool) -> Option<Step> {
        let (step, t) = self.held.front()?;
        let due = *t + KERNEL_BOUND.as_nanos() as i128 <= realtime_nanos();
        let next_seen = self
            .conns
            .get(&step.stream)
            .and_then(|c| c.held.get(1))
            .is_some_and(|(tn, _)| self.latest >= tn + SLACK_NS);
        if !(all || due || next_seen) {
            return None;
        }
        let (mut step, t) = self.held.pop_front()?;
        let Some(from) = step.segment.as_ref().map(|v| v.from) else {
            return Some(step);
        };
        let rst = step.segment.as_ref().is_some_and(|v| v.seg.flags.rst());
        let listener = self
            .conns
            .get(&step.stream)
            .and_then(|c| self.listeners.get(&c.server.port()).copied());
        let lang = self.lang;
        let Some(c) = self.conns.get_mut(&step.stream) else {
            return Some(step);
        };
        c.held.pop_front();
        let later = &c.held;
        let mut mine: Vec<(Event, Side)> = Vec::new();
        c.events.retain(|(e, side)| {
            let side = *side;
            let sent_first = match &e.kind {
                EventKind::State { old, new } => {
                    attribute::made_by_a_call(*old, *new)
                        || (*new == 7 && matches!(old, 1 | 8) && rst && from == side)
                }
                EventKind::ReceiveReset => false,
                _ => true,
            };
            let owned = if sent_first {
                // Made just before the segment it causes.
                e.t_nanos <= t + SLACK_NS
                    && (from == side || !later.iter().any(|(_, f)| *f == side))
            } else {
                // Made on the arrival of the last segment that end received,
                // before the connection's next step (a later one may not
                // have been taken yet).
                (from != side || e.t_nanos <= t + SLACK_NS)
                    && later
                        .front()
                        .is_none_or(|(tn, _)| e.t_nanos <= tn + SLACK_NS)
                    && !later
                        .iter()
                        .any(|(tl, f)| *f != side && *tl <= e.t_nanos + SLACK_NS)
            };
            if owned {
                mine.push((e.clone(), side));
            }
            !owned
        });
        mine.sort_by_key(|(e, _)| e.t_nanos);
        let mut detail = crate::timeline::KernelDetail::default();
        let mut changes = Vec::new();
        for (e, side) in &mine {
            match e.kind {
                EventKind::State { old, new } => {
                    changes.push((*side, "connection", old, new));
                    detail.transitions.push(crate::timeline::KernelTransition {
                        side: *side,
                        socket: "connection",
                        from: super::kernel::proc::kernel_state(old),
                        to: super::kernel::proc::kernel_state(new),
                        t: (e.t_nanos - t0) as f64 / 1e9,
                    });
                }
                ref kind => detail.events.push(event_text(kind, *side, lang)),
            }
        }
        c.k.listener = listener;
        let (kernel, tw_began) = c.k.step(step.after, &changes, None);
        detail.note = attribute::note(kernel, step.after, tw_began, lang);
        step.kernel = Some(kernel);
        step.kernel_detail = Some(Box::new(detail));
        let stream = step.stream;
        self.drop_if_done(stream);
        Some(step)
    }
}

/// What the kernel did on its own, as the lab says it.
fn event_text(kind: &EventKind, side: Side, lang: crate::explain::Lang) -> String {
    let side = lang.side(side);
    match kind {
        EventKind::Retransmit => msg!(lang, "kernel-event-retransmit", side = side),
        EventKind::RetransmitSynAck => msg!(lang, "kernel-event-retransmit-syn-ack"),
        EventKind::SendReset => msg!(lang, "kernel-event-send-reset", side = side),
        _ => msg!(lang, "kernel-event-receive-reset", side = side),
    }
}

fn bytes_of(s: &Step) -> usize {
    s.segment
        .as_ref()
        .and_then(|v| v.bytes.as_ref())
        .map_or(0, |b| b.data.len())
}

impl Source for SniffSource {
    fn timeline(&self) -> &Timeline {
        &self.timeline
    }
    fn poll(&mut self) -> Result<bool> {
        if self.stopped {
            return Ok(false);
        }
        self.drain()
    }
    fn advance(&mut self) -> Result<bool> {
        Ok(false)
    }
    fn next_hint(&self) -> Option<String> {
        None
    }
    fn finished(&self) -> bool {
        self.stopped
    }
    fn summaries(&self) -> Vec<Summary> {
        let mut all: Vec<Summary> = self.forgotten.iter().cloned().collect();
        all.extend(self.tracker.summaries());
        all
    }

    fn status(&self) -> String {
        let lang = self.lang;
        let what = match self.port {
            None => "TCP".to_string(),
            Some(p) => msg!(lang, "sniff-status-port", port = p.to_string()),
        };
        let mut s = msg!(
            lang,
            "sniff-status",
            what = what,
            iface = self.iface.as_str(),
            frames = self.frames,
            segments = self.segments,
            conns = self.conns,
        );
        if self.steps_let_go > 0 {
            s.push_str(&msg!(
                lang,
                "sniff-status-steps-let-go",
                kept = self.timeline.steps.len(),
                gone = self.steps_let_go,
            ));
        }
        if self.summaries_let_go > 0 {
            s.push_str(&msg!(
                lang,
                "sniff-status-summaries-let-go",
                gone = self.summaries_let_go
            ));
        }
        let dropped = self.dropped();
        if dropped > 0 {
            s.push_str(&msg!(lang, "sniff-status-dropped", dropped = dropped));
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::timeline::segment::{Flags, Segment};
    use crate::timeline::seq::SeqNum;
    use std::net::SocketAddr;

    /// A source on `lo` fed by hand (the capture thread idles: nothing is
    /// sent to the port it filters on). None without CAP_NET_RAW.
    fn source(keep: Keep) -> Option<SniffSource> {
        let Ok(sock) = crate::source::kernel::sniffer::RawSocket::open("lo") else {
            eprintln!("SKIP: needs CAP_NET_RAW (run as root)");
            return None;
        };
        Some(SniffSource::new(
            Sniffer::start(sock),
            "lo",
            Some(9),
            None,
            keep,
            crate::explain::Lang::En,
        ))
    }

    /// `n` connections to port 9, each SYN, SYN/ACK, ACK, RST.
    fn feed(src: &mut SniffSource, n: u32) {
        let server: SocketAddr = "127.0.0.1:9".parse().unwrap();
        let mut t = 1_000_000_000i128;
        for i in 0..n {
            let client: SocketAddr = format!(
                "127.0.{}.{}:{}",
                1 + i / 60000,
                1 + i % 200,
                1024 + i % 60000
            )
            .parse()
            .unwrap();
            let (c, s) = (SeqNum(1000 + i), SeqNum(5000 + i));
            for (seg, from, to) in [
                (Segment::new(c, SeqNum(0), Flags::SYN), client, server),
                (
                    Segment::new(s, c + 1, Flags::SYN | Flags::ACK),
                    server,
                    client,
                ),
                (Segment::new(c + 1, s + 1, Flags::ACK), client, server),
                (
                    Segment::new(c + 1, s + 1, Flags::RST | Flags::ACK),
                    client,
                    server,
                ),
            ] {
                let data = crate::wire::build::frame(&seg, from, to, 1).data;
                t += 10_000;
                let orig_len = data.len() as u32;
                src.take(Frame {
                    ts_nanos: t,
                    data,
                    orig_len,
                });
            }
        }
    }

    #[test]
    fn the_terminal_ui_keeps_a_bounded_window_and_says_so() {
        let Some(mut src) = source(Keep::Latest) else {
            return;
        };
        feed(&mut src, 8_000);
        assert_eq!(src.segments(), 32_000);
        let tl = src.timeline();
        assert!(tl.steps.len() <= MAX_BROWSE_STEPS, "{}", tl.steps.len());
        assert!(tl.steps.len() >= MAX_BROWSE_STEPS / 2);
        // The latest steps are the ones kept, in order.
        let last = tl.steps.last().and_then(|s| s.segment.as_ref()).unwrap();
        assert_eq!(last.frame, 32_000);
        assert_eq!(tl.streams.len(), 8_000, "every stream stays addressable");
        assert!(src.status().contains("older let go"), "{}", src.status());
        src.finish().unwrap();
        assert_eq!(src.summaries().len(), 8_000);
    }

    #[test]
    fn the_text_modes_hand_each_step_out_and_keep_none() {
        let Some(mut src) = source(Keep::Nothing) else {
            return;
        };
        feed(&mut src, 3);
        let mut frames = Vec::new();
        src.drain_ready(|s| frames.push(s.segment.as_ref().unwrap().frame));
        assert!(src.timeline().steps.is_empty());
        src.finish().unwrap();
        src.drain_ready(|s| frames.push(s.segment.as_ref().unwrap().frame));
        assert_eq!(frames, (1..=12).collect::<Vec<u64>>());
        src.drain_ready(|_| panic!("handed out twice"));
    }
}
