// Reading a graph file as every command and the campaign's corpus do: a .tcg file (or a JSON
// graph, *.json), parsed and validated, with errors located as "FILE:LINE:COLUMN: message".
#pragma once
#include <string>

#include "engine/core/errors.hpp"
#include "graph/ir.hpp"

namespace tc::campaign {

// Bad input, worded for the user: "FILE:LINE:COLUMN: message" or "FILE: message". The CLI
// prints it and exits 2.
struct InputError : tc::Error {
  using tc::Error::Error;
};

// Reads, parses and validates `path`. A graph with no gradient request has nothing to check:
// that too is an InputError.
graph::Graph load_graph_file(const std::string& path);

}  // namespace tc::campaign
