//! The live lab's application scripts (`http`, `http --keep-alive`,
//! `websocket`) for real, on loopback, as root (CI is root); elsewhere each
//! test prints why it skips. For each: the calls in order, the flags, the
//! L7 labels, who ends in TIME_WAIT, the kernel's states against the
//! inferred ones, and the saved capture read back (by synack, and by
//! tshark where it is installed).

use serde_json::Value;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

#[path = "common/live.rs"]
mod live;
use live::{can_sniff, ndjson, short_flags, synack};

fn tmp(name: &str) -> PathBuf {
    live::tmp("scripts", name)
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

/// The payloads of a saved capture by stream, as tshark reads them:
/// (stream, from the server?, text), for TCP (`udp`: false) or UDP.
fn payloads(pcap: &Path, server_port: u64, udp: bool) -> Option<Vec<(u64, bool, String)>> {
    let proto = if udp { "udp" } else { "tcp" };
    let fields = [
        format!("{proto}.stream"),
        format!("{proto}.srcport"),
        format!("{proto}.payload"),
    ];
    let o = match Command::new("tshark")
        .args([
            "-r",
            pcap.to_str().unwrap(),
            "-T",
            "fields",
            "-E",
            "separator=|",
        ])
        .args(fields.iter().flat_map(|f| ["-e", f.as_str()]))
        .output()
    {
        Ok(o) => o,
        Err(e) => {
            eprintln!("SKIP: the tshark checks: cannot run tshark: {e}");
            return None;
        }
    };
    assert!(o.status.success(), "tshark failed on {}", pcap.display());
    let hex = |h: &str| -> String {
        let bytes: Vec<u8> = (0..h.len() / 2)
            .map(|i| u8::from_str_radix(&h[2 * i..2 * i + 2], 16).unwrap())
            .collect();
        String::from_utf8_lossy(&bytes).into_owned()
    };
    Some(
        String::from_utf8_lossy(&o.stdout)
            .lines()
            .filter_map(|l| {
                let mut f = l.split('|');
                let stream: u64 = f.next()?.parse().ok()?;
                let from_server = f.next()?.parse::<u64>().ok()? == server_port;
                let payload = f.next().filter(|p| !p.is_empty())?;
                Some((stream, from_server, hex(&payload.replace(':', ""))))
            })
            .collect(),
    )
}

#[test]
fn udp_script() {
    if !can_sniff() {
        return;
    }
    let (steps, pcap) = run("udp", &[]);
    assert_eq!(
        calls(&steps),
        [
            "c sendto()",
            "s recvfrom()",
            "s sendto()",
            "c recvfrom()",
            "s close()",
            "c sendto()",
            "c close()"
        ]
    );
    // No TCP at all: no segment, no state, no kernel state.
    assert!(segments(&steps).is_empty(), "no TCP segment");
    for s in &steps {
        assert!(s["state"].is_null() && s["state_before"].is_null(), "{s}");
        assert!(s.get("kernel_state").is_none(), "{s}");
    }
    let grams: Vec<&Value> = steps.iter().filter(|s| s["kind"] == "datagram").collect();
    let seen: Vec<(String, u64)> = grams
        .iter()
        .map(|d| {
            assert_eq!(d["protocol"], "udp");
            (
                d["side"].as_str().unwrap().to_string(),
                d["len"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        seen,
        [
            ("client".to_string(), 4),
            ("server".to_string(), 4),
            ("client".to_string(), 13)
        ],
        "a datagram each way, then the one nobody receives"
    );
    // Each recvfrom() takes one whole datagram.
    let received: Vec<u64> = steps
        .iter()
        .filter(|s| s["call"] == "recvfrom()" && s["kind"] == "call")
        .map(|s| s["result"].as_u64().unwrap())
        .collect();
    assert_eq!(received, [4, 4]);
    // The last one is gone, and the step says why; the others arrive
    // (Node's 'message' on the receiver).
    let gone = |d: &Value| {
        d["explanation"]
            .as_str()
            .unwrap()
            .contains("port unreachable")
    };
    assert!(gone(grams[2]), "{}", grams[2]);
    assert!(grams[2]["node_event"]["server"].is_null(), "{}", grams[2]);
    for d in &grams[..2] {
        assert!(!gone(d), "{d}");
        let receiver = if d["side"] == "client" {
            "server"
        } else {
            "client"
        };
        assert_eq!(d["node_event"][receiver], "'message'", "{d}");
    }
    // The capture holds the three datagrams and nothing else of the lab.
    let back = ndjson(&synack(&["inspect", pcap.to_str().unwrap(), "--json"]));
    let lens: Vec<u64> = back
        .iter()
        .filter(|s| s["kind"] == "datagram")
        .map(|s| s["len"].as_u64().unwrap())
        .collect();
    assert_eq!(lens, [4, 4, 13]);
    let port = grams[0]["dport"].as_u64().unwrap();
    if let Some(p) = payloads(&pcap, port, true) {
        let texts: Vec<(u64, bool, &str)> =
            p.iter().map(|(s, f, t)| (*s, *f, t.as_str())).collect();
        assert_eq!(
            texts,
            [
                (0, false, "ping"),
                (0, true, "pong"),
                (0, false, "anyone there?")
            ]
        );
    }
    // Saved as pcapng, each datagram's comment names the call that sent it,
    // and the last one says it was dropped.
    let dir = tmp("udp-pcapng");
    let ng = dir.join("lab.pcapng");
    let o = synack(&[
        "live",
        "--auto",
        "--plain",
        "--script",
        "udp",
        "--save",
        ng.to_str().unwrap(),
    ]);
    assert!(o.status.success());
    match Command::new("tshark")
        .args([
            "-r",
            ng.to_str().unwrap(),
            "-T",
            "fields",
            "-e",
            "frame.comment",
        ])
        .output()
    {
        Ok(t) => {
            let text = String::from_utf8_lossy(&t.stdout);
            let c: Vec<&str> = text.lines().collect();
            assert_eq!(c.len(), 3, "{text}");
            assert!(
                c[0].starts_with("caused by the client's sendto()"),
                "{text}"
            );
            assert!(
                c[1].starts_with("caused by the server's sendto()"),
                "{text}"
            );
            assert!(c[2].contains("dropped by the receiving kernel"), "{text}");
        }
        Err(e) => eprintln!("SKIP (the comments): cannot run tshark: {e}"),
    }
}

#[test]
fn chat_script() {
    if !can_sniff() {
        return;
    }
    let (steps, pcap) = run("chat", &[]);
    let c = calls(&steps);
    assert_eq!(c.len(), 34, "{c:?}");
    assert_eq!(
        c[..7],
        [
            "s listen()",
            "c connect()",
            "s accept()",
            "c connect()",
            "s accept()",
            "c connect()",
            "s accept()"
        ]
    );
    // Three connections to one server port, from three client ports.
    let segs = segments(&steps);
    let port = server_port(&steps);
    let mut clients = std::collections::BTreeMap::new();
    for s in &segs {
        let (server, client) = if s["side"] == "client" {
            (s["dport"].as_u64().unwrap(), s["sport"].as_u64().unwrap())
        } else {
            (s["sport"].as_u64().unwrap(), s["dport"].as_u64().unwrap())
        };
        assert_eq!(server, port, "{s}");
        assert_eq!(
            *clients
                .entry(s["stream"].as_u64().unwrap())
                .or_insert(client),
            client
        );
    }
    assert_eq!(clients.len(), 3, "three connections");
    assert_eq!(
        clients
            .values()
            .collect::<std::collections::BTreeSet<_>>()
            .len(),
        3,
        "three client ports"
    );
    // Each connection: a handshake and a four-way close begun by the
    // client, which ends in TIME_WAIT; the server's end CLOSED.
    for stream in 0..3u64 {
        let own: Vec<&Value> = steps.iter().filter(|s| s["stream"] == stream).collect();
        let flags: Vec<String> = own
            .iter()
            .filter(|s| s["kind"] == "segment")
            .map(|s| short_flags(s))
            .collect();
        assert_eq!(flags[..3], HANDSHAKE, "stream {stream}: {flags:?}");
        assert_eq!(
            flags[flags.len() - 4..],
            ["F.", ".", "F.", "."],
            "stream {stream}"
        );
        let last = own.last().unwrap();
        assert_eq!(last["state"]["client"], "TIME_WAIT", "{last}");
        assert_eq!(last["state"]["server"], "CLOSED", "{last}");
        if let Some(k) = last.get("kernel_state") {
            assert_eq!(k["client"], "TIME_WAIT", "the kernel agrees: {last}");
        }
    }
    for (i, s) in steps.iter().enumerate() {
        if let Some(k) = s.get("kernel_state")
            && s.get("kernel_note").is_none()
        {
            assert_eq!(k, &s["state"], "step {}: kernel vs inferred", i + 1);
        }
    }
    // Every line reaches the two other clients, never its sender: read
    // from the saved capture, independently of synack, by tshark.
    let Some(p) = payloads(&pcap, port, false) else {
        return;
    };
    let lines = [(0u64, "hi all\n"), (1, "hello from 2\n"), (2, "bye\n")];
    for (from, line) in lines {
        assert!(
            p.contains(&(from, false, line.to_string())),
            "{line:?} sent: {p:?}"
        );
        let relay = format!("client {}: {line}", from + 1);
        for to in 0..3u64 {
            let got = p.contains(&(to, true, relay.clone()));
            assert_eq!(got, to != from, "{relay:?} to stream {to}: {p:?}");
        }
    }
    // And each client's read() returned what was relayed to it.
    let read_total: u64 = steps
        .iter()
        .filter(|s| s["kind"] == "call" && s["side"] == "client" && s["call"] == "read()")
        .map(|s| s["result"].as_u64().unwrap())
        .sum();
    let relayed: usize = lines
        .iter()
        .map(|(from, l)| 2 * format!("client {}: {l}", from + 1).len())
        .sum();
    assert_eq!(read_total, relayed as u64);
}

/// "listener: N in the accept queue" of a call step's kernel events.
fn accept_queue(s: &Value) -> Option<u64> {
    s["kernel_events"].as_array()?.iter().find_map(|e| {
        let e = e.as_str()?;
        let rest = e.strip_prefix("listener: ")?;
        rest.split_whitespace().next()?.parse().ok()
    })
}

#[test]
fn backlog_script() {
    if !can_sniff() {
        return;
    }
    let (steps, pcap) = run("backlog", &[]);
    let call_steps: Vec<&Value> = steps.iter().filter(|s| s["kind"] == "call").collect();
    let c = calls(&steps);
    assert_eq!(
        c[..12],
        [
            "s listen()",
            "c connect()",
            "c connect()",
            "c connect()",
            "c connect()",
            "c poll()",
            "s accept()",
            "s accept()",
            "c poll()",
            "c poll()",
            "s accept()",
            "s accept()"
        ]
    );
    // Non-blocking connects: EINPROGRESS, each on its own connection.
    let connects: Vec<&&Value> = call_steps
        .iter()
        .filter(|s| s["call"] == "connect()")
        .collect();
    assert!(
        connects.iter().all(|s| s["result"] == "EINPROGRESS"),
        "{connects:?}"
    );
    let streams: Vec<u64> = connects
        .iter()
        .map(|s| s["stream"].as_u64().unwrap())
        .collect();
    assert_eq!(streams, [0, 1, 2, 3]);
    // The accept queue as the kernel reported it after each call:
    // listen(fd, 1) lets two connections wait; the accepts drain it.
    let queue: Vec<u64> = call_steps
        .iter()
        .map(|s| accept_queue(s).expect("a queue reading after every call"))
        .collect();
    assert_eq!(
        queue[..6],
        [0, 1, 2, 2, 2, 2],
        "listen, two connections queued, then full while two SYNs are dropped"
    );
    // Never more than backlog + 1, and empty at the end. (When a
    // retransmitted SYN lands just after an accept() is timing: not checked.)
    assert!(queue.iter().all(|&n| n <= 2), "{queue:?}");
    assert_eq!(queue[11], 0, "after the fourth accept(): {queue:?}");
    let polls: Vec<&&Value> = call_steps
        .iter()
        .filter(|s| s["call"] == "poll()")
        .collect();
    assert_eq!(
        polls[0]["result"], 0,
        "the first poll() times out: {}",
        polls[0]
    );
    assert_eq!(polls[1]["result"], 1, "{}", polls[1]);
    assert_eq!(polls[2]["result"], 1, "{}", polls[2]);
    // Clients 1 and 2 got an answer to their first SYN; clients 3 and 4
    // sent theirs again (marked as retransmissions) until accept() made
    // room, then got their SYN/ACK.
    for stream in 0..4u64 {
        let syns: Vec<&Value> = segments(&steps)
            .into_iter()
            .filter(|s| s["stream"] == stream && short_flags(s) == "S")
            .collect();
        let answered = segments(&steps)
            .iter()
            .any(|s| s["stream"] == stream && short_flags(s) == "S.");
        assert!(answered, "stream {stream} is answered in the end");
        if stream < 2 {
            assert_eq!(syns.len(), 1, "stream {stream}");
        } else {
            assert!(syns.len() >= 2, "stream {stream}: {} SYNs", syns.len());
            for again in &syns[1..] {
                let marks = again["analysis"].as_array().unwrap();
                assert!(marks.iter().any(|m| m == "retransmission"), "{again}");
            }
        }
    }
    // accept() hands the connections over in the order they were queued.
    let accepted: Vec<u64> = call_steps
        .iter()
        .filter(|s| s["call"] == "accept()")
        .map(|s| s["stream"].as_u64().unwrap())
        .collect();
    assert_eq!(accepted, [0, 1, 2, 3]);
    // With tracefs, the kernel says the listener stayed LISTEN for a
    // dropped SYN, and the step says why the inference differs.
    let dropped = segments(&steps)
        .into_iter()
        .find(|s| s["stream"] == 2 && short_flags(s) == "S")
        .unwrap();
    if let Some(k) = dropped.get("kernel_state") {
        assert_eq!(k["server"], "LISTEN", "{dropped}");
        assert!(
            dropped["kernel_note"]
                .as_str()
                .is_some_and(|n| n.contains("accept queue was full")),
            "{dropped}"
        );
    }
    let back = ndjson(&synack(&["inspect", pcap.to_str().unwrap(), "--json"]));
    assert_eq!(
        segments(&back).len(),
        segments(&steps).len(),
        "the saved capture holds every segment"
    );
}

/// With several connections the plain ladder prints one connection after
/// another and numbers rows as it prints them: the kernel table and the
/// notes below it must use the same numbers.
#[test]
fn the_kernel_table_numbers_rows_as_the_ladder_does() {
    if !can_sniff() {
        return;
    }
    let out = synack(&["live", "--script", "chat", "--auto", "--plain", "--brief"]);
    assert!(out.status.success());
    let out = String::from_utf8(out.stdout).unwrap();
    let (ladder, table) = out
        .split_once("\nkernel states")
        .expect("a kernel table after the ladder");
    let row = |line: &str| -> Option<(usize, String)> {
        let t = line.trim_start();
        let (n, rest) = t.split_once(' ')?;
        Some((n.parse().ok()?, rest.to_string()))
    };
    let rows: std::collections::HashMap<usize, String> = ladder.lines().filter_map(row).collect();
    let mut checked = 0;
    for (n, rest) in table.lines().filter_map(row) {
        for call in ["connect()", "accept()", "close()", "read()", "write()"] {
            if rest.contains(&format!(" {call}")) {
                let line = rows.get(&n).unwrap_or_else(|| panic!("no ladder row {n}"));
                assert!(
                    line.contains(call),
                    "row {n}: table {rest:?}, ladder {line:?}"
                );
                checked += 1;
            }
        }
    }
    assert!(checked >= 30, "{checked} calls checked");
}

/// Without tracefs the kernel's states come from /proc/net/tcp: a SYN the
/// full accept queue dropped leaves no socket there, and the server's end
/// is the listener (LISTEN), not a closed connection; the note says why
/// the inference differs.
#[test]
fn backlog_from_proc_keeps_the_listener_for_a_dropped_syn() {
    if !can_sniff() {
        return;
    }
    let o = Command::new(env!("CARGO_BIN_EXE_synack"))
        .args(["live", "--auto", "--json", "--script", "backlog"])
        .env("SYNACK_NO_TRACEFS", "1")
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let steps = ndjson(&o);
    let differs: Vec<&Value> = steps
        .iter()
        .filter(|s| s.get("kernel_state").is_some_and(|k| *k != s["state"]))
        .collect();
    assert!(!differs.is_empty(), "the dropped SYNs differ");
    for s in differs {
        assert_eq!(short_flags(s), "S", "only dropped SYNs differ: {s}");
        assert_eq!(s["kernel_state"]["server"], "LISTEN", "{s}");
        assert!(
            s["kernel_note"]
                .as_str()
                .is_some_and(|n| n.contains("accept queue was full")),
            "{s}"
        );
    }
}
