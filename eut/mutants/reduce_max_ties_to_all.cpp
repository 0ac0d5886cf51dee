// max/min ties sent to every tied element: reduce_max's VJP gives the whole upstream gradient to every element tied for the maximum instead of splitting it among them
// Mirrors https://github.com/pytorch/pytorch/pull/43519
#include "engine/api.hpp"
#include "engine/ops/grad_util.hpp"
#include "engine/ops/op_rows.hpp"
#include "engine/ops/reduce/reduce_plan.hpp"
#include "eut/mutants/mutant.hpp"

namespace tc::eut {
namespace {

void vjp(const VjpArgs& a, std::optional<Tensor>* g) {
  const Tensor& x = a.inputs[0];
  const kernel::ReducePlan p = kernel::plan_reduce("reduce_max", x.shape(), a.attrs.axes, a.attrs.keepdims);
  const Tensor y = reshape(a.output, p.kept.to_vector());
  std::vector<double> w(static_cast<std::size_t>(x.numel()));
  kernel::for_each_reduced(x.shape(), p, [&](std::int64_t i, std::int64_t o) {
    w[static_cast<std::size_t>(i)] = x[i] == y[o] ? 1.0 : 0.0;
  });
  g[0] = mul(reshape(a.grad, p.kept.to_vector()), Tensor::constant(std::move(w), x.shape(), a.grad.dtype()));
}

void mutate(RuleSet& rules) { rules.replace(op_reduce_max).vjp = &vjp; }

}  // namespace

extern const Mutant mutant_reduce_max_ties_to_all{
    "reduce_max_ties_to_all", "max/min ties sent to every tied element",
    "reduce_max's VJP gives the whole upstream gradient to every element tied for the maximum instead of splitting it among them",
    "https://github.com/pytorch/pytorch/pull/43519", &mutate};

}  // namespace tc::eut
