#!/usr/bin/env bash
# What watching costs: a loopback connection load in a private network
# namespace, run with no capturer, under tcpdump and under synack sniff.
#
#   bench/sniff.sh                    # 20 000 connections per run, 3 runs
#   CONNS=5000 RUNS=1 bench/sniff.sh
#
# Needs root (ip netns, raw sockets), tcpdump (skipped if missing) and
# rustc. The load (bench/sniff_load.rs) runs N connections one after the
# other to 127.0.0.1:PORT inside the namespace `synack-bench-$$`, which is
# deleted at the end; no traffic leaves it. Two kinds of connection:
#
#   rst   SYN, SYN/ACK, ACK, then the client aborts (RST): 4 segments
#   http  a small HTTP/1.1 request and response, FINs both ways
#
# Capturers, filtering on the load's port:
#
#   tcpdump  tcpdump -i lo -n -w /dev/null tcp port PORT
#   synack   synack sniff --port PORT --json   (NDJSON counted by wc -l)
#
# Per run: connections/s of the load; segments expected (the namespace's
# own TCP InSegs from /proc/net/snmp: on loopback every segment sent
# arrives once) and captured (tcpdump's "packets captured", synack's NDJSON
# lines); capturer CPU seconds (user + system, from /proc/PID/stat once it
# has caught up). The table shows the median run of each row by rate, and
# the load rate as a share of the rate under tcpdump.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
CONNS="${CONNS:-20000}"
RUNS="${RUNS:-3}"
NS="synack-bench-$$"
WORK="$(mktemp -d /tmp/synack-sniff-bench.XXXXXX)"
TCK="$(getconf CLK_TCK)"

die() { echo "bench: $*" >&2; exit 1; }
[ "$(id -u)" = 0 ] || die "needs root (ip netns, raw sockets)"
command -v ip >/dev/null || die "needs ip (iproute2)"
command -v rustc >/dev/null || die "needs rustc"

MAIN=$BASHPID
cleanup() {
    # Subshells (the runs are piped into sort) must not clean up.
    [ "$BASHPID" = "$MAIN" ] || return 0
    ip netns pids "$NS" 2>/dev/null | xargs -r kill 2>/dev/null || true
    ip netns del "$NS" 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT

echo "building synack (release) and the load..." >&2
(cd "$ROOT" && cargo build --release --quiet)
SYNACK="${CARGO_TARGET_DIR:-$ROOT/target}/release/synack"
LOAD="$ROOT/target/bench/sniff_load"
mkdir -p "$(dirname "$LOAD")"
rustc -O "$ROOT/bench/sniff_load.rs" -o "$LOAD"

ip netns add "$NS"
ip netns exec "$NS" ip link set lo up
in_ns() { ip netns exec "$NS" "$@"; }

in_segs() { in_ns awk '/^Tcp:/ { if (h) print $11; h = 1 }' /proc/net/snmp; }
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat" 2>/dev/null || echo 0; }

# Wait until file $1 holds text $2 (at most 10 s).
wait_for() {
    for _ in $(seq 100); do
        grep -q "$2" "$1" 2>/dev/null && return 0
        sleep 0.1
    done
    die "no '$2' in $1: $(cat "$1")"
}

# Wait until process $1 has used no CPU for 0.5 s (it has caught up), at
# most 60 s; print its CPU ticks.
settle() {
    local last now
    last="$(cpu_ticks "$1")"
    for _ in $(seq 120); do
        sleep 0.5
        now="$(cpu_ticks "$1")"
        [ "$now" = "$last" ] && break
        last="$now"
    done
    echo "$last"
}

PORT=20000
# run MODE CAPTURER -> "rate expected captured cpu_seconds"
run() {
    local mode="$1" cap="$2" pid="" before after out rate captured="-" ticks=0 cpu="-"
    PORT=$((PORT + 1))
    case "$cap" in
        tcpdump)
            # Not through a function: `ip netns exec` becomes the capturer,
            # so $! is its pid (for its CPU time and the signal).
            ip netns exec "$NS" tcpdump -i lo -n -w /dev/null "tcp port $PORT" 2>"$WORK/cap.err" &
            pid=$!
            wait_for "$WORK/cap.err" "listening on"
            ;;
        synack)
            ip netns exec "$NS" "$SYNACK" sniff --port "$PORT" --json 2>"$WORK/cap.err" \
                > >(wc -l >"$WORK/lines") &
            pid=$!
            wait_for "$WORK/cap.err" "capturing"
            ;;
    esac
    before="$(in_segs)"
    out="$(in_ns "$LOAD" "$mode" "$CONNS" "$PORT")"
    after="$(in_segs)"
    rate="$(echo "$out" | awk '{ print $3 }')"
    if [ -n "$pid" ]; then
        # tcpdump hands over a block of its ring after 1 s at the latest.
        sleep 1.5
        ticks="$(settle "$pid")"
        cpu="$(awk -v t="$ticks" -v k="$TCK" 'BEGIN { printf "%.2f", t / k }')"
        # A background job of a script starts with SIGINT ignored, which
        # tcpdump keeps; synack's handler stops it on either signal.
        kill -TERM "$pid"
        wait "$pid" || true
        sleep 0.3
        case "$cap" in
            tcpdump) captured="$(awk '/packets captured/ { print $1 }' "$WORK/cap.err")" ;;
            synack) captured="$(tr -d ' ' <"$WORK/lines")" ;;
        esac
        if grep -q "dropped" "$WORK/cap.err"; then
            grep "dropped" "$WORK/cap.err" | sed 's/^/  /' >&2
        fi
    fi
    echo "$rate $((after - before)) $captured $cpu"
}

# The run with the median rate of RUNS runs.
median_run() {
    local i
    for i in $(seq "$RUNS"); do
        run "$1" "$2"
    done | sort -n | awk '{ a[NR] = $0 } END { print a[int((NR + 1) / 2)] }'
}

declare -A R
caps="none synack"
command -v tcpdump >/dev/null && caps="none tcpdump synack" || echo "tcpdump is not installed: skipped" >&2
for mode in rst http; do
    for cap in $caps; do
        echo "running $mode under $cap ($RUNS x $CONNS connections)..." >&2
        R[$mode,$cap]="$(median_run "$mode" "$cap")"
    done
done

printf "\n%s connections per run, median of %s runs (by rate)\n\n" "$CONNS" "$RUNS"
printf "| load | capturer | connections/s | vs tcpdump | segments expected | captured | lost | capturer CPU s |\n"
printf "|---|---|---|---|---|---|---|---|\n"
for mode in rst http; do
    for cap in $caps; do
        read -r rate exp got cpu <<<"${R[$mode,$cap]}"
        vs="-"
        if [ -n "${R[$mode,tcpdump]:-}" ]; then
            vs="$(awk -v a="$rate" -v b="${R[$mode,tcpdump]%% *}" 'BEGIN { printf "%.0f %%", 100 * a / b }')"
        fi
        lost="-"
        [ "$got" != "-" ] && lost=$((exp - got))
        printf "| %s | %s | %s | %s | %s | %s | %s | %s |\n" "$mode" "$cap" "$rate" "$vs" "$exp" "$got" "$lost" "$cpu"
    done
done
