//! Every command shown in the documentation runs, so the docs cannot rot.
//!
//! The test reads `README.md` and every `docs/**/*.md`. In fenced blocks
//! marked `sh` (or `bash`, `shell`, `console`) it takes each line that starts
//! with `synack `, `sudo synack `, `sudo $(command -v synack) ` or `tshark `
//! (optionally after `$ `) and runs it with the binary this build made. The conventions, for whoever
//! writes docs:
//!
//! - **Where it runs.** The commands of one Markdown file run in order, in a
//!   fresh temporary directory that holds a copy of `captures/`. So write
//!   paths as a reader at the root of the crate would (`captures/sim-handshake.pcap`);
//!   a file one command writes (`--export x.pcap`) is there for the next
//!   command of the same file.
//! - **Placeholder captures.** `trace.pcap` and `trace.pcapng` exist in that
//!   directory: copies of `captures/sim-handshake.pcap`.
//! - **Exit code.** A command must exit 0, unless its line ends with a
//!   comment `# exits N`: then it must exit N.
//! - **Skipped lines.** A line whose comment contains `interactive` is not run
//!   (use it for anything that waits for a key or Ctrl-C). `synack sniff`
//!   without `--count` or `--duration` is never run. `synack live` (except
//!   `--list` and `--help`) and `synack sniff` need CAP_NET_RAW: without it
//!   they are skipped with a printed `SKIP` line. A pipeline that needs a
//!   program that is not installed (`jq`, `tshark`) is skipped the same way.
//! - **How.** Through `sh -c`, so pipes and redirections work, with `sudo `
//!   removed, the directory of the built binary first in `PATH`, stdin
//!   closed, English messages, and a time limit.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// How long one command may run (`SYNACK_DOCS_TIMEOUT` seconds, default 120).
fn time_limit() -> Duration {
    let secs = std::env::var("SYNACK_DOCS_TIMEOUT")
        .ok()
        .and_then(|v| v.parse().ok());
    Duration::from_secs(secs.unwrap_or(120))
}

#[derive(Debug)]
struct DocCommand {
    /// `docs/lessons/01-handshake.md:42`
    place: String,
    /// The command to run, without `$ `, `sudo ` and the trailing comment.
    cmd: String,
    /// Expected exit code.
    exit: i32,
    /// Why it is not run, if it is not.
    skip: Option<String>,
}

fn crate_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Splits `cmd  # comment` at the first `#` that starts a word outside quotes.
fn split_comment(line: &str) -> (&str, &str) {
    let (mut single, mut double) = (false, false);
    let mut prev_space = true;
    for (i, c) in line.char_indices() {
        match c {
            '\'' if !double => single = !single,
            '"' if !single => double = !double,
            '#' if !single && !double && prev_space => {
                return (line[..i].trim_end(), line[i + 1..].trim());
            }
            _ => {}
        }
        prev_space = c.is_whitespace();
    }
    (line.trim_end(), "")
}

/// The words of a command line, quotes removed (enough for the docs' commands).
fn words(cmd: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let (mut single, mut double, mut any) = (false, false, false);
    for c in cmd.chars() {
        match c {
            '\'' if !double => {
                single = !single;
                any = true;
            }
            '"' if !single => {
                double = !double;
                any = true;
            }
            c if c.is_whitespace() && !single && !double => {
                if any || !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                }
                any = false;
            }
            c => cur.push(c),
        }
    }
    if any || !cur.is_empty() {
        out.push(cur);
    }
    out
}

fn has_cap_net_raw() -> bool {
    // CAP_NET_RAW is capability 13.
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("CapEff:"))
                .and_then(|v| u64::from_str_radix(v.trim(), 16).ok())
        })
        .is_some_and(|caps| caps & (1 << 13) != 0)
}

fn on_path(program: &str) -> bool {
    if program == "synack" {
        return true;
    }
    std::env::var_os("PATH")
        .is_some_and(|paths| std::env::split_paths(&paths).any(|d| d.join(program).is_file()))
}

/// The parts of a shell line between `|`, `;` and `&` outside quotes.
fn shell_parts(cmd: &str) -> Vec<&str> {
    let (mut single, mut double) = (false, false);
    let mut parts = Vec::new();
    let mut start = 0;
    for (i, c) in cmd.char_indices() {
        match c {
            '\'' if !double => single = !single,
            '"' if !single => double = !double,
            '|' | ';' | '&' if !single && !double => {
                parts.push(&cmd[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&cmd[start..]);
    parts
}

/// The programs a shell line starts: the first word of each pipeline part.
fn programs(cmd: &str) -> Vec<String> {
    shell_parts(cmd)
        .into_iter()
        .filter_map(|part| words(part).into_iter().next())
        .filter(|w| !w.is_empty() && !w.contains('='))
        .collect()
}

/// Decides whether a synack command can run here; None if it can.
fn skip_reason(cmd: &str, comment: &str, raw: bool) -> Option<String> {
    if comment
        .split_whitespace()
        .any(|w| w.trim_matches(|c: char| !c.is_alphanumeric()) == "interactive")
    {
        return Some("marked interactive".into());
    }
    // The first synack command of the line decides what it needs.
    let first: Vec<String> = shell_parts(cmd)
        .into_iter()
        .map(words)
        .find(|w| w.first().is_some_and(|p| p == "synack"))
        .unwrap_or_default();
    let mut args = first.iter().skip(1).map(String::as_str);
    let mut sub = None;
    while let Some(a) = args.next() {
        if a == "--lang" {
            args.next();
        } else if !a.starts_with('-') {
            sub = Some(a);
            break;
        }
    }
    let has = |flag: &str| {
        first
            .iter()
            .any(|w| w == flag || w.starts_with(&format!("{flag}=")))
    };
    match sub {
        Some("sniff") if !has("--count") && !has("--duration") => {
            return Some("sniff without --count or --duration runs until Ctrl-C".into());
        }
        Some("sniff") | Some("live") if !has("--list") && !has("--help") && !raw => {
            return Some("needs CAP_NET_RAW (run the tests as root to include it)".into());
        }
        // trace needs root for the tracepoints, whatever capabilities say.
        Some("trace") if !has("--help") && runs_as_root() == Some(false) => {
            return Some("trace needs root (the syscall tracepoints in tracefs)".into());
        }
        _ => {}
    }
    if let Some(missing) = programs(cmd).into_iter().find(|p| !on_path(p)) {
        return Some(format!("{missing} is not installed"));
    }
    None
}

/// The commands of one Markdown file, in order.
fn commands_in(path: &Path, text: &str, raw: bool) -> Vec<DocCommand> {
    let rel = path
        .strip_prefix(crate_dir())
        .unwrap_or(path)
        .display()
        .to_string();
    let mut out = Vec::new();
    let mut fence: Option<(String, bool)> = None; // (marker, is shell)
    for (i, line) in text.lines().enumerate() {
        let trimmed = line.trim_start();
        if let Some((marker, shell)) = &fence {
            if trimmed.starts_with(marker.as_str())
                && trimmed.trim_start_matches('`').trim().is_empty()
            {
                fence = None;
                continue;
            }
            if !shell {
                continue;
            }
            let body = trimmed.strip_prefix("$ ").unwrap_or(trimmed);
            let body = body.strip_prefix("sudo ").unwrap_or(body);
            // `sudo $(command -v synack) live`: sudo's secure_path does not
            // hold ~/.cargo/bin, so the docs give sudo the full path.
            let body = match body.strip_prefix("$(command -v synack)") {
                Some(rest) => format!("synack{rest}"),
                None => body.to_string(),
            };
            let body = body.as_str();
            if !(body.starts_with("synack ") || body == "synack" || body.starts_with("tshark ")) {
                continue;
            }
            let (cmd, comment) = split_comment(body);
            let exit = comment
                .split_whitespace()
                .collect::<Vec<_>>()
                .windows(2)
                .find(|w| w[0] == "exits")
                .and_then(|w| {
                    w[1].trim_end_matches(|c: char| !c.is_ascii_digit())
                        .parse()
                        .ok()
                })
                .unwrap_or(0);
            out.push(DocCommand {
                place: format!("{rel}:{}", i + 1),
                cmd: cmd.to_string(),
                exit,
                skip: skip_reason(cmd, comment, raw),
            });
        } else if trimmed.starts_with("```") {
            let marker: String = trimmed.chars().take_while(|&c| c == '`').collect();
            let lang = trimmed[marker.len()..]
                .trim()
                .split([' ', ',', '{'])
                .next()
                .unwrap_or("");
            let shell = matches!(lang, "sh" | "bash" | "shell" | "console");
            fence = Some((marker, shell));
        }
    }
    out
}

fn markdown_files() -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                walk(&p, out);
            } else if p.extension().is_some_and(|x| x == "md") {
                out.push(p);
            }
        }
    }
    let mut files = vec![
        crate_dir().join("README.md"),
        crate_dir().join("captures/README.md"),
    ];
    let mut docs = Vec::new();
    walk(&crate_dir().join("docs"), &mut docs);
    docs.sort();
    files.extend(docs);
    files
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            copy_dir(&p, &to.join(e.file_name()));
        } else {
            std::fs::copy(&p, to.join(e.file_name())).unwrap();
        }
    }
}

/// A fresh directory to run one Markdown file's commands in.
fn workdir(n: usize) -> PathBuf {
    let d = std::env::temp_dir().join(format!("synack-docs-{}-{n}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    let captures = crate_dir().join("captures");
    copy_dir(&captures, &d.join("captures"));
    // The lessons run the example programs by their path in the repository.
    copy_dir(&crate_dir().join("examples"), &d.join("examples"));
    for name in ["trace.pcap", "trace.pcapng"] {
        std::fs::copy(captures.join("sim-handshake.pcap"), d.join(name)).unwrap();
    }
    d
}

/// A directory holding only `synack`, a link to the built binary.
fn bin_dir() -> PathBuf {
    let d = std::env::temp_dir().join(format!("synack-docs-bin-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    std::os::unix::fs::symlink(env!("CARGO_BIN_EXE_synack"), d.join("synack")).unwrap();
    d
}

/// Runs one command; Err says what went wrong.
fn run(c: &DocCommand, dir: &Path, bin: &Path) -> Result<(), String> {
    use std::os::unix::process::CommandExt;
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_else(|_| "/usr/bin:/bin".into())
    );
    let out_file = dir.with_extension("stdout");
    let err_file = dir.with_extension("stderr");
    let mut child = Command::new("sh")
        .arg("-c")
        .arg(&c.cmd)
        .current_dir(dir)
        .env("PATH", path)
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env("LANG", "C")
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&out_file).unwrap())
        .stderr(std::fs::File::create(&err_file).unwrap())
        .process_group(0)
        .spawn()
        .map_err(|e| format!("cannot start sh: {e}"))?;
    let start = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if start.elapsed() > time_limit() {
            // Kill the process group that sh leads (sh and what it started).
            // SAFETY: kill(2) with a negative pid signals that process group only.
            unsafe { libc::kill(-(child.id() as i32), libc::SIGKILL) };
            let _ = child.wait();
            return Err(format!(
                "still running after {} s (killed)",
                time_limit().as_secs()
            ));
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let code = status.code().unwrap_or(-1);
    if code == c.exit {
        return Ok(());
    }
    let stderr = std::fs::read_to_string(&err_file).unwrap_or_default();
    let tail: Vec<&str> = stderr.lines().rev().take(5).collect();
    let tail: Vec<&str> = tail.into_iter().rev().collect();
    Err(format!(
        "exited {code}, expected {} (add `# exits {code}` if that is intended); stderr:\n      {}",
        c.exit,
        tail.join("\n      ")
    ))
}

#[test]
fn every_documented_command_runs() {
    let raw = has_cap_net_raw();
    let bin = bin_dir();
    let (mut ran, mut skipped, mut failures) = (0, 0, Vec::new());
    for (n, file) in markdown_files().iter().enumerate() {
        let text = std::fs::read_to_string(file).unwrap();
        let commands = commands_in(file, &text, raw);
        if commands.is_empty() {
            continue;
        }
        let dir = workdir(n);
        for c in &commands {
            if let Some(why) = &c.skip {
                println!("SKIP {}: {}  ({why})", c.place, c.cmd);
                skipped += 1;
                continue;
            }
            match run(c, &dir, &bin) {
                Ok(()) => {
                    println!("ok   {}: {}", c.place, c.cmd);
                    ran += 1;
                }
                Err(e) => failures.push(format!("{}: {}\n    {e}", c.place, c.cmd)),
            }
        }
        let _ = std::fs::remove_dir_all(&dir);
        let _ = std::fs::remove_file(dir.with_extension("stdout"));
        let _ = std::fs::remove_file(dir.with_extension("stderr"));
    }
    let _ = std::fs::remove_dir_all(&bin);
    println!(
        "{ran} commands ran, {skipped} skipped, {} failed",
        failures.len()
    );
    assert!(
        ran >= 20,
        "only {ran} documented commands ran: is the parser broken?"
    );
    assert!(
        failures.is_empty(),
        "documented commands that fail:\n{}",
        failures.join("\n")
    );
}

#[test]
fn parser_conventions() {
    let md = "text\n```sh\n$ synack scenarios\nsudo synack sniff --port 80   # interactive\n\
              synack inspect nothing.pcap   # exits 1\ncargo test\nsynack simulate | head -3\n\
              sudo $(command -v synack) live --list\n$(command -v synack) x\n```\n\
              ```text\nsynack not-a-command\n```\n";
    let cmds = commands_in(Path::new("x.md"), md, true);
    let got: Vec<(&str, i32, bool)> = cmds
        .iter()
        .map(|c| (c.cmd.as_str(), c.exit, c.skip.is_some()))
        .collect();
    assert_eq!(
        got,
        [
            ("synack scenarios", 0, false),
            ("synack sniff --port 80", 0, true),
            ("synack inspect nothing.pcap", 1, false),
            ("synack simulate | head -3", 0, false),
            ("synack live --list", 0, false),
            ("synack x", 0, false),
        ]
    );
    assert_eq!(
        split_comment("synack x --json | jq '.a # b'  # c"),
        ("synack x --json | jq '.a # b'", "c")
    );
    assert!(skip_reason("synack sniff --port 8080 --count 4", "", false).is_some());
    assert!(skip_reason("synack sniff --port 8080 --count 4", "", true).is_none());
    assert!(skip_reason("synack live --list", "", false).is_none());
    assert!(skip_reason("synack --lang zh live --auto", "", false).is_some());
    assert!(skip_reason("synack simulate | no-such-program-here", "", true).is_some());
    assert!(
        skip_reason(
            "synack simulate --json | jq -c 'select(.a | index(\"RST\")) | {frame, b}'",
            "",
            true
        )
        .is_none_or(|why| why == "jq is not installed")
    );
}

/// Whether the tests run as root (uid 0), read from /proc (no libc here).
fn runs_as_root() -> Option<bool> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let uid = status.lines().find(|l| l.starts_with("Uid:"))?;
    Some(uid.split_whitespace().nth(2)? == "0")
}
