// A graph drawn with Graphviz: the DOT text of a graph::Graph (styled to show a finding: the
// mismatching values, the path between source and target, the predicted cut, each gradient
// result's value or None), the values on that path, and `dot -Tsvg` run on the text.
#pragma once
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "graph/ir.hpp"

namespace tc::reports {

struct DotStyle {
  std::set<std::string> highlight;      // values drawn in red (a mismatching source, its target)
  // Values and operand edges on a path from path_source to path_target are drawn bold in
  // orange; `path`, when not empty, names those values instead.
  std::string path_source, path_target;
  std::vector<std::string> path;
  std::string cut;                      // the predicted cut node: a double purple border
  std::string cut_note;                 // a line added to its label ("cut: stop_gradient")
  std::map<std::string, std::string> notes;  // a line added to a value's label
  // What the engine returned for gradient(target) with respect to source, keyed by (target,
  // source): added to the result's label; "None" draws the result dashed and grey.
  std::map<std::pair<std::string, std::string>, std::string> gradient_values;
};

// Values (inputs, op results, gradient results) are nodes, operands are edges; record and
// stop_recording blocks, cond branches and loop bodies are clusters.
std::string graph_to_dot(const graph::Graph& g, const DotStyle& style);
std::string graph_to_dot(const graph::Graph& g, const std::set<std::string>& highlight = {});

// The values on some operand path from `source` to `target` (both included) and the ops
// computing them, each in the order the graph defines them. `found` is false when either name
// is not a value of `g` or no path joins them.
struct ValuePath {
  bool found = false;
  std::vector<std::string> values;
  std::vector<std::string> ops;  // each op once
};
ValuePath path_between(const graph::Graph& g, const std::string& source, const std::string& target);

// True if `g` defines a value called `name`.
bool defines_value(const graph::Graph& g, const std::string& name);

// The (target, source) of every gradient result `g` defines, in definition order.
std::vector<std::pair<std::string, std::string>> gradient_pairs(const graph::Graph& g);

struct SvgResult {
  std::string svg;    // the <svg ...>...</svg> element alone (no XML prolog, DOCTYPE or comments)
  std::string error;  // non-empty when there is no SVG: why ("Graphviz dot was not found ...")
  bool ok() const { return error.empty(); }
};

// True if `command` (a name looked up in PATH, or a path) is an executable file.
bool have_executable(const std::string& command);

// Runs `dot_command -Tsvg` on `dot` through a temporary file. Never throws.
SvgResult render_svg(const std::string& dot, const std::string& dot_command = "dot");

}  // namespace tc::reports
