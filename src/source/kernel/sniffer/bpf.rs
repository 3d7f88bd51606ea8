//! The sniffer's socket filter: a classic BPF program the kernel runs on
//! every frame before it is copied to the sniffer, so the frames `sniff`
//! would throw away anyway (other protocols, other ports, the outgoing copy
//! of each loopback frame) cost no copy, no wake-up and no user-space work.
//! Without it, every segment of every connection on the interface crossed
//! into synack twice.
//!
//! The program accepts TCP over IPv4 and IPv6, on Ethernet framing (`lo`
//! and Ethernet devices) or raw IP (tun), with the port at either end when
//! one is given. Two kinds of frame are let through without a port check,
//! because their ports cannot be seen: later IPv4 fragments of a TCP
//! segment and IPv6 fragments (the decoder reassembles them and the reader
//! checks the port again). IPv6 extension headers other than a fragment
//! header are not followed, as tcpdump's `tcp port N` does not follow them.

use std::io;

/// One classic BPF instruction (`struct sock_filter`).
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Insn {
    pub code: u16,
    pub jt: u8,
    pub jf: u8,
    pub k: u32,
}

// Opcodes, as <linux/filter.h> composes them.
pub const LD_W_ABS: u16 = 0x20;
pub const LD_H_ABS: u16 = 0x28;
pub const LD_B_ABS: u16 = 0x30;
pub const LD_H_IND: u16 = 0x48;
pub const LDX_B_MSH: u16 = 0xb1;
pub const ALU_AND_K: u16 = 0x54;
pub const JEQ_K: u16 = 0x15;
pub const JSET_K: u16 = 0x45;
pub const RET_K: u16 = 0x06;

/// `SKF_AD_OFF + SKF_AD_PKTTYPE`: the packet type, as an absolute load.
pub const AD_PKTTYPE: u32 = (-0x1000i32 + 4) as u32;
const PACKET_OUTGOING: u32 = 4;
const ETH_IPV4: u32 = 0x0800;
const ETH_IPV6: u32 = 0x86dd;
const IPPROTO_TCP: u32 = 6;
const IPPROTO_UDP: u32 = 17;
const IPV6_FRAGMENT: u32 = 44;

/// A jump target: the next instruction or a label.
#[derive(Clone, Copy)]
enum To {
    Next,
    L(&'static str),
}

/// A tiny assembler: forward jumps to named labels, resolved at the end.
#[derive(Default)]
struct Asm {
    code: Vec<(u16, To, To, u32)>,
    labels: Vec<(&'static str, usize)>,
}

impl Asm {
    fn op(&mut self, code: u16, k: u32) {
        self.code.push((code, To::Next, To::Next, k));
    }
    fn jump(&mut self, code: u16, k: u32, jt: To, jf: To) {
        self.code.push((code, jt, jf, k));
    }
    fn label(&mut self, name: &'static str) {
        self.labels.push((name, self.code.len()));
    }
    fn finish(self) -> Vec<Insn> {
        let at = |i: usize, to: To| -> u8 {
            match to {
                To::Next => 0,
                To::L(name) => {
                    let (_, pos) = self
                        .labels
                        .iter()
                        .find(|(n, _)| *n == name)
                        .copied()
                        .unwrap_or((name, i + 1));
                    // Forward only, and the programs here are a few dozen
                    // instructions long: the offset always fits.
                    u8::try_from(pos.saturating_sub(i + 1)).unwrap_or(0)
                }
            }
        };
        self.code
            .iter()
            .enumerate()
            .map(|(i, &(code, jt, jf, k))| Insn {
                code,
                jt: at(i, jt),
                jf: at(i, jf),
                k,
            })
            .collect()
    }
}

/// The filter for frames of link type `link_type` (Ethernet or raw IP)
/// keeping `snap` bytes of each, for TCP with `port` at either end (any
/// port when `None`). `None` for a link type it does not know: the socket
/// then stays unfiltered and the reader decides alone.
pub fn program(link_type: u32, port: Option<u16>, snap: u32) -> Option<Vec<Insn>> {
    program_with(link_type, port, snap, false)
}

/// [`program`], keeping UDP datagrams too when `udp` (the same port test:
/// UDP's ports are where TCP's are).
pub fn program_with(link_type: u32, port: Option<u16>, snap: u32, udp: bool) -> Option<Vec<Insn>> {
    use crate::wire::decode::{LINKTYPE_ETHERNET, LINKTYPE_RAW};
    let mut a = Asm::default();
    // On loopback every frame passes the taps twice; the outgoing copy is
    // the same frame again.
    a.op(LD_W_ABS, AD_PKTTYPE);
    a.jump(JEQ_K, PACKET_OUTGOING, To::L("drop"), To::Next);
    let base: u32 = match link_type {
        LINKTYPE_ETHERNET => {
            a.op(LD_H_ABS, 12);
            a.jump(JEQ_K, ETH_IPV4, To::L("v4"), To::Next);
            a.jump(JEQ_K, ETH_IPV6, To::L("v6"), To::L("drop"));
            14
        }
        LINKTYPE_RAW => {
            a.op(LD_B_ABS, 0);
            a.op(ALU_AND_K, 0xf0);
            a.jump(JEQ_K, 0x40, To::L("v4"), To::Next);
            a.jump(JEQ_K, 0x60, To::L("v6"), To::L("drop"));
            0
        }
        _ => return None,
    };
    a.label("v4");
    a.op(LD_B_ABS, base + 9);
    if udp {
        a.jump(JEQ_K, IPPROTO_TCP, To::L("v4p"), To::Next);
        a.jump(JEQ_K, IPPROTO_UDP, To::Next, To::L("drop"));
    } else {
        a.jump(JEQ_K, IPPROTO_TCP, To::Next, To::L("drop"));
    }
    a.label("v4p");
    if let Some(p) = port {
        let p = u32::from(p);
        // A later fragment carries no TCP header.
        a.op(LD_H_ABS, base + 6);
        a.jump(JSET_K, 0x1fff, To::L("accept"), To::Next);
        // X = the IPv4 header's length.
        a.op(LDX_B_MSH, base);
        a.op(LD_H_IND, base);
        a.jump(JEQ_K, p, To::L("accept"), To::Next);
        a.op(LD_H_IND, base + 2);
        a.jump(JEQ_K, p, To::L("accept"), To::L("drop"));
    } else {
        // The protocol is still in A, and is one kept.
        a.jump(JEQ_K, 0, To::L("accept"), To::L("accept"));
    }
    a.label("v6");
    a.op(LD_B_ABS, base + 6);
    if udp {
        a.jump(JEQ_K, IPPROTO_TCP, To::L("v6p"), To::Next);
        a.jump(JEQ_K, IPPROTO_UDP, To::Next, To::L("frag6"));
    } else {
        a.jump(JEQ_K, IPPROTO_TCP, To::Next, To::L("frag6"));
    }
    a.label("v6p");
    if let Some(p) = port {
        let p = u32::from(p);
        a.op(LD_H_ABS, base + 40);
        a.jump(JEQ_K, p, To::L("accept"), To::Next);
        a.op(LD_H_ABS, base + 42);
        a.jump(JEQ_K, p, To::L("accept"), To::L("drop"));
    } else {
        a.jump(JEQ_K, 0, To::L("accept"), To::L("accept"));
    }
    a.label("frag6");
    a.jump(JEQ_K, IPV6_FRAGMENT, To::L("accept"), To::L("drop"));
    a.label("accept");
    a.op(RET_K, snap);
    a.label("drop");
    a.op(RET_K, 0);
    Some(a.finish())
}

/// Attach `prog` to the socket `fd` (`SO_ATTACH_FILTER`).
pub fn attach(fd: i32, prog: &[Insn]) -> io::Result<()> {
    #[repr(C)]
    struct Fprog {
        len: u16,
        filter: *const Insn,
    }
    let len = u16::try_from(prog.len())
        .map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "BPF program too long"))?;
    let fprog = Fprog {
        len,
        filter: prog.as_ptr(),
    };
    // SAFETY: `fprog` points to `prog`, alive for the call; the kernel
    // copies the program.
    let r = unsafe {
        libc::setsockopt(
            fd,
            libc::SOL_SOCKET,
            libc::SO_ATTACH_FILTER,
            &fprog as *const Fprog as *const libc::c_void,
            std::mem::size_of::<Fprog>() as libc::socklen_t,
        )
    };
    if r < 0 {
        Err(io::Error::last_os_error())
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::timeline::segment::{Flags, Segment};
    use crate::timeline::seq::SeqNum;
    use crate::wire::decode::{LINKTYPE_ETHERNET, LINKTYPE_RAW};
    use std::net::SocketAddr;
    use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};

    fn tcp_frame(src: &str, dst: &str) -> Vec<u8> {
        let src: SocketAddr = src.parse().unwrap();
        let dst: SocketAddr = dst.parse().unwrap();
        let mut seg = Segment::new(SeqNum(1000), SeqNum(0), Flags::SYN);
        seg.win = 65535;
        crate::wire::build::frame(&seg, src, dst, 1).data
    }

    /// The kernel's own verdict: frames sent through a datagram socket
    /// pair whose receiving end has the filter (a unix socket runs it on
    /// the datagram's bytes from offset 0, as a packet socket runs it on
    /// the frame). Returns which of `frames` arrived.
    fn kernel_verdicts(prog: &[Insn], frames: &[Vec<u8>]) -> Vec<bool> {
        let mut fds = [0i32; 2];
        // SAFETY: `fds` has room for the two descriptors.
        let r = unsafe {
            libc::socketpair(
                libc::AF_UNIX,
                libc::SOCK_DGRAM | libc::SOCK_CLOEXEC | libc::SOCK_NONBLOCK,
                0,
                fds.as_mut_ptr(),
            )
        };
        assert_eq!(r, 0, "socketpair: {}", io::Error::last_os_error());
        // SAFETY: fresh descriptors owned from here on.
        let (tx, rx) = unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) };
        attach(rx.as_raw_fd(), prog).expect("the kernel accepts the program");
        let mut out = Vec::new();
        for (i, f) in frames.iter().enumerate() {
            // Each frame tagged at the end with its index, so a dropped
            // one cannot be confused with the next; the filter never
            // reads that far.
            let mut d = f.clone();
            d.push(i as u8);
            // SAFETY: sending a valid buffer.
            let n = unsafe { libc::send(tx.as_raw_fd(), d.as_ptr().cast(), d.len(), 0) };
            assert_eq!(n, d.len() as isize);
            let mut buf = vec![0u8; 70_000];
            // SAFETY: receiving into a valid buffer.
            let n = unsafe { libc::recv(rx.as_raw_fd(), buf.as_mut_ptr().cast(), buf.len(), 0) };
            out.push(n > 0 && buf[n as usize - 1] == i as u8);
        }
        out
    }

    /// The frames of the tests and whether a filter on port 8080 keeps them.
    fn cases() -> Vec<(&'static str, Vec<u8>, bool)> {
        let v4 = tcp_frame("127.0.0.1:40000", "127.0.0.1:8080");
        let v4_back = tcp_frame("127.0.0.1:8080", "127.0.0.1:40000");
        let v4_other = tcp_frame("127.0.0.1:40000", "127.0.0.1:8081");
        let v6 = tcp_frame("[::1]:40000", "[::1]:8080");
        let v6_back = tcp_frame("[::1]:8080", "[::1]:40000");
        let v6_other = tcp_frame("[::1]:40000", "[::1]:9090");
        let mut udp4 = v4.clone();
        udp4[14 + 9] = 17;
        let mut udp6 = v6.clone();
        udp6[14 + 6] = 17;
        let mut frag6 = v6_other.clone();
        frag6[14 + 6] = 44;
        // A later fragment of a segment to another port: no ports in it.
        let mut later_frag = v4_other.clone();
        later_frag[14 + 6] = 0x00;
        later_frag[14 + 7] = 0xb9;
        let mut arp = v4.clone();
        arp[12] = 0x08;
        arp[13] = 0x06;
        // IPv4 with options (IHL 6): the ports move 4 bytes on.
        let mut opts = v4[..34].to_vec();
        opts[14] = 0x46;
        opts.extend_from_slice(&[1, 1, 1, 1]);
        opts.extend_from_slice(&v4[34..]);
        vec![
            ("ipv4 to the port", v4, true),
            ("ipv4 from the port", v4_back, true),
            ("ipv4 other port", v4_other, false),
            ("ipv6 to the port", v6, true),
            ("ipv6 from the port", v6_back, true),
            ("ipv6 other port", v6_other, false),
            ("udp over ipv4, same port numbers", udp4, false),
            ("udp over ipv6, same port numbers", udp6, false),
            ("ipv6 fragment", frag6, true),
            ("later ipv4 fragment", later_frag, true),
            ("arp", arp, false),
            ("ipv4 header with options", opts, true),
            ("a runt frame", vec![0u8; 10], false),
        ]
    }

    #[test]
    fn the_port_filter_keeps_tcp_of_that_port_both_ways_and_nothing_else() {
        let prog = program(LINKTYPE_ETHERNET, Some(8080), 262_144).unwrap();
        let cases = cases();
        let frames: Vec<Vec<u8>> = cases.iter().map(|c| c.1.clone()).collect();
        let got = kernel_verdicts(&prog, &frames);
        for ((name, _, want), got) in cases.iter().zip(got) {
            assert_eq!(got, *want, "{name}");
        }
    }

    #[test]
    fn without_a_port_every_tcp_segment_is_kept_and_nothing_else() {
        let prog = program(LINKTYPE_ETHERNET, None, 262_144).unwrap();
        let cases = cases();
        let frames: Vec<Vec<u8>> = cases.iter().map(|c| c.1.clone()).collect();
        let got = kernel_verdicts(&prog, &frames);
        for ((name, _, _), got) in cases.iter().zip(got) {
            let want = !(name.starts_with("udp") || *name == "arp" || *name == "a runt frame");
            assert_eq!(got, want, "{name}");
        }
    }

    #[test]
    fn with_udp_the_filter_keeps_udp_of_that_port_too() {
        let cases = cases();
        let frames: Vec<Vec<u8>> = cases.iter().map(|c| c.1.clone()).collect();
        let without = kernel_verdicts(
            &program(LINKTYPE_ETHERNET, Some(8080), 262_144).unwrap(),
            &frames,
        );
        let prog = program_with(LINKTYPE_ETHERNET, Some(8080), 262_144, true).unwrap();
        let with = kernel_verdicts(&prog, &frames);
        let any = kernel_verdicts(
            &program_with(LINKTYPE_ETHERNET, None, 262_144, true).unwrap(),
            &frames,
        );
        let mut udp_kept = 0;
        for (((name, _, want), w), a) in cases.iter().zip(&with).zip(&any) {
            if name.starts_with("udp") {
                udp_kept += usize::from(*w);
                assert!(*a, "{name}: any UDP without a port");
            } else {
                assert_eq!(*w, *want, "{name}: TCP and the rest as before");
                let tcp_or_frag = *name != "arp" && *name != "a runt frame";
                assert_eq!(*a, tcp_or_frag, "{name}");
            }
        }
        assert!(udp_kept > 0, "some UDP case is on port 8080: {cases:?}");
        // And the TCP-only filter drops every UDP case.
        for ((name, _, _), w) in cases.iter().zip(&without) {
            if name.starts_with("udp") {
                assert!(!w, "{name}");
            }
        }
    }

    #[test]
    fn raw_ip_links_are_filtered_from_offset_zero() {
        let prog = program(LINKTYPE_RAW, Some(8080), 262_144).unwrap();
        let frames: Vec<Vec<u8>> = [
            tcp_frame("127.0.0.1:40000", "127.0.0.1:8080"),
            tcp_frame("127.0.0.1:40000", "127.0.0.1:8081"),
            tcp_frame("[::1]:8080", "[::1]:40000"),
            tcp_frame("[::1]:1", "[::1]:2"),
        ]
        .iter()
        .map(|f| f[14..].to_vec())
        .collect();
        assert_eq!(kernel_verdicts(&prog, &frames), [true, false, true, false]);
    }

    #[test]
    fn the_outgoing_copy_is_dropped_in_the_kernel() {
        let prog = program(LINKTYPE_ETHERNET, None, 100).unwrap();
        assert_eq!(
            prog[0],
            Insn {
                code: LD_W_ABS,
                jt: 0,
                jf: 0,
                k: AD_PKTTYPE
            }
        );
        let drop = prog.len() - 1 - 2;
        assert_eq!(prog[1].code, JEQ_K);
        assert_eq!(prog[1].k, 4);
        assert_eq!(prog[1].jt as usize, drop, "outgoing jumps to `ret #0`");
        assert_eq!(
            prog[prog.len() - 1],
            Insn {
                code: RET_K,
                jt: 0,
                jf: 0,
                k: 0
            }
        );
        assert_eq!(prog[prog.len() - 2].k, 100, "accept keeps the snap length");
    }

    #[test]
    fn an_unknown_link_type_gets_no_filter() {
        assert!(program(113, Some(1), 100).is_none());
    }
}
