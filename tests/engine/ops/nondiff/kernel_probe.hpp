// Runs one op's forward kernel directly on double, complex or dual scalars (what the
// oracles do), recording Branches: for checks expect_ad does not make on ops whose inputs
// carry no gradient (it only runs forward modes for inputs with an expected gradient).
#pragma once
#include <string>
#include <vector>

#include "engine/ops/op_table.hpp"
#include "engine/tensor.hpp"

namespace tc::test {

// A scalar with a nonzero derivative part, so a kernel that drops it is visible.
template <class S>
S lift(double v);
template <>
inline double lift<double>(double v) { return v; }
template <>
inline c128 lift<c128>(double v) { return {v, 1e-20}; }
template <>
inline Dual lift<Dual>(double v) { return {v, 1.0}; }

inline double deriv_part(double) { return 0; }
inline double deriv_part(c128 x) { return x.imag(); }
inline double deriv_part(Dual x) { return x.d; }

template <class S>
std::vector<S> run_kernel(const std::string& op_name, const std::vector<Tensor>& inputs,
                          const OpAttrs& attrs = {}, Branches* branches = nullptr) {
  const OpDef& op = get_op(op_name);
  std::vector<std::vector<S>> data;
  std::vector<TensorSpec> specs;
  for (const Tensor& t : inputs) {
    std::vector<S> d;
    for (double v : t.values()) d.push_back(lift<S>(v));
    data.push_back(std::move(d));
    specs.push_back(t.spec());
  }
  std::vector<In<S>> ins;
  for (std::size_t i = 0; i < data.size(); ++i) ins.push_back({data[i].data(), specs[i]});
  const TensorSpec out = op.infer(attrs, specs.data(), static_cast<int>(specs.size()));
  std::vector<S> y(static_cast<std::size_t>(out.shape.numel()));
  op.forward<S>()(attrs, ins.data(), static_cast<int>(ins.size()), {y.data(), out}, branches);
  return y;
}

}  // namespace tc::test
