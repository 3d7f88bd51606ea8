//! `synack sniff` with the kernel's tracepoints: a real connection on
//! 127.0.0.1, and every segment step carries the kernel's states. Root
//! only (CI is root, tracefs mountable); elsewhere the tests say why they
//! skip.

use serde_json::Value;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, ChildStderr, Command, Stdio};
use std::time::Duration;

fn can_trace() -> bool {
    if synack::source::kernel::sniffer::RawSocket::open("lo").is_err() {
        eprintln!("SKIP: needs CAP_NET_RAW (run as root)");
        return false;
    }
    let found = ["/sys/kernel/tracing", "/sys/kernel/debug/tracing"]
        .iter()
        .any(|p| std::path::Path::new(p).join("instances").is_dir());
    if !found
        && Command::new("mount")
            .args(["-t", "tracefs", "nodev", "/sys/kernel/tracing"])
            .status()
            .map_or(true, |s| !s.success())
    {
        eprintln!("SKIP: tracefs is not mounted and cannot be mounted");
        return false;
    }
    true
}

fn start_sniff(port: u16, count: u32, no_trace: bool) -> (Child, BufReader<ChildStderr>) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_synack"));
    cmd.args(["sniff", "--port", &port.to_string(), "--json", "--count"])
        .arg(count.to_string())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if no_trace {
        cmd.env("SYNACK_NO_TRACEFS", "1");
    }
    let mut child = cmd.spawn().expect("start synack sniff");
    let mut err = BufReader::new(child.stderr.take().unwrap());
    let mut line = String::new();
    err.read_line(&mut line).unwrap();
    assert!(line.contains("capturing"), "sniff did not start: {line}");
    (child, err)
}

/// hello, then the client closes first: S, S., ., P., ., F., ., F., .
fn talk(listener: TcpListener) {
    let port = listener.local_addr().unwrap().port();
    let mut c = TcpStream::connect(("127.0.0.1", port)).unwrap();
    let (mut s, _) = listener.accept().unwrap();
    c.write_all(b"hello").unwrap();
    let mut buf = [0u8; 16];
    assert_eq!(s.read(&mut buf).unwrap(), 5);
    std::thread::sleep(Duration::from_millis(50));
    drop(c);
    assert_eq!(s.read(&mut buf).unwrap(), 0);
    std::thread::sleep(Duration::from_millis(250));
    drop(s);
}

fn run(no_trace: bool) -> (Vec<Value>, String) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let (child, mut err) = start_sniff(port, 9, no_trace);
    // The tracer's note, if any, is written before the first segment.
    std::thread::sleep(Duration::from_millis(200));
    talk(listener);
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "sniff failed");
    let mut rest = String::new();
    err.read_to_string(&mut rest).unwrap();
    let steps = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("NDJSON"))
        .collect();
    (steps, rest)
}

fn flags(s: &Value) -> String {
    let f: Vec<&str> = s["flags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f.as_str().unwrap())
        .collect();
    f.join(",")
}

fn transitions(s: &Value) -> Vec<(String, String, String)> {
    s["kernel_transitions"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|t| {
                    (
                        t["side"].as_str().unwrap().to_string(),
                        t["from"].as_str().unwrap_or("null").to_string(),
                        t["to"].as_str().unwrap_or("null").to_string(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn every_segment_step_carries_the_kernels_states() {
    if !can_trace() {
        return;
    }
    let (steps, err) = run(false);
    if err.contains("tracefs is not available") {
        eprintln!("SKIP: {}", err.trim());
        return;
    }
    assert_eq!(steps.len(), 9, "{steps:#?}");
    for s in &steps {
        assert!(s["kernel_state"].is_object(), "no kernel_state: {s}");
        assert!(
            s["kernel_transitions"].is_array(),
            "no kernel_transitions: {s}"
        );
        // Agrees with the inferred states, or says why not.
        if s["kernel_state"] != s["state"] {
            let note = s["kernel_note"]
                .as_str()
                .unwrap_or_else(|| panic!("differs without a note: {s}"));
            assert!(!note.starts_with("unexplained"), "{s}");
        }
    }
    let syn = &steps[0];
    assert_eq!(flags(syn), "SYN");
    assert!(
        transitions(syn).contains(&("client".into(), "CLOSED".into(), "SYN_SENT".into())),
        "{syn}"
    );
    // The listener stays in LISTEN while a request socket holds the handshake.
    assert_eq!(syn["kernel_state"]["server"], "LISTEN", "{syn}");
    let synack = &steps[1];
    assert_eq!(flags(synack), "SYN,ACK");
    assert!(
        transitions(synack).contains(&("client".into(), "SYN_SENT".into(), "ESTABLISHED".into())),
        "{synack}"
    );
    // The server's connection socket appears on the third segment.
    let ack = &steps[2];
    assert_eq!(flags(ack), "ACK");
    let t = transitions(ack);
    assert!(
        t.iter()
            .any(|(side, _, to)| side == "server" && to == "ESTABLISHED"),
        "{ack}"
    );
    assert_eq!(ack["kernel_state"]["server"], "ESTABLISHED", "{ack}");
    // The client's close() belongs to its FIN.
    let fin = &steps[5];
    assert_eq!(flags(fin), "FIN,ACK");
    assert!(
        transitions(fin).contains(&("client".into(), "ESTABLISHED".into(), "FIN_WAIT_1".into())),
        "{fin}"
    );
    let last = steps.last().unwrap();
    assert_eq!(last["kernel_state"]["server"], "CLOSED", "{last}");
}

#[test]
fn without_tracefs_there_are_no_kernel_fields_and_one_note() {
    if synack::source::kernel::sniffer::RawSocket::open("lo").is_err() {
        eprintln!("SKIP: needs CAP_NET_RAW (run as root)");
        return;
    }
    let (steps, err) = run(true);
    assert_eq!(steps.len(), 9);
    for s in &steps {
        assert!(s.get("kernel_state").is_none(), "{s}");
        assert!(s.get("kernel_transitions").is_none(), "{s}");
    }
    assert_eq!(err.matches("tracefs is not available").count(), 1, "{err}");
}
