//! Helpers of the tests that run synack's live lab for real (as root).

use serde_json::Value;
use std::path::PathBuf;
use std::process::{Command, Output};

/// True when a raw socket on lo can be opened; says SKIP otherwise.
pub fn can_sniff() -> bool {
    if synack::source::kernel::sniffer::RawSocket::open("lo").is_ok() {
        return true;
    }
    eprintln!("SKIP: needs CAP_NET_RAW (run as root)");
    false
}

/// Run the built synack with `args`.
pub fn synack(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_synack"))
        .args(args)
        .output()
        .expect("run synack")
}

/// An empty scratch directory for one test.
pub fn tmp(tag: &str, name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("synack-{tag}-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A successful run's NDJSON, one object per line.
pub fn ndjson(o: &Output) -> Vec<Value> {
    assert!(
        o.status.success(),
        "synack failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("one JSON object per line"))
        .collect()
}

/// tcpdump-style flags: "S", "S.", ".", "P.", "F.", "R.".
pub fn short_flags(s: &Value) -> String {
    let names: Vec<&str> = s["flags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f.as_str().unwrap())
        .collect();
    let mut out = String::new();
    for (name, c) in [("SYN", 'S'), ("FIN", 'F'), ("RST", 'R'), ("PSH", 'P')] {
        if names.contains(&name) {
            out.push(c);
        }
    }
    if names.contains(&"ACK") {
        out.push('.');
    }
    out
}
