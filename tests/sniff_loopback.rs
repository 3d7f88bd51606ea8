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
    if synack::live::sniffer::RawSocket::open("lo").is_ok() {
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
