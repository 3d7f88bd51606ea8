//! Write pcap files atomically: frames go to a temporary file in the same
//! directory, which is fsynced and then renamed over the target, so a
//! half-written capture is never left behind.
//!
//! Format: pcap 2.4, little-endian, **nanosecond** timestamps (magic
//! `a1b23c4d`, read by Wireshark, tshark and tcpdump), snap length 262144.

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
}

fn werr(e: io::Error) -> CaptureError {
    CaptureError::Write(e)
}

fn temp_path(path: &Path) -> io::Result<PathBuf> {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let name = path
        .file_name()
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "the path has no file name"))?;
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let tmp_name = format!(
        ".{}.{}-{}.tmp",
        name.to_string_lossy(),
        std::process::id(),
        n
    );
    Ok(path.with_file_name(tmp_name))
}

impl PcapWriter {
    /// Create the temporary file and write the pcap header.
    /// Give the file to `uid`:`gid` (the user who ran `sudo`), so the
    /// capture they asked for is theirs, not root's. Call it while the
    /// process may still change owners (before capabilities are dropped).
    pub fn give_to(&self, uid: u32, gid: u32) -> Result<(), CaptureError> {
        let file = self
            .out
            .as_ref()
            .ok_or_else(|| werr(io::Error::other("the capture is already finished")))?
            .get_ref();
        std::os::unix::fs::fchown(file, Some(uid), Some(gid)).map_err(werr)
    }

    pub fn create(path: &Path, link_type: u32) -> Result<Self, CaptureError> {
        let tmp = temp_path(path).map_err(werr)?;
        let file = OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)
            .map_err(|e| {
                CaptureError::Write(io::Error::new(e.kind(), format!("{}: {e}", tmp.display())))
            })?;
        let mut w = PcapWriter {
            out: Some(BufWriter::new(file)),
            tmp,
            path: path.to_path_buf(),
            link_type,
        };
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

    /// Push buffered frames to the (temporary) file, e.g. after each frame of
    /// a live capture.
    pub fn flush(&mut self) -> Result<(), CaptureError> {
        match self.out.as_mut() {
            Some(o) => o.flush().map_err(werr),
            None => Ok(()),
        }
    }

    /// Flush, fsync and rename the temporary file over the target.
    pub fn finish(mut self) -> Result<(), CaptureError> {
        let out = self
            .out
            .take()
            .ok_or_else(|| werr(io::Error::other("the writer is already finished")))?;
        let result: io::Result<()> = (|| {
            let file = out.into_inner().map_err(|e| e.into_error())?;
            file.sync_all()?;
            drop(file);
            std::fs::rename(&self.tmp, &self.path)?;
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
        })();
        if let Err(e) = result {
            let _ = std::fs::remove_file(&self.tmp);
            return Err(werr(io::Error::new(
                e.kind(),
                format!("{}: {e}", self.path.display()),
            )));
        }
        Ok(())
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

    #[test]
    fn missing_directory_is_an_error() {
        let p = Path::new("/nonexistent-synack-dir/x.pcap");
        assert!(PcapWriter::create(p, 1).is_err());
    }
}
