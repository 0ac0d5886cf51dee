// The comparison graph of ../shared/BENCH_GRAPH.md, written once for the benchmarks:
//   x = tanh(a @ b) + sigmoid(c)
//   repeat 8: x = exp(-(x * x)) * b + log1p(c * c) - sin(x) @ a
//   loss = reduce_sum(x * x)
// with a, b, c: f64 8×8 ~ N(0, 1) from a fixed seed.
#pragma once
#include <random>
#include <vector>

#include "engine/api.hpp"
#include "engine/ops/linalg/linalg.hpp"

namespace tc::bench {

inline std::vector<double> normal_values(std::size_t n, unsigned seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> normal(0.0, 1.0);
  std::vector<double> v(n);
  for (double& x : v) x = normal(rng);
  return v;
}

struct BenchInputs {
  Tensor a, b, c;
  static BenchInputs make(int n = 8) {
    const Shape s{n, n};
    const auto count = static_cast<std::size_t>(n) * n;
    return {Tensor::constant(normal_values(count, 1), s), Tensor::constant(normal_values(count, 2), s),
            Tensor::constant(normal_values(count, 3), s)};
  }
};

inline Tensor bench_graph_loss(const Tensor& a, const Tensor& b, const Tensor& c) {
  Tensor x = tanh(matmul(a, b)) + sigmoid(c);
  for (int i = 0; i < 8; ++i) x = exp(-(x * x)) * b + log1p(c * c) - matmul(sin(x), a);
  return reduce_sum(x * x);
}

}  // namespace tc::bench
