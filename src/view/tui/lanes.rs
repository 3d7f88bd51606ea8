//! Several connections to one server on one ladder: a lifeline per client
//! endpoint and one for the server, every segment an arrow between its
//! client's lane and the server's, every call on its caller's lane (a
//! server's call names the connection it is for).
//!
//! ```text
//!     client 1 :40001  client 2 :40002  client 3 :40003       server :8080
//!  1  │                │                │            ● listen() │ S LISTEN
//!  2  │ ● connect()    │                │                       │ c1 SYN_SENT
//!  3  │────────────────┼────────────────┼────── [S] seq=0 ─────▶│ S SYN_RECEIVED
//!  9  │                │◀───────────────┼───── [S.] seq=0 ack=1 ─│ c2 ESTABLISHED
//! 12  │                │                │    ● accept() → c2    │
//! ```
//!
//! Used when no single connection is chosen and the timeline's TCP
//! connections (two or more, from two or more client endpoints) all share
//! one server address and port: the live lab's `chat` and `backlog`, a
//! capture of one server's clients. Anything else keeps the per-stream
//! blocks of [`super::ladder`].

use super::app::App;
use super::ladder::{call_text_in, seg_labels_in, segment_style, short_state, timer_text_in};
use super::shared::Shared;
use super::text::{fit, truncate, width};
use crate::i18n::{msg, text};
use crate::tcp::state::State;
use crate::timeline::{Call, Side, Step, StepKind, state_name};
use ratatui::style::Style;
use ratatui::text::Line;
use std::net::SocketAddr;
use unicode_width::UnicodeWidthChar;

/// The lanes of a timeline ([`crate::view::Lanes`]: which client endpoint
/// each lane is, which lane each stream's client is on) with their names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Lanes {
    base: crate::view::Lanes,
    /// Each lane's client endpoint, in order of first appearance.
    pub clients: Vec<SocketAddr>,
    pub server: SocketAddr,
    /// The TCP streams the timeline's steps hold, in number order.
    pub streams: Vec<u32>,
    /// Each lane's name, long and short (`client 2`, `c2`), in the
    /// language of the moment: made once, not for every row.
    names: Vec<[String; 2]>,
}

impl Lanes {
    /// The lanes of `sh`'s timeline, when it is shown whole (no single
    /// connection chosen) and [`crate::view::Lanes::of`] finds them.
    pub fn of(sh: &Shared) -> Option<Lanes> {
        if sh.stream.is_some() {
            return None;
        }
        let base = crate::view::Lanes::of(&sh.tl)?;
        let names = (1..=base.clients.len())
            .map(|n| {
                [
                    msg!(sh.lang, "tui-lanes-client", n = n),
                    msg!(sh.lang, "tui-lanes-client-short", n = n),
                ]
            })
            .collect();
        Some(Lanes {
            clients: base.clients.clone(),
            server: base.server,
            streams: base.streams.clone(),
            base,
            names,
        })
    }

    /// The lane of stream `n`'s client.
    pub fn lane(&self, n: u32) -> Option<usize> {
        self.base.lane(n)
    }

    /// `client 2` (or `c2` when `short`): lane `k`'s name.
    pub fn name(&self, k: usize, short: bool) -> &str {
        self.names.get(k).map_or("", |n| &n[usize::from(short)])
    }

    /// A connection's label for the states table: `client 2 :40002`.
    pub fn label(&self, stream: u32, short: bool) -> String {
        let k = self.lane(stream).unwrap_or(0);
        let port = self.clients.get(k).map_or(0, SocketAddr::port);
        format!("{} :{port}", self.name(k, short))
    }
}

/// Where the lifelines are for one width.
///
/// `num` columns of row number (with the ▶ marker), a space, client lane
/// `k`'s lifeline at `x[k]`, the wire from the last client lane to the
/// server's lifeline at `xs`, a space and the state column.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Geometry {
    pub num: usize,
    pub x: Vec<usize>,
    pub xs: usize,
    pub state: usize,
    pub w: usize,
}

/// The narrowest wire that still holds a label such as ` [S.] 0/1 `.
const MIN_WIRE: usize = 12;
/// A wire this wide holds the longest label of a data segment with room
/// to spare (` [P.] seq=1 ack=1 len=5 `).
const WIRE: usize = 30;
/// Lanes further apart than this only waste room.
const MAX_LANE: usize = 24;

impl Geometry {
    /// The lanes in `w` columns, `largest` the largest row number, `states`
    /// the widths the state column would like, best first (see
    /// [`state_widths`]); None when the lanes do not fit (then the ladder
    /// falls back to blocks).
    pub fn new(lanes: &Lanes, w: usize, largest: u64, states: &[usize]) -> Option<Geometry> {
        let num = largest.max(1).to_string().len() + 1;
        let left = num + 1;
        let gaps = lanes.clients.len().saturating_sub(1).max(1);
        for &state in states.iter().chain(&[0]) {
            let Some(avail) = w.checked_sub(left + 3 + state) else {
                continue;
            };
            // Half the room between the client lanes (calls are written
            // beside their lane), half for the wire (the labels); more for
            // the lanes when the wire would be wider than a label needs.
            let mut lw = (avail / 2 / gaps)
                .max(avail.saturating_sub(WIRE) / gaps)
                .clamp(2, MAX_LANE);
            if avail < lw * gaps + MIN_WIRE {
                lw = avail.saturating_sub(MIN_WIRE) / gaps;
            }
            // A state column that leaves the lanes touching is not worth it.
            if lw < 2 || (state > 0 && lw < 4) {
                continue;
            }
            let x: Vec<usize> = (0..lanes.clients.len()).map(|k| left + k * lw).collect();
            let xs = left + (lanes.clients.len() - 1) * lw + 1 + (avail - lw * gaps);
            return Some(Geometry {
                num,
                x,
                xs,
                state,
                w,
            });
        }
        None
    }

    /// The first column of the wire (right of the last client lane).
    fn wire(&self) -> usize {
        self.x.last().map_or(self.num + 1, |x| x + 1)
    }
}

/// One row of cells, drawn over: a wide character takes two cells, the
/// second marked `'\0'` (never printed).
struct Canvas {
    cells: Vec<(char, Style)>,
}

impl Canvas {
    fn new(w: usize) -> Canvas {
        Canvas {
            cells: vec![(' ', Style::new()); w],
        }
    }

    /// Cell `x` is about to be written: no half of a wide character stays.
    fn clear(&mut self, x: usize) {
        if self.cells[x].0 == '\0' && x > 0 {
            self.cells[x - 1].0 = ' ';
        }
        if self.cells.get(x + 1).is_some_and(|c| c.0 == '\0') {
            self.cells[x + 1].0 = ' ';
        }
    }

    /// Write `s` from column `x` on, cut at the right edge.
    fn put(&mut self, x: usize, s: &str, style: Style) {
        let mut x = x;
        for c in s.chars() {
            let cw = UnicodeWidthChar::width(c).unwrap_or(0);
            if cw == 0 {
                continue;
            }
            if x + cw > self.cells.len() {
                break;
            }
            self.clear(x);
            if cw == 2 {
                self.clear(x + 1);
                self.cells[x + 1] = ('\0', style);
            }
            self.cells[x] = (c, style);
            x += cw;
        }
    }

    /// Write `s` so that it ends just before column `end`.
    fn put_before(&mut self, end: usize, s: &str, style: Style) {
        let s = truncate(s, end);
        self.put(end - width(&s), &s, style);
    }

    fn patch(&mut self, style: Style) {
        for c in &mut self.cells {
            c.1 = c.1.patch(style);
        }
    }

    fn line(self) -> Line<'static> {
        // A wide character's second cell holds '\0': it is not text.
        super::text::styled_runs(self.cells.into_iter().filter(|(c, _)| *c != '\0'))
    }
}

/// A row with every lifeline drawn and nothing else.
fn lifelines(app: &App, g: &Geometry) -> Canvas {
    let t = &app.theme;
    let mut c = Canvas::new(g.w);
    for &x in &g.x {
        c.put(x, "│", t.side(Side::Client));
    }
    c.put(g.xs, "│", t.side(Side::Server));
    c
}

/// The header: each lane's name and address over its lifeline, on one
/// line when every label fits (all clients labelled alike), else names on
/// one and addresses on the next. The server's is right-aligned to the
/// pane's edge.
pub fn header(app: &App, lanes: &Lanes, g: &Geometry) -> Vec<Line<'static>> {
    let t = &app.theme;
    let srv = app.lang.side(Side::Server);
    let srv_short = text(app.lang, "tui-lanes-server-short");
    let sp = lanes.server.port();
    let n = lanes.clients.len();
    // Room for each client's label: up to the next lane; the last one
    // shares the wire with the server's label.
    let room = |k: usize, server_w: usize| -> usize {
        match g.x.get(k + 1) {
            Some(next) => next - g.x[k] - 1,
            None => g.w.saturating_sub(g.x[k] + server_w + 1),
        }
    };
    let line = |server: &str, clients: &[String]| -> Line<'static> {
        let mut c = Canvas::new(g.w);
        for (k, l) in clients.iter().enumerate() {
            let r = room(k, width(server)).max(1);
            // Too narrow for a port: its last digits tell lanes apart.
            let l = match l.strip_prefix(':') {
                Some(port) if width(l) > r => {
                    let tail: String = port
                        .chars()
                        .skip(port.len() + 1 - r.min(port.len() + 1))
                        .collect();
                    format!("…{tail}")
                }
                _ => truncate(l, r),
            };
            c.put(g.x[k], &l, t.side(Side::Client).patch(t.bold()));
        }
        c.put_before(g.w, server, t.side(Side::Server).patch(t.bold()));
        c.line()
    };
    let client_one = |level: usize, k: usize| -> String {
        let c = lanes.clients[k];
        match level {
            0 => format!("{} {c}", lanes.name(k, false)),
            1 => format!("{} :{}", lanes.name(k, false), c.port()),
            _ => format!("{} :{}", lanes.name(k, true), c.port()),
        }
    };
    let server_one = [
        format!("{srv} {}", lanes.server),
        format!("{srv} :{sp}"),
        format!("{srv_short} :{sp}"),
    ];
    let server_room = g.w - g.wire();
    for level in 0..3 {
        let clients: Vec<String> = (0..n).map(|k| client_one(level, k)).collect();
        let fits = |server: &String| {
            width(server) <= server_room
                && clients
                    .iter()
                    .enumerate()
                    .all(|(k, l)| width(l) <= room(k, width(server)))
        };
        if let Some(server) = server_one.iter().find(|s| fits(s)) {
            return vec![line(server, &clients)];
        }
    }
    let names_fit =
        |short: bool| (0..n).all(|k| width(lanes.name(k, short)) <= room(k, width(srv)));
    let short = !names_fit(false);
    let names: Vec<String> = (0..n).map(|k| lanes.name(k, short).to_string()).collect();
    let full_addr = lanes.server.to_string();
    let server_addr = if width(&full_addr) <= server_room {
        full_addr
    } else {
        format!(":{sp}")
    };
    let addrs_fit =
        (0..n).all(|k| width(&lanes.clients[k].to_string()) <= room(k, width(&server_addr)));
    let addrs: Vec<String> = lanes
        .clients
        .iter()
        .map(|c| {
            if addrs_fit {
                c.to_string()
            } else {
                format!(":{}", c.port())
            }
        })
        .collect();
    vec![line(srv, &names), line(&server_addr, &addrs)]
}

/// `c2 ESTABLISHED` / `S SYN_RECEIVED` (`short`: `S SYN_RCVD`): who
/// changed state in this step and to what, for the state column. A call
/// or a timer changes one side; a captured segment may change both (its
/// sender's state is inferred from it).
fn changes(app: &App, lanes: &Lanes, step: &Step, short: bool) -> Vec<(String, Side)> {
    [Side::Client, Side::Server]
        .into_iter()
        .filter(|&side| step.before.get(side) != step.after.get(side))
        .map(|side| {
            let tag = match side {
                Side::Client => lanes.name(lanes.lane(step.stream).unwrap_or(0), true),
                Side::Server => text(app.lang, "tui-lanes-server-short"),
            };
            let a = step.after.get(side);
            let name = if short { short_state(a) } else { state_name(a) };
            (format!("{tag} {name}"), side)
        })
        .collect()
}

/// The width of [`changes`] written out, one space between.
fn changes_width(c: &[(String, Side)]) -> usize {
    c.iter()
        .map(|(t, _)| width(t) + 1)
        .sum::<usize>()
        .saturating_sub(1)
}

/// The widths the state column would like: every change of the timeline
/// with full state names, then with short ones, and never less than the
/// longest tag with SYN_RECEIVED (or CLOSE_WAIT), so the lanes do not
/// move as steps are revealed or come (the quiz, the lab).
pub fn state_widths(app: &App, lanes: &Lanes) -> [usize; 2] {
    let tag = (0..lanes.clients.len())
        .map(|k| width(lanes.name(k, true)))
        .chain([width(text(app.lang, "tui-lanes-server-short"))])
        .max()
        .unwrap_or(1);
    let mut out = [tag + 1 + "SYN_RECEIVED".len(), tag + 1 + "CLOSE_WAIT".len()];
    for step in &app.tl.steps {
        for (o, short) in out.iter_mut().zip([false, true]) {
            *o = (*o).max(changes_width(&changes(app, lanes, step, short)));
        }
    }
    out
}

/// What a call or a timer on the server's lane says: which connection it
/// is for (but `listen()`, which is for none).
fn server_text(app: &App, lanes: &Lanes, step: &Step, what: &str, room: usize) -> String {
    if step.call == Some(Call::Listen) {
        return format!("{what} ");
    }
    let k = lanes.lane(step.stream).unwrap_or(0);
    let long = msg!(
        app.lang,
        "tui-lanes-call-to",
        call = what,
        client = lanes.name(k, false)
    );
    if width(&long) < room {
        return format!("{long} ");
    }
    let short = msg!(
        app.lang,
        "tui-lanes-call-to",
        call = what,
        client = lanes.name(k, true)
    );
    format!("{short} ")
}

/// A segment's arrow from client lane `k` to the server's (or back), the
/// label in the wire, each client lane it passes crossed with `┼`.
fn arrow(app: &App, g: &Geometry, c: &mut Canvas, k: usize, step: &Step) {
    let Some(v) = step.segment.as_ref() else {
        return;
    };
    let style = segment_style(app, v);
    let (a, b) = (g.x[k] + 1, g.xs - 1);
    let span = b + 1 - a;
    // A lost segment stops two thirds of the way, at a ✕ (as in blocks).
    let len = if v.lost {
        (span * 2 / 3).max(3).min(span)
    } else {
        span
    };
    let (d0, d1) = match v.from {
        Side::Client => (a, a + len - 1),
        Side::Server => (b + 1 - len, b),
    };
    let rst = v.seg.flags.rst();
    let (line, cross) = if rst { ("━", "╋") } else { ("─", "┼") };
    for x in d0..=d1 {
        let ch = if g.x.contains(&x) { cross } else { line };
        c.put(x, ch, style);
    }
    let head = if v.lost {
        "✕"
    } else if v.from == Side::Client {
        "▶"
    } else {
        "◀"
    };
    let (hx, inner) = match v.from {
        Side::Client => (d1, (d0, d1.saturating_sub(1))),
        Side::Server => (d0, (d0 + 1, d1)),
    };
    c.put(hx, head, style);
    // The label sits in the wire when the drawn part reaches it, so the
    // labels of every lane line up; else on the line itself.
    let wire = (inner.0.max(g.wire()), inner.1);
    let (l0, l1) = if wire.1 >= wire.0 + 6 { wire } else { inner };
    let room = (l1 + 1).saturating_sub(l0);
    if room < 3 {
        return;
    }
    // A little line on each side of the label if it can be had.
    let labels = seg_labels_in(v, app.raw_seq, app.lang);
    let label = [4, 2]
        .into_iter()
        .find_map(|pad| labels.iter().find(|l| width(l) + pad <= room).cloned())
        .unwrap_or_else(|| truncate(&v.seg.flags.tcpdump(), room.saturating_sub(2)));
    let label = format!(" {label} ");
    let at = l0 + (room - width(&label)) / 2;
    c.put(at, &label, style);
}

/// One ladder row of the lanes.
fn step_line(app: &App, lanes: &Lanes, g: &Geometry, i: usize, n: u64) -> Line<'static> {
    let t = &app.theme;
    let step = &app.tl.steps[i];
    let current = i == app.current && !app.pending;
    let mut c = lifelines(app, g);
    let marker = if current { "▶" } else { " " };
    c.put(
        0,
        &format!("{marker}{:>w$}", n, w = g.num - 1),
        Style::new(),
    );
    let k = lanes.lane(step.stream).unwrap_or(0);
    match step.kind {
        StepKind::Segment => arrow(app, g, &mut c, k, step),
        StepKind::Call | StepKind::Timer => {
            let (what, style) = if step.kind == StepKind::Timer {
                let timer = step
                    .timer
                    .as_ref()
                    .map(|t| timer_text_in(t, app.lang))
                    .unwrap_or_default();
                (format!("⊙ {timer}"), t.warn())
            } else {
                (
                    format!("● {}", call_text_in(step, app.lang)),
                    t.side(step.side).patch(t.bold()),
                )
            };
            match step.side {
                Side::Client => c.put(g.x[k] + 1, &format!(" {what}"), style),
                Side::Server => {
                    let room = g.xs - g.wire();
                    let text = server_text(app, lanes, step, &what, room);
                    c.put_before(g.xs, &text, style);
                }
            }
        }
        StepKind::Datagram => {}
    }
    if g.state > 0 {
        let mut ch = changes(app, lanes, step, false);
        if changes_width(&ch) > g.state {
            ch = changes(app, lanes, step, true);
        }
        let mut x = g.xs + 2;
        for (text, side) in ch {
            let text = truncate(&text, g.w.saturating_sub(x));
            c.put(x, &text, t.side(side).patch(t.bold()));
            x += width(&text) + 1;
            if x >= g.w {
                break;
            }
        }
    }
    if current {
        c.patch(t.current());
    }
    c.line()
}

/// Every row of the lanes (the step each shows, None for gaps and the
/// quiz's "?" row), as [`super::ladder`]'s rows.
pub fn rows(app: &App, lanes: &Lanes, g: &Geometry) -> Vec<(Line<'static>, Option<usize>)> {
    let mut out = Vec::new();
    let mut last_time: Option<f64> = None;
    for (n, i) in app.visible_steps().into_iter().enumerate() {
        if !app.revealed(i) {
            break;
        }
        let time = app.tl.steps[i].time;
        if app.timed
            && let Some(prev) = last_time
        {
            out.extend(gap_rows(app, g, time - prev).into_iter().map(|l| (l, None)));
        }
        last_time = Some(time);
        out.push((
            step_line(app, lanes, g, i, app.row_number(i, n + 1)),
            Some(i),
        ));
    }
    if app.pending {
        out.push((pending_line(app, g), None));
    }
    out
}

/// The rows standing for a gap in time (`t`): the lifelines, and the time
/// on the first one, in the wire.
fn gap_rows(app: &App, g: &Geometry, dt: f64) -> Vec<Line<'static>> {
    (0..super::ladder::gap_rows_for(dt))
        .map(|k| {
            let mut c = lifelines(app, g);
            if k == 0 {
                let label = msg!(app.lang, "tui-ladder-gap", seconds = format!("{dt:.3}"));
                let room = g.xs - g.wire();
                c.put(g.wire(), &fit(&label, room), app.theme.dim());
            }
            c.line()
        })
        .collect()
}

/// Quiz: the row of the step in question, across every lane.
fn pending_line(app: &App, g: &Geometry) -> Line<'static> {
    let t = &app.theme;
    let mut c = lifelines(app, g);
    c.put(0, &format!("▶{:>w$}", "?", w = g.num - 1), Style::new());
    let q = text(app.lang, "tui-ladder-what-next");
    let (a, b) = (g.x[0] + 1, g.xs);
    let fill = (b - a).saturating_sub(width(q));
    c.put(
        a,
        &format!("{}{q}{}", "┄".repeat(fill / 2), "┄".repeat(fill - fill / 2)),
        Style::new(),
    );
    c.patch(t.current());
    c.line()
}

/// The states pane's table: every connection begun by the current step,
/// with both ends' states after it (the current step's connection marked
/// and highlighted).
pub fn table(app: &App, lanes: &Lanes, w: usize) -> Vec<Line<'static>> {
    let t = &app.theme;
    let Some(cur) = app.tl.steps.get(app.current) else {
        return vec![];
    };
    // The states after each connection's last step up to the current one.
    let mut now: Vec<Option<(Option<State>, Option<State>)>> = vec![None; app.tl.streams.len()];
    for s in &app.tl.steps[..=app.current] {
        if let Some(slot) = now.get_mut(s.stream as usize) {
            *slot = Some((s.after.client, s.after.server));
        }
    }
    let short = w < 52;
    let label_w = lanes
        .streams
        .iter()
        .map(|&n| width(&lanes.label(n, short)))
        .chain([width(text(app.lang, "tui-states-table-connection"))])
        .max()
        .unwrap_or(0);
    let num_w = lanes
        .streams
        .last()
        .map_or(1, |n| n.to_string().len())
        .max(1);
    let state_w = if short { 10 } else { 12 };
    let name = |s: Option<State>| {
        if short { short_state(s) } else { state_name(s) }
    };
    let mut out = vec![Line::styled(
        fit(
            &format!(
                "  {:>num_w$}  {}  {}  {}",
                "#",
                fit(text(app.lang, "tui-states-table-connection"), label_w),
                fit(app.lang.side(Side::Client), state_w),
                app.lang.side(Side::Server),
            ),
            w,
        ),
        t.bold(),
    )];
    for &n in &lanes.streams {
        let Some((client, server)) = now[n as usize] else {
            continue;
        };
        let here = n == cur.stream;
        let row = format!(
            "{} {:>num_w$}  {}  {}  {}",
            if here { "▶" } else { " " },
            n,
            fit(&lanes.label(n, short), label_w),
            fit(name(client), state_w),
            name(server),
        );
        let style = if here { t.current() } else { Style::new() };
        out.push(Line::styled(fit(&row, w), style));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::timeline::{StreamInfo, Timeline};
    use std::borrow::Cow;

    fn shared(streams: &[(&str, &str)]) -> Shared<'static> {
        let tl = Timeline {
            source: String::new(),
            title: String::new(),
            streams: streams
                .iter()
                .map(|(c, s)| StreamInfo {
                    client: c.parse().unwrap(),
                    server: s.parse().unwrap(),
                })
                .collect(),
            steps: Vec::new(),
        };
        let mut tl = tl;
        for n in 0..streams.len() as u32 {
            let mut step = crate::source::scenario::timeline(
                "handshake",
                Default::default(),
                crate::explain::Lang::En,
            )
            .unwrap()
            .steps
            .remove(0);
            step.stream = n;
            tl.steps.push(step);
        }
        Shared::new(Cow::Owned(tl))
    }

    #[test]
    fn lanes_need_one_server_and_two_clients() {
        let one = shared(&[
            ("10.0.0.1:40001", "10.0.0.9:8080"),
            ("10.0.0.1:40002", "10.0.0.9:8080"),
        ]);
        let l = Lanes::of(&one).expect("two clients of one server");
        assert_eq!(l.clients.len(), 2);
        assert_eq!((l.lane(0), l.lane(1)), (Some(0), Some(1)));
        // Port reuse: one client endpoint twice is no lanes view.
        let reuse = shared(&[
            ("10.0.0.1:40001", "10.0.0.9:8080"),
            ("10.0.0.1:40001", "10.0.0.9:8080"),
        ]);
        assert_eq!(Lanes::of(&reuse), None);
        // Two servers: blocks.
        let two = shared(&[
            ("10.0.0.1:40001", "10.0.0.9:8080"),
            ("10.0.0.1:40002", "10.0.0.9:443"),
        ]);
        assert_eq!(Lanes::of(&two), None);
        // A single stream chosen: its own ladder.
        let mut chosen = shared(&[
            ("10.0.0.1:40001", "10.0.0.9:8080"),
            ("10.0.0.1:40002", "10.0.0.9:8080"),
        ]);
        chosen.stream = Some(1);
        assert_eq!(Lanes::of(&chosen), None);
    }

    #[test]
    fn geometry_fits_four_lanes_in_80_columns_and_gives_up_when_it_cannot() {
        let sh = shared(&[
            ("10.0.0.1:40001", "10.0.0.9:8080"),
            ("10.0.0.1:40002", "10.0.0.9:8080"),
            ("10.0.0.1:40003", "10.0.0.9:8080"),
            ("10.0.0.1:40004", "10.0.0.9:8080"),
        ]);
        let l = Lanes::of(&sh).unwrap();
        let g = Geometry::new(&l, 78, 120, &[15]).unwrap();
        assert!(g.xs - g.wire() >= MIN_WIRE, "{g:?}");
        assert!(g.xs + 2 + g.state <= 78, "{g:?}");
        assert!(g.x.windows(2).all(|p| p[1] - p[0] >= 2), "{g:?}");
        assert_eq!(Geometry::new(&l, 20, 120, &[15]), None);
    }

    #[test]
    fn a_wide_character_is_never_cut_in_half() {
        let mut c = Canvas::new(6);
        c.put(0, "连接", Style::new());
        c.put(1, "x", Style::new());
        let s: String = c.line().spans.iter().map(|s| s.content.as_ref()).collect();
        assert_eq!(s, " x接  ");
        assert_eq!(width(&s), 6);
    }
}
