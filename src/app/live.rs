//! The live lab (`synack live`) and the sniffer (`synack sniff`): real
//! sockets on loopback, real packets from an `AF_PACKET` socket, the
//! kernel's own socket states from tracepoints (or `/proc/net/tcp{,6}`).
//!
//! - [`sniffer`]: the raw socket and its reader thread;
//! - [`privilege`]: dropping privileges once the raw socket is open;
//! - [`kernel`]: `/proc/net/tcp` parsing and the kernel → RFC state names;
//! - [`tracefs`]: the lab's private tracefs instance and its cleaning helper;
//! - [`script`]: the lab's scripts;
//! - [`lab`]: the lab itself, a [`Source`];
//! - [`sniff`]: the passive sniffer, a [`Source`] too.

use crate::source::kernel::{privilege, sniffer, tracefs};
use crate::source::lab::{self, script};
use crate::source::{Source, sniff};

use crate::cli::{Format, LiveArgs, OutputArgs, SniffArgs};
use crate::explain::Lang;
use crate::pcap::PcapWriter;
use crate::timeline::{Step, Timeline};
use crate::view::{json, plain};
use anyhow::{Context, Result, bail};
use std::io::{self, IsTerminal, Write};
use std::path::Path;
use std::time::{Duration, Instant};

/// A stopping signal (SIGINT, SIGTERM, SIGHUP, SIGQUIT) arrived: stop,
/// finish the `--save` file, print what was seen.
fn stopped() -> bool {
    crate::signals::stopped()
}

/// Refuse an interface that is not a loopback device. synack teaches on
/// loopback, where every frame passes the tap once each way and the
/// sniffer keeps only the incoming copy; on any other interface that
/// rule would drop every frame the machine sends.
fn require_loopback(iface: &str) -> Result<()> {
    const IFF_LOOPBACK: u32 = 0x8;
    let flags = std::fs::read_to_string(format!("/sys/class/net/{iface}/flags"));
    let flags = match flags {
        Ok(f) => u32::from_str_radix(f.trim().trim_start_matches("0x"), 16).unwrap_or(0),
        Err(_) if !iface.contains('/') => {
            // Unknown here: opening the socket names the missing interface.
            return Ok(());
        }
        Err(_) => 0,
    };
    if flags & IFF_LOOPBACK == 0 {
        bail!(
            "`{iface}` is not a loopback interface; synack captures on loopback only \
             (`--iface lo`, the default), where both ends of a connection are seen"
        );
    }
    Ok(())
}

/// Open the raw socket, give up every privilege, then check and create
/// the `--save` file and start the capture thread. The order matters:
/// the file is created by the user synack now runs as (under sudo: the
/// invoking user), so the kernel's permission checks decide where a
/// capture may go; privileges are dropped before any thread exists
/// (capabilities are per thread); and a bad `--save` path is refused
/// before anything is captured.
///
/// `privileged` (what else needs privilege: a tracefs instance) runs after
/// the raw socket is open and before the drop.
fn start_capture_with<T>(
    iface: &str,
    save: Option<&Path>,
    force: bool,
    privileged: impl FnOnce() -> Result<T>,
) -> Result<(sniffer::Sniffer, Option<PcapWriter>, T)> {
    require_loopback(iface)?;
    // Before anything else, so a signal during set-up is not lost.
    crate::signals::install();
    // Fail before the socket is open when the path is plainly wrong; it is
    // checked again, as the right user, when the file is created.
    if let Some(p) = save {
        crate::pcap::check_target(p, force)?;
    }
    let sock = sniffer::RawSocket::open(iface).map_err(|e| sniffer::open_error(&e, iface))?;
    let extra = privileged()?;
    privilege::drop_privileges()?;
    let writer = match save {
        Some(p) => Some(PcapWriter::create_with(p, sock.link_type, force)?),
        None => None,
    };
    Ok((sniffer::Sniffer::start(sock), writer, extra))
}

fn print_out(text: &str) -> Result<()> {
    let mut out = io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|_| out.flush()) {
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        other => Ok(other?),
    }
}

/// The kernel's states beside the inferred ones, for the plain views.
fn kernel_table(tl: &Timeline, lang: crate::explain::Lang, traced: bool) -> String {
    use crate::i18n::text;
    let heading = if traced {
        text(lang, "live-kernel-states-traced")
    } else {
        text(lang, "live-kernel-states-proc")
    };
    let mut out = format!("\n{heading}\n");
    let (client, server) = (
        lang.side(crate::timeline::Side::Client),
        lang.side(crate::timeline::Side::Server),
    );
    let rows = plain::row_numbers(tl);
    // In the ladder's order, so the table reads down with it.
    let mut order: Vec<usize> = (0..tl.steps.len()).collect();
    order.sort_by_key(|&i| rows[i]);
    for i in order {
        let s = &tl.steps[i];
        let Some(k) = s.kernel else { continue };
        let what = match (&s.segment, s.call) {
            (Some(v), _) => format!("{} {}", lang.side(v.from), v.seg.flags.wireshark()),
            (None, Some(c)) => format!("{} {}", lang.side(s.side), c.name()),
            _ => String::new(),
        };
        // A difference Linux is known for is told below the line, not shouted.
        let known = s
            .kernel_detail
            .as_ref()
            .and_then(|d| d.note.as_deref())
            .is_some_and(|n| !n.starts_with("unexplained") && !n.starts_with("未解释"));
        let agree = match (k == s.after, known) {
            (true, _) => text(lang, "live-kernel-agrees"),
            (false, true) => text(lang, "live-kernel-differs-known"),
            (false, false) => text(lang, "live-kernel-differs"),
        };
        let kernel = format!("{}{}", text(lang, "live-kernel"), text(lang, "colon"));
        // Padded by display width: Chinese side names take two columns each.
        let pad = " "
            .repeat(28usize.saturating_sub(unicode_width::UnicodeWidthStr::width(what.as_str())));
        out.push_str(&format!(
            "{:>3}  {what}{pad} {kernel}{client} {:<12} {server} {:<12} {agree}\n",
            rows[i],
            crate::timeline::state_name(k.client),
            crate::timeline::state_name(k.server),
        ));
        if let Some(d) = &s.kernel_detail {
            for t in &d.transitions {
                out.push_str(&format!(
                    "       {} {} {} → {}\n",
                    lang.side(t.side),
                    socket_name(lang, t.socket),
                    crate::timeline::state_name(t.from),
                    crate::timeline::state_name(t.to)
                ));
            }
            for e in &d.events {
                out.push_str(&format!("       {e}\n"));
            }
            if let Some(n) = &d.note {
                out.push_str(&plain::wrap(n, "       ", 79));
            }
        }
    }
    out
}

/// Which socket a kernel change was on, as the kernel table names it
/// ("listener", "connection" or "time_wait", Chinese for the last).
pub(crate) fn socket_name(lang: crate::explain::Lang, socket: &str) -> &'static str {
    use crate::i18n::text;
    match socket {
        "listener" => text(lang, "live-socket-listener"),
        "connection" => text(lang, "live-socket-connection"),
        _ => text(lang, "live-socket-time-wait"),
    }
}

/// What this machine's sysctls make its TCP do, with the values read.
fn settings_note(lang: crate::explain::Lang) -> String {
    let mut out = format!("\n{}\n", crate::i18n::text(lang, "live-settings-heading"));
    for line in crate::explain::kernel::describe(&crate::source::kernel::proc::sysctls(), lang) {
        out.push_str(&plain::wrap(&line, "  ", 79));
    }
    out
}

/// Print a finished lab's timeline as the output flags ask.
fn emit_lab(tl: &Timeline, output: &OutputArgs, traced: bool, lang: Lang) -> Result<()> {
    match output.format() {
        Some(Format::Json) => {
            let mut out = io::BufWriter::new(io::stdout().lock());
            match json::write_in(tl, None, lang, &mut out) {
                Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
                other => Ok(other?),
            }
        }
        Some(Format::Svg) => print_out(&crate::view::svg::render(tl, None)),
        Some(Format::Mermaid) => print_out(&crate::view::mermaid::render(tl, None)),
        Some(Format::Html) => print_out(&super::html_deck(tl, None, lang)),
        Some(Format::Plain) | None => {
            let mut text = plain::render_in(
                tl,
                None,
                plain::PlainOptions {
                    brief: output.brief,
                },
                lang,
            );
            if !tl.steps.iter().all(|s| s.is_udp()) {
                // UDP has no kernel states and no TCP settings to show.
                text.push_str(&kernel_table(tl, lang, traced));
                text.push_str(&settings_note(lang));
            }
            print_out(&text)
        }
    }
}

pub fn run_live(args: &LiveArgs, lang: Lang) -> Result<()> {
    if args.list {
        return print_out(&script::list_in(lang));
    }
    let script = script::choose(&args.script, args.keep_alive).map_err(anyhow::Error::msg)?;
    let payload = match (&args.bytes, &args.message) {
        (Some(n), _) => (0..*n).map(|i| b'a' + (i % 26) as u8).collect(),
        (None, Some(m)) => m.as_bytes().to_vec(),
        (None, None) => b"hello".to_vec(),
    };
    if payload.is_empty() {
        bail!(
            "the client must write at least one byte: give --message TEXT or --bytes N with N > 0"
        );
    }
    let ipv6 = args.ipv6;
    let (sniffer, writer, (ends, tracer)) =
        start_capture_with("lo", args.save.as_deref(), args.force, || {
            let ends = lab::bind_ends(ipv6, script)?;
            let tracer = match std::env::var_os("SYNACK_NO_TRACEFS") {
                // For tests and for comparing with the /proc reading.
                Some(_) => Err("SYNACK_NO_TRACEFS is set".to_string()),
                _ if script.proto == script::Proto::Udp => {
                    Err("UDP sockets have no states to trace".to_string())
                }
                // The server's port is in every event of every client's
                // connection (as source or destination).
                None => tracefs::Tracer::setup([ends.client_addr.port(), ends.server_addr.port()]),
            };
            Ok((ends, tracer))
        })?;
    let opened = lab::Opened {
        sniffer,
        iface: "lo".into(),
        writer,
        tracer,
    };
    let mut lab = lab::Lab::new(script, ends, payload, opened, lang)?;
    if let Some(why) = lab
        .trace_unavailable()
        .filter(|_| script.proto == script::Proto::Tcp)
    {
        let _ = writeln!(
            io::stderr(),
            "synack: note: kernel states from /proc/net/tcp, read once per call: \
             tracefs is not available: {why}"
        );
    }

    let out = &args.output;
    let interactive = !args.auto && out.format().is_none() && io::stdout().is_terminal();
    let run = if interactive {
        // The terminal UI drives the lab as a Source. With
        // SYNACK_PLAIN_LAB=1 the Enter-driven plain-text lab runs instead
        // (a terminal without a usable UI, or a screen reader).
        if std::env::var_os("SYNACK_PLAIN_LAB").is_some() {
            interactive_plain(&mut lab)
        } else {
            crate::view::tui::run_live(&mut lab, super::tui_options(&args.output, lang))
        }
    } else {
        run_auto(&mut lab)
    };
    // Whatever happened (Ctrl-C included), finish the capture and the file.
    let finished = lab.finish();
    run?;
    finished?;
    if let Some(p) = args
        .save
        .as_deref()
        .filter(|p| crate::pcap::wants_pcapng(p))
    {
        comment_frames(p, lab.timeline())?;
    }
    if !interactive {
        emit_lab(lab.timeline(), out, lab.traced(), lang)?;
    }
    // In the plain ladder's numbering when that is what was printed.
    let plain = !interactive && matches!(out.format(), Some(Format::Plain) | None);
    let rows = plain::row_numbers(lab.timeline());
    for m in lab.mismatches() {
        let n = if plain {
            rows.get(m.step - 1).copied().unwrap_or(m.step)
        } else {
            m.step
        };
        eprintln!("synack: note: {}", m.line(n));
    }
    if stopped() {
        eprintln!(
            "synack: interrupted; what was captured is shown{}",
            saved_note(args.save.as_deref())
        );
    }
    Ok(())
}

/// A `.pcapng` from the lab: each frame's comment says which call sent it
/// (or that the kernel did on its own) and what the kernel's tracepoints
/// said at that step, so Wireshark shows the lesson beside the packets.
fn comment_frames(path: &Path, tl: &Timeline) -> Result<()> {
    let mut notes = FrameNotes::new(true);
    for s in &tl.steps {
        notes.add(s);
    }
    notes.write_into(path)
}

/// The comment of each saved frame, by frame number, for a `.pcapng`.
struct FrameNotes {
    notes: std::collections::HashMap<u64, String>,
    /// The lab and trace know which call sent each segment; the sniffer
    /// does not, and says only what the kernel's tracepoints said.
    calls_known: bool,
    /// Frames whose comment was left out to bound memory.
    left_out: u64,
}

impl FrameNotes {
    /// Comments kept at most (about 100 bytes each): a long sniff saves
    /// every frame but comments only this many.
    const MAX: usize = 200_000;

    fn new(calls_known: bool) -> FrameNotes {
        FrameNotes {
            notes: Default::default(),
            calls_known,
            left_out: 0,
        }
    }

    fn add(&mut self, s: &Step) {
        // A segment, or a datagram of the lab's UDP sockets (frame 0: a
        // call's conversation, no frame of its own).
        let (frame, from) = match (&s.segment, &s.datagram) {
            (Some(v), _) => (v.frame, v.from),
            (None, Some(d)) if d.frame > 0 => (d.frame, d.from),
            _ => return,
        };
        let mut parts = Vec::new();
        if self.calls_known {
            parts.push(match s.call {
                Some(c) => format!("caused by the {from}'s {}", c.name()),
                None => "sent by the kernel on its own: no call caused it".to_string(),
            });
        }
        if s.datagram.as_ref().is_some_and(|d| d.gone) {
            parts.push(
                "no socket was bound to the destination port: dropped by the receiving \
                 kernel (ICMP port unreachable, unseen by an unconnected sender)"
                    .to_string(),
            );
        }
        if let Some(d) = &s.kernel_detail {
            for t in &d.transitions {
                parts.push(format!(
                    "kernel: {} {} {} -> {}",
                    t.side,
                    t.socket,
                    crate::timeline::state_name(t.from),
                    crate::timeline::state_name(t.to)
                ));
            }
            parts.extend(d.events.iter().cloned());
        }
        if parts.is_empty() {
            return;
        }
        if self.notes.len() >= Self::MAX {
            self.left_out += 1;
            return;
        }
        self.notes.insert(frame, parts.join("; "));
    }

    /// Rewrite the finished file at `path` with the comments.
    fn write_into(mut self, path: &Path) -> Result<()> {
        if self.left_out > 0 {
            let _ = writeln!(
                io::stderr(),
                "synack: note: only the first {} commented frames of {} carry their comment",
                Self::MAX,
                path.display()
            );
        }
        crate::pcap::annotate(path, |n| self.notes.remove(&n))
            .map_err(|e| anyhow::anyhow!("cannot add the comments to {}: {e}", path.display()))
    }
}

/// Whether `--save` asked for pcapng (and so for frame comments).
fn wants_pcapng(save: Option<&Path>) -> bool {
    save.and_then(|p| p.extension())
        .is_some_and(|e| e.eq_ignore_ascii_case("pcapng"))
}

fn saved_note(p: Option<&Path>) -> String {
    p.map_or(String::new(), |p| format!(" and saved to {}", p.display()))
}

fn run_auto(lab: &mut lab::Lab) -> Result<()> {
    while !stopped() && lab.advance()? {}
    Ok(())
}

/// Wait for a line on stdin, polling the lab meanwhile. Returns false on
/// `q`, end of input or Ctrl-C.
fn wait_enter(src: &mut dyn Source) -> Result<bool> {
    loop {
        if stopped() {
            return Ok(false);
        }
        src.poll()?;
        let mut fds = libc::pollfd {
            fd: 0,
            events: libc::POLLIN,
            revents: 0,
        };
        // SAFETY: one valid pollfd.
        let r = unsafe { libc::poll(&mut fds, 1, 100) };
        if r > 0 {
            let mut line = String::new();
            let n = io::stdin().read_line(&mut line).unwrap_or(0);
            if n == 0 || matches!(line.trim(), "q" | "quit") {
                return Ok(false);
            }
            return Ok(true);
        }
    }
}

/// The steps of `tl` rendered as plain text, without the closing lines.
fn plain_body(tl: &Timeline) -> String {
    let text = plain::render(tl, None, plain::PlainOptions::default());
    match text.rfind("\n---") {
        Some(i) if text[i..].contains("final states") => text[..i + 1].to_string(),
        _ => text,
    }
}

/// The stand-in for the terminal UI: a hint, Enter, the call, its steps.
fn interactive_plain(lab: &mut lab::Lab) -> Result<()> {
    println!(
        "synack live lab `{}`: client {}, server {} on loopback. Enter: next call, q Enter: quit.",
        lab.script().name,
        lab.client_addr,
        lab.server_addr
    );
    let mut shown = String::new();
    while let Some(hint) = lab.next_hint() {
        println!("\nnext: {hint}");
        if !wait_enter(lab)? {
            return Ok(());
        }
        lab.advance()?;
        let body = plain_body(lab.timeline());
        let new = body.strip_prefix(shown.as_str()).unwrap_or(&body);
        print!("{new}");
        shown = body;
        if let Some(k) = lab.kernel_line() {
            println!("    {k}");
        }
        let rows = plain::row_numbers(lab.timeline());
        for m in lab.mismatches() {
            let n = rows.get(m.step - 1).copied().unwrap_or(m.step);
            println!("    note: {}", m.line(n));
        }
        io::stdout().flush()?;
    }
    println!("\nThe script is done. Enter or q: quit.");
    // Show TIME_WAIT counting down until the user leaves.
    loop {
        if stopped() {
            return Ok(());
        }
        lab.poll()?;
        if let Some(k) = lab.kernel_line() {
            print!("\r{k}    ");
            io::stdout().flush()?;
        }
        let mut fds = libc::pollfd {
            fd: 0,
            events: libc::POLLIN,
            revents: 0,
        };
        // SAFETY: one valid pollfd.
        if unsafe { libc::poll(&mut fds, 1, 500) } > 0 {
            let mut line = String::new();
            let _ = io::stdin().read_line(&mut line);
            println!();
            return Ok(());
        }
    }
}

pub fn run_sniff(args: &SniffArgs, lang: Lang) -> Result<()> {
    let port = args.port;
    let (sniffer, writer, tracer) =
        start_capture_with(&args.iface, args.save.as_deref(), args.force, || {
            Ok(match std::env::var_os("SYNACK_NO_TRACEFS") {
                Some(_) => Err("SYNACK_NO_TRACEFS is set".to_string()),
                // Without --port every connection's events are read, and
                // those of connections the tracker does not follow dropped.
                None => tracefs::Tracer::setup_filtered(
                    port.map(|p| format!("sport == {p} || dport == {p}")),
                ),
            })
        })?;
    let out_args = &args.output;
    let tui = out_args.format().is_none() && !out_args.brief && io::stdout().is_terminal();
    let keep = if tui {
        sniff::Keep::Latest
    } else {
        sniff::Keep::Nothing
    };
    let src = sniff::SniffSource::new(sniffer, &args.iface, args.port, writer, keep, lang)
        .with_limit(args.count);
    let (mut src, no_trace) = match tracer {
        Ok(t) => (src.with_tracer(t), None),
        Err(why) => (src, Some(why)),
    };
    // For tests and scripts: the socket is open from here on.
    eprintln!(
        "synack: capturing {} on {}{}",
        args.port
            .map_or_else(|| "TCP".to_string(), |p| format!("TCP port {p}")),
        args.iface,
        if args.count.is_none() && args.duration.is_none() {
            "; Ctrl-C stops"
        } else {
            ""
        }
    );
    if let Some(n) = src.note() {
        // A note only: a closed stderr must not make it a failure.
        let _ = writeln!(io::stderr(), "synack: note: {n}");
    }
    if let Some(why) = no_trace {
        let _ = writeln!(
            io::stderr(),
            "synack: note: no kernel states: tracefs is not available: {why}"
        );
    }
    // Without --plain/--json on a terminal the terminal UI drives `src` as
    // a Source (until q; --count and --duration are for the text modes).
    // The kernel's transitions go into a .pcapng's frame comments, as the
    // lab's do (the sniffer knows no calls).
    let mut notes = wants_pcapng(args.save.as_deref()).then(|| FrameNotes::new(false));
    if tui {
        let run = crate::view::tui::run_live(&mut src, super::tui_options(&args.output, lang));
        let finished = src.finish();
        run?;
        finished?;
        if let (Some(mut notes), Some(p)) = (notes, args.save.as_deref()) {
            // The TUI keeps the latest steps: those are commented.
            for s in &src.timeline().steps {
                notes.add(s);
            }
            notes.write_into(p)?;
        }
        return Ok(());
    }
    // The CLI keeps --duration finite and in range, so this cannot panic.
    let deadline = args
        .duration
        .map(|d| Instant::now() + Duration::from_secs_f64(d));
    stream_out(
        lang,
        &mut src,
        args.output.format() == Some(Format::Json),
        args.count,
        deadline,
        &stopped,
        notes.as_mut(),
    )?;
    match (notes, args.save.as_deref()) {
        (Some(notes), Some(p)) => notes.write_into(p),
        _ => Ok(()),
    }
}

/// Write what is in `buf` to stdout. False when stdout was closed (a
/// `| head`): the capture ends quietly.
fn write_out(out: &mut std::io::StdoutLock<'_>, buf: &mut Vec<u8>) -> Result<bool> {
    use std::io::Write;
    let r = out.write_all(buf).and_then(|_| out.flush());
    buf.clear();
    match r {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(false),
        other => other.map(|_| true).context("cannot write to stdout"),
    }
}

/// The text modes of `sniff` (`--plain`, `--json`): each step is written
/// as soon as it is decided and then let go, until `stopped()` (Ctrl-C),
/// `count` segments or the `deadline`.
fn stream_out(
    lang: Lang,
    src: &mut sniff::SniffSource,
    json_out: bool,
    count: Option<u64>,
    deadline: Option<Instant>,
    stopped: &dyn Fn() -> bool,
    mut notes: Option<&mut FrameNotes>,
) -> Result<()> {
    let mut writer = json::StepWriter::new();
    let mut buf: Vec<u8> = Vec::with_capacity(256 << 10);
    let mut format = |buf: &mut Vec<u8>, s: &Step| {
        if let Some(n) = notes.as_deref_mut() {
            n.add(s);
        }
        if json_out {
            writer.push(buf, s, lang);
        } else {
            buf.extend_from_slice(plain::sniff_line(s, lang).as_bytes());
            buf.push(b'\n');
        }
    };
    let mut out = std::io::stdout().lock();
    let mut result: Result<()> = Ok(());
    let mut open = true;
    loop {
        if stopped()
            || count.is_some_and(|n| src.segments() >= n)
            || deadline.is_some_and(|d| Instant::now() >= d)
        {
            break;
        }
        if let Err(e) = src.wait(Duration::from_millis(50)) {
            result = Err(e);
            break;
        }
        src.drain_ready(|s| format(&mut buf, s));
        match write_out(&mut out, &mut buf) {
            Ok(true) => {}
            Ok(false) => {
                open = false;
                break;
            }
            Err(e) => {
                result = Err(e);
                break;
            }
        }
    }
    let finished = src.finish();
    if open {
        src.drain_ready(|s| format(&mut buf, s));
        if !json_out {
            buf.extend_from_slice(src.status().as_bytes());
            buf.push(b'\n');
        }
        write_out(&mut out, &mut buf)?;
    }
    result?;
    finished?;
    // Notes only: a closed stderr must not turn them into a failure.
    use std::io::Write;
    let dropped = src.dropped();
    if dropped > 0 {
        let _ = writeln!(
            std::io::stderr(),
            "synack: the kernel dropped {dropped} frames that synack did not read in time; \
             the steps after them may be wrong"
        );
    }
    if src.unshown() > 0 {
        let _ = writeln!(
            std::io::stderr(),
            "synack: {} frames captured before the stop were not shown (no time left)",
            src.unshown()
        );
    }
    Ok(())
}
