use clap::Parser;
use std::io::Write;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = match synack::cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return clap_exit(e),
    };
    match synack::app::run(cli) {
        Ok(()) => synack::signals::exit_status().map_or(ExitCode::SUCCESS, ExitCode::from),
        Err(e) => {
            eprintln!("synack: error: {}", one_line(&e));
            ExitCode::from(1)
        }
    }
}

/// The error and its causes on one line, no backtrace. A cause whose text
/// the line already holds is left out: many errors quote their source
/// (`cannot write the capture: Is a directory`), and saying it twice reads
/// like two failures.
fn one_line(e: &anyhow::Error) -> String {
    let mut line = String::new();
    for cause in e.chain() {
        let text = cause.to_string();
        if line.contains(&text) {
            continue;
        }
        if !line.is_empty() {
            line.push_str(": ");
        }
        line.push_str(&text);
    }
    line
}

/// What clap's own `exit` does, except that a help or version text that
/// cannot be written (`synack --help > /dev/full`) is a failure, not 0.
fn clap_exit(e: clap::Error) -> ExitCode {
    use clap::error::ErrorKind::{DisplayHelp, DisplayHelpOnMissingArgumentOrSubcommand};
    if e.use_stderr()
        && !matches!(
            e.kind(),
            DisplayHelp | DisplayHelpOnMissingArgumentOrSubcommand
        )
    {
        // A usage error is one line, as every other error: clap's first
        // line names the problem; its usage block and tips would bury it.
        let text = e.render().to_string();
        let first = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
        let first = first.strip_prefix("error: ").unwrap_or(first);
        eprintln!("synack: error: {first}; `synack --help` lists the options");
        return ExitCode::from(2);
    }
    let printed = e.print().and_then(|()| std::io::stdout().flush());
    if let Err(w) = printed
        && e.kind() != clap::error::ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
        && !e.use_stderr()
    {
        eprintln!("synack: error: cannot write the help text: {w}");
        return ExitCode::from(1);
    }
    ExitCode::from(e.exit_code().clamp(0, 255) as u8)
}
