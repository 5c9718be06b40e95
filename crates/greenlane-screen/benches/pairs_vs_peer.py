#!/usr/bin/env python3
"""Public pairs, greenlane against peer matchers in one run (BENCHMARKS.md, "Screening").

Runs `cargo run --release --example pairs` (greenlane's score of each pair of
tests/data/public_pairs.csv: nomenklatura's name_bench cases, MIT), then, on the same pairs in
the same process run, OpenSanctions' logic-v2 (nomenklatura's `LogicV2.compare` on two entities
of the pair's schema carrying only the names, as yente compares them) and rapidfuzz's
token_sort_ratio / 100. Prints precision, recall and F1 of each, overall and on the held-out
half, at each matcher's own threshold (greenlane 0.80, its recommended hold threshold; logic-v2
0.70, the name_bench default; rapidfuzz 0.80) and at the threshold that maximises F1 on the
tuning half, and the time per pair.

Setup (outside cargo test; pip reaches PyPI):
    python3 -m venv /tmp/peer-venv && /tmp/peer-venv/bin/pip install nomenklatura rapidfuzz
    /tmp/peer-venv/bin/python crates/greenlane-screen/benches/pairs_vs_peer.py
A matcher whose package is missing is reported as skipped.
"""

import csv
import subprocess
import sys
import time
from pathlib import Path

CRATE = Path(__file__).resolve().parent.parent
PAIRS = CRATE / "tests" / "data" / "public_pairs.csv"


def greenlane_scores():
    out = subprocess.run(
        ["cargo", "run", "--quiet", "--release", "-p", "greenlane-screen", "--example", "pairs", "--", str(PAIRS)],
        check=True, capture_output=True, text=True, cwd=CRATE,
    ).stdout
    rows = list(csv.DictReader(out.splitlines(), delimiter="\t"))
    return [float(r["score"]) for r in rows], [r["split"] for r in rows], [float(r["micros"]) for r in rows]


def logic_v2():
    from followthemoney import ValueEntity, model
    from nomenklatura.matching.logic_v2.model import LogicV2

    config = LogicV2.default_config()
    ids = iter(range(10**9))

    def score(name1, name2, schema):
        # Fresh ids for every entity: the matcher may cache per id.
        kind = model.get(schema)
        a = ValueEntity(kind, {"id": f"q{next(ids)}"})
        a.add("name", name1)
        b = ValueEntity(kind, {"id": f"c{next(ids)}"})
        b.add("name", name2)
        return float(LogicV2.compare(a, b, config).score)

    return score


def rapidfuzz_sort():
    from rapidfuzz import fuzz

    return lambda name1, name2, schema: fuzz.token_sort_ratio(name1.lower(), name2.lower()) / 100.0


def counts(scores, labels, threshold, keep):
    tp = fp = fn = 0
    for score, label, k in zip(scores, labels, keep):
        if not k:
            continue
        held = score >= threshold
        tp += held and label
        fp += held and not label
        fn += (not held) and label
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def main():
    pairs = list(csv.DictReader(PAIRS.open(encoding="utf-8")))
    labels = [p["is_match"] == "true" for p in pairs]
    g_scores, splits, g_micros = greenlane_scores()
    assert len(g_scores) == len(pairs)
    matchers = [("greenlane", 0.80, g_scores, sorted(g_micros)[len(g_micros) // 2])]
    for name, threshold, factory in [("logic-v2", 0.70, logic_v2), ("rapidfuzz token_sort", 0.80, rapidfuzz_sort)]:
        try:
            fn = factory()
        except ImportError as e:
            print(f"{name}: skipped ({e})", file=sys.stderr)
            continue
        scores, micros = [], []
        for p in pairs:
            started = time.perf_counter()
            scores.append(fn(p["name1"], p["name2"], p["schema"]))
            micros.append((time.perf_counter() - started) * 1e6)
        matchers.append((name, threshold, scores, sorted(micros)[len(micros) // 2]))
    everything = [True] * len(pairs)
    heldout = [s == "heldout" for s in splits]
    tuning = [s == "tune" for s in splits]
    print(f"{len(pairs)} pairs ({sum(labels)} same), held-out half {sum(heldout)}")
    print("| matcher | threshold | all P | all R | all F1 | held-out P | held-out R | held-out F1 | tuned threshold | held-out F1 there | p50 µs/pair |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for name, threshold, scores, p50 in matchers:
        ap, ar, af = counts(scores, labels, threshold, everything)
        hp, hr, hf = counts(scores, labels, threshold, heldout)
        best = max((counts(scores, labels, t / 100, tuning)[2], t / 100) for t in range(50, 100))[1]
        tf = counts(scores, labels, best, heldout)[2]
        print(f"| {name} | {threshold:.2f} | {ap:.3f} | {ar:.3f} | **{af:.3f}** | {hp:.3f} | {hr:.3f} | {hf:.3f} | {best:.2f} | {tf:.3f} | {p50:.0f} |")


if __name__ == "__main__":
    main()
