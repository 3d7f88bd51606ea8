//! Wireshark's `tcp.analysis.*` findings, computed the way its TCP
//! dissector does (`tcp_analyze_sequence_number` in packet-tcp.c), on the
//! segments of one connection in the order they were seen.
//!
//! Shared by the simulator and the capture tracker so an exported
//! simulation reads back with the same marks.

use super::segment::Segment;
use super::seq::SeqNum;
use crate::timeline::{Analysis, Side};

/// Wireshark's default out-of-order window when no handshake RTT is known.
const OOO_THRESHOLD: f64 = 0.003;

#[derive(Clone, Debug, Default)]
struct Direction {
    /// Sequence number after the highest segment seen (Wireshark's nextseq).
    next_seq: Option<SeqNum>,
    /// When the segment that raised `next_seq` was seen.
    next_seq_time: f64,
    last_ack: Option<SeqNum>,
    last_win: Option<u16>,
    /// Duplicate ACKs in a row (for fast-retransmission attribution).
    dup_acks: u32,
}

fn end_of(seg: &Segment, len: u32) -> SeqNum {
    seg.seq + len + u32::from(seg.flags.syn()) + u32::from(seg.flags.fin())
}

#[derive(Clone, Debug, Default)]
pub struct Analyzer {
    dirs: [Direction; 2],
    syn_time: Option<f64>,
    synack_from: Option<Side>,
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

    /// Marks for `seg`, sent by `from` and seen at `time`.
    pub fn observe(&mut self, from: Side, seg: &Segment, len: u32, time: f64) -> Vec<Analysis> {
        let f = seg.flags;
        let mut out = Vec::new();
        if f.syn() && !f.ack() && self.syn_time.is_none() {
            self.syn_time = Some(time);
        }
        if f.syn() && f.ack() {
            self.synack_from = Some(from);
        }
        // Wireshark's initial RTT: from the SYN to the ACK that completes
        // the handshake.
        if !f.syn() && f.ack() && self.rtt.is_none() && self.synack_from.is_some_and(|s| s != from)
        {
            self.rtt = self.syn_time.map(|t| time - t);
        }
        let control = f.syn() || f.fin() || f.rst();
        let (fwd, rev) = {
            let [a, b] = &mut self.dirs;
            match from {
                Side::Client => (a, b),
                Side::Server => (b, a),
            }
        };
        if seg.win == 0 && !control {
            out.push(Analysis::ZeroWindow);
        }
        let keep_alive = len <= 1 && !control && fwd.next_seq.is_some_and(|n| seg.seq + 1 == n);
        // A zero window is a window problem, not a duplicate ACK.
        let is_dup_ack = !keep_alive
            && len == 0
            && seg.win != 0
            && !control
            && f.ack()
            && fwd.next_seq == Some(seg.seq)
            && fwd.last_ack == Some(seg.ack)
            && fwd.last_win == Some(seg.win);
        if is_dup_ack {
            fwd.dup_acks += 1;
            out.push(Analysis::DupAck);
        } else if f.ack() && fwd.last_ack != Some(seg.ack) {
            fwd.dup_acks = 0;
        }
        let occupies = len > 0 || f.syn() || f.fin();
        if !keep_alive
            && occupies
            && let Some(next) = fwd.next_seq
            && seg.seq.lt(next)
        {
            let since_high = time - fwd.next_seq_time;
            let threshold = self.rtt.unwrap_or(OOO_THRESHOLD).max(0.0);
            let fast = rev.dup_acks >= 2 && rev.last_ack == Some(seg.seq);
            // An exact copy of the highest segment is a retransmission,
            // however soon it comes.
            let copy_of_highest = end_of(seg, len) == next;
            // Only data can be out of order; a bare SYN or FIN again is a
            // retransmission.
            if !fast && len > 0 && !copy_of_highest && since_high < threshold {
                out.push(Analysis::OutOfOrder);
            } else {
                out.push(Analysis::Retransmission);
            }
        }
        self.gap = (len > 0 || f.fin()) && !f.syn() && fwd.next_seq.is_some_and(|n| seg.seq.gt(n));
        let end = end_of(seg, len);
        if !f.rst() && fwd.next_seq.is_none_or(|n| end.gt(n)) {
            fwd.next_seq = Some(end);
            fwd.next_seq_time = time;
        }
        if f.ack() {
            fwd.last_ack = Some(seg.ack);
        }
        fwd.last_win = Some(seg.win);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tcp::segment::Flags;

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
}
