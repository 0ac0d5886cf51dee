// xlogy(x, y) = x·ln y, and 0 wherever x = 0 (even for y = 0), broadcast (tf.math.xlogy).
//   ∂/∂x = ln y where x ≠ 0, and 0 where x = 0;   ∂/∂y = x/y (0 where x = 0)
// — TF's _XLogyGrad, which takes xlogy(x ≠ 0, y) and xdivy(x, y). For y > 0 the function is
// smooth in x and its true ∂/∂x at x = 0 is ln y: TF's 0 there is a convention, so x = 0 is a
// kink of the table (recorded in Branches: 0 on it, else x's sign, so that a line crossing it
// beside the point is seen — an f32 engine rounds softsign(a) + (−softsign(a) in f32) to
// exactly 0 where the f64 oracle's value is 1.5e-8: soak graph 550009; finite differences
// never straddle it). The forward
// returns the constant 0 at x = 0, so dual numbers and complex step realise the same
// convention (both partials 0). The sampling domain keeps y in [0.1, 3].
#include "engine/ops/binary/binary.hpp"
#include "engine/ops/family_rows.hpp"
#include "engine/ops/grad_util.hpp"
#include "engine/ops/kernel.hpp"
#include "engine/ops/select/select.hpp"
#include "engine/ops/unary/unary.hpp"

namespace tc {
namespace {

template <class S>
void forward(const OpAttrs&, const In<S>* in, int, const Out<S>& out, Branches* branches) {
  kernel::binary(in[0], in[1], out, [branches](S x, S y) {
    using std::log;
    const bool zero = real_part(x) == 0;
    if (branches) branches->add(zero ? 0 : real_part(x) > 0 ? 1 : 2);
    return zero ? S(0) : x * log(y);
  });
}

TensorSpec infer(const OpAttrs&, const TensorSpec* in, int n) {
  return kernel::infer_binary_float("xlogy", in, n);
}

void vjp(const VjpArgs& v, std::optional<Tensor>* g) {
  const Tensor& x = v.inputs[0];
  const Tensor& y = v.inputs[1];
  const Shape& out = v.output.shape();
  // [x ≠ 0] as a constant: ∂/∂x = xlogy([x ≠ 0], y), whose own derivative in y is [x ≠ 0]/y.
  const Tensor nonzero = mask_like(x, [](double t) { return t != 0 ? 1.0 : 0.0; });
  g[0] = unbroadcast(mul(v.grad, xlogy(nonzero, y)), x.shape());
  // x/y where x ≠ 0, exactly 0 where x = 0 (xdivy): x/y alone is NaN at x = y = 0.
  const Tensor keep = mask_like2(x, y, out, [](double t, double) { return t != 0 ? 1.0 : 0.0; }, DType::f64);
  const Tensor cond = Tensor::constant(keep.values(), out, DType::boolean);
  const Tensor y_safe = where(cond, y, scalar_like(y, 1));
  g[1] = unbroadcast(mul(v.grad, where(cond, div(x, y_safe), scalar_like(y, 0))), y.shape());
}

}  // namespace

extern const OpDef op_xlogy = binary_float_row("xlogy", {-3, 3}, {0.1, 3})
    .kinks("x = 0: the result is 0 for every y and both partial derivatives are taken as 0 (TF's "
           "xlogy(x != 0, y) and xdivy); the true d/dx there is ln y")
    .math("z = x ln y (0 where x = 0); dz/dx = [x != 0] ln y, dz/dy = x/y (0 where x = 0)")
    .complex_step_ok()
    .vjp_reads(0, {reads::upstream, reads::self(Dependence::piecewise), reads::input(1, Dependence::smooth)})
    .vjp_reads(1, {reads::upstream, reads::input(0, Dependence::linear), reads::self(Dependence::smooth)})
    .rules(&infer, TC_FORWARDS(forward), &vjp);

Tensor xlogy(const Tensor& x, const Tensor& y) { return apply_op(op_xlogy, {x, y}); }

}  // namespace tc
