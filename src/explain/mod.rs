//! Plain-words explanations, socket-call annotations and Node.js events for
//! a timeline step, in English or Simplified Chinese. Everything here is
//! derived from the step itself (its segment, call, timer and the states
//! before and after), so a simulated step and a captured one are explained
//! by the same rules.
//!
//! The rules follow RFC 9293 and Linux, not folklore: `accept()` takes no
//! part in the handshake, `connect()` returns when the SYN/ACK arrives, SYN
//! and FIN each take one sequence number, `close()` with unread data sends
//! RST, and the side that closes first waits in TIME_WAIT. Protocol names,
//! flags, state names and socket calls stay as the RFC and POSIX spell them
//! in both languages.
//!
//! The code here chooses which message to say and with which arguments;
//! the sentences themselves are in `locales/*.ftl` (see `crate::i18n`).

use crate::i18n::{msg, text};
use crate::tcp::state::State;
use crate::timeline::{
    Analysis, Call, CallResult, Layer, SegmentView, Side, Step, StepKind, Timer,
};

pub use crate::i18n::Lang;

impl Lang {
    /// "client" / "客户端".
    pub fn side(self, side: Side) -> &'static str {
        match side {
            Side::Client => text(self, "side-client"),
            Side::Server => text(self, "side-server"),
        }
    }
}

pub mod fields;
pub mod kernel;

/// A timeline's source ("simulation: handshake", "live lab: abort",
/// "capture: x.pcap") as a heading in `lang`; the name after the colon is
/// what the user typed and stays as it is.
pub fn source_in(source: &str, lang: Lang) -> String {
    if let Some(name) = source.strip_prefix("simulation: ") {
        msg!(lang, "source-simulation", name = name)
    } else if let Some(name) = source.strip_prefix("live lab: ") {
        msg!(lang, "source-live", name = name)
    } else if let Some(name) = source.strip_prefix("capture: ") {
        msg!(lang, "source-capture", name = name)
    } else if let Some(name) = source.strip_prefix("sniff: ") {
        msg!(lang, "source-sniff", name = name)
    } else {
        source.to_string()
    }
}

/// A header's name in `lang`: protocol names stay, the payload is 载荷.
pub fn layer_name(name: &str, lang: Lang) -> &str {
    match name {
        "payload" => text(lang, "layer-payload"),
        _ => name,
    }
}

/// A layer's place in the OSI model ("4 transport"), in `lang`.
pub fn osi_name(layer: Layer, lang: Lang) -> &'static str {
    match layer {
        Layer::Link => text(lang, "layer-osi-link"),
        Layer::Network => text(lang, "layer-osi-network"),
        Layer::Transport => text(lang, "layer-osi-transport"),
        Layer::Application => text(lang, "layer-osi-application"),
    }
}

/// A layer in the four-layer TCP/IP model (RFC 1122), in `lang`.
pub fn tcpip_name(layer: Layer, lang: Lang) -> &'static str {
    match layer {
        Layer::Link => text(lang, "layer-tcpip-link"),
        Layer::Network => text(lang, "layer-tcpip-network"),
        Layer::Transport => text(lang, "layer-tcpip-transport"),
        Layer::Application => text(lang, "layer-tcpip-application"),
    }
}

/// The name of a Wireshark analysis mark in `lang`.
pub fn analysis_name(a: Analysis, lang: Lang) -> &'static str {
    match a {
        Analysis::Retransmission => text(lang, "analysis-retransmission"),
        Analysis::DupAck => text(lang, "analysis-dup-ack"),
        Analysis::OutOfOrder => text(lang, "analysis-out-of-order"),
        Analysis::ZeroWindow => text(lang, "analysis-zero-window"),
        Analysis::SpuriousRetransmission => text(lang, "analysis-spurious-retransmission"),
        Analysis::KeepAlive => text(lang, "analysis-keep-alive"),
        Analysis::KeepAliveAck => text(lang, "analysis-keep-alive-ack"),
        Analysis::ZeroWindowProbe => text(lang, "analysis-zero-window-probe"),
        Analysis::ZeroWindowProbeAck => text(lang, "analysis-zero-window-probe-ack"),
        Analysis::ChallengeAck => text(lang, "analysis-challenge-ack"),
    }
}

/// A short name for a segment: "SYN", "SYN/ACK", "FIN/ACK", "data", ...
pub fn segment_name(v: &SegmentView) -> String {
    segment_name_in(v, Lang::En)
}

pub fn segment_name_in(v: &SegmentView, lang: Lang) -> String {
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
    let name = if parts.is_empty() {
        text(lang, "segment-no-flags").to_string()
    } else {
        parts.join("/")
    };
    if v.len > 0 {
        msg!(lang, "segment-with-payload", name = name, n = v.len)
    } else {
        name
    }
}

fn went(step: &Step, side: Side, from: State, to: State) -> bool {
    step.before.get(side) == Some(from) && step.after.get(side) == Some(to)
}

/// What the socket API sees on each side during this step: `[client, server]`.
pub fn side_calls(step: &Step) -> [Option<String>; 2] {
    side_calls_in(step, Lang::En)
}

pub fn side_calls_in(step: &Step, lang: Lang) -> [Option<String>; 2] {
    let mut out: [Option<String>; 2] = [None, None];
    match step.kind {
        StepKind::Call => {
            let call = step.call.map(|c| c.name()).unwrap_or_default();
            let text = match &step.call_result {
                Some(CallResult::Bytes(n)) if step.call.is_some_and(Call::receives) => {
                    msg!(lang, "calls-returns", call = call, n = *n)
                }
                Some(CallResult::Bytes(n)) => msg!(lang, "calls-wrote", call = call, n = *n),
                Some(CallResult::Eof) => msg!(lang, "calls-eof", call = call),
                Some(CallResult::TimedOut) => msg!(lang, "calls-timed-out", call = call),
                Some(CallResult::Error(e)) => msg!(lang, "calls-fails", call = call, errno = *e),
                Some(CallResult::Abort { .. }) => msg!(lang, "calls-aborts", call = call),
                _ if step.call == Some(Call::Connect) => msg!(lang, "calls-blocks", call = call),
                _ => call.to_string(),
            };
            out[step.side.index()] = Some(text);
        }
        StepKind::Timer => {}
        StepKind::Datagram => {
            // What the two programs' UDP sockets see: one call each, the
            // whole datagram or nothing. Where the calls are steps of their
            // own (the live lab), the datagram names only the call that sent
            // it, as a segment does.
            if let (Some(c), Some(v)) = (step.call, step.datagram.as_deref()) {
                out[v.from.index()] = Some(c.name().to_string());
            } else if let Some(v) = step.datagram.as_deref().filter(|v| !v.gone) {
                out[v.from.index()] = Some(msg!(lang, "calls-wrote", call = "sendto()", n = v.len));
                out[v.from.other().index()] =
                    Some(msg!(lang, "calls-returns", call = "recvfrom()", n = v.len));
            }
        }
        StepKind::Segment => {
            let to = step.side.other();
            if let Some(c) = step.call {
                out[step.side.index()] = Some(c.name().to_string());
            }
            let v = step.segment.as_ref();
            if v.is_some_and(|v| v.lost) {
                return out;
            }
            let syn_ack = v.is_some_and(|v| v.seg.flags.syn() && v.seg.flags.ack());
            let note = if went(step, to, State::SynSent, State::Established)
                || (went(step, to, State::SynReceived, State::Established) && syn_ack)
            {
                // connect() returns once its SYN is acknowledged; in a
                // simultaneous open that comes with the peer's SYN/ACK.
                Some(msg!(lang, "calls-connect-returns"))
            } else if went(step, to, State::SynReceived, State::Established) && to == Side::Server {
                Some(msg!(lang, "calls-accept-queued"))
            } else if went(step, to, State::SynSent, State::Closed) {
                Some(msg!(lang, "calls-connect-refused"))
            } else if v.is_some_and(|v| v.seg.flags.rst()) {
                rst_note(step.before.get(to), step.after.get(to), lang)
            } else if step.before.get(to) != Some(State::CloseWait)
                && step.after.get(to) == Some(State::CloseWait)
                && v.is_some_and(|v| v.seg.flags.fin())
            {
                // Only a side that has not sent its own FIN is sure to still
                // hold its descriptor; after close() there is nothing left to
                // read from, and the captures cannot tell close() from
                // shutdown().
                Some(msg!(lang, "calls-eof-ahead"))
            } else {
                // Counted at the receiver: nothing is readable behind a gap,
                // and the segment that fills it releases all that waited.
                v.filter(|v| v.readable > 0)
                    .map(|v| msg!(lang, "calls-readable", n = v.readable))
            };
            if note.is_some() {
                out[to.index()] = note;
            }
        }
    }
    out
}

/// What an RST means to the socket calls of the side that receives it, by
/// the state it was in (Linux's `tcp_reset()`).
fn rst_note(before: Option<State>, after: Option<State>, lang: Lang) -> Option<String> {
    if after != Some(State::Closed) || before == after {
        return None;
    }
    match before? {
        // The FIN came first: read() keeps returning 0, and Linux sets EPIPE.
        State::CloseWait => Some(msg!(lang, "calls-rst-close-wait")),
        State::Established => Some(msg!(lang, "calls-rst-established")),
        // TIME_WAIT has no descriptor; LAST_ACK and CLOSING have read their
        // EOF and sent their FIN; a SYN_RECEIVED one was never accept()ed;
        // FIN_WAIT_* may already be close()d. Nobody's call is sure to fail.
        _ => None,
    }
}

/// The Node.js `net` event each side's program would see: `[client, server]`.
///
/// Node emits 'close' once both 'end' (the peer's FIN was read) and
/// 'finish' (its own end() was flushed to the kernel) have happened, or on
/// destroy; it never sees the last ACK of a passive close.
pub fn node_events(step: &Step) -> [Option<&'static str>; 2] {
    let mut out = [None, None];
    match step.kind {
        StepKind::Call => {
            let before = step.before.get(step.side);
            out[step.side.index()] = match (step.call, &step.call_result) {
                (Some(Call::Accept), _) => Some("'connection'"),
                // socket.resetAndDestroy()
                (Some(Call::Close), Some(CallResult::Abort { .. })) => Some("'close'"),
                (Some(Call::Close) | Some(Call::Shutdown), _)
                    if before == Some(State::CloseWait) =>
                {
                    Some("'finish', 'close'")
                }
                (Some(Call::Close) | Some(Call::Shutdown), _)
                    if matches!(before, Some(State::Established) | Some(State::SynReceived)) =>
                {
                    Some("'finish'")
                }
                _ => None,
            };
        }
        StepKind::Timer => {}
        StepKind::Datagram => {
            // Node's dgram socket: one 'message' per datagram received.
            if let Some(v) = step.datagram.as_deref().filter(|v| !v.gone) {
                out[v.from.other().index()] = Some("'message'");
            }
        }
        StepKind::Segment => {
            let Some(v) = step.segment.as_ref().filter(|v| !v.lost) else {
                return out;
            };
            let to = step.side.other();
            let before = step.before.get(to);
            let after = step.after.get(to);
            let sent_fin = matches!(
                before,
                Some(State::FinWait1) | Some(State::FinWait2) | Some(State::Closing)
            );
            out[to.index()] = if v.seg.flags.rst() && before != after {
                match before {
                    Some(State::SynSent)
                    | Some(State::Established)
                    | Some(State::FinWait1)
                    | Some(State::FinWait2) => Some("'error', 'close'"),
                    _ => None,
                }
            } else if (before == Some(State::SynSent)
                || (before == Some(State::SynReceived) && v.seg.flags.syn()))
                && after == Some(State::Established)
            {
                Some("'connect'")
            } else if v.seg.flags.fin() && before != after && sent_fin {
                Some("'end', 'close'")
            } else if v.seg.flags.fin() && before != after {
                Some("'end'")
            } else if v.readable > 0 && !v.seg.flags.rst() {
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
    layers_in(step, Lang::En)
}

pub fn layers_in(step: &Step, lang: Lang) -> Vec<String> {
    match step.kind {
        StepKind::Call => vec![
            msg!(lang, "layers-call-app"),
            if step.is_udp() {
                msg!(lang, "layers-call-transport-udp")
            } else {
                msg!(lang, "layers-call-transport")
            },
        ],
        StepKind::Timer => vec![msg!(lang, "layers-timer")],
        StepKind::Datagram => match step.datagram.as_ref().and_then(|v| v.bytes.as_ref()) {
            Some(b) => spans_in(&b.layers, lang),
            None => vec![msg!(lang, "layers-datagram")],
        },
        StepKind::Segment => match step.segment.as_ref().and_then(|v| v.bytes.as_ref()) {
            Some(b) => spans_in(&b.layers, lang),
            None => vec![msg!(lang, "layers-segment")],
        },
    }
}

/// Each header's layer, name and bytes, as the layers list shows it.
fn spans_in(layers: &[crate::timeline::LayerSpan], lang: Lang) -> Vec<String> {
    layers
        .iter()
        .map(|l| {
            let (osi, tcpip) = (osi_name(l.layer, lang), tcpip_name(l.layer, lang));
            msg!(
                lang,
                "layers-span",
                osi = osi,
                tcpip = tcpip,
                name = layer_name(&l.name, lang),
                start = l.range.start,
                end = l.range.end.saturating_sub(1),
            )
        })
        .collect()
}

/// One or two sentences on what happened and why.
pub fn explain(step: &Step) -> String {
    explain_in(step, Lang::En)
}

pub fn explain_in(step: &Step, lang: Lang) -> String {
    match step.kind {
        StepKind::Call => explain_call(step, lang),
        StepKind::Timer => explain_timer(step, lang),
        StepKind::Segment => explain_segment(step, lang),
        StepKind::Datagram => explain_datagram(step, lang),
    }
}

/// UDP in contrast with TCP: what it does not do is the lesson.
fn explain_datagram(step: &Step, lang: Lang) -> String {
    let Some(v) = step.datagram.as_deref() else {
        return String::new();
    };
    let (who, n, port) = (lang.side(v.from), v.len, v.dst.port());
    if v.gone {
        msg!(lang, "explain-datagram-gone", who = who, n = n, port = port)
    } else {
        msg!(lang, "explain-datagram", who = who, n = n, port = port)
    }
}

fn explain_call(step: &Step, lang: Lang) -> String {
    let who = lang.side(step.side);
    let before = step.before.get(step.side);
    let after = step.after.get(step.side);
    match (step.call, &step.call_result) {
        (Some(Call::Listen), _) => msg!(lang, "explain-listen", who = who),
        // A non-blocking socket (Node.js makes every socket one): the
        // SYN is on its way and nothing has failed yet.
        (Some(Call::Connect), Some(CallResult::Error("EINPROGRESS"))) => {
            msg!(lang, "explain-connect-in-progress", who = who)
        }
        (Some(Call::Connect), Some(CallResult::Error(e))) => {
            msg!(lang, "explain-connect-fails", who = who, errno = *e)
        }
        (Some(Call::Connect), _) => msg!(lang, "explain-connect", who = who),
        (Some(Call::Accept), _) => msg!(lang, "explain-accept"),
        (Some(Call::Write), Some(CallResult::Bytes(n))) => {
            msg!(lang, "explain-write", who = who, n = *n)
        }
        (Some(Call::Read), Some(CallResult::Bytes(n))) => {
            msg!(lang, "explain-read", who = who, n = *n)
        }
        (Some(Call::Read), Some(CallResult::Eof)) if after != Some(State::CloseWait) => {
            msg!(lang, "explain-read-eof-both", who = who)
        }
        (Some(Call::Read), Some(CallResult::Eof)) => msg!(lang, "explain-read-eof", who = who),
        // The live lab's WebSocket client refusing a wrong accept value:
        // an application-layer failure, not a reset.
        (Some(Call::Read), Some(CallResult::Error("EPROTO"))) => msg!(lang, "explain-read-eproto"),
        (Some(Call::Read), Some(CallResult::Error(e))) => {
            msg!(lang, "explain-read-fails", errno = *e)
        }
        (Some(Call::Shutdown), _) => msg!(lang, "explain-shutdown", who = who),
        (Some(Call::Close), Some(CallResult::Abort { unread })) if *unread > 0 => {
            msg!(lang, "explain-close-unread", n = *unread)
        }
        (Some(Call::Close), Some(CallResult::Abort { .. })) => msg!(lang, "explain-close-linger"),
        (Some(Call::Close), _) if after == Some(State::FinWait1) => {
            msg!(lang, "explain-close-active", who = who)
        }
        (Some(Call::Close), _) if after == Some(State::LastAck) => {
            msg!(lang, "explain-close-passive", who = who)
        }
        // A UDP socket: no connection, so no states before or after.
        (Some(Call::Close), _) if before.is_none() && after.is_none() => {
            msg!(lang, "explain-close-udp", who = who)
        }
        // Nothing to send: either the connection is gone already (refused,
        // reset, aborted), or shutdown() sent the FIN before.
        (Some(Call::Close), _) if before == after && before == Some(State::Closed) => {
            msg!(lang, "explain-close-gone", who = who)
        }
        (Some(Call::Close), _) if before == after => {
            msg!(lang, "explain-close-after-shutdown", who = who)
        }
        (Some(Call::Close), _) => msg!(lang, "explain-close", who = who),
        (Some(Call::LingerZero), _) => msg!(lang, "explain-linger-zero", who = who),
        (Some(Call::SendTo), Some(CallResult::Bytes(n))) => {
            msg!(lang, "explain-sendto", who = who, n = *n)
        }
        (Some(Call::RecvFrom), Some(CallResult::Bytes(n))) => {
            msg!(lang, "explain-recvfrom", who = who, n = *n)
        }
        (Some(Call::Poll), Some(CallResult::TimedOut)) => {
            msg!(lang, "explain-poll-timeout", who = who)
        }
        (Some(Call::Poll), Some(CallResult::Done)) => msg!(lang, "explain-poll-ready", who = who),
        (Some(c), _) => msg!(lang, "explain-call", who = who, call = c.name()),
        (None, _) => String::new(),
    }
}

/// Seconds as the explanations print them: whole seconds.
fn secs(s: f64) -> String {
    format!("{s:.0}")
}

fn explain_timer(step: &Step, lang: Lang) -> String {
    let who = lang.side(step.side);
    match step.timer {
        // Linux 6.5+ (net.ipv4.tcp_syn_linear_timeouts) does not double
        // the first SYN retries; RFC 6298's doubling is for the rest.
        Some(Timer::Retransmission { rto })
            if step.before.get(step.side) == Some(State::SynSent) =>
        {
            msg!(lang, "explain-timer-syn", who = who, seconds = secs(rto))
        }
        Some(Timer::Retransmission { rto }) => {
            msg!(lang, "explain-timer-rto", who = who, seconds = secs(rto))
        }
        Some(Timer::DelayedAck) => msg!(lang, "explain-timer-delayed-ack", who = who),
        // Linux has no MSL: TIME_WAIT is the fixed TCP_TIMEWAIT_LEN. And the
        // four-tuple is not locked until now (RFC 9293 §3.6.1, RFC 6191).
        Some(Timer::TimeWait { seconds }) => msg!(
            lang,
            "explain-timer-time-wait",
            who = who,
            seconds = secs(seconds)
        ),
        None => String::new(),
    }
}

/// What an RST does to the receiver, by the receiver's states before and
/// after it (Linux's tcp_reset() and tcp_timewait_state_process()).
fn explain_rst(
    v: &SegmentView,
    tb: Option<State>,
    ta: Option<State>,
    from: &str,
    to: &str,
    lang: Lang,
) -> String {
    match (tb, ta) {
        (Some(State::SynSent), Some(State::Closed)) => {
            msg!(
                lang,
                "explain-rst-refused",
                from = from,
                port = v.src.port()
            )
        }
        (Some(State::TimeWait), Some(State::Closed)) => {
            msg!(lang, "explain-rst-time-wait", to = to)
        }
        (Some(State::CloseWait), Some(State::Closed)) => {
            msg!(lang, "explain-rst-close-wait", from = from, to = to)
        }
        (Some(State::LastAck | State::Closing), Some(State::Closed)) => {
            msg!(lang, "explain-rst-both-fins", from = from, to = to)
        }
        (Some(State::SynReceived), Some(State::Closed | State::Listen)) => {
            msg!(lang, "explain-rst-handshake", from = from, to = to)
        }
        (Some(State::FinWait1 | State::FinWait2), Some(State::Closed)) => {
            msg!(lang, "explain-rst-fin-wait", from = from, to = to)
        }
        (Some(b), Some(State::Closed)) if b != State::Closed => {
            msg!(lang, "explain-rst-abort", from = from, to = to)
        }
        (None, _) => msg!(lang, "explain-rst-unknown", from = from, to = to),
        (Some(b), Some(a)) if b == a && b.is_synchronized() => {
            msg!(lang, "explain-rst-not-trusted", from = from, to = to)
        }
        _ => msg!(lang, "explain-rst-ignored", from = from, to = to),
    }
}

fn explain_segment(step: &Step, lang: Lang) -> String {
    let Some(v) = step.segment.as_ref() else {
        return String::new();
    };
    let from = lang.side(step.side);
    let to_side = step.side.other();
    let to = lang.side(to_side);
    let f = v.seg.flags;
    let mut parts: Vec<String> = Vec::new();
    if v.lost {
        return msg!(
            lang,
            "explain-lost",
            name = segment_name_in(v, lang),
            from = from,
            to = to
        );
    }
    let repeats_own_syn =
        f.syn() && f.ack() && matches!(step.before.get(to_side), Some(State::SynReceived));
    if v.analysis.contains(&Analysis::Retransmission) && repeats_own_syn {
        parts.push(msg!(lang, "explain-syn-ack-retransmission"));
    } else if v.analysis.contains(&Analysis::SpuriousRetransmission) {
        parts.push(msg!(lang, "explain-spurious-retransmission"));
    } else if v.analysis.contains(&Analysis::Retransmission) {
        parts.push(msg!(lang, "explain-retransmission"));
    }
    let (tb, ta) = (step.before.get(to_side), step.after.get(to_side));
    if f.rst() {
        parts.push(explain_rst(v, tb, ta, from, to, lang));
        if v.len > 0 {
            parts.push(msg!(lang, "explain-rst-payload", n = v.len));
        }
    } else if f.syn() && !f.ack() {
        parts.push(match (tb, ta) {
            (Some(State::Listen), Some(State::SynReceived)) | (None, _) => msg!(
                lang,
                "explain-syn-open",
                from = from,
                to = to,
                isn = v.seg.seq.0
            ),
            (Some(State::SynSent), Some(State::SynReceived)) => {
                msg!(lang, "explain-syn-simultaneous", from = from, to = to)
            }
            (Some(State::SynReceived), Some(State::SynReceived)) => {
                msg!(lang, "explain-syn-again", to = to)
            }
            (Some(State::Closed), _) => msg!(lang, "explain-syn-closed", port = v.dst.port()),
            _ => msg!(lang, "explain-syn", from = from),
        });
    } else if f.syn() {
        parts.push(match (tb, ta) {
            (Some(State::SynSent), Some(State::Established)) => msg!(
                lang,
                "explain-syn-ack",
                from = from,
                to = to,
                isn = v.seg.seq.0
            ),
            (Some(State::SynReceived), Some(State::Established)) => {
                msg!(lang, "explain-syn-ack-simultaneous", to = to)
            }
            _ => msg!(lang, "explain-syn-ack-other", from = from),
        });
    } else if f.fin() {
        parts.push(msg!(lang, "explain-fin", from = from));
        match (tb, ta) {
            (Some(State::Established), Some(State::CloseWait)) => {
                parts.push(msg!(lang, "explain-fin-close-wait", to = to));
            }
            (Some(State::FinWait1), Some(State::Closing)) => {
                parts.push(msg!(lang, "explain-fin-closing", to = to));
            }
            (Some(State::FinWait1), Some(State::TimeWait)) => {
                parts.push(msg!(lang, "explain-fin-three-way", from = from, to = to));
            }
            (Some(State::FinWait2), Some(State::TimeWait)) => {
                parts.push(msg!(lang, "explain-fin-time-wait", to = to));
            }
            _ => {}
        }
    } else if v.len > 0 {
        parts.push(msg!(
            lang,
            "explain-data",
            n = v.len,
            from = from,
            first = v.seq_rel,
            last = v.seq_rel.wrapping_add(v.len).wrapping_sub(1),
            next = v.seq_rel.wrapping_add(v.len),
        ));
        if f.psh() {
            parts.push(msg!(lang, "explain-psh"));
        }
    } else if f.ack() {
        parts.push(match (tb, ta) {
            (Some(State::SynReceived), Some(State::Established)) => {
                msg!(lang, "explain-ack-handshake", from = from, to = to)
            }
            (Some(State::FinWait1), Some(State::FinWait2)) => {
                msg!(lang, "explain-ack-fin-wait-2", from = from, to = to)
            }
            (Some(State::Closing), Some(State::TimeWait)) => {
                msg!(lang, "explain-ack-closing", to = to)
            }
            (Some(State::LastAck), Some(State::Closed)) => {
                msg!(lang, "explain-ack-last", from = from, to = to)
            }
            _ => msg!(lang, "explain-ack", from = from, ack = v.ack_rel),
        });
    } else {
        parts.push(msg!(
            lang,
            "explain-other-flags",
            from = from,
            flags = f.wireshark()
        ));
    }
    let from_side = step.side;
    if step.before.get(from_side) == Some(State::SynSent)
        && step.after.get(from_side) == Some(State::Established)
        && !f.syn()
    {
        parts.push(msg!(
            lang,
            "explain-syn-ack-not-captured",
            from = from,
            to = to
        ));
    }
    if tb.is_none() && ta.is_some() && !f.syn() && !f.rst() {
        parts.push(msg!(lang, "explain-one-direction", from = from, to = to));
    }
    if v.gap_before && v.len > 0 {
        parts.push(msg!(lang, "explain-gap", to = to));
    }
    if v.readable > v.len && v.len > 0 {
        parts.push(msg!(lang, "explain-gap-filled", n = v.readable));
    }
    let marks = [
        (Analysis::ChallengeAck, text(lang, "explain-challenge-ack")),
        (Analysis::KeepAlive, text(lang, "explain-keep-alive")),
        (Analysis::KeepAliveAck, text(lang, "explain-keep-alive-ack")),
        (
            Analysis::ZeroWindowProbe,
            text(lang, "explain-zero-window-probe"),
        ),
        (
            Analysis::ZeroWindowProbeAck,
            text(lang, "explain-zero-window-probe-ack"),
        ),
    ];
    for (mark, line) in marks {
        if v.analysis.contains(&mark) {
            parts.push(line.to_string());
        }
    }
    if f.syn() && v.len > 0 {
        parts.push(msg!(lang, "explain-fast-open", n = v.len));
    }
    if f.has(crate::timeline::segment::Flags::URG) {
        parts.push(msg!(lang, "explain-urg"));
    }
    if v.analysis.contains(&Analysis::DupAck) && !v.analysis.contains(&Analysis::ChallengeAck) {
        parts.push(msg!(lang, "explain-dup-ack"));
    }
    if v.analysis.contains(&Analysis::OutOfOrder) {
        parts.push(msg!(lang, "explain-out-of-order"));
    }
    if v.analysis.contains(&Analysis::ZeroWindow) {
        parts.push(msg!(lang, "explain-zero-window"));
    }
    parts.join(text(lang, "sentence-separator"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::timeline::States;
    use crate::timeline::segment::{Flags, Segment};
    use crate::timeline::seq::SeqNum;
    use State::*;

    /// A segment from `from` that moves the receiver from `rb` to `ra`.
    fn seg_step(from: Side, flags: Flags, len: u32, readable: u32, rb: State, ra: State) -> Step {
        let sender = if from == Side::Client {
            Established
        } else {
            FinWait2
        };
        let mut before = States::new(sender, sender);
        let mut after = before;
        before.set(from.other(), Some(rb));
        after.set(from.other(), Some(ra));
        let addr = |p| std::net::SocketAddr::from(([127, 0, 0, 1], p));
        Step {
            kind: StepKind::Segment,
            stream: 0,
            time: 0.0,
            side: from,
            call: None,
            call_result: None,
            timer: None,
            segment: Some(SegmentView {
                frame: 1,
                from,
                src: addr(1),
                dst: addr(2),
                seg: Segment {
                    seq: SeqNum(1),
                    ack: SeqNum(1),
                    flags,
                    win: 100,
                    options: Vec::new(),
                    payload: vec![b'x'; len as usize],
                },
                len,
                seq_rel: 1,
                ack_rel: 1,
                analysis: Vec::new(),
                lost: false,
                gap_before: readable == 0 && len > 0,
                readable,
                bytes: None,
                l7: None,
            }),
            before,
            after,
            kernel: None,
            kernel_detail: None,
            datagram: None,
        }
    }

    fn call_step(side: Side, call: Call, result: Option<CallResult>, b: State, a: State) -> Step {
        let mut before = States::new(Established, Established);
        let mut after = before;
        before.set(side, Some(b));
        after.set(side, Some(a));
        Step {
            kind: StepKind::Call,
            stream: 0,
            time: 0.0,
            side,
            call: Some(call),
            call_result: result,
            timer: None,
            segment: None,
            before,
            after,
            kernel: None,
            kernel_detail: None,
            datagram: None,
        }
    }

    fn timer_step(side: Side, timer: Timer, state: State) -> Step {
        let mut s = call_step(side, Call::Close, None, state, state);
        s.kind = StepKind::Timer;
        s.call = None;
        s.timer = Some(timer);
        s
    }

    const FA: Flags = Flags(Flags::FIN.0 | Flags::ACK.0);
    const RA: Flags = Flags(Flags::RST.0 | Flags::ACK.0);

    #[test]
    fn node_emits_close_when_end_and_finish_have_both_happened_not_on_the_last_ack() {
        // The passive closer's close() after 'end': 'finish' then 'close'.
        let close = call_step(Side::Server, Call::Close, None, CloseWait, LastAck);
        assert_eq!(node_events(&close)[1], Some("'finish', 'close'"));
        // Node never sees the last ACK.
        let last = seg_step(Side::Client, Flags::ACK, 0, 0, LastAck, Closed);
        assert_eq!(node_events(&last)[1], None);
        // The active closer: 'finish' at close(), 'end', 'close' with the FIN.
        let close = call_step(Side::Client, Call::Close, None, Established, FinWait1);
        assert_eq!(node_events(&close)[0], Some("'finish'"));
        let fin = seg_step(Side::Server, FA, 0, 0, FinWait2, TimeWait);
        assert_eq!(node_events(&fin)[0], Some("'end', 'close'"));
        // Simultaneous close: the crossing FIN completes both halves too.
        let fin = seg_step(Side::Server, FA, 0, 0, FinWait1, Closing);
        assert_eq!(node_events(&fin)[0], Some("'end', 'close'"));
        // SO_LINGER 0 is socket.resetAndDestroy(): 'close' at once.
        let abort = call_step(
            Side::Client,
            Call::Close,
            Some(CallResult::Abort { unread: 0 }),
            Established,
            Closed,
        );
        assert_eq!(node_events(&abort)[0], Some("'close'"));
        assert!(explain(&abort).contains("socket.resetAndDestroy()"));
    }

    #[test]
    fn a_protocol_error_on_read_is_not_told_as_a_reset() {
        let eproto = call_step(
            Side::Client,
            Call::Read,
            Some(CallResult::Error("EPROTO")),
            Established,
            Established,
        );
        let text = explain(&eproto);
        assert!(text.contains("Sec-WebSocket-Accept"), "{text}");
        assert!(!text.contains("RST"), "{text}");
        let reset = call_step(
            Side::Client,
            Call::Read,
            Some(CallResult::Error("ECONNRESET")),
            Closed,
            Closed,
        );
        assert!(explain(&reset).contains("RST"));
    }

    #[test]
    fn bytes_behind_a_gap_are_not_readable_and_filling_it_releases_them_all() {
        let held = seg_step(Side::Client, Flags::ACK, 6, 0, Established, Established);
        assert_eq!(node_events(&held)[1], None);
        assert_eq!(side_calls(&held)[1], None);
        let fill = seg_step(Side::Client, Flags::ACK, 6, 12, Established, Established);
        assert_eq!(node_events(&fill)[1], Some("'data'"));
        assert_eq!(
            side_calls(&fill)[1].as_deref(),
            Some("read() can return 12 bytes")
        );
        assert!(explain(&fill).contains("12 bytes"));
    }

    #[test]
    fn eof_is_promised_only_to_a_side_that_has_not_sent_its_fin() {
        let passive = seg_step(Side::Client, FA, 0, 0, Established, CloseWait);
        assert_eq!(
            side_calls(&passive)[1].as_deref(),
            Some("read() will return 0 (EOF)")
        );
        for (b, a) in [
            (FinWait2, TimeWait),
            (FinWait1, Closing),
            (FinWait1, TimeWait),
        ] {
            let s = seg_step(Side::Server, FA, 0, 0, b, a);
            assert_eq!(side_calls(&s)[0], None, "{b:?} -> {a:?}");
        }
    }

    #[test]
    fn close_after_a_refusal_or_reset_sends_nothing_and_claims_no_fin() {
        for lang in [Lang::En, Lang::Zh] {
            let s = call_step(Side::Client, Call::Close, None, Closed, Closed);
            let text = explain_in(&s, lang);
            assert!(!text.contains("FIN went out"), "{text}");
            assert!(!text.contains("FIN 之前已经发出"), "{text}");
        }
        let s = call_step(Side::Client, Call::Close, None, FinWait2, FinWait2);
        assert!(explain(&s).contains("shutdown() already sent its FIN"));
    }

    #[test]
    fn an_rst_is_felt_according_to_the_state_it_meets() {
        let cw = seg_step(Side::Client, RA, 0, 0, CloseWait, Closed);
        assert_eq!(
            side_calls(&cw)[1].as_deref(),
            Some("write() fails: EPIPE; read() returns 0")
        );
        assert!(explain(&cw).contains("EPIPE") && !explain(&cw).contains("fails with ECONNRESET"));
        assert_eq!(node_events(&cw)[1], None);

        let tw = seg_step(Side::Server, RA, 0, 0, TimeWait, Closed);
        assert_eq!(side_calls(&tw)[0], None);
        assert_eq!(node_events(&tw)[0], None);
        let text = explain(&tw);
        assert!(
            text.contains("RFC 1337") && text.contains("tcp_rfc1337"),
            "{text}"
        );
        assert!(!text.contains("fails with ECONNRESET"), "{text}");

        // FIN_WAIT_* may be after close(): nobody's read() is sure to fail.
        let fw = seg_step(Side::Server, RA, 0, 0, FinWait2, Closed);
        assert_eq!(side_calls(&fw)[0], None);
        assert!(explain(&fw).contains("after close() no program notices"));

        let est = seg_step(Side::Client, RA, 0, 0, Established, Closed);
        assert!(
            side_calls(&est)[1]
                .as_deref()
                .unwrap()
                .contains("ECONNRESET")
        );
        assert!(explain(&est).contains("arrived before the RST can still be read"));
        assert_eq!(node_events(&est)[1], Some("'error', 'close'"));
    }

    #[test]
    fn psh_is_not_described_as_a_delivery_order() {
        let data = seg_step(
            Side::Client,
            Flags(Flags::PSH.0 | Flags::ACK.0),
            5,
            5,
            Established,
            Established,
        );
        let text = explain(&data);
        assert!(!text.contains("hand them to the application now"), "{text}");
        assert!(text.contains("whether PSH is set or not"), "{text}");
    }

    #[test]
    fn timers_say_what_linux_does() {
        let syn = timer_step(Side::Client, Timer::Retransmission { rto: 1.0 }, SynSent);
        let text = explain(&syn);
        assert!(text.contains("tcp_syn_linear_timeouts"), "{text}");
        assert!(!text.contains("doubles the timeout (RFC 6298)"), "{text}");
        let tw = timer_step(Side::Client, Timer::TimeWait { seconds: 60.0 }, TimeWait);
        let text = explain(&tw);
        assert!(
            text.contains("TCP_TIMEWAIT_LEN") && text.contains("tcp_tw_reuse"),
            "{text}"
        );
    }

    #[test]
    fn the_handshake_teaches_both_queues_and_why_three_segments() {
        let syn = seg_step(Side::Client, Flags::SYN, 0, 0, Listen, SynReceived);
        assert!(explain(&syn).contains("stays in LISTEN"));
        assert!(explain_in(&syn, Lang::Zh).contains("半连接队列"));
        let ack = seg_step(Side::Client, Flags::ACK, 0, 0, SynReceived, Established);
        assert!(explain(&ack).contains("old duplicate"));
        assert!(explain_in(&ack, Lang::Zh).contains("全连接队列"));
        let listen = call_step(Side::Server, Call::Listen, None, Closed, Listen);
        assert!(explain(&listen).contains("SYN queue"));
        let fin = seg_step(Side::Server, FA, 0, 0, FinWait1, TimeWait);
        assert!(explain(&fin).contains("40 ms"));
        assert!(explain_in(&fin, Lang::Zh).contains("捎带确认"));
    }
}
