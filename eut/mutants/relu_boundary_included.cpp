// relu/clip boundary >= vs >: relu's VJP passes the gradient where x >= 0, so relu'(0) = 1 where TF's rule gives 0
// Mirrors https://github.com/pytorch/pytorch/issues/120258
#include "engine/api.hpp"
#include "engine/ops/grad_util.hpp"
#include "engine/ops/op_rows.hpp"
#include "eut/mutants/mutant.hpp"

namespace tc::eut {
namespace {

void vjp(const VjpArgs& a, std::optional<Tensor>* g) {
  g[0] = mul(a.grad, mask_like(a.inputs[0], [](double x) { return x >= 0 ? 1.0 : 0.0; }));
}

void mutate(RuleSet& rules) { rules.replace(op_relu).vjp = &vjp; }

}  // namespace

extern const Mutant mutant_relu_boundary_included{
    "relu_boundary_included", "relu/clip boundary >= vs >",
    "relu's VJP passes the gradient where x >= 0, so relu'(0) = 1 where TF's rule gives 0",
    "https://github.com/pytorch/pytorch/issues/120258", &mutate};

}  // namespace tc::eut
