//! Never losing the user's data:
//!
//! - SIGINT and SIGTERM to a running `synack sniff --port P --save F`,
//!   after a connection on 127.0.0.1:P: it exits 0 and F holds every frame
//!   it had printed (read back with `synack inspect F --json`). Needs
//!   CAP_NET_RAW (root; CI is root); elsewhere SKIP with a message.
//! - While it runs, the sniffer holds no capability, and no_new_privs.
//! - `synack inspect big.pcap --json | head -1`: stdout closed early, exit 0
//!   and nothing on stderr.

use serde_json::Value;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_synack")
}

fn temp_dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("synack-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn can_sniff() -> bool {
    if synack::source::kernel::sniffer::RawSocket::open("lo").is_ok() {
        return true;
    }
    eprintln!("SKIP: sniffing needs CAP_NET_RAW (run the tests as root)");
    false
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Start `synack sniff --port P --json --save F` and wait for its "capturing"
/// line on stderr (the socket is open from then on).
fn start_sniff(port: u16, save: &Path) -> Child {
    let mut child = Command::new(bin())
        .args(["sniff", "--port", &port.to_string(), "--json", "--save"])
        .arg(save)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start synack sniff");
    let mut err = BufReader::new(child.stderr.take().unwrap());
    let mut line = String::new();
    err.read_line(&mut line).unwrap();
    assert!(line.contains("capturing"), "sniff did not start: {line}");
    // Keep draining stderr so the child never blocks on it.
    std::thread::spawn(move || {
        let mut rest = String::new();
        let _ = err.read_to_string(&mut rest);
        if !rest.trim().is_empty() {
            eprintln!("sniff stderr: {rest}");
        }
    });
    child
}

/// Open, talk and close a connection on 127.0.0.1:port.
fn talk(port: u16) {
    let listener = TcpListener::bind(("127.0.0.1", port)).unwrap();
    let mut c = TcpStream::connect(("127.0.0.1", port)).unwrap();
    let (mut s, _) = listener.accept().unwrap();
    c.write_all(b"hello").unwrap();
    let mut buf = [0u8; 16];
    assert_eq!(s.read(&mut buf).unwrap(), 5);
    drop(c);
    assert_eq!(s.read(&mut buf).unwrap(), 0);
    drop(s);
}

fn ndjson(text: &str) -> Vec<Value> {
    text.lines()
        .map(|l| serde_json::from_str(l).expect("NDJSON"))
        .collect()
}

/// (frame, seq_raw, ack_raw, flags) of each segment: what must match
/// between what sniff printed and what the saved file holds.
fn keys(steps: &[Value]) -> Vec<(u64, u64, u64, String)> {
    steps
        .iter()
        .map(|s| {
            (
                s["frame"].as_u64().unwrap_or(0),
                s["seq_raw"].as_u64().unwrap_or(0),
                s["ack_raw"].as_u64().unwrap_or(0),
                s["flags"].to_string(),
            )
        })
        .collect()
}

/// The capability sets of a running process, from /proc/PID/status.
fn caps(pid: u32) -> (u64, u64, String) {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .map(|v| v.trim().to_string())
            .unwrap_or_default()
    };
    let hex = |s: String| u64::from_str_radix(&s, 16).unwrap_or(u64::MAX);
    (
        hex(field("CapEff:")),
        hex(field("CapPrm:")),
        field("NoNewPrivs:"),
    )
}

fn stop_sniff_with(signal: i32, name: &str) {
    if !can_sniff() {
        return;
    }
    let dir = temp_dir(&format!("signal-{name}"));
    let save = dir.join("saved.pcap");
    let port = free_port();
    let mut child = start_sniff(port, &save);
    let pid = child.id();

    // Privileges while it runs: none.
    let (eff, prm, nnp) = caps(pid);
    assert_eq!(eff, 0, "effective capabilities left: {eff:#x}");
    assert_eq!(prm, 0, "permitted capabilities left: {prm:#x}");
    assert_eq!(nnp, "1", "no_new_privs is not set");

    talk(port);
    // Read what it printed until the connection's last segments are in
    // (or a few seconds pass), then signal it while it is still running.
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut printed = String::new();
    let end = Instant::now() + Duration::from_secs(10);
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut line = String::new();
        while out.read_line(&mut line).unwrap_or(0) > 0 {
            if tx.send(std::mem::take(&mut line)).is_err() {
                break;
            }
        }
    });
    let mut n = 0;
    while n < 7 && Instant::now() < end {
        if let Ok(l) = rx.recv_timeout(Duration::from_millis(100)) {
            printed.push_str(&l);
            n += 1;
        }
    }
    assert!(n >= 3, "sniff printed only {n} segments:\n{printed}");
    // SAFETY: kill(2) of our own child.
    unsafe { libc::kill(pid as i32, signal) };
    let status = wait_timeout(&mut child, Duration::from_secs(10));
    while let Ok(l) = rx.recv_timeout(Duration::from_millis(200)) {
        printed.push_str(&l);
    }
    assert_eq!(status, Some(0), "{name}: sniff did not exit 0");

    // The file is in place (no temporary left) and holds every frame.
    assert!(save.exists(), "{name}: {} was not written", save.display());
    let leftovers: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .map(|e| e.file_name())
        .filter(|n| n != "saved.pcap")
        .collect();
    assert!(leftovers.is_empty(), "temporary files left: {leftovers:?}");
    let back = Command::new(bin())
        .args(["inspect"])
        .arg(&save)
        .arg("--json")
        .output()
        .unwrap();
    assert!(
        back.status.success(),
        "{}",
        String::from_utf8_lossy(&back.stderr)
    );
    let saved = ndjson(&String::from_utf8_lossy(&back.stdout));
    let shown = ndjson(&printed);
    assert!(
        saved.len() >= shown.len() && !shown.is_empty(),
        "{name}: the file has {} segments, sniff showed {}",
        saved.len(),
        shown.len()
    );
    assert_eq!(
        keys(&saved[..shown.len()]),
        keys(&shown),
        "{name}: the file differs from what was shown"
    );
    std::fs::remove_dir_all(&dir).ok();
}

fn wait_timeout(child: &mut Child, t: Duration) -> Option<i32> {
    let end = Instant::now() + t;
    while Instant::now() < end {
        if let Some(s) = child.try_wait().unwrap() {
            return s.code();
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = child.kill();
    let _ = child.wait();
    None
}

#[test]
fn sigint_to_sniff_save_keeps_every_frame() {
    stop_sniff_with(libc::SIGINT, "SIGINT");
}

#[test]
fn sigterm_to_sniff_save_keeps_every_frame() {
    stop_sniff_with(libc::SIGTERM, "SIGTERM");
}

/// `--save` onto an existing file is refused without `--force`, before
/// anything is captured, and the file is left as it was.
#[test]
fn sniff_save_does_not_overwrite_without_force() {
    let dir = temp_dir("no-overwrite");
    let save = dir.join("keep.pcap");
    std::fs::write(&save, b"precious").unwrap();
    let out = Command::new(bin())
        .args(["sniff", "--port", "9", "--json", "--count", "1", "--save"])
        .arg(&save)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("already exists") && err.contains("--force"),
        "{err}"
    );
    assert_eq!(std::fs::read(&save).unwrap(), b"precious");
    std::fs::remove_dir_all(&dir).ok();
}

/// A pcap of `n` small TCP segments of one connection (handshake, then data).
fn write_big(path: &Path, n: u32) {
    let mut w = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    let mut h = Vec::new();
    h.extend_from_slice(&0xa1b2_c3d4u32.to_le_bytes());
    h.extend_from_slice(&2u16.to_le_bytes());
    h.extend_from_slice(&4u16.to_le_bytes());
    h.extend_from_slice(&[0; 8]);
    h.extend_from_slice(&65535u32.to_le_bytes());
    h.extend_from_slice(&1u32.to_le_bytes());
    w.write_all(&h).unwrap();
    for i in 0..n {
        let (src, dst, sport, dport) = if i % 2 == 0 {
            ([10, 0, 0, 1], [10, 0, 0, 2], 40000u16, 80u16)
        } else {
            ([10, 0, 0, 2], [10, 0, 0, 1], 80, 40000)
        };
        let (flags, seq, ack, len): (u8, u32, u32, u16) = match i {
            0 => (0x02, 1000, 0, 0),
            1 => (0x12, 5000, 1001, 0),
            2 => (0x10, 1001, 5001, 0),
            _ if i % 2 == 1 => (0x10, 5001, 1001 + 10 * (i / 2), 0),
            _ => (0x18, 1001 + 10 * (i / 2 - 1), 5001, 10),
        };
        let mut f = vec![2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 0x08, 0x00];
        let total = 40 + len;
        f.extend_from_slice(&[
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
        f.extend_from_slice(&src);
        f.extend_from_slice(&dst);
        f.extend_from_slice(&sport.to_be_bytes());
        f.extend_from_slice(&dport.to_be_bytes());
        f.extend_from_slice(&seq.to_be_bytes());
        f.extend_from_slice(&ack.to_be_bytes());
        f.extend_from_slice(&[0x50, flags, 0xff, 0xff, 0, 0, 0, 0]);
        f.resize(f.len() + usize::from(len), b'x');
        let l = f.len() as u32;
        w.write_all(&1_700_000_000u32.to_le_bytes()).unwrap();
        w.write_all(&i.to_le_bytes()).unwrap();
        w.write_all(&l.to_le_bytes()).unwrap();
        w.write_all(&l.to_le_bytes()).unwrap();
        w.write_all(&f).unwrap();
    }
    w.flush().unwrap();
}

/// `synack inspect big.pcap ARGS | head -1`: the reader goes away after one
/// line; synack must exit 0 at once, silently.
fn closed_early(args: &[&str]) {
    let dir = temp_dir(&format!("head-{}", args.join("")));
    let big = dir.join("big.pcap");
    write_big(&big, 200_000);
    let mut child = Command::new(bin())
        .arg("inspect")
        .arg(&big)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    {
        let mut out = BufReader::new(child.stdout.take().unwrap());
        let mut first = String::new();
        out.read_line(&mut first).unwrap();
        assert!(!first.is_empty(), "no first line");
        // `out` is dropped here: the pipe's read end closes, like `head -1`.
    }
    let start = Instant::now();
    let status = wait_timeout(&mut child, Duration::from_secs(120));
    let mut err = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    std::fs::remove_dir_all(&dir).ok();
    assert_eq!(status, Some(0), "{args:?}: exit status; stderr: {err}");
    assert_eq!(err, "", "{args:?}: stderr is not empty");
    eprintln!(
        "{args:?}: exited {:?} after the pipe closed",
        start.elapsed()
    );
}

#[test]
fn inspect_json_into_a_closed_pipe_exits_quietly() {
    closed_early(&["--json"]);
}

#[test]
fn inspect_plain_into_a_closed_pipe_exits_quietly() {
    closed_early(&["--plain"]);
}
