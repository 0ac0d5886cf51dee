#include "engine/ops/nn/conv_rules.hpp"

#include <string>

#include "engine/core/errors.hpp"
#include "engine/ops/linalg/linalg.hpp"
#include "engine/ops/shape/shape.hpp"

namespace tc::kernel {

ConvPlan plan_conv(const char* op, int spatial, const OpAttrs& a, const Shape& x, const Shape& filter) {
  auto mismatch = [&](const std::string& why) {
    return ShapeError(std::string(op) + ": filter " + filter.str() + " does not fit input " + x.str() + ": " + why);
  };
  if (filter.rank() != spatial + 2)
    throw mismatch("expected rank " + std::to_string(spatial + 2) + " [window..., in_channels, out_channels]");
  if (x.rank() == spatial + 2 && filter[spatial] != x[spatial + 1])
    throw mismatch("in_channels " + std::to_string(filter[spatial]) + " != input channels " +
                   std::to_string(x[spatial + 1]));
  const std::vector<std::int64_t> dims = filter.to_vector();
  ConvPlan p;
  p.window = plan_window(op, x, spatial, {dims.begin(), dims.begin() + spatial}, a, /*dilations=*/true);
  p.out_channels = filter[spatial + 1];
  check_element_cap(p.window.output_shape(p.out_channels), (std::string(op) + "'s result").c_str());
  return p;
}

TensorSpec infer_conv(const char* op, int spatial, const OpAttrs& a, const TensorSpec* in, int n) {
  expect_arity(op, n, 2);
  expect_same_floating(op, in, 0, 1);
  const ConvPlan p = plan_conv(op, spatial, a, in[0].shape, in[1].shape);
  return {in[0].dtype, p.window.output_shape(p.out_channels)};
}

void conv_vjp(const char* op, int spatial, const VjpArgs& a, std::optional<Tensor>* g) {
  const Tensor& x = a.inputs[0];
  const Tensor& w = a.inputs[1];
  const ConvPlan cp = plan_conv(op, spatial, a.attrs, x.shape(), w.shape());
  const WindowPlan& p = cp.window;
  const std::int64_t rows = p.batch * p.out_count, depth = p.taps * p.channels;
  const Tensor g2 = reshape(a.grad, {rows, cp.out_channels});
  const Tensor w2 = reshape(w, {depth, cp.out_channels});
  const Tensor patches = reshape(gather_windows(p, x), {rows, depth});
  g[0] = scatter_windows(p, reshape(matmul(g2, w2, false, /*transpose_b=*/true), {p.batch, p.out_count * p.taps, p.channels}),
                         x.shape());
  g[1] = reshape(matmul(patches, g2, /*transpose_a=*/true), w.shape().to_vector());
}

Shape sample_conv_shape(int spatial, int slot, const TensorSpec* earlier, int n_earlier, std::int64_t max_elements,
                        Draw& draw) {
  if (slot == 0) {
    std::vector<std::int64_t> dims{draw.integer(1, 2)};
    for (int d = 0; d < spatial; ++d) dims.push_back(draw.integer(1, spatial == 1 ? 6 : 4));
    dims.push_back(draw.integer(1, 2));
    while (Shape(dims).numel() > max_elements && dims[1] > 1) --dims[1];
    return Shape(dims);
  }
  const std::int64_t channels =
      n_earlier > 0 && earlier[0].shape.rank() == spatial + 2 ? earlier[0].shape[spatial + 1] : 1;
  std::vector<std::int64_t> dims;
  for (int d = 0; d < spatial; ++d) dims.push_back(draw.integer(1, 3));
  dims.push_back(channels);
  dims.push_back(draw.integer(1, 2));
  return Shape(dims);
}

OpAttrs sample_conv_attrs(int spatial, const TensorSpec* in, int n, Draw& draw) {
  OpAttrs a;
  if (n < 2 || in[0].shape.rank() != spatial + 2 || in[1].shape.rank() != spatial + 2) return a;
  const std::vector<std::int64_t> f = in[1].shape.to_vector();
  sample_window_attrs(in[0].shape, spatial, {f.begin(), f.begin() + spatial}, /*dilations=*/true, a, draw);
  return a;
}

}  // namespace tc::kernel
