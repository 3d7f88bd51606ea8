//! `synack sniff` against connections the test makes itself on 127.0.0.1
//! (and with curl, where installed). Root only (CI is root); elsewhere the
//! tests print why they skip. Each test uses its own free port, and the
//! sniffer filters by it, so they run in parallel.

use serde_json::Value;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

fn can_sniff() -> bool {
    if synack::source::kernel::sniffer::RawSocket::open("lo").is_ok() {
        return true;
    }
    eprintln!("SKIP: needs CAP_NET_RAW (run as root)");
    false
}

/// Start `synack sniff` and wait until its socket is open.
fn start_sniff(args: &[&str]) -> Child {
    let mut child = Command::new(env!("CARGO_BIN_EXE_synack"))
        .arg("sniff")
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start synack sniff");
    let mut err = BufReader::new(child.stderr.take().unwrap());
    let mut line = String::new();
    err.read_line(&mut line).unwrap();
    assert!(line.contains("capturing"), "sniff did not start: {line}");
    child
}

fn finish(child: Child) -> Vec<Value> {
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "sniff failed");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("NDJSON"))
        .collect()
}

fn flags(s: &Value) -> Vec<String> {
    s["flags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f.as_str().unwrap().to_string())
        .collect()
}

fn has(s: &Value, f: &str) -> bool {
    flags(s).iter().any(|x| x == f)
}

/// A connection made with std::net: hello, then the client closes first:
/// S, S., ., P., ., F., ., F., . (9 segments).
fn talk(port: u16) {
    let listener = TcpListener::bind(("127.0.0.1", port)).unwrap();
    let mut c = TcpStream::connect(("127.0.0.1", port)).unwrap();
    let (mut s, _) = listener.accept().unwrap();
    c.write_all(b"hello").unwrap();
    let mut buf = [0u8; 16];
    assert_eq!(s.read(&mut buf).unwrap(), 5);
    std::thread::sleep(Duration::from_millis(50));
    drop(c);
    assert_eq!(s.read(&mut buf).unwrap(), 0);
    // Let the kernel acknowledge the client's FIN on its own before the
    // server's FIN (otherwise the FIN may carry that ACK: 8 segments).
    std::thread::sleep(Duration::from_millis(250));
    drop(s);
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

#[test]
fn sniff_follows_a_connection_made_with_std_net() {
    if !can_sniff() {
        return;
    }
    let port = free_port();
    let other = TcpListener::bind("127.0.0.1:0").unwrap();
    let other_port = other.local_addr().unwrap().port();
    let p = port.to_string();
    let child = start_sniff(&["--port", &p, "--json", "--count", "9", "--duration", "20"]);
    // Traffic on another port must not appear.
    let mut o = TcpStream::connect(("127.0.0.1", other_port)).unwrap();
    let (_o2, _) = other.accept().unwrap();
    o.write_all(b"noise").unwrap();
    talk(port);
    drop(o);
    let steps = finish(child);
    assert_eq!(steps.len(), 9, "{steps:#?}");
    for s in &steps {
        assert!(
            s["sport"] == port || s["dport"] == port,
            "another port leaked in: {s}"
        );
        assert_eq!(s["stream"], 0);
    }
    let f: Vec<Vec<String>> = steps.iter().map(flags).collect();
    assert_eq!(f[0], ["SYN"]);
    assert_eq!(f[1], ["SYN", "ACK"]);
    assert_eq!(f[2], ["ACK"]);
    assert_eq!(
        steps[1]["ack_raw"].as_u64(),
        Some(steps[0]["seq_raw"].as_u64().unwrap() + 1)
    );
    let fins: Vec<&Value> = steps.iter().filter(|s| has(s, "FIN")).collect();
    assert_eq!(fins.len(), 2);
    assert_eq!(fins[0]["side"], "client", "the client closed first");
    let last = steps.last().unwrap();
    assert_eq!(last["state"]["client"], "TIME_WAIT");
    assert_eq!(last["state"]["server"], "CLOSED");
    let frames: Vec<u64> = steps.iter().map(|s| s["frame"].as_u64().unwrap()).collect();
    assert_eq!(frames, (1..=9).collect::<Vec<_>>(), "each frame once");
}

#[test]
fn sniff_follows_curl() {
    if !can_sniff() {
        return;
    }
    if Command::new("curl").arg("--version").output().is_err() {
        eprintln!("SKIP: curl is not installed");
        return;
    }
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let server = std::thread::spawn(move || {
        let (mut s, _) = listener.accept().unwrap();
        let mut buf = [0u8; 4096];
        let mut got = Vec::new();
        while !got.windows(4).any(|w| w == b"\r\n\r\n") {
            let n = s.read(&mut buf).unwrap();
            if n == 0 {
                break;
            }
            got.extend_from_slice(&buf[..n]);
        }
        s.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok")
            .unwrap();
        let _ = s.shutdown(Shutdown::Write);
        // Wait for curl's FIN.
        while s.read(&mut buf).map(|n| n > 0).unwrap_or(false) {}
    });
    let p = port.to_string();
    let child = start_sniff(&["--port", &p, "--json", "--duration", "3"]);
    let out = Command::new("curl")
        .args([
            "-s",
            "--max-time",
            "5",
            &format!("http://127.0.0.1:{port}/"),
        ])
        .output()
        .unwrap();
    assert_eq!(out.stdout, b"ok");
    server.join().unwrap();
    let steps = finish(child);
    let f: Vec<Vec<String>> = steps.iter().map(flags).collect();
    assert!(f.len() >= 7, "{f:?}");
    assert_eq!(f[0], ["SYN"]);
    assert_eq!(f[1], ["SYN", "ACK"]);
    assert_eq!(f[2], ["ACK"]);
    assert_eq!(steps.iter().filter(|s| has(s, "FIN")).count(), 2);
    assert!(
        steps
            .iter()
            .all(|s| s["sport"] == port || s["dport"] == port)
    );
}

#[test]
fn sniff_with_nc() {
    if !can_sniff() {
        return;
    }
    let nc = ["nc", "ncat", "netcat"].into_iter().find(|n| {
        Command::new("sh")
            .args(["-c", &format!("command -v {n}")])
            .output()
            .is_ok_and(|o| o.status.success())
    });
    let Some(nc) = nc else {
        eprintln!("SKIP: nc is not installed");
        return;
    };
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let server = std::thread::spawn(move || {
        let (mut s, _) = listener.accept().unwrap();
        let mut buf = [0u8; 64];
        while s.read(&mut buf).map(|n| n > 0).unwrap_or(false) {}
    });
    let p = port.to_string();
    let child = start_sniff(&["--port", &p, "--json", "--duration", "3"]);
    let mut nc = Command::new(nc)
        .args(["-q", "0", "127.0.0.1", &p])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    nc.stdin.take().unwrap().write_all(b"hi\n").unwrap();
    let _ = nc.wait();
    server.join().unwrap();
    let steps = finish(child);
    assert!(steps.len() >= 3);
    assert_eq!(flags(&steps[0]), ["SYN"]);
}

#[test]
fn ctrl_c_still_finishes_the_saved_capture() {
    if !can_sniff() {
        return;
    }
    let dir = std::env::temp_dir().join(format!("synack-sniff-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let pcap = dir.join("sniff.pcap");
    let _ = std::fs::remove_file(&pcap);
    let port = free_port();
    let p = port.to_string();
    let child = start_sniff(&["--port", &p, "--json", "--save", pcap.to_str().unwrap()]);
    talk(port);
    std::thread::sleep(Duration::from_millis(300));
    // SAFETY: signalling our own child.
    unsafe {
        libc::kill(child.id() as i32, libc::SIGINT);
    }
    let steps = finish(child);
    assert!(steps.len() >= 9, "{}", steps.len());
    let frames = synack::pcap::CaptureReader::open(&pcap)
        .expect("the capture was finished")
        .count();
    assert_eq!(frames, steps.len());
    // No temporary file left behind.
    let left: Vec<_> = std::fs::read_dir(&dir).unwrap().collect();
    assert_eq!(left.len(), 1);
    let _ = std::fs::remove_dir_all(&dir);
}

fn have(tool: &str) -> bool {
    Command::new("sh")
        .args(["-c", &format!("command -v {tool}")])
        .output()
        .is_ok_and(|o| o.status.success())
}

/// Segments of each kind in the NDJSON `sniff` printed, counted as the
/// lines come (the output of a flood is too long to hold in a test).
#[derive(Default, Debug)]
struct Counts {
    lines: u64,
    syn: u64,
    syn_ack: u64,
    rst: u64,
    other_port: u64,
}

/// 20 000 loopback connections to one port as fast as they can be made,
/// each opened (SYN, SYN/ACK, ACK) and aborted by the client (RST), while
/// `synack sniff --port P --json` runs with its address space capped
/// (`prlimit --as`) and a kill timer (`timeout`). Every segment must come
/// out, and SIGINT must end it at once. Before the sniffer read through a
/// ring with a kernel filter and forgot finished connections, it fell
/// behind quadratically, lost segments and took half a minute to stop.
#[test]
fn a_connection_flood_is_followed_segment_by_segment_and_ctrl_c_stops_it() {
    if !can_sniff() {
        return;
    }
    if !have("prlimit") || !have("timeout") {
        eprintln!("SKIP: needs prlimit and timeout (util-linux, coreutils)");
        return;
    }
    const CONNS: u64 = 20_000;
    // Address space, not resident memory: a 32 MiB ring, thread stacks and
    // malloc's per-thread arenas count (about 175 MB at the start of a
    // debug build), so the cap is roomy; what it catches is memory that
    // grows with the number of segments.
    const AS_LIMIT: &str = "300000000";
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let mut child = Command::new("timeout")
        .args(["-s", "KILL", "180", "prlimit"])
        .arg(format!("--as={AS_LIMIT}"))
        .arg(env!("CARGO_BIN_EXE_synack"))
        .args(["sniff", "--port", &port.to_string(), "--json"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start timeout prlimit synack sniff");
    let mut err = BufReader::new(child.stderr.take().unwrap());
    let mut line = String::new();
    err.read_line(&mut line).unwrap();
    assert!(line.contains("capturing"), "sniff did not start: {line}");
    let stderr = std::thread::spawn(move || {
        let mut rest = String::new();
        let _ = err.read_to_string(&mut rest);
        rest
    });
    let counts = std::sync::Arc::new(std::sync::Mutex::new(Counts::default()));
    let reader = {
        let counts = counts.clone();
        let out = child.stdout.take().unwrap();
        let p = port.to_string();
        std::thread::spawn(move || {
            for line in BufReader::new(out).lines() {
                let Ok(line) = line else { break };
                let mut c = counts.lock().unwrap();
                c.lines += 1;
                if line.contains(r#""flags":["SYN"]"#) {
                    c.syn += 1;
                } else if line.contains(r#""flags":["SYN","ACK"]"#) {
                    c.syn_ack += 1;
                } else if line.contains(r#""flags":["RST""#) {
                    c.rst += 1;
                }
                if !line.contains(&format!(r#""sport":{p},"#))
                    && !line.contains(&format!(r#""dport":{p},"#))
                {
                    c.other_port += 1;
                }
            }
        })
    };

    // The load, bounded in count and in time; one connection at a time, so
    // that each is exactly SYN, SYN/ACK, ACK, RST (the server end is
    // aborted too, after the client's RST, so it sends nothing or a RST).
    let start = std::time::Instant::now();
    let mut made = 0u64;
    while made < CONNS && start.elapsed() < Duration::from_secs(90) {
        let c = TcpStream::connect(("127.0.0.1", port)).unwrap();
        let (s, _) = listener.accept().unwrap();
        let _ = socket2::SockRef::from(&c).set_linger(Some(Duration::ZERO));
        drop(c);
        let _ = socket2::SockRef::from(&s).set_linger(Some(Duration::ZERO));
        drop(s);
        made += 1;
    }
    assert!(made >= CONNS / 4, "only {made} connections were made");

    // Wait (bounded) for every segment to be printed, then Ctrl-C.
    let want = 4 * made;
    let waited = std::time::Instant::now();
    while counts.lock().unwrap().lines < want && waited.elapsed() < Duration::from_secs(60) {
        std::thread::sleep(Duration::from_millis(100));
    }
    // SAFETY: signalling our own child (`timeout`, which passes it on).
    unsafe {
        libc::kill(child.id() as i32, libc::SIGINT);
    }
    let signalled = std::time::Instant::now();
    let status = loop {
        if let Some(st) = child.try_wait().unwrap() {
            break Some(st);
        }
        if signalled.elapsed() > Duration::from_secs(10) {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    reader.join().unwrap();
    let stderr = stderr.join().unwrap();
    let c = counts.lock().unwrap();
    assert!(
        status.is_some(),
        "sniff did not stop within 10 s of SIGINT; {c:?}; stderr: {stderr}"
    );
    assert!(
        status.unwrap().success(),
        "sniff failed ({status:?}); {c:?}; stderr: {stderr}"
    );
    assert_eq!(c.other_port, 0, "segments of another port: {c:?}");
    assert_eq!(c.syn, made, "every SYN: {c:?}; stderr: {stderr}");
    assert_eq!(c.syn_ack, made, "every SYN/ACK: {c:?}; stderr: {stderr}");
    // The server end may send a RST of its own if the client's had not
    // been taken in yet when it was closed.
    assert!(c.rst >= made, "every RST: {c:?}; stderr: {stderr}");
    assert!(c.lines >= want, "4 segments per connection: {c:?}");
    assert!(!stderr.contains("dropped"), "{stderr}");
}

#[test]
fn sniff_plain_speaks_chinese() {
    if !can_sniff() {
        return;
    }
    let port = free_port();
    let p = port.to_string();
    let child = start_sniff(&[
        "--port",
        &p,
        "--plain",
        "--lang",
        "zh",
        "--count",
        "9",
        "--duration",
        "20",
    ]);
    talk(port);
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "sniff failed");
    let text = String::from_utf8_lossy(&out.stdout);
    let rows: Vec<&str> = text.lines().filter(|l| l.starts_with('#')).collect();
    assert_eq!(rows.len(), 9, "{text}");
    for l in rows {
        assert!(l.contains("客户端 ") && l.contains("/ 服务端 "), "{l}");
        assert!(!l.contains("client") && !l.contains("server"), "{l}");
    }
    assert!(text.contains("客户端：connect()"), "{text}");
    // The closing count line too.
    let last = text.lines().last().unwrap_or_default();
    assert!(last.contains("端口 ") && !last.contains("port"), "{last}");
}
