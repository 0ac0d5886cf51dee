// Arbitrary bytes as .tcg text. Asserts (docs/fuzzing.md):
//   - parse_tcg_syntax and parse_tcg either succeed or throw a tc::Error (GraphError);
//     no crash, no other exception, no sanitizer report, no hang;
//   - print_tcg prints whatever parse_tcg_syntax returns;
//   - for every graph parse_tcg accepts, the .tcg and JSON round trips hold
//     (check_round_trips in fuzz_common.hpp).
#include <cstddef>
#include <cstdint>

#include "fuzz/fuzz_common.hpp"

namespace {
constexpr const char* kTarget = "tcg_parse_fuzzer";
}

// Statement-level mutations keep more mutants valid (fuzz_common.hpp).
TAPECHECK_TEXT_MUTATOR()

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace tc;
  const std::string_view text = fuzz::as_text(data, size);

  // Syntax only: any statement list it accepts must print (validity is not required).
  fuzz::refuses(kTarget, "parse_tcg_syntax/print_tcg", [&] {
    graph::SourceMap map;
    const graph::Graph syntax = graph::parse_tcg_syntax(text, &map);
    (void)graph::print_tcg(syntax);
  });

  graph::Graph g;
  if (fuzz::refuses(kTarget, "parse_tcg", [&] { g = graph::parse_tcg(text); })) return 0;
  fuzz::check_round_trips(kTarget, g);
  return 0;
}
