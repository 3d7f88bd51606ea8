//! Reader and decoder against tshark: every capture in `../shared/corpus`
//! with an oracle is read and decoded, and every TCP row tshark printed is
//! compared field by field. Plus small captures made here, one per feature.

use std::collections::BTreeMap;
use std::io::Cursor;
use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};

use synack::pcap::{CaptureError, CaptureReader, RawFrame};
use synack::timeline::Layer;
use synack::timeline::segment::{Flags, Segment, TcpOption};
use synack::timeline::seq::SeqNum;
use synack::wire::build;
use synack::wire::decode::{DecodeOutcome, Decoded, Decoder};

/// Known, deliberate differences from tshark: (file, frame, reason).
/// Empty: every corpus file agrees frame by frame.
const DELIBERATE_DIFFERENCES: &[(&str, u64, &str)] = &[];

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus")
}

#[derive(Debug)]
struct OracleRow {
    frame: u64,
    src: IpAddr,
    dst: IpAddr,
    sport: u16,
    dport: u16,
    /// None when tshark left flags/seq empty (cut TCP header).
    fields: Option<(u16, u32, u32, u32)>,
}

fn parse_oracle(text: &str) -> Vec<OracleRow> {
    let mut rows = Vec::new();
    for line in text.lines().skip(1) {
        if line.trim().is_empty() {
            continue;
        }
        let c: Vec<&str> = line.split('\t').collect();
        let ip = |v4: &str, v6: &str| -> IpAddr {
            let s = if v4.is_empty() { v6 } else { v4 };
            s.parse()
                .unwrap_or_else(|_| panic!("bad address {s:?} in {line}"))
        };
        let fields = if c[8].is_empty() {
            None
        } else {
            Some((
                u16::from_str_radix(c[8].trim_start_matches("0x"), 16).unwrap(),
                c[9].parse().unwrap(),
                c[10].parse().unwrap(),
                c[11].parse().unwrap(),
            ))
        };
        rows.push(OracleRow {
            frame: c[0].parse().unwrap(),
            src: ip(c[2], c[3]),
            dst: ip(c[5], c[6]),
            sport: c[4].parse().unwrap(),
            dport: c[7].parse().unwrap(),
            fields,
        });
    }
    rows
}

fn capinfos_packets(text: &str) -> Option<u64> {
    text.lines()
        .find(|l| l.starts_with("Number of packets:"))
        .and_then(|l| l.split(':').nth(1))
        .and_then(|v| v.trim().parse().ok())
}

/// Compare one file; returns the list of problems.
fn check_file(path: &Path, oracle_dir: &Path) -> Vec<String> {
    let name = path.file_name().unwrap().to_string_lossy().to_string();
    let mut problems = Vec::new();
    let tsv = oracle_dir.join(format!("{name}.tcp.tsv"));
    let rows = parse_oracle(&std::fs::read_to_string(&tsv).unwrap());
    let mut by_frame: BTreeMap<u64, &OracleRow> = BTreeMap::new();
    for r in &rows {
        by_frame.insert(r.frame, r);
    }
    let reader = match CaptureReader::open(path) {
        Ok(r) => r,
        Err(e) => return vec![format!("{name}: cannot open: {e}")],
    };
    let mut dec = Decoder::new();
    let mut count = 0u64;
    let mut seen = 0usize;
    for f in reader {
        let f = match f {
            Ok(f) => f,
            Err(e) => {
                problems.push(format!("{name}: read error: {e}"));
                break;
            }
        };
        count += 1;
        let out = dec.decode(f.link_type, &f.data, f.orig_len);
        let deliberate = DELIBERATE_DIFFERENCES
            .iter()
            .any(|(n, fr, _)| *n == name && *fr == f.index);
        let want = by_frame.get(&f.index);
        let p = compare(&name, f.index, &out, want.copied());
        if want.is_some() {
            seen += 1;
        }
        if let Some(p) = p
            && !deliberate
        {
            problems.push(p);
        }
    }
    if seen != by_frame.len() {
        problems.push(format!(
            "{name}: oracle has {} TCP frames, the reader reached {seen} of them",
            by_frame.len()
        ));
    }
    if let Ok(ci) = std::fs::read_to_string(oracle_dir.join(format!("{name}.capinfos.txt")))
        && let Some(n) = capinfos_packets(&ci)
        && n != count
    {
        problems.push(format!("{name}: {count} frames read, capinfos says {n}"));
    }
    problems
}

fn compare(
    name: &str,
    frame: u64,
    out: &DecodeOutcome,
    want: Option<&OracleRow>,
) -> Option<String> {
    let at = format!("{name} frame {frame}");
    match (out, want) {
        (DecodeOutcome::Tcp(d), Some(w)) => {
            let Some((flags, seq, ack, len)) = w.fields else {
                return Some(format!(
                    "{at}: tshark shows a cut TCP header, we decoded a segment"
                ));
            };
            let got = (
                d.src.ip(),
                d.dst.ip(),
                d.src.port(),
                d.dst.port(),
                d.seg.flags.0,
                d.seg.seq.0,
                d.seg.ack.0,
                d.len,
            );
            let exp = (w.src, w.dst, w.sport, w.dport, flags, seq, ack, len);
            (got != exp).then(|| format!("{at}: got {got:?}, tshark {exp:?}"))
        }
        (DecodeOutcome::Malformed(_), Some(w)) if w.fields.is_none() => None,
        (other, Some(_)) => Some(format!("{at}: tshark shows TCP, we got {other:?}")),
        (DecodeOutcome::Tcp(d), None) => Some(format!(
            "{at}: we decoded TCP {} -> {} that tshark does not list",
            d.src, d.dst
        )),
        (DecodeOutcome::Malformed(m), None) => Some(format!(
            "{at}: we say malformed TCP ({m}), tshark lists no TCP"
        )),
        // UDP is compared with tshark's udp fields in tests/udp.rs.
        (DecodeOutcome::NotTcp | DecodeOutcome::FragmentHeld | DecodeOutcome::Udp(_), None) => None,
    }
}

#[test]
fn corpus_matches_tshark() {
    let dir = corpus_dir();
    if !dir.is_dir() {
        println!("SKIP corpus_matches_tshark: {} not found", dir.display());
        return;
    }
    let oracle = dir.join("oracle");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file() && p.extension().is_some_and(|e| e == "pcap" || e == "pcapng"))
        .collect();
    files.sort();
    let mut problems = Vec::new();
    let (mut agree, mut compared, mut rejected) = (0, 0, 0);
    for path in &files {
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let err_file = oracle.join(format!("{name}.tshark-error.txt"));
        if err_file.exists() {
            let tshark = std::fs::read_to_string(&err_file).unwrap();
            let tshark_msg: Vec<&str> = tshark.lines().filter(|l| !l.starts_with('#')).collect();
            let ours = match CaptureReader::open(path) {
                Err(e) => Some(e.to_string()),
                Ok(r) => r.filter_map(|f| f.err()).map(|e| e.to_string()).next(),
            };
            match ours {
                Some(e) => {
                    println!("{name}\n  ours:   {e}\n  tshark: {}", tshark_msg.join(" "));
                    rejected += 1;
                }
                None => problems.push(format!(
                    "{name}: tshark rejects it, we read it without error"
                )),
            }
            continue;
        }
        if !oracle.join(format!("{name}.tcp.tsv")).exists() {
            continue;
        }
        compared += 1;
        let p = check_file(path, &oracle);
        if p.is_empty() {
            agree += 1;
        }
        problems.extend(p);
    }
    println!(
        "corpus: {agree} of {compared} files agree with tshark frame by frame; {rejected} corrupt files rejected as tshark rejects them"
    );
    for (f, n, why) in DELIBERATE_DIFFERENCES {
        println!("deliberate difference: {f} frame {n}: {why}");
    }
    assert!(
        problems.is_empty(),
        "{} problems:\n{}",
        problems.len(),
        problems.join("\n")
    );
    assert!(compared > 0);
}

// ---------------------------------------------------------------------------
// Small captures made here.

fn pcap_bytes(
    le: bool,
    nanos: bool,
    link: u32,
    snaplen: u32,
    recs: &[(u32, u32, &[u8], u32)],
) -> Vec<u8> {
    let w32 =
        |v: u32, out: &mut Vec<u8>| out.extend(if le { v.to_le_bytes() } else { v.to_be_bytes() });
    let mut out = Vec::new();
    w32(if nanos { 0xA1B2_3C4D } else { 0xA1B2_C3D4 }, &mut out);
    let (maj, min) = (2u16, 4u16);
    out.extend(if le {
        maj.to_le_bytes()
    } else {
        maj.to_be_bytes()
    });
    out.extend(if le {
        min.to_le_bytes()
    } else {
        min.to_be_bytes()
    });
    w32(0, &mut out);
    w32(0, &mut out);
    w32(snaplen, &mut out);
    w32(link, &mut out);
    for (s, f, d, o) in recs {
        w32(*s, &mut out);
        w32(*f, &mut out);
        w32(d.len() as u32, &mut out);
        w32(*o, &mut out);
        out.extend(*d);
    }
    out
}

fn read_all(bytes: Vec<u8>) -> (Vec<RawFrame>, Option<CaptureError>) {
    let r = CaptureReader::from_reader(Cursor::new(bytes)).expect("header");
    let mut frames = Vec::new();
    let mut err = None;
    let mut it = r;
    for f in it.by_ref() {
        match f {
            Ok(f) => frames.push(f),
            Err(e) => {
                err = Some(e);
                break;
            }
        }
    }
    assert!(it.next().is_none(), "the iterator ends after an error");
    (frames, err)
}

fn v4(a: &str) -> SocketAddr {
    a.parse().unwrap()
}

fn sample_segment() -> Segment {
    let mut seg = Segment::new(SeqNum(1000), SeqNum(2000), Flags::SYN | Flags::ACK);
    seg.win = 65535;
    seg.options = vec![
        TcpOption::Mss { value: 1460 },
        TcpOption::SackPermitted,
        TcpOption::Timestamps { tsval: 7, tsecr: 9 },
        TcpOption::WindowScale { shift: 7 },
    ];
    seg.payload = b"hello, world".to_vec();
    seg
}

/// An Ethernet frame with IPv4 (or IPv6) and the sample segment.
fn eth_frame(v6: bool) -> Vec<u8> {
    let (s, d) = if v6 {
        (v4("[2001:db8::1]:40000"), v4("[2001:db8::2]:80"))
    } else {
        (v4("10.0.0.1:40000"), v4("10.0.0.2:80"))
    };
    build::frame(&sample_segment(), s, d, 77).data
}

fn ip_packet(v6: bool) -> Vec<u8> {
    eth_frame(v6)[14..].to_vec()
}

fn expect_tcp(out: DecodeOutcome) -> Decoded {
    match out {
        DecodeOutcome::Tcp(d) => d,
        other => panic!("expected TCP, got {other:?}"),
    }
}

fn check_sample(d: &Decoded, v6: bool) {
    let seg = sample_segment();
    if v6 {
        assert_eq!(d.src, v4("[2001:db8::1]:40000"));
        assert_eq!(d.dst, v4("[2001:db8::2]:80"));
    } else {
        assert_eq!(d.src, v4("10.0.0.1:40000"));
        assert_eq!(d.dst, v4("10.0.0.2:80"));
    }
    assert_eq!(d.seg.seq, seg.seq);
    assert_eq!(d.seg.ack, seg.ack);
    assert_eq!(d.seg.flags, seg.flags);
    assert_eq!(d.seg.win, 65535);
    assert_eq!(d.seg.options, seg.options);
    assert_eq!(d.seg.payload, seg.payload);
    assert_eq!(d.len, seg.payload.len() as u32);
}

#[test]
fn pcap_both_byte_orders_and_resolutions() {
    let frame = eth_frame(false);
    for le in [true, false] {
        for nanos in [false, true] {
            let bytes = pcap_bytes(
                le,
                nanos,
                1,
                65535,
                &[
                    (1_600_000_000, 123_456, &frame, frame.len() as u32),
                    (1_600_000_001, 5, &frame[..40], 1514),
                ],
            );
            let (frames, err) = read_all(bytes);
            assert!(err.is_none());
            assert_eq!(frames.len(), 2);
            let unit = if nanos { 1 } else { 1000 };
            assert_eq!(
                frames[0].ts_nanos,
                1_600_000_000_000_000_000 + 123_456 * unit
            );
            assert_eq!(frames[1].ts_nanos, 1_600_000_001_000_000_000 + 5 * unit);
            assert_eq!(frames[0].index, 1);
            assert_eq!(frames[1].index, 2);
            assert_eq!(frames[0].link_type, 1);
            assert_eq!(frames[0].data, frame);
            assert_eq!(frames[1].orig_len, 1514);
            let d = expect_tcp(Decoder::new().decode(1, &frames[0].data, frames[0].orig_len));
            check_sample(&d, false);
        }
    }
}

#[test]
fn pcap_linktype_fcs_bits_masked_reserved_rejected() {
    let ip = ip_packet(false);
    let bytes = pcap_bytes(
        true,
        false,
        0x3000_00e4,
        65535,
        &[(0, 0, &ip, ip.len() as u32)],
    );
    let (frames, err) = read_all(bytes);
    assert!(err.is_none());
    assert_eq!(frames[0].link_type, 228);
    let bytes = pcap_bytes(true, false, 0x0030_0000, 65535, &[]);
    let e = CaptureReader::from_reader(Cursor::new(bytes))
        .err()
        .expect("rejected");
    assert!(matches!(e, CaptureError::ReservedLinkType { .. }), "{e}");
    assert!(e.to_string().contains("reserved"));
}

// pcapng block builders (little-endian).
fn block(btype: u32, body: &[u8]) -> Vec<u8> {
    let mut body = body.to_vec();
    while !body.len().is_multiple_of(4) {
        body.push(0);
    }
    let len = (body.len() + 12) as u32;
    let mut out = Vec::new();
    out.extend(btype.to_le_bytes());
    out.extend(len.to_le_bytes());
    out.extend(body);
    out.extend(len.to_le_bytes());
    out
}
fn opt(code: u16, v: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    out.extend(code.to_le_bytes());
    out.extend((v.len() as u16).to_le_bytes());
    out.extend(v);
    while !out.len().is_multiple_of(4) {
        out.push(0);
    }
    out
}
fn shb() -> Vec<u8> {
    let mut b = Vec::new();
    b.extend(0x1A2B_3C4Du32.to_le_bytes());
    b.extend(1u16.to_le_bytes());
    b.extend(0u16.to_le_bytes());
    b.extend((-1i64).to_le_bytes());
    b.extend(opt(4, b"synack test"));
    b.extend([0, 0, 0, 0]);
    block(0x0A0D_0D0A, &b)
}
fn idb(link: u16, snaplen: u32, opts: &[Vec<u8>]) -> Vec<u8> {
    let mut b = Vec::new();
    b.extend(link.to_le_bytes());
    b.extend(0u16.to_le_bytes());
    b.extend(snaplen.to_le_bytes());
    for o in opts {
        b.extend(o);
    }
    if !opts.is_empty() {
        b.extend([0, 0, 0, 0]);
    }
    block(1, &b)
}
fn epb(iface: u32, ts: u64, data: &[u8], orig: u32) -> Vec<u8> {
    let mut b = Vec::new();
    b.extend(iface.to_le_bytes());
    b.extend(((ts >> 32) as u32).to_le_bytes());
    b.extend((ts as u32).to_le_bytes());
    b.extend((data.len() as u32).to_le_bytes());
    b.extend(orig.to_le_bytes());
    b.extend(data);
    block(6, &b)
}

#[test]
fn pcapng_sections_interfaces_and_resolutions() {
    let eth = eth_frame(false);
    let raw6 = ip_packet(true);
    let mut f = shb();
    // Interface 0: Ethernet, nanoseconds. Interface 1: raw IP, 2^-10 s ticks,
    // 100 s offset.
    f.extend(idb(1, 0, &[opt(9, &[9])]));
    f.extend(idb(
        101,
        0,
        &[opt(9, &[0x80 | 10]), opt(14, &100i64.to_le_bytes())],
    ));
    f.extend(block(4, &[1, 2, 3, 4, 5, 6, 7, 8])); // a name resolution block: skipped
    f.extend(epb(0, 1_500_000_000_123_456_789, &eth, eth.len() as u32));
    f.extend(epb(1, 2048, &raw6, raw6.len() as u32));
    // Simple packet block: interface 0.
    let mut spb = (eth.len() as u32).to_le_bytes().to_vec();
    spb.extend(&eth);
    f.extend(block(3, &spb));
    // Obsolete packet block on interface 1 (µs default does not apply: IDB 1 has 2^-10).
    let mut pb = Vec::new();
    pb.extend(1u16.to_le_bytes());
    pb.extend(0u16.to_le_bytes());
    pb.extend(0u32.to_le_bytes());
    pb.extend(1024u32.to_le_bytes());
    pb.extend((raw6.len() as u32).to_le_bytes());
    pb.extend((raw6.len() as u32).to_le_bytes());
    pb.extend(&raw6);
    f.extend(block(2, &pb));
    // Second section: its own interfaces, default µs resolution.
    f.extend(shb());
    f.extend(idb(113, 0, &[]));
    let mut sll = vec![0, 0, 0, 1, 0, 6, 2, 0, 0, 0, 0, 0, 0, 1, 0x08, 0x00];
    sll.extend(ip_packet(false));
    f.extend(epb(0, 3_000_000, &sll, sll.len() as u32));

    let (frames, err) = read_all(f);
    assert!(err.is_none(), "{err:?}");
    let summary: Vec<(u64, u32, i128)> = frames
        .iter()
        .map(|f| (f.index, f.link_type, f.ts_nanos))
        .collect();
    assert_eq!(
        summary,
        vec![
            (1, 1, 1_500_000_000_123_456_789),
            (2, 101, 102_000_000_000),
            (3, 1, 0),
            (4, 101, 101_000_000_000),
            (5, 113, 3_000_000_000),
        ]
    );
    let mut dec = Decoder::new();
    for f in &frames {
        let d = expect_tcp(dec.decode(f.link_type, &f.data, f.orig_len));
        check_sample(&d, f.link_type == 101);
    }
}

#[test]
fn pcapng_damage_yields_good_frames_then_one_error() {
    let eth = eth_frame(false);
    let base = {
        let mut f = shb();
        f.extend(idb(1, 0, &[]));
        f.extend(epb(0, 1, &eth, eth.len() as u32));
        f
    };
    // Unknown interface id.
    let mut f = base.clone();
    f.extend(epb(3, 2, &eth, eth.len() as u32));
    let (frames, err) = read_all(f);
    assert_eq!(frames.len(), 1);
    assert!(
        matches!(
            err,
            Some(CaptureError::UnknownInterface {
                id: 3,
                count: 1,
                frame: 2,
                ..
            })
        ),
        "{err:?}"
    );
    // Trailer length mismatch.
    let mut f = base.clone();
    let mut bad = epb(0, 2, &eth, eth.len() as u32);
    let n = bad.len();
    bad[n - 4] ^= 0x40;
    f.extend(bad);
    let (frames, err) = read_all(f);
    assert_eq!(frames.len(), 1);
    assert!(
        matches!(err, Some(CaptureError::DamagedBlock { .. })),
        "{err:?}"
    );
    // IDB option overrunning the block.
    let mut f = shb();
    let mut body = vec![1, 0, 0, 0, 0, 0, 0, 0];
    body.extend([9, 0, 0x30, 0x30, 6, 0, 0, 0]);
    f.extend(block(1, &body));
    let (frames, err) = read_all(f);
    assert!(frames.is_empty());
    let e = err.expect("error").to_string();
    assert!(e.contains("overruns"), "{e}");
    // Captured length larger than the block.
    let mut f = base.clone();
    let mut b = epb(0, 2, &eth, eth.len() as u32);
    b[20..24].copy_from_slice(&5000u32.to_le_bytes());
    f.extend(b);
    let (frames, err) = read_all(f);
    assert_eq!(frames.len(), 1);
    assert!(
        matches!(err, Some(CaptureError::DamagedBlock { .. })),
        "{err:?}"
    );
    // Cut in the middle of the last block.
    let mut f = base.clone();
    let b = epb(0, 2, &eth, eth.len() as u32);
    f.extend(&b[..b.len() - 10]);
    let (frames, err) = read_all(f);
    assert_eq!(frames.len(), 1);
    assert!(
        matches!(err, Some(CaptureError::TruncatedRecord { frame: 2, .. })),
        "{err:?}"
    );
}

#[test]
fn every_link_type_decodes() {
    for v6 in [false, true] {
        let ip = ip_packet(v6);
        let eth = eth_frame(v6);
        let et: [u8; 2] = if v6 { [0x86, 0xdd] } else { [0x08, 0x00] };
        let with = |prefix: &[u8]| -> Vec<u8> {
            let mut v = prefix.to_vec();
            v.extend(&ip);
            v
        };
        let af: u32 = if v6 { 30 } else { 2 };
        let mut sll = vec![0, 0, 0, 1, 0, 6, 2, 0, 0, 0, 0, 0, 0, 0];
        sll.extend(et);
        let mut sll2 = et.to_vec();
        sll2.extend([0, 0, 0, 0, 0, 0, 0, 1, 0, 1, 0, 6, 2, 0, 0, 0, 0, 0, 0, 0]);
        sll2.truncate(20);
        // NFLOG: header, a prefix TLV (type 10, 7 bytes + padding), payload TLV.
        let mut nflog = vec![if v6 { 10 } else { 2 }, 0, 0, 0];
        nflog.extend(11u16.to_le_bytes());
        nflog.extend(10u16.to_le_bytes());
        nflog.extend(b"abcdefg\0");
        nflog.extend(((ip.len() + 4) as u16).to_le_bytes());
        nflog.extend(9u16.to_le_bytes());
        let mut ipoib = vec![0u8; 40];
        ipoib.extend(et);
        ipoib.extend([0, 0]);
        let mut cases: Vec<(u32, Vec<u8>, &str)> = vec![
            (1, eth.clone(), "Ethernet II"),
            (0, with(&af.to_le_bytes()), "BSD loopback"),
            (0, with(&af.to_be_bytes()), "BSD loopback"),
            (108, with(&af.to_be_bytes()), "BSD loopback"),
            (101, ip.clone(), "IPv"),
            (12, ip.clone(), "IPv"),
            (14, ip.clone(), "IPv"),
            (if v6 { 229 } else { 228 }, ip.clone(), "IPv"),
            (113, with(&sll), "Linux cooked (SLL)"),
            (276, with(&sll2), "Linux cooked v2 (SLL2)"),
            (239, with(&nflog), "NFLOG"),
            (242, with(&ipoib), "IPoIB"),
        ];
        if v6 {
            for af in [10u32, 24, 28] {
                cases.push((0, with(&af.to_le_bytes()), "BSD loopback"));
            }
        }
        for (lt, data, first) in cases {
            let d = expect_tcp(Decoder::new().decode(lt, &data, data.len() as u32));
            check_sample(&d, v6);
            assert!(
                d.layers[0].name.starts_with(first),
                "link type {lt}: {:?}",
                d.layers
            );
            assert!(!d.truncated && !d.reassembled);
            let tcp = d
                .layers
                .iter()
                .find(|l| l.layer == Layer::Transport)
                .unwrap();
            assert_eq!(
                tcp.range.end - tcp.range.start,
                20 + 20,
                "TCP header with options"
            );
            let app = d
                .layers
                .iter()
                .find(|l| l.layer == Layer::Application)
                .unwrap();
            assert_eq!(&data[app.range.clone()], b"hello, world");
            assert_eq!(app.range.end, data.len());
        }
    }
    // A raw-IPv4 link type given an IPv6 packet, an unknown AF, an unknown link type.
    assert_eq!(
        Decoder::new().decode(228, &ip_packet(true), 100),
        DecodeOutcome::NotTcp
    );
    let mut bad = 99u32.to_le_bytes().to_vec();
    bad.extend(ip_packet(false));
    assert_eq!(Decoder::new().decode(0, &bad, 100), DecodeOutcome::NotTcp);
    assert_eq!(
        Decoder::new().decode(147, &eth_frame(false), 100),
        DecodeOutcome::NotTcp
    );
}

#[test]
fn vlan_tags_of_any_depth() {
    let eth = eth_frame(false);
    let mut f = eth[..12].to_vec();
    f.extend([0x88, 0xa8, 0x00, 0x0a]); // S-tag 10
    f.extend([0x81, 0x00, 0x00, 0x14]); // C-tag 20
    f.extend([0x81, 0x00, 0x00, 0x1e]); // a third tag, 30
    f.extend([0x08, 0x00]);
    f.extend(&eth[14..]);
    let d = expect_tcp(Decoder::new().decode(1, &f, f.len() as u32));
    check_sample(&d, false);
    let names: Vec<&str> = d.layers.iter().map(|l| l.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "Ethernet II",
            "802.1Q VLAN",
            "802.1Q VLAN",
            "802.1Q VLAN",
            "IPv4",
            "TCP",
            "payload"
        ]
    );
    // The tag's TCI and the next EtherType, as Wireshark's 802.1Q layer shows.
    assert_eq!(d.layers[1].range, 14..18);
    assert_eq!(d.layers[4].range, 26..46);
}

#[test]
fn ipv6_extension_headers_and_ipv4_options() {
    let ip = ip_packet(true);
    let tcp = &ip[40..];
    let mut p = ip[..40].to_vec();
    p[6] = 0; // hop-by-hop
    let ext = [
        vec![60, 0, 1, 4, 0, 0, 0, 0],            // HBH -> dest opts, PadN
        vec![44, 0, 1, 4, 0, 0, 0, 0],            // dest opts -> fragment
        vec![6, 0, 0, 0, 0x12, 0x34, 0x56, 0x78], // atomic fragment -> TCP
    ]
    .concat();
    let plen = (ext.len() + tcp.len()) as u16;
    p[4..6].copy_from_slice(&plen.to_be_bytes());
    p.extend(&ext);
    p.extend(tcp);
    let d = expect_tcp(Decoder::new().decode(229, &p, p.len() as u32));
    check_sample(&d, true);
    assert_eq!(d.layers[0].name, "IPv6");
    assert_eq!(d.layers[0].range, 0..64);
    assert!(!d.reassembled);

    // IPv4 with 8 bytes of options (NOPs + EOL).
    let ip = ip_packet(false);
    let mut p = vec![0x47];
    p.extend(&ip[1..20]);
    let total = (ip.len() + 8) as u16;
    p[2..4].copy_from_slice(&total.to_be_bytes());
    p.extend([1u8; 7]);
    p.push(0);
    p.extend(&ip[20..]);
    let d = expect_tcp(Decoder::new().decode(228, &p, p.len() as u32));
    check_sample(&d, false);
    assert_eq!(d.layers[0].range, 0..28);
}

#[test]
fn snaplen_truncation() {
    let eth = eth_frame(false);
    let full = eth.len() as u32;
    let mut dec = Decoder::new();
    // Payload cut.
    let d = expect_tcp(dec.decode(1, &eth[..eth.len() - 5], full));
    assert!(d.truncated);
    assert_eq!(d.len, 12, "length from the IP header");
    assert_eq!(d.seg.payload, b"hello, ");
    // Options cut (header is 40 bytes, 30 captured).
    let d = expect_tcp(dec.decode(1, &eth[..14 + 20 + 30], full));
    assert!(d.truncated);
    assert_eq!(d.len, 12);
    assert_eq!(d.seg.flags, Flags::SYN | Flags::ACK);
    assert!(d.seg.payload.is_empty());
    // TCP header cut before byte 20.
    assert!(matches!(
        dec.decode(1, &eth[..14 + 20 + 12], full),
        DecodeOutcome::Malformed(_)
    ));
    // IP header cut: no TCP at all.
    assert_eq!(dec.decode(1, &eth[..20], full), DecodeOutcome::NotTcp);
}

#[test]
fn twelve_bit_flags() {
    let mut eth = eth_frame(false);
    let tcp = 14 + 20;
    eth[tcp + 12] = (eth[tcp + 12] & 0xf0) | 0x0f; // AE + 3 reserved bits
    eth[tcp + 13] = 0xc2; // CWR ECE SYN
    let d = expect_tcp(Decoder::new().decode(1, &eth, eth.len() as u32));
    assert_eq!(d.seg.flags, Flags(0xfc2));
}

fn ipv4_fragments(pieces: &[(usize, usize, bool)]) -> Vec<Vec<u8>> {
    let eth = eth_frame(false);
    let ip = &eth[14..];
    let payload = &ip[20..];
    pieces
        .iter()
        .map(|&(off, len, more)| {
            let mut h = ip[..20].to_vec();
            h[2..4].copy_from_slice(&((20 + len) as u16).to_be_bytes());
            let fo = (off / 8) as u16 | if more { 0x2000 } else { 0 };
            h[6..8].copy_from_slice(&fo.to_be_bytes());
            let mut f = eth[..14].to_vec();
            f.extend(h);
            f.extend(&payload[off..off + len]);
            f
        })
        .collect()
}

#[test]
fn ipv4_fragments_are_reassembled_once_complete() {
    // 52-byte TCP segment (40 header + 12 payload) in 3 fragments; the last
    // one arrives first, the first one last.
    let frags = ipv4_fragments(&[(0, 16, true), (16, 24, true), (40, 12, false)]);
    let mut dec = Decoder::new();
    assert_eq!(
        dec.decode(1, &frags[2], frags[2].len() as u32),
        DecodeOutcome::FragmentHeld
    );
    assert_eq!(
        dec.decode(1, &frags[1], frags[1].len() as u32),
        DecodeOutcome::FragmentHeld
    );
    assert_eq!(dec.held_datagrams(), 1);
    let d = expect_tcp(dec.decode(1, &frags[0], frags[0].len() as u32));
    check_sample(&d, false);
    assert!(d.reassembled);
    assert_eq!(dec.held_datagrams(), 0);
    assert!(d.layers.iter().all(|l| l.layer != Layer::Transport));
    // An overlapping duplicate: data already placed wins, still completes once.
    let frags = ipv4_fragments(&[(0, 24, true), (8, 24, true), (24, 28, false)]);
    let mut dec = Decoder::new();
    assert_eq!(dec.decode(1, &frags[0], 100), DecodeOutcome::FragmentHeld);
    assert_eq!(dec.decode(1, &frags[1], 100), DecodeOutcome::FragmentHeld);
    check_sample(&expect_tcp(dec.decode(1, &frags[2], 100)), false);
    // A lone middle fragment never becomes a segment.
    let frags = ipv4_fragments(&[(16, 24, true)]);
    let mut dec = Decoder::new();
    assert_eq!(dec.decode(1, &frags[0], 100), DecodeOutcome::FragmentHeld);
}

#[test]
fn ipv6_fragments_are_reassembled() {
    let ip = ip_packet(true);
    let tcp = &ip[40..];
    let make = |off: usize, len: usize, more: bool| {
        let mut p = ip[..40].to_vec();
        p[6] = 44;
        p[4..6].copy_from_slice(&((8 + len) as u16).to_be_bytes());
        let fo = off as u16 | u16::from(more);
        p.extend([6, 0]);
        p.extend(fo.to_be_bytes());
        p.extend(0xdead_beefu32.to_be_bytes());
        p.extend(&tcp[off..off + len]);
        p
    };
    let a = make(0, 24, true);
    let b = make(24, tcp.len() - 24, false);
    let mut dec = Decoder::new();
    assert_eq!(
        dec.decode(229, &a, a.len() as u32),
        DecodeOutcome::FragmentHeld
    );
    let d = expect_tcp(dec.decode(229, &b, b.len() as u32));
    check_sample(&d, true);
    assert!(d.reassembled);
}

#[test]
fn bad_files_give_clear_errors() {
    // Empty.
    let e = CaptureReader::from_reader(Cursor::new(Vec::new()))
        .err()
        .unwrap();
    assert!(matches!(e, CaptureError::Empty), "{e}");
    // Random bytes.
    let mut x: u32 = 99;
    let junk: Vec<u8> = (0..4096)
        .map(|_| {
            x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
            (x >> 16) as u8
        })
        .collect();
    let e = CaptureReader::from_reader(Cursor::new(junk)).err().unwrap();
    assert!(matches!(e, CaptureError::NotCapture { .. }), "{e}");
    assert!(e.to_string().contains("not a pcap or pcapng file"));
    // Header cut short.
    let hdr = pcap_bytes(true, false, 1, 65535, &[]);
    let e = CaptureReader::from_reader(Cursor::new(hdr[..23].to_vec()))
        .err()
        .unwrap();
    assert!(
        matches!(
            e,
            CaptureError::TruncatedHeader {
                got: 23,
                need: 24,
                ..
            }
        ),
        "{e}"
    );
    // Version 1.
    let mut v1 = hdr.clone();
    v1[4] = 1;
    let e = CaptureReader::from_reader(Cursor::new(v1)).err().unwrap();
    assert!(
        matches!(e, CaptureError::UnsupportedVersion { major: 1, .. }),
        "{e}"
    );
    // File not found.
    let e = CaptureReader::open(Path::new("/nonexistent/synack.pcap"))
        .err()
        .unwrap();
    assert!(matches!(e, CaptureError::NotFound { .. }), "{e}");
    // A directory.
    assert!(CaptureReader::open(Path::new(env!("CARGO_MANIFEST_DIR"))).is_err());
    // Every message is one line.
    assert!(!e.to_string().contains('\n'));
}

#[test]
fn absurd_record_length_is_rejected_without_allocating() {
    let eth = eth_frame(false);
    let mut f = pcap_bytes(true, false, 1, 65535, &[(1, 0, &eth, eth.len() as u32)]);
    // A record header claiming 4 GiB - 1.
    f.extend(2u32.to_le_bytes());
    f.extend(0u32.to_le_bytes());
    f.extend(u32::MAX.to_le_bytes());
    f.extend(u32::MAX.to_le_bytes());
    f.extend([0u8; 64]);
    let (frames, err) = read_all(f);
    assert_eq!(frames.len(), 1);
    let e = err.unwrap();
    assert!(
        matches!(
            e,
            CaptureError::AbsurdLength {
                frame: 2,
                len: 4_294_967_295,
                ..
            }
        ),
        "{e}"
    );
}

#[test]
fn record_over_the_snap_length_is_rejected() {
    let mut f = pcap_bytes(true, false, 1, 1514, &[]);
    f.extend(1u32.to_le_bytes());
    f.extend(0u32.to_le_bytes());
    f.extend(100_000u32.to_le_bytes());
    f.extend(100_000u32.to_le_bytes());
    f.extend([0u8; 100]);
    let (frames, err) = read_all(f);
    assert!(frames.is_empty());
    let e = err.unwrap();
    assert!(
        matches!(
            e,
            CaptureError::AbsurdLength {
                frame: 1,
                len: 100_000,
                limit: 1514,
                ..
            }
        ),
        "{e}"
    );
    assert!(e.to_string().contains("snap length"), "{e}");
}

#[test]
fn truncated_last_record_gives_good_frames_then_error() {
    let eth = eth_frame(false);
    let f = pcap_bytes(
        false,
        false,
        1,
        65535,
        &[
            (1, 0, &eth, eth.len() as u32),
            (2, 0, &eth, eth.len() as u32),
            (3, 0, &eth, eth.len() as u32),
        ],
    );
    for cut in [10, eth.len() + 5] {
        let (frames, err) = read_all(f[..f.len() - cut].to_vec());
        assert_eq!(frames.len(), 2);
        assert!(
            matches!(err, Some(CaptureError::TruncatedRecord { frame: 3, .. })),
            "{err:?}"
        );
    }
}

#[test]
fn write_then_read_then_decode() {
    let dir = std::env::temp_dir().join(format!("synack-decode-corpus-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join("sim.pcap");
    let eth = eth_frame(true);
    synack::pcap::write_pcap(
        &p,
        1,
        [(1_000_000_000_000_000_001i128, &eth[..], eth.len() as u32)],
    )
    .unwrap();
    let frames: Vec<_> = CaptureReader::open(&p)
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(frames.len(), 1);
    assert_eq!(frames[0].ts_nanos, 1_000_000_000_000_000_001);
    check_sample(
        &expect_tcp(Decoder::new().decode(
            frames[0].link_type,
            &frames[0].data,
            frames[0].orig_len,
        )),
        true,
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn mutated_captures_never_panic() {
    // Every single-byte corruption of a small pcapng and a small pcap: the
    // reader and decoder may fail, but must not panic or over-allocate.
    let eth = eth_frame(false);
    let mut ng = shb();
    ng.extend(idb(1, 0, &[opt(9, &[9])]));
    ng.extend(epb(0, 5, &eth, eth.len() as u32));
    ng.extend(epb(0, 6, &eth[..50], eth.len() as u32));
    let pcap = pcap_bytes(true, false, 1, 65535, &[(1, 0, &eth, eth.len() as u32)]);
    for base in [ng, pcap] {
        for i in 0..base.len() {
            for v in [0x00, 0xff, 0x80, base[i] ^ 0x01] {
                let mut b = base.clone();
                b[i] = v;
                if let Ok(r) = CaptureReader::from_reader(Cursor::new(b)) {
                    let mut dec = Decoder::new();
                    for f in r.take(10).flatten() {
                        let _ = dec.decode(f.link_type, &f.data, f.orig_len);
                    }
                }
            }
        }
    }
}
