// backward that divides by the input: reduce_prod's VJP computes prod(x) / x_j, which is NaN or inf where an element is zero
// Mirrors https://github.com/pytorch/pytorch/issues/773
#include "engine/api.hpp"
#include "engine/ops/grad_util.hpp"
#include "engine/ops/op_rows.hpp"
#include "engine/ops/reduce/reduce_plan.hpp"
#include "eut/mutants/mutant.hpp"

namespace tc::eut {
namespace {

void vjp(const VjpArgs& a, std::optional<Tensor>* g) {
  const Tensor& x = a.inputs[0];
  const kernel::ReducePlan p = kernel::plan_reduce("reduce_prod", x.shape(), a.attrs.axes, a.attrs.keepdims);
  const Tensor y = reshape(a.output, p.kept.to_vector());
  g[0] = mul(reshape(a.grad, p.kept.to_vector()), div(y, x));
}

void mutate(RuleSet& rules) { rules.replace(op_reduce_prod).vjp = &vjp; }

}  // namespace

extern const Mutant mutant_reduce_prod_divides_by_input{
    "reduce_prod_divides_by_input", "backward that divides by the input",
    "reduce_prod's VJP computes prod(x) / x_j, which is NaN or inf where an element is zero",
    "https://github.com/pytorch/pytorch/issues/773", &mutate};

}  // namespace tc::eut
