//! NDJSON: one object per timeline step, with the fields DESIGN.md fixes.

use crate::explain::{self, Lang};
use crate::timeline::{CallResult, Side, Step, StepKind, Timeline, Timer};
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
            m.insert("options".into(), json!(v.seg.options));
            m.insert("analysis".into(), json!(v.analysis));
            m.insert("lost".into(), json!(v.lost));
        }
        StepKind::Call => {}
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
            Some(CallResult::Eof) => json!(0),
            Some(CallResult::Error(e)) => json!(e),
            Some(CallResult::Abort { .. }) => json!("RST"),
            _ => Value::Null,
        };
        m.insert("result".into(), result);
    }
    m.insert("state".into(), json!(step.after));
    m.insert("state_before".into(), json!(step.before));
    if let Some(k) = &step.kernel {
        m.insert("kernel_state".into(), json!(k));
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
        if only_stream.is_some_and(|s| s != step.stream) {
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
        "flags_seen": crate::tcp::segment::Flags(s.flags_seen),
        "state": s.final_states,
    })
}

/// The side names used in JSON, for tests and other views.
pub fn side_name(side: Side) -> &'static str {
    side.name()
}
