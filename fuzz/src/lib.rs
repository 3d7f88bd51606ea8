//! The bodies of synack's fuzz targets, shared by three drivers:
//!
//! - `fuzz_targets/*.rs`: cargo-fuzz / libFuzzer (`cargo fuzz run NAME`);
//! - `src/bin/stable_fuzz.rs`: a plain mutation loop on stable Rust, for
//!   machines where libFuzzer cannot be built;
//! - `tests/fuzz_regressions.rs` in the main crate (it includes this file
//!   with `#[path]`), which replays every input under
//!   `tests/fuzz_regressions/<target>/` on each `cargo test`.
//!
//! Only synack's public API and std are used here, so the file compiles in
//! both places. Each function panics (through `assert!`) when an invariant
//! breaks; a panic inside synack is a finding too.

use std::io::Cursor;
use std::net::SocketAddr;

use synack::pcap::{CaptureReader, MAX_RECORD_LEN};
use synack::tcp::state::State;
use synack::tcp::tracker::{Observed, Tracker};
use synack::timeline::segment::{Flags, Segment};
use synack::timeline::seq::SeqNum;
use synack::timeline::{FrameBytes, Side, Step, Timeline};
use synack::wire::decode::{DecodeOutcome, Decoder};

/// The targets, by name, for the drivers that pick one at run time.
/// `tracker_strict` is the same as `tracker` since the held-SYN bugs it
/// caught were fixed; the name stays for old inputs and scripts.
/// A fuzz target's body.
pub type Target = fn(&[u8]);

pub const TARGETS: [(&str, Target); 5] = [
    ("capture", capture),
    ("decode", decode),
    ("tracker", tracker),
    ("tracker_strict", tracker_strict),
    ("pipeline", pipeline),
];

/// Look a target up by name.
pub fn target(name: &str) -> Option<Target> {
    TARGETS.iter().find(|(n, _)| *n == name).map(|(_, f)| *f)
}

/// The link types the decoder knows, plus one it does not; the first byte
/// of a `decode` input picks one.
pub const LINK_TYPES: [u32; 18] = [
    0, 1, 12, 14, 101, 108, 113, 228, 229, 239, 242, 276, 9, 50, 104, 105, 127, 147,
];

/// Target `capture`: the pcap / pcapng reader on arbitrary bytes.
///
/// Invariants: no panic; every frame's captured bytes fit the 256 KiB limit
/// and are numbered 1, 2, 3, ...; after an error the reader ends.
pub fn capture(data: &[u8]) {
    let Ok(reader) = CaptureReader::from_reader(Cursor::new(data.to_vec())) else {
        return;
    };
    let mut expect = 1u64;
    let mut errored = false;
    for item in reader {
        assert!(!errored, "the reader yielded something after an error");
        match item {
            Ok(f) => {
                assert_eq!(f.index, expect, "frames are numbered from 1 in order");
                assert!(f.data.len() <= MAX_RECORD_LEN as usize);
                assert!(f.data.len() <= data.len(), "a frame larger than the input");
                expect += 1;
            }
            Err(e) => {
                // Every error renders as one line.
                let msg = e.to_string();
                assert!(!msg.contains('\n'), "multi-line error: {msg:?}");
                errored = true;
            }
        }
    }
}

/// Target `decode`: a sequence of frames through one [`Decoder`] (so IP
/// fragment reassembly is exercised across frames). Each frame is:
/// one byte choosing the link type, two bytes of length (little endian,
/// cut to what is left), one byte choosing the original length (as
/// captured, a little more, `u32::MAX`, or 0), then the bytes.
///
/// Invariants: no panic; header ranges lie inside the frame; the payload
/// is never longer than the IP header says; reassembly state stays bounded.
pub fn decode(data: &[u8]) {
    let mut d = Decoder::new();
    let mut rest = data;
    while rest.len() >= 4 {
        let lt = LINK_TYPES[usize::from(rest[0]) % LINK_TYPES.len()];
        let n = usize::from(u16::from_le_bytes([rest[1], rest[2]]));
        let mode = rest[3];
        rest = &rest[4..];
        let n = n.min(rest.len());
        let (frame, tail) = rest.split_at(n);
        rest = tail;
        let orig = match mode % 4 {
            0 => n as u32,
            1 => n as u32 + u32::from(mode >> 2),
            2 => u32::MAX,
            _ => 0,
        };
        check_decoded(&d.decode(lt, frame, orig), frame.len());
        assert!(d.held_datagrams() <= 1024, "reassembly state grows");
        assert!(d.held_bytes() <= 16 * 1024 * 1024, "reassembly bytes grow");
    }
    // A single frame of the whole input too, for each link type.
    for lt in LINK_TYPES {
        let mut d = Decoder::new();
        check_decoded(&d.decode(lt, data, data.len() as u32), data.len());
    }
}

fn check_decoded(out: &DecodeOutcome, frame_len: usize) {
    if let DecodeOutcome::Tcp(t) = out {
        for l in &t.layers {
            assert!(
                l.range.start <= l.range.end && l.range.end <= frame_len,
                "layer {} range {:?} outside a {frame_len}-byte frame",
                l.name,
                l.range
            );
        }
        assert!(t.seg.payload.len() <= t.len as usize);
        if !t.truncated {
            assert_eq!(t.seg.payload.len(), t.len as usize, "untruncated payload");
        }
    }
}

/// A little reader of fuzz bytes that yields zeros once they run out.
struct Bytes<'a>(&'a [u8]);

impl Bytes<'_> {
    fn u8(&mut self) -> u8 {
        match self.0.split_first() {
            Some((b, rest)) => {
                self.0 = rest;
                *b
            }
            None => 0,
        }
    }
    fn u32(&mut self) -> u32 {
        u32::from_le_bytes([self.u8(), self.u8(), self.u8(), self.u8()])
    }
    fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// The endpoints a `tracker` input can use: two clients of one server on
/// IPv4 (port reuse included) and one pair on IPv6.
fn endpoints() -> [SocketAddr; 5] {
    [
        "10.0.0.1:40000".parse().unwrap(),
        "10.0.0.2:80".parse().unwrap(),
        "10.0.0.1:40001".parse().unwrap(),
        "[::1]:5000".parse().unwrap(),
        "[::1]:80".parse().unwrap(),
    ]
}

/// Build the segment sequence of a `tracker` input: each segment takes
/// 5 bytes (more for literal numbers). Sequence and acknowledgment numbers
/// are chosen relative to what each direction has sent so far (exact,
/// nearby, retransmitted, jumped by 2^31, or literal), so the sequences
/// look like TCP often enough to reach deep states.
pub fn segments(data: &[u8]) -> Vec<Observed> {
    let eps = endpoints();
    let mut b = Bytes(data);
    // Next sequence number each endpoint would send, and its last one.
    let mut next = [0u32; 5];
    let mut last = [0u32; 5];
    let mut frame = 0u64;
    let mut time = 0.0f64;
    let mut out = Vec::new();
    while !b.is_empty() && out.len() < 4096 {
        let pick = b.u8();
        let src = usize::from(pick & 0x7) % eps.len();
        let mut dst = usize::from((pick >> 3) & 0x7) % eps.len();
        if dst == src {
            dst = (src + 1) % eps.len();
        }
        let flags = Flags(u16::from(b.u8()) | (u16::from(pick >> 6 & 1) << 8));
        let modes = b.u8();
        let delta = b.u8();
        let lenb = b.u8();
        let near = |base: u32, mode: u8, b: &mut Bytes| -> u32 {
            match mode & 0x7 {
                0 => base,
                1 => base.wrapping_add(u32::from(delta)),
                2 => base.wrapping_sub(u32::from(delta)),
                3 => base.wrapping_add(1 << 31),
                4 => base.wrapping_add((1 << 31) - 1),
                5 => b.u32(),
                6 => u32::MAX,
                _ => 0,
            }
        };
        let seq = match modes & 0x7 {
            0 => next[src],
            7 => last[src],
            m => near(next[src], m, &mut b),
        };
        let ack = near(next[dst], modes >> 3, &mut b);
        let len = match lenb >> 6 {
            0 | 1 => u32::from(lenb & 0x3f),
            2 => u32::from(lenb & 0x3f) * 1460,
            _ => {
                if lenb & 1 == 0 {
                    u32::MAX
                } else {
                    b.u32()
                }
            }
        };
        let mut seg = Segment::new(SeqNum(seq), SeqNum(ack), flags);
        seg.win = u16::from(delta) << 8;
        last[src] = seq;
        let space = len
            .wrapping_add(u32::from(flags.syn()))
            .wrapping_add(u32::from(flags.fin()));
        next[src] = seq.wrapping_add(space);
        frame += if modes & 0xc0 == 0xc0 { 12_000 } else { 1 };
        // Time mostly goes forward; sometimes back, as in merged captures.
        if delta & 0x80 != 0 && lenb & 0x80 != 0 {
            time -= 1.0;
        } else {
            time += f64::from(delta) / 1000.0;
        }
        out.push(Observed {
            frame,
            time,
            src: eps[src],
            dst: eps[dst],
            seg,
            len,
            wire_len: 54u32.saturating_add(len),
            l7: None,
            bytes: None,
        });
    }
    out
}

/// Target `tracker`: the tracker fed a segment sequence built by
/// [`segments`]. Invariants: see [`check_steps`] (not `strict`).
pub fn tracker(data: &[u8]) {
    tracker_with(data, true);
}

/// The same as [`tracker`], which now includes the continuity check (a
/// stream's next step starts in the states its previous step ended in)
/// since findings T2 and T3 were fixed; see docs/reliability.md.
pub fn tracker_strict(data: &[u8]) {
    tracker_with(data, true);
}

fn tracker_with(data: &[u8], strict: bool) {
    let segs = segments(data);
    let n = segs.len();
    let mut t = Tracker::new();
    let mut steps = Vec::with_capacity(n);
    for o in segs {
        t.push(o);
        while let Some(s) = t.pop() {
            steps.push(s);
        }
    }
    t.finish();
    while let Some(s) = t.pop() {
        steps.push(s);
    }
    assert_eq!(steps.len(), n, "every segment comes out as one step");
    check_steps(&t, &steps, strict);
}

/// A state change one segment may cause: none, one edge of RFC 9293's
/// diagram, or UNKNOWN becoming known. One composite is allowed too: a
/// segment that acknowledges the SYN and carries a FIN takes SYN-RECEIVED
/// through ESTABLISHED to CLOSE-WAIT (RFC 9293 §3.10.7.4 processes the ACK
/// field, then the FIN bit, of the same segment).
pub fn allowed(before: Option<State>, after: Option<State>) -> bool {
    match (before, after) {
        (_, None) => before.is_none(),
        (None, Some(_)) => true,
        (Some(State::SynReceived), Some(State::CloseWait)) => true,
        (Some(b), Some(a)) => b.can_reach_in_one_step(a),
    }
}

/// Invariants of the tracker's output: steps come out in frame order, their
/// streams exist, every state change is an edge of the diagram (or from
/// UNKNOWN), and (`strict`) a stream's next step starts where its previous
/// one ended.
pub fn check_steps(t: &Tracker, steps: &[Step], strict: bool) {
    let streams = t.streams();
    let summaries = t.summaries();
    assert_eq!(streams.len(), summaries.len());
    let mut last_frame = 0;
    let mut last_after: Vec<Option<synack::timeline::States>> = vec![None; streams.len()];
    for s in steps {
        let v = s.segment.as_ref().expect("a tracker step has a segment");
        assert!(v.frame > last_frame, "steps out of frame order");
        last_frame = v.frame;
        let i = s.stream as usize;
        assert!(i < streams.len(), "stream {i} of {}", streams.len());
        for side in [Side::Client, Side::Server] {
            let (b, a) = (s.before.get(side), s.after.get(side));
            assert!(
                allowed(b, a),
                "frame {}: {} went {:?} -> {:?}, not an edge of the diagram",
                v.frame,
                side.name(),
                b,
                a
            );
        }
        if let Some(prev) = last_after[i]
            && strict
        {
            // UNKNOWN may become known between steps (a held SYN let go
            // before its answer came); a known state may not change.
            for side in [Side::Client, Side::Server] {
                if let Some(was) = prev.get(side) {
                    assert_eq!(
                        Some(was),
                        s.before.get(side),
                        "frame {}: stream {i}'s {} starts from another state than it ended in",
                        v.frame,
                        side.name()
                    );
                }
            }
        }
        last_after[i] = Some(s.after);
    }
}

/// Target `pipeline`: what `synack inspect` does with a file: read, decode,
/// track, then render every step as NDJSON and the whole timeline as plain
/// text and summaries. Invariants: no panic; the tracker's invariants.
pub fn pipeline(data: &[u8]) {
    let Ok(reader) = CaptureReader::from_reader(Cursor::new(data.to_vec())) else {
        return;
    };
    let mut decoder = Decoder::new();
    let mut t = Tracker::new();
    let mut steps = Vec::new();
    let mut t0 = None;
    for f in reader.flatten() {
        let t0 = *t0.get_or_insert(f.ts_nanos);
        let time = (f.ts_nanos - t0) as f64 / 1e9;
        if let DecodeOutcome::Tcp(d) = decoder.decode(f.link_type, &f.data, f.orig_len) {
            t.push(Observed {
                frame: f.index,
                time,
                src: d.src,
                dst: d.dst,
                seg: d.seg,
                len: d.len,
                wire_len: f.orig_len,
                l7: d.l7,
                bytes: Some(FrameBytes {
                    link_type: f.link_type,
                    orig_len: f.orig_len,
                    captured_len: f.data.len() as u32,
                    data: f.data,
                    layers: d.layers,
                }),
            });
            while let Some(s) = t.pop() {
                steps.push(s);
            }
        }
    }
    t.finish();
    while let Some(s) = t.pop() {
        steps.push(s);
    }
    check_steps(&t, &steps, false);
    render(&t, steps);
}

fn render(t: &Tracker, steps: Vec<Step>) {
    use synack::explain::Lang;
    use synack::view::{json, plain};
    for s in &steps {
        let _ = json::step_value_in(s, Lang::En).to_string();
    }
    let summaries = t.summaries();
    for s in &summaries {
        let _ = json::summary_value(s).to_string();
    }
    let rows: Vec<_> = summaries.iter().collect();
    let _ = plain::summary_table(&rows);
    let tl = Timeline {
        source: "fuzz".into(),
        title: String::new(),
        streams: t.streams(),
        steps,
    };
    let _ = plain::render_in(&tl, None, plain::PlainOptions { brief: false }, Lang::En);
    let _ = plain::render_in(&tl, Some(0), plain::PlainOptions { brief: true }, Lang::Zh);
}
