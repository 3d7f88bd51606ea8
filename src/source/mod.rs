//! Where timelines come from. Every source produces the same [`Timeline`]
//! of steps (calls, timers, segments) and knows nothing of the view that
//! shows it; `app.rs` puts a source and a view together.
//!
//! - [`scenario`] and [`sim`]: the simulator and its scenario library;
//! - [`capture`]: a capture file (pcap, pcapng), read with [`capture::ReadOptions`];
//! - [`lab`]: the live lab, real sockets on loopback, one call per step;
//! - [`sniff`]: the passive sniffer on loopback;
//! - [`kernel`]: what these need from the kernel (the raw socket, tracefs,
//!   `/proc`, giving up privilege).

pub mod capture;
pub mod kernel;
pub mod lab;
pub mod scenario;
pub mod sim;
pub mod sniff;
pub mod trace;

use crate::tcp::tracker::{Summary, summaries_of};
use crate::timeline::Timeline;

// The seam. Views see the sources only through this module: the `Source`
// trait below, and the few things of a source a view must name, re-exported
// here (tests/layers.rs checks that no view reaches past this file).

/// A capture too large to read whole: indexed in the background, then one
/// connection read on demand.
pub use capture::{CaptureIndex, IndexProgress, ReadOptions, index as index_capture};
/// The connection list's rows for UDP conversations (files and the lab).
pub use capture::{UdpSummary, udp_summaries};
/// The scenario library: the TUI's picker lists it.
pub use scenario::{NAMES as SCENARIO_NAMES, Scenario, all as scenarios};
/// "What if" replays: the TUI's `x` asks for one.
pub use sim::{SimConfig, WhatIf, WhatIfKind};

/// A timeline a view can show. A fixed one (a scenario, a capture read
/// whole) is a [`Timeline`] itself; a growing one (the lab, which advances
/// one socket call per key press, and the sniffer, which only listens)
/// changes when it is polled or advanced. The terminal UI and the text
/// views drive every source through this trait alone.
pub trait Source {
    /// Everything so far.
    fn timeline(&self) -> &Timeline;
    /// Take in what arrived since the last call. Returns true when the
    /// timeline changed. Must not block for long (the UI calls it between
    /// key presses, every ~50 ms).
    fn poll(&mut self) -> anyhow::Result<bool> {
        Ok(false)
    }
    /// Perform the next step of the script (the next socket call). Returns
    /// false when there is nothing left to do (or nothing to drive).
    fn advance(&mut self) -> anyhow::Result<bool> {
        Ok(false)
    }
    /// What the next call is and which segments it is expected to cause,
    /// for display before the user presses the key; None when done or
    /// when the source has no script.
    fn next_hint(&self) -> Option<String> {
        None
    }
    /// True when there is nothing more to come.
    fn finished(&self) -> bool {
        true
    }
    /// Free-form status for the status line (e.g. "capturing on lo, 12 frames").
    fn status(&self) -> String {
        String::new()
    }
    /// One row per connection so far, for the connection list. A source
    /// with a tracker gives the tracker's rows; the default works them out
    /// from the timeline.
    fn summaries(&self) -> Vec<Summary> {
        summaries_of(self.timeline())
    }
}

impl Source for Timeline {
    fn timeline(&self) -> &Timeline {
        self
    }
}
