//! The packet sniffer: a Linux `AF_PACKET` raw socket bound to one
//! interface, read in its own thread, frames sent over a channel.
//!
//! The socket is opened with libc rather than through pnet because the lab
//! needs what pnet's receive API does not hand out: the frame's true
//! length (so a cut frame is never taken for a whole one), the packet type
//! (to drop the outgoing copy of each loopback frame, in case
//! `PACKET_IGNORE_OUTGOING` is not available) and the kernel's receive
//! timestamp; and `sniff` needs a `TPACKET_V3` ring ([`ring`]) and a
//! socket filter ([`bpf`]) to keep up with a connection flood.
//!
//! On loopback every frame passes the packet taps twice, once leaving
//! (`PACKET_OUTGOING`) and once arriving (`PACKET_HOST`): the socket asks
//! the kernel to ignore the outgoing copies (`PACKET_IGNORE_OUTGOING`,
//! Linux 4.20), the filter drops them too, and the reader drops any that
//! still come.

pub mod bpf;
pub mod ring;

use std::ffi::CString;
use std::io;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::mpsc;
use std::thread::JoinHandle;
use std::time::Duration;

/// Big enough for a whole loopback frame (MTU 65536 + 14 bytes of Ethernet
/// header), with room to spare for GSO-sized frames on other interfaces.
pub const SNAP_LEN: usize = 262_144;
/// How long one read waits before checking whether to stop.
pub const READ_TIMEOUT: Duration = Duration::from_millis(50);

const PACKET_IGNORE_OUTGOING: libc::c_int = 23;

/// One captured frame.
#[derive(Clone, Debug)]
pub struct Frame {
    /// Kernel receive time, nanoseconds since the Unix epoch.
    pub ts_nanos: i128,
    pub data: Vec<u8>,
    /// Length on the wire (larger than `data.len()` if it was cut).
    pub orig_len: u32,
}

/// The one line shown when the raw socket cannot be opened for lack of
/// privilege.
pub fn no_permission_message() -> String {
    "capturing packets needs CAP_NET_RAW: run it with sudo, or once: \
     sudo setcap cap_net_raw+ep $(which synack)"
        .to_string()
}

/// Turn an error from opening the socket into one clear line.
pub fn open_error(e: &io::Error, iface: &str) -> anyhow::Error {
    match e.raw_os_error() {
        Some(libc::EPERM) | Some(libc::EACCES) => anyhow::anyhow!(no_permission_message()),
        Some(libc::ENODEV) => anyhow::anyhow!(
            "there is no network interface `{iface}`; `ip link` lists them (loopback is `lo`)"
        ),
        _ => anyhow::anyhow!("cannot capture on `{iface}`: {e}"),
    }
}

/// An open `AF_PACKET` socket bound to one interface.
pub struct RawSocket {
    fd: OwnedFd,
    ifindex: i32,
    /// LINKTYPE_* of the frames (1 Ethernet for `lo` and Ethernet devices).
    pub link_type: u32,
}

fn check(r: libc::c_int) -> io::Result<libc::c_int> {
    if r < 0 {
        Err(io::Error::last_os_error())
    } else {
        Ok(r)
    }
}

fn setopt<T>(fd: i32, level: i32, name: i32, v: &T) -> io::Result<()> {
    // SAFETY: `v` points to a live T of the size given.
    check(unsafe {
        libc::setsockopt(
            fd,
            level,
            name,
            v as *const T as *const libc::c_void,
            std::mem::size_of::<T>() as libc::socklen_t,
        )
    })
    .map(|_| ())
}

/// LINKTYPE_* for an interface's ARPHRD_* type.
fn link_type_of(iface: &str) -> u32 {
    let hatype = std::fs::read_to_string(format!("/sys/class/net/{iface}/type"))
        .ok()
        .and_then(|s| s.trim().parse::<u32>().ok())
        .unwrap_or(1);
    match hatype {
        // ARPHRD_NONE (tun), ARPHRD_IPGRE etc. carry raw IP with SOCK_RAW.
        65534 | 778 | 776 => crate::wire::decode::LINKTYPE_RAW,
        // ARPHRD_ETHER, ARPHRD_LOOPBACK (zero MACs), and the rest.
        _ => crate::wire::decode::LINKTYPE_ETHERNET,
    }
}

impl RawSocket {
    /// Open and bind the socket. Fails with EPERM without CAP_NET_RAW.
    pub fn open(iface: &str) -> io::Result<RawSocket> {
        let proto = (libc::ETH_P_ALL as u16).to_be() as libc::c_int;
        // SAFETY: plain syscall; the fd is owned right after.
        let raw = check(unsafe {
            libc::socket(libc::AF_PACKET, libc::SOCK_RAW | libc::SOCK_CLOEXEC, proto)
        })?;
        // SAFETY: `raw` is a fresh fd that nothing else owns.
        let fd = unsafe { OwnedFd::from_raw_fd(raw) };
        let name = CString::new(iface)
            .map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "bad interface name"))?;
        // SAFETY: `name` is a valid C string.
        let ifindex = unsafe { libc::if_nametoindex(name.as_ptr()) } as i32;
        if ifindex == 0 {
            return Err(io::Error::from_raw_os_error(libc::ENODEV));
        }
        let one: libc::c_int = 1;
        // Best effort: older kernels lack it; the reader filters anyway.
        let _ = setopt(raw, libc::SOL_PACKET, PACKET_IGNORE_OUTGOING, &one);
        setopt(raw, libc::SOL_SOCKET, libc::SO_TIMESTAMPNS, &one)?;
        let rcvbuf: libc::c_int = 8 << 20;
        // SO_RCVBUFFORCE needs CAP_NET_ADMIN; fall back to the capped one.
        if setopt(raw, libc::SOL_SOCKET, libc::SO_RCVBUFFORCE, &rcvbuf).is_err() {
            let _ = setopt(raw, libc::SOL_SOCKET, libc::SO_RCVBUF, &rcvbuf);
        }
        let tv = libc::timeval {
            tv_sec: 0,
            tv_usec: READ_TIMEOUT.as_micros() as libc::suseconds_t,
        };
        setopt(raw, libc::SOL_SOCKET, libc::SO_RCVTIMEO, &tv)?;
        // SAFETY: zeroed sockaddr_ll is valid; fields set below.
        let mut sll: libc::sockaddr_ll = unsafe { std::mem::zeroed() };
        sll.sll_family = libc::AF_PACKET as u16;
        sll.sll_protocol = (libc::ETH_P_ALL as u16).to_be();
        sll.sll_ifindex = ifindex;
        // SAFETY: `sll` is a valid sockaddr_ll of the size given.
        check(unsafe {
            libc::bind(
                raw,
                &sll as *const libc::sockaddr_ll as *const libc::sockaddr,
                std::mem::size_of::<libc::sockaddr_ll>() as libc::socklen_t,
            )
        })?;
        Ok(RawSocket {
            fd,
            ifindex,
            link_type: link_type_of(iface),
        })
    }

    /// Read one frame. `Ok(None)` on timeout, on an outgoing copy or a
    /// frame of another interface (received before `bind`).
    pub fn recv(&self, buf: &mut [u8]) -> io::Result<Option<Frame>> {
        // SAFETY: zeroed C structs are valid; every pointer below points
        // into locals that outlive the call.
        let mut sll: libc::sockaddr_ll = unsafe { std::mem::zeroed() };
        let mut iov = libc::iovec {
            iov_base: buf.as_mut_ptr() as *mut libc::c_void,
            iov_len: buf.len(),
        };
        let mut control = [0u64; 16];
        let mut msg: libc::msghdr = unsafe { std::mem::zeroed() };
        msg.msg_name = &mut sll as *mut libc::sockaddr_ll as *mut libc::c_void;
        msg.msg_namelen = std::mem::size_of::<libc::sockaddr_ll>() as libc::socklen_t;
        msg.msg_iov = &mut iov;
        msg.msg_iovlen = 1;
        msg.msg_control = control.as_mut_ptr() as *mut libc::c_void;
        msg.msg_controllen = std::mem::size_of_val(&control) as _;
        // SAFETY: `msg` describes valid buffers.
        let n = unsafe { libc::recvmsg(self.fd.as_raw_fd(), &mut msg, libc::MSG_TRUNC) };
        if n < 0 {
            let e = io::Error::last_os_error();
            return match e.kind() {
                io::ErrorKind::WouldBlock
                | io::ErrorKind::TimedOut
                | io::ErrorKind::Interrupted => Ok(None),
                _ => Err(e),
            };
        }
        if sll.sll_pkttype == libc::PACKET_OUTGOING || sll.sll_ifindex != self.ifindex {
            return Ok(None);
        }
        let orig_len = n as usize;
        let caplen = orig_len.min(buf.len());
        let mut ts_nanos = None;
        // SAFETY: walking the control messages the kernel wrote into `msg`.
        unsafe {
            let mut c = libc::CMSG_FIRSTHDR(&msg);
            while !c.is_null() {
                if (*c).cmsg_level == libc::SOL_SOCKET && (*c).cmsg_type == libc::SO_TIMESTAMPNS {
                    let ts: libc::timespec =
                        std::ptr::read_unaligned(libc::CMSG_DATA(c) as *const libc::timespec);
                    ts_nanos = Some(ts.tv_sec as i128 * 1_000_000_000 + ts.tv_nsec as i128);
                }
                c = libc::CMSG_NXTHDR(&msg, c);
            }
        }
        let ts_nanos = ts_nanos.unwrap_or_else(now_nanos);
        Ok(Some(Frame {
            ts_nanos,
            data: buf[..caplen].to_vec(),
            orig_len: orig_len as u32,
        }))
    }
}

/// The wall clock in nanoseconds since the Unix epoch.
pub fn now_nanos() -> i128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as i128)
}

/// At most this many bytes of frames wait between the capture thread and
/// the reader; beyond it the thread stops taking frames out of the ring,
/// so a reader that falls behind makes the kernel drop (and count) frames
/// rather than synack's memory grow.
pub const MAX_IN_FLIGHT: usize = 16 << 20;
/// How long the capture thread waits in one `poll` before checking whether
/// to stop (well within a second, for Ctrl-C).
const POLL_MS: i32 = 100;

/// What the capture thread and the reader share.
#[derive(Default)]
struct Shared {
    stop: AtomicBool,
    /// Bytes of the frames sent and not yet received.
    in_flight: AtomicUsize,
    /// Frames the kernel dropped (ring or queue full).
    dropped: AtomicU64,
}

fn cost(f: &Frame) -> usize {
    f.data.len() + std::mem::size_of::<Frame>()
}

/// A running capture thread.
pub struct Sniffer {
    rx: mpsc::Receiver<io::Result<Frame>>,
    pub link_type: u32,
    shared: Arc<Shared>,
    /// The socket's descriptor, for the filter; valid while `handle` is.
    fd: i32,
    handle: Option<JoinHandle<()>>,
    /// Set when the ring could not be set up and frames are read one
    /// `recvmsg` at a time.
    note: Option<String>,
}

impl Sniffer {
    /// Start reading `sock` in a thread of its own, through a `TPACKET_V3`
    /// ring (or `recvmsg` when the ring cannot be set up).
    pub fn start(sock: RawSocket) -> Sniffer {
        let (tx, rx) = mpsc::channel();
        let shared = Arc::new(Shared::default());
        let link_type = sock.link_type;
        let fd = sock.fd.as_raw_fd();
        let (ring, note) = match ring::Ring::setup(fd) {
            Ok(r) => (Some(r), None),
            Err(e) => (
                None,
                Some(format!(
                    "no TPACKET_V3 ring ({e}); reading one frame at a time, which costs more CPU"
                )),
            ),
        };
        let sh = shared.clone();
        let handle = std::thread::Builder::new()
            .name("synack-sniffer".into())
            .spawn(move || match ring {
                Some(ring) => read_ring(&sock, ring, &tx, &sh),
                None => read_recv(&sock, &tx, &sh),
            })
            .expect("spawn the sniffer thread");
        Sniffer {
            rx,
            link_type,
            shared,
            fd,
            handle: Some(handle),
            note,
        }
    }

    /// Why the capture is slower than it could be, if it is.
    pub fn note(&self) -> Option<&str> {
        self.note.as_deref()
    }

    /// Let the kernel pass only TCP segments with `port` at either end
    /// (every TCP segment without a port). Frames already queued are not
    /// filtered: the reader must still check. Best effort: on an error the
    /// socket stays unfiltered, which is only slower.
    /// With `udp`, UDP datagrams with `port` pass too (trace).
    pub fn set_filter(&self, port: Option<u16>, udp: bool) -> io::Result<()> {
        if self.handle.is_none() {
            return Ok(());
        }
        let Some(prog) = bpf::program_with(self.link_type, port, SNAP_LEN as u32, udp) else {
            return Ok(());
        };
        bpf::attach(self.fd, &prog)?;
        // Drops so far were of the unfiltered traffic (a flood on another
        // port, between opening the socket and now): not worth a warning.
        ring::take_drops(self.fd);
        self.shared.dropped.store(0, Ordering::Relaxed);
        Ok(())
    }

    /// Frames the kernel dropped because synack did not read them fast
    /// enough.
    pub fn dropped(&self) -> u64 {
        self.shared.dropped.load(Ordering::Relaxed)
    }

    fn took(&self, r: &io::Result<Frame>) {
        if let Ok(f) = r {
            self.shared.in_flight.fetch_sub(cost(f), Ordering::Relaxed);
        }
    }

    /// The next frame if one is waiting.
    pub fn try_recv(&self) -> Result<io::Result<Frame>, mpsc::TryRecvError> {
        let r = self.rx.try_recv()?;
        self.took(&r);
        Ok(r)
    }

    /// The next frame, waiting up to `timeout` for it.
    pub fn recv_timeout(
        &self,
        timeout: Duration,
    ) -> Result<io::Result<Frame>, mpsc::RecvTimeoutError> {
        let r = self.rx.recv_timeout(timeout)?;
        self.took(&r);
        Ok(r)
    }

    /// Stop the thread (it notices within [`POLL_MS`]). Frames it had
    /// already sent can still be received.
    pub fn stop(&mut self) {
        self.shared.stop.store(true, Ordering::Relaxed);
        if let Some(h) = self.handle.take() {
            let _ = h.join();
        }
    }
}

impl Drop for Sniffer {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Hand `f` to the reader, waiting while too much is in flight. False when
/// the reader is gone or the capture stops meanwhile.
fn send(f: Frame, tx: &mpsc::Sender<io::Result<Frame>>, sh: &Shared) -> bool {
    while sh.in_flight.load(Ordering::Relaxed) > MAX_IN_FLIGHT {
        if sh.stop.load(Ordering::Relaxed) {
            return false;
        }
        std::thread::sleep(Duration::from_millis(1));
    }
    sh.in_flight.fetch_add(cost(&f), Ordering::Relaxed);
    tx.send(Ok(f)).is_ok()
}

fn read_ring(
    sock: &RawSocket,
    mut ring: ring::Ring,
    tx: &mpsc::Sender<io::Result<Frame>>,
    sh: &Shared,
) {
    let fd = sock.fd.as_raw_fd();
    let mut batch: Vec<Frame> = Vec::new();
    // After the stop flag, one more pass takes what the ring already holds.
    let mut last_pass = false;
    loop {
        if sh.stop.load(Ordering::Relaxed) {
            last_pass = true;
        }
        let r = ring.read(fd, if last_pass { 0 } else { POLL_MS }, |rf| {
            if rf.pkttype == libc::PACKET_OUTGOING || rf.ifindex != sock.ifindex {
                return;
            }
            batch.push(Frame {
                ts_nanos: rf.ts_nanos,
                data: rf.data.to_vec(),
                orig_len: rf.orig_len,
            });
        });
        match r {
            Ok(0) if last_pass => break,
            Ok(_) => {}
            Err(e) => {
                let _ = tx.send(Err(e));
                return;
            }
        }
        // The block is back with the kernel before any wait below.
        for f in batch.drain(..) {
            if !send(f, tx, sh) {
                return;
            }
        }
        let d = ring::take_drops(fd);
        if d > 0 {
            sh.dropped.fetch_add(d, Ordering::Relaxed);
        }
    }
}

fn read_recv(sock: &RawSocket, tx: &mpsc::Sender<io::Result<Frame>>, sh: &Shared) {
    let mut buf = vec![0u8; SNAP_LEN];
    while !sh.stop.load(Ordering::Relaxed) {
        match sock.recv(&mut buf) {
            Ok(Some(f)) => {
                if !send(f, tx, sh) {
                    return;
                }
            }
            Ok(None) => {}
            Err(e) => {
                let _ = tx.send(Err(e));
                return;
            }
        }
    }
    let d = ring::take_drops(sock.fd.as_raw_fd());
    if d > 0 {
        sh.dropped.fetch_add(d, Ordering::Relaxed);
    }
}
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn eperm_and_eacces_become_the_one_line_privilege_message() {
        for errno in [libc::EPERM, libc::EACCES] {
            let e = open_error(&io::Error::from_raw_os_error(errno), "lo").to_string();
            assert!(e.contains("CAP_NET_RAW"), "{e}");
            assert!(e.contains("sudo setcap cap_net_raw+ep"), "{e}");
            assert!(!e.contains('\n'));
        }
    }

    #[test]
    fn an_unknown_interface_is_named() {
        let e = open_error(&io::Error::from_raw_os_error(libc::ENODEV), "nope0").to_string();
        assert!(e.contains("nope0"), "{e}");
    }
}
