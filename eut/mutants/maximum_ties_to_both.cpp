// max/min ties sent to every tied element: maximum's VJP gives the whole upstream gradient to both operands where they are equal
// Mirrors https://github.com/pytorch/pytorch/issues/56734
#include "engine/api.hpp"
#include "engine/ops/grad_util.hpp"
#include "engine/ops/op_rows.hpp"
#include "eut/mutants/mutant.hpp"

namespace tc::eut {
namespace {

void vjp(const VjpArgs& v, std::optional<Tensor>* g) {
  const Tensor& a = v.inputs[0];
  const Tensor& b = v.inputs[1];
  const Shape& out = v.output.shape();
  const Tensor to_a = mask_like2(a, b, out, [](double x, double y) { return x >= y ? 1.0 : 0.0; }, v.grad.dtype());
  const Tensor to_b = mask_like2(a, b, out, [](double x, double y) { return y >= x ? 1.0 : 0.0; }, v.grad.dtype());
  g[0] = unbroadcast(mul(v.grad, to_a), a.shape());
  g[1] = unbroadcast(mul(v.grad, to_b), b.shape());
}

void mutate(RuleSet& rules) { rules.replace(op_maximum).vjp = &vjp; }

}  // namespace

extern const Mutant mutant_maximum_ties_to_both{
    "maximum_ties_to_both", "max/min ties sent to every tied element",
    "maximum's VJP gives the whole upstream gradient to both operands where they are equal",
    "https://github.com/pytorch/pytorch/issues/56734", &mutate};

}  // namespace tc::eut
