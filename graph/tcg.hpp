// The `.tcg` text format: one statement per line, `#` comments, readable and writable by a
// person. docs/tcg.md is the reference. print_tcg() emits the canonical form, which
// parse_tcg() reads back: print(parse(x)) == x for every printed graph, and
// parse(print(g)) is structurally equal to g for every valid g.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "engine/core/errors.hpp"
#include "graph/ir.hpp"
#include "graph/ir_util.hpp"

namespace tc::graph {

// Every syntax or semantic error in a graph. what() is "<line>:<col>: <message>" (just the
// message when the location is unknown, e.g. graphs built in code or read from JSON, whose
// messages name the JSON path instead); callers prefix the file name.
class GraphError : public tc::Error {
 public:
  GraphError(Location loc, std::string message);
  const Location& location() const { return loc_; }
  const std::string& message() const { return message_; }

 private:
  Location loc_;
  std::string message_;
};

// Where the parts of each parsed statement are, so that semantic errors point at the exact
// token. Keyed by the Location of the statement (or input, or tape declaration).
//   names: every name in the statement, in textual order:
//     input: %name | tape: name | op: %result, %operands... | record/stop_recording: tape |
//     watch: tape, %values... | cond: %results..., %pred, then yields..., else yields... |
//     while: %results..., %init..., %params..., cond yield, body yields... |
//     grad: %results..., tape, %target, %sources..., [%output_gradients] |
//     apply_gradients: %gradients..., %variables...
//   keyword: the op name; `cond`, `while`, `grad`, `apply_gradients`; an input's dtype.
//   attrs: `name=value` items as written (ops: attribute names; inputs: "shape", "kind",
//     "trainable", "init", "seed"; tapes: "persistent", "watch_accessed_variables";
//     while: "max_iterations"; grad: "output_gradients", "unconnected";
//     apply_gradients: "learning_rate").
struct SourceMap {
  struct Spans {
    std::vector<Location> names;
    Location keyword;
    std::vector<std::pair<std::string, Location>> attrs;
    const Location* attr(std::string_view name) const;
  };
  std::unordered_map<std::uint64_t, Spans> spans;
  // Graphs read from JSON have no text positions: their Locations are {k, 0} and stand for
  // the JSON path paths[k - 1]; errors then name the path ("/body/3/operands/1: ...").
  std::vector<std::string> paths;
  // "3:7", "/body/3", or "" for an unknown location.
  std::string describe(Location at) const;
  bool is_path(Location at) const {
    return at.column == 0 && at.line > 0 && static_cast<std::size_t>(at.line) <= paths.size();
  }

  Spans& add(Location at) { return spans[key(at)]; }
  const Spans* find(Location at) const;
  static std::uint64_t key(Location at) {
    return (static_cast<std::uint64_t>(static_cast<std::uint32_t>(at.line)) << 32) |
           static_cast<std::uint32_t>(at.column);
  }
};

// Parses and validates (validate.hpp): the graph is well formed, or GraphError.
Graph parse_tcg(std::string_view text);

// Syntax only: the statements are well formed; names, ops, shapes are not checked. Fills
// `map` (if given) for validate(). Never crashes, loops or allocates beyond O(text size) on
// any input, and runs in time linear in the text.
Graph parse_tcg_syntax(std::string_view text, SourceMap* map = nullptr);

// The canonical text of `g` (ends with a newline). Prints any graph; only valid graphs are
// guaranteed to parse back.
std::string print_tcg(const Graph& g);

}  // namespace tc::graph
