// Engine speed on ../shared/BENCH_GRAPH.md: forward, forward+backward, against the same
// function hand-written in fused Eigen (the practical floor). Ratios are measured in the
// same process: each engine benchmark times the fused baseline itself and reports
// `vs_fused_eigen` (goal ≤ 1.5 for the forward) and `backward_over_forward` (goal ≤ 3).
#include <benchmark/benchmark.h>

#include <Eigen/Core>
#include <ctime>

#include "bench/bench_graph.hpp"

namespace {
using Mat = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

double fused_eigen_loss(const Mat& a, const Mat& b, const Mat& c) {
  Mat x = (a * b).array().tanh().matrix() + (1.0 / (1.0 + (-c.array()).exp())).matrix();
  // Element-wise chains fused by expression templates, one GEMM per matmul; nothing hoisted
  // out of the loop that the graph recomputes (log1p(c·c) is evaluated every iteration).
  for (int i = 0; i < 8; ++i) {
    Mat sx = x.array().sin().matrix();
    x = ((-(x.array() * x.array())).exp() * b.array() + (c.array() * c.array()).log1p()).matrix() -
        sx * a;
  }
  return x.array().square().sum();
}

Mat to_mat(const tc::Tensor& t) {
  const auto n = t.shape()[0], m = t.shape()[1];
  return Eigen::Map<const Mat>(t.data(), n, m);
}

// Thread CPU seconds per call of `f`, over enough repetitions to last ~50 ms. CPU time, not
// wall time, so that the ratios stay meaningful on a loaded machine.
template <class F>
double seconds_per_call(F f) {
  auto cpu_now = [] {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
  };
  int reps = 16;
  for (;;) {
    const double t0 = cpu_now();
    for (int i = 0; i < reps; ++i) f();
    const double s = cpu_now() - t0;
    if (s > 0.05) return s / reps;
    reps *= 4;
  }
}

double fused_seconds() {
  static const double s = [] {
    const auto in = tc::bench::BenchInputs::make();
    const Mat a = to_mat(in.a), b = to_mat(in.b), c = to_mat(in.c);
    return seconds_per_call([&] { benchmark::DoNotOptimize(fused_eigen_loss(a, b, c)); });
  }();
  return s;
}

double engine_forward_seconds() {
  static const double s = [] {
    const auto in = tc::bench::BenchInputs::make();
    return seconds_per_call(
        [&] { benchmark::DoNotOptimize(tc::bench::bench_graph_loss(in.a, in.b, in.c)); });
  }();
  return s;
}

void BM_BenchGraph_FusedEigen(benchmark::State& state) {
  const auto in = tc::bench::BenchInputs::make();
  const Mat a = to_mat(in.a), b = to_mat(in.b), c = to_mat(in.c);
  for (auto _ : state) benchmark::DoNotOptimize(fused_eigen_loss(a, b, c));
}
BENCHMARK(BM_BenchGraph_FusedEigen);

void BM_BenchGraph_Forward(benchmark::State& state) {
  const auto in = tc::bench::BenchInputs::make();
  for (auto _ : state) benchmark::DoNotOptimize(tc::bench::bench_graph_loss(in.a, in.b, in.c));
  state.counters["vs_fused_eigen"] = engine_forward_seconds() / fused_seconds();
}
BENCHMARK(BM_BenchGraph_Forward);

void BM_BenchGraph_ForwardUnderTape(benchmark::State& state) {
  const auto in = tc::bench::BenchInputs::make();
  for (auto _ : state) {
    tc::GradientTape tape;
    auto rec = tape.recording();
    for (const auto& t : {in.a, in.b, in.c}) tape.watch(t);
    benchmark::DoNotOptimize(tc::bench::bench_graph_loss(in.a, in.b, in.c));
  }
}
BENCHMARK(BM_BenchGraph_ForwardUnderTape);

void BM_BenchGraph_ForwardBackward(benchmark::State& state) {
  const auto in = tc::bench::BenchInputs::make();
  auto once = [&] {
    tc::GradientTape tape;
    tc::Tensor loss;
    {
      auto rec = tape.recording();
      for (const auto& t : {in.a, in.b, in.c}) tape.watch(t);
      loss = tc::bench::bench_graph_loss(in.a, in.b, in.c);
    }
    benchmark::DoNotOptimize(tape.gradient(loss, {in.a, in.b, in.c}));
  };
  for (auto _ : state) once();
  const double fwd = engine_forward_seconds(), total = seconds_per_call(once);
  state.counters["backward_over_forward"] = (total - fwd) / fwd;
  state.counters["vs_fused_eigen"] = total / fused_seconds();
}
BENCHMARK(BM_BenchGraph_ForwardBackward);

// A 50-op graph (8 × 6 ops + 2) on 256×256 tensors: per-op overhead is negligible here; kernels dominate.
tc::Tensor big_graph(const tc::Tensor& a, const tc::Tensor& b) {
  tc::Tensor x = a;
  for (int i = 0; i < 8; ++i) x = tc::tanh(tc::matmul(x, b) * tc::Tensor::scalar(0.01)) + a - b * x;
  return tc::reduce_sum(x * x);
}

void BM_Big50_Forward(benchmark::State& state) {
  const auto in = tc::bench::BenchInputs::make(256);
  for (auto _ : state) benchmark::DoNotOptimize(big_graph(in.a, in.b));
}
BENCHMARK(BM_Big50_Forward)->Unit(benchmark::kMillisecond);

void BM_Big50_ForwardBackward(benchmark::State& state) {
  const auto in = tc::bench::BenchInputs::make(256);
  for (auto _ : state) {
    tc::GradientTape tape;
    tc::Tensor loss;
    {
      auto rec = tape.recording();
      tape.watch(in.a);
      tape.watch(in.b);
      loss = big_graph(in.a, in.b);
    }
    benchmark::DoNotOptimize(tape.gradient(loss, {in.a, in.b}));
  }
}
BENCHMARK(BM_Big50_ForwardBackward)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
