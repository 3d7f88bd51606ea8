//! The Node.js programs of `examples/node/` (issue 14): each runs to its
//! end on loopback and prints the events the lessons read beside synack's
//! ladder. SKIP where `node` is not installed (`.ci/run` installs it).

use std::path::Path;
use std::process::Command;

fn node(args: &[&str]) -> Option<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/node");
    let out = match Command::new("timeout")
        .arg("20")
        .arg("node")
        .args(args)
        .current_dir(&dir)
        .output()
    {
        Ok(o) => o,
        Err(e) => {
            eprintln!("SKIP: cannot run timeout/node: {e}");
            return None;
        }
    };
    if out.status.code() == Some(127) {
        eprintln!("SKIP: node is not installed (apt-get install nodejs)");
        return None;
    }
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "node {args:?} failed: {}\n{text}",
        String::from_utf8_lossy(&out.stderr)
    );
    Some(text)
}

/// The lines of `out` in the order given, each found after the one before.
fn in_order(out: &str, lines: &[&str]) {
    let mut at = 0;
    for want in lines {
        match out[at..].find(want) {
            Some(i) => at += i + want.len(),
            None => panic!("`{want}` not found (in order) in:\n{out}"),
        }
    }
}

#[test]
fn echo_shows_the_events_of_one_connection_in_order() {
    let Some(out) = node(&["echo.js"]) else {
        return;
    };
    in_order(
        &out,
        &[
            "[client] 'connect'",
            "[server] 'data' \"hello\"",
            "[client] 'data' \"hello\"",
            "[server] 'end' (the client's FIN)",
            "[client] 'end' (the server's FIN)",
            "[client] 'close'",
        ],
    );
}

#[test]
fn http_closes_on_the_server_or_keeps_the_connection_for_two_requests() {
    let Some(out) = node(&["http.js"]) else {
        return;
    };
    in_order(
        &out,
        &[
            "request GET /",
            "response 200 OK",
            "body \"hello from /\\n\"",
        ],
    );
    assert_eq!(out.matches("'connection'").count(), 1, "{out}");
    let Some(out) = node(&["http.js", "--keep-alive"]) else {
        return;
    };
    in_order(&out, &["request GET /one", "request GET /two"]);
    // Two requests, one connection.
    assert_eq!(out.matches("'connection'").count(), 1, "{out}");
}

#[test]
fn websocket_accept_is_base64_sha1_of_the_key_and_the_guid() {
    let Some(out) = node(&["websocket.js"]) else {
        return;
    };
    let key = out
        .lines()
        .find_map(|l| {
            l.split_once("upgrade request, key ")
                .map(|(_, k)| k.trim().to_string())
        })
        .expect("the key line");
    let accept = out
        .lines()
        .find_map(|l| {
            l.split_once("; accept ")
                .map(|(_, a)| a.split(' ').next().unwrap().to_string())
        })
        .expect("the accept line");
    // Checked independently of the example's own check.
    let py = Command::new("python3")
        .arg("-c")
        .arg(
            "import base64,hashlib,sys; print(base64.b64encode(hashlib.sha1((sys.argv[1] + \
             '258EAFA5-E914-47DA-95CA-C5AB0DC85B11').encode()).digest()).decode())",
        )
        .arg(&key)
        .output();
    match py {
        Ok(o) if o.status.success() => {
            assert_eq!(String::from_utf8_lossy(&o.stdout).trim(), accept, "{out}");
        }
        _ => eprintln!("SKIP (independent check): python3 is not available"),
    }
    in_order(
        &out,
        &[
            "101 Switching Protocols",
            "checks out",
            "[server] text frame (masked: true) \"hi\"",
            "[client] text frame (masked: false) \"hi yourself\"",
            "[server] close frame, code 1000",
            "[client] close frame, code 1000",
            "[client] 'end' (the server's FIN)",
        ],
    );
}

#[test]
fn udp_sends_one_datagram_each_way() {
    let Some(out) = node(&["udp.js"]) else { return };
    in_order(
        &out,
        &["[server] 'message' \"ping\"", "[client] 'message' \"pong\""],
    );
}

#[test]
fn chat_broadcasts_each_line_to_the_other_two_clients() {
    let Some(out) = node(&["chat.js"]) else {
        return;
    };
    for (from, to) in [("A", ["B", "C"]), ("B", ["A", "C"]), ("C", ["A", "B"])] {
        for t in to {
            let line = format!("[client {t}] got \"{from}: hello\"");
            assert!(out.contains(&line), "missing {line} in:\n{out}");
        }
        let own = format!("[client {from}] got \"{from}: hello\"");
        assert!(!out.contains(&own), "a client got its own line:\n{out}");
    }
    assert!(out.contains("(3 connected)"), "{out}");
    assert!(out.contains("left (0 connected)"), "{out}");
}
