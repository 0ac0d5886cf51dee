// engine/ops/op_def.hpp InputDef::vjp_reads: every row's declared facts about what its VJP
// reads agree with what the VJP actually records. The connectivity oracle predicts which
// higher-order gradients are None from these facts alone, so a VJP that reads something its
// row does not declare (or stops reading something it does) would make the two drift apart
// silently; this test makes it loud.
//
// For each differentiable input j of each row, the VJP runs on independent tensors — the
// upstream gradient g, the output y and the inputs x_k — while a tape records, and the
// gradient r_j = vjp(...)_j is differentiated with respect to each of them:
//   - not declared:         d<r_j, w>/dD is None;
//   - declared `piecewise`: it is zeros (connected: R5 at every order);
//   - declared `linear`:    it is a value, and its own derivative with respect to D is None;
//   - declared `smooth`:    it is a value, and its own derivative with respect to D is too.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "engine/api.hpp"
#include "engine/ops/grad_util.hpp"
#include "engine/ops/op_table.hpp"

namespace tc {
namespace {

OpAttrs probe_attrs() {
  OpAttrs a;
  a.shape = {2, 2};
  a.begin = {0, 0};
  a.size = {-1, -1};
  a.dtype = DType::f64;
  a.lo = -0.5;
  a.hi = 0.5;
  return a;
}

// Values for input `k` of `op` with `shape`: inside its domain, away from the points it keeps
// a margin from, distinct (no ties); integer inputs are valid indices, bools alternate.
Tensor operand(const OpDef& op, int k, const Shape& shape, DType dtype, std::mt19937_64& rng) {
  const InputDef& in = op.input(k);
  std::vector<double> v(static_cast<std::size_t>(shape.numel()));
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (dtype == DType::boolean) {
      v[i] = static_cast<double>(i % 2);
    } else if (dtype == DType::i32) {
      v[i] = static_cast<double>(i % 2);
    } else {
      const double margin = std::max(in.domain.margin, 0.05);
      double x = 0;
      for (int tries = 0; tries < 100; ++tries) {
        x = std::uniform_real_distribution<double>(in.domain.lo, in.domain.hi)(rng);
        bool far = true;
        for (double p : in.domain.away_from) far = far && std::abs(x - p) > margin;
        if (far) break;
      }
      v[i] = x;
    }
  }
  return Tensor::constant(std::move(v), shape, dtype);
}

// A draw that always takes the midpoint: a row's attribute hook, deterministically.
class MidpointDraw final : public Draw {
 public:
  double uniform(double lo, double hi) override { return (lo + hi) / 2; }
  std::int64_t integer(std::int64_t lo, std::int64_t hi) override { return (lo + hi) / 2; }
};

// The operands of one application of `op` that infer() accepts, and its attributes (the row's
// attribute hook's where it has one, else probe_attrs()): every operand f64 [2, 2] (integer
// inputs i32, predicates bool), or the last one [2] (scatter_add's indices), or the first one
// [2] (sparse labels before their logits), or the shapes the row's sample_shape hook proposes.
std::vector<Tensor> operands(const OpDef& op, std::mt19937_64& rng, OpAttrs& attrs) {
  const int n = op.arity < 0 ? 2 : op.arity;
  // The last configuration (-2): the shapes the row's own hook proposes, if it has one.
  for (int vector_slot : {-1, n - 1, 0, -2}) {
    if (vector_slot == -2 && !op.sample_shape) break;
    std::vector<TensorSpec> specs;
    MidpointDraw draw;
    for (int k = 0; k < n; ++k) {
      const DTypes d = op.input(k).dtypes;
      const DType dtype = accepts(d, DType::f64) ? DType::f64 : accepts(d, DType::i32) ? DType::i32 : DType::boolean;
      const Shape shape = vector_slot == -2 ? op.sample_shape(k, specs.data(), k, 64, draw)
                          : k == vector_slot ? Shape{2}
                                             : Shape{2, 2};
      specs.push_back({dtype, shape});
    }
    attrs = op.sample_attrs ? op.sample_attrs(specs.data(), n, draw) : probe_attrs();
    try {
      op.infer(attrs, specs.data(), n);
    } catch (const Error&) {
      continue;
    }
    std::vector<Tensor> out;
    for (int k = 0; k < n; ++k) {
      const TensorSpec& spec = specs[static_cast<std::size_t>(k)];
      // A row that samples its own operands (an invertible or SPD matrix) is asked for them.
      if (op.sample_input && is_floating(spec.dtype))
        out.push_back(Tensor::constant(op.sample_input(k, spec, draw), spec.shape, spec.dtype));
      else
        out.push_back(operand(op, k, spec.shape, spec.dtype, rng));
    }
    return out;
  }
  return {};
}

Tensor weights(const Tensor& like, std::mt19937_64& rng) {
  std::vector<double> w(static_cast<std::size_t>(like.numel()));
  for (double& x : w) x = std::uniform_real_distribution<double>(0.5, 1.5)(rng);
  return Tensor::constant(std::move(w), like.shape(), like.dtype());
}

bool all_zero(const Tensor& t) {
  for (std::int64_t i = 0; i < t.numel(); ++i)
    if (t[i] != 0.0) return false;
  return true;
}

// The rows with a VJP: the table's, and the VJP-only op masks are made with.
std::vector<const OpDef*> rows_with_vjp() {
  std::vector<const OpDef*> rows;
  for (const OpDef* op : op_table())
    if (op->vjp) rows.push_back(op);
  rows.push_back(&op_piecewise_constant);
  return rows;
}

TEST(VjpReads, EveryDifferentiableInputDeclaresWhatItsVjpReads) {
  for (const OpDef* op : rows_with_vjp())
    for (const InputDef& in : op->inputs) {
      if (!in.differentiable()) continue;
      EXPECT_FALSE(in.vjp_reads.empty()) << op->name << " input " << in.name << " declares no vjp_reads";
      for (const VjpRead& r : in.vjp_reads)
        if (r.operand == VjpOperand::input) {
          EXPECT_GE(r.input, 0) << op->name;
          EXPECT_LT(r.input, op->arity) << op->name;
        }
    }
}

// What one candidate D is to the gradient of input j: its declared dependence, if any (the
// strongest, smooth over linear over piecewise, if it is declared twice — pow's ln a is smooth
// in a and masked by a > 0).
std::optional<Dependence> declared(const OpDef& op, int j, const std::string& candidate, int k, const OpAttrs& attrs) {
  auto rank = [](Dependence d) { return d == Dependence::smooth ? 2 : d == Dependence::linear ? 1 : 0; };
  std::optional<Dependence> d;
  for (const VjpRead& r : op.input(j).vjp_reads) {
    if (!r.applies(attrs)) continue;
    const bool match = (candidate == "upstream" && r.operand == VjpOperand::upstream) ||
                       (candidate == "output" && r.operand == VjpOperand::output) ||
                       (candidate == "input" && ((r.operand == VjpOperand::self && k == j) ||
                                                 (r.operand == VjpOperand::input && r.input == k)));
    if (match && (!d || rank(r.how) > rank(*d))) d = r.how;
  }
  return d;
}

TEST(VjpReads, EachRowsFactsAreWhatItsVjpRecords) {
  std::mt19937_64 rng(17);
  for (const OpDef* op : rows_with_vjp()) {
    SCOPED_TRACE(op->name);
    OpAttrs attrs;
    const std::vector<Tensor> x = operands(*op, rng, attrs);
    ASSERT_FALSE(x.empty()) << "no operands infer() accepts";
    const int n = static_cast<int>(x.size());
    const Tensor y0 = apply_op(*op, x.data(), n, attrs);
    const Tensor y = Tensor::constant(y0.values(), y0.shape(), y0.dtype());  // an independent leaf
    const Tensor g = weights(y, rng);
    for (int j = 0; j < n; ++j) {
      if (!op->input(j).differentiable() || !is_floating(x[static_cast<std::size_t>(j)].dtype())) continue;
      // The candidates: the upstream gradient, the output, each floating input.
      struct Candidate {
        std::string what;
        int k;
        Tensor t;
      };
      std::vector<Candidate> candidates{{"upstream", -1, g}, {"output", -1, y}};
      for (int k = 0; k < n; ++k)
        if (is_floating(x[static_cast<std::size_t>(k)].dtype())) candidates.push_back({"input", k, x[static_cast<std::size_t>(k)]});
      GradientTape second(/*persistent=*/true, /*watch_accessed_variables=*/false);
      GradientTape first(/*persistent=*/true, /*watch_accessed_variables=*/false);
      std::vector<std::optional<Tensor>> d1(candidates.size());
      std::vector<Tensor> s1(candidates.size());
      {
        auto outer = second.recording();
        for (const Candidate& c : candidates) second.watch(c.t);
        Tensor r;
        {
          auto inner = first.recording();
          for (const Candidate& c : candidates) first.watch(c.t);
          std::vector<std::optional<Tensor>> gin(static_cast<std::size_t>(n));
          op->vjp({attrs, x.data(), n, y, g}, gin.data());
          ASSERT_TRUE(gin[static_cast<std::size_t>(j)]) << "the VJP gave no gradient for input " << j;
          const Tensor& rj = *gin[static_cast<std::size_t>(j)];
          r = reduce_sum(mul(rj, weights(rj, rng)));
        }
        for (std::size_t c = 0; c < candidates.size(); ++c) {
          d1[c] = first.gradient(r, candidates[c].t);
          if (d1[c]) s1[c] = reduce_sum(mul(*d1[c], weights(*d1[c], rng)));
        }
      }
      for (std::size_t c = 0; c < candidates.size(); ++c) {
        const Candidate& cand = candidates[c];
        const std::string name = cand.what + (cand.k >= 0 ? " " + std::to_string(cand.k) : "");
        SCOPED_TRACE("the gradient of input " + std::to_string(j) + " with respect to the " + name);
        const std::optional<Dependence> d = declared(*op, j, cand.what, cand.k, attrs);
        if (!d) {
          EXPECT_FALSE(d1[c]) << "the VJP reads it, the row does not declare it";
          continue;
        }
        ASSERT_TRUE(d1[c]) << "declared " << dependence_name(*d) << ", but the VJP does not read it";
        if (*d == Dependence::piecewise) {
          EXPECT_TRUE(all_zero(*d1[c])) << "declared piecewise: the derivative must be zeros";
          continue;
        }
        const std::optional<Tensor> d2 = second.gradient(s1[c], cand.t);
        if (*d == Dependence::linear)
          EXPECT_FALSE(d2) << "declared linear, but the derivative depends on it";
        else
          EXPECT_TRUE(d2) << "declared smooth, but the derivative does not depend on it (linear)";
      }
    }
  }
}

// R5 at every order: relu's and sign's derivatives through their masks are zeros, never None.
TEST(VjpReads, MasksGiveZerosAtEveryOrder) {
  const Tensor x = Tensor::constant({-1.5, 0.5, 2.0}, Shape{3});
  GradientTape t3(true, false), t2(true, false), t1(true, false);
  std::optional<Tensor> g1, g2, g3;
  {
    auto r3 = t3.recording();
    t3.watch(x);
    {
      auto r2 = t2.recording();
      t2.watch(x);
      {
        auto r1 = t1.recording();
        t1.watch(x);
        const Tensor l = reduce_sum(relu(x));
        g1 = t1.gradient(l, x);
      }
      ASSERT_TRUE(g1);
      g2 = t2.gradient(reduce_sum(*g1), x);
    }
    ASSERT_TRUE(g2);
    EXPECT_TRUE(all_zero(*g2));
    g3 = t3.gradient(reduce_sum(*g2), x);
  }
  ASSERT_TRUE(g3) << "the third derivative of relu is zeros, not None";
  EXPECT_TRUE(all_zero(*g3));
}

}  // namespace
}  // namespace tc

namespace tc {
namespace {

TEST(VjpReads, NormReadsItsOutputExceptForOrdOne) {
  // norm's VJP is sign(x)·g for ord = 1 (TF's reduce_sum(abs(x))) and divides by the output
  // for every other ord: the row's fact says so per attribute, and the VJP does as it says.
  const OpDef& op = get_op("norm");
  const Tensor x = Tensor::constant({0.5, -1.5, 2.0}, Shape({3}), DType::f64);
  for (const double ord : {1.0, 1.5, 2.0}) {
    SCOPED_TRACE(ord);
    OpAttrs a;
    a.ord = ord;
    const Tensor y = Tensor::constant(apply_op(op, &x, 1, a).values(), Shape(std::vector<std::int64_t>{}), DType::f64);
    const Tensor g = Tensor::constant({1.0}, Shape(std::vector<std::int64_t>{}), DType::f64);
    GradientTape tape(/*persistent=*/false, /*watch_accessed_variables=*/false);
    Tensor r;
    {
      auto rec = tape.recording();
      tape.watch(y);
      std::optional<Tensor> gin[1];
      op.vjp({a, &x, 1, y, g}, gin);
      ASSERT_TRUE(gin[0]);
      r = reduce_sum(*gin[0]);
    }
    const bool reads = tape.gradient(r, y).has_value();
    bool declared_output = false;
    for (const VjpRead& read : op.input(0).vjp_reads)
      declared_output = declared_output || (read.operand == VjpOperand::output && read.applies(a));
    EXPECT_EQ(reads, ord != 1);
    EXPECT_EQ(declared_output, reads);
  }
}

}  // namespace
}  // namespace tc
