#!/usr/bin/env bash
# The main job: builds tapecheck and runs a short default campaign that writes an HTML report.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh default
./build/bin/tapecheck ops
