// broadcast gradient not reduced: broadcast_to's VJP returns the upstream gradient unsummed, of the broadcast shape instead of the input's
// Mirrors https://github.com/deeplearning4j/nd4j/issues/2424
#include "engine/api.hpp"
#include "engine/ops/grad_util.hpp"
#include "engine/ops/op_rows.hpp"
#include "eut/mutants/mutant.hpp"

namespace tc::eut {
namespace {

void vjp(const VjpArgs& a, std::optional<Tensor>* g) { g[0] = a.grad; }

void mutate(RuleSet& rules) { rules.replace(op_broadcast_to).vjp = &vjp; }

}  // namespace

extern const Mutant mutant_broadcast_to_not_reduced{
    "broadcast_to_not_reduced", "broadcast gradient not reduced",
    "broadcast_to's VJP returns the upstream gradient unsummed, of the broadcast shape instead of the input's",
    "https://github.com/deeplearning4j/nd4j/issues/2424", &mutate};

}  // namespace tc::eut
