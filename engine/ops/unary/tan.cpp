// tan(x).   d/dx = sec²x = 1 + tan²x = 1 + y².
// Poles at x = π/2 + kπ; the sampling domain (-1.2, 1.2) stays inside the central branch,
// where the derivative still reaches ~7.6, hence tolerance_factor 10.
#include "engine/ops/binary/binary.hpp"
#include "engine/ops/family_rows.hpp"
#include "engine/ops/grad_util.hpp"
#include "engine/ops/kernel.hpp"
#include "engine/ops/unary/unary.hpp"

namespace tc {
namespace {

template <class S>
void forward(const OpAttrs&, const In<S>* in, int, const Out<S>& out, Branches*) {
  using std::tan;
  kernel::unary(in[0], out, [](S x) { return tan(x); });
}

TensorSpec infer(const OpAttrs&, const TensorSpec* in, int n) {
  return kernel::infer_unary_float("tan", in, n);
}

void vjp(const VjpArgs& a, std::optional<Tensor>* g) {
  const Tensor& y = a.output;
  g[0] = mul(a.grad, add(scalar_like(y, 1), square(y)));
}

}  // namespace

extern const OpDef op_tan = unary_float_row("tan", {-1.2, 1.2})
    .math("y = tan x; dy/dx = 1 + y^2")
    .complex_step_ok()
    .tolerance_factor(10.0)
    .vjp_reads(0, {reads::upstream, reads::output(Dependence::smooth)})
    .rules(&infer, TC_FORWARDS(forward), &vjp);

Tensor tan(const Tensor& x) { return apply_op(op_tan, {x}); }

}  // namespace tc
