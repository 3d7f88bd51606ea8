//! Dispatch of the parsed command line to sources and views.

pub mod live;
pub mod trace;

use crate::cli::{Cli, Command, Format, InspectArgs, OutputArgs, SimulateArgs};
use crate::explain::Lang;
use crate::source::capture::{self, ReadOptions};
use crate::source::scenario;
use crate::source::sim::{SimConfig, Simulator, WhatIf, WhatIfKind};
use crate::tcp::tracker::Summary;
use crate::timeline::Timeline;
use crate::view::{json, plain};
use anyhow::{Context, Result, bail};
use std::io::{self, IsTerminal, Write};

pub fn run(cli: Cli) -> Result<()> {
    let lang = cli.lang.unwrap_or_else(Lang::from_env);
    let _ = LANG.set(lang);
    match cli.command {
        None => simulate(&SimulateArgs {
            scenario: "handshake".into(),
            ..SimulateArgs::default()
        }),
        Some(Command::Simulate(args)) => simulate(&args),
        Some(Command::Scenarios) => list_scenarios(),
        Some(Command::Inspect(args)) => inspect(&args),
        Some(Command::Live(args)) => crate::app::live::run_live(&args),
        Some(Command::Sniff(args)) => crate::app::live::run_sniff(&args),
        Some(Command::Trace(args)) => crate::app::trace::run(&args),
        Some(Command::Quiz(args)) => quiz(&args),
        Some(Command::Completions { shell }) => {
            let mut cmd = <Cli as clap::CommandFactory>::command();
            let mut buf = Vec::new();
            clap_complete::generate(shell, &mut cmd, "synack", &mut buf);
            write_out(&buf)
        }
        Some(Command::Man) => {
            let cmd = <Cli as clap::CommandFactory>::command();
            let mut buf = Vec::new();
            clap_mangen::Man::new(cmd).render(&mut buf)?;
            write_out(&buf)
        }
    }
}

fn list_scenarios() -> Result<()> {
    let mut out = io::stdout().lock();
    for s in scenario::all() {
        let summary = match lang() {
            Lang::En => s.summary,
            Lang::Zh => s.summary_zh,
        };
        writeln!(out, "{:<24} {summary}", s.name)?;
    }
    Ok(())
}

/// The language chosen on the command line (or from the environment), set
/// once at start-up so every view can ask for it.
static LANG: std::sync::OnceLock<Lang> = std::sync::OnceLock::new();

/// The language the user asked for (English until `run` has set it).
pub fn lang() -> Lang {
    LANG.get().copied().unwrap_or_default()
}

/// Whether `emit` would start the terminal UI.
fn tui_wanted(output: &OutputArgs) -> bool {
    output.format().is_none() && !output.brief && io::stdout().is_terminal()
}

/// Build the timeline of a scenario.
pub fn simulate_timeline(args: &SimulateArgs) -> Result<Timeline> {
    scenario_timeline(&args.scenario, simulate_config(args)?)
}

/// The simulator's configuration from the command line, "what if"s
/// included.
fn simulate_config(args: &SimulateArgs) -> Result<SimConfig> {
    let mut cfg = SimConfig::default();
    if let Some(isn) = args.isn_client {
        cfg.isn_client = isn;
    }
    if let Some(isn) = args.isn_server {
        cfg.isn_server = isn;
    }
    for (step, change) in what_ifs(args) {
        add_what_if(&args.scenario, &mut cfg, step, change)?;
    }
    Ok(cfg)
}

/// The command line's "what if"s, by step: each step number is read on the
/// ladder as the changes at earlier steps leave it.
fn what_ifs(args: &SimulateArgs) -> Vec<(usize, WhatIfKind)> {
    let mut all: Vec<(usize, WhatIfKind)> = args
        .drop
        .iter()
        .map(|&s| (s as usize, WhatIfKind::Drop))
        .chain(
            args.delay
                .iter()
                .map(|&(s, ms)| (s as usize, WhatIfKind::Delay(f64::from(ms) / 1000.0))),
        )
        .chain(
            args.duplicate
                .iter()
                .map(|&s| (s as usize, WhatIfKind::Duplicate)),
        )
        .collect();
    all.sort_by_key(|(s, _)| *s);
    all
}

/// The timeline of the scenario called `name`, titled in the user's language.
pub fn scenario_timeline(name: &str, cfg: SimConfig) -> Result<Timeline> {
    Ok(scenario_run(name, cfg)?.0)
}

/// [`scenario_timeline`], with each step's [`WhatIf`] number (None for
/// calls and timers), so a step can be named in a "what if".
pub fn scenario_run(name: &str, cfg: SimConfig) -> Result<(Timeline, Vec<Option<u32>>)> {
    let Some(sc) = scenario::get(name) else {
        bail!("there is no scenario `{name}`; run `synack scenarios` to list them");
    };
    let changed = !cfg.what_if.is_empty();
    let sim = Simulator::run(cfg, &sc.ops)
        .with_context(|| format!("scenario `{}` could not run", sc.name))?;
    let summary = match lang() {
        Lang::En => sc.summary,
        Lang::Zh => sc.summary_zh,
    };
    let numbers = sim.sent_numbers().to_vec();
    let source = if changed {
        format!("simulation: {} (what if)", sc.name)
    } else {
        format!("simulation: {}", sc.name)
    };
    Ok((sim.into_timeline(source, summary.to_string()), numbers))
}

/// Add a "what if" on step `step` (1-based, as the ladder numbers steps)
/// of the run `cfg` makes: the step must be a segment. Changes named
/// later than it are forgotten: they named segments of a run that no
/// longer happens.
pub fn add_what_if(name: &str, cfg: &mut SimConfig, step: usize, change: WhatIfKind) -> Result<()> {
    let (tl, numbers) = scenario_run(name, cfg.clone())?;
    let Some(sent) = step.checked_sub(1).and_then(|i| numbers.get(i).copied()) else {
        bail!(
            "scenario `{name}` has {} steps; there is no step {step}",
            tl.steps.len()
        );
    };
    let Some(sent) = sent else {
        bail!(
            "step {step} of `{name}` is a socket call or a timer, not a segment; \
             name a segment's step (run `synack simulate {name} --plain` to see them)"
        );
    };
    cfg.what_if.retain(|w| w.sent() < sent);
    cfg.what_if.push(WhatIf::new(change, sent));
    Ok(())
}

fn simulate(args: &SimulateArgs) -> Result<()> {
    let tl = simulate_timeline(args)?;
    if args.export.is_none() && tui_wanted(&args.output) {
        // The terminal UI can play the scenario again with a change or
        // swap it for another: give it the simulator's way in.
        let cfg = simulate_config(args)?;
        let (_, sent) = scenario_run(&args.scenario, cfg.clone())?;
        let replay = crate::view::tui::app::Replay {
            scenario: args.scenario.clone(),
            cfg,
            run: |name, cfg| scenario_run(name, cfg.clone()),
            sent,
        };
        return crate::view::tui::run_simulation(&tl, args.output.tui(), replay);
    }
    if let Some(path) = &args.export {
        export_to(&tl, path, args.force)?;
    }
    emit(&tl, None, &args.output)
}

/// Write every segment of a simulated timeline to a pcap. Lost segments are
/// included, at the moment they were sent, as a capture next to their
/// sender would record them: Wireshark then marks the resend as a
/// retransmission, which is the point of the loss scenarios.
pub fn export(tl: &Timeline, path: &std::path::Path) -> Result<()> {
    export_to(tl, path, true)
}

/// [`export`], replacing an existing regular file only with `force`; a
/// path that is not a regular file (a directory, `/dev/null`, a FIFO, a
/// link) is refused either way.
pub fn export_to(tl: &Timeline, path: &std::path::Path, force: bool) -> Result<()> {
    // A fixed, recognisable start: 2026-01-01T00:00:00Z.
    const START_NANOS: i128 = 1_767_225_600_000_000_000;
    let frames = tl.segments().filter_map(|(step, v)| {
        let b = v.bytes.as_ref()?;
        let ts = START_NANOS + (step.time * 1e9).round() as i128;
        Some((ts, b.data.clone(), b.orig_len))
    });
    let mut w =
        crate::pcap::PcapWriter::create_with(path, crate::wire::build::LINKTYPE_ETHERNET, force)?;
    for (ts, data, orig_len) in frames {
        w.write_frame(ts, &data, orig_len)?;
    }
    w.finish()?;
    Ok(())
}

/// How inspect reads files: a progress line on stderr for long ones.
const READ: ReadOptions = ReadOptions {
    keep_bytes: false,
    progress: true,
};

fn inspect(args: &InspectArgs) -> Result<()> {
    let path = &args.file;
    if args.summary {
        // Streamed: each row is printed once its connection is finished,
        // in stream order; no step is built.
        let json = args.output.format() == Some(Format::Json);
        let mut out = ChunkedOut::new();
        let mut batch: Vec<Summary> = Vec::new();
        let mut header = true;
        let mut flush_rows = |batch: &mut Vec<Summary>, out: &mut ChunkedOut| {
            if json {
                return;
            }
            let rows: Vec<&Summary> = batch.iter().collect();
            let table = plain::summary_table_in(&rows, lang());
            // The header once, then only rows.
            let body = if header {
                table.as_str()
            } else {
                table.split_once('\n').map_or("", |(_, rest)| rest)
            };
            header = false;
            out.buf.extend_from_slice(body.as_bytes());
            batch.clear();
        };
        let mut streams = 0u64;
        let report = capture::summarize_parallel(path, READ, |s| {
            streams = streams.max(u64::from(s.stream) + 1);
            if args.stream.is_some_and(|n| n != s.stream) {
                return std::ops::ControlFlow::Continue(());
            }
            if json {
                json::push_summary_line(&mut out.buf, &s);
            } else {
                batch.push(s);
                if batch.len() >= 1024 {
                    flush_rows(&mut batch, &mut out);
                }
            }
            out.maybe_flush()
        })
        .map_err(|e| about(path, e))?;
        // Before the last rows: no table header for a stream that is not there.
        no_such_stream(path, args.stream, streams)?;
        flush_rows(&mut batch, &mut out);
        if !out.finish()? {
            return Ok(());
        }
        return finish_report(path, &report);
    }
    if args.output.format() == Some(Format::Json) {
        // Streamed: each segment is printed as soon as its states are final;
        // only per-connection state is held.
        let lang = lang();
        let mut out = ChunkedOut::new();
        let mut writer = json::StepWriter::new();
        let only = args.stream;
        let mut streams = 0u64;
        // Formatting runs beside the reading, on the second core.
        let mut f = |step: &crate::timeline::Step| {
            streams = streams.max(u64::from(step.stream) + 1);
            if only.is_some_and(|n| n != step.stream) {
                return std::ops::ControlFlow::Continue(());
            }
            writer.push(&mut out.buf, step, lang);
            out.maybe_flush()
        };
        let report =
            capture::stream_steps_parallel(path, READ, &mut f).map_err(|e| about(path, e))?;
        if !out.finish()? {
            return Ok(());
        }
        no_such_stream(path, only, streams)?;
        return finish_report(path, &report);
    }
    let want_tui =
        args.output.format().is_none() && !args.output.brief && io::stdout().is_terminal();
    if !want_tui && matches!(args.output.format(), None | Some(Format::Plain)) {
        return inspect_plain(args);
    }
    if want_tui && args.stream.is_none() {
        // Large files too: the list shows at once and fills while the file
        // is indexed in the background.
        crate::pcap::CaptureReader::open(path).map_err(|e| about(path, e))?;
        return crate::view::tui::run_capture_file(path, args.output.tui());
    }
    let (tl, report) = capture::timeline(
        path,
        ReadOptions {
            keep_bytes: want_tui,
            ..READ
        },
    )
    .map_err(|e| about(path, e))?;
    no_such_stream(path, args.stream, tl.streams.len() as u64)?;
    if want_tui {
        // On a terminal, inspect opens on the list of connections.
        let rows: Vec<Summary> = report
            .summaries
            .iter()
            .filter(|s| args.stream.is_none_or(|n| n == s.stream))
            .cloned()
            .collect();
        crate::view::tui::run_capture(&tl, &rows, args.output.tui())?;
        return finish_report(path, &report);
    }
    emit(&tl, args.stream, &args.output)?;
    finish_report(path, &report)
}

/// `--stream N` names a connection the file does not hold: the same one
/// line whatever the output format (`--json` and `--summary` used to print
/// nothing and exit 0, as if the stream were there and empty).
fn no_such_stream(path: &std::path::Path, stream: Option<u32>, streams: u64) -> Result<()> {
    if let Some(n) = stream
        && u64::from(n) >= streams
    {
        bail!(
            "{} has no stream {n}: it holds {streams} TCP connection(s), numbered from 0",
            path.display()
        );
    }
    Ok(())
}

/// How much text of later connections `inspect --plain` keeps waiting
/// while an earlier one is still open, before it cuts the earlier one.
const PLAIN_WAITING: usize = 32 * 1024 * 1024;

/// `inspect --plain`, streamed: each connection whole, in order of first
/// appearance, printed as soon as the ones before it are done; the counts
/// of frames and connections, known only at the end, come last.
fn inspect_plain(args: &InspectArgs) -> Result<()> {
    let path = &args.file;
    let lang = lang();
    let mut out = ChunkedOut::new();
    let mut text = String::new();
    let mut writer = plain::PlainWriter::new(
        plain::PlainOptions {
            brief: args.output.brief,
        },
        lang,
        args.stream,
        PLAIN_WAITING,
    );
    let source = format!(
        "synack - {}\n",
        crate::explain::source_in(&format!("capture: {}", path.display()), lang)
    );
    let mut started = false;
    let mut f = |ev: capture::StepEvent<'_>| {
        match ev {
            capture::StepEvent::Step(step) => writer.push(&mut text, step),
            capture::StepEvent::End(n) => writer.end_stream(&mut text, n),
        }
        if !text.is_empty() {
            // The heading waits for the first row, so that a `--stream`
            // the file does not have prints nothing but the error.
            if !started {
                started = true;
                out.buf.extend_from_slice(source.as_bytes());
            }
            out.buf.extend_from_slice(text.as_bytes());
            text.clear();
        }
        out.maybe_flush()
    };
    let report = capture::stream_events_parallel(path, READ, &mut f).map_err(|e| about(path, e))?;
    writer.finish(&mut text);
    let streams = writer.streams_seen();
    if let Some(n) = args.stream
        && n >= streams
    {
        bail!(
            "{} has no stream {n}: it holds {streams} TCP connection(s), numbered from 0",
            path.display()
        );
    }
    if !started {
        out.buf.extend_from_slice(source.as_bytes());
    }
    out.buf.extend_from_slice(text.as_bytes());
    let counts = match lang {
        Lang::En => format!(
            "\n{} frames, {} TCP segments, {streams} connection(s)\n",
            report.frames, report.tcp_frames
        ),
        Lang::Zh => format!(
            "\n{} 帧，{} 个 TCP 报文段，{streams} 个连接\n",
            report.frames, report.tcp_frames
        ),
    };
    out.buf.extend_from_slice(counts.as_bytes());
    if !out.finish()? {
        return Ok(());
    }
    finish_report(path, &report)
}

fn quiz(args: &crate::cli::QuizArgs) -> Result<()> {
    let tl = match &args.file {
        Some(path) => capture::timeline(path, READ).map_err(|e| about(path, e))?.0,
        None => scenario_timeline(&args.scenario, SimConfig::default())?,
    };
    if let Some(n) = args.stream
        && n as usize >= tl.streams.len()
    {
        bail!(
            "there is no stream {n}: the file holds {} connection(s)",
            tl.streams.len()
        );
    }
    if !args.plain && io::stdout().is_terminal() {
        return crate::view::tui::run_quiz(&tl, args.stream, args.seed);
    }
    let stdin = io::stdin();
    let mut input = stdin.lock();
    let mut out = io::stdout().lock();
    match crate::quiz::run_plain(&tl, args.stream, args.seed, lang(), &mut input, &mut out) {
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        other => other.map(|_| ()).map_err(Into::into),
    }
}

/// Output of `inspect` built in a buffer and written to stdout in large
/// chunks. A reader that went away (`| head`) ends the read quietly.
struct ChunkedOut {
    buf: Vec<u8>,
    out: io::Stdout,
    failed: Option<io::Error>,
}

impl ChunkedOut {
    const CHUNK: usize = 256 * 1024;

    fn new() -> ChunkedOut {
        ChunkedOut {
            buf: Vec::with_capacity(Self::CHUNK + 16 * 1024),
            out: io::stdout(),
            failed: None,
        }
    }

    fn maybe_flush(&mut self) -> std::ops::ControlFlow<()> {
        if self.buf.len() >= Self::CHUNK {
            if let Err(e) = self.out.lock().write_all(&self.buf) {
                self.failed = Some(e);
                return std::ops::ControlFlow::Break(());
            }
            self.buf.clear();
        }
        std::ops::ControlFlow::Continue(())
    }

    /// Write the rest. `Ok(false)` when the reader went away (a quiet end).
    fn finish(mut self) -> io::Result<bool> {
        let result = match self.failed.take() {
            Some(e) => Err(e),
            None => {
                let mut out = self.out.lock();
                out.write_all(&self.buf).and_then(|_| out.flush())
            }
        };
        match result {
            Ok(()) => Ok(true),
            Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(false),
            Err(e) => Err(e),
        }
    }
}

/// A capture that could not be read at all, with the file's name in front
/// (the errors about the path itself name it already).
fn about(path: &std::path::Path, e: crate::pcap::CaptureError) -> anyhow::Error {
    use crate::pcap::CaptureError::{NotFound, Unreadable};
    match e {
        NotFound { .. } | Unreadable { .. } => e.into(),
        other => anyhow::anyhow!("{}: {other}", path.display()),
    }
}

/// After the output: say what was wrong with a damaged file, on one line.
fn finish_report(path: &std::path::Path, report: &capture::CaptureReport) -> Result<()> {
    if let Some((frame, why)) = &report.first_malformed {
        let n = report.malformed;
        eprintln!(
            "synack: warning: {}: {n} frame{} with a malformed TCP header left out (frame {frame}: {why})",
            path.display(),
            if n == 1 { "" } else { "s" }
        );
    }
    for (why, (count, first)) in &report.undecoded {
        eprintln!(
            "synack: warning: {}: {}",
            path.display(),
            why.describe(*count, *first)
        );
    }
    if report.evicted_open > 0 {
        eprintln!(
            "synack: note: {} idle connections (silent while more than {} were open) were \
             summarised early to bound memory; a later segment of one starts a new stream",
            report.evicted_open,
            crate::tcp::tracker::MAX_LIVE_CONNS
        );
    }
    if let Some(damage) = &report.damage {
        if report.damage_is_fatal() {
            let n = report.frames;
            bail!(
                "{}: {damage} (the {n} frame{} before it {} shown)",
                path.display(),
                if n == 1 { "" } else { "s" },
                if n == 1 { "is" } else { "are" }
            );
        }
        eprintln!("synack: warning: {}: {damage}", path.display());
    }
    Ok(())
}

fn write_out(bytes: &[u8]) -> Result<()> {
    let mut out = io::stdout().lock();
    match out.write_all(bytes).and_then(|_| out.flush()) {
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        other => Ok(other?),
    }
}

/// The slide deck of `tl`, opening in the user's language with the other
/// one a key press away.
pub fn html_deck(tl: &Timeline, stream: Option<u32>) -> String {
    crate::view::html::render(
        tl,
        &crate::view::html::HtmlOptions {
            only_stream: stream,
            lang: lang(),
            both_languages: true,
            titles: tl
                .source
                .strip_prefix("simulation: ")
                .and_then(scenario::get)
                .map(|sc| (sc.summary, sc.summary_zh)),
        },
    )
}

/// Print a timeline the way the output flags ask.
fn emit(tl: &Timeline, stream: Option<u32>, output: &OutputArgs) -> Result<()> {
    let mut out = io::stdout().lock();
    let format = output.format();
    let result = if format == Some(Format::Json) {
        json::write_in(tl, stream, lang(), &mut out)
    } else if format == Some(Format::Svg) {
        out.write_all(crate::view::svg::render(tl, stream).as_bytes())
            .and_then(|_| out.flush())
    } else if format == Some(Format::Mermaid) {
        out.write_all(crate::view::mermaid::render(tl, stream).as_bytes())
            .and_then(|_| out.flush())
    } else if format == Some(Format::Html) {
        out.write_all(html_deck(tl, stream).as_bytes())
            .and_then(|_| out.flush())
    } else if tui_wanted(output) {
        drop(out);
        return crate::view::tui::run(tl, output.tui());
    } else {
        let text = plain::render_in(
            tl,
            stream,
            plain::PlainOptions {
                brief: output.brief,
            },
            lang(),
        );
        out.write_all(text.as_bytes()).and_then(|_| out.flush())
    };
    match result {
        // `synack ... | head`: the reader has what it wanted.
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        other => Ok(other?),
    }
}
