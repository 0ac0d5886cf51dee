// The op table's ops on libtorch 1.13, written as a user porting a TF program would write
// them: tf.math.f -> torch.f, tf.reduce_f(axis, keepdims) -> torch.f(dim, keepdim), tf.gather
// -> index_select, tf.slice -> narrow. Torch's own forward and derivative are used as they are;
// where they differ from the reference (ties, kinks, thresholds, None vs zero) the entry says
// so in a line and docs/libtorch.md gives the torch source that states it.
#include <algorithm>
#include <cmath>
#include <numeric>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include <ATen/ops/arange.h>
#include <ATen/ops/batch_norm.h>
#include <ATen/ops/binary_cross_entropy_with_logits.h>
#include <ATen/ops/cat.h>
#include <ATen/ops/cross_entropy_loss.h>
#include <ATen/ops/constant_pad_nd.h>
#include <ATen/ops/conv1d.h>
#include <ATen/ops/conv2d.h>
#include <ATen/ops/avg_pool2d.h>
#include <ATen/ops/max_pool2d.h>
#include <ATen/ops/diag_embed.h>
#include <ATen/ops/einsum.h>
#include <ATen/ops/elu.h>
#include <ATen/ops/gelu.h>
#include <ATen/ops/layer_norm.h>
#include <ATen/ops/leaky_relu.h>
#include <ATen/ops/linalg_cholesky.h>
#include <ATen/ops/linalg_det.h>
#include <ATen/ops/linalg_inv.h>
#include <ATen/ops/linalg_slogdet.h>
#include <ATen/ops/linalg_solve.h>
#include <ATen/ops/linalg_solve_triangular.h>
#include <ATen/ops/linalg_vector_norm.h>
#include <ATen/ops/log_sigmoid.h>
#include <ATen/ops/ones_like.h>
#include <ATen/ops/selu.h>
#include <ATen/ops/sigmoid_backward.h>
#include <ATen/ops/silu.h>
#include <ATen/ops/softplus.h>
#include <ATen/ops/stack.h>
#include <ATen/ops/tanh_backward.h>
#include <ATen/ops/tensor.h>
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

// The rows of TF's nd indices [..., M] as torch's advanced indexing takes them: one index
// tensor per leading axis, tuple(indices.unbind(-1)).
c10::List<c10::optional<at::Tensor>> nd_coordinates(const at::Tensor& indices) {
  c10::List<c10::optional<at::Tensor>> coordinates;
  for (const at::Tensor& column : indices.to(at::kLong).unbind(-1)) coordinates.push_back(column);
  return coordinates;
}

// tf.gather_nd(params, indices) as params[tuple(indices.unbind(-1))]; its backward is index_put
// with accumulate (duplicates add).
at::Tensor gather_nd(const Operands& x, const OpAttrs&) { return x[0].index(nd_coordinates(x[1])); }

// tf.scatter_nd(indices, updates, shape) as zeros(shape).index_put_(coordinates, updates,
// accumulate=True): duplicate rows add, as TF; the backward of values is grad[coordinates].
at::Tensor scatter_nd(const Operands& x, const OpAttrs& a) {
  return at::zeros(a.shape, x[1].options()).index_put(nd_coordinates(x[0]), x[1], /*accumulate=*/true);
}

// tf.tensor_scatter_nd_update(tensor, indices, updates) as tensor.index_put(coordinates,
// updates) without accumulate: tensor's gradient is grad with the written positions zeroed,
// the values' grad[coordinates], as TF's. Torch leaves duplicate rows undefined (the
// reference's domain leaves them out).
at::Tensor tensor_scatter_update(const Operands& x, const OpAttrs&) {
  return x[0].index_put(nd_coordinates(x[1]), x[2], /*accumulate=*/false);
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

// Reduces `x` over the listed axes one dim at a time with `reduce(t, dim, keepdim)`, or over
// every axis with `reduce_all(t)` (reshaped to rank-many 1s for keepdims): for torch
// reductions that take one dim (any, all) or treat an empty dim list specially.
template <class One, class All>
at::Tensor reduce_each(const at::Tensor& x, const OpAttrs& a, One reduce, All reduce_all) {
  if (a.axes.empty()) {
    at::Tensor y = reduce_all(x);
    return a.keepdims ? y.reshape(std::vector<std::int64_t>(static_cast<std::size_t>(x.dim()), 1)) : y;
  }
  const std::size_t listed = a.axes.size();
  const std::vector<std::int64_t> dims = descending_axes(a.axes, x.dim());
  if (dims.size() != listed) throw ShapeError("an axis is listed twice");
  at::Tensor y = x;
  for (std::int64_t d : dims) y = reduce(y, d, a.keepdims);
  return y;
}

// tf.math.cumsum/cumprod's exclusive and reverse, as a port writes them: flip for reverse;
// for exclusive, the scan of all but the last element behind the identity (1 or 0).
template <class Scan>
at::Tensor scan(const at::Tensor& x, const OpAttrs& a, double identity, Scan run) {
  const std::int64_t dim = wrap(a.axis, x.dim());
  at::Tensor t = a.reverse ? x.flip(dim) : x;
  if (a.exclusive) {
    const std::int64_t n = t.size(dim);
    at::Tensor head = at::ones_like(t.narrow(dim, 0, std::min<std::int64_t>(n, 1))).mul(identity);
    t = at::cat({head, run(t.narrow(dim, 0, std::max<std::int64_t>(n - 1, 0)), dim)}, dim).narrow(dim, 0, n);
  } else {
    t = run(t, dim);
  }
  return a.reverse ? t.flip(dim) : t;
}

// torch.var/std(dim, unbiased=False): TF's population statistics.
at::Tensor moments(const at::Tensor& x, const OpAttrs& a, bool std_dev) {
  if (a.axes.empty() || x.dim() == 0) {
    at::Tensor y = std_dev ? x.std(/*unbiased=*/false) : x.var(/*unbiased=*/false);
    return a.keepdims ? y.reshape(std::vector<std::int64_t>(static_cast<std::size_t>(x.dim()), 1)) : y;
  }
  return std_dev ? x.std(a.axes, /*unbiased=*/false, a.keepdims) : x.var(a.axes, /*unbiased=*/false, a.keepdims);
}

// Indices as torch's index_select takes them (int64).
at::Tensor index_tensor(const std::vector<std::int64_t>& index) { return at::tensor(index, at::kLong); }

// tf.pad(paddings, mode): F.pad takes the pairs last axis first, and its "reflect" mode only
// pads the trailing 1 to 3 axes of a batched input; so the port pads constant with
// constant_pad_nd and reflect one axis at a time with index_select of the mirrored indices.
at::Tensor pad(const at::Tensor& x, const OpAttrs& a) {
  const auto rank = static_cast<std::size_t>(x.dim());
  if (a.paddings.size() != 2 * rank) throw ShapeError("pad: paddings needs two entries per axis");
  if (a.mode == "constant") {
    std::vector<std::int64_t> last_first;
    for (std::size_t d = rank; d-- > 0;) {
      last_first.push_back(a.paddings[2 * d]);
      last_first.push_back(a.paddings[2 * d + 1]);
    }
    return at::constant_pad_nd(x, last_first, 0);
  }
  if (a.mode != "reflect") throw ShapeError("pad: unknown mode " + a.mode);
  if (rank == 0) return x.clone();  // a copy, as constant_pad_nd's result is (not a view: a view
                                    // made under no_grad would be a ghost, finding 3)
  at::Tensor y = x;
  for (std::size_t d = 0; d < rank; ++d) {
    const std::int64_t n = x.size(static_cast<std::int64_t>(d)), before = a.paddings[2 * d];
    if (before >= n || a.paddings[2 * d + 1] >= n) throw ShapeError("pad: reflect padding exceeds the axis");
    std::vector<std::int64_t> from;
    for (std::int64_t i = 0; i < n + before + a.paddings[2 * d + 1]; ++i) {
      const std::int64_t t = i - before;
      from.push_back(t < 0 ? -t : t >= n ? 2 * (n - 1) - t : t);
    }
    y = y.index_select(static_cast<std::int64_t>(d), index_tensor(from));
  }
  return y;
}

// tf.roll(shift, axis) is torch.roll(shifts, dims); torch requires at least one shift.
at::Tensor roll(const at::Tensor& x, const OpAttrs& a) {
  // torch.roll refuses empty shifts; a copy, as roll's result is otherwise (not a view: a view
  // made under no_grad would be a ghost, docs/libtorch.md finding 3).
  if (a.axes.empty() && a.shift.empty()) return x.clone();
  return x.roll(a.shift, a.axes);
}

// tf.boolean_mask(x, mask, axis) with a static 1-d mask: index_select of the kept positions.
at::Tensor boolean_mask(const at::Tensor& x, const OpAttrs& a) {
  const std::int64_t axis = wrap(a.axis, x.dim());
  if (static_cast<std::int64_t>(a.mask.size()) != x.size(axis)) throw ShapeError("boolean_mask: mask length");
  std::vector<std::int64_t> kept;
  for (std::size_t k = 0; k < a.mask.size(); ++k)
    if (a.mask[k]) kept.push_back(static_cast<std::int64_t>(k));
  return x.index_select(axis, index_tensor(kept));
}

// F.cross_entropy with class indices takes [N, C] logits and int64 labels.
at::Tensor sparse_softmax_cross_entropy(const Operands& x, const OpAttrs&) {
  const at::Tensor& labels = x[0];
  const at::Tensor& logits = x[1];
  const at::Tensor flat = at::cross_entropy_loss(logits.reshape({-1, logits.size(-1)}), labels.reshape({-1}).to(at::kLong),
                                                 {}, at::Reduction::None);
  return flat.reshape(labels.sizes());
}

// TF's "same" padding of a channels-first input's spatial axes for `window` (one per axis),
// in constant_pad_nd's order (the last axis' pair first): TF puts an odd total's extra zero
// after, and torch's own padding="same" refuses strides > 1. Empty for "valid".
std::vector<std::int64_t> same_padding(const at::Tensor& input, const std::vector<std::int64_t>& window,
                                       const std::vector<std::int64_t>& stride,
                                       const std::vector<std::int64_t>& dilation, const std::string& padding) {
  if (padding != "same" && padding != "valid") throw ShapeError("padding " + padding);
  std::vector<std::int64_t> last_first;
  if (padding == "valid") return last_first;
  for (std::size_t d = window.size(); d-- > 0;) {
    const std::int64_t n = input.size(2 + static_cast<std::int64_t>(d));
    const std::int64_t out = (n + stride[d] - 1) / stride[d];
    const std::int64_t total = std::max<std::int64_t>((out - 1) * stride[d] + (window[d] - 1) * dilation[d] + 1 - n, 0);
    last_first.push_back(total / 2);
    last_first.push_back(total - total / 2);
  }
  return last_first;
}

std::vector<std::int64_t> ones_if_empty(const std::vector<std::int64_t>& v, std::size_t n) {
  return v.empty() ? std::vector<std::int64_t>(n, 1) : v;
}

// tf.nn.conv1d / conv2d (channels last, filters [window..., in, out]) as a port writes them:
// permute to torch's NCW / NCHW and [out, in, window...], pad "same" explicitly, permute back.
at::Tensor conv(const Operands& x, const OpAttrs& a, int spatial) {
  const bool two = spatial == 2;
  const at::Tensor input = two ? x[0].permute({0, 3, 1, 2}) : x[0].permute({0, 2, 1});
  const at::Tensor weight = two ? x[1].permute({3, 2, 0, 1}) : x[1].permute({2, 1, 0});
  const auto n = static_cast<std::size_t>(spatial);
  const std::vector<std::int64_t> stride = ones_if_empty(a.strides, n), dilation = ones_if_empty(a.dilations, n);
  const std::vector<std::int64_t> window(weight.sizes().begin() + 2, weight.sizes().end());
  const std::vector<std::int64_t> pads = same_padding(input, window, stride, dilation, a.padding);
  const at::Tensor padded = pads.empty() ? input : at::constant_pad_nd(input, pads, 0);
  const std::vector<std::int64_t> zero(n, 0);
  return two ? at::conv2d(padded, weight, {}, stride, zero, dilation).permute({0, 2, 3, 1})
             : at::conv1d(padded, weight, {}, stride, zero, dilation).permute({0, 2, 1});
}

// tf.nn.max_pool2d / avg_pool2d on NHWC: torch's pools on NCHW with explicit strides (torch's
// default is the window), "same" padded explicitly — with -inf for max (TF ignores padding), and
// for avg the window sums divided by the count of elements inside (TF leaves padding out of the
// mean; torch's count_include_pad=False would too, but its padding is symmetric only).
at::Tensor pool(const Operands& x, const OpAttrs& a, bool max) {
  const at::Tensor input = x[0].permute({0, 3, 1, 2});
  const std::vector<std::int64_t> stride = ones_if_empty(a.strides, a.ksize.size());
  const std::vector<std::int64_t> pads = same_padding(input, a.ksize, stride, ones_if_empty({}, a.ksize.size()), a.padding);
  const std::vector<std::int64_t> zero(a.ksize.size(), 0);
  if (max) {
    const at::Tensor padded = pads.empty() ? input : at::constant_pad_nd(input, pads, -INFINITY);
    return at::max_pool2d(padded, a.ksize, stride, zero).permute({0, 2, 3, 1});
  }
  auto window_sums = [&](const at::Tensor& t) {
    const at::Tensor padded = pads.empty() ? t : at::constant_pad_nd(t, pads, 0);
    return at::avg_pool2d(padded, a.ksize, stride, zero, false, true, /*divisor_override=*/1);
  };
  return window_sums(input).div(window_sums(at::ones_like(input))).permute({0, 2, 3, 1});
}

// layer_norm / batch_norm: torch's native kernels where the axes are theirs — at::layer_norm
// over the last axis, at::batch_norm (training statistics) over every axis but the channels,
// which torch wants at dim 1 — and the formula (x - mean)/sqrt(var + eps) over other axes.
at::Tensor standardized(const at::Tensor& x, const std::vector<std::int64_t>& dims, double epsilon) {
  // A 0-d tensor is its own group: torch's all-element mean and variance (0). Not x − x: sub's
  // backward reads no input, so its second derivative would be None where the reference's VJP,
  // which recomputes the statistics from x, connects it (the differential test's seed).
  if (dims.empty()) return x.sub(x.mean()).div(x.var(/*unbiased=*/false).add(epsilon).sqrt());
  const at::Tensor mean = x.mean(dims, /*keepdim=*/true);
  const at::Tensor var = x.var(dims, /*unbiased=*/false, /*keepdim=*/true);
  return x.sub(mean).div(var.add(epsilon).sqrt());
}

at::Tensor layer_norm(const Operands& x, const OpAttrs& a) {
  const std::int64_t rank = x[0].dim();
  if (rank >= 1 && (a.axes.empty() || (a.axes.size() == 1 && wrap(a.axes[0], rank) == rank - 1)))
    return at::layer_norm(x[0], {x[0].size(-1)}, {}, {}, a.epsilon);
  return standardized(x[0], reduce_dims(x[0], a), a.epsilon);
}

at::Tensor batch_norm(const Operands& x, const OpAttrs& a) {
  const std::int64_t rank = x[0].dim();
  if (rank >= 2 && a.axes.empty()) {
    const at::Tensor channels_at_1 = x[0].movedim(-1, 1);
    return at::batch_norm(channels_at_1, {}, {}, {}, {}, /*training=*/true, /*momentum=*/0.1, a.epsilon,
                          /*cudnn_enabled=*/false)
        .movedim(1, -1);
  }
  return standardized(x[0], reduce_dims(x[0], a), a.epsilon);
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
      {"asin", [](const Operands& x, const OpAttrs&) { return x[0].asin(); }},
      {"acos", [](const Operands& x, const OpAttrs&) { return x[0].acos(); }},
      {"sinh", [](const Operands& x, const OpAttrs&) { return x[0].sinh(); }},
      {"cosh", [](const Operands& x, const OpAttrs&) { return x[0].cosh(); }},
      {"asinh", [](const Operands& x, const OpAttrs&) { return x[0].asinh(); }},
      {"acosh", [](const Operands& x, const OpAttrs&) { return x[0].acosh(); }},
      {"atanh", [](const Operands& x, const OpAttrs&) { return x[0].atanh(); }},
      {"gelu", [](const Operands& x, const OpAttrs&) { return at::gelu(x[0], "none"); }},
      {"gelu_tanh", [](const Operands& x, const OpAttrs&) { return at::gelu(x[0], "tanh"); }},
      // kink: selu'(0) is the left derivative scale·alpha in torch (elu_backward tests x <= 0).
      {"selu", [](const Operands& x, const OpAttrs&) { return at::selu(x[0]); }},
      {"silu", [](const Operands& x, const OpAttrs&) { return at::silu(x[0]); }},
      // F.softsign is x / (1 + |x|) in Python; ATen has no softsign.
      {"softsign", [](const Operands& x, const OpAttrs&) { return x[0].div(x[0].abs().add(1)); }},
      {"log_sigmoid", [](const Operands& x, const OpAttrs&) { return at::log_sigmoid(x[0]); }},
      {"lgamma", [](const Operands& x, const OpAttrs&) { return x[0].lgamma(); }},
      {"digamma", [](const Operands& x, const OpAttrs&) { return x[0].digamma(); }},
      {"polygamma", [](const Operands& x, const OpAttrs& a) { return x[0].polygamma(a.order); }},
      // --- binary (torch promotes mixed dtypes where TF raises) ---
      {"add", [](const Operands& x, const OpAttrs&) { return x[0].add(x[1]); }},
      // torch has no add_n (its autograd sums fan-out itself): a chain of adds, left to right.
      {"add_n", [](const Operands& x, const OpAttrs&) {
         if (x.size() == 1) return x[0].clone();  // a new tensor, as every op's result is
         at::Tensor sum = x[0].add(x[1]);
         for (std::size_t k = 2; k < x.size(); ++k) sum = sum.add(x[k]);
         return sum;
       }},
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
      {"atan2", [](const Operands& x, const OpAttrs&) { return x[0].atan2(x[1]); }},
      // kink: torch's hypot backward is a/h, NaN at the origin (the reference: 0).
      {"hypot", [](const Operands& x, const OpAttrs&) { return x[0].hypot(x[1]); }},
      // torch.remainder has the divisor's sign, as tf.math.floormod.
      {"floor_mod", [](const Operands& x, const OpAttrs&) { return x[0].remainder(x[1]); }},
      {"xlogy", [](const Operands& x, const OpAttrs&) { return x[0].xlogy(x[1]); }},
      // ATen's own tanh and sigmoid backward kernels (grad_output first), differentiable twice.
      {"tanh_grad", [](const Operands& x, const OpAttrs&) { return at::tanh_backward(x[1], x[0]); }},
      {"sigmoid_grad", [](const Operands& x, const OpAttrs&) { return at::sigmoid_backward(x[1], x[0]); }},
      // --- reductions ---
      {"reduce_sum", [](const Operands& x, const OpAttrs& a) { return x[0].sum(reduce_dims(x[0], a), a.keepdims); }},
      {"reduce_mean", [](const Operands& x, const OpAttrs& a) { return x[0].mean(reduce_dims(x[0], a), a.keepdims); }},
      // amax/amin split the gradient evenly among ties, as TF (max(dim) would pick one).
      {"reduce_max", [](const Operands& x, const OpAttrs& a) { return x[0].amax(reduce_dims(x[0], a), a.keepdims); }},
      {"reduce_min", [](const Operands& x, const OpAttrs& a) { return x[0].amin(reduce_dims(x[0], a), a.keepdims); }},
      {"reduce_prod", [](const Operands& x, const OpAttrs& a) { return reduce_prod(x[0], a); }},
      {"logsumexp", [](const Operands& x, const OpAttrs& a) { return x[0].logsumexp(reduce_dims(x[0], a), a.keepdims); }},
      {"reduce_variance", [](const Operands& x, const OpAttrs& a) { return moments(x[0], a, false); }},
      // torch's std backward and forward AD mask a constant group to 0, as the reference.
      {"reduce_std", [](const Operands& x, const OpAttrs& a) { return moments(x[0], a, true); }},
      {"norm",
       [](const Operands& x, const OpAttrs& a) {
         if (a.axes.empty()) return at::linalg_vector_norm(x[0], a.ord, c10::nullopt, a.keepdims);
         return at::linalg_vector_norm(x[0], a.ord, at::IntArrayRef(a.axes), a.keepdims);
       }},
      {"reduce_any",
       [](const Operands& x, const OpAttrs& a) {
         return reduce_each(
             x[0], a, [](const at::Tensor& t, std::int64_t d, bool k) { return t.any(d, k); },
             [](const at::Tensor& t) { return t.any(); });
       }},
      {"reduce_all",
       [](const Operands& x, const OpAttrs& a) {
         return reduce_each(
             x[0], a, [](const at::Tensor& t, std::int64_t d, bool k) { return t.all(d, k); },
             [](const at::Tensor& t) { return t.all(); });
       }},
      // --- cumulative: torch's cumprod backward is exact at zeros, as the reference ---
      {"cumsum",
       [](const Operands& x, const OpAttrs& a) {
         return scan(x[0], a, 0, [](const at::Tensor& t, std::int64_t d) { return t.cumsum(d); });
       }},
      {"cumprod",
       [](const Operands& x, const OpAttrs& a) {
         return scan(x[0], a, 1, [](const at::Tensor& t, std::int64_t d) { return t.cumprod(d); });
       }},
      // --- sort: sort(stable=True) keeps ties in index order, as the reference ---
      {"sort",
       [](const Operands& x, const OpAttrs& a) {
         return std::get<0>(x[0].sort(/*stable=*/true, wrap(a.axis, x[0].dim()), a.descending));
       }},
      {"argsort",
       [](const Operands& x, const OpAttrs& a) {
         return std::get<1>(x[0].sort(/*stable=*/true, wrap(a.axis, x[0].dim()), a.descending)).to(at::kInt);
       }},
      // ties: torch.topk documents no order among equal values (the reference: the lower index).
      {"top_k", [](const Operands& x, const OpAttrs& a) { return std::get<0>(x[0].topk(a.k, -1, true, true)); }},
      // --- linear algebra ---
      {"matmul",
       [](const Operands& x, const OpAttrs& a) {
         return (a.transpose_a ? x[0].transpose(-2, -1) : x[0]).matmul(a.transpose_b ? x[1].transpose(-2, -1) : x[1]);
       }},
      {"einsum", [](const Operands& x, const OpAttrs& a) { return at::einsum(a.equation, x); }},
      {"transpose", [](const Operands& x, const OpAttrs& a) { return transpose(x[0], a); }},
      {"diag_part", [](const Operands& x, const OpAttrs&) { return x[0].diagonal(0, -2, -1); }},
      {"diag", [](const Operands& x, const OpAttrs&) { return at::diag_embed(x[0]); }},
      // torch.trace takes one 2-d matrix; a batch's traces are the diagonals' sums.
      {"trace", [](const Operands& x, const OpAttrs&) { return x[0].diagonal(0, -2, -1).sum(-1); }},
      {"matrix_inverse", [](const Operands& x, const OpAttrs&) { return at::linalg_inv(x[0]); }},
      {"det", [](const Operands& x, const OpAttrs&) { return at::linalg_det(x[0]); }},
      {"log_abs_det", [](const Operands& x, const OpAttrs&) { return std::get<1>(at::linalg_slogdet(x[0])); }},
      {"solve", [](const Operands& x, const OpAttrs&) { return at::linalg_solve(x[0], x[1]); }},
      // torch (and TF) read the lower triangle only; the reference factors the symmetric part
      // (docs/engine.md), which the port states explicitly. Equal on symmetric inputs.
      {"cholesky", [](const Operands& x, const OpAttrs&) { return at::linalg_cholesky(x[0].add(x[0].mT()).mul(0.5)); }},
      {"triangular_solve",
       [](const Operands& x, const OpAttrs& a) { return at::linalg_solve_triangular(x[0], x[1], /*upper=*/!a.lower); }},
      // --- shape ---
      {"reshape", [](const Operands& x, const OpAttrs& a) { return x[0].reshape(a.shape); }},
      {"broadcast_to", [](const Operands& x, const OpAttrs& a) { return x[0].broadcast_to(a.shape); }},
      {"expand_dims", [](const Operands& x, const OpAttrs& a) { return x[0].unsqueeze(a.axis); }},
      {"squeeze", [](const Operands& x, const OpAttrs& a) { return squeeze(x[0], a); }},
      {"concat", [](const Operands& x, const OpAttrs& a) { return at::cat(x, a.axis); }},
      {"slice", [](const Operands& x, const OpAttrs& a) { return slice(x[0], a); }},
      {"gather", &gather},
      {"scatter_add", &scatter_add},
      {"gather_nd", &gather_nd},
      {"scatter_nd", &scatter_nd},
      {"tensor_scatter_update", &tensor_scatter_update},
      {"reverse", [](const Operands& x, const OpAttrs& a) { return x[0].flip(a.axes); }},
      {"roll", [](const Operands& x, const OpAttrs& a) { return roll(x[0], a); }},
      {"tile", [](const Operands& x, const OpAttrs& a) { return x[0].tile(a.multiples); }},
      {"pad", [](const Operands& x, const OpAttrs& a) { return pad(x[0], a); }},
      {"stack", [](const Operands& x, const OpAttrs& a) { return at::stack(x, a.axis); }},
      {"unstack", [](const Operands& x, const OpAttrs& a) { return x[0].unbind(a.axis).at(static_cast<std::size_t>(a.index)); }},
      {"split", [](const Operands& x, const OpAttrs& a) { return x[0].chunk(a.num, a.axis).at(static_cast<std::size_t>(a.index)); }},
      {"boolean_mask", [](const Operands& x, const OpAttrs& a) { return boolean_mask(x[0], a); }},
      // --- nn ---
      {"softmax", [](const Operands& x, const OpAttrs& a) { return x[0].softmax(a.axis); }},
      {"log_softmax", [](const Operands& x, const OpAttrs& a) { return x[0].log_softmax(a.axis); }},
      {"layer_norm", &layer_norm},
      {"batch_norm", &batch_norm},
      // The fixed keep-mask as a tensor: x * mask / (1 - rate), as F.dropout computes it.
      {"dropout",
       [](const Operands& x, const OpAttrs& a) {
         const at::Tensor mask = index_tensor(a.mask).reshape(x[0].sizes()).to(x[0].scalar_type());
         return x[0].mul(mask).div(1 - a.rate);
       }},
      // F.one_hot raises on indices outside [0, depth); tf.one_hot gives zeros, so the port
      // compares with arange instead.
      {"one_hot",
       [](const Operands& x, const OpAttrs& a) {
         return x[0].unsqueeze(-1).eq(at::arange(a.depth, x[0].options().dtype(at::kInt))).to(torch_dtype(a.dtype));
       }},
      {"conv1d", [](const Operands& x, const OpAttrs& a) { return conv(x, a, 1); }},
      {"conv2d", [](const Operands& x, const OpAttrs& a) { return conv(x, a, 2); }},
      {"max_pool2d", [](const Operands& x, const OpAttrs& a) { return pool(x, a, true); }},
      {"avg_pool2d", [](const Operands& x, const OpAttrs& a) { return pool(x, a, false); }},
      // --- losses ---
      {"sigmoid_cross_entropy_with_logits",
       [](const Operands& x, const OpAttrs&) {
         return at::binary_cross_entropy_with_logits(x[1], x[0], {}, {}, at::Reduction::None);
       }},
      // -(labels * log_softmax(logits)).sum(-1), as a port of the TF op writes it.
      {"softmax_cross_entropy_with_logits",
       [](const Operands& x, const OpAttrs&) { return x[0].mul(x[1].log_softmax(-1)).sum(-1).neg(); }},
      {"sparse_softmax_cross_entropy_with_logits", &sparse_softmax_cross_entropy},
      // --- select ---
      {"where", [](const Operands& x, const OpAttrs&) { return x[1].where(x[0], x[2]); }},
      // clamp's derivative is 1 on [lo, hi] inclusive, as TF; 0 (the reference: 1) at NaN.
      {"clip_by_value", [](const Operands& x, const OpAttrs& a) { return x[0].clamp(a.lo, a.hi); }},
      // --- no gradient in TF; torch gives zeros through floor/ceil/round (R4 vs torch) ---
      {"floor", [](const Operands& x, const OpAttrs&) { return x[0].floor(); }},
      {"ceil", [](const Operands& x, const OpAttrs&) { return x[0].ceil(); }},
      {"round", [](const Operands& x, const OpAttrs&) { return x[0].round(); }},  // halves to even
      // torch.div(rounding_mode="floor"); its derivative is zeros where TF has none (R4 vs torch).
      {"floor_div", [](const Operands& x, const OpAttrs&) { return x[0].div(x[1], "floor"); }},
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
