//! The terminal UI: step through a timeline and see the ladder, both
//! endpoints' states on the RFC 9293 diagram, the layers and bytes of each
//! segment and the explanation.
//!
//! - [`app`]: the [`app::App`] and the key and mouse dispatch (no
//!   terminal): the overlays first, then the mode on screen;
//! - [`shared`]: what every mode reads (timeline, current step, language
//!   and other display options, overlays, the source);
//! - [`mode`]: one state per mode with its own keys: the connection list
//!   ([`mode::list`]) and the stepper ([`mode::steps`]); [`quiz`] is the
//!   quiz's mode, state, keys and drawing;
//! - the sources' own steps: [`live`] (the lab's next call, the sniffer's
//!   refresh and tail-follow), [`file`](mod@file) (the background index, reading one
//!   stream on Enter), [`menu`] ("what if" and the scenario picker);
//! - [`ui`]: the layout for the terminal's size, calling one module per pane
//!   ([`ladder`], [`states`], [`layers`], [`explain`], [`status`], [`help`]);
//!   [`lanes`] is the ladder of one server's several connections;
//!   [`list`] draws the connection list;
//! - this module: the terminal itself (raw mode, alternate screen, mouse)
//!   and the event loop. The terminal is restored on quit, on error, on
//!   panic and on a stopping signal (then the exit status is 128+N);
//!   Ctrl-C arrives as a key in raw mode and quits.
//!
//! The language and the other display options come in as parameters
//! ([`app::TuiOptions`], [`run_quiz`]'s `lang`): nothing here reads them
//! from a global.
//!
//! Four ways in: [`run_quiz`] (the quiz screen, [`quiz`]), [`run`] (a
//! finished timeline: a simulation), [`run_capture`] (a capture file: the
//! connection list first) and [`run_live`] (a timeline that grows: the live
//! lab, which makes one socket call per "next" at the last step, and the
//! sniffer).

pub mod app;
pub mod explain;
pub mod file;
pub mod help;
pub mod ladder;
pub mod lanes;
pub mod layers;
pub mod list;
pub mod live;
pub mod menu;
pub mod mode;
pub mod present;
pub mod quiz;
pub mod shared;
pub mod states;
pub mod status;
pub mod text;
pub mod theme;
pub mod ui;

use crate::explain::Lang;
use crate::source::Source;
use crate::tcp::tracker::Summary;
use crate::timeline::Timeline;
use app::{Action, App, TuiOptions};
use crossterm::event::{self, DisableMouseCapture, EnableMouseCapture, Event};
use crossterm::execute;
use crossterm::terminal::{
    EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};
pub use live::advance;
use ratatui::Terminal;
use ratatui::backend::{Backend, CrosstermBackend};
use std::io::{self, Stdout};
use std::sync::Once;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// True while the terminal is in raw mode on the alternate screen.
static ACTIVE: AtomicBool = AtomicBool::new(false);
static PANIC_HOOK: Once = Once::new();
/// Longest wait for input before the loops look for a stopping signal
/// (SIGINT from `kill`, SIGTERM, SIGHUP, SIGQUIT) again.
const SIGNAL_CHECK: Duration = Duration::from_millis(200);

/// True once a stopping signal has arrived: the loops end normally, so the
/// guard restores the terminal (a signal's default action would not).
pub(crate) fn terminated() -> bool {
    crate::signals::stopped()
}

/// Wait up to `timeout` for something to read on the terminal, and say
/// whether the terminal is still there.
///
/// crossterm's `event::poll` spins for ever once the terminal hangs up (its
/// read loop retries a read that keeps returning end of file), so synack
/// waits on standard input itself and only asks crossterm to read when
/// input is there (or to drain a pending resize, with a zero timeout).
pub(crate) fn wait_for_terminal(timeout: Duration) -> bool {
    // SAFETY: isatty and poll on fd 0 with a pollfd we own.
    unsafe {
        if libc::isatty(0) != 1 {
            // crossterm reads /dev/tty then: nothing to watch here, wait
            // the way it would.
            return true;
        }
        let mut fd = libc::pollfd {
            fd: 0,
            events: libc::POLLIN,
            revents: 0,
        };
        let ms = timeout.as_millis().min(i32::MAX as u128) as i32;
        if libc::poll(&mut fd, 1, ms) < 0 {
            return true; // EINTR (a signal): the caller looks again
        }
        fd.revents & (libc::POLLHUP | libc::POLLERR | libc::POLLNVAL) == 0
    }
}

/// The next terminal event within `timeout`, or None; Err(()) when the
/// terminal has gone away.
pub(crate) fn next_event(timeout: Duration) -> Result<Option<Event>, ()> {
    if !wait_for_terminal(timeout) {
        return Err(());
    }
    let ready = if unsafe { libc::isatty(0) } == 1 {
        event::poll(Duration::ZERO)
    } else {
        event::poll(timeout)
    };
    match ready {
        Ok(true) => event::read().map(Some).map_err(|_| ()),
        Ok(false) => Ok(None),
        Err(_) => Err(()),
    }
}

/// `SYNACK_TEST_PANIC=1` makes the UI panic right after its first frame, so
/// a test can check that a panic still restores the terminal.
pub(crate) fn test_panic_requested() -> bool {
    std::env::var_os("SYNACK_TEST_PANIC").is_some()
}

/// Put the terminal back: cooked mode, main screen, no mouse capture,
/// cursor shown. Safe to call more than once.
fn restore() {
    if ACTIVE.swap(false, Ordering::SeqCst) {
        let _ = disable_raw_mode();
        let _ = execute!(
            io::stdout(),
            DisableMouseCapture,
            LeaveAlternateScreen,
            crossterm::cursor::Show
        );
    }
}

/// Restores the terminal when dropped, whatever way `run` ends.
struct Guard;

impl Drop for Guard {
    fn drop(&mut self) {
        restore();
        crate::signals::note_ui_ended();
    }
}

fn install_panic_hook() {
    PANIC_HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            // Restore first, so the message lands on a sane terminal.
            restore();
            previous(info);
        }));
    });
}

fn enter() -> anyhow::Result<(Guard, Terminal<CrosstermBackend<Stdout>>)> {
    install_panic_hook();
    crate::signals::install();
    enable_raw_mode()?;
    ACTIVE.store(true, Ordering::SeqCst);
    let guard = Guard;
    execute!(io::stdout(), EnterAlternateScreen, EnableMouseCapture)?;
    let terminal = Terminal::new(CrosstermBackend::new(io::stdout()))?;
    Ok((guard, terminal))
}

/// Show `tl` in the terminal UI; returns when the user quits.
pub fn run(tl: &Timeline, opts: TuiOptions) -> anyhow::Result<()> {
    let mut app = App::new(tl);
    app.apply(opts);
    run_app(app, None)
}

/// Show a simulation that can be played again with a change ("what if",
/// `x`) or swapped for another scenario (`c`).
pub fn run_simulation(tl: &Timeline, opts: TuiOptions, replay: app::Replay) -> anyhow::Result<()> {
    let mut app = App::new(tl).with_replay(replay);
    app.apply(opts);
    run_app(app, None)
}

/// Show a capture file's timeline (every connection in it), opening on the
/// list of its connections (`summaries`, as `CaptureReport::summaries`):
/// Enter steps through one, Esc goes back to the list.
pub fn run_capture(tl: &Timeline, summaries: &[Summary], opts: TuiOptions) -> anyhow::Result<()> {
    let mut app = App::capture(tl, summaries);
    app.apply(opts);
    run_app(app, None)
}

/// Show a capture file of any size, opening on the list of its
/// connections: the first screen is drawn at once, the list fills while a
/// background thread indexes the file (a gauge shows how far it is), and
/// Enter reads only the chosen connection's frames (once the index is done;
/// Enter before that opens it as soon as it is). The file is checked first,
/// so one that cannot be read as a capture fails before the terminal is
/// touched.
pub fn run_capture_file(path: &std::path::Path, opts: TuiOptions) -> anyhow::Result<()> {
    crate::pcap::CaptureReader::open(path)?;
    let mut app = App::file(path);
    app.apply(opts);
    let (guard, mut terminal) = enter()?;
    if let Some(f) = app.file.as_mut() {
        f.indexer = Some(file::spawn(path));
    }
    let result = event_loop(&mut terminal, &mut app, None);
    if let Some(ix) = app.file.as_mut().and_then(|f| f.indexer.take()) {
        // Not waited for: the thread stops at its next progress report,
        // and the process may end before it does.
        ix.cancel();
    }
    drop(terminal);
    drop(guard);
    result
}

/// Show a timeline that grows: the live lab (at the last step, "next" and
/// autoplay call [`Source::advance`], one socket call each) or the
/// sniffer (a source with no [`Source::next_hint`] at the start: it
/// opens on the connection list, refreshed as connections come and grow).
/// The source is polled every ~50 ms.
pub fn run_live(source: &mut dyn Source, opts: TuiOptions) -> anyhow::Result<()> {
    let mut app = App::live(source);
    app.apply(opts);
    run_app(app, Some(source))
}

/// The quiz in the terminal UI (`synack quiz` on a terminal): questions
/// on `tl` (only `stream`'s steps when given) made with `seed`, in `lang`
/// (`l` toggles); returns when the user quits.
pub fn run_quiz(tl: &Timeline, stream: Option<u32>, seed: u64, lang: Lang) -> anyhow::Result<()> {
    let mut q = quiz::Quiz::new(tl, stream, seed, lang);
    let (guard, mut terminal) = enter()?;
    let result = quiz::event_loop(&mut terminal, &mut q);
    drop(terminal);
    drop(guard);
    result
}

fn run_app(mut app: App, source: Option<&mut dyn Source>) -> anyhow::Result<()> {
    let (guard, mut terminal) = enter()?;
    let result = event_loop(&mut terminal, &mut app, source);
    drop(terminal);
    drop(guard);
    result
}

/// How often a live source is polled while no key comes.
pub const POLL: Duration = Duration::from_millis(50);

/// Draw, wait for a key, the mouse, a resize, the autoplay tick or (live)
/// the next poll of the source; repeat until the app says quit.
pub fn event_loop<B: Backend>(
    terminal: &mut Terminal<B>,
    app: &mut App,
    mut source: Option<&mut dyn Source>,
) -> anyhow::Result<()>
where
    B::Error: Send + Sync + 'static,
{
    let mut next_tick: Option<Instant> = None;
    let mut dirty = true;
    let force_panic = test_panic_requested();
    let mut first_frame = true;
    loop {
        dirty |= app.poll_index();
        if dirty {
            let mut hits = Default::default();
            terminal.draw(|f| hits = ui::draw(f, app))?;
            app.hits = hits;
            dirty = false;
            if let Some(t) = app.shared.file.as_mut().and_then(|f| f.timing.as_mut()) {
                if first_frame {
                    t.log("first frame drawn");
                } else if app.screen == app::Screen::Steps {
                    t.log("frame drawn");
                }
            }
            first_frame = false;
            if force_panic {
                panic!("SYNACK_TEST_PANIC: a panic forced for the terminal-restore test");
            }
            // A capture file's connection is read once the frame saying
            // so is on screen.
            if app.finish_open() {
                dirty = true;
                continue;
            }
        }
        next_tick = match (app.steps.autoplay, next_tick) {
            (false, _) => None,
            (true, None) => Some(Instant::now() + app.interval()),
            (true, t) => t,
        };
        let mut timeout = next_tick.map_or(Duration::from_secs(3600), |t| {
            t.saturating_duration_since(Instant::now())
        });
        // The countdown in the status line: redraw every tenth of a second.
        let countdown = next_tick.map(|t| t.saturating_duration_since(Instant::now()));
        let tenths = |d: Option<Duration>| d.map(|d| d.as_millis() / 100);
        if tenths(countdown) != tenths(app.steps.countdown) {
            app.steps.countdown = countdown;
            dirty = true;
            continue;
        }
        if countdown.is_some() {
            timeout = timeout.min(Duration::from_millis(100));
        }
        if source.is_some() || app.indexing() {
            timeout = timeout.min(POLL);
        }
        timeout = timeout.min(SIGNAL_CHECK);
        let mut action = Action::None;
        if terminated() {
            return Ok(());
        }
        // The terminal hung up (a closed window, a dropped SSH session):
        // nobody is watching, so stop.
        let Ok(event) = next_event(timeout) else {
            return Ok(());
        };
        if let Some(event) = event {
            action = match event {
                Event::Key(k) => app.handle_key(k),
                Event::Mouse(m) => app.handle_mouse(m),
                _ => Action::Redraw,
            };
        } else if next_tick.is_some_and(|t| Instant::now() >= t) {
            action = app.tick_action();
            next_tick = Some(Instant::now() + app.interval());
        }
        match action {
            Action::Quit => return Ok(()),
            Action::Advance => {
                if let Some(src) = source.as_deref_mut() {
                    advance(app, src)?;
                }
                dirty = true;
            }
            Action::Redraw => dirty = true,
            Action::None => {}
        }
        if let Some(src) = source.as_deref_mut() {
            if src.poll()? {
                app.refresh(src);
                dirty = true;
            } else {
                let before = app.live.clone();
                app.refresh_info(src);
                dirty |= app.live != before;
            }
        }
    }
}
