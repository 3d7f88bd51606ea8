//! A `TPACKET_V3` receive ring on the sniffer's socket: the kernel writes
//! frames into blocks of memory shared with synack and hands over a whole
//! block at a time (when it is full, or after [`BLOCK_TIMEOUT_MS`]), so a
//! flood of small segments costs one wake-up per block instead of one
//! `recvmsg` per frame. This is how tcpdump (libpcap) reads.

use std::io;

/// One block: big enough for any loopback frame (64 KiB) many times over.
const BLOCK_SIZE: usize = 1 << 20;
/// 32 MiB in all: a second or so of a loopback connection flood, should
/// the reader be held up.
const BLOCK_COUNT: usize = 32;
/// Only a bound for the kernel's bookkeeping: V3 packs frames of any size.
const FRAME_SIZE: usize = 2048;
/// A block that has frames is handed over after this long even if not
/// full, so a quiet capture still shows each segment at once.
pub const BLOCK_TIMEOUT_MS: u32 = 20;

const PACKET_RX_RING: libc::c_int = 5;
const PACKET_STATISTICS: libc::c_int = 6;
const PACKET_VERSION: libc::c_int = 10;
const TPACKET_V3: libc::c_int = 2;
const TP_STATUS_KERNEL: u32 = 0;
const TP_STATUS_USER: u32 = 1;

#[repr(C)]
struct Req3 {
    block_size: u32,
    block_nr: u32,
    frame_size: u32,
    frame_nr: u32,
    retire_blk_tov: u32,
    sizeof_priv: u32,
    feature_req_word: u32,
}

// Offsets in `struct tpacket_block_desc` (version, offset_to_priv, then
// `struct tpacket_hdr_v1`).
const BD_STATUS: usize = 8;
const BD_NUM_PKTS: usize = 12;
const BD_FIRST: usize = 16;
// Offsets in `struct tpacket3_hdr`, which the `sockaddr_ll` follows at
// TPACKET_ALIGN(48).
const H_NEXT: usize = 0;
const H_SEC: usize = 4;
const H_NSEC: usize = 8;
const H_SNAPLEN: usize = 12;
const H_LEN: usize = 16;
const H_MAC: usize = 24;
const SLL: usize = 48;
const SLL_IFINDEX: usize = SLL + 4;
const SLL_PKTTYPE: usize = SLL + 10;

/// One frame in the ring, valid until the next call into the ring.
pub struct RingFrame<'a> {
    pub ts_nanos: i128,
    pub data: &'a [u8],
    /// `tp_len`: the frame's length on the wire.
    pub orig_len: u32,
    pub pkttype: u8,
    pub ifindex: i32,
}

pub struct Ring {
    map: *mut u8,
    next: usize,
}

// SAFETY: the mapping is owned by this value alone and only touched
// through `&mut self`.
unsafe impl Send for Ring {}

fn setopt<T>(fd: i32, name: libc::c_int, v: &T) -> io::Result<()> {
    // SAFETY: `v` points to a live T of the size given.
    let r = unsafe {
        libc::setsockopt(
            fd,
            libc::SOL_PACKET,
            name,
            v as *const T as *const libc::c_void,
            std::mem::size_of::<T>() as libc::socklen_t,
        )
    };
    if r < 0 {
        Err(io::Error::last_os_error())
    } else {
        Ok(())
    }
}

impl Ring {
    /// Switch the packet socket `fd` to a V3 ring and map it. On an error
    /// the socket is left as it was, to be read with `recvmsg`.
    pub fn setup(fd: i32) -> io::Result<Ring> {
        setopt(fd, PACKET_VERSION, &TPACKET_V3)?;
        let req = Req3 {
            block_size: BLOCK_SIZE as u32,
            block_nr: BLOCK_COUNT as u32,
            frame_size: FRAME_SIZE as u32,
            frame_nr: (BLOCK_SIZE / FRAME_SIZE * BLOCK_COUNT) as u32,
            retire_blk_tov: BLOCK_TIMEOUT_MS,
            sizeof_priv: 0,
            feature_req_word: 0,
        };
        if let Err(e) = setopt(fd, PACKET_RX_RING, &req) {
            let v1: libc::c_int = 0;
            let _ = setopt(fd, PACKET_VERSION, &v1);
            return Err(e);
        }
        // SAFETY: mapping the ring the kernel just allocated for `fd`.
        let map = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                BLOCK_SIZE * BLOCK_COUNT,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_SHARED,
                fd,
                0,
            )
        };
        if map == libc::MAP_FAILED {
            let e = io::Error::last_os_error();
            // A zeroed request tears the ring down again.
            // SAFETY: an all-zero request is valid.
            let zero: Req3 = unsafe { std::mem::zeroed() };
            let _ = setopt(fd, PACKET_RX_RING, &zero);
            let v1: libc::c_int = 0;
            let _ = setopt(fd, PACKET_VERSION, &v1);
            return Err(e);
        }
        Ok(Ring {
            map: map as *mut u8,
            next: 0,
        })
    }

    fn block(&self, i: usize) -> *mut u8 {
        // SAFETY: `i < BLOCK_COUNT`, inside the mapping.
        unsafe { self.map.add(i * BLOCK_SIZE) }
    }

    fn status(&self, i: usize) -> u32 {
        // SAFETY: inside block `i`; the kernel writes it concurrently,
        // hence the volatile read and the fence after it.
        let s = unsafe { std::ptr::read_volatile(self.block(i).add(BD_STATUS) as *const u32) };
        std::sync::atomic::fence(std::sync::atomic::Ordering::Acquire);
        s
    }

    /// Wait up to `timeout_ms` for a block, then hand each of its frames to
    /// `each` and give the block back. Returns the number of frames (0 when
    /// none came in time).
    pub fn read(
        &mut self,
        fd: i32,
        timeout_ms: i32,
        mut each: impl FnMut(RingFrame<'_>),
    ) -> io::Result<usize> {
        if self.status(self.next) & TP_STATUS_USER == 0 {
            let mut p = libc::pollfd {
                fd,
                events: libc::POLLIN | libc::POLLERR,
                revents: 0,
            };
            // SAFETY: one valid pollfd.
            let r = unsafe { libc::poll(&mut p, 1, timeout_ms) };
            if r < 0 {
                let e = io::Error::last_os_error();
                return if e.kind() == io::ErrorKind::Interrupted {
                    Ok(0)
                } else {
                    Err(e)
                };
            }
            if self.status(self.next) & TP_STATUS_USER == 0 {
                return Ok(0);
            }
        }
        let b = self.block(self.next);
        let rd = |off: usize| -> u32 {
            // SAFETY: callers keep `off + 4 <= BLOCK_SIZE`.
            unsafe { std::ptr::read_unaligned(b.add(off) as *const u32) }
        };
        let n = rd(BD_NUM_PKTS) as usize;
        let mut off = rd(BD_FIRST) as usize;
        let mut seen = 0;
        for _ in 0..n {
            // The kernel wrote these; still, never read outside the block.
            if off == 0 || off + SLL + 12 > BLOCK_SIZE {
                break;
            }
            let snaplen = rd(off + H_SNAPLEN) as usize;
            // SAFETY: `off + H_MAC + 2 <= BLOCK_SIZE` (checked above).
            let mac =
                unsafe { std::ptr::read_unaligned(b.add(off + H_MAC) as *const u16) } as usize;
            if off + mac + snaplen > BLOCK_SIZE {
                break;
            }
            // SAFETY: checked to lie inside the block.
            let data = unsafe { std::slice::from_raw_parts(b.add(off + mac), snaplen) };
            let ifindex = rd(off + SLL_IFINDEX) as i32;
            // SAFETY: inside the block (checked above).
            let pkttype = unsafe { *b.add(off + SLL_PKTTYPE) };
            each(RingFrame {
                ts_nanos: i128::from(rd(off + H_SEC)) * 1_000_000_000
                    + i128::from(rd(off + H_NSEC)),
                data,
                orig_len: rd(off + H_LEN),
                pkttype,
                ifindex,
            });
            seen += 1;
            let next = rd(off + H_NEXT) as usize;
            if next == 0 {
                break;
            }
            off += next;
        }
        std::sync::atomic::fence(std::sync::atomic::Ordering::Release);
        // SAFETY: giving the block back: the kernel owns it from here on.
        unsafe { std::ptr::write_volatile(b.add(BD_STATUS) as *mut u32, TP_STATUS_KERNEL) };
        self.next = (self.next + 1) % BLOCK_COUNT;
        Ok(seen)
    }
}

impl Drop for Ring {
    fn drop(&mut self) {
        // SAFETY: unmapping what `setup` mapped, once.
        unsafe {
            libc::munmap(self.map as *mut libc::c_void, BLOCK_SIZE * BLOCK_COUNT);
        }
    }
}

/// Frames the kernel dropped on `fd` since the last call (its queue or
/// ring was full). `PACKET_STATISTICS` resets the counters as it reads.
pub fn take_drops(fd: i32) -> u64 {
    let mut st = [0u32; 3];
    let mut len = std::mem::size_of_val(&st) as libc::socklen_t;
    // SAFETY: `st` has room for `len` bytes.
    let r = unsafe {
        libc::getsockopt(
            fd,
            libc::SOL_PACKET,
            PACKET_STATISTICS,
            st.as_mut_ptr() as *mut libc::c_void,
            &mut len,
        )
    };
    if r < 0 { 0 } else { u64::from(st[1]) }
}
