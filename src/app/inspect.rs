//! `synack inspect FILE`: a capture file shown the way the output flags
//! ask. Large files are streamed: each row or step is written as soon as it
//! is final and then let go, so memory stays bounded whatever the file.

use super::{Lang, emit};
use crate::cli::{Format, InspectArgs};
use crate::i18n::msg;
use crate::source::capture::{self, ReadOptions};
use crate::tcp::tracker::Summary;
use crate::view::{json, plain};
use anyhow::{Result, bail};
use std::io::{self, IsTerminal, Write};

/// How inspect reads files: a progress line on stderr for long ones.
pub(super) fn read_options(lang: Lang) -> ReadOptions {
    ReadOptions {
        progress: true,
        lang,
        ..ReadOptions::default()
    }
}

/// For the streamed outputs: formatting (or tracking) runs beside the
/// reading, on the second core, and only `stream` is handed out.
fn streamed(lang: Lang, stream: Option<u32>) -> ReadOptions {
    ReadOptions {
        parallel: true,
        stream,
        ..read_options(lang)
    }
}

pub fn inspect(args: &InspectArgs, lang: Lang) -> Result<()> {
    let path = &args.file;
    let read = read_options(lang);
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
            let table = plain::summary_table_in(&rows, lang);
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
        let report = capture::summaries(path, streamed(lang, args.stream), |s| {
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
        no_such_stream(path, args.stream, report.connections)?;
        flush_rows(&mut batch, &mut out);
        if !out.finish()? {
            return Ok(());
        }
        return finish_report(path, &report);
    }
    if args.output.format() == Some(Format::Json) {
        // Streamed: each segment is printed as soon as its states are final;
        // only per-connection state is held.
        let mut out = ChunkedOut::new();
        let mut writer = json::StepWriter::new();
        let mut f = |ev: capture::StepEvent<'_>| match ev {
            capture::StepEvent::Step(step) => {
                writer.push(&mut out.buf, step, lang);
                out.maybe_flush()
            }
            capture::StepEvent::End(_) => std::ops::ControlFlow::Continue(()),
        };
        let report = capture::steps(path, streamed(lang, args.stream), &mut f)
            .map_err(|e| about(path, e))?;
        if !out.finish()? {
            return Ok(());
        }
        no_such_stream(path, args.stream, report.connections)?;
        return finish_report(path, &report);
    }
    let want_tui =
        args.output.format().is_none() && !args.output.brief && io::stdout().is_terminal();
    if !want_tui && matches!(args.output.format(), None | Some(Format::Plain)) {
        return inspect_plain(args, lang);
    }
    if want_tui && args.stream.is_none() {
        // Large files too: the list shows at once and fills while the file
        // is indexed in the background.
        crate::pcap::CaptureReader::open(path).map_err(|e| about(path, e))?;
        return crate::view::tui::run_capture_file(path, super::tui_options(&args.output, lang));
    }
    let (tl, report) = capture::timeline(
        path,
        ReadOptions {
            keep_bytes: want_tui,
            ..read
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
        crate::view::tui::run_capture(&tl, &rows, super::tui_options(&args.output, lang))?;
        return finish_report(path, &report);
    }
    emit(&tl, args.stream, &args.output, lang)?;
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
fn inspect_plain(args: &InspectArgs, lang: Lang) -> Result<()> {
    let path = &args.file;
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
    // The writer picks `--stream` itself: it counts the streams it saw.
    let report = capture::steps(path, streamed(lang, None), &mut f).map_err(|e| about(path, e))?;
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
        "\n{}\n",
        msg!(
            lang,
            "app-inspect-counts",
            frames = report.frames,
            segments = report.tcp_frames,
            streams = streams
        )
    );
    out.buf.extend_from_slice(counts.as_bytes());
    if !out.finish()? {
        return Ok(());
    }
    finish_report(path, &report)
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
pub(super) fn about(path: &std::path::Path, e: crate::pcap::CaptureError) -> anyhow::Error {
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
