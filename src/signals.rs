//! The signals that end synack: SIGINT, SIGTERM, SIGHUP and SIGQUIT.
//!
//! One handler for every mode, so that whatever is running (a terminal UI,
//! the live lab, the sniffer) stops the same way: the handler only records
//! the signal, the loops look at it at least once a second, end normally,
//! restore the terminal and finish the `--save` file. A signal's default
//! action would do neither.

use std::sync::Once;
use std::sync::atomic::{AtomicI32, Ordering};

static INSTALL: Once = Once::new();
/// The first stopping signal that arrived, 0 while none has.
static SIGNAL: AtomicI32 = AtomicI32::new(0);
/// The exit status a terminal UI asked for when a signal ended it.
static EXIT: AtomicI32 = AtomicI32::new(0);

extern "C" fn on_signal(signal: libc::c_int) {
    // Lock-free atomics only: async-signal-safe. The first signal wins, so
    // the exit status names what actually stopped synack.
    let _ = SIGNAL.compare_exchange(0, signal, Ordering::SeqCst, Ordering::SeqCst);
}

/// Install the handler (once). No `SA_RESTART`: a blocked read or poll
/// returns EINTR, so the loop around it notices at once.
pub fn install() {
    INSTALL.call_once(|| {
        for signal in [libc::SIGINT, libc::SIGTERM, libc::SIGHUP, libc::SIGQUIT] {
            // SAFETY: a zeroed sigaction whose handler only touches an
            // atomic; nothing else in synack installs handlers for these.
            unsafe {
                let mut action: libc::sigaction = std::mem::zeroed();
                action.sa_sigaction = on_signal as *const () as libc::sighandler_t;
                libc::sigemptyset(&mut action.sa_mask);
                libc::sigaction(signal, &action, std::ptr::null_mut());
            }
        }
    });
}

/// The signal that asked synack to stop, if one has.
pub fn received() -> Option<i32> {
    match SIGNAL.load(Ordering::SeqCst) {
        0 => None,
        n => Some(n),
    }
}

/// True once a stopping signal has arrived.
pub fn stopped() -> bool {
    received().is_some()
}

/// Called by a terminal UI when it has ended: if a signal ended it, the
/// process must exit 128+N as a shell expects of a program killed by N,
/// not 0 as if the user had quit.
pub fn note_ui_ended() {
    if let Some(n) = received() {
        let _ = EXIT.compare_exchange(0, 128 + n, Ordering::SeqCst, Ordering::SeqCst);
    }
}

/// The exit status a signal-ended terminal UI asked for.
pub fn exit_status() -> Option<u8> {
    match EXIT.load(Ordering::SeqCst) {
        0 => None,
        n => u8::try_from(n).ok(),
    }
}
