#!/usr/bin/env bash
# synack beside its peers on the same large captures, in the same run.
#
#   bench/run.sh                 # 100k, 1M and 5M packets, 3 runs each
#   SIZES="1m" RUNS=5 bench/run.sh
#   PEER_RUNS_5M=1 bench/run.sh  # fewer runs of the slow peers on 5M
#
# Makes the captures with ../shared/bench/gen_pcap.py (cached in
# $BENCH_DIR, default /tmp/synack-bench: gen-100k.pcap, gen-1m.pcap,
# gen-5m.pcap), builds synack (release) and the bare record walk
# (bench/walk.rs), then times, on each capture:
#
#   walk            bench/walk.rs: read every pcap record, decode nothing (the floor)
#   synack summary  synack inspect F --summary
#   synack json     synack inspect F --json
#   tshark conv     tshark -r F -q -z conv,tcp
#   tshark fields   tshark -r F -T fields -e <the NDJSON fields>
#   tcpdump         tcpdump -nr F
#
# and prints, per capture, the median wall time of RUNS runs, the ratio of
# the peer's time to synack's (summary for conv, json for fields/tcpdump)
# and the peak resident memory (/usr/bin/time -v "Maximum resident set size").
# All output goes to /dev/null. Peers that are not installed are skipped.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
GEN="${GEN:-$ROOT/../shared/bench/gen_pcap.py}"
BENCH_DIR="${BENCH_DIR:-/tmp/synack-bench}"
SIZES="${SIZES:-100k 1m 5m}"
RUNS="${RUNS:-3}"
PEER_RUNS_5M="${PEER_RUNS_5M:-$RUNS}"
TIME=/usr/bin/time

die() { echo "bench: $*" >&2; exit 1; }
[ -x "$TIME" ] || die "needs GNU time at /usr/bin/time (apt-get install time)"
[ -f "$GEN" ] || die "no generator at $GEN (set GEN=path/to/gen_pcap.py)"

echo "building synack (release) and the record walk..." >&2
(cd "$ROOT" && cargo build --release --quiet)
SYNACK="${CARGO_TARGET_DIR:-$ROOT/target}/release/synack"
mkdir -p "$ROOT/target/bench" "$BENCH_DIR"
WALK="$ROOT/target/bench/walk"
rustc -O "$ROOT/bench/walk.rs" -o "$WALK"

connections() {
    case "$1" in
    100k) echo 6850 ;;
    1m) echo 68500 ;;
    5m) echo 342500 ;;
    *) die "unknown size $1 (100k, 1m, 5m)" ;;
    esac
}

# median of the numbers on stdin
median() { sort -g | awk '{a[NR]=$1} END {if (NR==0) print "nan"; else if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }

# run NAME RUNS CMD... : sets RES_T (median wall seconds, measured by the
# shell to the microsecond) and RES_M (largest peak RSS in MiB, from GNU
# time's "Maximum resident set size")
run() {
    local name="$1" n="$2"
    shift 2
    local times=() mem=0 i t0 t1 kb
    local tf
    tf="$(mktemp)"
    for ((i = 0; i < n; i++)); do
        t0=$EPOCHREALTIME
        "$TIME" -o "$tf" -f '%M' "$@" >/dev/null 2>&1 || true
        t1=$EPOCHREALTIME
        times+=("$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.3f", b - a}')")
        kb="$(tail -1 "$tf")"
        ((kb > mem)) && mem=$kb
    done
    rm -f "$tf"
    RES_T="$(printf '%s\n' "${times[@]}" | median)"
    RES_M="$(awk -v k="$mem" 'BEGIN {printf "%.1f", k/1024}')"
    echo "  $name: ${times[*]} s" >&2
}

FIELDS=(-e frame.number -e tcp.stream -e frame.time_relative -e ip.src -e tcp.srcport
    -e ip.dst -e tcp.dstport -e tcp.flags.str -e tcp.seq_raw -e tcp.ack_raw -e tcp.seq
    -e tcp.ack -e tcp.len -e tcp.window_size_value -e tcp.analysis.retransmission
    -e tcp.analysis.duplicate_ack -e tcp.analysis.out_of_order -e tcp.analysis.zero_window)

echo
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')"
echo "synack $("$SYNACK" --version 2>/dev/null | awk '{print $2}'), $(tshark --version 2>/dev/null | head -1 || echo 'no tshark'), $(tcpdump --version 2>&1 | head -1 || echo 'no tcpdump')"
echo "median of $RUNS runs (5M peers: $PEER_RUNS_5M), wall seconds; ratio = peer time / synack time"
for size in $SIZES; do
    f="$BENCH_DIR/gen-$size.pcap"
    if [ ! -s "$f" ]; then
        echo "generating $f..." >&2
        python3 "$GEN" --connections "$(connections "$size")" --seed 1 --out "$f" >&2
    fi
    packets="$("$WALK" "$f" | awk '{print $1}')"
    peer_runs=$RUNS
    [ "$size" = 5m ] && peer_runs=$PEER_RUNS_5M
    echo "timing $f ($packets packets)..." >&2
    cat "$f" >/dev/null # warm the page cache
    declare -A T=() M=()
    run walk "$RUNS" "$WALK" "$f"; T[walk]=$RES_T; M[walk]=$RES_M
    run "synack summary" "$RUNS" "$SYNACK" inspect "$f" --summary; T[sum]=$RES_T; M[sum]=$RES_M
    run "synack json" "$RUNS" "$SYNACK" inspect "$f" --json; T[json]=$RES_T; M[json]=$RES_M
    if command -v tshark >/dev/null; then
        run "tshark conv" "$peer_runs" tshark -r "$f" -q -z conv,tcp; T[conv]=$RES_T; M[conv]=$RES_M
        run "tshark fields" "$peer_runs" tshark -r "$f" -T fields "${FIELDS[@]}"; T[fields]=$RES_T; M[fields]=$RES_M
    fi
    if command -v tcpdump >/dev/null; then
        run tcpdump "$peer_runs" tcpdump -nr "$f"; T[tcpdump]=$RES_T; M[tcpdump]=$RES_M
    fi
    ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.1fx", a / b; else print "-" }'; }
    echo
    echo "## $size: $(du -mL "$f" | cut -f1) MB, $packets packets"
    printf '| %-16s | %9s | %-30s | %9s |\n' tool "median s" "ratio" "peak MiB"
    printf '|%s|%s|%s|%s|\n' ------------------ ----------- -------------------------------- -----------
    row() { printf '| %-16s | %9s | %-30s | %9s |\n' "$1" "$2" "$3" "$4"; }
    row "walk (floor)" "${T[walk]}" "" "${M[walk]}"
    row "synack summary" "${T[sum]}" "$(ratio "${T[sum]}" "${T[walk]}") the walk" "${M[sum]}"
    row "synack json" "${T[json]}" "$(ratio "${T[json]}" "${T[walk]}") the walk" "${M[json]}"
    [ -n "${T[conv]:-}" ] && row "tshark conv,tcp" "${T[conv]}" "$(ratio "${T[conv]}" "${T[sum]}") synack summary" "${M[conv]}"
    [ -n "${T[fields]:-}" ] && row "tshark -T fields" "${T[fields]}" "$(ratio "${T[fields]}" "${T[json]}") synack json" "${M[fields]}"
    [ -n "${T[tcpdump]:-}" ] && row "tcpdump -nr" "${T[tcpdump]}" "$(ratio "${T[tcpdump]}" "${T[json]}") synack json" "${M[tcpdump]}"
    unset T M
done
