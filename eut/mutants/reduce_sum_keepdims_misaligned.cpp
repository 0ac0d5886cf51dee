// reduction backward with the wrong keepdims shape: reduce_sum's VJP broadcasts the upstream gradient to the input's shape without first putting back the reduced axes, so with keepdims=false it lines up with the wrong axes
// Mirrors https://github.com/pytorch/pytorch/issues/1813
#include "engine/api.hpp"
#include "engine/ops/grad_util.hpp"
#include "engine/ops/op_rows.hpp"
#include "eut/mutants/mutant.hpp"

namespace tc::eut {
namespace {

void vjp(const VjpArgs& a, std::optional<Tensor>* g) {
  g[0] = broadcast_to(a.grad, a.inputs[0].shape().to_vector());
}

void mutate(RuleSet& rules) { rules.replace(op_reduce_sum).vjp = &vjp; }

}  // namespace

extern const Mutant mutant_reduce_sum_keepdims_misaligned{
    "reduce_sum_keepdims_misaligned", "reduction backward with the wrong keepdims shape",
    "reduce_sum's VJP broadcasts the upstream gradient to the input's shape without first putting back the reduced axes, so with keepdims=false it lines up with the wrong axes",
    "https://github.com/pytorch/pytorch/issues/1813", &mutate};

}  // namespace tc::eut
