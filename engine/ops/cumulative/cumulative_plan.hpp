// Shared by cumsum and cumprod: the layout [outer, n, inner] around the scanned axis, the
// shape rule, and the scan itself in the order exclusive/reverse ask for.
#pragma once
#include <string>

#include "engine/ops/kernel.hpp"
#include "engine/ops/shape/strided.hpp"

namespace tc::kernel {

struct ScanPlan {
  int axis = 0;
  std::int64_t outer = 1, n = 1, inner = 1;
};

inline ScanPlan plan_scan(const char* op, const Shape& s, std::int64_t axis) {
  if (s.rank() == 0 || axis < -s.rank() || axis >= s.rank())
    throw ShapeError(std::string(op) + ": axis " + std::to_string(axis) + " is out of range for input of shape " +
                     s.str() + (s.rank() == 0 ? " (needs rank >= 1)" : ""));
  ScanPlan p;
  p.axis = normalize_axis(axis, s.rank(), op);
  p.outer = dims_product(s, 0, p.axis);
  p.n = s[p.axis];
  p.inner = dims_product(s, p.axis + 1, s.rank());
  return p;
}

inline TensorSpec infer_scan(const char* op, const OpAttrs& a, const TensorSpec* in, int n) {
  expect_arity(op, n, 1);
  expect_floating(op, in[0], 0);
  plan_scan(op, in[0].shape, a.axis);
  return in[0];
}

// out[i] = identity ⊕ x[k] over the k before i (and i itself unless exclusive), in the
// direction `reverse` asks for; combine is + or ×.
template <class S, class Combine>
void scan(const char* op, const OpAttrs& a, const In<S>& x, const Out<S>& out, S identity, Combine combine) {
  const ScanPlan p = plan_scan(op, x.spec.shape, a.axis);
  for (std::int64_t o = 0; o < p.outer; ++o)
    for (std::int64_t i = 0; i < p.inner; ++i) {
      S acc = identity;
      for (std::int64_t t = 0; t < p.n; ++t) {
        const std::int64_t k = a.reverse ? p.n - 1 - t : t;
        const std::int64_t at = (o * p.n + k) * p.inner + i;
        if (a.exclusive) {
          out.data[at] = acc;
          acc = combine(acc, x.data[at]);
        } else {
          acc = combine(acc, x.data[at]);
          out.data[at] = acc;
        }
      }
    }
}

}  // namespace tc::kernel
