//! The lab's scripts: which socket call each step makes, on which side.

use crate::explain::Lang;
use crate::i18n::text;
use crate::timeline::{Call, Side};

/// One scripted socket call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Action {
    pub side: Side,
    /// Which client (0-based): the caller on the client side, or on the
    /// server side the connection accepted from that client. Always 0 in
    /// the one-client scripts.
    pub who: u8,
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
    /// A chat line a client types (the server reads it from that client).
    Line(&'static str),
    /// The server's copy of the line it read last, prefixed with the
    /// sender's name, for every other client.
    Relay,
    /// The payload of a UDP datagram.
    Datagram(&'static str),
    /// Not a message: how long `poll()` waits, in milliseconds.
    Within(u32),
}

const fn act(side: Side, who: u8, call: Call, msg: Option<Msg>) -> Action {
    Action {
        side,
        who,
        call,
        msg,
    }
}
const fn c(call: Call) -> Action {
    act(Side::Client, 0, call, None)
}
const fn s(call: Call) -> Action {
    act(Side::Server, 0, call, None)
}
const fn cm(call: Call, msg: Msg) -> Action {
    act(Side::Client, 0, call, Some(msg))
}
const fn sm(call: Call, msg: Msg) -> Action {
    act(Side::Server, 0, call, Some(msg))
}
/// Client `k` (0-based) calls.
const fn ck(k: u8, call: Call) -> Action {
    act(Side::Client, k, call, None)
}
const fn ckm(k: u8, call: Call, msg: Msg) -> Action {
    act(Side::Client, k, call, Some(msg))
}
/// The server calls on its connection from client `k`.
const fn sk(k: u8, call: Call) -> Action {
    act(Side::Server, k, call, None)
}
const fn skm(k: u8, call: Call, msg: Msg) -> Action {
    act(Side::Server, k, call, Some(msg))
}

/// What the lab's sockets are.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Proto {
    Tcp,
    /// Two UDP sockets: no listen, connect or accept, no states.
    Udp,
}

pub struct Script {
    pub name: &'static str,
    /// False for `refused`: the server's socket is bound but never listens.
    pub listens: bool,
    pub actions: &'static [Action],
    pub proto: Proto,
    /// How many client sockets the script uses.
    pub clients: u8,
    /// listen()'s backlog.
    pub backlog: i32,
    /// connect() on a non-blocking socket: it returns EINPROGRESS at once
    /// and poll() waits for the handshake, as a program with several
    /// connections does.
    pub nonblocking: bool,
}

/// The fields every one-client TCP script shares.
const TCP: Script = Script {
    name: "",
    listens: true,
    actions: &[],
    proto: Proto::Tcp,
    clients: 1,
    backlog: 16,
    nonblocking: false,
};

use Call::*;

pub const SCRIPTS: &[Script] = &[
    Script {
        name: "default",
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
        ..TCP
    },
    Script {
        name: "refused",
        listens: false,
        actions: &[c(Connect), c(Close)],
        ..TCP
    },
    Script {
        name: "half-close",
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
        ..TCP
    },
    Script {
        name: "abort",
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
        ..TCP
    },
    Script {
        name: "unread-close",
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
        ..TCP
    },
    Script {
        name: "server-closes-first",
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
        ..TCP
    },
    Script {
        name: "time-wait-reuse",
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
        ..TCP
    },
];

/// What rides on the connection: scripts whose calls carry application
/// messages. Kept apart from [`SCRIPTS`], the TCP behaviours, whose table
/// of expected segments lives in tests/live_lab.rs; these are checked by
/// tests/live_scripts.rs.
pub const APP_SCRIPTS: &[Script] = &[
    Script {
        name: "http",
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
        ..TCP
    },
    Script {
        name: "websocket",
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
        ..TCP
    },
    Script {
        name: "udp",
        listens: false,
        actions: &[
            cm(SendTo, Msg::Datagram("ping")),
            sm(RecvFrom, Msg::Datagram("ping")),
            sm(SendTo, Msg::Datagram("pong")),
            cm(RecvFrom, Msg::Datagram("pong")),
            s(Close),
            cm(SendTo, Msg::Datagram("anyone there?")),
            c(Close),
        ],
        proto: Proto::Udp,
        ..TCP
    },
    Script {
        name: "chat",
        listens: true,
        actions: CHAT,
        clients: 3,
        ..TCP
    },
    Script {
        name: "backlog",
        listens: true,
        actions: &[
            s(Listen),
            ck(0, Connect),
            ck(1, Connect),
            ck(2, Connect),
            ck(3, Connect),
            ckm(2, Poll, Msg::Within(1500)),
            sk(0, Accept),
            sk(1, Accept),
            ckm(2, Poll, Msg::Within(8000)),
            ckm(3, Poll, Msg::Within(8000)),
            sk(2, Accept),
            sk(3, Accept),
            ck(0, Close),
            ck(1, Close),
            ck(2, Close),
            ck(3, Close),
            sk(0, Close),
            sk(1, Close),
            sk(2, Close),
            sk(3, Close),
        ],
        clients: 4,
        backlog: 1,
        nonblocking: true,
        ..TCP
    },
];

/// A chat server and three clients: each line one client writes, the
/// server reads and writes to the two others; then the clients leave one
/// by one and the server closes each connection after its EOF.
const CHAT: &[Action] = &[
    s(Listen),
    ck(0, Connect),
    sk(0, Accept),
    ck(1, Connect),
    sk(1, Accept),
    ck(2, Connect),
    sk(2, Accept),
    // Client 1 speaks; the server relays to clients 2 and 3.
    ckm(0, Write, Msg::Line("hi all\n")),
    skm(0, Read, Msg::Line("hi all\n")),
    skm(1, Write, Msg::Relay),
    skm(2, Write, Msg::Relay),
    ckm(1, Read, Msg::Relay),
    ckm(2, Read, Msg::Relay),
    // Client 2 answers; clients 1 and 3 get it.
    ckm(1, Write, Msg::Line("hello from 2\n")),
    skm(1, Read, Msg::Line("hello from 2\n")),
    skm(0, Write, Msg::Relay),
    skm(2, Write, Msg::Relay),
    ckm(0, Read, Msg::Relay),
    ckm(2, Read, Msg::Relay),
    // Client 3 says goodbye; clients 1 and 2 get it.
    ckm(2, Write, Msg::Line("bye\n")),
    skm(2, Read, Msg::Line("bye\n")),
    skm(0, Write, Msg::Relay),
    skm(1, Write, Msg::Relay),
    ckm(0, Read, Msg::Relay),
    ckm(1, Read, Msg::Relay),
    // They leave one by one: each close() is a FIN the server reads as EOF.
    ck(2, Close),
    sk(2, Read),
    sk(2, Close),
    ck(0, Close),
    sk(0, Read),
    sk(0, Close),
    ck(1, Close),
    sk(1, Read),
    sk(1, Close),
];

/// `http` with `--keep-alive`: not a script of its own in `--list`, a
/// variant of `http` chosen by the flag.
pub const HTTP_KEEP_ALIVE: Script = Script {
    name: "http --keep-alive",
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
    ..TCP
};

/// Every script `--script` accepts, as `--list` shows them.
pub fn all() -> impl Iterator<Item = &'static Script> {
    SCRIPTS.iter().chain(APP_SCRIPTS)
}

impl Script {
    /// The script's one-line description, as `--list` and the title show it.
    pub fn summary_in(&self, lang: Lang) -> &'static str {
        match self.name {
            "default" => text(lang, "script-default-summary"),
            "refused" => text(lang, "script-refused-summary"),
            "half-close" => text(lang, "script-half-close-summary"),
            "abort" => text(lang, "script-abort-summary"),
            "unread-close" => text(lang, "script-unread-close-summary"),
            "server-closes-first" => text(lang, "script-server-closes-first-summary"),
            "time-wait-reuse" => text(lang, "script-time-wait-reuse-summary"),
            "http" => text(lang, "script-http-summary"),
            "websocket" => text(lang, "script-websocket-summary"),
            "http --keep-alive" => text(lang, "script-http-keep-alive-summary"),
            "udp" => text(lang, "script-udp-summary"),
            "chat" => text(lang, "script-chat-summary"),
            "backlog" => text(lang, "script-backlog-summary"),
            _ => "",
        }
    }

    /// Why the side that closes first does so (and so waits in
    /// TIME_WAIT), added to that close()'s hint.
    pub fn first_close_in(&self, lang: Lang) -> Option<&'static str> {
        match self.name {
            "http" => Some(text(lang, "script-http-first-close")),
            "websocket" => Some(text(lang, "script-websocket-first-close")),
            "http --keep-alive" => Some(text(lang, "script-http-keep-alive-first-close")),
            "chat" => Some(text(lang, "script-chat-first-close")),
            _ => None,
        }
    }

    /// A line `--list` adds under the script (its flags).
    pub fn list_note_in(&self, lang: Lang) -> Option<&'static str> {
        match self.name {
            "http" => Some(text(lang, "script-http-list-note")),
            _ => None,
        }
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
    list_in(Lang::En)
}

pub fn list_in(lang: Lang) -> String {
    let mut out = String::new();
    for s in all() {
        // One line a script: tests and completion read the first word.
        out.push_str(&format!("{:<22} {}", s.name, s.summary_in(lang)));
        if let Some(note) = s.list_note_in(lang) {
            out.push_str(text(lang, "semicolon"));
            out.push_str(note);
        }
        out.push('\n');
    }
    out
}
