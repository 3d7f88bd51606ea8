//! Colours and styles. Colour only ever repeats what the text already says
//! (markers, names, brackets), so the UI reads the same on a washed-out
//! projector or with `NO_COLOR` set (<https://no-color.org>).

use crate::timeline::segment::Flags;
use crate::timeline::{Layer, Side};
use ratatui::style::{Color, Modifier, Style};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Theme {
    pub color: bool,
}

impl Theme {
    /// Colour unless `NO_COLOR` is set to something non-empty.
    pub fn from_env() -> Theme {
        Theme {
            color: std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
        }
    }

    fn fg(&self, c: Color) -> Style {
        if self.color {
            Style::new().fg(c)
        } else {
            Style::new()
        }
    }

    pub fn side(&self, side: Side) -> Style {
        match side {
            Side::Client => self.fg(Color::Cyan),
            Side::Server => self.fg(Color::Magenta),
        }
    }

    /// An endpoint's current state in the diagram.
    pub fn side_mark(&self, side: Side) -> Style {
        let s = Style::new().add_modifier(Modifier::BOLD | Modifier::REVERSED);
        if self.color {
            s.patch(self.side(side))
        } else {
            s
        }
    }

    pub fn layer(&self, layer: Layer) -> Style {
        match layer {
            Layer::Link => self.fg(Color::Yellow),
            Layer::Network => self.fg(Color::Green),
            Layer::Transport => self.fg(Color::LightBlue),
            Layer::Application => self.fg(Color::LightRed),
        }
    }

    /// The current ladder row: reversed, so it shows without colour too.
    pub fn current(&self) -> Style {
        Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD)
    }

    /// A segment's arrow, by its flags: the one colour rule of every view
    /// (the SVG uses the same, see [`crate::view::svg`]): SYN blue, FIN
    /// yellow, RST red, the rest plain. The sender is told by the arrow's
    /// direction, not its colour. Without colour the label's flags (`[S]`,
    /// `[F.]`, `[R.]`) and the RST's heavy line say the same.
    pub fn segment(&self, flags: Flags) -> Style {
        if flags.rst() {
            self.fg(Color::LightRed).add_modifier(Modifier::BOLD)
        } else if flags.syn() {
            self.fg(Color::LightBlue)
        } else if flags.fin() {
            self.fg(Color::Yellow)
        } else {
            Style::new()
        }
    }

    pub fn lost(&self) -> Style {
        self.fg(Color::Red).add_modifier(Modifier::BOLD)
    }

    pub fn warn(&self) -> Style {
        self.fg(Color::Yellow).add_modifier(Modifier::BOLD)
    }

    pub fn dim(&self) -> Style {
        if self.color {
            Style::new().fg(Color::DarkGray)
        } else {
            Style::new()
        }
    }

    pub fn bold(&self) -> Style {
        Style::new().add_modifier(Modifier::BOLD)
    }

    pub fn title(&self) -> Style {
        Style::new().add_modifier(Modifier::BOLD)
    }

    /// Border of the focused pane (also marked by the title's brackets).
    pub fn focus_border(&self) -> Style {
        self.fg(Color::Yellow).add_modifier(Modifier::BOLD)
    }

    pub fn edge(&self) -> Style {
        self.fg(Color::Yellow)
            .add_modifier(Modifier::BOLD | Modifier::UNDERLINED)
    }
}
