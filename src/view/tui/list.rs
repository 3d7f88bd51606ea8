//! The connection list of `inspect` and `sniff`: one row per connection
//! (columns dropped by priority when the terminal is narrow), and below it
//! everything about the selected one.

use super::app::{App, HitMap};
use super::text::{fit, fit_right, wrapped};
use crate::tcp::segment::Flags;
use crate::tcp::tracker::{Close, Handshake, Summary};
use crate::timeline::state_name;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

pub fn handshake_name(h: Handshake) -> &'static str {
    match h {
        Handshake::Complete => "complete",
        Handshake::Partial => "partial",
        Handshake::Simultaneous => "simultaneous",
        Handshake::None => "none",
    }
}

pub fn close_name(c: Close) -> &'static str {
    match c {
        Close::Fin => "FIN",
        Close::Rst => "RST",
        Close::HalfClosed => "half-closed",
        Close::Open => "open",
    }
}

fn seconds(s: f64) -> String {
    format!("{s:.3} s")
}

/// The flags seen, in the order a connection's story uses them.
fn flags(s: &Summary) -> String {
    const ORDER: [&str; 9] = ["SYN", "ACK", "PSH", "URG", "FIN", "RST", "ECE", "CWR", "AE"];
    let mut names = Flags(s.flags_seen).names();
    names.sort_by_key(|n| ORDER.iter().position(|o| o == n).unwrap_or(ORDER.len()));
    names.join(" ")
}

/// A column: heading, right-aligned or not, priority (0 stays longest),
/// and the cell text.
struct Col {
    name: &'static str,
    right: bool,
    prio: u8,
    cell: fn(&Summary) -> String,
}

const COLS: [Col; 9] = [
    Col {
        name: "#",
        right: true,
        prio: 0,
        cell: |s| s.stream.to_string(),
    },
    Col {
        name: "client",
        right: false,
        prio: 0,
        cell: |s| s.client.to_string(),
    },
    Col {
        name: "server",
        right: false,
        prio: 0,
        cell: |s| s.server.to_string(),
    },
    Col {
        name: "packets",
        right: true,
        prio: 2,
        cell: |s| s.packets.to_string(),
    },
    Col {
        name: "bytes",
        right: true,
        prio: 4,
        cell: |s| s.bytes.to_string(),
    },
    Col {
        name: "handshake",
        right: false,
        prio: 1,
        cell: |s| handshake_name(s.handshake).to_string(),
    },
    Col {
        name: "close",
        right: false,
        prio: 1,
        cell: |s| close_name(s.close).to_string(),
    },
    Col {
        name: "duration",
        right: true,
        prio: 3,
        cell: |s| seconds(s.duration),
    },
    Col {
        name: "flags seen",
        right: false,
        prio: 5,
        cell: flags,
    },
];

const GAP: usize = 2;
/// The row marker: `▶ ` on the selected row.
const MARK: usize = 2;

/// Which columns fit in `w` and how wide each is.
fn layout(conns: &[Summary], w: usize) -> Vec<(usize, usize)> {
    let widths: Vec<usize> = COLS
        .iter()
        .map(|c| {
            conns
                .iter()
                .map(|s| (c.cell)(s).chars().count())
                .chain([c.name.chars().count()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut keep: Vec<usize> = (0..COLS.len()).collect();
    let total = |keep: &[usize]| MARK + keep.iter().map(|&i| widths[i] + GAP).sum::<usize>();
    while total(&keep) > w {
        let Some(drop) = keep
            .iter()
            .copied()
            .filter(|&i| COLS[i].prio > 0)
            .max_by_key(|&i| (COLS[i].prio, i))
        else {
            break;
        };
        keep.retain(|&i| i != drop);
    }
    let mut cols: Vec<(usize, usize)> = keep.iter().map(|&i| (i, widths[i])).collect();
    // Still too wide (long IPv6 addresses): share what is left between the
    // two address columns.
    let over = total(&keep).saturating_sub(w);
    if over > 0 {
        let fixed: usize = cols
            .iter()
            .filter(|(i, _)| !matches!(i, 1 | 2))
            .map(|(_, cw)| cw + GAP)
            .sum();
        let each = (w.saturating_sub(MARK + fixed + 2 * GAP) / 2).max(4);
        for (i, cw) in &mut cols {
            if matches!(i, 1 | 2) {
                *cw = (*cw).min(each);
            }
        }
    }
    cols
}

fn row(cols: &[(usize, usize)], cells: impl Fn(&Col) -> String) -> String {
    let mut out = String::new();
    for &(i, cw) in cols {
        let c = &COLS[i];
        let text = cells(c);
        out.push_str(&if c.right {
            fit_right(&text, cw)
        } else {
            fit(&text, cw)
        });
        out.push_str(&" ".repeat(GAP));
    }
    out.trim_end().to_string()
}

/// Everything about the selected connection, for the detail box.
pub fn details(app: &App, w: usize) -> Vec<Line<'static>> {
    let t = &app.theme;
    let Some(s) = app.conns.get(app.selected) else {
        return vec![];
    };
    let rtt = s
        .handshake_rtt
        .map(|r| format!(" (RTT {})", seconds(r)))
        .unwrap_or_default();
    let fl = flags(s);
    let mut out = wrapped(
        &format!(
            "stream {}: client {} → server {}",
            s.stream, s.client, s.server
        ),
        w,
        "  ",
        t.bold(),
    );
    for text in [
        format!(
            "{} packets, {} bytes · starts at {} · lasts {}",
            s.packets,
            s.bytes,
            seconds(s.start),
            seconds(s.duration)
        ),
        format!(
            "handshake {}{rtt} · close {} · flags seen: {}",
            handshake_name(s.handshake),
            close_name(s.close),
            if fl.is_empty() { "none" } else { &fl }
        ),
        format!(
            "states at the end: client {} · server {}",
            state_name(s.final_states.client),
            state_name(s.final_states.server)
        ),
    ] {
        out.extend(wrapped(&text, w, "  ", Style::new()));
    }
    out
}

/// Draw the list screen's main area (all but the status line).
pub fn render(f: &mut Frame, area: Rect, app: &App, hits: &mut HitMap) {
    let t = &app.theme;
    let detail_h = if area.height >= 20 { 6 } else { 5 };
    let n = app.conns.len();
    // The table as tall as its rows (a header, borders, at least 3 rows),
    // the details right below it.
    let table_h = (n.max(3) as u16 + 3).min(area.height.saturating_sub(detail_h));
    let [top, bottom, _] = Layout::vertical([
        Constraint::Length(table_h),
        Constraint::Length(detail_h),
        Constraint::Fill(1),
    ])
    .areas(area);
    let title = if app.tl.title.is_empty() {
        format!("[ Connections: {n} ]  {} ", app.tl.source)
    } else {
        format!(
            "[ Connections: {n} ]  {} · {} ",
            app.tl.source, app.tl.title
        )
    };
    let block = Block::bordered()
        .title(Span::styled(title, t.title()))
        .border_style(t.focus_border());
    let inner = block.inner(top);
    f.render_widget(block, top);
    if inner.height == 0 || inner.width == 0 {
        return;
    }
    let w = inner.width as usize;
    if n == 0 {
        let text = if app.live.is_some() {
            "No TCP connection yet: waiting for one to start…"
        } else {
            "No TCP connections in this capture."
        };
        f.render_widget(Paragraph::new(wrapped(text, w, "", t.bold())), inner);
    } else {
        let cols = layout(&app.conns, w);
        let mut lines = vec![Line::from(Span::styled(
            fit(
                &format!("{}{}", " ".repeat(MARK), row(&cols, |c| c.name.to_string())),
                w,
            ),
            t.bold(),
        ))];
        let h = inner.height.saturating_sub(1) as usize;
        let off = app
            .selected
            .saturating_sub(h.saturating_sub(1))
            .min(n.saturating_sub(h));
        for (k, s) in app.conns.iter().enumerate().skip(off).take(h) {
            let sel = k == app.selected;
            let text = format!(
                "{}{}",
                if sel { "▶ " } else { "  " },
                row(&cols, |c| (c.cell)(s))
            );
            let style = if sel { t.current() } else { Style::new() };
            hits.list_rows.push((inner.y + 1 + (k - off) as u16, k));
            lines.push(Line::from(Span::styled(fit(&text, w), style)));
        }
        f.render_widget(Paragraph::new(lines), inner);
    }
    let block = Block::bordered()
        .title(Span::styled(
            " Selected — Enter steps through it ",
            t.title(),
        ))
        .border_style(t.dim());
    let inner = block.inner(bottom);
    f.render_widget(block, bottom);
    f.render_widget(Paragraph::new(details(app, inner.width as usize)), inner);
}
