// minimum(a, b) = min(a, b) element-wise with broadcasting.
//   ∂/∂a = 1 where a <= b else 0,   ∂/∂b = 1 where a > b else 0.
// Kink at a = b: the whole gradient goes to the FIRST operand (TF's _MinimumGrad uses
// x <= y), and the forward on dual/complex numbers picks a there too. A NaN operand wins
// (NaN propagates) and takes the gradient. Branches: 0 = a won, 1 = b won, 2 = tie (or NaN).
#include <functional>

#include "engine/ops/binary/extremum.hpp"
#include "engine/ops/family_rows.hpp"

namespace tc {
namespace {

using Rule = Extremum<std::less<double>>;  // a < b: a wins

TensorSpec infer(const OpAttrs&, const TensorSpec* in, int n) {
  return kernel::infer_binary_float("minimum", in, n);
}

}  // namespace

extern const OpDef op_minimum = binary_float_row("minimum").edges(Edges::ties)
    .kinks("a = b: the whole gradient goes to a (TF: x <= y)")
    .math("y = min(a, b); dy/da = [a <= b], dy/db = [a > b]")
    .complex_step_ok()
    .vjp_reads(0, {reads::upstream, reads::input(0, Dependence::piecewise), reads::input(1, Dependence::piecewise)})
    .vjp_reads(1, {reads::upstream, reads::input(0, Dependence::piecewise), reads::input(1, Dependence::piecewise)})
    .rules(&infer, TC_FORWARDS(Rule::forward), &Rule::vjp);

Tensor minimum(const Tensor& a, const Tensor& b) { return apply_op(op_minimum, {a, b}); }

}  // namespace tc
