//! The command line contract: help with examples, the default command,
//! exit codes and one-line errors.

use std::process::{Command, Output};

fn synack(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_synack"))
        .args(args)
        .output()
        .expect("run synack")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn no_subcommand_runs_the_handshake_scenario() {
    // stdout is a pipe here, so both print plain text.
    let bare = synack(&[]);
    let explicit = synack(&["simulate", "handshake", "--plain"]);
    assert!(bare.status.success());
    assert_eq!(stdout(&bare), stdout(&explicit));
    assert!(stdout(&bare).contains("simulation: handshake"));
}

#[test]
fn every_help_explains_itself_with_an_example() {
    for args in [
        vec!["--help"],
        vec!["simulate", "--help"],
        vec!["scenarios", "--help"],
        vec!["inspect", "--help"],
        vec!["live", "--help"],
        vec!["sniff", "--help"],
        vec!["completions", "--help"],
        vec!["man", "--help"],
    ] {
        let o = synack(&args);
        assert!(o.status.success(), "{args:?}");
        let text = stdout(&o);
        assert!(text.contains("Example"), "{args:?} has no example:\n{text}");
        assert!(text.contains("synack"), "{args:?}");
    }
}

#[test]
fn scenarios_lists_each_with_a_description() {
    let o = synack(&["scenarios"]);
    assert!(o.status.success());
    let text = stdout(&o);
    for name in [
        "handshake",
        "server-closes-first",
        "three-way-close",
        "simultaneous-open",
        "simultaneous-close",
        "half-close",
        "refused",
        "abort",
        "close-with-unread-data",
        "syn-lost",
        "syn-ack-lost",
        "fin-lost",
        "time-wait",
    ] {
        let line = text
            .lines()
            .find(|l| l.split_whitespace().next() == Some(name))
            .unwrap_or_else(|| panic!("{name} not listed"));
        assert!(line.len() > name.len() + 10, "{name} has no description");
    }
}

#[test]
fn unknown_scenario_is_a_usage_error_exit_2() {
    // A wrong scenario name is a wrong argument: exit 2, as clap's other
    // usage errors, with the one line that says what is wrong first.
    let o = synack(&["simulate", "no-such-thing"]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    let first = err.lines().next().unwrap_or_default();
    assert!(first.contains("no-such-thing") && first.contains("synack scenarios"));
    assert!(!err.contains("panicked"));
}

#[test]
fn usage_errors_exit_2() {
    assert_eq!(synack(&["--no-such-flag"]).status.code(), Some(2));
    assert_eq!(
        synack(&["simulate", "--isn-client", "banana"])
            .status
            .code(),
        Some(2)
    );
    assert_eq!(
        synack(&["simulate", "--isn-client", "4294967296"])
            .status
            .code(),
        Some(2)
    );
    assert_eq!(
        synack(&["simulate", "--plain", "--json"]).status.code(),
        Some(2)
    );
}

#[test]
fn json_is_one_object_per_line() {
    let o = synack(&["simulate", "refused", "--json"]);
    assert!(o.status.success());
    let lines: Vec<_> = stdout(&o).lines().map(str::to_owned).collect();
    assert_eq!(lines.len(), 3);
    for l in lines {
        let v: serde_json::Value = serde_json::from_str(&l).unwrap();
        assert!(v["kind"].is_string());
    }
}

#[test]
fn chinese_explanations_from_the_flag_or_the_environment() {
    let flag = synack(&["simulate", "handshake", "--plain", "--lang", "zh"]);
    let text = stdout(&flag);
    assert!(text.contains("客户端调用 connect()"), "{text}");
    // Protocol names, flags and states stay as the RFC spells them.
    assert!(text.contains("SYN_RECEIVED") && text.contains("[S.]"));
    let env = Command::new(env!("CARGO_BIN_EXE_synack"))
        .args(["simulate", "handshake", "--plain"])
        .env("LC_ALL", "")
        .env("LANG", "zh_CN.UTF-8")
        .output()
        .unwrap();
    assert_eq!(stdout(&env), text);
    let english = Command::new(env!("CARGO_BIN_EXE_synack"))
        .args(["simulate", "handshake", "--plain"])
        .env("LC_ALL", "C")
        .env("LANG", "zh_CN.UTF-8")
        .output()
        .unwrap();
    assert!(stdout(&english).contains("The client calls connect()"));
    let json = synack(&["simulate", "refused", "--json", "--lang", "zh"]);
    let last: serde_json::Value =
        serde_json::from_str(stdout(&json).lines().last().unwrap()).unwrap();
    assert!(
        last["explanation"]
            .as_str()
            .unwrap()
            .contains("ECONNREFUSED"),
        "{last}"
    );
    assert!(last["explanation"].as_str().unwrap().contains("端口"));
}

#[test]
fn chinese_text_fits_80_columns_of_display_width() {
    use unicode_width::UnicodeWidthStr;
    for name in synack::source::scenario::NAMES {
        let o = synack(&["simulate", name, "--plain", "--lang", "zh"]);
        for line in stdout(&o).lines() {
            assert!(
                line.width() <= 80,
                "{name}: {} columns: {line}",
                line.width()
            );
        }
    }
}

#[test]
fn every_scenario_has_a_chinese_description() {
    let o = synack(&["scenarios", "--lang", "zh"]);
    assert!(o.status.success());
    let text = stdout(&o);
    assert_eq!(text.lines().count(), synack::source::scenario::NAMES.len());
    for line in text.lines() {
        let (name, desc) = line.split_once(' ').unwrap();
        assert!(
            !desc.trim().is_empty() && !desc.is_ascii(),
            "{name}: {desc}"
        );
    }
}
