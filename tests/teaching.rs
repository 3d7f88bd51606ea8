//! Issue 11, end to end: what the binary says about each scenario (and, as
//! root, each live script) is true of RFC 9293, Linux and Node.js.

mod common;
use common::{ndjson, stdout_of};
use serde_json::Value;

fn side_str<'a>(o: &'a Value, key: &str, side: &str) -> Option<&'a str> {
    o[key][side].as_str()
}

fn is_segment(o: &Value) -> bool {
    o["kind"] == "segment"
}

#[test]
fn node_close_comes_with_end_and_finish_never_with_the_last_ack() {
    for name in [
        "handshake",
        "server-closes-first",
        "three-way-close",
        "simultaneous-close",
    ] {
        let steps = ndjson(&["simulate", name, "--json"]);
        for side in ["client", "server"] {
            let closes: Vec<&Value> = steps
                .iter()
                .filter(|o| side_str(o, "node_event", side).is_some_and(|e| e.contains("'close'")))
                .collect();
            assert_eq!(closes.len(), 1, "{name}: {side} gets exactly one 'close'");
            let c = closes[0];
            // Not on the passive closer's LAST_ACK -> CLOSED step.
            assert!(
                !(c["state_before"][side] == "LAST_ACK" && c["state"][side] == "CLOSED"),
                "{name}: {side}'s 'close' put on the last ACK"
            );
        }
    }
}

#[test]
fn filling_a_gap_makes_everything_behind_it_readable() {
    let steps = ndjson(&["simulate", "reorder", "--json"]);
    let data: Vec<&Value> = steps
        .iter()
        .filter(|o| is_segment(o) && o["len"].as_u64() > Some(0) && o["side"] == "client")
        .collect();
    let held = data[0];
    assert_eq!(held["seq"], 7, "the second write arrives first");
    assert_eq!(held["node_event"]["server"], Value::Null);
    assert_eq!(held["calls"]["server"], Value::Null);
    let fill = data[1];
    assert_eq!(fill["calls"]["server"], "read() can return 12 bytes");
    assert_eq!(fill["node_event"]["server"], "'data'");
}

#[test]
fn eof_and_descriptor_sentences_fit_the_side() {
    for name in synack::source::scenario::NAMES {
        for o in ndjson(&["simulate", name, "--json"]) {
            for side in ["client", "server"] {
                if side_str(&o, "calls", side) == Some("read() will return 0 (EOF)") {
                    assert_eq!(
                        o["state"][side], "CLOSE_WAIT",
                        "{name}: EOF note for a closed side"
                    );
                }
            }
            let text = o["explanation"].as_str().unwrap();
            assert!(!text.contains("FIN went out earlier"), "{name}: {text}");
            assert!(
                !text.contains("hand them to the application now"),
                "{name}: {text}"
            );
        }
    }
    // After a refusal or an abort nothing was ever sent with a FIN.
    for name in ["refused", "abort", "close-with-unread-data"] {
        for lang in ["en", "zh"] {
            let out = stdout_of(&["simulate", name, "--plain", "--lang", lang]);
            assert!(
                !out.contains("Its FIN went out") && !out.contains("FIN 之前已经发出"),
                "{name}"
            );
        }
    }
}

#[test]
fn the_abort_names_nodes_reset_call_and_half_close_names_allow_half_open() {
    let abort = stdout_of(&["simulate", "abort", "--plain"]);
    assert!(abort.contains("socket.resetAndDestroy()"), "{abort}");
    let half = stdout_of(&["simulate", "half-close", "--plain"]);
    assert!(half.contains("allowHalfOpen: true"), "{half}");
}

#[test]
fn timers_and_listings_say_what_linux_does() {
    let list = stdout_of(&["scenarios"]);
    assert!(!list.contains("2*MSL (60 s)"), "{list}");
    let tw = stdout_of(&["simulate", "time-wait", "--plain"]);
    assert!(!tw.contains("only after the timer"), "{tw}");
    assert!(
        tw.contains("TCP_TIMEWAIT_LEN") && tw.contains("tcp_tw_reuse"),
        "{tw}"
    );
    let syn = stdout_of(&["simulate", "syn-lost", "--plain"]);
    assert!(syn.contains("tcp_syn_linear_timeouts"), "{syn}");
}

#[test]
fn the_three_segment_close_and_the_queues_are_taught() {
    let three = stdout_of(&["simulate", "three-way-close", "--plain"]);
    assert!(three.contains("40 ms"), "{three}");
    let hs = stdout_of(&["simulate", "handshake", "--plain"]);
    assert!(
        hs.contains("stays in LISTEN") && hs.contains("accept queue"),
        "{hs}"
    );
    assert!(hs.contains("old duplicate SYN"), "{hs}");
    let zh = stdout_of(&["simulate", "handshake", "--plain", "--lang", "zh"]);
    for term in ["半连接队列", "全连接队列"] {
        assert!(zh.contains(term), "{term}");
    }
    let zh = stdout_of(&["simulate", "three-way-close", "--plain", "--lang", "zh"]);
    assert!(zh.contains("捎带确认"), "{zh}");
}

fn can_sniff() -> bool {
    if synack::source::kernel::sniffer::RawSocket::open("lo").is_ok() {
        return true;
    }
    eprintln!("SKIP: needs CAP_NET_RAW (run as root)");
    false
}

#[test]
fn live_scripts_without_a_fin_do_not_claim_one_and_name_the_sysctls_read() {
    if !can_sniff() {
        return;
    }
    for script in ["refused", "abort", "unread-close"] {
        for lang in ["en", "zh"] {
            let out = stdout_of(&[
                "live", "--script", script, "--auto", "--plain", "--lang", lang,
            ]);
            assert!(
                !out.contains("Its FIN went out") && !out.contains("FIN 之前已经发出"),
                "{script} {lang}: {out}"
            );
        }
    }
    let out = stdout_of(&["live", "--script", "default", "--auto", "--plain"]);
    let read = |n: &str| {
        std::fs::read_to_string(format!("/proc/sys/net/ipv4/{n}"))
            .ok()
            .map(|v| v.trim().to_string())
    };
    for name in [
        "tcp_syn_retries",
        "tcp_syn_linear_timeouts",
        "tcp_rfc1337",
        "tcp_tw_reuse",
    ] {
        if let Some(v) = read(name) {
            assert!(
                out.contains(&format!("net.ipv4.{name} = {v}")),
                "{name}: {out}"
            );
        }
    }
}

fn doc(path: &str) -> String {
    let text = std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(path))
        .unwrap_or_else(|e| panic!("{path}: {e}"));
    // Sentences are wrapped over lines; compare them as one line.
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The lessons' old false sentences are gone and the true ones are there
/// (issue 11, items 8, 9, 11 and 12).
#[test]
fn the_lessons_say_what_linux_does() {
    let l1 = doc("docs/lessons/01-handshake.md");
    assert!(!l1.contains("because the loopback MTU is 65536"));
    assert!(l1.contains("65535 − 20 (IP header) − 20 (TCP header) = 65495"));
    assert!(l1.contains("old duplicate SYNs"));
    let l2 = doc("docs/lessons/02-close-and-time-wait.md");
    assert!(!l2.contains("Only after the timer may the same four-tuple"));
    assert!(l2.contains("--script time-wait-reuse") && l2.contains("EADDRINUSE"));
    let l3 = doc("docs/lessons/03-half-close.md");
    assert!(!l3.contains("| `shutdown(fd, SHUT_RD)` | nothing (Linux) | no |"));
    assert!(l3.contains("SSH_MSG_CHANNEL_EOF") && l3.contains("allowHalfOpen: true"));
    let l6 = doc("docs/lessons/06-loss-and-retransmission.md");
    assert!(!l6.contains("Linux resends the SYN after 1, 2, 4, 8, 16 and 32 seconds"));
    assert!(l6.contains("tcp_syn_linear_timeouts"));
    let l7 = doc("docs/lessons/07-socket-calls.md");
    assert!(!l7.contains("When the accept queue is full, Linux ignores the third ACK of new"));
    assert!(l7.contains("Linux **drops new SYNs**"));
    assert!(!l7.contains("`connect()` and `write()` end with an error"));
    let l8 = doc("docs/lessons/08-layers-byte-by-byte.md");
    assert!(!l8.contains("| 1 physical | link | preamble, frame check sequence"));
    let m = doc("docs/misconceptions.md");
    assert!(!m.contains("nothing answers an RST"));
    for point in [
        "challenge ACK",
        "old duplicate",
        "tcp_tw_reuse",
        "半连接队列",
        "全连接队列",
        "whether PSH is set or not",
        "EPIPE",
        "tcp_syn_linear_timeouts",
        "'finish'",
        "SO_REUSEADDR",
        "about 40 ms",
    ] {
        assert!(m.contains(point), "misconceptions.md lacks {point}");
    }
}
