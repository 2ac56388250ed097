#!/usr/bin/env bash
# A longer run of the property-based tests (crates/polku/tests/robustness.rs): each importer's
# byte property, then the query parser and the faithful-table property, each repeated in batches
# of `PROPTEST_CASES` cases (default 20000) until MINUTES (default 30) have passed for it.
# Any failure stops the run with proptest's minimal failing input.
#
#   scripts/fuzz.sh                 every importer, then the other properties
#   scripts/fuzz.sh docx csv        only these importers (names as below)
set -euo pipefail
cd "$(dirname "$0")/.."
export PROPTEST_CASES="${PROPTEST_CASES:-20000}"
MINUTES="${MINUTES:-30}"
declare -A IMPORTERS=(
  [text]=txt,text,md,markdown
  [docx]=docx
  [subtitles]=vtt,srt
  [csv]=csv,tsv,tab
  [jsonl]=jsonl,ndjson
  [spreadsheet]=xlsx,xlsm,xls,xlsb,ods
  [refi]=qdpx,qdc
)
# Built once and copied, so editing or rebuilding the sources meanwhile does not touch the run.
built=$(cargo test -p polku --test tests --release --no-run --locked --message-format=json \
  | python3 -c 'import json,sys; print([m["executable"] for m in map(json.loads, sys.stdin) if m.get("executable")][0])')
bin=$(mktemp -d)/tests
cp "$built" "$bin"

run() { # run NAME FILTER [FUZZ_EXTENSIONS]
  local end runs=0
  end=$(( $(date +%s) + MINUTES * 60 ))
  while [ "$(date +%s)" -lt "$end" ]; do
    FUZZ_EXTENSIONS="${3:-}" "$bin" -q "robustness::$2" >/dev/null
    runs=$((runs + 1))
  done
  echo "fuzz: $1: $runs runs of $PROPTEST_CASES cases in $MINUTES min, no failure"
}

if [ $# -gt 0 ]; then
  chosen=("$@")
else
  chosen=(text docx subtitles csv jsonl spreadsheet refi query table)
fi
for name in "${chosen[@]}"; do
  case "$name" in
    query) run query any_query_parses ;;
    table) run table a_table_of_arbitrary_cells ;;
    *) [ -n "${IMPORTERS[$name]:-}" ] || { echo "fuzz: unknown importer '$name' (${!IMPORTERS[*]} query table)" >&2; exit 2; }
       run "$name" any_bytes_under_any_importable_name "${IMPORTERS[$name]}" ;;
  esac
done
