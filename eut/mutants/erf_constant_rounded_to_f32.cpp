// an f32-only slip: erf's VJP uses 2/sqrt(pi) rounded to float even in f64, a relative error of about 1e-8
// Mirrors https://github.com/tinygrad/tinygrad/issues/3304
#include "engine/api.hpp"
#include "engine/ops/grad_util.hpp"
#include "engine/ops/op_rows.hpp"
#include "eut/mutants/mutant.hpp"

namespace tc::eut {
namespace {

void vjp(const VjpArgs& a, std::optional<Tensor>* g) {
  const Tensor& x = a.inputs[0];
  const double two_over_sqrt_pi_f32 = static_cast<float>(1.1283791670955126);
  g[0] = mul(a.grad, mul(scalar_like(x, two_over_sqrt_pi_f32), exp(neg(square(x)))));
}

void mutate(RuleSet& rules) { rules.replace(op_erf).vjp = &vjp; }

}  // namespace

extern const Mutant mutant_erf_constant_rounded_to_f32{
    "erf_constant_rounded_to_f32", "an f32-only slip",
    "erf's VJP uses 2/sqrt(pi) rounded to float even in f64, a relative error of about 1e-8",
    "https://github.com/tinygrad/tinygrad/issues/3304", &mutate};

}  // namespace tc::eut
