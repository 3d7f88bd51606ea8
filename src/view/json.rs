//! NDJSON: one object per timeline step, with the fields DESIGN.md fixes.

use crate::explain::{self, Lang};
use crate::timeline::{CallResult, Step, StepKind, Timeline, Timer, state_name};
use serde_json::{Map, Value, json};
use std::io::{self, Write};

fn sides<T: serde::Serialize>(pair: [Option<T>; 2]) -> Value {
    let [c, s] = pair;
    json!({ "client": c, "server": s })
}

/// The JSON object of one step, explained in English.
pub fn step_value(step: &Step) -> Value {
    step_value_in(step, Lang::En)
}

/// The JSON object of one step, explained in `lang`.
pub fn step_value_in(step: &Step, lang: Lang) -> Value {
    let mut m = Map::new();
    m.insert("kind".into(), json!(step.kind));
    m.insert("stream".into(), json!(step.stream));
    m.insert("time".into(), json!((step.time * 1e9).round() / 1e9));
    m.insert("side".into(), json!(step.side));
    match step.kind {
        StepKind::Segment => {
            let v = step.segment.as_ref().expect("segment step has a segment");
            m.insert("frame".into(), json!(v.frame));
            m.insert("src".into(), json!(v.src.ip().to_string()));
            m.insert("sport".into(), json!(v.src.port()));
            m.insert("dst".into(), json!(v.dst.ip().to_string()));
            m.insert("dport".into(), json!(v.dst.port()));
            m.insert("flags".into(), json!(v.seg.flags));
            m.insert(
                "flags_hex".into(),
                json!(format!("0x{:03x}", v.seg.flags.0)),
            );
            m.insert("seq_raw".into(), json!(v.seg.seq.0));
            m.insert("ack_raw".into(), json!(v.seg.ack.0));
            m.insert("seq".into(), json!(v.seq_rel));
            m.insert("ack".into(), json!(v.ack_rel));
            m.insert("len".into(), json!(v.len));
            m.insert("win".into(), json!(v.seg.win));
            m.insert(
                "truncated".into(),
                json!(v.bytes.as_ref().is_some_and(|b| b.truncated())),
            );
            m.insert("options".into(), json!(v.seg.options));
            m.insert("analysis".into(), json!(v.analysis));
            m.insert("lost".into(), json!(v.lost));
            if let Some(l7) = &v.l7 {
                m.insert("l7".into(), json!(l7));
            }
        }
        StepKind::Call => {}
        StepKind::Datagram => {
            let v = step
                .datagram
                .as_ref()
                .expect("datagram step has a datagram");
            // Its stream numbers UDP conversations, apart from TCP's.
            m.insert("protocol".into(), json!("udp"));
            m.insert("frame".into(), json!(v.frame));
            m.insert("src".into(), json!(v.src.ip().to_string()));
            m.insert("sport".into(), json!(v.src.port()));
            m.insert("dst".into(), json!(v.dst.ip().to_string()));
            m.insert("dport".into(), json!(v.dst.port()));
            m.insert("len".into(), json!(v.len));
            m.insert(
                "truncated".into(),
                json!(v.bytes.as_ref().is_some_and(|b| b.truncated())),
            );
            if let Some(l7) = &v.l7 {
                m.insert("l7".into(), json!(l7));
            }
        }
        StepKind::Timer => {
            let (name, extra) = match step.timer {
                Some(Timer::Retransmission { rto }) => ("retransmission", json!(rto)),
                Some(Timer::DelayedAck) => ("delayed_ack", json!(null)),
                Some(Timer::TimeWait { seconds }) => ("time_wait", json!(seconds)),
                None => ("unknown", json!(null)),
            };
            m.insert("timer".into(), json!(name));
            m.insert("seconds".into(), extra);
        }
    }
    m.insert("call".into(), json!(step.call));
    if step.kind == StepKind::Call {
        let result = match &step.call_result {
            Some(CallResult::Bytes(n)) => json!(n),
            Some(CallResult::Eof | CallResult::TimedOut) => json!(0),
            Some(CallResult::Done) if step.call == Some(crate::timeline::Call::Poll) => json!(1),
            Some(CallResult::Error(e)) => json!(e),
            Some(CallResult::Abort { .. }) => json!("RST"),
            _ => Value::Null,
        };
        m.insert("result".into(), result);
    }
    if step.is_udp() {
        // UDP has no states: null, not UNKNOWN (which means "not inferable").
        m.insert("state".into(), Value::Null);
        m.insert("state_before".into(), Value::Null);
    } else {
        m.insert("state".into(), json!(step.after));
        m.insert("state_before".into(), json!(step.before));
    }
    if let Some(k) = &step.kernel {
        m.insert("kernel_state".into(), json!(k));
    }
    if let Some(d) = &step.kernel_detail {
        let tr: Vec<Value> = d
            .transitions
            .iter()
            .map(|t| {
                json!({
                    "side": t.side.name(),
                    "socket": t.socket,
                    "from": state_name(t.from),
                    "to": state_name(t.to),
                    "t": t.t,
                })
            })
            .collect();
        m.insert("kernel_transitions".into(), json!(tr));
        if !d.events.is_empty() {
            m.insert("kernel_events".into(), json!(d.events));
        }
        if let Some(n) = &d.note {
            m.insert("kernel_note".into(), json!(n));
        }
    }
    m.insert("calls".into(), sides(explain::side_calls_in(step, lang)));
    m.insert("node_event".into(), sides(explain::node_events(step)));
    m.insert("layers".into(), json!(explain::layers_in(step, lang)));
    m.insert("explanation".into(), json!(explain::explain_in(step, lang)));
    Value::Object(m)
}

/// Write the timeline as NDJSON. An `Err` of kind `BrokenPipe` means the
/// reader went away (`| head`); callers treat that as a quiet success.
pub fn write(tl: &Timeline, only_stream: Option<u32>, out: &mut dyn Write) -> io::Result<()> {
    write_in(tl, only_stream, Lang::En, out)
}

/// [`write`] with explanations in `lang`.
pub fn write_in(
    tl: &Timeline,
    only_stream: Option<u32>,
    lang: Lang,
    out: &mut dyn Write,
) -> io::Result<()> {
    for step in &tl.steps {
        if only_stream.is_some_and(|s| !step.in_tcp_stream(s)) {
            continue;
        }
        serde_json::to_writer(&mut *out, &step_value_in(step, lang))?;
        out.write_all(b"\n")?;
    }
    out.flush()
}

/// One connection of `inspect --summary --json`.
pub fn summary_value(s: &crate::tcp::tracker::Summary) -> Value {
    json!({
        "stream": s.stream,
        "client": s.client.to_string(),
        "server": s.server.to_string(),
        "packets": s.packets,
        "bytes": s.bytes,
        "start": (s.start * 1e9).round() / 1e9,
        "duration": (s.duration * 1e9).round() / 1e9,
        "handshake": s.handshake,
        "handshake_rtt": s.handshake_rtt.map(|r| (r * 1e9).round() / 1e9),
        "close": s.close,
        "flags_seen": crate::timeline::segment::Flags(s.flags_seen),
        "state": s.final_states,
        "one_sided": s.one_sided,
    })
}

/// Append `s` to `out` as a JSON string, escaped as serde_json does.
fn push_str(out: &mut Vec<u8>, s: &str) {
    let _ = serde_json::to_writer(&mut *out, s);
}

fn push_opt_str(out: &mut Vec<u8>, s: Option<&str>) {
    match s {
        Some(s) => push_str(out, s),
        None => out.extend_from_slice(b"null"),
    }
}

fn push_int(out: &mut Vec<u8>, n: impl itoa::Integer) {
    out.extend_from_slice(itoa::Buffer::new().format(n).as_bytes());
}

/// An f64 as serde_json writes it (null when not finite).
fn push_f64(out: &mut Vec<u8>, x: f64) {
    if x.is_finite() {
        out.extend_from_slice(ryu::Buffer::new().format_finite(x).as_bytes());
    } else {
        out.extend_from_slice(b"null");
    }
}

fn push_ip(out: &mut Vec<u8>, ip: std::net::IpAddr) {
    match ip {
        std::net::IpAddr::V4(v4) => {
            out.push(b'"');
            for (i, b) in v4.octets().into_iter().enumerate() {
                if i > 0 {
                    out.push(b'.');
                }
                push_int(out, b);
            }
            out.push(b'"');
        }
        std::net::IpAddr::V6(_) => push_str(out, &ip.to_string()),
    }
}

fn push_states(out: &mut Vec<u8>, s: crate::timeline::States) {
    out.extend_from_slice(b"{\"client\":\"");
    out.extend_from_slice(crate::timeline::state_name(s.client).as_bytes());
    out.extend_from_slice(b"\",\"server\":\"");
    out.extend_from_slice(crate::timeline::state_name(s.server).as_bytes());
    out.extend_from_slice(b"\"}");
}

fn push_options(out: &mut Vec<u8>, options: &[crate::timeline::segment::TcpOption]) {
    use crate::timeline::segment::TcpOption;
    out.push(b'[');
    for (i, o) in options.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        // Keys in the sorted order of a serde_json map.
        match o {
            TcpOption::Mss { value } => {
                out.extend_from_slice(b"{\"option\":\"mss\",\"value\":");
                push_int(out, *value);
                out.push(b'}');
            }
            TcpOption::SackPermitted => out.extend_from_slice(b"{\"option\":\"sack_permitted\"}"),
            TcpOption::WindowScale { shift } => {
                out.extend_from_slice(b"{\"option\":\"window_scale\",\"shift\":");
                push_int(out, *shift);
                out.push(b'}');
            }
            TcpOption::Timestamps { tsval, tsecr } => {
                out.extend_from_slice(b"{\"option\":\"timestamps\",\"tsecr\":");
                push_int(out, *tsecr);
                out.extend_from_slice(b",\"tsval\":");
                push_int(out, *tsval);
                out.push(b'}');
            }
            TcpOption::Sack { blocks } => {
                out.extend_from_slice(b"{\"blocks\":[");
                for (j, (l, r)) in blocks.iter().enumerate() {
                    if j > 0 {
                        out.push(b',');
                    }
                    out.push(b'[');
                    push_int(out, *l);
                    out.push(b',');
                    push_int(out, *r);
                    out.push(b']');
                }
                out.extend_from_slice(b"],\"option\":\"sack\"}");
            }
            TcpOption::Other { kind, len } => {
                out.extend_from_slice(b"{\"kind\":");
                push_int(out, *kind);
                out.extend_from_slice(b",\"len\":");
                push_int(out, *len);
                out.extend_from_slice(b",\"option\":\"other\"}");
            }
        }
    }
    out.push(b']');
}

/// The `layers` array of a segment step, from [`explain::layers_in`].
fn push_layers(out: &mut Vec<u8>, step: &Step, lang: Lang) {
    for (i, l) in explain::layers_in(step, lang).iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        push_str(out, l);
    }
}

/// Writes NDJSON lines like [`push_step_line`], remembering the `layers`
/// array of each layout of headers it has met (the text depends only on
/// the layer spans), so a long capture formats it once per layout rather
/// than once per frame.
/// A layout of headers and its `layers` array, as JSON.
type Layout = (Vec<crate::timeline::LayerSpan>, Vec<u8>);

#[derive(Default)]
pub struct StepWriter {
    /// hash of (language, spans) -> (spans, the array's inner JSON).
    layers: std::collections::HashMap<u64, Vec<Layout>, foldhash::fast::FixedState>,
    count: usize,
}

impl StepWriter {
    const MAX_LAYOUTS: usize = 4096;

    pub fn new() -> StepWriter {
        StepWriter::default()
    }

    /// Append one step as an NDJSON line to `out`.
    pub fn push(&mut self, out: &mut Vec<u8>, step: &Step, lang: Lang) {
        push_step_line_with(out, step, lang, &mut |out, step| {
            let Some(spans) = step
                .segment
                .as_ref()
                .and_then(|v| v.bytes.as_ref())
                .map(|b| &b.layers)
            else {
                return push_layers(out, step, lang);
            };
            use std::hash::{BuildHasher, Hasher};
            let mut h = foldhash::fast::FixedState::default().build_hasher();
            h.write_u8(lang as u8);
            for l in spans {
                h.write_u8(l.layer as u8);
                h.write(l.name.as_bytes());
                h.write_usize(l.range.start);
                h.write_usize(l.range.end);
            }
            let key = h.finish();
            if let Some(bytes) = self
                .layers
                .get(&key)
                .and_then(|v| v.iter().find(|(s, _)| s == spans))
            {
                out.extend_from_slice(&bytes.1);
                return;
            }
            let start = out.len();
            push_layers(out, step, lang);
            if self.count >= Self::MAX_LAYOUTS {
                self.layers.clear();
                self.count = 0;
            }
            self.count += 1;
            self.layers
                .entry(key)
                .or_default()
                .push((spans.clone(), out[start..].to_vec()));
        });
    }
}

fn analysis_name(a: crate::timeline::Analysis) -> &'static str {
    a.name()
}

/// Append one step as an NDJSON line (with its newline) to `out`: the same
/// bytes as `serde_json::to_writer(step_value_in(step, lang))` plus `\n`,
/// written directly for segment steps (no map, no intermediate values).
pub fn push_step_line(out: &mut Vec<u8>, step: &Step, lang: Lang) {
    push_step_line_with(out, step, lang, &mut |out, step| {
        push_layers(out, step, lang)
    });
}

fn push_step_line_with(
    out: &mut Vec<u8>,
    step: &Step,
    lang: Lang,
    layers: &mut dyn FnMut(&mut Vec<u8>, &Step),
) {
    let Some(v) = step.segment.as_ref().filter(|_| {
        step.kind == StepKind::Segment && step.kernel.is_none() && step.call_result.is_none()
    }) else {
        let _ = serde_json::to_writer(&mut *out, &step_value_in(step, lang));
        out.push(b'\n');
        return;
    };
    // Keys in sorted order, as a serde_json map writes them.
    out.extend_from_slice(b"{\"ack\":");
    push_int(out, v.ack_rel);
    out.extend_from_slice(b",\"ack_raw\":");
    push_int(out, v.seg.ack.0);
    out.extend_from_slice(b",\"analysis\":[");
    for (i, a) in v.analysis.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        out.push(b'"');
        out.extend_from_slice(analysis_name(*a).as_bytes());
        out.push(b'"');
    }
    out.extend_from_slice(b"],\"call\":");
    push_opt_str(out, step.call.map(|c| c.name()));
    let [cc, cs] = explain::side_calls_in(step, lang);
    out.extend_from_slice(b",\"calls\":{\"client\":");
    push_opt_str(out, cc.as_deref());
    out.extend_from_slice(b",\"server\":");
    push_opt_str(out, cs.as_deref());
    out.extend_from_slice(b"},\"dport\":");
    push_int(out, v.dst.port());
    out.extend_from_slice(b",\"dst\":");
    push_ip(out, v.dst.ip());
    out.extend_from_slice(b",\"explanation\":");
    push_str(out, &explain::explain_in(step, lang));
    out.extend_from_slice(b",\"flags\":[");
    for (i, name) in v.seg.flags.names().iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        out.push(b'"');
        out.extend_from_slice(name.as_bytes());
        out.push(b'"');
    }
    out.extend_from_slice(b"],\"flags_hex\":\"0x");
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let f = v.seg.flags.0;
    if f > 0xfff {
        out.extend_from_slice(format!("{f:03x}").as_bytes());
    } else {
        for shift in [8, 4, 0] {
            out.push(HEX[usize::from((f >> shift) & 0xf)]);
        }
    }
    out.extend_from_slice(b"\",\"frame\":");
    push_int(out, v.frame);
    out.extend_from_slice(b",\"kind\":\"segment\"");
    if let Some(l7) = &v.l7 {
        out.extend_from_slice(b",\"l7\":{\"protocol\":");
        push_str(out, l7.protocol.name());
        out.extend_from_slice(b",\"summary\":");
        push_str(out, &l7.summary);
        out.push(b'}');
    }
    out.extend_from_slice(b",\"layers\":[");
    layers(out, step);
    out.extend_from_slice(b"],\"len\":");
    push_int(out, v.len);
    out.extend_from_slice(if v.lost {
        b",\"lost\":true"
    } else {
        b",\"lost\":false"
    });
    let [nc, ns] = explain::node_events(step);
    out.extend_from_slice(b",\"node_event\":{\"client\":");
    push_opt_str(out, nc);
    out.extend_from_slice(b",\"server\":");
    push_opt_str(out, ns);
    out.extend_from_slice(b"},\"options\":");
    push_options(out, &v.seg.options);
    out.extend_from_slice(b",\"seq\":");
    push_int(out, v.seq_rel);
    out.extend_from_slice(b",\"seq_raw\":");
    push_int(out, v.seg.seq.0);
    out.extend_from_slice(b",\"side\":\"");
    out.extend_from_slice(step.side.name().as_bytes());
    out.extend_from_slice(b"\",\"sport\":");
    push_int(out, v.src.port());
    out.extend_from_slice(b",\"src\":");
    push_ip(out, v.src.ip());
    out.extend_from_slice(b",\"state\":");
    push_states(out, step.after);
    out.extend_from_slice(b",\"state_before\":");
    push_states(out, step.before);
    out.extend_from_slice(b",\"stream\":");
    push_int(out, step.stream);
    out.extend_from_slice(b",\"time\":");
    push_f64(out, (step.time * 1e9).round() / 1e9);
    out.extend_from_slice(if v.bytes.as_ref().is_some_and(|b| b.truncated()) {
        b",\"truncated\":true"
    } else {
        b",\"truncated\":false"
    });
    out.extend_from_slice(b",\"win\":");
    push_int(out, v.seg.win);
    out.extend_from_slice(b"}\n");
}

/// One connection of `inspect --summary --json`, as an NDJSON line with its
/// newline: the bytes of [`summary_value`], written directly.
pub fn push_summary_line(out: &mut Vec<u8>, s: &crate::tcp::tracker::Summary) {
    let _ = serde_json::to_writer(&mut *out, &summary_value(s));
    out.push(b'\n');
}

#[cfg(test)]
mod fast_tests {
    use super::*;

    /// The direct writer gives byte for byte what the serde_json map gives,
    /// for every step of every scenario and of every sample capture.
    #[test]
    fn direct_lines_match_the_value_path() {
        let mut timelines = Vec::new();
        for sc in crate::source::scenario::all() {
            let sim = crate::source::sim::Simulator::run(Default::default(), &sc.ops);
            if let Ok(sim) = sim {
                timelines.push(sim.into_timeline(sc.name.to_string(), String::new()));
            }
        }
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("captures");
        if let Ok(entries) = std::fs::read_dir(&dir) {
            for e in entries.flatten() {
                let p = e.path();
                if p.extension().is_some_and(|x| x == "pcap" || x == "pcapng")
                    && let Ok((tl, _)) = crate::source::capture::timeline(
                        &p,
                        crate::source::capture::ReadOptions::default(),
                    )
                {
                    timelines.push(tl);
                }
            }
        }
        assert!(!timelines.is_empty());
        let mut n = 0;
        let mut writer = StepWriter::new();
        for tl in &timelines {
            for step in &tl.steps {
                for lang in [Lang::En, Lang::Zh] {
                    let mut fast = Vec::new();
                    push_step_line(&mut fast, step, lang);
                    // Twice through the cache: a miss, then a hit.
                    for _ in 0..2 {
                        let mut cached = Vec::new();
                        writer.push(&mut cached, step, lang);
                        assert_eq!(cached, fast);
                    }
                    let mut slow = serde_json::to_vec(&step_value_in(step, lang)).unwrap();
                    slow.push(b'\n');
                    assert_eq!(
                        String::from_utf8_lossy(&fast),
                        String::from_utf8_lossy(&slow)
                    );
                    n += 1;
                }
            }
        }
        assert!(n > 100, "only {n} steps compared");
    }
}
