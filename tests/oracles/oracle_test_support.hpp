// What the numerical oracles' tests share: the graphs they all check (one input through a
// body, BENCH_GRAPH), the reference engine's run of a graph, a wrong engine made by scaling
// its gradient, and the bitwise comparison behind their thread-count determinism tests.
#pragma once
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include "eut/engine_under_test.hpp"
#include "graph/ir.hpp"
#include "graph/tcg.hpp"
#include "oracles/finding.hpp"
#include "tests/eut/ir_builder.hpp"

namespace tc::oracles::test_support {

using namespace tc::test::ir;  // NOLINT

// loss = sum(body(x)) with respect to one trainable input %x of shape [x.size()]; `body`
// reads %x and defines %loss.
inline graph::Graph one_input_graph(std::vector<double> x, Block body, DType dtype = DType::f64) {
  graph::Graph g;
  const Shape shape{static_cast<std::int64_t>(x.size())};
  g.inputs = {variable("%x", shape, std::move(x), true, dtype)};
  g.tapes = {tape("t")};
  g.body = {record("t", std::move(body)), gradient({"%g"}, "t", "%loss", {"%x"})};
  return g;
}

// f = exp(1/(‖x‖ − k) − c) at x = (3, 4): ‖x‖ − k = 7.2e-4 and c cancels 1/7.2e-4, so f ≈ 1
// and its gradient ~1.5e6 live in a peak of width ~1e-5 next to the pole — narrower than any
// difference step (a gradient_check fuzz input, reduced). Every sample a step away underflows
// or overflows; the exact oracles (complex step, forward mode) still see the point.
inline graph::Graph narrow_peak_graph() {
  return graph::parse_tcg(R"(graph narrow_peak
input %x: f64[2] variable values(3, 4)
input %k: f64[] constant values(-4.99928)
input %one: f64[] constant values(1)
input %c: f64[] constant values(-1388.8872)
tape t
record t {
  %n = norm %x axes=[] keepdims=false ord=2
  %d = add %n %k
  %r = div %one %d
  %e = add %r %c
  %f = exp %e
}
%g = grad t %f wrt %x
)");
}

// The BENCH_GRAPH of ../shared/BENCH_GRAPH.md (8×8 sources, 8 iterations: it amplifies
// perturbations, so its gradients are ~1e3 and the engine's rounding grows faster than the
// depth): x = tanh(a @ b) + sigmoid(c); 8×: x = exp(-(x·x))·b + log1p(c·c) - sin(x) @ a.
inline graph::Graph bench_graph(DType dtype) {
  graph::Graph g;
  for (const char* name : {"%a", "%b", "%c"}) {
    graph::Input in = variable(name, Shape{8, 8}, {}, true, dtype);
    in.init.kind = graph::Init::Kind::normal;
    in.init.a = 0;
    in.init.b = 1;
    in.init.seed = static_cast<std::uint64_t>(name[1]);
    g.inputs.push_back(in);
  }
  g.tapes = {tape("t")};
  Block body = {op("%ab", "matmul", {"%a", "%b"}), op("%t", "tanh", {"%ab"}), op("%sc", "sigmoid", {"%c"}),
                op("%x0", "add", {"%t", "%sc"})};
  for (int i = 0; i < 8; ++i) {
    const std::string p = "%i" + std::to_string(i), x = "%x" + std::to_string(i);
    for (Statement s : {op(p + "xx", "mul", {x, x}), op(p + "n", "neg", {p + "xx"}), op(p + "e", "exp", {p + "n"}),
                        op(p + "eb", "mul", {p + "e", "%b"}), op(p + "cc", "mul", {"%c", "%c"}),
                        op(p + "l", "log1p", {p + "cc"}), op(p + "s", "sin", {x}),
                        op(p + "sa", "matmul", {p + "s", "%a"}), op(p + "u", "add", {p + "eb", p + "l"}),
                        op("%x" + std::to_string(i + 1), "sub", {p + "u", p + "sa"})})
      body.push_back(s);
  }
  body.push_back(op("%sq", "mul", {"%x8", "%x8"}));
  body.push_back(op("%loss", "reduce_sum", {"%sq"}));
  g.body = {record("t", std::move(body)), gradient({"%ga", "%gb", "%gc"}, "t", "%loss", {"%a", "%b", "%c"})};
  return g;
}

// The reference engine's run of `g` with its inputs' Inits; a raised error fails the test.
inline eut::RunResult run(const graph::Graph& g) {
  eut::RunResult r = eut::make_reference_engine()->run(g, {});
  EXPECT_FALSE(r.error) << r.error->message;
  return r;
}

// The engine's first gradient for `source`, scaled: a wrong engine.
inline eut::RunResult scaled(eut::RunResult r, double factor, std::size_t source = 0) {
  for (double& v : r.gradients.at(0).values.at(source)->data) v *= factor;
  return r;
}

// BENCH_GRAPH in f64 and in f32: `check(graph, result)` finds every source in agreement, and
// the whole gradient of source `wrong_source` scaled by 1 + 1e-6 (f64) or 1 + 1e-3 (f32) a
// mismatch — 1e-6 relative is below an f32 engine's rounding on this graph; 1e-3 is not.
template <class Check>
void expect_bench_graph_agrees_and_catches_small_errors(Check check, std::size_t wrong_source) {
  for (DType d : {DType::f64, DType::f32}) {
    const graph::Graph g = bench_graph(d);
    const eut::RunResult r = run(g);
    for (const Finding& f : check(g, r)) EXPECT_EQ(f.outcome, Outcome::agree) << dtype_name(d) << ": " << f.detail;
    const double off = d == DType::f64 ? 1e-6 : 1e-3;
    const std::vector<Finding> fs = check(g, scaled(r, 1 + off, wrong_source));
    ASSERT_GT(fs.size(), wrong_source) << dtype_name(d);
    EXPECT_EQ(fs[wrong_source].outcome, Outcome::mismatch) << dtype_name(d) << ": " << fs[wrong_source].detail;
  }
}

// The same findings, number for number: an oracle's findings must not depend on its thread
// count (nor on a rerun).
inline void expect_identical(const std::vector<Finding>& a, const std::vector<Finding>& b) {
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].outcome, b[i].outcome);
    EXPECT_EQ(a[i].detail, b[i].detail);
    // Bitwise: the same numbers, not merely close ones.
    EXPECT_EQ(std::memcmp(&a[i].max_abs_error, &b[i].max_abs_error, sizeof(double)), 0);
    EXPECT_EQ(std::memcmp(&a[i].max_rel_error, &b[i].max_rel_error, sizeof(double)), 0);
    EXPECT_EQ(std::memcmp(&a[i].tolerance, &b[i].tolerance, sizeof(double)), 0);
    EXPECT_EQ(a[i].entries_checked, b[i].entries_checked);
    EXPECT_EQ(a[i].entries_inconclusive, b[i].entries_inconclusive);
    EXPECT_EQ(a[i].worst_entry, b[i].worst_entry);
  }
}

}  // namespace tc::oracles::test_support
