// wrong operand layout in a backward formula: matmul's VJP computes g @ b instead of g @ b^T for the left operand, which goes unnoticed when the matrices are square
// Mirrors https://github.com/tile-ai/TileOPs/pull/54
#include "engine/api.hpp"
#include "engine/ops/grad_util.hpp"
#include "engine/ops/op_rows.hpp"
#include "eut/mutants/mutant.hpp"

namespace tc::eut {
namespace {

// The plain layout's left partial; the transposed layouts keep the reference's VJP.
void vjp(const VjpArgs& a, std::optional<Tensor>* g) {
  op_matmul.vjp(a, g);
  if (a.attrs.transpose_a || a.attrs.transpose_b) return;
  const Tensor& b = a.inputs[1];
  const Shape& bs = b.shape();
  if (bs.rank() >= 2 && bs[bs.rank() - 1] == bs[bs.rank() - 2])
    g[0] = unbroadcast(matmul(a.grad, b), a.inputs[0].shape());
}

void mutate(RuleSet& rules) { rules.replace(op_matmul).vjp = &vjp; }

}  // namespace

extern const Mutant mutant_matmul_transpose_missing{
    "matmul_transpose_missing", "wrong operand layout in a backward formula",
    "matmul's VJP computes g @ b instead of g @ b^T for the left operand, which goes unnoticed when the matrices are square",
    "https://github.com/tile-ai/TileOPs/pull/54", &mutate};

}  // namespace tc::eut
