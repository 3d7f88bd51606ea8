#!/usr/bin/env bash
# Time the terminal UI on a large capture, in a real terminal (tmux):
#   - first frame: from the launch of `synack inspect FILE` to its first frame drawn;
#   - index done: from the launch to the end of the background index;
#   - open: from Enter on a connection (once indexed) to its first step drawn,
#     for the first and the last connection of the list.
# Median of RUNS runs (3 unless told). The UI logs its own timestamps to the
# file named by SYNACK_TUI_TIMING (see src/view/tui/file.rs).
#
#   bench/tui_open.sh [FILE]     # default /tmp/synack-bench/gen-5m.pcap
#   SYNACK=path/to/synack RUNS=5 COLS=200 ROWS=60 bench/tui_open.sh FILE
set -euo pipefail
FILE=${1:-/tmp/synack-bench/gen-5m.pcap}
SYNACK=${SYNACK:-$(dirname "$0")/../target/release/synack}
RUNS=${RUNS:-3}
COLS=${COLS:-200}
ROWS=${ROWS:-60}
SOCK=synack-tui-bench-$$
LOG=$(mktemp /tmp/synack-tui-timing.XXXXXX)
trap 'tmux -L "$SOCK" kill-server 2>/dev/null || true; rm -f "$LOG"' EXIT

[ -f "$FILE" ] || { echo "no $FILE: make it with ../shared/bench/gen_pcap.py" >&2; exit 1; }
[ -x "$SYNACK" ] || { echo "no $SYNACK: cargo build --release first" >&2; exit 1; }
cat "$FILE" > /dev/null # page cache warm

# Wait until the log has $2 (default 1) lines matching $1 (at most 120 s).
wait_for() {
    for _ in $(seq 1200); do
        [ "$(grep -c "$1" "$LOG")" -ge "${2:-1}" ] && return 0
        sleep 0.1
    done
    echo "timed out waiting for '$1'" >&2
    cat "$LOG" >&2
    exit 1
}

# The Unix time (s) of the first log line matching $1 after line $2.
at() { tail -n +"$2" "$LOG" | grep -m1 "$1" | cut -f1; }

first=() done_=() open0=() openN=()
for run in $(seq "$RUNS"); do
    : > "$LOG"
    tmux -L "$SOCK" new-session -d -x "$COLS" -y "$ROWS" -s bench \
        "echo \$(date +%s.%N) launch >> $LOG; SYNACK_TUI_TIMING=$LOG exec $SYNACK inspect $FILE"
    wait_for "index done"
    launch=$(grep -m1 launch "$LOG" | cut -d' ' -f1)
    first+=("$(echo "$(at 'first frame' 1) - $launch" | bc -l)")
    done_+=("$(echo "$(at 'index done' 1) - $launch" | bc -l)")
    # The first connection, then back and the last one.
    k=0
    for which in first last; do
        k=$((k + 1))
        n=$(wc -l < "$LOG")
        if [ "$which" = last ]; then
            tmux -L "$SOCK" send-keys -t bench Escape
            sleep 0.3
            tmux -L "$SOCK" send-keys -t bench End
            sleep 0.3
            n=$(wc -l < "$LOG")
        fi
        tmux -L "$SOCK" send-keys -t bench Enter
        wait_for "read:" "$k" && sleep 0.3
        t0=$(at 'open stream' "$((n + 1))")
        t1=$(tail -n +"$((n + 1))" "$LOG" | grep -A5 'read:' | grep -m1 'frame drawn' | cut -f1)
        ms=$(echo "($t1 - $t0) * 1000" | bc -l)
        if [ "$which" = first ]; then open0+=("$ms"); else openN+=("$ms"); fi
    done
    tmux -L "$SOCK" send-keys -t bench q
    sleep 0.3
    tmux -L "$SOCK" kill-server 2>/dev/null || true
done

median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
printf 'file %s (%s), terminal %sx%s, %s runs, medians\n' \
    "$FILE" "$(du -h "$FILE" | cut -f1)" "$COLS" "$ROWS" "$RUNS"
printf '  first frame after launch   %8.1f ms\n' "$(echo "$(median "${first[@]}") * 1000" | bc -l)"
printf '  index done after launch    %8.1f ms\n' "$(echo "$(median "${done_[@]}") * 1000" | bc -l)"
printf '  open the first connection  %8.1f ms\n' "$(median "${open0[@]}")"
printf '  open the last connection   %8.1f ms\n' "$(median "${openN[@]}")"
