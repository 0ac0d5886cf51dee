// overflow in a forward without a max shift: logsumexp is evaluated as log(sum(exp(x))) without subtracting the maximum, so large inputs overflow to inf
// Mirrors https://github.com/openvinotoolkit/openvino/pull/35677
#include "engine/api.hpp"
#include "engine/ops/grad_util.hpp"
#include "engine/ops/op_rows.hpp"
#include "engine/ops/reduce/reduce_plan.hpp"
#include "eut/mutants/mutant.hpp"

namespace tc::eut {
namespace {

void forward(const OpAttrs& a, const In<double>* in, int, const Out<double>& out, Branches*) {
  const kernel::ReducePlan p = kernel::plan_reduce("logsumexp", in[0].spec.shape, a.axes, a.keepdims);
  const std::int64_t n = out.spec.shape.numel();
  for (std::int64_t o = 0; o < n; ++o) out.data[o] = 0;
  kernel::for_each_reduced(in[0].spec.shape, p, [&](std::int64_t i, std::int64_t o) {
    out.data[o] += std::exp(in[0].data[i]);
  });
  for (std::int64_t o = 0; o < n; ++o) out.data[o] = std::log(out.data[o]);
}

void mutate(RuleSet& rules) { rules.replace(op_logsumexp).forward_f64 = &forward; }

}  // namespace

extern const Mutant mutant_logsumexp_no_max_shift{
    "logsumexp_no_max_shift", "overflow in a forward without a max shift",
    "logsumexp is evaluated as log(sum(exp(x))) without subtracting the maximum, so large inputs overflow to inf",
    "https://github.com/openvinotoolkit/openvino/pull/35677", &mutate};

}  // namespace tc::eut
