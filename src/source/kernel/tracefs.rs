//! The kernel's own socket state changes, read from tracepoints.
//!
//! `/proc/net/tcp` can only be read between calls, and on loopback the
//! whole handshake runs inside `connect()`: the SYN and SYN/ACK would carry
//! no kernel state. The tracepoint `sock:inet_sock_set_state` reports
//! every change as it happens, with a timestamp that can be set beside the
//! packets' own.
//!
//! The events are enabled in a private tracefs instance
//! (`instances/synack-PID`), so the global buffer and every other tracer
//! (and every other synack) are left alone, and filtered in the kernel to
//! the lab's two ports. Creating the instance needs privilege, and so does
//! removing it; synack gives privilege up right after setting up. So
//! before the drop a small helper process is forked whose only job is to
//! wait for synack to go (normal exit, signal, panic or `kill -9`: the pipe
//! it reads from closes in every case) and then disable the events and
//! remove the instance.

use std::ffi::CString;
use std::fs::{File, OpenOptions};
use std::io::{self, Read, Write};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, mpsc};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// What one tracepoint line said about the lab's sockets.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EventKind {
    /// `inet_sock_set_state`: the kernel's `TCP_*` numbers.
    State { old: u8, new: u8 },
    /// `tcp_retransmit_skb`: the kernel sent a segment again.
    Retransmit,
    /// `tcp_retransmit_synack`: the kernel sent the SYN/ACK again.
    RetransmitSynAck,
    /// `tcp_send_reset`: the kernel answered with RST.
    SendReset,
    /// `tcp_receive_reset`: an RST arrived and was accepted.
    ReceiveReset,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Event {
    /// CLOCK_REALTIME nanoseconds, like the packets' timestamps.
    pub t_nanos: i128,
    pub sport: u16,
    pub dport: u16,
    /// The local address the kernel printed (`127.0.0.1`, `::1`, `0.0.0.0`).
    pub saddr: String,
    pub kind: EventKind,
}

/// The kernel's `TCP_*` name as its number.
pub fn state_number(name: &str) -> Option<u8> {
    Some(match name {
        "TCP_ESTABLISHED" => 1,
        "TCP_SYN_SENT" => 2,
        "TCP_SYN_RECV" => 3,
        "TCP_FIN_WAIT1" => 4,
        "TCP_FIN_WAIT2" => 5,
        "TCP_TIME_WAIT" => 6,
        "TCP_CLOSE" => 7,
        "TCP_CLOSE_WAIT" => 8,
        "TCP_LAST_ACK" => 9,
        "TCP_LISTEN" => 10,
        "TCP_CLOSING" => 11,
        "TCP_NEW_SYN_RECV" => 12,
        _ => return None,
    })
}

fn field<'a>(body: &'a str, key: &str) -> Option<&'a str> {
    body.split_whitespace()
        .find_map(|kv| kv.strip_prefix(key)?.strip_prefix('='))
}

/// Parse one `trace_pipe` line; `offset` turns the trace clock (CLOCK_MONOTONIC
/// nanoseconds) into CLOCK_REALTIME. Lines of other events are `None`.
pub fn parse_line(line: &str, offset: i128) -> Option<Event> {
    let names = [
        (": inet_sock_set_state: ", 0),
        (": tcp_retransmit_skb: ", 1),
        (": tcp_retransmit_synack: ", 2),
        (": tcp_send_reset: ", 3),
        (": tcp_receive_reset: ", 4),
    ];
    let (pos, name, which) = names
        .iter()
        .find_map(|(n, w)| line.find(n).map(|p| (p, *n, *w)))?;
    let stamp = line[..pos].rsplit(' ').next()?;
    let (secs, frac) = stamp.split_once('.')?;
    let secs: i128 = secs.parse().ok()?;
    // The fraction has as many digits as the clock shows (µs for `mono`).
    let digits = frac.len().min(9) as u32;
    let frac: i128 = frac.get(..digits as usize)?.parse().ok()?;
    let nanos = secs * 1_000_000_000 + frac * 10i128.pow(9 - digits);
    let body = &line[pos + name.len()..];
    let (sport, dport, saddr, kind) = if which == 3 {
        // tcp_send_reset has no port fields: `src=127.0.0.1:5000 dest=...`.
        let port_of = |s: &str| -> Option<(String, u16)> {
            let (a, p) = s.rsplit_once(':')?;
            Some((a.trim_matches(['[', ']']).to_string(), p.parse().ok()?))
        };
        let (sa, sp) = port_of(field(body, "src")?)?;
        let (_, dp) = port_of(field(body, "dest")?)?;
        (sp, dp, sa, EventKind::SendReset)
    } else {
        let sport = field(body, "sport")?.parse().ok()?;
        let dport = field(body, "dport")?.parse().ok()?;
        let v6 = field(body, "family") == Some("AF_INET6");
        let saddr = field(body, if v6 { "saddrv6" } else { "saddr" })
            .unwrap_or("")
            .to_string();
        let kind = match which {
            0 => EventKind::State {
                old: state_number(field(body, "oldstate")?)?,
                new: state_number(field(body, "newstate")?)?,
            },
            1 => EventKind::Retransmit,
            2 => EventKind::RetransmitSynAck,
            _ => EventKind::ReceiveReset,
        };
        (sport, dport, saddr, kind)
    };
    Some(Event {
        t_nanos: nanos + offset,
        sport,
        dport,
        saddr,
        kind,
    })
}

/// Where tracefs is, mounting it when it is not (as root).
fn find_tracefs() -> Result<PathBuf, String> {
    for p in ["/sys/kernel/tracing", "/sys/kernel/debug/tracing"] {
        if Path::new(p).join("instances").is_dir() {
            return Ok(PathBuf::from(p));
        }
    }
    let target = c"/sys/kernel/tracing";
    // SAFETY: valid C strings; a null data pointer is allowed for tracefs.
    let r = unsafe {
        libc::mount(
            c"nodev".as_ptr(),
            target.as_ptr(),
            c"tracefs".as_ptr(),
            0,
            std::ptr::null(),
        )
    };
    if r != 0 {
        return Err(format!(
            "tracefs is not mounted and cannot be mounted on /sys/kernel/tracing: {}",
            io::Error::last_os_error()
        ));
    }
    Ok(PathBuf::from("/sys/kernel/tracing"))
}

fn write_file(path: &Path, text: &str) -> Result<(), String> {
    OpenOptions::new()
        .write(true)
        .truncate(true)
        .open(path)
        .and_then(|mut f| f.write_all(text.as_bytes()))
        .map_err(|e| format!("cannot write {text:?} to {}: {e}", path.display()))
}

fn clock_nanos(clock: libc::clockid_t) -> i128 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: one valid timespec.
    unsafe { libc::clock_gettime(clock, &mut ts) };
    ts.tv_sec as i128 * 1_000_000_000 + ts.tv_nsec as i128
}

/// The realtime − monotonic offset, taken as the middle of two realtime
/// readings around one monotonic reading.
fn realtime_offset() -> i128 {
    let a = clock_nanos(libc::CLOCK_REALTIME);
    let m = clock_nanos(libc::CLOCK_MONOTONIC);
    let b = clock_nanos(libc::CLOCK_REALTIME);
    (a + b) / 2 - m
}

/// The helper that removes the instance once synack is gone.
struct Helper {
    pid: libc::pid_t,
    /// The write end of the pipe the helper waits on; closing it (or dying)
    /// tells the helper to clean up.
    alive: Option<OwnedFd>,
}

impl Helper {
    /// Fork the helper. Called while synack still has privilege and runs
    /// one thread; the child uses async-signal-safe calls only.
    fn fork(instance: &Path) -> Result<Helper, String> {
        let enable = CString::new(
            instance
                .join("events/enable")
                .as_os_str()
                .as_encoded_bytes(),
        )
        .map_err(|_| "instance path has a NUL".to_string())?;
        let dir = CString::new(instance.as_os_str().as_encoded_bytes())
            .map_err(|_| "instance path has a NUL".to_string())?;
        let mut fds = [0 as RawFd; 2];
        // SAFETY: two ints for pipe2 to fill.
        if unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) } != 0 {
            return Err(format!("pipe: {}", io::Error::last_os_error()));
        }
        // SAFETY: fork; the child below only makes async-signal-safe calls.
        let pid = unsafe { libc::fork() };
        if pid < 0 {
            let e = io::Error::last_os_error();
            // SAFETY: the two fds were just created and are ours.
            unsafe {
                libc::close(fds[0]);
                libc::close(fds[1]);
            }
            return Err(format!("fork: {e}"));
        }
        if pid == 0 {
            // SAFETY: async-signal-safe calls only, then _exit.
            unsafe { helper_main(fds[0], &enable, &dir) }
        }
        // SAFETY: the read end is the child's; the write end is ours to own.
        unsafe { libc::close(fds[0]) };
        let alive = unsafe { OwnedFd::from_raw_fd(fds[1]) };
        Ok(Helper {
            pid,
            alive: Some(alive),
        })
    }

    /// Tell the helper to clean up and wait for it (at most 3 s), so the
    /// instance is gone when synack returns.
    fn finish(&mut self) {
        drop(self.alive.take());
        let end = Instant::now() + Duration::from_secs(3);
        while Instant::now() < end {
            let mut status = 0;
            // SAFETY: waitpid on our own child.
            let r = unsafe { libc::waitpid(self.pid, &mut status, libc::WNOHANG) };
            if r == self.pid || r < 0 {
                return;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }
}

/// The helper's whole life: wait until the pipe closes, then disable the
/// events and remove the instance.
///
/// # Safety
/// Only in a freshly forked child.
unsafe fn helper_main(rfd: RawFd, enable: &CString, dir: &CString) -> ! {
    unsafe {
        // Ctrl-C and a closing terminal reach the whole process group; the
        // helper must outlive synack to clean up, so it ignores them.
        for sig in [
            libc::SIGINT,
            libc::SIGTERM,
            libc::SIGHUP,
            libc::SIGQUIT,
            libc::SIGPIPE,
        ] {
            libc::signal(sig, libc::SIG_IGN);
        }
        // Hold nothing of synack's: not the raw socket, not the trace pipe,
        // not stdout (a reader waiting for synack's output to end would
        // otherwise wait for the helper too).
        let null = libc::open(c"/dev/null".as_ptr(), libc::O_RDWR);
        if null >= 0 {
            for fd in 0..3 {
                libc::dup2(null, fd);
            }
        }
        for fd in 3..4096 {
            if fd != rfd {
                libc::close(fd);
            }
        }
        let mut b = [0u8; 1];
        loop {
            let n = libc::read(rfd, b.as_mut_ptr().cast(), 1);
            if n == 0 || (n < 0 && *libc::__errno_location() != libc::EINTR) {
                break;
            }
        }
        let fd = libc::open(enable.as_ptr(), libc::O_WRONLY | libc::O_TRUNC);
        if fd >= 0 {
            libc::write(fd, b"0".as_ptr().cast(), 1);
            libc::close(fd);
        }
        // rmdir fails with EBUSY while synack's trace_pipe is still open
        // (the kernel closes a dying process's files one by one).
        for _ in 0..300 {
            if libc::rmdir(dir.as_ptr()) == 0 || *libc::__errno_location() == libc::ENOENT {
                break;
            }
            let ts = libc::timespec {
                tv_sec: 0,
                tv_nsec: 10_000_000,
            };
            libc::nanosleep(&ts, std::ptr::null_mut());
        }
        libc::_exit(0)
    }
}

/// The instance set up, before its reader runs.
pub struct Tracer {
    pub instance: PathBuf,
    helper: Helper,
    reader: Reader<Event>,
}

/// An instance's `trace_pipe` and the thread that reads it: opened while
/// privileged, read after the drop, stopped before the instance goes.
struct Reader<T> {
    pipe: Option<File>,
    /// CLOCK_REALTIME − the trace clock, in nanoseconds.
    offset: i128,
    parse: fn(&str, i128) -> Option<T>,
    rx: Option<mpsc::Receiver<T>>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl<T: Send + 'static> Reader<T> {
    fn new(parse: fn(&str, i128) -> Option<T>) -> Reader<T> {
        Reader {
            pipe: None,
            offset: 0,
            parse,
            rx: None,
            stop: Arc::new(AtomicBool::new(false)),
            thread: None,
        }
    }

    /// Open `instance`'s trace_pipe (events must be enabled already).
    fn open(&mut self, instance: &Path) -> Result<(), String> {
        let pipe = OpenOptions::new()
            .read(true)
            .custom_flags(libc::O_NONBLOCK)
            .open(instance.join("trace_pipe"))
            .map_err(|e| format!("cannot open trace_pipe: {e}"))?;
        self.pipe = Some(pipe);
        self.offset = realtime_offset();
        Ok(())
    }

    fn run(&mut self) {
        let Some(pipe) = self.pipe.take() else {
            return;
        };
        let (rx, thread) = spawn_reader(pipe, self.offset, self.stop.clone(), self.parse);
        self.rx = Some(rx);
        self.thread = Some(thread);
    }

    fn take(&self) -> Vec<T> {
        self.rx
            .as_ref()
            .map(|rx| rx.try_iter().collect())
            .unwrap_or_default()
    }

    fn stop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
        self.pipe = None;
    }
}

/// The events read, and whether the kernel filters each on the lab's ports.
const EVENTS: [(&str, bool); 5] = [
    ("sock/inet_sock_set_state", true),
    ("tcp/tcp_retransmit_skb", true),
    ("tcp/tcp_retransmit_synack", true),
    // No port fields: filtered in synack (the instance is private anyway).
    ("tcp/tcp_send_reset", false),
    ("tcp/tcp_receive_reset", true),
];

impl Tracer {
    /// Set up `instances/synack-PID` for `ports`. Must run with privilege
    /// and before any thread exists (it forks). `Err` is the reason
    /// tracefs cannot be used, for the fallback note.
    pub fn setup(ports: [u16; 2]) -> Result<Tracer, String> {
        let filter = ports
            .iter()
            .map(|p| format!("sport == {p} || dport == {p}"))
            .collect::<Vec<_>>()
            .join(" || ");
        Self::setup_filtered(Some(filter))
    }

    /// [`Tracer::setup`] with any kernel filter on the port fields, or
    /// none (`synack trace` learns its ports only as the command runs, and
    /// keeps the events of its own connections itself).
    pub fn setup_filtered(filter: Option<String>) -> Result<Tracer, String> {
        // SAFETY: geteuid has no preconditions.
        if unsafe { libc::geteuid() } != 0 {
            return Err("synack does not run as root".into());
        }
        let root = find_tracefs()?;
        if !root.join("events/sock/inet_sock_set_state").is_dir() {
            return Err("this kernel has no sock:inet_sock_set_state tracepoint".into());
        }
        let instance = root.join(format!("instances/synack-{}", std::process::id()));
        std::fs::create_dir(&instance)
            .map_err(|e| format!("cannot create {}: {e}", instance.display()))?;
        // From here on the helper removes the instance, whatever happens.
        let helper = match Helper::fork(&instance) {
            Ok(h) => h,
            Err(e) => {
                let _ = std::fs::remove_dir(&instance);
                return Err(e);
            }
        };
        let mut t = Tracer {
            instance,
            helper,
            reader: Reader::new(parse_line),
        };
        t.configure(filter.as_deref())?;
        Ok(t)
    }

    fn configure(&mut self, filter: Option<&str>) -> Result<(), String> {
        let i = &self.instance;
        write_file(&i.join("trace_clock"), "mono")?;
        for (ev, filtered) in EVENTS {
            let dir = i.join("events").join(ev);
            if !dir.is_dir() {
                if ev.starts_with("sock/") {
                    return Err(format!("no {ev} event"));
                }
                continue;
            }
            if filtered && let Some(filter) = filter {
                write_file(&dir.join("filter"), filter)?;
            }
            write_file(&dir.join("enable"), "1")?;
        }
        self.reader.open(i)
    }

    /// Start the reader thread (after privileges are dropped: it is the
    /// first thread besides the main one, which must drop them alone).
    pub fn run(&mut self) {
        self.reader.run();
    }

    /// Every event read so far and not yet taken.
    pub fn take(&self) -> Vec<Event> {
        self.reader.take()
    }
}

impl Drop for Tracer {
    fn drop(&mut self) {
        self.reader.stop();
        self.helper.finish();
    }
}

use std::os::unix::fs::OpenOptionsExt;

/// Read `pipe` in a thread of its own until `stop`, sending what `parse`
/// makes of each line.
fn spawn_reader<T: Send + 'static>(
    mut pipe: File,
    offset: i128,
    stop: Arc<AtomicBool>,
    parse: fn(&str, i128) -> Option<T>,
) -> (mpsc::Receiver<T>, JoinHandle<()>) {
    let (tx, rx) = mpsc::channel();
    let thread = std::thread::spawn(move || {
        let mut pending = String::new();
        let mut buf = vec![0u8; 65_536];
        while !stop.load(Ordering::Relaxed) {
            let mut fd = libc::pollfd {
                fd: pipe.as_raw_fd(),
                events: libc::POLLIN,
                revents: 0,
            };
            // SAFETY: one valid pollfd.
            if unsafe { libc::poll(&mut fd, 1, 50) } <= 0 {
                continue;
            }
            match pipe.read(&mut buf) {
                Ok(0) => std::thread::sleep(Duration::from_millis(10)),
                Ok(n) => {
                    pending.push_str(&String::from_utf8_lossy(&buf[..n]));
                    while let Some(nl) = pending.find('\n') {
                        let line: String = pending.drain(..=nl).collect();
                        if let Some(e) = parse(&line, offset)
                            && tx.send(e).is_err()
                        {
                            return;
                        }
                    }
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(_) => return,
            }
        }
    });
    (rx, thread)
}

/// The socket calls `synack trace` follows, each as its
/// `syscalls:sys_enter_*` and `sys_exit_*` pair. `writev`/`readv` are
/// what Node.js writes and reads sockets with.
pub const SYSCALLS: [&str; 18] = [
    "socket", "bind", "listen", "connect", "accept", "accept4", "shutdown", "close", "read",
    "write", "readv", "writev", "sendto", "recvfrom", "sendmsg", "recvmsg", "sendmmsg", "recvmmsg",
];

/// One line of the traced command's own events.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SysEvent {
    /// CLOCK_REALTIME nanoseconds, like the packets' timestamps.
    pub t_nanos: i128,
    /// The thread that ran it, and its process (the thread's own id when
    /// the kernel did not print the process).
    pub tid: i32,
    pub tgid: i32,
    /// Run in interrupt context (softirq or hardirq: the `s`/`h` flag),
    /// on behalf of no call of the thread it interrupted.
    pub irq: bool,
    pub kind: SysKind,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SysKind {
    /// `sys_enter_NAME`: the arguments as the kernel printed them
    /// (numbers only: pointer arguments are not followed).
    Enter {
        name: String,
        args: Vec<(String, u64)>,
    },
    /// `sys_exit_NAME`: the return value, `-errno` on failure.
    Exit { name: String, ret: i64 },
    /// `inet_sock_set_state` in the command's own context (inside its
    /// `connect()`, `listen()`, `close()`...): the socket's addresses.
    State {
        src: std::net::SocketAddr,
        dst: std::net::SocketAddr,
        old: u8,
        new: u8,
    },
    /// `sched_process_fork`: a child that inherits the parent's fds.
    Fork { child: i32 },
}

fn number(v: &str) -> Option<u64> {
    let v = v.trim().trim_end_matches(',');
    match v.strip_prefix("0x") {
        Some(h) => u64::from_str_radix(h, 16).ok(),
        None => v
            .parse::<u64>()
            .ok()
            .or_else(|| v.parse::<i64>().ok().map(|n| n as u64)),
    }
}

/// Parse one line of the syscall instance's `trace_pipe` (with
/// `options/record-tgid`): `python3-7401 (   7401) [001] ..... 11068.714496:
/// sys_connect(fd: 4, uservaddr: 0x7ffc, addrlen: 0x10)`.
pub fn parse_sys_line(line: &str, offset: i128) -> Option<SysEvent> {
    let markers = [
        ": sys_",
        ": inet_sock_set_state: ",
        ": sched_process_fork: ",
    ];
    let (pos, marker) = markers
        .iter()
        .filter_map(|m| line.find(m).map(|p| (p, *m)))
        .min_by_key(|(p, _)| *p)?;
    let head = &line[..pos];
    let stamp = head.rsplit(' ').next()?;
    let (secs, frac) = stamp.split_once('.')?;
    let secs: i128 = secs.parse().ok()?;
    let digits = frac.len().min(9) as u32;
    let frac: i128 = frac.get(..digits as usize)?.parse().ok()?;
    let nanos = secs * 1_000_000_000 + frac * 10i128.pow(9 - digits);
    // The task is `comm-tid`, then `(  tgid)` with record-tgid, then `[cpu]`.
    let cpu_at = head.rfind(" [")?;
    let before_cpu = &head[..cpu_at];
    // The flags after `[cpu]`: the third says softirq (s), hardirq (h) or both (H).
    let irq = head[cpu_at..]
        .split_whitespace()
        .nth(1)
        .and_then(|f| f.chars().nth(2))
        .is_some_and(|c| matches!(c, 's' | 'h' | 'H'));
    let (task, tgid) = match before_cpu.rfind('(') {
        Some(open) => (
            &before_cpu[..open],
            before_cpu[open + 1..]
                .trim()
                .trim_end_matches(')')
                .trim()
                .parse()
                .ok(),
        ),
        None => (before_cpu, None),
    };
    let tid: i32 = task.trim().rsplit_once('-')?.1.parse().ok()?;
    let body = line[pos + marker.len()..].trim_end();
    let kind = match marker {
        ": sys_" => {
            if let Some((name, ret)) = body.split_once(" -> ") {
                SysKind::Exit {
                    name: name.to_string(),
                    ret: number(ret)? as i64,
                }
            } else {
                let (name, rest) = body.split_once('(')?;
                let args = rest
                    .trim_end_matches(')')
                    .split(", ")
                    .filter_map(|kv| {
                        let (k, v) = kv.split_once(": ")?;
                        Some((k.to_string(), number(v)?))
                    })
                    .collect();
                SysKind::Enter {
                    name: name.to_string(),
                    args,
                }
            }
        }
        ": sched_process_fork: " => SysKind::Fork {
            child: field(body, "child_pid")?.parse().ok()?,
        },
        _ => {
            let v6 = field(body, "family") == Some("AF_INET6");
            let addr = |a: &str, p: &str| -> Option<std::net::SocketAddr> {
                let ip: std::net::IpAddr = field(body, a)?.parse().ok()?;
                Some(std::net::SocketAddr::new(ip, field(body, p)?.parse().ok()?))
            };
            let (sa, da) = if v6 {
                ("saddrv6", "daddrv6")
            } else {
                ("saddr", "daddr")
            };
            SysKind::State {
                src: addr(sa, "sport")?,
                dst: addr(da, "dport")?,
                old: state_number(field(body, "oldstate")?)?,
                new: state_number(field(body, "newstate")?)?,
            }
        }
    };
    Some(SysEvent {
        t_nanos: nanos + offset,
        tid,
        tgid: tgid.unwrap_or(tid),
        irq,
        kind,
    })
}

/// A second private instance, `instances/synack-PID-calls`, for
/// `synack trace`: the command's socket calls, its forks, and the state
/// changes made in its own context, filtered in the kernel to its process
/// and every child it forks (`set_event_pid` with `options/event-fork`).
/// Kept apart from [`Tracer`]'s instance because that pid filter would
/// hide the changes made on timers and in other processes' context.
pub struct SysTracer {
    pub instance: PathBuf,
    helper: Helper,
    reader: Reader<SysEvent>,
}

impl SysTracer {
    /// Create the instance and check every event exists. Nothing is
    /// enabled until [`SysTracer::follow`] names the process. Must run as
    /// root and before any thread exists (it forks the cleaning helper).
    pub fn setup() -> Result<SysTracer, String> {
        // SAFETY: geteuid has no preconditions.
        if unsafe { libc::geteuid() } != 0 {
            return Err("synack does not run as root".into());
        }
        let root = find_tracefs()?;
        for name in SYSCALLS {
            for dir in ["sys_enter_", "sys_exit_"] {
                let ev = root.join(format!("events/syscalls/{dir}{name}"));
                // sendmmsg/recvmmsg and the old accept are optional extras.
                if !ev.is_dir() && !matches!(name, "sendmmsg" | "recvmmsg" | "accept") {
                    return Err(format!(
                        "this kernel has no syscalls:{dir}{name} tracepoint \
                         (it needs CONFIG_FTRACE_SYSCALLS)"
                    ));
                }
            }
        }
        let instance = root.join(format!("instances/synack-{}-calls", std::process::id()));
        std::fs::create_dir(&instance)
            .map_err(|e| format!("cannot create {}: {e}", instance.display()))?;
        let helper = match Helper::fork(&instance) {
            Ok(h) => h,
            Err(e) => {
                let _ = std::fs::remove_dir(&instance);
                return Err(e);
            }
        };
        Ok(SysTracer {
            instance,
            helper,
            reader: Reader::new(parse_sys_line),
        })
    }

    /// Follow `pid` and every process it forks from now on, and enable
    /// the events. Called while the command waits, before it runs
    /// anything of its own.
    pub fn follow(&mut self, pid: libc::pid_t) -> Result<(), String> {
        let i = &self.instance;
        write_file(&i.join("trace_clock"), "mono")?;
        write_file(&i.join("options/record-tgid"), "1")?;
        write_file(&i.join("options/event-fork"), "1")?;
        write_file(&i.join("set_event_pid"), &pid.to_string())?;
        let mut events: Vec<String> = Vec::new();
        for name in SYSCALLS {
            events.push(format!("syscalls/sys_enter_{name}"));
            events.push(format!("syscalls/sys_exit_{name}"));
        }
        events.push("sock/inet_sock_set_state".into());
        events.push("sched/sched_process_fork".into());
        for ev in events {
            let dir = i.join("events").join(&ev);
            if dir.is_dir() {
                write_file(&dir.join("enable"), "1")?;
            }
        }
        self.reader.open(i)
    }

    /// Start the reader thread (after privileges are dropped).
    pub fn run(&mut self) {
        self.reader.run();
    }

    /// Every event read so far and not yet taken.
    pub fn take(&self) -> Vec<SysEvent> {
        self.reader.take()
    }
}

impl Drop for SysTracer {
    fn drop(&mut self) {
        self.reader.stop();
        self.helper.finish();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_a_state_change() {
        let l = "         python3-9481    [001] ..s2.  5471.320523: inet_sock_set_state: family=AF_INET protocol=IPPROTO_TCP sport=47001 dport=34038 saddr=127.0.0.1 daddr=127.0.0.1 saddrv6=::ffff:127.0.0.1 daddrv6=::ffff:127.0.0.1 oldstate=TCP_LISTEN newstate=TCP_SYN_RECV";
        let e = parse_line(l, 1000).unwrap();
        assert_eq!(e.t_nanos, 5_471_320_523_000 + 1000);
        assert_eq!((e.sport, e.dport), (47001, 34038));
        assert_eq!(e.saddr, "127.0.0.1");
        assert_eq!(e.kind, EventKind::State { old: 10, new: 3 });
    }

    #[test]
    fn parses_a_reset_sent_without_port_fields() {
        let l = "  <idle>-0 [000] ..s2. 10.000001: tcp_send_reset: skbaddr=0 skaddr=0 src=[::1]:8080 dest=[::1]:5000 state=TCP_CLOSE reason=NO_SOCKET";
        let e = parse_line(l, 0).unwrap();
        assert_eq!((e.sport, e.dport, e.saddr.as_str()), (8080, 5000, "::1"));
        assert_eq!(e.kind, EventKind::SendReset);
        assert!(parse_line("# tracer: nop", 0).is_none());
    }
    #[test]
    fn parses_the_commands_own_events() {
        let l = "         python3-7401    (   7400) [001] ..... 11068.714496: sys_connect(fd: 4, uservaddr: 0x7ffcaa19d130, addrlen: 0x10)";
        let e = parse_sys_line(l, 5).unwrap();
        assert_eq!((e.tid, e.tgid, e.t_nanos), (7401, 7400, 11_068_714_496_005));
        assert_eq!(
            e.kind,
            SysKind::Enter {
                name: "connect".into(),
                args: vec![
                    ("fd".into(), 4),
                    ("uservaddr".into(), 0x7ffcaa19d130),
                    ("addrlen".into(), 16)
                ]
            }
        );
        let l =
            "   python3-7401 (   7401) [001] .N... 11068.714604: sys_connect -> 0xffffffffffffff91";
        let e = parse_sys_line(l, 0).unwrap();
        assert_eq!(
            e.kind,
            SysKind::Exit {
                name: "connect".into(),
                ret: -111
            }
        );
        let l = " python3-7401 (   7401) [001] ..... 11068.714573: inet_sock_set_state: family=AF_INET protocol=IPPROTO_TCP sport=54430 dport=44885 saddr=127.0.0.1 daddr=127.0.0.1 saddrv6=::ffff:127.0.0.1 daddrv6=::ffff:127.0.0.1 oldstate=TCP_SYN_SENT newstate=TCP_ESTABLISHED";
        let e = parse_sys_line(l, 0).unwrap();
        assert!(!e.irq);
        assert_eq!(
            e.kind,
            SysKind::State {
                src: "127.0.0.1:54430".parse().unwrap(),
                dst: "127.0.0.1:44885".parse().unwrap(),
                old: 2,
                new: 1
            }
        );
        let l = " python3-7401 (   7401) [001] ..s2. 11068.714583: inet_sock_set_state: family=AF_INET protocol=IPPROTO_TCP sport=44885 dport=54430 saddr=127.0.0.1 daddr=127.0.0.1 saddrv6=::ffff:127.0.0.1 daddrv6=::ffff:127.0.0.1 oldstate=TCP_LISTEN newstate=TCP_SYN_RECV";
        assert!(parse_sys_line(l, 0).unwrap().irq);
        let l = "  bash-7186 (   7186) [000] ..... 11064.516707: sched_process_fork: comm=bash pid=7186 child_comm=bash child_pid=7190";
        assert_eq!(
            parse_sys_line(l, 0).unwrap().kind,
            SysKind::Fork { child: 7190 }
        );
        // A command name with a dash and spaces still gives its ids.
        let l = " my-app x-12 (   12) [000] ..... 1.000001: sys_close(fd: 3)";
        assert_eq!(parse_sys_line(l, 0).unwrap().tid, 12);
        assert!(parse_sys_line("# tracer: nop", 0).is_none());
    }
}
