// relu/clip boundary >= vs >: clip_by_value's VJP passes the gradient only strictly inside (lo, hi), where TF's rule is lo <= x <= hi
// Mirrors https://github.com/pytorch/pytorch/issues/7002
#include "engine/api.hpp"
#include "engine/ops/grad_util.hpp"
#include "engine/ops/op_rows.hpp"
#include "eut/mutants/mutant.hpp"

namespace tc::eut {
namespace {

void vjp(const VjpArgs& a, std::optional<Tensor>* g) {
  const double lo = a.attrs.lo, hi = a.attrs.hi;
  g[0] = mul(a.grad, mask_like(a.inputs[0], [lo, hi](double x) { return x <= lo || x >= hi ? 0.0 : 1.0; }));
}

void mutate(RuleSet& rules) { rules.replace(op_clip_by_value).vjp = &vjp; }

}  // namespace

extern const Mutant mutant_clip_boundary_excluded{
    "clip_boundary_excluded", "relu/clip boundary >= vs >",
    "clip_by_value's VJP passes the gradient only strictly inside (lo, hi), where TF's rule is lo <= x <= hi",
    "https://github.com/pytorch/pytorch/issues/7002", &mutate};

}  // namespace tc::eut
