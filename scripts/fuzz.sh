#!/usr/bin/env bash
# A longer run of the property-based tests of the importers and the query parser
# (crates/polku/tests/robustness.rs): `PROPTEST_CASES` cases per property (default 20000),
# repeated until MINUTES (default 30) have passed for each property. Any failure stops the run
# with proptest's minimal failing input.
set -euo pipefail
cd "$(dirname "$0")/.."
export PROPTEST_CASES="${PROPTEST_CASES:-20000}"
MINUTES="${MINUTES:-30}"
cargo test -p polku --test tests --release --no-run --locked
for property in any_bytes_under_any_importable_name any_query_parses a_table_of_arbitrary_cells; do
  end=$(( $(date +%s) + MINUTES * 60 ))
  runs=0
  while [ "$(date +%s)" -lt "$end" ]; do
    cargo test -p polku --test tests --release --locked -q "robustness::$property" >/dev/null
    runs=$((runs + 1))
  done
  echo "fuzz: $property: $runs runs of $PROPTEST_CASES cases, no failure"
done
