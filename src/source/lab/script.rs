//! The lab's scripts: which socket call each step makes, on which side.

use crate::timeline::{Call, Side};

/// One scripted socket call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Action {
    pub side: Side,
    pub call: Call,
    /// What a `write()` sends, or what a `read()` expects to find; `None`:
    /// the `--message` payload (the TCP scripts).
    pub msg: Option<Msg>,
}

/// An application message of a script. The bytes are made when the call
/// runs (`lab::message`), since some depend on what was read before: the
/// server's `Sec-WebSocket-Accept` is computed from the key it read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Msg {
    /// An HTTP/1.1 GET of `path`; `close`: with `Connection: close`.
    HttpGet { path: &'static str, close: bool },
    /// `200 OK` with `Content-Length` and a body naming the path read;
    /// `close`: with `Connection: close`.
    HttpOk { close: bool },
    /// The upgrade request with a random `Sec-WebSocket-Key`.
    WsUpgrade,
    /// `101 Switching Protocols`: written by the server, checked by the
    /// client's read (`Sec-WebSocket-Accept`).
    WsSwitching,
    /// A text frame, masked when the client sends it (RFC 6455 §5.3).
    WsText(&'static str),
    /// A close frame with this status code.
    WsClose(u16),
}

const fn c(call: Call) -> Action {
    Action {
        side: Side::Client,
        call,
        msg: None,
    }
}
const fn s(call: Call) -> Action {
    Action {
        side: Side::Server,
        call,
        msg: None,
    }
}
const fn cm(call: Call, msg: Msg) -> Action {
    Action {
        side: Side::Client,
        call,
        msg: Some(msg),
    }
}
const fn sm(call: Call, msg: Msg) -> Action {
    Action {
        side: Side::Server,
        call,
        msg: Some(msg),
    }
}

pub struct Script {
    pub name: &'static str,
    pub summary: &'static str,
    pub summary_zh: &'static str,
    /// False for `refused`: the server's socket is bound but never listens.
    pub listens: bool,
    pub actions: &'static [Action],
    /// Why the side that closes first does so (and so waits in
    /// TIME_WAIT), added to that close()'s hint: (en, zh).
    pub first_close: Option<(&'static str, &'static str)>,
    /// A line `--list` adds under the script (its flags): (en, zh).
    pub list_note: Option<(&'static str, &'static str)>,
}

use Call::*;

pub const SCRIPTS: &[Script] = &[
    Script {
        name: "default",
        summary: "handshake, hello each way, the client closes first (four-way close)",
        summary_zh: "三次握手，双方各发一次 hello，客户端先关闭（四次挥手）",
        listens: true,
        actions: &[
            s(Listen),
            c(Connect),
            s(Accept),
            c(Write),
            s(Read),
            s(Write),
            c(Read),
            c(Close),
            s(Read),
            s(Close),
        ],
        first_close: None,
        list_note: None,
    },
    Script {
        name: "refused",
        summary: "connect() to a port where nothing listens: the kernel answers RST, ECONNREFUSED",
        summary_zh: "connect() 连向没有程序监听的端口：内核回应 RST，ECONNREFUSED",
        listens: false,
        actions: &[c(Connect), c(Close)],
        first_close: None,
        list_note: None,
    },
    Script {
        name: "half-close",
        summary: "the client shutdown(SHUT_WR)s, the server keeps writing, then closes",
        summary_zh: "客户端调用 shutdown(SHUT_WR)（半关闭），服务端继续写，然后关闭",
        listens: true,
        actions: &[
            s(Listen),
            c(Connect),
            s(Accept),
            c(Write),
            s(Read),
            c(Shutdown),
            s(Read),
            s(Write),
            c(Read),
            s(Close),
            c(Read),
            c(Close),
        ],
        first_close: None,
        list_note: None,
    },
    Script {
        name: "abort",
        summary: "the client sets SO_LINGER 0 and closes: RST instead of FIN, no TIME_WAIT",
        summary_zh: "客户端把 SO_LINGER 设为 0 再关闭：发出 RST 而不是 FIN，没有 TIME_WAIT",
        listens: true,
        actions: &[
            s(Listen),
            c(Connect),
            s(Accept),
            c(Write),
            s(Read),
            s(Write),
            c(Read),
            c(LingerZero),
            c(Close),
            s(Read),
            s(Close),
        ],
        first_close: None,
        list_note: None,
    },
    Script {
        name: "unread-close",
        summary: "the server closes with the client's data still unread: RST, not FIN",
        summary_zh: "服务端在客户端的数据还没读时关闭：发出 RST，而不是 FIN",
        listens: true,
        actions: &[
            s(Listen),
            c(Connect),
            s(Accept),
            c(Write),
            s(Close),
            c(Read),
            c(Close),
        ],
        first_close: None,
        list_note: None,
    },
    Script {
        name: "server-closes-first",
        summary: "the server closes first, so the server ends in TIME_WAIT",
        summary_zh: "服务端先关闭，所以进入 TIME_WAIT 的是服务端",
        listens: true,
        actions: &[
            s(Listen),
            c(Connect),
            s(Accept),
            c(Write),
            s(Read),
            s(Write),
            c(Read),
            s(Close),
            c(Read),
            c(Close),
        ],
        first_close: None,
        list_note: None,
    },
    Script {
        name: "time-wait-reuse",
        summary: "the server closes first and sits in TIME_WAIT; the client connects again from the same port at once, and Linux accepts the new SYN",
        summary_zh: "服务端先关闭并停在 TIME_WAIT；客户端立即从同一端口再次连接，Linux 接受这个新的 SYN",
        listens: true,
        actions: &[
            s(Listen),
            c(Connect),
            s(Accept),
            s(Close),
            c(Read),
            c(Close),
            c(Connect),
            s(Accept),
        ],
        first_close: None,
        list_note: None,
    },
];

/// What rides on the connection: scripts whose calls carry application
/// messages. Kept apart from [`SCRIPTS`], the TCP behaviours, whose table
/// of expected segments lives in tests/live_lab.rs; these are checked by
/// tests/live_scripts.rs.
pub const APP_SCRIPTS: &[Script] = &[
    Script {
        name: "http",
        summary: "an HTTP/1.1 GET and its 200 OK with `Connection: close`: the server closes first, so the server waits in TIME_WAIT",
        summary_zh: "一次 HTTP/1.1 GET 和带 `Connection: close` 的 200 OK：服务端先关闭，所以在 TIME_WAIT 中等待的是服务端",
        listens: true,
        actions: &[
            s(Listen),
            c(Connect),
            s(Accept),
            cm(
                Write,
                Msg::HttpGet {
                    path: "/",
                    close: true,
                },
            ),
            sm(
                Read,
                Msg::HttpGet {
                    path: "/",
                    close: true,
                },
            ),
            sm(Write, Msg::HttpOk { close: true }),
            s(Close),
            cm(Read, Msg::HttpOk { close: true }),
            c(Read),
            c(Close),
        ],
        first_close: Some((
            "with `Connection: close` the server ends the connection once its response is written, so the server, not the client, waits in TIME_WAIT",
            "因为 `Connection: close`，服务端写完响应就结束连接，所以在 TIME_WAIT 中等待的是服务端而不是客户端",
        )),
        list_note: Some((
            "with --keep-alive: two GETs on one connection; the client closes first and waits in TIME_WAIT",
            "加 --keep-alive：同一连接上两次 GET；客户端先关闭并在 TIME_WAIT 中等待",
        )),
    },
    Script {
        name: "websocket",
        summary: "a WebSocket upgrade (Sec-WebSocket-Accept computed and checked), a masked text frame from the client, an unmasked one from the server, close frames (1000), then the server closes first and waits in TIME_WAIT",
        summary_zh: "WebSocket 升级（计算并校验 Sec-WebSocket-Accept），客户端发一个加掩码的文本帧，服务端回一个不加掩码的文本帧，双方交换关闭帧（1000），然后服务端先关闭并在 TIME_WAIT 中等待",
        listens: true,
        actions: &[
            s(Listen),
            c(Connect),
            s(Accept),
            cm(Write, Msg::WsUpgrade),
            sm(Read, Msg::WsUpgrade),
            sm(Write, Msg::WsSwitching),
            cm(Read, Msg::WsSwitching),
            cm(Write, Msg::WsText("hi")),
            sm(Read, Msg::WsText("hi")),
            sm(Write, Msg::WsText("hi yourself")),
            cm(Read, Msg::WsText("hi yourself")),
            cm(Write, Msg::WsClose(1000)),
            sm(Read, Msg::WsClose(1000)),
            sm(Write, Msg::WsClose(1000)),
            s(Close),
            cm(Read, Msg::WsClose(1000)),
            c(Read),
            c(Close),
        ],
        first_close: Some((
            "after the close frames the server closes the TCP connection first, as RFC 6455 §7.1.1 asks, so the server, not the client, waits in TIME_WAIT",
            "交换完关闭帧后，按 RFC 6455 §7.1.1 的要求由服务端先关闭 TCP 连接，所以在 TIME_WAIT 中等待的是服务端而不是客户端",
        )),
        list_note: None,
    },
];

/// `http` with `--keep-alive`: not a script of its own in `--list`, a
/// variant of `http` chosen by the flag.
pub const HTTP_KEEP_ALIVE: Script = Script {
    name: "http --keep-alive",
    summary: "two HTTP/1.1 GETs on one kept-alive connection, then the client closes first, so the client waits in TIME_WAIT",
    summary_zh: "在同一个保持（keep-alive）的连接上两次 HTTP/1.1 GET，然后客户端先关闭，所以在 TIME_WAIT 中等待的是客户端",
    listens: true,
    actions: &[
        s(Listen),
        c(Connect),
        s(Accept),
        cm(
            Write,
            Msg::HttpGet {
                path: "/one",
                close: false,
            },
        ),
        sm(
            Read,
            Msg::HttpGet {
                path: "/one",
                close: false,
            },
        ),
        sm(Write, Msg::HttpOk { close: false }),
        cm(Read, Msg::HttpOk { close: false }),
        cm(
            Write,
            Msg::HttpGet {
                path: "/two",
                close: false,
            },
        ),
        sm(
            Read,
            Msg::HttpGet {
                path: "/two",
                close: false,
            },
        ),
        sm(Write, Msg::HttpOk { close: false }),
        cm(Read, Msg::HttpOk { close: false }),
        c(Close),
        s(Read),
        s(Close),
    ],
    first_close: Some((
        "HTTP/1.1 keeps the connection open after each response; the client, done with it, closes first, so the client waits in TIME_WAIT",
        "HTTP/1.1 在每次响应后保持连接；客户端用完后先关闭，所以在 TIME_WAIT 中等待的是客户端",
    )),
    list_note: None,
};

/// Every script `--script` accepts, as `--list` shows them.
pub fn all() -> impl Iterator<Item = &'static Script> {
    SCRIPTS.iter().chain(APP_SCRIPTS)
}

impl Script {
    pub fn summary_in(&self, lang: crate::explain::Lang) -> &'static str {
        crate::explain::tr(lang, self.summary, self.summary_zh)
    }
}

pub fn get(name: &str) -> Option<&'static Script> {
    all().find(|s| s.name == name)
}

/// The script `--script NAME` with `--keep-alive` or without, or a
/// one-line reason it cannot be run.
pub fn choose(name: &str, keep_alive: bool) -> Result<&'static Script, String> {
    let script = get(name).ok_or_else(|| {
        format!("there is no lab script `{name}`; run `synack live --list` to list them")
    })?;
    match (keep_alive, name) {
        (false, _) => Ok(script),
        (true, "http") => Ok(&HTTP_KEEP_ALIVE),
        (true, _) => Err(format!(
            "--keep-alive only means something with --script http (two requests on one \
             connection); `{name}` has no HTTP requests"
        )),
    }
}

/// `synack live --list`.
pub fn list() -> String {
    list_in(crate::explain::Lang::En)
}

pub fn list_in(lang: crate::explain::Lang) -> String {
    let mut out = String::new();
    for s in all() {
        // One line a script: tests and completion read the first word.
        out.push_str(&format!("{:<22} {}", s.name, s.summary_in(lang)));
        if let Some((en, zh)) = s.list_note {
            out.push_str(crate::explain::tr(lang, "; ", "；"));
            out.push_str(crate::explain::tr(lang, en, zh));
        }
        out.push('\n');
    }
    out
}
