//! Replays the fuzz findings and runs the fuzz targets' bodies on stable.
//!
//! - `tests/fuzz_regressions/<target>/*`: inputs that once broke a target
//!   (or came close); each must now pass the target (no panic, invariants
//!   hold). Add a crash found by `cargo fuzz` here under its target's name.
//! - `tests/fuzz_regressions/open/<target>/*`: findings not fixed yet,
//!   replayed by an ignored test (`cargo test -- --ignored`), each listed
//!   in docs/reliability.md.
//! - a proptest of the tracker: arbitrary segment sequences (RST storms,
//!   ACKs of data never sent, SYNs mid-connection, jumps of 2^31) never
//!   panic, and every state change is an edge of RFC 9293's diagram.
//!
//! The target bodies are `fuzz/src/lib.rs`, included here as a module so
//! the very same code runs under libFuzzer and under `cargo test`.

#[allow(dead_code)]
#[path = "../fuzz/src/lib.rs"]
mod targets;

use proptest::prelude::*;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz_regressions")
}

/// Run every input under `dir/<target>/` through its target; return the
/// failures as "target/file: message".
fn replay(dir: &Path) -> (usize, Vec<String>) {
    let mut ran = 0;
    let mut failures = Vec::new();
    for (name, f) in targets::TARGETS {
        let Ok(rd) = std::fs::read_dir(dir.join(name)) else {
            continue;
        };
        let mut files: Vec<PathBuf> = rd.flatten().map(|e| e.path()).collect();
        files.sort();
        for p in files.iter().filter(|p| p.is_file()) {
            let data = std::fs::read(p).unwrap();
            ran += 1;
            if let Err(e) = std::panic::catch_unwind(|| f(&data)) {
                let msg = e
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| e.downcast_ref::<&str>().map(|s| s.to_string()))
                    .unwrap_or_default();
                failures.push(format!(
                    "{name}/{}: {msg}",
                    p.file_name().unwrap().to_string_lossy()
                ));
            }
        }
    }
    (ran, failures)
}

#[test]
fn fixed_fuzz_findings_stay_fixed() {
    let (ran, failures) = replay(&root());
    assert!(ran > 0, "no regression inputs found under {:?}", root());
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

/// Findings not fixed yet live under `open/`; none are open now.
#[test]
#[ignore = "open fuzz findings (bugs not fixed yet), see docs/reliability.md"]
fn open_fuzz_findings() {
    let (ran, failures) = replay(&root().join("open"));
    if ran == 0 {
        println!("no open fuzz findings");
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

/// The seed corpora's shapes on stable: every capture in `captures/` and
/// `tests/malformed/` goes through every target without breaking an
/// invariant.
#[test]
fn the_sample_captures_pass_every_target() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut n = 0;
    for dir in ["captures", "tests/malformed"] {
        let Ok(rd) = std::fs::read_dir(root.join(dir)) else {
            continue;
        };
        for e in rd.flatten() {
            let p = e.path();
            if p.extension().is_some_and(|x| x != "py") {
                let data = std::fs::read(&p).unwrap();
                targets::capture(&data);
                targets::pipeline(&data);
                targets::decode(&data);
                n += 1;
            }
        }
    }
    assert!(n > 0);
}

fn tracker_config() -> ProptestConfig {
    ProptestConfig {
        cases: 2000,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(tracker_config())]

    /// Arbitrary segment sequences (see `targets::segments` for how bytes
    /// become segments): no panic, every segment comes out once in frame
    /// order, every state change is an edge of the diagram.
    #[test]
    fn the_tracker_takes_any_segment_sequence(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
        targets::tracker(&bytes);
    }

    /// Sequences made only of the nonsense the issue names: RST storms,
    /// ACKs of data never sent, SYNs in the middle, jumps of 2^31.
    #[test]
    fn the_tracker_takes_nonsense(
        segs in proptest::collection::vec(
            (0u8..2, prop_oneof![Just(0x04u8), Just(0x14), Just(0x02), Just(0x12), Just(0x10), Just(0x11), Just(0x18)],
             prop_oneof![Just(0u8), Just(1), Just(3), Just(4), Just(5)],
             prop_oneof![Just(0u8), Just(1), Just(3), Just(4)],
             any::<u8>(), 0u8..64),
            1..80)
    ) {
        let mut bytes = Vec::new();
        for (dir, flags, seqm, ackm, delta, len) in segs {
            let pick = if dir == 0 { 1 << 3 } else { 1 };
            bytes.extend_from_slice(&[pick, flags, seqm | (ackm << 3), delta, len]);
            if seqm == 5 {
                bytes.extend_from_slice(&u32::from(delta).wrapping_mul(0x0101_0101).to_le_bytes());
            }
        }
        targets::tracker(&bytes);
    }
}
