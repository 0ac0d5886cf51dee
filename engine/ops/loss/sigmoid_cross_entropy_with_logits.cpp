// sigmoid_cross_entropy_with_logits(labels z, logits x) = softplus(x) - x·z, element by element
// on operands of one shape (tf.nn.sigmoid_cross_entropy_with_logits), evaluated as TF does,
// max(x, 0) - x·z + log(1 + exp(-|x|)), so exp never overflows. The branch on the sign of x
// is no kink: both sides are the same analytic function (each side is evaluated as itself on
// every scalar type, so complex step and dual numbers differentiate it exactly).
//   ∂/∂x = sigmoid(x) - z,  ∂/∂z = -x
// TF differentiates its composite formula, which gives the same; both operands are
// differentiable (labels may be soft). The VJP uses sigmoid, sub, mul and neg: recorded.
#include <string>

#include "engine/ops/binary/binary.hpp"
#include "engine/ops/kernel.hpp"
#include "engine/ops/loss/loss.hpp"
#include "engine/ops/unary/unary.hpp"

namespace tc {
namespace {

template <class S>
void forward(const OpAttrs&, const In<S>* in, int, const Out<S>& out, Branches*) {
  using std::exp;
  using std::log1p;
  using tc::log1p;  // the c128 overload (ADL on std::complex would not find it)
  const std::int64_t n = out.spec.shape.numel();
  for (std::int64_t i = 0; i < n; ++i) {
    const S z = in[0].data[i], x = in[1].data[i];
    out.data[i] = real_part(x) > 0 ? x - x * z + log1p(exp(-x)) : -x * z + log1p(exp(x));
  }
}

TensorSpec infer(const OpAttrs&, const TensorSpec* in, int n) {
  const char* op = "sigmoid_cross_entropy_with_logits";
  kernel::expect_arity(op, n, 2);
  kernel::expect_floating(op, in[0], 0);
  kernel::expect_floating(op, in[1], 1);
  if (in[0].dtype != in[1].dtype)
    throw DTypeError(std::string(op) + ": labels " + std::string(dtype_name(in[0].dtype)) + " and logits " +
                     std::string(dtype_name(in[1].dtype)) + " differ");
  if (in[0].shape != in[1].shape)
    throw ShapeError(std::string(op) + ": labels " + in[0].shape.str() + " and logits " + in[1].shape.str() +
                     " must have the same shape");
  return in[1];
}

void vjp(const VjpArgs& a, std::optional<Tensor>* g) {
  const Tensor& z = a.inputs[0];
  const Tensor& x = a.inputs[1];
  g[0] = neg(mul(a.grad, x));
  g[1] = mul(a.grad, sub(sigmoid(x), z));
}

}  // namespace

extern const OpDef op_sigmoid_cross_entropy_with_logits = OpRow("sigmoid_cross_entropy_with_logits", "loss")
    .input(OpInput("labels").domain({0, 1})).input(OpInput("logits").same_dtype_as(0))
    .result(ResultDType::of_input(1)).shape_rule("same (operands of one shape)").traits(Trait::elementwise)
    .math("y = max(x,0) - x z + log(1 + exp(-|x|)); dx = sigmoid(x) - z, dz = -x")
    .complex_step_ok()
    .vjp_reads(0, {reads::upstream, reads::input(1, Dependence::linear)})
    .vjp_reads(1, {reads::upstream, reads::input(0, Dependence::linear), reads::self(Dependence::smooth)})
    .rules(&infer, TC_FORWARDS(forward), &vjp);

Tensor sigmoid_cross_entropy_with_logits(const Tensor& labels, const Tensor& logits) {
  return apply_op(op_sigmoid_cross_entropy_with_logits, {labels, logits});
}

}  // namespace tc
