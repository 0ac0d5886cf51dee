#!/bin/bash -eu
# ClusterFuzzLite / OSS-Fuzz build (docs/fuzzing.md "ClusterFuzzLite"): every fuzz target of
# fuzz/CMakeLists.txt built with the environment's $CC/$CXX, $CFLAGS/$CXXFLAGS (sanitizers,
# coverage) and $LIB_FUZZING_ENGINE, into $OUT with, per target, <target>.options (libFuzzer
# options; the dictionary where one helps), <target>_seed_corpus.zip, and the dictionaries.
# $SRC/tapecheck is the source, $WORK the scratch space (the CMake build). The ctest
# fuzz-build.clusterfuzzlite runs this script here with the variables set as ClusterFuzzLite
# sets them (tests/fuzz/clusterfuzzlite_build_test.sh).
# Every fuzz/<target>_fuzzer.cpp is a target (fuzz/CMakeLists.txt adds each).
targets=$(cd "$SRC/tapecheck/fuzz" && ls -- *_fuzzer.cpp | sed 's/_fuzzer[.]cpp$//')

# CMake reads $CXX and $CXXFLAGS from the environment on first configure. ccache, where there is
# one (here; not in the base-builder image), keeps a rebuild of an unchanged tree short.
launcher=""
command -v ccache > /dev/null && launcher="-DCMAKE_CXX_COMPILER_LAUNCHER=ccache"
cmake -S "$SRC/tapecheck" -B "$WORK/build" -G Ninja $launcher \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DBUILD_TESTING=OFF -DTAPECHECK_BUILD_BENCH=OFF \
  -DTAPECHECK_FUZZ=ON -DTAPECHECK_FUZZ_ENGINE="$LIB_FUZZING_ENGINE" \
  -DCMAKE_BUILD_RPATH='$ORIGIN/lib'
fuzzers=""
for t in $targets; do fuzzers="$fuzzers ${t}_fuzzer"; done
cmake --build "$WORK/build" -j "$(nproc)" --target tapecheck_fuzz_dict $fuzzers

# The runner image has no OpenMP runtime: ship whatever non-system library the targets load.
mkdir -p "$OUT/lib"
for t in $targets; do
  cp "$WORK/build/bin/${t}_fuzzer" "$OUT/"
  ldd "$OUT/${t}_fuzzer" | awk '/=> \// && /lib(omp|gomp|iomp)/ {print $3}' | \
    xargs -r -I{} cp -L {} "$OUT/lib/"
done

# Dictionaries come from the op table (fuzz/make_dict.cpp); the tool is sanitized too, so
# run it without leak checking in case the build environment forbids ptrace.
ASAN_OPTIONS=detect_leaks=0 "$WORK/build/bin/tapecheck_fuzz_dict" tcg > "$OUT/tcg.dict"
ASAN_OPTIONS=detect_leaks=0 "$WORK/build/bin/tapecheck_fuzz_dict" json > "$OUT/json.dict"

for t in $targets; do
  rm -f "$OUT/${t}_fuzzer_seed_corpus.zip"
  case "$t" in
    gradient_check)
      # Its bytes are the generator's choices, not text: no dictionary, no .tcg seeds; inputs
      # longer than 4096 bytes are skipped by the target (gradient_check_fuzzer.cpp). No
      # entropic schedule: with its ~10^5 features per input, libFuzzer 14's entropic
      # bookkeeping took 78 % of the CPU; without it 3x the inputs and more coverage in the
      # same time (docs/fuzzing.md).
      printf '[libfuzzer]\nmax_len = 4096\ntimeout = 25\nentropic = 0\n' > "$OUT/${t}_fuzzer.options"
      zip -q -j "$OUT/${t}_fuzzer_seed_corpus.zip" "$SRC/tapecheck/corpus/fuzz/$t"/*
      ;;
    *)
      dict=tcg.dict
      [ "$t" = json_graph ] && dict=json.dict
      printf '[libfuzzer]\ndict = %s\nmax_len = 16384\ntimeout = 25\n' "$dict" > "$OUT/${t}_fuzzer.options"
      # Seeds: the target's checked-in corpus (with minimized regressions) and the seed graphs.
      zip -q -j "$OUT/${t}_fuzzer_seed_corpus.zip" "$SRC/tapecheck/corpus/fuzz/$t"/* \
          "$SRC/tapecheck/corpus/graphs"/*.tcg
      ;;
  esac
done
