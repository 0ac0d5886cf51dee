// slice/concat boundary off by one: concat's VJP cuts every operand's gradient from the start of the upstream gradient instead of from that operand's offset
// Mirrors https://github.com/ml-explore/mlx/issues/4444
#include "engine/api.hpp"
#include "engine/ops/grad_util.hpp"
#include "engine/ops/op_rows.hpp"
#include "eut/mutants/mutant.hpp"

namespace tc::eut {
namespace {

void vjp(const VjpArgs& a, std::optional<Tensor>* g) {
  const int rank = a.output.shape().rank();
  const std::vector<std::int64_t> begin(static_cast<std::size_t>(rank), 0);
  for (int k = 0; k < a.n_inputs; ++k) g[k] = slice(a.grad, begin, a.inputs[k].shape().to_vector());
}

void mutate(RuleSet& rules) { rules.replace(op_concat).vjp = &vjp; }

}  // namespace

extern const Mutant mutant_concat_gradient_offset{
    "concat_gradient_offset", "slice/concat boundary off by one",
    "concat's VJP cuts every operand's gradient from the start of the upstream gradient instead of from that operand's offset",
    "https://github.com/ml-explore/mlx/issues/4444", &mutate};

}  // namespace tc::eut
