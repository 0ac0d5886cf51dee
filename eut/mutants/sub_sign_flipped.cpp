// upstream gradient dropped or sign flipped: sub's VJP gives the subtrahend +g instead of -g
// Mirrors https://github.com/pytorch/pytorch/issues/995
#include "engine/api.hpp"
#include "engine/ops/grad_util.hpp"
#include "engine/ops/op_rows.hpp"
#include "eut/mutants/mutant.hpp"

namespace tc::eut {
namespace {

void vjp(const VjpArgs& a, std::optional<Tensor>* g) {
  g[0] = unbroadcast(a.grad, a.inputs[0].shape());
  g[1] = unbroadcast(a.grad, a.inputs[1].shape());
}

void mutate(RuleSet& rules) { rules.replace(op_sub).vjp = &vjp; }

}  // namespace

extern const Mutant mutant_sub_sign_flipped{
    "sub_sign_flipped", "upstream gradient dropped or sign flipped",
    "sub's VJP gives the subtrahend +g instead of -g",
    "https://github.com/pytorch/pytorch/issues/995", &mutate};

}  // namespace tc::eut
