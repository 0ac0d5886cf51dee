// sqrt(x) = √x for x ≥ 0.   d/dx = 1/(2√x) = 0.5 / y (TF's SqrtGrad reuses the output too).
// sqrt(0) = 0 with an infinite derivative; sqrt(x < 0) = NaN, as in TF. The sampling domain
// (0.1, 4) keeps a margin from 0.
#include "engine/ops/binary/binary.hpp"
#include "engine/ops/eigen_kernel.hpp"
#include "engine/ops/family_rows.hpp"
#include "engine/ops/grad_util.hpp"
#include "engine/ops/unary/unary.hpp"

namespace tc {
namespace {

template <class S>
void forward(const OpAttrs&, const In<S>* in, int, const Out<S>& out, Branches*) {
  using std::sqrt;
  kernel::unary_vectorised(in[0], out, [](S x) { return sqrt(x); },
                           [](const auto& a) { return a.sqrt(); });
}

TensorSpec infer(const OpAttrs&, const TensorSpec* in, int n) {
  return kernel::infer_unary_float("sqrt", in, n);
}

void vjp(const VjpArgs& a, std::optional<Tensor>* g) {
  g[0] = div(mul(a.grad, scalar_like(a.output, 0.5)), a.output);
}

}  // namespace

extern const OpDef op_sqrt = unary_float_row("sqrt", {0.1, 4, {0.0}, 0.1})
    .math("y = sqrt(x); dy/dx = 1/(2 sqrt(x))")
    .complex_step_ok()
    .vjp_reads(0, {reads::upstream, reads::output(Dependence::smooth)})
    .rules(&infer, TC_FORWARDS(forward), &vjp);

Tensor sqrt(const Tensor& x) { return apply_op(op_sqrt, {x}); }

}  // namespace tc
