// expm1(x) = eˣ - 1, accurate for small |x| where exp(x) - 1 would cancel.
// d/dx expm1(x) = eˣ. The VJP uses exp(x) rather than y + 1: for x ≪ 0, y + 1 rounds to 0
// while eˣ keeps full relative precision. Smooth everywhere; overflows like exp for large x.
#include "engine/ops/binary/binary.hpp"
#include "engine/ops/eigen_kernel.hpp"
#include "engine/ops/family_rows.hpp"
#include "engine/ops/unary/unary.hpp"

namespace tc {
namespace {

template <class S>
void forward(const OpAttrs&, const In<S>* in, int, const Out<S>& out, Branches*) {
  using std::expm1;
  using tc::expm1;  // the c128 overload (ADL on std::complex would not find it)
  kernel::unary_vectorised(in[0], out, [](S x) { return expm1(x); },
                           [](const auto& a) { return a.expm1(); });
}

TensorSpec infer(const OpAttrs&, const TensorSpec* in, int n) {
  return kernel::infer_unary_float("expm1", in, n);
}

void vjp(const VjpArgs& a, std::optional<Tensor>* g) { g[0] = mul(a.grad, exp(a.inputs[0])); }

}  // namespace

extern const OpDef op_expm1 = unary_float_row("expm1", {-3, 3})
    .math("y = e^x - 1; dy/dx = e^x")
    .complex_step_ok()
    .vjp_reads(0, {reads::upstream, reads::self(Dependence::smooth)})
    .rules(&infer, TC_FORWARDS(forward), &vjp);

Tensor expm1(const Tensor& x) { return apply_op(op_expm1, {x}); }

}  // namespace tc
