#!/usr/bin/env bash
# Two builds of lessons on one corpus, their runs interleaved (issue 8).
#
# On a shared machine the speed of one run moves by 10-30% from minute to
# minute (other tenants' use of the L3 cache and memory), so a run of one
# build at one time cannot be set against a run of another build at another.
# This builds BASE (a git revision) and the working tree, then runs them one
# after the other, ROUNDS times, over the same corpus, in-process, and
# prints for each the best and the median wall and CPU seconds, the change
# from BASE to the working tree, and whether the two scored every review
# alike (provenance aside).
#
#   bash bench/compare.sh BASE [ROUNDS] [CORPUS]
#   bash bench/compare.sh 9e03c11 3 target/bench-throughput/large
#
# ROUNDS defaults to 4; CORPUS to a 100 MB, 400-review corpus generated (and
# then reused) under target/bench-compare. BASE's files are exported there
# (git archive) and built with their own target folder; a release build from
# scratch takes a few minutes the first time.
set -euo pipefail
cd "$(dirname "$0")/.."

base=${1:?usage: bash bench/compare.sh BASE [ROUNDS] [CORPUS]}
rounds=${2:-4}
work=target/bench-compare
corpus=${3:-$work/corpus}

say() { echo "compare [${SECONDS}s]: $*" >&2; }

mkdir -p "$work"
base_rev=$(git rev-parse --short "$base^{commit}")
if [ ! -d "$corpus" ]; then
    say "generating $corpus (400 reviews, 100 MB)"
    python3 scripts/generate-corpus.py "$corpus" --reviews 400 --megabytes 100 --seed 8 >&2
fi

install() { # from-target-folder to-folder: the binary and the bundled plugins, side by side
    rm -rf "$2"
    mkdir -p "$2"
    cp "$1/release/lessons" "$1"/release/liblessons_*.so "$2/"
}

say "building the working tree"
cargo build --release --workspace --quiet
install target "$work/new"

say "building $base_rev"
if [ "$(cat "$work/base-src.rev" 2>/dev/null)" != "$base_rev" ]; then
    rm -rf "$work/base-src"
    mkdir -p "$work/base-src"
    git archive "$base_rev" | tar -x -C "$work/base-src"
    echo "$base_rev" >"$work/base-src.rev"
fi
(cd "$work/base-src" && CARGO_TARGET_DIR=../base-target cargo build --release --workspace --quiet)
install "$work/base-target" "$work/base"

for round in $(seq "$rounds"); do
    for build in base new; do
        say "round $round of $rounds: $build"
        /usr/bin/time -f "$build %e %U %S %M" -o "$work/$build.time" \
            "$work/$build/lessons" score --in-process --format jsonl \
            -o "$work/$build.jsonl" "$corpus" >/dev/null 2>"$work/$build.stderr" || [ $? -eq 3 ]
        cat "$work/$build.time"
    done
done >"$work/runs.txt"

python3 - "$work" "$base_rev" <<'PY'
import json, statistics, sys

work, base_rev = sys.argv[1], sys.argv[2]
runs = {"base": [], "new": []}
for line in open(f"{work}/runs.txt"):
    build, wall, user, system, rss = line.split()
    runs[build].append((float(wall), float(user) + float(system), int(rss) // 1000))

def scores(path):
    reviews = {}
    for line in open(path):
        review = json.loads(line)
        for provenance in ("tool", "plugins", "config_sha256", "elapsed_ms", "timing"):
            review.pop(provenance, None)
        reviews[review.get("review_sha256")] = review
    return reviews

print(f"| build | wall s, best | wall s, median | CPU s, best | CPU s, median | peak RSS MB |")
print("|---|---|---|---|---|---|")
summary = {}
for build, label in (("base", base_rev), ("new", "working tree")):
    walls = [r[0] for r in runs[build]]
    cpus = [r[1] for r in runs[build]]
    summary[build] = (min(walls), statistics.median(walls), min(cpus), statistics.median(cpus))
    print(f"| {label} | {min(walls):.2f} | {statistics.median(walls):.2f} | {min(cpus):.2f} | "
          f"{statistics.median(cpus):.2f} | {max(r[2] for r in runs[build])} |")
change = [100 * (n - b) / b for b, n in zip(summary["base"], summary["new"])]
print(f"\nWorking tree against {base_rev}: wall {change[0]:+.1f}% best, {change[1]:+.1f}% median; "
      f"CPU {change[2]:+.1f}% best, {change[3]:+.1f}% median ({len(runs['new'])} rounds).")
base_scores, new_scores = scores(f"{work}/base.jsonl"), scores(f"{work}/new.jsonl")
differ = [key for key in base_scores if base_scores[key] != new_scores.get(key)]
alike = "yes" if not differ and len(base_scores) == len(new_scores) else f"no, {len(differ)} differ"
print(f"Scores and evidence alike on {len(base_scores)} reviews: {alike}.")
PY
