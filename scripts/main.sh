#!/usr/bin/env bash
# The main job: builds only the `tapecheck` binary (its build output condensed to one line of
# progress), then runs two campaigns and writes ONE report of both:
#   1. the default campaign (the corpus plus 100 random graphs through every oracle) on the
#      reference engine — what a clean run looks like;
#   2. clearly labelled, a short campaign on an engine with an injected fault (the mutant
#      tanh_derivative_off_1e4: tanh's VJP off by a relative 1e-4, the size of error an
#      approximate derivative formula leaves) — what a real finding looks like: grouped,
#      drawn, numbers side by side, the finite-difference step sweep, the reproduce command.
# Each campaign keeps its own log (out/main/<run>/findings.jsonl, resumable); `tapecheck
# report` reads both into out/main/report.html. Mismatches on the injected fault are the
# point, not a failure: the script exits non-zero only if something could not run.
#
# Usage: scripts/main.sh [--out DIR] [--tapecheck BIN]
#   --out DIR        where the logs and the report go (default out/main)
#   --tapecheck BIN  run this tapecheck instead of building one (tests/browser runs the job so)
set -euo pipefail
cd "$(dirname "$0")/.."
out=out/main
tapecheck=""
while [ $# -gt 0 ]; do
  case "$1" in
    --out) out=$2; shift 2 ;;
    --tapecheck) tapecheck=$2; shift 2 ;;
    *) echo "usage: scripts/main.sh [--out DIR] [--tapecheck BIN]" >&2; exit 2 ;;
  esac
done
mkdir -p "$out"
fault=tanh_derivative_off_1e4
fault_label="injected fault: tanh VJP × (1 + 1e-4)"

# One line of progress from the build's output ("[12/160] Building ..."); the whole output is
# kept in $out/build.log and shown (its end) only if the build fails.
condense() {
  local tty=0 line step="" last=""
  [ -t 1 ] && tty=1
  while IFS= read -r line; do
    printf '%s\n' "$line" >>"$out/build.log"
    if [[ $line =~ ^\[([0-9]+)/([0-9]+)\] ]]; then
      step="${BASH_REMATCH[1]}/${BASH_REMATCH[2]}"
      if [ "$tty" -eq 1 ]; then printf '\rbuilding tapecheck: %s' "$step"; fi
    elif [[ $line == setup:* ]]; then
      last=$line
      [ "$tty" -eq 1 ] && printf '\r%s\n' "$line" || printf '%s\n' "$line"
    fi
  done
  [ "$tty" -eq 1 ] && printf '\r'
  printf 'built tapecheck (%s build steps)%s\n' "${step:-0/0}" "${last:+; $last}"
}

start=$SECONDS
if [ -z "$tapecheck" ]; then
  : >"$out/build.log"
  if ! scripts/setup.sh default tapecheck 2>&1 | condense; then
    echo "The build failed; the end of $out/build.log:" >&2
    tail -n 40 "$out/build.log" >&2
    exit 2
  fi
  echo "build: $((SECONDS - start)) s"
  tapecheck=./build/bin/tapecheck
fi
# A campaign exits 1 when it finds a mismatch: a result here, in the report.
run_campaign() {
  local status=0
  "$tapecheck" campaign --quiet "$@" || status=$?
  if [ "$status" -ne 0 ] && [ "$status" -ne 1 ]; then
    echo "the campaign ($*) could not run (exit $status)" >&2
    exit "$status"
  fi
}
run_campaign --out "$out/reference" --label "reference engine"
run_campaign --out "$out/injected-fault" --engine "mutant:$fault" --graphs 40 --label "$fault_label"
"$tapecheck" report "$out/reference/findings.jsonl" "$out/injected-fault/findings.jsonl" -o "$out/report.html"
echo "Report: $(cd "$out" && pwd)/report.html   (main job: $((SECONDS - start)) s)"
echo "Open it in a browser: the Findings section shows what the injected fault looks like."
