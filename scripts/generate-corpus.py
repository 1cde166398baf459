#!/usr/bin/env python3
"""Generate a large benchmark corpus from reviews/: every output review is a
variant of a sample review, made longer (30-80 pages' worth of text) by
repeating and reordering its analysis paragraphs with varied names, places
and numbers, so that no two files are identical. Nothing is committed: the
corpus goes under target/.

usage: scripts/generate-corpus.py OUT_DIR [--reviews N] [--megabytes M] [--seed S]
"""
import argparse
import os
import random
import re
import sys

NAMES = ["Child A", "Child B", "Child C", "Child D", "Child E", "Child F", "Child G", "Child H"]
PLACES = ["Ashby Vale", "Brenmoor", "Calderbridge", "Dunmere", "Elsfield", "Fenwick Cross", "Garnet Hill", "Hollowmere"]


def load_samples(folder):
    samples = []
    for name in sorted(os.listdir(folder)):
        if name.endswith((".md", ".txt")):
            with open(os.path.join(folder, name), encoding="utf-8") as f:
                samples.append((name, f.read()))
    if not samples:
        sys.exit(f"no reviews in {folder}")
    return samples


def vary(paragraph, rng):
    paragraph = re.sub(r"\bChild [A-Z]\b", lambda _: rng.choice(NAMES), paragraph)
    paragraph = re.sub(r"\b(19|20)\d\d\b", lambda _: str(rng.randint(2009, 2024)), paragraph)
    return paragraph


def expand(text, target_bytes, rng):
    blocks = text.split("\n\n")
    head, body = blocks[:3], blocks[3:] or blocks
    out = list(head)
    size = sum(len(b) for b in out)
    while size < target_bytes:
        block = vary(rng.choice(body), rng)
        if rng.random() < 0.1:
            block = block.replace("the ", f"the {rng.choice(PLACES)} ", 1)
        out.append(block)
        size += len(block) + 2
    return "\n\n".join(out) + "\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out")
    parser.add_argument("--reviews", type=int, default=2000)
    parser.add_argument("--megabytes", type=float, default=500.0)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--source", default=os.path.join(os.path.dirname(__file__), "..", "reviews"))
    args = parser.parse_args()
    rng = random.Random(args.seed)
    samples = load_samples(args.source)
    os.makedirs(args.out, exist_ok=True)
    mean = args.megabytes * 1_000_000 / args.reviews
    total = 0
    for i in range(args.reviews):
        name, text = samples[i % len(samples)]
        target = rng.uniform(0.6, 1.4) * mean
        stem, ext = os.path.splitext(name)
        variant = expand(text, target, rng)
        with open(os.path.join(args.out, f"{stem}-{i:05d}{ext}"), "w", encoding="utf-8") as f:
            f.write(variant)
        total += len(variant.encode("utf-8"))
    print(f"{args.reviews} reviews, {total / 1e6:.1f} MB in {args.out}")


if __name__ == "__main__":
    main()
