//! The terminal UI. (Placeholder until the TUI lands: prints the ladder.)

use crate::timeline::Timeline;
use crate::view::plain;

/// Show `tl` in the terminal UI; returns when the user quits.
pub fn run(tl: &Timeline) -> anyhow::Result<()> {
    print!("{}", plain::render(tl, None, plain::PlainOptions::default()));
    Ok(())
}
