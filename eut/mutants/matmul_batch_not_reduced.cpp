// broadcast gradient not reduced: matmul's VJP leaves the gradient of an operand that was broadcast over batch dimensions unsummed over them
// Mirrors https://github.com/flashlight/flashlight/pull/760
#include "engine/api.hpp"
#include "engine/ops/grad_util.hpp"
#include "engine/ops/op_rows.hpp"
#include "eut/mutants/mutant.hpp"

namespace tc::eut {
namespace {

Tensor swap_last(const Tensor& t) {
  std::vector<std::int64_t> perm;
  for (int d = 0; d < t.shape().rank(); ++d) perm.push_back(d);
  std::swap(perm[perm.size() - 1], perm[perm.size() - 2]);
  return transpose(t, perm);
}

// The plain layout's partials, unreduced; the transposed layouts keep the reference's VJP.
void vjp(const VjpArgs& a, std::optional<Tensor>* g) {
  if (a.attrs.transpose_a || a.attrs.transpose_b) return op_matmul.vjp(a, g);
  g[0] = matmul(a.grad, swap_last(a.inputs[1]));
  g[1] = matmul(swap_last(a.inputs[0]), a.grad);
}

void mutate(RuleSet& rules) { rules.replace(op_matmul).vjp = &vjp; }

}  // namespace

extern const Mutant mutant_matmul_batch_not_reduced{
    "matmul_batch_not_reduced", "broadcast gradient not reduced",
    "matmul's VJP leaves the gradient of an operand that was broadcast over batch dimensions unsummed over them",
    "https://github.com/flashlight/flashlight/pull/760", &mutate};

}  // namespace tc::eut
