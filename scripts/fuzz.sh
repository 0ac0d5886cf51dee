#!/usr/bin/env bash
# Continuous fuzzing on this machine (docs/fuzzing.md): builds the `fuzz` preset (clang +
# libFuzzer + ASan/UBSan), runs each fuzz target for a while on a working corpus kept in
# build-fuzz/fuzz-corpus/<target>/, then merges inputs that add coverage into the checked-in
# corpus/fuzz/<target>/ (-merge=1), which ctest replays (label fuzz-replay).
#
# Usage: scripts/fuzz.sh [-t SECONDS] [-j JOBS] [-n MAX_NEW] [--no-merge] [TARGET...]
#   -t SECONDS   time per target (default 300)
#   -j JOBS      parallel libFuzzer jobs per target (default 1)
#   -n MAX_NEW   at most this many new files per target go into corpus/fuzz/ (default 20):
#                the ones adding the most coverage, picked greedily from libFuzzer's merge
#                control file (needs python3; without it every input -merge=1 keeps goes in)
#   --no-merge   leave corpus/fuzz/ alone (the working corpus still grows)
#   TARGET       tcg_parse, json_graph, engine_run (default: all)
# A crash, timeout, leak or sanitizer report leaves its input in
# build-fuzz/fuzz-artifacts/<target>/ and makes the script exit 1 after all targets ran.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=300 jobs=1 merge=1 max_new=20 targets=()
while [ $# -gt 0 ]; do
  case "$1" in
    -t) seconds="$2"; shift 2 ;;
    -j) jobs="$2"; shift 2 ;;
    -n) max_new="$2"; shift 2 ;;
    --no-merge) merge=0; shift ;;
    -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
    -*) echo "fuzz.sh: unknown option $1" >&2; exit 2 ;;
    *) targets+=("$1"); shift ;;
  esac
done
[ ${#targets[@]} -gt 0 ] || targets=(tcg_parse json_graph engine_run)

root=$(pwd) build=build-fuzz
[ -f "$build/CMakeCache.txt" ] || cmake --preset fuzz
cmake --build "$build" --target tapecheck_fuzz_dict "${targets[@]/%/_fuzzer}"

# Dictionaries from the op table: op names, attribute names, the grammar's words.
"$build/bin/tapecheck_fuzz_dict" tcg > "$build/fuzz/tcg.dict"
"$build/bin/tapecheck_fuzz_dict" json > "$build/fuzz/json.dict"

# UBSan reports must stop the run like ASan's do; leaks are findings too.
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-halt_on_error=1:abort_on_error=1:print_stacktrace=1}"

# Merges $work into corpus/fuzz/$t: libFuzzer's -merge=1 into a scratch directory with a
# control file (one FT line of features per input), then a greedy pick of at most $max_new
# inputs that add the most features to what corpus/fuzz/$t already covers.
merge_into_corpus() {
  local t="$1" fuzzer="$2" work="$3"
  local scratch="$build/fuzz-merge/$t" ctl="$build/fuzz-merge/$t.control"
  rm -rf "$scratch" "$ctl" && mkdir -p "$scratch"
  if ! command -v python3 > /dev/null; then
    "$fuzzer" -merge=1 -timeout=25 -max_len=16384 "corpus/fuzz/$t" "$work"
    return
  fi
  "$fuzzer" -merge=1 -merge_control_file="$ctl" -timeout=25 -max_len=16384 \
      "$scratch" "corpus/fuzz/$t" "$work" > "$build/fuzz-merge/$t.log" 2>&1 || {
    echo "== $t: merge failed, see $build/fuzz-merge/$t.log" >&2; return; }
  python3 - "$ctl" "$max_new" "corpus/fuzz/$t/" <<'PY' | while read -r f; do cp "$f" "corpus/fuzz/$t/"; echo "   + $(basename "$f")"; done
import sys
ctl, limit, kept = sys.argv[1], int(sys.argv[2]), sys.argv[3]
lines = open(ctl).read().split("\n")
n = int(lines[0])
files = lines[2:2 + n]
features = {}
for line in lines[2 + n:]:
    parts = line.split()
    if len(parts) >= 2 and parts[0] == "FT":
        features[int(parts[1])] = set(map(int, parts[2:]))
covered = set()
for i, f in enumerate(files):
    if f.startswith(kept):
        covered |= features.get(i, set())
candidates = {i: s for i, s in features.items() if not files[i].startswith(kept)}
for _ in range(limit):
    best = max(candidates, key=lambda i: len(candidates[i] - covered), default=None)
    if best is None or not candidates[best] - covered:
        break
    covered |= candidates.pop(best)
    print(files[best])
PY
}

failed=()
for t in "${targets[@]}"; do
  fuzzer="$build/bin/${t}_fuzzer"
  work="$build/fuzz-corpus/$t" artifacts="$build/fuzz-artifacts/$t"
  mkdir -p "$work" "$artifacts" "corpus/fuzz/$t"
  dict="$build/fuzz/tcg.dict"
  [ "$t" = json_graph ] && dict="$build/fuzz/json.dict"
  before=$(ls "$artifacts" | wc -l)
  echo "== $t: fuzzing for ${seconds}s ($jobs job(s)); working corpus $work"
  # The first directory is the one libFuzzer writes new inputs to; the others only seed.
  args=(-max_total_time="$seconds" -timeout=25 -rss_limit_mb=2048 -max_len=16384
        -dict="$root/$dict" -artifact_prefix="$root/$artifacts/" -print_final_stats=1)
  dirs=("$root/$work" "$root/corpus/fuzz/$t" "$root/corpus/graphs")
  if [ "$jobs" -gt 1 ]; then
    # -jobs writes one fuzz-<n>.log per job into the current directory.
    mkdir -p "$build/fuzz-logs/$t"
    (cd "$build/fuzz-logs/$t" && "$root/$fuzzer" -jobs="$jobs" -workers="$jobs" "${args[@]}" "${dirs[@]}") || true
  else
    "$fuzzer" "${args[@]}" "${dirs[@]}" || true
  fi
  after=$(ls "$artifacts" | wc -l)
  if [ "$after" -gt "$before" ]; then
    echo "== $t: $((after - before)) new failing input(s) in $artifacts/" >&2
    failed+=("$t")
  fi
  if [ "$merge" = 1 ]; then
    echo "== $t: merging at most $max_new inputs with new coverage into corpus/fuzz/$t"
    merge_into_corpus "$t" "$fuzzer" "$work"
  fi
done

if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz.sh: failures in: ${failed[*]} (reproduce: build-fuzz/bin/<target>_fuzzer <file>)" >&2
  exit 1
fi
echo "fuzz.sh: no failures; replay the corpus with: ctest --test-dir build-fuzzreplay -L fuzz-replay"
