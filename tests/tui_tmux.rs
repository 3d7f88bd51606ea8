//! Runs the real binary in tmux: step through `handshake`, quit with `q`,
//! and check the terminal came back to cooked mode. Skipped when tmux is
//! not installed.

use std::process::Command;
use std::thread::sleep;
use std::time::Duration;

fn tmux(args: &[&str]) -> String {
    let out = Command::new("tmux").args(args).output().expect("tmux runs");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn step_through_handshake_and_quit_restores_the_terminal() {
    if Command::new("tmux").arg("-V").output().is_err() {
        eprintln!("tmux not installed: skipped");
        return;
    }
    let session = format!("synack-test-{}", std::process::id());
    let bin = env!("CARGO_BIN_EXE_synack");
    let cmd = format!(
        "{bin} simulate handshake; stty -a > /dev/null; stty -a | tr ' ' '\\n' | grep -x -e icanon -e echo; sleep 20"
    );
    tmux(&[
        "new-session",
        "-d",
        "-s",
        &session,
        "-x",
        "120",
        "-y",
        "40",
        &cmd,
    ]);
    let capture = || tmux(&["capture-pane", "-p", "-t", &session]);
    let mut screen = String::new();
    for _ in 0..50 {
        sleep(Duration::from_millis(100));
        screen = capture();
        if screen.contains("step 1/21") {
            break;
        }
    }
    assert!(
        screen.contains("step 1/21"),
        "the TUI did not start:\n{screen}"
    );
    for _ in 0..4 {
        tmux(&["send-keys", "-t", &session, "Right"]);
    }
    for _ in 0..30 {
        sleep(Duration::from_millis(100));
        screen = capture();
        if screen.contains("step 5/21") {
            break;
        }
    }
    assert!(screen.contains("step 5/21"), "{screen}");
    assert!(screen.contains("rcv ACK of SYN"), "{screen}");
    tmux(&["send-keys", "-t", &session, "q"]);
    for _ in 0..30 {
        sleep(Duration::from_millis(100));
        screen = capture();
        if screen.contains("icanon") {
            break;
        }
    }
    tmux(&["kill-session", "-t", &session]);
    assert!(
        screen.contains("icanon"),
        "not back in cooked mode:\n{screen}"
    );
    assert!(screen.contains("echo"), "echo not restored:\n{screen}");
    assert!(
        !screen.contains("Ladder"),
        "still on the alternate screen:\n{screen}"
    );
}

// ---------------------------------------------------------------------------
// `run_capture` and `run_live` in a real terminal. The binary does not call
// them yet, so this test binary runs itself in tmux: the "child" tests below
// do nothing unless `SYNACK_TUI_CHILD` is set, and then open the TUI.

use synack::source::Source;
use synack::source::scenario;
use synack::source::sim::{SimConfig, Simulator};
use synack::timeline::{StepKind, Timeline};

fn simulated(name: &str) -> Timeline {
    let sc = scenario::get(name).unwrap();
    Simulator::run(SimConfig::default(), &sc.ops)
        .unwrap()
        .into_timeline(format!("simulation: {name}"), sc.summary.into())
}

/// A lab that reveals a simulation: one call per `advance()`, what it
/// causes on the next `poll()`s, one step each.
struct FakeLab {
    script: Timeline,
    shown: Timeline,
}

impl Source for FakeLab {
    fn timeline(&self) -> &Timeline {
        &self.shown
    }
    fn poll(&mut self) -> anyhow::Result<bool> {
        match self.script.steps.get(self.shown.steps.len()) {
            Some(s) if s.kind != StepKind::Call => {
                self.shown.steps.push(s.clone());
                Ok(true)
            }
            _ => Ok(false),
        }
    }
    fn advance(&mut self) -> anyhow::Result<bool> {
        while self.poll()? {}
        match self.script.steps.get(self.shown.steps.len()) {
            Some(s) => {
                let mut s = s.clone();
                s.kernel = Some(s.after);
                self.shown.steps.push(s);
                Ok(true)
            }
            None => Ok(false),
        }
    }
    fn next_hint(&self) -> Option<String> {
        let rest = &self.script.steps[self.shown.steps.len()..];
        let call = rest.iter().find(|s| s.kind == StepKind::Call)?;
        Some(format!("the {} calls {}", call.side, call.call.unwrap()))
    }
    fn finished(&self) -> bool {
        self.shown.steps.len() == self.script.steps.len()
    }
    fn status(&self) -> String {
        format!("fake lab, {} steps", self.shown.steps.len())
    }
}

#[test]
#[ignore = "run by the tmux tests below, in a terminal"]
fn child_run_capture() {
    let Ok(path) = std::env::var("SYNACK_TUI_CHILD") else {
        return;
    };
    let (tl, report) = synack::source::capture::timeline(
        std::path::Path::new(&path),
        synack::source::capture::ReadOptions {
            keep_bytes: true,
            ..Default::default()
        },
    )
    .unwrap();
    synack::view::tui::run_capture(&tl, &report.summaries, Default::default()).unwrap();
}

#[test]
#[ignore = "run by the tmux tests below, in a terminal"]
fn child_run_live() {
    if std::env::var("SYNACK_TUI_CHILD").is_err() {
        return;
    }
    let script = simulated("handshake");
    let mut lab = FakeLab {
        shown: Timeline {
            source: "live lab (fake)".into(),
            title: String::new(),
            streams: script.streams.clone(),
            steps: vec![],
        },
        script,
    };
    synack::view::tui::run_live(&mut lab, Default::default()).unwrap();
}

/// A tmux session, killed when dropped (also when an assertion fails).
struct Session(String);

impl Drop for Session {
    fn drop(&mut self) {
        tmux(&["kill-session", "-t", &self.0]);
    }
}

impl std::ops::Deref for Session {
    type Target = String;
    fn deref(&self) -> &String {
        &self.0
    }
}

/// Run `test` of this binary in a tmux session of `w`×`h`.
fn start_child(test: &str, arg: &str, w: u16, h: u16) -> Session {
    let session = format!("synack-{test}-{}", std::process::id());
    let exe = std::env::current_exe().unwrap();
    let cmd = format!(
        "SYNACK_TUI_CHILD='{arg}' '{}' --ignored --exact {test} --nocapture --test-threads 1; stty -a | tr ' ' '\\n' | grep -x -e icanon -e echo; sleep 20",
        exe.display()
    );
    tmux(&[
        "new-session",
        "-d",
        "-s",
        &session,
        "-x",
        &w.to_string(),
        "-y",
        &h.to_string(),
        &cmd,
    ]);
    Session(session)
}

fn wait_for(session: &str, want: &str) -> String {
    let mut screen = String::new();
    for _ in 0..50 {
        sleep(Duration::from_millis(100));
        screen = tmux(&["capture-pane", "-p", "-t", session]);
        if screen.contains(want) {
            break;
        }
    }
    screen
}

fn have_tmux() -> bool {
    let ok = Command::new("tmux").arg("-V").output().is_ok();
    if !ok {
        eprintln!("tmux not installed: skipped");
    }
    ok
}

#[test]
fn run_capture_in_a_terminal_lists_opens_and_goes_back() {
    if !have_tmux() {
        return;
    }
    let dir = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    let path = dir.join(format!("tui-tmux-{}.pcap", std::process::id()));
    synack::app::export(&simulated("time-wait"), &path).unwrap();
    let s = start_child("child_run_capture", path.to_str().unwrap(), 80, 24);
    let screen = wait_for(&s, "connection 1/2");
    let _ = std::fs::remove_file(&path);
    {
        assert!(screen.contains("Connections: 2"), "{screen}");
        tmux(&["send-keys", "-t", &s, "Down", "Enter"]);
        // The status line is drawn below the title: waiting for the title
        // alone caught the screen half drawn on a busy machine.
        let screen = wait_for(&s, "step 1/3 · frame 8");
        assert!(screen.contains("stream 1 of 2"), "{screen}");
        tmux(&["send-keys", "-t", &s, "Escape"]);
        let screen = wait_for(&s, "connection 2/2");
        assert!(screen.contains("Selected"), "{screen}");
        tmux(&["send-keys", "-t", &s, "q"]);
        let screen = wait_for(&s, "icanon");
        assert!(
            screen.contains("icanon") && screen.contains("echo"),
            "{screen}"
        );
        assert!(!screen.contains("Connections"), "{screen}");
    }
}

#[test]
fn run_live_in_a_terminal_makes_one_call_per_key() {
    if !have_tmux() {
        return;
    }
    let s = start_child("child_run_live", "1", 120, 40);
    let screen = wait_for(&s, "NEXT");
    {
        assert!(screen.contains("the server calls listen()"), "{screen}");
        assert!(screen.contains("No steps yet"), "{screen}");
        tmux(&["send-keys", "-t", &s, "Right"]);
        let screen = wait_for(&s, "step 1/1");
        assert!(screen.contains("● listen()"), "{screen}");
        assert!(screen.contains("the client calls connect()"), "{screen}");
        // connect(): the call, then its three segments, one key each.
        tmux(&["send-keys", "-t", &s, "Right"]);
        let screen = wait_for(&s, "step 2/5");
        assert!(screen.contains("kernel: SYN_SENT ✓"), "{screen}");
        for want in ["step 3/5", "step 4/5", "step 5/5"] {
            tmux(&["send-keys", "-t", &s, "Right"]);
            let screen = wait_for(&s, want);
            assert!(screen.contains(want), "{screen}");
        }
        tmux(&["send-keys", "-t", &s, "q"]);
        let screen = wait_for(&s, "icanon");
        assert!(
            screen.contains("icanon") && screen.contains("echo"),
            "{screen}"
        );
    }
}
