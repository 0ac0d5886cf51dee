#!/usr/bin/env bash
# Continuous fuzzing on this machine, one command (docs/fuzzing.md "Continuous fuzzing"):
# builds the `fuzz` preset (clang + libFuzzer + ASan/UBSan) and the tapecheck CLI (preset
# default), then per target
#   1. fuzzes for -t seconds in libFuzzer's fork mode on -j cores (-fork, crashes, timeouts and
#      ooms do not stop it), on a working corpus kept in build-fuzz/fuzz-corpus/<target>/;
#   2. merges the inputs that add coverage into corpus/fuzz/<target>/ (-merge=1, at most -n);
#   3. triages every new failing input of build-fuzz/fuzz-artifacts/<target>/: its signature
#      (kind + oracle + op path for a gradient mismatch, kind + the sanitizer's summary for a
#      crash) is looked up among those seen before (build-fuzz/fuzz-findings/signatures.tsv) and
#      a duplicate stops there; a new crash is minimized with libFuzzer's -minimize_crash; its
#      graph (gradient_check: `tapecheck fuzz-input-to-tcg`; the .tcg targets: the input, if it
#      is a valid graph) goes through `tapecheck campaign --corpus`, which shrinks mismatches
#      with the campaign's shrinker and writes a findings log in the campaign's format
#      (build-fuzz/fuzz-findings/<target>/<time>/findings.jsonl);
#   4. writes the HTML report of every findings log so far: build-fuzz/fuzz-findings/report.html.
# SIGINT/SIGTERM stops the fuzzing; every failing input found so far is still triaged and
# reported, then the script exits 130/143.
#
# Usage: scripts/fuzz.sh [-t SECONDS] [-j JOBS] [-n MAX_NEW] [--no-merge] [TARGET...]
#   -t SECONDS   fuzzing time per target (default 300)
#   -j JOBS      parallel libFuzzer processes per target (default: all cores)
#   -n MAX_NEW   at most this many new files per target go into corpus/fuzz/ (default 20):
#                the ones adding the most coverage, picked greedily from libFuzzer's merge
#                control file (needs python3; without it every input -merge=1 keeps goes in)
#   --no-merge   leave corpus/fuzz/ alone (the working corpus still grows)
#   TARGET       a fuzz/<TARGET>_fuzzer.cpp: gradient_check, engine_run, tcg_parse, json_graph
#                (default: all)
# Environment: TAPECHECK_ENGINE (gradient_check's engine and the triage campaign's, default
# reference). Exit 0: no new finding; 1: new findings (see the report); 130/143: interrupted.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=300 jobs=$(nproc) merge=1 max_new=20 targets=()
while [ $# -gt 0 ]; do
  case "$1" in
    -t) seconds="$2"; shift 2 ;;
    -j) jobs="$2"; shift 2 ;;
    -n) max_new="$2"; shift 2 ;;
    --no-merge) merge=0; shift ;;
    -h|--help) sed -n '2,/^set -euo/{/^#/p}' "$0"; exit 0 ;;
    -*) echo "fuzz.sh: unknown option $1" >&2; exit 2 ;;
    *) targets+=("$1"); shift ;;
  esac
done
. scripts/fuzz_targets.sh
select_fuzz_targets fuzz.sh ${targets[@]+"${targets[@]}"}
engine="${TAPECHECK_ENGINE:-reference}"
export TAPECHECK_ENGINE="$engine"

root=$(pwd) build=build-fuzz
findings="$build/fuzz-findings"
[ -f "$build/CMakeCache.txt" ] || cmake --preset fuzz
cmake --build "$build" --target tapecheck_fuzz_dict "${targets[@]/%/_fuzzer}"
[ -f build/CMakeCache.txt ] || cmake --preset default
cmake --build build --target tapecheck
tapecheck="$root/build/bin/tapecheck"

mkdir -p "$build/fuzz" "$findings"
"$build/bin/tapecheck_fuzz_dict" tcg > "$build/fuzz/tcg.dict"
"$build/bin/tapecheck_fuzz_dict" json > "$build/fuzz/json.dict"

# UBSan reports must stop the run like ASan's do; leaks are findings too.
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-halt_on_error=1:abort_on_error=1:print_stacktrace=1}"

# SIGINT/SIGTERM: stop the running fuzzer (its own process group), fuzz no further target, but
# triage and report what was found.
stop_signal=0 child=""
on_signal() {
  stop_signal=$1
  [ -n "$child" ] && kill -TERM -- "-$child" 2> /dev/null || true
}
trap 'on_signal 2' INT
trap 'on_signal 15' TERM

# Runs "$@" in directory $1 in its own process group and waits for it, returning its exit
# code; a signal to this script (on_signal) stops the group.
run_stoppable() {
  local dir="$1"
  shift
  set -m
  (cd "$dir" && exec "$@") &
  child=$!
  set +m
  local rc=0
  wait "$child" || rc=$?
  # `wait` returns early when a trapped signal arrives: wait again for the group to end.
  while kill -0 "$child" 2> /dev/null; do wait "$child" || rc=$?; done
  child=""
  return "$rc"
}

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

# The signatures of failing input $2 of target $1, one per line, from rerunning it: a gradient
# mismatch's "signature:" lines (gradient_check_fuzzer.cpp), else the artifact's kind (crash,
# timeout, leak, oom) and the sanitizer's SUMMARY line or the target's "====" headline.
signatures_of() {
  local fuzzer="$1" input="$2" out kind
  out=$(timeout 120 "$fuzzer" -timeout=25 -rss_limit_mb=2048 "$input" 2>&1 || true)
  if grep -q '^signature: ' <<< "$out"; then
    grep '^signature: ' <<< "$out" | sed 's/^signature: //' | sort -u
    return
  fi
  kind=$(basename "$input" | sed 's/-.*//')
  local why
  why=$(grep -m1 -E '^SUMMARY: |^==== ' <<< "$out" | sed -E 's/^SUMMARY: //; s/^==== //; s/0x[0-9a-f]+//g' || true)
  echo "$kind ${why:-(no report: the input passed when rerun)}"
}

# The .tcg a failing input stands for, into $3 if it is a graph the campaign can check.
graph_of() {
  local t="$1" input="$2" out="$3"
  if [ "$t" = gradient_check ]; then
    "$tapecheck" fuzz-input-to-tcg "$input" -o "$out" 2> /dev/null
  elif [ "$t" != json_graph ]; then
    cp "$input" "$out" && "$tapecheck" explain "$out" > /dev/null 2>&1 || { rm -f "$out"; return 1; }
  else
    return 1
  fi
}

signatures_file="$findings/signatures.tsv"  # signature <TAB> target[@engine] <TAB> input
touch "$signatures_file"
new_findings=0

triage() {
  local t="$1" fuzzer="$2" artifacts="$3" label="$4" stamp
  stamp=$(date -u +%Y%m%dT%H%M%SZ)
  local queue="$findings/$label/$stamp/graphs" kept=0
  mkdir -p "$queue"
  for input in "$artifacts"/*; do
    [ -f "$input" ] || continue
    grep -qF "	$label	$input" "$signatures_file" && continue  # triaged by an earlier run
    local sigs new=0
    sigs=$(signatures_of "$fuzzer" "$input")
    while IFS= read -r sig; do
      [ -n "$sig" ] || continue
      if ! cut -f1,2 "$signatures_file" | grep -qxF "$sig	$label"; then new=1; fi
      printf '%s\t%s\t%s\n' "$sig" "$label" "$input" >> "$signatures_file"
    done <<< "$sigs"
    [ "$new" = 1 ] || { echo "   = $(basename "$input"): a known signature"; continue; }
    echo "   ! $(basename "$input"): $(head -1 <<< "$sigs")"
    local minimal="$input"
    if ! grep -q '^mismatch ' <<< "$sigs"; then
      # A crash, timeout or leak: libFuzzer shrinks the bytes keeping the failure.
      minimal="$findings/$label/$stamp/$(basename "$input").min"
      timeout 300 "$fuzzer" -minimize_crash=1 -runs=2000 -timeout=25 -exact_artifact_path="$minimal" \
          "$input" > /dev/null 2>&1 || true
      [ -s "$minimal" ] || minimal="$input"
    fi
    # A mismatch is shrunk as a graph by the campaign (--shrink-budget) with the oracles'
    # verdicts in hand; its bytes stay as they are.
    if graph_of "$t" "$minimal" "$queue/$(basename "$input").tcg"; then kept=$((kept + 1)); fi
    new_findings=$((new_findings + 1))
  done
  # Every run leaves its log, with no graph when nothing new was found: the report then says
  # when each target was fuzzed and that it found nothing.
  echo "== $t: $kept new finding(s) with a graph: checking and shrinking with tapecheck campaign ($engine)"
  "$tapecheck" campaign --quiet --corpus "$queue" --graphs 0 --engine "$engine" --threads "$jobs" \
      --label "fuzz.sh $label $stamp" --out "$findings/$label/$stamp" || true
}

for t in "${targets[@]}"; do
  [ "$stop_signal" = 0 ] || break
  fuzzer="$build/bin/${t}_fuzzer"
  # gradient_check's findings depend on the engine: another engine's are kept apart.
  label="$t"
  [ "$t" = gradient_check ] && [ "$engine" != reference ] && label="$t@$engine"
  work="$build/fuzz-corpus/$t" artifacts="$build/fuzz-artifacts/$label"
  mkdir -p "$work" "$artifacts" "corpus/fuzz/$t"
  dict="$build/fuzz/tcg.dict"
  [ "$t" = json_graph ] && dict="$build/fuzz/json.dict"
  max_len=16384
  [ "$t" = gradient_check ] && max_len=4096  # the target skips longer inputs
  echo "== $t: fuzzing for ${seconds}s on $jobs core(s)${t/#gradient_check/ (engine $engine)}; working corpus $work"
  # The first directory is the one libFuzzer writes new inputs to; the others only seed it.
  # Fork mode keeps fuzzing past a failing input; the fork's logs go to fuzz-logs/.
  mkdir -p "$build/fuzz-logs/$t"
  args=(-fork="$jobs" -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1
        -max_total_time="$seconds" -timeout=25 -rss_limit_mb=2048 -max_len="$max_len"
        -artifact_prefix="$root/$artifacts/" -print_final_stats=1)
  # gradient_check's bytes are the generator's choices: the grammar's words do not help it.
  [ "$t" = gradient_check ] || args+=(-dict="$root/$dict")
  # Nor does the entropic schedule: at its ~10^5 features per input, libFuzzer 14's entropic
  # bookkeeping was 78 % of the CPU (docs/fuzzing.md); without it, 3x the inputs and more
  # coverage in the same time.
  [ "$t" = gradient_check ] && args+=(-entropic=0)
  dirs=("$root/$work" "$root/corpus/fuzz/$t")
  [ "$t" = gradient_check ] || dirs+=("$root/corpus/graphs")
  run_stoppable "$build/fuzz-logs/$t" "$root/$fuzzer" "${args[@]}" "${dirs[@]}" \
      > "$build/fuzz-logs/$t/fuzz.log" 2>&1 || true
  grep -E '^#[0-9]+: cov|INFO: fuzzed for|stat::' "$build/fuzz-logs/$t/fuzz.log" | tail -4 || true
  if [ "$merge" = 1 ]; then
    echo "== $t: merging at most $max_new inputs with new coverage into corpus/fuzz/$t"
    merge_into_corpus "$t" "$fuzzer" "$work"
  fi
  echo "== $t: triage of $artifacts/"
  triage "$t" "$fuzzer" "$artifacts" "$label"
done

# One report of every findings log so far (each triage run's campaign wrote one).
mapfile -t logs < <(find "$findings" -name findings.jsonl | sort)
if [ ${#logs[@]} -gt 0 ]; then
  "$tapecheck" report "${logs[@]}" -o "$findings/report.html" && echo "fuzz.sh: report: $findings/report.html"
else
  echo "fuzz.sh: no findings log yet (no failing input has been found)"
fi
if [ "$stop_signal" != 0 ]; then
  echo "fuzz.sh: interrupted; every failing input so far was triaged" >&2
  exit $((128 + stop_signal))
fi
if [ "$new_findings" -gt 0 ]; then
  echo "fuzz.sh: $new_findings new finding(s): $findings/report.html (signatures: $signatures_file)" >&2
  exit 1
fi
echo "fuzz.sh: no new finding; replay the corpus with: ctest --test-dir build -L fuzz-replay"
