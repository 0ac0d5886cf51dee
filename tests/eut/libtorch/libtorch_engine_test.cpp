// The libtorch adapter against the reference engine on hand-built graphs: every op of the table
// (values and gradients, f32 and f64), TF's tape concepts as mapped onto torch (watching,
// recording scopes, persistence, output_gradients, unconnected=zero, second order, cond and
// while_loop, forward mode), errors as outcomes, and the semantic differences docs/libtorch.md
// lists, each pinned to what libtorch 1.13 does.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "engine/core/errors.hpp"
#include "engine/ops/op_rows.hpp"
#include "engine/ops/op_table.hpp"
#include "eut/engine_under_test.hpp"
#include "eut/libtorch/libtorch_engine.hpp"
#include "graph/tcg.hpp"
#include "oracles/check_all.hpp"
#include "oracles/connectivity.hpp"
#include "oracles/finite_difference.hpp"
#include "tests/eut/ir_builder.hpp"
#include "tests/eut/scenarios.hpp"
#include "tests/eut/run_for_gradients.hpp"
#include "tests/support/tolerances.hpp"

namespace tc::eut {
namespace {

using namespace tc::test::ir;         // NOLINT
using namespace tc::test::scenarios;  // NOLINT

RunResult run_torch(const graph::Graph& g, const InputValues& inputs = {}) {
  return make_libtorch_engine()->run(g, inputs);
}
RunResult run_reference(const graph::Graph& g, const InputValues& inputs = {}) {
  return make_reference_engine()->run(g, inputs);
}

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

bool near(double a, double b, test::Tolerance tol) {
  if (std::isnan(a) || std::isnan(b)) return std::isnan(a) && std::isnan(b);
  if (std::isinf(a) || std::isinf(b)) return a == b;
  return std::abs(a - b) <= tol.abs + tol.rel * std::max(std::abs(a), std::abs(b));
}

void expect_data(const Value& v, const std::vector<double>& expected, const std::string& what,
                 test::Tolerance tol = test::kF64) {
  ASSERT_EQ(v.data.size(), expected.size()) << what;
  for (std::size_t i = 0; i < expected.size(); ++i)
    EXPECT_TRUE(near(v.data[i], expected[i], tol)) << what << "[" << i << "] = " << v.data[i]
                                                   << ", expected " << expected[i];
}

void expect_value(const RunResult& r, const std::string& name, const std::vector<double>& expected) {
  ASSERT_TRUE(r.values.count(name)) << name << " not defined";
  expect_data(r.values.at(name), expected, name);
}

void expect_same_value(const Value& torch, const Value& reference, const std::string& what,
                       test::Tolerance tol) {
  EXPECT_EQ(torch.dtype, reference.dtype) << what;
  EXPECT_EQ(torch.shape, reference.shape) << what;
  expect_data(torch, reference.data, what, tol);
}

// ----------------------------------------------------------------------------------------------
// Every op of the table: y = op(inputs) under a tape, target sum(y²), gradient with respect to
// every floating input (trainable variables, so both engines watch them without being told).
// ----------------------------------------------------------------------------------------------

// Ops whose gradient TF (and the reference) cuts but torch defines as zeros: floor, ceil,
// round and floor_div (derivatives.yaml: `self: zeros_like(grad)`; div with a rounding mode:
// `grad.new_zeros`). docs/libtorch.md, "None vs zero".
const std::set<std::string>& zero_not_none_ops() {
  static const std::set<std::string> ops = {"floor", "ceil", "round", "floor_div"};
  return ops;
}

// Ops whose torch results are less accurate than f64 allows, with the relative error torch
// reaches (a finding of docs/libtorch.md, pinned by LibtorchFindings below): torch 1.13's
// trigamma, digamma's derivative and polygamma of order 1, is a short series good to ~5e-10.
double torch_inaccuracy(const std::string& op) {
  return op == "digamma" || op == "polygamma" ? 1e-9 : 0;
}

struct Operand {
  DType dtype = DType::f64;
  Shape shape;
  std::vector<double> values;  // empty: the op's sample_input hook, or its input's Domain
};

struct OpCase {
  std::string op;
  std::vector<Operand> operands;
  OpAttrs attrs{};
  std::string label;
};

// Values inside the input's Domain, at least its margin away from every listed point.
std::vector<double> sample(const Domain& d, std::int64_t n, std::mt19937_64& rng) {
  std::uniform_real_distribution<double> u(d.lo, d.hi);
  std::vector<double> out;
  while (static_cast<std::int64_t>(out.size()) < n) {
    const double x = u(rng);
    if (std::none_of(d.away_from.begin(), d.away_from.end(),
                     [&](double p) { return std::abs(x - p) < d.margin; }))
      out.push_back(x);
  }
  return out;
}

// The Draw a row's sampling hook takes, on the case's seeded stream.
class RandomDraw final : public Draw {
 public:
  explicit RandomDraw(std::mt19937_64& rng) : rng_(rng) {}
  double uniform(double lo, double hi) override { return std::uniform_real_distribution<double>(lo, hi)(rng_); }
  std::int64_t integer(std::int64_t lo, std::int64_t hi) override {
    return std::uniform_int_distribution<std::int64_t>(lo, hi)(rng_);
  }

 private:
  std::mt19937_64& rng_;
};

graph::Graph op_graph(const OpCase& c, DType floating, std::uint64_t seed) {
  const OpDef& def = get_op(c.op);
  std::mt19937_64 rng(seed);
  graph::Graph g;
  g.tapes = {tape("t")};
  std::vector<std::string> operands, sources;
  for (std::size_t i = 0; i < c.operands.size(); ++i) {
    Operand o = c.operands[i];
    if (is_floating(o.dtype)) o.dtype = floating;
    if (o.values.empty() && def.sample_input) {
      RandomDraw draw(rng);
      o.values = def.sample_input(static_cast<int>(i), TensorSpec{o.dtype, o.shape}, draw);
    }
    if (o.values.empty()) o.values = sample(def.input(static_cast<int>(i)).domain, o.shape.numel(), rng);
    const std::string name = "%x" + std::to_string(i);
    if (is_floating(o.dtype)) {
      g.inputs.push_back(variable(name, o.shape, o.values, /*trainable=*/true, o.dtype));
      sources.push_back(name);
    } else {
      g.inputs.push_back(constant(name, o.shape, o.values, o.dtype));
    }
    operands.push_back(name);
  }
  graph::Block body = {op("%y", c.op, operands, c.attrs)};
  const TensorSpec spec = [&] {
    std::vector<TensorSpec> in;
    for (const graph::Input& i : g.inputs) in.push_back({i.dtype, i.shape});
    return def.infer(c.attrs, in.data(), static_cast<int>(in.size()));
  }();
  if (is_floating(spec.dtype)) {
    body.push_back(op("%y2", "square", {"%y"}));
    body.push_back(op("%s", "reduce_sum", {"%y2"}));
  }
  g.body = {record("t", body)};
  if (is_floating(spec.dtype) && !sources.empty()) {
    std::vector<std::string> results;
    for (const std::string& s : sources) results.push_back("%g" + s.substr(2));
    g.body.push_back(gradient(results, "t", "%s", sources));
  }
  return g;
}

// True if the op's infer() accepts these operands with the default attributes: such cases
// need no hand-written attributes.
bool accepts(const OpDef& op, const std::vector<Shape>& shapes) {
  std::vector<TensorSpec> in;
  for (const Shape& s : shapes) in.push_back({DType::f64, s});
  try {
    op.infer(OpAttrs{}, in.data(), static_cast<int>(in.size()));
    return true;
  } catch (const Error&) {
    return false;
  }
}

OpAttrs attrs_with(void (*set)(OpAttrs&)) {
  OpAttrs a;
  set(a);
  return a;
}

std::vector<OpCase> op_cases() {
  const Operand m23{DType::f64, Shape{2, 3}, {}};
  const Operand v3{DType::f64, Shape{3}, {}};
  std::vector<OpCase> cases;
  for (const OpDef* op : op_table()) {
    const auto n = static_cast<std::size_t>(op->arity < 0 ? 2 : op->arity);
    if (accepts(*op, std::vector<Shape>(n, m23.shape)))
      cases.push_back({op->name, std::vector<Operand>(n, m23), {}, "plain"});
    if (n == 2 && accepts(*op, {m23.shape, v3.shape})) cases.push_back({op->name, {m23, v3}, {}, "broadcast"});
  }
  auto axes = [](std::vector<std::int64_t> a, bool keep) {
    OpAttrs attrs;
    attrs.axes = std::move(a);
    attrs.keepdims = keep;
    return attrs;
  };
  for (const char* r : {"reduce_sum", "reduce_mean", "reduce_max", "reduce_min", "reduce_prod", "logsumexp"}) {
    cases.push_back({r, {m23}, axes({1}, false), "axis 1"});
    cases.push_back({r, {m23}, axes({-2}, true), "axis -2 keepdims"});
    cases.push_back({r, {Operand{DType::f64, Shape{2, 3, 2}, {}}}, axes({0, 2}, true), "axes 0,2 keepdims"});
    cases.push_back({r, {Operand{DType::f64, Shape{2, 3, 2}, {}}}, axes({2, 0}, false), "axes 2,0"});
  }
  cases.push_back({"reduce_prod", {Operand{DType::f64, Shape{2, 3}, {0, 2, 3, 0, 0, 1.5}}}, axes({1}, false), "zeros"});
  auto axis = [](std::int64_t a) {
    OpAttrs attrs;
    attrs.axis = a;
    return attrs;
  };
  cases.push_back({"softmax", {m23}, axis(-1), "axis -1"});
  cases.push_back({"log_softmax", {m23}, axis(1), "axis 1"});
  cases.push_back({"argmax", {m23}, axis(1), "axis 1"});
  cases.push_back({"argmin", {m23}, axis(-2), "axis -2"});
  cases.push_back({"expand_dims", {m23}, axis(-1), "axis -1"});
  cases.push_back({"concat", {m23, Operand{DType::f64, Shape{2, 1}, {}}, m23}, axis(1), "three, axis 1"});
  cases.push_back({"matmul", {m23, Operand{DType::f64, Shape{3, 2}, {}}}, {}, "2-d"});
  cases.push_back({"matmul", {Operand{DType::f64, Shape{2, 1, 2, 3}, {}}, Operand{DType::f64, Shape{3, 3, 2}, {}}}, {},
                   "batch broadcast"});
  cases.push_back({"matmul", {Operand{DType::f64, Shape{3, 2}, {}}, Operand{DType::f64, Shape{4, 3}, {}}},
                   attrs_with([](OpAttrs& a) { a.transpose_a = a.transpose_b = true; }), "both transposed"});
  cases.push_back({"matmul", {Operand{DType::f64, Shape{2, 3, 2}, {}}, Operand{DType::f64, Shape{3, 4}, {}}},
                   attrs_with([](OpAttrs& a) { a.transpose_a = true; }), "a transposed, b broadcast"});
  cases.push_back({"transpose", {Operand{DType::f64, Shape{2, 3, 2}, {}}},
                   attrs_with([](OpAttrs& a) { a.perm = {1, 2, 0}; }), "perm"});
  cases.push_back({"reshape", {m23}, attrs_with([](OpAttrs& a) { a.shape = {3, -1}; }), "-1"});
  cases.push_back({"broadcast_to", {Operand{DType::f64, Shape{2, 1}, {}}},
                   attrs_with([](OpAttrs& a) { a.shape = {3, 2, 4}; }), "new axis"});
  cases.push_back({"squeeze", {Operand{DType::f64, Shape{1, 3, 1}, {}}}, {}, "all"});
  cases.push_back({"squeeze", {Operand{DType::f64, Shape{1, 3, 1}, {}}},
                   attrs_with([](OpAttrs& a) { a.axes = {-1}; }), "axis -1"});
  cases.push_back({"slice", {Operand{DType::f64, Shape{3, 4}, {}}},
                   attrs_with([](OpAttrs& a) { a.begin = {1, 1}; a.size = {-1, 2}; }), "block"});
  const Operand indices{DType::i32, Shape{2, 2}, {2, 0, 2, 1}};  // 2 twice: accumulates
  cases.push_back({"gather", {m23, indices}, axis(1), "duplicates"});
  cases.push_back({"gather", {m23, Operand{DType::i32, Shape{3}, {1, 1, 0}}}, axis(0), "axis 0"});
  cases.push_back({"scatter_add", {Operand{DType::f64, Shape{2, 2, 2}, {}}, indices},
                   attrs_with([](OpAttrs& a) { a.axis = 1; a.shape = {2, 4}; }), "duplicates"});
  cases.push_back({"gather_nd", {m23, Operand{DType::i32, Shape{3, 2}, {1, 2, 0, 0, 1, 2}}}, {}, "duplicates"});
  cases.push_back({"gather_nd", {Operand{DType::f64, Shape{2, 3, 2}, {}}, Operand{DType::i32, Shape{2, 1}, {1, 0}}}, {},
                   "slices"});
  const Operand mask{DType::boolean, Shape{2, 3}, {1, 0, 0, 1, 1, 0}};
  cases.push_back({"where", {mask, m23, m23}, {}, "plain"});
  cases.push_back({"where", {Operand{DType::boolean, Shape{3}, {0, 1, 1}}, m23, v3}, {}, "broadcast"});
  cases.push_back({"logical_and", {mask, Operand{DType::boolean, Shape{3}, {1, 1, 0}}}, {}, "broadcast"});
  cases.push_back({"logical_or", {mask, Operand{DType::boolean, Shape{2, 3}, {0, 0, 1, 1, 0, 0}}}, {}, "plain"});
  cases.push_back({"logical_not", {mask}, {}, "plain"});
  cases.push_back({"equal", {Operand{DType::f64, Shape{3}, {1, 2, 3}}, Operand{DType::f64, Shape{3}, {1, 0, 3}}}, {},
                   "some equal"});
  cases.push_back({"clip_by_value", {Operand{DType::f64, Shape{5}, {-2, -0.25, 0.5, 1.25, 3}}},
                   attrs_with([](OpAttrs& a) { a.lo = -0.5; a.hi = 1; }), "inside and out"});
  cases.push_back({"leaky_relu", {m23}, attrs_with([](OpAttrs& a) { a.alpha = 0.3; }), "alpha 0.3"});
  cases.push_back({"elu", {m23}, attrs_with([](OpAttrs& a) { a.alpha = 0.7; }), "alpha 0.7"});
  for (DType to : {DType::f32, DType::f64, DType::i32, DType::boolean}) {
    OpAttrs a;
    a.dtype = to;
    cases.push_back({"cast", {Operand{DType::f64, Shape{4}, {-2.7, -0.5, 0.25, 2.5}}}, a,
                     "to " + std::string(dtype_name(to))});
    cases.push_back({"cast", {Operand{DType::i32, Shape{3}, {-2, 0, 5}}}, a, "i32 to " + std::string(dtype_name(to))});
  }
  // --- issue 13's ops that need attributes or operands of their own ---
  const Operand bools{DType::boolean, Shape{2, 3}, {1, 0, 0, 1, 1, 1}};
  for (const char* r : {"reduce_any", "reduce_all"}) {
    cases.push_back({r, {bools}, axes({1}, false), "axis 1"});
    cases.push_back({r, {bools}, axes({}, true), "all keepdims"});
  }
  for (const char* r : {"reduce_variance", "reduce_std"}) {
    cases.push_back({r, {m23}, axes({1}, true), "axis 1 keepdims"});
    cases.push_back({r, {Operand{DType::f64, Shape{2, 3, 2}, {}}}, axes({0, 2}, false), "axes 0,2"});
  }
  for (double p : {1.0, 1.5, 3.0}) {
    OpAttrs a = axes({-1}, false);
    a.ord = p;
    cases.push_back({"norm", {m23}, a, "ord " + std::to_string(p)});
  }
  for (const char* r : {"cumsum", "cumprod"})
    for (int variant = 0; variant < 4; ++variant) {
      OpAttrs a = axis(variant % 2 ? 1 : -2);
      a.exclusive = variant & 1;
      a.reverse = variant & 2;
      cases.push_back({r, {m23}, a, "variant " + std::to_string(variant)});
    }
  cases.push_back({"cumprod", {Operand{DType::f64, Shape{2, 3}, {2, 0, 3, 0, 1.5, 0}}}, axis(1), "zeros"});
  OpAttrs descending = axis(1);
  descending.descending = true;
  cases.push_back({"sort", {m23}, descending, "descending axis 1"});
  cases.push_back({"argsort", {m23}, descending, "descending axis 1"});
  cases.push_back({"top_k", {m23}, attrs_with([](OpAttrs& a) { a.k = 2; }), "k 2"});
  cases.push_back({"polygamma", {m23}, attrs_with([](OpAttrs& a) { a.order = 2; }), "order 2"});
  cases.push_back({"floor_div", {Operand{DType::i32, Shape{3}, {7, -7, 0}}, Operand{DType::i32, Shape{3}, {2, 2, 3}}},
                   {}, "i32"});
  const Operand m233{DType::f64, Shape{2, 3, 3}, {}};
  cases.push_back({"reverse", {m233}, axes({0, -1}, false), "axes 0,-1"});
  cases.push_back({"roll", {m233}, attrs_with([](OpAttrs& a) { a.shift = {1, -4, 2}; a.axes = {1, 2, 1}; }),
                   "an axis twice"});
  cases.push_back({"tile", {m23}, attrs_with([](OpAttrs& a) { a.multiples = {2, 1}; }), "2,1"});
  for (const char* mode : {"constant", "reflect"}) {
    OpAttrs a;
    a.paddings = {1, 0, 2, 1};
    a.mode = mode;
    cases.push_back({"pad", {m23}, a, mode});
  }
  cases.push_back({"unstack", {m233}, attrs_with([](OpAttrs& a) { a.axis = -1; a.index = 2; }), "last axis"});
  cases.push_back({"split", {m233}, attrs_with([](OpAttrs& a) { a.axis = 1; a.num = 3; a.index = 1; }), "thirds"});
  cases.push_back({"boolean_mask", {m233}, attrs_with([](OpAttrs& a) { a.axis = 1; a.mask = {1, 0, 1}; }), "axis 1"});
  cases.push_back({"stack", {m23, m23, m23}, axis(-1), "three, axis -1"});
  cases.push_back({"diag_part", {m233}, {}, "batch"});
  cases.push_back({"trace", {m233}, {}, "batch"});
  // Matrices from the rows' sampling hooks: well-conditioned, positive definite for cholesky.
  for (const char* op : {"matrix_inverse", "det", "log_abs_det", "cholesky"}) cases.push_back({op, {m233}, {}, "batch"});
  const Operand rhs{DType::f64, Shape{2, 3, 2}, {}};
  cases.push_back({"solve", {m233, rhs}, {}, "batch"});
  for (bool lower : {true, false}) {
    OpAttrs a;
    a.lower = lower;
    cases.push_back({"triangular_solve", {m233, rhs}, a, lower ? "lower" : "upper"});
  }
  cases.push_back({"dropout", {m23}, attrs_with([](OpAttrs& a) { a.rate = 0.25; a.mask = {1, 0, 1, 1, 1, 0}; }),
                   "rate 0.25"});
  cases.push_back({"one_hot", {Operand{DType::i32, Shape{4}, {0, 2, -1, 3}}},
                   attrs_with([](OpAttrs& a) { a.depth = 3; a.dtype = DType::f64; }), "out of range"});
  const Operand soft{DType::f64, Shape{2, 3}, {0.2, 0.3, 0.5, 1, 0, 0}};
  cases.push_back({"sigmoid_cross_entropy_with_logits", {soft, m23}, {}, "soft labels"});
  cases.push_back({"softmax_cross_entropy_with_logits", {soft, m23}, {}, "soft labels"});
  cases.push_back({"sparse_softmax_cross_entropy_with_logits", {Operand{DType::i32, Shape{2}, {2, 0}}, m23}, {},
                   "rows"});
  auto window = [](std::vector<std::int64_t> strides, const char* padding, std::vector<std::int64_t> dilations) {
    OpAttrs a;
    a.strides = std::move(strides);
    a.padding = padding;
    a.dilations = std::move(dilations);
    return a;
  };
  // Odd "same" paddings (TF puts the extra zero after), strides and dilations, channels mixing.
  cases.push_back({"conv1d", {Operand{DType::f64, Shape{2, 5, 2}, {}}, Operand{DType::f64, Shape{2, 2, 3}, {}}},
                   window({2}, "same", {}), "same, stride 2"});
  cases.push_back({"conv1d", {Operand{DType::f64, Shape{1, 6, 1}, {}}, Operand{DType::f64, Shape{3, 1, 2}, {}}},
                   window({}, "valid", {2}), "valid, dilation 2"});
  cases.push_back({"conv2d", {Operand{DType::f64, Shape{1, 4, 3, 2}, {}}, Operand{DType::f64, Shape{2, 2, 2, 2}, {}}},
                   window({2, 1}, "same", {}), "same, strides 2,1"});
  cases.push_back({"conv2d", {Operand{DType::f64, Shape{2, 3, 4, 1}, {}}, Operand{DType::f64, Shape{2, 2, 1, 3}, {}}},
                   window({}, "valid", {1, 2}), "valid, dilations 1,2"});
  auto pool = [](std::vector<std::int64_t> ksize, std::vector<std::int64_t> strides, const char* padding) {
    OpAttrs a;
    a.ksize = std::move(ksize);
    a.strides = std::move(strides);
    a.padding = padding;
    return a;
  };
  // Overlapping windows, "same" padding at the far end (max ignores it, avg leaves it out of the mean).
  const Operand image{DType::f64, Shape{2, 4, 3, 2}, {}};
  for (const char* p : {"max_pool2d", "avg_pool2d"}) {
    cases.push_back({p, {image}, pool({2, 2}, {1, 1}, "same"), "same, overlapping"});
    cases.push_back({p, {image}, pool({3, 2}, {1, 2}, "valid"), "valid, strides 1,2"});
  }
  // A tie within a window: TF and torch both route it to the first maximum.
  cases.push_back({"max_pool2d", {Operand{DType::f64, Shape{1, 2, 2, 1}, {0.5, 1.5, 1.5, -1}}}, pool({2, 2}, {}, "valid"),
                   "tie"});
  // Last, so that the cases above keep their seeds (op_graph draws values per case in order).
  cases.push_back({"scatter_nd", {Operand{DType::i32, Shape{3, 1}, {1, 0, 1}}, Operand{DType::f64, Shape{3, 3}, {}}},
                   attrs_with([](OpAttrs& a) { a.shape = {2, 3}; }), "duplicates"});
  cases.push_back({"scatter_nd", {Operand{DType::i32, Shape{2, 2}, {0, 2, 1, 0}}, Operand{DType::f64, Shape{2}, {}}},
                   attrs_with([](OpAttrs& a) { a.shape = {2, 3}; }), "elements"});
  cases.push_back({"tensor_scatter_update", {m23, Operand{DType::i32, Shape{2, 1}, {1, 0}}, m23}, {}, "rows"});
  cases.push_back({"tensor_scatter_update",
                   {m23, Operand{DType::i32, Shape{2, 2}, {0, 2, 1, 1}}, Operand{DType::f64, Shape{2}, {}}}, {},
                   "elements"});
  auto equation = [](const char* eq) {
    OpAttrs a;
    a.equation = eq;
    return a;
  };
  cases.push_back({"einsum", {m23, Operand{DType::f64, Shape{3, 2}, {}}}, equation("ij,jk->ik"), "matrix product"});
  cases.push_back({"einsum", {Operand{DType::f64, Shape{2, 2, 3}, {}}, Operand{DType::f64, Shape{2, 3, 2}, {}}},
                   equation("bij,bjk->bki"), "batch, transposed"});
  cases.push_back({"einsum", {m23, v3}, equation("ij,j->"), "summed in one operand"});
  cases.push_back({"einsum", {v3, Operand{DType::f64, Shape{2}, {}}}, equation("i,j->ji"), "outer"});
  return cases;
}

// run_for_gradients: the gradients (values, None and why) and the error of run(), nothing else.
TEST(LibtorchEngine, RunForGradientsGivesRunsGradientsAndErrorOnly) {
  test::expect_run_for_gradients_is_runs_gradients(*make_libtorch_engine());
}

TEST(LibtorchEngine, TheAdapterRunsEveryOpOfTheTable) {
  EXPECT_TRUE(libtorch_unsupported_ops().empty()) << libtorch_unsupported_ops().front().first;
  std::set<std::string> covered;
  for (const OpCase& c : op_cases()) covered.insert(c.op);
  for (const OpDef* op : op_table()) EXPECT_TRUE(covered.count(op->name)) << op->name << " has no case here";
}

TEST(LibtorchEngine, EveryOpAgreesWithTheReferenceInValueAndGradient) {
  std::uint64_t seed = 1;
  for (const OpCase& c : op_cases()) {
    const OpDef& op = get_op(c.op);
    for (DType floating : {DType::f64, DType::f32}) {
      const std::string what = c.op + " (" + c.label + ", " + std::string(dtype_name(floating)) + ")";
      SCOPED_TRACE(what);
      const graph::Graph g = op_graph(c, floating, ++seed);
      const RunResult ref = run_reference(g);
      const RunResult torch = run_torch(g);
      ASSERT_FALSE(ref.error) << ref.error->message;
      ASSERT_FALSE(torch.error) << torch.error->message;
      // Each value at its own dtype's tolerance: an f64 graph's cast to f32 is computed in f32.
      auto tolerance = [&](DType d) {
        test::Tolerance tol = test::tolerance_for(is_floating(d) ? d : floating);
        tol.rel = std::max(tol.rel * op.tolerance_factor, torch_inaccuracy(c.op));
        return tol;
      };
      const test::Tolerance tol = tolerance(floating);
      for (const auto& [name, v] : ref.values) {
        ASSERT_TRUE(torch.values.count(name)) << name;
        expect_same_value(torch.values.at(name), v, name, tolerance(v.dtype));
      }
      ASSERT_EQ(torch.gradients.size(), ref.gradients.size());
      for (std::size_t k = 0; k < (ref.gradients.empty() ? 0 : ref.gradients[0].values.size()); ++k) {
        const auto& r = ref.gradients[0].values[k];
        const auto& t = torch.gradients[0].values[k];
        if (r) {
          ASSERT_TRUE(t) << "source " << k << ": torch None where the reference has a value ("
                         << torch.gradients[0].why_none[k] << ")";
          expect_same_value(*t, *r, "gradient " + std::to_string(k), tol);
        } else if (zero_not_none_ops().count(c.op)) {
          ASSERT_TRUE(t) << "torch's " << c.op << " has a zero gradient, not None";
          EXPECT_TRUE(std::all_of(t->data.begin(), t->data.end(), [](double x) { return x == 0; }));
        } else {
          EXPECT_FALSE(t) << "source " << k << ": torch has a value where the reference has None";
        }
      }
    }
  }
}

// ----------------------------------------------------------------------------------------------
// TF's tape concepts on torch
// ----------------------------------------------------------------------------------------------

TEST(LibtorchEngine, TrainableVariableIsALeafThatRequiresGrad) {
  const RunResult r = run_torch(weighted_sum());
  ASSERT_FALSE(r.error) << r.error->message;
  expect_value(r, "%p", {4, 10, 18});
  expect_value(r, "%loss", {32});
  expect_value(r, "%gw", {4, 5, 6});
  ASSERT_EQ(r.gradients.size(), 1u);
  EXPECT_FALSE(r.gradients[0].values[1]);  // the constant x was never watched: None
  EXPECT_TRUE(contains(r.gradients[0].why_none[1], "does not require grad")) << r.gradients[0].why_none[1];
  EXPECT_FALSE(r.values.count("%gx"));
}

TEST(LibtorchEngine, NonTrainableVariableNeedsWatch) {
  graph::Graph g = non_trainable_square();
  EXPECT_FALSE(run_torch(g).gradients.at(0).values[0]);
  g.body.insert(g.body.begin(), watch("t", {"%w"}));
  const RunResult r = run_torch(g);
  ASSERT_FALSE(r.error) << r.error->message;
  expect_value(r, "%g1", {6, -2});
}

// Difference: torch has no per-tape watch set. A trainable variable requires grad for every
// tape, so watch_accessed_variables=false does not make its gradient None.
TEST(LibtorchEngine, WatchAccessedVariablesFalseHasNoTorchEquivalent) {
  const graph::Graph g = weighted_sum(false, /*watch_accessed_variables=*/false);
  EXPECT_FALSE(run_reference(g).gradients.at(0).values[0]);
  const RunResult r = run_torch(g);
  ASSERT_FALSE(r.error) << r.error->message;
  expect_value(r, "%gw", {4, 5, 6});
}

TEST(LibtorchEngine, OpsOutsideRecordingAndUnderStopRecordingAreConstants) {
  const RunResult r = run_torch(outside_and_stop_recording());
  ASSERT_FALSE(r.error) << r.error->message;
  ASSERT_EQ(r.gradients.size(), 3u);
  expect_data(*r.gradients[0].values[0], {4}, "only the recorded path a = w*w");
  EXPECT_FALSE(r.gradients[1].values[0]);  // b: computed under no_grad
  expect_data(*r.gradients[2].values[0], {std::exp(2.0)}, "before is a constant");
}

// Difference: stop_recording is torch.no_grad(), which pauses every tape; in TF an outer tape
// keeps recording while the inner one is paused.
TEST(LibtorchEngine, StopRecordingPausesEveryTape) {
  graph::Graph g;
  g.inputs = {variable("%w", Shape{}, {2})};
  g.tapes = {tape("outer"), tape("inner")};
  g.body = {record("outer", {record("inner", {stop_recording("inner", {op("%b", "exp", {"%w"})})})}),
            gradient({"%gb"}, "outer", "%b", {"%w"})};
  ASSERT_TRUE(run_reference(g).gradients.at(0).values[0]);
  const RunResult r = run_torch(g);
  ASSERT_FALSE(r.error) << r.error->message;
  EXPECT_FALSE(r.gradients.at(0).values[0]);
}

// Difference: torch has one autograd graph. An op recorded by any tape is on it, so a tape
// sees paths it did not record itself.
TEST(LibtorchEngine, EveryTapeSeesOpsAnyTapeRecorded) {
  graph::Graph g;
  g.inputs = {variable("%w", Shape{}, {2})};
  g.tapes = {tape("t1"), tape("t2")};
  g.body = {record("t1", {op("%y", "exp", {"%w"})}), record("t2", {op("%z", "mul", {"%y", "%w"})}),
            gradient({"%g"}, "t2", "%z", {"%w"})};
  expect_value(run_reference(g), "%g", {std::exp(2.0)});  // t2 recorded only z = y * w: y
  expect_value(run_torch(g), "%g", {3 * std::exp(2.0)});  // d(w e^w)/dw = (1 + w) e^w
}

TEST(LibtorchEngine, OutputGradientsAndUnconnectedZero) {
  const RunResult r = run_torch(output_gradients_and_unconnected_zero());
  ASSERT_FALSE(r.error) << r.error->message;
  expect_value(r, "%gx", {6, 80});
  expect_value(r, "%gz", {0, 0});  // R7: zeros, not None
}

TEST(LibtorchEngine, GradientOfAWatchedSourceWithRespectToItselfIsOnes) {
  graph::Graph g;
  g.inputs = {constant("%x", Shape{2, 2}, {1, 2, 3, 4})};
  g.tapes = {tape("t")};
  g.body = {record("t", {watch("t", {"%x"})}), gradient({"%g", "%g2"}, "t", "%x", {"%x", "%x"})};
  const RunResult r = run_torch(g);
  ASSERT_FALSE(r.error) << r.error->message;
  expect_value(r, "%g", {1, 1, 1, 1});
  expect_value(r, "%g2", {1, 1, 1, 1});
}

TEST(LibtorchEngine, IntegerOutputsCarryNoGradient) {
  graph::Graph g;
  g.inputs = {variable("%x", Shape{3}, {0.5, 2.5, -1})};
  g.tapes = {tape("t")};
  OpAttrs to_i32;
  to_i32.dtype = DType::i32;
  OpAttrs to_f64;
  to_f64.dtype = DType::f64;
  g.body = {record("t", {op("%i", "cast", {"%x"}, to_i32), op("%back", "cast", {"%i"}, to_f64),
                         op("%k", "argmax", {"%x"}), op("%s", "reduce_sum", {"%back"})}),
            gradient({"%gs", "%gi"}, "t", "%s", {"%x", "%i"})};
  const RunResult r = run_torch(g);
  ASSERT_FALSE(r.error) << r.error->message;
  expect_value(r, "%i", {0, 2, -1});
  EXPECT_EQ(r.values.at("%i").dtype, DType::i32);
  expect_value(r, "%k", {1});
  EXPECT_EQ(r.values.at("%k").dtype, DType::i32);
  EXPECT_FALSE(r.gradients[0].values[0]);  // the path goes through i32: cut (R3)
  EXPECT_FALSE(r.gradients[0].values[1]);  // an i32 source
}

// Torch's analogue of R9: a non-persistent tape's gradient() frees the graph's saved tensors
// (retain_graph=false); a second call through an op that saved some is an error.
TEST(LibtorchEngine, SecondGradientOnANonPersistentTapeFailsWhereTorchFreedTheGraph) {
  graph::Graph g = weighted_sum();
  g.body.push_back(gradient({"%again"}, "t", "%loss", {"%w"}, at(9, 3)));
  const RunResult r = run_torch(g);
  ASSERT_TRUE(r.error);
  EXPECT_EQ(r.error->at.line, 9);
  EXPECT_TRUE(contains(r.error->message, "backward through the graph a second time")) << r.error->message;
  ASSERT_EQ(r.gradients.size(), 1u);
  expect_value(r, "%gw", {4, 5, 6});
}

// Difference: where no op on the path saved a tensor, torch has nothing to free and the second
// call succeeds; TF raises for any second call (R9).
TEST(LibtorchEngine, SecondGradientThroughOpsThatSaveNothingSucceeds) {
  graph::Graph g;
  g.inputs = {variable("%w", Shape{2}, {1, 2})};
  g.tapes = {tape("t")};
  g.body = {record("t", {op("%s", "reduce_sum", {"%w"})}), gradient({"%g1"}, "t", "%s", {"%w"}),
            gradient({"%g2"}, "t", "%s", {"%w"})};
  EXPECT_EQ(run_reference(g).error->kind, "tape");
  const RunResult r = run_torch(g);
  ASSERT_FALSE(r.error) << r.error->message;
  expect_value(r, "%g2", {1, 1});
}

TEST(LibtorchEngine, PersistentTapeGivesIdenticalRepeatedGradients) {
  graph::Graph g = weighted_sum(/*persistent=*/true);
  g.body.push_back(gradient({"%gw2", "%gx2"}, "t", "%loss", {"%w", "%x"}));
  const RunResult r = run_torch(g);
  ASSERT_FALSE(r.error) << r.error->message;
  ASSERT_EQ(r.gradients.size(), 2u);
  EXPECT_EQ(r.gradients[0].values[0]->data, r.gradients[1].values[0]->data);
  EXPECT_FALSE(r.gradients[1].values[1]);
}

// y = x³ under inner, dy = 3x² while outer records (create_graph), d²y = 6x (R10).
TEST(LibtorchEngine, SecondOrderThroughCreateGraph) {
  const RunResult r = run_torch(cube_under_nested_tapes());
  ASSERT_FALSE(r.error) << r.error->message;
  expect_value(r, "%dy", {27});
  expect_value(r, "%d2y", {18});
}

TEST(LibtorchEngine, GradientTakenWhileNoTapeRecordsHasNoSecondOrder) {
  const RunResult r = run_torch(gradient_outside_the_outer_tape());
  ASSERT_FALSE(r.error) << r.error->message;
  expect_value(r, "%dy", {6});
  EXPECT_FALSE(r.gradients[1].values[0]);
}

// The second derivative of a linear function is None in both: torch's first gradient is a
// constant (no grad_fn) even under create_graph.
TEST(LibtorchEngine, SecondDerivativeOfALinearFunctionIsNone) {
  graph::Graph g;
  g.inputs = {variable("%x", Shape{2}, {3, 4}), constant("%c", Shape{2}, {2, 5})};
  g.tapes = {tape("outer"), tape("inner")};
  g.body = {record("outer", {record("inner", {op("%y", "mul", {"%x", "%c"})}),
                             gradient({"%dy"}, "inner", "%y", {"%x"})}),
            gradient({"%d2y"}, "outer", "%dy", {"%x"})};
  const RunResult ref = run_reference(g), torch = run_torch(g);
  ASSERT_FALSE(torch.error) << torch.error->message;
  expect_value(torch, "%dy", {2, 5});
  EXPECT_FALSE(ref.gradients.at(1).values[0]);
  EXPECT_FALSE(torch.gradients.at(1).values[0]);
}

TEST(LibtorchEngine, CondRunsOnlyTheTakenBranch) {
  RunResult r = run_torch(cond_graph());
  ASSERT_FALSE(r.error) << r.error->message;
  expect_value(r, "%r", {1, 4});
  EXPECT_FALSE(r.values.count("%b"));
  expect_value(r, "%gx", {1, 3});
  EXPECT_FALSE(r.gradients[0].values[1]);

  r = run_torch(cond_graph(), {{"%p", Value{DType::boolean, Shape{}, {0}}}});
  ASSERT_FALSE(r.error) << r.error->message;
  EXPECT_FALSE(r.gradients[0].values[0]);
  expect_value(r, "%gz", {0, std::exp(1.0) - 1});
}

TEST(LibtorchEngine, WhileLoopRecordsEveryIteration) {
  const RunResult r = run_torch(squaring_loop());
  ASSERT_FALSE(r.error) << r.error->message;
  expect_value(r, "%xf", {std::pow(1.5, 8)});
  expect_value(r, "%if", {3});
  expect_value(r, "%gx", {8 * std::pow(1.5, 7)});
}

TEST(LibtorchEngine, WhileLoopBeyondMaxIterationsIsALimitError) {
  const RunResult r = run_torch(squaring_loop(2));
  ASSERT_TRUE(r.error);
  EXPECT_EQ(r.error->kind, "limit");
  EXPECT_EQ(r.error->at.line, 2);
}

// ----------------------------------------------------------------------------------------------
// Forward mode: torch's dual tensors
// ----------------------------------------------------------------------------------------------

TEST(LibtorchEngine, JvpIsTheDirectionalDerivative) {
  const graph::Graph g = forward_mode_chain();
  InputValues u;
  u["%x"] = Value{DType::f64, Shape{2}, {1, 2}};
  u["%w"] = Value{DType::f64, Shape{2}, {-1, 0.5}};
  const auto torch = make_libtorch_engine()->jvp(g, {}, u);
  const auto ref = make_reference_engine()->jvp(g, {}, u);
  ASSERT_TRUE(torch);
  ASSERT_TRUE(ref);
  EXPECT_FALSE(torch->count("%after"));  // defined after the first Gradient statement
  for (const auto& [name, v] : *ref) {
    ASSERT_TRUE(torch->count(name)) << name;
    expect_same_value(torch->at(name), v, "tangent of " + name, test::kF64);
  }
  expect_data(torch->at("%cut"), {0, 0}, "stop_gradient = detach(): no tangent");
  expect_data(torch->at("%k"), {0, 0}, "independent of the tangents");
}

TEST(LibtorchEngine, JvpThroughCondAndWhile) {
  const auto t = make_libtorch_engine()->jvp(squaring_loop(), {}, {{"%x", Value{DType::f64, Shape{}, {0.25}}}});
  ASSERT_TRUE(t);
  expect_data(t->at("%xf"), {0.25 * 8 * std::pow(1.5, 7)}, "d xf");
  expect_data(t->at("%if"), {0}, "d i (a counter that does not depend on x)");
  const auto c = make_libtorch_engine()->jvp(cond_graph(), {{"%p", Value{DType::boolean, Shape{}, {0}}}},
                                             {{"%z", Value{DType::f64, Shape{2}, {1, -1}}}});
  ASSERT_TRUE(c);
  expect_data(c->at("%r"), {1, -std::exp(1.0)}, "d exp(z)");
}

TEST(LibtorchEngine, F32GraphsGiveF32ValuesGradientsAndTangents) {
  const graph::Graph g = f32_square_sum();
  const RunResult r = run_torch(g);
  ASSERT_FALSE(r.error) << r.error->message;
  const float w0 = 0.1f, w1 = 0.3f;
  EXPECT_EQ(r.values.at("%y").dtype, DType::f32);
  EXPECT_EQ(r.values.at("%y").data, (std::vector<double>{float(w0 * w0), float(w1 * w1)}));
  EXPECT_EQ(r.gradients[0].values[0]->dtype, DType::f32);
  EXPECT_EQ(r.gradients[0].values[0]->data, (std::vector<double>{float(2 * w0), float(2 * w1)}));
  const auto t = make_libtorch_engine()->jvp(g, {}, {{"%w", Value{DType::f32, Shape{2}, {1, 1}}}});
  ASSERT_TRUE(t);
  EXPECT_EQ(t->at("%s").dtype, DType::f32);
  EXPECT_NEAR(t->at("%s").data[0], 2 * (w0 + w1), 1e-6);
}

// ----------------------------------------------------------------------------------------------
// Errors are outcomes
// ----------------------------------------------------------------------------------------------

TEST(LibtorchEngine, TorchShapeErrorIsRaisedAtTheOpWithItsLocation) {
  const RunResult r = run_torch(shape_error_at_line_3());
  ASSERT_TRUE(r.error);
  EXPECT_EQ(r.error->kind, "shape");
  EXPECT_EQ(r.error->at.line, 3);
  EXPECT_EQ(r.error->at.column, 7);
  EXPECT_TRUE(contains(r.error->message, "must match the size")) << r.error->message;
  expect_value(r, "%c", {-1, -2, -3, -4, -5, -6});
  EXPECT_FALSE(r.values.count("%d"));
}

TEST(LibtorchEngine, TorchIndexErrorIsAnOutcome) {
  graph::Graph g;
  g.inputs = {variable("%p", Shape{3}, {1, 2, 3}), constant("%i", Shape{2}, {0, 7}, DType::i32)};
  g.tapes = {tape("t")};
  OpAttrs a;
  g.body = {record("t", {op("%y", "gather", {"%p", "%i"}, a, at(4))})};
  const RunResult r = run_torch(g);
  ASSERT_TRUE(r.error);
  EXPECT_EQ(r.error->at.line, 4);
  EXPECT_TRUE(contains(r.error->message, "out of range")) << r.error->message;
}

TEST(LibtorchEngine, UsingANoneGradientIsAnError) {
  graph::Graph g = weighted_sum();
  g.body.push_back(op("%h", "mul", {"%gx", "%gw"}, {}, at(7)));
  const RunResult r = run_torch(g);
  ASSERT_TRUE(r.error);
  EXPECT_EQ(r.error->at.line, 7);
  EXPECT_EQ(r.error->message.rfind("%gx is None (", 0), 0u) << r.error->message;
}

TEST(LibtorchEngine, MalformedGraphsAreErrorsNotExceptions) {
  graph::Graph g;
  g.inputs = {constant("%x", Shape{}, {1})};
  g.tapes = {tape("t")};
  for (const graph::Statement& s :
       {op("%y", "no_such_op", {"%x"}, {}, at(1)), op("%y", "neg", {"%undefined"}, {}, at(1)),
        op("%y", "add", {"%x"}, {}, at(1)), record("nope", {}, at(1)), gradient({"%a", "%b"}, "t", "%x", {"%x"}, at(1)),
        cond({"%r"}, "%x", {}, {"%x"}, {}, {"%x", "%x"}, at(1))}) {
    g.body = {s};
    RunResult r;
    ASSERT_NO_THROW(r = run_torch(g));
    ASSERT_TRUE(r.error);
    EXPECT_EQ(r.error->at.line, 1) << r.error->message;
    EXPECT_FALSE(r.error->message.empty());
  }
}

// ----------------------------------------------------------------------------------------------
// Differences at kinks and thresholds (docs/libtorch.md): what torch 1.13 computes
// ----------------------------------------------------------------------------------------------

// d/d(a, b) of sum(op(a, b)) on both engines, a and b trainable.
std::pair<Value, Value> gradients_of(EngineUnderTest& e, const std::string& op_name, std::vector<double> a,
                                     std::vector<double> b, OpAttrs attrs = {}) {
  graph::Graph g;
  const Shape s{static_cast<std::int64_t>(a.size())};
  g.inputs = {variable("%a", s, std::move(a)), variable("%b", s, std::move(b))};
  g.tapes = {tape("t")};
  g.body = {record("t", {op("%y", op_name, {"%a", "%b"}, attrs), op("%s", "reduce_sum", {"%y"})}),
            gradient({"%ga", "%gb"}, "t", "%s", {"%a", "%b"})};
  const RunResult r = e.run(g, {});
  if (r.error) ADD_FAILURE() << r.error->message;
  return {r.values.at("%ga"), r.values.at("%gb")};
}

TEST(LibtorchEngine, MaximumAndMinimumSplitATieEvenly) {
  const auto torch = make_libtorch_engine();
  const auto ref = make_reference_engine();
  for (const char* op : {"maximum", "minimum"}) {
    const auto [ta, tb] = gradients_of(*torch, op, {1, 2}, {1, 3});
    expect_data(ta, {0.5, op == std::string("maximum") ? 0.0 : 1.0}, std::string(op) + " torch da");
    expect_data(tb, {0.5, op == std::string("maximum") ? 1.0 : 0.0}, std::string(op) + " torch db");
    const auto [ra, rb] = gradients_of(*ref, op, {1, 2}, {1, 3});
    EXPECT_EQ(ra.data[0], 1);  // TF: the whole gradient to the first operand
    EXPECT_EQ(rb.data[0], 0);
  }
}

// d/db a^b = a^b ln a: NaN for a < 0 in torch; TF's _PowGrad takes 0 where a <= 0.
TEST(LibtorchEngine, PowExponentGradientAtANegativeBaseIsNaN) {
  const auto [ta, tb] = gradients_of(*make_libtorch_engine(), "pow", {-2, 0}, {2, 2});
  expect_data(ta, {-4, 0}, "d/da");
  EXPECT_TRUE(std::isnan(tb.data[0]));
  EXPECT_EQ(tb.data[1], 0);
  const auto [ra, rb] = gradients_of(*make_reference_engine(), "pow", {-2, 0}, {2, 2});
  EXPECT_EQ(rb.data[0], 0);
}

// y = op(x) for one unary op on x, and dy/dx (summed target), on an engine.
std::pair<Value, Value> unary(EngineUnderTest& e, const std::string& op_name, std::vector<double> x,
                              OpAttrs attrs = {}) {
  graph::Graph g;
  const Shape shape{static_cast<std::int64_t>(x.size())};
  g.inputs = {variable("%x", shape, std::move(x))};
  g.tapes = {tape("t")};
  g.body = {record("t", {op("%y", op_name, {"%x"}, attrs), op("%s", "reduce_sum", {"%y"})}),
            gradient({"%g"}, "t", "%s", {"%x"}, {}, std::nullopt, graph::Unconnected::none)};
  const RunResult r = e.run(g, {});
  if (r.error) ADD_FAILURE() << r.error->message;
  const auto& gv = r.gradients.at(0).values[0];
  return {r.values.at("%y"), gv ? *gv : Value{DType::f64, Shape{}, {std::numeric_limits<double>::quiet_NaN()}}};
}

TEST(LibtorchEngine, KinksWhereTorchAndTheReferenceAgree) {
  auto torch = make_libtorch_engine();
  expect_data(unary(*torch, "relu", {0, 1}).second, {0, 1}, "relu'(0) = 0");
  expect_data(unary(*torch, "abs", {0, -1}).second, {0, -1}, "abs'(0) = 0");
  expect_data(unary(*torch, "sign", {0, -1, 2}).second, {0, 0, 0}, "sign' = 0, a value (R5)");
  OpAttrs slope;
  slope.alpha = 0.2;
  expect_data(unary(*torch, "leaky_relu", {0, 1}, slope).second, {0.2, 1}, "leaky_relu'(0) = alpha");
  OpAttrs clip;
  clip.lo = 0;
  clip.hi = 1;
  expect_data(unary(*torch, "clip_by_value", {0, 1, 2}, clip).second, {1, 1, 0}, "inclusive bounds");
  OpAttrs all;
  expect_data(unary(*torch, "reduce_max", {3, 1, 3}, all).second, {0.5, 0, 0.5}, "amax splits ties");
}

// clamp on an f32 tensor compares with its bounds in f32, as TF's clip_by_value: 0.1f is at
// hi = 0.1 and -0.3f at lo = -0.3 (corpus/regressions/libtorch/clip_by_value_at_an_f32_rounded_bound).
TEST(LibtorchEngine, ClipByValueBoundsAreRoundedToTheDtypeOfX) {
  const graph::Graph g = graph::parse_tcg(R"(graph g
input %x: f32[2] variable values(0.1, -0.3)
tape t
record t {
  %y = clip_by_value %x lo=-0.3 hi=0.1
  %s = reduce_sum %y axes=[] keepdims=false
}
%g = grad t %s wrt %x
)");
  const RunResult torch = run_torch(g), ref = run_reference(g);
  ASSERT_FALSE(torch.error) << torch.error->message;
  ASSERT_FALSE(ref.error) << ref.error->message;
  expect_data(torch.values.at("g"), {1, 1}, "torch: at the bounds, inside");
  expect_data(ref.values.at("g"), {1, 1}, "reference: at the bounds, inside");
}

TEST(LibtorchEngine, KinksAndThresholdsWhereTorchDiffers) {
  auto torch = make_libtorch_engine();
  auto ref = make_reference_engine();
  OpAttrs alpha;
  alpha.alpha = 0.5;
  // elu'(0): torch takes the left derivative alpha·e⁰ (x <= 0 branch), the reference 1.
  expect_data(unary(*torch, "elu", {0}, alpha).second, {0.5}, "torch elu'(0)");
  expect_data(unary(*ref, "elu", {0}, alpha).second, {1}, "reference elu'(0)");
  // softplus(x) is exactly x above torch's threshold 20, with derivative exactly 1.
  const auto [y, dy] = unary(*torch, "softplus", {21});
  EXPECT_EQ(y.data[0], 21);
  EXPECT_EQ(dy.data[0], 1);
  const auto [ry, rdy] = unary(*ref, "softplus", {21});
  EXPECT_GT(ry.data[0], 21);
  EXPECT_LT(rdy.data[0], 1);
  // clamp passes NaN and gives it derivative 0 (its mask lo <= x <= hi is false); the
  // reference gives NaN the gradient g.
  OpAttrs clip;
  clip.lo = 0;
  clip.hi = 1;
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const auto [cy, cdy] = unary(*torch, "clip_by_value", {nan}, clip);
  EXPECT_TRUE(std::isnan(cy.data[0]));
  EXPECT_EQ(cdy.data[0], 0);
  EXPECT_EQ(unary(*ref, "clip_by_value", {nan}, clip).second.data[0], 1);
  // floor: zeros in torch, None in the reference (unary() reads None as NaN).
  EXPECT_EQ(unary(*torch, "floor", {0.5}).second.data[0], 0);
  EXPECT_TRUE(std::isnan(unary(*ref, "floor", {0.5}).second.data[0]));
}

// The finite-difference oracle judges torch's derivative at a kink by the side its profile
// states (oracles/profile_kinks.hpp): f = Σ op(x)·(x + 1) with x[1] on the kink, so f's
// derivative there is the op's derivative at the kink, and the two sides differ.
graph::Graph kink_graph(const std::string& op_name, std::vector<double> x, std::vector<std::string> operands,
                        OpAttrs attrs = {}) {
  graph::Graph g;
  const Shape s{static_cast<std::int64_t>(x.size())};
  g.inputs = {variable("%x", s, std::move(x)), constant("%c", s, {0.5, 0, -3}), constant("%one", Shape{}, {1})};
  g.tapes = {tape("t")};
  g.body = {record("t", {op("%y", op_name, std::move(operands), attrs), op("%x1", "add", {"%x", "%one"}),
                         op("%z", "mul", {"%y", "%x1"}), op("%s", "reduce_sum", {"%z"})}),
            gradient({"%g"}, "t", "%s", {"%x"})};
  return g;
}

TEST(LibtorchEngine, KinksAreJudgedOnTheSideTorchsProfileStates) {
  OpAttrs alpha;
  alpha.alpha = 0.5;
  struct Case {
    const char* what;
    graph::Graph g;
  };
  const std::vector<double> on_kink{-1, 0, 2};
  std::vector<Case> cases = {
      {"relu'(0) = 0 (left)", kink_graph("relu", on_kink, {"%x"})},
      {"leaky_relu'(0) = alpha (left)", kink_graph("leaky_relu", on_kink, {"%x"}, alpha)},
      {"elu'(0) = alpha (left)", kink_graph("elu", on_kink, {"%x"}, alpha)},
      {"selu'(0) = scale·alpha (left)", kink_graph("selu", on_kink, {"%x"})},
      {"abs'(0) = 0 (the mean)", kink_graph("abs", on_kink, {"%x"})},
      {"maximum at a tie: ½ each", kink_graph("maximum", {-1, 0, 2}, {"%x", "%c"})},
      {"minimum at a tie: ½ each", kink_graph("minimum", {-1, 0, 2}, {"%x", "%c"})},
      {"softplus at and above 20", kink_graph("softplus", {19.5, 20, 21}, {"%x"})},
  };
  const auto torch = make_libtorch_engine();
  for (const Case& c : cases) {
    const RunResult r = torch->run(c.g, {});
    ASSERT_FALSE(r.error) << c.what << ": " << r.error->message;
    oracles::FdOptions opt;
    opt.semantics = &torch->semantics();
    const std::vector<oracles::Finding> fs = oracles::check_finite_differences(c.g, {}, r, opt);
    ASSERT_EQ(fs.size(), 1u) << c.what;
    EXPECT_EQ(fs[0].outcome, oracles::Outcome::agree) << c.what << ": " << fs[0].detail;
    EXPECT_EQ(fs[0].entries_checked, 3) << c.what << ": the kink entry is judged: " << fs[0].detail;
  }
  // The wrong side is a mismatch: torch judged by a profile that states the other side of
  // elu's kink (the reference's), or no split at maximum's ties (its first operand's: not a
  // one-sided difference, so inconclusive, never agreement by accident).
  SemanticsProfile wrong = torch->semantics();
  wrong.ops[&op_elu].kink_side = KinkSide::right;
  wrong.ops[&op_relu].kink_side = KinkSide::right;
  wrong.ops[&op_abs].kink_side = KinkSide::left;
  for (const Case& c : {cases[0], cases[2], cases[4]}) {
    oracles::FdOptions opt;
    opt.semantics = &wrong;
    const std::vector<oracles::Finding> fs = oracles::check_finite_differences(c.g, {}, torch->run(c.g, {}), opt);
    EXPECT_EQ(fs[0].outcome, oracles::Outcome::mismatch) << c.what << " under the wrong side: " << fs[0].detail;
    EXPECT_EQ(fs[0].worst_entry, 1) << c.what;
  }
  wrong.ops[&op_maximum].ties.reset();
  oracles::FdOptions opt;
  opt.semantics = &wrong;
  const std::vector<oracles::Finding> fm = oracles::check_finite_differences(cases[5].g, {}, torch->run(cases[5].g, {}), opt);
  EXPECT_EQ(fm[0].entries_inconclusive, 1) << fm[0].detail;
}

// y = op(inputs), g = d sum(y)/d inner_wrt under an inner tape, recorded by an outer tape, and
// h = d sum(g)/d outer_wrt: a second derivative through op's gradient.
graph::Graph through_a_gradient(const std::string& inputs, const std::string& op, const std::string& inner_wrt,
                                const std::string& outer_wrt) {
  return graph::parse_tcg("graph g\n" + inputs + R"(tape outer
tape inner
record outer {
  record inner {
    %y = )" + op + R"(
    %s = reduce_sum %y axes=[] keepdims=false
  }
  %g = grad inner %s wrt )" + inner_wrt + R"(
  %gs = reduce_sum %g axes=[] keepdims=false
}
%h = grad outer %gs wrt )" + outer_wrt + "\n");
}

// How many of the connectivity oracle's findings on run `r` of `g` are mismatches, under `profile`.
int connectivity_mismatches(const graph::Graph& g, const RunResult& r, const EngineUnderTest& engine,
                            const SemanticsProfile& profile) {
  int n = 0;
  for (const oracles::Finding& f : oracles::check_connectivity(g, {}, r, engine.capabilities(), profile))
    n += f.outcome == oracles::Outcome::mismatch;
  return n;
}

// Row 16: torch connects a second derivative with respect to an op's output where its backward
// saves that output; the connectivity oracle predicts it from torch's profile.
TEST(LibtorchEngine, SecondDerivativeWithRespectToAnOutputIsConnectedWhereTheBackwardReadsIt) {
  const auto torch = make_libtorch_engine();
  struct Case {
    const char* op;
    const char* wrt;
    bool none;
  };
  for (const Case& c : {Case{"expm1 %a", "%a", false}, Case{"reduce_prod %a axes=[] keepdims=false", "%a", false},
                        Case{"relu %a", "%a", false}, Case{"logsumexp %a axes=[] keepdims=false", "%a", false},
                        Case{"div %a %b", "%b", true}, Case{"elu %a alpha=1", "%a", true},
                        Case{"layer_norm %a axes=[] epsilon=0.001", "%a", true},
                        Case{"batch_norm %a axes=[0] epsilon=0.001", "%a", true}}) {
    const graph::Graph g = through_a_gradient("input %a: f64[2] variable values(0.5, -1.5)\n"
                                              "input %b: f64[2] variable values(2, 3)\n",
                                              c.op, c.wrt, "%y");
    const RunResult r = torch->run(g, {});
    ASSERT_FALSE(r.error) << c.op << ": " << r.error->message;
    ASSERT_EQ(r.gradients.size(), 2u) << c.op;
    EXPECT_EQ(!r.gradients[1].values[0].has_value(), c.none) << c.op;
    EXPECT_EQ(connectivity_mismatches(g, r, *torch, torch->semantics()), 0) << c.op;
  }
}

// Rows 15 and 16 on the input side: the second derivative through an op's gradient with
// respect to the op's own input, where the reference connects zeros (its VJP reads the input
// through a mask, or smoothly) or nothing (avg_pool2d's VJP reads no input), and torch's
// backward does the opposite: xlogy's mask is a comparison, cumprod's backward reads nothing
// where each element is a product of at most one factor, avg_pool2d's backward saves its input
// (derivatives.yaml avg_pool2d_backward: `self: zeros_like(self)`). The connectivity oracle
// predicts each from torch's profile, and only from it: without the op's fact it calls torch's
// answer a mismatch (campaign seed 14 graphs 2971, 1750, 2592; seed 13 graph 624).
TEST(LibtorchEngine, SecondDerivativeThroughAnOpsGradientIsConnectedWhereTorchsBackwardReadsItsInput) {
  const auto torch = make_libtorch_engine();
  struct Case {
    const char* op;
    const char* input;  // the shape of %a
    const OpDef* row;
    bool none;          // torch's second derivative is None (else: zeros)
  };
  for (const Case& c : {Case{"xlogy %a %b", "f64[2]", &op_xlogy, true},
                        Case{"cumprod %a axis=0 exclusive=false reverse=false", "f64[1,2]", &op_cumprod, true},
                        Case{"cumprod %a axis=0 exclusive=true reverse=true", "f64[2,1]", &op_cumprod, true},
                        Case{"avg_pool2d %a strides=[1,1] ksize=[1,2] padding=\"valid\"", "f64[1,1,2,1]", &op_avg_pool2d, false}}) {
    const graph::Graph g = through_a_gradient(std::string("input %a: ") + c.input + " variable values(0.5, -1.5)\n" +
                                                  "input %b: f64[2] constant values(2, 3)\n",
                                              c.op, "%a", "%a");
    const RunResult r = torch->run(g, {});
    ASSERT_FALSE(r.error) << c.op << ": " << r.error->message;
    ASSERT_EQ(r.gradients.size(), 2u) << c.op;
    ASSERT_EQ(!r.gradients[1].values[0].has_value(), c.none) << c.op;
    if (!c.none) expect_data(*r.gradients[1].values[0], {0, 0}, c.op);
    EXPECT_EQ(!run_reference(g).gradients.at(1).values[0].has_value(), !c.none) << c.op;
    EXPECT_EQ(connectivity_mismatches(g, r, *torch, torch->semantics()), 0) << c.op;
    SemanticsProfile without = torch_profile();
    without.ops.erase(c.row);
    EXPECT_GT(connectivity_mismatches(g, r, *torch, without), 0)
        << c.op << ": torch's profile without the op's fact predicts torch's answer";
  }
}

// Row 30: hypot's derivative at the origin is NaN in torch (grad·self/result = 0/0): with
// d = a − c at a = c, hypot(d, d)'s gradient for a is NaN (the reference's is 0). A convention
// torch's profile states, so no numerical oracle calls the NaN a mismatch.
TEST(LibtorchEngine, HypotsNaNAtTheOriginIsAConventionNotAMismatch) {
  graph::Graph g;
  g.inputs = {variable("%a", Shape{2}, {0.5, 1}), constant("%c", Shape{2}, {0.5, 2})};
  g.tapes = {tape("t")};
  g.body = {record("t", {op("%d", "sub", {"%a", "%c"}), op("%h", "hypot", {"%d", "%d"}),
                         op("%s", "reduce_sum", {"%h"})}),
            gradient({"%ga"}, "t", "%s", {"%a"})};
  const auto torch = make_libtorch_engine();
  const RunResult r = torch->run(g, {});
  ASSERT_FALSE(r.error) << r.error->message;
  EXPECT_TRUE(std::isnan(r.values.at("%ga").data[0]));
  EXPECT_EQ(run_reference(g).values.at("%ga").data[0], 0);
  oracles::CheckOptions options;
  options.seed = 3;
  for (const oracles::Finding& f : oracles::check_graph(g, *torch, options).findings)
    EXPECT_NE(f.outcome, oracles::Outcome::mismatch) << f.oracle << ": " << f.detail;
  // Off the origin a NaN is no convention: a mismatch under torch's profile too.
  const InputValues off{{"%c", Value{DType::f64, Shape{2}, {0.3, 2}}}};
  RunResult nan = make_reference_engine()->run(g, off);
  nan.values.at("%ga").data[0] = std::numeric_limits<double>::quiet_NaN();
  nan.gradients.at(0).values[0]->data[0] = std::numeric_limits<double>::quiet_NaN();
  oracles::FdOptions fd;
  fd.semantics = &torch->semantics();
  const std::vector<oracles::Finding> fs = oracles::check_finite_differences(g, off, nan, fd);
  ASSERT_EQ(fs.size(), 1u);
  EXPECT_EQ(fs[0].outcome, oracles::Outcome::mismatch) << fs[0].detail;
}

// docs/libtorch.md row 33: at x = 0 (y > 0) torch's xlogy has ∂/∂x = ln y, backward and
// forward; TF and the reference mask it to 0.
TEST(LibtorchEngine, XlogyDerivativeAtZeroIsLogY) {
  graph::Graph g;
  g.inputs = {variable("%x", Shape{1}, {0}, /*trainable=*/true, DType::f64), constant("%y", Shape{1}, {2})};
  g.tapes = {tape("t")};
  g.body = {record("t", {op("%z", "xlogy", {"%x", "%y"})}), gradient({"%gx"}, "t", "%z", {"%x"})};
  const InputValues u{{"%x", Value{DType::f64, Shape{1}, {1}}}};
  const RunResult torch = run_torch(g), ref = run_reference(g);
  ASSERT_FALSE(torch.error) << torch.error->message;
  expect_value(torch, "%gx", {std::log(2.0)});
  expect_value(ref, "%gx", {0});
  const auto torch_tangents = make_libtorch_engine()->jvp(g, {}, u);
  const auto ref_tangents = make_reference_engine()->jvp(g, {}, u);
  ASSERT_TRUE(torch_tangents && ref_tangents);
  expect_data(torch_tangents->at("%z"), {std::log(2.0)}, "torch's forward AD");
  expect_data(ref_tangents->at("%z"), {0}, "the reference's JVP");
}

TEST(LibtorchEngine, CastToI32TruncatesButDoesNotSaturate) {
  graph::Graph g;
  const double nan = std::numeric_limits<double>::quiet_NaN();
  g.inputs = {constant("%x", Shape{4}, {-2.7, 2.7, 3e9, nan})};
  OpAttrs to_i32;
  to_i32.dtype = DType::i32;
  g.body = {op("%i", "cast", {"%x"}, to_i32)};
  const RunResult torch = run_torch(g), ref = run_reference(g);
  ASSERT_FALSE(torch.error) << torch.error->message;
  expect_value(torch, "%i", {-2, 2, -2147483648.0, -2147483648.0});  // x86's cvttsd2si
  expect_value(ref, "%i", {-2, 2, 2147483647.0, 0});                 // TF: saturate, NaN -> 0
}

// ----------------------------------------------------------------------------------------------
// Torch findings (docs/libtorch.md, "Findings"): each pinned to what libtorch 1.13.1 does
// ----------------------------------------------------------------------------------------------

namespace findings {

// The second-order oracle's outcome for `source` (any source if empty) of `g` on `engine`, at
// the oracles' seed `seed`; not_applicable if it gave none.
oracles::Outcome second_order_outcome(const graph::Graph& g, EngineUnderTest& engine, std::uint64_t seed,
                                      const std::string& source = "") {
  oracles::CheckOptions options;
  options.seed = seed;
  for (const oracles::Finding& f : oracles::check_graph(g, engine, options).findings)
    if (f.oracle == "second_order" && (source.empty() || f.source == source)) return f.outcome;
  return oracles::Outcome::not_applicable;
}

// prod(x) at x = (2, 3, 0, 0): dP/dx = (0, 0, 0, 0) and d/dx (dP/dx_4) = (0, 0, 6, 0).
graph::Graph prod_second_derivative() {
  graph::Graph g;
  g.inputs = {variable("%x", Shape{4}, {2, 3, 0, 0})};
  g.tapes = {tape("outer"), tape("inner")};
  OpAttrs last;
  last.begin = {3};
  last.size = {1};
  g.body = {record("outer", {record("inner", {op("%p", "reduce_prod", {"%x"})}),
                             gradient({"%g"}, "inner", "%p", {"%x"}), op("%g4", "slice", {"%g"}, last),
                             op("%s", "reduce_sum", {"%g4"})}),
            gradient({"%h"}, "outer", "%s", {"%x"})};
  return g;
}

// pytorch/pytorch#106789 (fixed after 1.13): with two or more zeros, prod's gradient is computed
// without a graph, so the second derivative is None although H[2][3] = x_0·x_1 = 6. The
// second-order oracle (Hessian-vector products against finite differences of the engine's own
// gradient) calls it a mismatch on torch and agrees with the reference.
TEST(LibtorchFindings, ProdSecondDerivativeWithTwoZerosIsNone) {
  const RunResult ref = run_reference(prod_second_derivative());
  const RunResult torch = run_torch(prod_second_derivative());
  ASSERT_FALSE(ref.error) << ref.error->message;
  ASSERT_FALSE(torch.error) << torch.error->message;
  expect_value(ref, "%g", {0, 0, 0, 0});
  expect_value(torch, "%g", {0, 0, 0, 0});
  expect_value(ref, "%h", {0, 0, 6, 0});
  EXPECT_FALSE(torch.gradients.at(1).values[0]);
  EXPECT_TRUE(contains(torch.gradients[1].why_none[0], "target does not require grad"));

  graph::Graph first_order;
  first_order.inputs = {variable("%x", Shape{4}, {2, 3, 0, 0})};
  first_order.tapes = {tape("t")};
  first_order.body = {record("t", {op("%p", "reduce_prod", {"%x"})}), gradient({"%g"}, "t", "%p", {"%x"})};
  EXPECT_EQ(second_order_outcome(first_order, *make_libtorch_engine(), 7), oracles::Outcome::mismatch);
  EXPECT_EQ(second_order_outcome(first_order, *make_reference_engine(), 7), oracles::Outcome::agree);
}

// Finding 4: torch 1.13's trigamma (polygamma(1, x), digamma's derivative) is accurate to
// ~5e-10 relative, not to f64 (ψ'(1) = π²/6, ψ'(1/2) = π²/2, ψ'(2) = π²/6 - 1); the
// reference's is within a few ulps there.
TEST(LibtorchFindings, TrigammaIsAccurateToAbout5e10Only) {
  graph::Graph g;
  g.inputs = {variable("%x", Shape{3}, {1, 0.5, 2})};
  g.tapes = {tape("t")};
  g.body = {record("t", {op("%y", "digamma", {"%x"}), op("%s", "reduce_sum", {"%y"})}), gradient({"%g"}, "t", "%s", {"%x"})};
  const std::vector<double> exact{M_PI * M_PI / 6, M_PI * M_PI / 2, M_PI * M_PI / 6 - 1};
  const RunResult torch = run_torch(g), ref = run_reference(g);
  ASSERT_FALSE(torch.error) << torch.error->message;
  ASSERT_FALSE(ref.error) << ref.error->message;
  for (std::size_t i = 0; i < exact.size(); ++i) {
    const double t = (*torch.gradients[0].values[0]).data[i], r = (*ref.gradients[0].values[0]).data[i];
    EXPECT_GT(std::abs(t - exact[i]) / exact[i], 1e-10) << i;  // torch: ~3e-10 .. 5e-10
    EXPECT_LT(std::abs(t - exact[i]) / exact[i], 1e-9) << i;
    EXPECT_LT(std::abs(r - exact[i]) / exact[i], 1e-15) << i;
  }
}

// pytorch/pytorch#89034: abs's second derivative comes back from autograd.grad as a ZeroTensor
// (at::_efficientzerotensor), zeros with no allocated storage; reading its data throws in C++
// and .numpy() returns uninitialised memory in Python. The adapter reads it as the zeros it
// stands for (the reference's is zeros too: R5 at every order; docs/libtorch.md).
TEST(LibtorchFindings, AbsSecondDerivativeIsAZeroTensorReadAsZeros) {
  graph::Graph g;
  g.inputs = {variable("%x", Shape{2}, {1.5, -2})};
  g.tapes = {tape("outer"), tape("inner")};
  g.body = {record("outer", {record("inner", {op("%y", "abs", {"%x"}), op("%s", "reduce_sum", {"%y"})}),
                             gradient({"%g"}, "inner", "%s", {"%x"}), op("%gs", "reduce_sum", {"%g"})}),
            gradient({"%h"}, "outer", "%gs", {"%x"})};
  const RunResult torch = run_torch(g);
  ASSERT_FALSE(torch.error) << torch.error->message;
  expect_value(torch, "%g", {1, -1});
  expect_value(torch, "%h", {0, 0});
  expect_value(run_reference(g), "%h", {0, 0});
}

// pytorch/pytorch#11390: a view made under no_grad of a tensor that requires grad reports
// requires_grad=True, but it is a ghost: ops on it get no edge to it. Taken as a gradient()
// target, torch raises although requires_grad says yes; as a source it is None even when
// watched (requires_grad_ changes nothing); an op result computed from it "requires grad".
TEST(LibtorchFindings, ViewMadeUnderNoGradIsAGhost) {
  graph::Graph g;
  g.inputs = {variable("%x", Shape{3}, {0.5, 1, 2})};
  g.tapes = {tape("t", /*persistent=*/true)};
  OpAttrs same;
  same.shape = {3};
  g.body = {op("%v", "reshape", {"%x"}, same),
            record("t", {watch("t", {"%v"}), op("%y", "sin", {"%v"}), op("%s", "reduce_sum", {"%y"})}),
            gradient({"%gv", "%gy"}, "t", "%s", {"%v", "%y"}), gradient({"%gx"}, "t", "%v", {"%x"}, at(5))};
  const RunResult ref = run_reference(g);
  ASSERT_FALSE(ref.error) << ref.error->message;
  expect_data(*ref.gradients[0].values[0], {std::cos(0.5), std::cos(1.0), std::cos(2.0)}, "reference d s/d v");
  const RunResult torch = run_torch(g);
  ASSERT_EQ(torch.gradients.size(), 1u);
  EXPECT_FALSE(torch.gradients[0].values[0]);  // watched, yet no gradient reaches v
  ASSERT_TRUE(torch.gradients[0].values[1]);   // y = sin(v) is connected to the target
  ASSERT_TRUE(torch.error);
  EXPECT_EQ(torch.error->at.line, 5);
  EXPECT_TRUE(contains(torch.error->message, "does not require grad and does not have a grad_fn"))
      << torch.error->message;
}

// Finding 5 (pytorch/pytorch#186256, #175754): batch_norm's and layer_norm's double backward
// takes the saved batch statistics as inputs without autograd history, so a third derivative
// holds them constant. sum(batch_norm(x)) and sum(layer_norm(x)) are 0 for every x: every
// derivative is exactly 0, and torch's first and second are, its third is not.
TEST(LibtorchFindings, NormalisationThirdDerivativeHoldsTheStatisticsConstant) {
  for (const char* norm : {"batch_norm", "layer_norm"}) {
    const graph::Graph g = graph::parse_tcg(std::string(R"(graph g
input %x: f64[3,2] variable values(0.5, -1, 2, 0.25, -0.75, 1.5)
input %u: f64[3,2] constant values(1, -2, 0.5, 3, -1, 2)
input %v: f64[3,2] constant values(-1, 0.5, 2, -3, 1, 0.25)
tape t3
tape t2
tape t1
record t3 {
  record t2 {
    record t1 {
      %y = )") + norm + R"( %x axes=[] epsilon=0.001
      %s = reduce_sum %y axes=[] keepdims=false
    }
    %g1 = grad t1 %s wrt %x
    %p1 = mul %g1 %u
    %s1 = reduce_sum %p1 axes=[] keepdims=false
  }
  %g2 = grad t2 %s1 wrt %x
  %p2 = mul %g2 %v
  %s2 = reduce_sum %p2 axes=[] keepdims=false
}
%g3 = grad t3 %s2 wrt %x
)");
    const RunResult torch = run_torch(g), ref = run_reference(g);
    ASSERT_FALSE(torch.error) << norm << ": " << torch.error->message;
    ASSERT_FALSE(ref.error) << norm << ": " << ref.error->message;
    const std::vector<double> zeros(6, 0.0);
    for (const char* order : {"g1", "g2"}) {
      expect_data(torch.values.at(order), zeros, std::string(norm) + " torch " + order, test::Tolerance{0, 1e-12});
      expect_data(ref.values.at(order), zeros, std::string(norm) + " reference " + order, test::Tolerance{0, 1e-12});
    }
    expect_data(ref.values.at("g3"), zeros, std::string(norm) + " reference g3", test::Tolerance{0, 1e-12});
    double largest = 0;
    for (double d : torch.values.at("g3").data) largest = std::max(largest, std::abs(d));
    EXPECT_GT(largest, 0.1) << norm << ": torch's third derivative of a constant";
  }
}

// Finding 6 (pytorch/functorch#1097): at a zero norm (equal elements, for std) torch masks the
// first derivative to 0 after dividing by the norm, so the derivative of that 0 is 0/0: d/dw of
// d(w·‖x‖₃)/dx at x = 0 is NaN, where torch's own first derivative says 0. The second-order
// oracle calls it a mismatch on torch and agrees with the reference.
TEST(LibtorchFindings, MaskedDerivativeAtAZeroNormHasANaNDerivative) {
  for (const std::string& norm : {std::string("norm %x axes=[] keepdims=false ord=3 @ 0, 0"),
                                  std::string("reduce_std %x axes=[] keepdims=false @ 0.5, 0.5")}) {
    const std::string op = norm.substr(0, norm.find(" @ ")), at_values = norm.substr(norm.find(" @ ") + 3);
    const std::string body = "input %x: f64[2] variable values(" + at_values + R"()
input %w: f64[] variable values(1.5)
)";
    const graph::Graph nested = graph::parse_tcg("graph g\n" + body + R"(tape outer
tape inner
record outer {
  record inner {
    %n = )" + op + R"(
    %y = mul %n %w
  }
  %gx = grad inner %y wrt %x
  %s = reduce_sum %gx axes=[] keepdims=false
}
%h = grad outer %s wrt %w
)");
    const RunResult torch = run_torch(nested), ref = run_reference(nested);
    ASSERT_FALSE(torch.error) << op << ": " << torch.error->message;
    expect_value(torch, "gx", {0, 0});
    expect_value(ref, "h", {0});
    EXPECT_TRUE(std::isnan(torch.values.at("h").data.at(0))) << op;

    const graph::Graph first_order = graph::parse_tcg("graph g\n" + body + R"(tape t
record t {
  %n = )" + op + R"(
  %y = mul %n %w
}
%gx, %gw = grad t %y wrt %x, %w
)");
    EXPECT_EQ(second_order_outcome(first_order, *make_libtorch_engine(), 7, "w"), oracles::Outcome::mismatch) << op;
    EXPECT_EQ(second_order_outcome(first_order, *make_reference_engine(), 7, "w"), oracles::Outcome::agree) << op;
  }
}

// Finding 7: the port of tf.nn.conv2d (NHWC input and [kh, kw, in, out] filter permuted to
// torch's layouts) with one output channel: torch's backward raises "slow_conv2d: grad_weight
// must be contiguous" (the permuted filter's size-1 dimension has stride 1, an ambiguous
// channels_last layout). With two output channels it runs and agrees with the reference.
TEST(LibtorchFindings, Conv2dFilterGradientRaisesForOneOutputChannel) {
  for (const char* out : {"1", "2"}) {
    const graph::Graph g = graph::parse_tcg(std::string(R"(graph g
input %x: f64[1,3,4,2] constant uniform(-1, 1) seed=1
input %f: f64[2,2,2,)") + out + R"(] variable uniform(-1, 1) seed=2
tape t
record t {
  %y = conv2d %x %f strides=[1,1] dilations=[1,1] padding="valid"
  %s = reduce_sum %y axes=[] keepdims=false
}
%g = grad t %s wrt %f
)");
    const RunResult torch = run_torch(g), ref = run_reference(g);
    ASSERT_FALSE(ref.error) << ref.error->message;
    expect_same_value(torch.values.at("y"), ref.values.at("y"), "the forward", test::kF64);
    if (std::string(out) == "1") {
      ASSERT_TRUE(torch.error);
      EXPECT_EQ(torch.error->at.line, 9);
      EXPECT_TRUE(contains(torch.error->message, "grad_weight must be contiguous")) << torch.error->message;
    } else {
      ASSERT_FALSE(torch.error) << torch.error->message;
      expect_same_value(*torch.gradients.at(0).values.at(0), *ref.gradients.at(0).values.at(0), "d s/d f", test::kF64);
    }
  }
}

// Finding 8: away from exact zeros torch 1.13's prod_backward and cumprod_backward divide by the
// input (result / x_j), and the derivative of that quotient is a difference of two terms of order
// Π_{k≠j} x_k / x_j that cancel: next to a factor of 1e-15 the Hessian by double backward is off
// by O(0.1) where the true one is a polynomial's, of order 1 (python3-torch: error ~u/|x_j|). The
// second-order oracle calls it a mismatch at every oracle seed; the reference agrees.
TEST(LibtorchFindings, ProdAndCumprodSecondDerivativesAreInaccurateNextToASmallFactor) {
  const graph::Graph g = graph::parse_tcg(R"(graph g
input %x: f64[3] variable values(1.5, 1e-15, 0.7)
input %u: f64[3] constant values(0, 1, 0)
tape outer
tape inner
record outer {
  record inner {
    %p = reduce_prod %x axes=[] keepdims=false
  }
  %g = grad inner %p wrt %x
  %gu = mul %g %u
  %s = reduce_sum %gu axes=[] keepdims=false
}
%h = grad outer %s wrt %x
)");
  // H[:, 1] of x0·x1·x2: (x2, 0, x0). Torch's middle entry is (x0·x2)/x1 − (x0·x1·x2)/x1², two
  // terms of 1e15 whose true difference is 0.
  const std::vector<double> exact{0.7, 0, 1.5};
  const RunResult torch = run_torch(g), ref = run_reference(g);
  ASSERT_FALSE(torch.error) << torch.error->message;
  ASSERT_FALSE(ref.error) << ref.error->message;
  expect_value(ref, "h", exact);
  double torch_error = 0;
  for (std::size_t i = 0; i < exact.size(); ++i)
    torch_error = std::max(torch_error, std::abs(torch.gradients.at(1).values.at(0)->data.at(i) - exact[i]));
  EXPECT_GT(torch_error, 1e-3);

  const graph::Graph first_order = graph::parse_tcg(R"(graph g
input %x: f64[3] variable values(1.5, 1e-15, 0.7)
input %w: f64[3] constant values(0.3, -1.1, 0.8)
tape t
record t {
  %p = reduce_prod %x axes=[] keepdims=false
  %c = cumprod %x axis=0 exclusive=false reverse=false
  %cw = mul %c %w
  %s = reduce_sum %cw axes=[] keepdims=false
  %l = add %p %s
}
%g = grad t %l wrt %x
)");
  for (const std::uint64_t seed : {0, 1, 2}) {
    EXPECT_EQ(second_order_outcome(first_order, *make_libtorch_engine(), seed), oracles::Outcome::mismatch) << seed;
    EXPECT_EQ(second_order_outcome(first_order, *make_reference_engine(), seed), oracles::Outcome::agree) << seed;
  }
}

// Finding 9: torch 1.13's pow_backward_self is where(exponent == 0, 0, grad·y·b^(y−1)), and
// double backward differentiates the taken branch, a constant: ∂(∂f/∂b)/∂y = 0 at y = 0 where it
// is 1/b (the other order, through the exponent's backward, gives 1/b). The second-order oracle
// calls it a mismatch on the exponent; the reference agrees.
TEST(LibtorchFindings, PowMixedSecondDerivativeIsZeroAtAZeroExponent) {
  const graph::Graph g = graph::parse_tcg(R"(graph g
input %b: f64[2] variable values(1.7, 0.6)
input %y: f64[2] variable values(0, 0.8)
tape outer
tape inner
record outer {
  record inner {
    %p = pow %b %y
    %s = reduce_sum %p axes=[] keepdims=false
  }
  %gb = grad inner %s wrt %b
  %t = reduce_sum %gb axes=[] keepdims=false
}
%h = grad outer %t wrt %y
)");
  // d/dy_i of y_i·b_i^(y_i − 1) = b_i^(y_i − 1)·(1 + y_i·ln b_i).
  const std::vector<double> exact{1 / 1.7, std::pow(0.6, -0.2) * (1 + 0.8 * std::log(0.6))};
  const RunResult torch = run_torch(g), ref = run_reference(g);
  ASSERT_FALSE(torch.error) << torch.error->message;
  ASSERT_FALSE(ref.error) << ref.error->message;
  for (std::size_t i = 0; i < exact.size(); ++i)
    EXPECT_NEAR(ref.gradients.at(1).values.at(0)->data.at(i), exact[i], 1e-15) << i;
  EXPECT_EQ(torch.gradients.at(1).values.at(0)->data.at(0), 0.0);  // where 1/1.7 is due
  EXPECT_NEAR(torch.gradients.at(1).values.at(0)->data.at(1), exact[1], 1e-15);

  const graph::Graph first_order = graph::parse_tcg(R"(graph g
input %b: f64[2] variable values(1.7, 0.6)
input %y: f64[2] variable values(0, 0.8)
tape t
record t {
  %p = pow %b %y
  %s = reduce_sum %p axes=[] keepdims=false
}
%gb, %gy = grad t %s wrt %b, %y
)");
  for (const std::uint64_t seed : {0, 1, 2}) {
    EXPECT_EQ(second_order_outcome(first_order, *make_libtorch_engine(), seed, "y"), oracles::Outcome::mismatch) << seed;
    EXPECT_EQ(second_order_outcome(first_order, *make_reference_engine(), seed, "y"), oracles::Outcome::agree) << seed;
  }
}

}  // namespace findings

}  // namespace
}  // namespace tc::eut
