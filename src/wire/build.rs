//! Build real frames for simulated segments: Ethernet II, IPv4 or IPv6, TCP,
//! with correct lengths and checksums, so a simulation can be written to a
//! pcap and opened in Wireshark like any capture.

use crate::timeline::segment::{Segment, TcpOption};
use crate::timeline::{FrameBytes, Layer, LayerSpan};
use etherparse::{EtherType, Ethernet2Header, IpNumber, Ipv4Header, Ipv6Header, TcpHeader};
use std::net::{IpAddr, SocketAddr};

pub const LINKTYPE_ETHERNET: u32 = 1;

/// Locally administered MAC addresses, one per end, derived from the IP so
/// the two ends always differ.
fn mac_for(ip: IpAddr) -> [u8; 6] {
    let last = match ip {
        IpAddr::V4(v4) => v4.octets()[3],
        IpAddr::V6(v6) => v6.octets()[15],
    };
    [0x02, 0x00, 0x5e, 0x00, 0x00, last]
}

/// TCP options laid out as Linux lays them out, so the bytes look like a
/// real capture: MSS, SACK-permitted, timestamps, NOP, window scale in a SYN;
/// NOP, NOP, timestamps afterwards.
pub fn encode_options(options: &[TcpOption]) -> Vec<u8> {
    let mut out = Vec::new();
    for o in options {
        match o {
            TcpOption::Mss { value } => {
                out.extend([2, 4]);
                out.extend(value.to_be_bytes());
            }
            TcpOption::SackPermitted => {
                // Without timestamps Linux pads SACK-permitted with two NOPs.
                if !options
                    .iter()
                    .any(|o| matches!(o, TcpOption::Timestamps { .. }))
                {
                    out.extend([1, 1]);
                }
                out.extend([4, 2]);
            }
            TcpOption::Timestamps { tsval, tsecr } => {
                let follows_sack = out.ends_with(&[4, 2]);
                if !follows_sack {
                    out.extend([1, 1]);
                }
                out.extend([8, 10]);
                out.extend(tsval.to_be_bytes());
                out.extend(tsecr.to_be_bytes());
            }
            TcpOption::WindowScale { shift } => {
                out.extend([1, 3, 3, *shift]);
            }
            TcpOption::Sack { blocks } => {
                out.extend([1, 1, 5, 2 + 8 * blocks.len() as u8]);
                for (l, r) in blocks {
                    out.extend(l.to_be_bytes());
                    out.extend(r.to_be_bytes());
                }
            }
            TcpOption::Other { .. } => {}
        }
    }
    while out.len() % 4 != 0 {
        out.push(1);
    }
    out
}

/// One frame for `seg` from `src` to `dst`. `ip_id` is the IPv4 identification.
pub fn frame(seg: &Segment, src: SocketAddr, dst: SocketAddr, ip_id: u16) -> FrameBytes {
    let mut tcp = TcpHeader::new(src.port(), dst.port(), seg.seq.0, seg.win);
    tcp.acknowledgment_number = seg.ack.0;
    let f = seg.flags;
    tcp.fin = f.fin();
    tcp.syn = f.syn();
    tcp.rst = f.rst();
    tcp.psh = f.psh();
    tcp.ack = f.ack();
    tcp.urg = f.has(crate::timeline::segment::Flags::URG);
    tcp.ece = f.has(crate::timeline::segment::Flags::ECE);
    tcp.cwr = f.has(crate::timeline::segment::Flags::CWR);
    tcp.ns = f.has(crate::timeline::segment::Flags::AE);
    tcp.set_options_raw(&encode_options(&seg.options))
        .expect("synack's own options always fit in 40 bytes");

    let mut data = Vec::with_capacity(14 + 40 + tcp.header_len() + seg.payload.len());
    let (ether_type, ip_bytes) = match (src.ip(), dst.ip()) {
        (IpAddr::V4(s), IpAddr::V4(d)) => {
            let mut ip = Ipv4Header::new(
                (tcp.header_len() + seg.payload.len()) as u16,
                64,
                IpNumber::TCP,
                s.octets(),
                d.octets(),
            )
            .expect("a simulated segment is far below 64 KiB");
            ip.identification = ip_id;
            ip.dont_fragment = true;
            ip.header_checksum = ip.calc_header_checksum();
            tcp.checksum = tcp
                .calc_checksum_ipv4(&ip, &seg.payload)
                .expect("payload length fits");
            (EtherType::IPV4, ip.to_bytes().to_vec())
        }
        (IpAddr::V6(s), IpAddr::V6(d)) => {
            let mut ip = Ipv6Header {
                traffic_class: 0,
                flow_label: Default::default(),
                payload_length: 0,
                next_header: IpNumber::TCP,
                hop_limit: 64,
                source: s.octets(),
                destination: d.octets(),
            };
            ip.set_payload_length(tcp.header_len() + seg.payload.len())
                .expect("payload length fits");
            tcp.checksum = tcp
                .calc_checksum_ipv6(&ip, &seg.payload)
                .expect("payload length fits");
            (EtherType::IPV6, ip.to_bytes().to_vec())
        }
        _ => panic!("a connection's two ends use the same IP version"),
    };
    let eth = Ethernet2Header {
        source: mac_for(src.ip()),
        destination: mac_for(dst.ip()),
        ether_type,
    };
    data.extend(eth.to_bytes());
    let ip_start = data.len();
    data.extend(&ip_bytes);
    let tcp_start = data.len();
    data.extend(tcp.to_bytes());
    let payload_start = data.len();
    data.extend(&seg.payload);

    let mut layers = vec![
        LayerSpan {
            layer: Layer::Link,
            name: "Ethernet II".into(),
            range: 0..ip_start,
        },
        LayerSpan {
            layer: Layer::Network,
            name: if ether_type == EtherType::IPV4 {
                "IPv4".into()
            } else {
                "IPv6".into()
            },
            range: ip_start..tcp_start,
        },
        LayerSpan {
            layer: Layer::Transport,
            name: "TCP".into(),
            range: tcp_start..payload_start,
        },
    ];
    if !seg.payload.is_empty() {
        layers.push(LayerSpan {
            layer: Layer::Application,
            name: "payload".into(),
            range: payload_start..data.len(),
        });
    }
    FrameBytes {
        link_type: LINKTYPE_ETHERNET,
        orig_len: data.len() as u32,
        captured_len: data.len() as u32,
        data,
        layers,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::timeline::segment::Flags;
    use crate::timeline::seq::SeqNum;
    use etherparse::{NetSlice, SlicedPacket, TransportSlice};

    fn syn() -> Segment {
        let mut s = Segment::new(SeqNum(1000), SeqNum(0), Flags::SYN);
        s.win = 64240;
        s.options = vec![
            TcpOption::Mss { value: 1460 },
            TcpOption::SackPermitted,
            TcpOption::Timestamps { tsval: 7, tsecr: 0 },
            TcpOption::WindowScale { shift: 7 },
        ];
        s
    }

    #[test]
    fn syn_options_are_laid_out_like_linux() {
        let bytes = encode_options(&syn().options);
        assert_eq!(bytes.len(), 20);
        assert_eq!(&bytes[..8], &[2, 4, 0x05, 0xb4, 4, 2, 8, 10]);
        assert_eq!(&bytes[16..], &[1, 3, 3, 7]);
    }

    #[test]
    fn built_frame_parses_back_with_valid_checksums() {
        let src: SocketAddr = "192.0.2.1:50000".parse().unwrap();
        let dst: SocketAddr = "192.0.2.2:80".parse().unwrap();
        let mut seg = syn();
        seg.flags = Flags::PSH | Flags::ACK;
        seg.payload = b"hello".to_vec();
        let f = frame(&seg, src, dst, 1);
        let p = SlicedPacket::from_ethernet(&f.data).unwrap();
        let Some(NetSlice::Ipv4(ip)) = p.net else {
            panic!("no IPv4")
        };
        assert_eq!(
            ip.header().to_header().calc_header_checksum(),
            ip.header().header_checksum()
        );
        let Some(TransportSlice::Tcp(tcp)) = p.transport else {
            panic!("no TCP")
        };
        assert_eq!(tcp.sequence_number(), 1000);
        assert_eq!(tcp.payload(), b"hello");
        let expect = tcp
            .to_header()
            .calc_checksum_ipv4(&ip.header().to_header(), b"hello")
            .unwrap();
        assert_eq!(tcp.checksum(), expect);
        assert_eq!(f.layers.len(), 4);
        assert_eq!(f.layers[1].range, 14..34);
        assert_eq!(f.layers[3].range.len(), 5);
    }

    #[test]
    fn ipv6_frames_too() {
        let src: SocketAddr = "[2001:db8::1]:50000".parse().unwrap();
        let dst: SocketAddr = "[2001:db8::2]:80".parse().unwrap();
        let f = frame(&syn(), src, dst, 0);
        let p = SlicedPacket::from_ethernet(&f.data).unwrap();
        assert!(matches!(p.net, Some(NetSlice::Ipv6(_))));
        assert_eq!(f.layers[1].range, 14..54);
    }
}
