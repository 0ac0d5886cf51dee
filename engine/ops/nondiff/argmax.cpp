// argmax(x, axis): the index of the largest element along `axis`, as i32; the axis is dropped
// (x: [2,3], axis=1 -> [2]). Ties go to the FIRST index (TF). x may have any dtype.
// Errors: a scalar x or an out-of-range axis, and an empty axis (nothing to index) raise
// ShapeError naming the shape.
// Piecewise constant in x; the tape gives None (SEMANTICS R4; an i32 result carries no
// gradient in any case). Branches: the winning index per output element.
#include "engine/ops/kernel.hpp"
#include "engine/ops/nondiff/nondiff.hpp"
#include "engine/ops/nondiff/nondiff_kernel.hpp"

namespace tc {
namespace {

template <class S>
void forward(const OpAttrs& a, const In<S>* in, int, Out<S> out, Branches* branches) {
  kernel::arg_reduce("argmax", a, in[0], out, branches,
                     [](double c, double best) { return c > best; });
}

TensorSpec infer(const OpAttrs& a, const TensorSpec* in, int n) {
  return kernel::infer_arg_reduce("argmax", a, in, n);
}

}  // namespace

extern const OpDef op_argmax{
    "argmax", "nondiff", 1, {{"x", GradClass::none}}, "axis", "any -> i32 (axis dropped)",
    "x_j tied for the largest along axis: the first index; the index jumps where the "
    "winner changes",
    "y = argmax_j x_j; gradient None", false, 1.0, &infer, TC_FORWARDS(forward), nullptr};

Tensor argmax(const Tensor& x, std::int64_t axis) {
  OpAttrs a;
  a.axis = axis;
  return apply_op(op_argmax, {x}, a);
}

}  // namespace tc
