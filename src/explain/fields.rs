//! The header fields of one layer of a frame, in words: MACs and EtherType,
//! IP addresses, TTL and lengths, ports, sequence numbers, flags, window and
//! options, a payload preview. Decoding stays out of the views: the terminal
//! UI only lays these lines out.

use super::{Lang, tr};
use crate::timeline::segment::TcpOption;
use crate::timeline::{FrameBytes, LayerSpan, SegmentView, Side, Timeline};
use etherparse::{Ethernet2HeaderSlice, Ipv4HeaderSlice, Ipv6HeaderSlice, TcpHeaderSlice};
use std::fmt::Write;

pub fn link_type_name(lt: u32) -> &'static str {
    match lt {
        0 => "BSD loopback",
        1 => "Ethernet",
        12 | 14 | 101 => "raw IP",
        108 => "OpenBSD loopback",
        113 => "Linux cooked (SLL)",
        228 => "raw IPv4",
        229 => "raw IPv6",
        276 => "Linux cooked v2 (SLL2)",
        _ => "other",
    }
}

fn mac(b: [u8; 6]) -> String {
    b.iter()
        .map(|x| format!("{x:02x}"))
        .collect::<Vec<_>>()
        .join(":")
}

fn ether_type_name(t: u16) -> &'static str {
    match t {
        0x0800 => "IPv4",
        0x86dd => "IPv6",
        0x8100 => "802.1Q VLAN",
        0x0806 => "ARP",
        _ => "other",
    }
}

fn be16(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_be_bytes([*b.get(at)?, *b.get(at + 1)?]))
}

fn undecodable(lang: Lang, e: impl std::fmt::Display) -> Vec<String> {
    vec![tr(
        lang,
        format!("(could not decode: {e})"),
        format!("（无法解码：{e}）"),
    )]
}

pub fn link(fb: &FrameBytes, span: &LayerSpan, lang: Lang) -> Vec<String> {
    let bytes = fb.data.get(span.range.clone()).unwrap_or(&[]);
    match fb.link_type {
        1 => match Ethernet2HeaderSlice::from_slice(bytes) {
            Ok(e) => {
                let t = e.ether_type().0;
                vec![
                    format!(
                        "{} {}   {} {}",
                        tr(lang, "dst MAC", "目的 MAC"),
                        mac(e.destination()),
                        tr(lang, "src MAC", "源 MAC"),
                        mac(e.source())
                    ),
                    format!("EtherType 0x{t:04x} ({})", ether_type_name(t)),
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
                Some(f) => vec![format!(
                    "{} {f} ({})",
                    tr(lang, "address family", "地址族"),
                    match f {
                        2 => "AF_INET, IPv4",
                        24 | 28 | 30 => "AF_INET6, IPv6",
                        _ => "other",
                    }
                )],
                None => vec![],
            }
        }
        113 => {
            let pkt = be16(bytes, 0).unwrap_or(0);
            let proto = be16(bytes, 14).unwrap_or(0);
            vec![format!(
                "{} {pkt}{}   ARPHRD {}   {} 0x{proto:04x} ({})",
                tr(lang, "packet type", "包类型"),
                if pkt == 4 {
                    tr(lang, " (outgoing)", "（发出）")
                } else {
                    ""
                },
                be16(bytes, 2).unwrap_or(0),
                tr(lang, "protocol", "协议"),
                ether_type_name(proto)
            )]
        }
        276 => {
            let proto = be16(bytes, 0).unwrap_or(0);
            let ifindex = bytes
                .get(4..8)
                .map_or(0, |b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]));
            vec![format!(
                "{} 0x{proto:04x} ({})   {} {ifindex}",
                tr(lang, "protocol", "协议"),
                ether_type_name(proto),
                tr(lang, "interface index", "接口索引"),
            )]
        }
        _ => vec![format!("{} {}", bytes.len(), tr(lang, "bytes", "字节"))],
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
                    tr(
                        lang,
                        format!(
                            "TTL {}   total length {}   header {} bytes   id 0x{:04x}{flags}",
                            ip.ttl(),
                            ip.total_len(),
                            u16::from(ip.ihl()) * 4,
                            ip.identification()
                        ),
                        format!(
                            "TTL {}   总长度 {}   首部 {} 字节   标识 0x{:04x}{flags}",
                            ip.ttl(),
                            ip.total_len(),
                            u16::from(ip.ihl()) * 4,
                            ip.identification()
                        ),
                    ),
                    format!(
                        "{} {}{}   {} 0x{:04x}",
                        tr(lang, "protocol", "协议"),
                        ip.protocol().0,
                        if ip.protocol().0 == 6 { " (TCP)" } else { "" },
                        tr(lang, "checksum", "校验和"),
                        ip.header_checksum()
                    ),
                ]
            }
            Err(e) => undecodable(lang, e),
        },
        Some(6) => match Ipv6HeaderSlice::from_slice(bytes) {
            Ok(ip) => vec![
                format!("{} → {}", ip.source_addr(), ip.destination_addr()),
                tr(
                    lang,
                    format!(
                        "hop limit {}   payload length {}   next header {}   flow label 0x{:05x}",
                        ip.hop_limit(),
                        ip.payload_length(),
                        ip.next_header().0,
                        ip.flow_label().value()
                    ),
                    format!(
                        "跳数限制 {}   载荷长度 {}   下一首部 {}   流标签 0x{:05x}",
                        ip.hop_limit(),
                        ip.payload_length(),
                        ip.next_header().0,
                        ip.flow_label().value()
                    ),
                ),
            ],
            Err(e) => undecodable(lang, e),
        },
        _ => vec![tr(lang, "(not IP)", "（不是 IP）").into()],
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
    let rel = tr(lang, "relative", "相对值");
    match TcpHeaderSlice::from_slice(bytes) {
        Ok(tcp) => {
            let mut out = vec![
                format!(
                    "{} {} → {}",
                    tr(lang, "port", "端口"),
                    tcp.source_port(),
                    tcp.destination_port()
                ),
                format!(
                    "seq {} ({rel} {})   ack {}{}",
                    tcp.sequence_number(),
                    v.seq_rel,
                    tcp.acknowledgment_number(),
                    if v.seg.flags.ack() {
                        format!(" ({rel} {})", v.ack_rel)
                    } else {
                        tr(
                            lang,
                            " (not used: no ACK flag)",
                            "（未使用：没有 ACK 标志）",
                        )
                        .into()
                    }
                ),
                format!(
                    "{} 0x{:03x} {} = {}",
                    tr(lang, "flags", "标志位"),
                    v.seg.flags.0,
                    v.seg.flags.tcpdump(),
                    v.seg.flags.wireshark()
                ),
                tr(
                    lang,
                    format!(
                        "window {}{}   header {} bytes   checksum 0x{:04x}   urgent {}",
                        tcp.window_size(),
                        scaled(tcp.window_size(), shift, "bytes"),
                        u16::from(tcp.data_offset()) * 4,
                        tcp.checksum(),
                        tcp.urgent_pointer()
                    ),
                    format!(
                        "窗口 {}{}   首部 {} 字节   校验和 0x{:04x}   紧急指针 {}",
                        tcp.window_size(),
                        scaled(tcp.window_size(), shift, "字节"),
                        u16::from(tcp.data_offset()) * 4,
                        tcp.checksum(),
                        tcp.urgent_pointer()
                    ),
                ),
            ];
            if !v.seg.options.is_empty() {
                let opts: Vec<String> = v.seg.options.iter().map(|o| o.to_string()).collect();
                out.push(format!(
                    "{}{}",
                    tr(lang, "options: ", "选项："),
                    opts.join(", ")
                ));
            }
            out
        }
        Err(e) => undecodable(lang, e),
    }
}

/// ` (× 1024 = 65536 bytes)` when a scale applies.
fn scaled(window: u16, shift: Option<u8>, unit: &str) -> String {
    match shift {
        Some(s) if s > 0 => format!(" (× {} = {} {unit})", 1u32 << s, u32::from(window) << s),
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
    vec![format!(
        "{} {}{}\"{preview}\"",
        bytes.len(),
        tr(lang, "bytes", "字节"),
        tr(lang, ": ", "：")
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
