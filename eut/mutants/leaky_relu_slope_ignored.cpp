// a piecewise derivative with the wrong slope: leaky_relu's VJP passes the gradient unscaled on the negative side instead of multiplying it by alpha
// Mirrors https://github.com/pytorch/pytorch/issues/31938
#include "engine/api.hpp"
#include "engine/ops/grad_util.hpp"
#include "engine/ops/op_rows.hpp"
#include "eut/mutants/mutant.hpp"

namespace tc::eut {
namespace {

void vjp(const VjpArgs& a, std::optional<Tensor>* g) { g[0] = a.grad; }

void mutate(RuleSet& rules) { rules.replace(op_leaky_relu).vjp = &vjp; }

}  // namespace

extern const Mutant mutant_leaky_relu_slope_ignored{
    "leaky_relu_slope_ignored", "a piecewise derivative with the wrong slope",
    "leaky_relu's VJP passes the gradient unscaled on the negative side instead of multiplying it by alpha",
    "https://github.com/pytorch/pytorch/issues/31938", &mutate};

}  // namespace tc::eut
