//! Property tests over the whole scenario library: for any pair of initial
//! sequence numbers (wrap-around included) every step is an edge of RFC
//! 9293's diagram, acknowledgment numbers follow the arithmetic, and each
//! scenario ends where it says it does.

use proptest::prelude::*;
use synack::source::scenario;
use synack::source::sim::{SimConfig, Simulator};
use synack::tcp::state::State;
use synack::timeline::seq::SeqNum;
use synack::timeline::{Side, StepKind, Timeline};

fn run(name: &str, isn_client: u32, isn_server: u32) -> (Timeline, (State, State)) {
    let sc = scenario::get(name).expect("scenario exists");
    let cfg = SimConfig {
        isn_client,
        isn_server,
        ..SimConfig::default()
    };
    let sim = Simulator::run(cfg, &sc.ops).expect("scenario runs");
    (sim.into_timeline(name.into(), String::new()), sc.ends_in)
}

/// What `side` has received in order from the other side, as the next
/// sequence number it expects: the arithmetic an ACK must follow.
#[derive(Default, Clone)]
struct Receiver {
    next: Option<SeqNum>,
    /// Every value `next` has had: a segment may have been sent before the
    /// latest arrivals (simultaneous close), so its ACK may be an older one.
    history: Vec<SeqNum>,
    /// Segments that arrived beyond a gap, by (start, end).
    held: Vec<(SeqNum, SeqNum)>,
}

impl Receiver {
    fn take(&mut self, start: SeqNum, end: SeqNum, syn: bool) {
        self.take_inner(start, end, syn);
        if let Some(n) = self.next {
            self.history.push(n);
        }
    }

    fn take_inner(&mut self, start: SeqNum, end: SeqNum, syn: bool) {
        if syn && self.next.is_none() {
            self.next = Some(end);
            return;
        }
        let Some(next) = self.next else { return };
        if start == next {
            self.next = Some(end);
            while let Some(i) = self.held.iter().position(|(s, _)| Some(*s) == self.next) {
                self.next = Some(self.held.remove(i).1);
            }
        } else if start.gt(next) {
            self.held.push((start, end));
        }
    }
}

fn check(tl: &Timeline, ends_in: (State, State), isn_client: u32, isn_server: u32) {
    let mut prev: Option<&synack::timeline::Step> = None;
    let mut rx = [Receiver::default(), Receiver::default()];
    for step in &tl.steps {
        // Steps chain: each starts where the previous one of its stream ended.
        if let Some(p) = prev {
            if p.stream == step.stream {
                assert_eq!(step.before, p.after, "states must chain");
            } else {
                rx = [Receiver::default(), Receiver::default()];
            }
        } else {
            assert_eq!(step.before.client, Some(State::Closed));
            assert_eq!(step.before.server, Some(State::Closed));
        }
        prev = Some(step);
        // Each side moves along an edge of the diagram, and only the side the
        // step concerns moves at all.
        for side in [Side::Client, Side::Server] {
            let (b, a) = (
                step.before.get(side).unwrap(),
                step.after.get(side).unwrap(),
            );
            assert!(
                b.can_reach_in_one_step(a),
                "{side}: {b} -> {a} is not an edge of RFC 9293's diagram"
            );
            let allowed = match step.kind {
                StepKind::Call | StepKind::Timer => side == step.side,
                StepKind::Segment => {
                    !step.segment.as_ref().unwrap().lost && side == step.side.other()
                }
                // UDP has no states to move.
                StepKind::Datagram => false,
            };
            assert!(
                allowed || a == b,
                "{side} moved in a step that is not its own: {step:?}"
            );
        }
        let Some(v) = &step.segment else { continue };
        let sender_isn = match (v.from, step.stream) {
            (Side::Client, 0) => Some(isn_client),
            (Side::Server, 0) => Some(isn_server),
            _ => None,
        };
        if v.seg.flags.syn()
            && let Some(isn) = sender_isn
        {
            assert_eq!(v.seg.seq, SeqNum(isn), "a SYN carries the configured ISN");
            assert_eq!(v.seq_rel, 0);
        }
        let me = v.from.index();
        // Acknowledgment arithmetic: what this side has taken in so far.
        if v.seg.flags.ack() {
            assert!(
                rx[me].history.contains(&v.seg.ack),
                "ack {} of {} from {} must be a next-expected sequence number {:?}",
                v.seg.ack,
                v.seg.flags,
                v.from,
                rx[me].history
            );
            // Nothing is acknowledged before it has arrived.
            assert!(v.seg.ack.le(rx[me].next.unwrap()));
        }
        if !v.lost {
            let to = v.from.other().index();
            rx[to].take(v.seg.seq, v.seg.seq_end(), v.seg.flags.syn());
        }
    }
    let last = tl.steps.last().unwrap().after;
    assert_eq!(
        (last.client.unwrap(), last.server.unwrap()),
        ends_in,
        "final states"
    );
}

fn isn() -> impl Strategy<Value = u32> {
    prop_oneof![any::<u32>(), (u32::MAX - 40)..=u32::MAX, 0u32..40]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]
    #[test]
    fn every_scenario_follows_the_rfc_for_any_isns(c in isn(), s in isn()) {
        for name in scenario::NAMES {
            let (tl, ends_in) = run(name, c, s);
            check(&tl, ends_in, c, s);
        }
    }
}

#[test]
fn sequence_numbers_wrap_in_the_middle_of_a_transfer() {
    // The client's data starts 2 below 2^32, so "hello" crosses zero.
    let (tl, ends_in) = run("handshake", u32::MAX - 2, 7);
    check(&tl, ends_in, u32::MAX - 2, 7);
    let data = tl
        .segments()
        .find(|(_, v)| v.len == 5 && v.from == Side::Client)
        .unwrap()
        .1;
    assert_eq!(data.seg.seq, SeqNum(u32::MAX - 1));
    let ack = tl
        .segments()
        .find(|(_, v)| v.from == Side::Server && v.seg.ack == SeqNum(3))
        .expect("the server acknowledges across the wrap");
    assert_eq!(ack.1.ack_rel, 6);
}
