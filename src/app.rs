//! Dispatch of the parsed command line to sources and views.

use crate::cli::{Cli, Command, OutputArgs, SimulateArgs};
use crate::tcp::scenario;
use crate::tcp::sim::{SimConfig, Simulator};
use crate::timeline::Timeline;
use crate::view::{json, plain};
use anyhow::{Context, Result, bail};
use std::io::{self, IsTerminal, Write};

pub fn run(cli: Cli) -> Result<()> {
    match cli.command {
        None => simulate(&SimulateArgs {
            scenario: "handshake".into(),
            isn_client: None,
            isn_server: None,
            output: OutputArgs {
                plain: false,
                json: false,
                brief: false,
            },
        }),
        Some(Command::Simulate(args)) => simulate(&args),
        Some(Command::Scenarios) => list_scenarios(),
    }
}

fn list_scenarios() -> Result<()> {
    let mut out = io::stdout().lock();
    for s in scenario::all() {
        writeln!(out, "{:<24} {}", s.name, s.summary)?;
    }
    Ok(())
}

/// Build the timeline of a scenario.
pub fn simulate_timeline(args: &SimulateArgs) -> Result<Timeline> {
    let Some(sc) = scenario::get(&args.scenario) else {
        bail!(
            "there is no scenario `{}`; run `synack scenarios` to list them",
            args.scenario
        );
    };
    let mut cfg = SimConfig::default();
    if let Some(isn) = args.isn_client {
        cfg.isn_client = isn;
    }
    if let Some(isn) = args.isn_server {
        cfg.isn_server = isn;
    }
    let sim = Simulator::run(cfg, &sc.ops)
        .with_context(|| format!("scenario `{}` could not run", sc.name))?;
    Ok(sim.into_timeline(format!("simulation: {}", sc.name), sc.summary.to_string()))
}

fn simulate(args: &SimulateArgs) -> Result<()> {
    let tl = simulate_timeline(args)?;
    emit(&tl, None, &args.output)
}

/// Print a timeline the way the output flags ask.
fn emit(tl: &Timeline, stream: Option<u32>, output: &OutputArgs) -> Result<()> {
    let mut out = io::stdout().lock();
    let result = if output.json {
        json::write(tl, stream, &mut out)
    } else if !output.plain && !output.brief && io::stdout().is_terminal() {
        drop(out);
        return crate::view::tui::run(tl);
    } else {
        let text = plain::render(
            tl,
            stream,
            plain::PlainOptions {
                brief: output.brief,
            },
        );
        out.write_all(text.as_bytes()).and_then(|_| out.flush())
    };
    match result {
        // `synack ... | head`: the reader has what it wanted.
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        other => Ok(other?),
    }
}
