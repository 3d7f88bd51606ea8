//! The eleven connection states of RFC 9293 §3.3.2 and the edges of its
//! state diagram (Figure 5), as one plain `match`.
//!
//! This is the single source of truth for "which state follows which": the
//! simulator's endpoints and the tracker that reads captures both step
//! through [`State::next`], so a capture and a simulation can never disagree
//! about what a transition means.

pub use crate::timeline::state::{ALL_STATES, State};
use serde::Serialize;
use thiserror::Error;

/// What makes an endpoint move: a user call, an arriving segment, or a timer.
/// Each variant is a label on an arrow of RFC 9293's Figure 5.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum Event {
    /// `listen()`: passive OPEN, create TCB.
    PassiveOpen,
    /// `connect()`: active OPEN, send SYN.
    ActiveOpen,
    /// SEND on a listening socket: send SYN (RFC edge LISTEN → SYN-SENT).
    Send,
    /// `close()` / `shutdown(SHUT_WR)`: send FIN (or delete the TCB before
    /// the connection is synchronised).
    Close,
    /// ABORT (`SO_LINGER` 0 then `close()`, or `close()` with unread data):
    /// send RST, delete TCB.
    Abort,
    /// A SYN without ACK arrives.
    RcvSyn,
    /// A SYN,ACK that acknowledges our SYN arrives.
    RcvSynAck,
    /// An ACK that acknowledges our SYN arrives (and carries no SYN).
    RcvAckOfSyn,
    /// A FIN arrives that does not acknowledge our FIN.
    RcvFin,
    /// An ACK of our FIN arrives (no FIN from the peer on it).
    RcvAckOfFin,
    /// A FIN arrives that also acknowledges our FIN.
    RcvFinAckOfFin,
    /// An acceptable RST arrives.
    RcvRst,
    /// The 2·MSL TIME-WAIT timer expires.
    Timeout2Msl,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Error)]
#[error("a TCP endpoint in {state} cannot take {event:?}")]
pub struct InvalidTransition {
    pub state: State,
    pub event: Event,
}

pub const ALL_EVENTS: [Event; 13] = [
    Event::PassiveOpen,
    Event::ActiveOpen,
    Event::Send,
    Event::Close,
    Event::Abort,
    Event::RcvSyn,
    Event::RcvSynAck,
    Event::RcvAckOfSyn,
    Event::RcvFin,
    Event::RcvAckOfFin,
    Event::RcvFinAckOfFin,
    Event::RcvRst,
    Event::Timeout2Msl,
];

impl State {
    /// The state that follows `event`, or an error if Figure 5 (with the RST
    /// rules of §3.10.7.4) has no such arrow.
    ///
    /// SYN-RECEIVED on RST goes to LISTEN: RFC 9293 returns a passively
    /// opened connection to LISTEN. An endpoint that reached SYN-RECEIVED by
    /// simultaneous open goes to CLOSED instead; [`State::next_active`] says so.
    pub fn next(self, event: Event) -> Result<State, InvalidTransition> {
        use Event::*;
        use State::*;
        let next = match (self, event) {
            (Closed, PassiveOpen) => Listen,
            (Closed, ActiveOpen) => SynSent,

            (Listen, RcvSyn) => SynReceived,
            (Listen, Send) => SynSent,
            (Listen, Close) => Closed,

            (SynSent, RcvSyn) => SynReceived,
            (SynSent, RcvSynAck) => Established,
            (SynSent, Close) => Closed,
            (SynSent, RcvRst) => Closed,

            (SynReceived, RcvAckOfSyn) => Established,
            (SynReceived, Close) => FinWait1,
            (SynReceived, RcvRst) => Listen,

            (Established, Close) => FinWait1,
            (Established, RcvFin) => CloseWait,

            (FinWait1, RcvAckOfFin) => FinWait2,
            (FinWait1, RcvFin) => Closing,
            (FinWait1, RcvFinAckOfFin) => TimeWait,

            (FinWait2, RcvFin) => TimeWait,

            (CloseWait, Close) => LastAck,

            (Closing, RcvAckOfFin) => TimeWait,

            (LastAck, RcvAckOfFin) => Closed,

            (TimeWait, Timeout2Msl) => Closed,

            // §3.10.7.4: in every synchronised state an acceptable RST ends
            // the connection; ABORT sends RST and deletes the TCB.
            (
                Established | FinWait1 | FinWait2 | CloseWait | Closing | LastAck | TimeWait,
                RcvRst,
            ) => Closed,
            (SynSent | SynReceived | Established | FinWait1 | FinWait2 | CloseWait, Abort) => {
                Closed
            }
            _ => return Err(InvalidTransition { state: self, event }),
        };
        Ok(next)
    }

    /// Like [`State::next`], for an endpoint that opened actively: its
    /// SYN-RECEIVED (reached by simultaneous open) falls back to CLOSED on RST.
    pub fn next_active(self, event: Event) -> Result<State, InvalidTransition> {
        match (self, event) {
            (State::SynReceived, Event::RcvRst) => Ok(State::Closed),
            _ => self.next(event),
        }
    }

    /// True when some event leads from `self` to `to` (or `self == to`).
    pub fn can_reach_in_one_step(self, to: State) -> bool {
        self == to
            || ALL_EVENTS
                .iter()
                .any(|&e| self.next(e) == Ok(to) || self.next_active(e) == Ok(to))
    }
}

#[cfg(test)]
mod tests {
    use super::Event::*;
    use super::State::*;
    use super::*;

    fn ok(from: State, event: Event, to: State) {
        assert_eq!(from.next(event), Ok(to), "{from} --{event:?}--> {to}");
    }

    fn bad(from: State, event: Event) {
        assert_eq!(
            from.next(event),
            Err(InvalidTransition { state: from, event }),
            "{from} must refuse {event:?}"
        );
    }

    #[test]
    fn closed() {
        ok(Closed, PassiveOpen, Listen);
        ok(Closed, ActiveOpen, SynSent);
        bad(Closed, RcvSyn);
        bad(Closed, Close);
        bad(Closed, RcvRst);
        bad(Closed, Timeout2Msl);
    }

    #[test]
    fn listen() {
        ok(Listen, RcvSyn, SynReceived);
        ok(Listen, Send, SynSent);
        ok(Listen, Close, Closed);
        bad(Listen, RcvSynAck);
        bad(Listen, RcvFin);
        bad(Listen, ActiveOpen);
    }

    #[test]
    fn syn_sent() {
        ok(SynSent, RcvSynAck, Established);
        ok(SynSent, RcvSyn, SynReceived); // simultaneous open
        ok(SynSent, Close, Closed);
        ok(SynSent, RcvRst, Closed); // connection refused
        ok(SynSent, Abort, Closed);
        bad(SynSent, RcvFin);
        bad(SynSent, RcvAckOfFin);
    }

    #[test]
    fn syn_received() {
        ok(SynReceived, RcvAckOfSyn, Established);
        ok(SynReceived, Close, FinWait1);
        ok(SynReceived, RcvRst, Listen);
        assert_eq!(SynReceived.next_active(RcvRst), Ok(Closed));
        bad(SynReceived, RcvFin);
        bad(SynReceived, PassiveOpen);
    }

    #[test]
    fn established() {
        ok(Established, Close, FinWait1);
        ok(Established, RcvFin, CloseWait);
        ok(Established, RcvRst, Closed);
        ok(Established, Abort, Closed);
        bad(Established, RcvSyn);
        bad(Established, RcvAckOfFin);
        bad(Established, Timeout2Msl);
    }

    #[test]
    fn fin_wait_1() {
        ok(FinWait1, RcvAckOfFin, FinWait2);
        ok(FinWait1, RcvFin, Closing); // simultaneous close
        ok(FinWait1, RcvFinAckOfFin, TimeWait); // three-way close
        ok(FinWait1, RcvRst, Closed);
        bad(FinWait1, Close);
    }

    #[test]
    fn fin_wait_2() {
        ok(FinWait2, RcvFin, TimeWait);
        ok(FinWait2, RcvRst, Closed);
        bad(FinWait2, RcvAckOfFin);
        bad(FinWait2, Close);
    }

    #[test]
    fn close_wait() {
        ok(CloseWait, Close, LastAck);
        ok(CloseWait, RcvRst, Closed);
        bad(CloseWait, RcvFin);
    }

    #[test]
    fn closing() {
        ok(Closing, RcvAckOfFin, TimeWait);
        ok(Closing, RcvRst, Closed);
        bad(Closing, RcvFin);
        bad(Closing, Abort);
    }

    #[test]
    fn last_ack() {
        ok(LastAck, RcvAckOfFin, Closed);
        ok(LastAck, RcvRst, Closed);
        bad(LastAck, Close);
    }

    #[test]
    fn time_wait() {
        ok(TimeWait, Timeout2Msl, Closed);
        ok(TimeWait, RcvRst, Closed);
        bad(TimeWait, RcvFin);
        bad(TimeWait, Close);
    }

    #[test]
    fn every_state_has_a_way_out_and_none_panics() {
        for s in ALL_STATES {
            let exits = ALL_EVENTS.iter().filter(|&&e| s.next(e).is_ok()).count();
            assert!(exits > 0, "{s} is a dead end");
        }
    }

    #[test]
    fn names_are_rfc_names_with_underscores() {
        assert_eq!(SynReceived.to_string(), "SYN_RECEIVED");
        assert_eq!(FinWait1.to_string(), "FIN_WAIT_1");
        assert_eq!(serde_json::to_string(&TimeWait).unwrap(), "\"TIME_WAIT\"");
        assert_eq!(serde_json::to_string(&FinWait2).unwrap(), "\"FIN_WAIT_2\"");
    }
}
