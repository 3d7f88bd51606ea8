//! The timeline: what every source (simulation, live lab, sniffer, capture
//! file) produces and every view renders. One [`Step`] per socket call,
//! timer or segment, with both endpoints' states before and after it.

pub mod l7;
pub mod segment;
pub mod seq;
pub mod state;

use segment::Segment;
use serde::Serialize;
use state::State;
use std::fmt;
use std::net::SocketAddr;
use std::ops::Range;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Side {
    Client,
    Server,
}

impl Side {
    pub fn other(self) -> Side {
        match self {
            Side::Client => Side::Server,
            Side::Server => Side::Client,
        }
    }
    pub fn name(self) -> &'static str {
        match self {
            Side::Client => "client",
            Side::Server => "server",
        }
    }
    pub fn index(self) -> usize {
        self as usize
    }
}

impl fmt::Display for Side {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum StepKind {
    Segment,
    Call,
    Timer,
    /// A UDP datagram: no connection, so no states before or after it.
    Datagram,
}

/// A socket call (BSD sockets / POSIX names).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Call {
    Listen,
    Connect,
    Accept,
    Write,
    Read,
    Shutdown,
    Close,
    LingerZero,
    /// A UDP socket's `sendto()`: one datagram, sent whole or not at all.
    SendTo,
    /// A UDP socket's `recvfrom()`: one whole datagram and who sent it.
    RecvFrom,
    /// `poll()` for a non-blocking `connect()` to finish (POLLOUT).
    Poll,
}

impl Call {
    pub fn name(self) -> &'static str {
        match self {
            Call::Listen => "listen()",
            Call::Connect => "connect()",
            Call::Accept => "accept()",
            Call::Write => "write()",
            Call::Read => "read()",
            Call::Shutdown => "shutdown()",
            Call::Close => "close()",
            Call::LingerZero => "setsockopt(SO_LINGER, 0)",
            Call::SendTo => "sendto()",
            Call::RecvFrom => "recvfrom()",
            Call::Poll => "poll()",
        }
    }

    /// True for the calls that take bytes in (their result is a count).
    pub fn receives(self) -> bool {
        matches!(self, Call::Read | Call::RecvFrom)
    }
}

impl fmt::Display for Call {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl Serialize for Call {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}

/// Wireshark's `tcp.analysis.*` findings that synack reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Analysis {
    Retransmission,
    DupAck,
    OutOfOrder,
    ZeroWindow,
    /// Data sent again although all of it was acknowledged already (also
    /// marked `Retransmission`, as Wireshark does).
    SpuriousRetransmission,
    KeepAlive,
    KeepAliveAck,
    ZeroWindowProbe,
    ZeroWindowProbeAck,
    /// RFC 5961's challenge ACK: the answer to a RST or SYN that is in the
    /// window but not where expected (not a Wireshark mark).
    ChallengeAck,
}

impl Analysis {
    /// The name used in NDJSON and the text views.
    pub fn name(self) -> &'static str {
        match self {
            Analysis::Retransmission => "retransmission",
            Analysis::DupAck => "dup_ack",
            Analysis::OutOfOrder => "out_of_order",
            Analysis::ZeroWindow => "zero_window",
            Analysis::SpuriousRetransmission => "spurious_retransmission",
            Analysis::KeepAlive => "keep_alive",
            Analysis::KeepAliveAck => "keep_alive_ack",
            Analysis::ZeroWindowProbe => "zero_window_probe",
            Analysis::ZeroWindowProbeAck => "zero_window_probe_ack",
            Analysis::ChallengeAck => "challenge_ack",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[serde(tag = "timer", rename_all = "snake_case")]
pub enum Timer {
    /// The retransmission timer fired after `rto` seconds.
    Retransmission { rto: f64 },
    /// The delayed-ACK timer fired.
    DelayedAck,
    /// TIME-WAIT's 2·MSL ran out.
    TimeWait { seconds: f64 },
}

/// The layer a run of header bytes belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Layer {
    Link,
    Network,
    Transport,
    Application,
}

/// One header (or the payload) inside a frame: "bytes 14..34 are IPv4".
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LayerSpan {
    pub layer: Layer,
    pub name: String,
    pub range: Range<usize>,
}

/// The captured (or built) bytes of one frame.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FrameBytes {
    /// LINKTYPE_* number of `data`.
    pub link_type: u32,
    pub data: Vec<u8>,
    /// Length on the wire.
    pub orig_len: u32,
    /// Bytes the capture holds (smaller than `orig_len` when the snap length
    /// cut the frame); `data` may be left empty when the bytes are not kept.
    pub captured_len: u32,
    pub layers: Vec<LayerSpan>,
}

impl FrameBytes {
    /// The capture's snap length cut this frame short.
    pub fn truncated(&self) -> bool {
        self.captured_len < self.orig_len
    }
}

/// A segment as one step shows it.
#[derive(Clone, Debug, PartialEq)]
pub struct SegmentView {
    /// 1-based index of the frame in its source.
    pub frame: u64,
    pub from: Side,
    pub src: SocketAddr,
    pub dst: SocketAddr,
    pub seg: Segment,
    /// Payload length from the IP header (the payload itself may be cut short).
    pub len: u32,
    /// Relative to each direction's initial sequence number, as Wireshark.
    pub seq_rel: u32,
    pub ack_rel: u32,
    pub analysis: Vec<Analysis>,
    /// Dropped by the simulated wire: only the sender changed.
    pub lost: bool,
    /// It starts beyond the next sequence number its receiver expects: the
    /// bytes before it are missing (lost, reordered, or not captured), so
    /// the receiver can only hold it (Wireshark: "previous segment not
    /// captured").
    pub gap_before: bool,
    /// Payload bytes this segment made readable at its receiver: 0 when it
    /// waits behind a gap, and the whole run released when it fills one.
    pub readable: u32,
    pub bytes: Option<FrameBytes>,
    /// The payload recognised at the application layer, kept as a label
    /// only (the streaming paths do not keep payloads).
    pub l7: Option<l7::L7>,
}

/// A UDP datagram as one step shows it. UDP has no handshake, no sequence
/// numbers, no acknowledgements and no states: a datagram is sent and
/// either arrives or is gone, so this is all there is to show.
#[derive(Clone, Debug, PartialEq)]
pub struct DatagramView {
    /// 1-based index of the frame in its source.
    pub frame: u64,
    /// `Client` is the end that sent the conversation's first datagram
    /// (tshark's address A); UDP itself has no such roles.
    pub from: Side,
    pub src: SocketAddr,
    pub dst: SocketAddr,
    /// Payload bytes, from the UDP header's length (the payload itself may
    /// be cut short by the snap length).
    pub len: u32,
    pub bytes: Option<FrameBytes>,
    pub l7: Option<l7::L7>,
    /// Known to have found no socket at the receiver, so dropped there
    /// (the live lab knows its server closed; a capture cannot tell).
    pub gone: bool,
}

impl DatagramView {
    /// The conversation's two ends, as a connection's: the first sender is
    /// the "client".
    pub fn ends(&self) -> StreamInfo {
        match self.from {
            Side::Client => StreamInfo {
                client: self.src,
                server: self.dst,
            },
            Side::Server => StreamInfo {
                client: self.dst,
                server: self.src,
            },
        }
    }
}

/// Both endpoints' states; `None` is UNKNOWN (not inferable yet).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct States {
    pub client: Option<State>,
    pub server: Option<State>,
}

impl States {
    pub fn new(client: State, server: State) -> States {
        States {
            client: Some(client),
            server: Some(server),
        }
    }
    pub fn get(&self, side: Side) -> Option<State> {
        match side {
            Side::Client => self.client,
            Side::Server => self.server,
        }
    }
    pub fn set(&mut self, side: Side, state: Option<State>) {
        match side {
            Side::Client => self.client = state,
            Side::Server => self.server = state,
        }
    }
}

pub fn state_name(s: Option<State>) -> &'static str {
    s.map_or("UNKNOWN", State::name)
}

impl Serialize for States {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut m = s.serialize_map(Some(2))?;
        m.serialize_entry("client", state_name(self.client))?;
        m.serialize_entry("server", state_name(self.server))?;
        m.end()
    }
}

/// The outcome of a call, where it matters for the story.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CallResult {
    /// Returned at once, nothing to report.
    Done,
    /// `read()`/`write()` moved this many bytes.
    Bytes(usize),
    /// `read()` returned 0: the peer's FIN arrived.
    Eof,
    /// The call failed with this errno name.
    Error(&'static str),
    /// `close()` reset the connection: `unread` bytes were waiting unread
    /// (otherwise `SO_LINGER` 0 asked for it).
    Abort { unread: u32 },
    /// `poll()` returned 0: nothing happened before its timeout.
    TimedOut,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Step {
    pub kind: StepKind,
    /// 0-based connection number within the source.
    pub stream: u32,
    /// Seconds since the first frame (or the start of the simulation).
    pub time: f64,
    /// Who acts: the caller, the timer's owner, or the segment's sender.
    pub side: Side,
    pub call: Option<Call>,
    pub call_result: Option<CallResult>,
    pub timer: Option<Timer>,
    pub segment: Option<SegmentView>,
    /// The datagram of a `Datagram` step; on a call on a UDP socket, the
    /// conversation's ends (`frame` 0, no bytes). Boxed: datagrams are rare
    /// beside segments, and every other step stays as small as before.
    pub datagram: Option<Box<DatagramView>>,
    pub before: States,
    pub after: States,
    /// The states the kernel itself reported right after the step (live lab
    /// only; `None` elsewhere).
    pub kernel: Option<States>,
    /// What the kernel's tracepoints said about this step (live lab with
    /// tracefs only).
    pub kernel_detail: Option<Box<KernelDetail>>,
}

impl Step {
    /// A UDP datagram's step: its stream is a UDP conversation, numbered
    /// apart from TCP's connections.
    pub fn is_datagram(&self) -> bool {
        self.kind == StepKind::Datagram
    }

    /// A step of a UDP conversation: a datagram, or a call on a UDP
    /// socket (the live lab's), which carries its conversation's ends.
    pub fn is_udp(&self) -> bool {
        self.datagram.is_some()
    }

    /// A step of TCP stream `n` (not of UDP conversation `n`).
    pub fn in_tcp_stream(&self, n: u32) -> bool {
        self.stream == n && !self.is_udp()
    }
}

/// The kernel's own changes attributed to one step, from its tracepoints.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct KernelDetail {
    pub transitions: Vec<KernelTransition>,
    /// What the kernel did on its own: "the kernel retransmitted this SYN/ACK".
    pub events: Vec<String>,
    /// Why the kernel's states differ from the inferred ones, when they do.
    pub note: Option<String>,
}

/// One state change of one of the kernel's sockets.
#[derive(Clone, Debug, PartialEq)]
pub struct KernelTransition {
    pub side: Side,
    /// Which socket: "listener", "connection", or "time_wait" (the small
    /// socket Linux puts in the full socket's place for TIME_WAIT).
    pub socket: &'static str,
    pub from: Option<State>,
    pub to: Option<State>,
    /// Seconds, on the same clock as the steps' `time`.
    pub t: f64,
}

/// A connection's two ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StreamInfo {
    pub client: SocketAddr,
    pub server: SocketAddr,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Timeline {
    /// What produced it, for headings: "simulation: handshake", a file name.
    pub source: String,
    pub title: String,
    pub streams: Vec<StreamInfo>,
    pub steps: Vec<Step>,
}

impl Timeline {
    /// The datagram steps (not the calls on UDP sockets, which carry
    /// their conversation's ends in the same field).
    pub fn datagrams(&self) -> impl Iterator<Item = (&Step, &DatagramView)> {
        self.steps
            .iter()
            .filter(|s| s.kind == StepKind::Datagram)
            .filter_map(|s| s.datagram.as_deref().map(|d| (s, d)))
    }

    pub fn segments(&self) -> impl Iterator<Item = (&Step, &SegmentView)> {
        self.steps
            .iter()
            .filter_map(|s| s.segment.as_ref().map(|g| (s, g)))
    }

    /// The states after the last step of TCP stream `stream`.
    pub fn final_states(&self, stream: u32) -> Option<States> {
        self.steps
            .iter()
            .rev()
            .find(|s| s.in_tcp_stream(stream))
            .map(|s| s.after)
    }
}
