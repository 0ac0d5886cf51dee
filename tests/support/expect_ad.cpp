#include "tests/support/expect_ad.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "engine/ops/op_table.hpp"
#include "engine/tape.hpp"
#include "tests/support/tolerances.hpp"

namespace tc::test {

Tensor t64(std::vector<double> values, std::vector<std::int64_t> shape) {
  return Tensor::constant(std::move(values), Shape(shape), DType::f64);
}
Tensor scalar64(double v) { return Tensor::scalar(v, DType::f64); }

namespace {

bool near(double a, double e, Tolerance tol) {
  if (std::isnan(e)) return std::isnan(a);
  if (std::isinf(e)) return a == e;
  return std::abs(a - e) <= tol.abs + tol.rel * std::abs(e);
}

Tensor with_dtype(const Tensor& t, DType d) {
  if (!is_floating(t.dtype())) return t;
  return Tensor::constant(t.values(), t.shape(), d);
}

// Runs op.forward<S> on inputs whose floating entries are x_i + step·u_i (S carries step).
template <class S>
std::vector<S> forward_at(const OpDef& op, const OpCase& c, int wrt, const std::vector<double>& u,
                          S step) {
  std::vector<std::vector<S>> data;
  std::vector<In<S>> ins;
  std::vector<TensorSpec> specs;
  for (std::size_t i = 0; i < c.inputs.size(); ++i) {
    const Tensor& t = c.inputs[i];
    std::vector<S> d(t.data(), t.data() + t.numel());
    if (static_cast<int>(i) == wrt)
      for (std::size_t k = 0; k < d.size(); ++k) d[k] = d[k] + step * S(u[k]);
    data.push_back(std::move(d));
    specs.push_back(t.spec());
  }
  for (std::size_t i = 0; i < data.size(); ++i) ins.push_back({data[i].data(), specs[i]});
  const TensorSpec out = op.infer(c.attrs, specs.data(), static_cast<int>(specs.size()));
  std::vector<S> y(static_cast<std::size_t>(out.shape.numel()));
  op.forward<S>()(c.attrs, ins.data(), static_cast<int>(ins.size()), {y.data(), out}, nullptr);
  return y;
}

void check_dtype(const OpCase& c, DType dtype) {
  const OpDef& op = get_op(c.op);
  const Tolerance tol = tolerance_for(dtype);
  std::vector<Tensor> inputs;
  for (const Tensor& t : c.inputs) inputs.push_back(with_dtype(t, dtype));

  GradientTape tape(/*persistent=*/true);
  Tensor y;
  {
    auto rec = tape.recording();
    for (const Tensor& t : inputs)
      if (is_floating(t.dtype())) tape.watch(t);
    y = apply_op(op, inputs.data(), static_cast<int>(inputs.size()), c.attrs);
  }
  expect_values_near(y, c.expected, dtype, c.op + " forward");

  GradientOptions opts;
  if (c.upstream) opts.output_gradients = Tensor::constant(*c.upstream, y.shape(), y.dtype());
  std::vector<Source> sources(inputs.begin(), inputs.end());
  const Gradients g = tape.gradient(y, sources, opts);
  ASSERT_EQ(c.expected_grads.size(), inputs.size()) << c.op << ": one expected gradient per input";
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    const std::string what = c.op + " d/d input " + std::to_string(i) + " (" +
                             std::string(dtype_name(dtype)) + ")";
    if (!c.expected_grads[i]) {
      EXPECT_FALSE(g[i].has_value()) << what << ": expected None, got " << to_string(*g[i]);
      continue;
    }
    ASSERT_TRUE(g[i].has_value()) << what << ": expected a value, got None: "
                                  << (g.why[i] ? g.why[i]->sentence() : "");
    EXPECT_EQ(g[i]->shape(), inputs[i].shape()) << what;
    EXPECT_EQ(g[i]->dtype(), inputs[i].dtype()) << what;
    expect_values_near(*g[i], *c.expected_grads[i], dtype, what);
  }
  (void)tol;
}

// <upstream, dy> from forward mode and complex step equals <grad_i, u> from the tape.
void check_forward_modes(const OpCase& c) {
  const OpDef& op = get_op(c.op);
  std::mt19937_64 rng(1234);
  std::normal_distribution<double> normal;
  for (std::size_t i = 0; i < c.inputs.size(); ++i) {
    if (!c.expected_grads[i] || !is_floating(c.inputs[i].dtype())) continue;
    std::vector<double> u(static_cast<std::size_t>(c.inputs[i].numel()));
    for (double& x : u) x = normal(rng);
    double expected = 0;
    for (std::size_t k = 0; k < u.size(); ++k) expected += (*c.expected_grads[i])[k] * u[k];

    const std::vector<Dual> yd = forward_at<Dual>(op, c, static_cast<int>(i), u, Dual(0, 1));
    double jvp = 0;
    for (std::size_t k = 0; k < yd.size(); ++k) jvp += (c.upstream ? (*c.upstream)[k] : 1.0) * yd[k].d;
    EXPECT_TRUE(near(jvp, expected, kDerivativeAgreement))
        << c.op << " input " << i << ": forward mode <g, J u> = " << jvp << ", tape " << expected;

    if (!op.complex_step_ok) continue;
    constexpr double h = 1e-30;
    const std::vector<c128> yc = forward_at<c128>(op, c, static_cast<int>(i), u, c128(0, h));
    double cs = 0;
    for (std::size_t k = 0; k < yc.size(); ++k)
      cs += (c.upstream ? (*c.upstream)[k] : 1.0) * yc[k].imag() / h;
    EXPECT_TRUE(near(cs, expected, kDerivativeAgreement))
        << c.op << " input " << i << ": complex step <g, J u> = " << cs << ", tape " << expected;
  }
}

}  // namespace

void expect_values_near(const Tensor& t, const std::vector<double>& expected, DType dtype,
                        const std::string& what) {
  ASSERT_EQ(t.numel(), static_cast<std::int64_t>(expected.size())) << what << ": element count";
  const Tolerance tol = tolerance_for(dtype);
  for (std::size_t k = 0; k < expected.size(); ++k)
    EXPECT_TRUE(near(t[static_cast<std::int64_t>(k)], expected[k], tol))
        << what << " [" << k << "]: got " << t[static_cast<std::int64_t>(k)] << ", expected "
        << expected[k];
}

void expect_ad(const OpCase& c) {
  SCOPED_TRACE("op " + c.op);
  check_dtype(c, DType::f64);
  bool floating = false;
  for (const Tensor& t : c.inputs) floating = floating || is_floating(t.dtype());
  if (c.also_f32 && floating) check_dtype(c, DType::f32);
  check_forward_modes(c);
}

}  // namespace tc::test
