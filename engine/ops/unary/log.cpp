// log(x) = ln x for x > 0.   d/dx = 1/x.   log(0) = -inf and log(x<0) = NaN, as in TF; the
// sampling domain keeps a margin from 0.
#include "engine/ops/binary/binary.hpp"
#include "engine/ops/eigen_kernel.hpp"
#include "engine/ops/family_rows.hpp"
#include "engine/ops/unary/unary.hpp"

namespace tc {
namespace {

template <class S>
void forward(const OpAttrs&, const In<S>* in, int, const Out<S>& out, Branches*) {
  using std::log;
  kernel::unary_vectorised(in[0], out, [](S x) { return log(x); },
                           [](const auto& a) { return a.log(); });
}

TensorSpec infer(const OpAttrs&, const TensorSpec* in, int n) {
  return kernel::infer_unary_float("log", in, n);
}

void vjp(const VjpArgs& a, std::optional<Tensor>* g) { g[0] = div(a.grad, a.inputs[0]); }

}  // namespace

extern const OpDef op_log = unary_float_row("log", {0.1, 4, {0.0}, 0.1})
    .math("y = ln x; dy/dx = 1/x")
    .complex_step_ok()
    .vjp_reads(0, {reads::upstream, reads::self(Dependence::smooth)})
    .rules(&infer, TC_FORWARDS(forward), &vjp);

Tensor log(const Tensor& x) { return apply_op(op_log, {x}); }

}  // namespace tc
