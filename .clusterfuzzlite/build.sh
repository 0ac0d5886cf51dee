#!/bin/bash -eu
# ClusterFuzzLite / OSS-Fuzz build (docs/fuzzing.md "Continuous fuzzing"): the fuzz targets
# of fuzz/CMakeLists.txt with the environment's $CXX, $CXXFLAGS and $LIB_FUZZING_ENGINE, their
# seed corpora as <target>_seed_corpus.zip, dictionaries and libFuzzer options, all in $OUT.
targets="tcg_parse json_graph engine_run"

# CMake reads $CXX and $CXXFLAGS (sanitizers, coverage) from the environment on first configure.
cmake -S "$SRC/tapecheck" -B "$WORK/build" -G Ninja \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DBUILD_TESTING=OFF -DTAPECHECK_BUILD_BENCH=OFF \
  -DTAPECHECK_FUZZ=ON -DTAPECHECK_FUZZ_ENGINE="$LIB_FUZZING_ENGINE" \
  -DCMAKE_BUILD_RPATH='$ORIGIN/lib'
fuzzers=""
for t in $targets; do fuzzers="$fuzzers ${t}_fuzzer"; done
cmake --build "$WORK/build" --target tapecheck_fuzz_dict $fuzzers

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
  dict=tcg.dict
  [ "$t" = json_graph ] && dict=json.dict
  printf '[libfuzzer]\ndict = %s\nmax_len = 16384\ntimeout = 25\n' "$dict" > "$OUT/${t}_fuzzer.options"
  # Seeds: the target's checked-in corpus (with minimized regressions) and the seed graphs.
  rm -f "$OUT/${t}_fuzzer_seed_corpus.zip"
  zip -q -j "$OUT/${t}_fuzzer_seed_corpus.zip" "$SRC/tapecheck/corpus/fuzz/$t"/* \
      "$SRC/tapecheck/corpus/graphs"/*.tcg
done
