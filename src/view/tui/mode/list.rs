//! The connection list of `inspect`, `sniff` and the live lab: its
//! selection and keys (drawn by [`super::super::list`]).

use super::Outcome;
use crate::view::tui::app::{Action, Shared};
use crossterm::event::{KeyCode, KeyEvent, MouseButton, MouseEvent, MouseEventKind};
use std::collections::HashMap;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ListMode {
    /// The selected row: an index into [`Shared::conns`], or past its end
    /// into [`Shared::udp_conns`].
    pub selected: usize,
    /// Where each stream (is UDP, number) was left, to come back to it
    /// from the list.
    pub positions: HashMap<(bool, u32), usize>,
}

impl ListMode {
    /// Select row `idx` (clamped to the list).
    pub fn select(&mut self, sh: &Shared, idx: usize) -> Action {
        let idx = idx.min(sh.list_len().saturating_sub(1));
        let moved = idx != self.selected;
        self.selected = idx;
        Action::redraw_if(moved)
    }

    /// Keys of the list (those every screen shares are taken first).
    pub fn key(&mut self, sh: &mut Shared, key: KeyEvent) -> Outcome {
        // A page: as many rows as the list showed last time.
        let page = sh.hits.list_rows.len().max(1);
        let sel = self.selected;
        match key.code {
            KeyCode::Esc if sh.file.as_ref().is_some_and(|f| f.pending.is_some()) => {
                // Not waiting for that connection any more.
                if let Some(f) = sh.file.as_mut() {
                    f.pending = None;
                }
                Action::Redraw.into()
            }
            // The lab's list was opened from all its connections at once:
            // Esc goes back there (q still quits).
            KeyCode::Esc if sh.has_all => Outcome::ToAll,
            KeyCode::Esc => Action::Quit.into(),
            KeyCode::Up | KeyCode::Char('k') => self.select(sh, sel.saturating_sub(1)).into(),
            KeyCode::Down | KeyCode::Char('j') => self.select(sh, sel + 1).into(),
            KeyCode::PageUp => self.select(sh, sel.saturating_sub(page)).into(),
            KeyCode::PageDown => self.select(sh, sel + page).into(),
            KeyCode::Home | KeyCode::Char('g') => self.select(sh, 0).into(),
            KeyCode::End | KeyCode::Char('G') => self.select(sh, usize::MAX).into(),
            KeyCode::Enter | KeyCode::Right | KeyCode::Char(' ') | KeyCode::Char('n') => {
                Outcome::Open(sel)
            }
            _ => Action::None.into(),
        }
    }

    /// Click a row to select it, click the selected row to open it; the
    /// wheel moves the selection.
    pub fn mouse(&mut self, sh: &Shared, m: MouseEvent) -> Outcome {
        match m.kind {
            MouseEventKind::Down(MouseButton::Left) => {
                match sh.hits.list_rows.iter().find(|(y, _)| *y == m.row) {
                    Some(&(_, i)) if i == self.selected => Outcome::Open(i),
                    Some(&(_, i)) => self.select(sh, i).into(),
                    None => Action::None.into(),
                }
            }
            MouseEventKind::ScrollDown => self.select(sh, self.selected + 1).into(),
            MouseEventKind::ScrollUp => self.select(sh, self.selected.saturating_sub(1)).into(),
            _ => Action::None.into(),
        }
    }
}
