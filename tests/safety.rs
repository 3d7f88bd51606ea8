//! Safe under sudo and under floods (issue 12). Each test names the fault
//! it guards against. Tests that capture need CAP_NET_RAW (root; CI is
//! root) and say SKIP otherwise; they only ever touch loopback. Memory and
//! time limits come from `prlimit` and `timeout` around the child, never
//! from timing assertions.

use serde_json::Value;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::os::unix::fs::{FileTypeExt, MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

const NOBODY: u32 = 65534;

fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_synack")
}

fn synack(args: &[&str]) -> Output {
    Command::new(bin())
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("run synack")
}

fn temp_dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("synack-safety-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    std::fs::set_permissions(&d, std::fs::Permissions::from_mode(0o755)).unwrap();
    d
}

fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions.
    unsafe { libc::geteuid() == 0 }
}

fn can_sniff() -> bool {
    if is_root() && synack::source::kernel::sniffer::RawSocket::open("lo").is_ok() {
        return true;
    }
    eprintln!("SKIP: needs root with CAP_NET_RAW (CI runs the tests as root)");
    false
}

fn chown(p: &Path, uid: u32, gid: u32) {
    std::os::unix::fs::chown(p, Some(uid), Some(gid)).unwrap();
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// One line on stderr, no panic.
fn one_line(err: &str) {
    assert_eq!(err.trim_end().lines().count(), 1, "not one line: {err}");
    assert!(!err.contains("panicked"), "{err}");
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Open, talk and close a connection on 127.0.0.1:port.
fn talk(port: u16) {
    let listener = TcpListener::bind(("127.0.0.1", port)).unwrap();
    let mut c = TcpStream::connect(("127.0.0.1", port)).unwrap();
    let (mut s, _) = listener.accept().unwrap();
    c.write_all(b"hello").unwrap();
    let mut buf = [0u8; 16];
    assert_eq!(s.read(&mut buf).unwrap(), 5);
    drop(c);
    assert_eq!(s.read(&mut buf).unwrap(), 0);
}

fn wait_timeout(child: &mut Child, t: Duration) -> Option<std::process::ExitStatus> {
    let end = Instant::now() + t;
    while Instant::now() < end {
        if let Some(s) = child.try_wait().unwrap() {
            return Some(s);
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = child.kill();
    let _ = child.wait();
    None
}

/// Start a sniff (`cmd` is the program and its leading arguments, so a
/// wrapper such as setpriv can come first) and wait for its "capturing"
/// line: privileges are dropped and the `--save` file exists from then on.
/// Returns the child and the rest of stderr, read in the background.
fn start_capture(mut cmd: Command) -> (Child, std::sync::mpsc::Receiver<String>) {
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start synack");
    let mut err = BufReader::new(child.stderr.take().unwrap());
    let mut line = String::new();
    err.read_line(&mut line).unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut rest = line;
        let _ = err.read_to_string(&mut rest);
        let _ = tx.send(rest);
    });
    // Drain stdout so the child never blocks on it.
    let mut out = child.stdout.take().unwrap();
    std::thread::spawn(move || {
        let mut sink = Vec::new();
        let _ = out.read_to_end(&mut sink);
    });
    (child, rx)
}

/// Fields of /proc/PID/status.
fn status_of(pid: u32) -> std::collections::HashMap<String, String> {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .unwrap_or_default()
        .lines()
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| {
            (
                k.to_string(),
                v.split_whitespace().collect::<Vec<_>>().join(" "),
            )
        })
        .collect()
}

fn sniff_cmd(program: &str, save: &Path) -> Command {
    let mut c = Command::new(program);
    c.args(["sniff", "--json", "--duration", "3", "--save"])
        .arg(save);
    c
}

/// The capture is readable by synack itself.
fn readable_capture(p: &Path) {
    let o = Command::new(bin())
        .args(["inspect"])
        .arg(p)
        .arg("--json")
        .output()
        .unwrap();
    assert!(o.status.success(), "{}: {}", p.display(), stderr(&o));
}

// ---- 1. sudo: become the invoking user before any file is created ----

/// Under sudo the process becomes the invoking user (groups cleared) right
/// after opening the raw socket, with no capability left, and the capture
/// is created by that user, 0600. Before: uid 0, CapEff 0x2
/// (CAP_DAC_OVERRIDE), a root-created file chowned to the user, 0644.
#[test]
fn under_sudo_it_runs_as_the_invoking_user_without_capabilities() {
    if !can_sniff() {
        return;
    }
    let dir = temp_dir("sudo-user");
    chown(&dir, NOBODY, NOBODY);
    let save = dir.join("mine.pcap");
    let mut cmd = sniff_cmd(bin(), &save);
    cmd.env("SUDO_UID", NOBODY.to_string())
        .env("SUDO_GID", NOBODY.to_string());
    let (mut child, err) = start_capture(cmd);
    let st = status_of(child.id());
    let status = wait_timeout(&mut child, Duration::from_secs(20)).expect("sniff did not end");
    let err = err.recv().unwrap_or_default();
    assert!(status.success(), "{err}");
    assert_eq!(st["Uid"], "65534 65534 65534 65534", "{st:?}");
    assert_eq!(st["Gid"], "65534 65534 65534 65534", "{st:?}");
    assert_eq!(st["Groups"], "", "supplementary groups left: {st:?}");
    assert_eq!(st["CapEff"], "0000000000000000", "{st:?}");
    assert_eq!(st["CapPrm"], "0000000000000000", "{st:?}");
    assert_eq!(st["NoNewPrivs"], "1", "{st:?}");
    let meta = std::fs::metadata(&save).expect("the capture was written");
    assert_eq!((meta.uid(), meta.gid()), (NOBODY, NOBODY));
    assert_eq!(meta.mode() & 0o777, 0o600, "a capture may hold passwords");
    readable_capture(&save);
    std::fs::remove_dir_all(&dir).ok();
}

/// `SUDO_UID=… synack sniff --save /etc/x --force`: the user may not
/// write there, so synack may not either — refused with one line, before
/// anything is captured, and the root-owned file is untouched. Before:
/// root replaced it and handed the new file to the user.
#[test]
fn under_sudo_it_cannot_save_where_the_user_cannot_write() {
    if !can_sniff() {
        return;
    }
    let dir = temp_dir("sudo-rootdir");
    let target = dir.join("x");
    std::fs::write(&target, b"root's file").unwrap();
    for force in [true, false] {
        let mut cmd = Command::new(bin());
        cmd.args(["sniff", "--json", "--duration", "1", "--save"])
            .arg(&target)
            .args(if force { &["--force"][..] } else { &[][..] })
            .env("SUDO_UID", NOBODY.to_string())
            .env("SUDO_GID", NOBODY.to_string())
            .stdin(Stdio::null());
        let o = cmd.output().unwrap();
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(1), "force={force}: {err}");
        one_line(&err);
        assert!(
            !err.contains("capturing"),
            "refused only after capturing: {err}"
        );
        assert_eq!(std::fs::read(&target).unwrap(), b"root's file");
        let meta = std::fs::metadata(&target).unwrap();
        assert_eq!(meta.uid(), 0, "the root-owned file was given away");
        let names: Vec<_> = std::fs::read_dir(&dir).unwrap().flatten().collect();
        assert_eq!(names.len(), 1, "something was created in {}", dir.display());
    }
    // A new file in a directory only root may write: refused too.
    let o = Command::new(bin())
        .args(["sniff", "--json", "--duration", "1", "--save"])
        .arg(dir.join("new.pcap"))
        .env("SUDO_UID", NOBODY.to_string())
        .env("SUDO_GID", NOBODY.to_string())
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    one_line(&err);
    assert!(err.contains("Permission denied"), "{err}");
    assert!(!dir.join("new.pcap").exists());
    std::fs::remove_dir_all(&dir).ok();
}

// ---- 2. setcap: CAP_NET_RAW is dropped, and the drop is checked ----

/// A copy of synack with `setcap cap_net_raw+ep`, run as `nobody`, with
/// `--save`: it captures, saves, and holds no capability while it runs.
/// Before: capset asked to keep CAP_DAC_OVERRIDE, which a setcap binary
/// does not have, failed, the error was ignored and CAP_NET_RAW stayed.
#[test]
fn a_setcap_binary_drops_cap_net_raw_after_opening_the_socket() {
    if !can_sniff() {
        return;
    }
    let has = |tool: &str| {
        Command::new("sh")
            .args(["-c", &format!("command -v {tool}")])
            .output()
            .is_ok_and(|o| o.status.success())
    };
    if !has("setcap") || !has("setpriv") {
        eprintln!("SKIP: setcap or setpriv is not installed");
        return;
    }
    let dir = temp_dir("setcap");
    let copy = dir.join("synack");
    std::fs::copy(bin(), &copy).unwrap();
    std::fs::set_permissions(&copy, std::fs::Permissions::from_mode(0o755)).unwrap();
    let set = Command::new("setcap")
        .arg("cap_net_raw+ep")
        .arg(&copy)
        .output()
        .unwrap();
    if !set.status.success() {
        eprintln!("SKIP: setcap failed here: {}", stderr(&set));
        return;
    }
    let out = dir.join("out");
    std::fs::create_dir(&out).unwrap();
    chown(&out, NOBODY, NOBODY);
    let save = out.join("cap.pcap");
    let mut cmd = Command::new("setpriv");
    cmd.args([
        "--reuid=65534",
        "--regid=65534",
        "--clear-groups",
        "--inh-caps=-all",
    ])
    .arg(&copy)
    .args(["sniff", "--json", "--duration", "3", "--save"])
    .arg(&save)
    .env_remove("SUDO_UID")
    .env_remove("SUDO_GID");
    let (mut child, err) = start_capture(cmd);
    let st = status_of(child.id());
    let status = wait_timeout(&mut child, Duration::from_secs(20)).expect("sniff did not end");
    let err = err.recv().unwrap_or_default();
    if err.contains("CAP_NET_RAW") {
        eprintln!("SKIP: file capabilities do not work on this filesystem: {err}");
        std::fs::remove_dir_all(&dir).ok();
        return;
    }
    assert!(status.success(), "{err}");
    assert_eq!(st["Uid"], "65534 65534 65534 65534", "{st:?}");
    assert_eq!(st["CapEff"], "0000000000000000", "{st:?}");
    assert_eq!(st["CapPrm"], "0000000000000000", "{st:?}");
    assert_eq!(st["NoNewPrivs"], "1", "{st:?}");
    assert_eq!(std::fs::metadata(&save).unwrap().uid(), NOBODY);
    readable_capture(&save);
    std::fs::remove_dir_all(&dir).ok();
}

/// Installed set-uid root (`chmod u+s`), run by `nobody` with
/// `SUDO_UID=0` in the environment: synack goes back to the real user
/// (the environment of a set-uid program is the caller's, never trusted),
/// so it cannot write into a root-only directory. Staying euid 0 without
/// capabilities would still have let the caller replace root's files.
#[test]
fn a_setuid_copy_runs_as_its_caller_whatever_sudo_uid_says() {
    if !can_sniff() {
        return;
    }
    let dir = temp_dir("setuid");
    let copy = dir.join("synack");
    std::fs::copy(bin(), &copy).unwrap();
    std::fs::set_permissions(&copy, std::fs::Permissions::from_mode(0o4755)).unwrap();
    let root_only = dir.join("root");
    std::fs::create_dir(&root_only).unwrap();
    std::fs::set_permissions(&root_only, std::fs::Permissions::from_mode(0o700)).unwrap();
    let o = Command::new("setpriv")
        .args(["--reuid=65534", "--regid=65534", "--clear-groups"])
        .arg(&copy)
        .args(["sniff", "--json", "--duration", "1", "--save"])
        .arg(root_only.join("x.pcap"))
        .env("SUDO_UID", "0")
        .env("SUDO_GID", "0")
        .stdin(Stdio::null())
        .output();
    let Ok(o) = o else {
        eprintln!("SKIP: setpriv is not installed");
        return;
    };
    let err = stderr(&o);
    if err.contains("CAP_NET_RAW") {
        eprintln!("SKIP: set-uid does not take effect here (nosuid?): {err}");
        std::fs::remove_dir_all(&dir).ok();
        return;
    }
    assert_eq!(o.status.code(), Some(1), "{err}");
    one_line(&err);
    assert!(err.contains("Permission denied"), "{err}");
    assert_eq!(std::fs::read_dir(&root_only).unwrap().count(), 0);
    std::fs::remove_dir_all(&dir).ok();
}

// ---- 3. only regular files are replaced; the path is checked first ----

/// `--export`/`--save` with `--force` onto a character device, a FIFO, a
/// symbolic link or a directory: one line, exit 1, the thing left as it
/// was. Before: each was replaced by a regular file (or, for a
/// directory, the error came at the end). The device is made here with
/// mknod, never /dev/null itself.
#[test]
fn export_refuses_what_is_not_a_regular_file() {
    let dir = temp_dir("not-regular");
    let fifo = dir.join("fifo");
    let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
    // SAFETY: a valid C string.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0);
    let regular = dir.join("regular.pcap");
    std::fs::write(&regular, b"keep").unwrap();
    let link = dir.join("link");
    std::os::unix::fs::symlink(&regular, &link).unwrap();
    let sub = dir.join("sub");
    std::fs::create_dir(&sub).unwrap();
    let mut targets = vec![fifo.clone(), link.clone(), sub.clone()];
    let null = dir.join("null");
    let cn = std::ffi::CString::new(null.to_str().unwrap()).unwrap();
    // SAFETY: a valid C string; makedev(1, 3) is /dev/null's device.
    if unsafe { libc::mknod(cn.as_ptr(), libc::S_IFCHR | 0o666, libc::makedev(1, 3)) } == 0 {
        targets.push(null.clone());
    } else {
        eprintln!("note: mknod not allowed here, the character device case is left out");
    }
    for t in &targets {
        let o = synack(&[
            "simulate",
            "handshake",
            "--plain",
            "--export",
            t.to_str().unwrap(),
            "--force",
        ]);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(1), "{}: {err}", t.display());
        one_line(&err);
        assert!(err.contains("not a regular file"), "{err}");
    }
    assert!(
        std::fs::symlink_metadata(&fifo)
            .unwrap()
            .file_type()
            .is_fifo()
    );
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(std::fs::read(&regular).unwrap(), b"keep");
    assert!(sub.is_dir() && std::fs::read_dir(&sub).unwrap().next().is_none());
    if targets.contains(&null) {
        let m = std::fs::symlink_metadata(&null).unwrap();
        assert!(m.file_type().is_char_device(), "the device became a file");
    }
    std::fs::remove_dir_all(&dir).ok();
}

/// Exports and saved captures are created 0600, whatever the umask.
#[test]
fn exports_are_created_private() {
    let dir = temp_dir("mode");
    let p = dir.join("sim.pcap");
    let o = synack(&[
        "simulate",
        "handshake",
        "--plain",
        "--export",
        p.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let mode = std::fs::metadata(&p).unwrap().mode() & 0o777;
    assert_eq!(mode, 0o600, "mode {mode:o}");
    std::fs::remove_dir_all(&dir).ok();
}

/// A `--save` path that cannot work (a directory, with --force) is
/// refused before capturing, not at Ctrl-C after the whole capture.
#[test]
fn a_bad_save_path_is_refused_before_capturing() {
    if !can_sniff() {
        return;
    }
    let dir = temp_dir("bad-save");
    let sub = dir.join("d");
    std::fs::create_dir(&sub).unwrap();
    for cmd in [
        &["sniff", "--json", "--duration", "2", "--force", "--save"][..],
        &["live", "--auto", "--json", "--force", "--save"][..],
    ] {
        let mut args = cmd.to_vec();
        args.push(sub.to_str().unwrap());
        let o = synack(&args);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(1), "{cmd:?}: {err}");
        one_line(&err);
        assert!(
            !err.contains("capturing"),
            "refused only after capturing: {err}"
        );
        assert!(o.stdout.is_empty(), "{cmd:?} captured before refusing");
        assert!(err.contains("is a directory"), "{err}");
    }
    std::fs::remove_dir_all(&dir).ok();
}

// ---- 4. SIGHUP finishes the file; a kill leaves a named partial file ----

fn sniff_then_signal(name: &str, signal: i32) -> (PathBuf, PathBuf, u32, Option<i32>) {
    let dir = temp_dir(name);
    let save = dir.join("saved.pcap");
    let port = free_port();
    let mut cmd = Command::new(bin());
    cmd.args(["sniff", "--port", &port.to_string(), "--json", "--save"])
        .arg(&save);
    let (mut child, err) = start_capture(cmd);
    let pid = child.id();
    talk(port);
    std::thread::sleep(Duration::from_millis(300));
    // SAFETY: kill(2) of our own child.
    unsafe { libc::kill(pid as i32, signal) };
    let status = wait_timeout(&mut child, Duration::from_secs(10));
    let _ = err.recv_timeout(Duration::from_secs(2));
    (dir, save, pid, status.and_then(|s| s.code()))
}

/// SIGHUP (the terminal closed) is a stop like SIGTERM: exit 0, the file
/// complete and in place, no temporary file. Before: SIGHUP's default
/// action killed synack and left only a hidden `.saved.pcap.PID-0.tmp`.
#[test]
fn sighup_finishes_the_save_file() {
    if !can_sniff() {
        return;
    }
    let (dir, save, _, code) = sniff_then_signal("sighup", libc::SIGHUP);
    assert_eq!(code, Some(0), "sniff did not end normally on SIGHUP");
    assert!(save.exists(), "the capture was not put in place");
    let names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, vec!["saved.pcap".to_string()]);
    readable_capture(&save);
    std::fs::remove_dir_all(&dir).ok();
}

/// SIGKILL cannot be caught, so the partial file stays; its name says
/// what it is and which process made it.
#[test]
fn a_killed_capture_leaves_a_partial_file_that_says_what_it_is() {
    if !can_sniff() {
        return;
    }
    let (dir, save, pid, _) = sniff_then_signal("sigkill", libc::SIGKILL);
    assert!(!save.exists());
    let names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names.len(), 1, "{names:?}");
    let n = &names[0];
    assert!(
        n.starts_with(".saved.pcap.")
            && n.contains("synack-partial")
            && n.contains(&pid.to_string())
            && n.ends_with(".pcap"),
        "the partial file's name does not say what it is: {n}"
    );
    // What was captured before the kill is still readable.
    let partial = dir.join(n);
    let frames = synack::pcap::CaptureReader::open(&partial).unwrap().count();
    assert!(frames > 0);
    std::fs::remove_dir_all(&dir).ok();
}

// ---- 5. only loopback ----

/// On any interface but loopback the sniffer's "drop the outgoing copy"
/// rule drops every frame the machine sends: refused with one line.
/// Needs no privilege: it is refused before the socket is opened.
#[test]
fn sniff_refuses_an_interface_that_is_not_loopback() {
    let other = std::fs::read_dir("/sys/class/net")
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .find(|n| {
            std::fs::read_to_string(format!("/sys/class/net/{n}/flags"))
                .ok()
                .and_then(|f| u32::from_str_radix(f.trim().trim_start_matches("0x"), 16).ok())
                .is_some_and(|f| f & 0x8 == 0)
        });
    let Some(iface) = other else {
        eprintln!("SKIP: no interface other than loopback here");
        return;
    };
    let o = synack(&["sniff", "--iface", &iface, "--json", "--duration", "1"]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{iface}: {err}");
    one_line(&err);
    assert!(err.contains("loopback") && err.contains(&iface), "{err}");
}

// ---- 11. writes never deadlock the lab; SIGTERM is noticed ----

/// The client writes 20 MB before the server reads: more than both socket
/// buffers hold. Before: the write blocked for ever (`timeout` kills it).
#[test]
fn a_write_larger_than_the_socket_buffers_does_not_deadlock() {
    if !can_sniff() {
        return;
    }
    let o = Command::new("timeout")
        .args(["-s", "KILL", "120", bin()])
        .args(["live", "--bytes", "20000000", "--auto", "--json"])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let steps: Vec<Value> = String::from_utf8_lossy(&o.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let write = steps
        .iter()
        .find(|s| s["kind"] == "call" && s["call"] == "write()" && s["side"] == "client")
        .expect("a write step");
    let n = write["result"].as_u64().expect("bytes written");
    assert!(n > 0 && n <= 20_000_000, "{write}");
}

/// SIGTERM while the lab is busy with a big write: it stops, exit 0, and
/// the `--save` file is complete. Before: ignored (the partial sends
/// retried without looking at the stop flag).
#[test]
fn sigterm_stops_a_lab_busy_writing() {
    if !can_sniff() {
        return;
    }
    let dir = temp_dir("lab-sigterm");
    let save = dir.join("lab.pcap");
    let mut child = Command::new(bin())
        .args(["live", "--bytes", "20000000", "--auto", "--json", "--save"])
        .arg(&save)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // The partial file exists once the handler is installed and the
    // capture runs; the write follows within a few steps.
    let end = Instant::now() + Duration::from_secs(20);
    while std::fs::read_dir(&dir).unwrap().count() == 0 && Instant::now() < end {
        std::thread::sleep(Duration::from_millis(20));
    }
    std::thread::sleep(Duration::from_millis(1000));
    // SAFETY: kill(2) of our own child.
    unsafe { libc::kill(child.id() as i32, libc::SIGTERM) };
    let status = wait_timeout(&mut child, Duration::from_secs(15));
    let mut err = String::new();
    let _ = child.stderr.take().unwrap().read_to_string(&mut err);
    assert_eq!(
        status.and_then(|s| s.code()),
        Some(0),
        "the lab did not stop on SIGTERM: {err}"
    );
    readable_capture(&save);
    std::fs::remove_dir_all(&dir).ok();
}

// ---- 12. ranges checked by the CLI, never a panic ----

#[test]
fn out_of_range_numbers_are_usage_errors() {
    for args in [
        &["live", "--bytes", "18446744073709551615", "--auto"][..],
        &["live", "--bytes", "4000000000", "--auto"],
        &["live", "--bytes", "0", "--auto"],
        &["sniff", "--duration", "1e20"],
        &["sniff", "--duration", "nan"],
        &["sniff", "--duration", "-1"],
        &["sniff", "--duration", "inf"],
        &["sniff", "--duration", "0"],
    ] {
        // 512 MiB of address space and 10 s: an attempt to allocate 4 GB,
        // or to run for ever, fails the test instead of the machine.
        let o = Command::new("prlimit")
            .args(["--as=536870912", "--"])
            .args(["timeout", "-s", "KILL", "10", bin()])
            .args(args)
            .stdin(Stdio::null())
            .output()
            .unwrap();
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
        one_line(&err);
        assert!(err.contains(args[2]), "{args:?}: {err}");
    }
}

// ---- 14. errors say their cause once; missing streams; /dev/full ----

#[test]
fn an_error_says_its_cause_once() {
    let dir = temp_dir("cause-once");
    let o = synack(&[
        "simulate",
        "--plain",
        "--export",
        dir.to_str().unwrap(),
        "--force",
    ]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    one_line(&err);
    let name = dir.to_str().unwrap();
    assert_eq!(err.matches(name).count(), 1, "the path is repeated: {err}");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn a_stream_that_is_not_there_is_an_error_in_every_format() {
    let file = concat!(env!("CARGO_MANIFEST_DIR"), "/captures/live-default.pcap");
    for fmt in [
        &["--json"][..],
        &["--summary"],
        &["--summary", "--json"],
        &["--plain"],
    ] {
        let mut args = vec!["inspect", file, "--stream", "99"];
        args.extend_from_slice(fmt);
        let o = synack(&args);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(1), "{fmt:?}: {err}");
        one_line(&err);
        assert!(err.contains("no stream 99"), "{fmt:?}: {err}");
        assert!(o.stdout.is_empty(), "{fmt:?} printed something");
    }
}

#[test]
fn help_that_cannot_be_written_is_a_failure() {
    for arg in ["--help", "--version"] {
        let full = std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .unwrap();
        let o = Command::new(bin())
            .arg(arg)
            .stdout(full)
            .stdin(Stdio::null())
            .output()
            .unwrap();
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(1), "{arg}: {err}");
        one_line(&err);
    }
}

/// Build a pcapng from captures/live-default.pcap's frames with two
/// interfaces, the second with an extreme `if_tsoffset`, frames
/// alternating between them.
fn pcapng_with_tsoffset(path: &Path, offset: i64) {
    let frames: Vec<_> = synack::pcap::CaptureReader::open(Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/captures/live-default.pcap"
    )))
    .unwrap()
    .map(|f| f.unwrap())
    .collect();
    fn block(kind: u32, mut body: Vec<u8>) -> Vec<u8> {
        while !body.len().is_multiple_of(4) {
            body.push(0);
        }
        let len = (12 + body.len()) as u32;
        let mut b = kind.to_le_bytes().to_vec();
        b.extend(len.to_le_bytes());
        b.extend(body);
        b.extend(len.to_le_bytes());
        b
    }
    let mut out = Vec::new();
    let mut shb = 0x1A2B_3C4Du32.to_le_bytes().to_vec();
    shb.extend(1u16.to_le_bytes());
    shb.extend(0u16.to_le_bytes());
    shb.extend((-1i64).to_le_bytes());
    out.extend(block(0x0A0D_0D0A, shb));
    for off in [0i64, offset] {
        let mut idb = 1u16.to_le_bytes().to_vec();
        idb.extend(0u16.to_le_bytes());
        idb.extend(262_144u32.to_le_bytes());
        idb.extend([9, 0, 1, 0, 9, 0, 0, 0]); // if_tsresol = 9 (ns)
        idb.extend(14u16.to_le_bytes());
        idb.extend(8u16.to_le_bytes());
        idb.extend(off.to_le_bytes());
        idb.extend([0, 0, 0, 0]);
        out.extend(block(1, idb));
    }
    for (i, f) in frames.iter().enumerate() {
        let ts = f.ts_nanos as u64;
        let mut epb = ((i % 2) as u32).to_le_bytes().to_vec();
        epb.extend(((ts >> 32) as u32).to_le_bytes());
        epb.extend((ts as u32).to_le_bytes());
        epb.extend((f.data.len() as u32).to_le_bytes());
        epb.extend(f.orig_len.to_le_bytes());
        epb.extend(&f.data);
        out.extend(block(6, epb));
    }
    std::fs::write(path, out).unwrap();
}

/// An `if_tsoffset` of -2^63 s put frames of one connection 292 billion
/// years apart: a negative duration and a time column that broke the
/// ladder. Such an offset is damage: one line, exit 1.
#[test]
fn an_extreme_tsoffset_is_refused_as_damage() {
    let dir = temp_dir("tsoffset");
    let p = dir.join("offset.pcapng");
    pcapng_with_tsoffset(&p, i64::MIN);
    for fmt in [&["--summary", "--json"][..], &["--plain"]] {
        let mut args = vec!["inspect", p.to_str().unwrap()];
        args.extend_from_slice(fmt);
        let o = synack(&args);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(1), "{fmt:?}: {err}");
        one_line(&err);
        assert!(err.contains("if_tsoffset"), "{err}");
        let out = String::from_utf8_lossy(&o.stdout);
        assert!(!out.contains("\"duration\":-"), "{out}");
    }
    // A modest offset (an hour) is a clock, and is kept.
    let q = dir.join("hour.pcapng");
    pcapng_with_tsoffset(&q, 3600);
    let o = synack(&["inspect", q.to_str().unwrap(), "--summary", "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    std::fs::remove_dir_all(&dir).ok();
}
