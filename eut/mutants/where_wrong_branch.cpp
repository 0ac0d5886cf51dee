// where/select routes the gradient to the wrong branch: where's VJP sends each element's gradient to the operand that was not taken
// Mirrors https://github.com/google/jax/issues/10993
#include "engine/api.hpp"
#include "engine/ops/grad_util.hpp"
#include "engine/ops/op_rows.hpp"
#include "eut/mutants/mutant.hpp"

namespace tc::eut {
namespace {

void vjp(const VjpArgs& a, std::optional<Tensor>* g) {
  const Tensor zero = scalar_like(a.grad, 0);
  g[1] = unbroadcast(where(a.inputs[0], zero, a.grad), a.inputs[1].shape());
  g[2] = unbroadcast(where(a.inputs[0], a.grad, zero), a.inputs[2].shape());
}

void mutate(RuleSet& rules) { rules.replace(op_where).vjp = &vjp; }

}  // namespace

extern const Mutant mutant_where_wrong_branch{
    "where_wrong_branch", "where/select routes the gradient to the wrong branch",
    "where's VJP sends each element's gradient to the operand that was not taken",
    "https://github.com/google/jax/issues/10993", &mutate};

}  // namespace tc::eut
