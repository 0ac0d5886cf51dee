#include "engine/ops/reduce/reduce_plan.hpp"

#include <string>

namespace tc::kernel {

ReducePlan plan_reduce(const char* op, const Shape& in, const std::vector<std::int64_t>& axes,
                       bool keepdims) {
  ReducePlan p;
  const int r = in.rank();
  p.reduced.assign(static_cast<std::size_t>(r), axes.empty());
  for (std::int64_t a : axes) {
    if (a < -r || a >= r)  // R15: name the op, the axis and the input's shape
      throw ShapeError(std::string(op) + ": axis " + std::to_string(a) +
                       " is out of range for input of shape " + in.str());
    const int k = normalize_axis(a, r, op);
    if (p.reduced[k])
      throw ShapeError(std::string(op) + ": axis " + std::to_string(a) +
                       " is repeated (input shape " + in.str() + ")");
    p.reduced[k] = true;
  }
  std::vector<std::int64_t> kept, out;
  for (int i = 0; i < r; ++i) {
    kept.push_back(p.reduced[i] ? 1 : in[i]);
    if (p.reduced[i]) p.group *= in[i];
    if (!p.reduced[i] || keepdims) out.push_back(kept.back());
  }
  p.kept = Shape(kept);
  p.out = Shape(out);
  return p;
}

TensorSpec infer_reduce_float(const char* op, const OpAttrs& a, const TensorSpec* in, int n) {
  expect_arity(op, n, 1);
  expect_floating(op, in[0], 0);
  return {in[0].dtype, plan_reduce(op, in[0].shape, a.axes, a.keepdims).out};
}

}  // namespace tc::kernel
