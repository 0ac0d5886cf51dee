#include "campaign/graph_file.hpp"

#include <variant>

#include "graph/json.hpp"
#include "graph/tcg.hpp"
#include "reports/atomic_file.hpp"

namespace tc::campaign {

namespace {

// A hand-written recursion over nested blocks until graph/walk.hpp (issue 10) gives the one walk.
bool requests_a_gradient(const graph::Block& block) {
  for (const graph::Statement& s : block) {
    const bool found = std::visit(
        [](const auto& node) {
          using T = std::decay_t<decltype(node)>;
          if constexpr (std::is_same_v<T, graph::Gradient>) return true;
          else if constexpr (std::is_same_v<T, graph::Record> || std::is_same_v<T, graph::StopRecording>)
            return requests_a_gradient(node.body);
          else if constexpr (std::is_same_v<T, graph::Cond>)
            return requests_a_gradient(node.then_body) || requests_a_gradient(node.else_body);
          else if constexpr (std::is_same_v<T, graph::While>)
            return requests_a_gradient(node.cond_body) || requests_a_gradient(node.body);
          else
            return false;
        },
        s.node);
    if (found) return true;
  }
  return false;
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
