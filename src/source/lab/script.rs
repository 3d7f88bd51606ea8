//! The lab's scripts: which socket call each step makes, on which side.

use crate::timeline::{Call, Side};

/// One scripted socket call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Action {
    pub side: Side,
    pub call: Call,
}

const fn c(call: Call) -> Action {
    Action {
        side: Side::Client,
        call,
    }
}
const fn s(call: Call) -> Action {
    Action {
        side: Side::Server,
        call,
    }
}

pub struct Script {
    pub name: &'static str,
    pub summary: &'static str,
    pub summary_zh: &'static str,
    /// False for `refused`: the server's socket is bound but never listens.
    pub listens: bool,
    pub actions: &'static [Action],
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
    },
    Script {
        name: "refused",
        summary: "connect() to a port where nothing listens: the kernel answers RST, ECONNREFUSED",
        summary_zh: "connect() 连向没有程序监听的端口：内核回应 RST，ECONNREFUSED",
        listens: false,
        actions: &[c(Connect), c(Close)],
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
    },
];

impl Script {
    pub fn summary_in(&self, lang: crate::explain::Lang) -> &'static str {
        crate::explain::tr(lang, self.summary, self.summary_zh)
    }
}

pub fn get(name: &str) -> Option<&'static Script> {
    SCRIPTS.iter().find(|s| s.name == name)
}

/// `synack live --list`.
pub fn list() -> String {
    list_in(crate::explain::Lang::En)
}

pub fn list_in(lang: crate::explain::Lang) -> String {
    SCRIPTS
        .iter()
        .map(|s| format!("{:<22} {}\n", s.name, s.summary_in(lang)))
        .collect()
}
