//! The command line, as clap sees it. Kept apart from `main` so the man page
//! and shell completions can be generated from the same definition.

use clap::{Args, Parser, Subcommand};

const AFTER_HELP: &str = "\
Examples:
  synack                               step through the default handshake
  synack simulate simultaneous-close --plain
  synack simulate syn-lost --json | jq .
  synack scenarios                     list every scenario";

#[derive(Parser, Debug)]
#[command(
    name = "synack",
    version,
    about = "See how TCP opens and closes a connection, segment by segment",
    long_about = "synack teaches how TCP opens and closes a connection: every SYN, SYN/ACK, \
ACK, FIN and RST with both endpoints' RFC 9293 states, the socket call behind it, the \
layers its bytes belong to and a plain explanation. Without a command it runs \
`synack simulate handshake`.",
    after_help = AFTER_HELP
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    /// Language of explanations and labels (default: from LC_ALL / LC_MESSAGES / LANG)
    #[arg(long, global = true, value_enum, value_name = "LANG")]
    pub lang: Option<crate::explain::Lang>,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Simulate a scenario with two TCP endpoints and a lossy wire
    #[command(after_help = "\
Examples:
  synack simulate                      the classic handshake, data, four-way close
  synack simulate three-way-close --plain
  synack simulate syn-ack-lost --json
  synack simulate handshake --isn-client 4294967290 --plain   watch sequence numbers wrap
  synack simulate fin-lost --export fin-lost.pcap && tshark -r fin-lost.pcap
  synack simulate handshake --format svg > handshake.svg
  synack simulate handshake --format html > deck.html   open deck.html#step=5")]
    Simulate(SimulateArgs),
    /// List the scenarios `simulate` knows, one line each
    #[command(after_help = "Example:\n  synack scenarios")]
    Scenarios,
    /// Open a pcap or pcapng capture and follow its TCP connections
    #[command(after_help = "\
Examples:
  synack inspect trace.pcap                     step through the connections
  synack inspect trace.pcap --summary           one line per connection
  synack inspect trace.pcapng --plain --stream 2
  synack inspect trace.pcap --json | jq 'select(.flags | index(\"RST\"))'")]
    Inspect(InspectArgs),
    /// A real connection on loopback, one socket call per key press, sniffed and explained
    #[command(after_help = "\
Needs CAP_NET_RAW to sniff: run with sudo, or once: sudo setcap cap_net_raw+ep $(which synack)

Examples:
  sudo synack live                              step through a real handshake on 127.0.0.1
  sudo synack live --script refused             connect() to a port with no listener
  sudo synack live --auto --json --save lab.pcap
  synack live --list                            the scripts")]
    Live(LiveArgs),
    /// Watch TCP connections that other programs make on loopback
    #[command(after_help = "\
Needs CAP_NET_RAW: run with sudo, or once: sudo setcap cap_net_raw+ep $(which synack)

Examples:
  sudo synack sniff --port 8080                 then, elsewhere: curl localhost:8080
  sudo synack sniff --port 5432 --json --save db.pcap")]
    Sniff(SniffArgs),
    /// Run a program and show its own socket calls, its segments and the kernel's states
    #[command(
        after_help = "\
Needs root (sudo): it reads the syscall tracepoints in tracefs and opens a raw socket. \
The command runs as the user who ran sudo (plain root: uid 0 without any capability).

With --plain, --json or --format the command keeps synack's stdin, stdout and stderr, \
and synack prints its own output after the command has exited. In the terminal UI the \
command's output goes to a log file named on exit. synack exits with the command's exit \
status (128+N if a signal N killed it), or 1 if synack itself failed.

Examples:
  sudo synack trace -- python3 examples/python/echo.py
  sudo synack trace --port 8080 --plain -- curl -s http://127.0.0.1:8080/
  sudo synack trace --json --save echo.pcapng -- python3 examples/python/echo.py
  tshark -r echo.pcapng -Y frame.comment -T fields -e frame.comment",
        trailing_var_arg = true
    )]
    Trace(TraceArgs),
    /// Test yourself: before each step, say what comes next
    #[command(after_help = "\
Examples:
  synack quiz                                   quiz on the handshake scenario
  synack quiz three-way-close --plain           answer with a-d on stdin
  synack quiz --file trace.pcap --stream 0      quiz on a real capture")]
    Quiz(QuizArgs),
    /// Print a shell completion script
    #[command(after_help = "\
Examples:
  synack completions bash > ~/.local/share/bash-completion/completions/synack
  synack completions zsh > ~/.zfunc/_synack
  synack completions fish > ~/.config/fish/completions/synack.fish")]
    Completions {
        /// The shell to complete for
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff)
    #[command(after_help = "Example:\n  synack man > synack.1 && man ./synack.1")]
    Man,
}

#[derive(Args, Debug, Clone)]
pub struct QuizArgs {
    /// Scenario to quiz on (see `synack scenarios`)
    #[arg(default_value = "handshake", conflicts_with = "file", value_parser = scenario_name)]
    pub scenario: String,
    /// Quiz on a capture file instead (a live recording made with `live --save` works too)
    #[arg(long, value_name = "FILE")]
    pub file: Option<std::path::PathBuf>,
    /// With --file: only this connection
    #[arg(long, value_name = "N")]
    pub stream: Option<u32>,
    /// Seed for the choice of questions and the order of answers
    #[arg(long, default_value_t = 1, value_name = "N")]
    pub seed: u64,
    /// Ask on stdin/stdout instead of the terminal UI
    #[arg(long)]
    pub plain: bool,
}

#[derive(Args, Debug, Clone)]
pub struct LiveArgs {
    /// The script to run (see --list)
    #[arg(long, default_value = "default", value_name = "NAME")]
    pub script: String,
    /// List the scripts and exit
    #[arg(long)]
    pub list: bool,
    /// Use ::1 instead of 127.0.0.1
    #[arg(long)]
    pub ipv6: bool,
    /// What the client writes
    #[arg(long, value_name = "TEXT", conflicts_with = "bytes")]
    pub message: Option<String>,
    /// Make the client write N bytes instead of a message (1 to 67108864)
    #[arg(long, value_name = "N", value_parser = parse_bytes)]
    pub bytes: Option<usize>,
    /// With --script http: two requests on one connection, the client closes first
    #[arg(long)]
    pub keep_alive: bool,
    /// Run the whole script without waiting for key presses
    #[arg(long)]
    pub auto: bool,
    /// Write every frame the sniffer saw to this pcap (also on Ctrl-C); FILE.pcapng: pcapng with each frame's call and kernel changes as comments
    #[arg(long, value_name = "FILE.pcap")]
    pub save: Option<std::path::PathBuf>,
    /// Overwrite the --save file if it exists
    #[arg(long)]
    pub force: bool,
    #[command(flatten)]
    pub output: OutputArgs,
}

#[derive(Args, Debug, Clone)]
pub struct SniffArgs {
    /// Only connections with this port at either end
    #[arg(long, value_name = "N")]
    pub port: Option<u16>,
    /// The interface to capture on (a loopback device: synack teaches on loopback)
    #[arg(long, default_value = "lo", value_name = "NAME")]
    pub iface: String,
    /// Stop after this many TCP segments (default: until q or Ctrl-C)
    #[arg(long, value_name = "N")]
    pub count: Option<u64>,
    /// Stop after this many seconds (more than 0, at most 31536000: a year)
    #[arg(long, value_name = "SECONDS", value_parser = parse_duration, allow_hyphen_values = true)]
    pub duration: Option<f64>,
    /// Write every frame captured to this pcap (also on Ctrl-C); FILE.pcapng: pcapng instead
    #[arg(long, value_name = "FILE.pcap")]
    pub save: Option<std::path::PathBuf>,
    /// Overwrite the --save file if it exists
    #[arg(long)]
    pub force: bool,
    #[command(flatten)]
    pub output: OutputArgs,
}

#[derive(Args, Debug, Clone)]
pub struct TraceArgs {
    /// Capture only segments with this port at either end
    #[arg(long, value_name = "N")]
    pub port: Option<u16>,
    /// Write the command's frames here: FILE.pcapng carries each frame's call and kernel changes as comments, other names get pcap
    #[arg(long, value_name = "FILE.pcapng")]
    pub save: Option<std::path::PathBuf>,
    /// Overwrite the --save file if it exists
    #[arg(long)]
    pub force: bool,
    #[command(flatten)]
    pub output: OutputArgs,
    /// The command to run and its arguments (after `--`)
    #[arg(required = true, value_name = "CMD", num_args = 1.., allow_hyphen_values = true)]
    pub command: Vec<std::ffi::OsString>,
}

#[derive(Args, Debug, Clone)]
pub struct InspectArgs {
    /// The capture file (pcap or pcapng; Ethernet, Linux cooked, loopback, raw IP, ...)
    pub file: std::path::PathBuf,
    /// Only this connection (its `stream` number, as tshark's tcp.stream)
    #[arg(long, value_name = "N")]
    pub stream: Option<u32>,
    /// One row per connection instead of one per segment
    #[arg(long)]
    pub summary: bool,
    #[command(flatten)]
    pub output: OutputArgs,
}

/// What to print instead of the terminal UI.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// The ladder as text (same as --plain)
    Plain,
    /// NDJSON, one object per step (same as --json)
    Json,
    /// The ladder as an SVG picture, for slides and handouts
    Svg,
    /// The ladder as a Mermaid sequenceDiagram, for Markdown
    Mermaid,
    /// A slide deck in one self-contained HTML file: one step per key press
    Html,
}

#[derive(Args, Debug, Clone, Default)]
pub struct OutputArgs {
    /// Print the ladder as plain text (the default when stdout is not a terminal)
    #[arg(long, conflicts_with_all = ["json", "format"])]
    pub plain: bool,
    /// Print NDJSON, one object per step
    #[arg(long, conflicts_with = "format")]
    pub json: bool,
    /// Print in this format instead of starting the terminal UI
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub format: Option<Format>,
    /// With --plain: the ladder without the explanations
    #[arg(long)]
    pub brief: bool,
    /// Terminal UI: autoplay one step every SECONDS (space pauses and resumes)
    #[arg(long, value_name = "SECONDS", value_parser = parse_pace)]
    pub pace: Option<f64>,
    /// Terminal UI: start in the presenter layout (large states, ladder and explanation)
    #[arg(long)]
    pub present: bool,
}

/// `--pace`: from a tenth of a second to ten minutes.
fn parse_pace(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(p) if (0.1..=600.0).contains(&p) => Ok(p),
        _ => Err(format!("`{s}` is not a pace from 0.1 to 600 seconds")),
    }
}

#[derive(Args, Debug, Clone, Default)]
pub struct SimulateArgs {
    /// Scenario to play (see `synack scenarios`)
    #[arg(default_value = "handshake", value_parser = scenario_name)]
    pub scenario: String,
    /// The client's initial sequence number (decimal or 0x hex)
    #[arg(long, value_parser = parse_u32, value_name = "N")]
    pub isn_client: Option<u32>,
    /// The server's initial sequence number (decimal or 0x hex)
    #[arg(long, value_parser = parse_u32, value_name = "N")]
    pub isn_server: Option<u32>,
    /// Also write the scenario's segments to this pcap file (opens in Wireshark)
    #[arg(long, value_name = "FILE.pcap")]
    pub export: Option<std::path::PathBuf>,
    /// Overwrite the --export file if it exists
    #[arg(long, requires = "export")]
    pub force: bool,
    /// What if the segment of step STEP (as the ladder numbers steps) were lost? Repeatable
    #[arg(long, value_name = "STEP", value_parser = clap::value_parser!(u32).range(1..=1000))]
    pub drop: Vec<u32>,
    /// What if the segment of step STEP arrived MS milliseconds late? Repeatable
    #[arg(long, value_name = "STEP:MS", value_parser = parse_delay)]
    pub delay: Vec<(u32, u32)>,
    /// What if the segment of step STEP arrived twice? Repeatable
    #[arg(long, value_name = "STEP", value_parser = clap::value_parser!(u32).range(1..=1000))]
    pub duplicate: Vec<u32>,
    #[command(flatten)]
    pub output: OutputArgs,
}

/// `STEP:MS` of `--delay`: a step number and up to ten minutes.
fn parse_delay(s: &str) -> Result<(u32, u32), String> {
    let bad = || format!("`{s}` is not STEP:MS (for example 3:500: step 3, half a second late)");
    let (step, ms) = s.split_once(':').ok_or_else(bad)?;
    let step: u32 = step.parse().map_err(|_| bad())?;
    let ms: u32 = ms.parse().map_err(|_| bad())?;
    if !(1..=1000).contains(&step) || ms > 600_000 {
        return Err(format!(
            "`{s}`: the step is from 1 to 1000 and the delay at most 600000 ms"
        ));
    }
    Ok((step, ms))
}

fn parse_u32(s: &str) -> Result<u32, String> {
    let parsed = match s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
        Some(hex) => u32::from_str_radix(hex, 16),
        None => s.parse::<u32>(),
    };
    parsed.map_err(|_| format!("`{s}` is not a number from 0 to 4294967295"))
}

/// The most the lab's client may write: far more than a lesson needs,
/// small enough that the payload is always allocated.
pub const MAX_LAB_BYTES: usize = 64 << 20;

fn parse_bytes(s: &str) -> Result<usize, String> {
    match s.parse::<u64>() {
        Ok(n) if (1..=MAX_LAB_BYTES as u64).contains(&n) => Ok(n as usize),
        _ => Err(format!(
            "`{s}` is not a number of bytes from 1 to {MAX_LAB_BYTES} (64 MiB)"
        )),
    }
}

/// The longest `--duration`: a year. `Duration::from_secs_f64` panics on
/// what does not fit, and NaN, infinity or a negative number must not
/// quietly mean "for ever".
pub const MAX_DURATION: f64 = 365.0 * 86_400.0;

fn parse_duration(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(d) if d > 0.0 && d <= MAX_DURATION => Ok(d),
        _ => Err(format!(
            "`{s}` is not a number of seconds above 0 and at most {MAX_DURATION} (a year)"
        )),
    }
}

impl OutputArgs {
    /// The output asked for, with --plain/--json folded into --format.
    pub fn format(&self) -> Option<Format> {
        if self.json {
            Some(Format::Json)
        } else if self.plain {
            Some(Format::Plain)
        } else {
            self.format
        }
    }
}

/// A scenario name is checked by clap, so a wrong one is a usage error
/// (exit 2) like any other wrong argument, and says what would be right.
fn scenario_name(s: &str) -> Result<String, String> {
    if crate::source::scenario::NAMES.contains(&s) {
        Ok(s.to_string())
    } else {
        Err(format!(
            "there is no scenario `{s}`; the scenarios are: {} (`synack scenarios` describes them)",
            crate::source::scenario::NAMES.join(", ")
        ))
    }
}
