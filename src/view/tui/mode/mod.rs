//! The modes of the stepping UI, each with its own state and keys: the
//! connection list ([`list`]) and the stepper ([`steps`]). A mode changes
//! its own state and the [`super::app::Shared`] one it is lent; what
//! reaches the other mode (opening a connection, going back to the list)
//! it asks of the [`super::app::App`] with an [`Outcome`].

pub mod list;
pub mod steps;

use super::app::Action;

/// What a key or a click in a mode comes to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Handled within the mode.
    Act(Action),
    /// Back from the stepper to the connection list.
    ToList,
    /// From the list back to every connection at once (the live lab).
    ToAll,
    /// Open the connection at this index of the list.
    Open(usize),
}

impl From<Action> for Outcome {
    fn from(a: Action) -> Outcome {
        Outcome::Act(a)
    }
}
