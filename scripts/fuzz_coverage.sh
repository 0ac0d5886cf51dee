#!/usr/bin/env bash
# Line coverage of engine/ops by the checked-in fuzz corpus, one command (docs/fuzzing.md
# "Coverage"): builds the fuzz targets in preset `coverage` (clang-14 source-based coverage,
# build-coverage/, the replay driver: every corpus file runs once, no libFuzzer mutation), then
#   1. runs each target over corpus/fuzz/<target>/ (LLVM_PROFILE_FILE=<out>/profraw/<target>-%p.profraw);
#   2. merges the profiles with llvm-profdata-14, per target and all together;
#   3. prints llvm-cov-14's report for engine/ops (per target, then all targets), and a summary
#      for engine/ and oracles/;
#   4. writes the HTML (llvm-cov-14 show -format=html) of engine/ and oracles/ into <out>/html/.
# The last line is the figure: the engine/ops TOTAL line coverage of all the targets run.
# Every report counts the files of all four binaries, so a file a target does not link is
# counted as missed, not left out.
#
# Usage: scripts/fuzz_coverage.sh [-o DIR] [--with-graphs] [TARGET...]
#   -o DIR         output directory (default build-coverage/coverage)
#   --with-graphs  also replay corpus/graphs/ (as ctest fuzz-replay.<target> does)
#   TARGET         a fuzz/<TARGET>_fuzzer.cpp: gradient_check, engine_run, tcg_parse, json_graph
#                  (default: all)
# Needs clang-14 and llvm-14 (`scripts/setup.sh fuzz` installs them); installs nothing.
# Exit 0 with the figure; 1 if a target fails on its corpus (a finding) or a tool fails; 2 on
# bad usage or a missing tool.
set -euo pipefail
cd "$(dirname "$0")/.."

out=build-coverage/coverage with_graphs=0 targets=()
while [ $# -gt 0 ]; do
  case "$1" in
    -o) [ $# -ge 2 ] || { echo "fuzz_coverage.sh: -o needs a directory" >&2; exit 2; }
        out="$2"; shift 2 ;;
    --with-graphs) with_graphs=1; shift ;;
    -h|--help) sed -n '2,/^set -euo/{/^#/p}' "$0"; exit 0 ;;
    -*) echo "fuzz_coverage.sh: unknown option $1" >&2; exit 2 ;;
    *) targets+=("$1"); shift ;;
  esac
done
. scripts/fuzz_targets.sh
select_fuzz_targets fuzz_coverage.sh ${targets[@]+"${targets[@]}"}
for tool in clang++-14 llvm-profdata-14 llvm-cov-14; do
  if ! command -v "$tool" > /dev/null; then
    echo "fuzz_coverage.sh: $tool not found: install clang-14 and llvm-14 (scripts/setup.sh fuzz)" >&2
    exit 2
  fi
done

root=$(pwd) build=build-coverage
[ -f "$build/CMakeCache.txt" ] || cmake --preset coverage > /dev/null
# All four binaries: each report's denominator is every file any of them links.
cmake --build "$build" --target "${all_targets[@]/%/_fuzzer}"
mkdir -p "$out"
out=$(cd "$out" && pwd)
rm -rf "$out/profraw" "$out/html" "$out"/*.profdata
mkdir -p "$out/profraw" "$out/logs"

# llvm-cov takes the first binary as an argument, the others with -object; the arguments
# after them are the sources to report on (directories: every file under them).
objects=()
for t in "${all_targets[@]}"; do objects+=(-object "$root/$build/bin/${t}_fuzzer"); done
# The preset compiles with -fcoverage-compilation-dir=. and ccache (CCACHE_BASEDIR) makes the
# sources' paths relative: the mapping names ../engine/..., relative to the build directory.
# The sources to report on only match absolute paths: map .. to the source tree.
cov_args=(-path-equivalence="..,$root" "${objects[@]:1}")

# engine/ops TOTAL line coverage (the "Lines" Cover column) of a profile: the report's TOTAL row
# is: TOTAL regions missed cover functions missed cover lines missed cover [branches ...].
ops_line_cover() {
  local report
  report=$(llvm-cov-14 report -instr-profile="$1" "${cov_args[@]}" "$root/engine/ops") || {
    echo "fuzz_coverage.sh: llvm-cov-14 report failed on $1" >&2; exit 1; }
  awk '$1 == "TOTAL" { print $10 " (" $8 - $9 "/" $8 " lines)" }' <<< "$report"
}

start=$SECONDS
for t in "${targets[@]}"; do
  dirs=("corpus/fuzz/$t")
  [ "$with_graphs" = 0 ] || dirs+=(corpus/graphs)
  n=$(find "${dirs[@]}" -type f | wc -l)
  echo "== $t: replaying $n inputs of ${dirs[*]}"
  if ! LLVM_PROFILE_FILE="$out/profraw/$t-%p.profraw" "$build/bin/${t}_fuzzer" "${dirs[@]}" \
      > "$out/logs/$t.log" 2>&1; then
    tail -20 "$out/logs/$t.log" >&2
    echo "fuzz_coverage.sh: $t failed on its corpus (a finding: replay it by hand); log: $out/logs/$t.log" >&2
    exit 1
  fi
  llvm-profdata-14 merge -sparse "$out/profraw/$t"-*.profraw -o "$out/$t.profdata"
  cover=$(ops_line_cover "$out/$t.profdata")
  echo "   engine/ops line coverage by $t: $cover"
done
echo "== replay took $((SECONDS - start)) s wall"

profiles=()
for t in "${targets[@]}"; do profiles+=("$out/$t.profdata"); done
llvm-profdata-14 merge -sparse "${profiles[@]}" -o "$out/all.profdata"

echo "== engine/ops, by ${targets[*]}"
llvm-cov-14 report -instr-profile="$out/all.profdata" "${cov_args[@]}" "$root/engine/ops" \
  | tee "$out/engine_ops.txt" | sed "s|$root/||"
echo "== engine/ and oracles/ (totals), by ${targets[*]}"
for dir in engine oracles; do
  llvm-cov-14 report -instr-profile="$out/all.profdata" "${cov_args[@]}" "$root/$dir" > "$out/$dir.txt"
  printf '%-9s %s\n' "$dir/" "$(awk '$1 == "TOTAL" { print "lines " $10 " (" $8 - $9 "/" $8 "), functions " $7 ", regions " $4 }' "$out/$dir.txt")"
done
llvm-cov-14 show -format=html -output-dir="$out/html" -instr-profile="$out/all.profdata" \
  "${cov_args[@]}" "$root/engine" "$root/oracles"
echo "fuzz_coverage.sh: HTML: $out/html/index.html"
cover=$(ops_line_cover "$out/all.profdata")
echo "fuzz_coverage.sh: engine/ops line coverage: $cover"
