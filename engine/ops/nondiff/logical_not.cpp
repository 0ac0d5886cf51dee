// logical_not(x) = !x on a bool tensor; bool result. Non-bool input raises DTypeError
// (no truthiness of numbers, as TF). No gradient: class none, no VJP (SEMANTICS R3/R4).
#include "engine/ops/family_rows.hpp"
#include "engine/ops/kernel.hpp"
#include "engine/ops/nondiff/nondiff.hpp"
#include "engine/ops/nondiff/nondiff_kernel.hpp"

namespace tc {
namespace {

template <class S>
void forward(const OpAttrs&, const In<S>* in, int, const Out<S>& out, Branches*) {
  kernel::unary(in[0], out, [](S x) { return S(real_part(x) != 0.0 ? 0.0 : 1.0); });
}

TensorSpec infer(const OpAttrs&, const TensorSpec* in, int n) {
  kernel::expect_arity("logical_not", n, 1);
  kernel::expect_bool("logical_not", in[0], 0);
  return in[0];
}

}  // namespace

extern const OpDef op_logical_not = logical_row("logical_not", 1)
    .math("y = !x; gradient None").rules(&infer, TC_FORWARDS(forward));

Tensor logical_not(const Tensor& x) { return apply_op(op_logical_not, {x}); }

}  // namespace tc
