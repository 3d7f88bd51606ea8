//! The terminal comes back on every way out of the TUI: `q`, Esc, Ctrl-C,
//! SIGTERM from outside, and a panic. Each test runs the real binary in a
//! pseudo-terminal made by tmux (on a tmux server of its own), then reads,
//! right after synack exits and before any shell could repair it:
//!
//! - `stty -a` in that terminal (cooked mode: `icanon`, `echo`);
//! - tmux's own view of the pane: `#{alternate_on}` (still on the
//!   alternate screen?), `#{mouse_any_flag}` (mouse capture left on?),
//!   `#{cursor_flag}` (cursor hidden?).
//!
//! Skipped (with a message) when tmux is not installed; `.ci/run` installs
//! it.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::thread::sleep;
use std::time::{Duration, Instant};

struct Tmux {
    socket: String,
    session: String,
    dir: PathBuf,
}

impl Tmux {
    /// Start `cmd` (a shell command line) in a detached 120x40 session.
    fn start(name: &str, cmd: &str) -> Option<Tmux> {
        if Command::new("tmux").arg("-V").output().is_err() {
            eprintln!("SKIP: tmux is not installed");
            return None;
        }
        let id = format!("synack-{name}-{}", std::process::id());
        let dir = std::env::temp_dir().join(&id);
        std::fs::create_dir_all(&dir).unwrap();
        let t = Tmux {
            socket: id.clone(),
            session: id,
            dir,
        };
        let ok = Command::new("tmux")
            .args(["-L", &t.socket, "-f", "/dev/null", "new-session", "-d"])
            .args(["-s", &t.session, "-x", "120", "-y", "40", cmd])
            .status()
            .unwrap()
            .success();
        assert!(ok, "tmux new-session failed");
        Some(t)
    }

    fn tmux(&self, args: &[&str]) -> String {
        let out = Command::new("tmux")
            .args(["-L", &self.socket])
            .args(args)
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    fn screen(&self) -> String {
        self.tmux(&["capture-pane", "-p", "-t", &self.session])
    }

    fn keys(&self, keys: &[&str]) {
        let mut a = vec!["send-keys", "-t", &self.session];
        a.extend_from_slice(keys);
        self.tmux(&a);
    }

    /// Wait until the screen shows `text`.
    fn wait_for(&self, text: &str, secs: u64) -> String {
        let end = Instant::now() + Duration::from_secs(secs);
        let mut s = self.screen();
        while !s.contains(text) && Instant::now() < end {
            sleep(Duration::from_millis(100));
            s = self.screen();
        }
        s
    }

    /// Wait until `file` (in the test's directory) exists and is complete
    /// (the shell writes `done` last).
    fn wait_file(&self, file: &str, secs: u64) -> Option<String> {
        let p = self.dir.join(file);
        let end = Instant::now() + Duration::from_secs(secs);
        while Instant::now() < end {
            if let Ok(s) = std::fs::read_to_string(&p)
                && s.contains("done")
            {
                return Some(s);
            }
            sleep(Duration::from_millis(100));
        }
        None
    }

    fn pane_flags(&self) -> String {
        self.tmux(&[
            "display",
            "-p",
            "-t",
            &self.session,
            "alternate_on=#{alternate_on} mouse_any=#{mouse_any_flag} cursor=#{cursor_flag}",
        ])
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        self.tmux(&["kill-server"]);
        std::fs::remove_dir_all(&self.dir).ok();
    }
}

/// The command line: run synack with `env` and `args`, then record its
/// exit status and the terminal mode into `after.txt`, then stay open so
/// tmux can be asked about the pane.
fn script(dir: &Path, env: &str, args: &str) -> String {
    let bin = env!("CARGO_BIN_EXE_synack");
    let out = dir.join("after.txt");
    let out = out.display();
    format!(
        "{env} {bin} {args}; echo \"status=$?\" > {out}; stty -a >> {out}; echo done >> {out}; sleep 30"
    )
}

/// The checks after synack has exited: cooked mode, echo, main screen,
/// no mouse capture, cursor shown.
fn assert_restored(t: &Tmux, how: &str) -> String {
    let after = t
        .wait_file("after.txt", 15)
        .unwrap_or_else(|| panic!("{how}: synack did not exit; screen:\n{}", t.screen()));
    let words: Vec<&str> = after.split_whitespace().collect();
    let flags = t.pane_flags();
    let mut bad = Vec::new();
    if !words.contains(&"icanon") {
        bad.push("not in canonical mode (-icanon: still raw)");
    }
    if !words.contains(&"echo") {
        bad.push("echo is off");
    }
    if !flags.contains("alternate_on=0") {
        bad.push("still on the alternate screen");
    }
    if !flags.contains("mouse_any=0") {
        bad.push("mouse capture still on");
    }
    if !flags.contains("cursor=1") {
        bad.push("cursor still hidden");
    }
    assert!(
        bad.is_empty(),
        "{how}: the terminal was not restored: {}\n{flags}\n{after}\nscreen:\n{}",
        bad.join(", "),
        t.screen()
    );
    after
}

/// The pid of synack inside the pane (a child of the pane's shell).
fn synack_pid(t: &Tmux) -> Option<i32> {
    let shell: i32 = t
        .tmux(&["display", "-p", "-t", &t.session, "#{pane_pid}"])
        .trim()
        .parse()
        .ok()?;
    for e in std::fs::read_dir("/proc").ok()?.flatten() {
        let Ok(pid) = e.file_name().to_string_lossy().parse::<i32>() else {
            continue;
        };
        let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
            continue;
        };
        // pid (comm) state ppid ...
        let Some(rest) = stat.rsplit_once(") ").map(|(_, r)| r) else {
            continue;
        };
        let ppid: i32 = rest
            .split(' ')
            .nth(1)
            .and_then(|p| p.parse().ok())
            .unwrap_or(0);
        if ppid == shell && stat.contains("(synack)") {
            return Some(pid);
        }
    }
    None
}

fn quit_with(name: &str, keys: &[&str]) {
    let dir = std::env::temp_dir().join(format!("synack-quit-{name}-{}", std::process::id()));
    let Some(t) = Tmux::start(
        &format!("quit-{name}"),
        &script(&dir, "", "simulate handshake"),
    ) else {
        return;
    };
    assert_eq!(t.dir, dir);
    let s = t.wait_for("step 1/", 15);
    assert!(s.contains("step 1/"), "the TUI did not start:\n{s}");
    t.keys(&["Right", "Right"]);
    t.wait_for("step 3/", 5);
    t.keys(keys);
    let after = assert_restored(&t, name);
    assert!(after.contains("status=0"), "{name}: {after}");
}

#[test]
fn q_restores_the_terminal() {
    quit_with("q", &["q"]);
}

#[test]
fn esc_restores_the_terminal() {
    quit_with("esc", &["Escape"]);
}

#[test]
fn ctrl_c_restores_the_terminal() {
    quit_with("ctrl-c", &["C-c"]);
}

/// `kill PID` (SIGTERM) while the TUI runs: the default action ends the
/// process at once, without the `Guard`'s drop or the panic hook, so the
/// terminal stays raw, on the alternate screen, with mouse capture on.
#[test]

fn sigterm_restores_the_terminal() {
    let dir = std::env::temp_dir().join(format!("synack-sigterm-{}", std::process::id()));
    let Some(t) = Tmux::start("sigterm", &script(&dir, "", "simulate handshake")) else {
        return;
    };
    let s = t.wait_for("step 1/", 15);
    assert!(s.contains("step 1/"), "the TUI did not start:\n{s}");
    let pid = synack_pid(&t).expect("synack's pid in the pane");
    // SAFETY: plain kill(2) of our own grandchild.
    unsafe { libc::kill(pid, libc::SIGTERM) };
    assert_restored(&t, "SIGTERM");
}

/// A panic inside the TUI, forced from outside: with `SYNACK_TEST_PANIC=1`
/// in its environment the TUI panics right after drawing its first frame.
/// This needs a hook in src/view/tui/mod.rs that does not exist yet:
///
/// ```text
/// // in event_loop, after terminal.draw(..)?:
/// if std::env::var_os("SYNACK_TEST_PANIC").is_some() {
///     panic!("SYNACK_TEST_PANIC: a panic forced for the terminal-restore test");
/// }
/// ```
///
/// (read once before the loop). Expected: the panic hook restores the
/// terminal first, then the message lands on the main screen, exit 101.
#[test]

fn a_panic_inside_the_tui_restores_the_terminal() {
    let dir = std::env::temp_dir().join(format!("synack-panic-{}", std::process::id()));
    let Some(t) = Tmux::start(
        "panic",
        &script(&dir, "SYNACK_TEST_PANIC=1", "simulate handshake"),
    ) else {
        return;
    };
    let after = assert_restored(&t, "panic");
    assert!(after.contains("status=101"), "not a panic exit: {after}");
    let screen = t.screen();
    assert!(
        screen.contains("SYNACK_TEST_PANIC"),
        "the panic message is not on the main screen:\n{screen}"
    );
}

/// A terminal that goes away (a closed window, a dropped SSH session) ends
/// the TUI: it must not keep running, let alone spin on the dead terminal
/// (crossterm's reader would retry end-of-file for ever).
#[test]
fn the_tui_exits_when_its_terminal_hangs_up() {
    if std::process::Command::new("tmux")
        .arg("-V")
        .output()
        .is_err()
    {
        eprintln!("SKIP: tmux is not installed");
        return;
    }
    let dir = std::env::temp_dir().join(format!("synack-hangup-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let pidfile = dir.join("pid");
    let socket = format!("synack-hangup-{}", std::process::id());
    let cmd = format!(
        "sh -c 'echo $$ > {}; exec {} simulate handshake'",
        pidfile.display(),
        env!("CARGO_BIN_EXE_synack")
    );
    let tmux = |args: &[&str]| {
        std::process::Command::new("tmux")
            .args(["-L", &socket])
            .args(args)
            .output()
            .unwrap()
    };
    tmux(&["new", "-d", "-s", "h", "-x", "80", "-y", "24", &cmd]);
    let mut pid = None;
    for _ in 0..50 {
        std::thread::sleep(std::time::Duration::from_millis(100));
        if let Ok(p) = std::fs::read_to_string(&pidfile)
            && let Ok(n) = p.trim().parse::<i32>()
        {
            pid = Some(n);
            break;
        }
    }
    let pid = pid.expect("synack started");
    std::thread::sleep(std::time::Duration::from_millis(700));
    tmux(&["kill-server"]);
    let gone = (0..40).any(|_| {
        std::thread::sleep(std::time::Duration::from_millis(100));
        // SAFETY: signal 0 only asks whether the process exists.
        unsafe { libc::kill(pid, 0) != 0 }
    });
    if !gone {
        // SAFETY: clean up the runaway before failing.
        unsafe { libc::kill(pid, libc::SIGKILL) };
    }
    std::fs::remove_dir_all(&dir).ok();
    assert!(gone, "synack kept running after its terminal hung up");
}

/// `kill -INT PID` from outside (raw mode turns Ctrl-C into a key, so this
/// SIGINT comes from another process): the TUI ends as on SIGTERM, the
/// terminal is restored, and the exit status says a signal ended it
/// (128+2), not 0. Before: SIGINT's default action killed synack with the
/// terminal raw, on the alternate screen, mouse capture on, cursor hidden.
#[test]
fn an_external_sigint_restores_the_terminal_and_exits_130() {
    for (name, args, wait) in [
        ("sigint-simulate", "simulate handshake", "step 1/"),
        ("sigint-quiz", "quiz", "1/"),
    ] {
        let dir = std::env::temp_dir().join(format!("synack-{name}-{}", std::process::id()));
        let Some(t) = Tmux::start(name, &script(&dir, "", args)) else {
            return;
        };
        let s = t.wait_for(wait, 15);
        assert!(s.contains(wait), "{name}: the TUI did not start:\n{s}");
        let pid = synack_pid(&t).expect("synack's pid in the pane");
        // SAFETY: plain kill(2) of our own grandchild.
        unsafe { libc::kill(pid, libc::SIGINT) };
        let after = assert_restored(&t, name);
        assert!(after.contains("status=130"), "{name}: {after}");
    }
}

/// SIGINT and SIGHUP to the sniffer's TUI: it stops like on `q` (the
/// capture finished, the terminal restored), exit 128+N. Before: the
/// sniffer's own SIGINT handler set a flag the TUI never looked at, so
/// SIGINT was ignored. Needs root (CAP_NET_RAW); SKIP otherwise.
#[test]
fn sigint_and_sighup_stop_the_sniff_tui() {
    if synack::source::kernel::sniffer::RawSocket::open("lo").is_err() {
        eprintln!("SKIP: sniffing needs CAP_NET_RAW (run the tests as root)");
        return;
    }
    for (signal, name, code) in [(libc::SIGINT, "int", 130), (libc::SIGHUP, "hup", 129)] {
        let name = format!("sniff-tui-sig{name}");
        let dir = std::env::temp_dir().join(format!("synack-{name}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let save = dir.join("tui.pcap");
        let Some(t) = Tmux::start(
            &name,
            &script(
                &dir,
                "",
                &format!("sniff --port 9 --save {}", save.display()),
            ),
        ) else {
            return;
        };
        // The TUI is up once the alternate screen is on.
        let end = Instant::now() + Duration::from_secs(15);
        while !t.pane_flags().contains("alternate_on=1") && Instant::now() < end {
            sleep(Duration::from_millis(100));
        }
        let pid = synack_pid(&t).expect("synack's pid in the pane");
        // SAFETY: plain kill(2) of our own grandchild.
        unsafe { libc::kill(pid, signal) };
        let after = assert_restored(&t, &name);
        assert!(after.contains(&format!("status={code}")), "{name}: {after}");
        assert!(save.exists(), "{name}: the capture was not finished");
    }
}
