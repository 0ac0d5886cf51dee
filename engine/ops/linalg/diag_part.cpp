// diag_part(x): the main diagonal of each matrix of x [..., m, n] (tf.linalg.diag_part):
// y[..., i] = x[..., i, i] for i < min(m, n). Linear: the VJP puts g on the diagonal of a
// zero matrix (the transpose of the copy, element_map.hpp; TF's _MatrixDiagPartGrad is
// matrix_diag of g). No kinks.
#include "engine/ops/family_rows.hpp"
#include "engine/ops/linalg/linalg.hpp"
#include "engine/ops/shape/element_map.hpp"

namespace tc {
namespace {

ElementMap diag_part_map(const OpAttrs&, const TensorSpec* in, int n) {
  kernel::expect_arity("diag_part", n, 1);
  const Shape& x = in[0].shape;
  if (x.rank() < 2) throw ShapeError("diag_part: input must have rank >= 2, got " + x.str());
  std::vector<std::int64_t> dims = x.prefix(x.rank() - 2).to_vector();
  dims.push_back(std::min(x[x.rank() - 2], x[x.rank() - 1]));
  return map_by_index(Shape(dims), x, [&](const std::vector<std::int64_t>& i, std::vector<std::int64_t>& j) {
    std::copy(i.begin(), i.end(), j.begin());
    j.back() = i.back();
    return true;
  });
}

}  // namespace

extern const OpDef op_diag_part = element_map_rules<&diag_part_map>(
    layout_row("diag_part", "linalg", "[..., m, n] -> [..., min(m, n)]")
        .math("y_i = x_ii per matrix; dx = g on the diagonal, 0 elsewhere")
        .complex_step_ok()
        .vjp_reads(0, {reads::upstream}));

Tensor diag_part(const Tensor& x) { return apply_op(op_diag_part, {x}); }

}  // namespace tc
