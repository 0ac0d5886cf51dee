// stop_gradient leaks: stop_gradient passes the gradient through as if it were the identity
// Mirrors https://github.com/pytorch/pytorch/issues/685
#include "engine/api.hpp"
#include "engine/ops/grad_util.hpp"
#include "engine/ops/op_rows.hpp"
#include "eut/mutants/mutant.hpp"

namespace tc::eut {
namespace {

void vjp(const VjpArgs& a, std::optional<Tensor>* g) { g[0] = a.grad; }

void mutate(RuleSet& rules) {
  OpDef& row = rules.replace(op_stop_gradient);
  row.inputs = {InputDef{"x"}};
  row.vjp = &vjp;
}

}  // namespace

extern const Mutant mutant_stop_gradient_leaks{
    "stop_gradient_leaks", "stop_gradient leaks",
    "stop_gradient passes the gradient through as if it were the identity",
    "https://github.com/pytorch/pytorch/issues/685", &mutate};

}  // namespace tc::eut
