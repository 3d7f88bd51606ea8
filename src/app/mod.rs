//! Dispatch of the parsed command line to sources and views.

pub mod inspect;
pub mod live;
pub mod trace;

use crate::cli::{Cli, Command, Format, OutputArgs, SimulateArgs};
use crate::explain::Lang;
use crate::source::capture;
use crate::source::scenario;
use crate::source::sim::{SimConfig, WhatIfKind};
use crate::timeline::Timeline;
use crate::view::{json, plain};
use anyhow::{Result, bail};
use std::io::{self, IsTerminal, Write};

/// Run the command line: pick the source it names, the view its output
/// flags ask for, and put them together. The language (like every display
/// option) is decided here once and handed down; nothing below reads it
/// from a global.
pub fn run(cli: Cli) -> Result<()> {
    let lang = cli.lang.unwrap_or_else(Lang::from_env);
    match cli.command {
        None => simulate(
            &SimulateArgs {
                scenario: "handshake".into(),
                ..SimulateArgs::default()
            },
            lang,
        ),
        Some(Command::Simulate(args)) => simulate(&args, lang),
        Some(Command::Scenarios) => list_scenarios(lang),
        Some(Command::Inspect(args)) => inspect::inspect(&args, lang),
        Some(Command::Live(args)) => live::run_live(&args, lang),
        Some(Command::Sniff(args)) => live::run_sniff(&args, lang),
        Some(Command::Trace(args)) => trace::run(&args, lang),
        Some(Command::Quiz(args)) => quiz(&args, lang),
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

fn list_scenarios(lang: Lang) -> Result<()> {
    let mut out = io::stdout().lock();
    for s in scenario::all() {
        writeln!(out, "{:<24} {}", s.name, scenario::summary(lang, s.name))?;
    }
    Ok(())
}

/// How the terminal UI is presented: `--pace`, `--present`, the language.
pub fn tui_options(output: &OutputArgs, lang: Lang) -> crate::view::tui::app::TuiOptions {
    crate::view::tui::app::TuiOptions {
        pace: output.pace,
        present: output.present,
        lang,
    }
}

/// Whether `emit` would start the terminal UI.
fn tui_wanted(output: &OutputArgs) -> bool {
    output.format().is_none() && !output.brief && io::stdout().is_terminal()
}

/// Build the timeline of a scenario.
pub fn simulate_timeline(args: &SimulateArgs, lang: Lang) -> Result<Timeline> {
    scenario::timeline(&args.scenario, simulate_config(args)?, lang)
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
        scenario::add_what_if(&args.scenario, &mut cfg, step, change)?;
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

fn simulate(args: &SimulateArgs, lang: Lang) -> Result<()> {
    let tl = simulate_timeline(args, lang)?;
    if args.export.is_none() && tui_wanted(&args.output) {
        // The terminal UI can play the scenario again with a change or
        // swap it for another: give it the simulator's way in.
        let cfg = simulate_config(args)?;
        let (_, sent) = scenario::run(&args.scenario, cfg.clone(), lang)?;
        let replay = crate::view::tui::app::Replay {
            scenario: args.scenario.clone(),
            cfg,
            // A plain function pointer, so one per language.
            run: match lang {
                Lang::En => |name, cfg| scenario::run(name, cfg.clone(), Lang::En),
                Lang::Zh => |name, cfg| scenario::run(name, cfg.clone(), Lang::Zh),
            },
            sent,
        };
        return crate::view::tui::run_simulation(&tl, tui_options(&args.output, lang), replay);
    }
    if let Some(path) = &args.export {
        export_to(&tl, path, args.force)?;
    }
    emit(&tl, None, &args.output, lang)
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

fn quiz(args: &crate::cli::QuizArgs, lang: Lang) -> Result<()> {
    let tl = match &args.file {
        Some(path) => {
            capture::timeline(path, inspect::read_options(lang))
                .map_err(|e| inspect::about(path, e))?
                .0
        }
        None => scenario::timeline(&args.scenario, SimConfig::default(), lang)?,
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
        return crate::view::tui::run_quiz(&tl, args.stream, args.seed, lang);
    }
    let stdin = io::stdin();
    let mut input = stdin.lock();
    let mut out = io::stdout().lock();
    match crate::view::quiz::run_plain(&tl, args.stream, args.seed, lang, &mut input, &mut out) {
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        other => other.map(|_| ()).map_err(Into::into),
    }
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
pub fn html_deck(tl: &Timeline, stream: Option<u32>, lang: Lang) -> String {
    crate::view::html::render(
        tl,
        &crate::view::html::HtmlOptions {
            only_stream: stream,
            lang,
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
pub fn emit(tl: &Timeline, stream: Option<u32>, output: &OutputArgs, lang: Lang) -> Result<()> {
    let mut out = io::stdout().lock();
    let format = output.format();
    let result = if format == Some(Format::Json) {
        json::write_in(tl, stream, lang, &mut out)
    } else if format == Some(Format::Svg) {
        out.write_all(crate::view::svg::render(tl, stream).as_bytes())
            .and_then(|_| out.flush())
    } else if format == Some(Format::Mermaid) {
        out.write_all(crate::view::mermaid::render(tl, stream).as_bytes())
            .and_then(|_| out.flush())
    } else if format == Some(Format::Html) {
        out.write_all(html_deck(tl, stream, lang).as_bytes())
            .and_then(|_| out.flush())
    } else if tui_wanted(output) {
        drop(out);
        return crate::view::tui::run(tl, tui_options(output, lang));
    } else {
        let text = plain::render_in(
            tl,
            stream,
            plain::PlainOptions {
                brief: output.brief,
            },
            lang,
        );
        out.write_all(text.as_bytes()).and_then(|_| out.flush())
    };
    match result {
        // `synack ... | head`: the reader has what it wanted.
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        other => Ok(other?),
    }
}
