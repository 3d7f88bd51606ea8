//! The live lab's kernel states from tracepoints (a private tracefs
//! instance per run). Root only, like CI; elsewhere, or on a kernel
//! without tracefs or the events, each test prints why it skips. Only
//! loopback is traced, and each lab filters on its own ports.

use serde_json::Value;
use std::path::PathBuf;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

/// The tracefs root, mounting it as synack would; `None` (and a printed
/// reason) when the tests cannot use it.
fn tracefs() -> Option<PathBuf> {
    if synack::source::kernel::sniffer::RawSocket::open("lo").is_err() {
        eprintln!("SKIP: needs root (CAP_NET_RAW, tracefs)");
        return None;
    }
    let find = || {
        ["/sys/kernel/tracing", "/sys/kernel/debug/tracing"]
            .iter()
            .map(PathBuf::from)
            .find(|p| p.join("instances").is_dir())
    };
    if find().is_none() {
        let _ = Command::new("mount")
            .args(["-t", "tracefs", "nodev", "/sys/kernel/tracing"])
            .status();
    }
    let root = find();
    match &root {
        Some(r) if r.join("events/sock/inet_sock_set_state").is_dir() => root,
        Some(_) => {
            eprintln!("SKIP: this kernel has no sock:inet_sock_set_state tracepoint");
            None
        }
        None => {
            eprintln!("SKIP: tracefs is not mounted and cannot be mounted");
            None
        }
    }
}

fn synack(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_synack"))
        .args(args)
        .env_remove("SYNACK_NO_TRACEFS")
        .output()
        .expect("run synack")
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

fn lab(script: &str) -> Vec<Value> {
    ndjson(&synack(&["live", "--script", script, "--auto", "--json"]))
}

fn scripts() -> Vec<String> {
    let o = synack(&["live", "--list"]);
    String::from_utf8_lossy(&o.stdout)
        .lines()
        .filter_map(|l| l.split_whitespace().next().map(str::to_string))
        .collect()
}

/// `side socket FROM→TO` for every transition of a step.
fn transitions(step: &Value) -> Vec<String> {
    step["kernel_transitions"]
        .as_array()
        .expect("kernel_transitions")
        .iter()
        .map(|t| {
            format!(
                "{} {} {}→{}",
                t["side"].as_str().unwrap(),
                t["socket"].as_str().unwrap(),
                t["from"].as_str().unwrap(),
                t["to"].as_str().unwrap()
            )
        })
        .collect()
}

fn flags(step: &Value) -> Vec<&str> {
    step["flags"]
        .as_array()
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default()
}

#[test]
fn every_step_of_every_script_carries_the_kernels_states_and_changes() {
    if tracefs().is_none() {
        return;
    }
    let names = scripts();
    assert!(names.len() >= 7, "scripts: {names:?}");
    for name in &names {
        let steps = lab(name);
        assert!(!steps.is_empty(), "{name}: no steps");
        if name == "udp" {
            // UDP sockets have no states for the kernel to report.
            assert!(
                steps.iter().all(|s| s.get("kernel_state").is_none()),
                "udp: a kernel state"
            );
            continue;
        }
        for (i, s) in steps.iter().enumerate() {
            let k = &s["kernel_state"];
            assert!(
                k["client"].is_string() && k["server"].is_string(),
                "{name} step {}: no kernel_state in {s}",
                i + 1
            );
            assert!(s["kernel_transitions"].is_array(), "{name} step {}", i + 1);
            // Agreement, or the reason why not.
            if *k != s["state"] {
                let note = s["kernel_note"].as_str().unwrap_or("");
                assert!(
                    !note.is_empty(),
                    "{name} step {}: kernel {k} differs from {} without a note",
                    i + 1,
                    s["state"]
                );
            }
            // The client's last change is the state the step reports.
            if let Some(last) = s["kernel_transitions"]
                .as_array()
                .unwrap()
                .iter()
                .rfind(|t| t["side"] == "client")
            {
                assert_eq!(last["to"], k["client"], "{name} step {}: {s}", i + 1);
            }
        }
        // The only differences Linux really has: the listener stays in
        // LISTEN while a request socket holds the half-open connection.
        for s in &steps {
            if s["kernel_state"] != s["state"] {
                assert_eq!(s["kernel_state"]["server"], "LISTEN", "{name}: {s}");
                assert_eq!(s["state"]["server"], "SYN_RECEIVED", "{name}: {s}");
                assert!(
                    s["kernel_note"]
                        .as_str()
                        .unwrap()
                        .contains("request socket"),
                    "{name}: {s}"
                );
            }
        }
    }
}

#[test]
fn the_handshake_as_linux_runs_it() {
    if tracefs().is_none() {
        return;
    }
    let steps = lab("default");
    let connect = steps
        .iter()
        .find(|s| s["kind"] == "call" && s["call"] == "connect()")
        .unwrap();
    assert_eq!(transitions(connect), ["client connection CLOSED→SYN_SENT"]);
    let segs: Vec<&Value> = steps.iter().filter(|s| s["kind"] == "segment").collect();
    let (syn, synack_, ack) = (segs[0], segs[1], segs[2]);
    assert_eq!(flags(syn), ["SYN"]);
    // The SYN changes no full socket: the listener stays in LISTEN.
    assert!(transitions(syn).is_empty(), "{syn}");
    assert_eq!(syn["kernel_state"]["server"], "LISTEN");
    assert!(syn["kernel_note"].as_str().unwrap().contains("LISTEN"));
    assert_eq!(
        transitions(synack_),
        ["client connection SYN_SENT→ESTABLISHED"]
    );
    // The third segment creates the connection's own socket.
    assert_eq!(
        transitions(ack),
        [
            "server connection LISTEN→SYN_RECEIVED",
            "server connection SYN_RECEIVED→ESTABLISHED"
        ]
    );
    assert_eq!(ack["kernel_state"], ack["state"]);
    // Each change comes with its time, on the steps' clock, in order.
    let t = |s: &Value| s["kernel_transitions"][0]["t"].as_f64().unwrap();
    assert!(t(connect) <= t(synack_) && t(synack_) <= t(ack));
    assert!(t(ack) >= ack["time"].as_f64().unwrap());
}

#[test]
fn time_wait_is_held_by_a_small_time_wait_socket() {
    if tracefs().is_none() {
        return;
    }
    let steps = lab("default");
    let all: Vec<String> = steps.iter().flat_map(transitions).collect();
    let closed = all
        .iter()
        .position(|t| t == "client connection FIN_WAIT_2→CLOSED")
        .unwrap_or_else(|| panic!("{all:?}"));
    assert!(
        all[closed + 1..]
            .iter()
            .any(|t| t.starts_with("client time_wait ") && t.ends_with("→TIME_WAIT")),
        "{all:?}"
    );
    let last = steps.last().unwrap();
    assert_eq!(last["kernel_state"]["client"], "TIME_WAIT");
}

#[test]
fn the_kernels_reset_is_shown_as_such() {
    if tracefs().is_none() {
        return;
    }
    let steps = lab("refused");
    let rst = steps
        .iter()
        .find(|s| flags(s).contains(&"RST"))
        .expect("an RST");
    let events: Vec<&str> = rst["kernel_events"]
        .as_array()
        .expect("kernel_events on the RST")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert!(
        events
            .iter()
            .any(|e| e.contains("server's kernel sent this RST")),
        "{events:?}"
    );
    assert_eq!(transitions(rst), ["client connection SYN_SENT→CLOSED"]);
}

#[test]
fn two_labs_at_once_see_only_their_own_sockets() {
    if tracefs().is_none() {
        return;
    }
    let spawn = || {
        Command::new(env!("CARGO_BIN_EXE_synack"))
            .args(["live", "--auto", "--json"])
            .env_remove("SYNACK_NO_TRACEFS")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    };
    let (a, b) = (spawn(), spawn());
    let (a, b) = (a.wait_with_output().unwrap(), b.wait_with_output().unwrap());
    let changes = |o: &Output| -> Vec<String> { ndjson(o).iter().flat_map(transitions).collect() };
    let (ca, cb) = (changes(&a), changes(&b));
    assert_eq!(ca, cb, "the two labs saw different changes");
    // Exactly one listener, one client and one connection each.
    assert_eq!(
        ca.iter().filter(|t| t.ends_with("CLOSED→SYN_SENT")).count(),
        1,
        "{ca:?}"
    );
    assert_eq!(
        ca.iter()
            .filter(|t| t.ends_with("LISTEN→SYN_RECEIVED"))
            .count(),
        1,
        "{ca:?}"
    );
}

fn instance(root: &std::path::Path, pid: u32) -> PathBuf {
    root.join(format!("instances/synack-{pid}"))
}

fn wait_for(what: &str, limit: Duration, mut ok: impl FnMut() -> bool) {
    let end = Instant::now() + limit;
    while !ok() {
        assert!(Instant::now() < end, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(2));
    }
}

/// A lab that runs a while (the time-wait-reuse script waits in TIME_WAIT).
fn long_lab() -> Child {
    Command::new(env!("CARGO_BIN_EXE_synack"))
        .args(["live", "--script", "time-wait-reuse", "--auto", "--json"])
        .env_remove("SYNACK_NO_TRACEFS")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

#[test]
fn the_instance_is_removed_after_a_run() {
    let Some(root) = tracefs() else { return };
    let mut child = long_lab();
    let dir = instance(&root, child.id());
    wait_for("the instance", Duration::from_secs(5), || dir.is_dir());
    assert!(child.wait().unwrap().success());
    assert!(!dir.exists(), "{} left behind", dir.display());
}

#[test]
fn the_instance_is_removed_after_sigterm_and_after_kill_9() {
    let Some(root) = tracefs() else { return };
    for sig in ["TERM", "KILL"] {
        let mut child = long_lab();
        let dir = instance(&root, child.id());
        wait_for("the instance", Duration::from_secs(5), || dir.is_dir());
        std::thread::sleep(Duration::from_millis(100));
        let s = Command::new("kill")
            .args([&format!("-{sig}"), &child.id().to_string()])
            .status()
            .unwrap();
        assert!(s.success());
        let _ = child.wait();
        // After kill -9 the helper, not synack, removes it.
        wait_for(
            &format!("removal after SIG{sig}"),
            Duration::from_secs(5),
            || !dir.exists(),
        );
    }
}

#[test]
fn privileges_are_dropped_while_the_instance_lives() {
    let Some(root) = tracefs() else { return };
    let mut child = long_lab();
    let dir = instance(&root, child.id());
    let status = PathBuf::from(format!("/proc/{}/status", child.id()));
    let cap_eff = || {
        std::fs::read_to_string(&status)
            .ok()
            .and_then(|s| {
                s.lines()
                    .find_map(|l| l.strip_prefix("CapEff:").map(|v| v.trim().to_string()))
            })
            .unwrap_or_default()
    };
    wait_for("CapEff 0", Duration::from_secs(5), || {
        cap_eff() == "0000000000000000" && dir.is_dir()
    });
    let _ = child.wait();
}

#[test]
fn without_tracefs_the_lab_says_so_once_and_reads_proc() {
    if tracefs().is_none() {
        return;
    }
    let o = Command::new(env!("CARGO_BIN_EXE_synack"))
        .args(["live", "--auto", "--json"])
        .env("SYNACK_NO_TRACEFS", "1")
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    let note = "kernel states from /proc/net/tcp, read once per call: tracefs is not available: ";
    assert_eq!(err.matches(note).count(), 1, "{err}");
    let steps = ndjson(&o);
    assert!(steps.iter().all(|s| s.get("kernel_transitions").is_none()));
    assert!(steps.iter().any(|s| s["kernel_state"].is_object()));
}
