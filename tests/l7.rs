//! Application-layer labels (issue 14, section 2): HTTP by content on any
//! port and WebSocket frames after an upgrade, in NDJSON, the plain ladder,
//! SVG, Mermaid and the TUI, and against tshark on real HTTP captures.

mod common;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::Command;
use synack::source::capture::{self, ReadOptions};
use synack::timeline::Timeline;
use synack::timeline::segment::{Flags, Segment};
use synack::timeline::seq::SeqNum;

fn masked(text: &[u8], key: [u8; 4]) -> Vec<u8> {
    let mut f = vec![0x81, 0x80 | text.len() as u8];
    f.extend_from_slice(&key);
    f.extend(text.iter().enumerate().map(|(i, b)| b ^ key[i % 4]));
    f
}

/// One connection on port 8765 (not 80: HTTP is found by content) that
/// upgrades to WebSocket and sends a text frame each way, and one on 9000
/// that sends the same WebSocket bytes without any upgrade.
fn ws_capture(dir: &Path) -> PathBuf {
    let conn = |cport: u16, sport: u16, payloads: &[(bool, Vec<u8>)]| {
        let c: SocketAddr = format!("10.0.0.1:{cport}").parse().unwrap();
        let s: SocketAddr = format!("10.0.0.2:{sport}").parse().unwrap();
        let (mut cseq, mut sseq) = (1000u32, 5000u32);
        let push = |from_client: bool, flags: Flags, payload: &[u8], cs: &mut u32, ss: &mut u32| {
            let (seq, ack) = if from_client { (*cs, *ss) } else { (*ss, *cs) };
            let mut seg = Segment::new(SeqNum(seq), SeqNum(ack), flags);
            seg.win = 64000;
            seg.payload = payload.to_vec();
            let adv = payload.len() as u32 + u32::from(flags.syn() || flags.fin());
            if from_client {
                *cs += adv;
            } else {
                *ss += adv;
            }
            let (src, dst) = if from_client { (c, s) } else { (s, c) };
            synack::wire::build::frame(&seg, src, dst, 1)
        };
        let mut out = vec![
            push(true, Flags::SYN, &[], &mut cseq, &mut sseq),
            push(
                false,
                Flags(Flags::SYN.0 | Flags::ACK.0),
                &[],
                &mut cseq,
                &mut sseq,
            ),
            push(true, Flags::ACK, &[], &mut cseq, &mut sseq),
        ];
        for (from_client, p) in payloads {
            let f = Flags(Flags::PSH.0 | Flags::ACK.0);
            out.push(push(*from_client, f, p, &mut cseq, &mut sseq));
        }
        out
    };
    let key = [0x37, 0xfa, 0x21, 0x3d];
    let ws = conn(
        40000,
        8765,
        &[
            (
                true,
                b"GET /chat HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n"
                    .to_vec(),
            ),
            (
                false,
                b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n"
                    .to_vec(),
            ),
            (true, masked(b"hi", key)),
            (false, b"\x81\x05hello".to_vec()),
        ],
    );
    let plain = conn(40001, 9000, &[(true, masked(b"hi", key))]);
    let link = ws[0].link_type;
    let path = dir.join("ws.pcap");
    let all: Vec<_> = ws.into_iter().chain(plain).collect();
    synack::pcap::write::write_pcap(
        &path,
        link,
        all.iter().enumerate().map(|(i, f)| {
            (
                1_700_000_000_000_000_000i128 + i as i128 * 1_000_000,
                f.data.clone(),
                f.data.len() as u32,
            )
        }),
    )
    .unwrap();
    path
}

fn tmp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("synack-l7-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn timeline(path: &Path) -> Timeline {
    capture::timeline(
        path,
        ReadOptions {
            keep_bytes: true,
            progress: false,
            ..Default::default()
        },
    )
    .unwrap()
    .0
}

fn labels(tl: &Timeline, stream: u32) -> Vec<String> {
    tl.steps
        .iter()
        .filter(|s| s.stream == stream)
        .filter_map(|s| s.segment.as_ref()?.l7.as_ref().map(|l| l.label()))
        .collect()
}

#[test]
fn websocket_frames_are_named_only_after_an_upgrade() {
    let dir = tmp("ws");
    let tl = timeline(&ws_capture(&dir));
    assert_eq!(
        labels(&tl, 0),
        [
            "GET /chat HTTP/1.1",
            "101 Switching Protocols",
            "WS text \"hi\"",
            "WS text \"hello\"",
        ]
    );
    // The same masked frame with no upgrade before it is just bytes.
    assert_eq!(labels(&tl, 1), Vec::<String>::new());
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn ndjson_carries_l7_where_recognised() {
    let dir = tmp("json");
    let path = ws_capture(&dir);
    let lines = common::ndjson(&["inspect", path.to_str().unwrap(), "--json"]);
    let l7: Vec<(u64, String, String)> = lines
        .iter()
        .filter_map(|o| {
            let l = o.get("l7")?;
            Some((
                o["frame"].as_u64().unwrap(),
                l["protocol"].as_str().unwrap().to_string(),
                l["summary"].as_str().unwrap().to_string(),
            ))
        })
        .collect();
    let want = [
        (4, "http", "GET /chat HTTP/1.1"),
        (5, "http", "101 Switching Protocols"),
        (6, "websocket", "text \"hi\""),
        (7, "websocket", "text \"hello\""),
    ];
    let want: Vec<(u64, String, String)> = want
        .iter()
        .map(|(f, p, s)| (*f, p.to_string(), s.to_string()))
        .collect();
    assert_eq!(l7, want);
    // Steps without a recognised payload have no `l7` key at all.
    assert!(lines.iter().filter(|o| o.get("l7").is_none()).count() >= 7);
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn plain_svg_and_mermaid_arrows_carry_the_label() {
    let dir = tmp("views");
    let tl = timeline(&ws_capture(&dir));
    let plain = synack::view::plain::render(&tl, Some(0), Default::default());
    for want in [
        "GET /chat HTTP/1.1",
        "101 Switching Protocols",
        "WS text \"hi\"",
    ] {
        let row = plain
            .lines()
            .find(|l| l.contains(want))
            .unwrap_or_else(|| panic!("{want} not in\n{plain}"));
        // On the arrow itself, between the lifelines.
        assert!(row.contains("->|") || row.contains("|<-"), "{row}");
    }
    // The TCP numbers move to the detail line under the arrow.
    assert!(plain.contains("[P.] seq=1 ack=1 len=72 · "), "{plain}");
    let svg = synack::view::svg::render(&tl, Some(0));
    assert!(svg.contains("GET /chat HTTP/1.1 [P.]"), "{svg}");
    assert!(svg.contains("101 Switching Protocols"));
    let mermaid = synack::view::mermaid::render(&tl, Some(0));
    assert!(
        mermaid.contains("C->>S: WS text \"hi\" · [P.]"),
        "{mermaid}"
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn tui_ladder_and_layers_pane_show_the_decoded_frame() {
    let dir = tmp("tui");
    let tl = timeline(&ws_capture(&dir));
    let mut app = synack::view::tui::app::App::new(&tl);
    let ws = tl
        .steps
        .iter()
        .position(|s| {
            s.segment
                .as_ref()
                .and_then(|v| v.l7.as_ref())
                .is_some_and(|l| l.summary == "text \"hi\"")
        })
        .unwrap();
    app.current = ws;
    let screen = common::render(&mut app, 160, 60);
    assert!(screen.contains("GET /chat HTTP/1.1"), "{screen}");
    assert!(screen.contains("WS text \"hi\""), "{screen}");
    assert!(screen.contains("masking key 37fa213d"), "{screen}");
    assert!(screen.contains("unmasked text: hi"), "{screen}");
    let _ = std::fs::remove_dir_all(dir);
}

/// HTTP frames as tshark sees them with TCP reassembly off (so that a
/// response is named on the frame with its status line, as synack does).
fn tshark_http(path: &Path) -> Option<Vec<u64>> {
    let out = Command::new("tshark")
        .args(["-r"])
        .arg(path)
        .args([
            "-o",
            "tcp.desegment_tcp_streams:FALSE",
            "-Y",
            "tcp and (http.request or http.response)",
            "-T",
            "fields",
            "-e",
            "frame.number",
        ])
        .output()
        .ok()?;
    if !out.status.success() {
        return None;
    }
    let mut v: Vec<u64> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| l.trim().parse().ok())
        .collect();
    v.sort_unstable();
    v.dedup();
    Some(v)
}

#[test]
fn http_frames_agree_with_tshark_on_real_captures() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus-wild");
    if !dir.is_dir() {
        println!("SKIP: {} is absent", dir.display());
        return;
    }
    // Files where every HTTP frame agrees: ports 80, 8080 and 31600,
    // IPv4 and IPv6, Ethernet, raw IP, 802.11, a request line longer than
    // what synack looks at, and retransmitted requests (which neither tool
    // names). Elsewhere Wireshark's choice of which retransmissions to
    // dissect differs in a few frames (see docs/architecture.md).
    let files = [
        "pcpp-http-packets.pcap",
        "pcpp-four_ipv6_http_streams.pcap",
        "dpkt-nb6-http.pcap",
        "arkime-http-post-upload.pcap",
        "arkime-80211http.pcap",
        "suricata-http-range-multiflows.pcap",
        "pcpp-example.pcap",
    ];
    let mut compared = 0;
    for f in files {
        let path = dir.join(f);
        if !path.is_file() {
            println!("SKIP {f}: absent");
            continue;
        }
        let Some(want) = tshark_http(&path) else {
            println!("SKIP {f}: tshark is not installed or failed");
            continue;
        };
        let tl = capture::timeline(&path, ReadOptions::default()).unwrap().0;
        let mut got: Vec<u64> = tl
            .steps
            .iter()
            .filter_map(|s| s.segment.as_ref())
            .filter(|v| {
                v.l7.as_ref()
                    .is_some_and(|l| l.protocol == synack::wire::l7::Protocol::Http)
            })
            .map(|v| v.frame)
            .collect();
        got.sort_unstable();
        got.dedup();
        assert_eq!(got, want, "{f}: HTTP frames differ from tshark's");
        println!("{f}: {} HTTP frames agree", got.len());
        compared += got.len();
    }
    if compared > 0 {
        assert!(compared > 500, "only {compared} frames compared");
    }
}

#[test]
fn direct_ndjson_writer_matches_the_value_path_with_l7() {
    use synack::explain::Lang;
    use synack::view::json::{push_step_line, step_value_in};
    let dir = tmp("direct");
    let tl = timeline(&ws_capture(&dir));
    let mut with_l7 = 0;
    for step in &tl.steps {
        let mut fast = Vec::new();
        push_step_line(&mut fast, step, Lang::En);
        let mut slow = serde_json::to_vec(&step_value_in(step, Lang::En)).unwrap();
        slow.push(b'\n');
        assert_eq!(
            String::from_utf8_lossy(&fast),
            String::from_utf8_lossy(&slow)
        );
        with_l7 += usize::from(String::from_utf8_lossy(&fast).contains("\"l7\":{"));
    }
    assert_eq!(with_l7, 4);
    let _ = std::fs::remove_dir_all(dir);
}
