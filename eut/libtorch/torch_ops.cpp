// The op table's ops on libtorch 1.13, written as a user porting a TF program would write
// them: tf.math.f -> torch.f, tf.reduce_f(axis, keepdims) -> torch.f(dim, keepdim), tf.gather
// -> index_select, tf.slice -> narrow. Torch's own forward and derivative are used as they are;
// where they differ from the reference (ties, kinks, thresholds, None vs zero) the entry says
// so in a line and docs/libtorch.md gives the torch source that states it.
#include <algorithm>
#include <numeric>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include <ATen/ops/cat.h>
#include <ATen/ops/elu.h>
#include <ATen/ops/leaky_relu.h>
#include <ATen/ops/softplus.h>
#include <ATen/ops/zeros.h>
#include <c10/core/WrapDimMinimal.h>

#include "engine/core/errors.hpp"
#include "engine/ops/op_table.hpp"
#include "eut/libtorch/libtorch_engine.hpp"
#include "eut/libtorch/torch_ops.hpp"

namespace tc::eut::libtorch {
namespace {

using Operands = std::vector<at::Tensor>;

// An axis attribute as torch reads it: negative counts from the end; out of range is torch's
// IndexError ("Dimension out of range").
std::int64_t wrap(std::int64_t axis, std::int64_t rank) { return c10::maybe_wrap_dim(axis, rank); }

// The reduced dims: the listed axes, or every axis for an empty list (tf.reduce_*(axis=None)).
// Torch itself rejects a repeated or out-of-range dim.
std::vector<std::int64_t> reduce_dims(const at::Tensor& x, const OpAttrs& a) {
  if (!a.axes.empty()) return a.axes;
  std::vector<std::int64_t> all(static_cast<std::size_t>(x.dim()));
  std::iota(all.begin(), all.end(), 0);
  return all;
}

// Distinct wrapped axes, highest first: removing dims one at a time in this order keeps the
// remaining indices valid (torch.prod and torch.squeeze take one dim each in 1.13).
std::vector<std::int64_t> descending_axes(const std::vector<std::int64_t>& axes, std::int64_t rank) {
  std::vector<std::int64_t> out;
  for (std::int64_t a : axes) out.push_back(wrap(a, rank));
  std::sort(out.rbegin(), out.rend());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

at::Tensor reduce_prod(const at::Tensor& x, const OpAttrs& a) {
  std::vector<std::int64_t> dims = reduce_dims(x, a);
  if (dims.empty() || (a.axes.empty() && !a.keepdims)) return x.prod();  // a scalar, or all axes
  const std::size_t listed = dims.size();
  dims = descending_axes(dims, x.dim());
  if (dims.size() != listed) throw ShapeError("reduce_prod: an axis is listed twice");
  at::Tensor y = x;
  for (std::int64_t d : dims) y = y.prod(d, a.keepdims);
  return y;
}

at::Tensor squeeze(const at::Tensor& x, const OpAttrs& a) {
  if (a.axes.empty()) return x.squeeze();
  at::Tensor y = x;
  // torch.squeeze(dim) leaves a dim whose size is not 1 alone; TF raises (docs/libtorch.md).
  for (std::int64_t d : descending_axes(a.axes, x.dim())) y = y.squeeze(d);
  return y;
}

at::Tensor transpose(const at::Tensor& x, const OpAttrs& a) {
  if (!a.perm.empty()) return x.permute(a.perm);
  std::vector<std::int64_t> reversed(static_cast<std::size_t>(x.dim()));
  std::iota(reversed.rbegin(), reversed.rend(), 0);
  return x.permute(reversed);
}

// tf.slice(x, begin, size) is narrow() per axis; size -1 runs to the end of the axis. A
// scalar's slice is a view of it (x[()] in Python), a new tensor as every op's result is.
at::Tensor slice(const at::Tensor& x, const OpAttrs& a) {
  const auto rank = static_cast<std::size_t>(x.dim());
  if (rank == 0 && a.begin.empty() && a.size.empty()) return x.alias();
  if (a.begin.size() != rank || a.size.size() != rank)
    throw ShapeError("slice: begin and size need one entry per axis of x " +
                     std::to_string(rank) + "-d " + c10::str(x.sizes()) + ", got " +
                     std::to_string(a.begin.size()) + " and " + std::to_string(a.size.size()));
  at::Tensor y = x;
  for (std::size_t d = 0; d < rank; ++d) {
    const auto dim = static_cast<std::int64_t>(d);
    const std::int64_t length = a.size[d] == -1 ? x.size(dim) - a.begin[d] : a.size[d];
    y = y.narrow(dim, a.begin[d], length);
  }
  return y;
}

// tf.gather(params, indices, axis): params[:axis] + indices.shape + params[axis+1:], which is
// index_select on the flattened indices, reshaped. Out-of-range indices are torch's IndexError.
at::Tensor gather(const Operands& x, const OpAttrs& a) {
  const at::Tensor& params = x[0];
  const at::Tensor& indices = x[1];
  const std::int64_t axis = wrap(a.axis, params.dim());
  const auto sizes = params.sizes();
  std::vector<std::int64_t> shape(sizes.begin(), sizes.begin() + axis);
  shape.insert(shape.end(), indices.sizes().begin(), indices.sizes().end());
  shape.insert(shape.end(), sizes.begin() + axis + 1, sizes.end());
  return params.index_select(axis, indices.reshape({-1})).reshape(shape);
}

// The transpose of gather: zeros of `shape` with index_add along axis (duplicates accumulate).
at::Tensor scatter_add(const Operands& x, const OpAttrs& a) {
  const at::Tensor& updates = x[0];
  const at::Tensor& indices = x[1];
  const std::int64_t axis = wrap(a.axis, static_cast<std::int64_t>(a.shape.size()));
  std::vector<std::int64_t> block = a.shape;
  block[static_cast<std::size_t>(axis)] = indices.numel();
  return at::zeros(a.shape, updates.options())
      .index_add(axis, indices.reshape({-1}), updates.reshape(block));
}

using Entry = std::pair<std::string_view, TorchOpFn>;

// One torch program per op-table row. Unary and binary entries are torch's namesakes unless
// noted; "kink:" marks a derivative torch picks differently at a non-smooth point.
const std::vector<Entry>& entries() {
  static const std::vector<Entry> table = {
      // --- unary ---
      {"exp", [](const Operands& x, const OpAttrs&) { return x[0].exp(); }},
      {"neg", [](const Operands& x, const OpAttrs&) { return x[0].neg(); }},
      {"log", [](const Operands& x, const OpAttrs&) { return x[0].log(); }},
      {"expm1", [](const Operands& x, const OpAttrs&) { return x[0].expm1(); }},
      {"log1p", [](const Operands& x, const OpAttrs&) { return x[0].log1p(); }},
      {"sqrt", [](const Operands& x, const OpAttrs&) { return x[0].sqrt(); }},
      {"rsqrt", [](const Operands& x, const OpAttrs&) { return x[0].rsqrt(); }},
      {"square", [](const Operands& x, const OpAttrs&) { return x[0].square(); }},
      {"reciprocal", [](const Operands& x, const OpAttrs&) { return x[0].reciprocal(); }},
      {"sin", [](const Operands& x, const OpAttrs&) { return x[0].sin(); }},
      {"cos", [](const Operands& x, const OpAttrs&) { return x[0].cos(); }},
      {"tan", [](const Operands& x, const OpAttrs&) { return x[0].tan(); }},
      {"tanh", [](const Operands& x, const OpAttrs&) { return x[0].tanh(); }},
      {"sigmoid", [](const Operands& x, const OpAttrs&) { return x[0].sigmoid(); }},
      // F.softplus(beta=1, threshold=20): exactly x (derivative exactly 1) where x > 20.
      {"softplus", [](const Operands& x, const OpAttrs&) { return at::softplus(x[0], 1, 20); }},
      {"relu", [](const Operands& x, const OpAttrs&) { return x[0].relu(); }},
      {"leaky_relu", [](const Operands& x, const OpAttrs& a) { return at::leaky_relu(x[0], a.alpha); }},
      // kink: torch's elu'(0) is the left derivative alpha (the reference: 1).
      {"elu", [](const Operands& x, const OpAttrs& a) { return at::elu(x[0], a.alpha); }},
      {"abs", [](const Operands& x, const OpAttrs&) { return x[0].abs(); }},
      {"sign", [](const Operands& x, const OpAttrs&) { return x[0].sign(); }},
      {"erf", [](const Operands& x, const OpAttrs&) { return x[0].erf(); }},
      {"atan", [](const Operands& x, const OpAttrs&) { return x[0].atan(); }},
      // --- binary (torch promotes mixed dtypes where TF raises) ---
      {"add", [](const Operands& x, const OpAttrs&) { return x[0].add(x[1]); }},
      {"mul", [](const Operands& x, const OpAttrs&) { return x[0].mul(x[1]); }},
      {"sub", [](const Operands& x, const OpAttrs&) { return x[0].sub(x[1]); }},
      {"div", [](const Operands& x, const OpAttrs&) { return x[0].div(x[1]); }},
      // d/db = a^b ln a: NaN for a < 0 (the reference: 0 where a <= 0).
      {"pow", [](const Operands& x, const OpAttrs&) { return x[0].pow(x[1]); }},
      // kink: a tie splits the gradient evenly (the reference: all to a).
      {"maximum", [](const Operands& x, const OpAttrs&) { return x[0].maximum(x[1]); }},
      {"minimum", [](const Operands& x, const OpAttrs&) { return x[0].minimum(x[1]); }},
      // No torch op: (a - b)², as a port writes it.
      {"squared_difference", [](const Operands& x, const OpAttrs&) { return x[0].sub(x[1]).square(); }},
      // --- reductions ---
      {"reduce_sum", [](const Operands& x, const OpAttrs& a) { return x[0].sum(reduce_dims(x[0], a), a.keepdims); }},
      {"reduce_mean", [](const Operands& x, const OpAttrs& a) { return x[0].mean(reduce_dims(x[0], a), a.keepdims); }},
      // amax/amin split the gradient evenly among ties, as TF (max(dim) would pick one).
      {"reduce_max", [](const Operands& x, const OpAttrs& a) { return x[0].amax(reduce_dims(x[0], a), a.keepdims); }},
      {"reduce_min", [](const Operands& x, const OpAttrs& a) { return x[0].amin(reduce_dims(x[0], a), a.keepdims); }},
      {"reduce_prod", [](const Operands& x, const OpAttrs& a) { return reduce_prod(x[0], a); }},
      {"logsumexp", [](const Operands& x, const OpAttrs& a) { return x[0].logsumexp(reduce_dims(x[0], a), a.keepdims); }},
      // --- linear algebra ---
      {"matmul", [](const Operands& x, const OpAttrs&) { return x[0].matmul(x[1]); }},
      {"transpose", [](const Operands& x, const OpAttrs& a) { return transpose(x[0], a); }},
      // --- shape ---
      {"reshape", [](const Operands& x, const OpAttrs& a) { return x[0].reshape(a.shape); }},
      {"broadcast_to", [](const Operands& x, const OpAttrs& a) { return x[0].broadcast_to(a.shape); }},
      {"expand_dims", [](const Operands& x, const OpAttrs& a) { return x[0].unsqueeze(a.axis); }},
      {"squeeze", [](const Operands& x, const OpAttrs& a) { return squeeze(x[0], a); }},
      {"concat", [](const Operands& x, const OpAttrs& a) { return at::cat(x, a.axis); }},
      {"slice", [](const Operands& x, const OpAttrs& a) { return slice(x[0], a); }},
      {"gather", &gather},
      {"scatter_add", &scatter_add},
      // --- nn ---
      {"softmax", [](const Operands& x, const OpAttrs& a) { return x[0].softmax(a.axis); }},
      {"log_softmax", [](const Operands& x, const OpAttrs& a) { return x[0].log_softmax(a.axis); }},
      // --- select ---
      {"where", [](const Operands& x, const OpAttrs&) { return x[1].where(x[0], x[2]); }},
      // clamp's derivative is 1 on [lo, hi] inclusive, as TF; 0 (the reference: 1) at NaN.
      {"clip_by_value", [](const Operands& x, const OpAttrs& a) { return x[0].clamp(a.lo, a.hi); }},
      // --- no gradient in TF; torch gives zeros through floor/ceil/round (R4 vs torch) ---
      {"floor", [](const Operands& x, const OpAttrs&) { return x[0].floor(); }},
      {"ceil", [](const Operands& x, const OpAttrs&) { return x[0].ceil(); }},
      {"round", [](const Operands& x, const OpAttrs&) { return x[0].round(); }},  // halves to even
      // torch returns int64; the IR's index dtype is i32 (tf.argmax(output_type=tf.int32)).
      {"argmax", [](const Operands& x, const OpAttrs& a) { return x[0].argmax(a.axis).to(at::kInt); }},
      {"argmin", [](const Operands& x, const OpAttrs& a) { return x[0].argmin(a.axis).to(at::kInt); }},
      {"less", [](const Operands& x, const OpAttrs&) { return x[0].lt(x[1]); }},
      {"less_equal", [](const Operands& x, const OpAttrs&) { return x[0].le(x[1]); }},
      {"greater", [](const Operands& x, const OpAttrs&) { return x[0].gt(x[1]); }},
      {"greater_equal", [](const Operands& x, const OpAttrs&) { return x[0].ge(x[1]); }},
      {"equal", [](const Operands& x, const OpAttrs&) { return x[0].eq(x[1]); }},
      {"not_equal", [](const Operands& x, const OpAttrs&) { return x[0].ne(x[1]); }},
      {"logical_and", [](const Operands& x, const OpAttrs&) { return x[0].logical_and(x[1]); }},
      {"logical_or", [](const Operands& x, const OpAttrs&) { return x[0].logical_or(x[1]); }},
      {"logical_not", [](const Operands& x, const OpAttrs&) { return x[0].logical_not(); }},
      {"stop_gradient", [](const Operands& x, const OpAttrs&) { return x[0].detach(); }},
      // x.numpy() and back: a copy with no autograd history (detach alone shares storage).
      {"host_round_trip", [](const Operands& x, const OpAttrs&) { return x[0].detach().clone(); }},
      // --- dtype: to(int) truncates toward zero; NaN and out-of-range values are not saturated ---
      {"cast", [](const Operands& x, const OpAttrs& a) { return x[0].to(torch_dtype(a.dtype)); }},
  };
  return table;
}

}  // namespace

TorchOpFn find_torch_op(std::string_view op) {
  static const std::unordered_map<std::string_view, TorchOpFn> by_name(entries().begin(), entries().end());
  const auto it = by_name.find(op);
  return it == by_name.end() ? nullptr : it->second;
}

at::ScalarType torch_dtype(DType d) {
  switch (d) {
    case DType::f32: return at::kFloat;
    case DType::f64: return at::kDouble;
    case DType::i32: return at::kInt;
    case DType::boolean: return at::kBool;
  }
  return at::kDouble;
}

std::optional<DType> ir_dtype(at::ScalarType s) {
  switch (s) {
    case at::kFloat: return DType::f32;
    case at::kDouble: return DType::f64;
    case at::kInt: return DType::i32;
    case at::kBool: return DType::boolean;
    default: return std::nullopt;
  }
}

}  // namespace tc::eut::libtorch

namespace tc::eut {

std::vector<std::pair<std::string, std::string>> libtorch_unsupported_ops() {
  std::vector<std::pair<std::string, std::string>> out;
  for (const OpDef* op : op_table())
    if (!libtorch::find_torch_op(op->name))
      out.emplace_back(op->name, "the libtorch adapter has no torch program for it");
  return out;
}

}  // namespace tc::eut
