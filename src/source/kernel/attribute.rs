//! From the kernel's state-change events to the kernel's states after each
//! step of one connection: which end an event is about, which kind of step
//! a change belongs to, how Linux's time-wait socket is shown, and why the
//! kernel's states may differ from those inferred from the segments.
//! Pure: `synack trace` and `sniff` both use it, each with its own way of
//! finding the step a change belongs to (`trace` has calls, `sniff` only
//! segments).

use super::proc::kernel_state;
use super::tracefs::Event;
use crate::explain::Lang;
use crate::i18n::text;
use crate::tcp::state::State;
use crate::timeline::{Side, States};
use std::net::SocketAddr;

/// Clock slack between a segment's capture time and the state change its
/// arrival makes (the trace clock prints microseconds).
pub const SLACK_NS: i128 = 20_000;

/// Which end of the connection `client`–`server` (and which of its
/// sockets) the event is about.
pub fn end_of(e: &Event, client: SocketAddr, server: SocketAddr) -> Option<(Side, &'static str)> {
    let ip_c = client.ip().to_string();
    if e.sport == client.port() && e.dport == server.port() && e.saddr == ip_c {
        Some((Side::Client, "connection"))
    } else if e.sport == 0 && e.dport == server.port() && e.saddr == ip_c {
        // CLOSE → SYN_SENT inside connect(), before the local port is
        // chosen.
        Some((Side::Client, "connection"))
    } else if e.sport == server.port()
        && e.dport == client.port()
        && e.saddr == server.ip().to_string()
    {
        Some((Side::Server, "connection"))
    } else if e.sport == server.port() && e.dport == 0 {
        Some((Side::Server, "listener"))
    } else {
        None
    }
}

/// True for the changes only a socket call makes (listen, connect, close,
/// shutdown): the segment that call sends comes after them.
pub fn made_by_a_call(old: u8, new: u8) -> bool {
    matches!((old, new), (7, 10) | (7, 2) | (1, 4) | (8, 9) | (10, 7))
}

/// The kernel's sockets of one connection, as its events left them: the
/// client's, the server's connection socket, or its listener until that
/// exists (kernel `TCP_*` numbers; `None`: no event said).
#[derive(Clone, Copy, Debug, Default)]
pub struct ConnKernel {
    pub client: Option<u8>,
    pub conn: Option<u8>,
    pub listener: Option<u8>,
    /// A time-wait socket holds that end (no state events from it).
    pub tw: [bool; 2],
}

impl ConnKernel {
    /// Apply one step's changes (side, socket, old, new); `after` is the
    /// step's inferred states, `unknown` what an end no event named shows.
    /// The kernel's states after the step, and whether a time-wait socket
    /// took over on it.
    pub fn step(
        &mut self,
        after: States,
        changes: &[(Side, &'static str, u8, u8)],
        unknown: Option<State>,
    ) -> (States, bool) {
        let mut tw_began = false;
        for &(side, socket, old, new) in changes {
            match (side, socket) {
                (Side::Client, _) => self.client = Some(new),
                (Side::Server, "listener") => self.listener = Some(new),
                _ => self.conn = Some(new),
            }
            // At TIME_WAIT Linux closes the full socket and a small
            // time-wait socket, which has no state event, goes on.
            // After close() that happens at FIN_WAIT_2 already.
            if new == 7 && matches!(old, 4 | 5 | 11) {
                self.tw[side.index()] =
                    matches!(after.get(side), Some(State::TimeWait | State::FinWait2));
                tw_began |= self.tw[side.index()];
            }
        }
        let of = |n: Option<u8>| n.and_then(kernel_state).or(unknown);
        let mut kernel = States {
            client: of(self.client),
            server: of(self.conn.or(self.listener)),
        };
        // The time-wait socket's own FIN_WAIT_2 → TIME_WAIT has no
        // event: it is shown as inferred from the segments.
        for side in [Side::Client, Side::Server] {
            if self.tw[side.index()] {
                let held = match after.get(side) {
                    Some(st @ (State::FinWait2 | State::TimeWait)) => st,
                    _ => State::TimeWait,
                };
                kernel.set(side, Some(held));
            }
        }
        (kernel, tw_began)
    }
}

/// Why the kernel's states differ from the inferred ones (or, when a
/// time-wait socket took over, what is shown), if there is something to say.
pub fn note(kernel: States, after: States, tw_began: bool, lang: Lang) -> Option<String> {
    let mut note = None;
    if kernel != after {
        let half_open =
            kernel.server == Some(State::Listen) && after.server == Some(State::SynReceived);
        // An end no event named yet: its socket was made before the tracer
        // started (sniff only: `trace` shows such an end as CLOSED).
        let unseen = [Side::Client, Side::Server]
            .iter()
            .all(|&s| kernel.get(s) == after.get(s) || kernel.get(s).is_none());
        note = Some(if half_open {
            text(lang, "kernel-note-half-open")
        } else if unseen {
            text(lang, "kernel-note-unseen")
        } else {
            text(lang, "kernel-note-unexplained")
        });
    }
    if tw_began && note.is_none() {
        note = Some(text(lang, "kernel-note-time-wait-socket"));
    }
    note.map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::kernel::tracefs::EventKind;

    fn ev(saddr: &str, sport: u16, dport: u16, old: u8, new: u8) -> Event {
        Event {
            t_nanos: 0,
            sport,
            dport,
            saddr: saddr.into(),
            kind: EventKind::State { old, new },
        }
    }

    #[test]
    fn events_are_told_apart_by_their_four_tuple() {
        let c: SocketAddr = "127.0.0.1:40000".parse().unwrap();
        let s: SocketAddr = "127.0.0.1:8080".parse().unwrap();
        let end = |e: Event| end_of(&e, c, s);
        assert_eq!(
            end(ev("127.0.0.1", 0, 8080, 7, 2)),
            Some((Side::Client, "connection"))
        );
        assert_eq!(
            end(ev("127.0.0.1", 8080, 40000, 10, 3)),
            Some((Side::Server, "connection"))
        );
        assert_eq!(
            end(ev("0.0.0.0", 8080, 0, 7, 10)),
            Some((Side::Server, "listener"))
        );
        assert_eq!(end(ev("127.0.0.1", 40001, 8080, 2, 1)), None);
        assert_eq!(end(ev("::1", 40000, 8080, 2, 1)), None);
    }

    #[test]
    fn the_handshake_as_the_kernel_makes_it() {
        let mut k = ConnKernel {
            listener: Some(10),
            ..Default::default()
        };
        let est = |c, s| States::new(c, s);
        // SYN: the client's connect(); the listener stays in LISTEN.
        let after = est(State::SynSent, State::SynReceived);
        let (ks, tw) = k.step(after, &[(Side::Client, "connection", 7, 2)], None);
        assert_eq!(ks, est(State::SynSent, State::Listen));
        assert!(!tw);
        let n = note(ks, after, tw, Lang::En).unwrap();
        assert!(n.contains("request socket"), "{n}");
        // SYN/ACK: the client is connected.
        let after = est(State::Established, State::SynReceived);
        let (ks, _) = k.step(after, &[(Side::Client, "connection", 2, 1)], None);
        assert_eq!(ks, est(State::Established, State::Listen));
        // Third ACK: the connection's socket appears.
        let after = est(State::Established, State::Established);
        let (ks, _) = k.step(after, &[(Side::Server, "connection", 10, 1)], None);
        assert_eq!(ks, after);
        assert_eq!(note(ks, after, false, Lang::En), None);
    }

    #[test]
    fn an_end_no_event_named_is_unknown_and_said_so() {
        let mut k = ConnKernel::default();
        let after = States::new(State::Established, State::Established);
        let (ks, _) = k.step(after, &[], None);
        assert_eq!((ks.client, ks.server), (None, None));
        let n = note(ks, after, false, Lang::En).unwrap();
        assert!(!n.starts_with("unexplained"), "{n}");
        // `trace` shows such an end as CLOSED instead.
        let (ks, _) = k.step(after, &[], Some(State::Closed));
        assert_eq!(ks.client, Some(State::Closed));
    }

    #[test]
    fn the_time_wait_socket_is_shown_as_inferred() {
        let mut k = ConnKernel {
            client: Some(5),
            ..Default::default()
        };
        let after = States::new(State::TimeWait, State::LastAck);
        let (ks, tw) = k.step(after, &[(Side::Client, "connection", 5, 7)], None);
        assert!(tw);
        assert_eq!(ks.client, Some(State::TimeWait));
        assert!(note(ks, after, tw, Lang::En).is_some());
    }
}
