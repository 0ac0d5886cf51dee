// fan-out assigned instead of accumulated: the tape keeps only the last gradient reaching a value used more than once instead of their sum
// Mirrors https://github.com/tensorflow/tensorflow/issues/36999
#include "engine/api.hpp"
#include "engine/ops/grad_util.hpp"
#include "engine/ops/op_rows.hpp"
#include "eut/mutants/mutant.hpp"

namespace tc::eut {
namespace {

Tensor aggregate(const Tensor* parts, int n) { return parts[n - 1]; }

void mutate(RuleSet& rules) { rules.tape.aggregate = &aggregate; }

}  // namespace

extern const Mutant mutant_fan_out_assigned{
    "fan_out_assigned", "fan-out assigned instead of accumulated",
    "the tape keeps only the last gradient reaching a value used more than once instead of their sum",
    "https://github.com/tensorflow/tensorflow/issues/36999", &mutate};

}  // namespace tc::eut
