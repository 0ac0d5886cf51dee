// None turned into zero: gradient() returns zeros for every unconnected source, as if unconnected_gradients=ZERO were always asked for
// Mirrors https://github.com/tensorflow/tfjs/issues/619
#include "engine/api.hpp"
#include "engine/ops/grad_util.hpp"
#include "engine/ops/op_rows.hpp"
#include "eut/mutants/mutant.hpp"

namespace tc::eut {
namespace {

std::optional<Tensor> result(const std::optional<Tensor>& reached, const Tensor& source, bool) {
  return reference_tape_rules().result(reached, source, true);
}

void mutate(RuleSet& rules) { rules.tape.result = &result; }

}  // namespace

extern const Mutant mutant_none_as_zero{
    "none_as_zero", "None turned into zero",
    "gradient() returns zeros for every unconnected source, as if unconnected_gradients=ZERO were always asked for",
    "https://github.com/tensorflow/tfjs/issues/619", &mutate};

}  // namespace tc::eut
