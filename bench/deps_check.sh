#!/usr/bin/env bash
# Measures the two crates the original design named for capture and files,
# pnet (pnet_datalink) and pcap-file, against what synack needs, and runs
# synack's own code on the same input (issue 17; results in the
# "Dependencies" section of docs/architecture.md).
#
#   bash bench/deps_check.sh            # as root: includes the loopback sniff
#
# It builds a throwaway cargo project under /tmp (DEPS_CHECK_DIR) that
# depends on pnet_datalink 0.35.0, pcap-file 2.0.0 (latest stable) and
# pcap-file 3.0.0-rc1 (latest pre-release), so the synack build never
# depends on them. The sniff only ever opens loopback and sends to
# 127.0.0.1; without CAP_NET_RAW it prints SKIP with the reason.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
dir=${DEPS_CHECK_DIR:-/tmp/synack-deps-check}
mkdir -p "$dir/src/bin" "$dir/out"
cd "$dir"

cat > Cargo.toml <<'EOF'
[package]
name = "synack-deps-check"
version = "0.0.0"
edition = "2021"
publish = false

[dependencies]
pnet_datalink = "=0.35.0"
pcap-file = "=2.0.0"
pcap_file3 = { package = "pcap-file", version = "=3.0.0-rc1" }
EOF

cat > src/bin/pnet_probe.rs <<'EOF'
//! pnet_datalink on loopback: what does one received frame tell us?
use pnet_datalink::{Channel, Config};
use std::net::UdpSocket;
use std::time::{Duration, Instant};

fn cap_net_raw() -> bool {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| s.lines().find_map(|l| l.strip_prefix("CapEff:")).map(|v| v.trim().to_string()))
        .and_then(|v| u64::from_str_radix(&v, 16).ok())
        .is_some_and(|c| c & (1 << 13) != 0)
}

fn main() {
    if !cap_net_raw() {
        println!("pnet  SKIP: needs CAP_NET_RAW (run as root) to open an AF_PACKET socket on lo");
        return;
    }
    let lo = pnet_datalink::interfaces().into_iter().find(|i| i.is_loopback()).expect("no loopback interface");
    // Defaults except: no promiscuous mode (lo has no use for it), a read timeout.
    let cfg = Config { read_timeout: Some(Duration::from_millis(200)), promiscuous: false, ..Default::default() };
    println!("pnet  interface {} (only loopback is opened), read_buffer_size {} (default)", lo.name, cfg.read_buffer_size);
    let Ok(Channel::Ethernet(_tx, mut rx)) = pnet_datalink::channel(&lo, cfg) else { panic!("no channel") };
    let server = UdpSocket::bind("127.0.0.1:0").unwrap();
    let client = UdpSocket::bind("127.0.0.1:0").unwrap();
    let port = server.local_addr().unwrap().port();
    let mut payload = vec![0x5a_u8; 9000];
    payload[..16].copy_from_slice(b"synack-deps-chk!");
    let sent = Instant::now();
    client.send_to(&payload, ("127.0.0.1", port)).unwrap();
    // Read a little later, as a busy reader would: only the read time is known.
    std::thread::sleep(Duration::from_millis(300));
    let mut copies: Vec<Vec<u8>> = Vec::new();
    let mut read_at = None;
    while sent.elapsed() < Duration::from_secs(2) {
        let Ok(f) = rx.next() else { continue };
        if f.len() >= 42 && f[12..14] == [8, 0] && f[23] == 17 && u16::from_be_bytes([f[36], f[37]]) == port {
            read_at.get_or_insert(sent.elapsed());
            copies.push(f.to_vec());
            if copies.len() == 2 { break; }
        }
    }
    let true_len = 14 + 20 + 8 + payload.len();
    println!("pnet  one 9000-byte UDP datagram to 127.0.0.1 = a {true_len}-byte frame; frames seen: {}", copies.len());
    for (i, f) in copies.iter().enumerate() {
        let ip_len = u16::from_be_bytes([f[16], f[17]]) as usize;
        println!(
            "pnet  copy {}: next() returned {} bytes; full frame length: not given (only the IP header says {} + 14; MSG_TRUNC is not used, the rest is dropped silently)",
            i + 1, f.len(), ip_len
        );
    }
    if copies.len() == 2 {
        println!(
            "pnet  direction: the two copies are {} (sll_pkttype is discarded: OUTGOING and HOST cannot be told apart)",
            if copies[0] == copies[1] { "byte-identical" } else { "different bytes" }
        );
    }
    if let Some(t) = read_at {
        println!(
            "pnet  timestamp: next() returns &[u8] only, no kernel time; the frame sent at 0 ms can only be stamped when read: {} ms",
            t.as_millis()
        );
    }
}
EOF

cat > src/bin/pcapfile_probe.rs <<'EOF'
//! pcap-file 2.0.0 and 3.0.0-rc1 on crafted files. Writes them to out/ so
//! synack and tshark can read the same bytes.
use std::borrow::Cow;
use std::path::Path;
use std::time::Duration;

const T0: u64 = 1_700_000_000;

fn le32(v: u32) -> [u8; 4] { v.to_le_bytes() }

fn block(kind: u32, body: &[u8]) -> Vec<u8> {
    let mut b = body.to_vec();
    while b.len() % 4 != 0 { b.push(0); }
    let len = (b.len() + 12) as u32;
    let mut out = Vec::new();
    out.extend(le32(kind)); out.extend(le32(len)); out.extend(b); out.extend(le32(len));
    out
}
fn opt(code: u16, val: &[u8]) -> Vec<u8> {
    let mut o = Vec::new();
    o.extend(code.to_le_bytes()); o.extend((val.len() as u16).to_le_bytes()); o.extend(val);
    while o.len() % 4 != 0 { o.push(0); }
    o
}
fn shb() -> Vec<u8> {
    let mut b = Vec::new();
    b.extend(le32(0x1A2B_3C4D)); b.extend(1u16.to_le_bytes()); b.extend(0u16.to_le_bytes()); b.extend((-1i64).to_le_bytes());
    block(0x0A0D_0D0A, &b)
}
fn idb(tsresol: Option<u8>, tsoffset: Option<i64>) -> Vec<u8> {
    let mut b = Vec::new();
    b.extend(1u16.to_le_bytes()); b.extend(0u16.to_le_bytes()); b.extend(le32(0));
    if let Some(r) = tsresol { b.extend(opt(9, &[r])); }
    if let Some(o) = tsoffset { b.extend(opt(14, &o.to_le_bytes())); }
    if tsresol.is_some() || tsoffset.is_some() { b.extend(opt(0, &[])); }
    block(1, &b)
}
fn epb(units: u64, data: &[u8]) -> Vec<u8> {
    let mut b = Vec::new();
    b.extend(le32(0)); b.extend(le32((units >> 32) as u32)); b.extend(le32(units as u32));
    b.extend(le32(data.len() as u32)); b.extend(le32(data.len() as u32)); b.extend(data);
    block(6, &b)
}

/// The first two frames of a classic pcap (synack's captures/sim-handshake.pcap).
fn two_frames(path: &Path) -> (Vec<u8>, Vec<u8>) {
    let f = std::fs::read(path).unwrap();
    let mut at = 24;
    let mut frames = Vec::new();
    while frames.len() < 2 {
        let incl = u32::from_le_bytes(f[at + 8..at + 12].try_into().unwrap()) as usize;
        frames.push(f[at + 16..at + 16 + incl].to_vec());
        at += 16 + incl;
    }
    (frames.remove(0), frames.remove(0))
}

fn fmt_ns(ns: u128) -> String { format!("{}.{:09}", ns / 1_000_000_000, ns % 1_000_000_000) }

/// Timestamps of the packets, in ns since the epoch, as each version gives them.
fn read_v2(path: &Path) -> Result<Vec<u128>, String> {
    use pcap_file::pcapng::{Block, PcapNgReader};
    let mut r = PcapNgReader::new(std::fs::File::open(path).unwrap()).map_err(|e| e.to_string())?;
    let mut ts = Vec::new();
    while let Some(b) = r.next_block() {
        if let Block::EnhancedPacket(p) = b.map_err(|e| e.to_string())? { ts.push(p.timestamp.as_nanos()); }
    }
    Ok(ts)
}
fn read_v3(path: &Path) -> Result<Vec<u128>, String> {
    use pcap_file3::pcapng::{Block, PcapNgReader};
    let path = path.to_path_buf();
    // One line instead of the default panic message and backtrace.
    std::panic::set_hook(Box::new(|info| {
        let at = info.location().map(|l| format!("{}:{}", l.file().rsplit("src/").next().unwrap_or(""), l.line())).unwrap_or_default();
        println!("pcap-file    3.0.0-rc1 panicked at src/{at}: {}", info.payload().downcast_ref::<String>().cloned().unwrap_or_default());
    }));
    let r = std::panic::catch_unwind(move || {
        let mut r = PcapNgReader::new(std::fs::File::open(&path).unwrap()).map_err(|e| e.to_string())?;
        let mut ts = Vec::new();
        while let Some(b) = r.next_block() {
            if let Block::EnhancedPacket(p) = b.map_err(|e| e.to_string())? { ts.push(p.timestamp.as_nanos()); }
        }
        Ok(ts)
    })
    .unwrap_or_else(|_| Err("PANICS".into()));
    let _ = std::panic::take_hook();
    r
}

fn show(name: &str, exact: &[u128], got: Result<Vec<u128>, String>) -> String {
    match got {
        Err(e) => format!("{name}: error/panic: {e}"),
        Ok(ts) => {
            let errs: Vec<String> = ts.iter().zip(exact).map(|(g, e)| {
                if g == e { "exact".to_string() } else { format!("{} (off by {} ns)", fmt_ns(*g), g.abs_diff(*e)) }
            }).collect();
            format!("{name}: {}", errs.join(", "))
        }
    }
}

fn timestamps(out: &Path, frames: &(Vec<u8>, Vec<u8>)) {
    // (file name, if_tsresol, ticks per second, ticks after T0 of frame 2, if_tsoffset)
    let cases: [(&str, Option<u8>, u128, u64, Option<i64>); 5] = [
        ("ts-usec", None, 1_000_000, 123_457, None),
        ("ts-nsec", Some(9), 1_000_000_000, 123_456_789, None),
        ("ts-pow2-20", Some(0x80 | 20), 1 << 20, (1 << 19) + 1, None),
        ("ts-pow2-30", Some(0x80 | 30), 1 << 30, (1 << 29) + 1, None),
        ("ts-offset", Some(6), 1_000_000, 123_457, Some(T0 as i64)),
    ];
    for (name, resol, per_sec, delta, offset) in cases {
        let base = if offset.is_some() { 0 } else { T0 as u128 * per_sec };
        let units = [base as u64, base as u64 + delta];
        let mut f = shb();
        f.extend(idb(resol, offset));
        f.extend(epb(units[0], &frames.0));
        f.extend(epb(units[1], &frames.1));
        let path = out.join(format!("{name}.pcapng"));
        std::fs::write(&path, f).unwrap();
        let off_ns = offset.unwrap_or(0) as u128 * 1_000_000_000;
        // Exact value, rounded down to the nanosecond.
        let exact: Vec<u128> = units.iter().map(|&u| u as u128 * 1_000_000_000 / per_sec + off_ns).collect();
        println!("pcap-file  {name}: frame 2 is exactly {} s", fmt_ns(exact[1]));
        println!("pcap-file    {}", show("2.0.0    ", &exact, read_v2(&path)));
        println!("pcap-file    {}", show("3.0.0-rc1", &exact, read_v3(&path)));
    }
}

fn huge(out: &Path) {
    // Classic pcap, snaplen 0xFFFFFFFF (some writers put that), one record
    // claiming 4 GiB - 16 bytes, followed by 64 bytes only.
    let mut p = Vec::new();
    p.extend(le32(0xA1B2_C3D4)); p.extend(2u16.to_le_bytes()); p.extend(4u16.to_le_bytes());
    p.extend(le32(0)); p.extend(le32(0)); p.extend(le32(u32::MAX)); p.extend(le32(1));
    p.extend(le32(T0 as u32)); p.extend(le32(0)); p.extend(le32(0xFFFF_FFF0)); p.extend(le32(0xFFFF_FFF0));
    p.extend([0u8; 64]);
    std::fs::write(out.join("huge.pcap"), &p).unwrap();
    // pcapng: an EPB whose block length claims 4 GiB - 64 bytes.
    let mut g = shb();
    g.extend(idb(None, None));
    g.extend(le32(6)); g.extend(le32(0xFFFF_FFC0)); g.extend(le32(0)); g.extend(le32(0)); g.extend(le32(0));
    g.extend(le32(0xFFFF_FFA0)); g.extend(le32(0xFFFF_FFA0)); g.extend([0u8; 64]);
    std::fs::write(out.join("huge.pcapng"), &g).unwrap();

    let r = pcap_file::pcap::PcapReader::new(&p[..]).and_then(|mut r| r.next_packet().transpose().map(|x| x.map(|p| p.data.len())));
    println!("pcap-file  huge.pcap   2.0.0: {:?}", r.map_err(|e| e.to_string()));
    let r = pcap_file::pcapng::PcapNgReader::new(&g[..]).map_err(|e| e.to_string()).and_then(|mut r| {
        let mut n = 0;
        while let Some(b) = r.next_block() { b.map_err(|e| e.to_string())?; n += 1; }
        Ok(n)
    });
    println!("pcap-file  huge.pcapng 2.0.0: {:?}", r);
    let r = pcap_file3::pcap::PcapReader::new(&p[..]).and_then(|mut r| r.next_packet().transpose().map(|x| x.map(|p| p.data.len())));
    println!("pcap-file  huge.pcap   3.0.0-rc1: {:?}", r.map_err(|e| e.to_string()));
    let r = pcap_file3::pcapng::PcapNgReader::new(&g[..]).map_err(|e| e.to_string()).and_then(|mut r| {
        let mut n = 0;
        while let Some(b) = r.next_block() { b.map_err(|e| e.to_string())?; n += 1; }
        Ok(n)
    });
    println!("pcap-file  huge.pcapng 3.0.0-rc1: {:?}", r);
    let mut ru: libc_rusage = unsafe { std::mem::zeroed() };
    unsafe { getrusage(0, &mut ru) };
    println!("pcap-file  peak RSS of this process after both: {} MiB", ru.ru_maxrss / 1024);
}

#[repr(C)]
struct libc_rusage { ru_utime: [i64; 2], ru_stime: [i64; 2], ru_maxrss: i64, rest: [i64; 13] }
extern "C" { fn getrusage(who: i32, usage: *mut libc_rusage) -> i32; }

fn truncated(out: &Path, frames: &(Vec<u8>, Vec<u8>)) {
    // tcpdump -s 54: every record has incl_len 54 < orig_len, as a
    // snap-length capture does. Frame 1 is a SYN: pad its claimed length.
    let mut p = Vec::new();
    p.extend(le32(0xA1B2_C3D4)); p.extend(2u16.to_le_bytes()); p.extend(4u16.to_le_bytes());
    p.extend(le32(0)); p.extend(le32(0)); p.extend(le32(54)); p.extend(le32(1));
    let cut = &frames.0[..54];
    p.extend(le32(T0 as u32)); p.extend(le32(0)); p.extend(le32(54)); p.extend(le32(1514));
    p.extend(cut);
    std::fs::write(out.join("snap54.pcap"), &p).unwrap();
    let r = pcap_file::pcap::PcapReader::new(&p[..]).and_then(|mut r| r.next_packet().transpose().map(|x| x.map(|p| (p.data.len(), p.orig_len))));
    println!("pcap-file  snap54.pcap (incl 54, orig 1514, snaplen 54) 2.0.0: {:?}", r.map_err(|e| e.to_string()));
    let r = pcap_file3::pcap::PcapReader::new(&p[..]).and_then(|mut r| r.next_packet().transpose().map(|x| x.map(|p| (p.data.len(), p.orig_len))));
    println!("pcap-file  snap54.pcap (incl 54, orig 1514, snaplen 54) 3.0.0-rc1: {:?}", r.map_err(|e| e.to_string()));
}

fn comments(out: &Path, frames: &(Vec<u8>, Vec<u8>)) {
    use pcap_file::pcapng::blocks::enhanced_packet::{EnhancedPacketBlock, EnhancedPacketOption};
    use pcap_file::pcapng::blocks::interface_description::{InterfaceDescriptionBlock, InterfaceDescriptionOption};
    use pcap_file::pcapng::PcapNgWriter;
    use pcap_file::DataLink;
    for (name, resol) in [("comment-nsec", Some(9u8)), ("comment-default", None)] {
        let file = std::fs::File::create(out.join(format!("{name}.pcapng"))).unwrap();
        let mut w = PcapNgWriter::new(file).unwrap();
        let options = resol.map(|r| vec![InterfaceDescriptionOption::IfTsResol(r)]).unwrap_or_default();
        w.write_pcapng_block(InterfaceDescriptionBlock { linktype: DataLink::ETHERNET, snaplen: 0, options }).unwrap();
        for (i, (data, text)) in [(&frames.0, "SYN: connect() sends it"), (&frames.1, "SYN/ACK: the kernel answers; accept() is not involved")].into_iter().enumerate() {
            w.write_pcapng_block(EnhancedPacketBlock {
                interface_id: 0,
                timestamp: Duration::new(T0, 123_456_789 + i as u32),
                original_len: data.len() as u32,
                data: Cow::Borrowed(data),
                options: vec![EnhancedPacketOption::Comment(Cow::Borrowed(text))],
            }).unwrap();
        }
        println!("pcap-file  wrote out/{name}.pcapng with 2.0.0 (IDB if_tsresol {:?}, EPB opt_comment, frame 1 at {T0}.123456789)", resol);
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let out = Path::new("out");
    let frames = two_frames(Path::new(&args[2]));
    match args[1].as_str() {
        "timestamps" => timestamps(out, &frames),
        "huge" => huge(out),
        "truncated" => truncated(out, &frames),
        "comments" => comments(out, &frames),
        _ => panic!("unknown probe"),
    }
}
EOF

echo "== building the probes (pnet_datalink 0.35.0, pcap-file 2.0.0 and 3.0.0-rc1) in $dir"
cargo build --release --quiet 2>&1 | grep -v '^warning\|^ *|\|^ *=\|^$' || true
bin=$dir/target/release

# synack itself, for the same files: an existing build, else a release build.
synack=${SYNACK:-}
if [ -z "$synack" ]; then
    for c in "$repo/target/release/synack" "$repo/target/debug/synack"; do
        [ -x "$c" ] && { synack=$c; break; }
    done
fi
if [ -z "$synack" ]; then
    (cd "$repo" && cargo build --release --quiet) && synack=$repo/target/release/synack
fi

echo
echo "== what the sources do (counts of each name in the crate's Linux receive path)"
reg=$(dirname "$(cargo metadata --format-version 1 --quiet | grep -o '"manifest_path":"[^"]*pnet_datalink-0.35.0/Cargo.toml"' | cut -d'"' -f4)")
for name in MSG_TRUNC sll_pkttype SO_TIMESTAMP PACKET_RX_RING TPACKET SO_ATTACH_FILTER PACKET_IGNORE_OUTGOING; do
    printf 'pnet_datalink 0.35.0 src/linux.rs  %-24s %s\n' "$name" "$(grep -c "$name" "$reg/src/linux.rs" || true)"
done
for name in MSG_TRUNC sll_pkttype SO_TIMESTAMPNS PACKET_RX_RING TPACKET_V3 SO_ATTACH_FILTER PACKET_IGNORE_OUTGOING; do
    printf 'synack src/live/sniffer*           %-24s %s\n' "$name" "$(cat "$repo"/src/live/sniffer.rs "$repo"/src/live/sniffer/*.rs | grep -c "$name" || true)"
done

echo
echo "== pnet_datalink on loopback"
"$bin/pnet_probe"

frames=$repo/captures/sim-handshake.pcap
echo
echo "== pcapng timestamps: if_tsresol and if_tsoffset (exact = rounded down to the ns)"
"$bin/pcapfile_probe" timestamps "$frames"
echo "synack: frame 2's time after frame 1 (inspect --json; synack prints relative times), and tshark's frame 2:"
for f in ts-usec ts-nsec ts-pow2-20 ts-pow2-30 ts-offset; do
    rel=$("$synack" inspect "out/$f.pcapng" --json 2>&1 | sed -n 2p | grep -o '"time":[0-9.e-]*' || echo '(no second step)')
    ts=""
    command -v tshark >/dev/null 2>&1 \
        && ts="tshark $(tshark -r "out/$f.pcapng" -T fields -e frame.time_epoch 2>/dev/null | sed -n 2p)"
    printf '  %-12s synack %-20s %s\n' "$f" "$rel" "$ts"
done

echo
echo "== a record claiming 4 GiB, under prlimit --as=256 MiB"
prlimit --as=268435456 "$bin/pcapfile_probe" huge "$frames" || echo "pcap-file  probe exited $?"
for f in huge.pcap huge.pcapng; do
    out=$(prlimit --as=268435456 "$synack" inspect "out/$f" --summary 2>&1 >/dev/null) && rc=0 || rc=$?
    echo "synack     $f: exit $rc: $out"
done

echo
echo "== a capture cut by its snap length (the full frame length is orig_len)"
"$bin/pcapfile_probe" truncated "$frames"
echo "synack     snap54.pcap: $("$synack" inspect out/snap54.pcap --json 2>&1 | grep -o '"truncated":[a-z]*\|"len":[0-9]*' | tr '\n' ' ')"

echo
echo "== writing pcapng with per-packet comments (issue 13's --save F.pcapng)"
"$bin/pcapfile_probe" comments "$frames"
if command -v tshark >/dev/null 2>&1; then
    for f in comment-nsec comment-default; do
        echo "tshark reads out/$f.pcapng:"
        tshark -r "out/$f.pcapng" -T fields -E separator=' | ' -e frame.number -e frame.time_epoch -e frame.comment 2>/dev/null | sed 's/^/  /'
    done
else
    echo "SKIP tshark is not installed: cannot check the written comments"
fi
