// Building graph::Graph values in test code, until (and besides) the .tcg parser: one short
// function per IR node, so a test graph reads close to its .tcg text.
#pragma once
#include <initializer_list>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "graph/ir.hpp"

namespace tc::test::ir {

using graph::Block;
using graph::Statement;

inline graph::Location at(int line, int column = 1) { return {line, column}; }

inline graph::Input constant(std::string name, Shape shape, std::vector<double> values,
                             DType dtype = DType::f64) {
  graph::Input in;
  in.name = std::move(name);
  in.dtype = dtype;
  in.shape = shape;
  in.kind = graph::InputKind::constant;
  in.init.kind = graph::Init::Kind::values;
  in.init.values = std::move(values);
  return in;
}

inline graph::Input variable(std::string name, Shape shape, std::vector<double> values,
                             bool trainable = true, DType dtype = DType::f64) {
  graph::Input in = constant(std::move(name), shape, std::move(values), dtype);
  in.kind = graph::InputKind::variable;
  in.trainable = trainable;
  return in;
}

inline graph::TapeDecl tape(std::string name, bool persistent = false,
                            bool watch_accessed_variables = true) {
  graph::TapeDecl t;
  t.name = std::move(name);
  t.persistent = persistent;
  t.watch_accessed_variables = watch_accessed_variables;
  return t;
}

inline Statement op(std::string result, std::string name, std::vector<std::string> operands,
                    OpAttrs attrs = {}, graph::Location loc = {}) {
  return {graph::OpStmt{std::move(result), std::move(name), std::move(operands), std::move(attrs)},
          loc};
}

inline Statement record(std::string tape, Block body, graph::Location loc = {}) {
  return {graph::Record{std::move(tape), std::move(body)}, loc};
}

inline Statement stop_recording(std::string tape, Block body, graph::Location loc = {}) {
  return {graph::StopRecording{std::move(tape), std::move(body)}, loc};
}

inline Statement watch(std::string tape, std::vector<std::string> values, graph::Location loc = {}) {
  return {graph::Watch{std::move(tape), std::move(values)}, loc};
}

inline Statement gradient(std::vector<std::string> results, std::string tape, std::string target,
                          std::vector<std::string> sources, graph::Location loc = {},
                          std::optional<std::string> output_gradients = std::nullopt,
                          graph::Unconnected unconnected = graph::Unconnected::none) {
  graph::Gradient g;
  g.results = std::move(results);
  g.tape = std::move(tape);
  g.target = std::move(target);
  g.sources = std::move(sources);
  g.output_gradients = std::move(output_gradients);
  g.unconnected = unconnected;
  return {std::move(g), loc};
}

inline Statement cond(std::vector<std::string> results, std::string pred, Block then_body,
                      std::vector<std::string> then_yield, Block else_body,
                      std::vector<std::string> else_yield, graph::Location loc = {}) {
  graph::Cond c;
  c.results = std::move(results);
  c.pred = std::move(pred);
  c.then_body = std::move(then_body);
  c.then_yield = std::move(then_yield);
  c.else_body = std::move(else_body);
  c.else_yield = std::move(else_yield);
  return {std::move(c), loc};
}

inline Statement while_loop(std::vector<std::string> results, std::vector<std::string> init,
                            std::vector<std::string> params, Block cond_body,
                            std::string cond_yield, Block body,
                            std::vector<std::string> body_yield,
                            std::int64_t max_iterations = 1000, graph::Location loc = {}) {
  graph::While w;
  w.results = std::move(results);
  w.init = std::move(init);
  w.params = std::move(params);
  w.cond_body = std::move(cond_body);
  w.cond_yield = std::move(cond_yield);
  w.body = std::move(body);
  w.body_yield = std::move(body_yield);
  w.max_iterations = max_iterations;
  return {std::move(w), loc};
}

inline OpAttrs axes(std::vector<std::int64_t> a) {
  OpAttrs attrs;
  attrs.axes = std::move(a);
  return attrs;
}

}  // namespace tc::test::ir
