//! Write the seed corpora of the fuzz targets into `fuzz/corpus/<target>/`
//! (created, never cleaned: libFuzzer adds its own findings there).
//!
//! Sources: the third-party captures of `../shared/corpus` (when present),
//! synack's own `captures/`, the same frames rewritten as pcapng (both byte
//! orders), and a few hand-made segment sequences for the tracker.
//!
//! Run from anywhere: `cargo run --manifest-path fuzz/Cargo.toml --bin seeds`.

use std::collections::HashSet;
use std::fs;
use std::io::Cursor;
use std::path::{Path, PathBuf};

use synack::pcap::{CaptureReader, RawFrame};
use synack_fuzz::LINK_TYPES;

/// Seeds larger than this are left out: libFuzzer is fastest on small inputs.
const MAX_SEED: usize = 64 * 1024;

struct Out {
    dir: PathBuf,
    seen: HashSet<u64>,
    count: usize,
}

impl Out {
    fn new(root: &Path, target: &str) -> Out {
        let dir = root.join(target);
        fs::create_dir_all(&dir).expect("create corpus dir");
        Out {
            dir,
            seen: HashSet::new(),
            count: 0,
        }
    }
    fn put(&mut self, bytes: &[u8]) {
        if bytes.len() > MAX_SEED {
            return;
        }
        let h = fnv(bytes);
        if self.seen.insert(h) {
            fs::write(self.dir.join(format!("seed-{h:016x}")), bytes).expect("write seed");
            self.count += 1;
        }
    }
}

fn fnv(b: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for x in b {
        h ^= u64::from(*x);
        h = h.wrapping_mul(0x100_0000_01b3);
    }
    h
}

/// A pcapng file (one section, one interface per link type met, EPBs
/// with nanosecond resolution) holding `frames`.
fn pcapng(frames: &[RawFrame], le: bool) -> Vec<u8> {
    let w32 = |v: &mut Vec<u8>, x: u32| {
        v.extend_from_slice(&if le { x.to_le_bytes() } else { x.to_be_bytes() })
    };
    let w16 = |v: &mut Vec<u8>, x: u16| {
        v.extend_from_slice(&if le { x.to_le_bytes() } else { x.to_be_bytes() })
    };
    let mut v = Vec::new();
    // SHB: type, len 28, BOM, version 1.0, section length -1, len.
    w32(&mut v, 0x0A0D_0D0A);
    w32(&mut v, 28);
    w32(&mut v, 0x1A2B_3C4D);
    w16(&mut v, 1);
    w16(&mut v, 0);
    v.extend_from_slice(&[0xff; 8]);
    w32(&mut v, 28);
    let mut ifaces: Vec<u32> = Vec::new();
    for f in frames {
        let id = match ifaces.iter().position(|l| *l == f.link_type) {
            Some(i) => i,
            None => {
                // IDB with if_tsresol = 9 (ns): 20 + 8 (option) + 4 (end).
                w32(&mut v, 1);
                w32(&mut v, 32);
                w16(&mut v, f.link_type as u16);
                w16(&mut v, 0);
                w32(&mut v, 0);
                w16(&mut v, 9);
                w16(&mut v, 1);
                v.extend_from_slice(&[9, 0, 0, 0]);
                w32(&mut v, 0);
                w32(&mut v, 32);
                ifaces.push(f.link_type);
                ifaces.len() - 1
            }
        };
        let pad = f.data.len().div_ceil(4) * 4;
        let blen = (32 + pad) as u32;
        let ts = f.ts_nanos.max(0) as u64;
        w32(&mut v, 6);
        w32(&mut v, blen);
        w32(&mut v, id as u32);
        w32(&mut v, (ts >> 32) as u32);
        w32(&mut v, ts as u32);
        w32(&mut v, f.data.len() as u32);
        w32(&mut v, f.orig_len);
        v.extend_from_slice(&f.data);
        v.resize(v.len() + pad - f.data.len(), 0);
        w32(&mut v, blen);
    }
    v
}

/// One frame in the `decode` target's framing.
fn decode_input(frames: &[&RawFrame]) -> Vec<u8> {
    let mut v = Vec::new();
    for f in frames {
        let i = LINK_TYPES
            .iter()
            .position(|l| *l == f.link_type)
            .unwrap_or(LINK_TYPES.len() - 1);
        let n = f.data.len().min(u16::MAX as usize);
        v.push(i as u8);
        v.extend_from_slice(&(n as u16).to_le_bytes());
        v.push(if f.orig_len as usize > n { 1 } else { 0 });
        v.extend_from_slice(&f.data[..n]);
    }
    v
}

/// Hand-made `tracker` inputs: 5 bytes a segment (see
/// `synack_fuzz::segments`): endpoints, flags, number modes, delta, length.
fn tracker_seeds() -> Vec<Vec<u8>> {
    // Client 0 -> server 1 and back.
    const C: u8 = 1 << 3; // src 0, dst 1
    const S: u8 = 1; // src 1, dst 0
    const SYN: u8 = 0x02;
    const ACK: u8 = 0x10;
    const FIN: u8 = 0x01;
    const RST: u8 = 0x04;
    const PSH: u8 = 0x08;
    let seg = |pick: u8, flags: u8, modes: u8, delta: u8, len: u8| [pick, flags, modes, delta, len];
    let handshake = [
        seg(C, SYN, 0, 0, 0),
        seg(S, SYN | ACK, 0, 0, 0),
        seg(C, ACK, 0, 0, 0),
    ];
    let data = [seg(C, PSH | ACK, 0, 0, 10), seg(S, ACK, 0, 0, 0)];
    let close = [
        seg(C, FIN | ACK, 0, 0, 0),
        seg(S, ACK, 0, 0, 0),
        seg(S, FIN | ACK, 0, 0, 0),
        seg(C, ACK, 0, 0, 0),
    ];
    let cat = |parts: &[&[[u8; 5]]]| -> Vec<u8> {
        parts
            .iter()
            .flat_map(|p| p.iter().flatten().copied())
            .collect()
    };
    let mut seeds = vec![
        cat(&[&handshake, &data, &close]),
        cat(&[&handshake]),
        // Refused.
        cat(&[&[seg(C, SYN, 0, 0, 0), seg(S, RST | ACK, 0, 0, 0)]]),
        // Simultaneous open.
        cat(&[&[
            seg(C, SYN, 0, 0, 0),
            seg(S, SYN, 0, 0, 0),
            seg(C, SYN | ACK, 0, 0, 0),
            seg(S, SYN | ACK, 0, 0, 0),
        ]]),
        // Crossing FINs.
        cat(&[
            &handshake,
            &[
                seg(C, FIN | ACK, 0, 0, 0),
                seg(S, FIN | ACK, 0, 0, 0),
                seg(S, ACK, 0, 0, 0),
                seg(C, ACK, 0, 0, 0),
            ],
        ]),
        // An RST storm in the middle.
        cat(&[&handshake, &[seg(S, RST, 0, 0, 0); 8], &data]),
        // A SYN in the middle, seq jumped by 2^31, ACK of unsent data.
        cat(&[
            &handshake,
            &[
                seg(C, SYN, 3, 0, 0),
                seg(S, ACK, 3 << 3, 0, 0),
                seg(C, PSH | ACK, 1, 200, 20),
            ],
            &close,
        ]),
        // Mid-stream start, then a retransmission and a dup ACK.
        cat(&[&data, &data, &[seg(C, PSH | ACK, 7, 0, 10)], &close]),
    ];
    // Port reuse: a new ISN (a literal number after the segment's 5 bytes)
    // on the same 4-tuple after a close.
    let mut reuse = cat(&[&handshake, &close, &[seg(C, SYN, 5, 0, 0)]]);
    reuse.extend_from_slice(&0x4000_0000u32.to_le_bytes());
    reuse.extend(cat(&[&[seg(S, SYN | ACK, 0, 0, 0), seg(C, ACK, 0, 0, 0)]]));
    seeds.push(reuse);
    seeds
}

fn main() {
    let fuzz = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let root = fuzz.join("corpus");
    let mut files: Vec<PathBuf> = Vec::new();
    for dir in [
        fuzz.join("../../shared/corpus"),
        fuzz.join("../captures"),
        fuzz.join("../tests/malformed"),
    ] {
        if let Ok(rd) = fs::read_dir(&dir) {
            for e in rd.flatten() {
                let p = e.path();
                if p.is_file()
                    && p.extension()
                        .is_some_and(|x| x == "pcap" || x == "pcapng" || x == "cap")
                {
                    files.push(p);
                }
            }
        }
    }
    files.sort();
    let mut capture = Out::new(&root, "capture");
    let mut pipeline = Out::new(&root, "pipeline");
    let mut decode = Out::new(&root, "decode");
    let mut tracker = Out::new(&root, "tracker");
    for p in &files {
        let bytes = fs::read(p).expect("read capture");
        capture.put(&bytes);
        pipeline.put(&bytes);
        let Ok(reader) = CaptureReader::from_reader(Cursor::new(bytes)) else {
            continue;
        };
        let frames: Vec<RawFrame> = reader.flatten().take(2000).collect();
        for le in [true, false] {
            let ng = pcapng(&frames[..frames.len().min(200)], le);
            capture.put(&ng);
            pipeline.put(&ng);
        }
        for f in frames.iter().take(300) {
            decode.put(&decode_input(&[f]));
        }
        // Consecutive frames together, for IP fragment reassembly.
        for w in frames.windows(3).take(100) {
            decode.put(&decode_input(&[&w[0], &w[1], &w[2]]));
        }
    }
    for s in tracker_seeds() {
        tracker.put(&s);
    }
    println!(
        "seeds: capture {}, pipeline {}, decode {}, tracker {} (from {} files) in {}",
        capture.count,
        pipeline.count,
        decode.count,
        tracker.count,
        files.len(),
        root.display()
    );
}
