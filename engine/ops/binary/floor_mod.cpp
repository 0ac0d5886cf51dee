// floor_mod(a, b) = a - floor(a/b)·b, broadcast: the remainder with the divisor's sign
// (tf.math.floormod, alias tf.math.mod; Python's %).
//   ∂/∂a = 1,   ∂/∂b = -floor(a/b)   (TF's _FloorModGrad).
// floor(a/b) is piecewise constant: the result jumps by b wherever a/b crosses an integer.
// That integer is recorded in Branches, so no difference stencil crosses a jump; between
// jumps the op is a - k·b with k constant, and the forward evaluates exactly that (k from the
// real parts), so dual numbers and complex step see the derivatives the VJP gives. The VJP's
// floor(a/b) is a constant (piecewise constant: zero derivative almost everywhere).
// b = 0 gives NaN (as TF for floats); the sampling domain keeps |b| >= 0.3.
#include <cmath>

#include "engine/ops/binary/binary.hpp"
#include "engine/ops/family_rows.hpp"
#include "engine/ops/grad_util.hpp"
#include "engine/ops/kernel.hpp"

namespace tc {
namespace {

template <class S>
void forward(const OpAttrs&, const In<S>* in, int, const Out<S>& out, Branches* branches) {
  kernel::binary(in[0], in[1], out, [branches](S a, S b) {
    const double k = std::floor(real_part(a) / real_part(b));
    if (branches) branches->add(std::isfinite(k) ? static_cast<std::int32_t>(k) : INT32_MIN);
    return a - S(k) * b;
  });
}

TensorSpec infer(const OpAttrs&, const TensorSpec* in, int n) {
  return kernel::infer_binary_float("floor_mod", in, n);
}

void vjp(const VjpArgs& v, std::optional<Tensor>* g) {
  const Tensor& a = v.inputs[0];
  const Tensor& b = v.inputs[1];
  const Tensor quotient = mask_like2(
      a, b, v.output.shape(), [](double x, double y) { return -std::floor(x / y); }, v.grad.dtype());
  g[0] = unbroadcast(v.grad, a.shape());
  g[1] = unbroadcast(mul(v.grad, quotient), b.shape());
}

}  // namespace

extern const OpDef op_floor_mod = binary_float_row("floor_mod", {-3, 3}, {-3, 3, {0}, 0.3})
    .with_trait(Trait::discontinuous)
    .kinks("a/b an integer: the result jumps by b (the integer floor(a/b) is recorded); between "
           "jumps da = 1, db = -floor(a/b), as TF")
    .math("y = a - floor(a/b) b; dy/da = 1, dy/db = -floor(a/b)")
    .complex_step_ok()
    .vjp_reads(0, {reads::upstream})
    .vjp_reads(1, {reads::upstream, reads::input(0, Dependence::piecewise), reads::self(Dependence::piecewise)})
    .rules(&infer, TC_FORWARDS(forward), &vjp);

Tensor floor_mod(const Tensor& a, const Tensor& b) { return apply_op(op_floor_mod, {a, b}); }

}  // namespace tc
