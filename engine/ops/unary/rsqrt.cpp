// rsqrt(x) = 1/√x for x > 0.   d/dx = -½ x^(-3/2) = -½ y³ (TF's RsqrtGrad form).
// rsqrt(0) = inf, rsqrt(x < 0) = NaN, as in TF. The sampling domain (0.1, 4) keeps a margin
// from the pole at 0.
#include "engine/ops/binary/binary.hpp"
#include "engine/ops/family_rows.hpp"
#include "engine/ops/grad_util.hpp"
#include "engine/ops/kernel.hpp"
#include "engine/ops/unary/unary.hpp"

namespace tc {
namespace {

template <class S>
void forward(const OpAttrs&, const In<S>* in, int, const Out<S>& out, Branches*) {
  using std::sqrt;
  kernel::unary(in[0], out, [](S x) { return quotient(S(1), sqrt(x)); });
}

TensorSpec infer(const OpAttrs&, const TensorSpec* in, int n) {
  return kernel::infer_unary_float("rsqrt", in, n);
}

void vjp(const VjpArgs& a, std::optional<Tensor>* g) {
  const Tensor& y = a.output;
  g[0] = mul(a.grad, mul(scalar_like(y, -0.5), mul(square(y), y)));
}

}  // namespace

extern const OpDef op_rsqrt = unary_float_row("rsqrt", {0.1, 4, {0.0}, 0.1})
    .math("y = 1/sqrt(x); dy/dx = -y^3/2")
    .complex_step_ok()
    .vjp_reads(0, {reads::upstream, reads::output(Dependence::smooth)})
    .rules(&infer, TC_FORWARDS(forward), &vjp);

Tensor rsqrt(const Tensor& x) { return apply_op(op_rsqrt, {x}); }

}  // namespace tc
