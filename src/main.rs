use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = synack::cli::Cli::parse();
    match synack::app::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            // One line: the error and its causes, no backtrace.
            let msg: Vec<String> = e.chain().map(|c| c.to_string()).collect();
            eprintln!("synack: error: {}", msg.join(": "));
            ExitCode::from(1)
        }
    }
}
