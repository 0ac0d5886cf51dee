// broadcast_to(x, shape): replicate x along broadcast axes (NumPy rules).
// VJP: sum g over the replicated axes (unbroadcast).
#include "engine/ops/binary/binary.hpp"
#include "engine/ops/family_rows.hpp"
#include "engine/ops/kernel.hpp"
#include "engine/ops/shape/shape.hpp"

namespace tc {
namespace {

template <class S>
void forward(const OpAttrs&, const In<S>* in, int, const Out<S>& out, Branches*) {
  kernel::for_each_broadcast<1>(out.spec.shape, {&in[0].spec.shape},
                                [&](std::int64_t i, const std::array<std::int64_t, 1>& o) {
                                  out.data[i] = in[0].data[o[0]];
                                });
}

TensorSpec infer(const OpAttrs& a, const TensorSpec* in, int n) {
  kernel::expect_arity("broadcast_to", n, 1);
  const Shape target(a.shape);
  if (broadcast_shapes(in[0].shape, target, "broadcast_to") != target)
    throw ShapeError("broadcast_to: cannot broadcast " + in[0].shape.str() + " to " + target.str());
  return {in[0].dtype, target};
}

void vjp(const VjpArgs& a, std::optional<Tensor>* g) {
  g[0] = unbroadcast(a.grad, a.inputs[0].shape());
}

}  // namespace

extern const OpDef op_broadcast_to = layout_row("broadcast_to", "shape", "the shape attribute")
    .attrs(Attr::shape)
    .math("y = x replicated to shape; dx = sum of g over replicated axes")
    .complex_step_ok()
    .vjp_reads(0, {reads::upstream})
    .rules(&infer, TC_FORWARDS(forward), &vjp);

Tensor broadcast_to(const Tensor& x, std::vector<std::int64_t> shape) {
  OpAttrs a;
  a.shape = std::move(shape);
  return apply_op(op_broadcast_to, {x}, std::move(a));
}

}  // namespace tc
