// A graph drawn with Graphviz: the DOT text of a graph::Graph, and `dot -Tsvg` run on it.
#pragma once
#include <set>
#include <string>

#include "graph/ir.hpp"

namespace tc::reports {

// Values (inputs, op results, gradient results) are nodes, operands are edges; record and
// stop_recording blocks, cond branches and loop bodies are clusters. Values named in
// `highlight` (a mismatching source, its target) are drawn in red.
std::string graph_to_dot(const graph::Graph& g, const std::set<std::string>& highlight = {});

struct SvgResult {
  std::string svg;    // the <svg ...>...</svg> element alone (no XML prolog or DOCTYPE)
  std::string error;  // non-empty when there is no SVG: why ("Graphviz dot was not found ...")
  bool ok() const { return error.empty(); }
};

// True if `command` (a name looked up in PATH, or a path) is an executable file.
bool have_executable(const std::string& command);

// Runs `dot_command -Tsvg` on `dot` through a temporary file. Never throws.
SvgResult render_svg(const std::string& dot, const std::string& dot_command = "dot");

}  // namespace tc::reports
