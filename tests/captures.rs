//! The sample captures in `captures/` stay in step with the code.
//!
//! - every scenario of `synack scenarios` has `captures/sim-NAME.pcap`, and
//!   that file is byte for byte what `synack simulate NAME --export` writes
//!   today (when it is not, the message gives the command that remakes it);
//! - every script of `synack live --list` has `captures/live-SCRIPT.pcap`, a
//!   real recording: it cannot be compared byte for byte (ports and initial
//!   sequence numbers change on every run), so the test reads it back and
//!   checks its sequence of flags;
//! - `synack inspect FILE --json` and `--summary --json` work on every file;
//! - `captures/README.md` has a line for every file.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn crate_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn captures_dir() -> PathBuf {
    crate_dir().join("captures")
}

fn synack(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_synack"))
        .args(args)
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env("LANG", "C")
        .output()
        .expect("run synack")
}

fn synack_ok(args: &[&str]) -> String {
    let out = synack(args);
    assert!(
        out.status.success(),
        "synack {} exited with {}: {}",
        args.join(" "),
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8 output")
}

/// The first word of each line of a listing (`synack scenarios`, `live --list`).
fn first_words(listing: &str) -> Vec<String> {
    listing
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .map(str::to_string)
        .collect()
}

fn scenarios() -> Vec<String> {
    let names = first_words(&synack_ok(&["scenarios"]));
    assert!(
        names.len() >= 10,
        "synack scenarios listed too few: {names:?}"
    );
    names
}

fn live_scripts() -> Vec<String> {
    let names = first_words(&synack_ok(&["live", "--list"]));
    assert!(!names.is_empty(), "synack live --list listed nothing");
    names
}

fn tmpdir(test: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("synack-captures-{test}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn json_lines(text: &str) -> Vec<serde_json::Value> {
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("bad JSON line {l:?}: {e}")))
        .collect()
}

/// One segment's flags as tcpdump writes them: `S`, `S.`, `.`, `P.`, `F.`, `R.`.
fn tcpdump_flags(flags: &serde_json::Value) -> String {
    let names: Vec<&str> = flags
        .as_array()
        .expect("flags is an array")
        .iter()
        .map(|f| f.as_str().expect("flag name"))
        .collect();
    let mut s = String::new();
    for (name, c) in [
        ("SYN", 'S'),
        ("FIN", 'F'),
        ("PSH", 'P'),
        ("RST", 'R'),
        ("URG", 'U'),
    ] {
        if names.contains(&name) {
            s.push(c);
        }
    }
    if names.contains(&"ACK") {
        s.push('.');
    }
    s
}

/// Reads a capture back with `inspect --json` and `inspect --summary --json`;
/// returns its segments (or, for the UDP recording, its datagrams).
fn inspect(path: &Path) -> Vec<serde_json::Value> {
    let p = path.to_str().unwrap();
    let steps = json_lines(&synack_ok(&["inspect", p, "--json"]));
    assert!(
        !steps.is_empty(),
        "synack inspect {p} --json printed no step"
    );
    for s in &steps {
        assert!(
            s["kind"] == "segment" || s["kind"] == "datagram",
            "{p}: inspect gives only segments and datagrams: {s}"
        );
    }
    // A summary has a row per TCP connection.
    let summary = json_lines(&synack_ok(&["inspect", p, "--summary", "--json"]));
    assert_eq!(
        summary.is_empty(),
        steps.iter().all(|s| s["kind"] == "datagram"),
        "synack inspect {p} --summary --json: a row per TCP connection"
    );
    steps
}

#[test]
fn every_scenario_has_an_up_to_date_export() {
    let dir = tmpdir("sim");
    let mut problems = Vec::new();
    for name in scenarios() {
        let file = format!("sim-{name}.pcap");
        let committed = captures_dir().join(&file);
        let regenerate = format!("synack simulate {name} --export captures/{file} --force");
        let fresh = dir.join(&file);
        synack_ok(&["simulate", &name, "--export", fresh.to_str().unwrap()]);
        let fresh_bytes = std::fs::read(&fresh).unwrap();
        match std::fs::read(&committed) {
            Err(_) => problems.push(format!(
                "captures/{file} is missing; make it with:\n    {regenerate}"
            )),
            Ok(bytes) if bytes != fresh_bytes => problems.push(format!(
                "captures/{file} differs from what the code exports now ({} bytes, now {}); \
                 if the change is intended, remake it with:\n    {regenerate}",
                bytes.len(),
                fresh_bytes.len()
            )),
            Ok(_) => {}
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn every_capture_reads_back() {
    let mut count = 0;
    for entry in std::fs::read_dir(captures_dir()).unwrap() {
        let path = entry.unwrap().path();
        if path
            .extension()
            .is_some_and(|e| e == "pcap" || e == "pcapng")
        {
            inspect(&path);
            count += 1;
        }
    }
    assert!(count > 0, "no capture in captures/");
}

#[test]
fn simulated_exports_read_back_as_the_simulation() {
    // The segments in the file are the simulation's, in the same order (a
    // lost segment is in the file too: a capture beside its sender sees it).
    for name in scenarios() {
        let path = captures_dir().join(format!("sim-{name}.pcap"));
        if !path.exists() {
            continue; // reported by every_scenario_has_an_up_to_date_export
        }
        let sim: Vec<String> = json_lines(&synack_ok(&["simulate", &name, "--json"]))
            .iter()
            .filter(|s| s["kind"] == "segment")
            .map(|s| tcpdump_flags(&s["flags"]))
            .collect();
        let file: Vec<String> = inspect(&path)
            .iter()
            .map(|s| tcpdump_flags(&s["flags"]))
            .collect();
        assert_eq!(
            file, sim,
            "captures/sim-{name}.pcap read back: flags differ from the simulation"
        );
    }
}

/// The flags each live script must show, one entry per segment.
fn expected_live_flags(script: &str) -> Option<&'static [&'static str]> {
    Some(match script {
        "default" | "server-closes-first" => {
            &["S", "S.", ".", "P.", ".", "P.", ".", "F.", ".", "F.", "."]
        }
        "refused" => &["S", "R."],
        "half-close" => &["S", "S.", ".", "P.", ".", "F.", ".", "P.", ".", "F.", "."],
        "abort" => &["S", "S.", ".", "P.", ".", "P.", ".", "R."],
        "unread-close" => &["S", "S.", ".", "P.", ".", "R."],
        "time-wait-reuse" => &["S", "S.", ".", "F.", ".", "F.", ".", "S", "S.", "."],
        // One write's segment and its ACK per message: a request and its
        // response; the upgrade, the 101, two text frames, two close frames.
        "http" => &["S", "S.", ".", "P.", ".", "P.", ".", "F.", ".", "F.", "."],
        "websocket" => &[
            "S", "S.", ".", "P.", ".", "P.", ".", "P.", ".", "P.", ".", "P.", ".", "P.", ".", "F.",
            ".", "F.", ".",
        ],
        // Several connections, each shown on its own (below): the chat's
        // three lines reach each client as two reads and it writes one; the
        // backlog's connections only open and close (the SYNs a full accept
        // queue dropped are sent again: runs of SYNs count as one here, as
        // how many depends on timing).
        "chat" => &[
            "S", "S.", ".", "P.", ".", "P.", ".", "P.", ".", "F.", ".", "F.", ".",
        ],
        "backlog" => &["S", "S.", ".", "F.", ".", "F.", "."],
        _ => return None,
    })
}

/// How many connections each live script makes (UDP: conversations).
fn expected_live_streams(script: &str) -> usize {
    match script {
        "time-wait-reuse" => 2,
        "chat" => 3,
        "backlog" => 4,
        _ => 1,
    }
}

/// One connection's flags, with a run of SYNs counted once.
fn stream_flags(steps: &[serde_json::Value], stream: i64) -> Vec<String> {
    let mut flags: Vec<String> = Vec::new();
    for s in steps.iter().filter(|s| s["stream"] == stream) {
        let f = tcpdump_flags(&s["flags"]);
        if !(f == "S" && flags.last().is_some_and(|l| l == "S")) {
            flags.push(f);
        }
    }
    flags
}

#[test]
fn every_live_script_has_a_recording_with_the_expected_flags() {
    let mut problems = Vec::new();
    for script in live_scripts() {
        let file = format!("live-{script}.pcap");
        let path = captures_dir().join(&file);
        let record = format!(
            "sudo synack live --auto --script {script} --save captures/{file} --force --plain"
        );
        if !path.exists() {
            problems.push(format!(
                "captures/{file} is missing; record it (as root) with:\n    {record}"
            ));
            continue;
        }
        let steps = inspect(&path);
        let streams: std::collections::BTreeSet<i64> = steps
            .iter()
            .map(|s| s["stream"].as_i64().unwrap())
            .collect();
        let want_streams = expected_live_streams(&script);
        if streams.len() != want_streams {
            problems.push(format!(
                "captures/{file}: {} connections, expected {want_streams}",
                streams.len()
            ));
        }
        for s in &steps {
            if s["src"] != "127.0.0.1" && s["src"] != "::1" {
                problems.push(format!("captures/{file}: a segment not on loopback: {s}"));
            }
        }
        if script == "udp" {
            // UDP: three datagrams (ping, pong, the one nobody receives),
            // no segment.
            let lens: Vec<u64> = steps
                .iter()
                .filter(|s| s["kind"] == "datagram")
                .map(|s| s["len"].as_u64().unwrap())
                .collect();
            if lens != [4, 4, 13] || steps.iter().any(|s| s["kind"] != "datagram") {
                problems.push(format!(
                    "captures/{file}: datagrams of {lens:?} bytes, expected [4, 4, 13] and nothing else; \
                     record it again:\n    {record}"
                ));
            }
            continue;
        }
        let flags: Vec<String> = if want_streams > 1 && script != "time-wait-reuse" {
            // Each connection must show the same story.
            let per: Vec<Vec<String>> = streams.iter().map(|&n| stream_flags(&steps, n)).collect();
            if per.windows(2).any(|w| w[0] != w[1]) {
                problems.push(format!("captures/{file}: the connections differ: {per:?}"));
            }
            per.into_iter().next().unwrap_or_default()
        } else {
            steps.iter().map(|s| tcpdump_flags(&s["flags"])).collect()
        };
        match expected_live_flags(&script) {
            None => problems.push(format!(
                "live script {script} is new: add its flags to expected_live_flags in tests/captures.rs \
                 (recorded: {flags:?})"
            )),
            Some(want) if flags != want => problems.push(format!(
                "captures/{file}: flags {flags:?}, expected {want:?}; if the script changed, record it again:\n    {record}"
            )),
            Some(_) => {}
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn live_recordings_end_in_the_expected_states() {
    // What the kernel does at the end of each script, read back from the file.
    let want = [
        ("default", "TIME_WAIT", "CLOSED"),
        ("server-closes-first", "CLOSED", "TIME_WAIT"),
        ("half-close", "TIME_WAIT", "CLOSED"),
        ("abort", "CLOSED", "CLOSED"),
        ("unread-close", "CLOSED", "CLOSED"),
        ("refused", "CLOSED", "CLOSED"),
        ("time-wait-reuse", "ESTABLISHED", "ESTABLISHED"),
        ("chat", "TIME_WAIT", "CLOSED"),
        ("backlog", "TIME_WAIT", "CLOSED"),
    ];
    for (script, client, server) in want {
        let path = captures_dir().join(format!("live-{script}.pcap"));
        if !path.exists() {
            continue; // reported by the test above
        }
        let steps = inspect(&path);
        let last = steps.last().unwrap();
        assert_eq!(
            (
                last["state"]["client"].as_str(),
                last["state"]["server"].as_str()
            ),
            (Some(client), Some(server)),
            "captures/live-{script}.pcap: final states"
        );
    }
}

#[test]
fn readme_describes_every_capture() {
    let readme = std::fs::read_to_string(captures_dir().join("README.md")).unwrap();
    let mut missing = Vec::new();
    for entry in std::fs::read_dir(captures_dir()).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        if (name.ends_with(".pcap") || name.ends_with(".pcapng")) && !readme.contains(&name) {
            missing.push(name);
        }
    }
    assert!(
        missing.is_empty(),
        "captures/README.md says nothing about: {missing:?}"
    );
}
