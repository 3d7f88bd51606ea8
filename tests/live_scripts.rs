//! The live lab's application scripts (`http`, `http --keep-alive`,
//! `websocket`) for real, on loopback, as root (CI is root); elsewhere each
//! test prints why it skips. For each: the calls in order, the flags, the
//! L7 labels, who ends in TIME_WAIT, the kernel's states against the
//! inferred ones, and the saved capture read back (by synack, and by
//! tshark where it is installed).

use serde_json::Value;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::Duration;

fn can_sniff() -> bool {
    if synack::source::kernel::sniffer::RawSocket::open("lo").is_ok() {
        return true;
    }
    eprintln!("SKIP: needs CAP_NET_RAW (run as root)");
    false
}

fn synack(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_synack"))
        .args(args)
        .output()
        .expect("run synack")
}

fn tmp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("synack-scripts-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn ndjson(o: &Output) -> Vec<Value> {
    assert!(
        o.status.success(),
        "synack failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("one JSON object per line"))
        .collect()
}

/// tcpdump-style flags: "S", "S.", ".", "P.", "F.", "R.".
fn short_flags(s: &Value) -> String {
    let names: Vec<&str> = s["flags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f.as_str().unwrap())
        .collect();
    let mut out = String::new();
    for (name, c) in [("SYN", 'S'), ("FIN", 'F'), ("RST", 'R'), ("PSH", 'P')] {
        if names.contains(&name) {
            out.push(c);
        }
    }
    if names.contains(&"ACK") {
        out.push('.');
    }
    out
}

/// `side call` of every call step, as "s listen()".
fn calls(steps: &[Value]) -> Vec<String> {
    steps
        .iter()
        .filter(|s| s["kind"] == "call")
        .map(|s| {
            format!(
                "{} {}",
                &s["side"].as_str().unwrap()[..1],
                s["call"].as_str().unwrap()
            )
        })
        .collect()
}

fn segments(steps: &[Value]) -> Vec<&Value> {
    steps.iter().filter(|s| s["kind"] == "segment").collect()
}

/// "c GET / HTTP/1.1": the sender and the label of each labelled segment.
fn labels(steps: &[Value]) -> Vec<String> {
    segments(steps)
        .iter()
        .filter_map(|s| {
            let l7 = s.get("l7")?;
            let summary = l7["summary"].as_str().unwrap();
            let label = match l7["protocol"].as_str().unwrap() {
                "websocket" => format!("WS {summary}"),
                _ => summary.to_string(),
            };
            Some(format!("{} {label}", &s["side"].as_str().unwrap()[..1]))
        })
        .collect()
}

fn run(script: &str, extra: &[&str]) -> (Vec<Value>, PathBuf) {
    let dir = tmp(&format!("{script}{}", extra.join("")));
    let pcap = dir.join("lab.pcap");
    let mut args = vec![
        "live",
        "--auto",
        "--json",
        "--script",
        script,
        "--save",
        pcap.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    (ndjson(&synack(&args)), pcap)
}

/// What every script must show: the calls, the flags, the labels, each
/// data segment attributed to its write(), the kernel agreeing (or saying
/// why not), the final states, and the capture telling the same story.
fn check(
    steps: &[Value],
    pcap: &Path,
    want_calls: &[&str],
    want_flags: &[&str],
    want_labels: &[&str],
    time_wait: &str,
) {
    assert_eq!(calls(steps), want_calls, "the calls in order");
    let segs = segments(steps);
    let flags: Vec<String> = segs.iter().map(|s| short_flags(s)).collect();
    assert_eq!(flags, want_flags, "flags");
    assert_eq!(labels(steps), want_labels, "L7 labels");
    for s in &segs {
        assert_eq!(s["stream"], 0, "one connection: {s}");
        if short_flags(s) == "P." {
            assert_eq!(s["call"], "write()", "{s}");
            assert!(s.get("l7").is_some(), "every data segment is labelled: {s}");
        }
    }
    // Every read returns what it should: data, then 0 once, after the FIN.
    let reads: Vec<&Value> = steps
        .iter()
        .filter(|s| s["kind"] == "call" && s["call"] == "read()")
        .collect();
    assert!(
        reads
            .iter()
            .all(|r| r["result"].is_u64() && r["result"] != "EPROTO"),
        "{reads:?}"
    );
    assert_eq!(
        reads.iter().filter(|r| r["result"] == 0).count(),
        1,
        "one EOF"
    );
    // Bytes written on one side are the bytes read on the other.
    for side in ["client", "server"] {
        let other = if side == "client" { "server" } else { "client" };
        let sum = |who: &str, call: &str| -> u64 {
            steps
                .iter()
                .filter(|s| s["kind"] == "call" && s["side"] == who && s["call"] == call)
                .filter_map(|s| s["result"].as_u64())
                .sum()
        };
        assert_eq!(
            sum(side, "write()"),
            sum(other, "read()"),
            "{side} → {other}"
        );
    }
    let traced = steps.iter().any(|s| s.get("kernel_transitions").is_some());
    for (i, s) in steps.iter().enumerate() {
        if let Some(k) = s.get("kernel_state")
            && s.get("kernel_note").is_none()
        {
            assert_eq!(k, &s["state"], "step {}: kernel vs inferred", i + 1);
        }
        if traced {
            assert!(
                s.get("kernel_state").is_some(),
                "step {}: no kernel state",
                i + 1
            );
        }
    }
    let last = steps.last().unwrap();
    let (tw, closed) = if time_wait == "client" {
        ("client", "server")
    } else {
        ("server", "client")
    };
    assert_eq!(last["state"][tw], "TIME_WAIT", "{last}");
    assert_eq!(last["state"][closed], "CLOSED", "{last}");
    assert_eq!(
        last["kernel_state"][tw], "TIME_WAIT",
        "the kernel agrees: {last}"
    );
    assert_eq!(last["kernel_state"][closed], "CLOSED", "{last}");

    let back = ndjson(&synack(&["inspect", pcap.to_str().unwrap(), "--json"]));
    let back_flags: Vec<String> = segments(&back).iter().map(|s| short_flags(s)).collect();
    assert_eq!(back_flags, want_flags, "the saved capture's flags");
    assert_eq!(labels(&back), want_labels, "the saved capture's labels");
}

const HANDSHAKE: [&str; 3] = ["S", "S.", "."];

/// The handshake, each write's segment and its ACK, then the four-way close.
fn flags_for(data_segments: usize) -> Vec<&'static str> {
    let mut f = HANDSHAKE.to_vec();
    for _ in 0..data_segments {
        f.extend(["P.", "."]);
    }
    f.extend(["F.", ".", "F.", "."]);
    f
}

/// tshark's reading of `pcap` with the lab's server port decoded as HTTP
/// (the port is random); `None` (and a SKIP line) without tshark.
fn tshark(pcap: &Path, port: u64, fields: &[&str]) -> Option<Vec<Vec<String>>> {
    let mut args: Vec<String> = vec![
        "-r".into(),
        pcap.to_str().unwrap().into(),
        "-d".into(),
        format!("tcp.port=={port},http"),
        "-T".into(),
        "fields".into(),
        "-E".into(),
        "separator=|".into(),
    ];
    for f in fields {
        args.push("-e".into());
        args.push((*f).into());
    }
    let o = match Command::new("tshark").args(&args).output() {
        Ok(o) => o,
        Err(e) => {
            eprintln!("SKIP: the tshark checks: cannot run tshark: {e}");
            return None;
        }
    };
    assert!(
        o.status.success(),
        "tshark: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    Some(
        String::from_utf8_lossy(&o.stdout)
            .lines()
            .map(|l| l.split('|').map(str::to_string).collect())
            .filter(|r: &Vec<String>| r.iter().any(|c| !c.is_empty()))
            .collect(),
    )
}

fn server_port(steps: &[Value]) -> u64 {
    segments(steps)[0]["dport"].as_u64().unwrap()
}

#[test]
fn http_script() {
    if !can_sniff() {
        return;
    }
    let (steps, pcap) = run("http", &[]);
    check(
        &steps,
        &pcap,
        &[
            "s listen()",
            "c connect()",
            "s accept()",
            "c write()",
            "s read()",
            "s write()",
            "s close()",
            "c read()",
            "c read()",
            "c close()",
        ],
        &flags_for(2),
        &["c GET / HTTP/1.1", "s 200 OK"],
        "server",
    );
    // The server's FIN comes first.
    let fins: Vec<&str> = segments(&steps)
        .iter()
        .filter(|s| short_flags(s) == "F.")
        .map(|s| s["side"].as_str().unwrap())
        .collect();
    assert_eq!(fins, ["server", "client"]);
    if let Some(rows) = tshark(
        &pcap,
        server_port(&steps),
        &[
            "http.request.line",
            "http.response.code",
            "http.content_length_header",
            "http.connection",
            "http.file_data",
        ],
    ) {
        assert_eq!(rows.len(), 2, "{rows:?}");
        // tshark prints CR and LF as `\r` and `\n`.
        assert!(rows[0][0].contains("User-Agent: synack\\r\\n"), "{rows:?}");
        assert!(rows[0][0].contains("Connection: close\\r\\n"), "{rows:?}");
        assert_eq!(rows[1][1], "200");
        assert_eq!(rows[1][3], "close");
        let body = rows[1][4].replace("\\n", "\n");
        assert_eq!(body, "hello from /\n", "{rows:?}");
        assert_eq!(
            rows[1][2],
            body.len().to_string(),
            "Content-Length is the body's length"
        );
    }
    let _ = std::fs::remove_dir_all(pcap.parent().unwrap());
}

#[test]
fn http_keep_alive_script() {
    if !can_sniff() {
        return;
    }
    let (steps, pcap) = run("http", &["--keep-alive"]);
    check(
        &steps,
        &pcap,
        &[
            "s listen()",
            "c connect()",
            "s accept()",
            "c write()",
            "s read()",
            "s write()",
            "c read()",
            "c write()",
            "s read()",
            "s write()",
            "c read()",
            "c close()",
            "s read()",
            "s close()",
        ],
        &flags_for(4),
        &[
            "c GET /one HTTP/1.1",
            "s 200 OK",
            "c GET /two HTTP/1.1",
            "s 200 OK",
        ],
        "client",
    );
    if let Some(rows) = tshark(
        &pcap,
        server_port(&steps),
        &["http.request.uri", "http.connection", "http.file_data"],
    ) {
        let uris: Vec<&str> = rows
            .iter()
            .map(|r| r[0].as_str())
            .filter(|u| !u.is_empty())
            .collect();
        assert_eq!(uris, ["/one", "/two"], "{rows:?}");
        assert!(
            rows.iter().all(|r| r[1].is_empty()),
            "no Connection header: {rows:?}"
        );
        let bodies: Vec<&str> = rows
            .iter()
            .map(|r| r[2].as_str())
            .filter(|b| !b.is_empty())
            .collect();
        assert_eq!(bodies.len(), 2, "{rows:?}");
        assert!(bodies[1].contains("/two"), "{rows:?}");
    }
    let _ = std::fs::remove_dir_all(pcap.parent().unwrap());
}

/// base64(SHA-1(key + GUID)), computed apart from synack: by Python's
/// hashlib where python3 is, else by the sha1 and base64 crates.
fn accept_of(key: &str) -> String {
    const GUID: &str = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    let py = Command::new("python3")
        .args([
            "-c",
            "import base64,hashlib,sys;print(base64.b64encode(hashlib.sha1((sys.argv[1]+sys.argv[2]).encode()).digest()).decode())",
            key,
            GUID,
        ])
        .output();
    if let Ok(o) = py
        && o.status.success()
    {
        return String::from_utf8_lossy(&o.stdout).trim().to_string();
    }
    use base64::Engine;
    use sha1::Digest;
    let digest = sha1::Sha1::digest(format!("{key}{GUID}").as_bytes());
    base64::engine::general_purpose::STANDARD.encode(digest)
}

#[test]
fn the_independent_accept_computation_is_right() {
    // RFC 6455 §1.3's own example keeps the test's reference honest.
    assert_eq!(
        accept_of("dGhlIHNhbXBsZSBub25jZQ=="),
        "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="
    );
}

#[test]
fn websocket_script() {
    if !can_sniff() {
        return;
    }
    let (steps, pcap) = run("websocket", &[]);
    check(
        &steps,
        &pcap,
        &[
            "s listen()",
            "c connect()",
            "s accept()",
            "c write()",
            "s read()",
            "s write()",
            "c read()",
            "c write()",
            "s read()",
            "s write()",
            "c read()",
            "c write()",
            "s read()",
            "s write()",
            "s close()",
            "c read()",
            "c read()",
            "c close()",
        ],
        &flags_for(6),
        &[
            "c GET /chat HTTP/1.1",
            "s 101 Switching Protocols",
            "c WS text \"hi\"",
            "s WS text \"hi yourself\"",
            "c WS close 1000",
            "s WS close 1000",
        ],
        "server",
    );
    let Some(rows) = tshark(
        &pcap,
        server_port(&steps),
        &[
            "http.sec_websocket_key",
            "http.sec_websocket_accept",
            "websocket.opcode",
            "websocket.mask",
        ],
    ) else {
        return;
    };
    let key = rows.iter().find(|r| !r[0].is_empty()).expect("a key")[0].clone();
    let accept = rows.iter().find(|r| !r[1].is_empty()).expect("an accept")[1].clone();
    assert_eq!(
        base64::Engine::decode(&base64::engine::general_purpose::STANDARD, &key)
            .unwrap()
            .len(),
        16,
        "a 16-byte key: {key}"
    );
    assert_eq!(accept, accept_of(&key), "Sec-WebSocket-Accept for {key}");
    // The frames: the client's masked, the server's not (RFC 6455 §5.1).
    let frames: Vec<(String, String)> = rows
        .iter()
        .filter(|r| !r[2].is_empty())
        .map(|r| (r[2].clone(), r[3].clone()))
        .collect();
    let want = [("1", "1"), ("1", "0"), ("8", "1"), ("8", "0")];
    let got: Vec<(&str, &str)> = frames
        .iter()
        .map(|(o, m)| (o.as_str(), m.as_str()))
        .collect();
    let norm = |m: &str| if m == "True" || m == "1" { "1" } else { "0" };
    let got: Vec<(&str, &str)> = got.iter().map(|(o, m)| (*o, norm(m))).collect();
    assert_eq!(got, want, "opcodes and masks: {rows:?}");
    let _ = std::fs::remove_dir_all(pcap.parent().unwrap());
}

#[test]
fn keep_alive_is_refused_without_the_http_script() {
    for script in ["default", "websocket"] {
        let o = synack(&[
            "live",
            "--script",
            script,
            "--keep-alive",
            "--auto",
            "--json",
        ]);
        assert_eq!(o.status.code(), Some(1), "{script}");
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(err.lines().count(), 1, "one line: {err}");
        assert!(
            err.starts_with("synack: error: --keep-alive only means something with --script http"),
            "{err}"
        );
        assert!(o.stdout.is_empty());
    }
}

#[test]
fn the_list_names_both_scripts_and_the_flag() {
    let o = synack(&["live", "--list"]);
    assert!(o.status.success());
    let text = String::from_utf8_lossy(&o.stdout);
    let line = |name: &str| {
        text.lines()
            .find(|l| l.split_whitespace().next() == Some(name))
            .unwrap_or_else(|| panic!("{name} in --list:\n{text}"))
            .to_string()
    };
    assert!(line("http").contains("the server waits in TIME_WAIT"));
    assert!(line("http").contains("--keep-alive"));
    assert!(line("websocket").contains("Sec-WebSocket-Accept"));
    let zh =
        String::from_utf8_lossy(&synack(&["live", "--list", "--lang", "zh"]).stdout).to_string();
    assert!(zh.contains("在 TIME_WAIT 中等待的是服务端"), "{zh}");
}

/// The plain interactive lab (`SYNACK_PLAIN_LAB=1` on a terminal), driven
/// through `script(1)`'s pseudo-terminal one Enter at a time: the hints say
/// who closes first and so who waits in TIME_WAIT, in either language.
fn interactive(args: &str, presses: usize) -> Option<String> {
    if Command::new("script").arg("--version").output().is_err() {
        eprintln!("SKIP: the interactive check needs script(1) (util-linux)");
        return None;
    }
    let cmd = format!("{} live {args}", env!("CARGO_BIN_EXE_synack"));
    let mut child = Command::new("script")
        .args(["-qec", &cmd, "/dev/null"])
        .env("SYNACK_PLAIN_LAB", "1")
        .env("TERM", "dumb")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run script(1)");
    let mut stdin = child.stdin.take().unwrap();
    // One line at a time: the lab polls the terminal between lines.
    for _ in 0..=presses {
        std::thread::sleep(Duration::from_millis(600));
        if stdin.write_all(b"\n").is_err() {
            break;
        }
    }
    drop(stdin);
    let o = child.wait_with_output().unwrap();
    Some(String::from_utf8_lossy(&o.stdout).replace('\r', ""))
}

#[test]
fn the_interactive_hints_say_who_waits_in_time_wait() {
    if !can_sniff() {
        return;
    }
    let Some(text) = interactive("--script http", 10) else {
        return;
    };
    assert!(
        text.contains("next call (7 of 10): server: close() first: FIN →, ← ACK; with `Connection: close` the server ends the connection once its response is written, so the server, not the client, waits in TIME_WAIT"),
        "{text}"
    );
    assert!(text.contains("`GET / HTTP/1.1`"), "{text}");
    assert!(text.contains("The script is done."), "{text}");
    let Some(zh) = interactive("--script http --keep-alive --lang zh", 14) else {
        return;
    };
    assert!(
        zh.contains("客户端：先 close()：FIN →，← ACK；HTTP/1.1 在每次响应后保持连接；客户端用完后先关闭，所以在 TIME_WAIT 中等待的是客户端"),
        "{zh}"
    );
}
