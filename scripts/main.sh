#!/usr/bin/env bash
# The main job: builds tapecheck and runs a short default campaign (the corpus plus random
# graphs through every oracle on the reference engine), which writes a findings log and an
# HTML report. Exit status: the campaign's (0 no mismatch, 1 a mismatch, 2 bad input).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh default
status=0
./build/bin/tapecheck campaign || status=$?
if [ -f out/campaign/report.html ]; then
  echo "Report: $(pwd)/out/campaign/report.html"
  echo "Findings log: $(pwd)/out/campaign/findings.jsonl"
fi
exit "$status"
