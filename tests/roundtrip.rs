//! Every scenario, exported to pcap and read back by `inspect`, tells the
//! same story as the simulation: the same segments, relative numbers,
//! analysis marks, socket calls and states. Where tshark is installed it
//! must read each export with no malformed packet and no bad checksum.

use std::path::{Path, PathBuf};
use std::process::Command;

mod common;
use common::ndjson as synack;

/// A directory of this test's own: the tests run in parallel.
fn tmpdir(test: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("synack-{test}-{}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// Where a capture cannot show what the simulation knows. A lost segment is
/// in the export (a capture beside its sender sees it leave), so reading the
/// file back it arrives; FINs that cross on the wire are taken in when the
/// capture shows their ACK. Final states still agree.
const STATES_MAY_DIFFER: [&str; 4] = ["syn-lost", "syn-ack-lost", "fin-lost", "simultaneous-close"];

fn export(name: &str, dir: &Path) -> PathBuf {
    let path = dir.join(format!("{name}.pcap"));
    let _ = std::fs::remove_file(&path);
    let out = Command::new(env!("CARGO_BIN_EXE_synack"))
        .args([
            "simulate",
            name,
            "--export",
            path.to_str().unwrap(),
            "--json",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    path
}

#[test]
fn exported_scenarios_read_back_the_same() {
    let dir = tmpdir("roundtrip");
    for name in synack::source::scenario::NAMES {
        let path = export(name, &dir);
        let sim: Vec<_> = synack(&["simulate", name, "--json"])
            .into_iter()
            .filter(|o| o["kind"] == "segment")
            .collect();
        let cap = synack(&["inspect", path.to_str().unwrap(), "--json"]);
        assert_eq!(sim.len(), cap.len(), "{name}: segment count");
        for (i, (s, c)) in sim.iter().zip(&cap).enumerate() {
            let ctx = format!("{name} segment {}", i + 1);
            for key in [
                "frame", "stream", "src", "sport", "dst", "dport", "flags", "seq_raw", "ack_raw",
                "seq", "ack", "len", "win", "analysis",
            ] {
                assert_eq!(s[key], c[key], "{ctx}: {key}");
            }
            // A capture's clock starts at its first frame.
            let t = |v: &serde_json::Value| v["time"].as_f64().unwrap();
            assert!((t(s) - t(&sim[0]) - t(c)).abs() < 1e-6, "{ctx}: time");
            // A FIN looks the same whether close() or shutdown() sent it.
            let sim_call = if s["call"] == "shutdown()" {
                serde_json::json!("close()")
            } else {
                s["call"].clone()
            };
            assert_eq!(sim_call, c["call"], "{ctx}: call");
            if !STATES_MAY_DIFFER.contains(&name) {
                assert_eq!(s["state"], c["state"], "{ctx}: states");
            }
        }
        let last = |v: &[serde_json::Value]| v.last().unwrap()["state"].clone();
        assert_eq!(last(&sim), last(&cap), "{name}: final states");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn tshark_reads_every_export_cleanly() {
    if !Command::new("tshark")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
    {
        println!("SKIP: tshark is not installed (.ci/run installs it)");
        return;
    }
    let dir = tmpdir("tshark");
    for name in synack::source::scenario::NAMES {
        let path = export(name, &dir);
        let path = path.to_str().unwrap();
        let problems = Command::new("tshark")
            .args([
                "-r",
                path,
                "-o",
                "tcp.check_checksum:TRUE",
                "-o",
                "ip.check_checksum:TRUE",
            ])
            .args([
                "-Y",
                "_ws.malformed || ip.checksum.status == 0 || tcp.checksum.status == 0",
            ])
            .output()
            .unwrap();
        assert!(problems.status.success(), "{name}: tshark failed");
        let listed = String::from_utf8_lossy(&problems.stdout);
        assert!(
            listed.trim().is_empty(),
            "{name}: tshark complains:\n{listed}"
        );
        // And tshark sees the segments synack simulated.
        let all = Command::new("tshark")
            .args(["-r", path, "-T", "fields", "-e", "tcp.seq_raw"])
            .output()
            .unwrap();
        let tshark_seqs: Vec<u64> = String::from_utf8_lossy(&all.stdout)
            .lines()
            .map(|l| l.trim().parse().unwrap())
            .collect();
        let ours: Vec<u64> = synack(&["simulate", name, "--json"])
            .iter()
            .filter(|o| o["kind"] == "segment")
            .map(|o| o["seq_raw"].as_u64().unwrap())
            .collect();
        assert_eq!(tshark_seqs, ours, "{name}");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn export_never_overwrites_without_force() {
    let dir = tmpdir("force");
    let path = dir.join("keep.pcap");
    std::fs::write(&path, b"precious").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_synack"))
        .args(["simulate", "--plain", "--export", path.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(std::fs::read(&path).unwrap(), b"precious");
    let out = Command::new(env!("CARGO_BIN_EXE_synack"))
        .args([
            "simulate",
            "--plain",
            "--force",
            "--export",
            path.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_ne!(std::fs::read(&path).unwrap(), b"precious");
    // Nothing but the capture is left behind (no temporary files).
    assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 1);
    std::fs::remove_dir_all(&dir).unwrap();
}

/// A lost first SYN adds its retransmission timeout to nothing: the
/// handshake RTT runs from the SYN that was answered (Wireshark's
/// `tcp.analysis.initial_rtt`), in `inspect --summary --json` too.
#[test]
fn the_handshake_rtt_of_a_lost_first_syn_runs_from_the_answered_one() {
    let dir = tmpdir("rtt");
    let path = export("syn-lost", &dir);
    let rows = synack(&["inspect", path.to_str().unwrap(), "--summary", "--json"]);
    let rtt = rows[0]["handshake_rtt"].as_f64().expect("an RTT");
    assert!(
        rtt > 0.0 && rtt < 0.5,
        "{rtt}: the lost SYN's second counts"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}
