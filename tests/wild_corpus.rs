//! `synack inspect` against tshark on the real-world captures in
//! ../shared/corpus-wild, field by field: frames, streams, flags, raw and
//! relative sequence and acknowledgment numbers, payload length, and each
//! analysis mark. The raw fields and most marks come from the stored oracle
//! (TShark 4.0.17); relative numbers and `zero_window_probe_ack`, which the
//! oracle lacks, from tshark itself when it is installed.
//!
//! Prints an agreement table per file and per mark
//! (`cargo test --test wild_corpus -- --nocapture`). Numbers must agree on
//! every frame except the few listed in [`KNOWN`] (each explained in
//! docs/captures.md); each mark must agree on at least 98 % of the frames
//! either tool marks.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::process::Command;

/// Files whose TCP is carried in a link type synack does not decode (not
/// one issue 15 asks for): listed, not failed. Every other encapsulation of
/// the corpus (802.11, GRE, MPLS, PPPoE, IP in IP, GTP-U, PPP, Cisco HDLC)
/// is decoded and compared like any file.
const PENDING_DECODER: &[(&str, &str)] = &[(
    "tcpdump-arcnet-rfc1201-arp-icmp-http.pcap",
    "ARCNET (link type 129)",
)];

/// Frames where synack and tshark differ on purpose: (file, field, frames).
/// Each is explained in docs/captures.md ("Where synack and tshark
/// differ"): a SYN/ACK with a new ISN that the peer never acknowledges;
/// tshark rebases the relative numbers on it anyway, synack does not.
const KNOWN: &[(&str, &str, &[u64])] = &[
    // Frames 3 and 45 are ICMPv6 errors that quote the start of a TCP
    // segment. tshark dissects the quoted header as TCP and gives it a
    // stream number of its own; synack leaves quoted headers out (they are
    // not segments of any connection). So synack has no row for them, and
    // every stream tshark numbers after them is one (then two) higher.
    ("ndpi-6in4tunnel.pcap", "frame", &[3, 45]),
    (
        "ndpi-6in4tunnel.pcap",
        "stream",
        &[
            22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43,
            44, 46, 47, 48, 49, 50, 51, 52, 53, 54, 55, 62, 63, 64, 65, 82, 83, 84, 85, 87, 88, 89,
            90, 92, 93, 94, 95, 96, 97, 98, 99, 100, 101, 102, 103, 104, 105, 106, 107, 108, 109,
            110, 111, 112, 113, 114, 115, 116, 117, 118, 119, 120, 121,
        ],
    ),
    // The client sends a SYN/ACK with ISN 424242 (frame 20) that the server
    // never acknowledges; its ACK goes on from its first ISN.
    ("arkime-tcp_handshake_synthetic.pcap", "seq", &[21]),
    // Frame 46: a late SYN/ACK with another ISN; the client keeps
    // acknowledging the first one.
    (
        "ndpi-KakaoTalk_chat.pcap",
        "seq",
        &[
            48, 74, 91, 93, 95, 110, 140, 159, 184, 199, 202, 209, 224, 227, 245, 272,
        ],
    ),
    (
        "ndpi-KakaoTalk_chat.pcap",
        "ack",
        &[
            47, 72, 92, 94, 96, 104, 143, 152, 185, 187, 205, 208, 219, 223, 246, 273,
        ],
    ),
    // The client acknowledges the second ISN (97572841, from frame 18 on);
    // frame 22 resends a SYN/ACK with the first ISN, and tshark rebases on
    // it.
    (
        "suricata-tcp-fastopen-10-syn-data.pcap",
        "seq",
        &[
            24, 25, 27, 28, 29, 33, 34, 35, 36, 37, 38, 41, 44, 45, 46, 47, 51,
        ],
    ),
    (
        "suricata-tcp-fastopen-10-syn-data.pcap",
        "ack",
        &[23, 26, 30, 31, 32, 39, 40, 42, 43, 48],
    ),
];

/// The marks compared, with tshark's field for each (`None`: from tshark
/// itself, not the oracle).
const MARKS: &[(&str, &str)] = &[
    ("retransmission", "tcp.analysis.retransmission"),
    (
        "spurious_retransmission",
        "tcp.analysis.spurious_retransmission",
    ),
    ("dup_ack", "tcp.analysis.duplicate_ack"),
    ("out_of_order", "tcp.analysis.out_of_order"),
    ("zero_window", "tcp.analysis.zero_window"),
    ("keep_alive", "tcp.analysis.keep_alive"),
    ("keep_alive_ack", "tcp.analysis.keep_alive_ack"),
    ("zero_window_probe", "tcp.analysis.zero_window_probe"),
    (
        "zero_window_probe_ack",
        "tcp.analysis.zero_window_probe_ack",
    ),
];

fn corpus() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus-wild");
    dir.join("oracle").is_dir().then_some(dir)
}

fn tshark_available() -> bool {
    Command::new("tshark")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

fn ours(path: &Path) -> HashMap<u64, serde_json::Value> {
    let out = Command::new(env!("CARGO_BIN_EXE_synack"))
        .args(["inspect", path.to_str().unwrap(), "--json"])
        .output()
        .expect("run synack");
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

/// tshark's relative numbers, stream and `zero_window_probe_ack` per frame.
fn tshark_live(path: &Path) -> HashMap<u64, Vec<String>> {
    let mut cmd = Command::new("tshark");
    cmd.args([
        "-n",
        "-r",
        path.to_str().unwrap(),
        "-Y",
        "tcp",
        "-T",
        "fields",
    ]);
    // Its VNC dissector splits each connection in two (MANIFEST.md).
    if path.ends_with("ndpi-vnc.pcap") {
        cmd.args(["--disable-protocol", "vnc"]);
    }
    for f in [
        "frame.number",
        "tcp.seq",
        "tcp.ack",
        "tcp.stream",
        "tcp.analysis.zero_window_probe_ack",
    ] {
        cmd.args(["-e", f]);
    }
    let out = cmd.output().expect("run tshark");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| {
            let p: Vec<String> = l.split('\t').map(str::to_string).collect();
            Some((p.first()?.parse().ok()?, p))
        })
        .collect()
}

/// A JSON number as tshark prints it.
fn num(v: &serde_json::Value) -> String {
    v.to_string()
}

#[derive(Default)]
struct Tally {
    /// field -> (agree, differ, listed in KNOWN)
    fields: BTreeMap<&'static str, (u64, u64, u64)>,
    /// mark -> (both, tshark only, synack only)
    marks: BTreeMap<&'static str, (u64, u64, u64)>,
}

#[test]
fn every_wild_capture_agrees_with_tshark() {
    let Some(dir) = corpus() else {
        println!("SKIP: ../shared/corpus-wild is not here; nothing to compare with");
        return;
    };
    let live = tshark_available();
    if !live {
        println!("SKIP (relative numbers and zero_window_probe_ack): tshark is not installed");
    }
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| dir.join("oracle").join(format!("{n}.tcp.tsv")).exists())
        .collect();
    names.sort();
    let mut total = Tally::default();
    let mut failures: Vec<String> = Vec::new();
    let mut pending = Vec::new();
    println!(
        "{:<52} {:>6} {:>6} {:>6}  differing fields / marks",
        "file", "frames", "agree", "marks"
    );
    for name in &names {
        if let Some((_, why)) = PENDING_DECODER.iter().find(|(n, _)| n == name) {
            pending.push(format!("{name} ({why})"));
            continue;
        }
        let path = dir.join(name);
        let got = ours(&path);
        let rel = if live {
            tshark_live(&path)
        } else {
            HashMap::new()
        };
        let tsv =
            std::fs::read_to_string(dir.join("oracle").join(format!("{name}.tcp.tsv"))).unwrap();
        let mut lines = tsv.lines();
        let header: Vec<&str> = lines.next().unwrap().split('\t').collect();
        let col = |n: &str| header.iter().position(|h| *h == n);
        let mut file = Tally::default();
        let mut frames = 0;
        let mut listed = 0;
        let mut notes: BTreeMap<String, Vec<u64>> = BTreeMap::new();
        for line in lines {
            let f: Vec<&str> = line.split('\t').collect();
            let cell = |n: &str| col(n).and_then(|i| f.get(i)).copied().unwrap_or("");
            let frame: u64 = cell("frame.number").parse().unwrap();
            if cell("tcp.flags").is_empty() {
                continue;
            }
            listed += 1;
            let known = |field: &str| {
                KNOWN
                    .iter()
                    .any(|(n, f, frames)| n == name && *f == field && frames.contains(&frame))
            };
            let mut check = |field: &'static str, ok: bool, file: &mut Tally| {
                let e = file.fields.entry(field).or_default();
                if ok || known(field) {
                    // A listed difference that is gone must leave the list.
                    assert!(
                        !(ok && known(field)),
                        "{name} frame {frame}: {field} agrees now"
                    );
                    if ok {
                        e.0 += 1;
                    } else {
                        e.2 += 1;
                    }
                } else {
                    e.1 += 1;
                    notes.entry(field.to_string()).or_default().push(frame);
                }
            };
            let Some(o) = got.get(&frame) else {
                check("frame", false, &mut file);
                continue;
            };
            frames += 1;
            check("frame", true, &mut file);
            let flags = u16::from_str_radix(cell("tcp.flags").trim_start_matches("0x"), 16)
                .unwrap_or(0)
                & 0xfff;
            let ours_flags = u16::from_str_radix(
                o["flags_hex"]
                    .as_str()
                    .unwrap_or("")
                    .trim_start_matches("0x"),
                16,
            )
            .unwrap_or(u16::MAX);
            check("flags", flags == ours_flags, &mut file);
            let t = rel.get(&frame);
            let stream = t
                .and_then(|t| t.get(3))
                .map(String::as_str)
                .unwrap_or(cell("tcp.stream"));
            check("stream", num(&o["stream"]) == stream, &mut file);
            check(
                "seq_raw",
                num(&o["seq_raw"]) == cell("tcp.seq_raw"),
                &mut file,
            );
            check(
                "ack_raw",
                num(&o["ack_raw"]) == cell("tcp.ack_raw"),
                &mut file,
            );
            check("len", num(&o["len"]) == cell("tcp.len"), &mut file);
            if let Some(t) = t {
                check("seq", num(&o["seq"]) == t[1], &mut file);
                let ack = if t[2].is_empty() { "0" } else { t[2].as_str() };
                check("ack", num(&o["ack"]) == ack, &mut file);
            }
            let marks: Vec<&str> = o["analysis"]
                .as_array()
                .map(|a| a.iter().filter_map(|v| v.as_str()).collect())
                .unwrap_or_default();
            for (mark, field) in MARKS {
                let want = if *field == "tcp.analysis.zero_window_probe_ack" {
                    match t {
                        Some(t) => !t[4].is_empty(),
                        None => continue,
                    }
                } else {
                    !cell(field).is_empty()
                };
                let have = marks.contains(mark);
                let c = file.marks.entry(mark).or_default();
                match (want, have) {
                    (true, true) => c.0 += 1,
                    (true, false) if !known(mark) => {
                        c.1 += 1;
                        notes
                            .entry(format!("{mark} (tshark only)"))
                            .or_default()
                            .push(frame);
                    }
                    (false, true) if !known(mark) => {
                        c.2 += 1;
                        notes
                            .entry(format!("{mark} (synack only)"))
                            .or_default()
                            .push(frame);
                    }
                    _ => {}
                }
            }
        }
        let extra = got.len().saturating_sub(frames);
        if extra > 0 {
            notes
                .entry("frames tshark does not list".into())
                .or_default()
                .push(extra as u64);
        }
        let agree = file.fields.values().all(|(_, bad, _)| *bad == 0) && extra == 0;
        let mark_diffs: u64 = file.marks.values().map(|(_, a, b)| a + b).sum();
        println!(
            "{:<52} {:>6} {:>6} {:>6}  {}",
            name,
            listed,
            if agree { "100%" } else { "DIFF" },
            mark_diffs,
            notes
                .iter()
                .map(|(k, v)| {
                    let shown: Vec<String> = v.iter().take(8).map(u64::to_string).collect();
                    let more = if v.len() > 8 { "…" } else { "" };
                    format!("{k}: {}{more}", shown.join(","))
                })
                .collect::<Vec<_>>()
                .join("; ")
        );
        if !agree {
            failures.push(format!("{name}: {notes:?}"));
        }
        for (k, (a, b, c)) in file.fields {
            let e = total.fields.entry(k).or_default();
            e.0 += a;
            e.1 += b;
            e.2 += c;
        }
        for (k, (a, b, c)) in file.marks {
            let e = total.marks.entry(k).or_default();
            e.0 += a;
            e.1 += b;
            e.2 += c;
        }
    }
    println!("\npending decoder ({}):", pending.len());
    for p in &pending {
        println!("  {p}");
    }
    println!(
        "\n{:<12} {:>8} {:>8} {:>8}",
        "field", "agree", "differ", "known"
    );
    for (k, (a, b, c)) in &total.fields {
        println!("{k:<12} {a:>8} {b:>8} {c:>8}");
    }
    println!(
        "\n{:<26} {:>6} {:>12} {:>12} {:>9}",
        "mark", "both", "tshark only", "synack only", "agreement"
    );
    let mut low = Vec::new();
    for (mark, _) in MARKS {
        let (both, theirs, mine) = total.marks.get(mark).copied().unwrap_or_default();
        let all = both + theirs + mine;
        let agreement = if all == 0 {
            1.0
        } else {
            both as f64 / all as f64
        };
        println!(
            "{mark:<26} {both:>6} {theirs:>12} {mine:>12} {:>8.1}%",
            agreement * 100.0
        );
        if agreement < 0.98 {
            low.push(format!("{mark}: {:.1}%", agreement * 100.0));
        }
    }
    assert!(
        names.len() >= 70,
        "only {} files with an oracle",
        names.len()
    );
    assert!(
        failures.is_empty(),
        "numbers differ from tshark:\n{}",
        failures.join("\n")
    );
    assert!(low.is_empty(), "marks below 98 %: {low:?}");
}
