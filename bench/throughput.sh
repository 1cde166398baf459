#!/usr/bin/env bash
# Throughput at the scale of a national repository (issue 8). Over two
# corpora from scripts/generate-corpus.py (by default 100 MB of 400 reviews
# and 500 MB of 2,000 reviews), ROUNDS rounds (3 by default) of:
#
#   - `wc -w` over every file: the floor for any tool that reads every word;
#   - `lessons score --in-process --format jsonl -o FILE`, all bundled plugins;
#   - `lessons score --format jsonl -o FILE`: isolated, plugins in workers;
#   - proselint (from PyPI, in a private venv) over a fixed sample of SAMPLE
#     files, one invocation for the whole sample: what a user might reach for
#     otherwise. Its MB/s is the sample's bytes over its wall time.
#
# A round runs `wc -w`, lessons in-process and lessons isolated one after the
# other: on a shared machine whose speed moves by 10-30% from minute to
# minute, the table shows each tool's median round (wall and CPU time each
# the median; peak RSS the largest), and notes list every round's wall
# time and, round by round, isolated against in-process (the two modes take
# turns to go first). proselint, slow and single-threaded, runs once.
#
# It prints one Markdown table (wall and CPU seconds, MB/s, reviews/s, peak
# RSS, the ratio to `wc -w`) and the issue's targets, met or not (throughput
# on a corpus of at least 2,000 reviews and 500 MB, as the issue asks; a
# smaller corpus's throughput is given for the record), and writes
# both to target/bench-throughput.md. MB are 10^6 bytes, for text and memory.
#
# Peak RSS: /usr/bin/time's maximum RSS is that of one process (the host, in
# isolated mode: the workers are not counted). So a sampler also reads the
# VmHWM (peak RSS) of every process under the run from /proc every 0.2 s,
# and their PSS once a second; "all processes" is the sum of those peaks, an
# upper bound on what the run held at once (host and workers together).
#
# Corpora and the venv live under target/ and are reused when their
# parameters (and the generator and reviews/) are unchanged. Needs python3
# with venv, and network to PyPI the first time. Exit status 3 from lessons
# (a partial batch: something skipped or an error on a review) is reported,
# not fatal; any other failure stops the script.
#
#   bash bench/throughput.sh                          # 100 MB/400 and 500 MB/2,000 reviews
#   SMALL_MB=5 SMALL_REVIEWS=20 LARGE_MB=10 LARGE_REVIEWS=40 SAMPLE=5 bash bench/throughput.sh
#
# Other knobs: ROUNDS (3), SEED (generator seed, 8), WC_LOCALE (C.UTF-8), PROSELINT_VERSION
# (pin the version installed into a new venv; default the latest).
set -euo pipefail
cd "$(dirname "$0")/.."

SMALL_MB=${SMALL_MB:-100}
SMALL_REVIEWS=${SMALL_REVIEWS:-400}
LARGE_MB=${LARGE_MB:-500}
LARGE_REVIEWS=${LARGE_REVIEWS:-2000}
SAMPLE=${SAMPLE:-20}
ROUNDS=${ROUNDS:-3}
SEED=${SEED:-8}
WC_LOCALE=${WC_LOCALE:-C.UTF-8}

work=target/bench-throughput
venv=target/proselint-venv
report=target/bench-throughput.md
lessons=target/release/lessons
results=$work/results.tsv

say() { echo "throughput [${SECONDS}s]: $*" >&2; }

say "building release (waits while another cargo holds the target/ lock)"
cargo build --release --workspace --quiet
mkdir -p "$work"

if [ ! -x "$venv/bin/proselint" ]; then
    say "installing proselint into $venv"
    rm -rf "$venv"
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check "proselint${PROSELINT_VERSION:+==$PROSELINT_VERSION}"
fi
proselint_version=$("$venv/bin/pip" show proselint 2>/dev/null | awk '/^Version:/ {print $2}')
# proselint lazily stops linting a file after max_errors (1,000 by default)
# problems; raise it so that it always reads the whole file, as wc and lessons do.
echo '{"max_errors": 1000000000}' >"$work/proselintrc.json"

sources_sha() { # the generator and its sample reviews: a corpus is stale if they change
    {
        sha256sum scripts/generate-corpus.py
        find reviews -maxdepth 1 -type f \( -name '*.md' -o -name '*.txt' \) -print0 | sort -z | xargs -0 sha256sum
    } | sha256sum | cut -d' ' -f1
}

corpus() { # name megabytes reviews: generate $work/name unless its stamp matches
    local dir=$work/$1 stamp=$work/$1.stamp want
    want="reviews=$3 megabytes=$2 seed=$SEED sources=$(sources_sha)"
    if [ -d "$dir" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
        say "reusing $dir ($3 reviews, $2 MB)"
        return
    fi
    say "generating $dir ($3 reviews, $2 MB)"
    rm -rf "$dir" "$stamp"
    python3 scripts/generate-corpus.py "$dir" --reviews "$3" --megabytes "$2" --seed "$SEED" >&2
    printf '%s\n' "$want" >"$stamp"
}

now() { date +%s.%N; }

# Peak RSS of every process under a pid, until it is gone: writes
# "sum-of-peaks-KB largest-peak-KB largest-simultaneous-sum-KB processes
# largest-simultaneous-PSS-KB". RSS counts pages the processes share (the
# binary, the plugin libraries) once per process; PSS divides each shared
# page among its sharers, so its sum is the memory the run really holds.
sample_rss() {
    python3 - "$1" "$2" <<'PY'
import os, sys, time

root, out = int(sys.argv[1]), sys.argv[2]

def alive(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            stat = f.read()
    except OSError:
        return False
    return stat[stat.rfind(")") + 2] != "Z"

def processes():
    found = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/status") as f:
                text = f.read()
        except OSError:
            continue
        fields = {}
        for line in text.splitlines():
            key, _, value = line.partition(":")
            if key in ("PPid", "VmRSS", "VmHWM"):
                fields[key] = int(value.split()[0])
        found[int(entry)] = fields
    return found

def pss(pid):
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0

# PSS walks each process's page tables under its memory-map lock: read at
# every sample it cost an isolated run 0.8 s of system time over 12 s (eight
# processes) and stalled the processes it read, where in-process (one) it
# cost a fraction of that, so it is read once a second.
PSS_EVERY = 5
peaks, most_at_once, most_pss, sample = {}, 0, 0, 0
while alive(root):
    sample += 1
    read_pss = sample % PSS_EVERY == 1
    procs = processes()
    children = {}
    for pid, fields in procs.items():
        children.setdefault(fields.get("PPid"), []).append(pid)
    stack, now, now_pss = list(children.get(root, [])), 0, 0
    while stack:
        pid = stack.pop()
        stack.extend(children.get(pid, []))
        fields = procs[pid]
        now += fields.get("VmRSS", 0)
        now_pss += pss(pid) if read_pss else 0
        peaks[pid] = max(peaks.get(pid, 0), fields.get("VmHWM", 0))
    most_at_once = max(most_at_once, now)
    most_pss = max(most_pss, now_pss)
    time.sleep(0.2)
with open(out, "w") as f:
    f.write(f"{sum(peaks.values())} {max(peaks.values(), default=0)} {most_at_once} {len(peaks)} {most_pss}\n")
PY
}

# One row of results.tsv: corpus MB reviews tool wall cpu peak-KB all-processes-KB
record() { printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$@" >>"$results"; }

cpu_of() { tail -n1 "$1" | awk '{printf "%.2f", $1 + $2}'; }  # a /usr/bin/time -f '%U %S %M' file
rss_of() { tail -n1 "$1" | awk '{print $3}'; }

notes=()

measure() { # name megabytes reviews
    local name=$1 dir=$work/$1 files0=$work/$1.files0 reviews bytes
    corpus "$@"
    find "$dir" -type f \( -name '*.md' -o -name '*.txt' \) -print0 | sort -z >"$files0"
    reviews=$(tr -cd '\0' <"$files0" | wc -c)
    bytes=$(xargs -0 stat -c %s <"$files0" | awk '{s += $1} END {print s}')
    xargs -0 cat <"$files0" >/dev/null # into the page cache, for every tool alike
    # A corpus just generated (and the release build) leave hundreds of MB
    # of dirty pages, whose writeback would fall in the first rounds.
    sync

    local round
    for ((round = 1; round <= ROUNDS; round++)); do
        measure_round "$name" "$dir" "$files0" "$reviews" "$bytes" "$round"
    done
    notes+=("$name: $reviews reviews, $bytes bytes, $(tail -n1 "$work/$name.wc.out" | awk '{print $1}') words (wc -w, LC_ALL=$WC_LOCALE)")
    local mode
    for mode in in-process isolated; do
        notes+=("$name, lessons $mode (last round): $(awk '{printf "%d process(es); the most resident at once in a sample: %.0f MB RSS, %.0f MB PSS (shared pages divided among their sharers)", $4, $3 * 1024 / 1e6, $5 * 1024 / 1e6}' "$work/$name.$mode.rss")")
    done
    measure_proselint "$name" "$files0" "$reviews"
}

# One round over a corpus: `wc -w`, then lessons in-process and isolated,
# one after the other, so that each round meets the machine in one mood.
measure_round() { # name dir files0 reviews bytes round
    local name=$1 dir=$2 files0=$3 reviews=$4 bytes=$5 round=$6 start wall status
    say "$name, round $round of $ROUNDS: wc -w"
    start=$(now)
    LC_ALL=$WC_LOCALE /usr/bin/time -f '%U %S %M' -o "$work/$name.wc.time" \
        wc -w --files0-from="$files0" >"$work/$name.wc.out"
    wall=$(awk "BEGIN {printf \"%.3f\", $(now) - $start}")
    record "$name" "$bytes" "$reviews" wc "$wall" "$(cpu_of "$work/$name.wc.time")" \
        "$(rss_of "$work/$name.wc.time")" "$(rss_of "$work/$name.wc.time")"

    # The two modes take turns to go first: on a machine that slows down
    # or speeds up over a minute, the one that always went second would
    # always meet the later machine.
    local modes=(in-process isolated)
    if ((round % 2 == 0)); then modes=(isolated in-process); fi
    local mode base pid sampler scored
    for mode in "${modes[@]}"; do
        say "$name, round $round of $ROUNDS: lessons score, $mode"
        base=$work/$name.$mode
        local flags=()
        if [ "$mode" = in-process ]; then flags=(--in-process); fi
        rm -f "$base.jsonl"
        start=$(now)
        /usr/bin/time -f '%U %S %M' -o "$base.time" \
            "$lessons" score "${flags[@]}" --format jsonl -o "$base.jsonl" "$dir" 2>"$base.stderr" &
        pid=$!
        sample_rss "$pid" "$base.rss" &
        sampler=$!
        status=0
        wait "$pid" || status=$?
        wall=$(awk "BEGIN {printf \"%.3f\", $(now) - $start}")
        wait "$sampler"
        case $status in
        0) ;;
        3) notes+=("$name, lessons $mode: exit status 3 (partial batch); see $base.stderr") ;;
        *)
            say "lessons score ($mode) on $dir failed with status $status:"
            tail -n 20 "$base.stderr" >&2
            exit 1
            ;;
        esac
        scored=$(grep -c '^{"review_sha256"' "$base.jsonl" || true)
        if [ "$scored" -ne "$reviews" ]; then
            notes+=("$name, lessons $mode: $scored of $reviews reviews in the output")
        fi
        local peak tree
        peak=$(rss_of "$base.time")
        # The largest process the sampler saw may beat /usr/bin/time's (a worker's).
        peak=$(awk -v a="$peak" '{print ($2 > a) ? $2 : a}' "$base.rss")
        tree=$(awk -v a="$peak" '{print ($1 > a) ? $1 : a}' "$base.rss")
        record "$name" "$bytes" "$reviews" "$mode" "$wall" "$(cpu_of "$base.time")" "$peak" "$tree"
    done
}

measure_proselint() { # name files0 reviews
    local name=$1 files0=$2 reviews=$3 start wall status
    say "$name: proselint over a sample of $SAMPLE"
    local -a files sample=()
    mapfile -d '' -t files <"$files0"
    local k=$SAMPLE i
    if [ "$k" -gt "$reviews" ]; then k=$reviews; fi
    for ((i = 0; i < k; i++)); do sample+=("${files[i * reviews / k]}"); done
    local sample_bytes
    sample_bytes=$(stat -c %s "${sample[@]}" | awk '{s += $1} END {print s}')
    start=$(now)
    status=0
    /usr/bin/time -f '%U %S %M' -o "$work/$name.proselint.time" \
        "$venv/bin/proselint" --config "$work/proselintrc.json" check --output-format json "${sample[@]}" \
        >"$work/$name.proselint.json" 2>"$work/$name.proselint.stderr" || status=$?
    wall=$(awk "BEGIN {printf \"%.3f\", $(now) - $start}")
    # proselint exits 1 when it finds problems, which it always does here.
    if [ "$status" -gt 1 ]; then
        say "proselint failed with status $status:"
        tail -n 20 "$work/$name.proselint.stderr" >&2
        exit 1
    fi
    record "$name" "$sample_bytes" "$k" proselint "$wall" "$(cpu_of "$work/$name.proselint.time")" \
        "$(rss_of "$work/$name.proselint.time")" "$(rss_of "$work/$name.proselint.time")"
    notes+=("$name, proselint: $(python3 -c '
import json, sys
result = json.load(open(sys.argv[1])).get("result", {})
problems = sum(len(v.get("diagnostics", [])) for v in result.values())
errors = sum(1 for v in result.values() if "error" in v)
print(f"{len(result)} files linted, {problems} problems found, {errors} files failed")
' "$work/$name.proselint.json")")
}

: >"$results"
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
measure small "$SMALL_MB" "$SMALL_REVIEWS"
measure large "$LARGE_MB" "$LARGE_REVIEWS"
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

# Each tool's median round per corpus (wall and CPU time each the median of
# the rounds; peak RSS the largest), and every round's wall time as a note.
python3 - "$results" >"$results.median" <<'PY'
import statistics, sys
rounds = {}
for line in open(sys.argv[1]):
    corpus, size, reviews, tool, wall, cpu, peak, tree = line.rstrip("\n").split("\t")
    rounds.setdefault((corpus, size, reviews, tool), []).append((float(wall), float(cpu), int(peak), int(tree)))
for (corpus, size, reviews, tool), runs in rounds.items():
    wall = statistics.median(r[0] for r in runs)
    cpu = statistics.median(r[1] for r in runs)
    print("\t".join([corpus, size, reviews, tool, f"{wall:.3f}", f"{cpu:.2f}",
                     str(max(r[2] for r in runs)), str(max(r[3] for r in runs))]))
PY
while IFS=$'\t' read -r corpus tool walls; do
    notes+=("$corpus, $tool: wall seconds by round: $walls")
done < <(awk -F'\t' '{key = $1 "\t" $4; walls[key] = walls[key] (walls[key] == "" ? "" : ", ") $5; if (!(key in seen)) { seen[key] = 1; order[++n] = key } }
    END { for (i = 1; i <= n; i++) print order[i] "\t" walls[order[i]] }' "$results")
# Isolated against in-process within each round: the two ran a few seconds
# apart, so the machine's drift over the minutes between rounds cancels.
while IFS= read -r paired; do
    notes+=("$paired")
done < <(python3 - "$results" <<'PY'
import statistics, sys
walls = {}
for line in open(sys.argv[1]):
    corpus, _, _, tool, wall = line.split("\t")[:5]
    walls.setdefault((corpus, tool), []).append(float(wall))
for corpus in dict.fromkeys(c for c, _ in walls):
    pairs = list(zip(walls.get((corpus, "in-process"), []), walls.get((corpus, "isolated"), [])))
    if not pairs:
        continue
    extra = [100 * (iso / inp - 1) for inp, iso in pairs]
    rounds = ", ".join(f"{e:+.0f}%" for e in extra)
    print(f"{corpus}: isolated against in-process, round by round (wall): {rounds}; median {statistics.median(extra):+.0f}%")
PY
)

{
    awk -F'\t' -v sample="$SAMPLE" '
    function num(x) { return x >= 100 ? sprintf("%.0f", x) : x >= 10 ? sprintf("%.1f", x) : x >= 1 ? sprintf("%.2f", x) : sprintf("%.3g", x) }
    function ratio(x) { return x >= 1 ? sprintf("%.2f", x) : sprintf("%.2g (1/%.0f)", x, 1 / x) }
    function yes(ok) { return ok ? "**yes**" : "**no**" }
    function verdict(target, ok) { return target ? yes(ok) : (ok ? "it would be met" : "it would not be met") }
    {
        c = $1; t = $4; key = c SUBSEP t
        mb[key] = $2 / 1e6; n[key] = $3; wall[key] = ($5 > 0 ? $5 : 0.001); cpu[key] = ($6 > 0 ? $6 : 0.01)
        peak[key] = $7 * 1024 / 1e6; tree[key] = $8 * 1024 / 1e6
        rate[key] = mb[key] / wall[key]; percpu[key] = mb[key] / cpu[key]
        if (!(c in seen)) { seen[c] = 1; order[++corpora] = c }
    }
    END {
        name["wc"] = "`wc -w`"; name["in-process"] = "lessons, in-process"
        name["isolated"] = "lessons, isolated"; name["proselint"] = "proselint, sample"
        tools[1] = "wc"; tools[2] = "in-process"; tools[3] = "isolated"; tools[4] = "proselint"
        print "| corpus | MB | reviews | tool / mode | wall s | CPU s | MB/s | reviews/s | MB per CPU s | peak RSS MB (one process) | RSS MB, all processes | ratio to `wc -w` (MB/s) |"
        print "|---|---|---|---|---|---|---|---|---|---|---|---|"
        for (i = 1; i <= corpora; i++) for (j = 1; j <= 4; j++) {
            c = order[i]; t = tools[j]; key = c SUBSEP t
            if (!(key in mb)) continue
            printf "| %s | %.1f | %d | %s | %.2f | %.2f | %s | %s | %s | %.0f | %.0f | %s |\n", c, mb[key], n[key], name[t],
                wall[key], cpu[key], num(rate[key]), num(n[key] / wall[key]), num(percpu[key]), peak[key], tree[key],
                ratio(rate[key] / rate[c SUBSEP "wc"])
        }
        print ""
        print "Targets (issue 8): throughput on a corpus of at least 2,000 reviews and 500 MB, as the issue asks; memory at 100 and 500 MB."
        print ""
        for (i = 1; i <= corpora; i++) {
            c = order[i]; w = c SUBSEP "wc"; p = c SUBSEP "in-process"; s = c SUBSEP "isolated"; l = c SUBSEP "proselint"
            r = rate[p] / rate[w]
            # A smaller corpus is timed for the record: starting up (about
            # 0.15 s) weighs five times more in it than in the one the issue
            # names.
            target = (n[w] >= 2000 && mb[w] >= 500)
            label = target ? c : c " (for the record: under 2,000 reviews or 500 MB)"
            printf "- %s: in-process throughput at least 1/3 of `wc -w`: %s: %s against %s MB/s, %s (per CPU second: %s against %s, %s)\n", label,
                verdict(target, r >= 1 / 3), num(rate[p]), num(rate[w]), ratio(r), num(percpu[p]), num(percpu[w]), ratio(percpu[p] / percpu[w])
            printf "- %s: isolated within 20%% of in-process: %s: wall %.2f s against %.2f s (%+.0f%%), CPU %.2f s against %.2f s (%+.0f%%)\n", label,
                verdict(target, wall[s] <= 1.2 * wall[p]), wall[s], wall[p], 100 * (wall[s] / wall[p] - 1), cpu[s], cpu[p], 100 * (cpu[s] / cpu[p] - 1)
            printf "- %s: at least 100× proselint: %s: in-process %.0f×, isolated %.0f× (MB/s); per CPU second %.0f× and %.0f× (proselint uses one core)\n", label,
                verdict(target, rate[p] >= 100 * rate[l]), rate[p] / rate[l], rate[s] / rate[l], percpu[p] / percpu[l], percpu[s] / percpu[l]
        }
        if (corpora >= 2) {
            a = order[1]; b = order[corpora]
            for (j = 2; j <= 3; j++) {
                t = tools[j]; x = (t == "isolated") ? tree[a SUBSEP t] : peak[a SUBSEP t]; y = (t == "isolated") ? tree[b SUBSEP t] : peak[b SUBSEP t]
                what = (t == "isolated") ? "all processes" : "one process"
                printf "- peak RSS under 300 MB, %s (%s): %s: %.0f MB at %.0f MB of text, %.0f MB at %.0f MB; it grew by %.0f MB (%+.0f%%): %s\n",
                    name[t], what, yes(x < 300 && y < 300), x, mb[a SUBSEP "wc"], y, mb[b SUBSEP "wc"], y - x, 100 * (y / x - 1),
                    (y <= 1.1 * x) ? "the same (within 10%)" : "**not the same**"
            }
        }
    }' "$results.median"
    echo
    for note in "${notes[@]}"; do echo "- $note"; done
    echo
    echo "$(nproc) cores; load average $load_before before, $load_after after; RAYON_NUM_THREADS=${RAYON_NUM_THREADS:-unset};" \
        "proselint $proselint_version over $SAMPLE evenly spaced files per corpus, one invocation, max_errors raised so it reads every file whole;" \
        "lessons $(git describe --always --dirty 2>/dev/null || echo unknown);" \
        "the median of $ROUNDS rounds of \`wc -w\` and lessons (wall and CPU each the median, peak RSS the largest), proselint run once; MB = 10^6 bytes; $(date -u +%Y-%m-%dT%H:%MZ)."
} | tee "$report"
