#!/usr/bin/env bash
# The cost of worker isolation: `lessons score` over the reviews corpus, and
# over a larger corpus from scripts/generate-corpus.py (longer reviews, so
# bigger frames per review), with plugins in worker processes (the default)
# and in this process (--in-process). Each configuration runs RUNS times; the
# script prints the median wall-clock seconds and the ratio.
#
#   bash bench/isolation.sh                 # 5 runs, 200 generated reviews
#   RUNS=3 GENERATED=500 bash bench/isolation.sh
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-5}
GENERATED=${GENERATED:-200}
cargo build --release --workspace --quiet
lessons=target/release/lessons

large=target/bench-isolation-corpus
rm -rf "$large"
python3 scripts/generate-corpus.py "$large" --reviews "$GENERATED" --seed 5 >/dev/null

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }

measure() { # corpus, extra flags...
    local corpus=$1; shift
    for _ in $(seq 1 "$RUNS"); do
        local start end
        start=$(date +%s.%N)
        "$lessons" score "$corpus" --format json "$@" >/dev/null || [ $? -eq 3 ]
        end=$(date +%s.%N)
        awk "BEGIN {print $end - $start}"
    done | median
}

megabytes() { du -sm "$1" | cut -f1; }
echo "| corpus | reviews | MiB | in-process (s) | isolated (s) | isolated / in-process |"
echo "|---|---|---|---|---|---|"
for corpus in reviews "$large"; do
    n=$(find "$corpus" -name '*.md' -o -name '*.txt' | wc -l)
    label="reviews/"
    if [ "$corpus" != reviews ]; then label="generated"; fi
    in_process=$(measure "$corpus" --in-process)
    isolated=$(measure "$corpus")
    ratio=$(awk "BEGIN {print $isolated / $in_process}")
    printf '| %s | %d | %s | %.3f | %.3f | %.2f |\n' "$label" "$n" "$(megabytes "$corpus")" "$in_process" "$isolated" "$ratio"
done
echo
echo "$(nproc) cores, RAYON_NUM_THREADS=${RAYON_NUM_THREADS:-unset}, $RUNS runs each, median."
