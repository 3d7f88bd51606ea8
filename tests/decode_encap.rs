//! Encapsulations against tshark: for each capture of `../shared/corpus-wild`
//! that carries TCP inside PPPoE, GRE, MPLS, IP in IP, GTP-U, L2TP, or on
//! the link types PPP, Cisco HDLC and 802.11 + radiotap, every TCP frame
//! tshark lists must come out of `synack inspect --json` with the same
//! frame number, innermost addresses, ports, flags, raw sequence and
//! acknowledgment numbers and payload length (the oracle's `.tcp.tsv`).
//! A link type synack cannot decode gives one warning line instead.
//! The corpus holds third-party files kept outside the repository: where it
//! is absent, each test prints SKIP.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

fn corpus() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus-wild");
    if dir.join("oracle").is_dir() {
        Some(dir)
    } else {
        println!("SKIP: {} is absent (the shared corpus)", dir.display());
        None
    }
}

/// What both sides must agree on for one TCP frame.
#[derive(Debug, PartialEq, Eq)]
struct Seg {
    src: String,
    sport: u64,
    dst: String,
    dport: u64,
    flags: u64,
    seq_raw: u64,
    ack_raw: u64,
    len: u64,
}

/// tshark's view: the innermost IP addresses (for a tunnel `ip.src` lists
/// the outer one first; in IPv6 inside IPv4 the IPv6 one is inner).
fn oracle(dir: &Path, file: &str, left_out: &[u64]) -> BTreeMap<u64, Seg> {
    let text = std::fs::read_to_string(dir.join("oracle").join(format!("{file}.tcp.tsv")))
        .expect("oracle file");
    let mut out = BTreeMap::new();
    for line in text.lines().skip(1) {
        let c: Vec<&str> = line.split('\t').collect();
        let inner = |v4: &str, v6: &str| {
            let pick = if v6.is_empty() { v4 } else { v6 };
            pick.rsplit(',').next().unwrap_or("").to_string()
        };
        let num = |s: &str| {
            s.parse::<u64>()
                .unwrap_or_else(|_| panic!("{file}: {line}"))
        };
        if left_out.contains(&num(c[0])) {
            continue;
        }
        out.insert(
            num(c[0]),
            Seg {
                src: inner(c[2], c[3]),
                sport: num(c[4]),
                dst: inner(c[5], c[6]),
                dport: num(c[7]),
                flags: u64::from_str_radix(c[8].trim_start_matches("0x"), 16).unwrap(),
                seq_raw: num(c[9]),
                ack_raw: num(c[10]),
                len: num(c[11]),
            },
        );
    }
    out
}

struct Inspected {
    segs: BTreeMap<u64, Seg>,
    layers: BTreeMap<u64, Vec<String>>,
    stderr: String,
}

fn inspect(dir: &Path, file: &str) -> Inspected {
    let out = Command::new(env!("CARGO_BIN_EXE_synack"))
        .args(["inspect", dir.join(file).to_str().unwrap(), "--json"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{file}: {out:?}");
    let mut segs = BTreeMap::new();
    let mut layers = BTreeMap::new();
    for line in String::from_utf8(out.stdout).unwrap().lines() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        // UDP is compared with tshark in tests/udp.rs.
        if v["kind"] == "datagram" {
            continue;
        }
        let frame = v["frame"].as_u64().unwrap();
        let hex = v["flags_hex"].as_str().unwrap().trim_start_matches("0x");
        segs.insert(
            frame,
            Seg {
                src: v["src"].as_str().unwrap().to_string(),
                sport: v["sport"].as_u64().unwrap(),
                dst: v["dst"].as_str().unwrap().to_string(),
                dport: v["dport"].as_u64().unwrap(),
                flags: u64::from_str_radix(hex, 16).unwrap(),
                seq_raw: v["seq_raw"].as_u64().unwrap(),
                ack_raw: v["ack_raw"].as_u64().unwrap(),
                len: v["len"].as_u64().unwrap(),
            },
        );
        let names = v["layers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| l.as_str().unwrap().to_string())
            .collect();
        layers.insert(frame, names);
    }
    Inspected {
        segs,
        layers,
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Each file, the header names its first TCP frame must show (in order,
/// among its layers), and the frames tshark lists that synack leaves out
/// on purpose.
const FILES: &[(&str, &[&str], &[u64])] = &[
    (
        "arkime-pppoe.pcap",
        &["Ethernet II", "PPPoE", "PPP", "IPv4", "TCP"],
        &[],
    ),
    (
        "pcpp-one_http_stream_rst.pcap",
        &["802.1Q VLAN", "802.1Q VLAN", "PPPoE", "PPP", "IPv4"],
        &[],
    ),
    ("dpkt-nb6-http.pcap", &["Ethernet II", "IPv4", "TCP"], &[]),
    (
        "arkime-gre-sample.pcap",
        &["IPv4", "GRE", "IPv4", "TCP"],
        &[],
    ),
    ("arkime-mpls-basic.pcap", &["Ethernet II"], &[]),
    // Frames 3 and 45 are ICMPv6 errors quoting a TCP header: tshark
    // dissects the quote, but it is no segment of the connection.
    ("ndpi-6in4tunnel.pcap", &["IPv4", "IPv6", "TCP"], &[3, 45]),
    (
        "ndpi-ja3_lots_of_cipher_suites_2_anon.pcap",
        &["IPv4", "UDP", "GTP-U", "IPv4", "TCP"],
        &[],
    ),
    (
        "ndpi-reasm_segv_anon.pcapng",
        &["UDP", "GTP-U", "IPv4", "TCP"],
        &[],
    ),
    (
        "ndpi-BGP_Cisco_hdlc_slarp.pcap",
        &["Cisco HDLC", "IPv4", "TCP"],
        &[],
    ),
    (
        "suricata-decode-chdlc-01.pcap",
        &["Cisco HDLC", "IPv4", "TCP"],
        &[],
    ),
    (
        "arkime-80211http.pcap",
        &["radiotap", "IEEE 802.11", "LLC/SNAP", "IPv4", "TCP"],
        &[],
    ),
];

/// Does `names` appear in `layers` in this order (not necessarily next to
/// each other)?
fn in_order(layers: &[String], names: &[&str]) -> bool {
    let mut it = layers.iter();
    names
        .iter()
        .all(|n| it.any(|l| l.contains(&format!(": {n} (bytes "))))
}

#[test]
fn encapsulated_tcp_matches_tshark() {
    let Some(dir) = corpus() else {
        return;
    };
    let mut failures = Vec::new();
    for (file, first_layers, left_out) in FILES {
        if !dir.join(file).exists() {
            println!("SKIP {file}: not in the corpus");
            continue;
        }
        let want = oracle(&dir, file, left_out);
        let got = inspect(&dir, file);
        if got.segs.len() != want.len() {
            failures.push(format!(
                "{file}: {} TCP frames, tshark {} (missing {:?}, extra {:?})",
                got.segs.len(),
                want.len(),
                want.keys()
                    .filter(|f| !got.segs.contains_key(f))
                    .collect::<Vec<_>>(),
                got.segs
                    .keys()
                    .filter(|f| !want.contains_key(f))
                    .collect::<Vec<_>>()
            ));
            continue;
        }
        for (frame, w) in &want {
            if got.segs.get(frame) != Some(w) {
                failures.push(format!(
                    "{file} frame {frame}: synack {:?}, tshark {w:?}",
                    got.segs.get(frame)
                ));
            }
        }
        let first = got.layers.values().next().expect("a TCP frame");
        if !in_order(first, first_layers) {
            failures.push(format!("{file}: layers {first:?}, want {first_layers:?}"));
        }
        if !got.stderr.is_empty() {
            failures.push(format!("{file}: stderr {}", got.stderr));
        }
        println!("{file}: {} TCP frames agree", want.len());
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The MPLS file holds the same connection with and without a label: both
/// kinds of frame are decoded, the labelled ones with the label's bytes.
#[test]
fn mpls_frames_show_their_label() {
    let Some(dir) = corpus() else {
        return;
    };
    let got = inspect(&dir, "arkime-mpls-basic.pcap");
    let labelled = got
        .layers
        .values()
        .filter(|l| in_order(l, &["Ethernet II", "MPLS label", "IPv4", "TCP"]))
        .count();
    assert_eq!(labelled, 11, "{:?}", got.layers);
    assert_eq!(got.segs.len(), 19);
}

/// ARCNET (link type 129) is not decoded: nothing comes out, and one line
/// says how many frames of which link type were left out — with
/// `--summary` too.
#[test]
fn an_unknown_link_type_is_named_in_one_warning() {
    let Some(dir) = corpus() else {
        return;
    };
    let file = "tcpdump-arcnet-rfc1201-arp-icmp-http.pcap";
    let path = dir.join(file);
    let want = format!(
        "synack: warning: {}: 26 frames of link type 129 (ARCNET) not decoded\n",
        path.display()
    );
    for args in [
        &["--json"][..],
        &["--plain"],
        &["--summary"],
        &["--summary", "--json"],
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_synack"))
            .arg("inspect")
            .arg(&path)
            .args(args)
            .output()
            .unwrap();
        assert!(out.status.success(), "{args:?}: {out:?}");
        assert_eq!(String::from_utf8_lossy(&out.stderr), want, "{args:?}");
    }
}
