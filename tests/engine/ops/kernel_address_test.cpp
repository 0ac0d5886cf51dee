// engine/ops/eigen_kernel.hpp and the f64 matmul kernel (Eigen's): an element's value does not
// depend on where its array lies. Eigen computes the elements of an unaligned array before its
// first aligned address on a scalar path that can round differently from its packets (log did,
// before eigen_kernel.hpp padded its arrays); a kernel that let it would make a graph's results
// depend on the heap's history (a campaign's worker that has checked other graphs first, a
// replay in a fresh process).
#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <cstring>
#include <memory>
#include <random>
#include <vector>

#include "engine/ops/op_table.hpp"

namespace tc {
namespace {

// op's f64 kernel on `inputs` (each copied to `offset` doubles past a 64-byte boundary, its
// output there too): the output's bits.
std::vector<double> run_at_offset(const OpDef& op, const std::vector<std::vector<double>>& inputs,
                                  const std::vector<Shape>& shapes, int offset) {
  constexpr int kRoom = 8;
  std::vector<TensorSpec> specs;
  for (const Shape& s : shapes) specs.push_back({DType::f64, s});
  const TensorSpec out_spec = op.infer(no_attrs(), specs.data(), static_cast<int>(specs.size()));
  std::vector<In<double>> ins;
  std::vector<std::unique_ptr<double[]>> owned;
  auto aligned = [&](std::size_t n) {
    owned.emplace_back(new double[n + 2 * kRoom]);
    const auto raw = reinterpret_cast<std::uintptr_t>(owned.back().get());
    return reinterpret_cast<double*>((raw + 63) / 64 * 64) + offset;
  };
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    double* p = aligned(inputs[i].size());
    std::memcpy(p, inputs[i].data(), inputs[i].size() * sizeof(double));
    ins.push_back({p, specs[i]});
  }
  const auto n = static_cast<std::size_t>(out_spec.shape.numel());
  double* out = aligned(n);
  op.forward_f64(no_attrs(), ins.data(), static_cast<int>(ins.size()), {out, out_spec}, nullptr);
  return std::vector<double>(out, out + n);
}

bool same_bits(const std::vector<double>& a, const std::vector<double>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0;
}

std::vector<double> draw(std::mt19937_64& rng, std::size_t n, double lo, double hi) {
  std::uniform_real_distribution<double> d(lo, hi);
  std::vector<double> v(n);
  for (double& x : v) x = d(rng);
  return v;
}

TEST(KernelAddress, EigenElementWiseKernelsGiveEveryElementTheSameBitsAtAnyAddress) {
  std::mt19937_64 rng(7);
  const std::vector<double> x = draw(rng, 37, 0.1, 3.0);  // not a whole number of packets
  for (const char* name : {"sqrt", "exp", "log", "expm1", "sigmoid"}) {
    const OpDef& op = get_op(name);
    const std::vector<double> at_zero = run_at_offset(op, {x}, {Shape{37}}, 0);
    for (int offset = 1; offset < 8; ++offset)
      EXPECT_TRUE(same_bits(run_at_offset(op, {x}, {Shape{37}}, offset), at_zero)) << name << " at offset " << offset;
  }
}

TEST(KernelAddress, SmallAndLargeMatmulsGiveTheSameBitsAtAnyAddress) {
  std::mt19937_64 rng(11);
  // Below Eigen's GEMM threshold (dot products), matrix-vector products both ways (GEMV), GEMM.
  for (const auto& [m, k, n] :
       {std::array<std::int64_t, 3>{3, 5, 7}, {1, 9, 9}, {1, 30, 30}, {30, 30, 1}, {12, 12, 12}}) {
    const std::vector<double> a = draw(rng, static_cast<std::size_t>(m * k), -2, 2);
    const std::vector<double> b = draw(rng, static_cast<std::size_t>(k * n), -2, 2);
    const std::vector<Shape> shapes{Shape{m, k}, Shape{k, n}};
    const std::vector<double> at_zero = run_at_offset(get_op("matmul"), {a, b}, shapes, 0);
    for (int offset = 1; offset < 8; ++offset)
      EXPECT_TRUE(same_bits(run_at_offset(get_op("matmul"), {a, b}, shapes, offset), at_zero))
          << m << "x" << k << "x" << n << " at offset " << offset;
  }
}

}  // namespace
}  // namespace tc
