#include "cli/common.hpp"

#include "engine/core/format.hpp"
#include "graph/json.hpp"
#include "graph/tcg.hpp"
#include "reports/atomic_file.hpp"

namespace tc::cli {

graph::Graph load_graph(const std::string& path) {
  std::string text;
  try {
    text = reports::read_file(path);
  } catch (const reports::ReportError& e) {
    throw InputError(e.what());
  }
  const bool json = path.size() >= 5 && path.compare(path.size() - 5, 5, ".json") == 0;
  try {
    return json ? graph::graph_from_json_text(text) : graph::parse_tcg(text);
  } catch (const graph::GraphError& e) {
    // what() is "line:col: message" (or "/json/path: message"): prefix the file.
    throw InputError(path + ":" + e.what());
  } catch (const tc::Error& e) {
    throw InputError(path + ": " + e.what());
  }
}

void exit_with(int code) { throw CLI::RuntimeError(code); }

std::string fmt_num(double v) { return format_number(v, 2); }

std::string value_text(const eut::Value& v, std::size_t max_values) {
  std::string out = std::string(dtype_name(v.dtype)) + v.shape.str() + " = ";
  if (v.shape.rank() == 0 && v.data.size() == 1) return out + format_number(v.data[0]);
  out += "[";
  for (std::size_t i = 0; i < v.data.size() && i < max_values; ++i)
    out += (i ? ", " : "") + format_number(v.data[i]);
  if (v.data.size() > max_values) out += ", ... (" + std::to_string(v.data.size()) + " values)";
  return out + "]";
}

}  // namespace tc::cli
