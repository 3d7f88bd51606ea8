//! The terminal UI: step through a timeline and see the ladder, both
//! endpoints' states on the RFC 9293 diagram, the layers and bytes of each
//! segment and the explanation.
//!
//! - [`app`]: the state and what keys and the mouse do to it (no terminal);
//! - [`ui`]: the layout for the terminal's size, calling one module per pane
//!   ([`ladder`], [`states`], [`layers`], [`explain`], [`status`], [`help`]);
//! - this module: the terminal itself (raw mode, alternate screen, mouse)
//!   and the event loop. The terminal is restored on quit, on error and on
//!   panic; Ctrl-C arrives as a key in raw mode and quits.

pub mod app;
pub mod explain;
pub mod help;
pub mod ladder;
pub mod layers;
pub mod states;
pub mod status;
pub mod text;
pub mod theme;
pub mod ui;

use crate::timeline::Timeline;
use app::{Action, App};
use crossterm::event::{self, DisableMouseCapture, EnableMouseCapture, Event};
use crossterm::execute;
use crossterm::terminal::{
    EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};
use ratatui::Terminal;
use ratatui::backend::{Backend, CrosstermBackend};
use std::io::{self, Stdout};
use std::sync::Once;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// True while the terminal is in raw mode on the alternate screen.
static ACTIVE: AtomicBool = AtomicBool::new(false);
static PANIC_HOOK: Once = Once::new();

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
    enable_raw_mode()?;
    ACTIVE.store(true, Ordering::SeqCst);
    let guard = Guard;
    execute!(io::stdout(), EnterAlternateScreen, EnableMouseCapture)?;
    let terminal = Terminal::new(CrosstermBackend::new(io::stdout()))?;
    Ok((guard, terminal))
}

/// Show `tl` in the terminal UI; returns when the user quits.
pub fn run(tl: &Timeline) -> anyhow::Result<()> {
    let (guard, mut terminal) = enter()?;
    let mut app = App::new(tl);
    let result = event_loop(&mut terminal, &mut app);
    drop(terminal);
    drop(guard);
    result
}

/// Draw, wait for a key, the mouse, a resize or the autoplay tick; repeat
/// until the app says quit.
pub fn event_loop<B: Backend>(terminal: &mut Terminal<B>, app: &mut App) -> anyhow::Result<()>
where
    B::Error: Send + Sync + 'static,
{
    let mut next_tick: Option<Instant> = None;
    loop {
        let mut hits = Default::default();
        terminal.draw(|f| hits = ui::draw(f, app))?;
        app.hits = hits;
        next_tick = match (app.autoplay, next_tick) {
            (false, _) => None,
            (true, None) => Some(Instant::now() + app.interval()),
            (true, t) => t,
        };
        let timeout = next_tick.map_or(Duration::from_secs(3600), |t| {
            t.saturating_duration_since(Instant::now())
        });
        if event::poll(timeout)? {
            let action = match event::read()? {
                Event::Key(k) => app.handle_key(k),
                Event::Mouse(m) => app.handle_mouse(m),
                _ => Action::Redraw,
            };
            if action == Action::Quit {
                return Ok(());
            }
        } else if app.autoplay {
            app.tick();
            next_tick = Some(Instant::now() + app.interval());
        }
    }
}
