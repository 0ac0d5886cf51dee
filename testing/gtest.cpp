#include "testing/gtest.hpp"

#include <fstream>
#include <sstream>

#include "engine/core/errors.hpp"
#include "graph/tcg.hpp"

namespace tc::testing {

::testing::AssertionResult GradientsMatch(const char* engine_expr, const char* graph_expr,
                                          eut::EngineUnderTest& engine, const graph::Graph& g,
                                          const oracles::CheckOptions& options) {
  const oracles::CheckReport report = oracles::check_graph(g, engine, options);
  if (report.verdict != oracles::Verdict::mismatch) return ::testing::AssertionSuccess();
  std::ostringstream os;
  os << "engine " << engine_expr << " (" << report.engine << ") mismatches on graph " << graph_expr << ":\n";
  for (const oracles::SourceVerdict& s : report.sources)
    if (s.verdict == oracles::Verdict::mismatch)
      os << "  [" << s.gradient << "] " << (s.source.empty() ? "(the call)" : s.source) << " " << s.oracle << ": "
         << s.detail << "\n";
  os << "the graph:\n" << graph::print_tcg(g);
  return ::testing::AssertionFailure() << os.str();
}

graph::Graph load_tcg(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw Error(path + ": cannot read it");
  std::stringstream text;
  text << in.rdbuf();
  try {
    return graph::parse_tcg(text.str());
  } catch (const std::exception& e) {
    throw Error(path + ":" + e.what());
  }
}

}  // namespace tc::testing
