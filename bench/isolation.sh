#!/usr/bin/env bash
# The cost of worker isolation: `lessons score` over the reviews corpus, and
# over a larger corpus from scripts/generate-corpus.py (longer reviews, so
# bigger frames per review), with plugins in worker processes (the default)
# and in this process (--in-process). Each configuration runs RUNS times; the
# script prints the median wall-clock seconds and the ratio.
#
# It also prints the CPU seconds (user + system) of the whole process tree,
# workers included: on a busy machine that is the steadier figure.
#
#   bash bench/isolation.sh                          # 5 runs, 100 generated reviews, 50 MB
#   RUNS=3 GENERATED=500 MEGABYTES=250 bash bench/isolation.sh
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-5}
GENERATED=${GENERATED:-100}
MEGABYTES=${MEGABYTES:-50}
cargo build --release --workspace --quiet
lessons=target/release/lessons

large=target/bench-isolation-corpus
rm -rf "$large" && mkdir -p "$large"
python3 scripts/generate-corpus.py "$large" --reviews "$GENERATED" --megabytes "$MEGABYTES" --seed 5 >/dev/null

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }

seconds() { # corpus, extra flags...: one run's "wall cpu" seconds
    local corpus=$1; shift
    /usr/bin/time -f "%e %U %S" -o "$large.time" \
        "$lessons" score "$corpus" --format json "$@" >/dev/null || [ $? -eq 3 ]
    awk '{print $1, $2 + $3}' "$large.time"
}

megabytes() { du -sm "$1" | cut -f1; }
echo "| corpus | reviews | MiB | in-process wall (s) | isolated wall (s) | wall ratio | in-process CPU (s) | isolated CPU (s) | CPU ratio |"
echo "|---|---|---|---|---|---|---|---|---|"
for corpus in reviews "$large"; do
    n=$(find "$corpus" -name '*.md' -o -name '*.txt' | wc -l)
    label="reviews/"
    if [ "$corpus" != reviews ]; then label="generated"; fi
    # Interleaved, so that a change in the machine's load hits both alike.
    : >"$large.in-process"; : >"$large.isolated"
    for _ in $(seq 1 "$RUNS"); do
        seconds "$corpus" --in-process >>"$large.in-process"
        seconds "$corpus" >>"$large.isolated"
    done
    wall_p=$(cut -d' ' -f1 "$large.in-process" | median)
    wall_i=$(cut -d' ' -f1 "$large.isolated" | median)
    cpu_p=$(cut -d' ' -f2 "$large.in-process" | median)
    cpu_i=$(cut -d' ' -f2 "$large.isolated" | median)
    printf '| %s | %d | %s | %.2f | %.2f | %.2f | %.2f | %.2f | %.2f |\n' "$label" "$n" "$(megabytes "$corpus")" \
        "$wall_p" "$wall_i" "$(awk "BEGIN {print $wall_i / $wall_p}")" \
        "$cpu_p" "$cpu_i" "$(awk "BEGIN {print $cpu_i / $cpu_p}")"
done
echo
echo "$(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg), RAYON_NUM_THREADS=${RAYON_NUM_THREADS:-unset}, $RUNS runs each, interleaved, median."
