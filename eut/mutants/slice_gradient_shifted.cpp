// slice/concat boundary off by one: slice's VJP pads the gradient as if the slice began one element later along its first sliced axis
// Mirrors https://github.com/zk4x/zyx/issues/8 (and ml-explore/mlx#4444)
#include "engine/api.hpp"
#include "engine/ops/grad_util.hpp"
#include "engine/ops/op_rows.hpp"
#include "eut/mutants/mutant.hpp"

namespace tc::eut {
namespace {

void vjp(const VjpArgs& a, std::optional<Tensor>* g) {
  OpAttrs shifted = a.attrs;
  const Shape& xs = a.inputs[0].shape();
  for (int d = 0; d < xs.rank(); ++d) {
    const std::int64_t size = a.output.shape()[d];
    if (size < xs[d]) {
      // One place later, unless that runs past the end: then one place earlier.
      shifted.begin[d] += shifted.begin[d] + size < xs[d] ? 1 : -1;
      break;
    }
  }
  op_slice.vjp({shifted, a.inputs, a.n_inputs, a.output, a.grad}, g);
}

void mutate(RuleSet& rules) { rules.replace(op_slice).vjp = &vjp; }

}  // namespace

extern const Mutant mutant_slice_gradient_shifted{
    "slice_gradient_shifted", "slice/concat boundary off by one",
    "slice's VJP pads the gradient as if the slice began one element later along its first sliced axis",
    "https://github.com/zk4x/zyx/issues/8", &mutate};

}  // namespace tc::eut
