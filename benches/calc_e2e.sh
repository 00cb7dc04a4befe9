#!/usr/bin/env bash
# `bianmin calc` end to end on the synthetic county month: 10,000 stations in
# 200 branches, 300,000 card transactions (benches/synthetic/mod.rs).
# Goal: under 0.5 s.
#
# Usage: bash benches/calc_e2e.sh [RUNS]      (RUNS defaults to 10)
# Builds the release binary and the generator, writes the input JSON (actual
# figures, as_of the 31st, and projected ones, as_of the 15th) to a temporary
# directory, then times `target/release/bianmin calc FILE > /dev/null` and
# prints min / median / max in ms. Uses hyperfine when installed, else a
# python3 timing loop. Bounded: a few seconds of runs after the build.
set -euo pipefail

runs="${1:-10}"
case "$runs" in
'' | *[!0-9]* | 0) echo "usage: $0 [RUNS >= 1]" >&2 && exit 2 ;;
esac

cd "$(dirname "$0")/.."
cargo build --release --quiet --bin bianmin --example gen_calc_input
bin=target/release/bianmin
gen=target/release/examples/gen_calc_input

work="$(mktemp -d "${TMPDIR:-/tmp}/bianmin-calc-e2e.XXXXXX")"
trap 'rm -rf "$work"' EXIT

for day in 31 15; do
    input="$work/month-as-of-$day.json"
    "$gen" "$day" >"$input"
    # One checked run first: exit 0 and 10,000 stations in the output.
    "$bin" calc "$input" >"$work/out.json"
    python3 -c '
import json, sys
out = json.load(open(sys.argv[1]))
assert len(out["stations"]) == 10000, len(out["stations"])
' "$work/out.json"
    rm -f "$work/out.json"

    label="bianmin calc (as_of 2026-10-$day, $(du -m "$input" | cut -f1) MB input)"
    if command -v hyperfine >/dev/null; then
        # hyperfine sends the command's output to /dev/null.
        hyperfine --style basic --warmup 2 --runs "$runs" --export-json "$work/h.json" \
            --command-name "$label" "$bin calc $input" >/dev/null
        python3 - "$work/h.json" <<'EOF'
import json, statistics, sys
r = json.load(open(sys.argv[1]))["results"][0]
t = [x * 1000 for x in r["times"]]
print(f"{r['command']}: min {min(t):.1f} ms, median {statistics.median(t):.1f} ms, "
      f"max {max(t):.1f} ms over {len(t)} runs (hyperfine)")
EOF
    else
        python3 - "$label" "$runs" "$bin" "$input" <<'EOF'
import statistics, subprocess, sys, time
label, runs, cmd = sys.argv[1], int(sys.argv[2]), sys.argv[3:5]
def run():
    start = time.perf_counter()
    subprocess.run([cmd[0], "calc", cmd[1]], stdout=subprocess.DEVNULL, check=True)
    return (time.perf_counter() - start) * 1000
for _ in range(2):
    run()
t = [run() for _ in range(runs)]
print(f"{label}: min {min(t):.1f} ms, median {statistics.median(t):.1f} ms, "
      f"max {max(t):.1f} ms over {len(t)} runs (python3 loop)")
EOF
    fi
done
