// stack(x_1, ..., x_n; axis): the inputs (one shape, one dtype) joined along a new axis at
// `axis` (in [-rank-1, rank]) (tf.stack): y[..., k, ...] = x_k. Linear: ∂y/∂x_k is the
// identity onto slice k, so x_k's VJP is unstack(g, k, axis) (recorded: unstack's VJP puts
// it back in its slice, second order works). No kinks.
#include <string>

#include "engine/ops/kernel.hpp"
#include "engine/ops/shape/shape.hpp"

namespace tc {
namespace {

// The new axis' position in the result, for inputs of rank r.
int new_axis(std::int64_t axis, int r) { return normalize_axis(axis, r + 1, "stack"); }

template <class S>
void forward(const OpAttrs& a, const In<S>* in, int n, const Out<S>& out, Branches*) {
  const Shape& xs = in[0].spec.shape;
  const int axis = new_axis(a.axis, xs.rank());
  std::int64_t outer = 1, inner = 1;  // elements before and from the new axis, per input
  for (int d = 0; d < xs.rank(); ++d) (d < axis ? outer : inner) *= xs[d];
  for (std::int64_t o = 0; o < outer; ++o)
    for (int k = 0; k < n; ++k)
      for (std::int64_t i = 0; i < inner; ++i) out.data[(o * n + k) * inner + i] = in[k].data[o * inner + i];
}

TensorSpec infer(const OpAttrs& a, const TensorSpec* in, int n) {
  if (n < 1) throw ShapeError("stack: expects at least one input");
  const Shape& s0 = in[0].shape;
  if (s0.rank() + 1 > limits::kMaxRank) throw ShapeError("stack: stacking " + s0.str() + " would exceed rank 6");
  for (int k = 1; k < n; ++k) {
    if (in[k].dtype != in[0].dtype)
      throw DTypeError("stack: input " + std::to_string(k) + " has dtype " + std::string(dtype_name(in[k].dtype)) +
                       ", input 0 has " + std::string(dtype_name(in[0].dtype)));
    if (in[k].shape != s0)
      throw ShapeError("stack: shapes " + s0.str() + " and " + in[k].shape.str() + " (inputs 0 and " +
                       std::to_string(k) + ") differ");
  }
  std::vector<std::int64_t> dims = s0.to_vector();
  dims.insert(dims.begin() + new_axis(a.axis, s0.rank()), n);
  const Shape out(dims);
  check_element_cap(out, "stack's result");
  return {in[0].dtype, out};
}

void vjp(const VjpArgs& a, std::optional<Tensor>* g) {
  for (int k = 0; k < a.n_inputs; ++k) g[k] = unstack(a.grad, k, a.attrs.axis);
}

}  // namespace

extern const OpDef op_stack = OpRow("stack", "shape").variadic(OpInput("x").dtypes(DTypes::any))
    .result(ResultDType::of_input(0)).shape_rule("n inputs of one shape -> a new axis of n at axis")
    .attrs(Attr::axis).traits(Trait::shape)
    .math("y[..., k, ...] = x_k; dx_k = unstack(g, axis)[k]")
    .complex_step_ok()
    .vjp_reads(0, {reads::upstream})
    .rules(&infer, TC_FORWARDS(forward), &vjp);

Tensor stack(const std::vector<Tensor>& xs, std::int64_t axis) {
  OpAttrs a;
  a.axis = axis;
  return apply_op(op_stack, xs.data(), static_cast<int>(xs.size()), a);
}

}  // namespace tc
