//! The malformed-capture corpus (`tests/malformed/`, written by
//! `tests/malformed/generate.py`): for each damaged file, the exact line
//! `synack inspect` prints on stderr, its exit code, no panic, and a small
//! peak memory (the child's own maximum RSS, from `wait4`).
//!
//! Plus the bounded-memory test of a capture of a million tiny connections
//! that never close (generated into a temporary directory).

use std::io::{BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// Peak memory allowed for reading one small damaged file. The binary
/// itself takes a few MiB; a record of 256 KiB or a 64 KiB read buffer
/// more. An allocation of the absurd lengths in the corpus (2-4 GiB) would
/// show far above this.
const SMALL_RSS_KIB: u64 = 48 * 1024;

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/malformed")
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
    /// Peak resident set size of the child, in KiB.
    max_rss_kib: u64,
}

/// Run synack with `args`, collecting its output, and reap it with `wait4`
/// to learn its own peak RSS (`ru_maxrss`). `stdin` is closed.
fn run(args: &[&str]) -> Run {
    let mut child = Command::new(env!("CARGO_BIN_EXE_synack"))
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start synack");
    let mut out = child.stdout.take().unwrap();
    let mut err = child.stderr.take().unwrap();
    let t = std::thread::spawn(move || {
        let mut s = Vec::new();
        out.read_to_end(&mut s).unwrap();
        s
    });
    let mut e = Vec::new();
    err.read_to_end(&mut e).unwrap();
    let o = t.join().unwrap();
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    // SAFETY: a zeroed rusage is valid; wait4 fills it.
    let mut ru: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: `pid` is our own child, not yet reaped (std never waited).
    let r = unsafe { libc::wait4(pid, &mut status, 0, &mut ru) };
    assert_eq!(r, pid, "wait4");
    let code = if libc::WIFEXITED(status) {
        libc::WEXITSTATUS(status)
    } else {
        128 + libc::WTERMSIG(status)
    };
    std::mem::forget(child);
    Run {
        code,
        stdout: String::from_utf8_lossy(&o).into_owned(),
        stderr: String::from_utf8_lossy(&e).into_owned(),
        max_rss_kib: ru.ru_maxrss as u64,
    }
}

/// One damaged file and what `synack inspect FILE --summary` must do.
struct Case {
    file: &'static str,
    code: i32,
    /// The exact stderr (one line, without its newline); `{}` stands for
    /// the file's path as given on the command line. Empty: nothing.
    stderr: &'static str,
    /// Connections listed by `--summary --json`.
    conns: usize,
}

const fn case(file: &'static str, code: i32, stderr: &'static str, conns: usize) -> Case {
    Case {
        file,
        code,
        stderr,
        conns,
    }
}

const CASES: &[Case] = &[
    // The file as a whole.
    case(
        "empty.pcap",
        1,
        "synack: error: {}: the file is empty (0 bytes), so it holds no capture; capture again",
        0,
    ),
    case(
        "three-bytes.pcap",
        1,
        "synack: error: {}: not a pcap or pcapng file (it starts with d4 c3 b2 (only 3 bytes)); give a capture saved by tcpdump, Wireshark or synack",
        0,
    ),
    case(
        "truncated-global-header.pcap",
        1,
        "synack: error: {}: the pcap file header is cut short (14 of 24 bytes); the file is truncated, capture again",
        0,
    ),
    case(
        "wrong-magic.pcap",
        1,
        "synack: error: {}: not a pcap or pcapng file (it starts with 68 65 6c 6c); give a capture saved by tcpdump, Wireshark or synack",
        0,
    ),
    case(
        "gzip.pcap.gz",
        1,
        "synack: error: {}: not a pcap or pcapng file (it starts with 1f 8b 08 00, a gzip file: gunzip it first); give a capture saved by tcpdump, Wireshark or synack",
        0,
    ),
    case(
        "pcap-version-3.pcap",
        1,
        "synack: error: {}: pcap version 3.0 is not supported (only 2.x is); the file header is damaged or was not written by a pcap tool",
        0,
    ),
    case(
        "reserved-linktype-bits.pcap",
        1,
        "synack: error: {}: pcap header: the link-type field 0x00010001 has reserved bits set (0x00010000); the file header is damaged",
        0,
    ),
    // pcap records.
    case(
        "truncated-first-record-header.pcap",
        1,
        "synack: error: {}: frame 1 (byte 24) is cut short: the file ends in the middle of a record; the frames before it are fine, the rest is lost",
        0,
    ),
    case(
        "truncated-first-record-data.pcap",
        1,
        "synack: error: {}: frame 1 (byte 24) is cut short: the file ends in the middle of a record; the frames before it are fine, the rest is lost",
        0,
    ),
    case(
        "truncated-second-record.pcap",
        0,
        "synack: warning: {}: frame 2 (byte 94) is cut short: the file ends in the middle of a record; the frames before it are fine, the rest is lost",
        1,
    ),
    // A 0-byte record is legal (nothing captured of a 60-byte frame).
    case("zero-length-record.pcap", 0, "", 1),
    case(
        "absurd-record-length.pcap",
        1,
        "synack: error: {}: frame 1 (byte 24) claims 4294967280 captured bytes, more than the 256 KiB limit for one frame (262144); the file is damaged from here on",
        0,
    ),
    case(
        "record-over-snaplen.pcap",
        1,
        "synack: error: {}: frame 1 (byte 24) claims 70000 captured bytes, more than the file's snap length allows (96); the file is damaged from here on",
        0,
    ),
    // Tolerated as libpcap and Wireshark do: over a small snap length but
    // under 64 KiB.
    case("record-just-over-small-snaplen.pcap", 0, "", 1),
    case(
        "record-300k.pcap",
        1,
        "synack: error: {}: frame 1 (byte 24) claims 307200 captured bytes, more than the 256 KiB limit for one frame (262144); the file is damaged from here on",
        0,
    ),
    case(
        "record-300k-second.pcap",
        1,
        "synack: error: {}: frame 2 (byte 94) claims 307200 captured bytes, more than the 256 KiB limit for one frame (262144); the file is damaged from here on (the 1 frame before it is shown)",
        1,
    ),
    // pcapng blocks.
    case(
        "pcapng-truncated-shb.pcapng",
        1,
        "synack: error: {}: the pcapng section header block is cut short (10 of 28 bytes); the file is truncated, capture again",
        0,
    ),
    case(
        "pcapng-shb-bad-length.pcapng",
        1,
        "synack: error: {}: damaged pcapng block at byte 0: section header block with a bad length (30); the file is corrupt from here on",
        0,
    ),
    case(
        "pcapng-shb-version-2.pcapng",
        1,
        "synack: error: {}: pcapng version 2.0 is not supported (only 1.x is); the file header is damaged or was not written by a pcap tool",
        0,
    ),
    case(
        "pcapng-shb-option-overrun.pcapng",
        1,
        "synack: error: {}: damaged pcapng block at byte 0: section header: option 2 of length 200 overruns its block (only 4 bytes left); the file is corrupt from here on",
        0,
    ),
    case(
        "pcapng-block-length-under-12.pcapng",
        1,
        "synack: error: {}: damaged pcapng block at byte 48: block type 0x6 has a bad length (8); the file is corrupt from here on",
        0,
    ),
    case(
        "pcapng-block-length-not-multiple-of-4.pcapng",
        1,
        "synack: error: {}: damaged pcapng block at byte 48: block type 0x6 has a bad length (87); the file is corrupt from here on",
        0,
    ),
    case(
        "pcapng-block-trailer-mismatch.pcapng",
        1,
        "synack: error: {}: damaged pcapng block at byte 48: block length 88 at the start but 4 at the end; the file is corrupt from here on",
        0,
    ),
    case(
        "pcapng-epb-huge-length.pcapng",
        1,
        "synack: error: {}: frame 1 (byte 48) claims 2147483632 bytes of packet block, more than the limit for a packet block (278528); the file is damaged from here on",
        0,
    ),
    // An unknown block is skipped without being read into memory; this one
    // claims 2 GiB and the file ends first.
    case(
        "pcapng-unknown-block-huge-length.pcapng",
        1,
        "synack: error: {}: damaged pcapng block at byte 136: block type 0xbad of 2147483632 bytes is cut short by the end of the file; the file is corrupt from here on (the 1 frame before it is shown)",
        1,
    ),
    case(
        "pcapng-epb-caplen-overruns-block.pcapng",
        1,
        "synack: error: {}: damaged pcapng block at byte 48: captured length 500 overruns the packet block; the file is corrupt from here on",
        0,
    ),
    case(
        "pcapng-epb-absurd-caplen.pcapng",
        1,
        "synack: error: {}: frame 1 (byte 48) claims 268435456 captured bytes, more than the 256 KiB limit for one frame (262144); the file is damaged from here on",
        0,
    ),
    case(
        "pcapng-unknown-interface.pcapng",
        1,
        "synack: error: {}: frame 1 (byte 48) names interface 5, but its section declares only 1 interface; the file is corrupt from here on",
        0,
    ),
    case(
        "pcapng-epb-before-idb.pcapng",
        1,
        "synack: error: {}: frame 1 (byte 28) names interface 0, but its section declares no interface; the file is corrupt from here on",
        0,
    ),
    case(
        "pcapng-spb-before-idb.pcapng",
        1,
        "synack: error: {}: frame 1 (byte 28) names interface 0, but its section declares no interface; the file is corrupt from here on",
        0,
    ),
    case(
        "pcapng-idb-option-overrun.pcapng",
        1,
        "synack: error: {}: damaged pcapng block at byte 28: interface description: option 9 of length 64 overruns its block (only 4 bytes left); the file is corrupt from here on",
        0,
    ),
    case(
        "pcapng-idb-too-short.pcapng",
        1,
        "synack: error: {}: damaged pcapng block at byte 28: interface description block too short; the file is corrupt from here on",
        0,
    ),
    case(
        "pcapng-truncated-epb.pcapng",
        0,
        "synack: warning: {}: frame 2 (byte 136) is cut short: the file ends in the middle of a record; the frames before it are fine, the rest is lost",
        1,
    ),
    // IP and TCP headers inside good records: the frame is left out (see
    // `malformed_tcp_headers_are_reported`, ignored, for the warning these
    // should give); none may panic.
    case("ipv4-ihl-under-5.pcap", 0, "", 0),
    case("ipv4-ihl-past-end.pcap", 0, "", 0),
    case("ipv4-total-length-under-ihl.pcap", 0, "", 0),
    // Total length beyond the frame: what the wire carried is used.
    case("ipv4-total-length-past-frame.pcap", 0, "", 1),
    case(
        "tcp-data-offset-past-end.pcap",
        0,
        "synack: warning: {}: 1 frame with a malformed TCP header left out (frame 1: TCP header length 60 is more than the 20 bytes the IP header gives it)",
        0,
    ),
    case(
        "tcp-data-offset-under-5.pcap",
        0,
        "synack: warning: {}: 1 frame with a malformed TCP header left out (frame 1: bogus TCP header length 8 (at least 20))",
        0,
    ),
    case(
        "tcp-header-cut-short.pcap",
        0,
        "synack: warning: {}: 1 frame with a malformed TCP header left out (frame 1: TCP header cut short: 10 of at least 20 bytes captured)",
        0,
    ),
    // Options that overrun their field end the option list; the segment
    // stands.
    case("tcp-option-overruns.pcap", 0, "", 1),
    case("tcp-option-zero-length.pcap", 0, "", 1),
];

fn expected_stderr(c: &Case, path: &str) -> String {
    if c.stderr.is_empty() {
        String::new()
    } else {
        c.stderr.replace("{}", path) + "\n"
    }
}

#[test]
fn every_malformed_file_gives_its_exact_message_and_exit_code() {
    let mut failures = Vec::new();
    for c in CASES {
        let path = dir().join(c.file);
        let p = path.to_str().unwrap();
        for args in [
            vec!["inspect", p, "--summary", "--json"],
            vec!["inspect", p, "--plain"],
            vec!["inspect", p, "--json"],
        ] {
            let r = run(&args);
            let want = expected_stderr(c, p);
            let mut bad = Vec::new();
            if r.code != c.code {
                bad.push(format!("exit code {} (want {})", r.code, c.code));
            }
            if r.stderr != want {
                bad.push(format!("stderr {:?}\n      want {:?}", r.stderr, want));
            }
            if r.stderr.contains("panicked") || r.stderr.contains("RUST_BACKTRACE") {
                bad.push("panicked".into());
            }
            if r.max_rss_kib > SMALL_RSS_KIB {
                bad.push(format!("peak RSS {} KiB", r.max_rss_kib));
            }
            if args.contains(&"--summary") {
                let n = r.stdout.lines().count();
                if n != c.conns {
                    bad.push(format!("{n} connections (want {})", c.conns));
                }
            }
            if !bad.is_empty() {
                failures.push(format!(
                    "{} {:?}:\n    {}",
                    c.file,
                    &args[2..],
                    bad.join("\n    ")
                ));
            }
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn the_corpus_and_the_cases_match() {
    let mut on_disk: Vec<String> = std::fs::read_dir(dir())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n != "generate.py")
        .collect();
    on_disk.sort();
    let mut listed: Vec<String> = CASES.iter().map(|c| c.file.to_string()).collect();
    listed.sort();
    assert_eq!(
        on_disk, listed,
        "tests/malformed/ and CASES differ: run tests/malformed/generate.py, list new cases"
    );
}

/// A fatal error should say which file it is about, as the errors after
/// some frames already do ("synack: error: {}: FILE: ..."). Today the errors of
/// the file header and of the first record leave the path out.
#[test]

fn every_fatal_error_names_the_file() {
    for c in CASES.iter().filter(|c| c.code != 0) {
        let path = dir().join(c.file);
        let p = path.to_str().unwrap();
        let r = run(&["inspect", p, "--plain"]);
        assert!(
            r.stderr.contains(p),
            "{}: the error does not name the file: {}",
            c.file,
            r.stderr
        );
    }
}

/// A frame whose TCP header is unusable is left out of the ladder; the user
/// should be told (`CaptureReport::malformed` counts them, nothing prints
/// it). Expected: one warning line naming the file, the count and the first
/// frame with the decoder's reason, e.g.
/// `synack: warning: FILE: 1 frame with a malformed TCP header left out (frame 1: TCP header length 60 is more than the 20 bytes the IP header gives it)`.
#[test]

fn malformed_tcp_headers_are_reported() {
    for (file, reason) in [
        (
            "tcp-data-offset-past-end.pcap",
            "TCP header length 60 is more than the 20 bytes the IP header gives it",
        ),
        (
            "tcp-data-offset-under-5.pcap",
            "bogus TCP header length 8 (at least 20)",
        ),
    ] {
        let path = dir().join(file);
        let p = path.to_str().unwrap();
        let r = run(&["inspect", p, "--plain"]);
        assert_eq!(r.code, 0);
        assert!(
            r.stderr.starts_with("synack: warning: ")
                && r.stderr.contains(p)
                && r.stderr.contains("frame 1")
                && r.stderr.contains(reason),
            "{file}: {:?}",
            r.stderr
        );
        assert_eq!(r.stderr.lines().count(), 1, "one line: {:?}", r.stderr);
    }
}

// ------------------------------------------------------------ bounded memory

/// Ethernet + IPv4 + TCP (PSH|ACK, 10 bytes of data) from 10.a.b.c:port to
/// 10.255.255.254:80: a tiny connection seen mid-stream that never closes.
fn tiny_frame(i: u32, buf: &mut Vec<u8>) {
    buf.clear();
    buf.extend_from_slice(&[2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 0x08, 0x00]);
    let src = [10, (i >> 16) as u8, (i >> 8) as u8, i as u8];
    let port = 1024 + (i >> 24) as u16;
    let total: u16 = 20 + 20 + 10;
    buf.extend_from_slice(&[
        0x45,
        0,
        (total >> 8) as u8,
        total as u8,
        0,
        1,
        0x40,
        0,
        64,
        6,
        0,
        0,
    ]);
    buf.extend_from_slice(&src);
    buf.extend_from_slice(&[10, 255, 255, 254]);
    buf.extend_from_slice(&port.to_be_bytes());
    buf.extend_from_slice(&80u16.to_be_bytes());
    buf.extend_from_slice(&i.to_be_bytes()); // seq
    buf.extend_from_slice(&1u32.to_be_bytes()); // ack
    buf.extend_from_slice(&[0x50, 0x18, 0xff, 0xff, 0, 0, 0, 0]);
    buf.extend_from_slice(b"0123456789");
}

fn write_million(path: &Path, n: u32) {
    let mut w = BufWriter::with_capacity(1 << 20, std::fs::File::create(path).unwrap());
    let mut h = Vec::new();
    h.extend_from_slice(&0xa1b2_c3d4u32.to_le_bytes());
    h.extend_from_slice(&2u16.to_le_bytes());
    h.extend_from_slice(&4u16.to_le_bytes());
    h.extend_from_slice(&[0; 8]);
    h.extend_from_slice(&65535u32.to_le_bytes());
    h.extend_from_slice(&1u32.to_le_bytes());
    w.write_all(&h).unwrap();
    let mut f = Vec::with_capacity(64);
    for i in 0..n {
        tiny_frame(i, &mut f);
        let len = f.len() as u32;
        w.write_all(&(1_700_000_000 + i / 1000).to_le_bytes())
            .unwrap();
        w.write_all(&((i % 1000) * 1000).to_le_bytes()).unwrap();
        w.write_all(&len.to_le_bytes()).unwrap();
        w.write_all(&len.to_le_bytes()).unwrap();
        w.write_all(&f).unwrap();
    }
    w.flush().unwrap();
}

fn temp_dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("synack-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// A million one-segment connections that never close: `inspect --summary`
/// must stay under 200 MiB. Today the tracker keeps every connection (and
/// its analyser) for the whole file, and the summary is built as one string.
#[test]
fn a_million_idle_connections_stay_in_bounded_memory() {
    let d = temp_dir("million");
    let path = d.join("million.pcap");
    write_million(&path, 1_000_000);
    let p = path.to_str().unwrap();
    let r = run(&["inspect", p, "--summary", "--json"]);
    std::fs::remove_dir_all(&d).ok();
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!r.stderr.contains("panicked"), "{}", r.stderr);
    eprintln!("peak RSS {} MiB", r.max_rss_kib / 1024);
    assert!(
        r.max_rss_kib < 200 * 1024,
        "peak RSS {} MiB for a million idle connections",
        r.max_rss_kib / 1024
    );
    // The user is told that idle connections were summarised.
    assert!(
        r.stderr.contains("idle"),
        "no note about evicted connections: {:?}",
        r.stderr
    );
}

/// The same shape, small enough to run on every `cargo test`: 20,000
/// connections read without error, one summary line each.
#[test]
fn twenty_thousand_idle_connections_are_all_summarised() {
    let d = temp_dir("twenty-k");
    let path = d.join("20k.pcap");
    write_million(&path, 20_000);
    let p = path.to_str().unwrap();
    let r = run(&["inspect", p, "--summary", "--json"]);
    std::fs::remove_dir_all(&d).ok();
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stdout.lines().count(), 20_000);
    assert!(
        r.max_rss_kib < 200 * 1024,
        "peak RSS {} MiB",
        r.max_rss_kib / 1024
    );
}
