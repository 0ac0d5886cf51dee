// an f32-only slip: sigmoid's VJP rounds the saved output to float before forming y(1 - y), even in f64
// Mirrors https://github.com/csarofeen/pytorch/pull/2427
#include "engine/api.hpp"
#include "engine/ops/grad_util.hpp"
#include "engine/ops/op_rows.hpp"
#include "eut/mutants/mutant.hpp"

namespace tc::eut {
namespace {

void vjp(const VjpArgs& a, std::optional<Tensor>* g) {
  const Tensor& y = a.output;
  std::vector<double> rounded(y.values());
  for (double& v : rounded) v = static_cast<float>(v);
  const Tensor yf = Tensor::constant(std::move(rounded), y.shape(), y.dtype());
  g[0] = mul(a.grad, mul(yf, sub(scalar_like(y, 1), yf)));
}

void mutate(RuleSet& rules) { rules.replace(op_sigmoid).vjp = &vjp; }

}  // namespace

extern const Mutant mutant_sigmoid_output_rounded_to_f32{
    "sigmoid_output_rounded_to_f32", "an f32-only slip",
    "sigmoid's VJP rounds the saved output to float before forming y(1 - y), even in f64",
    "https://github.com/csarofeen/pytorch/pull/2427", &mutate};

}  // namespace tc::eut
