//! Streaming reader for pcap (both byte orders, µs and ns) and pcapng
//! (several sections and interfaces, `if_tsresol`, `if_tsoffset`, EPB, SPB
//! and the obsolete PB).
//!
//! The headers are parsed by hand rather than through pcap-file, so that the
//! link-type field's FCS bits are handled as libpcap and Wireshark handle
//! them (masked off; reserved bits rejected), so that a record is never
//! allocated before its length has been checked, and so that every error
//! says exactly what is wrong.

use std::fs::File;
use std::io::{self, BufReader, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

/// The largest captured length accepted for one record (libpcap's and
/// Wireshark's limit for ordinary link types): 256 KiB.
pub const MAX_RECORD_LEN: u32 = 262_144;

/// The largest pcapng block read into memory: a maximal packet plus room
/// for its header and options.
const MAX_BLOCK_LEN: u32 = MAX_RECORD_LEN + 16_384;

/// The largest `if_tsoffset` magnitude accepted, in seconds: 2^32, the
/// span of a pcap timestamp's seconds field.
const MAX_TSOFFSET: u64 = 1 << 32;

/// One captured frame, as stored in the file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RawFrame {
    /// 1-based position in the file; every frame is counted.
    pub index: u64,
    /// Nanoseconds since the Unix epoch.
    pub ts_nanos: i128,
    /// LINKTYPE_* number, with the pcap header's FCS bits masked off.
    pub link_type: u32,
    /// The captured bytes.
    pub data: Vec<u8>,
    /// Length of the frame on the wire (may exceed `data.len()`).
    pub orig_len: u32,
}

/// "only 2 interfaces", or "no interface" for a section that has none.
fn declared(count: usize) -> String {
    match count {
        0 => "no interface".into(),
        1 => "only 1 interface".into(),
        n => format!("only {n} interfaces"),
    }
}

/// Everything that can go wrong reading a capture. Each message is one line
/// that says what is wrong and what to do.
#[derive(Debug, thiserror::Error)]
pub enum CaptureError {
    #[error("{}: no such file; check the path", path.display())]
    NotFound { path: PathBuf },
    #[error("{}: cannot read it ({source}); check that it is a readable file", path.display())]
    Unreadable {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error("read error at byte {offset} ({source}); check the file or the disk")]
    Io {
        offset: u64,
        #[source]
        source: io::Error,
    },
    #[error("the file is empty (0 bytes), so it holds no capture; capture again")]
    Empty,
    #[error(
        "not a pcap or pcapng file (it starts with {magic}); give a capture saved by tcpdump, Wireshark or synack"
    )]
    NotCapture { magic: String },
    #[error(
        "{format} version {major}.{minor} is not supported (only {supported} is); the file header is damaged or was not written by a pcap tool"
    )]
    UnsupportedVersion {
        format: &'static str,
        major: u16,
        minor: u16,
        supported: &'static str,
    },
    #[error(
        "the {what} is cut short ({got} of {need} bytes); the file is truncated, capture again"
    )]
    TruncatedHeader {
        what: &'static str,
        got: usize,
        need: usize,
    },
    #[error(
        "pcap header: the link-type field 0x{field:08x} has reserved bits set (0x{reserved:08x}); the file header is damaged"
    )]
    ReservedLinkType { field: u32, reserved: u32 },
    #[error(
        "frame {frame} (byte {offset}) is cut short: the file ends in the middle of a record; the frames before it are fine, the rest is lost"
    )]
    TruncatedRecord { frame: u64, offset: u64 },
    #[error(
        "frame {frame} (byte {offset}) claims {len} {what}, more than {why} ({limit}); the file is damaged from here on"
    )]
    AbsurdLength {
        frame: u64,
        offset: u64,
        len: u64,
        limit: u64,
        why: &'static str,
        /// What the length counts: "captured bytes", or a pcapng block's
        /// "bytes of packet block".
        what: &'static str,
    },
    #[error("damaged pcapng block at byte {offset}: {reason}; the file is corrupt from here on")]
    DamagedBlock { offset: u64, reason: String },
    #[error(
        "frame {frame} (byte {offset}) names interface {id}, but its section declares {}; the file is corrupt from here on", declared(*count)
    )]
    UnknownInterface {
        frame: u64,
        offset: u64,
        id: u32,
        count: usize,
    },
    #[error("cannot write the capture: {0}")]
    Write(#[source] io::Error),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Iface {
    link_type: u32,
    snaplen: u32,
    /// `if_tsresol` as stored: bit 7 clear = 10^-n s, set = 2^-n s.
    tsresol: u8,
    tsoffset: i64,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Format {
    Pcap {
        le: bool,
        nanos: bool,
        link_type: u32,
        snaplen: u32,
    },
    Pcapng {
        le: bool,
        ifaces: Vec<Iface>,
    },
}

/// A frame borrowed from the reader's buffer: valid until the next read.
/// The allocation-free form of [`RawFrame`], for long files.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FrameRef<'a> {
    /// 1-based position in the file; every frame is counted.
    pub index: u64,
    /// Nanoseconds since the Unix epoch.
    pub ts_nanos: i128,
    /// LINKTYPE_* number, with the pcap header's FCS bits masked off.
    pub link_type: u32,
    /// The captured bytes.
    pub data: &'a [u8],
    /// Length of the frame on the wire (may exceed `data.len()`).
    pub orig_len: u32,
    /// Byte offset of the record (pcap) or block (pcapng) in the file, for
    /// [`CaptureReader::seek_record`].
    pub offset: u64,
}

impl FrameRef<'_> {
    pub fn to_owned(&self) -> RawFrame {
        RawFrame {
            index: self.index,
            ts_nanos: self.ts_nanos,
            link_type: self.link_type,
            data: self.data.to_vec(),
            orig_len: self.orig_len,
        }
    }
}

/// What a reader must know to read a record in the middle of a file: the
/// format, byte order and (pcapng) the interfaces of the current section.
/// Opaque; taken with [`CaptureReader::state`] while indexing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReaderState(Format);

/// A byte source; files can seek, other streams cannot.
trait Source: Read + Seek + Send {}
impl<T: Read + Seek + Send> Source for T {}

/// A stream that cannot seek (stdin, a pipe, a test buffer).
struct NoSeek<R>(R);

impl<R: Read> Read for NoSeek<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.0.read(buf)
    }
}

impl<R> Seek for NoSeek<R> {
    fn seek(&mut self, _: SeekFrom) -> io::Result<u64> {
        Err(io::Error::new(
            io::ErrorKind::Unsupported,
            "this capture stream cannot seek",
        ))
    }
}

/// Streaming reader of a pcap or pcapng file: an iterator of frames. After
/// the first error it yields that error once and then ends.
pub struct CaptureReader {
    src: BufReader<Box<dyn Source>>,
    format: Format,
    /// Bytes consumed so far (for error messages).
    offset: u64,
    /// Frames yielded so far.
    frames: u64,
    done: bool,
    /// The bytes of the current record or block, reused from one to the next.
    buf: Vec<u8>,
    /// Where the captured bytes of the current frame are in `buf`.
    data: std::ops::Range<usize>,
    /// Bumped whenever the format state changes (a pcapng section or
    /// interface block), so an indexer knows when to take [`Self::state`].
    state_version: u64,
}

const PCAPNG_SHB: u32 = 0x0A0D_0D0A;
const BOM: u32 = 0x1A2B_3C4D;

fn u16_at(b: &[u8], at: usize, le: bool) -> u16 {
    let a = [b[at], b[at + 1]];
    if le {
        u16::from_le_bytes(a)
    } else {
        u16::from_be_bytes(a)
    }
}

fn u32_at(b: &[u8], at: usize, le: bool) -> u32 {
    let a = [b[at], b[at + 1], b[at + 2], b[at + 3]];
    if le {
        u32::from_le_bytes(a)
    } else {
        u32::from_be_bytes(a)
    }
}

fn hex(b: &[u8]) -> String {
    b.iter()
        .map(|x| format!("{x:02x}"))
        .collect::<Vec<_>>()
        .join(" ")
}

/// The largest captured length a snap length allows. Like libpcap and
/// Wireshark, records somewhat over a small declared snap length are
/// tolerated (some writers put a wrong value there): only records over
/// both the snap length and 64 KiB are refused. 0 means no snap length.
fn snap_limit(snaplen: u32) -> Option<u32> {
    (snaplen != 0).then(|| snaplen.max(65_535))
}

/// Nanoseconds for `units` ticks of an interface with `if_tsresol` and
/// `if_tsoffset`.
fn pcapng_nanos(units: u64, tsresol: u8, tsoffset: i64) -> i128 {
    let units = i128::from(units);
    let exp = u32::from(tsresol & 0x7f);
    let base = if tsresol & 0x80 == 0 {
        if exp <= 9 {
            units * 10i128.pow(9 - exp)
        } else {
            match 10i128.checked_pow(exp - 9) {
                Some(d) => units / d,
                None => 0,
            }
        }
    } else if exp >= 100 {
        0
    } else {
        // units · 10^9 / 2^exp; units < 2^64, so the product fits in i128.
        (units * 1_000_000_000) >> exp
    };
    base + i128::from(tsoffset) * 1_000_000_000
}

/// Options of a pcapng block: (code, value). Stops at opt_endofopt.
fn parse_options(buf: &[u8], le: bool) -> Result<Vec<(u16, &[u8])>, String> {
    let mut out = Vec::new();
    let mut pos = 0;
    while pos + 4 <= buf.len() {
        let code = u16_at(buf, pos, le);
        let len = usize::from(u16_at(buf, pos + 2, le));
        if code == 0 {
            break;
        }
        if pos + 4 + len > buf.len() {
            return Err(format!(
                "option {code} of length {len} overruns its block (only {} bytes left)",
                buf.len() - pos - 4
            ));
        }
        out.push((code, &buf[pos + 4..pos + 4 + len]));
        pos += 4 + len.div_ceil(4) * 4;
    }
    Ok(out)
}

impl CaptureReader {
    /// Open a capture file and read its file header.
    pub fn open(path: &Path) -> Result<Self, CaptureError> {
        let file = File::open(path).map_err(|e| match e.kind() {
            io::ErrorKind::NotFound => CaptureError::NotFound {
                path: path.to_path_buf(),
            },
            _ => CaptureError::Unreadable {
                path: path.to_path_buf(),
                source: e,
            },
        })?;
        if let Ok(meta) = file.metadata()
            && meta.is_dir()
        {
            return Err(CaptureError::Unreadable {
                path: path.to_path_buf(),
                source: io::Error::other("it is a directory"),
            });
        }
        Self::with_source(Box::new(file), 256 * 1024)
    }

    /// Open a file for reading records here and there with
    /// [`Self::seek_record`]: a small buffer, so that one record does not
    /// cost a large read.
    pub fn open_for_seeking(path: &Path) -> Result<Self, CaptureError> {
        let file = File::open(path).map_err(|e| match e.kind() {
            io::ErrorKind::NotFound => CaptureError::NotFound {
                path: path.to_path_buf(),
            },
            _ => CaptureError::Unreadable {
                path: path.to_path_buf(),
                source: e,
            },
        })?;
        Self::with_source(Box::new(file), 16 * 1024)
    }

    /// Read a capture from any byte stream (wrapped in a `BufReader`).
    pub fn from_reader<R: Read + Send + 'static>(reader: R) -> Result<Self, CaptureError> {
        Self::with_source(Box::new(NoSeek(reader)), 64 * 1024)
    }

    fn with_source(src: Box<dyn Source>, capacity: usize) -> Result<Self, CaptureError> {
        let mut r = CaptureReader {
            src: BufReader::with_capacity(capacity, src),
            buf: Vec::new(),
            data: 0..0,
            state_version: 0,
            format: Format::Pcap {
                le: true,
                nanos: false,
                link_type: 0,
                snaplen: 0,
            },
            offset: 0,
            frames: 0,
            done: false,
        };
        r.read_file_header()?;
        Ok(r)
    }

    /// The format state needed to read records from here on; see
    /// [`Self::seek_record`].
    pub fn state(&self) -> ReaderState {
        ReaderState(self.format.clone())
    }

    /// Changes whenever [`Self::state`] would give something new.
    pub fn state_version(&self) -> u64 {
        self.state_version
    }

    /// Byte offset of the next record or block.
    pub fn position(&self) -> u64 {
        self.offset
    }

    /// Go to the record (pcap) or block (pcapng) at byte `offset`, which
    /// is frame number `index` of the file, with the format `state` that
    /// held there; the next [`Self::next_frame`] reads it. Only for files
    /// (opened with [`Self::open`] or [`Self::open_for_seeking`]).
    pub fn seek_record(
        &mut self,
        offset: u64,
        index: u64,
        state: &ReaderState,
    ) -> Result<(), CaptureError> {
        let delta = offset as i64 - self.offset as i64;
        let moved = if delta >= 0 && (delta as usize) <= self.src.buffer().len() {
            self.src.seek_relative(delta)
        } else {
            self.src.seek(SeekFrom::Start(offset)).map(|_| ())
        };
        moved.map_err(|e| CaptureError::Io { offset, source: e })?;
        self.offset = offset;
        self.frames = index.saturating_sub(1);
        self.format = state.0.clone();
        self.done = false;
        Ok(())
    }

    /// The next frame, borrowed from the reader's buffer (no allocation
    /// once the buffer has grown to the largest record). After the first
    /// error it gives that error once and then `None`.
    pub fn next_frame(&mut self) -> Option<Result<FrameRef<'_>, CaptureError>> {
        if self.done {
            return None;
        }
        let r = match self.format {
            Format::Pcap {
                le,
                nanos,
                link_type,
                snaplen,
            } => self.next_pcap(le, nanos, link_type, snaplen),
            Format::Pcapng { .. } => self.next_pcapng(),
        };
        match r {
            Ok(Some(m)) => Some(Ok(FrameRef {
                index: m.index,
                ts_nanos: m.ts_nanos,
                link_type: m.link_type,
                data: &self.buf[self.data.clone()],
                orig_len: m.orig_len,
                offset: m.offset,
            })),
            Ok(None) => {
                self.done = true;
                None
            }
            Err(e) => {
                self.done = true;
                Some(Err(e))
            }
        }
    }

    /// Read until `buf` is full or the stream ends; returns how many bytes
    /// were read.
    fn fill(&mut self, buf: &mut [u8]) -> Result<usize, CaptureError> {
        let mut got = 0;
        while got < buf.len() {
            match self.src.read(&mut buf[got..]) {
                Ok(0) => break,
                Ok(n) => got += n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => {
                    return Err(CaptureError::Io {
                        offset: self.offset + got as u64,
                        source: e,
                    });
                }
            }
        }
        self.offset += got as u64;
        Ok(got)
    }

    fn read_file_header(&mut self) -> Result<(), CaptureError> {
        let mut magic = [0u8; 4];
        let n = self.fill(&mut magic)?;
        if n == 0 {
            return Err(CaptureError::Empty);
        }
        let m_le = u32::from_le_bytes(magic);
        let m_be = u32::from_be_bytes(magic);
        let pcap = match (m_le, m_be) {
            (0xA1B2_C3D4, _) => Some((true, false)),
            (0xA1B2_3C4D, _) => Some((true, true)),
            (_, 0xA1B2_C3D4) => Some((false, false)),
            (_, 0xA1B2_3C4D) => Some((false, true)),
            _ => None,
        };
        if n < 4 {
            return Err(CaptureError::NotCapture {
                magic: format!("{} (only {n} bytes)", hex(&magic[..n])),
            });
        }
        if let Some((le, nanos)) = pcap {
            let mut h = [0u8; 20];
            let got = self.fill(&mut h)?;
            if got < 20 {
                return Err(CaptureError::TruncatedHeader {
                    what: "pcap file header",
                    got: got + 4,
                    need: 24,
                });
            }
            let major = u16_at(&h, 0, le);
            let minor = u16_at(&h, 2, le);
            if major != 2 {
                return Err(CaptureError::UnsupportedVersion {
                    format: "pcap",
                    major,
                    minor,
                    supported: "2.x",
                });
            }
            let snaplen = u32_at(&h, 12, le);
            let field = u32_at(&h, 16, le);
            let reserved = field & 0x03FF_0000;
            if reserved != 0 {
                return Err(CaptureError::ReservedLinkType { field, reserved });
            }
            self.format = Format::Pcap {
                le,
                nanos,
                link_type: field & 0xFFFF,
                snaplen,
            };
            Ok(())
        } else if m_le == PCAPNG_SHB {
            self.format = Format::Pcapng {
                le: true,
                ifaces: Vec::new(),
            };
            let start = self.offset - 4;
            self.read_block_after_type(PCAPNG_SHB, start)?;
            Ok(())
        } else {
            let mut what = hex(&magic);
            if magic[..2] == [0x1f, 0x8b] {
                what.push_str(", a gzip file: gunzip it first");
            }
            Err(CaptureError::NotCapture { magic: what })
        }
    }

    fn next_pcap(
        &mut self,
        le: bool,
        nanos: bool,
        link_type: u32,
        snaplen: u32,
    ) -> Result<Option<FrameMeta>, CaptureError> {
        let start = self.offset;
        let frame = self.frames + 1;
        let mut h = [0u8; 16];
        let n = self.fill(&mut h)?;
        if n == 0 {
            return Ok(None);
        }
        if n < 16 {
            return Err(CaptureError::TruncatedRecord {
                frame,
                offset: start,
            });
        }
        let sec = u32_at(&h, 0, le);
        let frac = u32_at(&h, 4, le);
        let incl = u32_at(&h, 8, le);
        let orig = u32_at(&h, 12, le);
        if incl > MAX_RECORD_LEN {
            return Err(CaptureError::AbsurdLength {
                frame,
                offset: start,
                len: incl.into(),
                limit: MAX_RECORD_LEN.into(),
                why: "the 256 KiB limit for one frame",
                what: "captured bytes",
            });
        }
        if let Some(limit) = snap_limit(snaplen)
            && incl > limit
        {
            return Err(CaptureError::AbsurdLength {
                frame,
                offset: start,
                len: incl.into(),
                limit: snaplen.into(),
                why: "the file's snap length allows",
                what: "captured bytes",
            });
        }
        let mut data = std::mem::take(&mut self.buf);
        data.clear();
        data.resize(incl as usize, 0);
        let got = self.fill(&mut data);
        self.buf = data;
        if got? < incl as usize {
            return Err(CaptureError::TruncatedRecord {
                frame,
                offset: start,
            });
        }
        self.data = 0..incl as usize;
        let frac_ns = if nanos {
            i128::from(frac)
        } else {
            i128::from(frac) * 1000
        };
        self.frames = frame;
        Ok(Some(FrameMeta {
            index: frame,
            ts_nanos: i128::from(sec) * 1_000_000_000 + frac_ns,
            link_type,
            orig_len: orig,
            offset: start,
        }))
    }

    fn next_pcapng(&mut self) -> Result<Option<FrameMeta>, CaptureError> {
        loop {
            let start = self.offset;
            let mut t = [0u8; 4];
            let n = self.fill(&mut t)?;
            if n == 0 {
                return Ok(None);
            }
            if n < 4 {
                return Err(CaptureError::DamagedBlock {
                    offset: start,
                    reason: format!("the file ends inside a block header ({n} of 8 bytes)"),
                });
            }
            let le = match self.format {
                Format::Pcapng { le, .. } => le,
                Format::Pcap { .. } => unreachable!("next_pcapng on a pcap file"),
            };
            let btype = u32_at(&t, 0, le);
            match self.read_block_after_type(btype, start)? {
                BlockResult::Frame(f) => return Ok(Some(f)),
                BlockResult::Other => continue,
            }
        }
    }

    /// Read the rest of a pcapng block whose type (already read) is `btype`.
    fn read_block_after_type(
        &mut self,
        btype: u32,
        start: u64,
    ) -> Result<BlockResult, CaptureError> {
        let damaged = |reason: String| CaptureError::DamagedBlock {
            offset: start,
            reason,
        };
        let mut le = match self.format {
            Format::Pcapng { le, .. } => le,
            Format::Pcap { .. } => true,
        };
        // Block total length, and for a section header its byte-order magic.
        let mut body = std::mem::take(&mut self.buf);
        let blen;
        if btype == PCAPNG_SHB {
            let mut h = [0u8; 8];
            let n = self.fill(&mut h)?;
            if n < 8 {
                return Err(CaptureError::TruncatedHeader {
                    what: "pcapng section header block",
                    got: n + 4,
                    need: 28,
                });
            }
            le = match (
                u32::from_le_bytes([h[4], h[5], h[6], h[7]]),
                u32::from_be_bytes([h[4], h[5], h[6], h[7]]),
            ) {
                (BOM, _) => true,
                (_, BOM) => false,
                _ => {
                    return Err(damaged(format!(
                        "section header with an unknown byte-order magic ({})",
                        hex(&h[4..8])
                    )));
                }
            };
            blen = u32_at(&h, 0, le);
            if blen < 28 || blen % 4 != 0 || blen > MAX_BLOCK_LEN {
                return Err(damaged(format!(
                    "section header block with a bad length ({blen})"
                )));
            }
            body.clear();
            body.resize(blen as usize - 12, 0);
            body[..4].copy_from_slice(&h[4..8]);
            let want = body.len() - 4;
            let n = self.fill(&mut body[4..])?;
            if n < want {
                return Err(CaptureError::TruncatedHeader {
                    what: "pcapng section header block",
                    got: 12 + n,
                    need: blen as usize,
                });
            }
            // Check the options before the trailer, so a damaged option is
            // reported as such (as Wireshark does).
            parse_options(&body[16..], le).map_err(|r| damaged(format!("section header: {r}")))?;
        } else {
            let mut h = [0u8; 4];
            let n = self.fill(&mut h)?;
            if n < 4 {
                return Err(damaged(format!(
                    "the file ends inside a block header ({} of 8 bytes)",
                    n + 4
                )));
            }
            blen = u32_at(&h, 0, le);
            if blen < 12 || blen % 4 != 0 {
                return Err(damaged(format!(
                    "block type {btype:#x} has a bad length ({blen})"
                )));
            }
            let is_packet = matches!(btype, 2 | 3 | 6);
            if !is_packet && btype != 1 {
                // Not needed: skip it without keeping it in memory.
                let want = u64::from(blen) - 8;
                let copied =
                    io::copy(&mut (&mut self.src).take(want), &mut io::sink()).map_err(|e| {
                        CaptureError::Io {
                            offset: self.offset,
                            source: e,
                        }
                    })?;
                self.offset += copied;
                if copied < want {
                    return Err(damaged(format!(
                        "block type {btype:#x} of {blen} bytes is cut short by the end of the file"
                    )));
                }
                return Ok(BlockResult::Other);
            }
            if blen > MAX_BLOCK_LEN {
                if is_packet {
                    return Err(CaptureError::AbsurdLength {
                        frame: self.frames + 1,
                        offset: start,
                        len: blen.into(),
                        limit: MAX_BLOCK_LEN.into(),
                        why: "the limit for a packet block",
                        what: "bytes of packet block",
                    });
                }
                return Err(damaged(format!(
                    "interface block of {blen} bytes is too long"
                )));
            }
            body.clear();
            body.resize(blen as usize - 12, 0);
            let n = self.fill(&mut body)?;
            if n < body.len() {
                if is_packet {
                    return Err(CaptureError::TruncatedRecord {
                        frame: self.frames + 1,
                        offset: start,
                    });
                }
                return Err(damaged("the file ends inside an interface block".into()));
            }
        }
        let mut tr = [0u8; 4];
        let n = self.fill(&mut tr)?;
        if n < 4 {
            if matches!(btype, 2 | 3 | 6) {
                return Err(CaptureError::TruncatedRecord {
                    frame: self.frames + 1,
                    offset: start,
                });
            }
            return Err(damaged("the file ends inside a block".into()));
        }
        let trailer = u32_at(&tr, 0, le);
        if trailer != blen {
            return Err(damaged(format!(
                "block length {blen} at the start but {trailer} at the end"
            )));
        }
        let r = self.block(btype, le, &body, start);
        self.buf = body;
        r
    }

    fn block(
        &mut self,
        btype: u32,
        le: bool,
        body: &[u8],
        start: u64,
    ) -> Result<BlockResult, CaptureError> {
        let damaged = |reason: String| CaptureError::DamagedBlock {
            offset: start,
            reason,
        };
        let frame = self.frames + 1;
        let ifaces = match &mut self.format {
            Format::Pcapng { ifaces, .. } => ifaces,
            Format::Pcap { .. } => unreachable!(),
        };
        match btype {
            PCAPNG_SHB => {
                let major = u16_at(body, 4, le);
                let minor = u16_at(body, 6, le);
                if major != 1 {
                    return Err(CaptureError::UnsupportedVersion {
                        format: "pcapng",
                        major,
                        minor,
                        supported: "1.x",
                    });
                }
                parse_options(&body[16..], le)
                    .map_err(|r| damaged(format!("section header: {r}")))?;
                self.format = Format::Pcapng {
                    le,
                    ifaces: Vec::new(),
                };
                self.state_version += 1;
                Ok(BlockResult::Other)
            }
            1 => {
                if body.len() < 8 {
                    return Err(damaged("interface description block too short".into()));
                }
                let mut iface = Iface {
                    link_type: u32::from(u16_at(body, 0, le)),
                    snaplen: u32_at(body, 4, le),
                    tsresol: 6,
                    tsoffset: 0,
                };
                let opts = parse_options(&body[8..], le)
                    .map_err(|r| damaged(format!("interface description: {r}")))?;
                for (code, v) in opts {
                    match (code, v.len()) {
                        (9, 1) => iface.tsresol = v[0],
                        (14, 8) => {
                            let a = [v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7]];
                            iface.tsoffset = if le {
                                i64::from_le_bytes(a)
                            } else {
                                i64::from_be_bytes(a)
                            };
                            // Beyond pcap's own span of dates an offset is
                            // damage, not a clock: with two interfaces it
                            // put frames billions of years apart, which
                            // made negative durations and a time column
                            // wider than the ladder.
                            if iface.tsoffset.unsigned_abs() > MAX_TSOFFSET {
                                return Err(damaged(format!(
                                    "interface description: if_tsoffset of {} s is more than \
                                     {MAX_TSOFFSET} s (136 years) from the timestamps",
                                    iface.tsoffset
                                )));
                            }
                        }
                        _ => {}
                    }
                }
                ifaces.push(iface);
                self.state_version += 1;
                Ok(BlockResult::Other)
            }
            2 | 6 => {
                // EPB: id u32, ts hi, ts lo, caplen, len. PB: id u16, drops u16, ...
                if body.len() < 20 {
                    return Err(damaged("packet block too short".into()));
                }
                let id = if btype == 6 {
                    u32_at(body, 0, le)
                } else {
                    u32::from(u16_at(body, 0, le))
                };
                let ts_hi = u64::from(u32_at(body, 4, le));
                let ts_lo = u64::from(u32_at(body, 8, le));
                let caplen = u32_at(body, 12, le);
                let orig_len = u32_at(body, 16, le);
                if caplen > MAX_RECORD_LEN {
                    return Err(CaptureError::AbsurdLength {
                        frame,
                        offset: start,
                        len: caplen.into(),
                        limit: MAX_RECORD_LEN.into(),
                        why: "the 256 KiB limit for one frame",
                        what: "captured bytes",
                    });
                }
                if let Some(iface) = ifaces.get(id as usize)
                    && let Some(limit) = snap_limit(iface.snaplen)
                    && caplen > limit
                {
                    return Err(CaptureError::AbsurdLength {
                        frame,
                        offset: start,
                        len: caplen.into(),
                        limit: iface.snaplen.into(),
                        why: "the interface's snap length allows",
                        what: "captured bytes",
                    });
                }
                if 20 + caplen as usize > body.len() {
                    return Err(damaged(format!(
                        "captured length {caplen} overruns the packet block"
                    )));
                }
                let Some(iface) = ifaces.get(id as usize).copied() else {
                    return Err(CaptureError::UnknownInterface {
                        frame,
                        offset: start,
                        id,
                        count: ifaces.len(),
                    });
                };
                self.frames = frame;
                self.data = 20..20 + caplen as usize;
                Ok(BlockResult::Frame(FrameMeta {
                    index: frame,
                    ts_nanos: pcapng_nanos(ts_hi << 32 | ts_lo, iface.tsresol, iface.tsoffset),
                    link_type: iface.link_type,
                    orig_len,
                    offset: start,
                }))
            }
            3 => {
                if body.len() < 4 {
                    return Err(damaged("simple packet block too short".into()));
                }
                let Some(iface) = ifaces.first().copied() else {
                    return Err(CaptureError::UnknownInterface {
                        frame,
                        offset: start,
                        id: 0,
                        count: 0,
                    });
                };
                let orig_len = u32_at(body, 0, le);
                let mut caplen = (orig_len as usize).min(body.len() - 4);
                if iface.snaplen > 0 {
                    caplen = caplen.min(iface.snaplen as usize);
                }
                self.frames = frame;
                self.data = 4..4 + caplen;
                Ok(BlockResult::Frame(FrameMeta {
                    index: frame,
                    ts_nanos: 0,
                    link_type: iface.link_type,
                    orig_len,
                    offset: start,
                }))
            }
            _ => Ok(BlockResult::Other),
        }
    }
}

/// A frame's header fields; its bytes are `buf[data]`.
struct FrameMeta {
    index: u64,
    ts_nanos: i128,
    link_type: u32,
    orig_len: u32,
    offset: u64,
}

enum BlockResult {
    Frame(FrameMeta),
    Other,
}

impl Iterator for CaptureReader {
    type Item = Result<RawFrame, CaptureError>;

    fn next(&mut self) -> Option<Self::Item> {
        self.next_frame().map(|r| r.map(|f| f.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tsresol_forms() {
        assert_eq!(pcapng_nanos(1_500_000, 6, 0), 1_500_000_000);
        assert_eq!(pcapng_nanos(7, 9, 0), 7);
        assert_eq!(pcapng_nanos(12_345, 12, 0), 12);
        // 2^-10 s ticks: 1024 ticks = 1 s.
        assert_eq!(pcapng_nanos(1024, 0x80 | 10, 0), 1_000_000_000);
        assert_eq!(pcapng_nanos(0, 6, 5), 5_000_000_000);
        // Absurd resolutions do not panic.
        assert_eq!(pcapng_nanos(u64::MAX, 0x7f, 0), 0);
        let _ = pcapng_nanos(u64::MAX, 0xff, 0);
        let _ = pcapng_nanos(u64::MAX, 0, i64::MIN);
    }

    #[test]
    fn options_overrun_is_an_error() {
        let buf = [2, 0, 0x30, 0x30, 1, 2, 3, 4];
        assert!(parse_options(&buf, true).is_err());
        let ok = [2, 0, 3, 0, b'a', b'b', b'c', 0, 0, 0, 0, 0];
        assert_eq!(parse_options(&ok, true).unwrap(), vec![(2, &b"abc"[..])]);
    }
}
