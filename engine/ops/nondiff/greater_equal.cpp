// greater_equal(a, b) = (a >= b), element-wise with NumPy broadcasting; bool result.
// a and b may have any dtype but must share it (no implicit promotion: DTypeError naming
// both dtypes); incompatible shapes raise ShapeError naming both shapes. NaN compares
// unordered: every comparison with NaN is false except not_equal.
// Piecewise constant, jumping where a = b; neither input gets a gradient (None, SEMANTICS
// R4; a bool result carries none in any case). Branches: sign(a - b), 2 if unordered.
#include "engine/ops/family_rows.hpp"
#include "engine/ops/kernel.hpp"
#include "engine/ops/nondiff/nondiff.hpp"
#include "engine/ops/nondiff/nondiff_kernel.hpp"

namespace tc {
namespace {

template <class S>
void forward(const OpAttrs&, const In<S>* in, int, const Out<S>& out, Branches* branches) {
  kernel::compare(in[0], in[1], out, branches, [](double a, double b) { return a >= b; });
}

TensorSpec infer(const OpAttrs&, const TensorSpec* in, int n) {
  return kernel::infer_compare("greater_equal", in, n);
}

}  // namespace

extern const OpDef op_greater_equal = comparison_row("greater_equal", Trait::order_comparison)
    .math("y = a >= b; gradient None")
    .rules(&infer, TC_FORWARDS(forward));

Tensor greater_equal(const Tensor& a, const Tensor& b) {
  return apply_op(op_greater_equal, {a, b});
}

}  // namespace tc
