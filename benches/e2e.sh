#!/usr/bin/env bash
# End to end timing of the coordinator binary on a generated 2,000 x 4,000 cohort: read both
# CSV files, score, solve exactly, write the pairs and the report. Needs hyperfine
# (Debian: apt-get install hyperfine).
#
#   benches/e2e.sh [mentees] [mentors]        (default 2000 4000)
#
# Where the time goes inside the process: `cargo bench -p mentormatch-benches --bench pipeline`.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(dirname "$here")"
n="${1:-2000}"
m="${2:-4000}"
cd "$repo"
cargo build --release -q -p mentormatch-coordinator -p mentormatch-benches
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
target/release/gen-cohort "$n" "$m" "$work"
bin="$repo/target/release/mentormatch"
args="match --mentors $work/mentors.csv --mentees $work/mentees.csv --solver exact"
"$bin" $args --out "$work/pairs.csv" --report "$work/report.md"
echo "matched $(($(wc -l < "$work/pairs.csv") - 1)) mentees; $(grep -m1 -i 'objective' "$work/report.md" || true)"
hyperfine --warmup 1 --runs "${RUNS:-10}" --export-json "$work/e2e.json" \
    -n "pairs only" "$bin $args --out $work/pairs.csv" \
    -n "pairs + report" "$bin $args --out $work/pairs.csv --report $work/report.md"
python3 - "$work/e2e.json" <<'PY'
import json, sys
for r in json.load(open(sys.argv[1]))["results"]:
    print(f"{r['command']:<16} median {r['median'] * 1000:7.1f} ms  "
          f"(min {r['min'] * 1000:.1f}, max {r['max'] * 1000:.1f}, {len(r['times'])} runs)")
PY
