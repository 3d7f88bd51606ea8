//! Plain-words explanations, socket-call annotations and Node.js events for
//! a timeline step. Everything here is derived from the step itself (its
//! segment, call, timer and the states before and after), so a simulated
//! step and a captured one are explained by the same rules.
//!
//! The rules follow RFC 9293 and Linux, not folklore: `accept()` takes no
//! part in the handshake, `connect()` returns when the SYN/ACK arrives, SYN
//! and FIN each take one sequence number, `close()` with unread data sends
//! RST, and the side that closes first waits in TIME_WAIT.

use crate::tcp::state::State;
use crate::timeline::{Call, CallResult, SegmentView, Side, Step, StepKind, Timer};

/// A short name for a segment: "SYN", "SYN/ACK", "FIN/ACK", "data", ...
pub fn segment_name(v: &SegmentView) -> String {
    let f = v.seg.flags;
    let mut parts: Vec<&str> = Vec::new();
    if f.syn() {
        parts.push("SYN");
    }
    if f.fin() {
        parts.push("FIN");
    }
    if f.rst() {
        parts.push("RST");
    }
    if f.ack() {
        parts.push("ACK");
    }
    let mut name = if parts.is_empty() {
        "no flags".to_string()
    } else {
        parts.join("/")
    };
    if v.len > 0 {
        name = format!("{name} + {} bytes", v.len);
    }
    name
}

fn moved(step: &Step, side: Side) -> Option<(Option<State>, Option<State>)> {
    let (b, a) = (step.before.get(side), step.after.get(side));
    (b != a).then_some((b, a))
}

fn went(step: &Step, side: Side, from: State, to: State) -> bool {
    step.before.get(side) == Some(from) && step.after.get(side) == Some(to)
}

/// What the socket API sees on each side during this step: `[client, server]`.
pub fn side_calls(step: &Step) -> [Option<String>; 2] {
    let mut out: [Option<String>; 2] = [None, None];
    match step.kind {
        StepKind::Call => {
            let call = step.call.map(|c| c.name().to_string()).unwrap_or_default();
            let text = match &step.call_result {
                Some(CallResult::Bytes(n)) if step.call == Some(Call::Read) => {
                    format!("{call} returns {n}")
                }
                Some(CallResult::Bytes(n)) => format!("{call} of {n} bytes"),
                Some(CallResult::Eof) => format!("{call} returns 0 (EOF)"),
                Some(CallResult::Error(e)) => format!("{call} fails: {e}"),
                Some(CallResult::Abort { .. }) => format!("{call} (aborts with RST)"),
                _ if step.call == Some(Call::Connect) => format!("{call} (blocks)"),
                _ => call,
            };
            out[step.side.index()] = Some(text);
        }
        StepKind::Timer => {}
        StepKind::Segment => {
            let to = step.side.other();
            if let Some(c) = step.call {
                out[step.side.index()] = Some(c.name().to_string());
            }
            let v = step.segment.as_ref();
            if v.is_some_and(|v| v.lost) {
                return out;
            }
            let note = if went(step, to, State::SynSent, State::Established) {
                Some("connect() returns 0".to_string())
            } else if went(step, to, State::SynReceived, State::Established)
                && step.before.get(to) == Some(State::SynReceived)
                && to == Side::Server
            {
                Some("queued: accept() can return".to_string())
            } else if went(step, to, State::SynSent, State::Closed) {
                Some("connect() fails: ECONNREFUSED".to_string())
            } else if step.after.get(to) == Some(State::Closed)
                && v.is_some_and(|v| v.seg.flags.rst())
                && step.before.get(to).is_some_and(State::is_synchronized)
            {
                Some("next read()/write() fails: ECONNRESET".to_string())
            } else if moved(step, to).is_some_and(|(_, a)| a.is_some_and(State::fin_received))
                && v.is_some_and(|v| v.seg.flags.fin())
            {
                Some("read() will return 0 (EOF)".to_string())
            } else {
                v.filter(|v| v.len > 0)
                    .map(|v| format!("read() can return {} bytes", v.len))
            };
            if note.is_some() {
                out[to.index()] = note;
            }
        }
    }
    out
}

/// The Node.js `net` event each side's program would see: `[client, server]`.
pub fn node_events(step: &Step) -> [Option<&'static str>; 2] {
    let mut out = [None, None];
    match step.kind {
        StepKind::Call => {
            if step.call == Some(Call::Accept) {
                out[step.side.index()] = Some("'connection'");
            }
        }
        StepKind::Timer => {}
        StepKind::Segment => {
            let Some(v) = step.segment.as_ref().filter(|v| !v.lost) else {
                return out;
            };
            let to = step.side.other();
            let before = step.before.get(to);
            let after = step.after.get(to);
            out[to.index()] = if v.seg.flags.rst() && before != after {
                Some("'error', 'close'")
            } else if before == Some(State::SynSent) && after == Some(State::Established) {
                Some("'connect'")
            } else if v.seg.flags.fin() && after == Some(State::TimeWait) {
                Some("'end', 'close'")
            } else if v.seg.flags.fin() && before != after {
                Some("'end'")
            } else if after == Some(State::Closed) && before == Some(State::LastAck) {
                Some("'close'")
            } else if v.len > 0 {
                Some("'data'")
            } else {
                None
            };
        }
    }
    out
}

/// The layers a step involves, top of the stack first.
pub fn layers(step: &Step) -> Vec<String> {
    match step.kind {
        StepKind::Call => vec![
            "L7 application: your program calls the socket API".into(),
            "L4 transport: the kernel's TCP acts on it".into(),
        ],
        StepKind::Timer => vec!["L4 transport: a timer inside the kernel's TCP".into()],
        StepKind::Segment => match step.segment.as_ref().and_then(|v| v.bytes.as_ref()) {
            Some(b) => b
                .layers
                .iter()
                .map(|l| {
                    format!(
                        "L{} {}: {} (bytes {}-{})",
                        l.layer.osi(),
                        l.layer.tcpip(),
                        l.name,
                        l.range.start,
                        l.range.end.saturating_sub(1)
                    )
                })
                .collect(),
            None => vec!["L4 transport: TCP".into()],
        },
    }
}

/// One or two sentences on what happened and why.
pub fn explain(step: &Step) -> String {
    match step.kind {
        StepKind::Call => explain_call(step),
        StepKind::Timer => explain_timer(step),
        StepKind::Segment => explain_segment(step),
    }
}

fn explain_call(step: &Step) -> String {
    let who = step.side;
    let before = step.before.get(who);
    let after = step.after.get(who);
    match (step.call, &step.call_result) {
        (Some(Call::Listen), _) => format!(
            "The {who} makes a socket, bind()s it to its port and calls listen(). \
             Nothing is sent: from now on the kernel answers SYNs to this port by itself."
        ),
        (Some(Call::Connect), _) => format!(
            "The {who} calls connect(): the kernel picks an initial sequence number and \
             sends a SYN. connect() blocks until the SYN/ACK arrives."
        ),
        (Some(Call::Accept), _) => "accept() takes the finished connection off the listen \
             queue. The kernel completed the handshake before this call; accept() sends \
             nothing."
            .to_string(),
        (Some(Call::Write), Some(CallResult::Bytes(n))) => format!(
            "write() copies {n} bytes into the {who}'s send buffer; the kernel sends them \
             in a segment and keeps a copy until they are acknowledged."
        ),
        (Some(Call::Read), Some(CallResult::Bytes(n))) => format!(
            "read() returns the {n} bytes waiting in the {who}'s receive buffer. They were \
             acknowledged by the kernel when they arrived, not now."
        ),
        (Some(Call::Read), Some(CallResult::Eof)) => format!(
            "read() returns 0: end of file. The peer sent FIN, so no more data will come. \
             The {who} can still send until it closes too."
        ),
        (Some(Call::Read), Some(CallResult::Error(e))) => {
            format!("read() fails with {e}: the connection was reset by an RST from the peer.")
        }
        (Some(Call::Shutdown), _) => format!(
            "shutdown(SHUT_WR): the {who} will send no more data, so its kernel sends FIN; \
             the socket stays open for reading (a half-close)."
        ),
        (Some(Call::Close), Some(CallResult::Abort { unread })) if *unread > 0 => format!(
            "close() with {unread} unread bytes in the receive buffer: the kernel discards \
             them and resets the connection with RST instead of FIN (RFC 2525 §2.17), \
             so the peer learns that data was lost. No TIME_WAIT."
        ),
        (Some(Call::Close), Some(CallResult::Abort { .. })) => "close() with SO_LINGER set \
             to 0 aborts: the kernel sends RST instead of FIN and forgets the connection at \
             once. No TIME_WAIT."
            .to_string(),
        (Some(Call::Close), _) if after == Some(State::FinWait1) => format!(
            "close(): the {who} closes first (the active close). Its kernel sends FIN; \
             this side will end in TIME_WAIT."
        ),
        (Some(Call::Close), _) if after == Some(State::LastAck) => format!(
            "close() after the peer's FIN (the passive close): the {who}'s kernel sends its \
             own FIN and waits for the last ACK."
        ),
        (Some(Call::Close), _) if before == after => format!(
            "close() releases the {who}'s descriptor. Its FIN went out earlier, so nothing \
             new is sent."
        ),
        (Some(Call::Close), _) => format!("The {who} calls close()."),
        (Some(Call::LingerZero), _) => format!(
            "setsockopt(SO_LINGER, {{on, 0}}): a later close() on the {who} will abort the \
             connection with RST instead of closing it with FIN."
        ),
        (Some(c), _) => format!("The {who} calls {c}."),
        (None, _) => String::new(),
    }
}

fn explain_timer(step: &Step) -> String {
    let who = step.side;
    match step.timer {
        Some(Timer::Retransmission { rto }) => format!(
            "No ACK reached the {who} within its retransmission timeout ({rto:.0} s). Its \
             kernel sends the oldest unacknowledged segment again and doubles the timeout \
             (RFC 6298)."
        ),
        Some(Timer::DelayedAck) => format!(
            "The {who}'s delayed-ACK timer ran out with nothing to send, so it sends a \
             bare ACK."
        ),
        Some(Timer::TimeWait { seconds }) => format!(
            "{seconds:.0} s (2*MSL) have passed: the {who} leaves TIME_WAIT. Any stray \
             segment of the old connection has died out, so the same ports can be reused."
        ),
        None => String::new(),
    }
}

fn explain_segment(step: &Step) -> String {
    let Some(v) = step.segment.as_ref() else {
        return String::new();
    };
    let from = step.side;
    let to = from.other();
    let f = v.seg.flags;
    let mut text = String::new();
    let push = |t: &mut String, s: String| {
        if !t.is_empty() {
            t.push(' ');
        }
        t.push_str(&s);
    };
    if v.lost {
        push(
            &mut text,
            format!(
                "This {} is lost on the wire: the {to} never sees it. The {from}'s \
                 retransmission timer is running.",
                segment_name(v)
            ),
        );
        return text;
    }
    if v.analysis
        .contains(&crate::timeline::Analysis::Retransmission)
    {
        push(
            &mut text,
            "A retransmission: the same sequence numbers sent again.".into(),
        );
    }
    let (tb, ta) = (step.before.get(to), step.after.get(to));
    let what = if f.rst() {
        match (tb, ta) {
            (Some(State::SynSent), Some(State::Closed)) => format!(
                "Nothing listens on port {}: the {from}'s kernel answers the SYN with RST. \
                 connect() fails with ECONNREFUSED.",
                v.src.port()
            ),
            (Some(b), Some(State::Closed)) if b != State::Closed => format!(
                "RST: the {from} aborts the connection. The {to} drops it at once \
                 (no FIN exchange, no TIME_WAIT); its next read() fails with ECONNRESET."
            ),
            _ => format!("RST from the {from}; the {to} ignores it or has no connection."),
        }
    } else if f.syn() && !f.ack() {
        match (tb, ta) {
            (Some(State::Listen), Some(State::SynReceived)) | (None, _) => format!(
                "The {from} opens: SYN with initial sequence number {} (relative 0) and its \
                 options. A SYN takes one sequence number. The {to}'s kernel answers by \
                 itself; no accept() is needed for that.",
                v.seg.seq
            ),
            (Some(State::SynSent), Some(State::SynReceived)) => format!(
                "Simultaneous open: the {to} sent its own SYN and now receives the {from}'s. \
                 It moves to SYN_RECEIVED and answers with SYN/ACK."
            ),
            (Some(State::Closed), _) => {
                format!("SYN to port {}, where nothing listens.", v.dst.port())
            }
            (Some(State::SynReceived), Some(State::SynReceived)) => format!(
                "The {to} has answered this SYN before, so its SYN/ACK must have been lost: \
                 it sends the SYN/ACK again."
            ),
            _ => format!("A SYN from the {from}."),
        }
    } else if f.syn() {
        match (tb, ta) {
            (Some(State::SynSent), Some(State::Established)) => format!(
                "The {from}'s kernel acknowledges the SYN (ack = ISN+1) and sends its own \
                 SYN with ISN {}. The {to} is ESTABLISHED and connect() returns.",
                v.seg.seq
            ),
            (Some(State::SynReceived), Some(State::Established)) => format!(
                "Simultaneous open: this SYN/ACK acknowledges the {to}'s SYN, so the {to} \
                 is ESTABLISHED."
            ),
            _ => format!("SYN/ACK from the {from}."),
        }
    } else if f.fin() {
        let base = format!("FIN: the {from} has no more to send. A FIN takes one sequence number.");
        let more = match (tb, ta) {
            (Some(State::Established), Some(State::CloseWait)) => format!(
                "The {to} ACKs it and enters CLOSE_WAIT; its read() returns 0 once earlier \
                 data is read. It may still send."
            ),
            (Some(State::FinWait1), Some(State::Closing)) => format!(
                "Simultaneous close: the {to} sent its own FIN and has not had it \
                 acknowledged, so it moves to CLOSING."
            ),
            (Some(State::FinWait1), Some(State::TimeWait)) => format!(
                "It also acknowledges the {to}'s FIN, so the {to} skips FIN_WAIT_2 and goes \
                 straight to TIME_WAIT (a three-way close)."
            ),
            (Some(State::FinWait2), Some(State::TimeWait)) => format!(
                "The {to} already had its FIN acknowledged; now it ACKs this one and waits \
                 in TIME_WAIT for 2*MSL, in case that last ACK is lost."
            ),
            _ => String::new(),
        };
        format!("{base} {more}").trim().to_string()
    } else if v.len > 0 {
        format!(
            "{} bytes of data from the {from}, sequence numbers {} to {} (relative). {}",
            v.len,
            v.seq_rel,
            v.seq_rel.wrapping_add(v.len),
            if f.psh() {
                "PSH: hand them to the application now."
            } else {
                ""
            }
        )
        .trim()
        .to_string()
    } else if f.ack() {
        match (tb, ta) {
            (Some(State::SynReceived), Some(State::Established)) => format!(
                "The third segment of the handshake: it acknowledges the {to}'s SYN. The \
                 {to} is ESTABLISHED and the connection waits in the accept queue."
            ),
            (Some(State::FinWait1), Some(State::FinWait2)) => format!(
                "The {from} acknowledges the FIN. The {to} waits in FIN_WAIT_2 for the \
                 {from}'s FIN."
            ),
            (Some(State::Closing), Some(State::TimeWait)) => {
                format!("This acknowledges the {to}'s FIN: CLOSING becomes TIME_WAIT.")
            }
            (Some(State::LastAck), Some(State::Closed)) => format!(
                "The last ACK: the {to}'s connection is closed and forgotten. The {from} \
                 stays in TIME_WAIT."
            ),
            _ => format!(
                "The {from} acknowledges everything up to relative sequence number {}.",
                v.ack_rel
            ),
        }
    } else {
        format!("A segment from the {from} with flags {}.", f.wireshark())
    };
    push(&mut text, what);
    if v.analysis.contains(&crate::timeline::Analysis::DupAck) {
        push(
            &mut text,
            "A duplicate ACK: the same acknowledgment again, a sign of a gap.".into(),
        );
    }
    if v.analysis.contains(&crate::timeline::Analysis::OutOfOrder) {
        push(
            &mut text,
            "Out of order: it arrives after a segment that was sent later.".into(),
        );
    }
    if v.analysis.contains(&crate::timeline::Analysis::ZeroWindow) {
        push(
            &mut text,
            "Zero window: the receiver's buffer is full; the sender must wait.".into(),
        );
    }
    text
}
