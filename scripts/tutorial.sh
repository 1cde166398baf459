#!/usr/bin/env bash
# The plugin tutorial (notes/rules.md, "Tutorial"), command for command: a
# rule pack with a .dic dictionary, its tests, a Rust plugin from the
# template, both loaded and scored, and validated against a small labels
# file. CI runs it; it stops at the first command that fails.
#
# Run from anywhere; it works in the checkout's root. It expects `lessons`
# built (`cargo build --release`); LESSONS_BIN_DIR names another build folder.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="${LESSONS_BIN_DIR:-$PWD/target/release}:$PATH"
rm -rf target/tutorial

# ---- 1. A rule pack, no compiler -------------------------------------------
mkdir -p target/tutorial
cat > target/tutorial/voice.dic <<'EOF'
%
1	voice
%
told the review	1
told us	1
said that	1
described	1
wished	1
felt that	1
in their own words	1
EOF
cat > target/tutorial/voice.toml <<'EOF'
dictionaries = ["voice.dic"]

[pack]
id = "voice"
description = "Does the review hear the child and the family?"

[[metric]]
id = "family_voice"
description = "the child's and the family's own views are reported"

[[rule]]
id = "views_reported"
metric = "family_voice"
kind = "existence"
half = 2
categories = ["voice"]
not_scope = ["chronology"]
quoted = "include"
note = "the child or family told the review something"
positive = ["Her mother told the review that nobody explained the plan."]
negative = ["The plan was not explained to anyone."]

[[rule]]
id = "own_words"
metric = "family_voice"
kind = "existence"
quoted = "only"
regex = ['\bI\b', '\bmy\b']
note = "the family's own words, quoted"
positive = ["He said: “I never knew who my social worker was.”"]
negative = ["He did not know who his social worker was."]
EOF
lessons test-rules target/tutorial/voice.toml

# ---- 2. A Rust plugin from the template -------------------------------------
lessons new-plugin reasons --dir target/tutorial
(cd target/tutorial/reasons && cargo build --release)

# ---- 3. Load both and score -------------------------------------------------
cat > target/tutorial/lessons.toml <<'EOF'
[plugins.rules.settings]
packs = ["target/tutorial/voice.toml"]
EOF
lessons --config target/tutorial/lessons.toml \
        --plugins target/tutorial/reasons/target/release/libreasons.so \
        score reviews --format csv -o target/tutorial/scores.csv
head -n 3 target/tutorial/scores.csv

# ---- 4. Validate against your own labels ------------------------------------
cat > target/tutorial/labels.toml <<'EOF'
[reviews.saltmarsh-child-j]
family_voice = 3
reasons = 3

[reviews.fenwick-cross-child-s]
family_voice = 3
reasons = 3

[reviews.ilsworth-child-t]
family_voice = 2
reasons = 3

[reviews.brenmoor-child-t]
family_voice = 1
reasons = 0

[reviews.ashby-vale-child-j]
family_voice = 0
reasons = 0

[reviews.draycombe-child-h]
family_voice = 0
reasons = 1
EOF
lessons --config target/tutorial/lessons.toml \
        --plugins target/tutorial/reasons/target/release/libreasons.so \
        validate --labels target/tutorial/labels.toml reviews
