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

// The same from JSON text; a JSON syntax error is a GraphError too.
Graph graph_from_json_text(std::string_view text);

}  // namespace tc::graph
