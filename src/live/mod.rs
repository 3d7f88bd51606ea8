//! The live lab and the sniffer. (Placeholder until they land.)

use crate::cli::{LiveArgs, SniffArgs};

pub fn run_live(_args: &LiveArgs) -> anyhow::Result<()> {
    anyhow::bail!("`synack live` is not built yet")
}

pub fn run_sniff(_args: &SniffArgs) -> anyhow::Result<()> {
    anyhow::bail!("`synack sniff` is not built yet")
}
