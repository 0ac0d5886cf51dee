// avg_pool2d(x; ksize, strides, padding): tf.nn.avg_pool2d, data_format "NHWC":
//   y[n, o, c] = (1 / m_o) Σ over the window's taps t inside x of x[n, o·s - before + t, c],
// where m_o counts those taps: with "same", padding is left out of the mean, as TF's AvgPool
// (torch's count_include_pad=False; its default True would divide by the whole window).
// Linear: dx scatters g[n, o, c] / m_o onto every element window o read (TF's AvgPoolGrad).
// Smooth: no kinks.
#include "engine/ops/nn/conv.hpp"
#include "engine/ops/nn/pool_rules.hpp"

namespace tc {
namespace {

// 1 / m_o for the taps inside x, 0 for padding: [out_count, taps].
std::vector<double> tap_weights(const kernel::WindowPlan& p) {
  std::vector<double> w(static_cast<std::size_t>(p.out_count * p.taps), 0.0);
  for (std::int64_t o = 0; o < p.out_count; ++o) {
    std::int64_t inside = 0;
    for (std::int64_t t = 0; t < p.taps; ++t) inside += p.source[static_cast<std::size_t>(o * p.taps + t)] != p.in_count;
    for (std::int64_t t = 0; t < p.taps; ++t)
      if (p.source[static_cast<std::size_t>(o * p.taps + t)] != p.in_count)
        w[static_cast<std::size_t>(o * p.taps + t)] = 1.0 / static_cast<double>(inside);
  }
  return w;
}

template <class S>
void forward(const OpAttrs& a, const In<S>* in, int, const Out<S>& out, Branches*) {
  const kernel::WindowPlan p = kernel::plan_pool("avg_pool2d", a, in[0].spec.shape);
  const std::vector<double> w = tap_weights(p);
  for (std::int64_t n = 0; n < p.batch; ++n)
    for (std::int64_t o = 0; o < p.out_count; ++o)
      for (std::int64_t c = 0; c < p.channels; ++c) {
        S sum(0);
        for (std::int64_t t = 0; t < p.taps; ++t) {
          const std::int64_t src = p.source[static_cast<std::size_t>(o * p.taps + t)];
          if (src != p.in_count) sum += in[0].data[(n * p.in_count + src) * p.channels + c] * S(w[static_cast<std::size_t>(o * p.taps + t)]);
        }
        out.data[(n * p.out_count + o) * p.channels + c] = sum;
      }
}

TensorSpec infer(const OpAttrs& a, const TensorSpec* in, int n) { return kernel::infer_pool("avg_pool2d", a, in, n); }

void vjp(const VjpArgs& a, std::optional<Tensor>* g) {
  const Tensor& x = a.inputs[0];
  const kernel::WindowPlan p = kernel::plan_pool("avg_pool2d", a.attrs, x.shape());
  g[0] = kernel::pool_vjp(p, a.grad, Tensor::constant(tap_weights(p), Shape{1, p.out_count, p.taps, 1}, x.dtype()),
                          x.shape());
}

}  // namespace

extern const OpDef op_avg_pool2d = kernel::pool_row("avg_pool2d", OpInput("x"))
    .math("y = mean of each window's elements inside x (padding not counted); dx = g / m scattered over each window")
    .vjp_reads(0, {reads::upstream})
    .rules(&infer, TC_FORWARDS(forward), &vjp);

Tensor avg_pool2d(const Tensor& x, std::vector<std::int64_t> ksize, std::vector<std::int64_t> strides,
                  std::string padding) {
  return apply_op(op_avg_pool2d, {x},
                  kernel::window_attrs(std::move(strides), std::move(padding), {}, std::move(ksize)));
}

}  // namespace tc
