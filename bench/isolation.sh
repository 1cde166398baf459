#!/usr/bin/env bash
# The cost of worker isolation: `lessons score` over the reviews corpus, and
# over a larger corpus made of copies of it, with plugins in worker processes
# (the default) and in this process (--in-process). Each configuration runs
# RUNS times; the script prints the median wall-clock seconds and the ratio.
#
#   bash bench/isolation.sh            # 5 runs, 25 copies of reviews/
#   RUNS=3 COPIES=50 bash bench/isolation.sh
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-5}
COPIES=${COPIES:-25}
cargo build --release --workspace --quiet
lessons=target/release/lessons

large=$(mktemp -d)
trap 'rm -rf "$large"' EXIT
for i in $(seq 1 "$COPIES"); do
    for f in reviews/*.md reviews/*.txt; do
        [ -e "$f" ] || continue
        name=$(basename "$f")
        cp "$f" "$large/${i}-${name}"
    done
done

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

reviews=$(find reviews -name '*.md' -o -name '*.txt' | wc -l)
echo "| corpus | reviews | in-process (s) | isolated (s) | isolated / in-process |"
echo "|---|---|---|---|---|"
for corpus in reviews "$large"; do
    n=$reviews
    label="reviews/"
    if [ "$corpus" != reviews ]; then n=$((reviews * COPIES)); label="reviews/ x $COPIES"; fi
    in_process=$(measure "$corpus" --in-process)
    isolated=$(measure "$corpus")
    ratio=$(awk "BEGIN {print $isolated / $in_process}")
    printf '| %s | %d | %.3f | %.3f | %.2f |\n' "$label" "$n" "$in_process" "$isolated" "$ratio"
done
echo
echo "$(nproc) cores, RAYON_NUM_THREADS=${RAYON_NUM_THREADS:-unset}, $RUNS runs each, median."
