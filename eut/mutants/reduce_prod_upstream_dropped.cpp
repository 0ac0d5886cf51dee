// upstream gradient dropped or sign flipped: reduce_prod's VJP returns the local derivative without multiplying it by the upstream gradient, so -prod(x) gets +prod's gradient
// Mirrors https://github.com/pytorch/pytorch/issues/995
#include "engine/api.hpp"
#include "engine/ops/grad_util.hpp"
#include "engine/ops/op_rows.hpp"
#include "eut/mutants/mutant.hpp"

namespace tc::eut {
namespace {

void vjp(const VjpArgs& a, std::optional<Tensor>* g) {
  const Tensor ones = Tensor::ones(a.grad.shape(), a.grad.dtype());
  op_reduce_prod.vjp({a.attrs, a.inputs, a.n_inputs, a.output, ones}, g);
}

void mutate(RuleSet& rules) { rules.replace(op_reduce_prod).vjp = &vjp; }

}  // namespace

extern const Mutant mutant_reduce_prod_upstream_dropped{
    "reduce_prod_upstream_dropped", "upstream gradient dropped or sign flipped",
    "reduce_prod's VJP returns the local derivative without multiplying it by the upstream gradient, so -prod(x) gets +prod's gradient",
    "https://github.com/pytorch/pytorch/issues/995", &mutate};

}  // namespace tc::eut
