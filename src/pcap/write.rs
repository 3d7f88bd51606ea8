//! Write pcap files atomically: frames go to a temporary file in the same
//! directory, which is fsynced and then renamed over the target, so a
//! half-written capture is never left behind. Only regular files are ever
//! replaced ([`check_target`]); captures are created 0600.
//!
//! Format: pcap 2.4, little-endian, **nanosecond** timestamps (magic
//! `a1b23c4d`, read by Wireshark, tshark and tcpdump), snap length 262144.
//! A target whose name ends in `.pcapng` gets pcapng instead (one section,
//! one interface with nanosecond resolution, one enhanced packet block per
//! frame), where a frame may carry a comment (`opt_comment`), which
//! Wireshark shows as `frame.comment`: `synack trace` and the live lab
//! write there what the step's call and the kernel's tracepoints said.

use super::read::{CaptureError, MAX_RECORD_LEN};
use std::fs::{File, OpenOptions};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

const NANO_MAGIC: u32 = 0xA1B2_3C4D;

/// Write `frames` (timestamp in ns since the epoch, captured bytes, original
/// length) as a pcap file at `path`, atomically.
pub fn write_pcap<D, I>(path: &Path, link_type: u32, frames: I) -> Result<(), CaptureError>
where
    D: AsRef<[u8]>,
    I: IntoIterator<Item = (i128, D, u32)>,
{
    let mut w = PcapWriter::create(path, link_type)?;
    for (ts, data, orig_len) in frames {
        w.write_frame(ts, data.as_ref(), orig_len)?;
    }
    w.finish()
}

/// Streaming pcap writer. Frames are written to a temporary file next to
/// the target; [`PcapWriter::finish`] renames it into place. Dropping the
/// writer without `finish` removes the temporary file.
pub struct PcapWriter {
    out: Option<BufWriter<File>>,
    tmp: PathBuf,
    path: PathBuf,
    link_type: u32,
    force: bool,
    /// pcapng rather than pcap (chosen by the target's extension).
    ng: bool,
}

/// Whether `path` asks for pcapng: its extension is `pcapng`, in any case.
pub fn wants_pcapng(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("pcapng"))
}

/// A pcapng block: type, total length, body (padded to 4 bytes), length again.
fn ng_block(kind: u32, body: &[u8]) -> Vec<u8> {
    let pad = (4 - body.len() % 4) % 4;
    let total = (12 + body.len() + pad) as u32;
    let mut b = Vec::with_capacity(total as usize);
    b.extend(kind.to_le_bytes());
    b.extend(total.to_le_bytes());
    b.extend_from_slice(body);
    b.extend(std::iter::repeat_n(0u8, pad));
    b.extend(total.to_le_bytes());
    b
}

/// One pcapng option: code, length, value padded to 4 bytes.
fn ng_option(out: &mut Vec<u8>, code: u16, value: &[u8]) {
    out.extend(code.to_le_bytes());
    out.extend((value.len() as u16).to_le_bytes());
    out.extend_from_slice(value);
    out.extend(std::iter::repeat_n(0u8, (4 - value.len() % 4) % 4));
}

/// The longest comment kept (an option's length is 16 bits).
const MAX_COMMENT: usize = 60_000;

fn werr(e: io::Error) -> CaptureError {
    CaptureError::Write(e)
}

/// The file the capture is written to until it is complete. Its name
/// says what it is and where it came from, so one left behind by a kill
/// is recognisable: `.lab.pcap.synack-partial-4242.pcap`.
fn temp_path(path: &Path) -> io::Result<PathBuf> {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let name = file_name(path)?;
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let pid = std::process::id();
    let tmp_name = if n == 0 {
        format!(".{}.synack-partial-{pid}.pcap", name.to_string_lossy())
    } else {
        format!(".{}.synack-partial-{pid}-{n}.pcap", name.to_string_lossy())
    };
    Ok(path.with_file_name(tmp_name))
}

fn file_name(path: &Path) -> io::Result<&std::ffi::OsStr> {
    // `dir/` and `..` name no file: `with_file_name` would silently
    // write somewhere else.
    let ends_with_slash = path.as_os_str().as_encoded_bytes().last() == Some(&b'/');
    match path.file_name() {
        Some(n) if !ends_with_slash => Ok(n),
        _ => Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("{} does not name a file", path.display()),
        )),
    }
}

/// What kind of thing a path that is not a regular file is, for the
/// one-line refusal.
fn kind_of(m: &std::fs::Metadata) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    let t = m.file_type();
    if t.is_dir() {
        "a directory"
    } else if t.is_symlink() {
        "a symbolic link"
    } else if t.is_char_device() {
        "a character device"
    } else if t.is_block_device() {
        "a block device"
    } else if t.is_fifo() {
        "a FIFO"
    } else if t.is_socket() {
        "a socket"
    } else {
        "not a regular file"
    }
}

/// Check, before anything is captured, that a capture can be put at
/// `path`: it names a file in an existing directory; if something is
/// there, it is a regular file and `force` is given (a capture never
/// replaces a device, a FIFO, a link or a directory: renaming over
/// `/dev/null` would turn it into a file); and a file that belongs to
/// someone else in a sticky directory (`/tmp`) is refused, since the final
/// rename would fail. Whether the directory is writable is found by
/// creating the temporary file, as the user who runs synack.
pub fn check_target(path: &Path, force: bool) -> Result<(), CaptureError> {
    use std::os::unix::fs::MetadataExt;
    let refuse = |msg: String| werr(io::Error::new(io::ErrorKind::InvalidInput, msg));
    file_name(path).map_err(werr)?;
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    match std::fs::metadata(dir) {
        Ok(m) if m.is_dir() => {}
        Ok(_) => return Err(refuse(format!("{} is not a directory", dir.display()))),
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            return Err(refuse(format!(
                "the directory {} does not exist; create it first",
                dir.display()
            )));
        }
        Err(e) => return Err(refuse(format!("{}: {e}", dir.display()))),
    }
    let m = match std::fs::symlink_metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(refuse(format!("{}: {e}", path.display()))),
    };
    if !m.file_type().is_file() {
        return Err(refuse(format!(
            "{} is {}, not a regular file; a capture is only written to a new or regular file",
            path.display(),
            kind_of(&m)
        )));
    }
    if !force {
        return Err(refuse(format!(
            "{} already exists; choose another name or add --force to overwrite it",
            path.display()
        )));
    }
    // SAFETY: geteuid has no preconditions.
    let euid = unsafe { libc::geteuid() };
    if let Ok(d) = std::fs::metadata(dir)
        && d.mode() & libc::S_ISVTX != 0
        && m.uid() != euid
        && d.uid() != euid
    {
        return Err(refuse(format!(
            "{} belongs to another user in a sticky directory, so it cannot be replaced; \
             choose another name",
            path.display()
        )));
    }
    Ok(())
}

/// Rewrite the capture at `path` (one synack just wrote) as pcapng with a
/// comment on each frame `comment` has one for (by 1-based frame number):
/// read back, written to a temporary file, renamed over it, as any
/// capture synack writes. Used where the comments are known only once the
/// capture is over (the live lab explains a frame after its call ends).
pub fn annotate(
    path: &Path,
    mut comment: impl FnMut(u64) -> Option<String>,
) -> Result<(), CaptureError> {
    let frames = super::read::CaptureReader::open(path)?.collect::<Result<Vec<_>, _>>()?;
    let link = frames.first().map_or(1, |f| f.link_type);
    let mut w = PcapWriter::create_with(path, link, true)?;
    for f in &frames {
        let c = comment(f.index);
        w.write_frame_commented(f.ts_nanos, &f.data, f.orig_len, c.as_deref())?;
    }
    w.finish()
}

impl PcapWriter {
    /// Create the temporary file and write the pcap header; the target is
    /// replaced at [`PcapWriter::finish`] if it is a regular file.
    pub fn create(path: &Path, link_type: u32) -> Result<Self, CaptureError> {
        Self::create_with(path, link_type, true)
    }

    /// [`check_target`], then create the temporary file (mode 0600: a
    /// capture may hold passwords) and write the pcap header. Without
    /// `force`, [`PcapWriter::finish`] never replaces a file that appeared
    /// meanwhile.
    pub fn create_with(path: &Path, link_type: u32, force: bool) -> Result<Self, CaptureError> {
        use std::os::unix::fs::OpenOptionsExt;
        check_target(path, force)?;
        let tmp = temp_path(path).map_err(werr)?;
        let file = OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&tmp)
            .map_err(|e| {
                let dir = match tmp.parent() {
                    Some(d) if !d.as_os_str().is_empty() => d,
                    _ => Path::new("."),
                };
                werr(io::Error::new(
                    e.kind(),
                    format!("cannot create a file in {}: {e}", dir.display()),
                ))
            })?;
        let mut w = PcapWriter {
            out: Some(BufWriter::new(file)),
            tmp,
            path: path.to_path_buf(),
            link_type,
            force,
            ng: wants_pcapng(path),
        };
        if w.ng {
            // Section header: byte-order magic, version 1.0, length unknown.
            let mut shb = Vec::new();
            shb.extend(0x1A2B_3C4Du32.to_le_bytes());
            shb.extend(1u16.to_le_bytes());
            shb.extend(0u16.to_le_bytes());
            shb.extend((-1i64).to_le_bytes());
            let mut idb = Vec::new();
            idb.extend((link_type as u16).to_le_bytes());
            idb.extend(0u16.to_le_bytes());
            idb.extend(MAX_RECORD_LEN.to_le_bytes());
            // if_tsresol 9: timestamps in nanoseconds.
            ng_option(&mut idb, 9, &[9]);
            ng_option(&mut idb, 0, &[]);
            let mut h = ng_block(0x0A0D_0D0A, &shb);
            h.extend(ng_block(1, &idb));
            w.write_all(&h)?;
            return Ok(w);
        }
        let mut h = Vec::with_capacity(24);
        h.extend(NANO_MAGIC.to_le_bytes());
        h.extend(2u16.to_le_bytes());
        h.extend(4u16.to_le_bytes());
        h.extend(0i32.to_le_bytes());
        h.extend(0u32.to_le_bytes());
        h.extend(MAX_RECORD_LEN.to_le_bytes());
        h.extend(link_type.to_le_bytes());
        w.write_all(&h)?;
        Ok(w)
    }

    /// The link type given at creation.
    pub fn link_type(&self) -> u32 {
        self.link_type
    }

    fn write_all(&mut self, b: &[u8]) -> Result<(), CaptureError> {
        match self.out.as_mut() {
            Some(o) => o.write_all(b).map_err(werr),
            None => Err(werr(io::Error::other("the writer is already finished"))),
        }
    }

    /// Append one frame. `ts_nanos` must lie between 1970 and 2106 (the
    /// pcap format's range); `data` at most 256 KiB.
    pub fn write_frame(
        &mut self,
        ts_nanos: i128,
        data: &[u8],
        orig_len: u32,
    ) -> Result<(), CaptureError> {
        self.write_frame_commented(ts_nanos, data, orig_len, None)
    }

    /// Whether frames are written as pcapng, where they can carry comments.
    pub fn is_pcapng(&self) -> bool {
        self.ng
    }

    /// [`PcapWriter::write_frame`] with a comment on the frame in pcapng
    /// (pcap has no place for one: it is left out there).
    pub fn write_frame_commented(
        &mut self,
        ts_nanos: i128,
        data: &[u8],
        orig_len: u32,
        comment: Option<&str>,
    ) -> Result<(), CaptureError> {
        if self.ng {
            return self.write_block(ts_nanos, data, orig_len, comment);
        }
        let secs = ts_nanos.div_euclid(1_000_000_000);
        let frac = ts_nanos.rem_euclid(1_000_000_000) as u32;
        let secs = u32::try_from(secs).map_err(|_| {
            werr(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("timestamp {ts_nanos} ns is outside the pcap range (1970 to 2106)"),
            ))
        })?;
        if data.len() > MAX_RECORD_LEN as usize {
            return Err(werr(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("a frame of {} bytes exceeds the 256 KiB limit", data.len()),
            )));
        }
        let mut h = [0u8; 16];
        h[0..4].copy_from_slice(&secs.to_le_bytes());
        h[4..8].copy_from_slice(&frac.to_le_bytes());
        h[8..12].copy_from_slice(&(data.len() as u32).to_le_bytes());
        h[12..16].copy_from_slice(&orig_len.max(data.len() as u32).to_le_bytes());
        self.write_all(&h)?;
        self.write_all(data)
    }

    fn write_block(
        &mut self,
        ts_nanos: i128,
        data: &[u8],
        orig_len: u32,
        comment: Option<&str>,
    ) -> Result<(), CaptureError> {
        let ts = u64::try_from(ts_nanos).map_err(|_| {
            werr(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("timestamp {ts_nanos} ns is before 1970"),
            ))
        })?;
        if data.len() > MAX_RECORD_LEN as usize {
            return Err(werr(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("a frame of {} bytes exceeds the 256 KiB limit", data.len()),
            )));
        }
        let mut b = Vec::with_capacity(data.len() + 64);
        b.extend(0u32.to_le_bytes());
        b.extend(((ts >> 32) as u32).to_le_bytes());
        b.extend((ts as u32).to_le_bytes());
        b.extend((data.len() as u32).to_le_bytes());
        b.extend(orig_len.max(data.len() as u32).to_le_bytes());
        b.extend_from_slice(data);
        b.extend(std::iter::repeat_n(0u8, (4 - data.len() % 4) % 4));
        if let Some(c) = comment.filter(|c| !c.is_empty()) {
            // Cut on a character boundary: the option must stay UTF-8.
            let mut end = c.len().min(MAX_COMMENT);
            while !c.is_char_boundary(end) {
                end -= 1;
            }
            ng_option(&mut b, 1, &c.as_bytes()[..end]);
            ng_option(&mut b, 0, &[]);
        }
        let block = ng_block(6, &b);
        self.write_all(&block)
    }

    /// Push buffered frames to the (temporary) file, e.g. after each frame of
    /// a live capture.
    pub fn flush(&mut self) -> Result<(), CaptureError> {
        match self.out.as_mut() {
            Some(o) => o.flush().map_err(werr),
            None => Ok(()),
        }
    }

    /// Flush, fsync and rename the temporary file over the target. If the
    /// data cannot be written, the temporary file is removed; if only the
    /// rename fails (the target became a directory or a device, or appeared
    /// without `--force`), the complete capture is kept under its temporary
    /// name and the error says where.
    pub fn finish(mut self) -> Result<(), CaptureError> {
        let out = self
            .out
            .take()
            .ok_or_else(|| werr(io::Error::other("the writer is already finished")))?;
        let written: io::Result<()> = (|| {
            let file = out.into_inner().map_err(|e| e.into_error())?;
            file.sync_all()
        })();
        if let Err(e) = written {
            let _ = std::fs::remove_file(&self.tmp);
            return Err(werr(io::Error::new(
                e.kind(),
                format!("{}: {e}", self.path.display()),
            )));
        }
        if let Err(e) = self.put_in_place() {
            return Err(werr(io::Error::new(
                e.kind(),
                format!(
                    "cannot put the capture at {} ({e}); it is kept, complete, in {}",
                    self.path.display(),
                    self.tmp.display()
                ),
            )));
        }
        // Make the rename itself durable (best effort: not every
        // platform can open a directory).
        if let Some(dir) = self.path.parent() {
            let dir = if dir.as_os_str().is_empty() {
                Path::new(".")
            } else {
                dir
            };
            if let Ok(d) = File::open(dir) {
                let _ = d.sync_all();
            }
        }
        Ok(())
    }

    fn put_in_place(&self) -> io::Result<()> {
        match std::fs::symlink_metadata(&self.path) {
            Ok(m) if !m.file_type().is_file() => {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidInput,
                    format!("it is now {}", kind_of(&m)),
                ));
            }
            _ => {}
        }
        if self.force {
            return std::fs::rename(&self.tmp, &self.path);
        }
        rename_noreplace(&self.tmp, &self.path)
    }
}

/// Rename without replacing: a file that appeared at the target while
/// capturing (without `--force`) is not overwritten.
fn rename_noreplace(from: &Path, to: &Path) -> io::Result<()> {
    use std::os::unix::ffi::OsStrExt;
    let c = |p: &Path| {
        std::ffi::CString::new(p.as_os_str().as_bytes())
            .map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "a NUL byte in the path"))
    };
    let (f, t) = (c(from)?, c(to)?);
    // SAFETY: two valid C strings, AT_FDCWD.
    let r = unsafe {
        libc::renameat2(
            libc::AT_FDCWD,
            f.as_ptr(),
            libc::AT_FDCWD,
            t.as_ptr(),
            libc::RENAME_NOREPLACE,
        )
    };
    if r == 0 {
        return Ok(());
    }
    let e = io::Error::last_os_error();
    match e.raw_os_error() {
        // Filesystems without RENAME_NOREPLACE: a hard link fails on an
        // existing target too.
        Some(libc::EINVAL) | Some(libc::ENOSYS) => {
            std::fs::hard_link(from, to)?;
            std::fs::remove_file(from)
        }
        _ => Err(e),
    }
}

impl Drop for PcapWriter {
    fn drop(&mut self) {
        if let Some(out) = self.out.take() {
            drop(out);
            let _ = std::fs::remove_file(&self.tmp);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pcap::read::CaptureReader;

    fn tmpdir(name: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!("synack-write-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).unwrap();
        d
    }

    #[test]
    fn pcapng_by_extension_round_trips_with_comments() {
        let d = tmpdir("ng");
        let p = d.join("out.PcapNG");
        let mut w = PcapWriter::create(&p, 1).unwrap();
        assert!(w.is_pcapng());
        w.write_frame_commented(
            1_700_000_000_123_456_789,
            &[1, 2, 3],
            3,
            Some("connect() fd 3"),
        )
        .unwrap();
        w.write_frame(1_700_000_001_000_000_001, &[4; 100], 1500)
            .unwrap();
        w.finish().unwrap();
        let bytes = std::fs::read(&p).unwrap();
        assert_eq!(&bytes[..4], &[0x0A, 0x0D, 0x0D, 0x0A]);
        // The comment's bytes are in the first packet block.
        assert!(bytes.windows(14).any(|x| x == b"connect() fd 3"));
        let got: Vec<_> = CaptureReader::open(&p)
            .unwrap()
            .collect::<Result<Vec<_>, _>>()
            .unwrap();
        assert_eq!(got.len(), 2);
        assert_eq!(got[0].ts_nanos, 1_700_000_000_123_456_789);
        assert_eq!(got[0].data, vec![1, 2, 3]);
        assert_eq!((got[1].data.len(), got[1].orig_len), (100, 1500));
        assert!(!wants_pcapng(Path::new("x.pcap")));
    }

    #[test]
    fn round_trip_keeps_nanoseconds() {
        let d = tmpdir("rt");
        let p = d.join("out.pcap");
        let frames = vec![
            (1_700_000_000_123_456_789i128, vec![1u8, 2, 3], 3u32),
            (1_700_000_001_000_000_001, vec![4u8; 100], 1500),
        ];
        write_pcap(&p, 1, frames.clone()).unwrap();
        let got: Vec<_> = CaptureReader::open(&p)
            .unwrap()
            .collect::<Result<Vec<_>, _>>()
            .unwrap();
        assert_eq!(got.len(), 2);
        for (g, (ts, data, orig)) in got.iter().zip(&frames) {
            assert_eq!(g.ts_nanos, *ts);
            assert_eq!(&g.data, data);
            assert_eq!(g.orig_len, *orig);
            assert_eq!(g.link_type, 1);
        }
        assert_eq!(got[1].index, 2);
        // Only the target remains, no temporary file.
        let names: Vec<_> = std::fs::read_dir(&d)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from("out.pcap")]);
        std::fs::remove_dir_all(&d).unwrap();
    }

    #[test]
    fn failed_write_leaves_nothing_and_keeps_old_file() {
        let d = tmpdir("fail");
        let p = d.join("old.pcap");
        std::fs::write(&p, b"previous").unwrap();
        let bad = vec![(-5i128, vec![0u8; 4], 4u32)];
        assert!(write_pcap(&p, 1, bad).is_err());
        assert_eq!(std::fs::read(&p).unwrap(), b"previous");
        assert_eq!(std::fs::read_dir(&d).unwrap().count(), 1);
        std::fs::remove_dir_all(&d).unwrap();
    }

    #[test]
    fn dropped_writer_removes_temp_file() {
        let d = tmpdir("drop");
        let p = d.join("live.pcap");
        {
            let mut w = PcapWriter::create(&p, 101).unwrap();
            w.write_frame(0, &[0x45, 0, 0, 20], 4).unwrap();
            w.flush().unwrap();
            assert_eq!(std::fs::read_dir(&d).unwrap().count(), 1);
        }
        assert_eq!(std::fs::read_dir(&d).unwrap().count(), 0);
        assert!(!p.exists());
        std::fs::remove_dir_all(&d).unwrap();
    }

    /// Only the final rename is impossible (the target became a directory,
    /// or appeared without --force): the complete capture is kept under its
    /// temporary name and the error says where, instead of being deleted.
    #[test]
    fn a_capture_that_cannot_be_put_in_place_is_kept() {
        let d = tmpdir("keep");
        for (force, make) in [(true, "dir"), (false, "file")] {
            let p = d.join(format!("{make}.pcap"));
            let mut w = PcapWriter::create_with(&p, 1, force).unwrap();
            w.write_frame(1_700_000_000_000_000_000, &[1, 2, 3], 3)
                .unwrap();
            if make == "dir" {
                std::fs::create_dir(&p).unwrap();
            } else {
                std::fs::write(&p, b"appeared meanwhile").unwrap();
            }
            let e = w.finish().unwrap_err().to_string();
            assert!(e.contains("kept, complete, in"), "{e}");
            let kept: Vec<_> = std::fs::read_dir(&d)
                .unwrap()
                .flatten()
                .map(|e| e.path())
                .filter(|p| {
                    p.to_string_lossy()
                        .contains(&format!(".{make}.pcap.synack-partial-"))
                })
                .collect();
            assert_eq!(kept.len(), 1, "{e}");
            assert_eq!(CaptureReader::open(&kept[0]).unwrap().count(), 1);
            if make == "file" {
                assert_eq!(std::fs::read(&p).unwrap(), b"appeared meanwhile");
            }
        }
        std::fs::remove_dir_all(&d).unwrap();
    }

    #[test]
    fn missing_directory_is_an_error() {
        let p = Path::new("/nonexistent-synack-dir/x.pcap");
        assert!(PcapWriter::create(p, 1).is_err());
    }
}
