// gradient_check: bytes -> a valid graph from the property generator's choices
// (fuzz/gradient_check.hpp) -> the engine TAPECHECK_ENGINE names (default `reference`; any
// name `tapecheck engines` lists: mutant:NAME, libtorch when built, plugin:PATH) -> every oracle
// (oracles::check_graph). A mismatch prints its signature, the facts and the graph, and aborts,
// so libFuzzer keeps the input; `tapecheck fuzz-input-to-tcg` turns the input into its .tcg for
// `tapecheck replay`. Coverage comes from the generator, the engine and the oracles together.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>

#include "eut/engines.hpp"
#include "fuzz/fuzz_common.hpp"
#include "fuzz/gradient_check.hpp"

namespace {
constexpr const char* kTarget = "gradient_check_fuzzer";

// Inputs past this many bytes add nothing: the generator's choices for the largest program
// fit well within it (kept in the .options file as max_len too).
constexpr std::size_t kMaxInput = 4096;

tc::eut::EngineUnderTest& engine() {
  static const std::unique_ptr<tc::eut::EngineUnderTest> e = [] {
    const char* name = std::getenv("TAPECHECK_ENGINE");
    const std::string n = name && *name ? name : "reference";
    try {
      return tc::eut::make_engine(n);
    } catch (const std::exception& ex) {
      std::fprintf(stderr, "%s: TAPECHECK_ENGINE=%s: %s\n", kTarget, n.c_str(), ex.what());
      std::exit(2);
    }
  }();
  return *e;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace tc;
  if (size > kMaxInput) return 0;
  graph::Graph g;
  try {
    g = fuzz::graph_from_fuzz_input(data, size);
  } catch (const std::exception& e) {
    fuzz::fail(kTarget, std::string("the generator threw: ") + e.what());
  }
  // The generator keeps graphs small, but a while_loop's trips or a broadcast can still add up:
  // a slow input is not a finding (fuzz_common.hpp's budget, as engine_run's).
  if (!fuzz::within_budget(g)) return 0;
  const oracles::CheckReport report = oracles::check_graph(g, engine(), fuzz::gradient_check_check_options());
  const std::vector<fuzz::MismatchFacts> found = fuzz::mismatches(g, report);
  if (found.empty()) return 0;
  std::string what = "the oracles disagree with engine " + report.engine + "\n";
  for (const fuzz::MismatchFacts& m : found)
    what += "signature: " + fuzz::signature(m) + "\n  gradient #" + std::to_string(m.gradient) + " d%" + m.target +
            "/d" + (m.source.empty() ? "(call)" : "%" + m.source) + ": " + m.detail + "\n";
  fuzz::fail(kTarget, what, fuzz::printed_or_note(g));
}
