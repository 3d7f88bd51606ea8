//! `synack trace -- CMD`: any program's own socket calls, its segments on
//! loopback and the kernel's state changes, joined into one timeline.
//!
//! Three things are read at once, all on one clock (CLOCK_REALTIME
//! nanoseconds):
//!
//! - the segments, from the raw socket as `sniff` reads them;
//! - the command's socket calls, from `syscalls:sys_enter_*`/`sys_exit_*`
//!   in a private tracefs instance filtered in the kernel to the command's
//!   process and every child it forks ([`SysTracer`]); the same instance
//!   gets `inet_sock_set_state` *in the command's own context*, which is
//!   how an fd is tied to its connection (below);
//! - every state change of the machine's TCP sockets, from the lab's
//!   [`Tracer`] instance (unfiltered by pid: the server's changes on the
//!   third ACK, TIME_WAIT and retransmissions run in softirq or timer
//!   context, which a pid filter would hide).
//!
//! ## Tying an fd to its connection
//!
//! The syscall tracepoints print pointer arguments as numbers (the address
//! given to `connect()` or `bind()` is not followed), so the 4-tuple comes
//! from the state changes the kernel makes *inside* the call, on the same
//! thread: `listen(fd)` is followed by `CLOSE → LISTEN` with the local
//! address, `connect(fd)` by `CLOSE → SYN_SENT` with the peer's address
//! (and, when it completes before returning, `SYN_SENT → ESTABLISHED` with
//! the local port), `close(fd)`/`shutdown(fd)` of an open socket by a
//! change that names both ends. An accepted socket is the first connection
//! to the listener's port not yet taken by an earlier `accept()`, in the
//! order the connections started (the accept queue's order on loopback),
//! unless a later in-context change named its ends. No `/proc` reading is
//! needed, so a command that exits at once is followed as well as a
//! server. Only segments of connections the command's own sockets are an
//! end of are kept: other programs' loopback traffic is left out.
//!
//! ## Causes
//!
//! Each segment is given to the call that made its sender's kernel send it,
//! when one did: the SYN to `connect()`, data to the latest `write()`
//! (`send`, `sendto`, `sendmsg`, `writev`) on that side, a FIN to the
//! `close()` or `shutdown()` before it, an RST to a `close()` (an abort);
//! everything else (the SYN/ACK, ACKs, retransmissions, window updates) to
//! the kernel, which sends them on its own. Calls that send are placed at
//! the moment they were made; calls that wait (`accept()`, `read()`) at the
//! moment they returned, when the connection or the bytes were handed over.

use super::Source;
use super::kernel::sniffer::{Frame, RawSocket, Sniffer, now_nanos};
use super::kernel::tracefs::{self, SysEvent, SysKind, SysTracer, Tracer};
use super::kernel::{attribute, privilege, proc as kproc};
use crate::i18n::msg;
use crate::tcp::state::{Event, State};
use crate::tcp::tracker::Tracker;
use crate::timeline::{
    Call, CallResult, KernelDetail, KernelTransition, Side, States, Step, StepKind, StreamInfo,
    Timeline,
};
use crate::wire::decode::{DecodeOutcome, Decoder};
use anyhow::{Context, Result, bail};
use std::collections::{HashMap, HashSet};
use std::ffi::{CString, OsString};
use std::net::SocketAddr;
use std::os::fd::RawFd;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// The wire counts as quiet this long after the command exits: what its
/// kernel still sends (the last ACK) is captured.
const QUIET: Duration = Duration::from_millis(150);
/// Loopback frames kept in memory, ours and others' (only ours are shown,
/// and which are ours is known only as the trace comes in).
pub const MAX_FRAMES: usize = 200_000;
/// How long a frame of no known socket of the command is kept.
const FOREIGN_KEEP: Duration = Duration::from_secs(5);
/// The timeline is rebuilt from everything at most this often while the
/// command runs (the terminal UI polls every 50 ms).
const REBUILD_EVERY: Duration = Duration::from_millis(250);
/// Socket calls kept; a program that reads one byte at a time for ever
/// is cut off here with a note.
pub const MAX_CALLS: usize = 100_000;

/// What to run and how.
pub struct Options {
    pub argv: Vec<OsString>,
    /// Capture only segments with this port at either end.
    pub port: Option<u16>,
    /// Where the command's stdin/stdout/stderr go instead of synack's own
    /// (the terminal UI owns the terminal): stdin is `/dev/null`, the
    /// other two this file, created by the command's user.
    pub log: Option<PathBuf>,
    /// The language of the title, the status line and the notes.
    pub lang: crate::explain::Lang,
}

/// One of the command's sockets, as far as the trace told.
#[derive(Clone, Debug, Default)]
struct Sock {
    local: Option<SocketAddr>,
    remote: Option<SocketAddr>,
    listening: bool,
    /// The listening socket this one was accepted from.
    accepted_from: Option<usize>,
    /// A UDP socket (SOCK_DGRAM): its address is learned from its
    /// datagrams, since UDP makes no state change to name it by.
    udp: bool,
}

/// One socket call of the command.
#[derive(Clone, Debug)]
pub struct SysCall {
    pub pid: i32,
    pub tid: i32,
    /// The syscall's name: `accept4`, `sendto`...
    pub name: String,
    pub fd: Option<i64>,
    /// The numeric arguments as the kernel printed them.
    pub args: Vec<(String, u64)>,
    pub enter_ns: i128,
    pub exit_ns: Option<i128>,
    /// The return value (`-errno` on failure); `None` while it blocks.
    pub ret: Option<i64>,
    sock: Option<usize>,
    /// The socket `accept()` returned.
    new_sock: Option<usize>,
}

impl SysCall {
    /// The call as the ladder names it, or `None` for `socket()`/`bind()`,
    /// which the timeline has no step for (they are in the call list).
    pub fn ladder_call(&self) -> Option<Call> {
        Some(match self.name.as_str() {
            "listen" => Call::Listen,
            "connect" => Call::Connect,
            "accept" | "accept4" => Call::Accept,
            "write" | "writev" | "sendto" | "sendmsg" | "sendmmsg" => Call::Write,
            "read" | "readv" | "recvfrom" | "recvmsg" | "recvmmsg" => Call::Read,
            "shutdown" => Call::Shutdown,
            "close" => Call::Close,
            _ => return None,
        })
    }

    /// The result as the ladder shows it.
    fn result(&self) -> Option<CallResult> {
        let r = self.ret?;
        Some(if r < 0 {
            CallResult::Error(errno_name(-r))
        } else {
            match self.ladder_call() {
                Some(Call::Read) if r == 0 => CallResult::Eof,
                Some(Call::Read | Call::Write) => CallResult::Bytes(r as usize),
                _ => CallResult::Done,
            }
        })
    }

    /// `connect(3) = 0`, `accept4(3) = 4`, `read(4) = -ECONNRESET`.
    pub fn describe(&self) -> String {
        let fd = self.fd.map_or(String::new(), |f| f.to_string());
        let ret = match self.ret {
            None => "(blocked)".to_string(),
            Some(r) if r < 0 => format!("-1 {}", errno_name(-r)),
            Some(r) => r.to_string(),
        };
        format!("{}({fd}) = {ret}", self.name)
    }
}

/// The errno names a socket call can end with.
pub fn errno_name(e: i64) -> &'static str {
    match e as i32 {
        libc::ECONNREFUSED => "ECONNREFUSED",
        libc::ECONNRESET => "ECONNRESET",
        libc::ECONNABORTED => "ECONNABORTED",
        libc::EPIPE => "EPIPE",
        libc::ENOTCONN => "ENOTCONN",
        libc::ETIMEDOUT => "ETIMEDOUT",
        libc::EAGAIN => "EAGAIN",
        libc::EINPROGRESS => "EINPROGRESS",
        libc::EALREADY => "EALREADY",
        libc::EISCONN => "EISCONN",
        libc::EBADF => "EBADF",
        libc::EINVAL => "EINVAL",
        libc::EINTR => "EINTR",
        libc::EADDRINUSE => "EADDRINUSE",
        libc::EADDRNOTAVAIL => "EADDRNOTAVAIL",
        libc::EACCES => "EACCES",
        libc::EPERM => "EPERM",
        libc::ENETUNREACH => "ENETUNREACH",
        libc::EHOSTUNREACH => "EHOSTUNREACH",
        libc::ENOTSOCK => "ENOTSOCK",
        libc::EMFILE => "EMFILE",
        libc::ENOBUFS => "ENOBUFS",
        _ => "EIO",
    }
}

/// Who made a segment be sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cause {
    /// The call at this index of [`Trace::calls`].
    Call(usize),
    /// The sender's kernel, on its own.
    Kernel,
}

/// What the trace adds to one step of the timeline (same index).
#[derive(Clone, Debug, Default)]
pub struct StepInfo {
    /// A call step: the call at this index of [`Trace::calls`].
    pub call: Option<usize>,
    /// A segment step: who caused it.
    pub caused_by: Option<Cause>,
}

/// The command, forked and waiting for the go-ahead.
struct Child {
    pid: libc::pid_t,
    /// Write `g` to let it run; closing it unused makes it exit.
    gate: Option<RawFd>,
    /// Closed by a successful exec; a failure's text otherwise.
    errors: Option<RawFd>,
    status: Option<i32>,
    exited_at: Option<Instant>,
    signalled_at: Option<Instant>,
    /// When synack was first asked to stop.
    stop_seen: Option<Instant>,
}

fn close_fd(fd: &mut Option<RawFd>) {
    if let Some(f) = fd.take() {
        // SAFETY: an fd this struct owns.
        unsafe { libc::close(f) };
    }
}

impl Child {
    /// Fork the command. It waits on a pipe until [`Child::release`],
    /// then gives up privilege as synack does (the invoking user under
    /// sudo; plain root keeps uid 0 without any capability) and execs.
    /// Must run while synack has one thread: the child calls Rust code
    /// (the privilege drop) before exec, which is safe only then.
    fn fork(argv: &[OsString], log: Option<&Path>) -> Result<Child> {
        let cargs: Vec<CString> = argv
            .iter()
            .map(|a| CString::new(a.as_encoded_bytes()))
            .collect::<Result<_, _>>()
            .context("an argument of the command holds a NUL byte")?;
        if cargs.is_empty() {
            bail!("no command given: `synack trace -- CMD [ARGS...]`");
        }
        let mut ptrs: Vec<*const libc::c_char> = cargs.iter().map(|c| c.as_ptr()).collect();
        ptrs.push(std::ptr::null());
        let log = log
            .map(|p| CString::new(p.as_os_str().as_encoded_bytes()))
            .transpose()
            .context("the log path holds a NUL byte")?;
        let (mut gate, mut errs) = ([0 as RawFd; 2], [0 as RawFd; 2]);
        // SAFETY: two ints each for pipe2 to fill.
        if unsafe { libc::pipe2(gate.as_mut_ptr(), libc::O_CLOEXEC) } != 0
            || unsafe { libc::pipe2(errs.as_mut_ptr(), libc::O_CLOEXEC) } != 0
        {
            bail!("pipe: {}", std::io::Error::last_os_error());
        }
        // SAFETY: synack runs one thread here (checked again by the
        // privilege drop in the child); the child execs or exits.
        let pid = unsafe { libc::fork() };
        if pid < 0 {
            bail!(
                "cannot start the command: fork: {}",
                std::io::Error::last_os_error()
            );
        }
        if pid == 0 {
            // SAFETY: the freshly forked child of a one-threaded process.
            unsafe { child_main(gate[0], gate[1], errs[0], errs[1], &ptrs, log.as_ref()) }
        }
        // SAFETY: the child's ends, closed in the parent.
        unsafe {
            libc::close(gate[0]);
            libc::close(errs[1]);
        }
        Ok(Child {
            pid,
            gate: Some(gate[1]),
            errors: Some(errs[0]),
            status: None,
            exited_at: None,
            signalled_at: None,
            stop_seen: None,
        })
    }

    /// Let the command run; `Err` when it could not give up privilege or
    /// be executed.
    fn release(&mut self) -> Result<()> {
        // A child that died before reading the byte says why on the other
        // pipe, read below before this failure is reported.
        let mut sent = Ok(());
        if let Some(g) = self.gate {
            // SAFETY: one byte to our own pipe.
            if unsafe { libc::write(g, b"g".as_ptr().cast(), 1) } != 1 {
                sent = Err(std::io::Error::last_os_error());
            }
        }
        close_fd(&mut self.gate);
        let mut text = Vec::new();
        if let Some(e) = self.errors {
            let mut buf = [0u8; 512];
            loop {
                // SAFETY: reading into a local buffer.
                let n = unsafe { libc::read(e, buf.as_mut_ptr().cast(), buf.len()) };
                if n > 0 {
                    text.extend_from_slice(&buf[..n as usize]);
                } else if n == 0
                    || std::io::Error::last_os_error().raw_os_error() != Some(libc::EINTR)
                {
                    break;
                }
            }
        }
        close_fd(&mut self.errors);
        if !text.is_empty() {
            self.wait(true);
            bail!("{}", String::from_utf8_lossy(&text).trim());
        }
        sent.map_err(|e| anyhow::anyhow!("cannot start the command: {e}"))
    }

    /// Reap the command if it has exited (or wait for it when `block`).
    fn wait(&mut self, block: bool) -> bool {
        if self.status.is_some() {
            return true;
        }
        let mut st = 0;
        let flags = if block { 0 } else { libc::WNOHANG };
        // SAFETY: waitpid on our own child.
        let r = unsafe { libc::waitpid(self.pid, &mut st, flags) };
        if r == self.pid {
            self.status = Some(st);
            self.exited_at = Some(Instant::now());
            return true;
        }
        r < 0
    }

    /// The shell's view of the exit status: the code, or 128+N for a
    /// command killed by signal N.
    fn code(&self) -> Option<i32> {
        let st = self.status?;
        Some(if libc::WIFEXITED(st) {
            libc::WEXITSTATUS(st)
        } else if libc::WIFSIGNALED(st) {
            128 + libc::WTERMSIG(st)
        } else {
            1
        })
    }
}

impl Drop for Child {
    fn drop(&mut self) {
        // Never released: closing the gate makes it exit unexecuted.
        close_fd(&mut self.gate);
        close_fd(&mut self.errors);
        if self.status.is_none() {
            // SAFETY: our own child.
            unsafe { libc::kill(self.pid, libc::SIGKILL) };
            self.wait(true);
        }
    }
}

/// The child's life between fork and exec.
///
/// # Safety
/// Only in a freshly forked child of a one-threaded process.
unsafe fn child_main(
    gate_r: RawFd,
    gate_w: RawFd,
    err_r: RawFd,
    err_w: RawFd,
    argv: &[*const libc::c_char],
    log: Option<&CString>,
) -> ! {
    let fail = |msg: &str| -> ! {
        // SAFETY: writing to our own pipe, then leaving without unwinding.
        unsafe {
            libc::write(err_w, msg.as_ptr().cast(), msg.len());
            libc::_exit(127)
        }
    };
    unsafe {
        libc::close(gate_w);
        libc::close(err_r);
        // synack's handlers and its ignored SIGPIPE are not the command's.
        for sig in [
            libc::SIGINT,
            libc::SIGTERM,
            libc::SIGHUP,
            libc::SIGQUIT,
            libc::SIGPIPE,
        ] {
            libc::signal(sig, libc::SIG_DFL);
        }
        let mut set: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut set);
        if libc::sigprocmask(libc::SIG_SETMASK, &set, std::ptr::null_mut()) != 0 {
            fail("cannot reset the command's signal mask");
        }
        let mut b = [0u8; 1];
        loop {
            let n = libc::read(gate_r, b.as_mut_ptr().cast(), 1);
            if n == 1 {
                break;
            }
            if n == 0 || *libc::__errno_location() != libc::EINTR {
                // synack gave up before letting it run.
                libc::_exit(127);
            }
        }
        libc::close(gate_r);
    }
    if let Err(e) = privilege::drop_privileges() {
        fail(&format!("the command was not run: {e:#}"));
    }
    unsafe {
        if let Some(log) = log {
            let fd = libc::open(
                log.as_ptr(),
                libc::O_WRONLY | libc::O_CREAT | libc::O_EXCL | libc::O_NOFOLLOW,
                0o600,
            );
            if fd < 0 {
                fail(&format!(
                    "cannot create the command's log {}: {}",
                    log.to_string_lossy(),
                    std::io::Error::last_os_error()
                ));
            }
            let null = libc::open(c"/dev/null".as_ptr(), libc::O_RDONLY);
            if null < 0 || libc::dup2(null, 0) < 0 || libc::dup2(fd, 1) < 0 || libc::dup2(fd, 2) < 0
            {
                fail(&format!(
                    "cannot give the command its log as output: {}",
                    std::io::Error::last_os_error()
                ));
            }
            libc::close(fd);
            libc::close(null);
        }
        libc::execvp(argv[0], argv.as_ptr());
        let e = std::io::Error::last_os_error();
        let name = std::ffi::CStr::from_ptr(argv[0]).to_string_lossy();
        fail(&format!("cannot run `{name}`: {e}"))
    }
}

pub struct Trace {
    lang: crate::explain::Lang,
    child: Child,
    command: String,
    sniffer: Sniffer,
    link_type: u32,
    states: Tracer,
    sys: SysTracer,
    t0: i128,
    frames: Vec<Frame>,
    frames_dropped: u64,
    events: Vec<tracefs::Event>,
    sys_events: Vec<SysEvent>,
    calls: Vec<SysCall>,
    infos: Vec<StepInfo>,
    /// Frame number in the timeline (1-based) → index into `frames`.
    shown_frames: Vec<usize>,
    timeline: Timeline,
    /// Something arrived that the timeline does not show yet.
    dirty: bool,
    rebuilt_at: Option<Instant>,
    done: bool,
    interrupted: bool,
    log: Option<PathBuf>,
}

/// What the trace needs from the kernel, said plainly when it is missing.
fn need(why: &str) -> anyhow::Error {
    anyhow::anyhow!(
        "synack trace needs the kernel's syscall tracepoints in tracefs, as root \
         (sudo synack trace -- CMD), and cannot work without them: {why}"
    )
}

impl Trace {
    /// Set everything up and start the command: the raw socket and both
    /// tracefs instances as root, the command forked (waiting) and its
    /// pid given to the syscall instance, then privilege given up, then
    /// `after_drop` (the `--save` file, created by the invoking user),
    /// then the reader threads, and only then the command let go, so its
    /// first call and first segment are seen.
    pub fn start<T>(
        opts: Options,
        after_drop: impl FnOnce(u32) -> Result<T>,
    ) -> Result<(Trace, T)> {
        // SAFETY: geteuid has no preconditions.
        if unsafe { libc::geteuid() } != 0 {
            return Err(need("synack does not run as root"));
        }
        let sock =
            RawSocket::open("lo").map_err(|e| super::kernel::sniffer::open_error(&e, "lo"))?;
        let link_type = sock.link_type;
        let states =
            Tracer::setup_filtered(opts.port.map(|p| format!("sport == {p} || dport == {p}")))
                .map_err(|e| need(&e))?;
        let mut sys = SysTracer::setup().map_err(|e| need(&e))?;
        let mut child = Child::fork(&opts.argv, opts.log.as_deref())?;
        sys.follow(child.pid).map_err(|e| need(&e))?;
        privilege::drop_privileges()?;
        let extra = after_drop(link_type)?;
        let sniffer = Sniffer::start(sock);
        // Best effort, as in `sniff`: unfiltered is only slower.
        let _ = sniffer.set_filter(opts.port, true);
        let mut states = states;
        states.run();
        sys.run();
        let t0 = now_nanos();
        let command = opts
            .argv
            .iter()
            .map(|a| a.to_string_lossy().into_owned())
            .collect::<Vec<_>>()
            .join(" ");
        child.release()?;
        let timeline = Timeline {
            source: format!("trace: {command}"),
            title: msg!(opts.lang, "trace-title", command = command.as_str()),
            streams: Vec::new(),
            steps: Vec::new(),
        };
        Ok((
            Trace {
                lang: opts.lang,
                child,
                command,
                sniffer,
                link_type,
                states,
                sys,
                t0,
                frames: Vec::new(),
                frames_dropped: 0,
                events: Vec::new(),
                sys_events: Vec::new(),
                calls: Vec::new(),
                infos: Vec::new(),
                shown_frames: Vec::new(),
                timeline,
                dirty: false,
                rebuilt_at: None,
                done: false,
                interrupted: false,
                log: opts.log,
            },
            extra,
        ))
    }

    /// The command's socket calls (on TCP sockets), in the order made.
    pub fn calls(&self) -> &[SysCall] {
        &self.calls
    }

    /// What the trace adds to step `i` of the timeline.
    pub fn info(&self, i: usize) -> Option<&StepInfo> {
        self.infos.get(i)
    }

    /// The command's exit status as a shell sees it, once it has exited.
    pub fn exit_code(&self) -> Option<i32> {
        self.child.code()
    }

    pub fn command(&self) -> &str {
        &self.command
    }

    pub fn log(&self) -> Option<&Path> {
        self.log.as_deref()
    }

    pub fn link_type(&self) -> u32 {
        self.link_type
    }

    /// Seconds on the steps' clock.
    pub fn secs(&self, t: i128) -> f64 {
        (t - self.t0) as f64 / 1e9
    }

    /// The captured frame behind timeline frame `n` (1-based):
    /// timestamp, bytes and length on the wire.
    pub fn frame(&self, n: u64) -> Option<(i128, &[u8], u32)> {
        let i = *self.shown_frames.get(n.checked_sub(1)? as usize)?;
        self.frames
            .get(i)
            .map(|f| (f.ts_nanos, f.data.as_slice(), f.orig_len))
    }

    /// Notes for the user: frames or calls left out.
    pub fn notes(&self) -> Vec<String> {
        let mut n = Vec::new();
        if self.frames_dropped > 0 {
            n.push(format!(
                "{} loopback frames beyond the first {MAX_FRAMES} were not kept",
                self.frames_dropped
            ));
        }
        if self.calls.len() >= MAX_CALLS {
            n.push(format!("only the first {MAX_CALLS} socket calls were kept"));
        }
        let lost = self.sniffer.dropped();
        if lost > 0 {
            n.push(format!(
                "the kernel dropped {lost} frames synack did not read in time"
            ));
        }
        let udp = self.udp_sockets();
        if udp > 0 && !self.timeline.steps.iter().any(|s| s.is_udp()) {
            n.push(format!(
                "the command made {udp} UDP socket(s), but no datagram of theirs was seen on \
                 lo: trace follows a UDP socket by the datagrams its calls send or receive \
                 on loopback"
            ));
        }
        n
    }

    /// How many IPv4/IPv6 UDP sockets the command created (socket() with
    /// SOCK_DGRAM).
    pub fn udp_sockets(&self) -> usize {
        self.sys_events
            .iter()
            .filter(|e| match &e.kind {
                SysKind::Enter { name, args } if name == "socket" => {
                    let arg = |k: &str| args.iter().find(|(n, _)| n == k).map(|a| a.1);
                    matches!(arg("family"), Some(2 | 10))
                        && arg("type").is_some_and(|t| t & 0xf == 2)
                }
                _ => false,
            })
            .count()
    }

    /// Ctrl-C (or another stopping signal): pass it on to the command
    /// once; if it has not exited two seconds later, kill it. Ctrl-C at a
    /// terminal reaches the command by itself (it is in synack's process
    /// group, so its stdin stays usable): it is passed on only if the
    /// command is still running 150 ms later, so it is not hit twice.
    pub fn interrupt(&mut self, signal: i32) {
        if self.child.status.is_some() {
            return;
        }
        self.interrupted = true;
        let now = Instant::now();
        let seen = *self.child.stop_seen.get_or_insert(now);
        match self.child.signalled_at {
            None if now - seen >= Duration::from_millis(150) => {
                // SAFETY: our own child.
                unsafe { libc::kill(self.child.pid, signal) };
                self.child.signalled_at = Some(now);
            }
            Some(t) if t.elapsed() > Duration::from_secs(2) => {
                // SAFETY: our own child.
                unsafe { libc::kill(self.child.pid, libc::SIGKILL) };
            }
            _ => {}
        }
    }

    /// Whether a signal made the command stop.
    pub fn interrupted(&self) -> bool {
        self.interrupted
    }

    /// Stop the command now (the terminal UI was left while it ran).
    pub fn kill(&mut self) {
        if self.child.status.is_none() {
            // SAFETY: our own child.
            unsafe { libc::kill(self.child.pid, libc::SIGTERM) };
            let end = Instant::now() + Duration::from_secs(2);
            while Instant::now() < end && !self.child.wait(false) {
                std::thread::sleep(Duration::from_millis(20));
            }
            if self.child.status.is_none() {
                // SAFETY: our own child.
                unsafe { libc::kill(self.child.pid, libc::SIGKILL) };
                self.child.wait(true);
            }
        }
    }

    /// Take whatever arrived. True when anything did.
    fn drain(&mut self) -> Result<bool> {
        let mut changed = false;
        loop {
            match self.sniffer.try_recv() {
                Ok(Ok(f)) => {
                    changed = true;
                    if self.frames.len() < MAX_FRAMES {
                        self.frames.push(f);
                    } else {
                        self.frames_dropped += 1;
                    }
                }
                Ok(Err(e)) => bail!("capture on lo failed: {e}"),
                Err(_) => break,
            }
        }
        let ev = self.states.take();
        changed |= !ev.is_empty();
        self.events.extend(ev);
        let sys = self.sys.take();
        changed |= !sys.is_empty();
        self.sys_events.extend(sys);
        Ok(changed)
    }

    /// Wait for the command and what it left on the wire, taking
    /// everything in. Called once at the end (also after Ctrl-C).
    pub fn finish(&mut self) -> Result<()> {
        while !self.done {
            self.poll()?;
            std::thread::sleep(Duration::from_millis(20));
        }
        Ok(())
    }

    /// The calls, sockets and the addresses the command's sockets had.
    fn read_calls(&self) -> (Vec<SysCall>, Vec<Sock>, HashSet<SocketAddr>) {
        let mut events: Vec<&SysEvent> = self.sys_events.iter().collect();
        events.sort_by_key(|e| e.t_nanos);
        let mut calls: Vec<SysCall> = Vec::new();
        let mut socks: Vec<Sock> = Vec::new();
        let mut fds: HashMap<i32, HashMap<i64, usize>> = HashMap::new();
        // Per thread: the call it is in (None: one not followed).
        let mut pending: HashMap<i32, Option<usize>> = HashMap::new();
        let mut ours: HashSet<SocketAddr> = HashSet::new();
        for e in events {
            match &e.kind {
                SysKind::Fork { child } => {
                    let table = fds.get(&e.tgid).cloned().unwrap_or_default();
                    fds.insert(*child, table);
                }
                SysKind::Enter { name, args } => {
                    let fd = args
                        .iter()
                        .find(|(k, _)| k == "fd")
                        .map(|(_, v)| *v as i32 as i64);
                    let sock = fd.and_then(|f| fds.get(&e.tgid)?.get(&f).copied());
                    let follow = match name.as_str() {
                        "socket" => {
                            let arg = |k: &str| args.iter().find(|(n, _)| n == k).map(|a| a.1);
                            matches!(arg("family"), Some(2 | 10))
                                && arg("type").is_some_and(|t| matches!(t & 0xf, 1 | 2))
                        }
                        _ => sock.is_some(),
                    };
                    if !follow || calls.len() >= MAX_CALLS {
                        pending.insert(e.tid, None);
                        continue;
                    }
                    calls.push(SysCall {
                        pid: e.tgid,
                        tid: e.tid,
                        name: name.clone(),
                        fd,
                        args: args.clone(),
                        enter_ns: e.t_nanos,
                        exit_ns: None,
                        ret: None,
                        sock,
                        new_sock: None,
                    });
                    pending.insert(e.tid, Some(calls.len() - 1));
                }
                SysKind::Exit { name, ret } => {
                    let Some(Some(i)) = pending.remove(&e.tid) else {
                        continue;
                    };
                    if calls[i].name != *name {
                        continue;
                    }
                    calls[i].exit_ns = Some(e.t_nanos);
                    calls[i].ret = Some(*ret);
                    let table = fds.entry(e.tgid).or_default();
                    match name.as_str() {
                        "socket" if *ret >= 0 => {
                            let dgram = calls[i]
                                .args
                                .iter()
                                .any(|(k, v)| k == "type" && v & 0xf == 2);
                            socks.push(Sock {
                                udp: dgram,
                                ..Sock::default()
                            });
                            table.insert(*ret, socks.len() - 1);
                            calls[i].new_sock = Some(socks.len() - 1);
                        }
                        "accept" | "accept4" if *ret >= 0 => {
                            socks.push(Sock {
                                accepted_from: calls[i].sock,
                                ..Sock::default()
                            });
                            table.insert(*ret, socks.len() - 1);
                            calls[i].new_sock = Some(socks.len() - 1);
                        }
                        "close" => {
                            if let Some(fd) = calls[i].fd {
                                table.remove(&fd);
                            }
                        }
                        _ => {}
                    }
                }
                SysKind::State { src, dst, old, new } => {
                    // A softirq that ran while the thread was in a call
                    // (on loopback, the peer's side of the handshake runs
                    // inside the client's connect()) is not that call's,
                    // and may not even be the command's: any loopback
                    // connection's packets can be handled in the softirq
                    // that interrupted it. Only changes made in the
                    // command's own context name its sockets.
                    if e.irq {
                        continue;
                    }
                    if src.port() != 0 {
                        ours.insert(*src);
                    }
                    let Some(Some(i)) = pending.get(&e.tid) else {
                        continue;
                    };
                    let Some(s) = calls[*i].sock else { continue };
                    let sock = &mut socks[s];
                    // Once a socket's ends are known, a change naming
                    // other ends is another socket's (a backlog processed
                    // on release of this one).
                    if sock.local.is_some_and(|l| l != *src) && *old != 2 {
                        continue;
                    }
                    if src.port() != 0 {
                        sock.local = Some(*src);
                    }
                    if *new == 10 {
                        sock.listening = true;
                    } else if dst.port() != 0 {
                        sock.remote = Some(*dst);
                    }
                }
            }
        }
        // Failed reads and writes of a non-blocking socket say only "not
        // yet": they would fill the ladder of any event-loop program.
        let keep: Vec<bool> = calls
            .iter()
            .map(|c| {
                !(c.ret == Some(-(libc::EAGAIN as i64))
                    && matches!(c.ladder_call(), Some(Call::Read | Call::Write)))
            })
            .collect();
        let mut k = keep.iter();
        calls.retain(|_| *k.next().unwrap_or(&true));
        (calls, socks, ours)
    }

    /// The addresses of the command's UDP sockets, learned from the
    /// datagrams their calls moved (UDP makes no state change to name a
    /// socket by): on loopback a datagram is captured inside the send call
    /// that sent it, and one a receive call returned was captured before it
    /// returned, with as many bytes.
    fn learn_udp(&self, calls: &[SysCall], socks: &mut [Sock]) -> HashSet<SocketAddr> {
        if !socks.iter().any(|s| s.udp) {
            return HashSet::new();
        }
        let mut decoder = Decoder::new();
        let frames: Vec<(i128, SocketAddr, SocketAddr, u32)> = self
            .frames
            .iter()
            .filter_map(
                |f| match decoder.decode(self.link_type, &f.data, f.orig_len) {
                    DecodeOutcome::Udp(d) => Some((f.ts_nanos, d.src, d.dst, d.len)),
                    _ => None,
                },
            )
            .collect();
        for c in calls {
            let (Some(s), Some(exit), Some(ret)) = (c.sock, c.exit_ns, c.ret) else {
                continue;
            };
            if !socks[s].udp || socks[s].local.is_some() || ret < 0 {
                continue;
            }
            let len_ok = |len: u32| c.name.ends_with("mmsg") || i64::from(len) == ret;
            let found = match c.ladder_call() {
                Some(Call::Write) => frames
                    .iter()
                    .find(|f| f.0 >= c.enter_ns && f.0 <= exit && len_ok(f.3))
                    .map(|f| f.1),
                Some(Call::Read) => frames
                    .iter()
                    .rev()
                    .find(|f| f.0 <= exit && len_ok(f.3))
                    .map(|f| f.2),
                _ => None,
            };
            socks[s].local = found;
        }
        socks
            .iter()
            .filter(|s| s.udp)
            .filter_map(|s| s.local)
            .collect()
    }

    /// Build the timeline again from everything taken so far.
    fn rebuild(&mut self) {
        let (calls, mut socks, ours) = self.read_calls();
        let ours_udp = self.learn_udp(&calls, &mut socks);
        let is_ours = |a: &SocketAddr| {
            ours.contains(a)
                || ours
                    .iter()
                    .any(|o| o.port() == a.port() && o.ip().is_unspecified())
        };
        // Other programs' loopback frames are let go once the trace has had
        // time to name the command's sockets (it lags by milliseconds).
        let old = now_nanos() - FOREIGN_KEEP.as_nanos() as i128;
        let mut probe = Decoder::new();
        let link = self.link_type;
        self.frames.retain(|f| {
            f.ts_nanos >= old
                || match probe.decode(link, &f.data, f.orig_len) {
                    DecodeOutcome::Tcp(d) => is_ours(&d.src) || is_ours(&d.dst),
                    DecodeOutcome::Udp(d) => ours_udp.contains(&d.src) || ours_udp.contains(&d.dst),
                    _ => false,
                }
        });
        // The segments of the command's connections, through a fresh tracker.
        let mut decoder = Decoder::new();
        let mut tracker = Tracker::new();
        let mut shown = Vec::new();
        let mut seg_steps: Vec<Step> = Vec::new();
        let mut frame_ns: Vec<i128> = Vec::new();
        for (i, f) in self.frames.iter().enumerate() {
            let d = match decoder.decode(self.link_type, &f.data, f.orig_len) {
                DecodeOutcome::Tcp(d) => d,
                DecodeOutcome::Udp(d) if ours_udp.contains(&d.src) || ours_udp.contains(&d.dst) => {
                    shown.push(i);
                    frame_ns.push(f.ts_nanos);
                    tracker.push_datagram(crate::tcp::tracker::ObservedDatagram {
                        frame: shown.len() as u64,
                        time: self.secs(f.ts_nanos),
                        src: d.src,
                        dst: d.dst,
                        len: d.len,
                        bytes: Some(crate::timeline::FrameBytes {
                            link_type: self.link_type,
                            orig_len: f.orig_len,
                            captured_len: f.data.len() as u32,
                            data: f.data.clone(),
                            layers: d.layers,
                        }),
                    });
                    while let Some(s) = tracker.pop() {
                        seg_steps.push(s);
                    }
                    continue;
                }
                _ => continue,
            };
            if !is_ours(&d.src) && !is_ours(&d.dst) {
                continue;
            }
            shown.push(i);
            frame_ns.push(f.ts_nanos);
            let n = shown.len() as u64;
            tracker.push(crate::source::capture::observe_frame(
                n,
                self.secs(f.ts_nanos),
                self.link_type,
                f.data.clone(),
                f.data.len(),
                f.orig_len,
                d,
            ));
            while let Some(s) = tracker.pop() {
                seg_steps.push(s);
            }
        }
        tracker.finish();
        while let Some(s) = tracker.pop() {
            seg_steps.push(s);
        }
        let streams = tracker.streams();
        // Each socket's connection.
        let first_ns = |stream: u32| -> Option<i128> {
            seg_steps
                .iter()
                .find(|s| s.stream == stream && !s.is_udp())
                .and_then(|s| s.segment.as_ref())
                .map(|v| frame_ns[v.frame as usize - 1])
        };
        let mut conn_of: Vec<Option<(u32, Side)>> = vec![None; socks.len()];
        let mut taken: HashSet<u32> = HashSet::new();
        let find = |local: SocketAddr, remote: SocketAddr| -> Option<(u32, Side)> {
            streams.iter().enumerate().rev().find_map(|(i, s)| {
                if s.client == local && s.server == remote {
                    Some((i as u32, Side::Client))
                } else if s.server == local && s.client == remote {
                    Some((i as u32, Side::Server))
                } else {
                    None
                }
            })
        };
        for c in &calls {
            let (s, after) = match (c.name.as_str(), c.new_sock, c.sock) {
                ("accept" | "accept4", Some(n), _) => (n, c.exit_ns.unwrap_or(c.enter_ns)),
                (_, _, Some(s)) => (s, c.enter_ns),
                _ => continue,
            };
            if conn_of[s].is_some() || socks[s].listening {
                continue;
            }
            let sock = &socks[s];
            let found = match (sock.local, sock.remote) {
                (Some(l), Some(r)) => find(l, r),
                (None, Some(r)) if c.name == "connect" => (0..streams.len() as u32)
                    .find(|&i| {
                        streams[i as usize].server == r
                            && !taken.contains(&i)
                            && first_ns(i).is_some_and(|t| t >= c.enter_ns)
                    })
                    .map(|i| (i, Side::Client)),
                _ => sock.accepted_from.and_then(|l| {
                    let port = socks[l].local?.port();
                    (0..streams.len() as u32)
                        .find(|&i| {
                            streams[i as usize].server.port() == port
                                && !taken.contains(&i)
                                && first_ns(i).is_some_and(|t| t <= after)
                        })
                        .map(|i| (i, Side::Server))
                }),
            };
            if let Some((i, side)) = found {
                taken.insert(i);
                conn_of[s] = Some((i, side));
            }
        }
        // A later in-context change may have named an accepted socket's
        // ends after all: that wins over the queue order.
        for (s, sock) in socks.iter().enumerate() {
            if let (Some(l), Some(r), false) = (sock.local, sock.remote, sock.listening)
                && let Some(c) = find(l, r)
            {
                conn_of[s] = Some(c);
            }
        }
        let listener_stream = |s: usize| -> Option<(u32, Side)> {
            let port = socks[s].local?.port();
            streams
                .iter()
                .position(|st| st.server.port() == port)
                .map(|i| (i as u32, Side::Server))
        };

        // The command's datagrams: when each was captured, its
        // conversation, sender and receiver.
        let grams: Vec<(
            i128,
            u32,
            crate::timeline::StreamInfo,
            SocketAddr,
            SocketAddr,
        )> = seg_steps
            .iter()
            .filter_map(|s| {
                let d = s.datagram.as_deref()?;
                Some((
                    frame_ns[d.frame as usize - 1],
                    s.stream,
                    d.ends(),
                    d.src,
                    d.dst,
                ))
            })
            .collect();

        // Call steps, each with its start time.
        let mut all: Vec<(i128, Step, StepInfo)> = Vec::new();
        for (ci, c) in calls.iter().enumerate() {
            let Some(call) = c.ladder_call() else {
                continue;
            };
            if let Some(s) = c.sock.filter(|&s| socks[s].udp) {
                if let Some(step) =
                    udp_call_step(c, call, socks[s].local, &grams, self.secs(c.enter_ns))
                {
                    let t = if call == Call::Read {
                        c.exit_ns.unwrap_or(c.enter_ns)
                    } else {
                        c.enter_ns
                    };
                    all.push((
                        t,
                        step,
                        StepInfo {
                            call: Some(ci),
                            caused_by: None,
                        },
                    ));
                }
                continue;
            }
            let sock = if call == Call::Accept {
                c.new_sock
            } else {
                c.sock
            };
            let conn = match sock {
                Some(s) if socks[s].listening && call == Call::Listen => listener_stream(s),
                Some(s) if socks[s].listening => None,
                Some(s) => conn_of[s],
                None => None,
            };
            let Some((stream, side)) = conn else { continue };
            let waits = matches!(call, Call::Accept | Call::Read);
            let t = if waits {
                c.exit_ns.unwrap_or(c.enter_ns)
            } else {
                c.enter_ns
            };
            all.push((
                t,
                Step {
                    kind: StepKind::Call,
                    stream,
                    time: self.secs(t),
                    side,
                    call: Some(call),
                    call_result: c.result(),
                    timer: None,
                    segment: None,
                    before: States::default(),
                    after: States::default(),
                    kernel: None,
                    kernel_detail: None,
                    datagram: None,
                },
                StepInfo {
                    call: Some(ci),
                    caused_by: None,
                },
            ));
        }
        for s in seg_steps {
            let frame = s
                .segment
                .as_ref()
                .map(|v| v.frame)
                .or(s.datagram.as_ref().map(|d| d.frame));
            let t = frame.map_or(0, |f| frame_ns[f as usize - 1]);
            all.push((t, s, StepInfo::default()));
        }
        all.sort_by_key(|(t, s, _)| (*t, s.kind != StepKind::Call));

        // A datagram was sent by its sender's latest sendto() on it.
        for i in 0..all.len() {
            let Some(d) = all[i].1.datagram.as_deref().filter(|d| d.frame > 0) else {
                continue;
            };
            let (stream, from) = (all[i].1.stream, d.from);
            let found = (0..i).rev().find(|&j| {
                let s = &all[j].1;
                s.kind == StepKind::Call
                    && s.is_udp()
                    && s.stream == stream
                    && s.side == from
                    && s.call == Some(Call::SendTo)
            });
            if let Some(j) = found {
                all[i].1.call = Some(Call::SendTo);
                all[i].2.caused_by = all[j].2.call.map(Cause::Call);
            }
        }

        // Causes.
        let mut used_fin: HashSet<usize> = HashSet::new();
        for i in 0..all.len() {
            let Some(v) = all[i].1.segment.as_ref() else {
                continue;
            };
            let (stream, from, f, len) = (all[i].1.stream, v.from, v.seg.flags, v.len);
            let retrans = v
                .analysis
                .contains(&crate::timeline::Analysis::Retransmission);
            let want: &[Call] = if retrans {
                &[]
            } else if f.syn() && !f.ack() {
                &[Call::Connect]
            } else if f.fin() {
                &[Call::Close, Call::Shutdown]
            } else if f.rst() {
                &[Call::Close]
            } else if len > 0 {
                &[Call::Write]
            } else {
                &[]
            };
            let found = (0..i).rev().find(|&j| {
                let s = &all[j].1;
                s.kind == StepKind::Call
                    && s.stream == stream
                    && s.side == from
                    && s.call.is_some_and(|c| want.contains(&c))
                    && !(f.fin() && used_fin.contains(&j))
            });
            match found {
                Some(j) => {
                    if f.fin() {
                        used_fin.insert(j);
                    }
                    let call = all[j].1.call;
                    if f.rst() && call == Some(Call::Close) {
                        all[j].1.call_result = Some(CallResult::Abort { unread: 0 });
                    }
                    all[i].1.call = call;
                    all[i].2.caused_by = all[j].2.call.map(Cause::Call);
                }
                None => {
                    all[i].1.call = None;
                    all[i].2.caused_by = Some(Cause::Kernel);
                }
            }
        }

        // States (after the causes, which tell an abort): a call moves its caller, a segment keeps the tracker's
        // reading of both ends after it.
        let mut cur: HashMap<u32, States> = HashMap::new();
        for (_, step, _) in all.iter_mut() {
            if step.is_udp() {
                // UDP has no states.
                continue;
            }
            let before = *cur
                .entry(step.stream)
                .or_insert(States::new(State::Closed, State::Closed));
            step.before = before;
            if step.kind == StepKind::Call {
                let mut after = before;
                let call = step.call.expect("a call step");
                let result = step.call_result.clone().unwrap_or(CallResult::Done);
                after.set(step.side, after_call(before.get(step.side), call, &result));
                step.after = after;
            }
            cur.insert(step.stream, step.after);
        }

        let starts: Vec<i128> = all.iter().map(|(t, _, _)| *t).collect();
        let (mut steps, infos): (Vec<Step>, Vec<StepInfo>) =
            all.into_iter().map(|(_, s, i)| (s, i)).unzip();
        self.apply_kernel(&mut steps, &starts, &streams);
        self.timeline.steps = steps;
        self.timeline.streams = streams;
        self.infos = infos;
        self.calls = calls;
        self.shown_frames = shown;
    }

    /// The kernel's own changes, each given to the last step of its
    /// connection that began at or before it, and the kernel's states
    /// after every step.
    fn apply_kernel(&self, steps: &mut [Step], starts: &[i128], streams: &[StreamInfo]) {
        let mut events: Vec<&tracefs::Event> = self.events.iter().collect();
        events.sort_by_key(|e| e.t_nanos);
        let lang = self.lang;
        let mut details: Vec<KernelDetail> = vec![KernelDetail::default(); steps.len()];
        // (step, side, socket, old, new)
        let mut changes: Vec<Vec<(Side, &'static str, u8, u8)>> = vec![Vec::new(); steps.len()];
        for e in events {
            // Which connection and end the event is about.
            let mut hit = None;
            for (i, s) in streams.iter().enumerate().rev() {
                let m = attribute::end_of(e, s.client, s.server);
                let Some(m) = m else { continue };
                let owner = (0..steps.len())
                    .rev()
                    .find(|&j| steps[j].stream == i as u32 && starts[j] <= e.t_nanos);
                if let Some(j) = owner {
                    let j = match &e.kind {
                        tracefs::EventKind::State { old, new } => {
                            change_owner(steps, starts, i as u32, m.0, (*old, *new), e.t_nanos)
                                .unwrap_or(j)
                        }
                        _ => j,
                    };
                    hit = Some((j, m));
                    break;
                }
            }
            let Some((j, (side, socket))) = hit else {
                continue;
            };
            match &e.kind {
                tracefs::EventKind::State { old, new } => {
                    changes[j].push((side, socket, *old, *new));
                    details[j].transitions.push(KernelTransition {
                        side,
                        socket,
                        from: kproc::kernel_state(*old),
                        to: kproc::kernel_state(*new),
                        t: self.secs(e.t_nanos),
                    });
                }
                kind => {
                    let side = lang.side(side);
                    let text = match kind {
                        tracefs::EventKind::Retransmit => {
                            msg!(lang, "trace-event-retransmit", side = side)
                        }
                        tracefs::EventKind::RetransmitSynAck => {
                            msg!(lang, "trace-event-retransmit-syn-ack")
                        }
                        tracefs::EventKind::SendReset => {
                            msg!(lang, "trace-event-send-reset", side = side)
                        }
                        _ => msg!(lang, "trace-event-receive-reset", side = side),
                    };
                    details[j].events.push(text);
                }
            }
        }
        // Kernel states per connection: the client's socket, the server's
        // connection socket, or its listener until that exists.
        let mut ks: HashMap<u32, attribute::ConnKernel> = HashMap::new();
        for (j, step) in steps.iter_mut().enumerate() {
            if step.is_udp() {
                continue;
            }
            let k = ks.entry(step.stream).or_default();
            let (kernel, tw_began) = k.step(step.after, &changes[j], Some(State::Closed));
            step.kernel = Some(kernel);
            let d = &mut details[j];
            d.note = attribute::note(kernel, step.after, tw_began, lang);
            step.kernel_detail = Some(Box::new(std::mem::take(d)));
        }
    }
}

/// A call on one of the command's UDP sockets (`local`, when learned) as a
/// step of the conversation its datagram belongs to: a send, the one it
/// sent; a receive, the latest one to the socket before it returned; a
/// close, the socket's latest conversation. `None` when there is none.
fn udp_call_step(
    c: &SysCall,
    call: Call,
    local: Option<SocketAddr>,
    grams: &[(
        i128,
        u32,
        crate::timeline::StreamInfo,
        SocketAddr,
        SocketAddr,
    )],
    time: f64,
) -> Option<Step> {
    let local = local?;
    let exit = c.exit_ns.unwrap_or(c.enter_ns);
    let (call, gram) = match call {
        Call::Write => (
            Call::SendTo,
            grams
                .iter()
                .find(|g| g.3 == local && g.0 >= c.enter_ns && g.0 <= exit),
        ),
        Call::Read => (
            Call::RecvFrom,
            grams.iter().rev().find(|g| g.4 == local && g.0 <= exit),
        ),
        Call::Close => (
            Call::Close,
            grams
                .iter()
                .rev()
                .find(|g| (g.3 == local || g.4 == local) && g.0 <= c.enter_ns),
        ),
        _ => return None,
    };
    let &(_, stream, ends, _, _) = gram?;
    let side = if ends.client == local {
        Side::Client
    } else {
        Side::Server
    };
    let call_result = match (call, c.ret) {
        (_, None) => None,
        (_, Some(r)) if r < 0 => Some(CallResult::Error(errno_name(-r))),
        (Call::Close, _) => Some(CallResult::Done),
        (_, Some(r)) => Some(CallResult::Bytes(r as usize)),
    };
    Some(Step {
        kind: StepKind::Call,
        stream,
        time,
        side,
        call: Some(call),
        call_result,
        timer: None,
        segment: None,
        datagram: Some(Box::new(crate::timeline::DatagramView {
            frame: 0,
            from: Side::Client,
            src: ends.client,
            dst: ends.server,
            len: 0,
            bytes: None,
            l7: None,
            gone: false,
        })),
        before: States::default(),
        after: States::default(),
        kernel: None,
        kernel_detail: None,
    })
}

/// The step a state change of `side`'s socket belongs to, by what makes
/// such a change: the changes only a call makes (listen, connect, close,
/// shutdown) go to that side's latest call, the rest to the latest segment
/// that side received. Time alone is not enough: on loopback the other
/// side's steps interleave within microseconds (an `accept()` placed at its
/// return can fall between a `shutdown()` and the change it made).
fn change_owner(
    steps: &[Step],
    starts: &[i128],
    stream: u32,
    side: Side,
    (old, new): (u8, u8),
    t: i128,
) -> Option<usize> {
    let calls_only = attribute::made_by_a_call(old, new);
    let last_call = (0..steps.len()).rev().find(|&j| {
        steps[j].stream == stream
            && !steps[j].is_udp()
            && steps[j].kind == StepKind::Call
            && steps[j].side == side
            && starts[j] <= t
    });
    if calls_only {
        return last_call;
    }
    let received = (0..steps.len()).rev().find(|&j| {
        steps[j].stream == stream
            && !steps[j].is_udp()
            && steps[j].segment.as_ref().is_some_and(|v| v.from != side)
            && starts[j] <= t + attribute::SLACK_NS
    });
    // An abort (close() with unread data, SO_LINGER 0) closes the socket
    // inside the call, before its RST is captured.
    let abort = new == 7
        && matches!(old, 1 | 8)
        && last_call
            .is_some_and(|c| steps[c].call == Some(Call::Close) && received.is_none_or(|r| r < c));
    if abort { last_call } else { received }
}

/// The state a call itself moves its caller to (before any segment).
fn after_call(state: Option<State>, call: Call, result: &CallResult) -> Option<State> {
    let s = state?;
    if matches!(result, CallResult::Error(_)) && call != Call::Connect {
        return Some(s);
    }
    let next = match (call, result) {
        (Call::Listen, _) => Some(State::Listen),
        (Call::Connect, _) if s == State::Closed => Some(State::SynSent),
        (Call::Close, CallResult::Abort { .. }) => Some(State::Closed),
        (Call::Close | Call::Shutdown, _) => s.next(Event::Close).ok(),
        _ => None,
    };
    Some(next.unwrap_or(s))
}

impl Source for Trace {
    fn timeline(&self) -> &Timeline {
        &self.timeline
    }

    fn poll(&mut self) -> Result<bool> {
        if self.done {
            return Ok(false);
        }
        if let Some(sig) = crate::signals::received() {
            self.interrupt(sig);
        }
        let changed = self.drain()?;
        self.child.wait(false);
        let settled = self.child.exited_at.is_some_and(|t| t.elapsed() >= QUIET);
        if settled {
            // The trace readers lag the packets a little: one more take.
            std::thread::sleep(Duration::from_millis(30));
            self.sniffer.stop();
            self.drain()?;
            self.done = true;
        }
        self.dirty |= changed;
        let due = self.rebuilt_at.is_none_or(|t| t.elapsed() >= REBUILD_EVERY);
        if settled || (self.dirty && due) {
            self.rebuild();
            self.dirty = false;
            self.rebuilt_at = Some(Instant::now());
            return Ok(true);
        }
        Ok(false)
    }

    fn finished(&self) -> bool {
        self.done
    }

    fn status(&self) -> String {
        let lang = self.lang;
        let frames = self.shown_frames.len();
        let calls = self.calls.len();
        let state = match self.child.code() {
            None => msg!(lang, "trace-status-running"),
            Some(c) => msg!(lang, "trace-status-exited", code = c.to_string()),
        };
        let log = self
            .log
            .as_ref()
            .map_or(String::new(), |p| format!("; output: {}", p.display()));
        msg!(
            lang,
            "trace-status",
            command = self.command.as_str(),
            state = state,
            calls = calls,
            frames = frames,
            log = log,
        )
    }
}
