//! The `?` overlay with every key.

use super::app::App;
use super::text::fit;
use crate::explain::Lang;
use crate::i18n::text;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};

/// One row of the overlay: the keys, what they do, and in which screens
/// they mean something.
struct Key {
    /// The keys; a message where the key's name is a word.
    keys: &'static str,
    what: &'static str,
    when: When,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum When {
    Always,
    /// Only where there is a connection list (captures, the sniffer, the
    /// lab with several connections) and no view of all of them.
    List,
    /// Only where the list was reached from all connections at once (the
    /// lab): Esc in the list goes back to them.
    ListAll,
    /// Wherever there is a list, either way.
    AnyList,
    /// Only where there is none: Esc then quits.
    NoList,
    /// Only in the live lab, whose "next" at the last step makes a call.
    Lab,
    /// Only in a simulation, which can be played again.
    Sim,
}

/// The overlay's rows in `lang`.
fn table(lang: Lang) -> [Key; 23] {
    [
        Key {
            keys: "→  space  n  PgDn  Enter",
            what: text(lang, "tui-help-next-step"),
            when: When::Always,
        },
        Key {
            keys: "",
            what: text(lang, "tui-help-at-the-last"),
            when: When::Lab,
        },
        Key {
            keys: "←  p  Backspace  PgUp",
            what: text(lang, "tui-help-previous-step"),
            when: When::Always,
        },
        Key {
            keys: "Home g / End G",
            what: text(lang, "tui-help-first-last-step"),
            when: When::Always,
        },
        Key {
            keys: "v",
            what: text(lang, "tui-help-show-hide-the"),
            when: When::Always,
        },
        Key {
            keys: "Tab Shift-Tab  ↑ ↓ j k",
            what: text(lang, "tui-help-next-previous-pane"),
            when: When::Always,
        },
        Key {
            keys: text(lang, "tui-help-mouse"),
            what: text(lang, "tui-help-go-to-a"),
            when: When::Always,
        },
        Key {
            keys: "a  + -",
            what: text(lang, "tui-help-autoplay-on-off"),
            when: When::Always,
        },
        Key {
            keys: "space",
            what: text(lang, "tui-help-while-autoplaying-pause"),
            when: When::Always,
        },
        Key {
            keys: "P",
            what: text(lang, "tui-help-presenter-layout-large"),
            when: When::Always,
        },
        Key {
            keys: "t",
            what: text(lang, "tui-help-time-proportional-gaps"),
            when: When::Always,
        },
        Key {
            keys: "x",
            what: text(lang, "tui-help-what-if-lose"),
            when: When::Sim,
        },
        Key {
            keys: "c",
            what: text(lang, "tui-help-choose-another-scenario"),
            when: When::Sim,
        },
        Key {
            keys: "r",
            what: text(lang, "tui-help-restart-from-the"),
            when: When::Always,
        },
        Key {
            keys: "s",
            what: text(lang, "tui-help-raw-relative-sequence"),
            when: When::Always,
        },
        Key {
            keys: "l",
            what: text(lang, "tui-help-language-of-the"),
            when: When::Always,
        },
        Key {
            keys: "? h F1",
            what: text(lang, "tui-help-this-help-or"),
            when: When::Always,
        },
        Key {
            keys: "↑ ↓  Enter",
            what: text(lang, "tui-help-connection-list-choose"),
            when: When::AnyList,
        },
        Key {
            keys: "Esc",
            what: text(lang, "tui-help-back-to-the"),
            when: When::List,
        },
        Key {
            keys: "Esc",
            what: text(lang, "tui-help-back-to-the-all"),
            when: When::ListAll,
        },
        Key {
            keys: "q  Esc",
            what: text(lang, "tui-help-quit"),
            when: When::NoList,
        },
        Key {
            keys: "q",
            what: text(lang, "tui-help-quit"),
            when: When::AnyList,
        },
        Key {
            keys: "Ctrl-C",
            what: text(lang, "tui-help-quit-always"),
            when: When::Always,
        },
    ]
}

/// The keys that mean something in `app`'s mode, in its language.
pub fn keys(app: &App) -> Vec<(&'static str, &'static str)> {
    let lab = app.live.as_ref().is_some_and(|l| l.drives);
    table(app.lang)
        .into_iter()
        .filter(|k| match k.when {
            When::Always => true,
            When::List => app.has_list && !app.has_all,
            When::ListAll => app.has_list && app.has_all,
            When::AnyList => app.has_list,
            When::NoList => !app.has_list,
            When::Lab => lab,
            When::Sim => app.replay.is_some(),
        })
        .map(|k| (k.keys, k.what))
        .collect()
}

pub fn render(f: &mut Frame, area: Rect, app: &App) {
    let title = text(app.lang, "tui-help-title");
    // The legend under the keys: what the letters in the panes mean. Not
    // keys, so not in the key column.
    let legend = text(app.lang, "tui-help-legend");
    render_keys(f, area, app, title, &keys(app), Some(legend));
}

/// An overlay listing `keys`, centred in `area`.
/// `footer` is a line of its own under the keys, across the whole width.
pub fn render_keys(
    f: &mut Frame,
    area: Rect,
    app: &App,
    title: &str,
    keys: &[(&str, &str)],
    footer: Option<&str>,
) {
    let t = &app.theme;
    let w = 72.min(area.width);
    // A blank line above the keys and the footer below them only where
    // there is room: every key must show at 80×24.
    let rows = keys.len() as u16 + 2;
    let top = u16::from(rows < area.height);
    let footer = footer.filter(|_| rows + top + 2 <= area.height);
    let extra = if footer.is_some() { 2 } else { 0 };
    let h = (rows + top + extra).min(area.height);
    let r = Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    );
    let mut lines = vec![Line::raw(""); top as usize];
    for (k, what) in keys {
        lines.push(Line::from(vec![
            Span::styled(format!(" {}", fit(k, 26)), t.bold()),
            Span::raw(*what),
        ]));
    }
    if let Some(footer) = footer {
        lines.push(Line::raw(""));
        lines.push(Line::styled(format!(" {footer}"), t.dim()));
    }
    // One more column on the left: a wide (Chinese) character under the
    // left border would otherwise hide it.
    let left = u16::from(r.x > area.x);
    f.render_widget(Clear, Rect::new(r.x - left, r.y, r.width + left, r.height));
    f.render_widget(
        Paragraph::new(lines).block(
            Block::bordered()
                .title(Span::styled(title.to_string(), t.title()))
                .border_style(t.focus_border()),
        ),
        r,
    );
}
