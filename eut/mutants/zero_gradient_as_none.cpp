// zero turned into None: gradient() returns None for a source whose gradient was computed but is all zeros
// Mirrors https://github.com/tensorflow/tensorflow/issues/783
#include "engine/api.hpp"
#include "engine/ops/grad_util.hpp"
#include "engine/ops/op_rows.hpp"
#include "eut/mutants/mutant.hpp"

namespace tc::eut {
namespace {

std::optional<Tensor> result(const std::optional<Tensor>& reached, const Tensor& source, bool zero) {
  if (reached) {
    bool all_zero = true;
    for (std::int64_t i = 0; i < reached->numel() && all_zero; ++i) all_zero = (*reached)[i] == 0.0;
    if (all_zero && reached->numel() > 0) return std::nullopt;
  }
  return reference_tape_rules().result(reached, source, zero);
}

void mutate(RuleSet& rules) { rules.tape.result = &result; }

}  // namespace

extern const Mutant mutant_zero_gradient_as_none{
    "zero_gradient_as_none", "zero turned into None",
    "gradient() returns None for a source whose gradient was computed but is all zeros",
    "https://github.com/tensorflow/tensorflow/issues/783", &mutate};

}  // namespace tc::eut
