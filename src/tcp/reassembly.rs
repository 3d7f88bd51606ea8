//! How many bytes each arriving segment makes readable.
//!
//! A receiver hands bytes to `read()` only in order: a segment that starts
//! beyond the next expected byte waits in the out-of-order queue, and the
//! segment that fills the gap releases itself and everything held behind
//! it. Explanations need that count ("read() can return 12 bytes"), not the
//! segment's own length.

use crate::timeline::Side;
use crate::timeline::segment::Segment;
use crate::timeline::seq::SeqNum;

#[derive(Clone, Debug, Default)]
struct Direction {
    /// The receiver's next expected sequence number (RCV.NXT).
    next: Option<SeqNum>,
    /// Byte ranges `[start, end)` held beyond a gap.
    held: Vec<(SeqNum, SeqNum)>,
}

#[derive(Clone, Debug, Default)]
pub struct Reassembly {
    dirs: [Direction; 2],
}

impl Reassembly {
    pub fn new() -> Reassembly {
        Reassembly::default()
    }

    /// Take in a segment that reached its receiver; returns the payload
    /// bytes that became readable there because of it. `len` is the payload
    /// length (a capture may hold fewer bytes than were sent).
    pub fn arrive(&mut self, from: Side, seg: &Segment, len: u32) -> u32 {
        let d = &mut self.dirs[from.index()];
        let f = seg.flags;
        if f.rst() {
            return 0;
        }
        let start = if f.syn() { seg.seq + 1 } else { seg.seq };
        let end = start + len;
        let next = *d.next.get_or_insert(start);
        let mut readable = 0;
        if start.gt(next) {
            if len > 0 {
                d.held.push((start, end));
            }
            return 0;
        }
        let mut next = next;
        if end.gt(next) {
            readable += end.since(next);
            next = end;
        }
        // The gap is filled: whatever waited behind it is readable now.
        while let Some(i) = d.held.iter().position(|(s, _)| s.le(next)) {
            let (_, e) = d.held.swap_remove(i);
            if e.gt(next) {
                readable += e.since(next);
                next = e;
            }
        }
        if f.fin() && end.ge(next) {
            next = next + 1;
        }
        d.next = Some(next);
        readable
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::timeline::segment::Flags;

    fn seg(seq: u32, flags: Flags, len: usize) -> Segment {
        Segment {
            seq: SeqNum(seq),
            ack: SeqNum(0),
            flags,
            win: 1000,
            options: Vec::new(),
            payload: vec![b'x'; len],
        }
    }

    #[test]
    fn a_segment_after_a_gap_is_not_readable_until_the_gap_is_filled() {
        let mut r = Reassembly::new();
        assert_eq!(r.arrive(Side::Client, &seg(100, Flags::SYN, 0), 0), 0);
        assert_eq!(r.arrive(Side::Client, &seg(107, Flags::ACK, 6), 6), 0);
        assert_eq!(
            r.arrive(Side::Client, &seg(101, Flags::ACK, 6), 6),
            12,
            "filling the gap makes both writes readable"
        );
        assert_eq!(r.arrive(Side::Client, &seg(101, Flags::ACK, 6), 6), 0);
        assert_eq!(r.arrive(Side::Client, &seg(113, Flags::ACK, 3), 3), 3);
    }

    #[test]
    fn an_rst_payload_is_never_readable() {
        let mut r = Reassembly::new();
        r.arrive(Side::Server, &seg(0, Flags::SYN, 0), 0);
        assert_eq!(r.arrive(Side::Server, &seg(1, Flags::RST, 10), 10), 0);
    }
}
