// max_pool2d(x; ksize, strides, padding): tf.nn.max_pool2d, data_format "NHWC":
//   y[n, o, c] = max over the window's taps t of x[n, o·s - before + t, c],
// padded taps ignored (TF pads with -inf; with "same" every window holds an element of x).
// ∂y/∂x routes the upstream value to the window's maximum. Ties within a window: the first
// maximum in row-major window order takes it all — TF's MaxPoolGrad on CPU (it compares with
// `>` scanning the window in order) and torch's max_pool2d_with_indices the same. NaN wins, as
// in reduce_max. Overlapping windows add their routes. The routing is piecewise constant in x:
// a second derivative through it is zeros (R5), and a tie is recorded in Branches (never
// differenced across).
#include <cmath>

#include "engine/ops/grad_util.hpp"
#include "engine/ops/nn/conv.hpp"
#include "engine/ops/nn/pool_rules.hpp"
#include "engine/ops/reduce/reduce_extremum.hpp"

namespace tc {
namespace {

// The tap of window (n, o, c) that takes the gradient, and how many taps share its value.
struct Winner {
  std::int64_t tap = -1;
  std::int64_t tied = 1;
};

template <class S>
Winner winner(const kernel::WindowPlan& p, const S* x, std::int64_t n, std::int64_t o, std::int64_t c) {
  Winner w;
  double best = 0;
  for (std::int64_t t = 0; t < p.taps; ++t) {
    const std::int64_t src = p.source[static_cast<std::size_t>(o * p.taps + t)];
    if (src == p.in_count) continue;  // padding
    const double v = real_part(x[(n * p.in_count + src) * p.channels + c]);
    if (w.tap < 0 || (!std::isnan(best) && (std::isnan(v) || v > best))) {
      w = {t, 1};
      best = v;
    } else if (v == best) {
      ++w.tied;
    }
  }
  return w;
}

template <class S>
void forward(const OpAttrs& a, const In<S>* in, int, const Out<S>& out, Branches* branches) {
  const kernel::WindowPlan p = kernel::plan_pool("max_pool2d", a, in[0].spec.shape);
  for (std::int64_t n = 0; n < p.batch; ++n)
    for (std::int64_t o = 0; o < p.out_count; ++o)
      for (std::int64_t c = 0; c < p.channels; ++c) {
        const Winner w = winner(p, in[0].data, n, o, c);
        const std::int64_t src = p.source[static_cast<std::size_t>(o * p.taps + w.tap)];
        out.data[(n * p.out_count + o) * p.channels + c] = in[0].data[(n * p.in_count + src) * p.channels + c];
        if (branches) branches->add(w.tied > 1 ? kernel::tie_side(w.tied) : static_cast<std::int32_t>(w.tap));
      }
}

TensorSpec infer(const OpAttrs& a, const TensorSpec* in, int n) { return kernel::infer_pool("max_pool2d", a, in, n); }

void vjp(const VjpArgs& a, std::optional<Tensor>* g) {
  const Tensor& x = a.inputs[0];
  const kernel::WindowPlan p = kernel::plan_pool("max_pool2d", a.attrs, x.shape());
  std::vector<double> route(static_cast<std::size_t>(p.batch * p.out_count * p.taps * p.channels), 0.0);
  for (std::int64_t n = 0; n < p.batch; ++n)
    for (std::int64_t o = 0; o < p.out_count; ++o)
      for (std::int64_t c = 0; c < p.channels; ++c)
        route[static_cast<std::size_t>(((n * p.out_count + o) * p.taps + winner(p, x.data(), n, o, c).tap) * p.channels + c)] = 1;
  // The route is piecewise constant in x: connected to it with a zero derivative (R5).
  const Tensor weights = piecewise_constant(
      Tensor::constant(std::move(route), Shape{p.batch, p.out_count, p.taps, p.channels}, x.dtype()), x);
  g[0] = kernel::pool_vjp(p, a.grad, weights, x.shape());
}

}  // namespace

extern const OpDef op_max_pool2d = kernel::pool_row("max_pool2d", OpInput("x").edges(Edges::ties))
    .kinks("ties within a window: the first maximum in row-major window order takes the gradient (TF's "
           "MaxPoolGrad, torch alike)")
    .math("y = max of each window (padding ignored); dx = g routed to each window's first maximum")
    .vjp_reads(0, {reads::upstream, reads::self(Dependence::piecewise)})
    .rules(&infer, TC_FORWARDS(forward), &vjp);

Tensor max_pool2d(const Tensor& x, std::vector<std::int64_t> ksize, std::vector<std::int64_t> strides,
                  std::string padding) {
  return apply_op(op_max_pool2d, {x},
                  kernel::window_attrs(std::move(strides), std::move(padding), {}, std::move(ksize)));
}

}  // namespace tc
