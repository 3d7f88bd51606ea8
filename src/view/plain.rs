//! The ladder diagram as plain text, readable at 80 columns. Renders a
//! timeline; decides nothing.

use crate::explain::{self, Lang};
use crate::i18n::{msg, text};
use crate::timeline::{
    Call, CallResult, DatagramView, SegmentView, Side, States, Step, StepKind, StreamInfo,
    Timeline, Timer, state_name,
};
use std::collections::{HashMap, VecDeque};
use std::fmt::Write;

const ARROW: usize = 38;
const STATE: usize = 12;
const INDENT: &str = "        ";
const WIDTH: usize = 79;

/// Options of the text view.
#[derive(Clone, Copy, Debug, Default)]
pub struct PlainOptions {
    /// Leave out the explanation paragraphs (ladder only).
    pub brief: bool,
}

/// Wrap `text` to `width` display columns. Breaks at spaces, and between
/// any two wide (CJK) characters, since Chinese has no spaces; never puts
/// closing punctuation at the start of a line.
pub fn wrap(text: &str, indent: &str, width: usize) -> String {
    use unicode_width::UnicodeWidthChar;
    const NO_LINE_START: &str = "，。：；、）！？」』）,.:;)!?";
    // Tokens: runs of narrow non-space characters, or single wide characters.
    let mut tokens: Vec<(String, bool)> = Vec::new(); // (text, space before)
    let mut space = false;
    for ch in text.chars() {
        if ch.is_whitespace() {
            space = true;
            continue;
        }
        let wide = ch.width().unwrap_or(0) > 1;
        let glue = !space
            && tokens.last().is_some_and(|(t, _)| {
                let last_wide = t.chars().last().and_then(|c| c.width()).unwrap_or(0) > 1;
                (!wide && !last_wide) || NO_LINE_START.contains(ch)
            });
        if glue {
            tokens.last_mut().expect("checked").0.push(ch);
        } else {
            tokens.push((ch.to_string(), space));
        }
        space = false;
    }
    let cols = |s: &str| unicode_width::UnicodeWidthStr::width(s);
    let avail = width.saturating_sub(cols(indent)).max(10);
    let mut out = String::new();
    let mut line = String::new();
    for (tok, space_before) in tokens {
        let sep = if space_before && !line.is_empty() {
            " "
        } else {
            ""
        };
        if !line.is_empty() && cols(&line) + sep.len() + cols(&tok) > avail {
            let _ = writeln!(out, "{indent}{line}");
            line.clear();
            line.push_str(&tok);
        } else {
            line.push_str(sep);
            line.push_str(&tok);
        }
    }
    if !line.is_empty() {
        let _ = writeln!(out, "{indent}{line}");
    }
    out
}

fn label(v: &SegmentView) -> String {
    let mut s = format!("{} seq={}", v.seg.flags.tcpdump(), v.seq_rel);
    if v.seg.flags.ack() {
        let _ = write!(s, " ack={}", v.ack_rel);
    }
    if v.len > 0 {
        let _ = write!(s, " len={}", v.len);
    }
    s
}

/// `|----[S] seq=0---->|` or `|<---[S.] seq=0 ack=1---|`, or a lost one.
fn arrow(v: &SegmentView) -> String {
    // As Wireshark's flow graph: a recognised payload is named by its
    // application-layer line; the TCP numbers go to the detail line.
    let text = match &v.l7 {
        Some(l7) => format!(" {} ", l7.label()),
        None => format!(" {} ", label(v)),
    };
    let inner = ARROW.saturating_sub(2);
    let text: String = text.chars().take(inner.saturating_sub(2)).collect();
    let fill = inner.saturating_sub(text.chars().count() + 1);
    let (left, right) = (fill / 2, fill - fill / 2);
    if v.lost {
        // The arrow stops halfway: the segment never reaches the other side.
        let body = format!("{}{}{}", "-".repeat(left), text, "-".repeat(right));
        let half: String = body.chars().take(inner - 2).collect();
        return match v.from {
            Side::Client => format!("{half}X "),
            Side::Server => format!(" X{half}"),
        };
    }
    match v.from {
        Side::Client => format!("{}{}{}>", "-".repeat(left), text, "-".repeat(right)),
        Side::Server => format!("<{}{}{}", "-".repeat(left), text, "-".repeat(right)),
    }
}

/// `|- - UDP 4 bytes - ->|`: dashed, as nothing acknowledges it.
fn datagram_arrow(v: &DatagramView, lang: Lang) -> String {
    let mut label = msg!(lang, "udp-datagram-label", n = v.len);
    if let Some(l7) = &v.l7 {
        label = format!("{} {label}", l7.label());
    }
    let inner = ARROW.saturating_sub(2);
    let text: String = format!(" {label} ")
        .chars()
        .take(inner.saturating_sub(2))
        .collect();
    let fill = inner.saturating_sub(unicode_width::UnicodeWidthStr::width(text.as_str()) + 1);
    let (left, right) = (fill / 2, fill - fill / 2);
    let dashes =
        |n: usize| -> String { (0..n).map(|i| if i % 2 == 0 { '-' } else { ' ' }).collect() };
    match v.from {
        Side::Client => format!("{}{}{}>", dashes(left), text, dashes(right)),
        Side::Server => format!("<{}{}{}", dashes(left), text, dashes(right)),
    }
}

fn on_lifeline(side: Side, text: &str) -> String {
    use unicode_width::UnicodeWidthChar;
    // Padded by display width: a Chinese character takes two columns.
    let inner = ARROW - 2;
    let mut t = String::new();
    let mut w = 0;
    for c in text.chars() {
        let cw = c.width().unwrap_or(0);
        if w + cw > inner - 1 {
            break;
        }
        t.push(c);
        w += cw;
    }
    let pad = " ".repeat(inner - 1 - w);
    match side {
        Side::Client => format!(" {t}{pad}"),
        Side::Server => format!("{pad}{t} "),
    }
}

fn changed(step: &Step, side: Side) -> String {
    let (b, a) = (step.before.get(side), step.after.get(side));
    if b != a {
        state_name(a).to_string()
    } else {
        String::new()
    }
}

fn call_text(step: &Step, lang: Lang) -> String {
    let call = step.call.map(Call::name).unwrap_or("");
    let bytes = text(lang, "plain-bytes");
    match &step.call_result {
        Some(CallResult::Bytes(n)) if step.call.is_some_and(Call::receives) => {
            format!("{call} = {n}")
        }
        Some(CallResult::Bytes(n)) => format!("{call} {n} {bytes}"),
        Some(CallResult::Eof) => format!("{call} = 0 (EOF)"),
        Some(CallResult::TimedOut) => msg!(lang, "call-text-timed-out", call = call),
        // poll() returns how many of its descriptors are ready: the one.
        Some(CallResult::Done) if step.call == Some(Call::Poll) => format!("{call} = 1"),
        Some(CallResult::Error(e)) => format!("{call} = -1 {e}"),
        Some(CallResult::Abort { .. }) => format!("{call} -> RST"),
        _ => call.to_string(),
    }
}

fn timer_text(t: &Timer, lang: Lang) -> String {
    match t {
        Timer::Retransmission { rto } => {
            msg!(lang, "plain-timer-rto", seconds = format!("{rto:.0}"))
        }
        Timer::DelayedAck => text(lang, "timer-delayed-ack").to_string(),
        Timer::TimeWait { seconds } => {
            msg!(lang, "timer-time-wait", seconds = format!("{seconds:.0}"))
        }
    }
}

fn header(
    out: &mut String,
    lang: Lang,
    stream: u32,
    info: &StreamInfo,
    first: Option<&Step>,
    continued: bool,
) {
    let c = format!("{} {}", lang.side(Side::Client), info.client);
    let s = format!("{} {}", lang.side(Side::Server), info.server);
    let udp = first.is_some_and(Step::is_udp);
    let word = if udp {
        text(lang, "udp-stream")
    } else {
        text(lang, "plain-stream")
    };
    let more = if continued {
        text(lang, "plain-continued")
    } else {
        ""
    };
    let colon = text(lang, "colon");
    let _ = writeln!(out, "{word} {stream}{more}{colon}{c} <-> {s}");
    let start = first.map(|s| s.before).unwrap_or_default();
    let (client, server) = if udp {
        (text(lang, "udp-no-state"), text(lang, "udp-no-state"))
    } else {
        (state_name(start.client), state_name(start.server))
    };
    // Padded by display width: 无状态 takes two columns a character.
    let _ = writeln!(
        out,
        "  #     {}  {} |{:^w$}| {}",
        text(lang, "plain-time"),
        pad(client, STATE, false),
        "",
        server,
        w = ARROW - 2
    );
}

/// One row per connection, for `inspect --summary`.
pub fn summary_table(rows: &[&crate::tcp::tracker::Summary]) -> String {
    summary_table_in(rows, Lang::En)
}

/// `s` padded with spaces to `w` display columns (a Chinese character takes
/// two), on the left or the right.
fn pad(s: &str, w: usize, right: bool) -> String {
    let fill = " ".repeat(w.saturating_sub(unicode_width::UnicodeWidthStr::width(s)));
    if right {
        format!("{fill}{s}")
    } else {
        format!("{s}{fill}")
    }
}

/// [`summary_table`] in `lang`: the headings and the handshake and close
/// words translated, the columns padded by display width.
pub fn summary_table_in(rows: &[&crate::tcp::tracker::Summary], lang: Lang) -> String {
    use crate::tcp::tracker::{Close, Handshake};
    let heads: [&str; 10] = [
        text(lang, "plain-summary-stream"),
        text(lang, "plain-summary-client"),
        text(lang, "plain-summary-server"),
        text(lang, "plain-summary-packets"),
        text(lang, "plain-summary-bytes"),
        text(lang, "plain-summary-start"),
        text(lang, "plain-summary-duration"),
        text(lang, "plain-summary-handshake"),
        text(lang, "plain-summary-close"),
        text(lang, "plain-summary-rtt"),
    ];
    let widths = [6, 22, 22, 7, 9, 10, 9, 12, 11, 9];
    let right = [
        true, false, false, true, true, true, true, false, false, true,
    ];
    let line = |cells: [String; 10]| {
        let mut l = String::new();
        for (k, c) in cells.iter().enumerate() {
            l.push_str(match k {
                0 => "",
                1 | 7 => "  ",
                _ => " ",
            });
            l.push_str(&pad(c, widths[k], right[k]));
        }
        l.trim_end().to_string()
    };
    let mut out = String::new();
    let _ = writeln!(out, "{}", line(heads.map(str::to_string)));
    for s in rows {
        let handshake = match s.handshake {
            Handshake::Complete => text(lang, "plain-handshake-complete"),
            Handshake::Partial => text(lang, "plain-handshake-partial"),
            Handshake::Simultaneous => text(lang, "plain-handshake-simultaneous"),
            Handshake::None => text(lang, "plain-handshake-none"),
        };
        let close = match s.close {
            Close::Fin => text(lang, "plain-close-fin"),
            Close::Rst => text(lang, "plain-close-rst"),
            Close::HalfClosed => text(lang, "plain-close-half-closed"),
            Close::Open => text(lang, "plain-close-open"),
        };
        let _ = writeln!(
            out,
            "{}",
            line([
                s.stream.to_string(),
                s.client.to_string(),
                s.server.to_string(),
                s.packets.to_string(),
                s.bytes.to_string(),
                format!("{:.6}", s.start),
                format!("{:.4}", s.duration),
                handshake.to_string(),
                close.to_string(),
                s.handshake_rtt
                    .map_or("-".to_string(), |r| format!("{r:.6}")),
            ])
        );
    }
    out
}

/// Render the whole timeline (or one stream of it) as a text ladder, one
/// connection after another.
pub fn render(tl: &Timeline, only_stream: Option<u32>, opts: PlainOptions) -> String {
    render_in(tl, only_stream, opts, Lang::En)
}

/// [`render`] with explanations and labels in `lang`.
pub fn render_in(
    tl: &Timeline,
    only_stream: Option<u32>,
    opts: PlainOptions,
    lang: Lang,
) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "synack - {}", explain::source_in(&tl.source, lang));
    if !tl.title.is_empty() {
        out.push_str(&wrap(&tl.title, "", WIDTH));
    }
    let mut w = PlainWriter::new(opts, lang, only_stream, usize::MAX);
    w.infos = tl.streams.clone();
    for step in &tl.steps {
        w.push(&mut out, step);
    }
    w.finish(&mut out);
    out
}

/// The row number [`render`] gives each step of `tl` (by index): it
/// prints one connection after another, in order of first appearance, and
/// numbers its rows as it prints them, so with several connections the
/// numbers are not the timeline's order.
pub fn row_numbers(tl: &Timeline) -> Vec<usize> {
    let mut rows = vec![0; tl.steps.len()];
    let index: std::collections::HashMap<*const crate::timeline::Step, usize> = tl
        .steps
        .iter()
        .enumerate()
        .map(|(i, s)| (s as *const _, i))
        .collect();
    let order = super::by_stream(tl, None).into_iter().flatten();
    for (n, step) in order.enumerate() {
        if let Some(&i) = index.get(&(step as *const _)) {
            rows[i] = n + 1;
        }
    }
    rows
}

/// One connection's part of the ladder, waiting for the connections before
/// it to be printed.
struct Block {
    /// Rendered rows; each step's row number is left as [`ROW`], since it
    /// counts the rows printed before it.
    text: String,
    steps: usize,
    last: Option<States>,
    ended: bool,
    /// A later part of a stream whose first part was printed already.
    continued: bool,
    /// A UDP conversation's: no states to close it with.
    udp: bool,
}

/// Stands for a row number in a waiting block.
const ROW: char = '\u{1}';

/// The ladder written step by step, as the steps come (interleaved, in
/// frame order), yet showing each connection whole, in order of first
/// appearance: the first connection not yet done is printed as its steps
/// come; the ones after it wait in memory until it ends. So that a
/// connection open for the whole file cannot make the whole output wait,
/// once more than `budget` bytes wait, the connections in front are cut
/// ("states so far") and go on further down ("continued").
pub struct PlainWriter {
    opts: PlainOptions,
    lang: Lang,
    only: Option<u32>,
    budget: usize,
    /// Client and server of each stream, where known in advance (a
    /// simulation's timeline); otherwise taken from the first segment.
    pub infos: Vec<StreamInfo>,
    /// Rows printed so far.
    n: usize,
    blocks: VecDeque<Block>,
    /// Number of blocks ever popped off the front: block `i` (counting
    /// from the first ever) is `blocks[i - popped]`.
    popped: usize,
    /// Each stream's latest block, by whether it is a UDP conversation
    /// (numbered apart from TCP's) and its number.
    newest: HashMap<(bool, u32), usize>,
    /// The UDP conversation's block the latest datagram went to: a UDP
    /// conversation never ends, so its block ends when another step
    /// comes (its next datagram then opens a "continued" block), and
    /// never holds the ladder back.
    udp_open: Option<(u32, usize)>,
    held: usize,
    /// Highest stream number seen, plus one.
    streams: u32,
}

impl PlainWriter {
    pub fn new(opts: PlainOptions, lang: Lang, only: Option<u32>, budget: usize) -> PlainWriter {
        PlainWriter {
            opts,
            lang,
            only,
            budget,
            infos: Vec::new(),
            n: 0,
            blocks: VecDeque::new(),
            popped: 0,
            newest: HashMap::new(),
            udp_open: None,
            held: 0,
            streams: 0,
        }
    }

    /// How many streams the steps came from (filtered out ones included).
    pub fn streams_seen(&self) -> u32 {
        self.streams
    }

    /// No step was taken (after the stream filter).
    pub fn is_empty(&self) -> bool {
        self.n == 0 && self.blocks.is_empty()
    }

    /// Take one step; what can be printed already is appended to `out`.
    pub fn push(&mut self, out: &mut String, step: &Step) {
        let udp = step.is_udp();
        if !udp {
            self.streams = self.streams.max(step.stream + 1);
        }
        if self.only.is_some_and(|o| !step.in_tcp_stream(o)) {
            return;
        }
        if let Some((n, i)) = self.udp_open
            && !(udp && n == step.stream)
        {
            self.udp_open = None;
            if i >= self.popped {
                self.blocks[i - self.popped].ended = true;
                self.advance(out);
            }
        }
        let key = (udp, step.stream);
        let idx = match self.newest.get(&key) {
            Some(&i) if i >= self.popped && !self.blocks[i - self.popped].ended => i,
            seen => {
                let continued = seen.is_some();
                self.blocks.push_back(Block {
                    text: String::new(),
                    steps: 0,
                    last: None,
                    ended: false,
                    continued,
                    udp,
                });
                let i = self.popped + self.blocks.len() - 1;
                self.newest.insert(key, i);
                i
            }
        };
        if udp {
            self.udp_open = Some((step.stream, idx));
        }
        let front = idx == self.popped;
        let known = if udp {
            step.datagram.as_ref().map(|d| d.ends())
        } else {
            self.infos.get(step.stream as usize).cloned()
        };
        let info = known.or_else(|| {
            step.segment.as_ref().map(|v| match v.from {
                Side::Client => StreamInfo {
                    client: v.src,
                    server: v.dst,
                },
                Side::Server => StreamInfo {
                    client: v.dst,
                    server: v.src,
                },
            })
        });
        let (opts, lang) = (self.opts, self.lang);
        let block = &mut self.blocks[idx - self.popped];
        let dest = if front { &mut *out } else { &mut block.text };
        let start = dest.len();
        if block.steps == 0 {
            dest.push('\n');
            if let Some(info) = &info {
                header(dest, lang, step.stream, info, Some(step), block.continued);
            }
            let _ = writeln!(dest, "{}", "-".repeat(WIDTH));
        }
        let number = if front {
            self.n += 1;
            Some(self.n)
        } else {
            None
        };
        render_step(dest, step, number, opts, lang);
        block.steps += 1;
        block.last = Some(step.after);
        if !front {
            self.held += dest.len() - start;
            if self.held > self.budget {
                self.cut(out);
            }
        }
    }

    /// `stream` will have no more steps.
    pub fn end_stream(&mut self, out: &mut String, stream: u32) {
        if let Some(&i) = self.newest.get(&(false, stream))
            && i >= self.popped
        {
            self.blocks[i - self.popped].ended = true;
            self.advance(out);
        }
    }

    /// No more steps at all: print everything that waits.
    pub fn finish(&mut self, out: &mut String) {
        for b in &mut self.blocks {
            b.ended = true;
        }
        self.advance(out);
    }

    /// Print the blocks at the front that are done, and the one after them
    /// so far.
    fn advance(&mut self, out: &mut String) {
        while self.blocks.front().is_some_and(|b| b.ended) {
            let b = self.blocks.pop_front().expect("checked");
            self.popped += 1;
            self.close(out, &b, true);
            self.print_front(out);
        }
    }

    /// Too much waits: cut the blocks in front, unfinished as they are,
    /// until enough of what waits is printed.
    fn cut(&mut self, out: &mut String) {
        while self.held > self.budget && self.blocks.len() > 1 {
            let b = self.blocks.pop_front().expect("checked");
            self.popped += 1;
            self.close(out, &b, b.ended);
            self.print_front(out);
            self.advance(out);
        }
    }

    /// The block now in front: print what it holds, numbering its rows.
    fn print_front(&mut self, out: &mut String) {
        let Some(b) = self.blocks.front_mut() else {
            return;
        };
        let text = std::mem::take(&mut b.text);
        self.held -= text.len();
        let mut parts = text.split(ROW);
        if let Some(first) = parts.next() {
            out.push_str(first);
        }
        for part in parts {
            self.n += 1;
            let _ = write!(out, "{:>3}", self.n);
            out.push_str(part);
        }
    }

    fn close(&self, out: &mut String, b: &Block, done: bool) {
        let Some(last) = b.last else {
            return;
        };
        let _ = writeln!(out, "{}", "-".repeat(WIDTH));
        if b.udp {
            let _ = writeln!(out, "{}", text(self.lang, "udp-no-states"));
            return;
        }
        let label = if done {
            text(self.lang, "plain-final-states")
        } else {
            text(self.lang, "plain-states-so-far")
        };
        let _ = writeln!(
            out,
            "{label}{}{} {}{}{} {}",
            text(self.lang, "colon"),
            self.lang.side(Side::Client),
            state_name(last.client),
            text(self.lang, "comma"),
            self.lang.side(Side::Server),
            state_name(last.server)
        );
    }
}

/// One step's rows; `number` is the row number, or `None` to leave [`ROW`]
/// in its place.
fn render_step(
    out: &mut String,
    step: &Step,
    number: Option<usize>,
    opts: PlainOptions,
    lang: Lang,
) {
    let middle = match step.kind {
        StepKind::Segment => arrow(step.segment.as_ref().expect("segment step")),
        StepKind::Call => on_lifeline(step.side, &call_text(step, lang)),
        StepKind::Datagram => datagram_arrow(step.datagram.as_ref().expect("datagram step"), lang),
        StepKind::Timer => on_lifeline(
            step.side,
            &step
                .timer
                .as_ref()
                .map(|t| timer_text(t, lang))
                .unwrap_or_default(),
        ),
    };
    let n = match number {
        Some(n) => format!("{n:>3}"),
        None => ROW.to_string(),
    };
    let row = format!(
        "{n} {:>8.3}  {:<STATE$} |{middle}| {}",
        step.time,
        changed(step, Side::Client),
        changed(step, Side::Server),
    );
    let _ = writeln!(out, "{}", row.trim_end());
    if let Some(v) = &step.segment {
        let mut detail = match &v.l7 {
            Some(_) => format!("{} · ", label(v)),
            None => String::new(),
        };
        let _ = write!(
            detail,
            "{}{}: seq {} ack {} win {}",
            v.seg.flags.wireshark(),
            if v.lost { text(lang, "plain-lost") } else { "" },
            v.seg.seq,
            if v.seg.flags.ack() {
                v.seg.ack.to_string()
            } else {
                "-".into()
            },
            v.seg.win
        );
        if !v.analysis.is_empty() {
            let names: Vec<&str> = v
                .analysis
                .iter()
                .map(|a| explain::analysis_name(*a, lang))
                .collect();
            let _ = write!(detail, " [{}]", names.join(", "));
        }
        if let Some(b) = v.bytes.as_ref().filter(|b| b.truncated()) {
            detail.push_str(&msg!(
                lang,
                "plain-snap-cut",
                captured = b.captured_len,
                orig = b.orig_len
            ));
        }
        if !v.seg.options.is_empty() && v.seg.flags.syn() {
            let opts: Vec<String> = v.seg.options.iter().map(|o| o.to_string()).collect();
            let _ = write!(detail, " <{}>", opts.join(","));
        }
        out.push_str(&wrap(&detail, INDENT, WIDTH));
    }
    let calls = explain::side_calls_in(step, lang);
    let mut notes = Vec::new();
    for side in [Side::Client, Side::Server] {
        if step.kind == StepKind::Call && side == step.side {
            continue;
        }
        if let Some(c) = &calls[side.index()] {
            notes.push(format!("{}{}{c}", lang.side(side), text(lang, "colon")));
        }
    }
    if !notes.is_empty() {
        out.push_str(&wrap(&notes.join(text(lang, "semicolon")), INDENT, WIDTH));
    }
    if !opts.brief {
        out.push_str(&wrap(&explain::explain_in(step, lang), INDENT, WIDTH));
    }
}

/// One line per segment for `sniff --plain`.
pub fn sniff_line(s: &Step, lang: Lang) -> String {
    use crate::timeline::Side;
    let Some(v) = &s.segment else {
        return String::new();
    };
    let calls = crate::explain::side_calls_in(s, lang);
    let colon = crate::i18n::text(lang, "colon");
    let note: Vec<String> = [Side::Client, Side::Server]
        .iter()
        .filter_map(|side| {
            calls[side.index()]
                .as_ref()
                .map(|c| format!("{}{colon}{c}", lang.side(*side)))
        })
        .collect();
    let (client, server) = (
        crate::timeline::state_name(s.after.client),
        crate::timeline::state_name(s.after.server),
    );
    let states = crate::i18n::msg!(lang, "live-plain-states", client = client, server = server);
    format!(
        "#{:<3} s{} {:>10.6}  {} > {}  {:<4} seq {} ack {} len {} win {}  {states}{}{}",
        v.frame,
        s.stream,
        s.time,
        v.src,
        v.dst,
        v.seg.flags.wireshark(),
        v.seq_rel,
        v.ack_rel,
        v.len,
        v.seg.win,
        if note.is_empty() { "" } else { "  " },
        note.join(crate::i18n::text(lang, "semicolon"))
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The two connections of a sample capture, their steps interleaved
    /// one by one, as a capture of concurrent connections gives them.
    fn interleaved() -> Timeline {
        let path =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("captures/sim-time-wait.pcap");
        let (mut tl, _) =
            crate::source::capture::timeline(&path, Default::default()).expect("sample");
        let (a, b): (Vec<Step>, Vec<Step>) = tl.steps.drain(..).partition(|s| s.stream == 0);
        assert!(!a.is_empty() && !b.is_empty());
        let (mut a, mut b) = (a.into_iter(), b.into_iter());
        loop {
            match (a.next(), b.next()) {
                (None, None) => break,
                (x, y) => tl.steps.extend(x.into_iter().chain(y)),
            }
        }
        tl
    }

    fn rows(text: &str) -> Vec<usize> {
        text.lines()
            .filter(|l| l.contains('|'))
            .filter_map(|l| l.get(..3)?.trim().parse().ok())
            .collect()
    }

    #[test]
    fn row_numbers_are_the_rows_the_ladder_prints() {
        // Three connections, interleaved in time: the ladder prints one
        // after another, so its row numbers are not the timeline's order.
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/captures/live-chat.pcap");
        let (tl, _) = crate::source::capture::timeline(
            std::path::Path::new(path),
            crate::source::capture::ReadOptions::default(),
        )
        .unwrap();
        let text = render(&tl, None, PlainOptions { brief: true });
        let rows = row_numbers(&tl);
        assert!(rows.iter().enumerate().any(|(i, r)| *r != i + 1));
        for (i, step) in tl.steps.iter().enumerate() {
            let v = step.segment.as_ref().unwrap();
            let want = format!("{:>3} ", rows[i]);
            let line = text
                .lines()
                .find(|l| l.starts_with(&want))
                .unwrap_or_else(|| panic!("no row {}", rows[i]));
            assert!(
                line.contains(&format!("seq={}", v.seq_rel))
                    && line.contains(&v.seg.flags.tcpdump()),
                "row {}: {line}",
                rows[i]
            );
        }
    }

    #[test]
    fn connections_come_out_whole_and_numbered_in_order() {
        let tl = interleaved();
        let text = render(&tl, None, PlainOptions { brief: true });
        let n = tl.steps.len();
        assert_eq!(rows(&text), (1..=n).collect::<Vec<_>>());
        let s0 = text.find("stream 0:").unwrap();
        let s1 = text.find("stream 1:").unwrap();
        let fin = text.find("final states").unwrap();
        assert!(s0 < fin && fin < s1, "{text}");
        assert!(!text.contains("(continued)"));
    }

    #[test]
    fn past_the_budget_the_front_connection_is_cut_and_continued() {
        let tl = interleaved();
        let mut w = PlainWriter::new(PlainOptions { brief: true }, Lang::En, None, 0);
        let mut out = String::new();
        for s in &tl.steps {
            w.push(&mut out, s);
        }
        w.finish(&mut out);
        // Every step once, the row numbers still in order.
        assert_eq!(rows(&out), (1..=tl.steps.len()).collect::<Vec<_>>());
        assert!(out.contains("states so far"), "{out}");
        assert!(out.contains("stream 0 (continued):"), "{out}");
        // Stream 0 gets more steps after its last cut, so its last part ends
        // in its final states; stream 1's last part was cut and nothing
        // followed, so "states so far" were its last ones (printed already,
        // they cannot be relabelled).
        assert_eq!(out.matches("final states").count(), 1, "{out}");
        assert!(
            out.trim_end()
                .ends_with("final states: client TIME_WAIT, server CLOSED")
        );
        assert!(!out.contains(ROW));
    }
}
