//! The connection list of `inspect`, `sniff` and the live lab: one row per
//! TCP connection, then one per UDP conversation (numbered apart, as
//! tshark's `udp.stream`; a protocol column appears when there are any),
//! columns dropped by priority when the terminal is narrow, and below it
//! everything about the selected one.

use super::app::{App, HitMap};
use super::file::{FileState, grouped, short_count};
use super::text::{fit, fit_right, truncate, width, wrapped};
use crate::explain::Lang;
use crate::i18n::{msg, text};
use crate::source::UdpSummary;
use crate::tcp::tracker::{Close, Handshake, Summary};
use crate::timeline::segment::Flags;
use crate::timeline::{Side, state_name};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

pub fn handshake_name(h: Handshake, lang: Lang) -> &'static str {
    match h {
        Handshake::Complete => text(lang, "tui-list-handshake-complete"),
        Handshake::Partial => text(lang, "tui-list-handshake-partial"),
        Handshake::Simultaneous => text(lang, "tui-list-handshake-simultaneous"),
        Handshake::None => text(lang, "tui-list-handshake-none"),
    }
}

pub fn close_name(c: Close, lang: Lang) -> &'static str {
    match c {
        Close::Fin => "FIN",
        Close::Rst => "RST",
        Close::HalfClosed => text(lang, "tui-list-close-half-closed"),
        Close::Open => text(lang, "tui-list-close-open"),
    }
}

fn seconds(s: f64, lang: Lang) -> String {
    msg!(lang, "tui-list-seconds", s = format!("{s:.3}"))
}

/// A round-trip time: below 10 ms (a loopback handshake) in microseconds,
/// which would otherwise all read "0.000 s".
fn rtt(s: f64, lang: Lang) -> String {
    if s < 0.01 {
        let us = s * 1e6;
        return msg!(lang, "tui-list-microseconds", us = format!("{us:.0}"));
    }
    seconds(s, lang)
}

/// The flags seen, in the order a connection's story uses them.
fn flags(s: &Summary) -> String {
    const ORDER: [&str; 9] = ["SYN", "ACK", "PSH", "URG", "FIN", "RST", "ECE", "CWR", "AE"];
    let mut names = Flags(s.flags_seen).names();
    names.sort_by_key(|n| ORDER.iter().position(|o| o == n).unwrap_or(ORDER.len()));
    names.join(" ")
}

/// One row of the list: a TCP connection or a UDP conversation.
#[derive(Clone, Copy, Debug)]
pub enum Row<'a> {
    Tcp(&'a Summary),
    Udp(&'a UdpSummary),
}

impl Row<'_> {
    fn stream(self) -> u32 {
        match self {
            Row::Tcp(s) => s.stream,
            Row::Udp(u) => u.stream,
        }
    }
}

/// Row `idx` of `app`'s list: the TCP rows, then the UDP ones.
pub fn row_at<'a>(app: &'a App, idx: usize) -> Option<Row<'a>> {
    match app.conns.get(idx) {
        Some(s) => Some(Row::Tcp(s)),
        None => app.udp_conns.get(idx - app.conns.len()).map(Row::Udp),
    }
}

/// What a UDP conversation has none of (handshake, close, flags).
const NONE: &str = "—";

/// A column: heading, right-aligned or not, priority (0 stays longest),
/// and the cell text.
struct Col {
    title: fn(Lang) -> &'static str,
    right: bool,
    prio: u8,
    cell: fn(Row, Lang) -> String,
}

/// How many columns the list has.
pub const NCOLS: usize = 10;
/// The protocol column, shown only when a UDP conversation is listed.
const PROTO: usize = 1;
/// The two address columns, shortened in the middle when too wide.
const ADDRS: [usize; 2] = [2, 3];

const COLS: [Col; NCOLS] = [
    Col {
        title: |_| "#",
        right: true,
        prio: 0,
        cell: |r, _| r.stream().to_string(),
    },
    Col {
        title: |l| text(l, "tui-list-col-protocol"),
        right: false,
        prio: 0,
        cell: |r, _| match r {
            Row::Tcp(_) => "TCP".into(),
            Row::Udp(_) => "UDP".into(),
        },
    },
    Col {
        title: |l| text(l, "tui-list-col-client"),
        right: false,
        prio: 0,
        cell: |r, _| match r {
            Row::Tcp(s) => s.client.to_string(),
            Row::Udp(u) => u.client.to_string(),
        },
    },
    Col {
        title: |l| text(l, "tui-list-col-server"),
        right: false,
        prio: 0,
        cell: |r, _| match r {
            Row::Tcp(s) => s.server.to_string(),
            Row::Udp(u) => u.server.to_string(),
        },
    },
    Col {
        title: |l| text(l, "tui-list-col-packets"),
        right: true,
        prio: 2,
        cell: |r, _| match r {
            Row::Tcp(s) => s.packets.to_string(),
            Row::Udp(u) => u.packets.to_string(),
        },
    },
    Col {
        title: |l| text(l, "tui-list-col-bytes"),
        right: true,
        prio: 4,
        cell: |r, _| match r {
            Row::Tcp(s) => s.bytes.to_string(),
            Row::Udp(u) => u.bytes.to_string(),
        },
    },
    Col {
        title: |l| text(l, "tui-list-col-handshake"),
        right: false,
        prio: 1,
        cell: |r, l| match r {
            Row::Tcp(s) => handshake_name(s.handshake, l).to_string(),
            Row::Udp(_) => NONE.into(),
        },
    },
    Col {
        title: |l| text(l, "tui-list-col-close"),
        right: false,
        prio: 1,
        cell: |r, l| match r {
            Row::Tcp(s) => close_name(s.close, l).to_string(),
            Row::Udp(_) => NONE.into(),
        },
    },
    Col {
        title: |l| text(l, "tui-list-col-duration"),
        right: true,
        prio: 3,
        cell: |r, l| match r {
            Row::Tcp(s) => seconds(s.duration, l),
            Row::Udp(u) => seconds(u.duration, l),
        },
    },
    Col {
        title: |l| text(l, "tui-list-col-flags-seen"),
        right: false,
        prio: 5,
        cell: |r, _| match r {
            Row::Tcp(s) => flags(s),
            Row::Udp(_) => NONE.into(),
        },
    },
];

const GAP: usize = 2;
/// The row marker: `▶ ` on the selected row.
const MARK: usize = 2;

impl Col {
    fn title(&self, lang: Lang) -> &'static str {
        (self.title)(lang)
    }
}

/// Where `lang`'s widths are in [`crate::view::tui::file::FileState::widths`].
pub fn lang_index(lang: Lang) -> usize {
    match lang {
        Lang::En => 0,
        Lang::Zh => 1,
    }
}

/// The width of each cell of one row in `lang`.
pub fn measure(s: &Summary, lang: Lang) -> [usize; NCOLS] {
    measure_row(Row::Tcp(s), lang)
}

/// [`measure`] for a UDP conversation's row.
pub fn measure_udp(u: &UdpSummary, lang: Lang) -> [usize; NCOLS] {
    measure_row(Row::Udp(u), lang)
}

fn measure_row(r: Row, lang: Lang) -> [usize; NCOLS] {
    let mut out = [0; NCOLS];
    for (o, c) in out.iter_mut().zip(&COLS) {
        *o = width(&(c.cell)(r, lang));
    }
    out
}

/// Which columns fit in `w` and how wide each is. `known`: the widest cell
/// of each column, when the caller keeps track of it (a capture file's
/// list, too long to measure at every frame). The protocol column only
/// when a row is UDP: a list of TCP connections reads as it always did.
fn layout(
    rows: &[Row],
    w: usize,
    lang: Lang,
    known: Option<&[usize; NCOLS]>,
) -> Vec<(usize, usize)> {
    let widths: Vec<usize> = COLS
        .iter()
        .enumerate()
        .map(|(i, c)| match known {
            Some(k) => k[i].max(width(c.title(lang))),
            None => rows
                .iter()
                .map(|&r| width(&(c.cell)(r, lang)))
                .chain([width(c.title(lang))])
                .max()
                .unwrap_or(0),
        })
        .collect();
    let udp = rows.iter().any(|r| matches!(r, Row::Udp(_)));
    let mut keep: Vec<usize> = (0..COLS.len()).filter(|&i| udp || i != PROTO).collect();
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
            .filter(|(i, _)| !ADDRS.contains(i))
            .map(|(_, cw)| cw + GAP)
            .sum();
        let each = (w.saturating_sub(MARK + fixed + 2 * GAP) / 2).max(4);
        for (i, cw) in &mut cols {
            if ADDRS.contains(i) {
                *cw = (*cw).min(each);
            }
        }
    }
    cols
}

/// An `ip:port` cut to `w` columns in the middle of the address, never in
/// the port: `[2001:db8:…:7334]:443`. Two connections of one host differ
/// in the port, so it is the part the list must keep.
fn shorten_addr(text: &str, w: usize) -> String {
    if width(text) <= w {
        return text.to_string();
    }
    let Some(colon) = text.rfind(':') else {
        return truncate(text, w);
    };
    let (addr, port) = text.split_at(colon);
    let (open, addr, close) = match addr.strip_prefix('[').and_then(|a| a.strip_suffix(']')) {
        Some(inner) => ("[", inner, "]"),
        None => ("", addr, ""),
    };
    let kept = w.saturating_sub(open.len() + close.len() + port.len() + 1);
    if kept < 2 {
        // Not even room for a little of the address: the port alone.
        let tail = format!("…{close}{port}");
        return tail.chars().skip(width(&tail).saturating_sub(w)).collect();
    }
    let chars: Vec<char> = addr.chars().collect();
    let head = kept.div_ceil(2);
    let tail = kept - head;
    let h: String = chars[..head.min(chars.len())].iter().collect();
    let t: String = chars[chars.len().saturating_sub(tail)..].iter().collect();
    format!("{open}{h}…{t}{close}{port}")
}

fn row(cols: &[(usize, usize)], cells: impl Fn(&Col) -> String) -> String {
    let mut out = String::new();
    for &(i, cw) in cols {
        let c = &COLS[i];
        let mut text = cells(c);
        if ADDRS.contains(&i) {
            text = shorten_addr(&text, cw);
        }
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
    let s = match row_at(app, app.list.selected) {
        Some(Row::Tcp(s)) => s,
        Some(Row::Udp(u)) => return udp_details(app, u, w),
        None => return vec![],
    };
    let l = app.lang;
    let rtt = s
        .handshake_rtt
        .map(|r| format!(" (RTT {})", rtt(r, l)))
        .unwrap_or_default();
    let fl = flags(s);
    let fl = if fl.is_empty() {
        text(l, "tui-list-handshake-none").to_string()
    } else {
        fl
    };
    let (client, server) = (l.side(Side::Client), l.side(Side::Server));
    let mut out = wrapped(
        &msg!(
            l,
            "tui-list-detail-head",
            stream = s.stream,
            client = s.client.to_string(),
            server = s.server.to_string()
        ),
        w,
        "  ",
        t.bold(),
    );
    let texts = [
        msg!(
            l,
            "tui-list-detail-size",
            packets = s.packets,
            bytes = s.bytes,
            start = seconds(s.start, l),
            duration = seconds(s.duration, l)
        ),
        msg!(
            l,
            "tui-list-detail-ends",
            handshake = handshake_name(s.handshake, l),
            rtt = rtt.as_str(),
            close = close_name(s.close, l),
            flags = fl.as_str()
        ),
        msg!(
            l,
            "tui-list-detail-states",
            client = client,
            client_state = state_name(s.final_states.client),
            server = server,
            server_state = state_name(s.final_states.server)
        ),
    ];
    for text in texts {
        out.extend(wrapped(&text, w, "  ", Style::new()));
    }
    out
}

/// A UDP conversation's detail box: its ends, its datagrams, and that
/// there is nothing else to say (no handshake, close or state).
fn udp_details(app: &App, u: &UdpSummary, w: usize) -> Vec<Line<'static>> {
    let l = app.lang;
    let mut out = wrapped(
        &msg!(
            l,
            "tui-list-detail-udp-head",
            stream = u.stream,
            client = u.client.to_string(),
            server = u.server.to_string()
        ),
        w,
        "  ",
        app.theme.bold(),
    );
    let texts = [
        msg!(
            l,
            "tui-list-detail-udp-size",
            packets = u.packets,
            bytes = u.bytes,
            start = seconds(u.start, l),
            duration = seconds(u.duration, l)
        ),
        text(l, "tui-list-detail-udp-none").to_string(),
    ];
    for text in texts {
        out.extend(wrapped(&text, w, "  ", Style::new()));
    }
    out
}

/// Draw the list screen's main area (all but the status line).
pub fn render(f: &mut Frame, area: Rect, app: &App, hits: &mut HitMap) {
    let t = &app.theme;
    let area = match app.file.as_ref().filter(|f| !f.done) {
        Some(file) => {
            let [gauge, rest] =
                Layout::vertical([Constraint::Length(1), Constraint::Fill(1)]).areas(area);
            f.render_widget(Paragraph::new(gauge_line(app, file, gauge.width)), gauge);
            rest
        }
        None => area,
    };
    let detail_h = if area.height >= 20 { 6 } else { 5 };
    let n = app.list_len();
    // The table as tall as its rows (a header, borders, at least 3 rows),
    // the details right below it.
    let table_h = (n.max(3) as u16 + 3).min(area.height.saturating_sub(detail_h));
    let [top, bottom, _] = Layout::vertical([
        Constraint::Length(table_h),
        Constraint::Length(detail_h),
        Constraint::Fill(1),
    ])
    .areas(area);
    let conns = text(app.lang, "tui-list-connections");
    let title = if let Some(file) = &app.file {
        let frames = match &file.index {
            Some(idx) => msg!(app.lang, "tui-list-frames", n = grouped(idx.frames_total)),
            None => String::new(),
        };
        format!(
            "[ {conns}: {} ]  {}{frames} ",
            grouped(n as u64),
            crate::explain::source_in(&app.tl.source, app.lang)
        )
    } else if app.tl.title.is_empty() {
        format!(
            "[ {conns}: {n} ]  {} ",
            crate::explain::source_in(&app.tl.source, app.lang)
        )
    } else {
        format!(
            "[ {conns}: {n} ]  {} · {} ",
            crate::explain::source_in(&app.tl.source, app.lang),
            app.tl.title
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
        let text = if app.file.as_ref().is_some_and(|f| !f.done) {
            text(app.lang, "tui-list-indexing")
        } else if app.live.is_some() {
            text(app.lang, "tui-list-waiting")
        } else {
            text(app.lang, "tui-list-empty")
        };
        f.render_widget(Paragraph::new(wrapped(text, w, "", t.bold())), inner);
    } else {
        let known = app
            .file
            .as_ref()
            .map(|file| &file.widths[lang_index(app.lang)]);
        let rows: Vec<Row> = (0..n).filter_map(|i| row_at(app, i)).collect();
        let cols = layout(&rows, w, app.lang, known);
        let mut lines = vec![Line::from(Span::styled(
            fit(
                &format!(
                    "{}{}",
                    " ".repeat(MARK),
                    row(&cols, |c| c.title(app.lang).to_string())
                ),
                w,
            ),
            t.bold(),
        ))];
        let h = inner.height.saturating_sub(1) as usize;
        let off = app
            .list
            .selected
            .saturating_sub(h.saturating_sub(1))
            .min(n.saturating_sub(h));
        for (k, &r) in rows.iter().enumerate().skip(off).take(h) {
            let sel = k == app.list.selected;
            let text = format!(
                "{}{}",
                if sel { "▶ " } else { "  " },
                row(&cols, |c| (c.cell)(r, app.lang))
            );
            let style = if sel { t.current() } else { Style::new() };
            hits.list_rows.push((inner.y + 1 + (k - off) as u16, k));
            lines.push(Line::from(Span::styled(fit(&text, w), style)));
        }
        f.render_widget(Paragraph::new(lines), inner);
    }
    let block = Block::bordered()
        .title(Span::styled(text(app.lang, "tui-list-selected"), t.title()))
        .border_style(t.dim());
    let inner = block.inner(bottom);
    f.render_widget(block, bottom);
    f.render_widget(Paragraph::new(details(app, inner.width as usize)), inner);
}

/// The gauge above the list while a capture file is indexed:
/// `indexing 43% · 1.2M frames · 15 230 connections ━━━━━━──────`.
fn gauge_line(app: &App, file: &FileState, w: u16) -> Line<'static> {
    let t = &app.theme;
    let pct = file.percent();
    let label = msg!(
        app.lang,
        "tui-list-indexing-bar",
        pct = pct,
        frames = short_count(file.frames),
        conns = grouped(app.conns.len() as u64)
    );
    let label = truncate(&label, w as usize);
    let bar = (w as usize).saturating_sub(width(&label) + 1);
    let filled = (bar as u64 * pct / 100) as usize;
    Line::from(vec![
        Span::styled(label, t.bold()),
        Span::styled("━".repeat(filled), t.current()),
        Span::styled("─".repeat(bar - filled), t.dim()),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_shortened_address_keeps_its_port() {
        let v6 = "[2001:db8:85a3:1234:5678:8a2e:370:7334]:44321";
        assert_eq!(shorten_addr(v6, 60), v6);
        let s = shorten_addr(v6, 24);
        assert_eq!(width(&s), 24);
        assert_eq!(s, "[2001:db8…70:7334]:44321");
        assert_eq!(shorten_addr("192.168.100.200:8080", 14), "192.….200:8080");
        // Too narrow for any of the address: the port still shows.
        assert!(shorten_addr(v6, 7).ends_with(":44321"));
    }

    #[test]
    fn long_ipv6_rows_keep_both_ports_at_80_columns() {
        let s = Summary {
            stream: 12,
            client: "[2001:db8:85a3:1234:5678:8a2e:370:7334]:44321"
                .parse()
                .unwrap(),
            server: "[2001:db8:85a3:ffff:5678:8a2e:370:1]:443".parse().unwrap(),
            packets: 1234,
            bytes: 999_999,
            start: 0.0,
            duration: 12.5,
            handshake: Handshake::Complete,
            handshake_rtt: Some(0.01),
            close: Close::Fin,
            flags_seen: 0x1f,
            final_states: Default::default(),
            one_sided: None,
        };
        let rows = [Row::Tcp(&s)];
        let cols = layout(&rows, 80 - MARK, Lang::En, None);
        let line = row(&cols, |c| (c.cell)(Row::Tcp(&s), Lang::En));
        assert!(width(&line) <= 80 - MARK, "{line}");
        assert!(line.contains("]:44321 "), "{line}");
        assert!(line.ends_with("]:443"), "{line}");
    }
}
