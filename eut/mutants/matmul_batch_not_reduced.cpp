// broadcast gradient not reduced: matmul's VJP leaves the gradient of an operand that was broadcast over batch dimensions unsummed over them
// Mirrors https://github.com/flashlight/flashlight/pull/760
#include "engine/api.hpp"
#include "engine/ops/grad_util.hpp"
#include "engine/ops/op_rows.hpp"
#include "eut/mutants/mutant.hpp"

namespace tc::eut {
namespace {

// The plain layout's partials, unreduced; the transposed layouts keep the reference's VJP.
void vjp(const VjpArgs& a, std::optional<Tensor>* g) {
  if (a.attrs.transpose_a || a.attrs.transpose_b) return op_matmul.vjp(a, g);
  g[0] = matmul(a.grad, a.inputs[1], false, /*transpose_b=*/true);
  g[1] = matmul(a.inputs[0], a.grad, /*transpose_a=*/true, false);
}

void mutate(RuleSet& rules) { rules.replace(op_matmul).vjp = &vjp; }

}  // namespace

extern const Mutant mutant_matmul_batch_not_reduced{
    "matmul_batch_not_reduced", "broadcast gradient not reduced",
    "matmul's VJP leaves the gradient of an operand that was broadcast over batch dimensions unsummed over them",
    "https://github.com/flashlight/flashlight/pull/760", &mutate};

}  // namespace tc::eut
