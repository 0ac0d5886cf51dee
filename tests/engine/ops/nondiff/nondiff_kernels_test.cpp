// Every op of the nondiff family (read from the op table, not listed here): its forward
// kernel runs on complex and dual scalars, decides on real parts (the same values as on
// doubles) and carries no derivative part, so forward mode agrees with the tape's None.
#include <gtest/gtest.h>

#include <cstring>

#include "engine/core/errors.hpp"
#include "engine/ops/op_table.hpp"
#include "tests/engine/ops/nondiff/kernel_probe.hpp"

namespace tc::test {
namespace {

// Inputs of shape [2,3] the op accepts: f64 values, or bool if the op takes bool only.
std::vector<Tensor> sample_inputs(const OpDef& op) {
  const std::vector<double> v{-1.7, 0.5, 2.5, 3.0, -0.2, 1.0};
  for (DType d : {DType::f64, DType::boolean}) {
    std::vector<Tensor> ins;
    for (int i = 0; i < op.arity; ++i) {
      std::vector<double> vi = v;
      if (i == 1) std::swap(vi[0], vi[3]);
      if (d == DType::boolean)
        for (double& x : vi) x = x > 0 ? 1 : 0;
      ins.push_back(Tensor::constant(vi, Shape{2, 3}, d));
    }
    std::vector<TensorSpec> specs;
    for (const Tensor& t : ins) specs.push_back(t.spec());
    try {
      op.infer(OpAttrs{}, specs.data(), static_cast<int>(specs.size()));
      return ins;
    } catch (const DTypeError&) {
    }
  }
  ADD_FAILURE() << op.name << ": accepts neither f64 nor bool inputs";
  return {};
}

TEST(NondiffKernels, EveryOpIsCutAndItsKernelsAgreeOnRealPartsWithNoDerivative) {
  int seen = 0;
  for (const OpDef* op : op_table()) {
    if (std::strcmp(op->family, "nondiff") != 0) continue;
    ++seen;
    SCOPED_TRACE(op->name);
    EXPECT_EQ(op->vjp, nullptr);
    EXPECT_FALSE(op->complex_step_ok);
    for (int i = 0; i < op->arity; ++i) EXPECT_EQ(op->input(i).grad_class(), GradClass::none);
    const std::vector<Tensor> ins = sample_inputs(*op);
    const std::vector<double> y = run_kernel<double>(op->name, ins);
    const std::vector<c128> yc = run_kernel<c128>(op->name, ins);
    const std::vector<Dual> yd = run_kernel<Dual>(op->name, ins);
    ASSERT_EQ(yc.size(), y.size());
    ASSERT_EQ(yd.size(), y.size());
    for (std::size_t k = 0; k < y.size(); ++k) {
      EXPECT_EQ(yc[k].real(), y[k]) << k;
      EXPECT_EQ(yd[k].v, y[k]) << k;
      EXPECT_EQ(yc[k].imag(), 0.0) << k;
      EXPECT_EQ(yd[k].d, 0.0) << k;
    }
  }
  EXPECT_EQ(seen, 17);  // the ops of nondiff/ops.inc: 16 and host_round_trip
}

}  // namespace
}  // namespace tc::test
