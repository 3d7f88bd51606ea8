//! A growing source for the terminal-UI tests: a scripted timeline shown
//! a step at a time, as the live lab (each `advance()` one call, what it
//! caused through `poll()`) or as the sniffer (`poll()` only).

use super::timeline;
use synack::source::Source;
use synack::timeline::{StepKind, Timeline};

/// Reveals `script` step by step. As a lab (`drives`): `advance()` makes
/// the next socket call (a call step), `poll()` brings one segment or timer
/// step at a time, up to the next call. As a sniffer: `advance()` does
/// nothing and `poll()` brings one step at a time.
pub struct Fake {
    pub script: Timeline,
    pub shown: Timeline,
    pub drives: bool,
    pub polls: usize,
}

impl Fake {
    pub fn lab(name: &str) -> Fake {
        let mut script = timeline(name);
        for s in &mut script.steps {
            s.kernel = Some(s.after);
        }
        Fake::new(script, true)
    }

    pub fn sniffer(script: Timeline) -> Fake {
        Fake::new(script, false)
    }

    pub fn new(script: Timeline, drives: bool) -> Fake {
        let shown = Timeline {
            source: if drives {
                "live lab"
            } else {
                "sniff: lo port 80"
            }
            .into(),
            title: String::new(),
            streams: Vec::new(),
            steps: Vec::new(),
        };
        Fake {
            script,
            shown,
            drives,
            polls: 0,
        }
    }

    pub fn next(&self) -> Option<&synack::timeline::Step> {
        self.script.steps.get(self.shown.steps.len())
    }

    pub fn reveal(&mut self) {
        let step = self.next().unwrap().clone();
        let s = step.stream as usize;
        if self.shown.streams.len() <= s {
            self.shown.streams = self.script.streams[..=s].to_vec();
        }
        self.shown.steps.push(step);
    }
}

impl Source for Fake {
    fn timeline(&self) -> &Timeline {
        &self.shown
    }

    fn poll(&mut self) -> anyhow::Result<bool> {
        self.polls += 1;
        match self.next() {
            Some(s) if !self.drives || s.kind != StepKind::Call => {
                self.reveal();
                Ok(true)
            }
            _ => Ok(false),
        }
    }

    fn advance(&mut self) -> anyhow::Result<bool> {
        if !self.drives {
            return Ok(false);
        }
        // Whatever the last call caused comes first.
        while self.next().is_some_and(|s| s.kind != StepKind::Call) {
            self.reveal();
        }
        if self.next().is_none() {
            return Ok(false);
        }
        self.reveal();
        Ok(true)
    }

    fn next_hint(&self) -> Option<String> {
        if !self.drives {
            return None;
        }
        let i = self.shown.steps.len();
        let call = self.script.steps[i..]
            .iter()
            .position(|s| s.kind == StepKind::Call)?
            + i;
        let c = &self.script.steps[call];
        let segs: Vec<String> = self.script.steps[call + 1..]
            .iter()
            .take_while(|s| s.kind != StepKind::Call)
            .filter_map(|s| s.segment.as_ref())
            .map(|v| format!("{} from the {}", v.seg.flags.tcpdump(), v.from))
            .collect();
        Some(format!(
            "the {} calls {}; expect {}",
            c.side,
            c.call.unwrap(),
            if segs.is_empty() {
                "no segment".into()
            } else {
                segs.join(", ")
            }
        ))
    }

    fn finished(&self) -> bool {
        self.drives && self.next().is_none()
    }

    fn status(&self) -> String {
        let frames = self.shown.segments().count();
        format!("capturing on lo, {frames} frames")
    }
}
