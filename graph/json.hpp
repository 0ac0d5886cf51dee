// The JSON spelling of the graph IR (docs/tcg.md "JSON form"). Names carry no '%'; doubles
// are JSON numbers, except non-finite ones, which are the strings "nan", "inf", "-inf".
// to_json always writes every field; graph_from_json accepts missing optional fields (their
// defaults) and rejects unknown keys. JSON -> Graph -> JSON gives back to_json's output.
#pragma once
#include <nlohmann/json.hpp>
#include <string_view>

#include "graph/ir.hpp"
#include "graph/tcg.hpp"

namespace tc::graph {

nlohmann::json to_json(const Graph& g);

// Reads and validates (validate.hpp). Errors are GraphError with an unknown Location and
// the JSON path in the message: "/body/2/operands/0: undefined value %x".
Graph graph_from_json(const nlohmann::json& j);

// The same from JSON text; a JSON syntax error is a GraphError too, located at the line and
// column of the offending character ("3:14: unexpected '}': ...").
Graph graph_from_json_text(std::string_view text);

// A JSON syntax error in our words: the 1-based line and column in `text` where it is, and what
// is wrong. `e` is what nlohmann::json::parse threw for `text` (its own wording never reaches
// the user). The findings log reader uses this too.
struct JsonSyntaxError {
  Location at;
  std::string message;
};
JsonSyntaxError describe_json_error(std::string_view text, const nlohmann::json::exception& e);

}  // namespace tc::graph
