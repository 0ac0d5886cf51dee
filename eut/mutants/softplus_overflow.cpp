// overflow in a forward without a max shift: softplus is evaluated as log(1 + exp(x)), which overflows to inf for large x where softplus(x) is x
// Mirrors https://github.com/mlpack/mlpack/pull/2371 (and openvinotoolkit/openvino#4932)
#include "engine/api.hpp"
#include "engine/ops/grad_util.hpp"
#include "engine/ops/op_rows.hpp"
#include "eut/mutants/mutant.hpp"

namespace tc::eut {
namespace {

void forward(const OpAttrs&, const In<double>* in, int, const Out<double>& out, Branches*) {
  const std::int64_t n = out.spec.shape.numel();
  for (std::int64_t i = 0; i < n; ++i) out.data[i] = std::log(1 + std::exp(in[0].data[i]));
}

void mutate(RuleSet& rules) { rules.replace(op_softplus).forward_f64 = &forward; }

}  // namespace

extern const Mutant mutant_softplus_overflow{
    "softplus_overflow", "overflow in a forward without a max shift",
    "softplus is evaluated as log(1 + exp(x)), which overflows to inf for large x where softplus(x) is x",
    "https://github.com/mlpack/mlpack/pull/2371", &mutate};

}  // namespace tc::eut
