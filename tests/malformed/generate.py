#!/usr/bin/env python3
"""Write the malformed-capture corpus of tests/malformed.rs.

Each file is damaged in one way; tests/malformed.rs says, for each, the
exact stderr line and exit code `synack inspect` must give. Run it from
anywhere; it rewrites the files next to itself (deterministic output):

    python3 tests/malformed/generate.py

Only the standard library is used. The files are committed, so the tests
do not need Python; rerun this script after changing a case and commit the
result (tests/malformed.rs checks that each case listed there exists).
"""

import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))

# ---------------------------------------------------------------- frames


def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return (~s) & 0xFFFF


def tcp(sport=40000, dport=80, seq=1000, ack=0, flags=0x02, doff=5, opts=b"", payload=b""):
    hdr = struct.pack("!HHIIBBHHH", sport, dport, seq, ack, doff << 4, flags, 65535, 0, 0)
    return hdr + opts + payload


def ipv4(payload, src=(10, 0, 0, 1), dst=(10, 0, 0, 2), ihl=5, total=None, proto=6, opts=b""):
    if total is None:
        total = 20 + len(opts) + len(payload)
    h = struct.pack("!BBHHHBBH4B4B", 0x40 | ihl, 0, total, 1, 0x4000, 64, proto, 0, *src, *dst)
    h = h + opts
    c = csum(h[:20] + opts)
    h = h[:10] + struct.pack("!H", c) + h[12:]
    return h + payload


def ether(payload, etype=0x0800):
    return b"\x02\0\0\0\0\x02" + b"\x02\0\0\0\0\x01" + struct.pack("!H", etype) + payload


def syn_frame():
    """A plain, valid SYN on Ethernet (54 bytes)."""
    return ether(ipv4(tcp()))


# ---------------------------------------------------------------- pcap


def pcap_header(snaplen=65535, linktype=1, magic=0xA1B2C3D4, major=2, minor=4):
    return struct.pack("<IHHiIII", magic, major, minor, 0, 0, snaplen, linktype)


def record(data, incl=None, orig=None, sec=1_700_000_000, usec=0):
    incl = len(data) if incl is None else incl
    orig = len(data) if orig is None else orig
    return struct.pack("<IIII", sec, usec, incl, orig) + data


def pcap(frames, **kw):
    return pcap_header(**kw) + b"".join(record(f, usec=i) for i, f in enumerate(frames))


# ---------------------------------------------------------------- pcapng


def block(btype, body, blen=None, trailer=None):
    pad = (-len(body)) % 4
    total = 12 + len(body) + pad
    blen = total if blen is None else blen
    trailer = blen if trailer is None else trailer
    return struct.pack("<II", btype, blen) + body + b"\0" * pad + struct.pack("<I", trailer)


def shb(options=b"", major=1, **kw):
    return block(0x0A0D0D0A, struct.pack("<IHHq", 0x1A2B3C4D, major, 0, -1) + options, **kw)


def idb(linktype=1, snaplen=65535, options=b""):
    return block(1, struct.pack("<HHI", linktype, 0, snaplen) + options)


def epb(data, iface=0, caplen=None, orig=None, ts=1_700_000_000_000_000, **kw):
    caplen = len(data) if caplen is None else caplen
    orig = len(data) if orig is None else orig
    body = struct.pack("<IIIII", iface, ts >> 32, ts & 0xFFFFFFFF, caplen, orig) + data
    return block(6, body, **kw)


def spb(data, orig=None):
    orig = len(data) if orig is None else orig
    return block(3, struct.pack("<I", orig) + data)


# ---------------------------------------------------------------- cases

CASES = {}


def case(name, data):
    assert name not in CASES, name
    CASES[name] = data


# The capture file itself.
case("empty.pcap", b"")
case("three-bytes.pcap", b"\xd4\xc3\xb2")
case("truncated-global-header.pcap", pcap_header()[:14])
case("wrong-magic.pcap", b"hello, this is not a capture\n" * 4)
case("gzip.pcap.gz", b"\x1f\x8b\x08\x00" + b"\0" * 40)
case("pcap-version-3.pcap", pcap([syn_frame()], major=3, minor=0))
case("reserved-linktype-bits.pcap", pcap([syn_frame()], linktype=0x00010001))
# Records.
case("truncated-first-record-header.pcap", pcap_header() + record(syn_frame())[:10])
case("truncated-first-record-data.pcap", pcap_header() + record(syn_frame())[:40])
case("truncated-second-record.pcap", pcap([syn_frame()]) + record(syn_frame())[:30])
case("zero-length-record.pcap", pcap_header() + record(b"", orig=60) + record(syn_frame(), usec=1))
case("absurd-record-length.pcap", pcap_header() + record(syn_frame(), incl=0xFFFFFFF0))
case("record-over-snaplen.pcap", pcap_header(snaplen=96) + record(b"\0" * 70_000))
case("record-just-over-small-snaplen.pcap", pcap_header(snaplen=40) + record(syn_frame()))
case("record-300k.pcap", pcap_header(snaplen=0) + record(b"\xab" * (300 * 1024)))
case("record-300k-second.pcap", pcap([syn_frame()], snaplen=0) + record(b"\xab" * (300 * 1024)))
# pcapng blocks.
case("pcapng-truncated-shb.pcapng", shb()[:10])
case("pcapng-shb-bad-length.pcapng", shb(blen=30))
case("pcapng-shb-version-2.pcapng", shb(major=2) + idb() + epb(syn_frame()))
case("pcapng-shb-option-overrun.pcapng", shb(options=struct.pack("<HH", 2, 200) + b"abcd"))
case("pcapng-block-length-under-12.pcapng", shb() + idb() + struct.pack("<II", 6, 8))
case("pcapng-block-length-not-multiple-of-4.pcapng", shb() + idb() + epb(syn_frame(), blen=87))
case("pcapng-block-trailer-mismatch.pcapng", shb() + idb() + epb(syn_frame(), trailer=4))
case("pcapng-epb-huge-length.pcapng", shb() + idb() + struct.pack("<II", 6, 0x7FFFFFF0) + b"\0" * 64)
case("pcapng-unknown-block-huge-length.pcapng", shb() + idb() + epb(syn_frame())
     + struct.pack("<II", 0x0BAD, 0x7FFFFFF0) + b"\0" * 64)
case("pcapng-epb-caplen-overruns-block.pcapng", shb() + idb() + epb(syn_frame(), caplen=500))
case("pcapng-epb-absurd-caplen.pcapng", shb() + idb() + epb(syn_frame(), caplen=0x10000000))
case("pcapng-unknown-interface.pcapng", shb() + idb() + epb(syn_frame(), iface=5))
case("pcapng-epb-before-idb.pcapng", shb() + epb(syn_frame()))
case("pcapng-spb-before-idb.pcapng", shb() + spb(syn_frame()))
case("pcapng-idb-option-overrun.pcapng", shb() + idb(options=struct.pack("<HH", 9, 64) + b"\x09\0\0\0"))
case("pcapng-truncated-epb.pcapng", shb() + idb() + epb(syn_frame()) + epb(syn_frame())[:40])
case("pcapng-idb-too-short.pcapng", shb() + block(1, b"\x01\0\0\0"))
# IP and TCP headers inside valid records: counted, never shown as segments.
case("ipv4-ihl-under-5.pcap", pcap([ether(ipv4(tcp(), ihl=3))]))
case("ipv4-ihl-past-end.pcap", pcap([ether(ipv4(tcp())[:20].replace(b"\x45", b"\x4f", 1))]))
case("ipv4-total-length-under-ihl.pcap", pcap([ether(ipv4(tcp(), total=12))]))
case("ipv4-total-length-past-frame.pcap", pcap([ether(ipv4(tcp(), total=1500))]))
case("tcp-data-offset-past-end.pcap", pcap([ether(ipv4(tcp(doff=15)))]))
case("tcp-data-offset-under-5.pcap", pcap([ether(ipv4(tcp(doff=2)))]))
case("tcp-header-cut-short.pcap", pcap([ether(ipv4(tcp()))[:44]]))
case("tcp-option-overruns.pcap", pcap([ether(ipv4(tcp(doff=6, opts=b"\x02\x28\x05\xb4")))]))
case("tcp-option-zero-length.pcap", pcap([ether(ipv4(tcp(doff=6, opts=b"\x1e\x00\x01\x01")))]))


def main():
    keep = set(CASES) | {"generate.py"}
    for f in os.listdir(HERE):
        if f not in keep:
            os.remove(os.path.join(HERE, f))
    for name, data in CASES.items():
        with open(os.path.join(HERE, name), "wb") as fh:
            fh.write(data)
    print("wrote %d cases to %s" % (len(CASES), HERE))


if __name__ == "__main__":
    main()
