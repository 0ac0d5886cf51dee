#include "engine/ops/grad_util.hpp"

#include <vector>

#include "engine/ops/kernel.hpp"
#include "engine/ops/shape/shape.hpp"

namespace tc {

namespace {

// The result is the first operand's values (the mask); the others only connect it.
template <class S>
void forward(const OpAttrs&, const In<S>* in, int, const Out<S>& out, Branches*) {
  const std::int64_t n = kernel::numel(out.spec);
  for (std::int64_t i = 0; i < n; ++i) out.data[i] = in[0].data[i];
}

TensorSpec infer(const OpAttrs&, const TensorSpec* in, int n) {
  if (n < 1) throw ShapeError("piecewise_constant: expects at least one input");
  for (int k = 0; k < n; ++k) kernel::expect_floating("piecewise_constant", in[k], k);
  return in[0];
}

// Every operand's gradient is zero, whatever the upstream gradient: zeros connected to it, so
// that the next order is zeros again.
void vjp(const VjpArgs& a, std::optional<Tensor>* g) {
  for (int k = 0; k < a.n_inputs; ++k) g[k] = zero_gradient(a.inputs[k]);
}

}  // namespace

extern const OpDef op_piecewise_constant = OpRow("piecewise_constant", "vjp")
    .variadic(OpInput("x"))
    .result(ResultDType::of_input(0))
    .shape_rule("that of the first operand")
    .math("y = m(x_1 .. x_n), piecewise constant; dy/dx_k = 0 (zeros, not None)")
    .vjp_reads(0, {reads::self(Dependence::piecewise)})
    .rules(&infer, TC_FORWARDS(forward), &vjp);

Tensor piecewise_constant(const Tensor& values, const Tensor& x) {
  return apply_op(op_piecewise_constant, {values, x});
}

Tensor zero_gradient(const Tensor& x) {
  return piecewise_constant(Tensor::zeros(x.shape(), x.dtype()), x);
}

Tensor mask_like(const Tensor& x, const std::function<double(double)>& weight) {
  std::vector<double> m(static_cast<std::size_t>(x.numel()));
  for (std::size_t i = 0; i < m.size(); ++i) m[i] = weight(x.data()[i]);
  return piecewise_constant(Tensor::constant(std::move(m), x.shape(), x.dtype()), x);
}

Tensor mask_like2(const Tensor& a, const Tensor& b, const Shape& out,
                  const std::function<double(double, double)>& weight, DType dtype) {
  std::vector<double> m(static_cast<std::size_t>(out.numel()));
  kernel::for_each_broadcast<2>(out, {&a.shape(), &b.shape()},
                                [&](std::int64_t i, const std::array<std::int64_t, 2>& o) {
                                  m[static_cast<std::size_t>(i)] = weight(a[o[0]], b[o[1]]);
                                });
  return apply_op(op_piecewise_constant, {Tensor::constant(std::move(m), out, dtype), a, b});
}

Tensor scalar_like(const Tensor& t, double v) { return Tensor::scalar(v, t.dtype()); }

Tensor upstream_with_kept_axes(const Tensor& g, const Shape& kept) {
  if (g.shape() == kept || g.shape().rank() == 0) return g;
  return reshape(g, kept.to_vector());
}

}  // namespace tc
