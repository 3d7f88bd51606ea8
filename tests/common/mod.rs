//! Helpers shared by the terminal-UI tests: a scenario's timeline, a
//! TestBackend screen as plain text, key events.
//!
//! Each test binary uses only some of them.
#![allow(dead_code)]

pub mod fake;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use synack::timeline::Timeline;
use synack::view::tui::app::{App, HitMap};
use synack::view::tui::ui;

/// The timeline of a scenario with the default settings.
pub fn timeline(name: &str) -> Timeline {
    synack::source::scenario::timeline(name, Default::default(), synack::explain::Lang::En).unwrap()
}

/// The screen as text, one line per row, trailing spaces cut (so snapshots
/// diff well). A wide (Chinese) character covers two cells: the second is
/// skipped, so each line reads as the terminal shows it.
pub fn text(buf: &Buffer) -> String {
    let a = buf.area;
    let mut out = String::new();
    for y in 0..a.height {
        let mut line = String::new();
        let mut x = 0;
        while x < a.width {
            let sym = buf[(x, y)].symbol();
            line.push_str(sym);
            x += unicode_width::UnicodeWidthStr::width(sym).max(1) as u16;
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// Draw `app` on a `w`x`h` test terminal and return the screen as text.
pub fn render(app: &mut App, w: u16, h: u16) -> String {
    let mut term = Terminal::new(TestBackend::new(w, h)).unwrap();
    let mut hits = HitMap::default();
    term.draw(|f| hits = ui::draw(f, app)).unwrap();
    app.hits = hits;
    text(term.backend().buffer())
}

pub fn key(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, KeyModifiers::NONE)
}

/// Run the synack binary; its stdout, after checking it succeeded.
pub fn stdout_of(args: &[&str]) -> String {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_synack"))
        .args(args)
        .output()
        .expect("run synack");
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8")
}

/// Run the synack binary and parse its NDJSON, one object per line.
pub fn ndjson(args: &[&str]) -> Vec<serde_json::Value> {
    stdout_of(args)
        .lines()
        .map(|l| serde_json::from_str(l).expect("each line is one JSON object"))
        .collect()
}
