#include "engine/ops/nn/window_plan.hpp"

#include <string>

#include "engine/core/errors.hpp"
#include "engine/core/limits.hpp"
#include "engine/ops/shape/shape.hpp"

namespace tc::kernel {
namespace {

std::string list(const std::vector<std::int64_t>& v) {
  std::string s = "[";
  for (std::size_t i = 0; i < v.size(); ++i) s += (i ? "," : "") + std::to_string(v[i]);
  return s + "]";
}

// One per spatial axis, each in [1, 2^24]; empty means 1s.
std::vector<std::int64_t> per_axis(const char* op, const char* what, const std::vector<std::int64_t>& v, int spatial) {
  if (v.empty()) return std::vector<std::int64_t>(static_cast<std::size_t>(spatial), 1);
  if (static_cast<int>(v.size()) != spatial)
    throw ShapeError(std::string(op) + ": " + what + " " + list(v) + " needs one entry per spatial axis (" +
                     std::to_string(spatial) + ")");
  for (std::int64_t e : v)
    if (e < 1 || e > limits::kMaxElements)
      throw ShapeError(std::string(op) + ": " + what + " " + list(v) + " must be in [1, 2^24]");
  return v;
}

}  // namespace

Shape WindowPlan::output_shape(std::int64_t last) const {
  std::vector<std::int64_t> dims{batch};
  dims.insert(dims.end(), out.begin(), out.end());
  dims.push_back(last);
  return Shape(dims);
}

WindowPlan plan_window(const char* op, const Shape& x, int spatial, const std::vector<std::int64_t>& window,
                       const OpAttrs& a, bool dilations) {
  if (x.rank() != spatial + 2)
    throw ShapeError(std::string(op) + ": input of shape " + x.str() + " is not of rank " + std::to_string(spatial + 2) +
                     (spatial == 1 ? " [batch, width, channels]" : " [batch, height, width, channels]"));
  const bool same = a.padding == "same";
  if (!same && a.padding != "valid")
    throw ShapeError(std::string(op) + ": padding \"" + a.padding + "\" is neither \"valid\" nor \"same\"");
  if (!dilations && !a.dilations.empty())
    throw ShapeError(std::string(op) + ": takes no dilations (got " + list(a.dilations) + ")");
  WindowPlan p;
  p.batch = x[0];
  p.channels = x[spatial + 1];
  p.window = per_axis(op, "window", window, spatial);
  p.stride = per_axis(op, "strides", a.strides, spatial);
  p.dilation = per_axis(op, "dilations", a.dilations, spatial);
  for (int d = 0; d < spatial; ++d) {
    const auto u = static_cast<std::size_t>(d);
    const std::int64_t n = x[d + 1], span = (p.window[u] - 1) * p.dilation[u] + 1;
    std::int64_t out = 0, total = 0;
    if (same) {
      out = (n + p.stride[u] - 1) / p.stride[u];
      total = std::max<std::int64_t>((out - 1) * p.stride[u] + span - n, 0);
    } else {
      if (span > n)
        throw ShapeError(std::string(op) + ": window " + std::to_string(p.window[u]) + " with dilation " +
                         std::to_string(p.dilation[u]) + " spans " + std::to_string(span) + " > " + std::to_string(n) +
                         " on spatial axis " + std::to_string(d) + " of input " + x.str() + " (padding \"valid\")");
      out = (n - span) / p.stride[u] + 1;
    }
    p.in.push_back(n);
    p.out.push_back(out);
    p.before.push_back(total / 2);
    p.after.push_back(total - total / 2);
    p.in_count *= n;
    p.out_count *= out;
    p.taps *= p.window[u];
  }
  check_element_cap(Shape{p.batch, p.out_count, p.taps, p.channels}, (std::string(op) + "'s windows").c_str());
  if (p.out_count == 0) return p;
  p.source.resize(static_cast<std::size_t>(p.out_count * p.taps));
  std::vector<std::int64_t> o(static_cast<std::size_t>(spatial), 0), t(o);
  for (std::int64_t oi = 0; oi < p.out_count; ++oi) {
    std::fill(t.begin(), t.end(), 0);
    for (std::int64_t ti = 0; ti < p.taps; ++ti) {
      std::int64_t flat = 0;
      bool inside = true;
      for (std::size_t d = 0; d < o.size(); ++d) {
        const std::int64_t pos = o[d] * p.stride[d] - p.before[d] + t[d] * p.dilation[d];
        inside = inside && pos >= 0 && pos < p.in[d];
        flat = flat * p.in[d] + pos;
      }
      p.source[static_cast<std::size_t>(oi * p.taps + ti)] = inside ? flat : p.in_count;
      for (std::size_t d = t.size(); d-- > 0;)  // the next tap, row-major
        if (++t[d] < p.window[d]) break;
        else t[d] = 0;
    }
    for (std::size_t d = o.size(); d-- > 0;)
      if (++o[d] < p.out[d]) break;
      else o[d] = 0;
  }
  return p;
}

namespace {
Tensor source_indices(const WindowPlan& p) {
  return Tensor::constant(std::vector<double>(p.source.begin(), p.source.end()), Shape{p.out_count * p.taps},
                          DType::i32);
}
}  // namespace

Tensor gather_windows(const WindowPlan& p, const Tensor& x) {
  const Tensor rows = reshape(x, {p.batch, p.in_count, p.channels});
  const Tensor padded = concat({rows, Tensor::zeros(Shape{p.batch, 1, p.channels}, x.dtype())}, 1);
  return gather(padded, source_indices(p), 1);
}

Tensor scatter_windows(const WindowPlan& p, const Tensor& taps, const Shape& x_shape) {
  const Tensor padded = scatter_add(taps, source_indices(p), 1, {p.batch, p.in_count + 1, p.channels});
  return reshape(slice(padded, {0, 0, 0}, {-1, p.in_count, -1}), x_shape.to_vector());
}

OpAttrs window_attrs(std::vector<std::int64_t> strides, std::string padding, std::vector<std::int64_t> dilations,
                     std::vector<std::int64_t> ksize) {
  OpAttrs a;
  a.strides = std::move(strides);
  a.padding = std::move(padding);
  a.dilations = std::move(dilations);
  a.ksize = std::move(ksize);
  return a;
}

void sample_window_attrs(const Shape& x, int spatial, const std::vector<std::int64_t>& window, bool dilations,
                         OpAttrs& a, Draw& draw) {
  a.padding = draw.integer(0, 1) ? "same" : "valid";
  a.strides.clear();
  a.dilations.clear();
  bool valid_fits = true;
  for (int d = 0; d < spatial && d + 1 < x.rank(); ++d) {
    const auto u = static_cast<std::size_t>(d);
    const std::int64_t k = u < window.size() ? window[u] : 1, n = x[d + 1];
    const std::int64_t stride = draw.integer(1, 2);
    const std::int64_t dilation = dilations && stride == 1 && (k - 1) * 2 + 1 <= n ? draw.integer(1, 2) : 1;
    a.strides.push_back(stride);
    if (dilations) a.dilations.push_back(dilation);
    valid_fits = valid_fits && (k - 1) * dilation + 1 <= n;
  }
  if (!valid_fits) a.padding = "same";
}

}  // namespace tc::kernel
