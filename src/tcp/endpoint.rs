//! One TCP endpoint of the simulator: a transmission control block (RFC 9293
//! §3.3.1) that takes socket calls and segments and answers with segments.
//!
//! Pure: time comes in as an argument (`now`, simulated seconds), nothing is
//! sent anywhere; the simulator moves the returned segments over its wire.

use super::state::{Event, InvalidTransition, State};
use crate::timeline::segment::{Flags, Segment, TcpOption};
use crate::timeline::seq::SeqNum;
use thiserror::Error;

/// Initial retransmission timeout (RFC 6298 §2.1: 1 second).
pub const INITIAL_RTO: f64 = 1.0;
/// How long a delayed ACK waits (Linux's minimum delayed-ACK timer, 40 ms).
pub const DELAYED_ACK: f64 = 0.040;

#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum ModelError {
    #[error(transparent)]
    Transition(#[from] InvalidTransition),
    #[error("{call} is not possible in {state}")]
    NotInThisState { call: &'static str, state: State },
    #[error("read() would block: nothing has arrived yet")]
    WouldBlock,
}

/// Settings of one endpoint: what it puts in its SYN and how it ACKs.
#[derive(Clone, Debug, PartialEq)]
pub struct Config {
    pub iss: u32,
    pub mss: u16,
    pub window_scale: u8,
    pub sack_permitted: bool,
    pub timestamps: bool,
    /// Timestamp clock offset, so the two ends' TSvals look distinct.
    pub ts_base: u32,
    /// Wait for more to send before ACKing a FIN or data (delayed ACK).
    pub delayed_ack: bool,
    /// Maximum segment lifetime in seconds; TIME-WAIT lasts 2·MSL. Linux
    /// waits a fixed 60 s, so the default MSL is 30 s (RFC 9293 suggests 2 min).
    pub msl: f64,
}

impl Config {
    pub fn new(iss: u32) -> Config {
        Config {
            iss,
            mss: 1460,
            window_scale: 7,
            sack_permitted: true,
            timestamps: true,
            ts_base: iss.rotate_left(7) & 0x0fff_ffff,
            delayed_ack: false,
            msl: 30.0,
        }
    }
}

/// What `read()` returned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReadResult {
    Data(usize),
    Eof,
    Reset,
}

/// What the arrival of one segment did to this endpoint: the segments it
/// answers with, and what it took in (which decides whether to ACK).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Reception {
    pub replies: Vec<Segment>,
    /// Payload bytes taken into the receive buffer.
    pub data: u32,
    /// A FIN from the peer was taken in.
    pub fin: bool,
}

/// A segment that occupies sequence space and is not acknowledged yet.
#[derive(Clone, Debug, PartialEq)]
struct Unacked {
    seg: Segment,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Endpoint {
    pub state: State,
    pub cfg: Config,
    /// True when this end opened with `connect()` (affects RST in SYN-RECEIVED).
    active: bool,
    iss: SeqNum,
    snd_una: SeqNum,
    snd_nxt: SeqNum,
    irs: Option<SeqNum>,
    rcv_nxt: SeqNum,
    /// Options the peer offered in its SYN; we only use what both offered.
    peer_sack: bool,
    peer_wscale: bool,
    peer_ts: bool,
    ts_recent: u32,
    /// Bytes received but not read by the application yet.
    pub unread: u32,
    pub reset_received: bool,
    /// `SO_LINGER` with a zero timeout: `close()` aborts with RST.
    pub linger_zero: bool,
    /// `shutdown(SHUT_WR)` was called: a later `close()` sends nothing new.
    shut_wr: bool,
    unacked: Vec<Unacked>,
    /// Segments that arrived ahead of a gap, kept until the gap fills.
    out_of_order: Vec<Segment>,
    pub rto: f64,
    pub rtx_due: Option<f64>,
    pub ack_due: Option<f64>,
    pub time_wait_due: Option<f64>,
}

impl Endpoint {
    pub fn new(cfg: Config) -> Endpoint {
        let iss = SeqNum(cfg.iss);
        Endpoint {
            state: State::Closed,
            cfg,
            active: false,
            iss,
            snd_una: iss,
            snd_nxt: iss,
            irs: None,
            rcv_nxt: SeqNum(0),
            peer_sack: false,
            peer_wscale: false,
            peer_ts: false,
            ts_recent: 0,
            unread: 0,
            reset_received: false,
            linger_zero: false,
            shut_wr: false,
            unacked: Vec::new(),
            out_of_order: Vec::new(),
            rto: INITIAL_RTO,
            rtx_due: None,
            ack_due: None,
            time_wait_due: None,
        }
    }

    pub fn irs(&self) -> Option<SeqNum> {
        self.irs
    }

    fn step(&mut self, event: Event) -> Result<(), ModelError> {
        self.state = if self.active {
            self.state.next_active(event)?
        } else {
            self.state.next(event)?
        };
        Ok(())
    }

    fn tsval(&self, now: f64) -> u32 {
        self.cfg.ts_base.wrapping_add((now * 1000.0).round() as u32)
    }

    /// Window field: unscaled in a SYN (RFC 7323 §2.2), scaled afterwards.
    fn window(&self, syn: bool) -> u16 {
        const BUFFER: u32 = 64_256;
        if syn {
            64_240
        } else if self.peer_wscale {
            (BUFFER >> self.cfg.window_scale).min(u16::MAX as u32) as u16
        } else {
            BUFFER.min(u16::MAX as u32) as u16
        }
    }

    fn make(&self, flags: Flags, now: f64) -> Segment {
        let syn = flags.syn();
        let mut seg = Segment::new(
            self.snd_nxt,
            if flags.ack() { self.rcv_nxt } else { SeqNum(0) },
            flags,
        );
        seg.win = self.window(syn);
        let offer = syn && !flags.ack();
        if syn {
            seg.options.push(TcpOption::Mss {
                value: self.cfg.mss,
            });
            if self.cfg.sack_permitted && (offer || self.peer_sack) {
                seg.options.push(TcpOption::SackPermitted);
            }
        }
        if self.cfg.timestamps && (offer || self.peer_ts) && !flags.rst() {
            seg.options.push(TcpOption::Timestamps {
                tsval: self.tsval(now),
                tsecr: if flags.ack() { self.ts_recent } else { 0 },
            });
        }
        if syn && (offer || self.peer_wscale) {
            seg.options.push(TcpOption::WindowScale {
                shift: self.cfg.window_scale,
            });
        }
        seg
    }

    /// Send a segment that occupies sequence space: remember it for
    /// retransmission and start the timer if it is not running.
    fn send_tracked(&mut self, seg: Segment, now: f64) -> Segment {
        self.snd_nxt = seg.seq_end();
        self.unacked.push(Unacked { seg: seg.clone() });
        if self.rtx_due.is_none() {
            self.rtx_due = Some(now + self.rto);
        }
        // Anything we send carries our ACK, so a pending delayed ACK is done.
        self.ack_due = None;
        seg
    }

    /// `listen()`: passive open. Sends nothing.
    pub fn listen(&mut self) -> Result<(), ModelError> {
        self.step(Event::PassiveOpen)
    }

    /// `connect()`: active open, sends SYN.
    pub fn connect(&mut self, now: f64) -> Result<Segment, ModelError> {
        self.step(Event::ActiveOpen)?;
        self.active = true;
        let syn = self.make(Flags::SYN, now);
        Ok(self.send_tracked(syn, now))
    }

    /// `write()`: one segment with the whole buffer (the scenarios write
    /// less than one MSS).
    pub fn write(&mut self, data: &[u8], now: f64) -> Result<Segment, ModelError> {
        if !matches!(self.state, State::Established | State::CloseWait) || self.shut_wr {
            return Err(ModelError::NotInThisState {
                call: "write()",
                state: self.state,
            });
        }
        let mut seg = self.make(Flags::PSH | Flags::ACK, now);
        seg.payload = data.to_vec();
        Ok(self.send_tracked(seg, now))
    }

    /// `read()`: takes everything in the receive buffer; 0 means EOF.
    pub fn read(&mut self) -> Result<ReadResult, ModelError> {
        if self.unread > 0 {
            let n = self.unread as usize;
            self.unread = 0;
            Ok(ReadResult::Data(n))
        } else if self.reset_received {
            Ok(ReadResult::Reset)
        } else if self.state.fin_received() || (self.state == State::Closed && self.irs.is_some()) {
            Ok(ReadResult::Eof)
        } else {
            Err(ModelError::WouldBlock)
        }
    }

    /// `shutdown(SHUT_WR)`: send FIN, keep receiving.
    pub fn shutdown_write(&mut self, now: f64) -> Result<Segment, ModelError> {
        if !matches!(self.state, State::Established | State::CloseWait) {
            return Err(ModelError::NotInThisState {
                call: "shutdown(SHUT_WR)",
                state: self.state,
            });
        }
        self.step(Event::Close)?;
        self.shut_wr = true;
        let fin = self.make(Flags::FIN | Flags::ACK, now);
        Ok(self.send_tracked(fin, now))
    }

    /// True when `close()` would reset instead of closing gracefully: unread
    /// data (RFC 2525 §2.17, Linux `tcp_close`) or `SO_LINGER` 0.
    pub fn close_aborts(&self) -> bool {
        self.state.is_synchronized()
            && !matches!(
                self.state,
                State::TimeWait | State::Closing | State::LastAck
            )
            && (self.unread > 0 || self.linger_zero)
    }

    /// `close()`: FIN in the ordinary case, RST when [`Self::close_aborts`],
    /// nothing when the FIN has already gone (after `shutdown()`) or the
    /// connection never got going.
    pub fn close(&mut self, now: f64) -> Result<Option<Segment>, ModelError> {
        if self.close_aborts() {
            let rst = Segment {
                win: 0,
                ..self.make(Flags::RST | Flags::ACK, now)
            };
            self.step(Event::Abort)?;
            self.unacked.clear();
            self.rtx_due = None;
            self.ack_due = None;
            return Ok(Some(rst));
        }
        match self.state {
            State::Listen | State::SynSent => {
                self.step(Event::Close)?;
                self.unacked.clear();
                self.rtx_due = None;
                Ok(None)
            }
            State::SynReceived | State::Established | State::CloseWait => {
                self.step(Event::Close)?;
                let fin = self.make(Flags::FIN | Flags::ACK, now);
                Ok(Some(self.send_tracked(fin, now)))
            }
            // FIN already sent by shutdown(), or nothing left: close() only
            // releases the file descriptor.
            _ if self.shut_wr || self.state == State::Closed || self.state == State::TimeWait => {
                Ok(None)
            }
            state => Err(ModelError::NotInThisState {
                call: "close()",
                state,
            }),
        }
    }

    /// Answer to a segment arriving for a port that has no connection and no
    /// listener (RFC 9293 §3.10.7.1).
    pub fn reset_for(seg: &Segment) -> Option<Segment> {
        if seg.flags.rst() {
            return None;
        }
        let mut rst = if seg.flags.ack() {
            Segment::new(seg.ack, SeqNum(0), Flags::RST)
        } else {
            Segment::new(
                SeqNum(0),
                seg.seq + seg.seq_space(),
                Flags::RST | Flags::ACK,
            )
        };
        rst.win = 0;
        Some(rst)
    }

    fn learn_peer_options(&mut self, seg: &Segment) {
        for o in &seg.options {
            match o {
                TcpOption::SackPermitted => self.peer_sack = true,
                TcpOption::WindowScale { .. } => self.peer_wscale = true,
                TcpOption::Timestamps { .. } => self.peer_ts = true,
                _ => {}
            }
        }
    }

    fn note_timestamp(&mut self, seg: &Segment) {
        for o in &seg.options {
            if let TcpOption::Timestamps { tsval, .. } = o {
                self.ts_recent = *tsval;
            }
        }
    }

    /// ACK now, or arm the delayed-ACK timer.
    fn ack_or_delay(&mut self, now: f64, rx: &mut Reception) {
        if self.cfg.delayed_ack {
            if self.ack_due.is_none() {
                self.ack_due = Some(now + DELAYED_ACK);
            }
        } else {
            rx.replies.push(self.make(Flags::ACK, now));
        }
    }

    /// Take in the peer's acknowledgment: drop what it covers from the
    /// retransmission queue and restart or stop the timer (RFC 6298 §5).
    fn take_ack(&mut self, ack: SeqNum, now: f64) {
        if ack.gt(self.snd_una) && ack.le(self.snd_nxt) {
            self.snd_una = ack;
            self.unacked.retain(|u| u.seg.seq_end().gt(ack));
            self.rto = INITIAL_RTO;
            self.rtx_due = if self.unacked.is_empty() {
                None
            } else {
                Some(now + self.rto)
            };
        }
    }

    fn our_fin_acked(&self) -> bool {
        self.state.fin_sent() && self.unacked.is_empty() && self.snd_una == self.snd_nxt
    }

    /// A segment arrives. Returns the replies and what happened.
    pub fn receive(&mut self, seg: &Segment, now: f64) -> Result<Reception, ModelError> {
        let mut rx = Reception::default();
        match self.state {
            State::Closed => {
                rx.replies.extend(Self::reset_for(seg));
            }
            State::Listen => {
                // An RST to a listener is ignored (RFC 9293 §3.10.7.2).
                if seg.flags.rst() {
                    return Ok(rx);
                }
                if seg.flags.ack() {
                    rx.replies.extend(Self::reset_for(seg));
                } else if seg.flags.syn() {
                    self.learn_peer_options(seg);
                    self.note_timestamp(seg);
                    self.irs = Some(seg.seq);
                    self.rcv_nxt = seg.seq + 1;
                    self.step(Event::RcvSyn)?;
                    let synack = self.make(Flags::SYN | Flags::ACK, now);
                    rx.replies.push(self.send_tracked(synack, now));
                }
            }
            State::SynSent => self.receive_in_syn_sent(seg, now, &mut rx)?,
            _ => self.receive_synchronized(seg, now, &mut rx)?,
        }
        Ok(rx)
    }

    fn receive_in_syn_sent(
        &mut self,
        seg: &Segment,
        now: f64,
        rx: &mut Reception,
    ) -> Result<(), ModelError> {
        let ack_ok = seg.flags.ack() && seg.ack == self.iss + 1;
        if seg.flags.ack() && !ack_ok {
            if !seg.flags.rst() {
                rx.replies.extend(Self::reset_for(seg));
            }
            return Ok(());
        }
        if seg.flags.rst() {
            // Without an acceptable ACK the RST is ignored.
            if ack_ok {
                self.step(Event::RcvRst)?;
                self.reset_received = true;
                self.unacked.clear();
                self.rtx_due = None;
            }
            return Ok(());
        }
        if !seg.flags.syn() {
            return Ok(());
        }
        self.learn_peer_options(seg);
        self.note_timestamp(seg);
        self.irs = Some(seg.seq);
        self.rcv_nxt = seg.seq + 1;
        if ack_ok {
            self.take_ack(seg.ack, now);
            self.step(Event::RcvSynAck)?;
            rx.replies.push(self.make(Flags::ACK, now));
        } else {
            // Simultaneous open: answer with SYN,ACK from our ISS again.
            self.step(Event::RcvSyn)?;
            let mut synack = self.make(Flags::SYN | Flags::ACK, now);
            synack.seq = self.iss;
            rx.replies.push(synack);
        }
        Ok(())
    }

    fn receive_synchronized(
        &mut self,
        seg: &Segment,
        now: f64,
        rx: &mut Reception,
    ) -> Result<(), ModelError> {
        let new_data_at = seg.seq + u32::from(seg.flags.syn());
        let new_ack = seg.flags.ack() && seg.ack.gt(self.snd_una) && seg.ack.le(self.snd_nxt);
        // An old duplicate: everything in it was received already.
        let is_old = seg.seq_space() > 0 && seg.seq_end().le(self.rcv_nxt) && !new_ack;
        if seg.flags.rst() {
            // RFC 5961 §3: only an RST at exactly RCV.NXT resets.
            if seg.seq == self.rcv_nxt {
                self.step(Event::RcvRst)?;
                self.reset_received = true;
                self.unacked.clear();
                self.rtx_due = None;
                self.ack_due = None;
                self.time_wait_due = None;
            }
            return Ok(());
        }
        if is_old {
            if seg.flags.syn() && self.state == State::SynReceived {
                // A retransmitted SYN: our SYN,ACK must have been lost; send
                // it again (Linux: inet_rtx_syn_ack).
                let mut synack = self.make(Flags::SYN | Flags::ACK, now);
                synack.seq = self.iss;
                self.rto *= 2.0;
                self.rtx_due = Some(now + self.rto);
                rx.replies.push(synack);
            } else {
                rx.replies.push(self.make(Flags::ACK, now));
            }
            return Ok(());
        }
        self.note_timestamp(seg);
        if seg.flags.ack() {
            let acks_our_syn = seg.ack.gt(self.iss);
            self.take_ack(seg.ack, now);
            if self.state == State::SynReceived && acks_our_syn {
                self.step(Event::RcvAckOfSyn)?;
            }
        }
        let fin_acked_now = self.our_fin_acked();
        let receiving = matches!(
            self.state,
            State::Established | State::FinWait1 | State::FinWait2
        );
        if receiving && seg.seq_space() > 0 && new_data_at.gt(self.rcv_nxt) {
            // A gap: keep the segment and say at once what we still miss
            // (a duplicate ACK, RFC 5681 §4.2).
            self.out_of_order.push(seg.clone());
            rx.replies.push(self.make(Flags::ACK, now));
            return Ok(());
        }
        let mut fin_at = seg.flags.fin().then(|| seg.seq + seg.len());
        if receiving && !seg.is_empty() && new_data_at == self.rcv_nxt {
            self.rcv_nxt = self.rcv_nxt + seg.len();
            self.unread += seg.len();
            rx.data = seg.len();
            // The gap is filled: take what was waiting behind it.
            while let Some(i) = self.out_of_order.iter().position(|o| o.seq == self.rcv_nxt) {
                let o = self.out_of_order.remove(i);
                self.rcv_nxt = self.rcv_nxt + o.len();
                self.unread += o.len();
                rx.data += o.len();
                if o.flags.fin() {
                    fin_at = Some(o.seq + o.len());
                }
            }
        }
        let fin_here = fin_at == Some(self.rcv_nxt);
        match (self.state, fin_here, fin_acked_now) {
            (State::FinWait1, true, true) => self.step(Event::RcvFinAckOfFin)?,
            (State::FinWait1, false, true) | (State::Closing, _, true) => {
                self.step(Event::RcvAckOfFin)?
            }
            (State::LastAck, _, true) => {
                self.step(Event::RcvAckOfFin)?;
            }
            (State::Established | State::FinWait1 | State::FinWait2, true, _) => {
                self.step(Event::RcvFin)?
            }
            _ => {}
        }
        if fin_here && self.state.fin_received() {
            self.rcv_nxt = self.rcv_nxt + 1;
            rx.fin = true;
        }
        if self.state == State::TimeWait && self.time_wait_due.is_none() {
            self.time_wait_due = Some(now + 2.0 * self.cfg.msl);
        }
        if rx.data > 0 || rx.fin {
            // Linux ACKs a FIN at once unless the application is about to
            // answer (the three-way close); data likewise with quick-ACK.
            self.ack_or_delay(now, rx);
        }
        Ok(())
    }

    /// The retransmission timer fired: resend the oldest unacknowledged
    /// segment with a fresh ACK field and double the timeout (RFC 6298 §5.5).
    pub fn on_rtx_timer(&mut self, now: f64) -> Option<Segment> {
        let first = self.unacked.first()?.seg.clone();
        let mut again = self.make(first.flags, now);
        again.seq = first.seq;
        again.payload = first.payload;
        if !first.flags.ack() {
            again.ack = SeqNum(0);
        }
        self.rto *= 2.0;
        self.rtx_due = Some(now + self.rto);
        self.ack_due = None;
        Some(again)
    }

    /// The delayed-ACK timer fired.
    pub fn on_ack_timer(&mut self, now: f64) -> Option<Segment> {
        self.ack_due.take()?;
        Some(self.make(Flags::ACK, now))
    }

    /// 2·MSL ran out in TIME-WAIT.
    pub fn on_time_wait_timer(&mut self) -> Result<(), ModelError> {
        self.time_wait_due = None;
        self.step(Event::Timeout2Msl)
    }
}
