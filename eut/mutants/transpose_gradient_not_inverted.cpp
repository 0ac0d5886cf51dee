// permutation not inverted in a backward formula: transpose's VJP applies the forward permutation again instead of its inverse
// Mirrors https://github.com/webonnx/wonnx/issues/112 (and pytorch#5945)
#include "engine/api.hpp"
#include "engine/ops/grad_util.hpp"
#include "engine/ops/op_rows.hpp"
#include "eut/mutants/mutant.hpp"

namespace tc::eut {
namespace {

void vjp(const VjpArgs& a, std::optional<Tensor>* g) {
  const int rank = a.inputs[0].shape().rank();
  std::vector<std::int64_t> perm = a.attrs.perm;
  if (perm.empty())
    for (int d = rank - 1; d >= 0; --d) perm.push_back(d);
  for (auto& p : perm)
    if (p < 0) p += rank;
  g[0] = transpose(a.grad, perm);
  // Where the permutation is its own inverse the mistake is invisible and shapes still fit;
  // elsewhere a transposed shape that does not fit falls back to the right answer, so that
  // the mutant is wrong only where a real engine with this bug would be.
  if (g[0]->shape() != a.inputs[0].shape()) op_transpose.vjp(a, g);
}

void mutate(RuleSet& rules) { rules.replace(op_transpose).vjp = &vjp; }

}  // namespace

extern const Mutant mutant_transpose_gradient_not_inverted{
    "transpose_gradient_not_inverted", "permutation not inverted in a backward formula",
    "transpose's VJP applies the forward permutation again instead of its inverse",
    "https://github.com/webonnx/wonnx/issues/112", &mutate};

}  // namespace tc::eut
