#!/usr/bin/env bash
# One run of the side-by-side benchmark on BENCH_GRAPH (bench/BENCHMARKS.md): builds
# vs_torch_bench in the release preset (build-release/, -j2; TAPECHECK_BENCH_BUILD=build uses the
# default preset's -O2 build instead, saying so) and runs it. It prints the machine's
# load, Google Benchmark's table, then the summary: tapecheck's full check / torch gradcheck and
# projection / gradcheck(fast_mode=True), with the reference engine and with PyTorch's autograd
# (the libtorch adapter) as the engine under test. Needs Debian's python3-torch for the torch side.
set -euo pipefail
cd "$(dirname "$0")/../.."
export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=1
dir="${TAPECHECK_BENCH_BUILD:-build-release}"
if [ "$dir" = build-release ]; then
  [ -f build-release/CMakeCache.txt ] || cmake --preset release >/dev/null
else
  [ -f "$dir/CMakeCache.txt" ] || { echo "run.sh: $dir is not a configured build directory" >&2; exit 2; }
fi
cmake --build "$dir" -j2 --target vs_torch_bench
echo "commit $(git rev-parse --short HEAD), $(date -u '+%Y-%m-%d %H:%M UTC'), build $dir" \
     "($(grep -m1 '^CMAKE_BUILD_TYPE' "$dir/CMakeCache.txt")), $(uptime | sed 's/.*load/load/')"
"$dir/bin/vs_torch_bench" "$@"
echo "after the run: $(uptime | sed 's/.*load/load/')"
