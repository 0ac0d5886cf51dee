// a derivative off by a relative 1e-4: tanh's VJP is (1 - y^2)(1 + 1e-4), the size of error an approximate derivative formula leaves
// Mirrors https://github.com/chelsea0x3b/dfdx/issues/804
#include "engine/api.hpp"
#include "engine/ops/grad_util.hpp"
#include "engine/ops/op_rows.hpp"
#include "eut/mutants/mutant.hpp"

namespace tc::eut {
namespace {

void vjp(const VjpArgs& a, std::optional<Tensor>* g) {
  const Tensor& y = a.output;
  g[0] = mul(a.grad, mul(sub(scalar_like(y, 1), square(y)), scalar_like(y, 1 + 1e-4)));
}

void mutate(RuleSet& rules) { rules.replace(op_tanh).vjp = &vjp; }

}  // namespace

extern const Mutant mutant_tanh_derivative_off_1e4{
    "tanh_derivative_off_1e4", "a derivative off by a relative 1e-4",
    "tanh's VJP is (1 - y^2)(1 + 1e-4), the size of error an approximate derivative formula leaves",
    "https://github.com/chelsea0x3b/dfdx/issues/804", &mutate};

}  // namespace tc::eut
