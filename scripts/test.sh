#!/usr/bin/env bash
# The test command: builds and runs every test, then the whole suite again under ASan+UBSan.
# Usage: scripts/test.sh [--quick]   (--quick: skip the sanitizer pass)
set -euo pipefail
cd "$(dirname "$0")/.."
# Properties run on a pinned RapidCheck seed here so that CI is reproducible; plain `ctest`
# (or RC_PARAMS="max_success=100000") explores new seeds (docs/properties.md).
export RC_PARAMS="${RC_PARAMS:-seed=2}"
scripts/setup.sh default
ctest --preset default -j "$(nproc)"
if [ "${1:-}" != "--quick" ]; then
  scripts/setup.sh asan
  # The random mutation campaign (1000 graphs per surviving mutant) is left to the plain pass:
  # sanitizers multiply its minutes, and the mutation code runs under them in the campaign and
  # CLI tests (Mutation.*, Mutants.*). The ClusterFuzzLite build (label fuzz-build) builds
  # with its own flags whatever the preset: once, in the plain pass, is enough.
  ctest --preset asan -j "$(nproc)" -E '^mutants[.]random_campaign_kills$' -LE fuzz-build
fi
