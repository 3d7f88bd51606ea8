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
