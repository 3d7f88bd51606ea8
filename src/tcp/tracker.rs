//! Follow the TCP connections of a capture: number them as tshark's
//! `tcp.stream` does, compute Wireshark's relative sequence numbers, infer
//! both endpoints' states with the same [`State::next`] the simulator uses,
//! and mark retransmissions and the like.
//!
//! Pure: segments come in with their frame number and time; steps come out
//! in frame order. A SYN's receiver is only known once it answers (SYN/ACK:
//! it was listening; RST: nothing listened; SYN: it was opening too), so a
//! SYN step is held back until that answer, or until [`HOLD_FRAMES`] frames
//! later, when the receiver stays UNKNOWN.
//!
//! UDP datagrams go through the same queue, so they come out in frame order
//! among the segments; their conversations are numbered apart, as tshark's
//! `udp.stream` (by address and port pair, in order of first appearance).

use super::analysis::Analyzer;
use super::state::{Event, State};
use crate::timeline::l7::Protocol;
use crate::timeline::segment::Segment;
use crate::timeline::seq::SeqNum;
use crate::timeline::{
    Call, DatagramView, FrameBytes, SegmentView, Side, States, Step, StepKind, StreamInfo, Timeline,
};
use std::collections::{HashMap, VecDeque};
use std::net::SocketAddr;

/// How many frames a SYN step may wait for its answer before it is let go.
pub const HOLD_FRAMES: u64 = 10_000;

/// Streaming mode: a connection closed by FINs from both ends or by a RST
/// is summarised and forgotten once it has been silent for this many
/// frames. A segment of it after that would start a new stream, so the
/// bound is generous (tshark keeps every conversation to the end).
pub const FINISHED_IDLE_FRAMES: u64 = 100_000;

/// Streaming mode: at most this many connections are followed at once.
/// Beyond it the ones silent longest are summarised early and forgotten
/// (a file of endless connections that never close must not use endless
/// memory); [`Tracker::evicted_open`] counts them.
pub const MAX_LIVE_CONNS: usize = 100_000;

/// Streaming mode: how often (in segments) finished connections are swept.
const SWEEP_EVERY: u64 = 32_768;

type Key = (SocketAddr, SocketAddr);

/// The `conn` of a queued datagram step: it belongs to no connection.
const NO_CONN: usize = usize::MAX;
type FastMap<K, V> = HashMap<K, V, foldhash::fast::RandomState>;

/// One captured TCP segment, as the decoder found it.
#[derive(Clone, Debug)]
pub struct Observed {
    pub frame: u64,
    /// Seconds since the first frame of the capture.
    pub time: f64,
    pub src: SocketAddr,
    pub dst: SocketAddr,
    pub seg: Segment,
    /// Payload length from the IP header (the captured payload may be shorter).
    pub len: u32,
    /// Frame length on the wire, for byte counts.
    pub wire_len: u32,
    pub bytes: Option<FrameBytes>,
    /// The decoder's reading of the payload (see `Decoded::l7`).
    pub l7: Option<crate::timeline::l7::L7>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Handshake {
    Complete,
    Partial,
    Simultaneous,
    None,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Close {
    Fin,
    Rst,
    HalfClosed,
    Open,
}

/// One captured UDP datagram, as the decoder found it.
#[derive(Clone, Debug)]
pub struct ObservedDatagram {
    pub frame: u64,
    /// Seconds since the first frame of the capture.
    pub time: f64,
    pub src: SocketAddr,
    pub dst: SocketAddr,
    /// Payload bytes (the captured payload may be shorter).
    pub len: u32,
    pub bytes: Option<FrameBytes>,
}

/// A UDP conversation: its `udp.stream` number and the end that spoke
/// first (the "client" of its steps).
struct UdpConv {
    stream: u32,
    first: SocketAddr,
    last_frame: u64,
}

/// One row of `inspect --summary`.
#[derive(Clone, Debug, PartialEq)]
pub struct Summary {
    pub stream: u32,
    pub client: SocketAddr,
    pub server: SocketAddr,
    pub packets: u64,
    pub bytes: u64,
    pub start: f64,
    pub duration: f64,
    pub handshake: Handshake,
    pub handshake_rtt: Option<f64>,
    pub close: Close,
    /// Flags seen in the connection, OR-ed together.
    pub flags_seen: u16,
    pub final_states: States,
    /// Only this side's segments are in the capture (the other side's
    /// states are inferred from what this one sends).
    pub one_sided: Option<Side>,
}

/// What one endpoint has shown of itself on the wire.
#[derive(Clone, Debug, Default)]
struct Endpoint {
    /// Wireshark's base sequence number: the SYN's, or one before the first
    /// seen (or first acknowledged) sequence number.
    base: Option<SeqNum>,
    /// Initial sequence number, when its SYN was seen.
    isn: Option<SeqNum>,
    /// Sequence number of its FIN, when seen.
    fin: Option<SeqNum>,
    syn_seen: bool,
    synack_seen: bool,
    /// One past its SYN and any data on it (TCP Fast Open): the highest
    /// acknowledgment a RST may carry to reset it in SYN_SENT.
    syn_end: Option<SeqNum>,
    /// A SYN/ACK of it with another ISN than `isn`, waiting for the peer to
    /// acknowledge it before the relative numbers are rebased on it.
    new_isn: Option<SeqNum>,
    /// The acknowledgment and window of its latest segment with ACK: its
    /// RCV.NXT and RCV.WND as far as the capture shows them.
    last_ack: Option<SeqNum>,
    last_win: u32,
    /// Window scale from its SYN, when it had the option.
    wscale: Option<u8>,
    /// One past the highest sequence number it sent.
    next: Option<SeqNum>,
    /// Any segment of it is in the capture.
    sent: bool,
}

/// What a receiver does with a RST (RFC 9293 §3.10.7, RFC 5961 §3.2).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum RstVerdict {
    Accept,
    /// In the window but not at RCV.NXT: answered with a challenge ACK.
    Challenge,
    Drop,
}

#[derive(Clone, Debug)]
struct Conn {
    stream: u32,
    /// `ends[0]` is the client.
    addrs: [SocketAddr; 2],
    ends: [Endpoint; 2],
    states: States,
    analyzer: Analyzer,
    reassembly: crate::tcp::reassembly::Reassembly,
    /// An HTTP `101` with `Upgrade: websocket` was seen: WebSocket frame
    /// candidates on this connection are believed from then on. One flag,
    /// so the state per connection stays bounded.
    websocket: bool,
    /// Steps of this connection still held in the queue, waiting for the
    /// answer to a SYN: (queue position id, receiver side).
    pending: Vec<u64>,
    /// The side those held SYNs wait on: the receiver of the first one.
    pending_side: Option<Side>,
    /// A FIN step held until its receiver's next segment shows whether the
    /// FIN had reached it (its ACK covers the FIN) or crossed the
    /// receiver's own FIN on the wire (a simultaneous close).
    fin_pending: Option<(u64, Side)>,
    /// Without steps: the FIN receiver's state before the held FIN.
    fin_was: Option<State>,
    /// Per FIN sender: its FIN crossed the peer's and has not been taken in.
    fin_in_flight: [bool; 2],
    /// Per side: the ACK of its FIN came in the same segment that showed
    /// the peer's crossed FIN had arrived; shown at the next segment so that
    /// this side passes through CLOSING, as it did.
    fin_ack_deferred: [bool; 2],
    /// Per side: it owes a challenge ACK (RFC 5961) for a RST or SYN it got.
    challenge_due: [bool; 2],
    packets: u64,
    bytes: u64,
    start: f64,
    last: f64,
    syn_time: Option<f64>,
    rtt: Option<f64>,
    syn_from: [bool; 2],
    synack_seen: bool,
    handshake_acked: bool,
    rst: bool,
    flags_seen: u16,
    /// Frame number of its latest segment.
    last_frame: u64,
    /// Replaced by a new connection on the same ports: no more segments.
    retired: bool,
    /// Ids of its steps still in the queue, oldest first.
    queued: VecDeque<u64>,
    key: Key,
}

impl Conn {
    fn side_of(&self, src: SocketAddr) -> Side {
        if src == self.addrs[0] {
            Side::Client
        } else {
            Side::Server
        }
    }
}

struct Held {
    id: u64,
    conn: usize,
    step: Step,
    /// The receiver whose state waits for its answer to this SYN.
    waiting: Option<Side>,
}

pub struct Tracker {
    by_key: FastMap<Key, usize>,
    /// Endpoints known to be listening (the live lab's own listener): a
    /// SYN to one of them needs no answer to say what its receiver was.
    listeners: Vec<SocketAddr>,
    /// Indexed by stream number; `None` once summarised and forgotten.
    conns: Vec<Option<Box<Conn>>>,
    queue: VecDeque<Held>,
    next_id: u64,
    last_frame: u64,
    /// Build a [`Step`] for every segment (otherwise only the per-connection
    /// aggregates of the summary are kept up to date).
    steps: bool,
    /// Summarise and forget finished (and, past [`MAX_LIVE_CONNS`], idle)
    /// connections; their summaries come out of [`Tracker::pop_summary`].
    streaming: bool,
    /// Without steps: (frame, stream) of the held SYN and FIN segments, in
    /// frame order, to let them go after [`HOLD_FRAMES`] as the step
    /// queue does.
    deadlines: VecDeque<(u64, usize)>,
    /// Streaming: streams still followed.
    live: Vec<usize>,
    /// Streaming: summaries of streams `emitted..`, in stream order, `None`
    /// while the stream is still followed.
    done: VecDeque<Option<Summary>>,
    emitted: usize,
    pushes: u64,
    evicted_open: u64,
    /// Stream of the latest segment pushed.
    last_conn: usize,
    /// UDP conversations by address pair; numbered from `udp_next`.
    udp: FastMap<Key, UdpConv>,
    udp_next: u32,
}

impl Default for Tracker {
    fn default() -> Tracker {
        Tracker {
            by_key: FastMap::default(),
            listeners: Vec::new(),
            conns: Vec::new(),
            queue: VecDeque::new(),
            next_id: 0,
            last_frame: 0,
            steps: true,
            streaming: false,
            deadlines: VecDeque::new(),
            live: Vec::new(),
            done: VecDeque::new(),
            emitted: 0,
            pushes: 0,
            evicted_open: 0,
            last_conn: 0,
            udp: FastMap::default(),
            udp_next: 0,
        }
    }
}

fn key(a: SocketAddr, b: SocketAddr) -> (SocketAddr, SocketAddr) {
    if a <= b { (a, b) } else { (b, a) }
}

/// Apply `event` if the diagram has that edge; otherwise leave the state.
fn apply(state: &mut Option<State>, event: Event) {
    if let Some(s) = *state
        && let Ok(next) = s.next(event)
    {
        *state = Some(next);
    }
}

impl Tracker {
    pub fn new() -> Tracker {
        Tracker::default()
    }

    /// A tracker for long files: it holds per-connection state only, and
    /// forgets a connection once it is summarised (closed and silent for
    /// [`FINISHED_IDLE_FRAMES`], or among the longest silent when more than
    /// [`MAX_LIVE_CONNS`] are open). Summaries come out of
    /// [`Tracker::pop_summary`] in stream order; [`Tracker::summaries`] and
    /// [`Tracker::streams`] only cover the connections still followed.
    /// With `steps` false no [`Step`] is built at all (for `--summary`):
    /// [`Tracker::pop`] gives nothing.
    pub fn streaming(steps: bool) -> Tracker {
        Tracker {
            steps,
            streaming: true,
            ..Tracker::default()
        }
    }

    /// `addr` is a listening socket (a source that made it knows): a SYN
    /// to it finds its receiver in LISTEN, so the SYN's step is not held
    /// until an answer comes (which, for a SYN a full accept queue drops,
    /// may be seconds later, and would hold every step behind it).
    pub fn listening(&mut self, addr: SocketAddr) {
        if !self.listeners.contains(&addr) {
            self.listeners.push(addr);
        }
    }

    /// Stream number of the latest segment pushed.
    pub fn stream_of_last(&self) -> usize {
        self.last_conn
    }

    /// Connections summarised early because too many were open at once.
    pub fn evicted_open(&self) -> u64 {
        self.evicted_open
    }

    /// Tell the tracker the frame number of the latest TCP segment seen
    /// before the next [`Tracker::push`] (when it is fed only some of a
    /// file's segments, such as one stream's), so that held steps are let
    /// go when they would have been in a pass over the whole file.
    pub fn seen_up_to(&mut self, frame: u64) {
        if frame > self.last_frame {
            self.last_frame = frame;
            self.release_aged();
        }
    }

    /// Number the next new connection `stream` (when reading one stream of
    /// a file on its own).
    pub fn start_at_stream(&mut self, stream: u32) {
        if self.conns.is_empty() {
            self.conns.resize_with(stream as usize, || None);
            self.emitted = stream as usize;
        }
    }

    /// Number the next new UDP conversation `stream` (when reading one
    /// conversation of a file on its own).
    pub fn start_at_udp_stream(&mut self, stream: u32) {
        if self.udp.is_empty() {
            self.udp_next = stream;
        }
    }

    /// How many UDP conversations were numbered.
    pub fn udp_streams(&self) -> u32 {
        self.udp_next
    }

    /// Take one UDP datagram: number its conversation and queue its step
    /// behind the segments before it (none without steps). Returns the
    /// conversation's number. UDP has no states, so nothing else is
    /// followed; the frame does not count towards [`HOLD_FRAMES`] either,
    /// so the TCP steps around it come out exactly as without it.
    pub fn push_datagram(&mut self, o: ObservedDatagram) -> u32 {
        let k = key(o.src, o.dst);
        let next = self.udp_next;
        let conv = self.udp.entry(k).or_insert(UdpConv {
            stream: next,
            first: o.src,
            last_frame: o.frame,
        });
        conv.last_frame = o.frame;
        let (stream, first) = (conv.stream, conv.first);
        if stream == next {
            self.udp_next += 1;
            if self.streaming && self.udp.len() > MAX_LIVE_CONNS {
                self.forget_udp();
            }
        }
        if !self.steps {
            return stream;
        }
        let from = if o.src == first {
            Side::Client
        } else {
            Side::Server
        };
        let step = Step {
            kind: StepKind::Datagram,
            stream,
            time: o.time,
            side: from,
            call: None,
            call_result: None,
            timer: None,
            segment: None,
            datagram: Some(Box::new(DatagramView {
                frame: o.frame,
                from,
                src: o.src,
                dst: o.dst,
                len: o.len,
                bytes: o.bytes,
                l7: None,
                gone: false,
            })),
            before: States::default(),
            after: States::default(),
            kernel: None,
            kernel_detail: None,
        };
        let id = self.next_id;
        self.next_id += 1;
        self.queue.push_back(Held {
            id,
            conn: NO_CONN,
            step,
            waiting: None,
        });
        stream
    }

    /// Streaming, past [`MAX_LIVE_CONNS`] UDP conversations: forget the
    /// quarter silent longest (a later datagram of one starts a new
    /// conversation; tshark, which keeps all, would number it as before).
    fn forget_udp(&mut self) {
        let mut last: Vec<u64> = self.udp.values().map(|c| c.last_frame).collect();
        let cut = last.len() / 4;
        let (_, &mut oldest_kept, _) = last.select_nth_unstable(cut);
        self.udp.retain(|_, c| c.last_frame >= oldest_kept);
    }

    pub fn streams(&self) -> Vec<StreamInfo> {
        self.conns
            .iter()
            .flatten()
            .map(|c| StreamInfo {
                client: c.addrs[0],
                server: c.addrs[1],
            })
            .collect()
    }

    /// Find the connection of `o`, starting a new stream on port reuse: a SYN
    /// whose sequence number differs from this direction's base sequence
    /// number (tshark's rule for `tcp.stream`).
    fn conn_for(&mut self, o: &Observed) -> usize {
        let k = key(o.src, o.dst);
        let f = o.seg.flags;
        let is_syn = f.syn() && !f.ack();
        if let Some(&i) = self.by_key.get(&k) {
            let c = self.conns[i].as_ref().expect("a followed connection");
            let side = c.side_of(o.src);
            let end = &c.ends[side.index()];
            let reused = is_syn && end.base.is_some_and(|b| b != o.seg.seq);
            if !reused {
                return i;
            }
        }
        // The client sent the first SYN; a SYN/ACK seen first was sent by the
        // server; otherwise the sender of the first segment.
        let addrs = if f.syn() && f.ack() {
            [o.dst, o.src]
        } else {
            [o.src, o.dst]
        };
        let stream = self.conns.len() as u32;
        if let Some(&old) = self.by_key.get(&k)
            && self.streaming
        {
            // Port reuse: the old connection gets no more segments.
            self.retire(old);
        }
        let mut states = States::default();
        if f.syn() && !f.ack() && self.listeners.contains(&o.dst) {
            states.server = Some(State::Listen);
        }
        self.conns.push(Some(Box::new(Conn {
            stream,
            addrs,
            ends: Default::default(),
            states,
            analyzer: Analyzer::new(),
            reassembly: Default::default(),
            websocket: false,
            pending: Vec::new(),
            pending_side: None,
            fin_pending: None,
            fin_was: None,
            fin_in_flight: [false; 2],
            fin_ack_deferred: [false; 2],
            challenge_due: [false; 2],
            packets: 0,
            bytes: 0,
            start: o.time,
            last: o.time,
            syn_time: None,
            rtt: None,
            syn_from: [false; 2],
            synack_seen: false,
            handshake_acked: false,
            rst: false,
            flags_seen: 0,
            last_frame: o.frame,
            retired: false,
            queued: VecDeque::new(),
            key: k,
        })));
        let i = self.conns.len() - 1;
        self.by_key.insert(k, i);
        if self.streaming {
            self.live.push(i);
            self.done.push_back(None);
        }
        i
    }

    /// A retired connection waits in `live` until its held steps are out.
    fn retire(&mut self, i: usize) {
        if let Some(c) = self.conns[i].as_mut() {
            // The next sweep forgets it once nothing of it is held.
            c.retired = true;
        }
    }

    /// Take in one segment. Finished steps come out of [`Tracker::pop`].
    pub fn push(&mut self, o: Observed) {
        self.last_frame = o.frame;
        let ci = self.conn_for(&o);
        self.last_conn = ci;
        let steps = self.steps;
        let c = self.conns[ci].as_mut().expect("a followed connection");
        let from = c.side_of(o.src);
        let to = from.other();
        let f = o.seg.flags;
        c.packets += 1;
        c.bytes += u64::from(o.wire_len);
        c.last = o.time;
        c.last_frame = o.frame;
        c.flags_seen |= f.0;

        // Wireshark's relative numbering bases.
        {
            let me = &mut c.ends[from.index()];
            if f.syn() && me.isn.is_none() {
                // The first SYN fixes the base, even over a guess made from
                // an earlier stray segment (Wireshark does the same).
                me.isn = Some(o.seg.seq);
                me.base = Some(o.seg.seq);
            } else if f.syn() && f.ack() && me.isn != Some(o.seg.seq) {
                // Another SYN/ACK with a new ISN: only the peer's ACK tells
                // which one the connection goes on with.
                me.new_isn = Some(o.seg.seq);
            } else if me.base.is_none() {
                me.base = Some(o.seg.seq + u32::MAX);
            }
        }
        if f.ack() && c.ends[to.index()].base.is_none() {
            c.ends[to.index()].base = Some(o.seg.ack + u32::MAX);
        }
        if f.ack() && !f.syn() {
            let peer = &mut c.ends[to.index()];
            if let Some(n) = peer.new_isn.take_if(|n| o.seg.ack == *n + 1) {
                peer.isn = Some(n);
                peer.base = Some(n);
                peer.syn_end = Some(n + 1);
            }
        }
        let analysis = if steps {
            c.analyzer.observe(from, &o.seg, o.len, o.time)
        } else {
            Vec::new()
        };
        let gap_before = steps && c.analyzer.last_had_gap();
        let readable = if steps {
            c.reassembly.arrive(from, &o.seg, o.len)
        } else {
            0
        };
        let mut analysis = analysis;
        if std::mem::take(&mut c.challenge_due[from.index()])
            && f.ack()
            && !f.syn()
            && !f.fin()
            && !f.rst()
            && o.len == 0
            && steps
        {
            analysis.push(crate::timeline::Analysis::ChallengeAck);
        }

        // A held SYN learns what its receiver was from this, the receiver's
        // first answer.
        // Only the side the SYN went to can answer it.
        // Or the SYN's sender acknowledges an answer the capture lacks (only
        // one direction captured): a SYN/ACK, so the receiver was listening.
        let acked_unseen =
            |w: &Side| *w == to && f.ack() && !f.syn() && !f.rst() && !c.ends[w.index()].sent;
        let waiter = c
            .pending_side
            .filter(|w| !c.pending.is_empty() && (*w == from || acked_unseen(w)))
            // A RST the SYN's sender would drop (its ACK misses the SYN)
            // is no answer.
            .filter(|_| {
                !f.rst() || Self::rst_verdict(c, from, &o, c.states.get(to)) == RstVerdict::Accept
            });
        let answer = if waiter.is_some() {
            Some(if f.rst() {
                (State::Closed, State::Closed)
            } else if f.syn() && !f.ack() {
                (State::SynSent, State::SynReceived)
            } else {
                (State::Listen, State::SynReceived)
            })
        } else {
            None
        };
        if let (Some((before, after)), Some(w)) = (answer, waiter) {
            c.pending.clear();
            c.pending_side = None;
            // The first held SYN is where the waiting side changed; a
            // retransmitted SYN after it finds that side already there.
            let mut first = true;
            // The side made itself known in the meantime: the answer comes
            // too late to say what it was before; the held steps keep it
            // UNKNOWN.
            let known_since = c.states.get(w).is_some();
            let front_id = self.next_id - self.queue.len() as u64;
            for id in c.queued.iter() {
                let held = &mut self.queue[(id - front_id) as usize];
                if known_since {
                    if held.waiting == Some(w) {
                        held.waiting = None;
                    }
                    continue;
                }
                let unknown = held.step.before.get(w).is_none() && held.step.after.get(w).is_none();
                if !unknown {
                    continue;
                }
                if first && held.waiting != Some(w) {
                    // Before the SYN: the side was not known then, and the
                    // answer says nothing about that time.
                    continue;
                }
                if first {
                    held.step.before.set(w, Some(before));
                    first = false;
                } else {
                    held.step.before.set(w, Some(after));
                }
                held.step.after.set(w, Some(after));
                held.waiting = None;
            }
            if !known_since {
                c.states.set(w, Some(after));
            }
        }

        if let Some((id, receiver)) = c.fin_pending.take() {
            let fin_sender = receiver.other();
            let covers = f.ack()
                && c.ends[fin_sender.index()]
                    .fin
                    .is_some_and(|fin| o.seg.ack.gt(fin));
            // A FIN that also carries RST closes rather than crosses.
            let crossed = from == receiver && f.fin() && !f.rst() && !covers;
            if !steps {
                if crossed {
                    // As below, without the step.
                    c.states.set(receiver, c.fin_was);
                    c.fin_in_flight[fin_sender.index()] = true;
                }
            } else {
                let front_id = self.next_id - self.queue.len() as u64;
                let at = id.wrapping_sub(front_id) as usize;
                if let Some(held) = self.queue.get_mut(at).filter(|h| h.id == id) {
                    held.waiting = None;
                    if crossed {
                        // The receiver sent this FIN before the other one
                        // reached it: that FIN was still on the wire.
                        let was = held.step.before.get(receiver);
                        held.step.after.set(receiver, was);
                        c.states.set(receiver, was);
                        c.fin_in_flight[fin_sender.index()] = true;
                    }
                }
            }
        }
        if f.syn() && !f.ack() && c.states.get(from).is_none() && c.packets == 1 {
            // Whoever opens with a SYN was CLOSED before it.
            c.states.set(from, Some(State::Closed));
        }
        let before = c.states;
        let waiting = Self::transition(c, from, &o, o.time);
        Self::note_sender(c, from, &o);
        if !steps {
            // Only the aggregates: the held SYN and FIN bookkeeping, with
            // the frame number for an id.
            let id = o.frame;
            if let Some(w) = waiting {
                c.pending.push(id);
                c.pending_side.get_or_insert(w);
                self.deadlines.push_back((id, ci));
            } else if f.fin() && before.get(to) != c.states.get(to) {
                c.fin_pending = Some((id, to));
                c.fin_was = before.get(to);
                self.deadlines.push_back((id, ci));
            }
            self.release_aged();
            self.after_push();
            return;
        }
        let me = &c.ends[from.index()];
        // A SYN/ACK with a new ISN is numbered from that ISN, as a SYN
        // always is; the segments after it only once the peer takes it.
        let seq_rel = if f.syn() && me.new_isn == Some(o.seg.seq) {
            0
        } else {
            o.seg.seq.since(me.base.expect("set above"))
        };
        // Without the ACK flag Wireshark shows the field as it is.
        let ack_rel = if f.ack() {
            o.seg.ack.since(c.ends[to.index()].base.expect("set above"))
        } else {
            o.seg.ack.0
        };

        // Socket call the sender most likely made.
        let sender_before = before.get(from);
        let call = if f.rst() {
            sender_before
                .filter(|s| s.is_synchronized())
                .map(|_| Call::Close)
        } else if f.syn() && !f.ack() {
            Some(Call::Connect)
        } else if f.fin() {
            Some(Call::Close)
        } else if o.len > 0 {
            Some(Call::Write)
        } else {
            None
        };

        let l7 = match o.l7 {
            // Wireshark does not hand data sent again or out of order to
            // the application dissectors: the arrow keeps the TCP mark.
            Some(_)
                if analysis.iter().any(|a| {
                    matches!(
                        a,
                        crate::timeline::Analysis::Retransmission
                            | crate::timeline::Analysis::SpuriousRetransmission
                            | crate::timeline::Analysis::OutOfOrder
                    )
                }) =>
            {
                None
            }
            Some(l) if l.protocol == Protocol::Websocket && !c.websocket => None,
            Some(l) => {
                c.websocket |= l.upgrade;
                Some(l)
            }
            None => None,
        };
        let step = Step {
            kind: StepKind::Segment,
            stream: c.stream,
            time: o.time,
            side: from,
            call,
            call_result: None,
            timer: None,
            segment: Some(SegmentView {
                frame: o.frame,
                from,
                src: o.src,
                dst: o.dst,
                len: o.len,
                seq_rel,
                ack_rel,
                analysis,
                lost: false,
                gap_before,
                readable,
                bytes: o.bytes,
                seg: o.seg,
                l7,
            }),
            before,
            after: c.states,
            kernel: None,
            kernel_detail: None,
            datagram: None,
        };
        let id = self.next_id;
        self.next_id += 1;
        let mut waiting = waiting;
        if let Some(w) = waiting {
            c.pending.push(id);
            c.pending_side.get_or_insert(w);
        } else if f.fin() && step.before.get(to) != step.after.get(to) {
            c.fin_pending = Some((id, to));
            waiting = Some(to);
        }
        c.queued.push_back(id);
        self.queue.push_back(Held {
            id,
            conn: ci,
            step,
            waiting,
        });
        self.after_push();
    }

    /// Without steps: let go of held SYNs and FINs that have waited
    /// [`HOLD_FRAMES`], as [`Tracker::pop`] does with held steps.
    fn release_aged(&mut self) {
        while let Some(&(frame, ci)) = self.deadlines.front() {
            if self.last_frame.saturating_sub(frame) < HOLD_FRAMES {
                break;
            }
            self.deadlines.pop_front();
            if let Some(c) = self.conns[ci].as_mut() {
                c.pending.retain(|p| *p != frame);
                if c.pending.is_empty() {
                    c.pending_side = None;
                }
                if c.fin_pending.is_some_and(|(p, _)| p == frame) {
                    c.fin_pending = None;
                }
            }
        }
    }

    /// Streaming: now and then, forget what is finished.
    fn after_push(&mut self) {
        if !self.streaming {
            return;
        }
        self.pushes += 1;
        if self.pushes.is_multiple_of(SWEEP_EVERY) || self.live.len() > MAX_LIVE_CONNS {
            self.sweep(false);
        }
    }

    /// Can connection `c` be forgotten now? Not while a step of it is held.
    fn idle(&self, c: &Conn) -> bool {
        c.queued.is_empty() && c.pending.is_empty() && c.fin_pending.is_none()
    }

    /// Summarise and forget finished connections silent for
    /// [`FINISHED_IDLE_FRAMES`] (all of them at the end of input), then,
    /// past [`MAX_LIVE_CONNS`], the longest silent open ones.
    fn sweep(&mut self, all: bool) {
        let now = self.last_frame;
        let mut live = std::mem::take(&mut self.live);
        live.retain(|&i| {
            let Some(c) = self.conns[i].as_ref() else {
                return false;
            };
            let closed = c.rst || (c.ends[0].fin.is_some() && c.ends[1].fin.is_some());
            let forget = self.idle(c)
                && (all
                    || c.retired
                    || (closed && now.saturating_sub(c.last_frame) >= FINISHED_IDLE_FRAMES));
            if forget {
                self.forget(i);
            }
            !forget
        });
        if live.len() > MAX_LIVE_CONNS {
            // Keep the three quarters most recently active.
            let keep = MAX_LIVE_CONNS * 3 / 4;
            live.sort_unstable_by_key(|&i| {
                std::cmp::Reverse(self.conns[i].as_ref().map_or(0, |c| c.last_frame))
            });
            let mut kept = live[..keep].to_vec();
            for &i in &live[keep..] {
                if self.conns[i].as_ref().is_some_and(|c| self.idle(c)) {
                    self.forget(i);
                    self.evicted_open += 1;
                } else {
                    kept.push(i);
                }
            }
            kept.sort_unstable();
            live = kept;
        }
        self.live = live;
    }

    /// Summarise connection `i` for [`Tracker::pop_summary`] and drop it.
    fn forget(&mut self, i: usize) {
        let Some(c) = self.conns[i].take() else {
            return;
        };
        if self.by_key.get(&c.key) == Some(&i) {
            self.by_key.remove(&c.key);
        }
        if let Some(slot) = self.done.get_mut(i - self.emitted) {
            *slot = Some(summary_of(&c));
        }
    }

    /// Streaming, at the end: summarise and forget every connection (call
    /// it after [`Tracker::finish`] and after popping every step).
    pub fn forget_all(&mut self) {
        self.sweep(true);
    }

    /// Streaming: the next summary in stream order, once its connection is
    /// forgotten (every one after [`Tracker::finish`]).
    pub fn pop_summary(&mut self) -> Option<Summary> {
        if !matches!(self.done.front(), Some(Some(_))) {
            return None;
        }
        self.emitted += 1;
        self.done.pop_front().flatten()
    }

    /// Keep what the sender showed of its RCV.NXT, window and SND.NXT, for
    /// judging the RSTs that come to it.
    fn note_sender(c: &mut Conn, from: Side, o: &Observed) {
        let f = o.seg.flags;
        let me = &mut c.ends[from.index()];
        me.sent = true;
        if f.syn() {
            me.wscale = o.seg.options.iter().find_map(|opt| match opt {
                crate::timeline::segment::TcpOption::WindowScale { shift } => {
                    Some((*shift).min(14))
                }
                _ => None,
            });
            if me.isn == Some(o.seg.seq) {
                me.syn_end = Some(o.seg.seq + 1 + o.len);
            }
        }
        if f.ack() && !f.rst() {
            me.last_ack = Some(o.seg.ack);
            me.last_win = u32::from(o.seg.win);
        }
        let end = o.seg.seq + o.len + u32::from(f.syn()) + u32::from(f.fin());
        if !f.rst() && me.next.is_none_or(|n| end.gt(n)) {
            me.next = Some(end);
        }
    }

    /// Whether the receiver in state `r` takes in a RST from `from`. Its
    /// RCV.NXT is what it last acknowledged or, when the capture shows more,
    /// the end of what the sender sent; either reading counts as exact.
    fn rst_verdict(c: &Conn, from: Side, o: &Observed, r: Option<State>) -> RstVerdict {
        let to = from.other();
        let (me, peer) = (&c.ends[to.index()], &c.ends[from.index()]);
        let seq = o.seg.seq;
        match r {
            Some(State::SynSent) => {
                // Only an ACK of our SYN makes a RST believable here.
                let Some(isn) = me.isn else {
                    return RstVerdict::Accept;
                };
                let end = me.syn_end.unwrap_or(isn + 1);
                let ack = o.seg.ack;
                if o.seg.flags.ack() && ack.gt(isn) && ack.le(end) {
                    RstVerdict::Accept
                } else {
                    RstVerdict::Drop
                }
            }
            Some(st) if st != State::Closed && st != State::Listen => {
                let exact = [me.last_ack, peer.next].contains(&Some(seq))
                    // Linux also takes one before RCV.NXT once the peer's
                    // FIN is in (tcp_reset_check).
                    || (st.fin_received() && peer.fin == Some(seq));
                let Some(rcv_nxt) = me.last_ack.or(peer.next) else {
                    return RstVerdict::Accept;
                };
                if exact {
                    return RstVerdict::Accept;
                }
                let scale = match (me.wscale, peer.wscale) {
                    (Some(a), Some(_)) => a,
                    _ => 0,
                };
                let wnd = (me.last_win << scale).max(1);
                if seq.ge(rcv_nxt) && seq.since(rcv_nxt) < wnd {
                    RstVerdict::Challenge
                } else {
                    RstVerdict::Drop
                }
            }
            _ => RstVerdict::Accept,
        }
    }

    /// Move both ends along the diagram for one segment from `from`.
    /// Returns the receiver when its state must wait for its answer.
    fn transition(c: &mut Conn, from: Side, o: &Observed, time: f64) -> Option<Side> {
        let to = from.other();
        let f = o.seg.flags;
        let mut waiting = None;

        // --- the handshake bookkeeping for the summary
        if f.syn() && !f.ack() {
            c.syn_from[from.index()] = true;
            // A SYN sent again restarts the clock: the handshake RTT runs
            // from the SYN that was answered, as Wireshark's initial RTT.
            if !c.handshake_acked {
                c.syn_time = Some(time);
            }
        }
        if f.syn() && f.ack() {
            c.synack_seen = true;
        }
        if !f.syn()
            && f.ack()
            && c.synack_seen
            && !c.handshake_acked
            && c.ends[to.index()]
                .isn
                .is_some_and(|isn| o.seg.ack == isn + 1)
        {
            c.handshake_acked = true;
            if let Some(t0) = c.syn_time {
                c.rtt = Some(time - t0);
            }
        }
        if f.rst() {
            c.rst = true;
        }

        for side in [Side::Client, Side::Server] {
            if std::mem::take(&mut c.fin_ack_deferred[side.index()]) {
                let mut st = c.states.get(side);
                apply(&mut st, Event::RcvAckOfFin);
                c.states.set(side, st);
            }
        }

        // --- the sender
        let mut s = c.states.get(from);
        if c.fin_in_flight[to.index()]
            && f.ack()
            && c.ends[to.index()].fin.is_some_and(|fin| o.seg.ack.gt(fin))
        {
            // It acknowledges the peer's crossed FIN: it took it in by now.
            c.fin_in_flight[to.index()] = false;
            apply(&mut s, Event::RcvFin);
        }
        let verdict = if f.rst() {
            Self::rst_verdict(c, from, o, c.states.get(to))
        } else {
            RstVerdict::Accept
        };
        if f.rst() {
            // A RST the receiver ignores shows nothing certain about its
            // sender either (it may be forged or stale); a real sender that
            // did abort answers the challenge ACK with an exact RST.
            if verdict == RstVerdict::Accept {
                s = Some(State::Closed);
            }
        } else if f.syn() && !f.ack() {
            match s {
                None | Some(State::Closed) => s = Some(State::SynSent),
                Some(State::Listen) => apply(&mut s, Event::Send),
                _ => {}
            }
        } else if f.syn() && f.ack() {
            if s.is_none() || s == Some(State::Listen) {
                s = Some(State::SynReceived);
            }
        } else if s.is_none() {
            // Evidence of a synchronised connection seen mid-stream.
            s = Some(if c.ends[to.index()].fin.is_some() {
                State::CloseWait
            } else {
                State::Established
            });
        } else if s == Some(State::SynSent) && f.ack() && !f.fin() {
            // It acknowledges the peer's SYN: the SYN/ACK reached it, even
            // if the capture does not show it (one direction captured).
            apply(&mut s, Event::RcvSynAck);
        }
        if f.fin() && !f.rst() && c.ends[from.index()].fin.is_none() {
            if matches!(
                s,
                Some(State::Established | State::CloseWait | State::SynReceived)
            ) {
                apply(&mut s, Event::Close);
            }
            c.ends[from.index()].fin = Some(o.seg.seq + o.len);
        }
        c.states.set(from, s);

        // --- the receiver
        let mut r = c.states.get(to);
        // A receiver whose SYN/ACK is not in the capture is taken to be
        // acknowledged by the first ACK it gets.
        let acks_syn = f.ack()
            && c.ends[to.index()]
                .isn
                .map_or(!c.ends[to.index()].sent, |isn| o.seg.ack.gt(isn));
        let acks_fin = f.ack() && c.ends[to.index()].fin.is_some_and(|fin| o.seg.ack.gt(fin));
        let crossed_fin_arrives = std::mem::take(&mut c.fin_in_flight[from.index()]);
        let fin_here = ((f.fin() && c.ends[from.index()].fin == Some(o.seg.seq + o.len))
            || crossed_fin_arrives)
            && !f.rst()
            && !r.is_some_and(State::fin_received);
        if f.rst() {
            match verdict {
                RstVerdict::Accept => {
                    if r.is_some_and(|st| st != State::Closed && st != State::Listen) {
                        r = Some(State::Closed);
                    }
                }
                RstVerdict::Challenge => c.challenge_due[to.index()] = true,
                RstVerdict::Drop => {}
            }
        } else if f.syn() && !f.ack() && r.is_some_and(State::is_synchronized) {
            // RFC 5961 §4: a SYN on a synchronized connection changes
            // nothing; the receiver answers with a challenge ACK.
            c.challenge_due[to.index()] = true;
        } else if f.syn() && !f.ack() {
            match r {
                None if c.states.get(from) == Some(State::SynSent) && !c.syn_from[to.index()] => {
                    // Listening, nothing listening, or opening too: its
                    // answer will tell.
                    r = None;
                    waiting = Some(to);
                }
                Some(State::Listen) | Some(State::SynSent) => apply(&mut r, Event::RcvSyn),
                _ => {}
            }
        } else if f.syn() && f.ack() {
            match r {
                Some(State::SynSent) => apply(&mut r, Event::RcvSynAck),
                Some(State::SynReceived) => apply(&mut r, Event::RcvAckOfSyn),
                None if c.ends[to.index()].syn_seen => r = Some(State::Established),
                _ => {}
            }
        } else {
            if r.is_none()
                && !c.ends[to.index()].sent
                && (c.pending.is_empty() || c.pending_side != Some(to))
                && f.ack()
                && c.states.get(from).is_some_and(State::is_synchronized)
                && (c.ends[from.index()].syn_seen
                    || c.ends[to.index()]
                        .base
                        .is_some_and(|b| o.seg.ack.since(b) > 1))
            {
                // Nothing of the receiver is in the capture, yet the sender
                // acknowledges its SYN or its bytes: only one direction was
                // captured, and the receiver was synchronized.
                r = Some(State::Established);
            }
            if r == Some(State::SynReceived) && acks_syn {
                apply(&mut r, Event::RcvAckOfSyn);
            }
            if fin_here && acks_fin && r == Some(State::FinWait1) && crossed_fin_arrives {
                // The crossed FIN reached it before this ACK did: CLOSING
                // now, TIME_WAIT at its next segment.
                apply(&mut r, Event::RcvFin);
                c.fin_ack_deferred[to.index()] = true;
            } else if fin_here && acks_fin && r == Some(State::FinWait1) {
                apply(&mut r, Event::RcvFinAckOfFin);
            } else {
                if acks_fin {
                    match r {
                        Some(State::FinWait1) | Some(State::Closing) | Some(State::LastAck) => {
                            apply(&mut r, Event::RcvAckOfFin)
                        }
                        _ => {}
                    }
                }
                if fin_here {
                    match r {
                        Some(State::Established | State::FinWait1 | State::FinWait2) => {
                            apply(&mut r, Event::RcvFin)
                        }
                        Some(State::SynReceived) => {}
                        _ => {}
                    }
                }
            }
        }
        if f.syn() {
            c.ends[from.index()].syn_seen = true;
        }
        if f.syn() && f.ack() {
            c.ends[from.index()].synack_seen = true;
        }
        c.states.set(to, r);
        waiting
    }

    /// The next step whose states are settled, in frame order.
    pub fn pop(&mut self) -> Option<Step> {
        let front = self.queue.front()?;
        if front.waiting.is_some() {
            let frame = front.step.segment.as_ref().map_or(0, |v| v.frame);
            if self.last_frame.saturating_sub(frame) < HOLD_FRAMES {
                return None;
            }
            self.release_front();
        }
        let h = self.queue.pop_front()?;
        if let Some(c) = self.conns.get_mut(h.conn).and_then(Option::as_mut) {
            c.queued.pop_front();
        }
        Some(h.step)
    }

    /// No answer came: the held SYN's receiver stays UNKNOWN.
    fn release_front(&mut self) {
        if let Some(front) = self.queue.front_mut() {
            front.waiting = None;
            let conn = front.conn;
            let id = front.id;
            let Some(c) = self.conns[conn].as_mut() else {
                return;
            };
            c.pending.retain(|p| *p != id);
            if c.pending.is_empty() {
                c.pending_side = None;
            }
            if c.fin_pending.is_some_and(|(p, _)| p == id) {
                c.fin_pending = None;
            }
        }
    }

    /// End of input: settle everything still held.
    pub fn finish(&mut self) {
        for h in self.queue.iter_mut() {
            h.waiting = None;
        }
        for c in self.conns.iter_mut().flatten() {
            c.pending.clear();
            c.pending_side = None;
            c.fin_pending = None;
        }
        self.deadlines.clear();
        self.last_frame = u64::MAX;
        if self.streaming {
            // Steps still queued keep their connection until popped:
            // pop them first, then call `finish` again to summarise.
            self.sweep(true);
        }
    }

    /// Summaries of the connections still followed (all of them, except
    /// in streaming mode).
    pub fn summaries(&self) -> Vec<Summary> {
        self.conns.iter().flatten().map(|c| summary_of(c)).collect()
    }
}

fn summary_of(c: &Conn) -> Summary {
    let handshake = if c.syn_from[0] && c.syn_from[1] {
        Handshake::Simultaneous
    } else if c.syn_from[0] && c.synack_seen && c.handshake_acked {
        Handshake::Complete
    } else if c.syn_from[0] || c.synack_seen {
        Handshake::Partial
    } else {
        Handshake::None
    };
    let close = if c.rst {
        Close::Rst
    } else if c.ends[0].fin.is_some() && c.ends[1].fin.is_some() {
        Close::Fin
    } else if c.ends[0].fin.is_some() || c.ends[1].fin.is_some() {
        Close::HalfClosed
    } else {
        Close::Open
    };
    Summary {
        stream: c.stream,
        client: c.addrs[0],
        server: c.addrs[1],
        packets: c.packets,
        bytes: c.bytes,
        start: c.start,
        duration: c.last - c.start,
        handshake,
        handshake_rtt: c.rtt,
        close,
        flags_seen: c.flags_seen,
        one_sided: match (c.ends[0].sent, c.ends[1].sent) {
            (true, false) if c.ends[0].last_ack.is_some() => Some(Side::Client),
            (false, true) if c.ends[1].last_ack.is_some() => Some(Side::Server),
            _ => None,
        },
        final_states: {
            // A deferred ACK of a FIN is taken in by the end of the capture.
            let mut st = c.states;
            for side in [Side::Client, Side::Server] {
                if c.fin_ack_deferred[side.index()] {
                    let mut x = st.get(side);
                    apply(&mut x, Event::RcvAckOfFin);
                    st.set(side, x);
                }
            }
            st
        },
    }
}

/// The connection rows of a timeline worked out from its steps, the way
/// [`Tracker::summaries`] counts them (without the handshake RTT, which only
/// the tracker measures): for sources that hold a timeline but no tracker.
pub fn summaries_of(tl: &Timeline) -> Vec<Summary> {
    tl.streams
        .iter()
        .enumerate()
        .filter_map(|(n, info)| {
            let stream = n as u32;
            let steps: Vec<_> = tl.steps.iter().filter(|s| s.stream == stream).collect();
            let first = steps.first()?;
            let last = steps.last()?;
            let mut flags = 0u16;
            let (mut packets, mut bytes) = (0u64, 0u64);
            let mut syn = [false; 2];
            let mut synack = false;
            let mut acked = false;
            let mut fin = [false; 2];
            let mut rst = false;
            for s in &steps {
                let Some(v) = s.segment.as_ref().filter(|_| s.kind == StepKind::Segment) else {
                    continue;
                };
                let f = v.seg.flags;
                let from = v.from.index();
                packets += 1;
                bytes += v
                    .bytes
                    .as_ref()
                    .map_or(u64::from(v.len) + 40, |b| u64::from(b.orig_len));
                flags |= f.0;
                if f.syn() && !f.ack() {
                    syn[from] = true;
                } else if f.syn() {
                    synack = true;
                } else if f.ack() && synack && from == 0 {
                    acked = true;
                }
                fin[from] |= f.fin();
                rst |= f.rst();
            }
            let handshake = if syn[0] && syn[1] {
                Handshake::Simultaneous
            } else if syn[0] && synack && acked {
                Handshake::Complete
            } else if syn[0] || synack {
                Handshake::Partial
            } else {
                Handshake::None
            };
            let close = if rst {
                Close::Rst
            } else if fin[0] && fin[1] {
                Close::Fin
            } else if fin[0] || fin[1] {
                Close::HalfClosed
            } else {
                Close::Open
            };
            Some(Summary {
                stream,
                client: info.client,
                server: info.server,
                packets,
                bytes,
                start: first.time,
                duration: last.time - first.time,
                handshake,
                handshake_rtt: None,
                close,
                flags_seen: flags,
                final_states: last.after,
                one_sided: None,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::timeline::segment::Flags;

    const C: &str = "10.0.0.1:40000";
    const S: &str = "10.0.0.2:80";

    struct Feed {
        t: Tracker,
        frame: u64,
        out: Vec<Step>,
    }

    impl Feed {
        fn new() -> Feed {
            Feed {
                t: Tracker::new(),
                frame: 0,
                out: vec![],
            }
        }
        fn seg(&mut self, from_client: bool, flags: Flags, seq: u32, ack: u32, len: u32) {
            let t = (self.frame + 1) as f64 * 0.01;
            self.seg_at(t, from_client, flags, seq, ack, len);
        }
        fn seg_at(
            &mut self,
            time: f64,
            from_client: bool,
            flags: Flags,
            seq: u32,
            ack: u32,
            len: u32,
        ) {
            self.frame += 1;
            let (src, dst) = if from_client { (C, S) } else { (S, C) };
            let mut seg = Segment::new(SeqNum(seq), SeqNum(ack), flags);
            seg.win = 1000;
            self.t.push(Observed {
                frame: self.frame,
                time,
                src: src.parse().unwrap(),
                dst: dst.parse().unwrap(),
                seg,
                len,
                wire_len: 60,
                bytes: None,
                l7: None,
            });
            while let Some(s) = self.t.pop() {
                self.out.push(s);
            }
        }
        fn datagram(&mut self, src: &str, dst: &str, len: u32) -> u32 {
            self.frame += 1;
            let n = self.t.push_datagram(ObservedDatagram {
                frame: self.frame,
                time: self.frame as f64 * 0.01,
                src: src.parse().unwrap(),
                dst: dst.parse().unwrap(),
                len,
                bytes: None,
            });
            while let Some(s) = self.t.pop() {
                self.out.push(s);
            }
            n
        }
        fn done(mut self) -> Vec<Step> {
            self.t.finish();
            while let Some(s) = self.t.pop() {
                self.out.push(s);
            }
            self.out
        }
    }

    #[test]
    fn datagrams_wait_behind_a_held_syn_and_change_no_tcp_state() {
        let handshake = |udp: bool| {
            let mut f = Feed::new();
            f.seg(true, Flags::SYN, 100, 0, 0);
            if udp {
                assert_eq!(f.datagram("10.0.0.9:5353", "10.0.0.53:53", 30), 0);
                // The SYN waits for its answer, so the datagram waits too.
                assert!(f.out.is_empty());
                assert_eq!(f.datagram("10.0.0.53:53", "10.0.0.9:5353", 90), 0);
                assert_eq!(f.datagram("10.0.0.9:5354", "10.0.0.53:53", 30), 1);
            }
            f.seg(false, Flags::SYN | Flags::ACK, 500, 101, 0);
            f.seg(true, Flags::ACK, 101, 501, 0);
            f.done()
        };
        let plain = handshake(false);
        let mixed = handshake(true);
        // The same TCP steps (only their frame numbers and times moved).
        let view = |s: &Step| {
            let v = s.segment.as_ref().unwrap();
            (
                s.before,
                s.after,
                v.seg.flags,
                v.seq_rel,
                v.ack_rel,
                v.analysis.clone(),
            )
        };
        let tcp: Vec<_> = mixed
            .iter()
            .filter(|s| !s.is_datagram())
            .map(view)
            .collect();
        assert_eq!(tcp, plain.iter().map(view).collect::<Vec<_>>());
        let frames: Vec<u64> = mixed
            .iter()
            .map(|s| match (&s.segment, &s.datagram) {
                (Some(v), _) => v.frame,
                (_, Some(d)) => d.frame,
                _ => 0,
            })
            .collect();
        assert_eq!(frames, [1, 2, 3, 4, 5, 6], "frame order");
        let d: Vec<(u32, Side, u32)> = mixed
            .iter()
            .filter_map(|s| s.datagram.as_ref().map(|d| (s.stream, d.from, d.len)))
            .collect();
        // The answer belongs to the same conversation, from its other end.
        assert_eq!(
            d,
            [
                (0, Side::Client, 30),
                (0, Side::Server, 90),
                (1, Side::Client, 30)
            ]
        );
        for s in mixed.iter().filter(|s| s.is_datagram()) {
            assert_eq!((s.before, s.after), (States::default(), States::default()));
            assert_eq!(s.kind, StepKind::Datagram);
        }
    }

    fn states(steps: &[Step]) -> Vec<(Option<State>, Option<State>)> {
        steps
            .iter()
            .map(|s| (s.after.client, s.after.server))
            .collect()
    }

    const SYN: Flags = Flags::SYN;
    const ACK: Flags = Flags::ACK;

    #[test]
    fn a_syn_to_a_known_listener_is_not_held() {
        let mut f = Feed::new();
        f.t.listening(S.parse().unwrap());
        f.seg(true, SYN, 100, 0, 0);
        // Out at once: the receiver is known to listen.
        assert_eq!(f.out.len(), 1);
        assert_eq!(f.out[0].before.server, Some(State::Listen));
        assert_eq!(f.out[0].after.server, Some(State::SynReceived));
        // A SYN sent again (the first was dropped) is not held either.
        f.seg(true, SYN, 100, 0, 0);
        assert_eq!(f.out.len(), 2);
        f.seg(false, SYN | ACK, 500, 101, 0);
        f.seg(true, ACK, 101, 501, 0);
        let steps = f.done();
        assert_eq!(steps.len(), 4);
        assert_eq!(
            steps[3].after,
            States::new(State::Established, State::Established)
        );
    }

    #[test]
    fn a_refused_syn_shows_the_server_closed_all_along() {
        let mut f = Feed::new();
        f.seg(true, SYN, 100, 0, 0);
        // Held: the server's state is not known until it answers.
        assert!(f.out.is_empty());
        f.seg(false, Flags::RST | ACK, 0, 101, 0);
        let steps = f.done();
        assert_eq!(steps[0].before.server, Some(State::Closed));
        assert_eq!(
            states(&steps),
            vec![
                (Some(State::SynSent), Some(State::Closed)),
                (Some(State::Closed), Some(State::Closed))
            ]
        );
    }

    #[test]
    fn an_unanswered_syn_leaves_the_server_unknown() {
        let mut f = Feed::new();
        f.seg(true, SYN, 100, 0, 0);
        f.seg(true, SYN, 100, 0, 0);
        let steps = f.done();
        assert_eq!(steps.len(), 2);
        assert!(steps.iter().all(|s| s.after.server.is_none()));
        assert_eq!(steps[1].segment.as_ref().unwrap().analysis.len(), 1);
    }

    #[test]
    fn a_mid_stream_capture_starts_unknown_until_each_side_speaks() {
        let mut f = Feed::new();
        f.seg(true, Flags::PSH | ACK, 5000, 9000, 10);
        f.seg(false, ACK, 9000, 5010, 0);
        f.seg(true, Flags::FIN | ACK, 5010, 9000, 0);
        let steps = f.done();
        assert_eq!(steps[0].before.client, None);
        assert_eq!(steps[0].after.client, Some(State::Established));
        assert_eq!(steps[0].after.server, None, "the server has not spoken yet");
        assert_eq!(steps[1].after.server, Some(State::Established));
        assert_eq!(
            (steps[2].after.client, steps[2].after.server),
            (Some(State::FinWait1), Some(State::CloseWait))
        );
        // Wireshark's relative numbers without a SYN: one past seq-1.
        let v = steps[0].segment.as_ref().unwrap();
        assert_eq!((v.seq_rel, v.ack_rel), (1, 1));
    }

    #[test]
    fn a_new_syn_on_the_same_ports_starts_a_new_stream() {
        let mut f = Feed::new();
        f.seg(true, SYN, 100, 0, 0);
        f.seg(false, SYN | ACK, 700, 101, 0);
        f.seg(true, ACK, 101, 701, 0);
        f.seg(true, Flags::RST | ACK, 101, 701, 0);
        f.seg(true, SYN, 100, 0, 0); // a retransmission would keep the stream
        f.seg(true, SYN, 5_000, 0, 0); // a new ISN: port reuse
        let steps = f.done();
        let streams: Vec<u32> = steps.iter().map(|s| s.stream).collect();
        assert_eq!(streams, vec![0, 0, 0, 0, 0, 1]);
        assert_eq!(steps[5].segment.as_ref().unwrap().seq_rel, 0);
    }

    #[test]
    fn relative_numbers_survive_wrap_around() {
        let mut f = Feed::new();
        f.seg(true, SYN, u32::MAX - 1, 0, 0);
        f.seg(false, SYN | ACK, 10, u32::MAX, 0);
        f.seg(true, Flags::PSH | ACK, u32::MAX, 11, 100);
        f.seg(false, ACK, 11, 99, 0);
        let steps = f.done();
        let v = steps[3].segment.as_ref().unwrap();
        assert_eq!(v.ack_rel, 101);
        assert_eq!(steps[2].segment.as_ref().unwrap().seq_rel, 1);
    }

    #[test]
    fn crossing_fins_end_in_time_wait_on_both_sides() {
        let mut f = Feed::new();
        f.seg(true, SYN, 100, 0, 0);
        f.seg(false, SYN | ACK, 700, 101, 0);
        f.seg(true, ACK, 101, 701, 0);
        f.seg(true, Flags::FIN | ACK, 101, 701, 0);
        f.seg(false, Flags::FIN | ACK, 701, 101, 0); // does not ACK the client's FIN
        f.seg(false, ACK, 702, 102, 0);
        f.seg(true, ACK, 102, 702, 0);
        let steps = f.done();
        let last = steps.last().unwrap().after;
        assert_eq!(last.client, Some(State::TimeWait));
        assert_eq!(last.server, Some(State::TimeWait));
        for s in &steps {
            for side in [Side::Client, Side::Server] {
                let (b, a) = (s.before.get(side), s.after.get(side));
                if let (Some(b), Some(a)) = (b, a) {
                    assert!(b.can_reach_in_one_step(a), "{b} -> {a}");
                }
            }
        }
    }

    const RST: Flags = Flags::RST;
    const FIN: Flags = Flags::FIN;

    /// Handshake (client ISN 100, server ISN 700), 10 bytes from the
    /// client and their ACK: the server's RCV.NXT is 111, its window 1000.
    fn established() -> Feed {
        let mut f = Feed::new();
        f.seg(true, SYN, 100, 0, 0);
        f.seg(false, SYN | ACK, 700, 101, 0);
        f.seg(true, ACK, 101, 701, 0);
        f.seg(true, Flags::PSH | ACK, 101, 701, 10);
        f.seg(false, ACK, 701, 111, 0);
        f
    }

    fn marks(s: &Step) -> Vec<Analysis> {
        s.segment.as_ref().unwrap().analysis.clone()
    }

    use crate::timeline::Analysis;
    const EST: (Option<State>, Option<State>) =
        (Some(State::Established), Some(State::Established));

    #[test]
    fn an_in_window_rst_off_rcv_nxt_draws_a_challenge_ack_and_changes_nothing() {
        let mut f = established();
        f.seg(true, RST, 150, 0, 0); // in [111, 1111), not 111
        f.seg(false, ACK, 701, 111, 0);
        let steps = f.done();
        assert_eq!(states(&steps)[5], EST, "the RST is not taken in");
        assert_eq!(states(&steps)[6], EST);
        assert!(marks(&steps[6]).contains(&Analysis::ChallengeAck));
        let text = crate::explain::explain_in(&steps[6], crate::explain::Lang::En);
        assert!(text.contains("challenge ACK"), "{text}");
        assert!(!text.contains("a sign of a gap"), "{text}");
        // The exact RST that a real peer sends after it is taken in.
        let mut f = established();
        f.seg(true, RST, 150, 0, 0);
        f.seg(false, ACK, 701, 111, 0);
        f.seg(true, RST, 111, 0, 0);
        let steps = f.done();
        assert_eq!(
            states(&steps)[7],
            (Some(State::Closed), Some(State::Closed))
        );
    }

    #[test]
    fn an_rst_outside_the_window_is_dropped_without_an_answer() {
        let mut f = established();
        f.seg(true, RST, 111 + 5000, 0, 0);
        f.seg(false, ACK, 701, 111, 0);
        let steps = f.done();
        assert_eq!(states(&steps)[5], EST);
        assert!(!marks(&steps[6]).contains(&Analysis::ChallengeAck));
        // Before RCV.NXT is outside the window too.
        let mut f = established();
        f.seg(true, RST, 105, 0, 0);
        assert_eq!(states(&f.done())[5], EST);
    }

    #[test]
    fn an_rst_at_rcv_nxt_resets() {
        let mut f = established();
        f.seg(true, RST | ACK, 111, 701, 0);
        let steps = f.done();
        assert_eq!(
            states(&steps)[5],
            (Some(State::Closed), Some(State::Closed))
        );
    }

    #[test]
    fn an_rst_ack_in_syn_sent_that_misses_the_syn_is_dropped() {
        let mut f = Feed::new();
        f.seg(true, SYN, 100, 0, 0);
        f.seg(false, RST | ACK, 0, 555, 0); // acknowledges nothing we sent
        f.seg(false, SYN | ACK, 700, 101, 0);
        f.seg(true, ACK, 101, 701, 0);
        let steps = f.done();
        assert_eq!(steps[1].after.client, Some(State::SynSent));
        assert_eq!(steps[2].after.client, Some(State::Established));
        assert_eq!(steps[3].after.server, Some(State::Established));
        // Without ACK it is dropped too (RFC 9293 §3.10.7.3).
        let mut f = Feed::new();
        f.seg(true, SYN, 100, 0, 0);
        f.seg(false, RST, 0, 0, 0);
        assert_eq!(f.done()[1].after.client, Some(State::SynSent));
    }

    #[test]
    fn a_syn_on_an_established_connection_draws_a_challenge_ack() {
        let mut f = established();
        f.seg(true, SYN, 100, 0, 0); // same ISN: the same stream
        f.seg(false, ACK, 701, 111, 0);
        let steps = f.done();
        assert_eq!(steps[5].stream, 0);
        assert_eq!(states(&steps)[5], EST);
        assert_eq!(states(&steps)[6], EST);
        assert!(marks(&steps[6]).contains(&Analysis::ChallengeAck));
        let zh = crate::explain::explain_in(&steps[6], crate::explain::Lang::Zh);
        assert!(zh.contains("挑战 ACK"), "{zh}");
    }

    /// Every step moves each end along at most one arrow of the diagram.
    fn one_arrow_at_a_time(steps: &[Step]) {
        for s in steps {
            for side in [Side::Client, Side::Server] {
                if let (Some(b), Some(a)) = (s.before.get(side), s.after.get(side)) {
                    assert!(b.can_reach_in_one_step(a), "{b} -> {a}");
                }
            }
        }
    }

    fn passes_closing_then_time_wait(steps: &[Step], side: Side) {
        let seen: Vec<State> = steps.iter().filter_map(|s| s.after.get(side)).collect();
        let closing = seen.iter().position(|s| *s == State::Closing);
        let tw = seen.iter().position(|s| *s == State::TimeWait);
        assert!(
            closing.is_some() && tw.is_some() && closing < tw,
            "{side:?}: {seen:?}"
        );
    }

    #[test]
    fn crossing_fins_take_both_ends_through_closing() {
        // Each ACK order: the client's ACK first, then the server's.
        for client_acks_first in [true, false] {
            let mut f = Feed::new();
            f.seg(true, SYN, 100, 0, 0);
            f.seg(false, SYN | ACK, 700, 101, 0);
            f.seg(true, ACK, 101, 701, 0);
            f.seg(true, FIN | ACK, 101, 701, 0);
            f.seg(false, FIN | ACK, 701, 101, 0);
            if client_acks_first {
                f.seg(true, ACK, 102, 702, 0);
                f.seg(false, ACK, 702, 102, 0);
            } else {
                f.seg(false, ACK, 702, 102, 0);
                f.seg(true, ACK, 102, 702, 0);
            }
            let steps = f.done();
            passes_closing_then_time_wait(&steps, Side::Client);
            passes_closing_then_time_wait(&steps, Side::Server);
            one_arrow_at_a_time(&steps);
            let last = steps.last().unwrap().after;
            assert_eq!(
                (last.client, last.server),
                (Some(State::TimeWait), Some(State::TimeWait))
            );
        }
    }

    #[test]
    fn the_handshake_rtt_runs_from_the_syn_that_was_answered() {
        let mut f = Feed::new();
        f.seg_at(0.0, true, SYN, 100, 0, 0); // lost
        f.seg_at(1.0, true, SYN, 100, 0, 0);
        f.seg_at(1.030, false, SYN | ACK, 700, 101, 0);
        f.seg_at(1.031, true, ACK, 101, 701, 0);
        let rtt = f.t.summaries()[0].handshake_rtt.unwrap();
        assert!((rtt - 0.031).abs() < 1e-9, "{rtt}");
    }

    #[test]
    fn a_second_syn_ack_with_a_new_isn_rebases_only_once_acknowledged() {
        // The client goes on with the second ISN.
        let mut f = Feed::new();
        f.seg(true, SYN, 100, 0, 0);
        f.seg(false, SYN | ACK, 700, 101, 0);
        f.seg(false, SYN | ACK, 9000, 101, 0);
        f.seg(true, ACK, 101, 9001, 0);
        f.seg(false, Flags::PSH | ACK, 9001, 101, 5);
        let steps = f.done();
        let rel: Vec<(u32, u32)> = steps
            .iter()
            .map(|s| {
                let v = s.segment.as_ref().unwrap();
                (v.seq_rel, v.ack_rel)
            })
            .collect();
        assert_eq!(rel[2].0, 0, "a SYN is numbered from its own ISN");
        assert_eq!(rel[3], (1, 1));
        assert_eq!(rel[4], (1, 1));
        // The client ignores it: the first ISN stays the base.
        let mut f = Feed::new();
        f.seg(true, SYN, 100, 0, 0);
        f.seg(false, SYN | ACK, 700, 101, 0);
        f.seg(true, ACK, 101, 701, 0);
        f.seg(false, SYN | ACK, 9000, 101, 0);
        f.seg(true, ACK, 101, 701, 0);
        f.seg(false, Flags::PSH | ACK, 701, 101, 5);
        let steps = f.done();
        let v = steps[5].segment.as_ref().unwrap();
        assert_eq!(v.seq_rel, 1);
        assert_eq!(steps[4].segment.as_ref().unwrap().ack_rel, 1);
    }

    #[test]
    fn a_one_sided_capture_infers_the_silent_side_from_what_the_other_sends() {
        let mut f = Feed::new();
        f.seg(true, Flags::PSH | ACK, 5000, 9000, 10);
        f.seg(true, ACK, 5010, 9500, 0); // bytes from the server were acknowledged
        f.seg(true, FIN | ACK, 5010, 9500, 0);
        let summary = f.t.summaries()[0].clone();
        let steps = f.done();
        assert_eq!(steps[0].after.server, None, "nothing says so yet");
        assert_eq!(states(&steps)[1], EST);
        assert_eq!(
            states(&steps)[2],
            (Some(State::FinWait1), Some(State::CloseWait))
        );
        assert_eq!(summary.one_sided, Some(Side::Client));
        let text = crate::explain::explain_in(&steps[1], crate::explain::Lang::En);
        assert!(text.contains("inferred from one side"), "{text}");
    }

    #[test]
    fn a_client_that_acknowledges_an_unseen_syn_ack_is_established() {
        let mut f = Feed::new();
        f.seg(true, SYN, 100, 0, 0);
        f.seg(true, ACK, 101, 701, 0);
        f.seg(true, Flags::PSH | ACK, 101, 701, 10);
        let steps = f.done();
        assert_eq!(states(&steps)[1], EST);
        assert_eq!(states(&steps)[2], EST);
        one_arrow_at_a_time(&steps);
    }

    #[test]
    fn fast_open_data_and_urgent_data_are_explained() {
        let mut f = Feed::new();
        f.seg(true, SYN, 100, 0, 517);
        f.seg(false, SYN | ACK, 700, 618, 0);
        f.seg(true, Flags::URG | Flags::PSH | ACK, 618, 701, 1);
        let steps = f.done();
        let en = |i: usize| crate::explain::explain_in(&steps[i], crate::explain::Lang::En);
        assert!(
            en(0).contains("TCP Fast Open") && en(0).contains("517 bytes"),
            "{}",
            en(0)
        );
        assert!(en(2).contains("urgent pointer"), "{}", en(2));
        let zh = crate::explain::explain_in(&steps[0], crate::explain::Lang::Zh);
        assert!(zh.contains("TCP 快速打开"), "{zh}");
    }
}
