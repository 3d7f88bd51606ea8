//! The kernel's own view of the lab's sockets, read from `/proc/net/tcp`
//! and `/proc/net/tcp6`.
//!
//! Each line there is one socket: listening sockets, established (and
//! closing) ones, request sockets in SYN_RECV (a connection the listener
//! has answered but whose third segment has not come yet) and TIME_WAIT
//! sockets. The `st` column is the kernel's `TCP_*` number; the `tr:when`
//! column gives, for a TIME_WAIT socket (`tr` 3), the time left in clock
//! ticks (USER_HZ, 100 per second).

use crate::tcp::state::State;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

/// One socket as `/proc/net/tcp{,6}` shows it.
#[derive(Clone, Debug, PartialEq)]
pub struct KernelSocket {
    pub local: SocketAddr,
    pub remote: SocketAddr,
    /// The kernel's `TCP_*` state number (1 ESTABLISHED ... 12 NEW_SYN_RECV).
    pub st: u8,
    /// Which timer runs (`tr`): 0 none, 1 retransmit, 2 keepalive, 3 TIME_WAIT, 4 zero-window probe.
    pub timer: u8,
    /// Time left on that timer, in seconds.
    pub timer_left: f64,
    /// `rx_queue`: for a listener, the connections in its accept queue
    /// (`sk_ack_backlog`); for a connection, the bytes not yet read.
    pub rx_queue: u32,
}

impl KernelSocket {
    /// synack's name for the kernel's state; `None` for a number it does not know.
    pub fn state(&self) -> Option<State> {
        kernel_state(self.st)
    }
}

/// Map the kernel's `TCP_*` number to RFC 9293's state.
/// `TCP_CLOSE` (7) is a socket that exists but is closed: CLOSED.
/// `TCP_NEW_SYN_RECV` (12) is how a request socket is stored; it shows as 3.
pub fn kernel_state(st: u8) -> Option<State> {
    Some(match st {
        1 => State::Established,
        2 => State::SynSent,
        3 | 12 => State::SynReceived,
        4 => State::FinWait1,
        5 => State::FinWait2,
        6 => State::TimeWait,
        7 => State::Closed,
        8 => State::CloseWait,
        9 => State::LastAck,
        10 => State::Listen,
        11 => State::Closing,
        _ => return None,
    })
}

/// Parse a `/proc/net/tcp` address: `0100007F:1F90` (IPv4) or 32 hex digits
/// and a port (IPv6). The address is printed as 32-bit words in host byte
/// order, the port in ordinary hex.
pub fn parse_addr(s: &str) -> Option<SocketAddr> {
    let (a, p) = s.split_once(':')?;
    let port = u16::from_str_radix(p, 16).ok()?;
    let word = |i: usize| -> Option<[u8; 4]> {
        let w = u32::from_str_radix(a.get(i * 8..i * 8 + 8)?, 16).ok()?;
        Some(w.to_ne_bytes())
    };
    let ip = match a.len() {
        8 => IpAddr::V4(Ipv4Addr::from(word(0)?)),
        32 => {
            let mut b = [0u8; 16];
            for i in 0..4 {
                b[i * 4..i * 4 + 4].copy_from_slice(&word(i)?);
            }
            IpAddr::V6(Ipv6Addr::from(b))
        }
        _ => return None,
    };
    Some(SocketAddr::new(ip, port))
}

/// Parse the text of `/proc/net/tcp` or `/proc/net/tcp6`; bad lines are skipped.
pub fn parse_table(text: &str) -> Vec<KernelSocket> {
    text.lines()
        .skip(1)
        .filter_map(|line| {
            let mut f = line.split_whitespace();
            let _sl = f.next()?;
            let local = parse_addr(f.next()?)?;
            let remote = parse_addr(f.next()?)?;
            let st = u8::from_str_radix(f.next()?, 16).ok()?;
            let (_tx, rx) = f.next()?.split_once(':')?;
            let rx_queue = u32::from_str_radix(rx, 16).ok()?;
            let (tr, when) = f.next()?.split_once(':')?;
            let timer = u8::from_str_radix(tr, 16).ok()?;
            let ticks = u64::from_str_radix(when, 16).unwrap_or(0);
            Some(KernelSocket {
                local,
                remote,
                st,
                timer,
                timer_left: ticks as f64 / 100.0,
                rx_queue,
            })
        })
        .collect()
}

/// Every TCP socket of one address family.
pub fn read_sockets(ipv6: bool) -> std::io::Result<Vec<KernelSocket>> {
    let path = if ipv6 {
        "/proc/net/tcp6"
    } else {
        "/proc/net/tcp"
    };
    Ok(parse_table(&std::fs::read_to_string(path)?))
}

/// The kernel's view of one connection's two ends.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct KernelView {
    pub client: Option<State>,
    pub server: Option<State>,
    /// Seconds of TIME_WAIT left, per side, when that side is in it.
    pub client_time_wait: Option<f64>,
    pub server_time_wait: Option<f64>,
}

impl KernelView {
    /// The state of one end.
    pub fn get(&self, side: crate::timeline::Side) -> Option<State> {
        match side {
            crate::timeline::Side::Client => self.client,
            crate::timeline::Side::Server => self.server,
        }
    }
}

/// Find `client` ↔ `server` in `sockets`. An end with no socket for the
/// 4-tuple is CLOSED, except the server before its end of this connection
/// has existed (`existed` false), which is LISTEN while `server` has a
/// listener.
pub fn view(
    sockets: &[KernelSocket],
    client: SocketAddr,
    server: SocketAddr,
    existed: bool,
) -> KernelView {
    let find = |local: SocketAddr, remote: SocketAddr| {
        sockets
            .iter()
            .find(|s| s.local == local && s.remote == remote)
    };
    let mut v = KernelView::default();
    let c = find(client, server);
    v.client = Some(c.and_then(KernelSocket::state).unwrap_or(State::Closed));
    v.client_time_wait = c.filter(|s| s.st == 6).map(|s| s.timer_left);
    let s = find(server, client);
    v.server = Some(match s.and_then(KernelSocket::state) {
        Some(st) => st,
        None if !existed
            && sockets
                .iter()
                .any(|k| k.st == 10 && k.local.port() == server.port()) =>
        {
            State::Listen
        }
        None => State::Closed,
    });
    v.server_time_wait = s.filter(|s| s.st == 6).map(|s| s.timer_left);
    v
}

/// A listener's two queues, as the kernel reports them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ListenQueues {
    /// Finished connections waiting for accept() (the listener's
    /// `rx_queue`). Linux calls the queue full when it holds more than the
    /// backlog, so `listen(fd, 1)` lets two wait.
    pub accept: u32,
    /// Handshakes in progress: request sockets in SYN_RECV for the port.
    pub syn: u32,
    /// TcpExt ListenOverflows of this network namespace (SYNs and third
    /// ACKs dropped because an accept queue was full), when readable.
    pub overflows: Option<u64>,
}

/// The queues of the listener on `server`.
pub fn listen_queues(sockets: &[KernelSocket], server: SocketAddr) -> ListenQueues {
    ListenQueues {
        accept: sockets
            .iter()
            .find(|s| s.st == 10 && s.local == server)
            .map_or(0, |s| s.rx_queue),
        syn: sockets
            .iter()
            .filter(|s| matches!(s.st, 3 | 12) && s.local == server)
            .count() as u32,
        overflows: listen_overflows(),
    }
}

/// TcpExt ListenOverflows from `/proc/net/netstat`.
pub fn listen_overflows() -> Option<u64> {
    parse_netstat(
        &std::fs::read_to_string("/proc/net/netstat").ok()?,
        "ListenOverflows",
    )
}

/// One TcpExt counter of `/proc/net/netstat`: a line of names followed by
/// a line of values.
pub fn parse_netstat(text: &str, name: &str) -> Option<u64> {
    let mut lines = text.lines();
    while let Some(names) = lines.next() {
        let values = lines.next()?;
        if !names.starts_with("TcpExt:") {
            continue;
        }
        let i = names.split_whitespace().position(|n| n == name)?;
        return values.split_whitespace().nth(i)?.parse().ok();
    }
    None
}

/// This machine's TCP settings that the explanations depend on, from
/// `/proc/sys/net/ipv4`; a setting the kernel lacks stays `None`.
pub fn sysctls() -> crate::explain::kernel::KernelSettings {
    let read = |name: &str| -> Option<u32> {
        std::fs::read_to_string(format!("/proc/sys/net/ipv4/{name}"))
            .ok()?
            .trim()
            .parse()
            .ok()
    };
    crate::explain::kernel::KernelSettings {
        tcp_syn_retries: read("tcp_syn_retries"),
        tcp_syn_linear_timeouts: read("tcp_syn_linear_timeouts"),
        tcp_rfc1337: read("tcp_rfc1337"),
        tcp_tw_reuse: read("tcp_tw_reuse"),
        tcp_syncookies: read("tcp_syncookies"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TABLE: &str = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 12345 1 0000000000000000 100 0 0 10 0
   1: 0100007F:9C40 0100007F:1F90 06 00000000:00000000 03:00001770 00000000     0        0 0 3 0000000000000000
   2: 0100007F:1F90 0100007F:9C41 03 00000000:00000000 01:00000064 00000000     0        0 0 1 0000000000000000
";

    #[test]
    fn counts_the_listeners_queues() {
        let t = parse_table(
            "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt
   0: 0100007F:1F90 00000000:0000 0A 00000000:00000002 00:00000000 00000000     0
   1: 0100007F:1F90 0100007F:9C41 03 00000000:00000000 01:00000064 00000000     0
   2: 0100007F:9C40 0100007F:1F90 01 00000000:00000005 00:00000000 00000000     0
",
        );
        let q = listen_queues(&t, "127.0.0.1:8080".parse().unwrap());
        assert_eq!((q.accept, q.syn), (2, 1));
        assert_eq!(t[2].rx_queue, 5);
        let q = listen_queues(&t, "127.0.0.1:8081".parse().unwrap());
        assert_eq!((q.accept, q.syn), (0, 0));
    }

    #[test]
    fn reads_a_tcpext_counter() {
        let text = "TcpExt: SyncookiesSent ListenOverflows ListenDrops\nTcpExt: 0 7 9\n\
                    IpExt: InNoRoutes\nIpExt: 0\n";
        assert_eq!(parse_netstat(text, "ListenOverflows"), Some(7));
        assert_eq!(parse_netstat(text, "ListenDrops"), Some(9));
        assert_eq!(parse_netstat(text, "Nope"), None);
        assert_eq!(parse_netstat("", "ListenOverflows"), None);
    }

    #[test]
    fn parses_addresses_states_and_time_wait_left() {
        let t = parse_table(TABLE);
        assert_eq!(t.len(), 3);
        assert_eq!(t[0].local, "127.0.0.1:8080".parse().unwrap());
        assert_eq!(t[0].state(), Some(State::Listen));
        assert_eq!(t[1].state(), Some(State::TimeWait));
        assert_eq!(t[1].timer_left, 60.0);
        assert_eq!(t[2].state(), Some(State::SynReceived));
    }

    #[test]
    fn parses_ipv6_loopback() {
        let a = parse_addr("00000000000000000000000001000000:1F90").unwrap();
        assert_eq!(a, "[::1]:8080".parse().unwrap());
    }

    #[test]
    fn maps_every_kernel_number() {
        let names: Vec<&str> = (1..=12)
            .map(|n| kernel_state(n).map_or("?", State::name))
            .collect();
        assert_eq!(
            names,
            [
                "ESTABLISHED",
                "SYN_SENT",
                "SYN_RECEIVED",
                "FIN_WAIT_1",
                "FIN_WAIT_2",
                "TIME_WAIT",
                "CLOSED",
                "CLOSE_WAIT",
                "LAST_ACK",
                "LISTEN",
                "CLOSING",
                "SYN_RECEIVED"
            ]
        );
    }

    #[test]
    fn the_server_is_listen_before_the_connection_and_closed_after() {
        let t = parse_table(TABLE);
        let c: SocketAddr = "127.0.0.1:5000".parse().unwrap();
        let s: SocketAddr = "127.0.0.1:8080".parse().unwrap();
        assert_eq!(view(&t, c, s, false).server, Some(State::Listen));
        assert_eq!(view(&t, c, s, true).server, Some(State::Closed));
        let c2: SocketAddr = "127.0.0.1:40000".parse().unwrap();
        let v = view(&t, c2, s, true);
        assert_eq!(v.client, Some(State::TimeWait));
        assert_eq!(v.client_time_wait, Some(60.0));
    }
}
