// nested gradient using a detached primal: mul's VJP multiplies by constant copies of the operands, so a second derivative through mul misses its terms
// Mirrors https://github.com/pytorch/pytorch/issues/80926 (and pytorch#76185: saved intermediates make double backward silently wrong)
#include "engine/api.hpp"
#include "engine/ops/grad_util.hpp"
#include "engine/ops/op_rows.hpp"
#include "eut/mutants/mutant.hpp"

namespace tc::eut {
namespace {

Tensor detached(const Tensor& t) { return Tensor::constant(t.values(), t.shape(), t.dtype()); }

void vjp(const VjpArgs& a, std::optional<Tensor>* g) {
  g[0] = unbroadcast(mul(a.grad, detached(a.inputs[1])), a.inputs[0].shape());
  g[1] = unbroadcast(mul(a.grad, detached(a.inputs[0])), a.inputs[1].shape());
}

void mutate(RuleSet& rules) { rules.replace(op_mul).vjp = &vjp; }

}  // namespace

extern const Mutant mutant_mul_detached_primal{
    "mul_detached_primal", "nested gradient using a detached primal",
    "mul's VJP multiplies by constant copies of the operands, so a second derivative through mul misses its terms",
    "https://github.com/pytorch/pytorch/issues/80926", &mutate};

}  // namespace tc::eut
