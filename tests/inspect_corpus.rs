//! `synack inspect` against tshark on the third-party corpus in
//! ../shared/corpus: for every TCP frame tshark lists, synack's frame,
//! stream, flags, raw and relative sequence and acknowledgment numbers and
//! payload length must agree. The raw fields come from the stored oracle;
//! the relative ones from tshark itself when it is installed.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;

fn corpus() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    dir.is_dir().then_some(dir)
}

fn tshark_available() -> bool {
    Command::new("tshark")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

fn synack(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_synack"))
        .args(args)
        .output()
        .expect("run synack")
}

fn ours(path: &Path) -> HashMap<u64, serde_json::Value> {
    let out = synack(&["inspect", path.to_str().unwrap(), "--json"]);
    assert!(
        out.status.success(),
        "{}: {}",
        path.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        // TCP here; UDP is compared with tshark in tests/udp.rs.
        .filter(|v| v["kind"] != "datagram")
        .map(|v| (v["frame"].as_u64().unwrap(), v))
        .collect()
}

/// tshark's relative seq and ack for each TCP frame.
fn tshark_relative(path: &Path) -> HashMap<u64, (String, String)> {
    let out = Command::new("tshark")
        .args(["-r", path.to_str().unwrap(), "-Y", "tcp", "-T", "fields"])
        .args(["-e", "frame.number", "-e", "tcp.seq", "-e", "tcp.ack"])
        .output()
        .expect("run tshark");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| {
            let p: Vec<&str> = l.split('\t').collect();
            Some((
                p.first()?.parse().ok()?,
                (p.get(1)?.to_string(), p.get(2)?.to_string()),
            ))
        })
        .collect()
}

#[test]
fn every_tcp_frame_agrees_with_tshark() {
    let Some(dir) = corpus() else {
        println!("SKIP: ../shared/corpus is not here; nothing to compare with");
        return;
    };
    let relative = tshark_available();
    if !relative {
        println!("SKIP (relative numbers only): tshark is not installed");
    }
    let mut files = 0;
    let mut frames = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_str().unwrap().to_string();
        let tsv = dir.join("oracle").join(format!("{name}.tcp.tsv"));
        if !tsv.exists() {
            continue;
        }
        files += 1;
        let got = ours(&path);
        let rel = if relative {
            tshark_relative(&path)
        } else {
            HashMap::new()
        };
        let text = std::fs::read_to_string(&tsv).unwrap();
        let mut lines = text.lines();
        let header: Vec<&str> = lines.next().unwrap().split('\t').collect();
        let col = |n: &str| header.iter().position(|h| *h == n).unwrap();
        let mut listed = 0;
        for line in lines {
            let f: Vec<&str> = line.split('\t').collect();
            let frame: u64 = f[col("frame.number")].parse().unwrap();
            if f[col("tcp.flags")].is_empty() {
                // tshark could not read the TCP header: neither can we.
                assert!(!got.contains_key(&frame), "{name} frame {frame}");
                continue;
            }
            listed += 1;
            frames += 1;
            let o = got
                .get(&frame)
                .unwrap_or_else(|| panic!("{name}: frame {frame} missing"));
            let flags =
                u16::from_str_radix(f[col("tcp.flags")].trim_start_matches("0x"), 16).unwrap();
            let ours_flags = u16::from_str_radix(
                o["flags_hex"].as_str().unwrap().trim_start_matches("0x"),
                16,
            )
            .unwrap();
            let ctx = format!("{name} frame {frame}");
            assert_eq!(ours_flags, flags & 0xfff, "{ctx}: flags");
            assert_eq!(
                o["stream"].as_u64().unwrap().to_string(),
                f[col("tcp.stream")],
                "{ctx}: stream"
            );
            assert_eq!(
                o["seq_raw"].to_string(),
                f[col("tcp.seq_raw")],
                "{ctx}: seq_raw"
            );
            assert_eq!(
                o["ack_raw"].to_string(),
                f[col("tcp.ack_raw")],
                "{ctx}: ack_raw"
            );
            assert_eq!(o["len"].to_string(), f[col("tcp.len")], "{ctx}: len");
            if let Some((seq, ack)) = rel.get(&frame) {
                assert_eq!(&o["seq"].to_string(), seq, "{ctx}: relative seq");
                let ack = if ack.is_empty() { "0" } else { ack.as_str() };
                assert_eq!(o["ack"].to_string(), ack, "{ctx}: relative ack");
            }
        }
        assert_eq!(got.len(), listed, "{name}: we list frames tshark does not");
    }
    assert!(files >= 30, "only {files} corpus files compared");
    println!("{files} files, {frames} TCP frames agree with tshark");
}

#[test]
fn files_tshark_rejects_are_one_line_errors_with_exit_1() {
    let Some(dir) = corpus() else {
        println!("SKIP: ../shared/corpus is not here");
        return;
    };
    let mut checked = 0;
    for entry in std::fs::read_dir(dir.join("oracle")).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        let Some(capture) = name.strip_suffix(".tshark-error.txt") else {
            continue;
        };
        let out = synack(&["inspect", dir.join(capture).to_str().unwrap(), "--plain"]);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{capture}: {err}");
        assert_eq!(err.trim_end().lines().count(), 1, "{capture}: {err}");
        assert!(err.starts_with("synack: error: "), "{capture}: {err}");
        assert!(!err.contains("panicked"));
        checked += 1;
    }
    assert_eq!(checked, 4);
}

#[test]
fn missing_empty_and_non_capture_files_fail_cleanly() {
    let dir = std::env::temp_dir().join(format!("synack-inspect-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let empty = dir.join("empty.pcap");
    std::fs::write(&empty, b"").unwrap();
    let text = dir.join("notes.txt");
    std::fs::write(&text, b"this is not a capture file at all\n").unwrap();
    let missing = dir.join("missing.pcap");
    for (path, hint) in [
        (&empty, "empty"),
        (&text, "not a"),
        (&missing, "no such file"),
    ] {
        let out = synack(&["inspect", path.to_str().unwrap()]);
        let err = String::from_utf8_lossy(&out.stderr).to_lowercase();
        assert_eq!(out.status.code(), Some(1), "{err}");
        assert_eq!(err.trim_end().lines().count(), 1, "{err}");
        assert!(err.contains(hint), "{path:?}: {err}");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn summary_counts_packets_and_bytes_like_the_conversation_table() {
    let Some(dir) = corpus() else {
        println!("SKIP: ../shared/corpus is not here");
        return;
    };
    let path = dir.join("zeek-ipv6.pcap");
    let out = synack(&["inspect", path.to_str().unwrap(), "--summary", "--json"]);
    assert!(out.status.success());
    let rows: Vec<serde_json::Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(rows.len(), 6);
    // Totals from oracle/zeek-ipv6.pcap.conv.txt (tshark -z conv,tcp).
    let conv = std::fs::read_to_string(dir.join("oracle/zeek-ipv6.pcap.conv.txt")).unwrap();
    for row in &rows {
        let client = row["client"].as_str().unwrap();
        let server = row["server"].as_str().unwrap();
        let line = conv
            .lines()
            .find(|l| {
                (l.contains(client) && l.contains(server))
                    || (l.contains(&client.replace(['[', ']'], ""))
                        && l.contains(&server.replace(['[', ']'], "")))
            })
            .unwrap_or_else(|| panic!("{client} <-> {server} not in tshark's table"));
        // "<- frames bytes" and "-> frames bytes": add the two directions.
        let tokens: Vec<&str> = line.split_whitespace().collect();
        let (mut frames, mut bytes) = (0u64, 0u64);
        for i in (0..tokens.len()).filter(|&i| tokens[i] == "bytes").take(2) {
            bytes += tokens[i - 1].parse::<u64>().unwrap();
            frames += tokens[i - 2].parse::<u64>().unwrap();
        }
        assert_eq!(row["bytes"].as_u64().unwrap(), bytes, "{line}");
        assert_eq!(row["packets"].as_u64().unwrap(), frames, "{line}");
        assert_eq!(row["handshake"], "complete");
        assert_eq!(row["close"], "fin");
        assert!(row["handshake_rtt"].as_f64().unwrap() > 0.1);
    }
}

/// Analysis marks against tshark's `tcp.analysis.*` columns in the oracle:
/// synack follows Wireshark's rules, so every mark agrees on every frame.
#[test]
fn analysis_marks_agree_with_tshark() {
    let Some(dir) = corpus() else {
        println!("SKIP: ../shared/corpus is not here");
        return;
    };
    // (both, tshark only, synack only) per mark
    let mut counts: HashMap<&str, (u32, u32, u32)> = HashMap::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_str().unwrap().to_string();
        let tsv = dir.join("oracle").join(format!("{name}.tcp.tsv"));
        if !tsv.exists() {
            continue;
        }
        let got = ours(&path);
        let text = std::fs::read_to_string(&tsv).unwrap();
        let mut lines = text.lines();
        let header: Vec<&str> = lines.next().unwrap().split('\t').collect();
        let col = |n: &str| header.iter().position(|h| *h == n).unwrap();
        for line in lines {
            let f: Vec<&str> = line.split('\t').collect();
            let frame: u64 = f[col("frame.number")].parse().unwrap();
            let Some(o) = got.get(&frame) else { continue };
            let marks: Vec<&str> = o["analysis"]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v.as_str().unwrap())
                .collect();
            let set = |c: &str| !f[col(c)].is_empty();
            let expected = [
                ("retransmission", set("tcp.analysis.retransmission")),
                (
                    "spurious_retransmission",
                    set("tcp.analysis.spurious_retransmission"),
                ),
                ("dup_ack", set("tcp.analysis.duplicate_ack")),
                ("out_of_order", set("tcp.analysis.out_of_order")),
                ("zero_window", set("tcp.analysis.zero_window")),
                ("keep_alive", set("tcp.analysis.keep_alive")),
            ];
            for (mark, want) in expected {
                let have = marks.contains(&mark);
                let c = counts.entry(mark).or_default();
                match (want, have) {
                    (true, true) => c.0 += 1,
                    (true, false) => c.1 += 1,
                    (false, true) => c.2 += 1,
                    _ => {}
                }
            }
        }
    }
    for (mark, (both, theirs, ours)) in &counts {
        println!("{mark}: both {both}, tshark only {theirs}, synack only {ours}");
    }
    for (mark, (both, theirs, ours)) in &counts {
        assert!(*both > 0, "{mark}: the corpus has some");
        assert_eq!((theirs, ours), (&0, &0), "{mark} must agree exactly");
    }
}

/// A frame cut by the snap length still gives its segment, with its true
/// length, and says it was cut (zeek-truncated-header.pcap: snaplen 68).
#[test]
fn frames_cut_by_the_snap_length_are_marked() {
    let Some(dir) = corpus() else {
        println!("SKIP: ../shared/corpus is not here");
        return;
    };
    let cut = ours(&dir.join("zeek-truncated-header.pcap"));
    assert_eq!(cut.len(), 24);
    assert!(cut.values().any(|o| o["truncated"] == true));
    let data = cut
        .values()
        .find(|o| o["len"].as_u64().unwrap() > 0)
        .expect("a data segment");
    assert_eq!(data["truncated"], true, "its payload was cut: {data}");
    let whole = ours(&dir.join("tcpdump-tcp-handshake-nano.pcap"));
    assert!(whole.values().all(|o| o["truncated"] == false));
    let plain = synack(&[
        "inspect",
        dir.join("zeek-truncated-header.pcap").to_str().unwrap(),
        "--plain",
    ]);
    assert!(String::from_utf8_lossy(&plain.stdout).contains("cut by the snap length"));
}
