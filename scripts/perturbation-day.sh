#!/usr/bin/env bash
# The perturbation harness on a full day: simulate a day, perturb it in every truth-preserving
# way, ingest both into fresh stores offline and compare the release rate and recall
# (BENCHMARKS.md "Clearance on honest traffic"). Usage: scripts/perturbation-day.sh [PARCELS] [SEED]
set -euo pipefail
parcels=${1:-200000}
seed=${2:-1}
bin=${GREENLANE:-target/release/greenlane}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$bin" simulate --parcels "$parcels" --seed "$seed" --out "$work/base" >/dev/null
"$bin" perturb --in "$work/base" --out "$work/perturbed" --seed 1 >/dev/null
for day in base perturbed; do
  "$bin" ingest --data "$work/store-$day" "$work/$day/messages" >/dev/null 2>&1
  "$bin" evaluate --truth "$work/base/truth.jsonl" --data "$work/store-$day" --format json >"$work/$day.json"
done
python3 - "$work/base.json" "$work/perturbed.json" <<'PY'
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
def pct(x): return 100 * x
print(f"release rate {pct(a['releaseRate']):.2f}% -> {pct(b['releaseRate']):.2f}% ({pct(b['releaseRate'] - a['releaseRate']):+.2f} pp)")
print(f"recall       {pct(a['recall']):.2f}% -> {pct(b['recall']):.2f}% ({pct(b['recall'] - a['recall']):+.2f} points)")
print(f"clean stopped {a['cleanStopped']} -> {b['cleanStopped']} of {a['clean']}")
PY
