// The graph IR: an engine-independent description of one gradient computation — inputs,
// ops from the op table, recording regions, control flow and gradient requests. The `.tcg`
// text format (tcg.hpp) and its JSON form are two spellings of this structure. Engines
// under test run it (eut/); oracles evaluate it generically (eval.hpp).
//
// Names are SSA: every value (input, op result, cond/while result, loop parameter, gradient
// result) is defined exactly once in the whole graph, and used only after its definition.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "engine/core/dtype.hpp"
#include "engine/core/shape.hpp"
#include "engine/ops/op_def.hpp"

namespace tc::graph {

struct Location {
  int line = 0, column = 0;  // 1-based; 0 = unknown (graphs built in code)
};

// How an input's values are obtained: listed, or drawn from a seeded distribution.
struct Init {
  enum class Kind : std::uint8_t { values, uniform, normal };
  Kind kind = Kind::uniform;
  std::vector<double> values;  // Kind::values: numel() values, row-major
  double a = -1.0, b = 1.0;    // uniform(a, b); normal(mean a, stddev b)
  std::uint64_t seed = 0;
};

enum class InputKind : std::uint8_t { constant, variable };

struct Input {
  std::string name;
  DType dtype = DType::f64;
  Shape shape;
  InputKind kind = InputKind::constant;
  bool trainable = true;  // variables only (R2)
  Init init;
  Location loc;
};

struct TapeDecl {
  std::string name;
  bool persistent = false;
  bool watch_accessed_variables = true;
  Location loc;
};

enum class Unconnected : std::uint8_t { none, zero };  // R7

struct Statement;
using Block = std::vector<Statement>;

// %result = <op> %operand ... attr=value ...
struct OpStmt {
  std::string result;
  std::string op;  // an op-table name
  std::vector<std::string> operands;
  OpAttrs attrs;
};

// Ops in `body` run while `tape` records (R1). Tapes nest by nesting blocks.
struct Record {
  std::string tape;
  Block body;
};

// tape.stop_recording(): ops in `body` are not recorded by `tape`.
struct StopRecording {
  std::string tape;
  Block body;
};

// tape.watch(values...)
struct Watch {
  std::string tape;
  std::vector<std::string> values;
};

// results = cond(pred, then, else) (R11): `pred` is a scalar bool; each branch yields one
// value per result; only the taken branch runs.
struct Cond {
  std::vector<std::string> results;
  std::string pred;
  Block then_body;
  std::vector<std::string> then_yield;
  Block else_body;
  std::vector<std::string> else_yield;
};

// results = while_loop(cond, body, init): `params` name the loop variables inside both
// blocks; `cond_body` yields a scalar bool `cond_yield`; `body` yields the next values.
struct While {
  std::vector<std::string> results;
  std::vector<std::string> init;
  std::vector<std::string> params;
  Block cond_body;
  std::string cond_yield;
  Block body;
  std::vector<std::string> body_yield;
  std::int64_t max_iterations = 1000;
};

// results = tape.gradient(target, sources, output_gradients, unconnected). One result per
// source; a None result is a value that later statements must not use (an error, as in TF).
struct Gradient {
  std::vector<std::string> results;
  std::string tape;
  std::string target;
  std::vector<std::string> sources;
  std::optional<std::string> output_gradients;
  Unconnected unconnected = Unconnected::none;
};

// optimizer.apply_gradients(zip(gradients, variables)): one plain SGD step (R14),
// variable -= learning_rate * gradient. Only at the top level of the graph (never inside a
// record, stop_recording, cond or while block), each gradient a result of a grad statement and
// each variable a graph input of kind variable. A None gradient is allowed here (it is the
// point of the statement): all None raises "No gradients provided for any variable", some
// None warns and leaves those variables unchanged. Later statements read the updated values.
struct ApplyGradients {
  std::vector<std::string> gradients;
  std::vector<std::string> variables;  // one per gradient, in order
  double learning_rate = 0.01;
};

struct Statement {
  std::variant<OpStmt, Record, StopRecording, Watch, Cond, While, Gradient, ApplyGradients> node;
  Location loc;
};

struct Graph {
  std::string name;  // optional, from `graph <name>`
  std::vector<Input> inputs;
  std::vector<TapeDecl> tapes;
  Block body;
};

}  // namespace tc::graph
