#include "campaign/fault_path.hpp"

#include <algorithm>
#include <exception>
#include <optional>
#include <set>
#include <variant>

#include "graph/validate.hpp"
#include "graph/walk.hpp"
#include "reports/graph_dot.hpp"

namespace tc::campaign {

namespace {

// `g` up to its first gradient(target) with respect to `source`, that statement asking for
// d target/d v alone; everything after it dropped (later statements may read its results).
// Null when there is no such statement in straight-line code or the copy is not valid (v is
// not visible there: inside a cond branch or a loop block).
std::optional<graph::Graph> asking_for(const graph::Graph& g, const std::string& target, const std::string& source,
                                       const std::string& v) {
  graph::Graph copy = g;
  bool reached = false;
  graph::rewrite(
      copy.body,
      [&](graph::Statement&& s, graph::Block& out, const graph::Place&) {
        if (auto* gr = std::get_if<graph::Gradient>(&s.node)) {
          if (reached) return;
          if (gr->target == target &&
              std::find(gr->sources.begin(), gr->sources.end(), source) != gr->sources.end()) {
            reached = true;
            gr->sources = {v};
            gr->results = {"fault_path_gradient"};
            gr->output_gradients.reset();
            gr->unconnected = graph::Unconnected::none;
          }
          return out.push_back(std::move(s));
        }
        if (!reached) return out.push_back(std::move(s));
        // After it only the tape blocks that hold it (and what came before it) stay.
        bool holds = false;
        graph::for_each_block(s, [&](const graph::Block& b, graph::BlockRole role) {
          holds = holds || (!graph::is_control_flow(role) && !b.empty());
        });
        if (holds) out.push_back(std::move(s));
      },
      graph::Enter::tape_blocks);
  if (!reached) return std::nullopt;
  try {
    graph::validate(copy);
  } catch (const std::exception&) {
    return std::nullopt;
  }
  return copy;
}

// Whether the engine's d target/d v mismatches in `copy` (nullopt: no verdict either way).
std::optional<bool> wrong(const graph::Graph& copy, const std::string& target, const std::string& v,
                          eut::EngineUnderTest& engine, const oracles::CheckOptions& options) {
  const oracles::CheckReport r = oracles::check_graph(copy, engine, options);
  for (const oracles::SourceVerdict& s : r.sources)
    if (s.target == target && s.source == v) {
      if (s.verdict == oracles::Verdict::mismatch) return true;
      if (s.verdict == oracles::Verdict::agree) return false;
    }
  return std::nullopt;
}

}  // namespace

FaultPath fault_path(const graph::Graph& g, const std::string& target, const std::string& source,
                     eut::EngineUnderTest& engine, const oracles::CheckOptions& options, int max_checks,
                     std::chrono::steady_clock::time_point deadline) {
  FaultPath out;
  try {
    const reports::ValuePath all = reports::path_between(g, source, target);
    if (!all.found) return out;
    // The values strictly between source and target, nearest the target first.
    std::vector<std::string> between;
    for (const std::string& v : all.values)
      if (v != source && v != target) between.push_back(v);
    std::reverse(between.begin(), between.end());
    out.last_wrong = source;
    int checks = 0;
    for (const std::string& v : between) {
      if (checks >= max_checks || std::chrono::steady_clock::now() >= deadline) break;
      const std::optional<graph::Graph> copy = asking_for(g, target, source, v);
      if (!copy) continue;
      ++checks;
      if (wrong(*copy, target, v, engine, options).value_or(false)) {
        out.last_wrong = v;
        break;
      }
    }
    // Every value on a path source → last_wrong → target, in the order `all` has them.
    std::set<std::string> through;
    for (const auto& leg : {reports::path_between(g, source, out.last_wrong), reports::path_between(g, out.last_wrong, target)})
      through.insert(leg.values.begin(), leg.values.end());
    for (const std::string& v : all.values)
      if (through.count(v)) out.values.push_back(v);
  } catch (const std::exception&) {
    return {};
  }
  return out;
}

}  // namespace tc::campaign
