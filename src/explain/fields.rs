//! The header fields of one layer of a frame, in words: MACs and EtherType,
//! IP addresses, TTL and lengths, ports, sequence numbers, flags, window and
//! options, a payload preview. Decoding stays out of the views: the terminal
//! UI only lays these lines out.

use super::Lang;
use crate::i18n::{msg, text};
use crate::timeline::segment::TcpOption;
use crate::timeline::{FrameBytes, LayerSpan, SegmentView, Side, Timeline};
use etherparse::{Ethernet2HeaderSlice, Ipv4HeaderSlice, Ipv6HeaderSlice, TcpHeaderSlice};
use std::fmt::Write;

pub fn link_type_name(lt: u32) -> &'static str {
    link_type_name_in(lt, Lang::En)
}

/// [`link_type_name`] in `lang`, for the layers pane.
pub fn link_type_name_in(lt: u32, lang: Lang) -> &'static str {
    match lt {
        0 => text(lang, "link-bsd-loopback"),
        1 => "Ethernet",
        12 | 14 | 101 => text(lang, "link-raw-ip"),
        108 => text(lang, "link-openbsd-loopback"),
        113 => text(lang, "link-linux-sll"),
        228 => text(lang, "link-raw-ipv4"),
        229 => text(lang, "link-raw-ipv6"),
        276 => text(lang, "link-linux-sll2"),
        _ => text(lang, "fields-other"),
    }
}

fn mac(b: [u8; 6]) -> String {
    b.iter()
        .map(|x| format!("{x:02x}"))
        .collect::<Vec<_>>()
        .join(":")
}

fn ether_type_name(t: u16, lang: Lang) -> &'static str {
    match t {
        0x0800 => "IPv4",
        0x86dd => "IPv6",
        0x8100 => "802.1Q VLAN",
        0x0806 => "ARP",
        _ => text(lang, "fields-other"),
    }
}

fn be16(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_be_bytes([*b.get(at)?, *b.get(at + 1)?]))
}

fn undecodable(lang: Lang, e: impl std::fmt::Display) -> Vec<String> {
    vec![msg!(lang, "fields-undecodable", error = e.to_string())]
}

pub fn link(fb: &FrameBytes, span: &LayerSpan, lang: Lang) -> Vec<String> {
    let bytes = fb.data.get(span.range.clone()).unwrap_or(&[]);
    match fb.link_type {
        1 => match Ethernet2HeaderSlice::from_slice(bytes) {
            Ok(e) => {
                let t = e.ether_type().0;
                vec![
                    msg!(
                        lang,
                        "fields-macs",
                        dst = mac(e.destination()),
                        src = mac(e.source())
                    ),
                    format!("EtherType 0x{t:04x} ({})", ether_type_name(t, lang)),
                ]
            }
            Err(e) => undecodable(lang, e),
        },
        0 | 108 => {
            let fam = bytes.get(..4).map(|b| {
                // Host byte order on the capturing machine: try both.
                let le = u32::from_le_bytes([b[0], b[1], b[2], b[3]]);
                let be = u32::from_be_bytes([b[0], b[1], b[2], b[3]]);
                le.min(be)
            });
            match fam {
                Some(f) => vec![msg!(
                    lang,
                    "fields-address-family",
                    family = f,
                    name = match f {
                        2 => "AF_INET, IPv4",
                        24 | 28 | 30 => "AF_INET6, IPv6",
                        _ => text(lang, "fields-other"),
                    }
                )],
                None => vec![],
            }
        }
        113 => {
            let pkt = be16(bytes, 0).unwrap_or(0);
            let proto = be16(bytes, 14).unwrap_or(0);
            vec![msg!(
                lang,
                "fields-sll",
                pkt = pkt,
                outgoing = if pkt == 4 { "yes" } else { "no" },
                arphrd = be16(bytes, 2).unwrap_or(0),
                proto = format!("{proto:04x}"),
                name = ether_type_name(proto, lang)
            )]
        }
        276 => {
            let proto = be16(bytes, 0).unwrap_or(0);
            let ifindex = bytes
                .get(4..8)
                .map_or(0, |b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]));
            vec![msg!(
                lang,
                "fields-sll2",
                proto = format!("{proto:04x}"),
                name = ether_type_name(proto, lang),
                ifindex = ifindex
            )]
        }
        _ => vec![msg!(lang, "fields-bytes", n = bytes.len())],
    }
}

pub fn network(fb: &FrameBytes, span: &LayerSpan, lang: Lang) -> Vec<String> {
    let bytes = fb.data.get(span.range.start..).unwrap_or(&[]);
    match bytes.first().map(|b| b >> 4) {
        Some(4) => match Ipv4HeaderSlice::from_slice(bytes) {
            Ok(ip) => {
                let mut flags = String::new();
                if ip.dont_fragment() {
                    flags.push_str("  DF");
                }
                if ip.more_fragments() {
                    flags.push_str("  MF");
                }
                vec![
                    format!("{} → {}", ip.source_addr(), ip.destination_addr()),
                    msg!(
                        lang,
                        "fields-ipv4",
                        ttl = ip.ttl(),
                        total = ip.total_len(),
                        header = u16::from(ip.ihl()) * 4,
                        id = format!("{:04x}", ip.identification()),
                        flags = flags
                    ),
                    msg!(
                        lang,
                        "fields-ip-protocol",
                        proto = ip.protocol().0,
                        tcp = if ip.protocol().0 == 6 { " (TCP)" } else { "" },
                        checksum = format!("{:04x}", ip.header_checksum())
                    ),
                ]
            }
            Err(e) => undecodable(lang, e),
        },
        Some(6) => match Ipv6HeaderSlice::from_slice(bytes) {
            Ok(ip) => vec![
                format!("{} → {}", ip.source_addr(), ip.destination_addr()),
                msg!(
                    lang,
                    "fields-ipv6",
                    hops = ip.hop_limit(),
                    len = ip.payload_length(),
                    next = ip.next_header().0,
                    flow = format!("{:05x}", ip.flow_label().value())
                ),
            ],
            Err(e) => undecodable(lang, e),
        },
        _ => vec![msg!(lang, "fields-not-ip")],
    }
}

/// The window scale shift that applies to `tl.steps[i]`'s window field:
/// RFC 7323 §2.2 scales a segment's window by the shift its *sender*
/// announced in its SYN, and only when both SYNs carried the option; the
/// SYNs' own windows are never scaled.
pub fn window_shift(tl: &Timeline, i: usize) -> Option<u8> {
    let step = tl.steps.get(i)?;
    let v = step.segment.as_ref()?;
    if v.seg.flags.syn() {
        return None;
    }
    let shift_of = |from: Side| {
        tl.steps[..i].iter().find_map(|s| {
            let sv = s.segment.as_ref()?;
            (s.stream == step.stream && sv.from == from && sv.seg.flags.syn()).then(|| {
                sv.seg.options.iter().find_map(|o| match o {
                    TcpOption::WindowScale { shift } => Some(*shift),
                    _ => None,
                })
            })?
        })
    };
    let own = shift_of(v.from)?;
    shift_of(v.from.other())?;
    Some(own.min(14))
}

/// `shift`: see [`window_shift`]; with one, the window is shown scaled too
/// (`window 64 (× 1024 = 65536 bytes)`), as Wireshark's "calculated window
/// size".
pub fn transport(
    fb: &FrameBytes,
    span: &LayerSpan,
    v: &SegmentView,
    shift: Option<u8>,
    lang: Lang,
) -> Vec<String> {
    let bytes = fb.data.get(span.range.start..).unwrap_or(&[]);
    match TcpHeaderSlice::from_slice(bytes) {
        Ok(tcp) => {
            let ack_rel = if v.seg.flags.ack() {
                msg!(lang, "fields-ack-rel", ack_rel = v.ack_rel)
            } else {
                msg!(lang, "fields-ack-unused")
            };
            let mut out = vec![
                msg!(
                    lang,
                    "fields-ports",
                    src = tcp.source_port(),
                    dst = tcp.destination_port()
                ),
                msg!(
                    lang,
                    "fields-seq-ack",
                    seq = tcp.sequence_number(),
                    seq_rel = v.seq_rel,
                    ack = tcp.acknowledgment_number(),
                    ack_rel = ack_rel
                ),
                msg!(
                    lang,
                    "fields-flags",
                    hex = format!("{:03x}", v.seg.flags.0),
                    tcpdump = v.seg.flags.tcpdump(),
                    wireshark = v.seg.flags.wireshark()
                ),
                msg!(
                    lang,
                    "fields-window",
                    win = tcp.window_size(),
                    scaled = scaled(tcp.window_size(), shift, lang),
                    header = u16::from(tcp.data_offset()) * 4,
                    checksum = format!("{:04x}", tcp.checksum()),
                    urgent = tcp.urgent_pointer()
                ),
            ];
            if !v.seg.options.is_empty() {
                let opts: Vec<String> = v.seg.options.iter().map(|o| o.to_string()).collect();
                out.push(msg!(lang, "fields-options", options = opts.join(", ")));
            }
            out
        }
        Err(e) => undecodable(lang, e),
    }
}

/// ` (× 1024 = 65536 bytes)` when a scale applies.
fn scaled(window: u16, shift: Option<u8>, lang: Lang) -> String {
    match shift {
        Some(s) if s > 0 => msg!(
            lang,
            "fields-window-scaled",
            factor = 1u32 << s,
            bytes = u32::from(window) << s
        ),
        _ => String::new(),
    }
}

/// `budget`: how many bytes of the payload to preview (the view passes
/// what fits in a few of its lines).
pub fn payload(fb: &FrameBytes, span: &LayerSpan, lang: Lang, budget: usize) -> Vec<String> {
    let bytes = fb.data.get(span.range.clone()).unwrap_or(&[]);
    let mut preview = String::new();
    for &b in bytes.iter().take(budget) {
        match b {
            b'\n' => preview.push_str("\\n"),
            b'\r' => preview.push_str("\\r"),
            0x20..=0x7e => preview.push(b as char),
            _ => {
                let _ = write!(preview, "\\x{b:02x}");
            }
        }
    }
    if bytes.len() > budget {
        preview.push('…');
    }
    vec![msg!(
        lang,
        "fields-payload",
        n = bytes.len(),
        preview = preview
    )]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::timeline::Layer;

    /// The preview of a 300-byte payload with `budget` bytes: the text
    /// between the quotes.
    fn preview(budget: usize) -> String {
        let fb = FrameBytes {
            link_type: 1,
            data: vec![b'a'; 300],
            orig_len: 300,
            captured_len: 300,
            layers: Vec::new(),
        };
        let span = LayerSpan {
            layer: Layer::Application,
            name: "payload".into(),
            range: 0..300,
        };
        let line = payload(&fb, &span, Lang::En, budget).remove(0);
        line.split('"').nth(1).unwrap().to_string()
    }

    #[test]
    fn the_payload_preview_takes_the_budget_it_is_given() {
        // The layers pane passes about four of its lines: at 200 columns
        // far more than the 48 bytes it once cut every payload at.
        assert_eq!(preview(48), format!("{}…", "a".repeat(48)));
        assert_eq!(preview(200), format!("{}…", "a".repeat(200)));
        assert_eq!(preview(400), "a".repeat(300));
    }
}
