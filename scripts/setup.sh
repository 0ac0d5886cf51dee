#!/usr/bin/env bash
# Installs missing Debian 12 packages, then configures one CMake preset and builds it.
# Usage: scripts/setup.sh [preset] [target...]     (default preset: default; default: all targets)
#   Building everything (the tests) also installs what the optional parts need, so that CI
#   builds and tests them on every run: libtorch-dev (the libtorch engine), chromium and
#   libpng-dev (the browser tests), clang-14 with libFuzzer (the fuzz-build tests).
#   Naming targets (the main job: `tapecheck`) installs only what building needs.
set -euo pipefail
cd "$(dirname "$0")/.."
preset=${1:-default}
shift || true
targets=("$@")

packages=(cmake ninja-build g++ ccache libeigen3-dev librapidcheck-dev libgtest-dev libgmock-dev
          libbenchmark-dev nlohmann-json3-dev libcli11-dev libomp-14-dev graphviz libtcmalloc-minimal4)
if [ ${#targets[@]} -eq 0 ]; then
  packages+=(libtorch-dev chromium libpng-dev clang-14 libfuzzer-14-dev libclang-rt-14-dev)
fi
if [ "$preset" = fuzz ]; then packages+=(clang-14 libfuzzer-14-dev libclang-rt-14-dev); fi
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Cache compilations across clones (CI builds a fresh clone): hash paths relative to here.
export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=1
cmake --preset "$preset" >/dev/null
if [ ${#targets[@]} -gt 0 ]; then
  cmake --build --preset "$preset" -j "$(nproc)" --target "${targets[@]}"
else
  cmake --build --preset "$preset" -j "$(nproc)"
fi
