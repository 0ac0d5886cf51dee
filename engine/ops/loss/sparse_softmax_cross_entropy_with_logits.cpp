// sparse_softmax_cross_entropy_with_logits(labels, logits) = logsumexp(x) - x[label] per
// example: labels i32 of shape [...], logits [..., c] -> [...]
// (tf.nn.sparse_softmax_cross_entropy_with_logits), lse evaluated with the row's largest real
// part subtracted (the shift cancels exactly: no kink).
//   ∂/∂x_j = softmax(x)_j - [j = label]; labels are integer indices: None (R4), as TF.
// A label outside [0, c) is an error naming it and the row (TF raises on CPU). The VJP is
// softmax minus a constant one-hot built from the label values: recorded, second order works.
// tolerance_factor 4: softmax - one_hot cancels at a confident row (as softmax).
#include <cmath>
#include <string>

#include "engine/ops/binary/binary.hpp"
#include "engine/ops/kernel.hpp"
#include "engine/ops/loss/loss.hpp"
#include "engine/ops/nn/nn.hpp"
#include "engine/ops/shape/shape.hpp"

namespace tc {
namespace {

constexpr const char* kOp = "sparse_softmax_cross_entropy_with_logits";

std::int64_t checked_label(double v, std::int64_t row, std::int64_t classes) {
  if (!(v >= 0 && v < static_cast<double>(classes)))
    throw Error(std::string(kOp) + ": label " + std::to_string(static_cast<long long>(v)) + " of example " +
                std::to_string(row) + " is outside [0, " + std::to_string(classes) + ")");
  return static_cast<std::int64_t>(v);
}

template <class S>
void forward(const OpAttrs&, const In<S>* in, int, const Out<S>& out, Branches*) {
  using std::exp;
  using std::log;
  const Shape& s = in[1].spec.shape;
  const std::int64_t c = s[s.rank() - 1], rows = out.spec.shape.numel();
  for (std::int64_t r = 0; r < rows; ++r) {
    const S* x = in[1].data + r * c;
    const std::int64_t label = checked_label(real_part(in[0].data[r]), r, c);
    double m = -INFINITY;
    for (std::int64_t j = 0; j < c; ++j) m = std::max(m, real_part(x[j]));
    if (!std::isfinite(m)) m = 0;
    S sum(0);
    for (std::int64_t j = 0; j < c; ++j) sum += exp(x[j] - S(m));
    out.data[r] = S(m) + log(sum) - x[label];
  }
}

TensorSpec infer(const OpAttrs&, const TensorSpec* in, int n) {
  kernel::expect_arity(kOp, n, 2);
  if (in[0].dtype != DType::i32)
    throw DTypeError(std::string(kOp) + ": labels must be i32, got " + std::string(dtype_name(in[0].dtype)));
  kernel::expect_floating(kOp, in[1], 1);
  const Shape& x = in[1].shape;
  if (x.rank() == 0 || x[x.rank() - 1] == 0 || in[0].shape != x.prefix(x.rank() - 1))
    throw ShapeError(std::string(kOp) + ": labels " + in[0].shape.str() + " and logits " + x.str() +
                     " must be [...] and [..., classes] with classes >= 1");
  return {in[1].dtype, in[0].shape};
}

void vjp(const VjpArgs& a, std::optional<Tensor>* g) {
  const Tensor& labels = a.inputs[0];
  const Tensor& x = a.inputs[1];
  const std::int64_t c = x.shape()[x.shape().rank() - 1];
  std::vector<double> hot(static_cast<std::size_t>(x.numel()), 0.0);
  for (std::int64_t r = 0; r < labels.numel(); ++r)
    hot[static_cast<std::size_t>(r * c + checked_label(labels.data()[r], r, c))] = 1;
  const Tensor one_hot = Tensor::constant(std::move(hot), x.shape(), x.dtype());
  g[1] = mul(expand_dims(a.grad, -1), sub(softmax(x, -1), one_hot));
}

// Labels of shape [] or [b], then logits of the labels' shape and 2 or 3 classes: a blind
// proposal rarely appends the classes axis.
Shape sample_shape(int slot, const TensorSpec* earlier, int n_earlier, std::int64_t max_elements, Draw& draw) {
  if (slot == 0 || n_earlier == 0) return draw.integer(0, 1) ? Shape{draw.integer(1, 4)} : Shape{};
  std::vector<std::int64_t> dims = earlier[0].shape.to_vector();
  dims.push_back(draw.integer(2, 3));
  (void)max_elements;  // at most 4·3 = 12, the generator's default; it refuses larger ones
  return Shape(dims);
}

}  // namespace

extern const OpDef op_sparse_softmax_cross_entropy_with_logits = OpRow(kOp, "loss")
    .input(OpInput("labels").dtypes(DTypes::integer).grad(InputGrad::integer_index).domain({0, 1}))
    .input(OpInput("logits").edges(Edges::large)).result(ResultDType::of_input(1)).shape_rule("[...], [..., classes] -> [...]")
    .traits(Trait::reduction)
    .math("y = logsumexp(x) - x[label]; dx = softmax(x) - one_hot(label); labels: None")
    .complex_step_ok().tolerance_factor(4.0).sample_shape(&sample_shape)
    .vjp_reads(1, {reads::upstream, reads::self(Dependence::smooth)})
    .rules(&infer, TC_FORWARDS(forward), &vjp);

Tensor sparse_softmax_cross_entropy_with_logits(const Tensor& labels, const Tensor& logits) {
  return apply_op(op_sparse_softmax_cross_entropy_with_logits, {labels, logits});
}

}  // namespace tc
