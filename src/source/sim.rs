//! The simulator: two [`Endpoint`]s joined by a simulated wire, driven by a
//! script of socket calls. It records every call, timer and segment as a
//! timeline [`Step`]. Time is simulated: nothing sleeps.

use crate::tcp::analysis::Analyzer;
use crate::tcp::endpoint::{Config, Endpoint, ModelError, ReadResult};
use crate::tcp::reassembly::Reassembly;
use crate::timeline::segment::Segment;
use crate::timeline::seq::SeqNum;
use crate::timeline::state::State;
use crate::timeline::{
    Call, CallResult, SegmentView, Side, States, Step, StepKind, StreamInfo, Timeline, Timer,
};
use crate::wire::build;
use std::net::SocketAddr;

/// Which segments a wire rule applies to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Match {
    Syn,
    SynAck,
    Fin,
    Data,
    Any,
}

impl Match {
    fn hits(self, seg: &Segment) -> bool {
        let f = seg.flags;
        match self {
            Match::Syn => f.syn() && !f.ack(),
            Match::SynAck => f.syn() && f.ack(),
            Match::Fin => f.fin(),
            Match::Data => !seg.is_empty(),
            Match::Any => true,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum WireAction {
    Drop,
    /// Deliver this many seconds later than usual (a later segment can
    /// overtake it: that is how reordering is made).
    Delay(f64),
}

/// "The `nth` segment from `from` that matches `what`: `action`."
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct WireRule {
    pub from: Side,
    pub what: Match,
    pub nth: u32,
    pub action: WireAction,
}

/// "What if": a change to one segment of a run, named by the order in
/// which the segments were put on the wire (1-based, retransmissions
/// counted), as a teacher picks it from the ladder. Runs are deterministic,
/// so the same number names the same segment until the first change.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum WhatIf {
    Drop(u32),
    /// Deliver this many seconds later than the wire's latency.
    Delay(u32, f64),
    /// Deliver it twice (the copy just after the original), as a
    /// retransmission that crossed its ACK would be.
    Duplicate(u32),
}

/// What a [`WhatIf`] does to the segment it names.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum WhatIfKind {
    Drop,
    /// Seconds later than usual.
    Delay(f64),
    Duplicate,
}

impl WhatIf {
    pub fn new(kind: WhatIfKind, sent: u32) -> WhatIf {
        match kind {
            WhatIfKind::Drop => WhatIf::Drop(sent),
            WhatIfKind::Delay(s) => WhatIf::Delay(sent, s),
            WhatIfKind::Duplicate => WhatIf::Duplicate(sent),
        }
    }

    pub fn sent(self) -> u32 {
        match self {
            WhatIf::Drop(n) | WhatIf::Delay(n, _) | WhatIf::Duplicate(n) => n,
        }
    }
}

/// A socket call in a script.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CallOp {
    Listen,
    Connect,
    Accept,
    Write(Vec<u8>),
    Read,
    Shutdown,
    Close,
    LingerZero,
}

impl CallOp {
    fn call(&self) -> Call {
        match self {
            CallOp::Listen => Call::Listen,
            CallOp::Connect => Call::Connect,
            CallOp::Accept => Call::Accept,
            CallOp::Write(_) => Call::Write,
            CallOp::Read => Call::Read,
            CallOp::Shutdown => Call::Shutdown,
            CallOp::Close => Call::Close,
            CallOp::LingerZero => Call::LingerZero,
        }
    }
}

/// One line of a scenario script.
#[derive(Clone, Debug, PartialEq)]
pub enum Op {
    /// Make the call, then let every segment in flight arrive (timers wait).
    Call(Side, CallOp),
    /// Make several calls at the same instant, then deliver: simultaneous
    /// open and close.
    Together(Vec<(Side, CallOp)>),
    /// Deliver, and fire retransmission and delayed-ACK timers until the
    /// wire is quiet.
    Settle,
    /// Let this many seconds pass, firing every timer due (TIME-WAIT too).
    Wait(f64),
    /// Arm a rule on the wire.
    Wire(WireRule),
    /// This side delays its ACKs (so an ACK can ride on the next segment).
    DelayedAck(Side),
}

#[derive(Clone, Debug, PartialEq)]
pub struct SimConfig {
    pub isn_client: u32,
    pub isn_server: u32,
    pub client: SocketAddr,
    pub server: SocketAddr,
    /// One-way delay of the wire, seconds.
    pub latency: f64,
    /// Maximum segment lifetime, seconds (TIME-WAIT lasts 2·MSL).
    pub msl: f64,
    /// Changes to single segments, on top of the scenario's own wire rules.
    pub what_if: Vec<WhatIf>,
}

pub const DEFAULT_ISN_CLIENT: u32 = 3_141_592_653;
pub const DEFAULT_ISN_SERVER: u32 = 2_718_281_828;

impl Default for SimConfig {
    fn default() -> Self {
        SimConfig {
            isn_client: DEFAULT_ISN_CLIENT,
            isn_server: DEFAULT_ISN_SERVER,
            client: "192.0.2.1:50000".parse().expect("literal"),
            server: "192.0.2.2:80".parse().expect("literal"),
            latency: 0.010,
            msl: 30.0,
            what_if: Vec::new(),
        }
    }
}

/// A script that asks for something the model refuses (a bug in the script).
#[derive(Debug, thiserror::Error, PartialEq)]
#[error("{side} {call}: {source}")]
pub struct ScriptError {
    pub side: Side,
    pub call: Call,
    #[source]
    pub source: ModelError,
}

#[derive(Debug)]
struct Flight {
    at: f64,
    order: u64,
    /// Its place in the order segments were sent (see [`WhatIf`]).
    sent: u32,
    from: Side,
    seg: Segment,
    call: Option<Call>,
}

pub struct Simulator {
    cfg: SimConfig,
    now: f64,
    eps: [Endpoint; 2],
    listening: bool,
    delayed_ack: [bool; 2],
    in_flight: Vec<Flight>,
    order: u64,
    rules: Vec<(WireRule, u32)>,
    steps: Vec<Step>,
    /// For each step: the [`WhatIf`] number of its segment.
    sent_of_step: Vec<Option<u32>>,
    /// Segments put on the wire so far.
    sent: u32,
    frames: u64,
    stream: u32,
    streams: Vec<StreamInfo>,
    ip_id: [u16; 2],
    /// Per side: the sequence number its relative numbers count from.
    base: [Option<SeqNum>; 2],
    analyzer: Analyzer,
    reassembly: Reassembly,
}

/// Safety net against a script whose wire drops everything forever.
const MAX_STEPS: usize = 1000;

impl Simulator {
    pub fn new(cfg: SimConfig) -> Simulator {
        let eps = [
            Self::endpoint(&cfg, Side::Client, 0),
            Self::endpoint(&cfg, Side::Server, 0),
        ];
        let streams = vec![StreamInfo {
            client: cfg.client,
            server: cfg.server,
        }];
        Simulator {
            cfg,
            now: 0.0,
            eps,
            listening: false,
            delayed_ack: [false; 2],
            in_flight: Vec::new(),
            order: 0,
            rules: Vec::new(),
            steps: Vec::new(),
            sent_of_step: Vec::new(),
            sent: 0,
            frames: 0,
            stream: 0,
            streams,
            ip_id: [0x1000, 0x8000],
            base: [None; 2],
            analyzer: Analyzer::new(),
            reassembly: Reassembly::new(),
        }
    }

    fn endpoint(cfg: &SimConfig, side: Side, generation: u32) -> Endpoint {
        let isn = match side {
            Side::Client => cfg.isn_client,
            Side::Server => cfg.isn_server,
        };
        // A later connection on the same ports starts from a larger ISN, as
        // RFC 9293 §3.4.1's clock-driven ISN would.
        let mut c = Config::new(isn.wrapping_add(generation.wrapping_mul(64_000_000)));
        c.msl = cfg.msl;
        Endpoint::new(c)
    }

    fn states(&self) -> States {
        States::new(self.eps[0].state, self.eps[1].state)
    }

    fn ep(&mut self, side: Side) -> &mut Endpoint {
        &mut self.eps[side.index()]
    }

    fn addr(&self, side: Side) -> SocketAddr {
        match side {
            Side::Client => self.cfg.client,
            Side::Server => self.cfg.server,
        }
    }

    fn push(&mut self, step: Step) {
        self.steps.push(step);
        self.sent_of_step.push(None);
    }

    /// Push a segment's step, remembering which sent segment it shows.
    fn push_sent(&mut self, step: Step, sent: u32) {
        self.steps.push(step);
        self.sent_of_step.push(Some(sent));
    }

    /// For each step, the number a [`WhatIf`] names its segment by (None
    /// for calls and timers).
    pub fn sent_numbers(&self) -> &[Option<u32>] {
        &self.sent_of_step
    }

    /// Run a whole script.
    pub fn run(cfg: SimConfig, ops: &[Op]) -> Result<Simulator, ScriptError> {
        let mut sim = Simulator::new(cfg);
        for op in ops {
            sim.op(op)?;
        }
        sim.settle();
        Ok(sim)
    }

    pub fn op(&mut self, op: &Op) -> Result<(), ScriptError> {
        match op {
            Op::Call(side, call) => {
                if let Err(e) = self.call(*side, call) {
                    // A "what if" can leave a call too early for its script
                    // (accept() while the SYN is still being retransmitted).
                    // Real calls block until they can go on: let the wire and
                    // the timers run, then make it.
                    if self.cfg.what_if.is_empty() {
                        return Err(e);
                    }
                    self.settle();
                    self.call(*side, call)?;
                }
                self.deliver_all();
            }
            Op::Together(calls) => {
                for (side, call) in calls {
                    self.call(*side, call)?;
                }
                self.deliver_all();
            }
            Op::Settle => self.settle(),
            Op::Wait(secs) => self.wait(*secs),
            Op::Wire(rule) => self.rules.push((*rule, 0)),
            Op::DelayedAck(side) => {
                self.delayed_ack[side.index()] = true;
                self.ep(*side).cfg.delayed_ack = true;
            }
        }
        Ok(())
    }

    /// A new connection on the same ports after the old one has closed.
    fn maybe_new_stream(&mut self, side: Side, call: &CallOp) {
        let ep = &self.eps[side.index()];
        if *call == CallOp::Connect && ep.state == State::Closed && ep.irs().is_some() {
            self.stream += 1;
            let generation = self.stream;
            for s in [Side::Client, Side::Server] {
                let mut fresh = Self::endpoint(&self.cfg, s, generation);
                fresh.cfg.delayed_ack = self.delayed_ack[s.index()];
                if s == Side::Server && self.listening {
                    fresh.listen().expect("CLOSED always takes listen()");
                }
                self.eps[s.index()] = fresh;
            }
            self.base = [None; 2];
            self.analyzer = Analyzer::new();
            self.reassembly = Reassembly::new();
            self.streams.push(StreamInfo {
                client: self.cfg.client,
                server: self.cfg.server,
            });
        }
    }

    fn call(&mut self, side: Side, op: &CallOp) -> Result<(), ScriptError> {
        self.maybe_new_stream(side, op);
        let before = self.states();
        let now = self.now;
        let fail = |source| ScriptError {
            side,
            call: op.call(),
            source,
        };
        let ep = self.ep(side);
        let mut sent = Vec::new();
        let result = match op {
            CallOp::Listen => {
                ep.listen().map_err(fail)?;
                self.listening = true;
                CallResult::Done
            }
            CallOp::Connect => {
                sent.push(ep.connect(now).map_err(fail)?);
                // connect() blocks; the SYN-ACK step shows it returning.
                CallResult::Done
            }
            CallOp::Accept => {
                // accept() only takes a finished connection off the queue.
                if matches!(ep.state, State::Listen | State::SynReceived) {
                    return Err(fail(ModelError::NotInThisState {
                        call: "accept()",
                        state: ep.state,
                    }));
                }
                CallResult::Done
            }
            CallOp::Write(data) => {
                sent.push(ep.write(data, now).map_err(fail)?);
                CallResult::Bytes(data.len())
            }
            CallOp::Read => match ep.read().map_err(fail)? {
                ReadResult::Data(n) => CallResult::Bytes(n),
                ReadResult::Eof => CallResult::Eof,
                ReadResult::Reset => CallResult::Error("ECONNRESET"),
            },
            CallOp::Shutdown => {
                sent.push(ep.shutdown_write(now).map_err(fail)?);
                CallResult::Done
            }
            CallOp::Close => {
                let aborts = ep.close_aborts();
                let unread = ep.unread;
                sent.extend(ep.close(now).map_err(fail)?);
                if aborts {
                    CallResult::Abort { unread }
                } else {
                    CallResult::Done
                }
            }
            CallOp::LingerZero => {
                ep.linger_zero = true;
                CallResult::Done
            }
        };
        let after = self.states();
        self.push(Step {
            kind: StepKind::Call,
            stream: self.stream,
            time: self.now,
            side,
            call: Some(op.call()),
            call_result: Some(result),
            timer: None,
            segment: None,
            before,
            after,
            kernel: None,
            kernel_detail: None,
            datagram: None,
        });
        for seg in sent {
            self.send(side, seg, Some(op.call()));
        }
        Ok(())
    }

    /// Put a segment on the wire, unless a rule drops it.
    fn send(&mut self, from: Side, seg: Segment, call: Option<Call>) {
        // Every rule counts every segment it matches, so "the 1st SYN" and
        // "the 2nd SYN" both find theirs.
        let mut delay = 0.0;
        let mut dropped = false;
        let mut copies = 1;
        self.sent += 1;
        let sent = self.sent;
        for w in self.cfg.what_if.iter().filter(|w| w.sent() == sent) {
            match *w {
                WhatIf::Drop(_) => dropped = true,
                WhatIf::Delay(_, d) => delay += d,
                WhatIf::Duplicate(_) => copies = 2,
            }
        }
        for (rule, seen) in self.rules.iter_mut() {
            if rule.from == from && rule.what.hits(&seg) {
                *seen += 1;
                if *seen == rule.nth {
                    match rule.action {
                        WireAction::Drop => dropped = true,
                        WireAction::Delay(d) => delay += d,
                    }
                }
            }
        }
        if dropped {
            let states = self.states();
            let view = self.view(from, &seg, true);
            self.push_sent(
                Step {
                    kind: StepKind::Segment,
                    stream: self.stream,
                    time: self.now,
                    side: from,
                    call,
                    call_result: None,
                    timer: None,
                    segment: Some(view),
                    before: states,
                    after: states,
                    kernel: None,
                    kernel_detail: None,
                    datagram: None,
                },
                sent,
            );
            return;
        }
        for copy in 0..copies {
            self.order += 1;
            self.in_flight.push(Flight {
                // A duplicate arrives a millisecond after the original.
                at: self.now + self.cfg.latency + delay + 0.001 * f64::from(copy),
                order: self.order,
                sent,
                from,
                seg: seg.clone(),
                call,
            });
        }
    }

    /// Build the step's view of a segment: frame bytes, relative numbers,
    /// retransmission mark. Called once per segment, in wire order.
    fn view(&mut self, from: Side, seg: &Segment, lost: bool) -> SegmentView {
        let i = from.index();
        if self.base[i].is_none() {
            // Wireshark's base: the SYN's sequence number, or one before the
            // first one seen when the side never sent a SYN (an RST answer).
            self.base[i] = Some(if seg.flags.syn() {
                seg.seq
            } else {
                seg.seq + u32::MAX
            });
        }
        let analysis = self.analyzer.observe(from, seg, seg.len(), self.now);
        let gap_before = self.analyzer.last_had_gap();
        let readable = if lost {
            0
        } else {
            self.reassembly.arrive(from, seg, seg.len())
        };
        let seq_rel = seg.seq.since(self.base[i].unwrap_or(seg.seq));
        // Without the ACK flag the field is shown as it is, as Wireshark does.
        let ack_rel = match self.base[from.other().index()] {
            Some(b) if seg.flags.ack() => seg.ack.since(b),
            _ => seg.ack.0,
        };
        self.frames += 1;
        self.ip_id[i] = self.ip_id[i].wrapping_add(1);
        let (src, dst) = (self.addr(from), self.addr(from.other()));
        SegmentView {
            frame: self.frames,
            from,
            src,
            dst,
            len: seg.len(),
            seq_rel,
            ack_rel,
            analysis,
            lost,
            gap_before,
            readable,
            bytes: Some(build::frame(seg, src, dst, self.ip_id[i])),
            seg: seg.clone(),
            // A scenario's payloads are short words, so only HTTP could
            // show here; no scenario upgrades to WebSocket.
            l7: crate::wire::l7::http(&seg.payload),
        }
    }

    /// Deliver every segment in flight, in arrival order, with the replies
    /// they cause. Timers do not fire.
    fn deliver_all(&mut self) {
        while !self.in_flight.is_empty() && self.steps.len() < MAX_STEPS {
            let next = self
                .in_flight
                .iter()
                .enumerate()
                .min_by(|(_, a), (_, b)| a.at.total_cmp(&b.at).then(a.order.cmp(&b.order)))
                .map(|(i, _)| i)
                .expect("not empty");
            let f = self.in_flight.remove(next);
            self.now = self.now.max(f.at);
            self.deliver(f);
        }
    }

    fn deliver(&mut self, f: Flight) {
        let to = f.from.other();
        let before = self.states();
        let view = self.view(f.from, &f.seg, false);
        let now = self.now;
        let replies = match self.ep(to).receive(&f.seg, now) {
            Ok(rx) => rx.replies,
            // The model refuses nonsense rather than guessing; a segment it
            // cannot take is ignored, as a real stack drops it.
            Err(_) => Vec::new(),
        };
        let after = self.states();
        self.push_sent(
            Step {
                kind: StepKind::Segment,
                stream: self.stream,
                time: self.now,
                side: f.from,
                call: f.call,
                call_result: None,
                timer: None,
                segment: Some(view),
                before,
                after,
                kernel: None,
                kernel_detail: None,
                datagram: None,
            },
            f.sent,
        );
        for r in replies {
            self.send(to, r, None);
        }
    }

    fn next_timer(&self, include_time_wait: bool) -> Option<(f64, Side, Timer)> {
        let mut best: Option<(f64, Side, Timer)> = None;
        for side in [Side::Client, Side::Server] {
            let ep = &self.eps[side.index()];
            let mut cands = vec![];
            if let Some(t) = ep.rtx_due {
                cands.push((t, Timer::Retransmission { rto: ep.rto }));
            }
            if let Some(t) = ep.ack_due {
                cands.push((t, Timer::DelayedAck));
            }
            if include_time_wait && let Some(t) = ep.time_wait_due {
                cands.push((
                    t,
                    Timer::TimeWait {
                        seconds: 2.0 * ep.cfg.msl,
                    },
                ));
            }
            for (t, timer) in cands {
                if best.is_none_or(|(b, _, _)| t < b) {
                    best = Some((t, side, timer));
                }
            }
        }
        best
    }

    fn fire(&mut self, at: f64, side: Side, timer: Timer) {
        self.now = self.now.max(at);
        let before = self.states();
        let now = self.now;
        let ep = self.ep(side);
        let (seg, call) = match timer {
            Timer::Retransmission { .. } => (ep.on_rtx_timer(now), None),
            Timer::DelayedAck => (ep.on_ack_timer(now), None),
            Timer::TimeWait { .. } => {
                let _ = ep.on_time_wait_timer();
                (None, None)
            }
        };
        let after = self.states();
        self.push(Step {
            kind: StepKind::Timer,
            stream: self.stream,
            time: self.now,
            side,
            call,
            call_result: None,
            timer: Some(timer),
            segment: None,
            before,
            after,
            kernel: None,
            kernel_detail: None,
            datagram: None,
        });
        if let Some(seg) = seg {
            let call = self.original_call(side, &seg);
            self.send(side, seg, call);
        }
    }

    /// A retransmission belongs to the call that sent the original.
    fn original_call(&self, side: Side, seg: &Segment) -> Option<Call> {
        if seg.seq_space() == 0 {
            return None;
        }
        self.steps.iter().rev().find_map(|s| {
            let v = s.segment.as_ref()?;
            (s.stream == self.stream && v.from == side && v.seg.seq == seg.seq).then_some(s.call)?
        })
    }

    /// Deliver and fire retransmission / delayed-ACK timers until quiet.
    pub fn settle(&mut self) {
        self.deliver_all();
        while self.steps.len() < MAX_STEPS {
            let Some((at, side, timer)) = self.next_timer(false) else {
                break;
            };
            self.fire(at, side, timer);
            self.deliver_all();
        }
    }

    /// Let `secs` pass: every timer due in that time fires.
    pub fn wait(&mut self, secs: f64) {
        let until = self.now + secs;
        self.deliver_all();
        while self.steps.len() < MAX_STEPS {
            match self.next_timer(true) {
                Some((at, side, timer)) if at <= until + 1e-9 => {
                    self.fire(at, side, timer);
                    self.deliver_all();
                }
                _ => break,
            }
        }
        self.now = self.now.max(until);
    }

    pub fn steps(&self) -> &[Step] {
        &self.steps
    }

    pub fn final_states(&self) -> States {
        self.states()
    }

    pub fn into_timeline(self, source: String, title: String) -> Timeline {
        Timeline {
            source,
            title,
            streams: self.streams,
            steps: self.steps,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use CallOp::*;
    use Side::*;

    fn run(ops: &[Op]) -> Simulator {
        Simulator::run(SimConfig::default(), ops).expect("script runs")
    }

    fn segs(sim: &Simulator) -> Vec<(Side, String, bool)> {
        sim.steps()
            .iter()
            .filter_map(|s| {
                let v = s.segment.as_ref()?;
                Some((v.from, v.seg.flags.tcpdump(), v.lost))
            })
            .collect()
    }

    #[test]
    fn three_way_handshake_then_accept() {
        let sim = run(&[
            Op::Call(Server, Listen),
            Op::Call(Client, Connect),
            Op::Call(Server, Accept),
        ]);
        let s = segs(&sim);
        assert_eq!(
            s,
            vec![
                (Client, "[S]".into(), false),
                (Server, "[S.]".into(), false),
                (Client, "[.]".into(), false)
            ]
        );
        assert_eq!(
            sim.final_states(),
            States::new(State::Established, State::Established)
        );
        // The ACK of the handshake acknowledges ISN+1 on both sides.
        let synack = &sim.steps()[3].segment.as_ref().unwrap().seg;
        assert_eq!(synack.ack, SeqNum(DEFAULT_ISN_CLIENT) + 1);
    }

    #[test]
    fn accept_before_the_handshake_is_refused_as_a_script_error() {
        let err = Simulator::run(
            SimConfig::default(),
            &[Op::Call(Server, Listen), Op::Call(Server, Accept)],
        )
        .err()
        .expect("accept() cannot return before a connection exists");
        assert_eq!(err.call, Call::Accept);
    }

    #[test]
    fn connect_to_a_port_without_listener_is_reset() {
        let sim = run(&[Op::Call(Client, Connect)]);
        assert_eq!(
            segs(&sim),
            vec![
                (Client, "[S]".into(), false),
                (Server, "[R.]".into(), false)
            ]
        );
        assert_eq!(
            sim.final_states(),
            States::new(State::Closed, State::Closed)
        );
    }

    #[test]
    fn a_delayed_segment_is_overtaken() {
        let sim = run(&[
            Op::Call(Server, Listen),
            Op::Call(Client, Connect),
            Op::Wire(WireRule {
                from: Client,
                what: Match::Data,
                nth: 1,
                action: WireAction::Delay(0.5),
            }),
            Op::Together(vec![
                (Client, Write(b"first".to_vec())),
                (Client, Write(b"second".to_vec())),
            ]),
            Op::Settle,
        ]);
        let data: Vec<_> = sim
            .steps()
            .iter()
            .filter_map(|s| s.segment.as_ref())
            .filter(|v| v.len > 0)
            .map(|v| v.seg.payload.clone())
            .collect();
        assert_eq!(data, vec![b"second".to_vec(), b"first".to_vec()]);
    }

    fn timers(sim: &Simulator) -> Vec<(Side, f64)> {
        sim.steps()
            .iter()
            .filter_map(|s| match s.timer {
                Some(Timer::Retransmission { rto }) => Some((s.side, rto)),
                _ => None,
            })
            .collect()
    }

    fn drop_nth(from: Side, what: Match, nth: u32) -> Op {
        Op::Wire(WireRule {
            from,
            what,
            nth,
            action: WireAction::Drop,
        })
    }

    #[test]
    fn the_rto_doubles_while_the_syn_keeps_getting_lost() {
        let sim = run(&[
            Op::Call(Server, Listen),
            drop_nth(Client, Match::Syn, 1),
            drop_nth(Client, Match::Syn, 2),
            Op::Call(Client, Connect),
            Op::Settle,
        ]);
        // Fired after 1 s, then after 2 s more: the third SYN gets through.
        assert_eq!(timers(&sim), vec![(Client, 1.0), (Client, 2.0)]);
        let syn_times: Vec<f64> = sim
            .steps()
            .iter()
            .filter(|s| {
                s.segment
                    .as_ref()
                    .is_some_and(|v| v.seg.flags == crate::timeline::segment::Flags::SYN)
            })
            .map(|s| s.time)
            .collect();
        assert_eq!(syn_times, vec![0.0, 1.0, 3.01]);
        assert_eq!(
            sim.final_states(),
            States::new(State::Established, State::Established)
        );
    }

    #[test]
    fn the_server_resends_its_syn_ack_on_its_own_timer() {
        // The SYN-ACK and the client's first retransmitted SYN are both lost:
        // only the server's own retransmission timer can recover.
        let sim = run(&[
            Op::Call(Server, Listen),
            drop_nth(Server, Match::SynAck, 1),
            drop_nth(Client, Match::Syn, 2),
            Op::Call(Client, Connect),
            Op::Settle,
        ]);
        assert!(timers(&sim).contains(&(Server, 1.0)), "{:?}", timers(&sim));
        assert_eq!(
            sim.final_states(),
            States::new(State::Established, State::Established)
        );
    }

    #[test]
    fn lost_data_is_retransmitted_and_read_once() {
        let sim = run(&[
            Op::Call(Server, Listen),
            Op::Call(Client, Connect),
            Op::Call(Server, Accept),
            drop_nth(Client, Match::Data, 1),
            Op::Call(Client, Write(b"hello".to_vec())),
            Op::Settle,
            Op::Call(Server, Read),
        ]);
        assert_eq!(timers(&sim), vec![(Client, 1.0)]);
        let read = sim.steps().last().unwrap();
        assert_eq!(read.call_result, Some(CallResult::Bytes(5)));
        let resent = sim
            .steps()
            .iter()
            .filter_map(|s| s.segment.as_ref())
            .find(|v| v.len == 5 && !v.lost)
            .unwrap();
        assert!(
            resent
                .analysis
                .contains(&crate::timeline::Analysis::Retransmission)
        );
    }

    fn handshake_with(what_if: Vec<WhatIf>) -> Simulator {
        let cfg = SimConfig {
            what_if,
            ..SimConfig::default()
        };
        let ops = [
            Op::Call(Server, Listen),
            Op::Call(Client, Connect),
            Op::Call(Server, Accept),
            Op::Call(Client, Write(b"hi".to_vec())),
            Op::Settle,
        ];
        Simulator::run(cfg, &ops).expect("script runs")
    }

    #[test]
    fn what_if_numbers_name_segments_in_the_order_they_were_sent() {
        let sim = handshake_with(vec![]);
        let numbers: Vec<u32> = sim.sent_numbers().iter().flatten().copied().collect();
        assert_eq!(numbers, [1, 2, 3, 4, 5]);
        let calls = sim.steps().iter().filter(|s| s.segment.is_none()).count();
        assert_eq!(
            sim.sent_numbers().iter().filter(|n| n.is_none()).count(),
            calls
        );
    }

    #[test]
    fn what_if_the_syn_is_lost_plays_as_syn_lost() {
        let sim = handshake_with(vec![WhatIf::Drop(1)]);
        assert_eq!(
            segs(&sim)[..3],
            [
                (Client, "[S]".to_string(), true),
                (Client, "[S]".to_string(), false),
                (Server, "[S.]".to_string(), false),
            ]
        );
        assert_eq!(timers(&sim), vec![(Client, 1.0)]);
    }

    #[test]
    fn what_if_a_segment_is_duplicated_or_delayed() {
        let sim = handshake_with(vec![WhatIf::Duplicate(4)]);
        let data: Vec<_> = sim
            .steps()
            .iter()
            .filter_map(|s| s.segment.as_ref())
            .filter(|v| v.len == 2)
            .collect();
        assert_eq!(data.len(), 2, "the data segment arrives twice");
        assert!(
            data[1]
                .analysis
                .contains(&crate::timeline::Analysis::Retransmission),
            "the copy looks like a retransmission: {:?}",
            data[1].analysis
        );
        let plain = handshake_with(vec![]);
        let late = handshake_with(vec![WhatIf::Delay(4, 0.5)]);
        let time_of = |sim: &Simulator| {
            sim.steps()
                .iter()
                .find(|s| s.segment.as_ref().is_some_and(|v| v.len == 2))
                .map(|s| s.time)
                .unwrap()
        };
        assert!((time_of(&late) - time_of(&plain) - 0.5).abs() < 1e-9);
    }
}
