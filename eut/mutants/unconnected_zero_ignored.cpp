// zero turned into None: gradient() returns None for unconnected sources even when asked for unconnected_gradients=ZERO
// Mirrors https://github.com/tensorflow/tensorflow/issues/26808
#include "engine/api.hpp"
#include "engine/ops/grad_util.hpp"
#include "engine/ops/op_rows.hpp"
#include "eut/mutants/mutant.hpp"

namespace tc::eut {
namespace {

std::optional<Tensor> result(const std::optional<Tensor>& reached, const Tensor& source, bool) {
  return reference_tape_rules().result(reached, source, false);
}

void mutate(RuleSet& rules) { rules.tape.result = &result; }

}  // namespace

extern const Mutant mutant_unconnected_zero_ignored{
    "unconnected_zero_ignored", "zero turned into None",
    "gradient() returns None for unconnected sources even when asked for unconnected_gradients=ZERO",
    "https://github.com/tensorflow/tensorflow/issues/26808", &mutate};

}  // namespace tc::eut
