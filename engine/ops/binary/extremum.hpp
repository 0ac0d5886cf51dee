// The mechanics maximum and minimum share (included by their .cpp files only); each op's
// file keeps its math and its row. `Better` is the strict comparison that picks the winner:
// std::greater<double> for maximum, std::less<double> for minimum.
//
// Winner: a if Better(a, b), b if Better(b, a); a tie goes to the FIRST operand (TF's
// _MaximumGrad / _MinimumGrad use x >= y / x <= y), and a NaN operand wins (NaN propagates).
// The forward decides on real parts, so on dual/complex numbers it picks the same operand
// and every mode realises the same one-sided derivative; the VJP sends the whole gradient to
// the winner. Branches: 0 = a won, 1 = b won, 2 = tie (or NaN).
#pragma once
#include <cmath>
#include <optional>

#include "engine/ops/binary/binary.hpp"
#include "engine/ops/grad_util.hpp"
#include "engine/ops/kernel.hpp"

namespace tc {

template <class Better>
struct Extremum {
  // Decided on real parts; shared by the forward and the VJP's mask.
  static bool a_wins(double a, double b) {
    return std::isnan(a) || (!std::isnan(b) && !Better{}(b, a));
  }

  template <class S>
  static void forward(const OpAttrs&, const In<S>* in, int, const Out<S>& out, Branches* branches) {
    kernel::binary(in[0], in[1], out, [branches](S a, S b) {
      const double ra = real_part(a), rb = real_part(b);
      if (branches) branches->add(Better{}(ra, rb) ? 0 : Better{}(rb, ra) ? 1 : 2);
      return a_wins(ra, rb) ? a : b;
    });
  }

  static void vjp(const VjpArgs& v, std::optional<Tensor>* g) {
    const Tensor& a = v.inputs[0];
    const Tensor& b = v.inputs[1];
    const Shape& out = v.output.shape();
    const Tensor to_a = mask_like2(
        a, b, out, [](double x, double y) { return a_wins(x, y) ? 1.0 : 0.0; }, v.grad.dtype());
    const Tensor to_b = mask_like2(
        a, b, out, [](double x, double y) { return a_wins(x, y) ? 0.0 : 1.0; }, v.grad.dtype());
    g[0] = unbroadcast(mul(v.grad, to_a), a.shape());
    g[1] = unbroadcast(mul(v.grad, to_b), b.shape());
  }
};

}  // namespace tc
