// dropout(x; rate, mask): y = x·mask/(1 - rate) with a fixed 0/1 mask, one entry per element
// of x in row-major order (tf.nn.dropout with the random keep-mask drawn beforehand, so the
// op is a deterministic function the oracles can difference; the mask is an attribute, not
// an input: no gradient flows to it). rate in [0, 1).
// Linear in x: dx = g·mask/(1 - rate), a constant scale (recorded: mul by a constant).
// Dropped elements get gradient 0 (not None). No kinks.
#include <string>

#include "engine/ops/binary/binary.hpp"
#include "engine/ops/kernel.hpp"
#include "engine/ops/nn/nn.hpp"

namespace tc {
namespace {

void check(const OpAttrs& a, const Shape& x) {
  if (!(a.rate >= 0 && a.rate < 1)) throw ShapeError("dropout: rate " + std::to_string(a.rate) + " is not in [0, 1)");
  if (static_cast<std::int64_t>(a.mask.size()) != x.numel())
    throw ShapeError("dropout: mask has " + std::to_string(a.mask.size()) + " entries for input of shape " + x.str() +
                     " (one per element)");
  for (std::size_t k = 0; k < a.mask.size(); ++k)
    if (a.mask[k] != 0 && a.mask[k] != 1)
      throw ShapeError("dropout: mask entry " + std::to_string(k) + " is " + std::to_string(a.mask[k]) + ", not 0 or 1");
}

template <class S>
void forward(const OpAttrs& a, const In<S>* in, int, const Out<S>& out, Branches*) {
  check(a, in[0].spec.shape);
  const S scale(1 / (1 - a.rate));
  for (std::size_t k = 0; k < a.mask.size(); ++k) out.data[k] = a.mask[k] ? in[0].data[k] * scale : S(0);
}

TensorSpec infer(const OpAttrs& a, const TensorSpec* in, int n) {
  kernel::expect_arity("dropout", n, 1);
  kernel::expect_floating("dropout", in[0], 0);
  check(a, in[0].shape);
  return in[0];
}

void vjp(const VjpArgs& a, std::optional<Tensor>* g) {
  std::vector<double> weight(a.attrs.mask.size());
  for (std::size_t k = 0; k < weight.size(); ++k) weight[k] = a.attrs.mask[k] ? 1 / (1 - a.attrs.rate) : 0;
  g[0] = mul(a.grad, Tensor::constant(std::move(weight), a.inputs[0].shape(), a.inputs[0].dtype()));
}

// rate 0.25 or 0.5, and a mask keeping each element with probability 1 - rate.
OpAttrs sample_attrs(const TensorSpec* in, int, Draw& draw) {
  OpAttrs a;
  a.rate = draw.integer(0, 1) ? 0.5 : 0.25;
  for (std::int64_t k = 0; k < in[0].shape.numel(); ++k) a.mask.push_back(draw.uniform(0, 1) < 1 - a.rate ? 1 : 0);
  return a;
}

}  // namespace

extern const OpDef op_dropout = OpRow("dropout", "nn").input(OpInput("x")).result(ResultDType::of_input(0))
    .shape_rule("same").attrs(Attr::rate | Attr::mask).traits(Trait::elementwise)
    .math("y = x mask / (1 - rate), the mask fixed; dx = g mask / (1 - rate)")
    .complex_step_ok().sample_attrs(&sample_attrs)
    .vjp_reads(0, {reads::upstream})
    .rules(&infer, TC_FORWARDS(forward), &vjp);

Tensor dropout(const Tensor& x, double rate, std::vector<std::int64_t> mask) {
  OpAttrs a;
  a.rate = rate;
  a.mask = std::move(mask);
  return apply_op(op_dropout, {x}, std::move(a));
}

}  // namespace tc
