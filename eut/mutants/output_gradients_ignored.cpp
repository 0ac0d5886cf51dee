// upstream gradient dropped or sign flipped: gradient() starts the backward pass from ones even when output_gradients are given
// Mirrors https://github.com/chainer/chainer/issues/5978
#include "engine/api.hpp"
#include "engine/ops/grad_util.hpp"
#include "engine/ops/op_rows.hpp"
#include "eut/mutants/mutant.hpp"

namespace tc::eut {
namespace {

Tensor seed(const Tensor& target, const std::optional<Tensor>&) {
  return reference_tape_rules().seed(target, std::nullopt);
}

void mutate(RuleSet& rules) { rules.tape.seed = &seed; }

}  // namespace

extern const Mutant mutant_output_gradients_ignored{
    "output_gradients_ignored", "upstream gradient dropped or sign flipped",
    "gradient() starts the backward pass from ones even when output_gradients are given",
    "https://github.com/chainer/chainer/issues/5978", &mutate};

}  // namespace tc::eut
