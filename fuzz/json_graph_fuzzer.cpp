// Arbitrary bytes as the JSON form of a graph. Asserts (docs/fuzzing.md):
//   - graph_from_json_text either succeeds or throws a tc::Error (GraphError, JSON syntax
//     errors included); no crash, no nlohmann or other exception, no sanitizer report;
//   - for every graph it accepts, the .tcg and JSON round trips hold (check_round_trips).
#include <cstddef>
#include <cstdint>

#include "fuzz/fuzz_common.hpp"

namespace {
constexpr const char* kTarget = "json_graph_fuzzer";
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace tc;
  graph::Graph g;
  if (fuzz::refuses(kTarget, "graph_from_json_text",
                    [&] { g = graph::graph_from_json_text(fuzz::as_text(data, size)); }))
    return 0;
  fuzz::check_round_trips(kTarget, g);
  return 0;
}
