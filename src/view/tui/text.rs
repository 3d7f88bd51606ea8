//! Small text helpers shared by the panes.

use super::app::{App, Pane};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType};

/// Display width, counting every char as one column (all the symbols the
/// UI draws are single-width).
pub fn width(s: &str) -> usize {
    s.chars().count()
}

/// Cut `s` to at most `w` columns.
pub fn truncate(s: &str, w: usize) -> String {
    if width(s) <= w {
        s.to_string()
    } else if w == 0 {
        String::new()
    } else {
        let mut t: String = s.chars().take(w - 1).collect();
        t.push('…');
        t
    }
}

/// Pad or cut to exactly `w` columns, left-aligned.
pub fn fit(s: &str, w: usize) -> String {
    let t = truncate(s, w);
    let pad = w - width(&t);
    format!("{t}{}", " ".repeat(pad))
}

/// Pad or cut to exactly `w` columns, right-aligned.
pub fn fit_right(s: &str, w: usize) -> String {
    let t = truncate(s, w);
    let pad = w - width(&t);
    format!("{}{t}", " ".repeat(pad))
}

/// Greedy word wrap to `w` columns (at least 1); `indent` starts the
/// continuation lines.
pub fn wrap(text: &str, w: usize, indent: &str) -> Vec<String> {
    let w = w.max(1);
    if width(text) <= w && !text.contains('\n') {
        // Short enough: keep it as it is, runs of spaces included.
        return vec![text.to_string()];
    }
    let mut out = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let lead = if out.is_empty() { 0 } else { width(indent) };
        if !line.is_empty() && lead + width(&line) + 1 + width(word) > w {
            out.push(line.clone());
            line.clear();
        }
        if line.is_empty() && !out.is_empty() {
            line.push_str(indent);
        } else if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        out.push(line);
    }
    out
}

/// Wrapped text as lines of one style.
pub fn wrapped(text: &str, w: usize, indent: &str, style: Style) -> Vec<Line<'static>> {
    wrap(text, w, indent)
        .into_iter()
        .map(|l| Line::from(Span::styled(l, style)))
        .collect()
}

/// The bordered block of a pane; the focused one has a bold border and its
/// title in brackets (so focus shows without colour).
pub fn pane_block(app: &App, pane: Pane, title: &str) -> Block<'static> {
    let focused = app.focus == pane;
    let t = if focused {
        format!("[ {title} ]")
    } else {
        format!(" {title} ")
    };
    let block = Block::bordered().title(Span::styled(t, app.theme.title()));
    if focused {
        block
            .border_type(BorderType::Thick)
            .border_style(app.theme.focus_border())
    } else {
        block.border_style(app.theme.dim())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrap_and_fit() {
        assert_eq!(
            wrap("one two three four", 9, "  "),
            ["one two", "  three", "  four"]
        );
        assert_eq!(fit("abcdef", 4), "abc…");
        assert_eq!(fit("ab", 4), "ab  ");
        assert_eq!(fit_right("ab", 4), "  ab");
        assert_eq!(truncate("abc", 0), "");
    }
}
