// upstream gradient dropped or sign flipped: exp's VJP returns exp(x) itself instead of the upstream gradient times exp(x)
// Mirrors https://github.com/pytorch/pytorch/issues/995
#include "engine/api.hpp"
#include "engine/ops/grad_util.hpp"
#include "engine/ops/op_rows.hpp"
#include "eut/mutants/mutant.hpp"

namespace tc::eut {
namespace {

void vjp(const VjpArgs& a, std::optional<Tensor>* g) { g[0] = a.output; }

void mutate(RuleSet& rules) { rules.replace(op_exp).vjp = &vjp; }

}  // namespace

extern const Mutant mutant_exp_upstream_dropped{
    "exp_upstream_dropped", "upstream gradient dropped or sign flipped",
    "exp's VJP returns exp(x) itself instead of the upstream gradient times exp(x)",
    "https://github.com/pytorch/pytorch/issues/995", &mutate};

}  // namespace tc::eut
