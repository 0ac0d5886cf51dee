// asin(x), principal branch [-π/2, π/2], for x in [-1, 1] (NaN outside, as TF).
//   d/dx = 1/√(1 - x²): infinite at x = ±1, so the sampling domain keeps |x| <= 0.9.
#include "engine/ops/binary/binary.hpp"
#include "engine/ops/family_rows.hpp"
#include "engine/ops/grad_util.hpp"
#include "engine/ops/kernel.hpp"
#include "engine/ops/scalar_math.hpp"
#include "engine/ops/unary/unary.hpp"

namespace tc {
namespace {

template <class S>
void forward(const OpAttrs&, const In<S>* in, int, const Out<S>& out, Branches*) {
  using std::asin;
  kernel::unary(in[0], out, [](S x) { return asin(x); });
}

TensorSpec infer(const OpAttrs&, const TensorSpec* in, int n) {
  return kernel::infer_unary_float("asin", in, n);
}

void vjp(const VjpArgs& a, std::optional<Tensor>* g) {
  const Tensor& x = a.inputs[0];
  g[0] = mul(a.grad, rsqrt(sub(scalar_like(x, 1), square(x))));
}

}  // namespace

extern const OpDef op_asin = unary_float_row("asin", {-0.9, 0.9})
    .math("y = asin x; dy/dx = 1/sqrt(1 - x^2)")
    .complex_step_ok()
    .vjp_reads(0, {reads::upstream, reads::self(Dependence::smooth)})
    .rules(&infer, TC_FORWARDS(forward), &vjp);

Tensor asin(const Tensor& x) { return apply_op(op_asin, {x}); }

}  // namespace tc
