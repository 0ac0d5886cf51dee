#!/usr/bin/env bash
# ctest fuzz-build.clusterfuzzlite: .clusterfuzzlite/build.sh run as ClusterFuzzLite runs it
# (clang-14, address sanitizer, libFuzzer: the base-builder's variables), into a scratch $OUT;
# then every fuzzer it built must be there with its .options and seed corpus, and must fuzz
# for a few seconds from that corpus without a finding.
# Usage: clusterfuzzlite_build_test.sh SOURCE_DIR WORK_DIR [SECONDS]
#   WORK_DIR is $WORK, the build's scratch space; keeping it between runs (ctest passes a
#   directory in its build tree) makes a rerun incremental.
# Exit 77 (ctest: skipped, with the reason) when clang-14 or libFuzzer is not installed:
# scripts/setup.sh installs them for a full build, as .ci/run does.
set -euo pipefail
src="$(cd "$1" && pwd)" work="$2" seconds="${3:-5}"

if ! command -v clang-14 > /dev/null || ! command -v clang++-14 > /dev/null; then
  echo "SKIPPED: clang-14 is not installed (scripts/setup.sh installs clang-14 libfuzzer-14-dev)"
  exit 77
fi
if ! echo 'extern "C" int LLVMFuzzerTestOneInput(const char*, unsigned long) { return 0; }' |
     clang++-14 -x c++ -fsanitize=fuzzer - -o /dev/null 2> /dev/null; then
  echo "SKIPPED: clang-14 cannot link -fsanitize=fuzzer (libfuzzer-14-dev / libclang-rt-14-dev missing)"
  exit 77
fi
command -v zip > /dev/null || { echo "SKIPPED: zip is not installed"; exit 77; }

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
mkdir -p "$scratch/out" "$work/src"
work="$(cd "$work" && pwd)"
# $SRC is a fixed place under $WORK (not the scratch directory) and ccache's base directory is
# the checkout, so compile commands are the same from run to run and from clone to clone: a
# rerun of CI compiles only what changed (a cold clang build of the fuzzers is minutes).
ln -sfn "$src" "$work/src/tapecheck"
export CCACHE_BASEDIR="$src" CCACHE_NOHASHDIR=1

# What ClusterFuzzLite's base-builder sets for `sanitizer: address` with libFuzzer.
export CC=clang-14 CXX=clang++-14
export CFLAGS="-O1 -fno-omit-frame-pointer -gline-tables-only -DFUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION -fsanitize=address -fsanitize-address-use-after-scope -fsanitize=fuzzer-no-link"
export CXXFLAGS="$CFLAGS"
export LIB_FUZZING_ENGINE="-fsanitize=fuzzer"
export SRC="$work/src" OUT="$scratch/out" WORK="$work"
bash "$src/.clusterfuzzlite/build.sh"

status=0
for t in $(cd "$src/fuzz" && ls -- *_fuzzer.cpp | sed 's/_fuzzer[.]cpp$//'); do
  f="$OUT/${t}_fuzzer"
  for need in "$f" "$f.options" "${f}_seed_corpus.zip"; do
    [ -s "$need" ] || { echo "FAIL: $need was not built"; status=1; }
  done
  [ -x "$f" ] || continue
  # The .options file's libFuzzer options, as ClusterFuzzLite passes them.
  opts=()
  while IFS=' =' read -r key value; do
    case "$key" in dict) opts+=("-dict=$OUT/$value") ;; max_len|timeout) opts+=("-$key=$value") ;; esac
  done < "$f.options"
  mkdir -p "$scratch/corpus/$t"
  unzip -q -o "${f}_seed_corpus.zip" -d "$scratch/corpus/$t"
  echo "== $t: ${seconds}s from $(ls "$scratch/corpus/$t" | wc -l) seeds, options ${opts[*]}"
  if ! ASAN_OPTIONS=detect_leaks=0 UBSAN_OPTIONS=halt_on_error=1 \
       "$f" "${opts[@]}" -max_total_time="$seconds" -rss_limit_mb=2048 \
       -artifact_prefix="$scratch/" "$scratch/corpus/$t" > "$scratch/$t.log" 2>&1; then
    echo "FAIL: $t found something or failed:"; tail -40 "$scratch/$t.log"; status=1
  else
    grep -E 'Done [0-9]+ runs|stat::number_of_executed_units' "$scratch/$t.log" | tail -1 || true
  fi
done
exit "$status"
