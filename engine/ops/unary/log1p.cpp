// log1p(x) = ln(1 + x), accurate for small |x|.   d/dx = 1/(1 + x).
// log1p(-1) = -inf and log1p(x < -1) = NaN, as in TF; the sampling domain (-0.9, 3) keeps a
// margin from the pole at -1.
#include "engine/ops/binary/binary.hpp"
#include "engine/ops/family_rows.hpp"
#include "engine/ops/grad_util.hpp"
#include "engine/ops/unary/unary.hpp"
#include "engine/ops/vector_math.hpp"

namespace tc {
namespace {

template <class S>
void forward(const OpAttrs&, const In<S>* in, int, const Out<S>& out, Branches*) {
  using std::log1p;
  using tc::log1p;  // the c128 overload (ADL on std::complex would not find it)
  kernel::unary_array(in[0], out, [](S x) { return log1p(x); }, &vector_math::log1p);
}

TensorSpec infer(const OpAttrs&, const TensorSpec* in, int n) {
  return kernel::infer_unary_float("log1p", in, n);
}

void vjp(const VjpArgs& a, std::optional<Tensor>* g) {
  const Tensor& x = a.inputs[0];
  g[0] = div(a.grad, add(x, scalar_like(x, 1)));
}

}  // namespace

extern const OpDef op_log1p = unary_float_row("log1p", {-0.9, 3, {-1.0}, 0.1})
    .math("y = ln(1 + x); dy/dx = 1/(1 + x)")
    .complex_step_ok()
    .vjp_reads(0, {reads::upstream, reads::self(Dependence::smooth)})
    .rules(&infer, TC_FORWARDS(forward), &vjp);

Tensor log1p(const Tensor& x) { return apply_op(op_log1p, {x}); }

}  // namespace tc
