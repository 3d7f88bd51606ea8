//! Wireshark's `tcp.analysis.*` findings, computed the way its TCP
//! dissector does (`tcp_analyze_sequence_number` in packet-tcp.c, as in
//! Wireshark 4.0), on the segments of one connection in the order they were
//! seen.
//!
//! Shared by the simulator and the capture tracker so an exported
//! simulation reads back with the same marks.

use crate::timeline::segment::Segment;
use crate::timeline::seq::SeqNum;
use crate::timeline::{Analysis, Side};

/// Wireshark's default out-of-order window when no handshake RTT is known.
const OOO_THRESHOLD: f64 = 0.003;
/// Wireshark calls a retransmission "fast" only this soon after the
/// duplicate ACKs that asked for it.
const FAST_RETRANSMISSION_WINDOW: f64 = 0.020;

#[derive(Clone, Debug, Default)]
struct Direction {
    /// Sequence number after the highest segment seen (Wireshark's nextseq).
    next_seq: Option<SeqNum>,
    /// When the segment that raised `next_seq` was seen.
    next_seq_time: f64,
    /// The acknowledgment field of its last segment, whatever its flags
    /// (Wireshark keeps it so; 0 counts as none, as there).
    last_ack: Option<SeqNum>,
    last_ack_time: f64,
    last_win: Option<u16>,
    /// Duplicate ACKs in a row (for fast-retransmission attribution).
    dup_acks: u32,
    /// Its last segment was a keep-alive / a zero-window probe: the next
    /// segment the other way that repeats its ACK answers it.
    last_keep_alive: bool,
    last_zero_window_probe: bool,
}

fn end_of(seg: &Segment, len: u32) -> SeqNum {
    seg.seq + len + u32::from(seg.flags.syn()) + u32::from(seg.flags.fin())
}

#[derive(Clone, Debug, Default)]
pub struct Analyzer {
    dirs: [Direction; 2],
    /// The most recent SYN: a retransmitted SYN restarts the handshake
    /// clock, as Wireshark's `ts_mru_syn`.
    syn_time: Option<f64>,
    rtt: Option<f64>,
    /// The last segment observed started beyond the next expected sequence
    /// number: bytes before it were not seen (Wireshark's "previous segment
    /// not captured").
    gap: bool,
}

impl Analyzer {
    pub fn new() -> Analyzer {
        Analyzer::default()
    }

    /// Whether the segment last passed to [`Analyzer::observe`] came after
    /// a gap in its direction's sequence space.
    pub fn last_had_gap(&self) -> bool {
        self.gap
    }

    /// Wireshark's `tcp.analysis.initial_rtt`: from the last SYN to the
    /// first segment with ACK and without SYN after it.
    pub fn initial_rtt(&self) -> Option<f64> {
        self.rtt
    }

    /// Marks for `seg`, sent by `from` and seen at `time`.
    pub fn observe(&mut self, from: Side, seg: &Segment, len: u32, time: f64) -> Vec<Analysis> {
        let f = seg.flags;
        let mut out = Vec::new();
        if f.syn() && !f.ack() {
            self.syn_time = Some(time);
        }
        let control = f.syn() || f.fin() || f.rst();
        let (fwd, rev) = {
            let [a, b] = &mut self.dirs;
            match from {
                Side::Client => (a, b),
                Side::Server => (b, a),
            }
        };
        let at_next = fwd.next_seq == Some(seg.seq);
        // A probe of a closed window: the one byte the receiver has no room
        // for. It does not move the expected sequence number on.
        let zero_window_probe = len == 1 && at_next && rev.last_win == Some(0);
        let mut keep_alive = false;
        if zero_window_probe {
            out.push(Analysis::ZeroWindowProbe);
        } else {
            if seg.win == 0 && !control {
                out.push(Analysis::ZeroWindow);
            }
            // One byte before what is expected, with at most one (garbage)
            // byte: a keep-alive asks for an ACK without sending anything new.
            keep_alive = len <= 1 && !control && fwd.next_seq.is_some_and(|n| seg.seq + 1 == n);
            if keep_alive {
                out.push(Analysis::KeepAlive);
            }
            let repeats = len == 0
                && !control
                && at_next
                && fwd.last_ack == nonzero(seg.ack)
                && fwd.last_win == Some(seg.win);
            if repeats && seg.win != 0 && rev.last_keep_alive {
                out.push(Analysis::KeepAliveAck);
            } else if repeats && seg.win == 0 && rev.last_zero_window_probe {
                out.push(Analysis::ZeroWindowProbeAck);
            } else if repeats && seg.win != 0 {
                fwd.dup_acks += 1;
                out.push(Analysis::DupAck);
            }
        }
        if fwd.last_ack != nonzero(seg.ack) {
            fwd.dup_acks = 0;
        }
        if (len > 0 || f.syn() || f.fin()) && !keep_alive {
            let mut not_advanced = fwd.next_seq.is_some_and(|n| seg.seq.lt(n));
            // More than one byte from one before the expected number: new
            // data after a probe, not a repeat.
            if len > 1 && fwd.next_seq.is_some_and(|n| seg.seq + 1 == n) {
                not_advanced = false;
            }
            let since_ack = time - rev.last_ack_time;
            let since_high = time - fwd.next_seq_time;
            let threshold = self.rtt.unwrap_or(OOO_THRESHOLD).max(0.0);
            let spurious = len > 0 && rev.last_ack.is_some_and(|a| (seg.seq + len).le(a));
            if spurious {
                // Every byte of it was acknowledged already: sent again for
                // nothing. Wireshark lists it as a retransmission as well.
                out.push(Analysis::Retransmission);
                out.push(Analysis::SpuriousRetransmission);
            } else if not_advanced
                && rev.dup_acks >= 2
                && rev.last_ack == Some(seg.seq)
                && since_ack < FAST_RETRANSMISSION_WINDOW
            {
                out.push(Analysis::Retransmission);
            } else if not_advanced
                && since_high < threshold
                && fwd.next_seq != Some(end_of(seg, len))
            {
                out.push(Analysis::OutOfOrder);
            } else if not_advanced {
                out.push(Analysis::Retransmission);
            }
        }
        self.gap = (len > 0 || f.fin()) && !f.syn() && fwd.next_seq.is_some_and(|n| seg.seq.gt(n));
        let end = end_of(seg, len);
        if !zero_window_probe && fwd.next_seq.is_none_or(|n| end.gt(n)) {
            fwd.next_seq = Some(end);
            fwd.next_seq_time = time;
        }
        fwd.last_ack = nonzero(seg.ack);
        fwd.last_ack_time = time;
        fwd.last_win = Some(seg.win);
        fwd.last_keep_alive = keep_alive;
        fwd.last_zero_window_probe = zero_window_probe;
        // Wireshark's initial RTT: the first pure ACK after the last SYN.
        if f.ack() && !f.syn() && self.rtt.is_none() {
            self.rtt = self.syn_time.map(|t| time - t);
        }
        out
    }
}

/// Wireshark treats an acknowledgment field of 0 as "none yet".
fn nonzero(ack: SeqNum) -> Option<SeqNum> {
    (ack.0 != 0).then_some(ack)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::timeline::segment::Flags;

    fn seg(seq: u32, ack: u32, flags: Flags, len: usize) -> Segment {
        let mut s = Segment::new(SeqNum(seq), SeqNum(ack), flags);
        s.win = 500;
        s.payload = vec![0; len];
        s
    }

    #[test]
    fn the_same_syn_twice_is_a_retransmission() {
        let mut a = Analyzer::new();
        assert!(
            a.observe(Side::Client, &seg(1, 0, Flags::SYN, 0), 0, 0.0)
                .is_empty()
        );
        assert_eq!(
            a.observe(Side::Client, &seg(1, 0, Flags::SYN, 0), 0, 1.0),
            vec![Analysis::Retransmission]
        );
    }

    #[test]
    fn repeated_pure_acks_are_duplicates_and_zero_window_is_seen() {
        let mut a = Analyzer::new();
        let ack = Flags::ACK;
        a.observe(Side::Server, &seg(100, 50, ack, 0), 0, 0.0);
        assert_eq!(
            a.observe(Side::Server, &seg(100, 50, ack, 0), 0, 0.1),
            vec![Analysis::DupAck]
        );
        let mut zero = seg(100, 60, ack, 0);
        zero.win = 0;
        assert_eq!(
            a.observe(Side::Server, &zero, 0, 0.2),
            vec![Analysis::ZeroWindow]
        );
    }

    #[test]
    fn an_earlier_segment_arriving_right_after_a_later_one_is_out_of_order() {
        let mut a = Analyzer::new();
        let pa = Flags::PSH | Flags::ACK;
        a.observe(Side::Client, &seg(10, 1, pa, 10), 10, 0.0);
        a.observe(Side::Client, &seg(30, 1, pa, 10), 10, 0.010);
        assert_eq!(
            a.observe(Side::Client, &seg(20, 1, pa, 10), 10, 0.011),
            vec![Analysis::OutOfOrder]
        );
        assert_eq!(
            a.observe(Side::Client, &seg(20, 1, pa, 10), 10, 0.9),
            vec![Analysis::Retransmission]
        );
    }

    #[test]
    fn a_keep_alive_and_its_ack_are_not_duplicate_acks() {
        let mut a = Analyzer::new();
        let (pa, ack) = (Flags::PSH | Flags::ACK, Flags::ACK);
        a.observe(Side::Client, &seg(10, 1, pa, 10), 10, 0.0);
        a.observe(Side::Server, &seg(1, 20, ack, 0), 0, 0.1);
        // One byte before the next expected number, no data.
        assert_eq!(
            a.observe(Side::Client, &seg(19, 1, ack, 0), 0, 60.0),
            vec![Analysis::KeepAlive]
        );
        assert_eq!(
            a.observe(Side::Server, &seg(1, 20, ack, 0), 0, 60.1),
            vec![Analysis::KeepAliveAck]
        );
        // With one garbage byte (as some stacks send) it is no
        // retransmission either.
        assert_eq!(
            a.observe(Side::Client, &seg(19, 1, ack, 1), 1, 120.0),
            vec![Analysis::KeepAlive]
        );
    }

    #[test]
    fn a_zero_window_probe_does_not_move_the_expected_sequence_number() {
        let mut a = Analyzer::new();
        let (pa, ack) = (Flags::PSH | Flags::ACK, Flags::ACK);
        a.observe(Side::Client, &seg(10, 1, pa, 10), 10, 0.0);
        let mut closed = seg(1, 20, ack, 0);
        closed.win = 0;
        assert_eq!(
            a.observe(Side::Server, &closed, 0, 0.1),
            vec![Analysis::ZeroWindow]
        );
        assert_eq!(
            a.observe(Side::Client, &seg(20, 1, ack, 1), 1, 0.5),
            vec![Analysis::ZeroWindowProbe]
        );
        assert_eq!(
            a.observe(Side::Server, &closed, 0, 0.6),
            vec![Analysis::ZeroWindow, Analysis::ZeroWindowProbeAck]
        );
        // The probe's byte was not taken: the next probe starts at the same
        // number and is a probe again, not a retransmission.
        assert_eq!(
            a.observe(Side::Client, &seg(20, 1, ack, 1), 1, 1.5),
            vec![Analysis::ZeroWindowProbe]
        );
        // Once the window opens, the data from 20 is new.
        a.observe(Side::Server, &seg(1, 20, ack, 0), 0, 2.0);
        assert!(
            a.observe(Side::Client, &seg(20, 1, pa, 10), 10, 2.1)
                .is_empty()
        );
    }

    #[test]
    fn data_sent_again_after_its_ack_is_a_spurious_retransmission() {
        let mut a = Analyzer::new();
        let (pa, ack) = (Flags::PSH | Flags::ACK, Flags::ACK);
        a.observe(Side::Client, &seg(10, 1, pa, 10), 10, 0.0);
        a.observe(Side::Client, &seg(20, 1, pa, 10), 10, 0.001);
        a.observe(Side::Server, &seg(1, 30, ack, 0), 0, 0.0015);
        // Soon after the highest segment: it would pass for out of order,
        // but every byte of it was acknowledged.
        assert_eq!(
            a.observe(Side::Client, &seg(10, 1, pa, 10), 10, 0.002),
            vec![Analysis::Retransmission, Analysis::SpuriousRetransmission]
        );
    }

    #[test]
    fn the_initial_rtt_runs_from_the_last_syn() {
        let mut a = Analyzer::new();
        a.observe(Side::Client, &seg(1, 0, Flags::SYN, 0), 0, 0.0);
        a.observe(Side::Client, &seg(1, 0, Flags::SYN, 0), 0, 1.0);
        a.observe(
            Side::Server,
            &seg(9, 2, Flags::SYN | Flags::ACK, 0),
            0,
            1.02,
        );
        a.observe(Side::Client, &seg(2, 10, Flags::ACK, 0), 0, 1.03);
        assert!((a.initial_rtt().unwrap() - 0.03).abs() < 1e-9);
    }
}
