//! Decode captured frames into TCP segments and UDP datagrams: link layer
//! by LINKTYPE, IPv4 (with options) or IPv6 (with extension headers), IP
//! fragment reassembly, then the TCP header with its full 12-bit flags
//! field and its options, or the UDP header (UDP that carries a tunnel the
//! decoder follows, GTP-U or L2TP, is followed to what it carries instead).
//!
//! Parsing is done by hand on byte slices with bounds checks everywhere, so
//! no input can panic; each header keeps its byte range in the frame so the
//! views can highlight it.

use crate::timeline::segment::{Flags, Segment, TcpOption};
use crate::timeline::seq::SeqNum;
use crate::timeline::{Layer, LayerSpan};
use std::collections::{BTreeMap, HashMap};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

pub const LINKTYPE_NULL: u32 = 0;
pub const LINKTYPE_ETHERNET: u32 = 1;
pub const LINKTYPE_PPP: u32 = 9;
pub const LINKTYPE_PPP_HDLC: u32 = 50;
pub const LINKTYPE_C_HDLC: u32 = 104;
pub const LINKTYPE_IEEE802_11: u32 = 105;
pub const LINKTYPE_IEEE802_11_RADIOTAP: u32 = 127;
pub const LINKTYPE_RAW_12: u32 = 12;
pub const LINKTYPE_RAW_14: u32 = 14;
pub const LINKTYPE_RAW: u32 = 101;
pub const LINKTYPE_LOOP: u32 = 108;
pub const LINKTYPE_LINUX_SLL: u32 = 113;
pub const LINKTYPE_IPV4: u32 = 228;
pub const LINKTYPE_IPV6: u32 = 229;
pub const LINKTYPE_NFLOG: u32 = 239;
pub const LINKTYPE_IPOIB: u32 = 242;
pub const LINKTYPE_LINUX_SLL2: u32 = 276;

/// A TCP segment found in a frame.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Decoded {
    pub src: SocketAddr,
    pub dst: SocketAddr,
    /// The segment; `payload` holds only the captured payload bytes.
    pub seg: Segment,
    /// TCP payload length from the IP header's lengths, even when the
    /// capture cut the payload.
    pub len: u32,
    /// Byte ranges of the headers in this frame. For a reassembled segment
    /// only the link and network headers of the completing frame.
    pub layers: Vec<LayerSpan>,
    /// The snap length cut the TCP options or payload.
    pub truncated: bool,
    /// The segment came out of IP fragment reassembly.
    pub reassembled: bool,
    /// What the payload looks like at the application layer, read here
    /// where the bytes are at hand so that paths which do not keep them
    /// still get the label. Only with [`Detail::layers`]: the lean readers
    /// that only count never pay for it. A WebSocket candidate is only a
    /// candidate; the tracker keeps it on upgraded connections alone.
    pub l7: Option<crate::wire::l7::L7>,
}

/// A UDP datagram found in a frame.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DecodedUdp {
    pub src: SocketAddr,
    pub dst: SocketAddr,
    /// Payload bytes: the UDP header's length less its 8 bytes (from the IP
    /// header's lengths where the UDP length field cannot be right), even
    /// when the capture cut the payload.
    pub len: u32,
    /// Byte ranges of the headers in this frame. For a reassembled datagram
    /// only the link and network headers of the completing frame.
    pub layers: Vec<LayerSpan>,
    /// The snap length cut the payload.
    pub truncated: bool,
    /// The datagram came out of IP fragment reassembly.
    pub reassembled: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DecodeOutcome {
    Tcp(Decoded),
    Udp(DecodedUdp),
    /// Neither TCP nor UDP (nor a tunnel to either), or a header too short
    /// to read.
    NotTcp,
    /// An IP fragment of a TCP segment or UDP datagram, held until the
    /// datagram is complete.
    FragmentHeld,
    /// TCP, but the header is unusable (e.g. cut before byte 20).
    Malformed(String),
}

/// Limits of the reassembly state, so a hostile capture cannot make it grow
/// without bound: datagrams held at once, bytes held in all (each fragment
/// is charged [`FRAGMENT_OVERHEAD`] beside its bytes, so empty fragments
/// count too), and per datagram.
const MAX_HELD_DATAGRAMS: usize = 1024;
const MAX_HELD_BYTES: usize = 16 * 1024 * 1024;
const MAX_DATAGRAM: usize = 65_535 + 8;
/// A 64 KiB datagram cut into the smallest pieces (8 bytes) has 8,192;
/// a datagram with more is dropped.
pub const MAX_FRAGMENTS: usize = 8192;
/// What one datagram may hold, duplicates and overlaps included.
const MAX_DATAGRAM_HELD: usize = 1024 * 1024;
const FRAGMENT_OVERHEAD: usize = 64;

/// Headers followed inside one frame at most: stacked VLAN tags, MPLS
/// labels, and tunnels (IP in IP, GRE, GTP-U). Real networks use two or
/// three at most; a hostile frame with thousands must not make thousands
/// of layer spans.
pub const MAX_VLAN_TAGS: usize = 8;
pub const MAX_MPLS_LABELS: usize = 8;
pub const MAX_TUNNELS: usize = 4;

/// Why a frame was left out although it may hold TCP: synack cannot read
/// it. The reader counts these and says so in one line per kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Undecoded {
    /// A link type synack has no decoder for.
    LinkType(u32),
    /// More than [`MAX_VLAN_TAGS`] VLAN tags.
    VlanTags,
    /// More than [`MAX_MPLS_LABELS`] MPLS labels.
    MplsLabels,
    /// More than [`MAX_TUNNELS`] tunnels inside each other.
    Tunnels,
    /// An IP datagram of more than [`MAX_FRAGMENTS`] fragments (or
    /// [`MAX_DATAGRAM_HELD`] bytes), dropped.
    Fragments,
    /// An 802.11 data frame whose body is encrypted.
    Encrypted80211,
}

/// Common names of link types, for the warning about frames left out.
pub fn link_type_name(lt: u32) -> &'static str {
    match lt {
        3 => "AX.25",
        6 => "IEEE 802.5 Token Ring",
        7 => "ARCNET (BSD)",
        8 => "SLIP",
        10 => "FDDI",
        105 => "IEEE 802.11",
        107 => "Frame Relay",
        119 => "Prism 802.11",
        129 => "ARCNET",
        138 => "Apple IP over IEEE 1394",
        143 => "DOCSIS",
        147..=162 => "user-defined",
        163 => "AVS 802.11",
        189 => "USB Linux",
        192 => "PPI",
        195 => "IEEE 802.15.4",
        201 => "Bluetooth HCI H4",
        215 => "IEEE 802.15.4 (no FCS)",
        220 => "USB Linux mmapped",
        227 => "SocketCAN",
        235 => "DVB-CI",
        249 => "USBPcap",
        252 => "Wireshark upper PDU",
        263 => "Bluetooth LE LL",
        _ => "unknown",
    }
}

impl Undecoded {
    /// `26 frames of link type 129 (ARCNET) not decoded`; `first` is the
    /// first such frame, named where the reason is about the frame itself.
    pub fn describe(self, count: u64, first: u64) -> String {
        let frames = if count == 1 { "frame" } else { "frames" };
        match self {
            Undecoded::LinkType(lt) => {
                format!(
                    "{count} {frames} of link type {lt} ({}) not decoded",
                    link_type_name(lt)
                )
            }
            Undecoded::VlanTags => format!(
                "{count} {frames} with more than {MAX_VLAN_TAGS} stacked VLAN tags not decoded (first: frame {first})"
            ),
            Undecoded::MplsLabels => format!(
                "{count} {frames} with more than {MAX_MPLS_LABELS} MPLS labels not decoded (first: frame {first})"
            ),
            Undecoded::Tunnels => format!(
                "{count} {frames} with more than {MAX_TUNNELS} tunnels inside each other not decoded (first: frame {first})"
            ),
            Undecoded::Fragments => format!(
                "{count} IP {} with more than {MAX_FRAGMENTS} fragments or {} KiB held dropped (first dropped at frame {first})",
                if count == 1 { "datagram" } else { "datagrams" },
                MAX_DATAGRAM_HELD / 1024
            ),
            Undecoded::Encrypted80211 => {
                format!("{count} encrypted 802.11 data {frames} not decoded (first: frame {first})")
            }
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct FragKey {
    src: IpAddr,
    dst: IpAddr,
    id: u32,
    proto: u8,
}

#[derive(Debug, Default)]
struct FragBuf {
    /// (offset, bytes) in arrival order; sorted once, when complete.
    parts: Vec<(usize, Vec<u8>)>,
    /// For each 8-byte block of the datagram, how many of its bytes some
    /// fragment covers. Fragments start on 8-byte boundaries, so what is
    /// covered in a block is always a prefix of it; completeness is known
    /// without going over the fragments again.
    reach: Vec<u8>,
    /// Once `total` is known: blocks before `total / 8` fully covered.
    full_below: usize,
    total: Option<usize>,
    last_used: u64,
    /// What this datagram is charged against [`MAX_HELD_BYTES`].
    bytes: usize,
}

impl FragBuf {
    /// Note that bytes `start..end` are here.
    fn cover(&mut self, start: usize, end: usize) {
        let blocks = end.div_ceil(8);
        if self.reach.len() < blocks {
            self.bytes += blocks - self.reach.len();
            self.reach.resize(blocks, 0);
        }
        let whole = self.total.map_or(0, |t| t / 8);
        for i in start / 8..end / 8 {
            if self.reach[i] != 8 {
                self.reach[i] = 8;
                if i < whole {
                    self.full_below += 1;
                }
            }
        }
        if !end.is_multiple_of(8) {
            let r = &mut self.reach[end / 8];
            *r = (*r).max((end % 8) as u8);
        }
    }

    fn set_total(&mut self, total: usize) {
        self.total = Some(total);
        let whole = (total / 8).min(self.reach.len());
        self.full_below = self.reach[..whole].iter().filter(|&&r| r == 8).count();
    }

    fn complete(&self) -> bool {
        let Some(total) = self.total else {
            return false;
        };
        self.full_below == total / 8
            && (total.is_multiple_of(8)
                || self
                    .reach
                    .get(total / 8)
                    .is_some_and(|&r| usize::from(r) >= total % 8))
    }
}

/// What a decoder keeps of each segment beyond the header fields the
/// tracker needs. Everything by default; a reader that only counts and
/// follows connections turns it all off and decodes without allocating.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Detail {
    /// [`Decoded::layers`]: the byte range and name of each header.
    pub layers: bool,
    /// The TCP options, parsed into [`Segment::options`].
    pub options: bool,
    /// A copy of the captured payload in [`Segment::payload`].
    pub payload: bool,
}

impl Detail {
    pub const ALL: Detail = Detail {
        layers: true,
        options: true,
        payload: true,
    };
    /// Only what the tracker needs: addresses, ports, numbers, flags, window
    /// and lengths.
    pub const LEAN: Detail = Detail {
        layers: false,
        options: false,
        payload: false,
    };
}

impl Default for Detail {
    fn default() -> Detail {
        Detail::ALL
    }
}

/// Frame decoder; keeps the IPv4/IPv6 reassembly state between frames.
#[derive(Debug, Default)]
pub struct Decoder {
    frags: HashMap<FragKey, FragBuf>,
    /// The held datagrams by `last_used`, oldest first, for eviction.
    lru: BTreeMap<u64, FragKey>,
    held_bytes: usize,
    /// Why the last frame decoded was left out, when synack could not read it.
    refused: Option<Undecoded>,
    tick: u64,
    detail: Detail,
    spare_layers: Vec<Vec<LayerSpan>>,
    spare_options: Vec<Vec<TcpOption>>,
}

/// Where the layer spans of one frame go: nowhere when not wanted, so the
/// lean decode allocates no names.
/// A recycled vector's spans (and their name strings) are reused.
struct Sink {
    on: bool,
    v: Vec<LayerSpan>,
    used: usize,
}

impl Sink {
    fn push(&mut self, layer: Layer, name: &str, start: usize, end: usize) {
        if !self.on {
            return;
        }
        if let Some(s) = self.v.get_mut(self.used) {
            s.layer = layer;
            s.name.clear();
            s.name.push_str(name);
            s.range = start..end;
        } else {
            self.v.push(span(layer, name, start, end));
        }
        self.used += 1;
    }

    fn into_vec(mut self) -> Vec<LayerSpan> {
        self.v.truncate(self.used);
        self.v
    }
}

/// At most this many recycled vectors are kept for reuse.
const MAX_SPARE: usize = 16_384;

fn be16(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_be_bytes([*b.get(at)?, *b.get(at + 1)?]))
}

fn be32(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes([
        *b.get(at)?,
        *b.get(at + 1)?,
        *b.get(at + 2)?,
        *b.get(at + 3)?,
    ]))
}

fn span(layer: Layer, name: &str, start: usize, end: usize) -> LayerSpan {
    LayerSpan {
        layer,
        name: name.to_string(),
        range: start..end,
    }
}

enum Net {
    V4(usize),
    V6(usize),
    Other,
    Refused(Undecoded),
}

/// Where the TCP (or UDP) bytes are and what the IP layer said about them.
struct TcpInput<'a> {
    src: IpAddr,
    dst: IpAddr,
    /// Captured transport bytes (header and payload).
    bytes: &'a [u8],
    /// Transport header + payload length according to the IP header.
    reported: usize,
    /// Offset of `bytes` in the frame, `None` when reassembled.
    frame_off: Option<usize>,
}

/// Decode a TCP options field. Never panics; an option that overruns the
/// field ends the list as `Other`.
pub fn parse_tcp_options(opts: &[u8]) -> Vec<TcpOption> {
    let mut out = Vec::new();
    parse_tcp_options_into(opts, &mut out);
    out
}

/// [`parse_tcp_options`] appending to `out`.
fn parse_tcp_options_into(opts: &[u8], out: &mut Vec<TcpOption>) {
    let mut i = 0;
    while i < opts.len() {
        let kind = opts[i];
        match kind {
            0 => break,
            1 => {
                i += 1;
                continue;
            }
            _ => {}
        }
        let Some(&l) = opts.get(i + 1) else {
            out.push(TcpOption::Other { kind, len: 0 });
            break;
        };
        let lu = usize::from(l);
        if lu < 2 || i + lu > opts.len() {
            out.push(TcpOption::Other { kind, len: l });
            break;
        }
        let v = &opts[i + 2..i + lu];
        let o = match (kind, lu) {
            (2, 4) => TcpOption::Mss {
                value: u16::from_be_bytes([v[0], v[1]]),
            },
            (3, 3) => TcpOption::WindowScale { shift: v[0] },
            (4, 2) => TcpOption::SackPermitted,
            (8, 10) => TcpOption::Timestamps {
                tsval: u32::from_be_bytes([v[0], v[1], v[2], v[3]]),
                tsecr: u32::from_be_bytes([v[4], v[5], v[6], v[7]]),
            },
            (5, _) if (lu - 2) % 8 == 0 && lu > 2 => TcpOption::Sack {
                blocks: v
                    .chunks_exact(8)
                    .map(|c| {
                        (
                            u32::from_be_bytes([c[0], c[1], c[2], c[3]]),
                            u32::from_be_bytes([c[4], c[5], c[6], c[7]]),
                        )
                    })
                    .collect(),
            },
            _ => TcpOption::Other { kind, len: l },
        };
        out.push(o);
        i += lu;
    }
}

impl Decoder {
    pub fn new() -> Decoder {
        Decoder::default()
    }

    /// Give back the layers and options of a segment that is done with, so
    /// the next frames reuse their memory instead of allocating.
    pub fn recycle(&mut self, layers: Vec<LayerSpan>, options: Vec<TcpOption>) {
        if layers.capacity() > 0 && self.spare_layers.len() < MAX_SPARE {
            self.spare_layers.push(layers);
        }
        if options.capacity() > 0 && self.spare_options.len() < MAX_SPARE {
            self.spare_options.push(options);
        }
    }

    fn take_options(&mut self) -> Vec<TcpOption> {
        let mut v = self.spare_options.pop().unwrap_or_default();
        v.clear();
        v
    }

    /// A decoder that keeps only `detail` of each segment.
    pub fn with_detail(detail: Detail) -> Decoder {
        Decoder {
            detail,
            ..Decoder::default()
        }
    }

    /// Decode one frame of link type `link_type` (pcap header FCS bits
    /// already masked off).
    pub fn decode(&mut self, link_type: u32, data: &[u8], orig_len: u32) -> DecodeOutcome {
        self.tick += 1;
        let mut layers = Sink {
            on: self.detail.layers,
            v: if self.detail.layers {
                self.spare_layers.pop().unwrap_or_default()
            } else {
                Vec::new()
            },
            used: 0,
        };
        self.refused = None;
        let net = link_layer(link_type, data, &mut layers);
        // How many bytes the frame had on the wire beyond what was captured.
        let missing = (orig_len as usize).saturating_sub(data.len());
        self.network(net, data, missing, layers, 0)
    }

    /// Go on from the link layer, or from a tunnel header, to the IP header
    /// `net` found. `depth`: tunnels already gone through.
    fn network(
        &mut self,
        net: Net,
        data: &[u8],
        missing: usize,
        layers: Sink,
        depth: usize,
    ) -> DecodeOutcome {
        match net {
            Net::V4(off) => self.ipv4(data, off, missing, layers, depth),
            Net::V6(off) => self.ipv6(data, off, missing, layers, depth),
            Net::Other => DecodeOutcome::NotTcp,
            Net::Refused(why) => {
                self.refused = Some(why);
                DecodeOutcome::NotTcp
            }
        }
    }

    /// IP protocol `proto` (not TCP) carried in bytes `start..end` of an IP
    /// datagram from `src` to `dst`: follow it when it is a tunnel (IPv4 or
    /// IPv6 in IP, GRE, GTP-U or L2TP over UDP) to the TCP segment inside;
    /// other UDP is a datagram of its own.
    #[allow(clippy::too_many_arguments)]
    fn tunnel(
        &mut self,
        proto: u8,
        data: &[u8],
        start: usize,
        end: usize,
        mut layers: Sink,
        depth: usize,
        (src, dst): (IpAddr, IpAddr),
    ) -> DecodeOutcome {
        // The inner datagram ends where the outer one does; what the capture
        // cut of the outer one is missing from the inner one too.
        let inner = &data[..end.min(data.len())];
        let missing = end.saturating_sub(data.len());
        let net = match proto {
            4 => Net::V4(start),
            41 => Net::V6(start),
            47 => gre(inner, start, &mut layers),
            17 => {
                // A tunnel header that turns out to carry no IP leaves its
                // spans behind: the datagram's own replace them.
                let mark = layers.used;
                match udp_tunnel(inner, start, &mut layers) {
                    Net::Other => {
                        layers.used = mark;
                        return udp(
                            TcpInput {
                                src,
                                dst,
                                bytes: &inner[start.min(inner.len())..],
                                reported: end - start,
                                frame_off: Some(start),
                            },
                            layers,
                            false,
                        );
                    }
                    net => net,
                }
            }
            _ => Net::Other,
        };
        if matches!(net, Net::V4(_) | Net::V6(_)) && depth >= MAX_TUNNELS {
            self.refused = Some(Undecoded::Tunnels);
            return DecodeOutcome::NotTcp;
        }
        self.network(net, inner, missing, layers, depth + 1)
    }

    fn ipv4(
        &mut self,
        data: &[u8],
        off: usize,
        missing: usize,
        mut layers: Sink,
        depth: usize,
    ) -> DecodeOutcome {
        let Some(h) = data.get(off..off + 20) else {
            return DecodeOutcome::NotTcp;
        };
        if h[0] >> 4 != 4 {
            return DecodeOutcome::NotTcp;
        }
        let ihl = usize::from(h[0] & 0x0f) * 4;
        if ihl < 20 || off + ihl > data.len() {
            return DecodeOutcome::NotTcp;
        }
        let mut total = usize::from(u16::from_be_bytes([h[2], h[3]]));
        if total == 0 {
            // TCP segmentation offload: the length is whatever was sent.
            total = data.len() + missing - off;
        }
        if total < ihl {
            return DecodeOutcome::NotTcp;
        }
        // A total length beyond the frame's length on the wire: use what the
        // wire carried (as Wireshark does, "total length exceeds packet
        // length").
        total = total.min(data.len() + missing - off);
        if total < ihl {
            return DecodeOutcome::NotTcp;
        }
        let proto = h[9];
        let src = IpAddr::V4(Ipv4Addr::new(h[12], h[13], h[14], h[15]));
        let dst = IpAddr::V4(Ipv4Addr::new(h[16], h[17], h[18], h[19]));
        let frag = u16::from_be_bytes([h[6], h[7]]);
        let more = frag & 0x2000 != 0;
        let frag_off = usize::from(frag & 0x1fff) * 8;
        layers.push(Layer::Network, "IPv4", off, off + ihl);
        if proto != 6 && (proto != 17 || !(more || frag_off != 0)) {
            if more || frag_off != 0 {
                return DecodeOutcome::NotTcp;
            }
            return self.tunnel(
                proto,
                data,
                off + ihl,
                off + total,
                layers,
                depth,
                (src, dst),
            );
        }
        let end = data.len().min(off + total);
        let payload = &data[off + ihl..end];
        let reported = total - ihl;
        if more || frag_off != 0 {
            let key = FragKey {
                src,
                dst,
                id: u32::from(u16::from_be_bytes([h[4], h[5]])),
                proto,
            };
            return self.fragment(key, frag_off, payload, reported, more, src, dst, layers);
        }
        tcp(
            TcpInput {
                src,
                dst,
                bytes: payload,
                reported,
                frame_off: Some(off + ihl),
            },
            layers,
            false,
            self.detail,
            self.take_options(),
        )
    }

    fn ipv6(
        &mut self,
        data: &[u8],
        off: usize,
        missing: usize,
        mut layers: Sink,
        depth: usize,
    ) -> DecodeOutcome {
        let Some(h) = data.get(off..off + 40) else {
            return DecodeOutcome::NotTcp;
        };
        if h[0] >> 4 != 6 {
            return DecodeOutcome::NotTcp;
        }
        let mut plen = usize::from(u16::from_be_bytes([h[4], h[5]]));
        if plen == 0 {
            // Jumbogram or offload: take what the frame carried.
            plen = data.len() + missing - off - 40;
        }
        // A payload length beyond the frame's length on the wire: use what
        // the wire carried, as Wireshark does.
        plen = plen.min((data.len() + missing).saturating_sub(off + 40));
        let mut next = h[6];
        let mut src_b = [0u8; 16];
        src_b.copy_from_slice(&h[8..24]);
        let mut dst_b = [0u8; 16];
        dst_b.copy_from_slice(&h[24..40]);
        let src = IpAddr::V6(Ipv6Addr::from(src_b));
        let dst = IpAddr::V6(Ipv6Addr::from(dst_b));
        let mut pos = off + 40;
        let mut fragment: Option<(usize, bool, u32)> = None;
        loop {
            let ext_len = match next {
                0 | 43 | 60 | 135 | 139 | 140 => match data.get(pos + 1) {
                    Some(&l) => (usize::from(l) + 1) * 8,
                    None => return DecodeOutcome::NotTcp,
                },
                51 => match data.get(pos + 1) {
                    Some(&l) => (usize::from(l) + 2) * 4,
                    None => return DecodeOutcome::NotTcp,
                },
                44 => {
                    let (Some(fo), Some(id)) = (be16(data, pos + 2), be32(data, pos + 4)) else {
                        return DecodeOutcome::NotTcp;
                    };
                    let fo_bytes = usize::from(fo & 0xfff8);
                    let m = fo & 1 != 0;
                    if fo_bytes != 0 || m {
                        fragment = Some((fo_bytes, m, id));
                    }
                    8
                }
                _ => break,
            };
            if pos + ext_len > data.len() || pos + ext_len > off + 40 + plen {
                return DecodeOutcome::NotTcp;
            }
            next = data[pos];
            pos += ext_len;
            if fragment.is_some() {
                break;
            }
        }
        layers.push(Layer::Network, "IPv6", off, pos);
        let ip_end = off + 40 + plen;
        if next != 6 && (next != 17 || fragment.is_none()) {
            if fragment.is_some() {
                return DecodeOutcome::NotTcp;
            }
            return self.tunnel(next, data, pos, ip_end, layers, depth, (src, dst));
        }
        let reported = ip_end - pos;
        let payload = &data[pos..data.len().min(ip_end)];
        if let Some((fo, more, id)) = fragment {
            let key = FragKey {
                src,
                dst,
                id,
                proto: next,
            };
            return self.fragment(key, fo, payload, reported, more, src, dst, layers);
        }
        tcp(
            TcpInput {
                src,
                dst,
                bytes: payload,
                reported,
                frame_off: Some(pos),
            },
            layers,
            false,
            self.detail,
            self.take_options(),
        )
    }

    /// Keep one fragment; when it completes its datagram, decode the TCP
    /// segment or UDP datagram inside.
    #[allow(clippy::too_many_arguments)]
    fn fragment(
        &mut self,
        key: FragKey,
        offset: usize,
        bytes: &[u8],
        reported: usize,
        more: bool,
        src: IpAddr,
        dst: IpAddr,
        layers: Sink,
    ) -> DecodeOutcome {
        // A fragment cut by the snap length cannot be reassembled (as in
        // Wireshark); nor can one beyond the largest datagram.
        if bytes.len() < reported || offset + bytes.len() > MAX_DATAGRAM {
            return DecodeOutcome::NotTcp;
        }
        let proto = key.proto;
        let tick = self.tick;
        let entry = self.frags.entry(key.clone()).or_default();
        if entry.last_used != 0 {
            self.lru.remove(&entry.last_used);
        }
        entry.last_used = tick;
        self.lru.insert(tick, key.clone());
        let before = entry.bytes;
        entry.parts.push((offset, bytes.to_vec()));
        entry.bytes += bytes.len() + FRAGMENT_OVERHEAD;
        entry.cover(offset, offset + bytes.len());
        if !more && entry.total.is_none() {
            entry.set_total(offset + bytes.len());
        }
        self.held_bytes += entry.bytes - before;
        if entry.parts.len() > MAX_FRAGMENTS || entry.bytes > MAX_DATAGRAM_HELD {
            self.drop_datagram(&key);
            self.refused = Some(Undecoded::Fragments);
            return DecodeOutcome::NotTcp;
        }
        if !entry.complete() {
            self.evict();
            return DecodeOutcome::FragmentHeld;
        }
        let Some(mut buf) = self.drop_datagram(&key) else {
            return DecodeOutcome::FragmentHeld;
        };
        let total = buf.total.unwrap_or(0);
        // Lowest offset first (a stable sort: equal offsets in arrival
        // order); where fragments overlap, the data already placed wins (as
        // in Wireshark's reassembly).
        buf.parts.sort_by_key(|(o, _)| *o);
        let mut data = vec![0u8; total];
        let mut pos = 0;
        for (o, b) in &buf.parts {
            let end = (o + b.len()).min(total);
            if end > pos {
                let from = pos.max(*o);
                data[from..end].copy_from_slice(&b[from - o..end - o]);
                pos = end;
            }
        }
        let input = TcpInput {
            src,
            dst,
            bytes: &data,
            reported: total,
            frame_off: None,
        };
        if proto == 17 {
            return udp(input, layers, true);
        }
        tcp(input, layers, true, self.detail, self.take_options())
    }

    fn drop_datagram(&mut self, key: &FragKey) -> Option<FragBuf> {
        let buf = self.frags.remove(key)?;
        self.lru.remove(&buf.last_used);
        self.held_bytes -= buf.bytes;
        Some(buf)
    }

    fn evict(&mut self) {
        while self.frags.len() > MAX_HELD_DATAGRAMS || self.held_bytes > MAX_HELD_BYTES {
            let Some((_, oldest)) = self.lru.pop_first() else {
                break;
            };
            if let Some(b) = self.frags.remove(&oldest) {
                self.held_bytes -= b.bytes;
            }
        }
    }

    /// Why the frame just decoded was left out, when it is one synack
    /// cannot read (rather than one without TCP).
    pub fn refused(&self) -> Option<Undecoded> {
        self.refused
    }

    /// Bytes charged to the datagrams waiting for more fragments.
    pub fn held_bytes(&self) -> usize {
        self.held_bytes
    }

    /// Number of IP datagrams waiting for more fragments.
    pub fn held_datagrams(&self) -> usize {
        self.frags.len()
    }
}

/// Parse the link layer; push its span(s); say where the IP header starts.
fn link_layer(link_type: u32, data: &[u8], layers: &mut Sink) -> Net {
    match link_type {
        LINKTYPE_ETHERNET => {
            let Some(mut etype) = be16(data, 12) else {
                return Net::Other;
            };
            let mut off = 14;
            layers.push(Layer::Link, "Ethernet II", 0, 14);
            if etype < 0x0600 {
                // IEEE 802.3 length field: only LLC/SNAP can carry IP.
                if data.get(14..17) == Some(&[0xaa, 0xaa, 0x03][..]) {
                    let Some(t) = be16(data, 20) else {
                        return Net::Other;
                    };
                    layers.push(Layer::Link, "LLC/SNAP", 14, 22);
                    etype = t;
                    off = 22;
                } else {
                    return Net::Other;
                }
            }
            ethertype(etype, data, off, layers)
        }
        LINKTYPE_NULL | LINKTYPE_LOOP => {
            let Some(b) = data.get(0..4) else {
                return Net::Other;
            };
            let raw = [b[0], b[1], b[2], b[3]];
            let af = if link_type == LINKTYPE_LOOP {
                u32::from_be_bytes(raw)
            } else {
                // Host byte order of the capturing machine: whichever reading
                // gives a small number.
                let le = u32::from_le_bytes(raw);
                if le & 0xffff_0000 != 0 {
                    u32::from_be_bytes(raw)
                } else {
                    le
                }
            };
            layers.push(Layer::Link, "BSD loopback", 0, 4);
            match af {
                2 => Net::V4(4),
                10 | 24 | 28 | 30 => Net::V6(4),
                _ => Net::Other,
            }
        }
        LINKTYPE_RAW | LINKTYPE_RAW_12 | LINKTYPE_RAW_14 => match data.first().map(|b| b >> 4) {
            Some(4) => Net::V4(0),
            Some(6) => Net::V6(0),
            _ => Net::Other,
        },
        LINKTYPE_IPV4 => Net::V4(0),
        LINKTYPE_IPV6 => Net::V6(0),
        LINKTYPE_LINUX_SLL => {
            let Some(p) = be16(data, 14) else {
                return Net::Other;
            };
            layers.push(Layer::Link, "Linux cooked (SLL)", 0, 16);
            ethertype(p, data, 16, layers)
        }
        LINKTYPE_LINUX_SLL2 => {
            if data.len() < 20 {
                return Net::Other;
            }
            let Some(p) = be16(data, 0) else {
                return Net::Other;
            };
            layers.push(Layer::Link, "Linux cooked v2 (SLL2)", 0, 20);
            ethertype(p, data, 20, layers)
        }
        LINKTYPE_NFLOG => nflog(data, layers),
        LINKTYPE_PPP | LINKTYPE_PPP_HDLC => {
            // Wireshark reads a frame starting with a Cisco HDLC address
            // byte as Cisco HDLC, whatever the link type says.
            if matches!(data.first(), Some(0x0f | 0x8f)) {
                chdlc(data, layers)
            } else {
                ppp(data, 0, layers)
            }
        }
        LINKTYPE_C_HDLC => chdlc(data, layers),
        LINKTYPE_IEEE802_11 => wlan(data, 0, layers),
        LINKTYPE_IEEE802_11_RADIOTAP => {
            let Some(b) = data.get(0..4) else {
                return Net::Other;
            };
            let len = usize::from(u16::from_le_bytes([b[2], b[3]]));
            if b[0] != 0 || len < 8 || len > data.len() {
                return Net::Other;
            }
            layers.push(Layer::Link, "radiotap", 0, len);
            wlan(data, len, layers)
        }
        LINKTYPE_IPOIB => {
            // Wireshark's LINKTYPE_IPOIB layout: 20-byte destination and
            // 20-byte source hardware addresses, then the 4-byte IPoIB
            // header (EtherType, reserved).
            let Some(p) = be16(data, 40) else {
                return Net::Other;
            };
            layers.push(Layer::Link, "IPoIB", 0, 44);
            ethertype(p, data, 44, layers)
        }
        other => Net::Refused(Undecoded::LinkType(other)),
    }
}

/// Follow an EtherType through VLAN tags (at most [`MAX_VLAN_TAGS`]),
/// PPPoE and MPLS labels to the IP header.
fn ethertype(mut etype: u16, data: &[u8], mut off: usize, layers: &mut Sink) -> Net {
    let mut tags = 0;
    loop {
        match etype {
            0x0800 => return Net::V4(off),
            0x86dd => return Net::V6(off),
            0x8100 | 0x88a8 | 0x9100 => {
                tags += 1;
                if tags > MAX_VLAN_TAGS {
                    return Net::Refused(Undecoded::VlanTags);
                }
                let Some(t) = be16(data, off + 2) else {
                    return Net::Other;
                };
                layers.push(Layer::Link, "802.1Q VLAN", off, off + 4);
                etype = t;
                off += 4;
            }
            // PPPoE session stage (RFC 2516): version/type, code, session
            // id, length, then PPP.
            0x8864 => {
                if data.get(off) != Some(&0x11) || data.len() < off + 6 {
                    return Net::Other;
                }
                layers.push(Layer::Link, "PPPoE", off, off + 6);
                return ppp(data, off + 6, layers);
            }
            0x8847 | 0x8848 => return mpls(data, off, layers),
            _ => return Net::Other,
        }
    }
}

/// An MPLS label stack (RFC 3032) at `off`; after the bottom label, IPv4
/// or IPv6 by the version nibble, as Wireshark guesses it.
fn mpls(data: &[u8], mut off: usize, layers: &mut Sink) -> Net {
    for _ in 0..MAX_MPLS_LABELS {
        let Some(&bos) = data.get(off + 2) else {
            return Net::Other;
        };
        if data.len() < off + 4 {
            return Net::Other;
        }
        layers.push(Layer::Link, "MPLS label", off, off + 4);
        off += 4;
        if bos & 1 == 1 {
            return match data.get(off).map(|b| b >> 4) {
                Some(4) => Net::V4(off),
                Some(6) => Net::V6(off),
                _ => Net::Other,
            };
        }
    }
    Net::Refused(Undecoded::MplsLabels)
}

/// A PPP header at `off` (RFC 1661): the address and control bytes of HDLC
/// framing when present, then the protocol field (one byte when
/// compressed, RFC 1661 section 6.5).
fn ppp(data: &[u8], off: usize, layers: &mut Sink) -> Net {
    let mut pos = off;
    if data.get(pos..pos + 2) == Some(&[0xff, 0x03][..]) {
        pos += 2;
    }
    let Some(&first) = data.get(pos) else {
        return Net::Other;
    };
    let (proto, len) = if first & 1 == 1 {
        (u16::from(first), 1)
    } else {
        match be16(data, pos) {
            Some(p) => (p, 2),
            None => return Net::Other,
        }
    };
    layers.push(Layer::Link, "PPP", off, pos + len);
    match proto {
        0x0021 => Net::V4(pos + len),
        0x0057 => Net::V6(pos + len),
        0x0281 => mpls(data, pos + len, layers),
        _ => Net::Other,
    }
}

/// Cisco HDLC: address, control, then an EtherType.
fn chdlc(data: &[u8], layers: &mut Sink) -> Net {
    let Some(p) = be16(data, 2) else {
        return Net::Other;
    };
    layers.push(Layer::Link, "Cisco HDLC", 0, 4);
    ethertype(p, data, 4, layers)
}

/// An IEEE 802.11 frame at `off`: only data frames carry IP, behind an
/// LLC/SNAP header.
fn wlan(data: &[u8], off: usize, layers: &mut Sink) -> Net {
    let (Some(&fc0), Some(&fc1)) = (data.get(off), data.get(off + 1)) else {
        return Net::Other;
    };
    let (version, kind, subtype) = (fc0 & 3, (fc0 >> 2) & 3, fc0 >> 4);
    // Version 0 data frames; the "null" subtypes carry no body.
    if version != 0 || kind != 2 || subtype & 4 != 0 {
        return Net::Other;
    }
    let mut len = 24;
    if fc1 & 3 == 3 {
        // To and from the distribution system: a fourth address.
        len += 6;
    }
    if subtype & 8 != 0 {
        // QoS control, and the HT control field when the order bit is set.
        len += 2;
        if fc1 & 0x80 != 0 {
            len += 4;
        }
    }
    if data.len() < off + len {
        return Net::Other;
    }
    layers.push(Layer::Link, "IEEE 802.11", off, off + len);
    if fc1 & 0x40 != 0 {
        return Net::Refused(Undecoded::Encrypted80211);
    }
    let llc = off + len;
    if data.get(llc..llc + 6) != Some(&[0xaa, 0xaa, 0x03, 0, 0, 0][..]) {
        return Net::Other;
    }
    let Some(t) = be16(data, llc + 6) else {
        return Net::Other;
    };
    layers.push(Layer::Link, "LLC/SNAP", llc, llc + 8);
    ethertype(t, data, llc + 8, layers)
}

/// GRE at `off` (RFC 2784 with RFC 2890's key and sequence number; version
/// 1 is PPTP's, RFC 2637, with an acknowledgment number and PPP inside).
fn gre(data: &[u8], off: usize, layers: &mut Sink) -> Net {
    let (Some(fv), Some(proto)) = (be16(data, off), be16(data, off + 2)) else {
        return Net::Other;
    };
    let version = fv & 7;
    // RFC 1701's routing field is not followed (obsolete, unused).
    if version > 1 || fv & 0x4000 != 0 {
        return Net::Other;
    }
    let mut len = 4;
    for bit in [0x8000, 0x2000, 0x1000] {
        if fv & bit != 0 {
            len += 4;
        }
    }
    if version == 1 && fv & 0x0080 != 0 {
        len += 4;
    }
    let inner = off + len;
    if data.len() < inner {
        return Net::Other;
    }
    layers.push(Layer::Network, "GRE", off, inner);
    match proto {
        0x880b => ppp(data, inner, layers),
        // Transparent Ethernet bridging: a whole Ethernet frame inside.
        0x6558 => {
            let Some(t) = be16(data, inner + 12) else {
                return Net::Other;
            };
            layers.push(Layer::Link, "Ethernet II", inner, inner + 14);
            ethertype(t, data, inner + 14, layers)
        }
        p => ethertype(p, data, inner, layers),
    }
}

/// UDP at `off`: a tunnel when it is GTP-U (port 2152) or L2TP (port 1701).
fn udp_tunnel(data: &[u8], off: usize, layers: &mut Sink) -> Net {
    let (Some(sport), Some(dport)) = (be16(data, off), be16(data, off + 2)) else {
        return Net::Other;
    };
    if sport == 2152 || dport == 2152 {
        gtp_u(data, off, layers)
    } else if sport == 1701 || dport == 1701 {
        l2tp(data, off, layers)
    } else {
        Net::Other
    }
}

/// L2TP version 2 (RFC 2661) data messages after the UDP header at `off`:
/// PPP inside.
fn l2tp(data: &[u8], off: usize, layers: &mut Sink) -> Net {
    let l = off + 8;
    let Some(flags) = be16(data, l) else {
        return Net::Other;
    };
    // Control messages (T bit) carry no user data.
    if flags & 0x000f != 2 || flags & 0x8000 != 0 {
        return Net::Other;
    }
    let mut len = 2 + 4;
    if flags & 0x4000 != 0 {
        len += 2;
    }
    if flags & 0x0800 != 0 {
        len += 4;
    }
    if flags & 0x0200 != 0 {
        let Some(pad) = be16(data, l + len) else {
            return Net::Other;
        };
        len += 2 + usize::from(pad);
    }
    if data.len() < l + len {
        return Net::Other;
    }
    layers.push(Layer::Transport, "UDP", off, l);
    layers.push(Layer::Application, "L2TP", l, l + len);
    ppp(data, l + len, layers)
}

/// GTP-U (3GPP TS 29.281) after the UDP header at `off`, carrying a user
/// packet (G-PDU): the IP header inside.
fn gtp_u(data: &[u8], off: usize, layers: &mut Sink) -> Net {
    let g = off + 8;
    let (Some(&flags), Some(&kind)) = (data.get(g), data.get(g + 1)) else {
        return Net::Other;
    };
    // Version 1, protocol type GTP (not GTP'), message type G-PDU.
    if flags >> 5 != 1 || flags & 0x10 == 0 || kind != 0xff {
        return Net::Other;
    }
    let mut len = 8;
    if flags & 0x07 != 0 {
        // Sequence number, N-PDU number, next extension header type.
        len += 4;
        let Some(&(mut next)) = data.get(g + 11) else {
            return Net::Other;
        };
        // Each extension header gives its length in 4-byte units and ends
        // with the type of the next one; each is at least 4 bytes, so the
        // walk ends within the frame.
        while next != 0 {
            let Some(&units) = data.get(g + len) else {
                return Net::Other;
            };
            let l = usize::from(units) * 4;
            let Some(&n) = data.get((g + len + l).wrapping_sub(1)).filter(|_| l > 0) else {
                return Net::Other;
            };
            next = n;
            len += l;
        }
    }
    if data.len() < g + len {
        return Net::Other;
    }
    layers.push(Layer::Transport, "UDP", off, g);
    layers.push(Layer::Application, "GTP-U", g, g + len);
    match data.get(g + len).map(|b| b >> 4) {
        Some(4) => Net::V4(g + len),
        Some(6) => Net::V6(g + len),
        _ => Net::Other,
    }
}

/// NFLOG: 4-byte header, then TLVs (length and type in the capturing host's
/// byte order, length including the 4-byte TLV header, padded to 4); the
/// packet is TLV type 9 (NFULA_PAYLOAD).
fn nflog(data: &[u8], layers: &mut Sink) -> Net {
    let mut pos = 4;
    // The first TLV's length read both ways: the smaller plausible one wins.
    let le = match data.get(4..6) {
        Some(b) => {
            let l = u16::from_le_bytes([b[0], b[1]]);
            let bl = u16::from_be_bytes([b[0], b[1]]);
            l >= 4 && (bl < 4 || l <= bl)
        }
        None => return Net::Other,
    };
    while pos + 4 <= data.len() {
        let (l, t) = if le {
            (
                u16::from_le_bytes([data[pos], data[pos + 1]]),
                u16::from_le_bytes([data[pos + 2], data[pos + 3]]),
            )
        } else {
            (
                u16::from_be_bytes([data[pos], data[pos + 1]]),
                u16::from_be_bytes([data[pos + 2], data[pos + 3]]),
            )
        };
        let l = usize::from(l);
        if l < 4 {
            return Net::Other;
        }
        if t & 0x3fff == 9 {
            let start = pos + 4;
            layers.push(Layer::Link, "NFLOG", 0, start);
            return match data.get(start).map(|b| b >> 4) {
                Some(4) => Net::V4(start),
                Some(6) => Net::V6(start),
                _ => Net::Other,
            };
        }
        pos += l.div_ceil(4) * 4;
    }
    Net::Other
}

/// A UDP datagram (RFC 768): an 8-byte header, then the payload.
fn udp(input: TcpInput<'_>, mut layers: Sink, reassembled: bool) -> DecodeOutcome {
    let b = input.bytes;
    let (Some(sport), Some(dport), Some(ulen)) = (be16(b, 0), be16(b, 2), be16(b, 4)) else {
        // Too short to say where it goes: nothing to show.
        return DecodeOutcome::NotTcp;
    };
    if input.reported < 8 {
        return DecodeOutcome::NotTcp;
    }
    // The length field counts the header. Zero is an IPv6 jumbogram's (RFC
    // 2675) or an offloaded send's; one beyond the IP datagram is bogus (as
    // Wireshark, "bad length value"): then the IP header's length counts.
    let ulen = usize::from(ulen);
    let total = if (8..=input.reported).contains(&ulen) {
        ulen
    } else {
        input.reported
    };
    let captured = b.len().min(total);
    if let Some(off) = input.frame_off {
        layers.push(Layer::Transport, "UDP", off, off + 8);
        if captured > 8 {
            layers.push(Layer::Application, "payload", off + 8, off + captured);
        }
    }
    DecodeOutcome::Udp(DecodedUdp {
        src: SocketAddr::new(input.src, sport),
        dst: SocketAddr::new(input.dst, dport),
        len: u32::try_from(total - 8).unwrap_or(u32::MAX),
        layers: layers.into_vec(),
        truncated: captured < total,
        reassembled,
    })
}

fn tcp(
    input: TcpInput<'_>,
    mut layers: Sink,
    reassembled: bool,
    detail: Detail,
    mut options: Vec<TcpOption>,
) -> DecodeOutcome {
    let b = input.bytes;
    if b.len() < 20 {
        return DecodeOutcome::Malformed(format!(
            "TCP header cut short: {} of at least 20 bytes captured",
            b.len()
        ));
    }
    let sport = u16::from_be_bytes([b[0], b[1]]);
    let dport = u16::from_be_bytes([b[2], b[3]]);
    let seq = u32::from_be_bytes([b[4], b[5], b[6], b[7]]);
    let ack = u32::from_be_bytes([b[8], b[9], b[10], b[11]]);
    let hlen = usize::from(b[12] >> 4) * 4;
    let flags = (u16::from(b[12] & 0x0f) << 8) | u16::from(b[13]);
    let win = u16::from_be_bytes([b[14], b[15]]);
    if hlen < 20 {
        return DecodeOutcome::Malformed(format!("bogus TCP header length {hlen} (at least 20)"));
    }
    if input.reported < hlen {
        return DecodeOutcome::Malformed(format!(
            "TCP header length {hlen} is more than the {} bytes the IP header gives it",
            input.reported
        ));
    }
    let len = input.reported - hlen;
    let hdr_end = hlen.min(b.len());
    if detail.options {
        parse_tcp_options_into(&b[20..hdr_end], &mut options);
    }
    let payload_end = b.len().min(hlen + len);
    let captured = if hdr_end == hlen {
        &b[hlen..payload_end]
    } else {
        &[]
    };
    let payload = if detail.payload {
        captured.to_vec()
    } else {
        Vec::new()
    };
    let truncated = b.len() < hlen + len;
    let l7 = if detail.layers && !captured.is_empty() {
        crate::wire::l7::recognise(captured, u32::try_from(len).unwrap_or(u32::MAX))
    } else {
        None
    };
    if let Some(off) = input.frame_off {
        layers.push(Layer::Transport, "TCP", off, off + hdr_end);
        if !captured.is_empty() {
            layers.push(
                Layer::Application,
                "payload",
                off + hlen,
                off + hlen + captured.len(),
            );
        }
    }
    DecodeOutcome::Tcp(Decoded {
        src: SocketAddr::new(input.src, sport),
        dst: SocketAddr::new(input.dst, dport),
        seg: Segment {
            seq: SeqNum(seq),
            ack: SeqNum(ack),
            flags: Flags(flags),
            win,
            options,
            payload,
        },
        len: u32::try_from(len).unwrap_or(u32::MAX),
        layers: layers.into_vec(),
        truncated,
        reassembled,
        l7,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options_never_panic_and_parse_known_kinds() {
        let opts = [
            2, 4, 0x05, 0xb4, 4, 2, 8, 10, 0, 0, 0, 1, 0, 0, 0, 2, 1, 3, 3, 7,
        ];
        assert_eq!(
            parse_tcp_options(&opts),
            vec![
                TcpOption::Mss { value: 1460 },
                TcpOption::SackPermitted,
                TcpOption::Timestamps { tsval: 1, tsecr: 2 },
                TcpOption::WindowScale { shift: 7 },
            ]
        );
        let sack = [1, 1, 5, 10, 0, 0, 0, 5, 0, 0, 0, 9];
        assert_eq!(
            parse_tcp_options(&sack),
            vec![TcpOption::Sack {
                blocks: vec![(5, 9)]
            }]
        );
        // Overruns and zero lengths end the list without panicking.
        assert_eq!(
            parse_tcp_options(&[2, 40, 1]),
            vec![TcpOption::Other { kind: 2, len: 40 }]
        );
        assert_eq!(
            parse_tcp_options(&[30, 0]),
            vec![TcpOption::Other { kind: 30, len: 0 }]
        );
        assert_eq!(
            parse_tcp_options(&[30]),
            vec![TcpOption::Other { kind: 30, len: 0 }]
        );
        assert_eq!(parse_tcp_options(&[0, 2, 4, 5, 180]), vec![]);
        for n in 0..=255u8 {
            let _ = parse_tcp_options(&[n, n, n, 1, n]);
        }
    }

    /// An IPv4 header (no options) for `payload` bytes of protocol `proto`.
    fn ip4(proto: u8, payload: usize, src: [u8; 4], dst: [u8; 4]) -> Vec<u8> {
        let mut h = vec![0x45, 0];
        h.extend_from_slice(&((20 + payload) as u16).to_be_bytes());
        h.extend_from_slice(&[0, 1, 0, 0, 64, proto, 0, 0]);
        h.extend_from_slice(&src);
        h.extend_from_slice(&dst);
        h
    }

    fn ip6(next: u8, payload: usize, last: u8) -> Vec<u8> {
        let mut h = vec![0x60, 0, 0, 0];
        h.extend_from_slice(&(payload as u16).to_be_bytes());
        h.extend_from_slice(&[next, 64]);
        for a in [1u8, last] {
            let mut addr = [0u8; 16];
            addr[0] = 0x20;
            addr[1] = 0x01;
            addr[15] = a;
            h.extend_from_slice(&addr);
        }
        h
    }

    /// A SYN from port 1234 to 80, 20-byte header, `data` bytes of payload.
    fn syn(data: usize) -> Vec<u8> {
        let mut t = vec![
            0x04, 0xd2, 0, 80, 0, 0, 0x03, 0xe8, 0, 0, 0, 0, 0x50, 0x02, 0xff, 0xff,
        ];
        t.extend_from_slice(&[0, 0, 0, 0]);
        t.extend(std::iter::repeat_n(0xab, data));
        t
    }

    /// IPv4 from 10.0.0.1 to 10.0.0.2 carrying [`syn`].
    fn ip4_syn() -> Vec<u8> {
        let mut f = ip4(6, 20, [10, 0, 0, 1], [10, 0, 0, 2]);
        f.extend(syn(0));
        f
    }

    fn eth(etype: u16) -> Vec<u8> {
        let mut f = vec![2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2];
        f.extend_from_slice(&etype.to_be_bytes());
        f
    }

    /// Decode `frame`; the segment and its layer names and byte ranges.
    fn layers_of(link: u32, frame: &[u8]) -> (Decoded, Vec<(String, usize, usize)>) {
        let out = Decoder::new().decode(link, frame, frame.len() as u32);
        let DecodeOutcome::Tcp(d) = out else {
            panic!("no TCP in {frame:02x?}: {out:?}");
        };
        let l = d
            .layers
            .iter()
            .map(|l| (l.name.clone(), l.range.start, l.range.end))
            .collect();
        (d, l)
    }

    fn names(l: &[(String, usize, usize)]) -> Vec<&str> {
        l.iter().map(|(n, _, _)| n.as_str()).collect()
    }

    #[test]
    fn pppoe_session_carries_tcp() {
        let mut f = eth(0x8864);
        f.extend_from_slice(&[0x11, 0x00, 0x12, 0x34, 0, 42, 0x00, 0x21]);
        f.extend(ip4_syn());
        let (d, l) = layers_of(LINKTYPE_ETHERNET, &f);
        assert_eq!(d.src.to_string(), "10.0.0.1:1234");
        assert_eq!(
            l[..4],
            [
                ("Ethernet II".into(), 0, 14),
                ("PPPoE".into(), 14, 20),
                ("PPP".into(), 20, 22),
                ("IPv4".into(), 22, 42)
            ]
        );
        assert_eq!(l[4], ("TCP".into(), 42, 62));
        // Discovery stage (0x8863) carries no IP.
        f[12..14].copy_from_slice(&[0x88, 0x63]);
        assert_eq!(
            Decoder::new().decode(1, &f, f.len() as u32),
            DecodeOutcome::NotTcp
        );
    }

    #[test]
    fn gre_with_and_without_key_and_sequence() {
        for (flags, extra) in [(0x0000u16, 0usize), (0x2000, 4), (0x3000, 8), (0xb000, 12)] {
            let mut g = flags.to_be_bytes().to_vec();
            g.extend_from_slice(&[0x08, 0x00]);
            g.extend(std::iter::repeat_n(0x77, extra));
            let inner = ip4_syn();
            let mut f = eth(0x0800);
            f.extend(ip4(
                47,
                g.len() + inner.len(),
                [192, 0, 2, 1],
                [192, 0, 2, 2],
            ));
            f.extend(&g);
            f.extend(&inner);
            let (d, l) = layers_of(LINKTYPE_ETHERNET, &f);
            assert_eq!(d.dst.to_string(), "10.0.0.2:80", "flags {flags:#x}");
            let gre_end = 34 + 4 + extra;
            assert_eq!(
                l[1..4],
                [
                    ("IPv4".into(), 14, 34),
                    ("GRE".into(), 34, gre_end),
                    ("IPv4".into(), gre_end, gre_end + 20)
                ],
                "flags {flags:#x}"
            );
        }
        // Version 1 (PPTP): key always, acknowledgment number, PPP inside.
        let mut g = vec![0x30, 0x81, 0x88, 0x0b, 0, 24, 0, 1, 0, 0, 0, 5, 0, 0, 0, 4];
        g.extend_from_slice(&[0xff, 0x03, 0x00, 0x21]);
        g.extend(ip4_syn());
        let mut f = ip4(47, g.len(), [192, 0, 2, 1], [192, 0, 2, 2]);
        f.extend(&g);
        let (_, l) = layers_of(LINKTYPE_RAW, &f);
        assert_eq!(names(&l), ["IPv4", "GRE", "PPP", "IPv4", "TCP"]);
        assert_eq!(l[1], ("GRE".into(), 20, 36));
    }

    #[test]
    fn mpls_label_stack_then_ip() {
        let mut f = eth(0x8847);
        f.extend_from_slice(&[0, 0x01, 0x00, 0x40, 0, 0x02, 0x01, 0x40]);
        f.extend(ip4_syn());
        let (_, l) = layers_of(LINKTYPE_ETHERNET, &f);
        assert_eq!(
            l[1..4],
            [
                ("MPLS label".into(), 14, 18),
                ("MPLS label".into(), 18, 22),
                ("IPv4".into(), 22, 42)
            ]
        );
        // Past the limit of labels: refused and named.
        let mut f = eth(0x8847);
        for _ in 0..=MAX_MPLS_LABELS {
            f.extend_from_slice(&[0, 0x01, 0x00, 0x40]);
        }
        f.extend_from_slice(&[0, 0x01, 0x01, 0x40]);
        f.extend(ip4_syn());
        let mut d = Decoder::new();
        assert_eq!(d.decode(1, &f, f.len() as u32), DecodeOutcome::NotTcp);
        assert_eq!(d.refused(), Some(Undecoded::MplsLabels));
    }

    #[test]
    fn ip_in_ip_all_three_ways() {
        // 6in4
        let mut inner = ip6(6, 20, 2);
        inner.extend(syn(0));
        let mut f = ip4(41, inner.len(), [192, 0, 2, 1], [192, 0, 2, 2]);
        f.extend(&inner);
        let (d, l) = layers_of(LINKTYPE_RAW, &f);
        assert_eq!(d.src.to_string(), "[2001::1]:1234");
        assert_eq!(l[..2], [("IPv4".into(), 0, 20), ("IPv6".into(), 20, 60)]);
        // 4in6
        let inner = ip4_syn();
        let mut f = ip6(4, inner.len(), 9);
        f.extend(&inner);
        let (d, l) = layers_of(LINKTYPE_RAW, &f);
        assert_eq!(d.src.to_string(), "10.0.0.1:1234");
        assert_eq!(names(&l), ["IPv6", "IPv4", "TCP"]);
        // IPv4 in IPv4
        let mut f = ip4(4, inner.len(), [192, 0, 2, 1], [192, 0, 2, 2]);
        f.extend(&inner);
        let (_, l) = layers_of(LINKTYPE_RAW, &f);
        assert_eq!(l[1], ("IPv4".into(), 20, 40));
        // Tunnels inside tunnels, past the limit: refused and named.
        let mut f = ip4_syn();
        for _ in 0..=MAX_TUNNELS {
            let mut outer = ip4(4, f.len(), [192, 0, 2, 1], [192, 0, 2, 2]);
            outer.extend(&f);
            f = outer;
        }
        let mut d = Decoder::new();
        assert_eq!(
            d.decode(LINKTYPE_RAW, &f, f.len() as u32),
            DecodeOutcome::NotTcp
        );
        assert_eq!(d.refused(), Some(Undecoded::Tunnels));
    }

    #[test]
    fn gtp_u_with_and_without_extension_headers() {
        for ext in [false, true] {
            let inner = ip4_syn();
            let mut g = if ext {
                // E flag; sequence, N-PDU, next type 0x85 (PDU session
                // container), one 4-byte extension header, then none.
                vec![
                    0x34, 0xff, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0x85, 1, 0x10, 0x01, 0,
                ]
            } else {
                vec![0x30, 0xff, 0, 0, 0, 0, 0, 1]
            };
            let glen = g.len();
            g.extend(&inner);
            let mut udp = vec![0x08, 0x68, 0x08, 0x68];
            udp.extend_from_slice(&((8 + g.len()) as u16).to_be_bytes());
            udp.extend_from_slice(&[0, 0]);
            udp.extend(&g);
            let mut f = eth(0x0800);
            f.extend(ip4(17, udp.len(), [192, 0, 2, 1], [192, 0, 2, 2]));
            f.extend(&udp);
            let (d, l) = layers_of(LINKTYPE_ETHERNET, &f);
            assert_eq!(d.src.to_string(), "10.0.0.1:1234");
            assert_eq!(
                l[2..5],
                [
                    ("UDP".into(), 34, 42),
                    ("GTP-U".into(), 42, 42 + glen),
                    ("IPv4".into(), 42 + glen, 62 + glen)
                ]
            );
        }
        // Other UDP is not a tunnel: the IP header inside is just payload.
        let mut f = ip4(17, 28, [192, 0, 2, 1], [192, 0, 2, 2]);
        f.extend_from_slice(&[0, 53, 0, 53, 0, 28, 0, 0]);
        f.extend(ip4_syn());
        let mut d = Decoder::new();
        let DecodeOutcome::Udp(u) = d.decode(LINKTYPE_RAW, &f, f.len() as u32) else {
            panic!("not a datagram");
        };
        assert_eq!(u.dst.to_string(), "192.0.2.2:53");
        assert_eq!(u.len, 20);
        assert_eq!(d.refused(), None);
    }

    /// A UDP datagram of `payload` bytes from port 5353 to 53.
    fn udp4(payload: &[u8]) -> Vec<u8> {
        let mut f = ip4(17, 8 + payload.len(), [10, 0, 0, 1], [10, 0, 0, 2]);
        f.extend_from_slice(&[0x14, 0xe9, 0, 53]);
        f.extend_from_slice(&((8 + payload.len()) as u16).to_be_bytes());
        f.extend_from_slice(&[0, 0]);
        f.extend_from_slice(payload);
        f
    }

    fn datagram(d: &mut Decoder, link: u32, f: &[u8], orig: usize) -> DecodedUdp {
        match d.decode(link, f, orig as u32) {
            DecodeOutcome::Udp(u) => u,
            other => panic!("not a datagram: {other:?}"),
        }
    }

    #[test]
    fn plain_udp_over_ipv4_and_ipv6_with_its_layers() {
        let mut d = Decoder::new();
        let mut f = eth(0x0800);
        f.extend(udp4(b"ping"));
        let u = datagram(&mut d, LINKTYPE_ETHERNET, &f, f.len());
        assert_eq!(u.src.to_string(), "10.0.0.1:5353");
        assert_eq!(u.dst.to_string(), "10.0.0.2:53");
        assert_eq!((u.len, u.truncated, u.reassembled), (4, false, false));
        let spans: Vec<_> = u
            .layers
            .iter()
            .map(|l| (l.name.as_str(), l.range.clone()))
            .collect();
        assert_eq!(
            spans,
            [
                ("Ethernet II", 0..14),
                ("IPv4", 14..34),
                ("UDP", 34..42),
                ("payload", 42..46)
            ]
        );
        // IPv6, with a hop-by-hop header before the UDP header.
        let mut udp = vec![0, 7, 0, 7, 0, 11, 0, 0, b'a', b'b', b'c'];
        let mut f = ip6(0, 8 + udp.len(), 2);
        f.extend_from_slice(&[17, 0, 1, 4, 0, 0, 0, 0]);
        f.append(&mut udp);
        let u = datagram(&mut d, LINKTYPE_RAW, &f, f.len());
        assert_eq!(u.dst.to_string(), "[2001::2]:7");
        assert_eq!(u.len, 3);
        assert_eq!(names(&triples(&u.layers)), ["IPv6", "UDP", "payload"]);
        assert_eq!(u.layers[1].range, 48..56);
    }

    fn triples(l: &[LayerSpan]) -> Vec<(String, usize, usize)> {
        l.iter()
            .map(|s| (s.name.clone(), s.range.start, s.range.end))
            .collect()
    }

    #[test]
    fn udp_lengths_cut_short_bogus_or_zero() {
        let mut d = Decoder::new();
        // Cut by the snap length: the length is still the header's.
        let f = udp4(&[7; 100]);
        let u = datagram(&mut d, LINKTYPE_RAW, &f[..40], f.len());
        assert_eq!((u.len, u.truncated), (100, true));
        assert_eq!(u.layers[2].range, 28..40);
        // A length field beyond the IP datagram, or below 8, or zero: the IP
        // header's length counts.
        for bogus in [0u16, 3, 500] {
            let mut f = udp4(b"hello");
            f[24..26].copy_from_slice(&bogus.to_be_bytes());
            assert_eq!(datagram(&mut d, LINKTYPE_RAW, &f, f.len()).len, 5);
        }
        // A shorter length field than the IP datagram's: padding after it.
        let mut f = udp4(b"hello");
        f[24..26].copy_from_slice(&10u16.to_be_bytes());
        let u = datagram(&mut d, LINKTYPE_RAW, &f, f.len());
        assert_eq!(u.len, 2);
        assert_eq!(u.layers[2].range, 28..30);
        // Cut inside the UDP header: nothing to show.
        assert_eq!(
            d.decode(LINKTYPE_RAW, &f[..24], f.len() as u32),
            DecodeOutcome::NotTcp
        );
        // An IP datagram too short for a UDP header.
        let mut f = ip4(17, 4, [10, 0, 0, 1], [10, 0, 0, 2]);
        f.extend_from_slice(&[0, 1, 0, 2]);
        assert_eq!(
            d.decode(LINKTYPE_RAW, &f, f.len() as u32),
            DecodeOutcome::NotTcp
        );
    }

    #[test]
    fn udp_fragments_are_reassembled_into_one_datagram() {
        let whole = udp4(&[9; 40]);
        let udp = &whole[20..];
        let mut d = Decoder::new();
        let frag = |offset: usize, more: bool, data: &[u8]| {
            let mut f = frag4(77, offset, more, data);
            f[9] = 17;
            f
        };
        let first = frag(0, true, &udp[..24]);
        assert_eq!(
            d.decode(LINKTYPE_RAW, &first, first.len() as u32),
            DecodeOutcome::FragmentHeld
        );
        let last = frag(24, false, &udp[24..]);
        let u = datagram(&mut d, LINKTYPE_RAW, &last, last.len());
        assert_eq!((u.len, u.reassembled), (40, true));
        assert_eq!(u.dst.port(), 53);
        assert_eq!(names(&triples(&u.layers)), ["IPv4"]);
        assert_eq!(d.held_datagrams(), 0);
    }

    #[test]
    fn a_gtp_u_port_without_a_user_packet_is_a_plain_datagram() {
        // GTP-U echo request (message type 1), not a G-PDU.
        let mut f = ip4(17, 16, [192, 0, 2, 1], [192, 0, 2, 2]);
        f.extend_from_slice(&[0x08, 0x68, 0x08, 0x68, 0, 16, 0, 0]);
        f.extend_from_slice(&[0x30, 0x01, 0, 0, 0, 0, 0, 0]);
        let mut d = Decoder::new();
        let u = datagram(&mut d, LINKTYPE_RAW, &f, f.len());
        assert_eq!(u.len, 8);
        assert_eq!(names(&triples(&u.layers)), ["IPv4", "UDP", "payload"]);
    }

    #[test]
    fn ppp_and_cisco_hdlc_link_types() {
        let mut f = vec![0xff, 0x03, 0x00, 0x21];
        f.extend(ip4_syn());
        let (_, l) = layers_of(LINKTYPE_PPP, &f);
        assert_eq!(l[..2], [("PPP".into(), 0, 4), ("IPv4".into(), 4, 24)]);
        // Protocol field compressed to one byte.
        let mut f = vec![0x21];
        f.extend(ip4_syn());
        assert_eq!(layers_of(LINKTYPE_PPP, &f).1[0], ("PPP".into(), 0, 1));
        let mut f = vec![0x0f, 0x00, 0x08, 0x00];
        f.extend(ip4_syn());
        for link in [LINKTYPE_C_HDLC, LINKTYPE_PPP] {
            let (_, l) = layers_of(link, &f);
            assert_eq!(
                l[..2],
                [("Cisco HDLC".into(), 0, 4), ("IPv4".into(), 4, 24)]
            );
        }
    }

    #[test]
    fn radiotap_802_11_data_frames_with_llc_snap() {
        // Radiotap: version 0, length 12 (present flags and one field).
        let mut f = vec![0, 0, 12, 0, 0x02, 0, 0, 0, 0x10, 0, 0, 0];
        // QoS data (subtype 8), from the DS; 24-byte header and QoS control.
        f.extend_from_slice(&[0x88, 0x02, 0, 0]);
        f.extend(std::iter::repeat_n(0x11, 18));
        f.extend_from_slice(&[0x10, 0x00, 0x00, 0x00]);
        f.extend_from_slice(&[0xaa, 0xaa, 0x03, 0, 0, 0, 0x08, 0x00]);
        f.extend(ip4_syn());
        let (_, l) = layers_of(LINKTYPE_IEEE802_11_RADIOTAP, &f);
        assert_eq!(
            l[..4],
            [
                ("radiotap".into(), 0, 12),
                ("IEEE 802.11".into(), 12, 38),
                ("LLC/SNAP".into(), 38, 46),
                ("IPv4".into(), 46, 66)
            ]
        );
        // Protected: refused and named; a beacon is simply not TCP.
        f[13] |= 0x40;
        let mut d = Decoder::new();
        assert_eq!(d.decode(127, &f, f.len() as u32), DecodeOutcome::NotTcp);
        assert_eq!(d.refused(), Some(Undecoded::Encrypted80211));
        f[12] = 0x80;
        assert_eq!(d.decode(127, &f, f.len() as u32), DecodeOutcome::NotTcp);
        assert_eq!(d.refused(), None);
    }

    #[test]
    fn unknown_link_types_and_deep_vlan_stacks_are_named() {
        let mut d = Decoder::new();
        assert_eq!(d.decode(129, &[0; 60], 60), DecodeOutcome::NotTcp);
        assert_eq!(d.refused(), Some(Undecoded::LinkType(129)));
        assert_eq!(
            Undecoded::LinkType(129).describe(26, 1),
            "26 frames of link type 129 (ARCNET) not decoded"
        );
        for (tags, ok) in [
            (MAX_VLAN_TAGS, true),
            (MAX_VLAN_TAGS + 1, false),
            (65_000, false),
        ] {
            let mut f = eth(0x8100);
            for i in 0..tags {
                let next: u16 = if i + 1 == tags { 0x0800 } else { 0x8100 };
                f.extend_from_slice(&[0, 5]);
                f.extend_from_slice(&next.to_be_bytes());
            }
            f.extend(ip4_syn());
            let out = d.decode(1, &f, f.len() as u32);
            if ok {
                let DecodeOutcome::Tcp(t) = out else {
                    panic!("{tags} tags: {out:?}")
                };
                assert_eq!(t.layers.len(), 1 + tags + 2);
            } else {
                assert_eq!(out, DecodeOutcome::NotTcp, "{tags} tags");
                assert_eq!(d.refused(), Some(Undecoded::VlanTags));
            }
        }
    }

    /// IPv4 fragment of datagram `id` at `offset` with `data`.
    fn frag4(id: u16, offset: usize, more: bool, data: &[u8]) -> Vec<u8> {
        let mut f = ip4(6, data.len(), [10, 0, 0, 1], [10, 0, 0, 2]);
        f[4..6].copy_from_slice(&id.to_be_bytes());
        let fo = (offset / 8) as u16 | if more { 0x2000 } else { 0 };
        f[6..8].copy_from_slice(&fo.to_be_bytes());
        f.extend_from_slice(data);
        f
    }

    #[test]
    fn fragments_in_any_order_with_overlaps_and_empties() {
        let seg = syn(60);
        let mut d = Decoder::new();
        let pieces = [
            frag4(5, 40, true, &seg[40..64]),
            frag4(5, 0, true, &[]),
            frag4(5, 64, false, &seg[64..]),
            frag4(5, 16, true, &seg[16..48]),
            // Same offset, later: the first one's bytes stay.
            frag4(5, 16, true, &[0xee; 8]),
            // A lower offset overlapping 16..24: its bytes win there.
            frag4(5, 8, true, &[&seg[8..16], &[0xdd; 8][..]].concat()),
        ];
        for p in &pieces {
            assert_eq!(
                d.decode(LINKTYPE_RAW, p, p.len() as u32),
                DecodeOutcome::FragmentHeld
            );
        }
        let last = frag4(5, 0, true, &seg[..8]);
        let DecodeOutcome::Tcp(t) = d.decode(LINKTYPE_RAW, &last, last.len() as u32) else {
            panic!("not reassembled");
        };
        assert!(t.reassembled);
        assert_eq!(t.len, 60);
        assert_eq!(
            t.seg.payload[..4],
            [0xdd; 4],
            "bytes 20..24 come from offset 8"
        );
        assert_eq!(t.seg.payload[4..], seg[24..]);
        assert_eq!(d.held_datagrams(), 0);
        assert_eq!(d.held_bytes(), 0);
    }

    #[test]
    fn a_datagram_of_too_many_fragments_is_dropped_and_named() {
        let mut d = Decoder::new();
        let empty = frag4(9, 0, true, &[]);
        for _ in 0..MAX_FRAGMENTS {
            assert_eq!(
                d.decode(LINKTYPE_RAW, &empty, 20),
                DecodeOutcome::FragmentHeld
            );
            assert_eq!(d.refused(), None);
        }
        // Empty fragments are charged too.
        assert!(d.held_bytes() >= MAX_FRAGMENTS * FRAGMENT_OVERHEAD);
        assert_eq!(d.decode(LINKTYPE_RAW, &empty, 20), DecodeOutcome::NotTcp);
        assert_eq!(d.refused(), Some(Undecoded::Fragments));
        assert_eq!((d.held_datagrams(), d.held_bytes()), (0, 0));
        // Many datagrams: the oldest go first, the bytes held stay bounded.
        for id in 0..3000u16 {
            let f = frag4(id, 0, true, &[0; 1024]);
            let _ = d.decode(LINKTYPE_RAW, &f, f.len() as u32);
            assert!(d.held_datagrams() <= MAX_HELD_DATAGRAMS);
            assert!(d.held_bytes() <= MAX_HELD_BYTES);
        }
    }

    #[test]
    fn no_panic_on_garbage() {
        let mut d = Decoder::new();
        let mut x: u32 = 12345;
        for len in 0..200usize {
            for lt in [
                0, 1, 9, 12, 14, 50, 101, 104, 105, 108, 113, 127, 228, 229, 239, 242, 276, 9999,
            ] {
                let data: Vec<u8> = (0..len)
                    .map(|_| {
                        x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
                        (x >> 16) as u8
                    })
                    .collect();
                let _ = d.decode(lt, &data, len as u32);
                let _ = d.decode(lt, &data, u32::MAX);
                let _ = d.decode(lt, &data, 0);
            }
        }
    }
}
