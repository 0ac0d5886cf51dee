// fan-out assigned instead of accumulated: the tape keeps only the last gradient reaching a value used more than once instead of their sum
// Mirrors https://github.com/tensorflow/tensorflow/issues/36999
#include "engine/api.hpp"
#include "engine/ops/grad_util.hpp"
#include "engine/ops/op_rows.hpp"
#include "eut/mutants/mutant.hpp"

namespace tc::eut {
namespace {

Tensor accumulate(const Tensor&, const Tensor& more) { return more; }

void mutate(RuleSet& rules) { rules.tape.accumulate = &accumulate; }

}  // namespace

extern const Mutant mutant_fan_out_assigned{
    "fan_out_assigned", "fan-out assigned instead of accumulated",
    "the tape keeps only the last gradient reaching a value used more than once instead of their sum",
    "https://github.com/tensorflow/tensorflow/issues/36999", &mutate};

}  // namespace tc::eut
