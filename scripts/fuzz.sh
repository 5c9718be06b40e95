#!/usr/bin/env bash
# Runs every cargo-fuzz target of the repository for a set time and prints one Markdown row per
# target: executions, seconds, executions per second, crashes (issue #12, "Fuzzing"). A crash
# leaves its input under the crate's fuzz/artifacts/ and makes the script exit 1.
#
#   scripts/fuzz.sh [SECONDS_PER_TARGET] [CRATE/TARGET …]     default: 60 s, every target
#
# Needs cargo-fuzz (`cargo install cargo-fuzz`) and a nightly toolchain (`cargo +nightly fuzz`);
# without nightly, RUSTC_BOOTSTRAP=1 lets a stable compiler take the sanitizer flags.
# Corpora start from the crates' own data where there is some (official samples, the shipped
# lists and criteria) and grow in fuzz/corpus/, which is not committed.
set -euo pipefail

seconds=${1:-60}
shift || true
root=$(cd "$(dirname "$0")/.." && pwd)
toolchain=+nightly
if ! rustup run nightly rustc --version >/dev/null 2>&1; then
  toolchain=
  export RUSTC_BOOTSTRAP=1
fi

targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  for manifest in "$root"/crates/*/fuzz/Cargo.toml; do
    crate=$(basename "$(dirname "$(dirname "$manifest")")")
    for target in "$(dirname "$manifest")"/fuzz_targets/*.rs; do
      targets+=("$crate/$(basename "$target" .rs)")
    done
  done
fi

seed() { # crate target corpus: the crate's own inputs, once
  local crate=$1 target=$2 corpus=$3 dir="$root/crates/$1"
  [ -n "$(ls -A "$corpus" 2>/dev/null)" ] && return
  mkdir -p "$corpus"
  case "$crate/$target" in
    greenlane-ceb/read) cp "$dir"/tests/data/samples-*/*.xml "$dir"/tests/data/cases/*.xml "$corpus"/ 2>/dev/null || true ;;
    greenlane-cargo/read_fwb) cp "$dir"/tests/data/gumraq__iata-messages__fwb17.txt "$corpus"/ ;;
    greenlane-cargo/read_fhl) cp "$dir"/tests/data/gumraq__iata-messages__fhl5.txt "$corpus"/ ;;
    greenlane-cargo/read_ffm) cp "$dir"/tests/data/gumraq__iata-messages__ffm8.txt "$corpus"/ ;;
    greenlane-screen/parse_un) cp "$dir"/data/UN_consolidated.xml "$corpus"/ ;;
    greenlane-screen/parse_ofac) head -c 20000 "$dir"/data/sdn.csv > "$corpus"/sdn.csv ;;
    greenlane-screen/parse_csl) head -c 20000 "$dir"/data/csl.csv > "$corpus"/csl.csv ;;
    greenlane-screen/parse_dpl) head -c 20000 "$dir"/data/dpl.txt > "$corpus"/dpl.txt ;;
    greenlane-risk/criteria)
      # The first byte: 1, beside the shipped files; 0, alone.
      for f in "$dir"/criteria/default/*.toml; do
        (printf '\001'; cat "$f") > "$corpus/$(basename "$f")"
        (printf '\000'; cat "$f") > "$corpus/alone-$(basename "$f")"
      done
      ;;
    greenlane-server/api)
      printf '\x00{"name":"Bank Melli Iran","country":"IR","kind":"organization"}' > "$corpus"/screen
      printf '\x01{"copNo":"C1","ebcCode":"SHOP1","outcome":"violation","violation":"other","note":"x"}' > "$corpus"/inspection
      printf '\x02after=0&limit=10' > "$corpus"/decisions
      printf '\x03C1?ebcCode=SHOP1' > "$corpus"/inventory
      printf '\x04token=fuzz-admin' > "$corpus"/signin
      printf '\x07Bearer fuzz-admin' > "$corpus"/authorization
      ;;
  esac
}

echo "| target | seconds | executions | executions/s | crashes |"
echo "|---|---:|---:|---:|---:|"
failed=0
for item in "${targets[@]}"; do
  crate=${item%%/*}
  target=${item#*/}
  dir="$root/crates/$crate"
  corpus="$dir/fuzz/corpus/$target"
  seed "$crate" "$target" "$corpus"
  dict=()
  [ -f "$dir/fuzz/$target.dict" ] && dict=("-dict=$dir/fuzz/$target.dict")
  log=$(mktemp)
  (cd "$dir" && cargo $toolchain fuzz build -O "$target" >/dev/null 2>&1)
  started=$(date +%s)
  status=0
  (cd "$dir" && cargo $toolchain fuzz run -O "$target" "$corpus" -- -max_total_time="$seconds" \
    -print_final_stats=1 -rss_limit_mb=4096 -timeout=10 "${dict[@]}" >"$log" 2>&1) || status=$?
  elapsed=$(( $(date +%s) - started ))
  runs=$(grep -o 'stat::number_of_executed_units: [0-9]*' "$log" | tail -1 | grep -o '[0-9]*$' || echo 0)
  crashes=0
  if [ $status -ne 0 ]; then
    crashes=$(grep -c '^artifact_prefix\|Test unit written to' "$log" || true)
    [ "$crashes" -eq 0 ] && crashes=1
    failed=1
    echo "$item failed; see $log" >&2
  fi
  rate=$(( elapsed > 0 ? runs / elapsed : runs ))
  echo "| $crate/$target | $elapsed | $runs | $rate | $crashes |"
done
exit $failed
