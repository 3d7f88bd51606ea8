#!/usr/bin/env bash
# Bounded fuzz runs of every target (issue 7).
#
#   bash fuzz/smoke.sh [SECONDS_PER_TARGET] [TARGET...]
#
# Default: 60 s per target, all targets (capture decode tracker pipeline).
# `.ci/run` runs it with 60; a longer run is the same with a bigger number
# (docs/reliability.md lists the ones that were run), e.g.
#
#   bash fuzz/smoke.sh 1800 capture
#
# It seeds fuzz/corpus/<target>/ (fuzz/src/bin/seeds.rs), then uses
# cargo-fuzz (libFuzzer + AddressSanitizer) on the stable toolchain with
# RUSTC_BOOTSTRAP=1, since cargo-fuzz needs nightly flags and no nightly
# can be downloaded here. If cargo-fuzz is missing and cannot be installed
# from crates.io, or its build fails, it falls back to the stable mutation
# loop (fuzz/src/bin/stable_fuzz.rs) for the same time, and says so.
#
# Exits non-zero when a target crashes; the input is in
# fuzz/artifacts/<target>/. Copy it to tests/fuzz_regressions/<target>/
# once fixed (or to tests/fuzz_regressions/open/<target>/ until then).
set -euo pipefail
cd "$(dirname "$0")"

secs="${1:-60}"
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    targets=(capture decode tracker pipeline)
fi

export CARGO_TERM_QUIET=true
cargo run --quiet --release --bin seeds </dev/null

use_libfuzzer=1
if ! command -v cargo-fuzz >/dev/null 2>&1; then
    echo "fuzz: installing cargo-fuzz from crates.io (a few minutes)"
    cargo install --quiet --locked cargo-fuzz </dev/null >/dev/null 2>&1 \
        || cargo install --quiet cargo-fuzz </dev/null >/dev/null 2>&1 \
        || use_libfuzzer=0
fi
if [ "$use_libfuzzer" = 1 ]; then
    if ! RUSTC_BOOTSTRAP=1 cargo fuzz build -O </dev/null >build.log 2>&1; then
        echo "fuzz: cargo fuzz build failed (see fuzz/build.log); using the stable fallback"
        use_libfuzzer=0
    fi
fi

status=0
for t in "${targets[@]}"; do
    if [ "$use_libfuzzer" = 1 ]; then
        echo "fuzz: $t for ${secs}s (libFuzzer)"
        # -rss_limit_mb: a target that needs more than 1 GiB is a finding.
        # -timeout: one input taking over 10 s is a finding (a hang).
        if ! RUSTC_BOOTSTRAP=1 cargo fuzz run -O "$t" "corpus/$t" -- \
            -max_total_time="$secs" -rss_limit_mb=1024 -timeout=10 \
            -max_len=262144 -print_final_stats=1 </dev/null >"run-$t.log" 2>&1; then
            echo "fuzz: $t FAILED; last lines of fuzz/run-$t.log:"
            tail -n 30 "run-$t.log"
            status=1
        else
            grep -E "^stat::number_of_executed_units|^Done" "run-$t.log" || true
        fi
    else
        echo "fuzz: $t for ${secs}s (stable fallback, no coverage feedback)"
        if ! cargo run --quiet --release --bin stable-fuzz -- "$t" "$secs" </dev/null; then
            status=1
        fi
    fi
done
exit $status
