//! Dispatch of the parsed command line to sources and views.

use crate::capture::{self, ReadOptions};
use crate::cli::{Cli, Command, Format, InspectArgs, OutputArgs, SimulateArgs};
use crate::explain::Lang;
use crate::tcp::scenario;
use crate::tcp::sim::{SimConfig, Simulator};
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
            isn_client: None,
            isn_server: None,
            export: None,
            force: false,
            output: OutputArgs {
                plain: false,
                json: false,
                format: None,
                brief: false,
            },
        }),
        Some(Command::Simulate(args)) => simulate(&args),
        Some(Command::Scenarios) => list_scenarios(),
        Some(Command::Inspect(args)) => inspect(&args),
        Some(Command::Live(args)) => crate::live::run_live(&args),
        Some(Command::Sniff(args)) => crate::live::run_sniff(&args),
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

/// Build the timeline of a scenario.
pub fn simulate_timeline(args: &SimulateArgs) -> Result<Timeline> {
    let mut cfg = SimConfig::default();
    if let Some(isn) = args.isn_client {
        cfg.isn_client = isn;
    }
    if let Some(isn) = args.isn_server {
        cfg.isn_server = isn;
    }
    scenario_timeline(&args.scenario, cfg)
}

/// The timeline of the scenario called `name`, titled in the user's language.
pub fn scenario_timeline(name: &str, cfg: SimConfig) -> Result<Timeline> {
    let Some(sc) = scenario::get(name) else {
        bail!("there is no scenario `{name}`; run `synack scenarios` to list them");
    };
    let sim = Simulator::run(cfg, &sc.ops)
        .with_context(|| format!("scenario `{}` could not run", sc.name))?;
    let summary = match lang() {
        Lang::En => sc.summary,
        Lang::Zh => sc.summary_zh,
    };
    Ok(sim.into_timeline(format!("simulation: {}", sc.name), summary.to_string()))
}

fn simulate(args: &SimulateArgs) -> Result<()> {
    let tl = simulate_timeline(args)?;
    if let Some(path) = &args.export {
        if path.exists() && !args.force {
            bail!(
                "{} already exists; choose another name or add --force to overwrite it",
                path.display()
            );
        }
        export(&tl, path)?;
    }
    emit(&tl, None, &args.output)
}

/// Write every segment of a simulated timeline to a pcap. Lost segments are
/// included, at the moment they were sent, as a capture next to their
/// sender would record them: Wireshark then marks the resend as a
/// retransmission, which is the point of the loss scenarios.
pub fn export(tl: &Timeline, path: &std::path::Path) -> Result<()> {
    // A fixed, recognisable start: 2026-01-01T00:00:00Z.
    const START_NANOS: i128 = 1_767_225_600_000_000_000;
    let frames = tl.segments().filter_map(|(step, v)| {
        let b = v.bytes.as_ref()?;
        let ts = START_NANOS + (step.time * 1e9).round() as i128;
        Some((ts, b.data.clone(), b.orig_len))
    });
    crate::pcap::write_pcap(path, crate::wire::build::LINKTYPE_ETHERNET, frames)
        .with_context(|| format!("cannot write {}", path.display()))?;
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
            let table = plain::summary_table(&rows);
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
        let report = capture::summarize_parallel(path, READ, |s| {
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
        // Formatting runs beside the reading, on the second core.
        let mut f = |step: &crate::timeline::Step| {
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
        return crate::view::tui::run_capture_file(path);
    }
    let (tl, report) = capture::timeline(
        path,
        ReadOptions {
            keep_bytes: want_tui,
            ..READ
        },
    )
    .map_err(|e| about(path, e))?;
    if let Some(n) = args.stream
        && n as usize >= tl.streams.len()
    {
        bail!(
            "{} has no stream {n}: it holds {} TCP connection(s), numbered from 0",
            path.display(),
            tl.streams.len()
        );
    }
    if want_tui {
        // On a terminal, inspect opens on the list of connections.
        let rows: Vec<Summary> = report
            .summaries
            .iter()
            .filter(|s| args.stream.is_none_or(|n| n == s.stream))
            .cloned()
            .collect();
        crate::view::tui::run_capture(&tl, &rows)?;
        return finish_report(path, &report);
    }
    emit(&tl, args.stream, &args.output)?;
    finish_report(path, &report)
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
    let source = format!("synack - capture: {}\n", path.display());
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
    let counts = format!(
        "\n{} frames, {} TCP segments, {streams} connection(s)\n",
        report.frames, report.tcp_frames
    );
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
    } else if format.is_none() && !output.brief && io::stdout().is_terminal() {
        drop(out);
        return crate::view::tui::run(tl);
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
