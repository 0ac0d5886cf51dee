#!/usr/bin/env bash
# One run of the side-by-side benchmark on BENCH_GRAPH (bench/BENCHMARKS.md): builds
# vs_torch_bench in the release preset (build-release/, -j2) and runs it. It prints the machine's
# load, Google Benchmark's table, then the summary: tapecheck's full check / torch gradcheck and
# projection / gradcheck(fast_mode=True), with the reference engine and with PyTorch's autograd
# (the libtorch adapter) as the engine under test. Needs Debian's python3-torch for the torch side.
set -euo pipefail
cd "$(dirname "$0")/../.."
export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=1
[ -f build-release/CMakeCache.txt ] || cmake --preset release >/dev/null
cmake --build build-release -j2 --target vs_torch_bench
echo "commit $(git rev-parse --short HEAD), $(date -u '+%Y-%m-%d %H:%M UTC'), $(uptime | sed 's/.*load/load/')"
build-release/bin/vs_torch_bench "$@"
echo "after the run: $(uptime | sed 's/.*load/load/')"
