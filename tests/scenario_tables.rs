//! Hand-checked tables: for every scenario, each step of the NDJSON that the
//! binary prints, with both endpoints' states after it. Every row was checked
//! against RFC 9293's Figure 5 and the Linux behaviour the scenario names.

mod common;
use common::ndjson;

type Row = (&'static str, &'static str, &'static str);

fn table(name: &str) -> &'static [Row] {
    match name {
        "handshake" => &[
            ("server listen()", "CLOSED", "LISTEN"),
            ("client connect()", "SYN_SENT", "LISTEN"),
            ("c>s SYN", "SYN_SENT", "SYN_RECEIVED"),
            ("s>c SYN+ACK", "ESTABLISHED", "SYN_RECEIVED"),
            ("c>s ACK", "ESTABLISHED", "ESTABLISHED"),
            ("server accept()", "ESTABLISHED", "ESTABLISHED"),
            ("client write()", "ESTABLISHED", "ESTABLISHED"),
            ("c>s PSH+ACK len=5", "ESTABLISHED", "ESTABLISHED"),
            ("s>c ACK", "ESTABLISHED", "ESTABLISHED"),
            ("server read()", "ESTABLISHED", "ESTABLISHED"),
            ("server write()", "ESTABLISHED", "ESTABLISHED"),
            ("s>c PSH+ACK len=5", "ESTABLISHED", "ESTABLISHED"),
            ("c>s ACK", "ESTABLISHED", "ESTABLISHED"),
            ("client read()", "ESTABLISHED", "ESTABLISHED"),
            ("client close()", "FIN_WAIT_1", "ESTABLISHED"),
            ("c>s FIN+ACK", "FIN_WAIT_1", "CLOSE_WAIT"),
            ("s>c ACK", "FIN_WAIT_2", "CLOSE_WAIT"),
            ("server read()", "FIN_WAIT_2", "CLOSE_WAIT"),
            ("server close()", "FIN_WAIT_2", "LAST_ACK"),
            ("s>c FIN+ACK", "TIME_WAIT", "LAST_ACK"),
            ("c>s ACK", "TIME_WAIT", "CLOSED"),
        ],
        "server-closes-first" => &[
            ("server listen()", "CLOSED", "LISTEN"),
            ("client connect()", "SYN_SENT", "LISTEN"),
            ("c>s SYN", "SYN_SENT", "SYN_RECEIVED"),
            ("s>c SYN+ACK", "ESTABLISHED", "SYN_RECEIVED"),
            ("c>s ACK", "ESTABLISHED", "ESTABLISHED"),
            ("server accept()", "ESTABLISHED", "ESTABLISHED"),
            ("client write()", "ESTABLISHED", "ESTABLISHED"),
            ("c>s PSH+ACK len=5", "ESTABLISHED", "ESTABLISHED"),
            ("s>c ACK", "ESTABLISHED", "ESTABLISHED"),
            ("server read()", "ESTABLISHED", "ESTABLISHED"),
            ("server write()", "ESTABLISHED", "ESTABLISHED"),
            ("s>c PSH+ACK len=5", "ESTABLISHED", "ESTABLISHED"),
            ("c>s ACK", "ESTABLISHED", "ESTABLISHED"),
            ("client read()", "ESTABLISHED", "ESTABLISHED"),
            ("server close()", "ESTABLISHED", "FIN_WAIT_1"),
            ("s>c FIN+ACK", "CLOSE_WAIT", "FIN_WAIT_1"),
            ("c>s ACK", "CLOSE_WAIT", "FIN_WAIT_2"),
            ("client read()", "CLOSE_WAIT", "FIN_WAIT_2"),
            ("client close()", "LAST_ACK", "FIN_WAIT_2"),
            ("c>s FIN+ACK", "LAST_ACK", "TIME_WAIT"),
            ("s>c ACK", "CLOSED", "TIME_WAIT"),
        ],
        "three-way-close" => &[
            ("server listen()", "CLOSED", "LISTEN"),
            ("client connect()", "SYN_SENT", "LISTEN"),
            ("c>s SYN", "SYN_SENT", "SYN_RECEIVED"),
            ("s>c SYN+ACK", "ESTABLISHED", "SYN_RECEIVED"),
            ("c>s ACK", "ESTABLISHED", "ESTABLISHED"),
            ("server accept()", "ESTABLISHED", "ESTABLISHED"),
            ("client write()", "ESTABLISHED", "ESTABLISHED"),
            ("c>s PSH+ACK len=5", "ESTABLISHED", "ESTABLISHED"),
            ("server read()", "ESTABLISHED", "ESTABLISHED"),
            ("server write()", "ESTABLISHED", "ESTABLISHED"),
            ("s>c PSH+ACK len=5", "ESTABLISHED", "ESTABLISHED"),
            ("c>s ACK", "ESTABLISHED", "ESTABLISHED"),
            ("client read()", "ESTABLISHED", "ESTABLISHED"),
            ("client close()", "FIN_WAIT_1", "ESTABLISHED"),
            ("c>s FIN+ACK", "FIN_WAIT_1", "CLOSE_WAIT"),
            ("server read()", "FIN_WAIT_1", "CLOSE_WAIT"),
            ("server close()", "FIN_WAIT_1", "LAST_ACK"),
            ("s>c FIN+ACK", "TIME_WAIT", "LAST_ACK"),
            ("c>s ACK", "TIME_WAIT", "CLOSED"),
        ],
        "simultaneous-open" => &[
            ("client connect()", "SYN_SENT", "CLOSED"),
            ("server connect()", "SYN_SENT", "SYN_SENT"),
            ("c>s SYN", "SYN_SENT", "SYN_RECEIVED"),
            ("s>c SYN", "SYN_RECEIVED", "SYN_RECEIVED"),
            ("s>c SYN+ACK", "ESTABLISHED", "SYN_RECEIVED"),
            ("c>s SYN+ACK", "ESTABLISHED", "ESTABLISHED"),
            ("client write()", "ESTABLISHED", "ESTABLISHED"),
            ("c>s PSH+ACK len=5", "ESTABLISHED", "ESTABLISHED"),
            ("s>c ACK", "ESTABLISHED", "ESTABLISHED"),
            ("server read()", "ESTABLISHED", "ESTABLISHED"),
            ("server write()", "ESTABLISHED", "ESTABLISHED"),
            ("s>c PSH+ACK len=5", "ESTABLISHED", "ESTABLISHED"),
            ("c>s ACK", "ESTABLISHED", "ESTABLISHED"),
            ("client read()", "ESTABLISHED", "ESTABLISHED"),
            ("client close()", "FIN_WAIT_1", "ESTABLISHED"),
            ("c>s FIN+ACK", "FIN_WAIT_1", "CLOSE_WAIT"),
            ("s>c ACK", "FIN_WAIT_2", "CLOSE_WAIT"),
            ("server read()", "FIN_WAIT_2", "CLOSE_WAIT"),
            ("server close()", "FIN_WAIT_2", "LAST_ACK"),
            ("s>c FIN+ACK", "TIME_WAIT", "LAST_ACK"),
            ("c>s ACK", "TIME_WAIT", "CLOSED"),
        ],
        "simultaneous-close" => &[
            ("server listen()", "CLOSED", "LISTEN"),
            ("client connect()", "SYN_SENT", "LISTEN"),
            ("c>s SYN", "SYN_SENT", "SYN_RECEIVED"),
            ("s>c SYN+ACK", "ESTABLISHED", "SYN_RECEIVED"),
            ("c>s ACK", "ESTABLISHED", "ESTABLISHED"),
            ("server accept()", "ESTABLISHED", "ESTABLISHED"),
            ("client write()", "ESTABLISHED", "ESTABLISHED"),
            ("c>s PSH+ACK len=5", "ESTABLISHED", "ESTABLISHED"),
            ("s>c ACK", "ESTABLISHED", "ESTABLISHED"),
            ("server read()", "ESTABLISHED", "ESTABLISHED"),
            ("server write()", "ESTABLISHED", "ESTABLISHED"),
            ("s>c PSH+ACK len=5", "ESTABLISHED", "ESTABLISHED"),
            ("c>s ACK", "ESTABLISHED", "ESTABLISHED"),
            ("client read()", "ESTABLISHED", "ESTABLISHED"),
            ("client close()", "FIN_WAIT_1", "ESTABLISHED"),
            ("server close()", "FIN_WAIT_1", "FIN_WAIT_1"),
            ("c>s FIN+ACK", "FIN_WAIT_1", "CLOSING"),
            ("s>c FIN+ACK", "CLOSING", "CLOSING"),
            ("s>c ACK", "TIME_WAIT", "CLOSING"),
            ("c>s ACK", "TIME_WAIT", "TIME_WAIT"),
        ],
        "half-close" => &[
            ("server listen()", "CLOSED", "LISTEN"),
            ("client connect()", "SYN_SENT", "LISTEN"),
            ("c>s SYN", "SYN_SENT", "SYN_RECEIVED"),
            ("s>c SYN+ACK", "ESTABLISHED", "SYN_RECEIVED"),
            ("c>s ACK", "ESTABLISHED", "ESTABLISHED"),
            ("server accept()", "ESTABLISHED", "ESTABLISHED"),
            ("client write()", "ESTABLISHED", "ESTABLISHED"),
            ("c>s PSH+ACK len=7", "ESTABLISHED", "ESTABLISHED"),
            ("s>c ACK", "ESTABLISHED", "ESTABLISHED"),
            ("server read()", "ESTABLISHED", "ESTABLISHED"),
            ("client shutdown()", "FIN_WAIT_1", "ESTABLISHED"),
            ("c>s FIN+ACK", "FIN_WAIT_1", "CLOSE_WAIT"),
            ("s>c ACK", "FIN_WAIT_2", "CLOSE_WAIT"),
            ("server read()", "FIN_WAIT_2", "CLOSE_WAIT"),
            ("server write()", "FIN_WAIT_2", "CLOSE_WAIT"),
            ("s>c PSH+ACK len=20", "FIN_WAIT_2", "CLOSE_WAIT"),
            ("c>s ACK", "FIN_WAIT_2", "CLOSE_WAIT"),
            ("client read()", "FIN_WAIT_2", "CLOSE_WAIT"),
            ("server close()", "FIN_WAIT_2", "LAST_ACK"),
            ("s>c FIN+ACK", "TIME_WAIT", "LAST_ACK"),
            ("c>s ACK", "TIME_WAIT", "CLOSED"),
            ("client read()", "TIME_WAIT", "CLOSED"),
            ("client close()", "TIME_WAIT", "CLOSED"),
        ],
        "refused" => &[
            ("client connect()", "SYN_SENT", "CLOSED"),
            ("c>s SYN", "SYN_SENT", "CLOSED"),
            ("s>c RST+ACK", "CLOSED", "CLOSED"),
        ],
        "abort" => &[
            ("server listen()", "CLOSED", "LISTEN"),
            ("client connect()", "SYN_SENT", "LISTEN"),
            ("c>s SYN", "SYN_SENT", "SYN_RECEIVED"),
            ("s>c SYN+ACK", "ESTABLISHED", "SYN_RECEIVED"),
            ("c>s ACK", "ESTABLISHED", "ESTABLISHED"),
            ("server accept()", "ESTABLISHED", "ESTABLISHED"),
            ("client write()", "ESTABLISHED", "ESTABLISHED"),
            ("c>s PSH+ACK len=5", "ESTABLISHED", "ESTABLISHED"),
            ("s>c ACK", "ESTABLISHED", "ESTABLISHED"),
            ("server read()", "ESTABLISHED", "ESTABLISHED"),
            ("server write()", "ESTABLISHED", "ESTABLISHED"),
            ("s>c PSH+ACK len=5", "ESTABLISHED", "ESTABLISHED"),
            ("c>s ACK", "ESTABLISHED", "ESTABLISHED"),
            ("client read()", "ESTABLISHED", "ESTABLISHED"),
            (
                "client setsockopt(SO_LINGER, 0)",
                "ESTABLISHED",
                "ESTABLISHED",
            ),
            ("client close()", "CLOSED", "ESTABLISHED"),
            ("c>s RST+ACK", "CLOSED", "CLOSED"),
            ("server read()", "CLOSED", "CLOSED"),
        ],
        "close-with-unread-data" => &[
            ("server listen()", "CLOSED", "LISTEN"),
            ("client connect()", "SYN_SENT", "LISTEN"),
            ("c>s SYN", "SYN_SENT", "SYN_RECEIVED"),
            ("s>c SYN+ACK", "ESTABLISHED", "SYN_RECEIVED"),
            ("c>s ACK", "ESTABLISHED", "ESTABLISHED"),
            ("server accept()", "ESTABLISHED", "ESTABLISHED"),
            ("client write()", "ESTABLISHED", "ESTABLISHED"),
            ("c>s PSH+ACK len=5", "ESTABLISHED", "ESTABLISHED"),
            ("s>c ACK", "ESTABLISHED", "ESTABLISHED"),
            ("server close()", "ESTABLISHED", "CLOSED"),
            ("s>c RST+ACK", "CLOSED", "CLOSED"),
            ("client read()", "CLOSED", "CLOSED"),
        ],
        "syn-lost" => &[
            ("server listen()", "CLOSED", "LISTEN"),
            ("client connect()", "SYN_SENT", "LISTEN"),
            ("c>s SYN LOST", "SYN_SENT", "LISTEN"),
            ("client timer retransmission", "SYN_SENT", "LISTEN"),
            ("c>s SYN", "SYN_SENT", "SYN_RECEIVED"),
            ("s>c SYN+ACK", "ESTABLISHED", "SYN_RECEIVED"),
            ("c>s ACK", "ESTABLISHED", "ESTABLISHED"),
            ("server accept()", "ESTABLISHED", "ESTABLISHED"),
            ("client write()", "ESTABLISHED", "ESTABLISHED"),
            ("c>s PSH+ACK len=5", "ESTABLISHED", "ESTABLISHED"),
            ("s>c ACK", "ESTABLISHED", "ESTABLISHED"),
            ("server read()", "ESTABLISHED", "ESTABLISHED"),
            ("server write()", "ESTABLISHED", "ESTABLISHED"),
            ("s>c PSH+ACK len=5", "ESTABLISHED", "ESTABLISHED"),
            ("c>s ACK", "ESTABLISHED", "ESTABLISHED"),
            ("client read()", "ESTABLISHED", "ESTABLISHED"),
            ("client close()", "FIN_WAIT_1", "ESTABLISHED"),
            ("c>s FIN+ACK", "FIN_WAIT_1", "CLOSE_WAIT"),
            ("s>c ACK", "FIN_WAIT_2", "CLOSE_WAIT"),
            ("server read()", "FIN_WAIT_2", "CLOSE_WAIT"),
            ("server close()", "FIN_WAIT_2", "LAST_ACK"),
            ("s>c FIN+ACK", "TIME_WAIT", "LAST_ACK"),
            ("c>s ACK", "TIME_WAIT", "CLOSED"),
        ],
        "syn-ack-lost" => &[
            ("server listen()", "CLOSED", "LISTEN"),
            ("client connect()", "SYN_SENT", "LISTEN"),
            ("c>s SYN", "SYN_SENT", "SYN_RECEIVED"),
            ("s>c SYN+ACK LOST", "SYN_SENT", "SYN_RECEIVED"),
            ("client timer retransmission", "SYN_SENT", "SYN_RECEIVED"),
            ("c>s SYN", "SYN_SENT", "SYN_RECEIVED"),
            ("s>c SYN+ACK", "ESTABLISHED", "SYN_RECEIVED"),
            ("c>s ACK", "ESTABLISHED", "ESTABLISHED"),
            ("server accept()", "ESTABLISHED", "ESTABLISHED"),
            ("client write()", "ESTABLISHED", "ESTABLISHED"),
            ("c>s PSH+ACK len=5", "ESTABLISHED", "ESTABLISHED"),
            ("s>c ACK", "ESTABLISHED", "ESTABLISHED"),
            ("server read()", "ESTABLISHED", "ESTABLISHED"),
            ("server write()", "ESTABLISHED", "ESTABLISHED"),
            ("s>c PSH+ACK len=5", "ESTABLISHED", "ESTABLISHED"),
            ("c>s ACK", "ESTABLISHED", "ESTABLISHED"),
            ("client read()", "ESTABLISHED", "ESTABLISHED"),
            ("client close()", "FIN_WAIT_1", "ESTABLISHED"),
            ("c>s FIN+ACK", "FIN_WAIT_1", "CLOSE_WAIT"),
            ("s>c ACK", "FIN_WAIT_2", "CLOSE_WAIT"),
            ("server read()", "FIN_WAIT_2", "CLOSE_WAIT"),
            ("server close()", "FIN_WAIT_2", "LAST_ACK"),
            ("s>c FIN+ACK", "TIME_WAIT", "LAST_ACK"),
            ("c>s ACK", "TIME_WAIT", "CLOSED"),
        ],
        "fin-lost" => &[
            ("server listen()", "CLOSED", "LISTEN"),
            ("client connect()", "SYN_SENT", "LISTEN"),
            ("c>s SYN", "SYN_SENT", "SYN_RECEIVED"),
            ("s>c SYN+ACK", "ESTABLISHED", "SYN_RECEIVED"),
            ("c>s ACK", "ESTABLISHED", "ESTABLISHED"),
            ("server accept()", "ESTABLISHED", "ESTABLISHED"),
            ("client write()", "ESTABLISHED", "ESTABLISHED"),
            ("c>s PSH+ACK len=5", "ESTABLISHED", "ESTABLISHED"),
            ("s>c ACK", "ESTABLISHED", "ESTABLISHED"),
            ("server read()", "ESTABLISHED", "ESTABLISHED"),
            ("server write()", "ESTABLISHED", "ESTABLISHED"),
            ("s>c PSH+ACK len=5", "ESTABLISHED", "ESTABLISHED"),
            ("c>s ACK", "ESTABLISHED", "ESTABLISHED"),
            ("client read()", "ESTABLISHED", "ESTABLISHED"),
            ("client close()", "FIN_WAIT_1", "ESTABLISHED"),
            ("c>s FIN+ACK LOST", "FIN_WAIT_1", "ESTABLISHED"),
            ("client timer retransmission", "FIN_WAIT_1", "ESTABLISHED"),
            ("c>s FIN+ACK", "FIN_WAIT_1", "CLOSE_WAIT"),
            ("s>c ACK", "FIN_WAIT_2", "CLOSE_WAIT"),
            ("server read()", "FIN_WAIT_2", "CLOSE_WAIT"),
            ("server close()", "FIN_WAIT_2", "LAST_ACK"),
            ("s>c FIN+ACK", "TIME_WAIT", "LAST_ACK"),
            ("c>s ACK", "TIME_WAIT", "CLOSED"),
        ],
        "time-wait" => &[
            ("server listen()", "CLOSED", "LISTEN"),
            ("client connect()", "SYN_SENT", "LISTEN"),
            ("c>s SYN", "SYN_SENT", "SYN_RECEIVED"),
            ("s>c SYN+ACK", "ESTABLISHED", "SYN_RECEIVED"),
            ("c>s ACK", "ESTABLISHED", "ESTABLISHED"),
            ("server accept()", "ESTABLISHED", "ESTABLISHED"),
            ("client close()", "FIN_WAIT_1", "ESTABLISHED"),
            ("c>s FIN+ACK", "FIN_WAIT_1", "CLOSE_WAIT"),
            ("s>c ACK", "FIN_WAIT_2", "CLOSE_WAIT"),
            ("server read()", "FIN_WAIT_2", "CLOSE_WAIT"),
            ("server close()", "FIN_WAIT_2", "LAST_ACK"),
            ("s>c FIN+ACK", "TIME_WAIT", "LAST_ACK"),
            ("c>s ACK", "TIME_WAIT", "CLOSED"),
            ("client timer time_wait", "CLOSED", "CLOSED"),
            ("client connect()", "SYN_SENT", "LISTEN"),
            ("c>s SYN", "SYN_SENT", "SYN_RECEIVED"),
            ("s>c SYN+ACK", "ESTABLISHED", "SYN_RECEIVED"),
            ("c>s ACK", "ESTABLISHED", "ESTABLISHED"),
            ("server accept()", "ESTABLISHED", "ESTABLISHED"),
        ],
        "reorder" => &[
            ("server listen()", "CLOSED", "LISTEN"),
            ("client connect()", "SYN_SENT", "LISTEN"),
            ("c>s SYN", "SYN_SENT", "SYN_RECEIVED"),
            ("s>c SYN+ACK", "ESTABLISHED", "SYN_RECEIVED"),
            ("c>s ACK", "ESTABLISHED", "ESTABLISHED"),
            ("server accept()", "ESTABLISHED", "ESTABLISHED"),
            ("client write()", "ESTABLISHED", "ESTABLISHED"),
            ("client write()", "ESTABLISHED", "ESTABLISHED"),
            ("c>s PSH+ACK len=6", "ESTABLISHED", "ESTABLISHED"),
            ("s>c ACK", "ESTABLISHED", "ESTABLISHED"),
            ("c>s PSH+ACK len=6", "ESTABLISHED", "ESTABLISHED"),
            ("s>c ACK", "ESTABLISHED", "ESTABLISHED"),
            ("server read()", "ESTABLISHED", "ESTABLISHED"),
            ("client close()", "FIN_WAIT_1", "ESTABLISHED"),
            ("c>s FIN+ACK", "FIN_WAIT_1", "CLOSE_WAIT"),
            ("s>c ACK", "FIN_WAIT_2", "CLOSE_WAIT"),
            ("server read()", "FIN_WAIT_2", "CLOSE_WAIT"),
            ("server close()", "FIN_WAIT_2", "LAST_ACK"),
            ("s>c FIN+ACK", "TIME_WAIT", "LAST_ACK"),
            ("c>s ACK", "TIME_WAIT", "CLOSED"),
        ],
        _ => panic!("no table for {name}"),
    }
}

/// The same compact description of a step that the table uses.
fn describe(o: &serde_json::Value) -> String {
    match o["kind"].as_str().unwrap() {
        "segment" => {
            let dir = if o["side"] == "client" { "c>s" } else { "s>c" };
            let flags: Vec<&str> = o["flags"]
                .as_array()
                .unwrap()
                .iter()
                .map(|f| f.as_str().unwrap())
                .collect();
            let mut s = format!("{dir} {}", flags.join("+"));
            if o["len"].as_u64().unwrap() > 0 {
                s += &format!(" len={}", o["len"]);
            }
            if o["lost"].as_bool().unwrap() {
                s += " LOST";
            }
            s
        }
        "call" => format!(
            "{} {}",
            o["side"].as_str().unwrap(),
            o["call"].as_str().unwrap()
        ),
        "timer" => format!(
            "{} timer {}",
            o["side"].as_str().unwrap(),
            o["timer"].as_str().unwrap()
        ),
        other => panic!("unknown kind {other}"),
    }
}

#[test]
fn every_scenario_matches_its_hand_checked_table() {
    for name in synack::source::scenario::NAMES {
        let steps = ndjson(&["simulate", name, "--json"]);
        let expected = table(name);
        let got: Vec<(String, String, String)> = steps
            .iter()
            .map(|o| {
                (
                    describe(o),
                    o["state"]["client"].as_str().unwrap().to_string(),
                    o["state"]["server"].as_str().unwrap().to_string(),
                )
            })
            .collect();
        let want: Vec<(String, String, String)> = expected
            .iter()
            .map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string()))
            .collect();
        assert_eq!(got, want, "scenario {name}");
    }
}

#[test]
fn segment_objects_carry_the_contract_fields() {
    let steps = ndjson(&["simulate", "handshake", "--json"]);
    let mut frame = 0;
    for o in steps.iter().filter(|o| o["kind"] == "segment") {
        frame += 1;
        for key in [
            "stream", "frame", "time", "src", "sport", "dst", "dport", "flags", "seq_raw",
            "ack_raw", "seq", "ack", "len", "win", "analysis", "state", "call", "lost",
        ] {
            assert!(o.get(key).is_some(), "missing {key} in {o}");
        }
        assert_eq!(o["frame"], frame, "frames number the segments from 1");
        assert_eq!(o["stream"], 0);
    }
    let syn = &steps[2];
    assert_eq!(syn["flags"], serde_json::json!(["SYN"]));
    assert_eq!(syn["seq_raw"], 3_141_592_653u32);
    assert_eq!(syn["seq"], 0);
    assert_eq!(syn["call"], "connect()");
    assert_eq!(syn["src"], "192.0.2.1");
    assert_eq!(syn["dport"], 80);
    let synack = &steps[3];
    assert_eq!(synack["flags"], serde_json::json!(["SYN", "ACK"]));
    assert_eq!(synack["ack_raw"], 3_141_592_654u32);
    assert_eq!(synack["ack"], 1);
    assert_eq!(synack["calls"]["client"], "connect() returns 0");
    assert_eq!(synack["node_event"]["client"], "'connect'");
    let listen = &steps[0];
    assert_eq!(listen["kind"], "call");
    assert_eq!(listen["call"], "listen()");
    assert_eq!(listen["side"], "server");
    assert_eq!(listen["state"]["server"], "LISTEN");
}

#[test]
fn isn_flags_set_the_raw_numbers_and_wrap_around() {
    let steps = ndjson(&[
        "simulate",
        "handshake",
        "--json",
        "--isn-client",
        "4294967295",
        "--isn-server",
        "0x10",
    ]);
    let segs: Vec<_> = steps.iter().filter(|o| o["kind"] == "segment").collect();
    assert_eq!(segs[0]["seq_raw"], 4_294_967_295u32);
    // SYN takes one sequence number: the ACK of it wraps to 0.
    assert_eq!(segs[1]["ack_raw"], 0);
    assert_eq!(segs[1]["seq_raw"], 16);
    assert_eq!(segs[2]["seq_raw"], 0);
    assert_eq!(segs[2]["seq"], 1);
    assert_eq!(segs[2]["ack_raw"], 17);
}

#[test]
fn lost_segments_and_retransmissions_are_marked() {
    let steps = ndjson(&["simulate", "syn-lost", "--json"]);
    let segs: Vec<_> = steps.iter().filter(|o| o["kind"] == "segment").collect();
    assert_eq!(segs[0]["lost"], true);
    assert_eq!(segs[1]["lost"], false);
    assert_eq!(segs[1]["analysis"], serde_json::json!(["retransmission"]));
    assert!((segs[1]["time"].as_f64().unwrap() - 1.01).abs() < 1e-9);
    let timer = steps.iter().find(|o| o["kind"] == "timer").unwrap();
    assert_eq!(timer["timer"], "retransmission");
    assert_eq!(timer["seconds"], 1.0);
}
