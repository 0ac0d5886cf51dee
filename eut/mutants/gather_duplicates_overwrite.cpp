// duplicate gather indices overwrite instead of accumulating: gather's VJP writes each picked row's gradient into place, so a row picked several times keeps only the last slice
// Mirrors https://github.com/pytorch/pytorch/issues/1528 (and pytorch#1631)
#include "engine/api.hpp"
#include "engine/ops/grad_util.hpp"
#include "engine/ops/op_rows.hpp"
#include "eut/mutants/mutant.hpp"

namespace tc::eut {
namespace {

void vjp(const VjpArgs& a, std::optional<Tensor>* g) {
  const Tensor& params = a.inputs[0];
  const Tensor& indices = a.inputs[1];
  const int rank = params.shape().rank();
  const int axis = static_cast<int>(a.attrs.axis < 0 ? a.attrs.axis + rank : a.attrs.axis);
  // Keep only the last occurrence of each index: earlier duplicates are overwritten.
  const std::int64_t n = indices.numel();
  std::vector<double> keep(static_cast<std::size_t>(n), 1.0);
  for (std::int64_t j = 0; j < n; ++j)
    for (std::int64_t k = j + 1; k < n; ++k)
      if (indices[k] == indices[j]) keep[static_cast<std::size_t>(j)] = 0.0;
  std::vector<std::int64_t> mask_shape(static_cast<std::size_t>(axis), 1);
  for (int d = 0; d < indices.shape().rank(); ++d) mask_shape.push_back(indices.shape()[d]);
  for (int d = axis + 1; d < rank; ++d) mask_shape.push_back(1);
  const Tensor mask = Tensor::constant(std::move(keep), Shape(mask_shape), a.grad.dtype());
  g[0] = scatter_add(mul(a.grad, mask), indices, a.attrs.axis, params.shape().to_vector());
}

void mutate(RuleSet& rules) { rules.replace(op_gather).vjp = &vjp; }

}  // namespace

extern const Mutant mutant_gather_duplicates_overwrite{
    "gather_duplicates_overwrite", "duplicate gather indices overwrite instead of accumulating",
    "gather's VJP writes each picked row's gradient into place, so a row picked several times keeps only the last slice",
    "https://github.com/pytorch/pytorch/issues/1528", &mutate};

}  // namespace tc::eut
