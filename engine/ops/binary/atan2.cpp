// atan2(y, x): the angle of the point (x, y) in (-π, π], broadcast (tf.math.atan2(y, x)).
//   ∂/∂y = x/(x² + y²),   ∂/∂x = -y/(x² + y²)   (TF's _Atan2Grad).
// Two non-smooth sets, both recorded in Branches so that no difference stencil crosses them:
//   - the origin, where the angle is undefined: the gradient is 0/0 = NaN, as TF's;
//   - the negative x-axis (y = 0, x < 0), the branch cut where the angle jumps by 2π.
// The sampling domain keeps y away from 0 (|y| >= 0.2), which avoids both.
// No complex extension of a two-argument real angle: the c128 kernel carries the exact
// first-order expansion complex step needs (scalar_math.hpp).
#include "engine/ops/binary/binary.hpp"
#include "engine/ops/family_rows.hpp"
#include "engine/ops/kernel.hpp"
#include "engine/ops/scalar_math.hpp"
#include "engine/ops/unary/unary.hpp"

namespace tc {
namespace {

template <class S>
void forward(const OpAttrs&, const In<S>* in, int, const Out<S>& out, Branches* branches) {
  kernel::binary(in[0], in[1], out, [branches](S y, S x) {
    if (branches) {
      const double ry = real_part(y), rx = real_part(x);
      // 0: the origin; ±1: either side of the cut (x < 0); 2: away from both.
      branches->add(rx == 0 && ry == 0 ? 0 : rx < 0 ? (ry > 0 ? 1 : -1) : 2);
    }
    return atan2_of(y, x);
  });
}

TensorSpec infer(const OpAttrs&, const TensorSpec* in, int n) {
  return kernel::infer_binary_float("atan2", in, n);
}

void vjp(const VjpArgs& v, std::optional<Tensor>* g) {
  const Tensor& y = v.inputs[0];
  const Tensor& x = v.inputs[1];
  const Tensor inv_r2 = div(v.grad, add(square(x), square(y)));
  g[0] = unbroadcast(mul(x, inv_r2), y.shape());
  g[1] = unbroadcast(neg(mul(y, inv_r2)), x.shape());
}

}  // namespace

extern const OpDef op_atan2 = OpRow("atan2", "binary").input(OpInput("y").domain({-3, 3, {0}, 0.2}))
    .input(OpInput("x").same_dtype_as(0)).result(ResultDType::of_input(0)).shape_rule("broadcast")
    .traits(Trait::elementwise | Trait::broadcasts)
    .kinks("the origin: undefined, the gradient is NaN (0/0, as TF); y = 0 with x < 0: the branch "
           "cut where y jumps by 2 pi")
    .math("z = atan2(y, x); dz/dy = x/(x^2 + y^2), dz/dx = -y/(x^2 + y^2)")
    .complex_step_ok()
    .vjp_reads(0, {reads::upstream, reads::self(Dependence::smooth), reads::input(1, Dependence::smooth)})
    .vjp_reads(1, {reads::upstream, reads::input(0, Dependence::smooth), reads::self(Dependence::smooth)})
    .rules(&infer, TC_FORWARDS(forward), &vjp);

Tensor atan2(const Tensor& y, const Tensor& x) { return apply_op(op_atan2, {y, x}); }

}  // namespace tc
