//! Stable-Rust fallback for the fuzz targets: a plain mutation loop (no
//! coverage feedback) seeded from `fuzz/corpus/<target>/`. Use it where
//! cargo-fuzz cannot build; libFuzzer finds far more per second.
//!
//! ```text
//! cargo run --release --manifest-path fuzz/Cargo.toml --bin stable-fuzz -- TARGET SECONDS [SEED]
//! ```
//!
//! A panicking input is written to `fuzz/artifacts/<target>/crash-<hash>`
//! and the run exits with status 1 after the time is up.

use std::fs;
use std::panic;
use std::path::PathBuf;
use std::time::{Duration, Instant};

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        // xorshift64*
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
}

const INTERESTING: [u32; 12] = [
    0,
    1,
    0x7f,
    0xff,
    0xffff,
    0x1_0000,
    0x4_0000,
    0x4_0001,
    0x7fff_ffff,
    0x8000_0000,
    0xffff_fffe,
    0xffff_ffff,
];

fn mutate(rng: &mut Rng, input: &mut Vec<u8>, corpus: &[Vec<u8>]) {
    let rounds = 1 + rng.below(8);
    for _ in 0..rounds {
        let len = input.len();
        match rng.below(9) {
            0 if len > 0 => {
                let i = rng.below(len);
                input[i] ^= 1 << rng.below(8);
            }
            1 if len > 0 => {
                let i = rng.below(len);
                input[i] = rng.next() as u8;
            }
            2 if len >= 4 => {
                let i = rng.below(len - 3);
                let v = INTERESTING[rng.below(INTERESTING.len())];
                let b = if rng.below(2) == 0 {
                    v.to_le_bytes()
                } else {
                    v.to_be_bytes()
                };
                input[i..i + 4].copy_from_slice(&b);
            }
            3 if len > 0 => {
                let i = rng.below(len);
                let n = 1 + rng.below((len - i).min(64));
                input.drain(i..i + n);
            }
            4 => {
                let i = rng.below(len + 1);
                let n = 1 + rng.below(16);
                let bytes: Vec<u8> = (0..n).map(|_| rng.next() as u8).collect();
                input.splice(i..i, bytes);
            }
            5 if len > 0 => {
                // Duplicate a chunk somewhere else.
                let a = rng.below(len);
                let n = 1 + rng.below((len - a).min(256));
                let chunk = input[a..a + n].to_vec();
                let at = rng.below(len + 1);
                input.splice(at..at, chunk);
            }
            6 if !corpus.is_empty() => {
                // Splice with another seed.
                let other = &corpus[rng.below(corpus.len())];
                if !other.is_empty() {
                    let a = rng.below(other.len());
                    let at = rng.below(len + 1);
                    input.truncate(at);
                    input.extend_from_slice(&other[a..]);
                }
            }
            7 if len > 0 => {
                let n = rng.below(len);
                input.truncate(n.max(1));
            }
            _ if len > 1 => {
                let i = rng.below(len - 1);
                input[i] = input[i].wrapping_add(rng.below(3) as u8).wrapping_sub(1);
            }
            _ => input.push(rng.next() as u8),
        }
    }
    input.truncate(256 * 1024);
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (Some(name), Some(secs)) = (args.get(1), args.get(2)) else {
        eprintln!(
            "usage: stable-fuzz TARGET SECONDS [SEED]; targets: capture decode tracker pipeline"
        );
        std::process::exit(2);
    };
    let Some(target) = synack_fuzz::target(name) else {
        eprintln!("unknown target {name}");
        std::process::exit(2);
    };
    let secs: u64 = secs.parse().expect("SECONDS is a number");
    let seed: u64 = args
        .get(3)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x5eed_5eed);
    let fuzz = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut corpus: Vec<Vec<u8>> = fs::read_dir(fuzz.join("corpus").join(name))
        .map(|rd| {
            rd.flatten()
                .filter_map(|e| fs::read(e.path()).ok())
                .collect()
        })
        .unwrap_or_default();
    if corpus.is_empty() {
        corpus.push(Vec::new());
    }
    let artifacts = fuzz.join("artifacts").join(name);
    // Quiet: a crashing input is reported once, by file name.
    panic::set_hook(Box::new(|_| {}));
    let mut rng = Rng(seed | 1);
    let end = Instant::now() + Duration::from_secs(secs);
    let (mut runs, mut crashes) = (0u64, 0u64);
    // Every seed once as it is.
    let mut queue: Vec<Vec<u8>> = corpus.clone();
    while Instant::now() < end {
        let input = match queue.pop() {
            Some(i) => i,
            None => {
                let mut i = corpus[rng.below(corpus.len())].clone();
                mutate(&mut rng, &mut i, &corpus);
                i
            }
        };
        runs += 1;
        let r = panic::catch_unwind(|| target(&input));
        if let Err(e) = r {
            crashes += 1;
            let msg = e
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| e.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default();
            fs::create_dir_all(&artifacts).expect("artifacts dir");
            let h = input.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
                (h ^ u64::from(*b)).wrapping_mul(0x100_0000_01b3)
            });
            let p = artifacts.join(format!("crash-{h:016x}"));
            if !p.exists() {
                fs::write(&p, &input).expect("write artifact");
                println!("crash: {} ({} bytes): {msg}", p.display(), input.len());
            }
        }
    }
    println!("stable-fuzz {name}: {runs} runs in {secs} s, {crashes} crashing inputs");
    if crashes > 0 {
        std::process::exit(1);
    }
}
