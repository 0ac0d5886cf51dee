#!/usr/bin/env bash
# The main job: builds tapecheck and runs a short default campaign (the corpus plus random
# graphs through every oracle on the reference engine), which writes a findings log and an
# HTML report, then says where they are. A mismatch the campaign finds is a result (it is in
# the report), not a failure of this script: it exits non-zero only if the campaign could not
# run (bad input, exit 2, or a crash).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh default
status=0
./build/bin/tapecheck campaign || status=$?
if [ -f out/campaign/report.html ]; then
  echo "Report: $(pwd)/out/campaign/report.html"
  echo "Findings log: $(pwd)/out/campaign/findings.jsonl"
fi
if [ "$status" -eq 1 ]; then
  echo "The campaign found mismatches: see the report's Mismatches section."
  exit 0
fi
exit "$status"
