//! The scenario library: scripts of socket calls and wire mishaps that the
//! simulator plays, each with the final states it must end in.

use super::sim::{
    CallOp, Match, Op, SimConfig, Simulator, WhatIf, WhatIfKind, WireAction, WireRule,
};
use crate::explain::Lang;
use crate::i18n::text;
use crate::timeline::Side::{Client, Server};
use crate::timeline::Timeline;
use crate::timeline::state::State;
use anyhow::{Context, Result, bail};

pub struct Scenario {
    pub name: &'static str,
    pub summary: &'static str,
    /// The same one-line description in Simplified Chinese (both come
    /// from the catalogues; the menu and the deck show the pair).
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

/// A scenario's one-line description, from the catalogues.
pub fn summary(lang: Lang, name: &str) -> &'static str {
    match name {
        "handshake" => text(lang, "scenario-handshake-summary"),
        "server-closes-first" => text(lang, "scenario-server-closes-first-summary"),
        "three-way-close" => text(lang, "scenario-three-way-close-summary"),
        "simultaneous-open" => text(lang, "scenario-simultaneous-open-summary"),
        "simultaneous-close" => text(lang, "scenario-simultaneous-close-summary"),
        "half-close" => text(lang, "scenario-half-close-summary"),
        "refused" => text(lang, "scenario-refused-summary"),
        "abort" => text(lang, "scenario-abort-summary"),
        "close-with-unread-data" => text(lang, "scenario-close-with-unread-data-summary"),
        "syn-lost" => text(lang, "scenario-syn-lost-summary"),
        "syn-ack-lost" => text(lang, "scenario-syn-ack-lost-summary"),
        "fin-lost" => text(lang, "scenario-fin-lost-summary"),
        "time-wait" => text(lang, "scenario-time-wait-summary"),
        "reorder" => text(lang, "scenario-reorder-summary"),
        _ => "",
    }
}

pub fn get(name: &str) -> Option<Scenario> {
    use State::*;
    let s = |ops, ends_in| Scenario {
        name: NAMES.iter().find(|n| **n == name).copied().unwrap_or("?"),
        summary: summary(Lang::En, name),
        summary_zh: summary(Lang::Zh, name),
        ops,
        ends_in,
    };
    Some(match name {
        "handshake" => s(
            chain(vec![open(), exchange(), client_closes()]),
            (TimeWait, Closed),
        ),
        "server-closes-first" => s(
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
            chain(vec![
                vec![Op::DelayedAck(Server)],
                open(),
                exchange(),
                client_closes(),
            ]),
            (TimeWait, Closed),
        ),
        "simultaneous-open" => s(
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
        "refused" => s(vec![call(Client, CallOp::Connect)], (Closed, Closed)),
        "abort" => s(
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
    let summary = summary(lang, sc.name);
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
