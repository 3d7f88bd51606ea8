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
    /// then LANG; Chinese when it starts with "zh".
    pub fn from_env() -> Lang {
        Self::from_vars(|k| std::env::var(k).ok())
    }

    pub fn from_vars(get: impl Fn(&str) -> Option<String>) -> Lang {
        let value = ["LC_ALL", "LC_MESSAGES", "LANG"]
            .iter()
            .find_map(|k| get(k).filter(|v| !v.is_empty()));
        match value {
            Some(v) if v.to_ascii_lowercase().starts_with("zh") => Lang::Zh,
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

/// Pick `en` or `zh` for `lang` (both already built; the `tr!` macro below
/// builds only the one it picks).
pub fn tr<T>(lang: Lang, en: T, zh: T) -> T {
    match lang {
        Lang::En => en,
        Lang::Zh => zh,
    }
}

pub mod fields;

/// Pick the text for `lang`; both arms are evaluated lazily.
macro_rules! tr {
    ($lang:expr, $en:expr, $zh:expr $(,)?) => {
        match $lang {
            Lang::En => $en,
            Lang::Zh => $zh,
        }
    };
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

fn moved(step: &Step, side: Side) -> Option<(Option<State>, Option<State>)> {
    let (b, a) = (step.before.get(side), step.after.get(side));
    (b != a).then_some((b, a))
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
            } else if step.after.get(to) == Some(State::Closed)
                && v.is_some_and(|v| v.seg.flags.rst())
                && step.before.get(to).is_some_and(State::is_synchronized)
            {
                Some(
                    tr!(
                        lang,
                        "next read()/write() fails: ECONNRESET",
                        "下一次 read()/write() 失败：ECONNRESET"
                    )
                    .to_string(),
                )
            } else if moved(step, to).is_some_and(|(_, a)| a.is_some_and(State::fin_received))
                && v.is_some_and(|v| v.seg.flags.fin())
            {
                Some(tr!(lang, "read() will return 0 (EOF)", "read() 将返回 0（EOF）").to_string())
            } else {
                // An RST's payload (a diagnostic text, RFC 9293 §3.5.3) never
                // reaches the application.
                // After a gap the bytes wait until the missing ones arrive.
                v.filter(|v| v.len > 0 && !v.seg.flags.rst() && !v.gap_before)
                    .map(|v| {
                        tr!(
                            lang,
                            format!("read() can return {} bytes", v.len),
                            format!("read() 可读到 {} 字节", v.len)
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
            } else if (before == Some(State::SynSent)
                || (before == Some(State::SynReceived) && v.seg.flags.syn()))
                && after == Some(State::Established)
            {
                Some("'connect'")
            } else if v.seg.flags.fin() && after == Some(State::TimeWait) {
                Some("'end', 'close'")
            } else if v.seg.flags.fin() && before != after {
                Some("'end'")
            } else if after == Some(State::Closed) && before == Some(State::LastAck) {
                Some("'close'")
            } else if v.len > 0 && !v.seg.flags.rst() {
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
                    let bytes = tr!(lang, "bytes", "字节");
                    format!(
                        "OSI L{osi}, TCP/IP {tcpip}: {} ({bytes} {}-{})",
                        l.name,
                        l.range.start,
                        l.range.end.saturating_sub(1)
                    )
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
                 Nothing is sent: from now on the kernel answers SYNs to this port by itself."
            ),
            format!(
                "{who}创建套接字，用 bind() 绑定端口，再调用 listen()。\
                 这一步不发送任何报文：从此内核会自己应答发往该端口的 SYN。"
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
            "accept() takes the finished connection off the listen queue. The kernel \
             completed the handshake before this call; accept() sends nothing."
                .to_string(),
            "accept() 从监听队列中取出已完成握手的连接。握手在这次调用之前就由内核完成了；\
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
                 the socket stays open for reading (a half-close)."
            ),
            format!(
                "shutdown(SHUT_WR)：{who}不再发送数据，于是内核发送 FIN；\
                 套接字仍可读取（半关闭）。"
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
             forgets the connection at once. No TIME_WAIT."
                .to_string(),
            "SO_LINGER 设为 0 后调用 close() 会中止连接：内核发送 RST 而不是 FIN，\
             并立即丢弃该连接。不会进入 TIME_WAIT。"
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
        (Some(Call::Close), _) if before == after => tr!(
            lang,
            format!(
                "close() releases the {who}'s descriptor. Its FIN went out earlier, so nothing \
                 new is sent."
            ),
            format!("close() 释放{who}的文件描述符。FIN 之前已经发出，所以不再发送新的报文。")
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
        Some(Timer::TimeWait { seconds }) => tr!(
            lang,
            format!(
                "{seconds:.0} s (2*MSL) have passed: the {who} leaves TIME_WAIT. Any stray \
                 segment of the old connection has died out, so the same ports can be reused."
            ),
            format!(
                "{seconds:.0} 秒（2*MSL）已过：{who}离开 TIME_WAIT。旧连接遗留在网络中的报文段\
                 都已消失，同样的端口可以再次使用。"
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
            (Some(b), Some(State::Closed)) if b != State::Closed => tr!(
                lang,
                format!(
                    "RST: the {from} aborts the connection. The {to} drops it at once \
                     (no FIN exchange, no TIME_WAIT); its next read() fails with ECONNRESET."
                ),
                format!(
                    "RST：{from}中止了连接。{to}立即丢弃该连接（没有 FIN 交换，也没有 TIME_WAIT）；\
                     它的下一次 read() 会失败，错误为 ECONNRESET。"
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
                     itself; no accept() is needed for that.",
                    v.seg.seq
                ),
                format!(
                    "{from}发起连接：SYN 携带初始序列号 {}（相对值 0）和 TCP 选项。SYN 占用一个序列号。\
                     {to}的内核会自己应答，不需要 accept()。",
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
                     straight to TIME_WAIT (a three-way close)."
                ),
                format!(
                    "它同时确认了{to}的 FIN，所以{to}跳过 FIN_WAIT_2，直接进入 TIME_WAIT（三次挥手）。"
                )
            ),
            (Some(State::FinWait2), Some(State::TimeWait)) => tr!(
                lang,
                format!(
                    "The {to} already had its FIN acknowledged; now it ACKs this one and waits \
                     in TIME_WAIT for 2*MSL, in case that last ACK is lost."
                ),
                format!(
                    "{to}的 FIN 早已被确认；现在它确认这个 FIN，并在 TIME_WAIT 中等待 2*MSL，\
                     以防最后这个 ACK 丢失。"
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
                " PSH: hand them to the application now.",
                "PSH：请立即交给应用程序。"
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
                     {to} is ESTABLISHED and the connection waits in the accept queue."
                ),
                format!(
                    "握手的第三个报文段：它确认了{to}的 SYN。{to}进入 ESTABLISHED，\
                     连接在 accept 队列中等待被取走。"
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
    if f.has(crate::tcp::segment::Flags::URG) {
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
            Lang::from_vars(env(&[("LC_ALL", ""), ("LANG", "zh_TW")])),
            Lang::Zh,
            "an empty LC_ALL does not count"
        );
        assert_eq!(Lang::from_vars(env(&[])), Lang::En);
        assert_eq!(Lang::En.toggle(), Lang::Zh);
    }
}
