//! The README's front door: a newcomer types its first set-up command and
//! then `synack …` as every lesson does, so that command must build,
//! install and start synack, and leave it where the README says.
//!
//! `the_first_setup_command_installs_and_starts_synack_on_a_clean_clone`
//! does a release build of a fresh `git clone`, so it is `#[ignore]`d and
//! `.ci/run` runs it by name (`cargo test --test front_door -- --ignored`).
//! It never touches the real `~/.cargo`: the install root is a temporary
//! directory (`CARGO_INSTALL_ROOT`), and the build goes to
//! `target/front-door` so a second run reuses the compiled dependencies.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn crate_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn readme() -> String {
    std::fs::read_to_string(crate_dir().join("README.md")).unwrap()
}

/// The command lines of the first `sh` block under `## Set up`, each
/// without its trailing comment.
fn setup_lines(readme: &str) -> Vec<String> {
    let section = readme
        .split("\n## Set up\n")
        .nth(1)
        .expect("README.md has no `## Set up` section");
    let section = section.split("\n## ").next().unwrap();
    let block = section
        .split("```sh\n")
        .nth(1)
        .expect("the set-up section has no ```sh block")
        .split("\n```")
        .next()
        .unwrap();
    block
        .lines()
        .map(|l| l.split(" #").next().unwrap().trim().to_string())
        .filter(|l| !l.is_empty())
        .collect()
}

/// The first set-up line split into what installs and what starts synack.
fn install_and_start(line: &str) -> (&str, &str) {
    let (install, start) = line
        .rsplit_once("&&")
        .unwrap_or_else(|| panic!("the first set-up line does not install, then start: {line}"));
    (install.trim(), start.trim())
}

#[test]
fn the_setup_block_installs_and_starts_then_tests() {
    let text = readme();
    let lines = setup_lines(&text);
    assert_eq!(
        lines.len(),
        2,
        "the set-up block should be two lines: {lines:?}"
    );
    let (install, start) = install_and_start(&lines[0]);
    assert!(
        install.starts_with("cargo install ") && install.contains("--locked"),
        "the first command should install from the committed Cargo.lock: {install}"
    );
    // Bare `synack`, as the lessons type it, so it has to be found on PATH.
    assert_eq!(start, "synack");
    assert_eq!(lines[1], "cargo test");
    // The README says where the binary goes and how to run without it.
    assert!(text.contains("`~/.cargo/bin/synack`"));
    assert!(text.contains("`cargo run --release`"));
    // CI runs the README's second command and the slow test of the first.
    let ci = std::fs::read_to_string(crate_dir().join(".ci/run")).unwrap();
    let ci_lines: Vec<&str> = ci.lines().map(str::trim).collect();
    assert!(ci_lines.contains(&"cargo test </dev/null"));
    assert!(ci_lines.contains(&"cargo test --test front_door -- --ignored </dev/null"));
}

/// Removes the temporary directory however the test ends.
struct TempDir(PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn git(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("cannot run git");
    assert!(
        out.status.success(),
        "git {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

fn sh(line: &str, dir: &Path, root: &Path) -> Output {
    let path = format!(
        "{}:{}",
        root.join("bin").display(),
        std::env::var("PATH").unwrap_or_else(|_| "/usr/bin:/bin".into())
    );
    Command::new("sh")
        .arg("-c")
        .arg(line)
        .current_dir(dir)
        .env("PATH", path)
        .env("CARGO_INSTALL_ROOT", root)
        .env("CARGO_TARGET_DIR", crate_dir().join("target/front-door"))
        // The dependencies are in cargo's cache already (this test was
        // built from them): the check must not depend on the network.
        .env("CARGO_NET_OFFLINE", "true")
        .env("LANG", "C")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .stdin(Stdio::null())
        .output()
        .expect("cannot run sh")
}

fn default_simulation() -> Vec<u8> {
    let out = Command::new(env!("CARGO_BIN_EXE_synack"))
        .args(["simulate", "handshake", "--plain"])
        .env("LANG", "C")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .output()
        .unwrap();
    assert!(out.status.success());
    out.stdout
}

fn stderr_tail(out: &Output) -> String {
    let s = String::from_utf8_lossy(&out.stderr);
    let lines: Vec<&str> = s.lines().collect();
    lines[lines.len().saturating_sub(15)..].join("\n")
}

#[test]
#[ignore = "a release build of a fresh clone; .ci/run runs it by name"]
fn the_first_setup_command_installs_and_starts_synack_on_a_clean_clone() {
    let text = readme();
    let lines = setup_lines(&text);
    let first = &lines[0];

    let tmp =
        TempDir(std::env::temp_dir().join(format!("synack-front-door-{}", std::process::id())));
    let _ = std::fs::remove_dir_all(&tmp.0);
    std::fs::create_dir_all(&tmp.0).unwrap();
    let clone = tmp.0.join("synack");
    let root = tmp.0.join("cargo-root");
    // A clone of a worktree checks out the repository's default branch:
    // put it on the commit this tree is at.
    let head = git(&crate_dir(), &["rev-parse", "HEAD"]);
    let status = Command::new("git")
        .args(["clone", "--quiet"])
        .arg(crate_dir())
        .arg(&clone)
        .stdin(Stdio::null())
        .status()
        .expect("cannot run git");
    assert!(status.success(), "git clone failed");
    git(&clone, &["checkout", "--quiet", "--detach", &head]);
    assert!(!clone.join("target").exists(), "a clean clone has no build");

    // The README's line exactly as written. Its `synack` starts the terminal
    // UI on a terminal; here stdout is a pipe, so it prints the default
    // simulation as plain text instead, which is what we compare.
    let out = sh(first, &clone, &root);
    assert!(
        out.status.success(),
        "`{first}` failed on a clean clone ({}):\n{}",
        out.status,
        stderr_tail(&out)
    );
    let expected = default_simulation();
    assert!(
        out.stdout == expected,
        "`{first}` did not start the default simulation; it printed:\n{}",
        String::from_utf8_lossy(&out.stdout)
    );

    // Where the README says: `~/.cargo/bin/synack`, i.e. `bin/` under the
    // install root, and that is the `synack` the shell finds.
    let installed = root.join("bin/synack");
    assert!(installed.is_file(), "no {}", installed.display());
    let found = sh("command -v synack", &clone, &root);
    assert_eq!(
        String::from_utf8_lossy(&found.stdout).trim(),
        installed.to_str().unwrap()
    );
    let version = Command::new(&installed).arg("--version").output().unwrap();
    assert!(version.status.success());
    assert_eq!(
        String::from_utf8_lossy(&version.stdout),
        format!("synack {}\n", env!("CARGO_PKG_VERSION"))
    );
    let plain = Command::new(&installed)
        .args(["simulate", "--plain"])
        .env("LANG", "C")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .output()
        .unwrap();
    assert!(plain.status.success());
    assert!(
        plain.stdout == expected,
        "the installed `synack simulate --plain` differs"
    );

    // The no-install alternative the README names starts the same simulation.
    let run = sh("cargo run --release --quiet", &clone, &root);
    assert!(
        run.status.success(),
        "`cargo run --release` failed:\n{}",
        stderr_tail(&run)
    );
    assert!(
        run.stdout == expected,
        "`cargo run --release` printed something else"
    );
}
