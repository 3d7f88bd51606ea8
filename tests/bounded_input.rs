//! Hostile captures that used to take quadratic time or unbounded memory:
//! IP fragments by the hundred thousand, tens of thousands of connections
//! in `inspect --plain`, frames of 65,000 stacked VLAN tags. Each capture
//! is written here, into a temporary directory, and `synack` runs under
//! `timeout` and `prlimit --as` (an address-space limit): a regression shows
//! as a kill or an allocation failure, not as a timing assertion.

use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

const LINKTYPE_ETHERNET: u32 = 1;
const LINKTYPE_RAW: u32 = 101;

/// A temporary directory of this test, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        let dir =
            std::env::temp_dir().join(format!("synack-bounded-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("temporary directory");
        TempDir(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A little-endian microsecond pcap of `frames` (made one at a time by
/// `frame(i, buf)`), link type `link`.
fn write_pcap(path: &Path, link: u32, frames: usize, mut frame: impl FnMut(usize, &mut Vec<u8>)) {
    let mut w = BufWriter::with_capacity(1 << 20, std::fs::File::create(path).expect("create"));
    let mut h = Vec::new();
    h.extend_from_slice(&0xa1b2_c3d4u32.to_le_bytes());
    h.extend_from_slice(&2u16.to_le_bytes());
    h.extend_from_slice(&4u16.to_le_bytes());
    h.extend_from_slice(&[0; 8]);
    h.extend_from_slice(&262_144u32.to_le_bytes());
    h.extend_from_slice(&link.to_le_bytes());
    w.write_all(&h).unwrap();
    let mut buf = Vec::new();
    for i in 0..frames {
        buf.clear();
        frame(i, &mut buf);
        let len = buf.len() as u32;
        w.write_all(&((i / 1000) as u32).to_le_bytes()).unwrap();
        w.write_all(&((i % 1000) as u32 * 1000).to_le_bytes())
            .unwrap();
        w.write_all(&len.to_le_bytes()).unwrap();
        w.write_all(&len.to_le_bytes()).unwrap();
        w.write_all(&buf).unwrap();
    }
    w.flush().unwrap();
}

fn ipv4(
    buf: &mut Vec<u8>,
    src: [u8; 4],
    dst: [u8; 4],
    id: u16,
    frag: u16,
    proto: u8,
    payload: usize,
) {
    buf.extend_from_slice(&[0x45, 0]);
    buf.extend_from_slice(&((20 + payload) as u16).to_be_bytes());
    buf.extend_from_slice(&id.to_be_bytes());
    buf.extend_from_slice(&frag.to_be_bytes());
    buf.extend_from_slice(&[64, proto, 0, 0]);
    buf.extend_from_slice(&src);
    buf.extend_from_slice(&dst);
}

/// A 20-byte TCP header.
fn tcp(buf: &mut Vec<u8>, sport: u16, dport: u16, seq: u32, flags: u8) {
    buf.extend_from_slice(&sport.to_be_bytes());
    buf.extend_from_slice(&dport.to_be_bytes());
    buf.extend_from_slice(&seq.to_be_bytes());
    buf.extend_from_slice(&0u32.to_be_bytes());
    buf.extend_from_slice(&[0x50, flags, 0xff, 0xff, 0, 0, 0, 0]);
}

struct Outcome {
    code: Option<i32>,
    stdout_len: u64,
    stdout_tail: String,
    stderr: String,
}

/// `synack ARGS` under `timeout -s KILL SECONDS` and an address-space
/// limit of `mib` MiB; stdout goes to a file (it can be large).
fn run_limited(dir: &Path, seconds: u32, mib: u64, args: &[&str]) -> Outcome {
    let out_path = dir.join("stdout");
    let stdout = std::fs::File::create(&out_path).unwrap();
    let out = Command::new("prlimit")
        .arg(format!("--as={}", mib * 1024 * 1024))
        .arg("--")
        .arg("timeout")
        .args(["-s", "KILL", &seconds.to_string()])
        // SYNACK_BIN: run these against another build (an older one, to see
        // them fail).
        .arg(std::env::var("SYNACK_BIN").unwrap_or_else(|_| env!("CARGO_BIN_EXE_synack").into()))
        .args(args)
        .stdout(stdout)
        .stderr(Stdio::piped())
        .output()
        .expect("prlimit and timeout (util-linux, coreutils) are installed");
    let text = std::fs::read(&out_path).unwrap_or_default();
    let tail = String::from_utf8_lossy(&text[text.len().saturating_sub(2000)..]).into_owned();
    Outcome {
        code: out.status.code(),
        stdout_len: text.len() as u64,
        stdout_tail: tail,
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn tools_present() -> bool {
    let ok = |t: &str| {
        Command::new(t)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
    };
    if ok("prlimit") && ok("timeout") {
        return true;
    }
    println!("SKIP: prlimit or timeout is not installed");
    false
}

/// The last fragment of an IPv4 datagram, then 400,000 empty fragments of
/// it (never completed: bytes 0..8 never come), then a SYN. Each fragment
/// used to be inserted in a sorted list that was walked again for every new
/// one once the datagram's length was known (147 s); empty fragments were
/// not charged against the memory limit at all.
#[test]
fn four_hundred_thousand_empty_ipv4_fragments_take_linear_time() {
    if !tools_present() {
        return;
    }
    let dir = TempDir::new("frag4");
    let path = dir.0.join("frags.pcap");
    const N: usize = 400_000;
    write_pcap(&path, LINKTYPE_RAW, N + 2, |i, b| {
        if i == 0 {
            // Offset 8, no more fragments: the datagram is 16 bytes long.
            ipv4(b, [10, 0, 0, 1], [10, 0, 0, 2], 7, 1, 6, 8);
            b.extend_from_slice(&[0; 8]);
        } else if i <= N {
            // More fragments, offset 0, no payload.
            ipv4(b, [10, 0, 0, 1], [10, 0, 0, 2], 7, 0x2000, 6, 0);
        } else {
            ipv4(b, [10, 0, 0, 1], [10, 0, 0, 2], 8, 0, 6, 20);
            tcp(b, 1234, 80, 1000, 0x02);
        }
    });
    let p = path.to_str().unwrap();
    let r = run_limited(&dir.0, 60, 1024, &["inspect", p, "--summary", "--json"]);
    assert_eq!(r.code, Some(0), "stderr: {}", r.stderr);
    assert!(r.stdout_tail.contains("\"packets\":1"), "{}", r.stdout_tail);
    assert!(
        r.stderr.contains(&format!(
            "{} IP datagrams with more than 8192 fragments",
            N / 8193
        )),
        "{}",
        r.stderr
    );
}

/// The same with IPv6 fragment headers.
#[test]
fn three_hundred_thousand_empty_ipv6_fragments_take_linear_time() {
    if !tools_present() {
        return;
    }
    let dir = TempDir::new("frag6");
    let path = dir.0.join("frags6.pcap");
    const N: usize = 300_000;
    let addr = |last: u8| {
        let mut a = [0u8; 16];
        a[0] = 0xfd;
        a[15] = last;
        a
    };
    write_pcap(&path, LINKTYPE_RAW, N, |i, b| {
        b.extend_from_slice(&[0x60, 0, 0, 0]);
        b.extend_from_slice(&8u16.to_be_bytes());
        b.extend_from_slice(&[44, 64]);
        b.extend_from_slice(&addr(1));
        b.extend_from_slice(&addr(2));
        // Fragment header: TCP next, offset 0, more fragments, id 9; each
        // frame a different offset so nothing is a plain duplicate.
        b.extend_from_slice(&[6, 0]);
        b.extend_from_slice(&((((i % 8000) as u16) << 3) | 1).to_be_bytes());
        b.extend_from_slice(&9u32.to_be_bytes());
    });
    let p = path.to_str().unwrap();
    let r = run_limited(&dir.0, 60, 1024, &["inspect", p, "--json"]);
    assert_eq!(r.code, Some(0), "stderr: {}", r.stderr);
    assert_eq!(r.stdout_len, 0);
    assert!(
        r.stderr
            .contains("IP datagrams with more than 8192 fragments"),
        "{}",
        r.stderr
    );
}

/// 60,000 connections of one SYN each, interleaved with a connection open
/// from the first frame to the last: `--plain` grouped the steps by
/// scanning all of them once per connection (80k connections: 44 s) and
/// built the whole text in memory.
#[test]
fn plain_output_of_sixty_thousand_connections_is_streamed() {
    if !tools_present() {
        return;
    }
    let dir = TempDir::new("plain");
    let path = dir.0.join("conns.pcap");
    const N: usize = 60_000;
    write_pcap(&path, LINKTYPE_RAW, N + 2, |i, b| {
        let (src, sport, flags) = if i == 0 || i == N + 1 {
            ([10, 9, 9, 9], 5555, if i == 0 { 0x02 } else { 0x10 })
        } else {
            let c = i as u32;
            ([10, (c >> 16) as u8, (c >> 8) as u8, c as u8], 40000, 0x02)
        };
        ipv4(b, src, [10, 0, 0, 1], 1, 0, 6, 20);
        tcp(b, sport, 80, 1000 + i as u32, flags);
    });
    let p = path.to_str().unwrap();
    let r = run_limited(&dir.0, 120, 1024, &["inspect", p, "--plain"]);
    assert_eq!(r.code, Some(0), "stderr: {}", r.stderr);
    assert!(
        r.stdout_tail.ends_with(&format!(
            "{} frames, {} TCP segments, {} connection(s)\n",
            N + 2,
            N + 2,
            N + 1
        )),
        "{}",
        r.stdout_tail
    );
    // The connection open from the first frame to the last held more than
    // the 32 MiB allowed to wait behind it: it was cut and went on at the end.
    assert!(
        r.stdout_tail.contains("stream 0 (continued):"),
        "{}",
        r.stdout_tail
    );
    // Every connection is there, numbered rows and all.
    assert!(r.stdout_len > (N as u64) * 200, "{} bytes", r.stdout_len);
}

/// Frames of 65,000 stacked VLAN tags: each tag became a layer span with a
/// name of its own (400 frames: 2 GB, then an abort). Tags past the limit
/// leave the frame out, named in one warning; a frame within it decodes.
#[test]
fn sixty_five_thousand_vlan_tags_are_refused_with_a_warning() {
    if !tools_present() {
        return;
    }
    let dir = TempDir::new("vlan");
    let path = dir.0.join("vlan.pcap");
    const N: usize = 200;
    write_pcap(&path, LINKTYPE_ETHERNET, N + 1, |i, b| {
        let tags = if i == 0 { 8 } else { 65_000 };
        b.extend_from_slice(&[2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2]);
        for _ in 0..tags {
            b.extend_from_slice(&[0x81, 0x00, 0x00, 0x05]);
        }
        b.extend_from_slice(&[0x08, 0x00]);
        ipv4(b, [10, 0, 0, 1], [10, 0, 0, 2], 1, 0, 6, 20);
        tcp(b, 1234, 80, 1000 + i as u32, 0x02);
    });
    let p = path.to_str().unwrap();
    for mode in ["--json", "--plain"] {
        let r = run_limited(&dir.0, 60, 512, &["inspect", p, mode]);
        assert_eq!(r.code, Some(0), "{mode}: stderr: {}", r.stderr);
        assert!(
            r.stderr.contains(&format!(
                "{N} frames with more than 8 stacked VLAN tags not decoded (first: frame 2)"
            )),
            "{mode}: {}",
            r.stderr
        );
        assert!(r.stdout_len < 64 * 1024, "{mode}: {} bytes", r.stdout_len);
    }
    let r = run_limited(&dir.0, 60, 512, &["inspect", p, "--json"]);
    assert_eq!(r.stdout_tail.matches("802.1Q VLAN").count(), 8);
}
