//! The floor of the benchmark: a bare walk over the records of a pcap file
//! (read each 16-byte record header and its captured bytes into one reused
//! buffer, count frames and bytes, decode nothing). Standalone, no crates:
//! `rustc -O bench/walk.rs -o target/bench/walk`; `bench/run.sh` builds it.

use std::fs::File;
use std::io::{BufReader, Read};

fn main() {
    let path = std::env::args().nth(1).expect("usage: walk FILE.pcap");
    let mut r = BufReader::with_capacity(256 * 1024, File::open(&path).expect("open"));
    let mut h = [0u8; 24];
    r.read_exact(&mut h).expect("pcap header");
    let magic = u32::from_le_bytes([h[0], h[1], h[2], h[3]]);
    let le = match magic {
        0xa1b2_c3d4 | 0xa1b2_3c4d => true,
        0xd4c3_b2a1 | 0x4d3c_b2a1 => false,
        _ => panic!("not a pcap file (pcapng is not walked here)"),
    };
    let u32_at = |b: &[u8], at: usize| {
        let a = [b[at], b[at + 1], b[at + 2], b[at + 3]];
        if le { u32::from_le_bytes(a) } else { u32::from_be_bytes(a) }
    };
    let mut buf = vec![0u8; 262_144];
    let (mut frames, mut bytes, mut sum) = (0u64, 0u64, 0u64);
    let mut rec = [0u8; 16];
    while r.read_exact(&mut rec).is_ok() {
        let incl = u32_at(&rec, 8) as usize;
        if incl > buf.len() {
            panic!("record too long");
        }
        r.read_exact(&mut buf[..incl]).expect("record");
        frames += 1;
        bytes += u64::from(u32_at(&rec, 12));
        // Touch the bytes so the read is not optimised away.
        sum = sum.wrapping_add(u64::from(buf[incl.saturating_sub(1)]));
    }
    println!("{frames} frames, {bytes} bytes on the wire ({sum})");
}
