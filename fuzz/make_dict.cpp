// Prints a libFuzzer dictionary (-dict=) for the .tcg or the JSON spelling of graphs:
//   tapecheck_fuzz_dict tcg  > tcg.dict
//   tapecheck_fuzz_dict json > json.dict
// Op and attribute names come from the op table and graph/ir_util.hpp, so the dictionary
// follows the table; only the grammar's own words are listed here (docs/tcg.md).
#include <cstdio>
#include <set>
#include <string>
#include <string_view>

#include "engine/ops/op_table.hpp"
#include "graph/ir_util.hpp"

namespace {

void entry(std::set<std::string>& out, std::string_view token) {
  std::string quoted = "\"";
  for (char c : token) {
    if (c == '"' || c == '\\') {
      quoted += '\\';
      quoted += c;
    } else if (c < ' ' || c > '~') {
      char hex[5];
      std::snprintf(hex, sizeof hex, "\\x%02X", static_cast<unsigned char>(c));
      quoted += hex;
    } else {
      quoted += c;
    }
  }
  out.insert(quoted + "\"");
}

}  // namespace

int main(int argc, char** argv) {
  const std::string_view form = argc > 1 ? argv[1] : "";
  if (form != "tcg" && form != "json") {
    std::fprintf(stderr, "usage: %s tcg|json\n", argv[0]);
    return 2;
  }
  std::set<std::string> out;
  for (const char* dtype : {"f32", "f64", "i32", "bool"}) entry(out, dtype);
  for (const char* word : {"true", "false", "nan", "inf", "-inf", "-0", "1e+300", "0.1"})
    entry(out, word);
  if (form == "tcg") {
    for (const char* word :
         {"graph ", "input %", "tape ", "record ", "stop_recording ", "watch ", " = cond ",
          " = while ", " = grad ", " wrt ", "yield ", "} else {", "} do {", " {\n", "}\n",
          "constant", "variable", "trainable=false", "values(", "uniform(", "normal(", "seed=",
          "persistent", "watch_accessed_variables=false", "max_iterations=", "output_gradients=",
          "unconnected=zero", "unconnected=none", "%x", ", %", "[2,3]", "[]", ": f64[", "#"})
      entry(out, word);
    for (const tc::graph::AttrField& f : tc::graph::attr_fields())
      entry(out, std::string(" ") + f.name + "=");
  } else {
    for (const char* key :
         {"name", "inputs", "tapes", "body", "kind", "dtype", "shape", "trainable", "init",
          "values", "lo", "hi", "mean", "stddev", "seed", "persistent", "watch_accessed_variables",
          "result", "op", "operands", "attrs", "tape", "results", "pred", "then", "then_yield",
          "else", "else_yield", "init", "params", "cond", "cond_yield", "body_yield",
          "max_iterations", "target", "sources", "output_gradients", "unconnected"})
      entry(out, std::string("\"") + key + "\":");
    for (const char* word : {"constant", "variable", "uniform", "normal", "record",
                             "stop_recording", "watch", "cond", "while", "grad", "none", "zero",
                             "op"})
      entry(out, std::string("\"") + word + "\"");
    for (const tc::graph::AttrField& f : tc::graph::attr_fields())
      entry(out, std::string("\"") + f.name + "\":");
  }
  for (const tc::OpDef* op : tc::op_table()) entry(out, form == "json" ? std::string("\"") + op->name + "\"" : op->name);
  for (const std::string& line : out) std::printf("%s\n", line.c_str());
  return 0;
}
