//! `synack sniff`: follow the TCP connections other programs make on an
//! interface, through the same decoder and tracker as a capture file.

use super::sniffer::{Frame, Sniffer};
use crate::pcap::PcapWriter;
use crate::tcp::tracker::Tracker;
use crate::timeline::{LiveSource, Timeline};
use crate::wire::decode::{DecodeOutcome, Decoder};
use anyhow::{Context, Result};
use std::sync::mpsc::RecvTimeoutError;
use std::time::Duration;

pub struct SniffSource {
    sniffer: Sniffer,
    iface: String,
    port: Option<u16>,
    decoder: Decoder,
    tracker: Tracker,
    /// Frames counted (and saved): every frame without `--port`, the
    /// matching TCP frames with it.
    frames: u64,
    /// TCP segments taken in.
    segments: u64,
    writer: Option<PcapWriter>,
    write_error: Option<String>,
    t0: Option<i128>,
    timeline: Timeline,
    stopped: bool,
}

impl SniffSource {
    pub fn new(
        sniffer: Sniffer,
        iface: &str,
        port: Option<u16>,
        writer: Option<PcapWriter>,
    ) -> SniffSource {
        let what = port.map_or_else(|| "all TCP".to_string(), |p| format!("TCP port {p}"));
        SniffSource {
            sniffer,
            iface: iface.to_string(),
            port,
            decoder: Decoder::new(),
            tracker: Tracker::new(),
            frames: 0,
            segments: 0,
            writer,
            write_error: None,
            t0: None,
            timeline: Timeline {
                source: format!("sniff: {iface}"),
                title: format!("{what} on {iface}, live"),
                streams: Vec::new(),
                steps: Vec::new(),
            },
            stopped: false,
        }
    }

    pub fn segments(&self) -> u64 {
        self.segments
    }

    fn save(&mut self, f: &Frame) {
        if let Some(w) = self.writer.as_mut() {
            let r = w
                .write_frame(f.ts_nanos, &f.data, f.orig_len)
                .and_then(|_| w.flush());
            if let Err(e) = r {
                self.write_error.get_or_insert(e.to_string());
            }
        }
    }

    /// Take one frame; true when it was a TCP segment of interest.
    fn take(&mut self, f: Frame) -> bool {
        let link = self.sniffer.link_type;
        let outcome = self.decoder.decode(link, &f.data, f.orig_len);
        let d = match outcome {
            DecodeOutcome::Tcp(d) => d,
            _ => {
                if self.port.is_none() {
                    self.frames += 1;
                    self.t0.get_or_insert(f.ts_nanos);
                    self.save(&f);
                }
                return false;
            }
        };
        if let Some(p) = self.port
            && d.src.port() != p
            && d.dst.port() != p
        {
            return false;
        }
        self.frames += 1;
        self.segments += 1;
        let t0 = *self.t0.get_or_insert(f.ts_nanos);
        self.save(&f);
        let time = (f.ts_nanos - t0) as f64 / 1e9;
        let captured = f.data.len();
        self.tracker.push(crate::capture::observe_frame(
            self.frames,
            time,
            link,
            f.data,
            captured,
            f.orig_len,
            d,
        ));
        while let Some(step) = self.tracker.pop() {
            self.timeline.steps.push(step);
        }
        self.timeline.streams = self.tracker.streams();
        true
    }

    fn drain(&mut self) -> Result<bool> {
        let mut changed = false;
        loop {
            match self.sniffer.rx.try_recv() {
                Ok(Ok(f)) => changed |= self.take(f),
                Ok(Err(e)) => anyhow::bail!("capture on {} failed: {e}", self.iface),
                Err(_) => return Ok(changed),
            }
        }
    }

    /// Wait up to `timeout` for a frame, then take all that are waiting.
    /// Stops early once `limit` segments are in.
    pub fn wait(&mut self, timeout: Duration, limit: Option<u64>) -> Result<bool> {
        let mut changed = false;
        match self.sniffer.rx.recv_timeout(timeout) {
            Ok(Ok(f)) => changed |= self.take(f),
            Ok(Err(e)) => anyhow::bail!("capture on {} failed: {e}", self.iface),
            Err(RecvTimeoutError::Timeout) | Err(RecvTimeoutError::Disconnected) => {}
        }
        while limit.is_none_or(|n| self.segments < n) {
            match self.sniffer.rx.try_recv() {
                Ok(Ok(f)) => changed |= self.take(f),
                Ok(Err(e)) => anyhow::bail!("capture on {} failed: {e}", self.iface),
                Err(_) => break,
            }
        }
        Ok(changed)
    }

    /// Stop capturing, settle the held steps and finish the `--save` file.
    pub fn finish(&mut self) -> Result<()> {
        self.stopped = true;
        self.sniffer.stop();
        self.tracker.finish();
        while let Some(step) = self.tracker.pop() {
            self.timeline.steps.push(step);
        }
        self.timeline.streams = self.tracker.streams();
        if let Some(w) = self.writer.take() {
            w.finish().context("cannot finish the --save file")?;
        }
        if let Some(e) = &self.write_error {
            anyhow::bail!("writing the --save file failed: {e}");
        }
        Ok(())
    }
}

impl LiveSource for SniffSource {
    fn timeline(&self) -> &Timeline {
        &self.timeline
    }
    fn poll(&mut self) -> Result<bool> {
        if self.stopped {
            return Ok(false);
        }
        self.drain()
    }
    fn advance(&mut self) -> Result<bool> {
        Ok(false)
    }
    fn next_hint(&self) -> Option<String> {
        None
    }
    fn finished(&self) -> bool {
        self.stopped
    }
    fn summaries(&self) -> Vec<crate::tcp::tracker::Summary> {
        self.tracker.summaries()
    }

    fn status(&self) -> String {
        let what = self
            .port
            .map_or_else(|| "TCP".to_string(), |p| format!("port {p}"));
        let conns = self.timeline.streams.len();
        if crate::app::lang() == crate::explain::Lang::Zh {
            format!(
                "正在 {} 上抓取 {what}：{} 帧，{} 个 TCP 报文段，{conns} 个连接",
                self.iface, self.frames, self.segments
            )
        } else {
            format!(
                "capturing {what} on {}: {} frames, {} TCP segments, {conns} connection(s)",
                self.iface, self.frames, self.segments
            )
        }
    }
}
