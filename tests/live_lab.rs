//! `synack live` for real: every script runs on loopback as root (CI is
//! root); elsewhere each test prints why it skips. All traffic stays on
//! 127.0.0.1 / ::1, and each lab picks its own free ports, so these tests
//! run in parallel with each other and with anything else on loopback.

use serde_json::Value;
use std::path::PathBuf;
use std::process::Command;

#[path = "common/live.rs"]
mod live;
use live::{can_sniff, ndjson, short_flags, synack};

fn tmp(name: &str) -> PathBuf {
    live::tmp("live", name)
}

fn segments(steps: &[Value]) -> Vec<&Value> {
    steps.iter().filter(|s| s["kind"] == "segment").collect()
}

/// What Linux really sends for each script on loopback (measured; see the
/// report in the live module's docs).
const EXPECTED: &[(&str, &[&str])] = &[
    (
        "default",
        &["S", "S.", ".", "P.", ".", "P.", ".", "F.", ".", "F.", "."],
    ),
    ("refused", &["S", "R."]),
    (
        "half-close",
        &["S", "S.", ".", "P.", ".", "F.", ".", "P.", ".", "F.", "."],
    ),
    ("abort", &["S", "S.", ".", "P.", ".", "P.", ".", "R."]),
    ("unread-close", &["S", "S.", ".", "P.", ".", "R."]),
    (
        "server-closes-first",
        &["S", "S.", ".", "P.", ".", "P.", ".", "F.", ".", "F.", "."],
    ),
    (
        "time-wait-reuse",
        &["S", "S.", ".", "F.", ".", "F.", ".", "S", "S.", "."],
    ),
];

fn u32_of(v: &Value) -> u32 {
    v.as_u64().unwrap() as u32
}

/// Check seq/ack against the ISNs the SYNs carried and the payloads.
fn check_sequence_numbers(segs: &[&Value]) {
    let syn = segs[0];
    assert_eq!(syn["flags"], serde_json::json!(["SYN"]));
    let isn_c = u32_of(&syn["seq_raw"]);
    let mut isn_s = None;
    if let Some(sa) = segs.iter().find(|s| short_flags(s) == "S.") {
        assert_eq!(
            u32_of(&sa["ack_raw"]),
            isn_c.wrapping_add(1),
            "SYN/ACK acks ISN+1"
        );
        isn_s = Some(u32_of(&sa["seq_raw"]));
    }
    // Each side's next sequence number, counting SYN and FIN as one.
    let mut next = [isn_c, isn_s.unwrap_or(0)];
    for s in segs {
        let from = if s["side"] == "client" { 0 } else { 1 };
        let isn = if from == 0 { Some(isn_c) } else { isn_s };
        let seq = u32_of(&s["seq_raw"]);
        if let Some(isn) = isn {
            assert_eq!(u32_of(&s["seq"]), seq.wrapping_sub(isn), "relative seq {s}");
            if !s["flags"].as_array().unwrap().contains(&"RST".into()) {
                assert_eq!(
                    seq, next[from],
                    "seq continues where the side left off: {s}"
                );
            }
        }
        let flags = short_flags(s);
        if flags.contains('.') {
            let peer_isn = if from == 0 { isn_s } else { Some(isn_c) };
            if let Some(p) = peer_isn {
                assert_eq!(
                    u32_of(&s["ack"]),
                    u32_of(&s["ack_raw"]).wrapping_sub(p),
                    "relative ack {s}"
                );
                assert_eq!(
                    u32_of(&s["ack_raw"]),
                    next[1 - from],
                    "acks all the peer sent: {s}"
                );
            }
        }
        let len = u32_of(&s["len"]);
        let space = len + u32::from(flags.contains('S')) + u32::from(flags.contains('F'));
        next[from] = seq.wrapping_add(space);
    }
}

fn run_script(script: &str, extra: &[&str]) -> (Vec<Value>, PathBuf) {
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
    let steps = ndjson(&synack(&args));
    (steps, pcap)
}

fn check_script(script: &str, expected: &[&str], extra: &[&str]) {
    let (steps, pcap) = run_script(script, extra);
    let segs = segments(&steps);
    let flags: Vec<String> = segs.iter().map(|s| short_flags(s)).collect();
    assert_eq!(flags, expected, "flags of `{script}`");

    // Frames numbered 1..n, each segment once (no outgoing duplicates).
    let frames: Vec<u64> = segs.iter().map(|s| s["frame"].as_u64().unwrap()).collect();
    assert_eq!(frames, (1..=segs.len() as u64).collect::<Vec<_>>());
    let mut seen = std::collections::HashSet::new();
    for s in &segs {
        let key = (
            s["sport"].clone().to_string(),
            s["seq_raw"].to_string(),
            s["ack_raw"].to_string(),
            s["flags"].to_string(),
            s["len"].to_string(),
        );
        assert!(seen.insert(key), "duplicated segment in `{script}`: {s}");
    }
    // One stream, the lab's own two ports only.
    assert!(segs.iter().all(|s| s["stream"] == 0));
    check_sequence_numbers(&segs);

    // The calls are there, and the segments each caused are attributed.
    let calls: Vec<&Value> = steps.iter().filter(|s| s["kind"] == "call").collect();
    assert!(!calls.is_empty());
    assert_eq!(segs[0]["call"], "connect()", "the SYN is connect()'s");
    for s in &segs {
        let f = short_flags(s);
        if f == "S." || f == "." {
            assert!(s["call"].is_null(), "the kernel sends {f} on its own: {s}");
        }
        if f == "P." {
            assert_eq!(s["call"], "write()");
        }
        if f == "F." {
            assert!(s["call"] == "close()" || s["call"] == "shutdown()", "{s}");
        }
        if f == "R." && s["side"] == "client" && script != "refused" {
            assert_eq!(s["call"], "close()");
        }
    }

    // The kernel's states agree with the inferred ones wherever they were
    // read, or the step says why not (the listener stays in LISTEN while a
    // request socket holds the half-open connection). From tracepoints
    // every step has them; from /proc, the last step of every call.
    let mut readings = 0;
    for (i, s) in steps.iter().enumerate() {
        if let Some(k) = s.get("kernel_state") {
            readings += 1;
            if s.get("kernel_note").is_none() {
                assert_eq!(
                    k,
                    &s["state"],
                    "`{script}` step {}: kernel vs inferred",
                    i + 1
                );
            }
        }
    }
    let traced = steps.iter().any(|s| s.get("kernel_transitions").is_some());
    if traced {
        assert_eq!(readings, steps.len(), "the kernel's states on every step");
    } else {
        assert_eq!(readings, calls.len(), "one kernel reading per call");
    }
    assert!(steps.last().unwrap().get("kernel_state").is_some());

    // The saved capture, read back, tells the same story.
    let back = ndjson(&synack(&["inspect", pcap.to_str().unwrap(), "--json"]));
    let back = segments(&back);
    assert_eq!(
        back.len(),
        segs.len(),
        "`{script}`: the pcap has every segment"
    );
    for (a, b) in segs.iter().zip(&back) {
        for field in [
            "frame", "stream", "src", "sport", "dst", "dport", "flags", "seq_raw", "ack_raw",
            "seq", "ack", "len", "win", "state",
        ] {
            assert_eq!(
                a[field], b[field],
                "`{script}` {field}: live {a} vs inspect {b}"
            );
        }
    }
    let _ = std::fs::remove_dir_all(pcap.parent().unwrap());
}

#[test]
fn default_script() {
    if !can_sniff() {
        return;
    }
    let (name, flags) = EXPECTED[0];
    check_script(name, flags, &[]);
    let (steps, _) = run_script(name, &[]);
    let last = steps.last().unwrap();
    assert_eq!(last["kernel_state"]["client"], "TIME_WAIT");
    assert_eq!(last["kernel_state"]["server"], "CLOSED");
}

#[test]
fn refused_script() {
    if !can_sniff() {
        return;
    }
    check_script("refused", EXPECTED[1].1, &[]);
    let (steps, _) = run_script("refused", &[]);
    assert_eq!(steps[0]["call"], "connect()");
    // connect() fails when the RST comes back, not before its SYN: the
    // call step has no result yet, the RST step says it failed.
    assert!(steps[0]["result"].is_null(), "{}", steps[0]);
    let rst = steps
        .iter()
        .position(|s| {
            s["flags"]
                .as_array()
                .is_some_and(|f| f.iter().any(|x| x == "RST"))
        })
        .expect("an RST");
    let syn = steps
        .iter()
        .position(|s| {
            s["flags"]
                .as_array()
                .is_some_and(|f| f.iter().any(|x| x == "SYN"))
        })
        .expect("a SYN");
    assert!(syn < rst);
    let said = steps[rst]["calls"]["client"].as_str().unwrap_or_default();
    assert!(said.contains("ECONNREFUSED"), "{}", steps[rst]);
    assert!(
        steps[..rst]
            .iter()
            .all(|s| !s.to_string().contains("ECONNREFUSED")),
        "ECONNREFUSED told before the RST came"
    );
}

#[test]
fn half_close_script() {
    if !can_sniff() {
        return;
    }
    check_script("half-close", EXPECTED[2].1, &[]);
}

#[test]
fn abort_script() {
    if !can_sniff() {
        return;
    }
    check_script("abort", EXPECTED[3].1, &[]);
    let (steps, _) = run_script("abort", &[]);
    let read = steps
        .iter()
        .rev()
        .find(|s| s["call"] == "read()" && s["kind"] == "call")
        .unwrap();
    assert_eq!(read["result"], "ECONNRESET");
}

#[test]
fn unread_close_script() {
    if !can_sniff() {
        return;
    }
    check_script("unread-close", EXPECTED[4].1, &[]);
}

#[test]
fn server_closes_first_script() {
    if !can_sniff() {
        return;
    }
    check_script("server-closes-first", EXPECTED[5].1, &[]);
    let (steps, _) = run_script("server-closes-first", &[]);
    let last = steps.last().unwrap();
    assert_eq!(last["kernel_state"]["server"], "TIME_WAIT");
}

/// RFC 9293 §3.6.1 / RFC 6191 on Linux: a SYN for a four-tuple whose
/// server end is in TIME_WAIT opens a new connection at once; the timer
/// does not have to run out first.
#[test]
fn time_wait_reuse_script() {
    if !can_sniff() {
        return;
    }
    let (steps, _) = run_script("time-wait-reuse", &[]);
    let segs = segments(&steps);
    let flags: Vec<String> = segs.iter().map(|s| short_flags(s)).collect();
    assert_eq!(flags, EXPECTED[6].1);
    let syn2 = segs[7];
    assert_eq!(syn2["stream"], 1, "the second SYN starts a new stream");
    assert_eq!(syn2["sport"], segs[0]["sport"], "from the same client port");
    // When the new SYN left, the server's old connection was in TIME_WAIT.
    let tw = steps
        .iter()
        .rev()
        .find(|s| s["stream"] == 0 && s.get("kernel_state").is_some())
        .unwrap();
    assert_eq!(tw["kernel_state"]["server"], "TIME_WAIT");
    assert!(syn2["time"].as_f64().unwrap() < 5.0, "long before 60 s");
    let last = steps.last().unwrap();
    assert_eq!(last["stream"], 1);
    assert_eq!(last["kernel_state"]["client"], "ESTABLISHED");
    assert_eq!(last["kernel_state"]["server"], "ESTABLISHED");
}

#[test]
fn every_script_is_tested_and_listed() {
    let names: Vec<&str> = synack::source::lab::script::SCRIPTS
        .iter()
        .map(|s| s.name)
        .collect();
    let tested: Vec<&str> = EXPECTED.iter().map(|(n, _)| *n).collect();
    assert_eq!(names, tested);
    let o = synack(&["live", "--list"]);
    assert!(o.status.success());
    let text = String::from_utf8_lossy(&o.stdout);
    for n in names {
        assert!(text.lines().any(|l| l.starts_with(n)), "{n} in --list");
    }
}

#[test]
fn ipv6_default_script() {
    if !can_sniff() {
        return;
    }
    if std::net::TcpListener::bind("[::1]:0").is_err() {
        eprintln!("SKIP: no IPv6 loopback here");
        return;
    }
    let (name, flags) = EXPECTED[0];
    check_script(name, flags, &["--ipv6"]);
    let (steps, _) = run_script(name, &["--ipv6"]);
    assert_eq!(segments(&steps)[0]["src"], "::1");
}

#[test]
fn a_large_write_is_captured_whole() {
    if !can_sniff() {
        return;
    }
    let (steps, pcap) = run_script("default", &["--bytes", "20000"]);
    let segs = segments(&steps);
    let client_data: u64 = segs
        .iter()
        .filter(|s| s["side"] == "client")
        .map(|s| s["len"].as_u64().unwrap())
        .sum();
    assert_eq!(client_data, 20000);
    let write = steps
        .iter()
        .find(|s| s["kind"] == "call" && s["call"] == "write()")
        .unwrap();
    assert_eq!(write["result"], 20000);
    let mut frames = 0;
    for f in synack::pcap::CaptureReader::open(&pcap).unwrap() {
        let f = f.unwrap();
        assert_eq!(
            f.data.len() as u32,
            f.orig_len,
            "frame {} cut short",
            f.index
        );
        frames += 1;
    }
    assert_eq!(frames, segs.len());
    let _ = std::fs::remove_dir_all(pcap.parent().unwrap());
}

#[test]
fn plain_output_shows_the_kernel_beside_the_ladder() {
    if !can_sniff() {
        return;
    }
    let o = synack(&["live", "--auto", "--plain", "--brief"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.contains("live lab: default"));
    assert!(text.contains("kernel states"));
    assert!(!text.contains("DIFFERS"), "{text}");
    assert!(text.contains("final states: client TIME_WAIT, server CLOSED"));
}

#[test]
fn save_refuses_to_overwrite_without_force() {
    let dir = tmp("overwrite");
    let pcap = dir.join("lab.pcap");
    std::fs::write(&pcap, b"keep me").unwrap();
    let o = synack(&["live", "--auto", "--json", "--save", pcap.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(err.contains("--force"), "{err}");
    assert_eq!(std::fs::read(&pcap).unwrap(), b"keep me");
    if can_sniff() {
        let o = synack(&[
            "live",
            "--auto",
            "--json",
            "--force",
            "--save",
            pcap.to_str().unwrap(),
        ]);
        assert!(o.status.success());
        assert_ne!(std::fs::read(&pcap).unwrap(), b"keep me");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn an_unknown_script_is_one_line_and_exit_1() {
    let o = synack(&["live", "--script", "nope", "--auto"]);
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("--list"), "{err}");
}

#[test]
fn without_cap_net_raw_it_says_how_to_run_it() {
    if !can_sniff() {
        return;
    }
    let Ok(status) = Command::new("setpriv").arg("--version").output() else {
        eprintln!("SKIP: setpriv is not installed");
        return;
    };
    if !status.status.success() {
        eprintln!("SKIP: setpriv does not run");
        return;
    }
    for cmd in [
        &["live", "--auto", "--json"][..],
        &["sniff", "--count", "1"][..],
    ] {
        let o = Command::new("setpriv")
            .arg("--bounding-set=-net_raw")
            .arg(env!("CARGO_BIN_EXE_synack"))
            .args(cmd)
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(1), "{cmd:?}");
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(err.trim().lines().count(), 1, "{err}");
        assert!(err.contains("CAP_NET_RAW") && err.contains("sudo"), "{err}");
        assert!(o.stdout.is_empty());
    }
}

/// Under sudo the saved capture belongs to the user who ran sudo, not
/// root: synack becomes that user before creating it, so it is created in
/// a directory that user may write (here: one they own).
#[test]
fn a_capture_saved_under_sudo_belongs_to_the_sudo_user() {
    if !can_sniff() {
        return;
    }
    use std::os::unix::fs::MetadataExt;
    let dir = tmp("sudo-owner");
    std::os::unix::fs::chown(&dir, Some(4242), Some(4343)).unwrap();
    let path = dir.join("mine.pcap");
    let out = Command::new(env!("CARGO_BIN_EXE_synack"))
        .args(["live", "--auto", "--json", "--save", path.to_str().unwrap()])
        .env("SUDO_UID", "4242")
        .env("SUDO_GID", "4343")
        .output()
        .expect("run synack");
    ndjson(&out);
    let meta = std::fs::metadata(&path).expect("the capture was written");
    assert_eq!((meta.uid(), meta.gid()), (4242, 4343));
    assert_eq!(meta.mode() & 0o777, 0o600);
    std::fs::remove_dir_all(&dir).unwrap();
}
