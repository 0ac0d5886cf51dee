// Shared by every reduction: which axes are reduced, the result shape with and without
// keepdims, and a visitor mapping each input element to its output slot.
#pragma once
#include <vector>

#include "engine/ops/kernel.hpp"

namespace tc::kernel {

struct ReducePlan {
  std::vector<bool> reduced;  // per input axis
  Shape kept;                 // input shape with reduced axes set to 1
  Shape out;                  // result shape (== kept if keepdims)
  std::int64_t group = 1;     // input elements per output element
};

// Throws ShapeError naming `op` for an out-of-range or repeated axis.
ReducePlan plan_reduce(const char* op, const Shape& in, const std::vector<std::int64_t>& axes,
                       bool keepdims);

// visit(input_index, output_index) for every input element, row-major.
template <class Visit>
void for_each_reduced(const Shape& in, const ReducePlan& p, Visit visit) {
  for_each_broadcast<1>(in, {&p.kept},
                        [&](std::int64_t i, const std::array<std::int64_t, 1>& o) { visit(i, o[0]); });
}

// The infer function of every reduction of a floating tensor.
TensorSpec infer_reduce_float(const char* op, const OpAttrs& a, const TensorSpec* in, int n);

}  // namespace tc::kernel
