//! A TCP segment as the model sees it: header fields that matter for the
//! state machine, no bytes. `wire::build` turns one into a real frame and
//! `wire::decode` turns a captured frame back into one.

use super::seq::SeqNum;
use serde::Serialize;
use std::fmt;

/// The twelve-bit flags field: the eight classic flags plus AE (RFC 9768,
/// formerly NS) and three reserved bits.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Flags(pub u16);

impl Flags {
    pub const FIN: Flags = Flags(0x001);
    pub const SYN: Flags = Flags(0x002);
    pub const RST: Flags = Flags(0x004);
    pub const PSH: Flags = Flags(0x008);
    pub const ACK: Flags = Flags(0x010);
    pub const URG: Flags = Flags(0x020);
    pub const ECE: Flags = Flags(0x040);
    pub const CWR: Flags = Flags(0x080);
    pub const AE: Flags = Flags(0x100);

    /// Order used for names: the order Wireshark lists them in ("FIN, ACK").
    const NAMED: [(Flags, &'static str); 9] = [
        (Flags::FIN, "FIN"),
        (Flags::SYN, "SYN"),
        (Flags::RST, "RST"),
        (Flags::PSH, "PSH"),
        (Flags::ACK, "ACK"),
        (Flags::URG, "URG"),
        (Flags::ECE, "ECE"),
        (Flags::CWR, "CWR"),
        (Flags::AE, "AE"),
    ];

    pub fn has(self, f: Flags) -> bool {
        self.0 & f.0 == f.0
    }
    pub fn syn(self) -> bool {
        self.has(Flags::SYN)
    }
    pub fn ack(self) -> bool {
        self.has(Flags::ACK)
    }
    pub fn fin(self) -> bool {
        self.has(Flags::FIN)
    }
    pub fn rst(self) -> bool {
        self.has(Flags::RST)
    }
    pub fn psh(self) -> bool {
        self.has(Flags::PSH)
    }

    /// Names as in the NDJSON contract: `["SYN", "ACK"]`.
    pub fn names(self) -> Vec<&'static str> {
        Self::NAMED
            .iter()
            .filter(|(f, _)| self.has(*f))
            .map(|(_, n)| *n)
            .collect()
    }

    /// Wireshark's way: "SYN, ACK".
    pub fn wireshark(self) -> String {
        let names = self.names();
        if names.is_empty() {
            "<None>".into()
        } else {
            names.join(", ")
        }
    }

    /// tcpdump's way: `[S.]`, `[F.]`, `[P.]`, `[R.]`, `[.]`.
    pub fn tcpdump(self) -> String {
        let mut s = String::from("[");
        for (f, c) in [
            (Flags::SYN, 'S'),
            (Flags::FIN, 'F'),
            (Flags::PSH, 'P'),
            (Flags::RST, 'R'),
            (Flags::URG, 'U'),
            (Flags::ECE, 'E'),
            (Flags::CWR, 'W'),
        ] {
            if self.has(f) {
                s.push(c);
            }
        }
        if self.ack() {
            s.push('.');
        }
        if s.len() == 1 {
            s.push_str("none");
        }
        s.push(']');
        s
    }
}

impl std::ops::BitOr for Flags {
    type Output = Flags;
    fn bitor(self, rhs: Flags) -> Flags {
        Flags(self.0 | rhs.0)
    }
}

impl Serialize for Flags {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.names())
    }
}

impl fmt::Display for Flags {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.wireshark())
    }
}

/// The TCP options synack builds and explains.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "option", rename_all = "snake_case")]
pub enum TcpOption {
    Mss { value: u16 },
    SackPermitted,
    WindowScale { shift: u8 },
    Timestamps { tsval: u32, tsecr: u32 },
    Sack { blocks: Vec<(u32, u32)> },
    Other { kind: u8, len: u8 },
}

impl fmt::Display for TcpOption {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TcpOption::Mss { value } => write!(f, "mss {value}"),
            TcpOption::SackPermitted => write!(f, "sackOK"),
            TcpOption::WindowScale { shift } => write!(f, "wscale {shift}"),
            TcpOption::Timestamps { tsval, tsecr } => write!(f, "TS val {tsval} ecr {tsecr}"),
            TcpOption::Sack { blocks } => {
                write!(f, "sack")?;
                for (l, r) in blocks {
                    write!(f, " {{{l}:{r}}}")?;
                }
                Ok(())
            }
            TcpOption::Other { kind, len } => write!(f, "opt-{kind} len {len}"),
        }
    }
}

/// One segment in the model. `len` is the payload length; the payload itself
/// is kept so a simulated segment can be written out as real bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Segment {
    pub seq: SeqNum,
    pub ack: SeqNum,
    pub flags: Flags,
    pub win: u16,
    pub options: Vec<TcpOption>,
    pub payload: Vec<u8>,
}

impl Segment {
    pub fn new(seq: SeqNum, ack: SeqNum, flags: Flags) -> Segment {
        Segment {
            seq,
            ack,
            flags,
            win: 0,
            options: Vec::new(),
            payload: Vec::new(),
        }
    }

    pub fn len(&self) -> u32 {
        self.payload.len() as u32
    }

    pub fn is_empty(&self) -> bool {
        self.payload.is_empty()
    }

    /// Sequence space the segment occupies: payload, plus one each for SYN
    /// and FIN (RFC 9293 §3.4: "SEG.LEN ... including SYN and FIN").
    pub fn seq_space(&self) -> u32 {
        self.len() + u32::from(self.flags.syn()) + u32::from(self.flags.fin())
    }

    /// The sequence number right after this segment.
    pub fn seq_end(&self) -> SeqNum {
        self.seq + self.seq_space()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flag_spellings() {
        let sa = Flags::SYN | Flags::ACK;
        assert_eq!(sa.names(), vec!["SYN", "ACK"]);
        assert_eq!(sa.tcpdump(), "[S.]");
        assert_eq!(sa.wireshark(), "SYN, ACK");
        assert_eq!(Flags::ACK.tcpdump(), "[.]");
        assert_eq!((Flags::FIN | Flags::ACK).tcpdump(), "[F.]");
        assert_eq!((Flags::RST | Flags::ACK).tcpdump(), "[R.]");
        assert_eq!((Flags::PSH | Flags::ACK).tcpdump(), "[P.]");
        assert_eq!(Flags::SYN.tcpdump(), "[S]");
        assert_eq!(Flags(0x1c2).names(), vec!["SYN", "ECE", "CWR", "AE"]);
    }

    #[test]
    fn syn_and_fin_each_take_one_sequence_number() {
        let syn = Segment::new(SeqNum(u32::MAX), SeqNum(0), Flags::SYN);
        assert_eq!(syn.seq_space(), 1);
        assert_eq!(syn.seq_end(), SeqNum(0));
        let mut fin_data = Segment::new(SeqNum(10), SeqNum(0), Flags::FIN | Flags::ACK);
        fin_data.payload = b"bye".to_vec();
        assert_eq!(fin_data.seq_space(), 4);
        let ack = Segment::new(SeqNum(10), SeqNum(0), Flags::ACK);
        assert_eq!(ack.seq_space(), 0);
    }
}
