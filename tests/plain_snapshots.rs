//! Snapshots of `synack simulate SCENARIO --plain` for every scenario. A
//! change to the ladder or the explanations shows up here as a diff to
//! review (`cargo insta review`, or INSTA_UPDATE=always to accept).

use std::process::Command;

#[test]
fn plain_ladder_of_every_scenario() {
    for name in synack::source::scenario::NAMES {
        let out = Command::new(env!("CARGO_BIN_EXE_synack"))
            .args(["simulate", name, "--plain"])
            .output()
            .expect("run synack");
        assert!(out.status.success());
        let text = String::from_utf8(out.stdout).expect("UTF-8");
        for line in text.lines() {
            assert!(
                line.chars().count() <= 80,
                "{name}: line wider than 80 columns: {line:?}"
            );
        }
        insta::assert_snapshot!(format!("plain_{name}"), text);
    }
}
