//! The scenario library: scripts of socket calls and wire mishaps that the
//! simulator plays, each with the final states it must end in.

use super::sim::{
    CallOp, Match, Op, SimConfig, Simulator, WhatIf, WhatIfKind, WireAction, WireRule,
};
use crate::explain::Lang;
use crate::timeline::Side::{Client, Server};
use crate::timeline::Timeline;
use crate::timeline::state::State;
use anyhow::{Context, Result, bail};

pub struct Scenario {
    pub name: &'static str,
    pub summary: &'static str,
    /// The same one-line description in Simplified Chinese.
    pub summary_zh: &'static str,
    pub ops: Vec<Op>,
    /// (client, server) after the last step of the last connection.
    pub ends_in: (State, State),
}

fn call(side: crate::timeline::Side, op: CallOp) -> Op {
    Op::Call(side, op)
}

fn hello() -> Vec<u8> {
    b"hello".to_vec()
}

/// listen(), connect(), accept(): the three-way handshake.
fn open() -> Vec<Op> {
    vec![
        call(Server, CallOp::Listen),
        call(Client, CallOp::Connect),
        call(Server, CallOp::Accept),
    ]
}

/// "hello" from the client, "hello" back from the server.
fn exchange() -> Vec<Op> {
    vec![
        call(Client, CallOp::Write(hello())),
        call(Server, CallOp::Read),
        call(Server, CallOp::Write(hello())),
        call(Client, CallOp::Read),
    ]
}

/// The client closes first; the server reads EOF and closes too.
fn client_closes() -> Vec<Op> {
    vec![
        call(Client, CallOp::Close),
        call(Server, CallOp::Read),
        call(Server, CallOp::Close),
    ]
}

fn drop_first(from: crate::timeline::Side, what: Match) -> Op {
    Op::Wire(WireRule {
        from,
        what,
        nth: 1,
        action: WireAction::Drop,
    })
}

fn chain(parts: Vec<Vec<Op>>) -> Vec<Op> {
    parts.into_iter().flatten().collect()
}

pub const NAMES: [&str; 14] = [
    "handshake",
    "server-closes-first",
    "three-way-close",
    "simultaneous-open",
    "simultaneous-close",
    "half-close",
    "refused",
    "abort",
    "close-with-unread-data",
    "syn-lost",
    "syn-ack-lost",
    "fin-lost",
    "time-wait",
    "reorder",
];

pub fn all() -> Vec<Scenario> {
    NAMES.iter().map(|n| get(n).expect("listed")).collect()
}

fn summary_zh(name: &str) -> &'static str {
    match name {
        "handshake" => {
            "listen、connect、accept，双方各发一次 \"hello\"，客户端先关闭，然后服务端关闭"
        }
        "server-closes-first" => "服务端先关闭，所以进入 TIME_WAIT 的是服务端",
        "three-way-close" => {
            "对客户端 FIN 的延迟确认捎带在服务端的 FIN 上：FIN、FIN/ACK、ACK（最常见的关闭方式）"
        }
        "simultaneous-open" => "双方同时调用 connect()：SYN、SYN、SYN/ACK、SYN/ACK",
        "simultaneous-close" => "双方同时调用 close()：都经过 CLOSING 进入 TIME_WAIT",
        "half-close" => "客户端调用 shutdown(SHUT_WR)；服务端继续发送，然后关闭",
        "refused" => "SYN 发往没有监听的端口：RST/ACK，connect() 以 ECONNREFUSED 失败",
        "abort" => "SO_LINGER 设为 0 后 close()：用 RST 代替 FIN，不进入 TIME_WAIT",
        "close-with-unread-data" => "服务端在接收缓冲区还有未读数据时 close()：发送 RST 而不是 FIN",
        "syn-lost" => "第一个 SYN 丢失；connect() 的重传定时器在 1 秒后重发",
        "syn-ack-lost" => "SYN/ACK 丢失；客户端重发 SYN，服务端再次发送 SYN/ACK",
        "fin-lost" => "客户端的 FIN 丢失；重传定时器在 1 秒后重发",
        "time-wait" => {
            "Linux 把 TIME_WAIT 固定为 60 秒（即它的 2*MSL）；之后客户端从同一端口再次连接"
        }
        "reorder" => "两次 write()；线路延迟了第一个报文段，第二个先到并等待",
        _ => "",
    }
}

pub fn get(name: &str) -> Option<Scenario> {
    use State::*;
    let s = |summary, ops, ends_in| Scenario {
        name: NAMES.iter().find(|n| **n == name).copied().unwrap_or("?"),
        summary,
        summary_zh: summary_zh(name),
        ops,
        ends_in,
    };
    Some(match name {
        "handshake" => s(
            "listen, connect, accept, \"hello\" each way, the client closes, then the server",
            chain(vec![open(), exchange(), client_closes()]),
            (TimeWait, Closed),
        ),
        "server-closes-first" => s(
            "the server closes first, so the server ends in TIME_WAIT",
            chain(vec![
                open(),
                exchange(),
                vec![
                    call(Server, CallOp::Close),
                    call(Client, CallOp::Read),
                    call(Client, CallOp::Close),
                ],
            ]),
            (Closed, TimeWait),
        ),
        "three-way-close" => s(
            "the server's FIN rides on the delayed ACK of the client's FIN: FIN, FIN/ACK, ACK (the usual close)",
            chain(vec![
                vec![Op::DelayedAck(Server)],
                open(),
                exchange(),
                client_closes(),
            ]),
            (TimeWait, Closed),
        ),
        "simultaneous-open" => s(
            "both ends call connect() at once: SYN, SYN, SYN/ACK, SYN/ACK",
            chain(vec![
                vec![Op::Together(vec![
                    (Client, CallOp::Connect),
                    (Server, CallOp::Connect),
                ])],
                exchange(),
                client_closes(),
            ]),
            (TimeWait, Closed),
        ),
        "simultaneous-close" => s(
            "both ends call close() at once: both pass through CLOSING to TIME_WAIT",
            chain(vec![
                open(),
                exchange(),
                vec![Op::Together(vec![
                    (Client, CallOp::Close),
                    (Server, CallOp::Close),
                ])],
            ]),
            (TimeWait, TimeWait),
        ),
        "half-close" => s(
            "the client calls shutdown(SHUT_WR); the server keeps sending, then closes",
            chain(vec![
                open(),
                vec![
                    call(Client, CallOp::Write(b"request".to_vec())),
                    call(Server, CallOp::Read),
                    call(Client, CallOp::Shutdown),
                    call(Server, CallOp::Read),
                    call(Server, CallOp::Write(b"reply after your FIN".to_vec())),
                    call(Client, CallOp::Read),
                    call(Server, CallOp::Close),
                    call(Client, CallOp::Read),
                    call(Client, CallOp::Close),
                ],
            ]),
            (TimeWait, Closed),
        ),
        "refused" => s(
            "SYN to a port with no listener: RST/ACK, connect() fails with ECONNREFUSED",
            vec![call(Client, CallOp::Connect)],
            (Closed, Closed),
        ),
        "abort" => s(
            "SO_LINGER 0 then close(): RST instead of FIN, no TIME_WAIT",
            chain(vec![
                open(),
                exchange(),
                vec![
                    call(Client, CallOp::LingerZero),
                    call(Client, CallOp::Close),
                    call(Server, CallOp::Read),
                ],
            ]),
            (Closed, Closed),
        ),
        "close-with-unread-data" => s(
            "the server close()s with unread data in its receive buffer: RST, not FIN",
            chain(vec![
                open(),
                vec![
                    call(Client, CallOp::Write(hello())),
                    call(Server, CallOp::Close),
                    call(Client, CallOp::Read),
                ],
            ]),
            (Closed, Closed),
        ),
        "syn-lost" => s(
            "the first SYN is lost; connect()'s retransmission timer resends it after 1 s",
            chain(vec![
                vec![call(Server, CallOp::Listen), drop_first(Client, Match::Syn)],
                vec![
                    call(Client, CallOp::Connect),
                    Op::Settle,
                    call(Server, CallOp::Accept),
                ],
                exchange(),
                client_closes(),
            ]),
            (TimeWait, Closed),
        ),
        "syn-ack-lost" => s(
            "the SYN/ACK is lost; the client's SYN is resent and the server repeats its SYN/ACK",
            chain(vec![
                vec![
                    call(Server, CallOp::Listen),
                    drop_first(Server, Match::SynAck),
                ],
                vec![
                    call(Client, CallOp::Connect),
                    Op::Settle,
                    call(Server, CallOp::Accept),
                ],
                exchange(),
                client_closes(),
            ]),
            (TimeWait, Closed),
        ),
        "fin-lost" => s(
            "the client's FIN is lost; the retransmission timer resends it after 1 s",
            chain(vec![
                open(),
                exchange(),
                vec![
                    drop_first(Client, Match::Fin),
                    call(Client, CallOp::Close),
                    Op::Settle,
                    call(Server, CallOp::Read),
                    call(Server, CallOp::Close),
                ],
            ]),
            (TimeWait, Closed),
        ),
        "time-wait" => s(
            "Linux holds TIME_WAIT a fixed 60 s (its 2*MSL); then the client connects again from the same port",
            chain(vec![
                open(),
                client_closes(),
                vec![
                    Op::Wait(60.0),
                    call(Client, CallOp::Connect),
                    call(Server, CallOp::Accept),
                ],
            ]),
            (Established, Established),
        ),
        "reorder" => s(
            "two writes; the wire delays the first, so the second arrives first and waits",
            chain(vec![
                open(),
                vec![
                    Op::Wire(WireRule {
                        from: Client,
                        what: Match::Data,
                        nth: 1,
                        action: WireAction::Delay(0.015),
                    }),
                    Op::Together(vec![
                        (Client, CallOp::Write(b"first ".to_vec())),
                        (Client, CallOp::Write(b"second".to_vec())),
                    ]),
                    call(Server, CallOp::Read),
                ],
                client_closes(),
            ]),
            (TimeWait, Closed),
        ),
        _ => return None,
    })
}

/// The timeline of the scenario called `name`, titled in `lang`.
pub fn timeline(name: &str, cfg: SimConfig, lang: Lang) -> Result<Timeline> {
    Ok(run(name, cfg, lang)?.0)
}

/// [`timeline`], with each step's [`WhatIf`] number (None for calls and
/// timers), so a step can be named in a "what if".
pub fn run(name: &str, cfg: SimConfig, lang: Lang) -> Result<(Timeline, Vec<Option<u32>>)> {
    let Some(sc) = get(name) else {
        bail!("there is no scenario `{name}`; run `synack scenarios` to list them");
    };
    let changed = !cfg.what_if.is_empty();
    let sim = Simulator::run(cfg, &sc.ops)
        .with_context(|| format!("scenario `{}` could not run", sc.name))?;
    let summary = match lang {
        Lang::En => sc.summary,
        Lang::Zh => sc.summary_zh,
    };
    let numbers = sim.sent_numbers().to_vec();
    let source = if changed {
        format!("simulation: {} (what if)", sc.name)
    } else {
        format!("simulation: {}", sc.name)
    };
    Ok((sim.into_timeline(source, summary.to_string()), numbers))
}

/// Add a "what if" on step `step` (1-based, as the ladder numbers steps)
/// of the run `cfg` makes: the step must be a segment. Changes named
/// later than it are forgotten: they named segments of a run that no
/// longer happens.
pub fn add_what_if(name: &str, cfg: &mut SimConfig, step: usize, change: WhatIfKind) -> Result<()> {
    let (tl, numbers) = run(name, cfg.clone(), Lang::En)?;
    let Some(sent) = step.checked_sub(1).and_then(|i| numbers.get(i).copied()) else {
        bail!(
            "scenario `{name}` has {} steps; there is no step {step}",
            tl.steps.len()
        );
    };
    let Some(sent) = sent else {
        bail!(
            "step {step} of `{name}` is a socket call or a timer, not a segment; \
             name a segment's step (run `synack simulate {name} --plain` to see them)"
        );
    };
    cfg.what_if.retain(|w| w.sent() < sent);
    cfg.what_if.push(WhatIf::new(change, sent));
    Ok(())
}
