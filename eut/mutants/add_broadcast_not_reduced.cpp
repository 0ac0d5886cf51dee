// broadcast gradient not reduced: add's VJP hands each operand the upstream gradient without summing it over the dimensions that operand was broadcast along
// Mirrors https://github.com/deeplearning4j/nd4j/issues/2424
#include "engine/api.hpp"
#include "engine/ops/grad_util.hpp"
#include "engine/ops/op_rows.hpp"
#include "eut/mutants/mutant.hpp"

namespace tc::eut {
namespace {

void vjp(const VjpArgs& a, std::optional<Tensor>* g) {
  g[0] = a.grad;
  g[1] = a.grad;
}

void mutate(RuleSet& rules) { rules.replace(op_add).vjp = &vjp; }

}  // namespace

extern const Mutant mutant_add_broadcast_not_reduced{
    "add_broadcast_not_reduced", "broadcast gradient not reduced",
    "add's VJP hands each operand the upstream gradient without summing it over the dimensions that operand was broadcast along",
    "https://github.com/deeplearning4j/nd4j/issues/2424", &mutate};

}  // namespace tc::eut
