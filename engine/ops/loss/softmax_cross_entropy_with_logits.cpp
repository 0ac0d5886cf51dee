// softmax_cross_entropy_with_logits(labels z, logits x) = -Σ_i z_i·log_softmax(x)_i along the
// last axis, z and x of one shape [..., c] -> [...] (tf.nn.softmax_cross_entropy_with_logits),
// evaluated as Σ z_i·(lse - x_i) with lse = m + log Σ exp(x_j - m), m the row's largest real
// part (the shift cancels exactly: no kink).
//   ∂/∂x_j = softmax(x)_j·Σ_i z_i - z_j,   ∂/∂z_i = -log_softmax(x)_i
// as TF's SoftmaxCrossEntropyWithLogits kernel (backprop = softmax - labels, which assumes
// Σz = 1; the general form is kept so soft labels that do not sum to 1 are exact) and its
// labels gradient (-log_softmax, TF ≥ 1.5). The VJP uses softmax, log_softmax, reduce_sum:
// recorded, so second order works (TF's _SoftmaxCrossEntropyWithLogitsGrad has one too).
// tolerance_factor 4: softmax·Σz - z cancels for one-hot labels at a confident row (as softmax).
#include <cmath>
#include <string>

#include "engine/ops/binary/binary.hpp"
#include "engine/ops/kernel.hpp"
#include "engine/ops/loss/loss.hpp"
#include "engine/ops/nn/nn.hpp"
#include "engine/ops/reduce/reduce.hpp"
#include "engine/ops/shape/shape.hpp"
#include "engine/ops/unary/unary.hpp"

namespace tc {
namespace {

constexpr const char* kOp = "softmax_cross_entropy_with_logits";

template <class S>
void forward(const OpAttrs&, const In<S>* in, int, const Out<S>& out, Branches*) {
  using std::exp;
  using std::log;
  const Shape& s = in[1].spec.shape;
  const std::int64_t c = s[s.rank() - 1], rows = out.spec.shape.numel();
  for (std::int64_t r = 0; r < rows; ++r) {
    const S* x = in[1].data + r * c;
    const S* z = in[0].data + r * c;
    double m = -INFINITY;
    for (std::int64_t j = 0; j < c; ++j) m = std::max(m, real_part(x[j]));
    if (!std::isfinite(m)) m = 0;
    S sum(0);
    for (std::int64_t j = 0; j < c; ++j) sum += exp(x[j] - S(m));
    const S lse = S(m) + log(sum);
    S loss(0);
    for (std::int64_t j = 0; j < c; ++j) loss += z[j] * (lse - x[j]);
    out.data[r] = loss;
  }
}

TensorSpec infer(const OpAttrs&, const TensorSpec* in, int n) {
  kernel::expect_arity(kOp, n, 2);
  kernel::expect_floating(kOp, in[0], 0);
  kernel::expect_floating(kOp, in[1], 1);
  if (in[0].dtype != in[1].dtype)
    throw DTypeError(std::string(kOp) + ": labels " + std::string(dtype_name(in[0].dtype)) + " and logits " +
                     std::string(dtype_name(in[1].dtype)) + " differ");
  if (in[0].shape != in[1].shape || in[1].shape.rank() == 0 || in[1].shape[in[1].shape.rank() - 1] == 0)
    throw ShapeError(std::string(kOp) + ": labels " + in[0].shape.str() + " and logits " + in[1].shape.str() +
                     " must have one shape [..., classes] with classes >= 1");
  return {in[1].dtype, in[1].shape.prefix(in[1].shape.rank() - 1)};
}

void vjp(const VjpArgs& a, std::optional<Tensor>* g) {
  const Tensor& z = a.inputs[0];
  const Tensor& x = a.inputs[1];
  const Tensor upstream = expand_dims(a.grad, -1);
  g[0] = neg(mul(upstream, log_softmax(x, -1)));
  g[1] = mul(upstream, sub(mul(softmax(x, -1), reduce_sum(z, {-1}, /*keepdims=*/true)), z));
}

}  // namespace

extern const OpDef op_softmax_cross_entropy_with_logits = OpRow(kOp, "loss")
    .input(OpInput("labels").domain({0, 1})).input(OpInput("logits").same_dtype_as(0).edges(Edges::large))
    .result(ResultDType::of_input(1)).shape_rule("[..., classes] -> [...]").traits(Trait::reduction)
    .math("y = sum_i z_i (logsumexp(x) - x_i); dx = softmax(x) sum(z) - z, dz = -log_softmax(x)")
    .complex_step_ok().tolerance_factor(4.0)
    .vjp_reads(0, {reads::upstream, reads::input(1, Dependence::smooth)})
    .vjp_reads(1, {reads::upstream, reads::input(0, Dependence::linear), reads::self(Dependence::smooth)})
    .rules(&infer, TC_FORWARDS(forward), &vjp);

Tensor softmax_cross_entropy_with_logits(const Tensor& labels, const Tensor& logits) {
  return apply_op(op_softmax_cross_entropy_with_logits, {labels, logits});
}

}  // namespace tc
