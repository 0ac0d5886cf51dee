// add_n(x_1, ..., x_n) = x_1 + ... + x_n (TF's AddN): one shape, one floating dtype, no
// broadcasting.   ∂y/∂x_k = 1: every input's gradient is the upstream gradient.
// The tape aggregates a value's fan-out with it (engine/rules.cpp): one op for n gradients
// instead of n - 1 adds. The sum runs left to right in f64, so an f64 sum rounds exactly as
// the chain of adds ((x_1 + x_2) + x_3) ... would; an f32 sum is rounded to f32 once, at the
// end, as every op's result is.
#include <string>

#include "engine/ops/binary/binary.hpp"
#include "engine/ops/kernel.hpp"

namespace tc {
namespace {

template <class S>
void forward(const OpAttrs&, const In<S>* in, int n, const Out<S>& out, Branches*) {
  const std::int64_t count = kernel::numel(out.spec);
  for (std::int64_t i = 0; i < count; ++i) out.data[i] = in[0].data[i];
  for (int k = 1; k < n; ++k)
    for (std::int64_t i = 0; i < count; ++i) out.data[i] = out.data[i] + in[k].data[i];
}

TensorSpec infer(const OpAttrs&, const TensorSpec* in, int n) {
  if (n < 1) throw ShapeError("add_n: expects at least one input");
  for (int k = 0; k < n; ++k) {
    kernel::expect_same_floating("add_n", in, 0, k);
    if (in[k].shape != in[0].shape)
      throw ShapeError("add_n: shapes " + in[0].shape.str() + " and " + in[k].shape.str() +
                       " (inputs 0 and " + std::to_string(k) + ") differ; add_n does not broadcast");
  }
  return in[0];
}

void vjp(const VjpArgs& a, std::optional<Tensor>* g) {
  for (int k = 0; k < a.n_inputs; ++k) g[k] = a.grad;
}

}  // namespace

extern const OpDef op_add_n = OpRow("add_n", "binary").variadic(OpInput("x"))
    .result(ResultDType::of_input(0)).shape_rule("the inputs' one shape")
    .traits(Trait::elementwise)
    .math("y = x_1 + ... + x_n; dy/dx_k = 1")
    .complex_step_ok()
    .vjp_reads(0, {reads::upstream})
    .rules(&infer, TC_FORWARDS(forward), &vjp);

Tensor add_n(const Tensor* xs, int n) { return apply_op(op_add_n, xs, n); }

}  // namespace tc
