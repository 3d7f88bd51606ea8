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

use crate::tcp::state::State;
use crate::timeline::{Analysis, Call, CallResult, SegmentView, Side, Step, StepKind, Timer};

/// The language of explanations and labels.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum Lang {
    #[default]
    En,
    Zh,
}

impl Lang {
    /// From the environment, as gettext looks: LC_ALL, then LC_MESSAGES,
    /// then LANG; Chinese for a Simplified Chinese locale. The texts are
    /// Simplified only, so Traditional locales (zh_TW, zh_HK, zh_MO,
    /// zh-Hant) get English unless `--lang zh` asks otherwise.
    pub fn from_env() -> Lang {
        Self::from_vars(|k| std::env::var(k).ok())
    }

    pub fn from_vars(get: impl Fn(&str) -> Option<String>) -> Lang {
        let value = ["LC_ALL", "LC_MESSAGES", "LANG"]
            .iter()
            .find_map(|k| get(k).filter(|v| !v.is_empty()));
        match value {
            Some(v) if is_simplified_chinese(&v) => Lang::Zh,
            _ => Lang::En,
        }
    }

    pub fn toggle(self) -> Lang {
        match self {
            Lang::En => Lang::Zh,
            Lang::Zh => Lang::En,
        }
    }

    /// "client" / "客户端".
    pub fn side(self, side: Side) -> &'static str {
        match (self, side) {
            (Lang::En, Side::Client) => "client",
            (Lang::En, Side::Server) => "server",
            (Lang::Zh, Side::Client) => "客户端",
            (Lang::Zh, Side::Server) => "服务端",
        }
    }
}

fn is_simplified_chinese(locale: &str) -> bool {
    let l = locale.to_ascii_lowercase().replace('-', "_");
    let Some(rest) = l.strip_prefix("zh") else {
        return false;
    };
    if !(rest.is_empty() || rest.starts_with(['_', '.', '@'])) {
        return false;
    }
    !["_tw", "_hk", "_mo", "_hant"]
        .iter()
        .any(|t| rest.starts_with(t) || rest.contains("hant"))
}

/// Pick `en` or `zh` for `lang` (both already built; the `tr!` macro below
/// builds only the one it picks).
pub fn tr<T>(lang: Lang, en: T, zh: T) -> T {
    match lang {
        Lang::En => en,
        Lang::Zh => zh,
    }
}

pub mod fields;
pub mod kernel;

/// Pick the text for `lang`; both arms are evaluated lazily.
macro_rules! tr {
    ($lang:expr, $en:expr, $zh:expr $(,)?) => {
        match $lang {
            Lang::En => $en,
            Lang::Zh => $zh,
        }
    };
}

/// A timeline's source ("simulation: handshake", "live lab: abort",
/// "capture: x.pcap") as a heading in `lang`; the name after the colon is
/// what the user typed and stays as it is.
pub fn source_in(source: &str, lang: Lang) -> String {
    if lang == Lang::En {
        return source.to_string();
    }
    const KINDS: [(&str, &str); 4] = [
        ("simulation: ", "模拟："),
        ("live lab: ", "实验："),
        ("capture: ", "抓包文件："),
        ("sniff: ", "监听网卡："),
    ];
    for (en, zh) in KINDS {
        if let Some(rest) = source.strip_prefix(en) {
            return format!("{zh}{rest}");
        }
    }
    source.to_string()
}

/// A header's name in `lang`: protocol names stay, the payload is 载荷.
pub fn layer_name(name: &str, lang: Lang) -> &str {
    match (lang, name) {
        (Lang::Zh, "payload") => "载荷",
        _ => name,
    }
}

/// The name of a Wireshark analysis mark in `lang`.
pub fn analysis_name(a: Analysis, lang: Lang) -> &'static str {
    match lang {
        Lang::En => a.name(),
        Lang::Zh => match a {
            Analysis::Retransmission => "重传",
            Analysis::DupAck => "重复确认",
            Analysis::OutOfOrder => "乱序",
            Analysis::ZeroWindow => "零窗口",
            Analysis::SpuriousRetransmission => "虚假重传",
            Analysis::KeepAlive => "保活",
            Analysis::KeepAliveAck => "保活确认",
            Analysis::ZeroWindowProbe => "零窗口探测",
            Analysis::ZeroWindowProbeAck => "零窗口探测确认",
            Analysis::ChallengeAck => "挑战确认",
        },
    }
}

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
            let call = step.call.map(|c| c.name().to_string()).unwrap_or_default();
            let text = match &step.call_result {
                Some(CallResult::Bytes(n)) if step.call == Some(Call::Read) => {
                    tr!(
                        lang,
                        format!("{call} returns {n}"),
                        format!("{call} 返回 {n}")
                    )
                }
                Some(CallResult::Bytes(n)) => tr!(
                    lang,
                    format!("{call} of {n} bytes"),
                    format!("{call} 写入 {n} 字节")
                ),
                Some(CallResult::Eof) => tr!(
                    lang,
                    format!("{call} returns 0 (EOF)"),
                    format!("{call} 返回 0（EOF）")
                ),
                Some(CallResult::Error(e)) => {
                    tr!(
                        lang,
                        format!("{call} fails: {e}"),
                        format!("{call} 失败：{e}")
                    )
                }
                Some(CallResult::Abort { .. }) => tr!(
                    lang,
                    format!("{call} (aborts with RST)"),
                    format!("{call}（以 RST 中止）")
                ),
                _ if step.call == Some(Call::Connect) => {
                    tr!(lang, format!("{call} (blocks)"), format!("{call}（阻塞）"))
                }
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
            let syn_ack = v.is_some_and(|v| v.seg.flags.syn() && v.seg.flags.ack());
            let note = if went(step, to, State::SynSent, State::Established)
                || (went(step, to, State::SynReceived, State::Established) && syn_ack)
            {
                // connect() returns once its SYN is acknowledged; in a
                // simultaneous open that comes with the peer's SYN/ACK.
                Some(tr!(lang, "connect() returns 0", "connect() 返回 0").to_string())
            } else if went(step, to, State::SynReceived, State::Established) && to == Side::Server {
                Some(
                    tr!(
                        lang,
                        "queued: accept() can return",
                        "已进入队列：accept() 可以返回"
                    )
                    .to_string(),
                )
            } else if went(step, to, State::SynSent, State::Closed) {
                Some(
                    tr!(
                        lang,
                        "connect() fails: ECONNREFUSED",
                        "connect() 失败：ECONNREFUSED"
                    )
                    .to_string(),
                )
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
                Some(tr!(lang, "read() will return 0 (EOF)", "read() 将返回 0（EOF）").to_string())
            } else {
                // Counted at the receiver: nothing is readable behind a gap,
                // and the segment that fills it releases all that waited.
                v.filter(|v| v.readable > 0).map(|v| {
                    tr!(
                        lang,
                        format!("read() can return {} bytes", v.readable),
                        format!("read() 可读到 {} 字节", v.readable)
                    )
                })
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
        State::CloseWait => Some(
            tr!(
                lang,
                "write() fails: EPIPE; read() returns 0",
                "write() 失败：EPIPE；read() 返回 0"
            )
            .to_string(),
        ),
        State::Established => Some(
            tr!(
                lang,
                "read() returns what arrived before, then fails: ECONNRESET",
                "read() 先读完之前到达的数据，然后失败：ECONNRESET"
            )
            .to_string(),
        ),
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
            tr!(
                lang,
                "L7 application: your program calls the socket API",
                "L7 应用层：程序调用套接字 API"
            )
            .into(),
            tr!(
                lang,
                "L4 transport: the kernel's TCP acts on it",
                "L4 传输层：内核中的 TCP 执行它"
            )
            .into(),
        ],
        StepKind::Timer => vec![
            tr!(
                lang,
                "L4 transport: a timer inside the kernel's TCP",
                "L4 传输层：内核 TCP 的定时器"
            )
            .into(),
        ],
        StepKind::Segment => match step.segment.as_ref().and_then(|v| v.bytes.as_ref()) {
            Some(b) => b
                .layers
                .iter()
                .map(|l| {
                    let (osi, tcpip) = match lang {
                        Lang::En => (l.layer.osi(), l.layer.tcpip()),
                        Lang::Zh => (l.layer.osi_zh(), l.layer.tcpip_zh()),
                    };
                    let (start, end) = (l.range.start, l.range.end.saturating_sub(1));
                    match lang {
                        Lang::En => format!(
                            "OSI L{osi}, TCP/IP {tcpip}: {} (bytes {start}-{end})",
                            l.name
                        ),
                        Lang::Zh => {
                            let name = layer_name(&l.name, lang);
                            format!("OSI L{osi}，TCP/IP {tcpip}：{name}（字节 {start}-{end}）")
                        }
                    }
                })
                .collect(),
            None => vec![tr!(lang, "L4 transport: TCP", "L4 传输层：TCP").into()],
        },
    }
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
    }
}

fn explain_call(step: &Step, lang: Lang) -> String {
    let who = lang.side(step.side);
    let before = step.before.get(step.side);
    let after = step.after.get(step.side);
    match (step.call, &step.call_result) {
        (Some(Call::Listen), _) => tr!(
            lang,
            format!(
                "The {who} makes a socket, bind()s it to its port and calls listen(). \
                 Nothing is sent: from now on the kernel answers SYNs to this port by itself. \
                 Linux keeps two queues for it: the SYN queue of handshakes in progress and \
                 the accept queue of finished connections (at most the backlog)."
            ),
            format!(
                "{who}创建套接字，用 bind() 绑定端口，再调用 listen()。\
                 这一步不发送任何报文：从此内核会自己应答发往该端口的 SYN。\
                 Linux 为它维护两个队列：存放握手进行中连接的半连接队列（SYN 队列），\
                 和存放已完成连接的全连接队列（accept 队列，长度上限为 backlog）。"
            )
        ),
        (Some(Call::Connect), Some(CallResult::Error(e))) => tr!(
            lang,
            format!(
                "The {who} calls connect(): the kernel picks an initial sequence number and \
                 sends a SYN. The answer is not a SYN/ACK, so connect() fails with {e}."
            ),
            format!(
                "{who}调用 connect()：内核选定初始序列号并发送 SYN。\
                 收到的回应不是 SYN/ACK，所以 connect() 失败，错误为 {e}。"
            )
        ),
        (Some(Call::Connect), _) => tr!(
            lang,
            format!(
                "The {who} calls connect(): the kernel picks an initial sequence number and \
                 sends a SYN. connect() blocks until the SYN/ACK arrives."
            ),
            format!(
                "{who}调用 connect()：内核选定初始序列号并发送 SYN。\
                 connect() 会阻塞，直到收到 SYN/ACK。"
            )
        ),
        (Some(Call::Accept), _) => tr!(
            lang,
            "accept() takes the finished connection off the accept queue. The kernel \
             completed the handshake before this call; accept() sends nothing."
                .to_string(),
            "accept() 从全连接队列（accept 队列）中取出已完成握手的连接。握手在这次调用之前就由内核完成了；\
             accept() 不发送任何报文。"
                .to_string()
        ),
        (Some(Call::Write), Some(CallResult::Bytes(n))) => tr!(
            lang,
            format!(
                "write() copies {n} bytes into the {who}'s send buffer; the kernel sends them \
                 in a segment and keeps a copy until they are acknowledged."
            ),
            format!(
                "write() 把 {n} 字节复制到{who}的发送缓冲区；内核把它们放进报文段发出，\
                 并保留副本直到对方确认。"
            )
        ),
        (Some(Call::Read), Some(CallResult::Bytes(n))) => tr!(
            lang,
            format!(
                "read() returns the {n} bytes waiting in the {who}'s receive buffer. They were \
                 acknowledged by the kernel when they arrived, not now."
            ),
            format!(
                "read() 返回{who}接收缓冲区中等待的 {n} 字节。确认（ACK）在数据到达时就由内核发出了，\
                 而不是现在。"
            )
        ),
        (Some(Call::Read), Some(CallResult::Eof)) if after != Some(State::CloseWait) => tr!(
            lang,
            format!(
                "read() returns 0: end of file. The peer sent FIN, and the {who} has already \
                 sent its own: both directions are finished."
            ),
            format!(
                "read() 返回 0：文件结束（EOF）。对端发送了 FIN，{who}也早已发出自己的 FIN：\
                 两个方向都结束了。"
            )
        ),
        (Some(Call::Read), Some(CallResult::Eof)) => tr!(
            lang,
            format!(
                "read() returns 0: end of file. The peer sent FIN, so no more data will come. \
                 The {who} can still send until it closes too."
            ),
            format!(
                "read() 返回 0：文件结束（EOF）。对端发送了 FIN，不会再有数据到来。\
                 {who}在自己关闭之前仍可以发送数据。"
            )
        ),
        (Some(Call::Read), Some(CallResult::Error(e))) => tr!(
            lang,
            format!("read() fails with {e}: the connection was reset by an RST from the peer."),
            format!("read() 失败，错误为 {e}：连接已被对端的 RST 重置。")
        ),
        (Some(Call::Shutdown), _) => tr!(
            lang,
            format!(
                "shutdown(SHUT_WR): the {who} will send no more data, so its kernel sends FIN; \
                 the socket stays open for reading (a half-close). In Node.js this is \
                 socket.end(); a Node peer keeps sending after 'end' only if it was made with \
                 allowHalfOpen: true: by default Node ends its own side as soon as 'end' comes."
            ),
            format!(
                "shutdown(SHUT_WR)：{who}不再发送数据，于是内核发送 FIN；\
                 套接字仍可读取（半关闭）。Node.js 中对应 socket.end()；\
                 对端只有在创建时设了 allowHalfOpen: true 才会保持半关闭，\
                 默认情况下 Node.js 收到 'end' 后会自己结束它那一端。"
            )
        ),
        (Some(Call::Close), Some(CallResult::Abort { unread })) if *unread > 0 => tr!(
            lang,
            format!(
                "close() with {unread} unread bytes in the receive buffer: the kernel discards \
                 them and resets the connection with RST instead of FIN (RFC 2525 §2.17), \
                 so the peer learns that data was lost. No TIME_WAIT."
            ),
            format!(
                "接收缓冲区里还有 {unread} 字节未读就调用了 close()：内核丢弃这些数据，\
                 用 RST 而不是 FIN 重置连接（RFC 2525 §2.17），让对端知道数据丢失了。\
                 不会进入 TIME_WAIT。"
            )
        ),
        (Some(Call::Close), Some(CallResult::Abort { .. })) => tr!(
            lang,
            "close() with SO_LINGER set to 0 aborts: the kernel sends RST instead of FIN and \
             forgets the connection at once. No TIME_WAIT. (Node.js: socket.resetAndDestroy().)"
                .to_string(),
            "SO_LINGER 设为 0 后调用 close() 会中止连接：内核发送 RST 而不是 FIN，\
             并立即丢弃该连接。不会进入 TIME_WAIT。（Node.js 中对应 socket.resetAndDestroy()。）"
                .to_string()
        ),
        (Some(Call::Close), _) if after == Some(State::FinWait1) => tr!(
            lang,
            format!(
                "close() before any FIN has arrived from the peer (an active close): the \
                 {who}'s kernel sends FIN, and this side will end in TIME_WAIT."
            ),
            format!(
                "在收到对端 FIN 之前调用 close()（主动关闭）：{who}的内核发送 FIN，\
                 这一端最终会进入 TIME_WAIT。"
            )
        ),
        (Some(Call::Close), _) if after == Some(State::LastAck) => tr!(
            lang,
            format!(
                "close() after the peer's FIN (the passive close): the {who}'s kernel sends its \
                 own FIN and waits for the last ACK."
            ),
            format!(
                "收到对端 FIN 之后调用 close()（被动关闭）：{who}的内核发送自己的 FIN，\
                 并等待最后一个 ACK。"
            )
        ),
        // Nothing to send: either the connection is gone already (refused,
        // reset, aborted), or shutdown() sent the FIN before.
        (Some(Call::Close), _) if before == after && before == Some(State::Closed) => tr!(
            lang,
            format!(
                "close() releases the {who}'s descriptor. The connection is already gone \
                 (refused or reset), so nothing is sent: no FIN, no TIME_WAIT."
            ),
            format!(
                "close() 释放{who}的文件描述符。连接已经不存在（被拒绝或被重置），\
                 所以不发送任何报文：没有 FIN，也没有 TIME_WAIT。"
            )
        ),
        (Some(Call::Close), _) if before == after => tr!(
            lang,
            format!(
                "close() releases the {who}'s descriptor. shutdown() already sent its FIN, so \
                 nothing new is sent."
            ),
            format!("close() 释放{who}的文件描述符。shutdown() 早已发出 FIN，所以不再发送新的报文。")
        ),
        (Some(Call::Close), _) => tr!(
            lang,
            format!("The {who} calls close()."),
            format!("{who}调用 close()。")
        ),
        (Some(Call::LingerZero), _) => tr!(
            lang,
            format!(
                "setsockopt(SO_LINGER, {{on, 0}}): a later close() on the {who} will abort the \
                 connection with RST instead of closing it with FIN."
            ),
            format!(
                "setsockopt(SO_LINGER, {{on, 0}})：之后{who}调用 close() 时会用 RST 中止连接，\
                 而不是用 FIN 正常关闭。"
            )
        ),
        (Some(c), _) => tr!(
            lang,
            format!("The {who} calls {c}."),
            format!("{who}调用 {c}。")
        ),
        (None, _) => String::new(),
    }
}

fn explain_timer(step: &Step, lang: Lang) -> String {
    let who = lang.side(step.side);
    match step.timer {
        // Linux 6.5+ (net.ipv4.tcp_syn_linear_timeouts) does not double
        // the first SYN retries; RFC 6298's doubling is for the rest.
        Some(Timer::Retransmission { rto })
            if step.before.get(step.side) == Some(State::SynSent) =>
        {
            tr!(
                lang,
                format!(
                    "No SYN/ACK reached the {who} within {rto:.0} s, so its kernel sends the SYN \
                 again. Linux 6.5 and later waits 1 s between the first \
                 net.ipv4.tcp_syn_linear_timeouts retries (4 by default) and only then \
                 doubles the wait; net.ipv4.tcp_syn_retries limits the number of retries."
                ),
                format!(
                    "{who}在 {rto:.0} 秒内没有收到 SYN/ACK，于是内核重发 SYN。\
                 Linux 6.5 及以后的内核，前 net.ipv4.tcp_syn_linear_timeouts 次（默认 4 次）\
                 重传每次间隔 1 秒，之后才把等待时间加倍；重传次数上限由 net.ipv4.tcp_syn_retries 决定。"
                )
            )
        }
        Some(Timer::Retransmission { rto }) => tr!(
            lang,
            format!(
                "No ACK reached the {who} within its retransmission timeout ({rto:.0} s). Its \
                 kernel sends the oldest unacknowledged segment again and doubles the timeout \
                 (RFC 6298)."
            ),
            format!(
                "{who}在重传超时（{rto:.0} 秒）内没有收到 ACK。内核重发最早一个未被确认的报文段，\
                 并把超时时间加倍（RFC 6298）。"
            )
        ),
        Some(Timer::DelayedAck) => tr!(
            lang,
            format!(
                "The {who}'s delayed-ACK timer ran out with nothing to send, so it sends a \
                 bare ACK."
            ),
            format!("{who}的延迟确认定时器到期，又没有数据可以捎带，于是单独发送一个 ACK。")
        ),
        // Linux has no MSL: TIME_WAIT is the fixed TCP_TIMEWAIT_LEN. And the
        // four-tuple is not locked until now (RFC 9293 §3.6.1, RFC 6191).
        Some(Timer::TimeWait { seconds }) => tr!(
            lang,
            format!(
                "{seconds:.0} s have passed: the {who} leaves TIME_WAIT and forgets the \
                 connection. Linux waits a fixed 60 s (TCP_TIMEWAIT_LEN), its stand-in for the \
                 RFC's 2*MSL. The same four-tuple could be used before this: Linux accepts a \
                 new SYN whose sequence number (or timestamp) is above the old connection's, \
                 and with net.ipv4.tcp_tw_reuse a client's connect() may take it over."
            ),
            format!(
                "{seconds:.0} 秒已过：{who}离开 TIME_WAIT，彻底释放该连接。\
                 Linux 固定等待 60 秒（TCP_TIMEWAIT_LEN），用来代替 RFC 的 2*MSL。\
                 其实在此之前同一个四元组也能再用：新 SYN 的序列号（或时间戳）比旧连接的大时，\
                 Linux 会接受它；开启 net.ipv4.tcp_tw_reuse 后，客户端的 connect() 也可以直接复用。"
            )
        ),
        None => String::new(),
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
        return tr!(
            lang,
            format!(
                "This {} is lost on the wire: the {to} never sees it. The {from}'s \
                 retransmission timer is running.",
                segment_name(v)
            ),
            format!(
                "这个 {} 在传输中丢失了：{to}根本收不到。{from}的重传定时器正在计时。",
                segment_name(v)
            )
        );
    }
    let repeats_own_syn =
        f.syn() && f.ack() && matches!(step.before.get(to_side), Some(State::SynReceived));
    if v.analysis.contains(&Analysis::Retransmission) && repeats_own_syn {
        parts.push(
            tr!(
                lang,
                "Its SYN repeats the sequence number of the SYN this side sent before, now \
                 with an ACK, which is why it counts as a retransmission.",
                "它的 SYN 重复了这一端之前发出的 SYN 的序列号，只是多了 ACK，\
                 所以被算作重传。"
            )
            .into(),
        );
    } else if v.analysis.contains(&Analysis::SpuriousRetransmission) {
        parts.push(
            tr!(
                lang,
                "A spurious retransmission: every byte of it was acknowledged already.",
                "虚假重传：它的每个字节都已经被确认过了。"
            )
            .into(),
        );
    } else if v.analysis.contains(&Analysis::Retransmission) {
        parts.push(
            tr!(
                lang,
                "A retransmission: the same sequence numbers sent again.",
                "这是一次重传：同样的序列号再次发送。"
            )
            .into(),
        );
    }
    let (tb, ta) = (step.before.get(to_side), step.after.get(to_side));
    let what = if f.rst() {
        let what = match (tb, ta) {
            (Some(State::SynSent), Some(State::Closed)) => tr!(
                lang,
                format!(
                    "Nothing listens on port {}: the {from}'s kernel answers the SYN with RST. \
                     connect() fails with ECONNREFUSED.",
                    v.src.port()
                ),
                format!(
                    "端口 {} 上没有程序在监听：{from}的内核用 RST 回应 SYN。\
                     connect() 失败，错误为 ECONNREFUSED。",
                    v.src.port()
                )
            ),
            // What the receiver's program sees depends on its state
            // (Linux's tcp_reset() and tcp_timewait_state_process()).
            (Some(State::TimeWait), Some(State::Closed)) => tr!(
                lang,
                format!(
                    "RST to a connection in TIME_WAIT: the {to} ends TIME_WAIT at once. This is \
                     TIME-WAIT assassination (RFC 1337); Linux allows it while \
                     net.ipv4.tcp_rfc1337 is 0, the default. No program notices: no descriptor \
                     belongs to a TIME_WAIT connection, so nobody's read() fails."
                ),
                format!(
                    "发往 TIME_WAIT 连接的 RST：{to}立即结束 TIME_WAIT。这就是 TIME_WAIT 暗杀\
                     （RFC 1337）；net.ipv4.tcp_rfc1337 为 0（默认值）时 Linux 允许这样做。\
                     没有程序会察觉：TIME_WAIT 连接不属于任何文件描述符，谁的 read() 都不会失败。"
                )
            ),
            (Some(State::CloseWait), Some(State::Closed)) => tr!(
                lang,
                format!(
                    "RST: the {from} aborts the connection, and the {to} drops it at once. The \
                     {to} had already received a FIN, so Linux does not report ECONNRESET: \
                     read() keeps returning 0 and the next write() fails with EPIPE (raising \
                     SIGPIPE, unless the program ignores it)."
                ),
                format!(
                    "RST：{from}中止了连接，{to}立即丢弃该连接。{to}之前已经收到 FIN，\
                     所以 Linux 不报告 ECONNRESET：read() 仍返回 0，下一次 write() 失败，错误为 EPIPE\
                     （若程序没有忽略 SIGPIPE，还会收到 SIGPIPE 信号）。"
                )
            ),
            (Some(State::LastAck | State::Closing), Some(State::Closed)) => tr!(
                lang,
                format!(
                    "RST: the {from} aborts the connection, and the {to} drops it at once. Both \
                     FINs were sent already, so no call of the {to} reports it: read() already \
                     returns 0 and its own sending is over."
                ),
                format!(
                    "RST：{from}中止了连接，{to}立即丢弃该连接。双方的 FIN 都已发出，\
                     所以{to}的任何调用都不会报告它：read() 早已返回 0，发送也早已结束。"
                )
            ),
            (Some(State::SynReceived), Some(State::Closed | State::Listen)) => tr!(
                lang,
                format!(
                    "RST: the {from} aborts the handshake. The {to} drops the unfinished \
                     connection; accept() never returns it."
                ),
                format!(
                    "RST：{from}中止了握手。{to}丢弃这个未完成的连接；accept() 永远不会返回它。"
                )
            ),
            (Some(State::FinWait1 | State::FinWait2), Some(State::Closed)) => tr!(
                lang,
                format!(
                    "RST: the {from} aborts the connection. The {to} drops it at once (no \
                     TIME_WAIT). If the {to} only used shutdown(SHUT_WR), its read() returns the \
                     data that arrived before the RST, then fails with ECONNRESET; after \
                     close() no program notices."
                ),
                format!(
                    "RST：{from}中止了连接。{to}立即丢弃该连接（不进入 TIME_WAIT）。\
                     如果{to}只调用了 shutdown(SHUT_WR)，它的 read() 先读出 RST 之前到达的数据，\
                     然后失败，错误为 ECONNRESET；如果已经调用了 close()，没有程序会察觉。"
                )
            ),
            (Some(b), Some(State::Closed)) if b != State::Closed => tr!(
                lang,
                format!(
                    "RST: the {from} aborts the connection. The {to} drops it at once \
                     (no FIN exchange, no TIME_WAIT). Data that arrived before the RST can \
                     still be read; after that, read() fails with ECONNRESET."
                ),
                format!(
                    "RST：{from}中止了连接。{to}立即丢弃该连接（没有 FIN 交换，也没有 TIME_WAIT）。\
                     RST 之前到达的数据仍然可以读出；读完之后，read() 失败，错误为 ECONNRESET。"
                )
            ),
            (None, _) => tr!(
                lang,
                format!(
                    "RST: the {from} aborts the connection. If the {to} has this connection, \
                     it drops it at once (no FIN exchange, no TIME_WAIT)."
                ),
                format!(
                    "RST：{from}中止了连接。如果{to}有这个连接，会立即丢弃它（没有 FIN 交换，\
                     也没有 TIME_WAIT）。"
                )
            ),
            (Some(b), Some(a)) if b == a && b.is_synchronized() => tr!(
                lang,
                format!(
                    "RST from the {from}, but not at the sequence number the {to} expects: \
                     the {to} does not trust it and keeps the connection (RFC 5961). Inside \
                     its window it answers with a challenge ACK; outside, it drops it silently."
                ),
                format!(
                    "来自{from}的 RST，但序列号不是{to}期待的那个：{to}不信任它，连接保持不变\
                     （RFC 5961）。落在窗口内时，它回一个挑战 ACK；落在窗口外时，直接丢弃。"
                )
            ),
            _ => tr!(
                lang,
                format!("RST from the {from}; the {to} ignores it or has no connection."),
                format!("来自{from}的 RST；{to}忽略它，或者本来就没有这个连接。")
            ),
        };
        if v.len > 0 {
            format!(
                "{what}{}",
                tr!(
                    lang,
                    format!(
                        " It carries {} bytes of payload: diagnostic text for people reading \
                         captures; the application never sees it.",
                        v.len
                    ),
                    format!(
                        "它带有 {} 字节载荷：供分析抓包的人阅读的诊断文字，应用程序看不到。",
                        v.len
                    )
                )
            )
        } else {
            what
        }
    } else if f.syn() && !f.ack() {
        match (tb, ta) {
            (Some(State::Listen), Some(State::SynReceived)) | (None, _) => tr!(
                lang,
                format!(
                    "The {from} opens: SYN with initial sequence number {} (relative 0) and its \
                     options. A SYN takes one sequence number. The {to}'s kernel answers by \
                     itself; no accept() is needed for that. On Linux the listening socket stays \
                     in LISTEN: a small request socket in the SYN queue holds this SYN_RECEIVED \
                     half (with SYN cookies, not even that).",
                    v.seg.seq
                ),
                format!(
                    "{from}发起连接：SYN 携带初始序列号 {}（相对值 0）和 TCP 选项。SYN 占用一个序列号。\
                     {to}的内核会自己应答，不需要 accept()。在 Linux 上监听套接字仍处于 LISTEN：\
                     由半连接队列中的一个请求套接字记录这个 SYN_RECEIVED 状态\
                     （启用 SYN cookies 时连它都没有）。",
                    v.seg.seq
                )
            ),
            (Some(State::SynSent), Some(State::SynReceived)) => tr!(
                lang,
                format!(
                    "Simultaneous open: the {to} sent its own SYN and now receives the {from}'s. \
                     It moves to SYN_RECEIVED and answers with SYN/ACK."
                ),
                format!(
                    "同时打开：{to}已经发出了自己的 SYN，现在又收到{from}的 SYN。\
                     它进入 SYN_RECEIVED，并回复 SYN/ACK。"
                )
            ),
            (Some(State::SynReceived), Some(State::SynReceived)) => tr!(
                lang,
                format!(
                    "The {to} has answered this SYN before, so its SYN/ACK must have been lost: \
                     it sends the SYN/ACK again."
                ),
                format!(
                    "{to}之前已经应答过这个 SYN，说明它的 SYN/ACK 丢了：于是再发一次 SYN/ACK。"
                )
            ),
            (Some(State::Closed), _) => tr!(
                lang,
                format!("SYN to port {}, where nothing listens.", v.dst.port()),
                format!("发往端口 {} 的 SYN，但那里没有程序在监听。", v.dst.port())
            ),
            _ => tr!(
                lang,
                format!("A SYN from the {from}."),
                format!("来自{from}的 SYN。")
            ),
        }
    } else if f.syn() {
        match (tb, ta) {
            (Some(State::SynSent), Some(State::Established)) => tr!(
                lang,
                format!(
                    "The {from}'s kernel acknowledges the SYN (ack = ISN+1) and sends its own \
                     SYN with ISN {}. The {to} is ESTABLISHED and connect() returns.",
                    v.seg.seq
                ),
                format!(
                    "{from}的内核确认对方的 SYN（ack = ISN+1），同时发送自己的 SYN，初始序列号为 {}。\
                     {to}进入 ESTABLISHED，connect() 返回。",
                    v.seg.seq
                )
            ),
            (Some(State::SynReceived), Some(State::Established)) => tr!(
                lang,
                format!(
                    "Simultaneous open: this SYN/ACK acknowledges the {to}'s SYN, so the {to} \
                     is ESTABLISHED."
                ),
                format!("同时打开：这个 SYN/ACK 确认了{to}的 SYN，于是{to}进入 ESTABLISHED。")
            ),
            _ => tr!(
                lang,
                format!("SYN/ACK from the {from}."),
                format!("来自{from}的 SYN/ACK。")
            ),
        }
    } else if f.fin() {
        let base = tr!(
            lang,
            format!("FIN: the {from} has no more to send. A FIN takes one sequence number."),
            format!("FIN：{from}没有更多数据要发送了。FIN 占用一个序列号。")
        );
        let more = match (tb, ta) {
            (Some(State::Established), Some(State::CloseWait)) => tr!(
                lang,
                format!(
                    "The {to} ACKs it and enters CLOSE_WAIT; its read() returns 0 once earlier \
                     data is read. It may still send."
                ),
                format!(
                    "{to}确认它并进入 CLOSE_WAIT；读完之前的数据后，read() 会返回 0。\
                     它仍然可以发送数据。"
                )
            ),
            (Some(State::FinWait1), Some(State::Closing)) => tr!(
                lang,
                format!(
                    "Simultaneous close: the {to} sent its own FIN and has not had it \
                     acknowledged, so it moves to CLOSING."
                ),
                format!("同时关闭：{to}也发出了 FIN 但还没有被确认，所以进入 CLOSING。")
            ),
            (Some(State::FinWait1), Some(State::TimeWait)) => tr!(
                lang,
                format!(
                    "It also acknowledges the {to}'s FIN, so the {to} skips FIN_WAIT_2 and goes \
                     straight to TIME_WAIT (a three-way close). Linux delays the ACK of a FIN \
                     (about 40 ms), so when the {from} closes at once its FIN carries that ACK: \
                     in real captures this three-segment close is the common one."
                ),
                format!(
                    "它同时确认了{to}的 FIN，所以{to}跳过 FIN_WAIT_2，直接进入 TIME_WAIT（三次挥手）。\
                     Linux 对 FIN 的确认会延迟约 40 毫秒，{from}若随即关闭，这个 ACK 就捎带在它的 FIN 上\
                     （捎带确认）：实际抓包中最常见的正是这种三个报文段的关闭。"
                )
            ),
            (Some(State::FinWait2), Some(State::TimeWait)) => tr!(
                lang,
                format!(
                    "The {to} already had its FIN acknowledged; now it ACKs this one and waits \
                     in TIME_WAIT (2*MSL in the RFC; a fixed 60 s on Linux) in case that last \
                     ACK is lost. Only if the {to} used shutdown() and still holds the socket \
                     does a read() now return 0; after close() there is nothing left to read."
                ),
                format!(
                    "{to}的 FIN 早已被确认；现在它确认这个 FIN，并在 TIME_WAIT 中等待\
                     （RFC 中为 2*MSL，Linux 固定为 60 秒），以防最后这个 ACK 丢失。\
                     只有当{to}用的是 shutdown() 且仍持有套接字时，read() 才会返回 0；\
                     调用 close() 之后已经没有可读的东西了。"
                )
            ),
            _ => String::new(),
        };
        if more.is_empty() {
            base
        } else {
            format!("{base}{}{more}", tr!(lang, " ", ""))
        }
    } else if v.len > 0 {
        let psh = if f.psh() {
            tr!(
                lang,
                " PSH: Linux sets it on the last segment of a write(); the receiver makes \
                 in-order bytes readable whether PSH is set or not.",
                "PSH：Linux 在一次 write() 的最后一个报文段上设置它；不论是否设置 PSH，\
                 接收方都会让按序到达的字节可读。"
            )
        } else {
            ""
        };
        tr!(
            lang,
            format!(
                "{} bytes of data from the {from}, sequence numbers {} to {} (relative); the \
                 next byte will be {}.{psh}",
                v.len,
                v.seq_rel,
                v.seq_rel.wrapping_add(v.len).wrapping_sub(1),
                v.seq_rel.wrapping_add(v.len)
            ),
            format!(
                "来自{from}的 {} 字节数据，序列号 {} 到 {}（相对值），下一个字节的序列号是 {}。{psh}",
                v.len,
                v.seq_rel,
                v.seq_rel.wrapping_add(v.len).wrapping_sub(1),
                v.seq_rel.wrapping_add(v.len)
            )
        )
    } else if f.ack() {
        match (tb, ta) {
            (Some(State::SynReceived), Some(State::Established)) => tr!(
                lang,
                format!(
                    "The third segment of the handshake: it acknowledges the {to}'s SYN. The \
                     {to} is ESTABLISHED and the connection waits in the accept queue. Why a \
                     third segment: each side must see its own ISN acknowledged, and the {from} \
                     must be able to refuse (with RST) a SYN/ACK that answers an old duplicate \
                     SYN, so that a stale SYN cannot open a connection (RFC 9293 §3.5)."
                ),
                format!(
                    "握手的第三个报文段：它确认了{to}的 SYN。{to}进入 ESTABLISHED，\
                     连接在全连接队列（accept 队列）中等待被取走。为什么需要第三个报文段：\
                     双方都要看到自己的初始序列号被确认；而且{from}要能用 RST 拒绝回应旧的重复 SYN 的 \
                     SYN/ACK，免得过期的 SYN 建立起连接（RFC 9293 §3.5）。"
                )
            ),
            (Some(State::FinWait1), Some(State::FinWait2)) => tr!(
                lang,
                format!(
                    "The {from} acknowledges the FIN. The {to} waits in FIN_WAIT_2 for the \
                     {from}'s FIN."
                ),
                format!("{from}确认了 FIN。{to}在 FIN_WAIT_2 中等待{from}的 FIN。")
            ),
            (Some(State::Closing), Some(State::TimeWait)) => tr!(
                lang,
                format!("This acknowledges the {to}'s FIN: CLOSING becomes TIME_WAIT."),
                format!("它确认了{to}的 FIN：CLOSING 变为 TIME_WAIT。")
            ),
            (Some(State::LastAck), Some(State::Closed)) => tr!(
                lang,
                format!(
                    "The last ACK: the {to}'s connection is closed and forgotten. The {from} \
                     stays in TIME_WAIT."
                ),
                format!("最后一个 ACK：{to}的连接关闭并被释放。{from}仍停留在 TIME_WAIT。")
            ),
            _ => tr!(
                lang,
                format!(
                    "The {from} acknowledges everything before relative sequence number {0}: \
                     byte {0} is the next it expects.",
                    v.ack_rel
                ),
                format!(
                    "{from}确认了相对序列号 {0} 之前的全部数据：它期待的下一个字节是 {0}。",
                    v.ack_rel
                )
            ),
        }
    } else {
        tr!(
            lang,
            format!("A segment from the {from} with flags {}.", f.wireshark()),
            format!("来自{from}的报文段，标志位为 {}。", f.wireshark())
        )
    };
    parts.push(what);
    let from_side = step.side;
    if step.before.get(from_side) == Some(State::SynSent)
        && step.after.get(from_side) == Some(State::Established)
        && !f.syn()
    {
        parts.push(tr!(
            lang,
            format!(
                "The {to}'s SYN/ACK is not in this capture, but this ACK shows it reached \
                 the {from}: the {from} is ESTABLISHED (inferred from one side)."
            ),
            format!(
                "这份抓包里没有{to}的 SYN/ACK，但这个 ACK 表明它已经到达{from}：\
                 {from}处于 ESTABLISHED（仅凭一侧推断）。"
            )
        ));
    }
    if tb.is_none() && ta.is_some() && !f.syn() && !f.rst() {
        parts.push(tr!(
            lang,
            format!(
                "Nothing the {to} sent is in this capture (only one direction was \
                 captured), but the {from} acknowledges what it sent: the {to} is \
                 inferred to be synchronized (inferred from one side)."
            ),
            format!(
                "这份抓包里没有{to}发出的任何报文段（只抓到了一个方向），但{from}确认了它发出的\
                 内容：由此推断{to}已经同步（仅凭一侧推断）。"
            )
        ));
    }
    if v.gap_before && v.len > 0 {
        parts.push(tr!(
            lang,
            format!(
                "The {to} has not received the bytes before it yet (lost, delayed, or not \
                     captured): it keeps this segment aside, and read() returns nothing until \
                     the gap is filled. Its ACK still names the first missing byte."
            ),
            format!(
                "{to}还没有收到它前面的字节（丢失、延迟或没有被抓到）：它先把这个报文段放在一边，\
                     在缺口补上之前 read() 读不到数据。它的 ACK 仍然指向第一个缺失的字节。"
            )
        ));
    }
    if v.readable > v.len && v.len > 0 {
        parts.push(tr!(
            lang,
            format!(
                "It fills the gap, so the bytes held behind it become readable too: read() \
                 can now return {} bytes.",
                v.readable
            ),
            format!(
                "它补上了缺口，排在后面等待的字节也随之可读：read() 现在可读到 {} 字节。",
                v.readable
            )
        ));
    }
    let marks = [
        (
            Analysis::ChallengeAck,
            tr!(
                lang,
                "A challenge ACK (RFC 5961): the RST or SYN before it was not where this side \
                 expected it, so it changes nothing; this ACK names the sequence number it \
                 does expect, and a real peer that did abort answers with an exact RST.",
                "挑战 ACK（RFC 5961）：之前那个 RST 或 SYN 不在这一端期待的位置，所以什么也\
                 没有改变；这个 ACK 写明它真正期待的序列号，真的中止了连接的对端会据此回一个\
                 序列号正确的 RST。"
            ),
        ),
        (
            Analysis::KeepAlive,
            tr!(
                lang,
                "A keep-alive: one byte before what the receiver expects, sent only to draw \
                 an ACK and learn that the peer is still there.",
                "保活探测：序列号比接收方期待的少一，只为换回一个 ACK，确认对端还在。"
            ),
        ),
        (
            Analysis::KeepAliveAck,
            tr!(
                lang,
                "The ACK that answers a keep-alive: the peer is still there.",
                "对保活探测的应答 ACK：对端还在。"
            ),
        ),
        (
            Analysis::ZeroWindowProbe,
            tr!(
                lang,
                "A zero-window probe: one byte sent into a closed window to learn when it \
                 opens again. It does not move the expected sequence number on.",
                "零窗口探测：向已经关闭的窗口发送一个字节，探询窗口何时重新打开。\
                 它不推进期待的序列号。"
            ),
        ),
        (
            Analysis::ZeroWindowProbeAck,
            tr!(
                lang,
                "The answer to a zero-window probe: the window is still closed.",
                "对零窗口探测的应答：窗口仍然关闭。"
            ),
        ),
    ];
    for (mark, text) in marks {
        if v.analysis.contains(&mark) {
            parts.push(text.into());
        }
    }
    if f.syn() && v.len > 0 {
        parts.push(tr!(
            lang,
            format!(
                "Data on a SYN: TCP Fast Open (RFC 7413) sends {} bytes with the SYN. A \
                 server that accepts the client's cookie hands them to the application before \
                 the handshake completes and acknowledges them in its SYN/ACK; otherwise the \
                 SYN/ACK acknowledges only the SYN and the client sends the data again.",
                v.len
            ),
            format!(
                "SYN 上带了数据：TCP 快速打开（RFC 7413）随 SYN 发送 {} 字节。服务端如果接受\
                 客户端的 Cookie，会在握手完成之前就把数据交给应用，并在 SYN/ACK 中确认它们；\
                 否则 SYN/ACK 只确认 SYN，客户端稍后重发这些数据。",
                v.len
            )
        ));
    }
    if f.has(crate::timeline::segment::Flags::URG) {
        parts.push(
            tr!(
                lang,
                "URG: the urgent pointer marks where urgent data ends in this segment \
                 (RFC 9293 §3.8.5). Stacks deliver only the last urgent byte out of band \
                 (recv() with MSG_OOB); the rest arrives in the normal byte stream. Few \
                 applications use it (telnet's interrupt is one).",
                "URG：紧急指针标出本报文段中紧急数据结束的位置（RFC 9293 §3.8.5）。协议栈只把\
                 最后一个紧急字节作为带外数据交付（用 recv() 加 MSG_OOB 读取），其余的仍在普通\
                 字节流中到达。很少有应用使用它（telnet 的中断是一个例子）。"
            )
            .into(),
        );
    }
    if v.analysis.contains(&Analysis::DupAck) && !v.analysis.contains(&Analysis::ChallengeAck) {
        parts.push(
            tr!(
                lang,
                "A duplicate ACK: the same acknowledgment again, a sign of a gap.",
                "重复确认：再次发送相同的确认号，说明中间有数据缺失。"
            )
            .into(),
        );
    }
    if v.analysis.contains(&Analysis::OutOfOrder) {
        parts.push(
            tr!(
                lang,
                "Out of order: it arrives after a segment that was sent later.",
                "乱序：它比后发出的报文段到得更晚。"
            )
            .into(),
        );
    }
    if v.analysis.contains(&Analysis::ZeroWindow) {
        parts.push(
            tr!(
                lang,
                "Zero window: the receiver's buffer is full; the sender must wait.",
                "零窗口：接收方缓冲区已满，发送方必须等待。"
            )
            .into(),
        );
    }
    parts.join(tr!(lang, " ", ""))
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

    #[test]
    fn language_comes_from_the_environment_like_gettext() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |k: &str| {
                pairs
                    .iter()
                    .find(|(n, _)| *n == k)
                    .map(|(_, v)| v.to_string())
            }
        };
        assert_eq!(Lang::from_vars(env(&[("LANG", "zh_CN.UTF-8")])), Lang::Zh);
        assert_eq!(Lang::from_vars(env(&[("LANG", "en_US.UTF-8")])), Lang::En);
        assert_eq!(
            Lang::from_vars(env(&[("LC_ALL", "C"), ("LANG", "zh_CN.UTF-8")])),
            Lang::En,
            "LC_ALL wins"
        );
        assert_eq!(
            Lang::from_vars(env(&[("LC_ALL", ""), ("LANG", "zh_SG")])),
            Lang::Zh,
            "an empty LC_ALL does not count"
        );
        for traditional in [
            "zh_TW.UTF-8",
            "zh_HK",
            "zh_MO.Big5",
            "zh-Hant",
            "zh_Hant_TW",
        ] {
            assert_eq!(
                Lang::from_vars(|k| (k == "LANG").then(|| traditional.to_string())),
                Lang::En,
                "{traditional} must not silently get Simplified text"
            );
        }
        assert_eq!(Lang::from_vars(env(&[("LANG", "zh")])), Lang::Zh);
        assert_eq!(Lang::from_vars(env(&[("LANG", "zu_ZA")])), Lang::En);
        assert_eq!(Lang::from_vars(env(&[])), Lang::En);
        assert_eq!(Lang::En.toggle(), Lang::Zh);
    }
}
