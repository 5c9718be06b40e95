#!/usr/bin/env python3
"""Instructions per query by callgrind, and the p50 they give at this machine's measured speed
(BENCHMARKS.md, "Screening").

Wall-clock p50 on a machine shared with other builds moves with their load; instruction counts do
not. This script:
  1. builds the screen bench (`cargo bench --no-run`) and runs it once normally (9 rounds),
     keeping its table: p50, and the brute-force scan's on-CPU time per query, the baseline loop;
  2. runs the same binary under callgrind, one round (`SCREEN_BENCH_ROUNDS=1`), dumping the
     counts after every `Screener::screen_with_floor` call: the instructions of each of the 1,607
     labelled queries (mean, p50, p99);
  3. runs it again under callgrind counting only the scan (`scan`): instructions per scan query;
  4. prints the baseline's instructions per second in step 1's run (scan instructions per query
     over its on-CPU time per query) and each query percentile converted to time at that speed.
The conversion assumes a query retires instructions as fast as the scan does, which is an
assumption, not a measurement (a query's hash lookups miss the cache more, its short loops may
retire faster); the bench's own wall-clock p50 is printed beside it, with the load average.

    python3 crates/greenlane-screen/benches/instructions.py [--taskset CPU]
"""

import glob
import json
import re
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

CRATE = Path(__file__).resolve().parent.parent


def bench_binary():
    out = subprocess.run(
        ["cargo", "bench", "-p", "greenlane-screen", "--bench", "screen", "--no-run", "--message-format=json"],
        check=True, capture_output=True, text=True, cwd=CRATE,
    ).stdout
    for line in out.splitlines():
        msg = json.loads(line)
        if msg.get("reason") == "compiler-artifact" and msg["target"]["name"] == "screen" and msg.get("executable"):
            return msg["executable"]
    sys.exit("screen bench binary not found")


def callgrind(binary, extra, outdir):
    subprocess.run(
        ["valgrind", "--tool=callgrind", f"--callgrind-out-file={outdir}/cg.%p", *extra, binary, "--bench"],
        check=True, capture_output=True, text=True, cwd=CRATE, env={"SCREEN_BENCH_ROUNDS": "1", "PATH": "/usr/bin:/bin"},
    )
    totals = []
    for path in sorted(glob.glob(f"{outdir}/cg.*")):
        text = Path(path).read_text(errors="replace")
        found = re.search(r"^(?:totals|summary): (\d+)", text, re.M)
        if found:
            totals.append(int(found.group(1)))
    return totals


def main():
    taskset = sys.argv[sys.argv.index("--taskset") + 1] if "--taskset" in sys.argv else None
    binary = bench_binary()
    run = ([ "taskset", "-c", taskset] if taskset else []) + [binary, "--bench"]
    table = subprocess.run(run, check=True, capture_output=True, text=True, cwd=CRATE).stdout
    print(table)
    p50 = float(re.search(r"\| indexed screener \| [\d.]+ µs \| \d+ \| ([\d.]+) µs", table).group(1))
    scan_us = float(re.search(r"\| brute-force Jaro-Winkler scan \| ([\d.]+) µs", table).group(1))
    scan_queries = int(re.search(r"scan: (\d+) queries per round", table).group(1))
    with tempfile.TemporaryDirectory() as per_query, tempfile.TemporaryDirectory() as scan_dir:
        # --dump-after takes the function's full name, not a pattern.
        function = "greenlane_screen::Screener::screen_with_floor"
        queries = callgrind(binary, [f"--toggle-collect={function}", f"--dump-after={function}"], per_query)
        queries = [q for q in queries if q > 0]
        scan_total = sum(callgrind(binary, ["--toggle-collect=*screen::scan*"], scan_dir))
    queries.sort()
    scan_instructions = scan_total / scan_queries
    per_second = scan_instructions / (scan_us * 1e-6)
    mean = statistics.fmean(queries)
    at = lambda p: queries[round((len(queries) - 1) * p)]
    print(f"callgrind: {len(queries)} queries, instructions per query mean {mean / 1e3:.1f}k, "
          f"p50 {at(0.5) / 1e3:.1f}k, p99 {at(0.99) / 1e3:.1f}k")
    print(f"baseline (the scan): {scan_instructions / 1e6:.2f}M instructions per query, {scan_us:.1f} µs on-CPU "
          f"in the timed run: {per_second / 1e9:.2f}G instructions/s")
    print(f"converted at that speed: p50 {at(0.5) / per_second * 1e6:.1f} µs, mean {mean / per_second * 1e6:.1f} µs, "
          f"p99 {at(0.99) / per_second * 1e6:.1f} µs (wall-clock p50 in the timed run: {p50:.1f} µs)")


if __name__ == "__main__":
    main()
