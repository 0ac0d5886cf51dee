// a backward formula missing a term: softmax's VJP is y * g, without subtracting y * sum(g * y)
// Mirrors https://github.com/HomericIntelligence/Odyssey/issues/2136
#include "engine/api.hpp"
#include "engine/ops/grad_util.hpp"
#include "engine/ops/op_rows.hpp"
#include "eut/mutants/mutant.hpp"

namespace tc::eut {
namespace {

void vjp(const VjpArgs& a, std::optional<Tensor>* g) { g[0] = mul(a.output, a.grad); }

void mutate(RuleSet& rules) { rules.replace(op_softmax).vjp = &vjp; }

}  // namespace

extern const Mutant mutant_softmax_vjp_missing_term{
    "softmax_vjp_missing_term", "a backward formula missing a term",
    "softmax's VJP is y * g, without subtracting y * sum(g * y)",
    "https://github.com/HomericIntelligence/Odyssey/issues/2136", &mutate};

}  // namespace tc::eut
