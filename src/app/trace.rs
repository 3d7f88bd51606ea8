//! `synack trace -- CMD`: the trace source ([`crate::source::trace`]) put
//! together with the views, as `live.rs` does for the lab.
//!
//! Output: in the text modes (`--plain`, `--json`, `--format`) the command
//! keeps synack's stdin, stdout and stderr, and synack writes its own
//! output to stdout once the command has exited (and the wire is quiet),
//! so the two never interleave. In the terminal UI the command's stdin is
//! `/dev/null` and its stdout and stderr go to a log file in the temporary
//! directory (`synack-trace-PID.log`, created by the command's user, 0600),
//! named on stderr when the UI ends. synack exits with the command's exit
//! status (128+N when signal N killed it); an error of synack's own is 1.

use crate::cli::{Format, TraceArgs};
use crate::explain::Lang;
use crate::i18n::{msg, text};
use crate::pcap::PcapWriter;
use crate::source::Source;
use crate::source::trace::{Cause, Options, Trace};
use crate::timeline::{Step, StepKind, state_name};
use crate::view::{json, plain};
use anyhow::{Context, Result};
use serde_json::{Value, json};
use std::io::{self, IsTerminal, Write};
use std::time::Duration;

pub fn run(args: &TraceArgs, lang: Lang) -> Result<()> {
    let code = run_trace(args, lang)?;
    if code != 0 {
        let _ = io::stdout().flush();
        std::process::exit(code.clamp(1, 255));
    }
    Ok(())
}

/// Everything, returning the command's exit status once every tracefs
/// instance and the capture are closed (they are dropped here).
fn run_trace(args: &TraceArgs, lang: Lang) -> Result<i32> {
    crate::signals::install();
    if let Some(p) = &args.save {
        crate::pcap::check_target(p, args.force)?;
    }
    let out = &args.output;
    let tui = out.format().is_none() && !out.brief && io::stdout().is_terminal();
    let log =
        tui.then(|| std::env::temp_dir().join(format!("synack-trace-{}.log", std::process::id())));
    let opts = Options {
        argv: args.command.clone(),
        port: args.port,
        log,
        lang,
    };
    let (save, force) = (args.save.clone(), args.force);
    let (mut trace, writer) = Trace::start(opts, move |link| {
        // Created after the privilege drop: by the invoking user.
        save.map(|p| PcapWriter::create_with(&p, link, force))
            .transpose()
            .map_err(anyhow::Error::from)
    })?;
    if tui {
        let r = crate::view::tui::run_live(&mut trace, super::tui_options(out, lang));
        trace.kill();
        trace.finish()?;
        r?;
        if let Some(l) = trace.log() {
            eprintln!("synack: the command's output is in {}", l.display());
        }
    } else {
        while !trace.finished() {
            trace.poll()?;
            std::thread::sleep(Duration::from_millis(20));
        }
    }
    if let Some(w) = writer {
        save_frames(&trace, w)?;
    }
    if !tui {
        emit(&trace, out, lang)?;
    }
    for n in trace.notes() {
        eprintln!("synack: note: {n}");
    }
    if trace.interrupted() {
        eprintln!("synack: interrupted; the signal was passed on to the command");
    }
    Ok(trace.exit_code().unwrap_or(1))
}

/// What a pcapng comment says about one step: its cause and the kernel's
/// changes and events.
fn comment(trace: &Trace, i: usize, step: &Step) -> String {
    let mut parts = Vec::new();
    if let Some(c) = cause_text(trace, i, Lang::En) {
        parts.push(c);
    }
    if let Some(d) = &step.kernel_detail {
        for t in &d.transitions {
            parts.push(format!(
                "kernel: {} {} {} -> {}",
                t.side,
                t.socket,
                state_name(t.from),
                state_name(t.to)
            ));
        }
        parts.extend(d.events.iter().cloned());
    }
    parts.join("; ")
}

fn save_frames(trace: &Trace, mut w: PcapWriter) -> Result<()> {
    let tl = trace.timeline();
    let mut by_frame: std::collections::HashMap<u64, usize> = Default::default();
    for (i, s) in tl.steps.iter().enumerate() {
        if let Some(v) = &s.segment {
            by_frame.insert(v.frame, i);
        }
    }
    let mut n = 1;
    while let Some((ts, data, orig)) = trace.frame(n) {
        let text = by_frame.get(&n).map(|&i| comment(trace, i, &tl.steps[i]));
        w.write_frame_commented(ts, data, orig, text.as_deref())?;
        n += 1;
    }
    w.finish().context("cannot finish the --save file")?;
    Ok(())
}

/// "caused by connect() on fd 4 (pid 7401, step 2)" or "sent by the kernel
/// on its own".
fn cause_text(trace: &Trace, i: usize, lang: Lang) -> Option<String> {
    let cause = trace.info(i)?.caused_by?;
    Some(match cause {
        Cause::Call(c) => {
            let call = trace.calls().get(c)?;
            let step = call_step(trace, c).map_or(String::new(), |s| {
                msg!(lang, "trace-cause-step", step = (s + 1).to_string())
            });
            msg!(
                lang,
                "trace-cause-call",
                side = lang.side(trace.timeline().steps[i].side),
                call = call.name.as_str(),
                fd = call.fd.unwrap_or(-1).to_string(),
                pid = call.pid.to_string(),
                step = step,
            )
        }
        Cause::Kernel => text(lang, "trace-cause-kernel").to_string(),
    })
}

/// The timeline index of the step of call `c`.
fn call_step(trace: &Trace, c: usize) -> Option<usize> {
    (0..trace.timeline().steps.len()).find(|&i| trace.info(i).is_some_and(|x| x.call == Some(c)))
}

fn syscall_value(trace: &Trace, c: usize) -> Value {
    let Some(call) = trace.calls().get(c) else {
        return Value::Null;
    };
    let args: serde_json::Map<String, Value> = call
        .args
        .iter()
        .map(|(k, v)| (k.clone(), json!(v)))
        .collect();
    json!({
        "name": call.name,
        "pid": call.pid,
        "tid": call.tid,
        "fd": call.fd,
        "args": args,
        "ret": call.ret,
        "errno": call.ret.filter(|r| *r < 0).map(|r| crate::source::trace::errno_name(-r)),
        "enter": (trace.secs(call.enter_ns) * 1e9).round() / 1e9,
        "exit": call.exit_ns.map(|t| (trace.secs(t) * 1e9).round() / 1e9),
    })
}

/// One NDJSON object: the step as every source writes it, plus `syscall`
/// on a call step (the command's own call: name, pid, fd, arguments,
/// return value) and `caused_by` on a segment step (the call that made it
/// be sent, or `"kernel"`), which the explanation also says.
fn step_json(trace: &Trace, i: usize, step: &Step, lang: Lang) -> Value {
    let mut v = json::step_value_in(step, lang);
    let Some(m) = v.as_object_mut() else {
        return v;
    };
    let info = trace.info(i);
    if let Some(c) = info.and_then(|x| x.call) {
        m.insert("syscall".into(), syscall_value(trace, c));
    }
    if step.kind == StepKind::Segment {
        let cause = match info.and_then(|x| x.caused_by) {
            Some(Cause::Call(c)) => {
                let mut s = syscall_value(trace, c);
                if let Some(o) = s.as_object_mut() {
                    o.insert("call".into(), json!(trace.timeline().steps[i].call));
                    o.insert("step".into(), json!(call_step(trace, c).map(|s| s + 1)));
                }
                s
            }
            _ => json!("kernel"),
        };
        m.insert("caused_by".into(), cause);
        if let (Some(text), Some(Value::String(e))) =
            (cause_text(trace, i, lang), m.get_mut("explanation"))
        {
            e.push_str(&msg!(lang, "trace-cause-aside", cause = text));
        }
    }
    v
}

fn print_out(text: &str) -> Result<()> {
    let mut out = io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|_| out.flush()) {
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        other => Ok(other?),
    }
}

/// The program's calls and each segment's cause, with the kernel's states,
/// below the plain ladder.
fn trace_table(trace: &Trace, lang: Lang) -> String {
    let tl = trace.timeline();
    let mut out = format!("\n{}\n", text(lang, "trace-calls-heading"));
    for (c, call) in trace.calls().iter().enumerate() {
        let step = call_step(trace, c).map_or("   ".to_string(), |s| format!("{:>3}", s + 1));
        out.push_str(&format!(
            "{step}  {:>9.6}s  pid {:<7} {}\n",
            trace.secs(call.enter_ns),
            call.pid,
            call.describe()
        ));
    }
    out.push_str(&format!("\n{}\n", text(lang, "trace-steps-heading")));
    for (i, s) in tl.steps.iter().enumerate() {
        let what = match (&s.segment, s.call) {
            (Some(v), _) => format!("{} {}", lang.side(v.from), v.seg.flags.wireshark()),
            (None, Some(c)) => format!("{} {}", lang.side(s.side), c.name()),
            _ => String::new(),
        };
        let pad = " "
            .repeat(26usize.saturating_sub(unicode_width::UnicodeWidthStr::width(what.as_str())));
        let k = s.kernel.map_or(String::new(), |k| {
            format!(
                "{}{} {} {} {}",
                text(lang, "live-kernel").to_string() + text(lang, "colon"),
                lang.side(crate::timeline::Side::Client),
                state_name(k.client),
                lang.side(crate::timeline::Side::Server),
                state_name(k.server)
            )
        });
        out.push_str(&format!("{:>3}  {what}{pad} {k}\n", i + 1));
        if let Some(c) = cause_text(trace, i, lang) {
            out.push_str(&plain::wrap(&c, "       ", 79));
        }
        if let Some(d) = &s.kernel_detail {
            for t in &d.transitions {
                out.push_str(&format!(
                    "       {} {} {} → {}\n",
                    lang.side(t.side),
                    super::live::socket_name(lang, t.socket),
                    state_name(t.from),
                    state_name(t.to)
                ));
            }
            for e in &d.events {
                out.push_str(&format!("       {e}\n"));
            }
            if let Some(n) = &d.note {
                out.push_str(&plain::wrap(n, "       ", 79));
            }
        }
    }
    out
}

fn emit(trace: &Trace, output: &crate::cli::OutputArgs, lang: Lang) -> Result<()> {
    let tl = trace.timeline();
    match output.format() {
        Some(Format::Json) => {
            let mut out = io::BufWriter::new(io::stdout().lock());
            let r: io::Result<()> = (|| {
                for (i, s) in tl.steps.iter().enumerate() {
                    serde_json::to_writer(&mut out, &step_json(trace, i, s, lang))?;
                    out.write_all(b"\n")?;
                }
                out.flush()
            })();
            match r {
                Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
                other => Ok(other?),
            }
        }
        Some(Format::Svg) => print_out(&crate::view::svg::render(tl, None)),
        Some(Format::Mermaid) => print_out(&crate::view::mermaid::render(tl, None)),
        Some(Format::Html) => print_out(&super::html_deck(tl, None, lang)),
        Some(Format::Plain) | None => {
            let mut text = plain::render_in(
                tl,
                None,
                plain::PlainOptions {
                    brief: output.brief,
                },
                lang,
            );
            if !output.brief {
                text.push_str(&trace_table(trace, lang));
            }
            print_out(&text)
        }
    }
}
