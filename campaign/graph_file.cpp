#include "campaign/graph_file.hpp"

#include <variant>

#include "graph/json.hpp"
#include "graph/tcg.hpp"
#include "graph/walk.hpp"
#include "reports/atomic_file.hpp"

namespace tc::campaign {

namespace {

bool requests_a_gradient(const graph::Block& block) {
  bool found = false;
  graph::walk(block, [&](const graph::Statement& s, const graph::Place&) {
    found = std::holds_alternative<graph::Gradient>(s.node);
    return found ? graph::Step::stop : graph::Step::next;
  });
  return found;
}

}  // namespace

graph::Graph load_graph_file(const std::string& path) {
  std::string text;
  try {
    text = reports::read_file(path);
  } catch (const reports::ReportError& e) {
    throw InputError(e.what());
  }
  const bool json = path.size() >= 5 && path.compare(path.size() - 5, 5, ".json") == 0;
  graph::Graph g;
  try {
    g = json ? graph::graph_from_json_text(text) : graph::parse_tcg(text);
  } catch (const graph::GraphError& e) {
    // what() is "line:col: message" (or "/json/path: message"): prefix the file.
    throw InputError(path + ":" + e.what());
  } catch (const tc::Error& e) {
    throw InputError(path + ": " + e.what());
  }
  if (!requests_a_gradient(g.body))
    throw InputError(path + ": nothing to check: the graph requests no gradient (it has no `grad` statement)");
  return g;
}

}  // namespace tc::campaign
