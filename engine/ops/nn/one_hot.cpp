// one_hot(indices; depth, dtype): y[..., j] = 1 where j = indices[...], else 0, for i32
// indices of any shape -> [..., depth] of dtype `dtype` (tf.one_hot with on 1, off 0).
// An index outside [0, depth) gives a row of zeros, as TF (no error). Piecewise constant in
// the indices, which are integers: no gradient (None, R4).
#include <string>

#include "engine/ops/kernel.hpp"
#include "engine/ops/nn/nn.hpp"

namespace tc {
namespace {

template <class S>
void forward(const OpAttrs& a, const In<S>* in, int, const Out<S>& out, Branches*) {
  const std::int64_t n = in[0].spec.shape.numel();
  for (std::int64_t k = 0; k < n; ++k) {
    const double index = real_part(in[0].data[k]);
    for (std::int64_t j = 0; j < a.depth; ++j) out.data[k * a.depth + j] = S(index == static_cast<double>(j) ? 1 : 0);
  }
}

TensorSpec infer(const OpAttrs& a, const TensorSpec* in, int n) {
  kernel::expect_arity("one_hot", n, 1);
  if (in[0].dtype != DType::i32)
    throw DTypeError(std::string("one_hot: indices must be i32, got ") + std::string(dtype_name(in[0].dtype)));
  if (a.depth < 0) throw ShapeError("one_hot: depth " + std::to_string(a.depth) + " is negative");
  if (in[0].shape.rank() + 1 > limits::kMaxRank)
    throw ShapeError("one_hot: the result of " + in[0].shape.str() + " would exceed rank 6");
  std::vector<std::int64_t> dims = in[0].shape.to_vector();
  dims.push_back(a.depth);
  const Shape out(dims);
  check_element_cap(out, "one_hot's result");
  return {a.dtype, out};
}

OpAttrs sample_attrs(const TensorSpec*, int, Draw& draw) {
  OpAttrs a;
  a.depth = draw.integer(1, 4);
  a.dtype = draw.integer(0, 1) ? DType::f32 : DType::f64;
  return a;
}

}  // namespace

extern const OpDef op_one_hot = OpRow("one_hot", "nn")
    .input(OpInput("indices").dtypes(DTypes::integer).grad(InputGrad::integer_index).domain({-1, 4}))
    .result(ResultDType::from_attr()).shape_rule("[...] -> [..., depth]").attrs(Attr::depth | Attr::dtype)
    .traits(Trait::shape)
    .kinks("indices are integers: the gradient is None (R4); an index outside [0, depth) gives zeros")
    .math("y[..., j] = [j = indices[...]]; no gradient")
    .sample_attrs(&sample_attrs)
    .rules(&infer, TC_FORWARDS(forward));

Tensor one_hot(const Tensor& indices, std::int64_t depth, DType dtype) {
  OpAttrs a;
  a.depth = depth;
  a.dtype = dtype;
  return apply_op(op_one_hot, {indices}, std::move(a));
}

}  // namespace tc
