// gradient through an integer path or cast: integer values carry gradient, so a cast to i32 and back passes a (rounded) gradient instead of cutting the path
// Mirrors https://github.com/tensorflow/tensorflow/issues/20524
#include "engine/api.hpp"
#include "engine/ops/grad_util.hpp"
#include "engine/ops/op_rows.hpp"
#include "eut/mutants/mutant.hpp"

namespace tc::eut {
namespace {

bool carries_gradient(DType dtype) { return dtype != DType::boolean; }

void mutate(RuleSet& rules) { rules.tape.carries_gradient = &carries_gradient; }

}  // namespace

extern const Mutant mutant_integer_path_carries_gradient{
    "integer_path_carries_gradient", "gradient through an integer path or cast",
    "integer values carry gradient, so a cast to i32 and back passes a (rounded) gradient instead of cutting the path",
    "https://github.com/tensorflow/tensorflow/issues/20524", &mutate};

}  // namespace tc::eut
