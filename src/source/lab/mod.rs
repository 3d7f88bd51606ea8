//! The live lab: synack plays both ends of a real TCP connection on
//! loopback, one socket call per step, while the sniffer watches.
//!
//! Each call becomes a `call` step; the segments the sniffer saw while the
//! call ran (and until the wire went quiet) follow it, attributed to the
//! call when it is the sender's own call (SYN ← `connect()`, data ←
//! `write()`, FIN ← `close()`/`shutdown()`, RST ← `close()`) and to the
//! kernel otherwise (SYN/ACK, ACKs). After each call's segments, the
//! kernel's own states are read from `/proc/net/tcp{,6}`; that reading is
//! attached to the last step of the call's group, the only point of the
//! ladder it describes: on loopback the kernel runs a whole handshake
//! inside `connect()`, faster than any reading could be taken in between.

pub mod message;
pub mod script;

use super::kernel::proc::{self as kernel, KernelView};
use super::kernel::sniffer::{Frame, Sniffer, now_nanos};
use super::kernel::tracefs::{self, Tracer};
use crate::i18n::{msg, text};
use crate::pcap::PcapWriter;
use crate::source::Source;
use crate::tcp::state::{Event, State};
use crate::tcp::tracker::{ObservedDatagram, Tracker};
use crate::timeline::{
    Call, CallResult, FrameBytes, Side, States, Step, StepKind, Timeline, state_name,
};
use crate::wire::decode::{DecodeOutcome, Decoder};
use anyhow::{Context, Result};
use script::{Action, Msg, Proto, Script};
use socket2::{Domain, Protocol, Socket, Type};
use std::collections::HashMap;
use std::io::{self, Read};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::os::fd::AsRawFd;
use std::sync::mpsc::RecvTimeoutError;
use std::time::{Duration, Instant};

/// The wire counts as quiet after this long without a frame of the lab.
/// Longer than Linux's shortest delayed ACK (40 ms), so an ACK the kernel
/// holds back still lands in the step that caused it.
pub const QUIET: Duration = Duration::from_millis(100);
/// Never wait longer than this after a call.
pub const SETTLE_MAX: Duration = Duration::from_secs(1);
/// How long a blocking call may take before the lab gives up on it.
const CALL_TIMEOUT: Duration = Duration::from_millis(500);
/// The most one `read()` takes in: the largest `--bytes` write, so a read
/// after any write of the lab empties the socket.
const READ_MAX: usize = 64 << 20;
/// What the lab keeps of a read for the next call to use (a request's
/// path, a WebSocket key): application messages here are short.
const READ_KEPT: usize = 64 << 10;

/// One call and the segments it caused.
struct Group {
    action: Action,
    /// The client whose connection the call is about (for accept(): the
    /// one it returned).
    who: usize,
    call: Step,
    segs: Vec<Step>,
    kernel: Option<States>,
    /// CLOCK_REALTIME nanoseconds when the call began.
    call_ns: i128,
    /// `/proc/net/tcp` after the call's segments (TIME_WAIT sockets).
    proc_view: Option<KernelView>,
    /// The listener's queues after the call (scripts that show them).
    queues: Option<kernel::ListenQueues>,
}

/// The lab's sockets, bound before privileges are dropped so the
/// tracefs filter can name their ports.
pub struct Ends {
    listener: Socket,
    clients: Vec<Socket>,
    pub server_addr: SocketAddr,
    /// The first client's address (the only one in most scripts).
    pub client_addr: SocketAddr,
    client_addrs: Vec<SocketAddr>,
}

/// Bind the server's socket and the script's client sockets on loopback
/// (not yet listening or connected): TCP or UDP as the script says.
pub fn bind_ends(ipv6: bool, script: &Script) -> Result<Ends> {
    let ip: IpAddr = if ipv6 {
        Ipv6Addr::LOCALHOST.into()
    } else {
        Ipv4Addr::LOCALHOST.into()
    };
    let domain = if ipv6 { Domain::IPV6 } else { Domain::IPV4 };
    let make = || -> io::Result<(Socket, SocketAddr)> {
        let s = match script.proto {
            Proto::Tcp => Socket::new(domain, Type::STREAM, Some(Protocol::TCP))?,
            Proto::Udp => Socket::new(domain, Type::DGRAM, Some(Protocol::UDP))?,
        };
        if ipv6 {
            s.set_only_v6(true)?;
        }
        s.bind(&SocketAddr::new(ip, 0).into())?;
        s.set_read_timeout(Some(CALL_TIMEOUT))?;
        s.set_write_timeout(Some(CALL_TIMEOUT))?;
        let addr = s
            .local_addr()?
            .as_socket()
            .ok_or_else(|| io::Error::other("no address"))?;
        Ok((s, addr))
    };
    let what = if ipv6 { "::1" } else { "127.0.0.1" };
    let (listener, server_addr) =
        make().with_context(|| format!("cannot bind the lab's server socket on {what}"))?;
    let mut clients = Vec::new();
    let mut client_addrs = Vec::new();
    for _ in 0..script.clients.max(1) {
        let (client, addr) =
            make().with_context(|| format!("cannot bind the lab's client socket on {what}"))?;
        clients.push(client);
        client_addrs.push(addr);
    }
    Ok(Ends {
        listener,
        clients,
        server_addr,
        client_addr: client_addrs[0],
        client_addrs,
    })
}

/// One traced state change: side, socket, client, old and new `TCP_*`, time.
type Change = (Side, &'static str, usize, u8, u8, i128);

/// A difference between the kernel's states and synack's inference.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mismatch {
    /// 1-based step number in the timeline.
    pub step: usize,
    /// What differs and why, after "after step N".
    pub what: String,
}

impl Mismatch {
    /// The note, with the step called `number` (a view may number its rows
    /// otherwise than the timeline: the plain ladder, connection by
    /// connection).
    pub fn line(&self, number: usize) -> String {
        format!("after step {number}{}", self.what)
    }
}

pub struct Lab {
    /// The language of titles, hints and notes: the user's choice, passed in.
    lang: crate::explain::Lang,
    script: &'static Script,
    next: usize,
    ipv6: bool,
    payload: Vec<u8>,
    /// The first client's address.
    pub client_addr: SocketAddr,
    pub server_addr: SocketAddr,
    /// Every client's address, by client number.
    client_addrs: Vec<SocketAddr>,
    /// Each client's socket (None once closed).
    clients: Vec<Option<Socket>>,
    /// The server's listening socket (the bound socket with UDP).
    listener: Option<Socket>,
    /// The server's connection with each client, once accepted.
    conns: Vec<Option<Socket>>,
    linger_zero: bool,
    /// Per client: /proc has shown the server's end of its connection at
    /// least once. Until then a missing server end is the listener's
    /// (LISTEN: a SYN a full accept queue dropped makes no socket); after,
    /// it is a connection that has gone (CLOSED).
    server_seen: Vec<bool>,
    /// The start of what each side's last read() returned (client, server).
    read_back: [Vec<u8>; 2],
    /// The client the server read from last (whose line it relays).
    read_from: usize,
    /// Where the UDP server's answer goes: who its recvfrom() returned.
    udp_peer: Option<SocketAddr>,
    /// Which client each frame of the lab belongs to.
    frame_client: HashMap<u64, usize>,
    /// Which client each step of the timeline belongs to.
    step_client: Vec<usize>,
    /// ListenOverflows from /proc/net/netstat when the lab began.
    overflows_at_start: Option<u64>,
    /// The client's `Sec-WebSocket-Key` (base64 of 16 random bytes).
    ws_key: String,
    /// What went wrong at the application layer (a wrong accept value).
    note: Option<String>,
    sniffer: Sniffer,
    iface: String,
    decoder: Decoder,
    tracker: Tracker,
    frames: u64,
    writer: Option<PcapWriter>,
    write_error: Option<String>,
    t0: i128,
    groups: Vec<Group>,
    frame_group: HashMap<u64, usize>,
    timeline: Timeline,
    kernel_now: Option<KernelView>,
    /// Whose connection `kernel_now` is.
    kernel_who: usize,
    kernel_read_at: Option<Instant>,
    mismatches: Vec<Mismatch>,
    tracer: Option<Tracer>,
    /// Why tracefs is not used, when it is not.
    trace_unavailable: Option<String>,
    events: Vec<tracefs::Event>,
    frame_ns: HashMap<u64, i128>,
}

fn errno_name(e: &io::Error) -> &'static str {
    match e.raw_os_error() {
        Some(libc::ECONNREFUSED) => "ECONNREFUSED",
        Some(libc::ECONNRESET) => "ECONNRESET",
        Some(libc::EPIPE) => "EPIPE",
        Some(libc::ENOTCONN) => "ENOTCONN",
        Some(libc::ETIMEDOUT) => "ETIMEDOUT",
        Some(libc::EAGAIN) => "EAGAIN",
        Some(libc::EINPROGRESS) => "EINPROGRESS",
        Some(libc::EBADF) => "EBADF",
        Some(libc::EINVAL) => "EINVAL",
        Some(libc::EINTR) => "EINTR",
        _ => match e.kind() {
            io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock => "EAGAIN",
            _ => "EIO",
        },
    }
}

/// The state a call itself moves its caller to (before any segment).
fn after_call(state: Option<State>, call: Call, result: &CallResult) -> Option<State> {
    let s = state?;
    let next = match (call, result) {
        (Call::Listen, CallResult::Done) => Some(State::Listen),
        (Call::Connect, _) if s == State::Closed => Some(State::SynSent),
        (Call::Close, CallResult::Abort { .. }) => Some(State::Closed),
        (Call::Close | Call::Shutdown, _) => s.next(Event::Close).ok(),
        _ => None,
    };
    Some(next.unwrap_or(s))
}

fn bytes_waiting(sock: &Socket) -> u32 {
    let mut n: libc::c_int = 0;
    // SAFETY: FIONREAD writes one int.
    let r = unsafe { libc::ioctl(sock.as_raw_fd(), libc::FIONREAD, &mut n) };
    if r < 0 { 0 } else { n.max(0) as u32 }
}

/// A call step placed on the connection it belongs to, with its states.
/// Calls are recorded before their segments are seen; their states are
/// worked out here, when the timeline is rebuilt, because the tracker
/// holds a SYN's step (and every step after it) until the SYN is answered,
/// so what was known when the call was made may be behind. `first`: the
/// call's first segment on its client's connection; `prev`: that client's
/// step before the call. A connect() that opens a new stream (a second
/// connect() on the same ports) starts from the new connection's states.
fn place_call(g: &Group, first: Option<&Step>, prev: Option<&Step>) -> Step {
    let mut call = g.call.clone();
    let side = call.side;
    let new_stream = first.filter(|f| prev.is_none_or(|p| p.stream != f.stream));
    let base = match (new_stream, prev) {
        (Some(f), _) => f.before,
        (None, Some(p)) => p.after,
        (None, None) => call.before,
    };
    call.stream = new_stream.or(prev).map_or(call.stream, |s| s.stream);
    call.before = base;
    call.after = base;
    let result = call.call_result.clone().unwrap_or(CallResult::Done);
    if let Some(c) = call.call {
        call.after.set(side, after_call(base.get(side), c, &result));
    }
    call
}

/// A new client socket bound to the address the old one had.
fn rebind(addr: SocketAddr) -> io::Result<Socket> {
    let domain = if addr.is_ipv6() {
        Domain::IPV6
    } else {
        Domain::IPV4
    };
    let s = Socket::new(domain, Type::STREAM, Some(Protocol::TCP))?;
    if addr.is_ipv6() {
        s.set_only_v6(true)?;
    }
    s.set_reuse_address(true)?;
    s.bind(&addr.into())?;
    s.set_read_timeout(Some(CALL_TIMEOUT))?;
    Ok(s)
}

/// One read() as a program would make it: block for the first bytes,
/// then take in whatever else is already there (a large write arrives as
/// several segments), up to [`READ_MAX`]. Returns the result and the
/// first [`READ_KEPT`] bytes read.
fn read_call(sock: Option<&Socket>) -> (CallResult, Vec<u8>) {
    let Some(sock) = sock else {
        return (CallResult::Error("EBADF"), Vec::new());
    };
    let mut buf = vec![0u8; 65_536];
    let mut kept = Vec::new();
    let mut total = match (&*sock).read(&mut buf) {
        Ok(0) => return (CallResult::Eof, kept),
        Ok(n) => n,
        Err(e) => return (CallResult::Error(errno_name(&e)), kept),
    };
    kept.extend_from_slice(&buf[..total.min(READ_KEPT)]);
    if sock.set_nonblocking(true).is_ok() {
        while total < READ_MAX {
            let room = (READ_MAX - total).min(buf.len());
            match (&*sock).read(&mut buf[..room]) {
                Ok(n) if n > 0 => {
                    let keep = n.min(READ_KEPT.saturating_sub(kept.len()));
                    kept.extend_from_slice(&buf[..keep]);
                    total += n;
                }
                _ => break,
            }
        }
        let _ = sock.set_nonblocking(false);
    }
    (CallResult::Bytes(total), kept)
}

/// One recvfrom() on a UDP socket: one whole datagram and its sender.
fn recv_from_call(sock: Option<&Socket>) -> (CallResult, Vec<u8>, Option<SocketAddr>) {
    let Some(sock) = sock else {
        return (CallResult::Error("EBADF"), Vec::new(), None);
    };
    let mut buf = [std::mem::MaybeUninit::<u8>::uninit(); 65_536];
    match sock.recv_from(&mut buf) {
        Ok((n, from)) => {
            // SAFETY: recv_from initialised the first n bytes.
            let data = buf[..n]
                .iter()
                .map(|b| unsafe { b.assume_init() })
                .collect();
            (CallResult::Bytes(n), data, from.as_socket())
        }
        Err(e) => (CallResult::Error(errno_name(&e)), Vec::new(), None),
    }
}

/// One sendto() on a UDP socket.
fn send_to_call(sock: Option<&Socket>, data: &[u8], to: Option<SocketAddr>) -> CallResult {
    let (Some(sock), Some(to)) = (sock, to) else {
        return CallResult::Error(if sock.is_none() {
            "EBADF"
        } else {
            "EDESTADDRREQ"
        });
    };
    match sock.send_to(data, &to.into()) {
        Ok(n) => CallResult::Bytes(n),
        Err(e) => CallResult::Error(errno_name(&e)),
    }
}

/// poll() for POLLOUT: a non-blocking connect() finishing, or `limit`
/// running out (checked against a stopping signal every 100 ms).
fn poll_call(sock: Option<&Socket>, limit: Duration) -> CallResult {
    let Some(sock) = sock else {
        return CallResult::Error("EBADF");
    };
    match wait_writable(sock, limit) {
        Ok(true) => CallResult::Done,
        Ok(false) => CallResult::TimedOut,
        Err(e) => CallResult::Error(errno_name(&e)),
    }
}

/// Wait until `sock` is writable (its non-blocking connect() has
/// finished) or `limit` runs out, noticing a stopping signal within
/// 100 ms. `Ok(false)`: the time ran out; `Err`: EINTR, or the error the
/// connect() ended with.
fn wait_writable(sock: &Socket, limit: Duration) -> io::Result<bool> {
    let end = Instant::now() + limit;
    loop {
        if crate::signals::stopped() {
            return Err(io::Error::from_raw_os_error(libc::EINTR));
        }
        let now = Instant::now();
        if now >= end {
            return Ok(false);
        }
        let mut fd = libc::pollfd {
            fd: sock.as_raw_fd(),
            events: libc::POLLOUT,
            revents: 0,
        };
        let ms = (end - now).min(Duration::from_millis(100)).as_millis() as libc::c_int;
        // SAFETY: one valid pollfd.
        if unsafe { libc::poll(&mut fd, 1, ms) } > 0 {
            return match sock.take_error()? {
                Some(e) => Err(e),
                None => Ok(true),
            };
        }
    }
}

fn write_call(sock: Option<&Socket>, data: &[u8]) -> CallResult {
    let Some(sock) = sock else {
        return CallResult::Error("EBADF");
    };
    // The peer may not read yet (the script reads after the write), so a
    // write larger than both socket buffers would block for ever. Each send
    // gives up after the socket's send timeout (CALL_TIMEOUT) and the loop
    // stops at the first send that moves nothing, or on a stopping signal:
    // the step then shows a short write, as a non-blocking socket would.
    let mut sent = 0;
    while sent < data.len() && !crate::signals::stopped() {
        match sock.send_with_flags(&data[sent..], libc::MSG_NOSIGNAL) {
            Ok(0) => break,
            Ok(n) => sent += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) if sent == 0 => return CallResult::Error(errno_name(&e)),
            Err(_) => break,
        }
    }
    CallResult::Bytes(sent)
}

/// `connect()` that gives up after `limit` and, unlike socket2's
/// `connect_timeout`, notices a stopping signal within 100 ms (a SYN
/// dropped by a full backlog is retried only after a second).
fn connect_stoppable(sock: &Socket, to: SocketAddr, limit: Duration) -> io::Result<()> {
    sock.set_nonblocking(true)?;
    let result = match sock.connect(&to.into()) {
        Ok(()) => Ok(()),
        Err(e) if e.raw_os_error() == Some(libc::EINPROGRESS) => match wait_writable(sock, limit) {
            Ok(true) => Ok(()),
            Ok(false) => Err(io::Error::from_raw_os_error(libc::ETIMEDOUT)),
            Err(e) => Err(e),
        },
        Err(e) => Err(e),
    };
    sock.set_nonblocking(false)?;
    result
}

/// connect() on a non-blocking socket: EINPROGRESS at once, as Node.js
/// and every program with several connections see it. The socket is made
/// blocking again afterwards; the handshake goes on in the kernel.
fn connect_nonblocking(sock: &Socket, to: SocketAddr) -> CallResult {
    if let Err(e) = sock.set_nonblocking(true) {
        return CallResult::Error(errno_name(&e));
    }
    let result = match sock.connect(&to.into()) {
        Ok(()) => CallResult::Done,
        Err(e) => CallResult::Error(errno_name(&e)),
    };
    let _ = sock.set_nonblocking(false);
    result
}

/// What the lab opened while it held privilege: the running sniffer, the
/// `--save` file, and the tracer (or why there is none).
pub struct Opened {
    pub sniffer: Sniffer,
    pub iface: String,
    pub writer: Option<PcapWriter>,
    pub tracer: std::result::Result<Tracer, String>,
}

impl Lab {
    /// Set up both ends (bound, not yet listening or connected) and start
    /// taking frames from the sniffer, which must already be running.
    pub fn new(
        script: &'static Script,
        ends: Ends,
        payload: Vec<u8>,
        opened: Opened,
        lang: crate::explain::Lang,
    ) -> Result<Lab> {
        let Opened {
            sniffer,
            iface,
            writer,
            tracer,
        } = opened;
        let iface = iface.as_str();
        let Ends {
            listener,
            clients,
            server_addr,
            client_addr,
            client_addrs,
        } = ends;
        let n = clients.len();
        let ipv6 = server_addr.is_ipv6();
        let (mut tracer, trace_unavailable) = match tracer {
            Ok(t) => (Some(t), None),
            Err(e) => (None, Some(e)),
        };
        if let Some(t) = tracer.as_mut() {
            t.run();
        }
        let t0 = now_nanos();
        Ok(Lab {
            script,
            next: 0,
            ipv6,
            payload,
            client_addr,
            server_addr,
            client_addrs,
            clients: clients.into_iter().map(Some).collect(),
            listener: Some(listener),
            conns: (0..n).map(|_| None).collect(),
            linger_zero: false,
            server_seen: vec![false; n],
            read_back: [Vec::new(), Vec::new()],
            read_from: 0,
            udp_peer: None,
            frame_client: HashMap::new(),
            step_client: Vec::new(),
            overflows_at_start: kernel::listen_overflows(),
            ws_key: message::new_ws_key(),
            note: None,
            sniffer,
            lang,
            iface: iface.to_string(),
            decoder: Decoder::new(),
            tracker: Tracker::new(),
            frames: 0,
            writer,
            write_error: None,
            t0,
            groups: Vec::new(),
            frame_group: HashMap::new(),
            timeline: Timeline {
                source: format!("live lab: {}", script.name),
                title: crate::i18n::msg!(
                    lang,
                    "lab-title",
                    summary = script.summary_in(lang),
                    client = client_addr.to_string(),
                    server = server_addr.to_string(),
                    iface = iface,
                ),
                streams: Vec::new(),
                steps: Vec::new(),
            },
            kernel_now: None,
            kernel_who: 0,
            kernel_read_at: None,
            mismatches: Vec::new(),
            tracer,
            trace_unavailable,
            events: Vec::new(),
            frame_ns: HashMap::new(),
        })
    }

    pub fn script(&self) -> &'static Script {
        self.script
    }

    /// Differences between the kernel's states and the inferred ones so far.
    pub fn mismatches(&self) -> &[Mismatch] {
        &self.mismatches
    }

    /// The kernel's latest view of both ends (refreshed by `poll`).
    pub fn kernel_now(&self) -> Option<KernelView> {
        self.kernel_now
    }

    /// Why the kernel's states come from `/proc/net/tcp` rather than
    /// from tracepoints; `None` when tracefs is used.
    pub fn trace_unavailable(&self) -> Option<&str> {
        self.trace_unavailable.as_deref()
    }

    /// True when the kernel's states come from tracepoints.
    pub fn traced(&self) -> bool {
        self.tracer.is_some()
    }

    /// Number of frames of the lab captured.
    pub fn frames(&self) -> u64 {
        self.frames
    }

    /// What went wrong at the application layer (a wrong
    /// `Sec-WebSocket-Accept`), if anything.
    pub fn note(&self) -> Option<&str> {
        self.note.as_deref()
    }

    /// The first error met while writing `--save`, if any.
    pub fn write_error(&self) -> Option<&str> {
        self.write_error.as_deref()
    }

    fn time_now(&self) -> f64 {
        (now_nanos() - self.t0) as f64 / 1e9
    }

    /// Take one frame from the sniffer. True when it belonged to the lab.
    fn take(&mut self, f: Frame) -> bool {
        let link = self.sniffer.link_type;
        let decoded = self.decoder.decode(link, &f.data, f.orig_len);
        let (src, dst) = match &decoded {
            DecodeOutcome::Tcp(d) if self.script.proto == Proto::Tcp => (d.src, d.dst),
            DecodeOutcome::Udp(d) if self.script.proto == Proto::Udp => (d.src, d.dst),
            _ => return false,
        };
        let client = if src == self.server_addr { dst } else { src };
        let Some(who) = self.client_addrs.iter().position(|a| *a == client) else {
            return false;
        };
        if src != self.server_addr && dst != self.server_addr {
            return false;
        }
        self.frames += 1;
        let frame = self.frames;
        if let Some(w) = self.writer.as_mut() {
            let r = w
                .write_frame(f.ts_nanos, &f.data, f.orig_len)
                .and_then(|_| w.flush());
            if let Err(e) = r {
                self.write_error.get_or_insert(e.to_string());
            }
        }
        let group = self.groups.len().saturating_sub(1);
        self.frame_group.insert(frame, group);
        self.frame_client.insert(frame, who);
        self.frame_ns.insert(frame, f.ts_nanos);
        let time = (f.ts_nanos - self.t0) as f64 / 1e9;
        let captured = f.data.len();
        match decoded {
            DecodeOutcome::Tcp(d) => self.tracker.push(crate::source::capture::observe_frame(
                frame, time, link, f.data, captured, f.orig_len, d,
            )),
            DecodeOutcome::Udp(d) => {
                self.tracker.push_datagram(ObservedDatagram {
                    frame,
                    time,
                    src: d.src,
                    dst: d.dst,
                    len: d.len,
                    bytes: Some(FrameBytes {
                        link_type: link,
                        orig_len: f.orig_len,
                        captured_len: captured as u32,
                        data: f.data,
                        layers: d.layers,
                    }),
                });
            }
            _ => {}
        }
        self.place_ready();
        true
    }

    /// Move the steps the tracker has settled into their call's group.
    fn place_ready(&mut self) {
        while let Some(mut step) = self.tracker.pop() {
            let frame = step
                .segment
                .as_ref()
                .map(|v| v.frame)
                .or(step.datagram.as_ref().map(|v| v.frame))
                .unwrap_or(0);
            let who = self.frame_client.get(&frame).copied().unwrap_or(0);
            let server_gone = self.listener.is_none();
            let Some(g) = self
                .frame_group
                .get(&frame)
                .copied()
                .and_then(|i| self.groups.get_mut(i))
            else {
                continue;
            };
            if let Some(d) = step.datagram.as_mut() {
                // Nobody is bound to the port any more: the kernel drops
                // the datagram (and answers with ICMP port unreachable,
                // which an unconnected sender never sees).
                d.gone = d.from == Side::Client && server_gone;
                if g.action.call == Call::SendTo && g.action.side == d.from {
                    step.call = Some(Call::SendTo);
                }
                g.segs.push(step);
                continue;
            }
            let v = step.segment.as_ref().expect("a segment step");
            let f = v.seg.flags;
            let caller = g.action.side;
            let caused = v.from == caller
                && who == g.who
                && match g.action.call {
                    Call::Connect => f.syn() && !f.ack(),
                    Call::Write => v.len > 0,
                    Call::Close => f.fin() || f.rst(),
                    Call::Shutdown => f.fin(),
                    _ => false,
                };
            step.call = caused.then_some(g.action.call);
            g.segs.push(step);
        }
    }

    /// Take the tracepoint events read so far. True when there were any.
    fn take_events(&mut self) -> bool {
        let Some(t) = self.tracer.as_ref() else {
            return false;
        };
        let new = t.take();
        let any = !new.is_empty();
        self.events.extend(new);
        any
    }

    /// Take every frame already waiting, without blocking.
    fn drain(&mut self) -> Result<bool> {
        let mut changed = self.take_events();
        loop {
            match self.sniffer.try_recv() {
                Ok(Ok(f)) => changed |= self.take(f),
                Ok(Err(e)) => return Err(anyhow::anyhow!("capture on {} failed: {e}", self.iface)),
                Err(_) => return Ok(changed),
            }
        }
    }

    /// Wait until the wire has been quiet for [`QUIET`] (at most
    /// [`SETTLE_MAX`]), taking the frames in.
    fn settle(&mut self) -> Result<()> {
        let start = Instant::now();
        let mut last = start;
        loop {
            // After a stop, only what is already on its way (one QUIET) is
            // waited for, so Ctrl-C is answered well within a second.
            let max = if crate::signals::stopped() {
                QUIET
            } else {
                SETTLE_MAX
            };
            let until = (last + QUIET).min(start + max);
            let now = Instant::now();
            if now >= until {
                return Ok(());
            }
            match self.sniffer.recv_timeout(until - now) {
                Ok(Ok(f)) => {
                    if self.take(f) {
                        last = Instant::now();
                    }
                }
                Ok(Err(e)) => {
                    return Err(anyhow::anyhow!("capture on {} failed: {e}", self.iface));
                }
                Err(RecvTimeoutError::Timeout) => {}
                Err(RecvTimeoutError::Disconnected) => return Ok(()),
            }
        }
    }

    /// The kernel's view of client `who`'s connection, and the
    /// listener's queues (UDP has neither).
    fn read_kernel(&mut self, who: usize) -> Option<(KernelView, kernel::ListenQueues)> {
        if self.script.proto == Proto::Udp {
            return None;
        }
        let socks = kernel::read_sockets(self.ipv6).ok()?;
        let client = self.client_addrs[who];
        if socks
            .iter()
            .any(|s| s.local == self.server_addr && s.remote == client)
        {
            self.server_seen[who] = true;
        }
        let v = kernel::view(&socks, client, self.server_addr, self.server_seen[who]);
        self.kernel_now = Some(v);
        self.kernel_who = who;
        self.kernel_read_at = Some(Instant::now());
        Some((v, kernel::listen_queues(&socks, self.server_addr)))
    }

    /// The inferred states of client `who`'s connection so far (before
    /// its first step: closed, and the server listening if it does).
    fn current_states(&self, who: usize) -> States {
        let last = self
            .timeline
            .steps
            .iter()
            .zip(&self.step_client)
            .rev()
            .find(|(_, c)| **c == who);
        match last {
            Some((s, _)) => s.after,
            None if self.script.proto == Proto::Udp => States::default(),
            None => {
                let listening = self
                    .timeline
                    .steps
                    .iter()
                    .any(|s| s.call == Some(Call::Listen))
                    && self.listener.is_some();
                let server = if listening {
                    State::Listen
                } else {
                    State::Closed
                };
                States::new(State::Closed, server)
            }
        }
    }

    /// The stream of client `who`'s last step (0 before any).
    fn current_stream(&self, who: usize) -> u32 {
        self.timeline
            .steps
            .iter()
            .zip(&self.step_client)
            .rev()
            .find(|(_, c)| **c == who)
            .map_or(0, |(s, _)| s.stream)
    }

    /// Rebuild the timeline from the groups and compare with the kernel.
    fn rebuild(&mut self) {
        let mut steps: Vec<Step> = Vec::new();
        let mut step_client: Vec<usize> = Vec::new();
        let mut mismatches = Vec::new();
        // Per step: when it began (CLOCK_REALTIME ns) and its group.
        let mut starts: Vec<(i128, usize)> = Vec::new();
        let frame_of = |s: &Step| {
            s.segment
                .as_ref()
                .map(|v| v.frame)
                .or(s.datagram.as_ref().map(|v| v.frame))
                .unwrap_or(0)
        };
        let client_of = |s: &Step| self.frame_client.get(&frame_of(s)).copied().unwrap_or(0);
        for (gi, g) in self.groups.iter().enumerate() {
            let first = g.segs.iter().find(|s| client_of(s) == g.who);
            let prev = steps
                .iter()
                .zip(&step_client)
                .rev()
                .find(|(_, c)| **c == g.who)
                .map(|(s, _)| s);
            let mut call = place_call(g, first, prev);
            // connect() blocks until the answer comes back: when the answer
            // is an RST, it fails after that segment, not before the SYN.
            // The RST step tells the failure (as in the simulation), so the
            // call step shows only the call.
            let refused_by_rst = call.call == Some(Call::Connect)
                && matches!(call.call_result, Some(CallResult::Error(_)))
                && g.segs.iter().any(|s| {
                    s.segment
                        .as_ref()
                        .is_some_and(|v| v.from != call.side && v.seg.flags.rst())
                });
            if refused_by_rst {
                call.call_result = None;
            }
            if let Some(q) = g.queues.filter(|_| self.script.backlog < 16) {
                // The backlog script shows the listener's queues after
                // every call, as the kernel reports them.
                let lang = self.lang;
                let mut detail = call.kernel_detail.take().unwrap_or_default();
                let overflows = match (q.overflows, self.overflows_at_start) {
                    (Some(now), Some(then)) => now.saturating_sub(then).to_string(),
                    _ => "?".to_string(),
                };
                detail.events.push(msg!(
                    lang,
                    "lab-queues",
                    accept = q.accept,
                    most = self.script.backlog + 1,
                    syn = q.syn,
                    overflows = overflows
                ));
                call.kernel_detail = Some(detail);
            }
            let side = call.side;
            let call_after = call.after.get(side);
            let caused = |s: &Step| {
                s.segment.is_some()
                    && s.call == g.call.call
                    && s.side == side
                    && client_of(s) == g.who
                    && s.after.get(side) == call_after
            };
            steps.push(call);
            step_client.push(g.who);
            steps.extend(g.segs.iter().map(|s| {
                let mut s = s.clone();
                if caused(&s) {
                    // The call itself moved its caller (as in the
                    // simulation); the segment leaves it there.
                    s.before.set(side, call_after);
                }
                s
            }));
            step_client.extend(g.segs.iter().map(client_of));
            starts.push((g.call_ns, gi));
            for seg in &g.segs {
                let t = self
                    .frame_ns
                    .get(&frame_of(seg))
                    .copied()
                    .unwrap_or(g.call_ns);
                starts.push((t, gi));
            }
            if self.tracer.is_some() {
                continue;
            }
            if let Some(k) = g.kernel {
                // The reading describes the caller's connection after the
                // call's segments: its last step in the group.
                let Some(n) = step_client.iter().rposition(|c| *c == g.who) else {
                    continue;
                };
                let last = &mut steps[n];
                let n = n + 1;
                last.kernel = Some(k);
                if k != last.after {
                    let what = match last.kind {
                        StepKind::Call => {
                            format!("{} {}", last.side, last.call.map_or("call", Call::name))
                        }
                        _ => "segment".to_string(),
                    };
                    mismatches.push(Mismatch {
                        step: n,
                        what: format!(
                            " ({what}) the kernel says client {}, server {}; \
                             synack inferred client {}, server {} from the segments",
                            state_name(k.client),
                            state_name(k.server),
                            state_name(last.after.client),
                            state_name(last.after.server)
                        ),
                    });
                    // Why, as the traced lab says it: /proc shows the
                    // listener, not a request socket, for a dropped SYN.
                    let full = gi
                        .checked_sub(1)
                        .and_then(|p| self.groups.get(p))
                        .and_then(|p| p.queues)
                        .is_some_and(|q| q.accept as i32 > self.script.backlog);
                    let why = self.why_differs(last, k, false, full);
                    last.kernel_detail.get_or_insert_default().note = Some(why);
                }
            }
        }
        if self.tracer.is_some() {
            mismatches = self.apply_trace(&mut steps, &starts, &step_client);
        }
        self.timeline.steps = steps;
        self.step_client = step_client;
        self.timeline.streams = self.tracker.streams();
        self.mismatches = mismatches;
    }

    /// Which socket of the lab a tracepoint event is about, if any:
    /// side, socket, and the client whose connection it is (0 for the
    /// listener).
    fn socket_of(&self, e: &tracefs::Event) -> Option<(Side, &'static str, usize)> {
        let s = self.server_addr.port();
        let ip = self.server_addr.ip().to_string();
        // Another lab may use the same port numbers in the other family.
        if e.saddr != ip {
            return None;
        }
        let client = |p: u16| self.client_addrs.iter().position(|a| a.port() == p);
        match (e.sport, e.dport) {
            (p, 0) if p == s => Some((Side::Server, "listener", 0)),
            (p, q) if p == s => client(q).map(|i| (Side::Server, "connection", i)),
            (p, q) if q == s || q == 0 => client(p).map(|i| (Side::Client, "connection", i)),
            _ => None,
        }
    }

    /// Give every step the kernel's states from the tracepoint events:
    /// each change belongs to the last step that began at or before it
    /// (a segment at its capture time, a call when it was made), so a
    /// change made inside `connect()` before the SYN is the call's, and
    /// one made on the SYN/ACK's arrival is the SYN/ACK's.
    fn apply_trace(
        &self,
        steps: &mut [Step],
        starts: &[(i128, usize)],
        step_client: &[usize],
    ) -> Vec<Mismatch> {
        let mut events: Vec<&tracefs::Event> = self.events.iter().collect();
        events.sort_by_key(|e| e.t_nanos);
        let owner = |t: i128| -> Option<usize> { starts.iter().rposition(|(s, _)| *s <= t) };
        let secs = |t: i128| (t - self.t0) as f64 / 1e9;
        let mut details: Vec<crate::timeline::KernelDetail> = vec![Default::default(); steps.len()];
        let mut changes: Vec<Vec<Change>> = vec![Vec::new(); steps.len()];
        for e in events {
            let Some((side, socket, who)) = self.socket_of(e) else {
                continue;
            };
            match &e.kind {
                tracefs::EventKind::State { old, new } => {
                    if let Some(i) = owner(e.t_nanos) {
                        changes[i].push((side, socket, who, *old, *new, e.t_nanos));
                    }
                }
                kind => {
                    // Sending events fire just before the segment is
                    // captured: they belong to the sender's next segment.
                    // A received reset fires after its RST was captured.
                    let lang = self.lang;
                    let side_name = lang.side(side);
                    let (text, i) = match kind {
                        tracefs::EventKind::ReceiveReset => (
                            msg!(lang, "kernel-event-receive-reset", side = side_name),
                            owner(e.t_nanos),
                        ),
                        _ => {
                            let text = match kind {
                                tracefs::EventKind::Retransmit => {
                                    msg!(lang, "kernel-event-retransmit", side = side_name)
                                }
                                tracefs::EventKind::RetransmitSynAck => {
                                    msg!(lang, "kernel-event-retransmit-syn-ack")
                                }
                                _ => msg!(lang, "kernel-event-send-reset", side = side_name),
                            };
                            let next = steps.iter().enumerate().position(|(i, st)| {
                                starts[i].0 >= e.t_nanos
                                    && step_client[i] == who
                                    && st.segment.as_ref().is_some_and(|v| v.from == side)
                            });
                            (text, next)
                        }
                    };
                    if let Some(i) = i {
                        details[i].events.push(text);
                    }
                }
            }
        }
        // Per client: its socket, the server's connection with it, and
        // the two time-wait sockets; the listener is shared.
        let n = self.client_addrs.len();
        let mut client: Vec<Option<State>> = vec![Some(State::Closed); n];
        let mut listener: Option<State> = Some(State::Closed);
        let mut conn: Vec<Option<State>> = vec![None; n];
        let mut tw: Vec<[Option<State>; 2]> = vec![[None, None]; n];
        let side_index = |s: Side| match s {
            Side::Client => 0,
            Side::Server => 1,
        };
        let mut mismatches = Vec::new();
        for (i, step) in steps.iter_mut().enumerate() {
            let me = step_client[i];
            // /proc was read for the group's own client only.
            let proc_view = match self.groups.get(starts[i].1) {
                Some(g) if g.who == me => g.proc_view,
                Some(_) => None,
                None => self.kernel_now.filter(|_| self.kernel_who == me),
            };
            for &(side, socket, who, old, new, t) in &changes[i] {
                let proc_view = proc_view.filter(|_| who == me);
                let (from, mut to) = (kernel::kernel_state(old), kernel::kernel_state(new));
                details[i]
                    .transitions
                    .push(crate::timeline::KernelTransition {
                        side,
                        socket,
                        from,
                        to,
                        t: secs(t),
                    });
                // Linux ends a full socket in CLOSE when TIME_WAIT begins
                // (and, for a closed socket, already in FIN_WAIT_2) and
                // lets a small time-wait socket hold the connection; that
                // one has no state-change event, /proc shows it.
                let shown = proc_view.and_then(|v| v.get(side));
                if new == 7
                    && matches!(old, 4 | 5 | 11)
                    && matches!(shown, Some(State::FinWait2 | State::TimeWait))
                {
                    to = shown;
                    tw[who][side_index(side)] = shown;
                    details[i]
                        .transitions
                        .push(crate::timeline::KernelTransition {
                            side,
                            socket: "time_wait",
                            from: Some(State::Closed),
                            to,
                            t: secs(t),
                        });
                }
                if side == Side::Client && old == 7 && new == 2 {
                    // A new connection: its server end is the listener until
                    // the third segment creates the connection's socket (the
                    // old connection's time-wait socket goes silently).
                    conn[who] = None;
                    tw[who] = [None, None];
                }
                match (side, socket) {
                    (Side::Client, _) => client[who] = to,
                    (Side::Server, "listener") => listener = to,
                    _ => conn[who] = to,
                }
            }
            // A time-wait socket in FIN_WAIT_2 goes to TIME_WAIT when the
            // peer's FIN comes, silently: /proc after the call confirms it.
            for side in [Side::Client, Side::Server] {
                let fin_from_peer = step
                    .segment
                    .as_ref()
                    .is_some_and(|v| v.from == side.other() && v.seg.flags.fin());
                let shown = proc_view.and_then(|v| v.get(side));
                if tw[me][side_index(side)] == Some(State::FinWait2)
                    && fin_from_peer
                    && shown == Some(State::TimeWait)
                {
                    tw[me][side_index(side)] = shown;
                    details[i]
                        .transitions
                        .push(crate::timeline::KernelTransition {
                            side,
                            socket: "time_wait",
                            from: Some(State::FinWait2),
                            to: shown,
                            t: secs(starts[i].0),
                        });
                    match side {
                        Side::Client => client[me] = shown,
                        Side::Server => conn[me] = shown,
                    }
                }
            }
            let k = States {
                client: client[me],
                server: conn[me].or(listener),
            };
            step.kernel = Some(k);
            if k != step.after {
                let n = i + 1;
                // The queue as the step found it: read after the call
                // before this step's own.
                let full = starts[i]
                    .1
                    .checked_sub(1)
                    .and_then(|g| self.groups.get(g))
                    .and_then(|g| g.queues)
                    .is_some_and(|q| q.accept as i32 > self.script.backlog);
                let why = self.why_differs(step, k, conn[me].is_some(), full);
                mismatches.push(Mismatch {
                    step: n,
                    what: format!(
                        " the kernel says client {}, server {}; synack inferred \
                         client {}, server {}: {why}",
                        state_name(k.client),
                        state_name(k.server),
                        state_name(step.after.client),
                        state_name(step.after.server)
                    ),
                });
                details[i].note = Some(why);
            }
        }
        for (step, mut d) in steps.iter_mut().zip(details) {
            // What the lab noted itself (the listener's queues) comes first.
            if let Some(own) = step.kernel_detail.take() {
                d.events.splice(0..0, own.events);
            }
            step.kernel_detail = Some(Box::new(d));
        }
        mismatches
    }

    /// Why the kernel's states differ from the inferred ones at `step`.
    /// `full`: the listener's accept queue was full around this step.
    fn why_differs(&self, step: &Step, k: States, child: bool, full: bool) -> String {
        let lang = self.lang;
        if k.server == Some(State::Listen)
            && step.after.server == Some(State::SynReceived)
            && !child
        {
            if full {
                return text(lang, "lab-note-syn-dropped").to_string();
            }
            return text(lang, "lab-note-half-open").to_string();
        }
        text(lang, "lab-note-unexplained").to_string()
    }

    /// Make the socket call of `action`. Returns its result and the
    /// client whose connection it is about (for accept(): the one the
    /// kernel handed over, whatever the script expected).
    fn perform(&mut self, action: Action) -> (CallResult, usize) {
        let who = self.client_of(action);
        let result = match (action.side, action.call) {
            (Side::Server, Call::Listen) => {
                let backlog = self.script.backlog;
                match self.listener.as_ref().map(|l| l.listen(backlog)) {
                    Some(Ok(())) => {
                        self.tracker.listening(self.server_addr);
                        CallResult::Done
                    }
                    Some(Err(e)) => CallResult::Error(errno_name(&e)),
                    None => CallResult::Error("EBADF"),
                }
            }
            (Side::Client, Call::Connect) => {
                if self.clients[who].is_none() {
                    // A second connect() after close(): a fresh socket on the
                    // same port, to show the four-tuple reused while the
                    // server's old connection is still in TIME_WAIT.
                    match rebind(self.client_addrs[who]) {
                        Ok(s) => self.clients[who] = Some(s),
                        Err(e) => return (CallResult::Error(errno_name(&e)), who),
                    }
                }
                let Some(c) = self.clients[who].as_ref() else {
                    return (CallResult::Error("EBADF"), who);
                };
                if self.script.nonblocking {
                    connect_nonblocking(c, self.server_addr)
                } else {
                    match connect_stoppable(c, self.server_addr, Duration::from_secs(2)) {
                        Ok(()) => CallResult::Done,
                        Err(e) => CallResult::Error(errno_name(&e)),
                    }
                }
            }
            (Side::Client, Call::Poll) => {
                let ms = match action.msg {
                    Some(Msg::Within(ms)) => ms,
                    _ => 1000,
                };
                poll_call(self.clients[who].as_ref(), Duration::from_millis(ms.into()))
            }
            (Side::Server, Call::Accept) => match self.listener.as_ref().map(|l| l.accept()) {
                Some(Ok((s, peer))) => {
                    let _ = s.set_read_timeout(Some(CALL_TIMEOUT));
                    let _ = s.set_write_timeout(Some(CALL_TIMEOUT));
                    let from = peer
                        .as_socket()
                        .and_then(|p| self.client_addrs.iter().position(|a| *a == p))
                        .unwrap_or(who);
                    self.conns[from] = Some(s);
                    return (CallResult::Done, from);
                }
                Some(Err(e)) => CallResult::Error(errno_name(&e)),
                None => CallResult::Error("EBADF"),
            },
            (side, Call::SendTo) => {
                let data = action
                    .msg
                    .map(|m| self.message(side, m, true))
                    .unwrap_or_default();
                let (sock, to) = match side {
                    Side::Client => (self.clients[who].as_ref(), Some(self.server_addr)),
                    Side::Server => (self.listener.as_ref(), self.udp_peer),
                };
                send_to_call(sock, &data, to)
            }
            (side, Call::RecvFrom) => {
                let sock = match side {
                    Side::Client => self.clients[who].as_ref(),
                    Side::Server => self.listener.as_ref(),
                };
                let (result, data, from) = recv_from_call(sock);
                if side == Side::Server && from.is_some() {
                    self.udp_peer = from;
                }
                self.read_back[side.index()] = data;
                result
            }
            (side, Call::Write) => match action.msg {
                Some(m) => write_call(self.end(side, who), &self.message(side, m, true)),
                None => {
                    let payload = std::mem::take(&mut self.payload);
                    let r = write_call(self.end(side, who), &payload);
                    self.payload = payload;
                    r
                }
            },
            (side, Call::Read) => {
                let (mut result, data) = read_call(self.end(side, who));
                if side == Side::Client
                    && action.msg == Some(Msg::WsSwitching)
                    && matches!(result, CallResult::Bytes(_))
                    && let Err(why) = message::check_accept(&data, &self.ws_key)
                {
                    // What a WebSocket client does with a wrong accept
                    // value: fail the connection (RFC 6455 §4.1). The
                    // errno-like name says it is a protocol error, not TCP's.
                    result = CallResult::Error("EPROTO");
                    self.note = Some(msg!(self.lang, "lab-note-bad-accept", why = why.as_str()));
                }
                if side == Side::Server {
                    self.read_from = who;
                }
                self.read_back[side.index()] = data;
                result
            }
            (side, Call::Shutdown) => match self
                .end(side, who)
                .map(|s| s.shutdown(std::net::Shutdown::Write))
            {
                Some(Ok(())) => CallResult::Done,
                Some(Err(e)) => CallResult::Error(errno_name(&e)),
                None => CallResult::Error("EBADF"),
            },
            (side, Call::LingerZero) => {
                match self
                    .end(side, who)
                    .map(|s| s.set_linger(Some(Duration::ZERO)))
                {
                    Some(Ok(())) => {
                        self.linger_zero = true;
                        CallResult::Done
                    }
                    Some(Err(e)) => CallResult::Error(errno_name(&e)),
                    None => CallResult::Error("EBADF"),
                }
            }
            (Side::Server, Call::Close) if self.script.proto == Proto::Udp => {
                self.listener = None;
                CallResult::Done
            }
            (side, Call::Close) => {
                let sock = match side {
                    Side::Client => self.clients[who].take(),
                    Side::Server => self.conns[who].take(),
                };
                let result = match &sock {
                    None => CallResult::Done,
                    Some(s) => {
                        let unread = bytes_waiting(s);
                        let linger = s.linger().ok().flatten() == Some(Duration::ZERO);
                        let open = matches!(
                            self.current_states(who).get(side),
                            Some(st) if st.is_synchronized()
                        );
                        if open && (unread > 0 || linger) {
                            CallResult::Abort { unread }
                        } else {
                            CallResult::Done
                        }
                    }
                };
                drop(sock);
                let accepts_again = self.script.actions[self.next..]
                    .iter()
                    .any(|a| a.side == Side::Server && a.call == Call::Accept);
                if side == Side::Server && !accepts_again && self.conns.iter().all(Option::is_none)
                {
                    // The listener goes too: the server is done.
                    self.listener = None;
                }
                result
            }
            (_, _) => CallResult::Error("EINVAL"),
        };
        (result, who)
    }

    /// The bytes of `msg` as `side` sends it now. `fresh`: new random
    /// masking keys (a hint only needs the length, which they do not change).
    fn message(&self, side: Side, msg: Msg, fresh: bool) -> Vec<u8> {
        let host = self.server_addr.to_string();
        let read = &self.read_back[side.index()];
        let mask = (side == Side::Client).then(|| {
            if fresh {
                message::random::<4>()
            } else {
                [0; 4]
            }
        });
        match msg {
            Msg::HttpGet { path, close } => message::http_get(&host, path, close),
            Msg::HttpOk { close } => message::http_ok(message::request_path(read), close),
            Msg::WsUpgrade => message::ws_upgrade(&host, &self.ws_key),
            Msg::WsSwitching => message::ws_switching(read),
            Msg::WsText(t) => message::ws_frame(1, t.as_bytes(), mask),
            Msg::WsClose(code) => message::ws_frame(8, &code.to_be_bytes(), mask),
            Msg::Line(text) | Msg::Datagram(text) => text.as_bytes().to_vec(),
            Msg::Relay => message::chat_relay(self.read_from, read),
            Msg::Within(_) => Vec::new(),
        }
    }

    /// Why the script calls `msg`, for the hint of a write() or read().
    fn msg_words(&self, a: Action, msg: Msg) -> String {
        let lang = self.lang;
        let zh = self.lang == crate::explain::Lang::Zh;
        let pick = |en: String, zh_text: String| if zh { zh_text } else { en };
        let writing = matches!(a.call, Call::Write | Call::SendTo);
        match msg {
            Msg::HttpGet { path, close } => {
                let conn = if close { ", Connection: close" } else { "" };
                let conn_zh = if close { "、Connection: close" } else { "" };
                if writing {
                    pick(
                        format!(
                            "the request line `GET {path} HTTP/1.1`, the headers Host, User-Agent, Accept{conn}, then an empty line that ends the request (a GET has no body)"
                        ),
                        format!(
                            "请求行 `GET {path} HTTP/1.1`，首部 Host、User-Agent、Accept{conn_zh}，最后一个空行表示请求结束（GET 没有正文）"
                        ),
                    )
                } else {
                    pick(
                        format!("the request `GET {path}`: the server reads up to the empty line"),
                        format!("请求 `GET {path}`：服务端读到空行为止"),
                    )
                }
            }
            Msg::HttpOk { close } => {
                let conn = if close { ", Connection: close" } else { "" };
                let conn_zh = if close { "、Connection: close" } else { "" };
                if writing {
                    let path = message::request_path(&self.read_back[a.side.index()]);
                    let body = message::http_body(path).len();
                    pick(
                        format!(
                            "`HTTP/1.1 200 OK`, Content-Type, Content-Length: {body}{conn}, an empty line, then the {body}-byte body: Content-Length tells the client where the response ends"
                        ),
                        format!(
                            "`HTTP/1.1 200 OK`，Content-Type、Content-Length: {body}{conn_zh}，一个空行，然后是 {body} 字节的正文：客户端靠 Content-Length 知道响应在哪里结束"
                        ),
                    )
                } else {
                    pick(
                        "the response: status line, headers, empty line, then as many body bytes as Content-Length says".to_string(),
                        "响应：状态行、首部、空行，然后是 Content-Length 所说字节数的正文".to_string(),
                    )
                }
            }
            Msg::WsUpgrade => {
                if writing {
                    pick(
                        format!(
                            "`GET /chat HTTP/1.1` with Upgrade: websocket, Connection: Upgrade, Sec-WebSocket-Version: 13 and Sec-WebSocket-Key: {} (16 random bytes in base64)",
                            self.ws_key
                        ),
                        format!(
                            "`GET /chat HTTP/1.1`，带 Upgrade: websocket、Connection: Upgrade、Sec-WebSocket-Version: 13 和 Sec-WebSocket-Key: {}（16 个随机字节的 base64）",
                            self.ws_key
                        ),
                    )
                } else {
                    pick(
                        "the upgrade request and its Sec-WebSocket-Key".to_string(),
                        "升级请求及其中的 Sec-WebSocket-Key".to_string(),
                    )
                }
            }
            Msg::WsSwitching => {
                if writing {
                    let key = message::header(&self.read_back[a.side.index()], "sec-websocket-key")
                        .unwrap_or_default();
                    let accept = message::ws_accept(key);
                    pick(
                        format!(
                            "`HTTP/1.1 101 Switching Protocols` with Sec-WebSocket-Accept: {accept} = base64(SHA-1(the key read + \"{}\")); from the next byte on, this connection carries WebSocket frames",
                            message::WS_GUID
                        ),
                        format!(
                            "`HTTP/1.1 101 Switching Protocols`，带 Sec-WebSocket-Accept: {accept} = base64(SHA-1(读到的 key + \"{}\"))；从下一个字节起，这个连接上传的是 WebSocket 帧",
                            message::WS_GUID
                        ),
                    )
                } else {
                    let want = message::ws_accept(&self.ws_key);
                    pick(
                        format!(
                            "the 101 response; the client checks Sec-WebSocket-Accept against base64(SHA-1(its own key + the RFC 6455 GUID)) = {want}, and a wrong value fails the read (EPROTO)"
                        ),
                        format!(
                            "101 响应；客户端用 base64(SHA-1(自己的 key + RFC 6455 的 GUID)) = {want} 校验 Sec-WebSocket-Accept，值不对则 read() 失败（EPROTO）"
                        ),
                    )
                }
            }
            Msg::WsText(t) => match (writing, a.side) {
                (true, Side::Client) => pick(
                    format!(
                        "a text frame \"{t}\": FIN 1, opcode 1, MASK 1, a random 4-byte masking key, then the text XORed with it (a client masks every frame, RFC 6455 §5.3)"
                    ),
                    format!(
                        "文本帧 \"{t}\"：FIN 1，opcode 1，MASK 1，一个随机的 4 字节掩码键，然后是与它异或后的文本（客户端发送的每一帧都必须加掩码，RFC 6455 §5.3）"
                    ),
                ),
                (true, Side::Server) => pick(
                    format!(
                        "a text frame \"{t}\": FIN 1, opcode 1, MASK 0, the text as it is (a server never masks)"
                    ),
                    format!(
                        "文本帧 \"{t}\"：FIN 1，opcode 1，MASK 0，文本原样发送（服务端从不加掩码）"
                    ),
                ),
                (false, _) => pick(
                    format!("the text frame \"{t}\" (unmasked by the reader when MASK is 1)"),
                    format!("文本帧 \"{t}\"（MASK 为 1 时由读取方去掉掩码）"),
                ),
            },
            Msg::Line(t) => {
                let line = t.trim_end();
                if writing {
                    msg!(lang, "lab-words-line-write", line = line)
                } else {
                    msg!(
                        lang,
                        "lab-words-line-read",
                        line = line,
                        from = self.name(Side::Client, a.who as usize)
                    )
                }
            }
            Msg::Relay => {
                let from = self.name(Side::Client, self.read_from);
                if writing {
                    let line =
                        message::chat_relay(self.read_from, &self.read_back[Side::Server.index()]);
                    let line = String::from_utf8_lossy(&line).trim_end().to_string();
                    msg!(
                        lang,
                        "lab-words-relay-write",
                        line = line.as_str(),
                        from = from.as_str()
                    )
                } else {
                    msg!(lang, "lab-words-relay-read")
                }
            }
            Msg::Datagram(t) => msg!(lang, "lab-words-datagram", text = t),
            Msg::Within(_) => String::new(),
            Msg::WsClose(code) => {
                if writing {
                    let masked = a.side == Side::Client;
                    pick(
                        format!(
                            "a close frame: opcode 8, status {code} (normal closure){}",
                            if masked { ", masked" } else { ", unmasked" }
                        ),
                        format!(
                            "关闭帧：opcode 8，状态码 {code}（正常关闭）{}",
                            if masked {
                                "，加掩码"
                            } else {
                                "，不加掩码"
                            }
                        ),
                    )
                } else {
                    pick(
                        format!("the close frame with status {code}"),
                        format!("状态码为 {code} 的关闭帧"),
                    )
                }
            }
        }
    }

    /// `side`'s socket for client `who`'s connection.
    fn end(&self, side: Side, who: usize) -> Option<&Socket> {
        match side {
            Side::Client => self.clients.get(who)?.as_ref(),
            Side::Server => self.conns.get(who)?.as_ref(),
        }
    }

    /// Stop capturing and settle everything; the `--save` file is finished.
    /// Called once, at the end (also after Ctrl-C).
    pub fn finish(&mut self) -> Result<()> {
        // What is still on its way.
        self.settle()?;
        self.sniffer.stop();
        self.drain()?;
        self.take_events();
        self.tracker.finish();
        self.place_ready();
        self.rebuild();
        if let Some(w) = self.writer.take() {
            w.finish().context("cannot finish the --save file")?;
        }
        if let Some(e) = &self.write_error {
            anyhow::bail!("writing the --save file failed: {e}");
        }
        Ok(())
    }

    /// `side`'s name in the hints: "client 2" when there are several.
    fn name(&self, side: Side, who: usize) -> String {
        match side {
            Side::Client if self.clients.len() > 1 => {
                msg!(self.lang, "lab-client-n", n = who + 1)
            }
            _ => self.lang.side(side).to_string(),
        }
    }

    /// The listener's accept queue after the last call, as the kernel
    /// reported it.
    fn accept_queue(&self) -> u32 {
        self.groups
            .iter()
            .rev()
            .find_map(|g| g.queues)
            .map_or(0, |q| q.accept)
    }

    /// `side` as a sentence names it: "the client", "client 2".
    fn reference(&self, side: Side, who: usize) -> String {
        match side {
            Side::Client if self.clients.len() > 1 => {
                msg!(self.lang, "lab-client-n", n = who + 1)
            }
            Side::Client => text(self.lang, "lab-ref-client").to_string(),
            Side::Server => text(self.lang, "lab-ref-server").to_string(),
        }
    }

    /// The client an action is about (0 in the one-client scripts).
    fn client_of(&self, a: Action) -> usize {
        (a.who as usize).min(self.clients.len() - 1)
    }

    fn hint_for(&self, a: Action) -> String {
        let lang = self.lang;
        let me = self.client_of(a);
        // Side names in the chosen language; calls and segments stay as
        // POSIX and the RFC spell them.
        let who_name = match a.side {
            // Which of its connections the server calls on.
            Side::Server if self.clients.len() > 1 && a.call != Call::Listen => {
                msg!(lang, "lab-server-of", n = me + 1)
            }
            side => self.name(side, me),
        };
        let (who_ref, peer) = (
            self.reference(a.side, me),
            self.reference(a.side.other(), me),
        );
        let (who, who_ref, peer) = (who_name.as_str(), who_ref.as_str(), peer.as_str());
        let states = self.current_states(me);
        let n = self.payload.len();
        let most = self.script.backlog + 1;
        match a.call {
            Call::Listen if self.script.backlog < 16 => {
                msg!(
                    lang,
                    "lab-hint-listen-backlog",
                    backlog = self.script.backlog,
                    most = most
                )
            }
            Call::Listen => msg!(lang, "lab-hint-1"),
            Call::Connect if self.script.nonblocking => {
                let queued = self.accept_queue();
                if queued as i32 >= most {
                    msg!(
                        lang,
                        "lab-hint-connect-full",
                        who = who,
                        queued = queued,
                        most = most
                    )
                } else {
                    msg!(
                        lang,
                        "lab-hint-connect-room",
                        who = who,
                        queued = queued,
                        most = most
                    )
                }
            }
            Call::Poll => {
                let ms = match a.msg {
                    Some(Msg::Within(ms)) => ms,
                    _ => 1000,
                };
                msg!(
                    lang,
                    "lab-hint-poll",
                    who = who,
                    ms = ms,
                    state = state_name(states.get(a.side)),
                    queued = self.accept_queue(),
                    most = most
                )
            }
            Call::Accept if self.script.backlog < 16 => {
                msg!(lang, "lab-hint-accept-queue", queued = self.accept_queue())
            }
            Call::Accept if self.clients.len() > 1 => msg!(lang, "lab-hint-accept-n", n = me + 1),
            Call::Connect if self.clients.len() > 1 && self.clients[me].is_some() => {
                msg!(lang, "lab-hint-connect-n", who = who)
            }
            Call::SendTo => {
                let bytes = a.msg.map_or(0, |m| self.message(a.side, m, false).len());
                let what = a.msg.map(|m| self.msg_words(a, m)).unwrap_or_default();
                if a.side == Side::Client && self.listener.is_none() {
                    msg!(
                        lang,
                        "lab-hint-sendto-gone",
                        who = who,
                        n = bytes,
                        port = self.server_addr.port()
                    )
                } else {
                    msg!(
                        lang,
                        "lab-hint-sendto",
                        who = who,
                        peer = peer,
                        n = bytes,
                        what = what.as_str()
                    )
                }
            }
            Call::RecvFrom => {
                let what = a.msg.map(|m| self.msg_words(a, m)).unwrap_or_default();
                msg!(lang, "lab-hint-recvfrom", who = who, what = what.as_str())
            }
            Call::Close if self.script.proto == Proto::Udp => {
                msg!(lang, "lab-hint-close-udp", who = who)
            }
            Call::Connect if self.script.listens && self.clients[me].is_none() => {
                msg!(lang, "lab-hint-2")
            }
            Call::Connect if self.script.listens => msg!(lang, "lab-hint-3"),
            Call::Connect => {
                let port = self.server_addr.port();
                msg!(lang, "lab-hint-4", port = port)
            }
            Call::Accept => msg!(lang, "lab-hint-5"),
            Call::Write => match a.msg {
                Some(m) => {
                    let n = self.message(a.side, m, false).len();
                    let what = self.msg_words(a, m);
                    msg!(
                        lang,
                        "lab-hint-6",
                        n = n,
                        peer = peer,
                        what = what.as_str(),
                        who = who
                    )
                }
                None => msg!(lang, "lab-hint-7", n = n, peer = peer, who = who),
            },
            Call::Read if a.msg.is_some() || self.script.first_close_in(lang).is_some() => {
                // The application scripts' reads, told from what is waiting.
                let waiting = self.end(a.side, me).map_or(0, bytes_waiting);
                let fin = states.get(a.side).is_some_and(State::fin_received);
                let what = a.msg.map(|m| self.msg_words(a, m));
                match (waiting, what, fin) {
                    (0, _, true) => msg!(lang, "lab-hint-8", peer = peer, who = who),
                    (n, Some(what), true) => msg!(
                        lang,
                        "lab-hint-9",
                        n = n,
                        peer = peer,
                        what = what.as_str(),
                        who = who
                    ),
                    (n, Some(what), false) => {
                        msg!(lang, "lab-hint-10", n = n, what = what.as_str(), who = who)
                    }
                    (_, None, _) => msg!(lang, "lab-hint-11", who = who),
                }
            }
            Call::Read => {
                if states.get(a.side).is_some_and(State::fin_received) {
                    msg!(lang, "lab-hint-12", peer = peer, who = who)
                } else if states.get(a.side) == Some(State::Closed) {
                    msg!(lang, "lab-hint-13", who = who)
                } else {
                    msg!(lang, "lab-hint-14", who = who)
                }
            }
            Call::Shutdown => msg!(lang, "lab-hint-15", who = who, who_ref = who_ref),
            Call::LingerZero => msg!(lang, "lab-hint-16", who = who),
            Call::Close => {
                let st = states.get(a.side);
                let unread = self.end(a.side, me).map_or(0, bytes_waiting);
                if !st.is_some_and(State::is_synchronized) {
                    msg!(lang, "lab-hint-17", who = who)
                } else if self.linger_zero && a.side == Side::Client {
                    msg!(lang, "lab-hint-18", who = who)
                } else if unread > 0 {
                    msg!(lang, "lab-hint-19", unread = unread, who = who)
                } else if matches!(st, Some(State::CloseWait)) {
                    msg!(lang, "lab-hint-20", who = who, who_ref = who_ref)
                } else if matches!(st, Some(State::FinWait1 | State::FinWait2)) {
                    msg!(lang, "lab-hint-21", who = who)
                } else if let Some(why) = self.script.first_close_in(lang) {
                    msg!(lang, "lab-hint-22", peer = peer, who = who, why = why)
                } else {
                    msg!(
                        lang,
                        "lab-hint-23",
                        peer = peer,
                        who = who,
                        who_ref = who_ref
                    )
                }
            }
        }
    }

    /// The kernel's view as one line, TIME_WAIT's time left included.
    pub fn kernel_line(&self) -> Option<String> {
        let k = self.kernel_now?;
        let lang = self.lang;
        let part = |side: Side, s: Option<State>, tw: Option<f64>| {
            let mut t = format!("{} {}", lang.side(side), state_name(s));
            if let Some(left) = tw {
                t.push_str(&msg!(lang, "lab-time-left", left = format!("{left:.1}")));
            }
            t
        };
        Some(format!(
            "{} (/proc/net/tcp{}): {}, {}",
            text(lang, "live-kernel"),
            if self.ipv6 { "6" } else { "" },
            part(Side::Client, k.client, k.client_time_wait),
            part(Side::Server, k.server, k.server_time_wait)
        ))
    }
}

impl Source for Lab {
    fn timeline(&self) -> &Timeline {
        &self.timeline
    }

    fn poll(&mut self) -> Result<bool> {
        let changed = self.drain()?;
        if changed {
            self.rebuild();
        }
        if self
            .kernel_read_at
            .is_none_or(|t| t.elapsed() >= Duration::from_millis(250))
        {
            self.read_kernel(self.kernel_who);
        }
        Ok(changed)
    }

    fn advance(&mut self) -> Result<bool> {
        let Some(&action) = self.script.actions.get(self.next) else {
            return Ok(false);
        };
        // Anything still arriving belongs to the previous call.
        self.drain()?;
        let time = self.time_now();
        let call_ns = now_nanos();
        let (result, who) = self.perform(action);
        let before = self.current_states(who);
        let mut after = before;
        after.set(
            action.side,
            after_call(before.get(action.side), action.call, &result),
        );
        let conversation = (self.script.proto == Proto::Udp).then(|| {
            // The conversation's "client" is the end that sends first:
            // the script's client.
            Box::new(crate::timeline::DatagramView {
                frame: 0,
                from: Side::Client,
                src: self.client_addrs[who],
                dst: self.server_addr,
                len: 0,
                bytes: None,
                l7: None,
                gone: false,
            })
        });
        self.groups.push(Group {
            action,
            who,
            call: Step {
                kind: StepKind::Call,
                stream: self.current_stream(who),
                time,
                side: action.side,
                call: Some(action.call),
                call_result: Some(result),
                timer: None,
                segment: None,
                before,
                after,
                kernel: None,
                kernel_detail: None,
                datagram: conversation,
            },
            segs: Vec::new(),
            kernel: None,
            call_ns,
            proc_view: None,
            queues: None,
        });
        self.settle()?;
        if self.tracer.is_some() {
            // The trace reader lags the packets a little: let it catch up.
            std::thread::sleep(Duration::from_millis(20));
        }
        self.take_events();
        let read = self.read_kernel(who);
        let k = read.map(|(v, _)| States {
            client: v.client,
            server: v.server,
        });
        if let Some(g) = self.groups.last_mut() {
            g.kernel = k;
            g.proc_view = read.map(|(v, _)| v);
            g.queues = read.map(|(_, q)| q);
        }
        self.next += 1;
        self.rebuild();
        Ok(true)
    }

    fn next_hint(&self) -> Option<String> {
        let a = self.script.actions.get(self.next)?;
        let (n, total) = (self.next + 1, self.script.actions.len());
        let hint = self.hint_for(*a);
        // Counted in calls, not steps: the status line counts steps,
        // and two "step" counters side by side disagreed.
        Some(msg!(
            self.lang,
            "lab-next-call",
            n = n,
            total = total,
            hint = hint
        ))
    }

    fn finished(&self) -> bool {
        self.next >= self.script.actions.len()
    }

    fn status(&self) -> String {
        let lang = self.lang;
        let mut s = msg!(
            lang,
            "lab-status",
            script = self.script.name,
            client = self.client_addr.to_string(),
            server = self.server_addr.to_string(),
            iface = self.iface.as_str(),
            frames = self.frames,
        );
        if let Some(k) = self.kernel_line() {
            s.push_str(text(lang, "semicolon"));
            s.push_str(&k);
        }
        if let Some(q) = self
            .groups
            .last()
            .and_then(|g| g.queues)
            .filter(|_| self.script.backlog < 16)
        {
            s.push_str(text(lang, "semicolon"));
            s.push_str(&msg!(
                lang,
                "lab-status-queues",
                accept = q.accept,
                most = self.script.backlog + 1,
                syn = q.syn
            ));
        }
        if let Some(note) = &self.note {
            s.push_str(text(lang, "semicolon"));
            s.push_str(note);
        }
        if !self.mismatches.is_empty() {
            let n = self.mismatches.len();
            s.push_str(text(lang, "semicolon"));
            s.push_str(&msg!(lang, "lab-status-mismatches", n = n));
        }
        s
    }
}
