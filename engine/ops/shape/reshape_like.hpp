// The ops that keep x's elements in their row-major order and change only its shape (reshape,
// expand_dims, squeeze): the forward copies the elements, the VJP reshapes g back to x's
// shape and reads nothing else, and complex step applies (they are linear). What each op
// states for itself is its shape rule, its attributes and its math.
#pragma once
#include <algorithm>
#include <optional>

#include "engine/ops/family_rows.hpp"
#include "engine/ops/kernel.hpp"
#include "engine/ops/shape/shape.hpp"

namespace tc::reshape_like {

template <class S>
void forward(const OpAttrs&, const In<S>* in, int, const Out<S>& out, Branches*) {
  std::copy(in[0].data, in[0].data + out.spec.shape.numel(), out.data);
}

inline void vjp(const VjpArgs& a, std::optional<Tensor>* g) {
  g[0] = reshape(a.grad, a.inputs[0].shape().to_vector());
}

}  // namespace tc::reshape_like

namespace tc {

// The row of a reshape-like op whose output shape `infer` computes.
inline OpRow reshape_like_row(const char* name, const char* shape_rule, InferFn infer) {
  return layout_row(name, "shape", shape_rule)
      .complex_step_ok()
      .vjp_reads(0, {reads::upstream})
      .rules(infer, TC_FORWARDS(reshape_like::forward), &reshape_like::vjp);
}

}  // namespace tc
