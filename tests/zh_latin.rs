//! `--lang zh` output is Chinese: no English words remain in what synack
//! says, except the names a Chinese textbook keeps in Latin letters too
//! (protocol names, flags, state names, socket calls, errno names, Node.js
//! event names, header fields, units) and the command's own identifiers
//! (scenario and script names, which the reader types).
//!
//! Runs every scenario with `--plain` and `--json`, every live script with
//! `--plain` (root only; prints SKIP otherwise), the plain quiz with piped
//! answers, and a TUI render.

use std::collections::BTreeSet;
use std::io::Write;
use std::process::{Command, Stdio};

mod common;

/// Words allowed in Chinese text, compared in their exact spelling: the
/// list is shared with tests/catalogue.rs, which checks zh.ftl itself.
fn allowed() -> &'static BTreeSet<&'static str> {
    static ALLOWED: std::sync::OnceLock<BTreeSet<&'static str>> = std::sync::OnceLock::new();
    ALLOWED.get_or_init(|| {
        include_str!("../locales/zh-latin-allowed.txt")
            .lines()
            .map(|l| l.split('#').next().unwrap_or(""))
            .flat_map(str::split_whitespace)
            .collect()
    })
}

/// Scenario and script names, which the reader types as arguments.
fn identifiers() -> BTreeSet<String> {
    let mut ids: BTreeSet<String> = BTreeSet::new();
    for name in synack::source::scenario::NAMES {
        ids.insert(name.to_string());
    }
    for s in synack::source::lab::script::all() {
        ids.insert(s.name.to_string());
    }
    ids
}

/// The Latin words in `text` that are not allowed.
fn foreign_words(text: &str) -> BTreeSet<String> {
    let ids = identifiers();
    let mut bad = BTreeSet::new();
    // A word: letters, digits, '_', '-', '.' inside; hex and numbers pass.
    let mut word = String::new();
    let flush = |w: &mut String, bad: &mut BTreeSet<String>| {
        let t = w
            .trim_matches(|c: char| c == '-' || c == '.' || c == '_')
            .to_string();
        w.clear();
        // ".." only occurs in a hex dump's character column.
        if t.is_empty() || !t.chars().any(|c| c.is_ascii_alphabetic()) || t.contains("..") {
            return;
        }
        // Single letters: answer choices, keys, tcpdump flags.
        if ids.contains(&t) || allowed().contains(t.as_str()) || t.len() == 1 {
            return;
        }
        // Addresses, hex numbers and dotted kernel names are checked part by part.
        let parts: Vec<&str> = t.split(['.', '-', ':']).filter(|p| !p.is_empty()).collect();
        let ok = parts.iter().all(|p| {
            !p.chars().any(|c| c.is_ascii_alphabetic())
                || allowed().contains(p)
                || ids.contains(*p)
                || (p.len() >= 2 && p.starts_with("0x"))
                || p.chars().all(|c| c.is_ascii_hexdigit())
                || p.chars().next().is_some_and(|c| c.is_ascii_digit())
        });
        if !ok {
            bad.insert(t);
        }
    };
    for c in text.chars() {
        if c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.') {
            word.push(c);
        } else {
            flush(&mut word, &mut bad);
        }
    }
    flush(&mut word, &mut bad);
    bad
}

/// The screen without the hex dump's rows (offset, bytes, and the bytes
/// again as characters, which may spell anything).
fn without_hex_dump(screen: &str) -> String {
    let is_dump = |cell: &str| {
        let t = cell.trim_start();
        t.len() > 6
            && t.as_bytes()[..4].iter().all(u8::is_ascii_hexdigit)
            && t[4..].starts_with("  ")
    };
    screen
        .lines()
        .map(|line| {
            line.split(['│', '┃'])
                .filter(|cell| !is_dump(cell))
                .collect::<Vec<_>>()
                .join("|")
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn strings(v: &serde_json::Value, out: &mut String) {
    match v {
        serde_json::Value::String(s) => {
            out.push_str(s);
            out.push('\n');
        }
        serde_json::Value::Array(a) => a.iter().for_each(|v| strings(v, out)),
        serde_json::Value::Object(m) => m.values().for_each(|v| strings(v, out)),
        _ => {}
    }
}

fn check(what: &str, text: &str, failures: &mut Vec<String>) {
    // What the programs themselves sent ("hello") is quoted data, not text.
    let text: String = text
        .split('"')
        .enumerate()
        .filter(|(i, _)| i % 2 == 0)
        .map(|(_, t)| t)
        .collect::<Vec<_>>()
        .join(" ");
    let bad = foreign_words(&text);
    if !bad.is_empty() {
        failures.push(format!("{what}: {bad:?}"));
    }
}

#[test]
fn the_checker_catches_english_and_passes_the_allowed_names() {
    assert!(foreign_words("客户端：connect() 返回 0，SYN_SENT，seq 1 ack 2 win 502").is_empty());
    assert!(foreign_words("192.0.2.1:50000，0x0012，60 s，net.ipv4.tcp_rfc1337").is_empty());
    assert_eq!(
        foreign_words("write() 5 bytes，RTO timer fires"),
        ["bytes", "fires", "timer"]
            .iter()
            .map(|s| s.to_string())
            .collect()
    );
}

#[test]
fn every_scenario_speaks_chinese_in_plain_and_json() {
    let mut failures = Vec::new();
    for name in synack::source::scenario::NAMES {
        let plain = common::stdout_of(&["simulate", name, "--plain", "--lang", "zh"]);
        check(&format!("simulate {name} --plain"), &plain, &mut failures);
        // The JSON keys and enum values are the contract, in English; the
        // sentences for people are what must be Chinese.
        let mut text = String::new();
        for step in common::ndjson(&["simulate", name, "--json", "--lang", "zh"]) {
            for key in ["explanation", "calls", "layers", "node_event"] {
                strings(&step[key], &mut text);
            }
        }
        check(&format!("simulate {name} --json"), &text, &mut failures);
    }
    let list = common::stdout_of(&["scenarios", "--lang", "zh"]);
    check("scenarios", &list, &mut failures);
    assert!(
        failures.is_empty(),
        "English left in zh output:\n{}",
        failures.join("\n")
    );
}

#[test]
fn every_capture_is_inspected_in_chinese() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("captures");
    let mut failures = Vec::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.to_string_lossy().to_string();
        if !(name.ends_with(".pcap") || name.ends_with(".pcapng")) {
            continue;
        }
        let out = common::stdout_of(&["inspect", &name, "--plain", "--lang", "zh"]);
        // The file name is the user's, not synack's words.
        check(
            &format!("inspect {name}"),
            &out.replace(&name, ""),
            &mut failures,
        );
        let table = common::stdout_of(&["inspect", &name, "--summary", "--lang", "zh"]);
        check(&format!("inspect {name} --summary"), &table, &mut failures);
    }
    assert!(
        failures.is_empty(),
        "English left in zh output:\n{}",
        failures.join("\n")
    );
}

#[test]
fn every_live_script_speaks_chinese() {
    if synack::source::kernel::sniffer::RawSocket::open("lo").is_err() {
        eprintln!("SKIP: needs CAP_NET_RAW (run as root)");
        return;
    }
    let mut failures = Vec::new();
    for s in synack::source::lab::script::all() {
        let plain = common::stdout_of(&[
            "live", "--script", s.name, "--auto", "--plain", "--lang", "zh",
        ]);
        check(&format!("live --script {}", s.name), &plain, &mut failures);
    }
    assert!(
        failures.is_empty(),
        "English left in zh output:\n{}",
        failures.join("\n")
    );
}

#[test]
fn the_plain_quiz_speaks_chinese() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_synack"))
        .args(["quiz", "--plain", "--lang", "zh"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Alternate answers so both "right" and "wrong" replies appear.
    let answers: String = "a\nb\nc\nd\n".repeat(20);
    child
        .stdin
        .take()
        .unwrap()
        .write_all(answers.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut failures = Vec::new();
    check(
        "quiz --plain",
        &String::from_utf8_lossy(&out.stdout),
        &mut failures,
    );
    assert!(
        failures.is_empty(),
        "English left in zh output:\n{}",
        failures.join("\n")
    );
}

#[test]
fn the_terminal_ui_speaks_chinese() {
    use crossterm::event::KeyCode;
    let mut failures = Vec::new();
    for name in ["handshake", "reorder", "refused"] {
        let tl = common::timeline(name);
        let mut app = synack::view::tui::app::App::new(&tl);
        app.lang = synack::explain::Lang::Zh;
        app.theme.color = false;
        for i in 0..tl.steps.len() {
            let screen = without_hex_dump(&common::render(&mut app, 200, 60));
            check(&format!("tui {name} step {i}"), &screen, &mut failures);
            app.handle_key(common::key(KeyCode::Right));
        }
    }
    assert!(
        failures.is_empty(),
        "English left in zh output:\n{}",
        failures.join("\n")
    );
}
