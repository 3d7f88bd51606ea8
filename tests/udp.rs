//! UDP datagrams against tshark: on every capture of `../shared/corpus` and
//! `../shared/corpus-wild` that holds UDP, the frames synack shows as
//! datagrams, their addresses, ports and lengths, and the numbering of
//! their conversations (tshark's `udp.stream`), compared with what tshark
//! prints. Plus the paths of `source::capture` agreeing with each other on
//! those files. SKIP where tshark or the corpus is absent.

use std::collections::BTreeMap;
use std::net::{IpAddr, SocketAddr};
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};
use std::process::Command;

use synack::source::capture::{self, ReadOptions, StepEvent};
use synack::timeline::{DatagramView, Step, StepKind};

fn shared(dir: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared")
        .join(dir)
}

fn captures() -> Vec<PathBuf> {
    let mut out = Vec::new();
    for dir in ["corpus", "corpus-wild"] {
        let Ok(entries) = std::fs::read_dir(shared(dir)) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.extension()
                .is_some_and(|x| x == "pcap" || x == "pcapng" || x == "cap")
            {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

fn with_udp() -> ReadOptions {
    ReadOptions {
        tcp_only: false,
        ..ReadOptions::default()
    }
}

/// One UDP frame as tshark shows it: the innermost UDP header's fields
/// (a tunnel synack follows shows the UDP inside it).
#[derive(Debug, PartialEq)]
struct Row {
    stream: u32,
    src: SocketAddr,
    dst: SocketAddr,
    /// `udp.length`: header and payload; None where tshark says the
    /// field is bad (beyond the IP payload), where synack counts the IP
    /// payload instead.
    length: Option<u32>,
}

fn last(field: &str) -> &str {
    field.rsplit(',').next().unwrap_or("")
}

/// tshark's UDP frames (not those inside ICMP errors, nor the tunnels
/// synack follows to what they carry), by frame number; None when tshark
/// is missing or cannot read the file.
fn tshark_udp(path: &Path) -> Option<BTreeMap<u64, Row>> {
    let out = Command::new("tshark")
        .args(["-n", "-r"])
        .arg(path)
        .args([
            "-Y",
            "udp && !icmp && !icmpv6",
            "-T",
            "fields",
            "-E",
            "separator=\t",
        ])
        .args(
            [
                "frame.number",
                "udp.stream",
                "ip.src",
                "ipv6.src",
                "ip.dst",
                "ipv6.dst",
                "udp.srcport",
                "udp.dstport",
                "udp.length",
                "frame.protocols",
                "udp.length.bad",
            ]
            .iter()
            .flat_map(|f| ["-e", f]),
        )
        .output()
        .ok()?;
    if !out.status.success() {
        return None;
    }
    let mut rows = BTreeMap::new();
    for line in String::from_utf8_lossy(&out.stdout).lines() {
        let c: Vec<&str> = line.split('\t').collect();
        if c.len() < 11 || c[1].is_empty() {
            continue;
        }
        let protos = c[9];
        // A tunnel synack follows (GTP-U, L2TP) to a TCP segment inside:
        // synack shows that segment, not the outer datagram.
        if protos
            .rfind(":udp")
            .is_some_and(|u| protos[u..].contains(":tcp"))
        {
            continue;
        }
        // The innermost IP header is the UDP header's: the last of either.
        let v6_last = protos.rfind(":ipv6:").unwrap_or(0) > protos.rfind(":ip:").unwrap_or(0);
        let (s, d) = if v6_last { (c[3], c[5]) } else { (c[2], c[4]) };
        let ip = |v: &str| last(v).parse::<IpAddr>().ok();
        let (Some(sip), Some(dip)) = (ip(s), ip(d)) else {
            continue;
        };
        let port = |v: &str| last(v).parse::<u16>().unwrap_or(0);
        rows.insert(
            c[0].parse().unwrap(),
            Row {
                stream: last(c[1]).parse().unwrap(),
                src: SocketAddr::new(sip, port(c[6])),
                dst: SocketAddr::new(dip, port(c[7])),
                length: c[10].is_empty().then(|| last(c[8]).parse().ok()).flatten(),
            },
        );
    }
    Some(rows)
}

fn datagrams(steps: &[Step]) -> Vec<(&Step, &DatagramView)> {
    steps
        .iter()
        .filter_map(|s| s.datagram.as_deref().map(|d| (s, d)))
        .collect()
}

#[test]
fn datagrams_match_tshark_frame_by_frame() {
    let files = captures();
    if files.is_empty() {
        println!("SKIP datagrams_match_tshark_frame_by_frame: no corpus under ../shared");
        return;
    }
    let mut problems = Vec::new();
    let (mut compared, mut frames, mut same_numbers) = (0, 0, 0);
    for path in &files {
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let Ok((tl, report)) = capture::timeline(path, with_udp()) else {
            continue;
        };
        // A file of TCP alone needs no second look (tshark is slow to
        // start, and most of the corpus is such files).
        if report.udp_frames == 0 && report.frames == report.tcp_frames + report.malformed {
            continue;
        }
        // Frames of a link type synack does not decode are left out, and
        // said so; tshark may read UDP in them.
        let unread_link = report
            .undecoded
            .keys()
            .any(|u| matches!(u, synack::wire::decode::Undecoded::LinkType(_)));
        let ours = datagrams(&tl.steps);
        let Some(want) = tshark_udp(path) else {
            if Command::new("tshark").arg("-v").output().is_err() {
                println!("SKIP datagrams_match_tshark_frame_by_frame: tshark is not installed");
                return;
            }
            continue;
        };
        if want.is_empty() && ours.is_empty() {
            continue;
        }
        compared += 1;
        // tshark numbers every UDP conversation it sees, including the
        // outer ones of tunnels synack follows through; synack numbers
        // those it shows. Where tshark shows no more conversations than
        // synack, the numbers must be tshark's; otherwise the order of
        // first appearance must be the same.
        let mut ours_by_frame = BTreeMap::new();
        for (s, d) in &ours {
            ours_by_frame.insert(d.frame, (s.stream, d));
        }
        let mut map: BTreeMap<u32, u32> = BTreeMap::new();
        for (frame, row) in &want {
            let Some((stream, d)) = ours_by_frame.get(frame) else {
                if !unread_link {
                    problems.push(format!(
                        "{name} frame {frame}: tshark shows UDP {row:?}, synack none"
                    ));
                }
                continue;
            };
            frames += 1;
            if (d.src, d.dst) != (row.src, row.dst) {
                problems.push(format!(
                    "{name} frame {frame}: {} -> {}, tshark {} -> {}",
                    d.src, d.dst, row.src, row.dst
                ));
            }
            if row.length.is_some_and(|l| l >= 8 && d.len + 8 != l) {
                problems.push(format!(
                    "{name} frame {frame}: {} payload bytes, tshark's udp.length {:?}",
                    d.len, row.length
                ));
            }
            let tshark = *map.entry(*stream).or_insert(row.stream);
            if tshark != row.stream {
                problems.push(format!(
                    "{name} frame {frame}: UDP stream {stream} was tshark's {tshark}, here {}",
                    row.stream
                ));
            }
        }
        for (frame, (_, d)) in &ours_by_frame {
            if !want.contains_key(frame) {
                problems.push(format!(
                    "{name} frame {frame}: synack shows UDP {} -> {}, tshark none",
                    d.src, d.dst
                ));
            }
        }
        // Same numbers as tshark unless tshark saw conversations synack
        // does not show; in order of first appearance either way.
        let exact = map.iter().all(|(a, b)| a == b);
        let ordered = map.values().is_sorted();
        let tshark_streams = want.values().map(|r| r.stream).max().map_or(0, |m| m + 1);
        same_numbers += usize::from(exact);
        if !ordered || (!exact && tshark_streams as usize == map.len()) {
            problems.push(format!(
                "{name}: UDP streams numbered {map:?} (synack: tshark)"
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    println!(
        "{frames} UDP frames of {compared} captures agree with tshark; \
         udp.stream numbers the same in {same_numbers}, in the same order in all"
    );
    assert!(compared == 0 || (frames > 0 && same_numbers > 0));
}

/// Every path of `source::capture` gives the same datagrams: the whole
/// file, the streaming read on one thread and on two, and the index read
/// back one conversation at a time.
#[test]
fn every_read_path_gives_the_same_datagrams() {
    let files = captures();
    if files.is_empty() {
        println!("SKIP every_read_path_gives_the_same_datagrams: no corpus under ../shared");
        return;
    }
    let mut checked = 0;
    for path in &files {
        let name = path.display();
        let Ok((tl, report)) = capture::timeline(path, with_udp()) else {
            continue;
        };
        if report.udp_frames == 0 {
            continue;
        }
        checked += 1;
        let frames: Vec<u64> = tl
            .steps
            .iter()
            .map(|s| {
                s.segment
                    .as_ref()
                    .map(|v| v.frame)
                    .or(s.datagram.as_ref().map(|d| d.frame))
                    .unwrap_or(0)
            })
            .collect();
        let ours = datagrams(&tl.steps);
        assert_eq!(ours.len() as u64, report.udp_frames, "{name}");
        for (s, _) in &ours {
            assert_eq!(s.kind, StepKind::Datagram);
            assert_eq!(s.before, Default::default(), "no state before a datagram");
            assert_eq!(s.after, Default::default(), "no state after a datagram");
        }
        // Datagrams keep their frame order among themselves; a segment held
        // for its answer may keep datagrams after it waiting.
        let dframes: Vec<u64> = ours.iter().map(|(_, d)| d.frame).collect();
        assert!(dframes.is_sorted(), "{name}: datagrams out of order");
        assert!(frames.len() == tl.steps.len());
        for parallel in [false, true] {
            let mut streamed = Vec::new();
            capture::steps(
                path,
                ReadOptions {
                    parallel,
                    ..with_udp()
                },
                |ev| {
                    if let StepEvent::Step(s) = ev {
                        streamed.push(s.clone());
                    }
                    ControlFlow::Continue(())
                },
            )
            .unwrap();
            assert_eq!(streamed, tl.steps, "{name}: steps (parallel: {parallel})");
        }
        let idx = capture::index(path, |_| ControlFlow::Continue(())).unwrap();
        assert_eq!(idx.udp_frames_total, report.udp_frames);
        for n in 0..report.udp_streams as u32 {
            let want: Vec<&Step> = ours
                .iter()
                .map(|(s, _)| *s)
                .filter(|s| s.stream == n)
                .collect();
            let got = idx.udp_timeline(n, with_udp()).unwrap();
            assert_eq!(
                got.steps.iter().collect::<Vec<_>>(),
                want,
                "{name}: UDP stream {n} read by offsets"
            );
        }
        // Without UDP, the TCP steps are those of a read with UDP.
        let tcp_only = ReadOptions {
            tcp_only: true,
            ..ReadOptions::default()
        };
        let (tcp, _) = capture::timeline(path, tcp_only).unwrap();
        let without: Vec<&Step> = tl.steps.iter().filter(|s| !s.is_datagram()).collect();
        assert_eq!(tcp.steps.iter().collect::<Vec<_>>(), without, "{name}");
    }
    println!("{checked} captures with UDP read the same every way");
}
