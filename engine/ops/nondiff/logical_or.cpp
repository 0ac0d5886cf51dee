// logical_or(a, b) = a || b on bool tensors, element-wise with NumPy broadcasting; bool result.
// Non-bool inputs raise DTypeError (no truthiness of numbers, as TF); incompatible shapes
// raise ShapeError naming both shapes. Bool inputs never carry gradient: both inputs have
// class none and the row no VJP (SEMANTICS R3/R4).
#include "engine/ops/family_rows.hpp"
#include "engine/ops/kernel.hpp"
#include "engine/ops/nondiff/nondiff.hpp"
#include "engine/ops/nondiff/nondiff_kernel.hpp"

namespace tc {
namespace {

template <class S>
void forward(const OpAttrs&, const In<S>* in, int, const Out<S>& out, Branches*) {
  kernel::binary(in[0], in[1], out, [](S a, S b) {
    return S(real_part(a) != 0.0 || real_part(b) != 0.0 ? 1.0 : 0.0);
  });
}

TensorSpec infer(const OpAttrs&, const TensorSpec* in, int n) {
  kernel::expect_arity("logical_or", n, 2);
  kernel::expect_bool("logical_or", in[0], 0);
  kernel::expect_bool("logical_or", in[1], 1);
  return kernel::infer_binary_same_dtype("logical_or", in, n, DType::boolean);
}

}  // namespace

extern const OpDef op_logical_or = logical_row("logical_or", 2)
    .math("y = a || b; gradient None").rules(&infer, TC_FORWARDS(forward));

Tensor logical_or(const Tensor& a, const Tensor& b) { return apply_op(op_logical_or, {a, b}); }

}  // namespace tc
