// The comparison graph of ../shared/BENCH_GRAPH.md, kept as bench/bench_graph.tcg (the graph
// the oracles and engines under test run) and written here once more with the engine's API
// (what engine_bench times against the same function in fused Eigen):
//   x = tanh(a @ b) + sigmoid(c)
//   repeat 8: x = exp(-(x * x)) * b + log1p(c * c) - sin(x) @ a
//   loss = reduce_sum(x * x)
// Both take a, b, c (f64 8×8 ~ N(0, 1)) from the .tcg's seeded inputs.
#pragma once
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "engine/api.hpp"
#include "engine/ops/linalg/linalg.hpp"
#include "eut/inputs.hpp"
#include "graph/tcg.hpp"

#ifndef TAPECHECK_BENCH_DIR
#error "TAPECHECK_BENCH_DIR (the bench/ source directory) is set by bench/CMakeLists.txt"
#endif

namespace tc::bench {

// BENCH_GRAPH as the IR: bench/bench_graph.tcg, parsed.
inline graph::Graph bench_ir_graph() {
  const std::string path = std::string(TAPECHECK_BENCH_DIR) + "/bench_graph.tcg";
  std::ifstream in(path);
  if (!in) throw Error("cannot read " + path);
  std::stringstream text;
  text << in.rdbuf();
  return graph::parse_tcg(text.str());
}

// N(0, 1) values from a fixed seed, for inputs of other sizes than BENCH_GRAPH's.
inline std::vector<double> normal_values(std::size_t n, unsigned seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> normal(0.0, 1.0);
  std::vector<double> v(n);
  for (double& x : v) x = normal(rng);
  return v;
}

// The values of bench_graph.tcg's inputs a, b, c, in that order.
inline std::vector<eut::Value> bench_input_values() {
  const graph::Graph g = bench_ir_graph();
  const eut::InputValues v = eut::materialize_inputs(g, {});
  std::vector<eut::Value> values;
  for (const graph::Input& in : g.inputs) values.push_back(v.at(in.name));
  return values;
}

struct BenchInputs {
  Tensor a, b, c;
  // BENCH_GRAPH's inputs: the values of bench_graph.tcg.
  static BenchInputs make() {
    const std::vector<eut::Value> v = bench_input_values();
    auto tensor = [&](int k) { return Tensor::constant(v[k].data, v[k].shape); };
    return {tensor(0), tensor(1), tensor(2)};
  }
  // n×n inputs of the same distribution, for the kernel-bound variant.
  static BenchInputs make(int n) {
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
