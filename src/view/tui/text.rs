//! Small text helpers shared by the panes. Widths are terminal columns
//! (unicode-width): a Chinese character takes two, so padding and cutting
//! never count chars.

use super::app::{App, Pane};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType};
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// Display width in terminal columns.
pub fn width(s: &str) -> usize {
    UnicodeWidthStr::width(s)
}

fn char_width(c: char) -> usize {
    UnicodeWidthChar::width(c).unwrap_or(0)
}

/// Cut `s` to at most `w` columns (an ellipsis marks the cut).
pub fn truncate(s: &str, w: usize) -> String {
    if width(s) <= w {
        return s.to_string();
    }
    if w == 0 {
        return String::new();
    }
    let mut t = String::new();
    let mut used = 0;
    for c in s.chars() {
        let cw = char_width(c);
        if used + cw > w - 1 {
            break;
        }
        used += cw;
        t.push(c);
    }
    t.push('…');
    t
}

/// Pad or cut to exactly `w` columns, left-aligned.
pub fn fit(s: &str, w: usize) -> String {
    let t = truncate(s, w);
    let pad = w.saturating_sub(width(&t));
    format!("{t}{}", " ".repeat(pad))
}

/// Pad or cut to exactly `w` columns, right-aligned.
pub fn fit_right(s: &str, w: usize) -> String {
    let t = truncate(s, w);
    let pad = w.saturating_sub(width(&t));
    format!("{}{t}", " ".repeat(pad))
}

/// Wide (CJK) characters can be broken between; closing punctuation stays
/// with what it closes, opening punctuation with what it opens.
fn is_wide(c: char) -> bool {
    char_width(c) >= 2
}

fn closes(c: char) -> bool {
    "，。、；：！？）」』》】”’…".contains(c)
}

fn opens(c: char) -> bool {
    "（「『《【“‘".contains(c)
}

/// Split text into the units a line may break between: runs of narrow
/// non-space chars (words) and single wide chars; each with whether a
/// space came before it.
fn tokens(text: &str) -> Vec<(bool, String)> {
    let mut out: Vec<(bool, String)> = Vec::new();
    let mut space = false;
    for c in text.chars() {
        if c.is_whitespace() {
            space = true;
            continue;
        }
        let last = out.last().and_then(|(_, t)| t.chars().last());
        let glue =
            !space && last.is_some_and(|l| closes(c) || opens(l) || (!is_wide(c) && !is_wide(l)));
        match out.last_mut() {
            Some((_, t)) if glue => t.push(c),
            _ => out.push((space, c.to_string())),
        }
        space = false;
    }
    out
}

/// Greedy wrap to `w` columns (at least 1): between words, and between
/// Chinese characters; `indent` starts the continuation lines.
pub fn wrap(text: &str, w: usize, indent: &str) -> Vec<String> {
    let w = w.max(1);
    if width(text) <= w && !text.contains('\n') {
        // Short enough: keep it as it is, runs of spaces included.
        return vec![text.to_string()];
    }
    let mut out = Vec::new();
    let mut line = String::new();
    let mut line_w = 0;
    for (space, tok) in tokens(text) {
        let tw = width(&tok);
        let sep = usize::from(space && line_w > 0);
        if line_w > 0 && line_w + sep + tw > w {
            out.push(std::mem::take(&mut line));
            line_w = 0;
        }
        if line_w == 0 {
            if !out.is_empty() {
                line.push_str(indent);
                line_w = width(indent);
            }
        } else if space {
            line.push(' ');
            line_w += 1;
        }
        line.push_str(&tok);
        line_w += tw;
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
    let focused = app.steps.focus == pane;
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

/// A line from styled characters: one span per run of the same style
/// (a grid of cells, as the state diagram and the lanes draw, made text).
pub fn styled_runs(cells: impl IntoIterator<Item = (char, Style)>) -> Line<'static> {
    let mut spans: Vec<Span<'static>> = Vec::new();
    let mut run = String::new();
    let mut style: Option<Style> = None;
    for (c, s) in cells {
        if style.is_some_and(|st| st != s) && !run.is_empty() {
            spans.push(Span::styled(
                std::mem::take(&mut run),
                style.unwrap_or_default(),
            ));
        }
        style = Some(s);
        run.push(c);
    }
    if !run.is_empty() {
        spans.push(Span::styled(run, style.unwrap_or_default()));
    }
    Line::from(spans)
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

    #[test]
    fn chinese_counts_two_columns_and_wraps_between_characters() {
        assert_eq!(width("客户端"), 6);
        assert_eq!(fit("客户端", 8), "客户端  ");
        assert_eq!(fit_right("客户端", 7), " 客户端");
        // A cut never splits a wide character.
        assert_eq!(fit("客户端发送", 6), "客户… ");
        assert_eq!(width(&fit("客户端发送", 6)), 6);
        let lines = wrap("客户端发送 SYN，进入 SYN_SENT 状态。", 12, "");
        for l in &lines {
            assert!(width(l) <= 12, "{l:?}");
        }
        assert_eq!(
            lines.concat().replace(' ', ""),
            "客户端发送SYN，进入SYN_SENT状态。"
        );
        // Punctuation never starts a line; words stay whole.
        assert!(
            lines
                .iter()
                .all(|l| !l.starts_with('，') && !l.starts_with('。'))
        );
        assert!(lines.iter().any(|l| l.contains("SYN_SENT")));
    }
}
