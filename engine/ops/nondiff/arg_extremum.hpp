// The forward, infer rule and entry point argmax and argmin share (included by their .cpp
// files only); each op's file keeps its math and its row. `Name` is the op's name (for
// errors) and `Better` the strict comparison whose winner is kept: std::greater<double> for
// argmax, std::less<double> for argmin. Ties go to the FIRST index (kernel::arg_reduce).
#pragma once
#include <cstdint>

#include "engine/ops/kernel.hpp"
#include "engine/ops/nondiff/nondiff.hpp"
#include "engine/ops/nondiff/nondiff_kernel.hpp"

namespace tc {

template <const char* Name, class Better>
struct ArgExtremum {
  template <class S>
  static void forward(const OpAttrs& a, const In<S>* in, int, const Out<S>& out, Branches* branches) {
    kernel::arg_reduce(Name, a, in[0], out, branches, Better{});
  }

  static TensorSpec infer(const OpAttrs& a, const TensorSpec* in, int n) {
    return kernel::infer_arg_reduce(Name, a, in, n);
  }

  static Tensor apply(const OpDef& op, const Tensor& x, std::int64_t axis) {
    OpAttrs a;
    a.axis = axis;
    return apply_op(op, {x}, std::move(a));
  }
};

}  // namespace tc
