# Sourced by scripts/fuzz.sh and scripts/fuzz_coverage.sh (from the repository root): the fuzz
# targets. Every fuzz/<target>_fuzzer.cpp is a target (fuzz/CMakeLists.txt adds each).
# select_fuzz_targets SCRIPT [TARGET...]: sets all_targets to every target and targets to the
# TARGETs named (default: all); an unknown name exits 2, saying so as SCRIPT.
select_fuzz_targets() {
  local script="$1" t
  shift
  mapfile -t all_targets < <(cd fuzz && ls -- *_fuzzer.cpp | sed 's/_fuzzer[.]cpp$//')
  targets=("$@")
  [ ${#targets[@]} -gt 0 ] || targets=("${all_targets[@]}")
  for t in "${targets[@]}"; do
    if ! printf '%s\n' "${all_targets[@]}" | grep -qxF "$t"; then
      echo "$script: unknown target $t (${all_targets[*]})" >&2; exit 2
    fi
  done
}
