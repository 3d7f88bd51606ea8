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
    #[arg(default_value = "handshake", conflicts_with = "file")]
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
    /// Make the client write N bytes instead of a message
    #[arg(long, value_name = "N")]
    pub bytes: Option<usize>,
    /// Run the whole script without waiting for key presses
    #[arg(long)]
    pub auto: bool,
    /// Write every frame the sniffer saw to this pcap (also on Ctrl-C)
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
    /// The interface to capture on
    #[arg(long, default_value = "lo", value_name = "NAME")]
    pub iface: String,
    /// Stop after this many TCP segments (default: until q or Ctrl-C)
    #[arg(long, value_name = "N")]
    pub count: Option<u64>,
    /// Stop after this many seconds
    #[arg(long, value_name = "SECONDS")]
    pub duration: Option<f64>,
    /// Write every frame captured to this pcap (also on Ctrl-C)
    #[arg(long, value_name = "FILE.pcap")]
    pub save: Option<std::path::PathBuf>,
    /// Overwrite the --save file if it exists
    #[arg(long)]
    pub force: bool,
    #[command(flatten)]
    pub output: OutputArgs,
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

#[derive(Args, Debug, Clone)]
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
}

#[derive(Args, Debug, Clone)]
pub struct SimulateArgs {
    /// Scenario to play (see `synack scenarios`)
    #[arg(default_value = "handshake")]
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
    #[command(flatten)]
    pub output: OutputArgs,
}

fn parse_u32(s: &str) -> Result<u32, String> {
    let parsed = match s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
        Some(hex) => u32::from_str_radix(hex, 16),
        None => s.parse::<u32>(),
    };
    parsed.map_err(|_| format!("`{s}` is not a number from 0 to 4294967295"))
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
