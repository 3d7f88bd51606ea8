//! The ladder diagram as plain text, readable at 80 columns. Renders a
//! timeline; decides nothing.

use crate::explain::{self, Lang};
use crate::timeline::{
    Call, CallResult, SegmentView, Side, Step, StepKind, StreamInfo, Timeline, Timer, state_name,
};
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
    let text = format!(" {} ", label(v));
    let inner = ARROW.saturating_sub(2);
    let text: String = text.chars().take(inner.saturating_sub(2)).collect();
    let fill = inner.saturating_sub(text.len() + 1);
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
    let bytes = explain::tr(lang, "bytes", "字节");
    match &step.call_result {
        Some(CallResult::Bytes(n)) if step.call == Some(Call::Read) => format!("{call} = {n}"),
        Some(CallResult::Bytes(n)) => format!("{call} {n} {bytes}"),
        Some(CallResult::Eof) => format!("{call} = 0 (EOF)"),
        Some(CallResult::Error(e)) => format!("{call} = -1 {e}"),
        Some(CallResult::Abort { .. }) => format!("{call} -> RST"),
        _ => call.to_string(),
    }
}

fn timer_text(t: &Timer, lang: Lang) -> String {
    match (lang, t) {
        (Lang::En, Timer::Retransmission { rto }) => format!("RTO timer fires ({rto:.0} s)"),
        (Lang::En, Timer::DelayedAck) => "delayed-ACK timer fires".into(),
        (Lang::En, Timer::TimeWait { seconds }) => {
            format!("TIME_WAIT timer fires ({seconds:.0} s)")
        }
        (Lang::Zh, Timer::Retransmission { rto }) => format!("RTO 定时器到期（{rto:.0} 秒）"),
        (Lang::Zh, Timer::DelayedAck) => "延迟 ACK 定时器到期".into(),
        (Lang::Zh, Timer::TimeWait { seconds }) => {
            format!("TIME_WAIT 定时器到期（{seconds:.0} 秒）")
        }
    }
}

fn header(out: &mut String, lang: Lang, stream: u32, info: &StreamInfo, first: Option<&Step>) {
    let c = format!("{} {}", lang.side(Side::Client), info.client);
    let s = format!("{} {}", lang.side(Side::Server), info.server);
    let word = match lang {
        Lang::En => "stream",
        Lang::Zh => "连接",
    };
    let colon = explain::tr(lang, ": ", "：");
    let _ = writeln!(out, "{word} {stream}{colon}{c} <-> {s}");
    let start = first.map(|s| s.before).unwrap_or_default();
    let _ = writeln!(
        out,
        "  #     {}  {:<STATE$} |{:^w$}| {}",
        explain::tr(lang, "time", "时间"),
        state_name(start.client),
        "",
        state_name(start.server),
        w = ARROW - 2
    );
}

/// One row per connection, for `inspect --summary`.
pub fn summary_table(rows: &[&crate::tcp::tracker::Summary]) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{:>6}  {:<22} {:<22} {:>7} {:>9} {:>10} {:>9}  {:<12} {:<11} {:>9}",
        "stream",
        "client",
        "server",
        "packets",
        "bytes",
        "start",
        "duration",
        "handshake",
        "close",
        "rtt"
    );
    for s in rows {
        let handshake = serde_json::to_value(s.handshake).unwrap_or_default();
        let close = serde_json::to_value(s.close).unwrap_or_default();
        let _ = writeln!(
            out,
            "{:>6}  {:<22} {:<22} {:>7} {:>9} {:>10.6} {:>9.4}  {:<12} {:<11} {:>9}",
            s.stream,
            s.client.to_string(),
            s.server.to_string(),
            s.packets,
            s.bytes,
            s.start,
            s.duration,
            handshake.as_str().unwrap_or(""),
            close.as_str().unwrap_or(""),
            s.handshake_rtt
                .map_or("-".to_string(), |r| format!("{r:.6}")),
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
    // Connections interleave in a capture; show each one whole, in order of
    // first appearance.
    let mut order: Vec<u32> = Vec::new();
    for s in &tl.steps {
        if !order.contains(&s.stream) && only_stream.is_none_or(|o| o == s.stream) {
            order.push(s.stream);
        }
    }
    let mut current: Option<u32> = None;
    let mut n = 0usize;
    let grouped = order
        .iter()
        .flat_map(|id| tl.steps.iter().filter(move |s| s.stream == *id));
    for step in grouped {
        if current.is_some() && current != Some(step.stream) {
            close_stream(&mut out, tl, current, lang);
        }
        if current != Some(step.stream) {
            current = Some(step.stream);
            out.push('\n');
            if let Some(info) = tl.streams.get(step.stream as usize) {
                header(&mut out, lang, step.stream, info, Some(step));
            }
            let _ = writeln!(out, "{}", "-".repeat(WIDTH));
        }
        n += 1;
        let middle = match step.kind {
            StepKind::Segment => arrow(step.segment.as_ref().expect("segment step")),
            StepKind::Call => on_lifeline(step.side, &call_text(step, lang)),
            StepKind::Timer => on_lifeline(
                step.side,
                &step
                    .timer
                    .as_ref()
                    .map(|t| timer_text(t, lang))
                    .unwrap_or_default(),
            ),
        };
        let row = format!(
            "{n:>3} {:>8.3}  {:<STATE$} |{middle}| {}",
            step.time,
            changed(step, Side::Client),
            changed(step, Side::Server),
        );
        let _ = writeln!(out, "{}", row.trim_end());
        if let Some(v) = &step.segment {
            let mut detail = format!(
                "{}{}: seq {} ack {} win {}",
                v.seg.flags.wireshark(),
                if v.lost {
                    explain::tr(lang, " (lost)", "（丢失）")
                } else {
                    ""
                },
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
                let _ = match lang {
                    Lang::En => write!(
                        detail,
                        " (cut by the snap length: {} of {} bytes captured)",
                        b.captured_len, b.orig_len
                    ),
                    Lang::Zh => write!(
                        detail,
                        "（被抓包长度截断：只抓到 {} 字节，共 {} 字节）",
                        b.captured_len, b.orig_len
                    ),
                };
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
                notes.push(format!(
                    "{}{}{c}",
                    lang.side(side),
                    explain::tr(lang, ": ", "：")
                ));
            }
        }
        if !notes.is_empty() {
            out.push_str(&wrap(
                &notes.join(explain::tr(lang, "; ", "；")),
                INDENT,
                WIDTH,
            ));
        }
        if !opts.brief {
            out.push_str(&wrap(&explain::explain_in(step, lang), INDENT, WIDTH));
        }
    }
    close_stream(&mut out, tl, current, lang);
    out
}

fn close_stream(out: &mut String, tl: &Timeline, stream: Option<u32>, lang: Lang) {
    if let Some(stream) = stream
        && let Some(last) = tl.final_states(stream)
    {
        let _ = writeln!(out, "{}", "-".repeat(WIDTH));
        let label = match lang {
            Lang::En => "final states",
            Lang::Zh => "最终状态",
        };
        let _ = writeln!(
            out,
            "{label}{}{} {}{}{} {}",
            explain::tr(lang, ": ", "："),
            lang.side(Side::Client),
            state_name(last.client),
            explain::tr(lang, ", ", "，"),
            lang.side(Side::Server),
            state_name(last.server)
        );
    }
}
