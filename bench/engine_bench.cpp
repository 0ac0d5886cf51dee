// Engine speed on ../shared/BENCH_GRAPH.md (bench/bench_graph.tcg): forward, forward+backward,
// against the same function hand-written in fused Eigen (the practical floor: every element-wise
// chain one expression, one GEMM per matmul). Ratios are measured in the same process, in
// interleaved rounds (bench/timing.hpp), in thread CPU time. Counters, each named for what it
// divides by what:
//   forward_over_fused_forward           engine forward / fused-Eigen forward (goal <= 1.2)
//   forward_over_fused_vector_math_forward  engine forward / the fused forward with the
//                                        engine's vector sin, tanh, log1p (fused_eigen.hpp):
//                                        the same floor with the same math as the engine
//   backward_over_forward                (forward+backward - forward) / forward: the backward
//                                        pass's cost in forwards (goal <= 2.0)
//   forward_backward_over_fused_forward  engine forward+backward / fused-Eigen forward: what a
//                                        gradient costs against the cheapest way to compute
//                                        just the value
//   kernels_over_fused_vector_math_forward  the forward's 86 op kernels alone, replayed on
//                                        buffers made once (each output zero-filled, as the
//                                        engine hands it to a kernel) / the fused forward with
//                                        the same math: how far the engine's arithmetic is from
//                                        the floor once the eager bookkeeping is taken out
//   per_op                               seconds per op of a chain of one-element adds: the
//                                        engine's bookkeeping without kernel work
//   load_average                         1-minute load average when measured
//
// `engine_bench --run <unit> N` runs one unit of work N times and exits, without timing: for
// callgrind, whose instruction counts no other process on the machine can change
// (bench/BENCHMARKS.md). Units: fused (the fused-Eigen forward), forward, forward_under_tape,
// forward_backward, kernels_replay, per_op_chain (BM_PerOpOverhead's 64 adds).
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "bench/bench_graph.hpp"
#include "bench/fused_eigen.hpp"
#include "bench/timing.hpp"

namespace {
using tc::bench::fused_eigen_loss;
using Mat = tc::bench::FusedMat;
Mat to_mat(const tc::Tensor& t) { return tc::bench::to_fused_mat(t); }

// BENCH_GRAPH's forward as its op kernels alone: each op of one engine forward, in order, with
// its inputs' and output's buffers made once, so that a run is 86 kernel calls and the zero-fill
// of each output (the engine's contract with a kernel), without the eager bookkeeping (infer,
// allocation, provenance, tape hooks, release). A measuring device, not an execution mode: it
// replays one run's shapes and attributes.
class KernelsReplay {
 public:
  explicit KernelsReplay(const tc::bench::BenchInputs& in) : loss_(tc::bench::bench_graph_loss(in.a, in.b, in.c)) {
    // The ops are the loss's provenance; ids grow with execution, so id order is run order.
    std::map<std::int64_t, const tc::TensorImpl*> ops;
    std::vector<const tc::TensorImpl*> pending{loss_.impl()};
    while (!pending.empty()) {
      const tc::TensorImpl* t = pending.back();
      pending.pop_back();
      if (!t->op || !ops.emplace(t->id, t).second) continue;
      for (const tc::Tensor& input : t->inputs) pending.push_back(input.impl());
    }
    std::unordered_map<const tc::TensorImpl*, std::vector<double>> buffers;
    for (const auto& [id, t] : ops) buffers[t].assign(t->data.size(), 0.0);
    for (const auto& [id, t] : ops) {
      Step step{t->op->forward_f64, t->attrs ? t->attrs.get() : &tc::no_attrs(), {}, buffers[t].data(), &t->spec};
      for (const tc::Tensor& input : t->inputs) {
        const auto it = buffers.find(input.impl());
        step.ins.push_back({it != buffers.end() ? it->second.data() : input.data(), input.spec()});
      }
      steps_.push_back(std::move(step));
    }
    buffers_ = std::move(buffers);
  }
  std::size_t ops() const { return steps_.size(); }
  double run() {
    for (const Step& s : steps_) {
      std::memset(s.out, 0, static_cast<std::size_t>(s.spec->shape.numel()) * sizeof(double));
      s.forward(*s.attrs, s.ins.data(), static_cast<int>(s.ins.size()), {s.out, *s.spec}, nullptr);
    }
    return steps_.back().out[0];
  }

 private:
  struct Step {
    tc::ForwardFn<double> forward;
    const tc::OpAttrs* attrs;
    std::vector<tc::In<double>> ins;
    double* out;
    const tc::TensorSpec* spec;
  };
  tc::Tensor loss_;  // keeps the attributes and specs the steps point into
  std::unordered_map<const tc::TensorImpl*, std::vector<double>> buffers_;
  std::vector<Step> steps_;
};

// fused, engine forward, engine forward + backward, the fused forward with the engine's vector
// math, the kernels replayed: measured once per process, together.
struct Ratios {
  double fused = 0, forward = 0, forward_backward = 0, fused_vector_math = 0, kernels = 0;
};
void forward_backward_once(const tc::bench::BenchInputs& in);
const Ratios& ratios() {
  static const Ratios r = [] {
    const auto in = tc::bench::BenchInputs::make();
    const Mat a = to_mat(in.a), b = to_mat(in.b), c = to_mat(in.c);
    KernelsReplay kernels(in);
    const auto t = tc::bench::interleaved_minimum(
        7, tc::bench::Clock::thread_cpu, [&] { benchmark::DoNotOptimize(fused_eigen_loss(a, b, c)); },
        [&] { benchmark::DoNotOptimize(tc::bench::bench_graph_loss(in.a, in.b, in.c)); },
        [&] { forward_backward_once(in); },
        [&] { benchmark::DoNotOptimize(tc::bench::fused_vector_math_loss(a, b, c)); },
        [&] { benchmark::DoNotOptimize(kernels.run()); });
    return Ratios{t[0], t[1], t[2], t[3], t[4]};
  }();
  return r;
}

void BM_BenchGraph_FusedEigen(benchmark::State& state) {
  const auto in = tc::bench::BenchInputs::make();
  const Mat a = to_mat(in.a), b = to_mat(in.b), c = to_mat(in.c);
  for (auto _ : state) benchmark::DoNotOptimize(fused_eigen_loss(a, b, c));
}
BENCHMARK(BM_BenchGraph_FusedEigen);

void BM_BenchGraph_FusedVectorMath(benchmark::State& state) {
  const auto in = tc::bench::BenchInputs::make();
  const Mat a = to_mat(in.a), b = to_mat(in.b), c = to_mat(in.c);
  for (auto _ : state) benchmark::DoNotOptimize(tc::bench::fused_vector_math_loss(a, b, c));
}
BENCHMARK(BM_BenchGraph_FusedVectorMath);

void BM_BenchGraph_Forward(benchmark::State& state) {
  const auto in = tc::bench::BenchInputs::make();
  for (auto _ : state) benchmark::DoNotOptimize(tc::bench::bench_graph_loss(in.a, in.b, in.c));
  state.counters["forward_over_fused_forward"] = ratios().forward / ratios().fused;
  state.counters["forward_over_fused_vector_math_forward"] = ratios().forward / ratios().fused_vector_math;
  state.counters["load_average"] = tc::bench::load_average();
}
BENCHMARK(BM_BenchGraph_Forward);

void BM_BenchGraph_KernelsReplay(benchmark::State& state) {
  const auto in = tc::bench::BenchInputs::make();
  KernelsReplay kernels(in);
  if (kernels.run() != tc::bench::bench_graph_loss(in.a, in.b, in.c).item()) {
    state.SkipWithError("the replayed kernels' loss differs from the engine's");
    return;
  }
  for (auto _ : state) benchmark::DoNotOptimize(kernels.run());
  state.counters["ops"] = static_cast<double>(kernels.ops());
  state.counters["kernels_over_fused_vector_math_forward"] = ratios().kernels / ratios().fused_vector_math;
}
BENCHMARK(BM_BenchGraph_KernelsReplay);

void forward_under_tape_once(const tc::bench::BenchInputs& in) {
  tc::GradientTape tape;
  auto rec = tape.recording();
  for (const auto& t : {in.a, in.b, in.c}) tape.watch(t);
  benchmark::DoNotOptimize(tc::bench::bench_graph_loss(in.a, in.b, in.c));
}

void BM_BenchGraph_ForwardUnderTape(benchmark::State& state) {
  const auto in = tc::bench::BenchInputs::make();
  for (auto _ : state) forward_under_tape_once(in);
}
BENCHMARK(BM_BenchGraph_ForwardUnderTape);

void forward_backward_once(const tc::bench::BenchInputs& in) {
  tc::GradientTape tape;
  tc::Tensor loss;
  {
    auto rec = tape.recording();
    for (const auto& t : {in.a, in.b, in.c}) tape.watch(t);
    loss = tc::bench::bench_graph_loss(in.a, in.b, in.c);
  }
  benchmark::DoNotOptimize(tape.gradient(loss, {in.a, in.b, in.c}));
}

void BM_BenchGraph_ForwardBackward(benchmark::State& state) {
  const auto in = tc::bench::BenchInputs::make();
  for (auto _ : state) forward_backward_once(in);
  const Ratios& r = ratios();
  state.counters["backward_over_forward"] = (r.forward_backward - r.forward) / r.forward;
  state.counters["forward_backward_over_fused_forward"] = r.forward_backward / r.fused;
}
BENCHMARK(BM_BenchGraph_ForwardBackward);

// Per-op dispatch and allocation: a chain of 64 adds on one-element tensors, so that the
// kernel is a single addition and the time is the engine's bookkeeping (infer, allocate,
// provenance, tape hooks, release). Reported per op (goal ≤ ~0.1 µs).
constexpr int kChain = 64;
void per_op_chain_once(const tc::Tensor& one) {
  tc::Tensor x = one;
  for (int i = 0; i < kChain; ++i) x = x + one;
  benchmark::DoNotOptimize(x.item());
}

void BM_PerOpOverhead(benchmark::State& state) {
  const tc::Tensor one = tc::Tensor::scalar(1.0);
  for (auto _ : state) per_op_chain_once(one);
  // Seconds per op, printed with an SI prefix ("95n" = 95 ns).
  state.counters["per_op"] = benchmark::Counter(static_cast<double>(state.iterations()) * kChain,
                                                benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}
BENCHMARK(BM_PerOpOverhead);

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

// engine_bench --run <unit> N (see the top of the file).
int run_unit(const std::string& unit, long n) {
  const auto in = tc::bench::BenchInputs::make();
  const Mat a = to_mat(in.a), b = to_mat(in.b), c = to_mat(in.c);
  const tc::Tensor one = tc::Tensor::scalar(1.0);
  std::function<void()> once;
  if (unit == "fused") once = [&] { benchmark::DoNotOptimize(fused_eigen_loss(a, b, c)); };
  if (unit == "forward") once = [&] { benchmark::DoNotOptimize(tc::bench::bench_graph_loss(in.a, in.b, in.c)); };
  if (unit == "forward_under_tape") once = [&] { forward_under_tape_once(in); };
  if (unit == "forward_backward") once = [&] { forward_backward_once(in); };
  if (unit == "per_op_chain") once = [&] { per_op_chain_once(one); };
  std::optional<KernelsReplay> kernels;  // made only for its unit: it runs a forward to replay
  if (unit == "kernels_replay") {
    kernels.emplace(in);
    once = [&] { benchmark::DoNotOptimize(kernels->run()); };
  }
  if (!once) {
    std::fprintf(stderr, "engine_bench --run: unknown unit '%s' (fused, forward, forward_under_tape, "
                 "forward_backward, kernels_replay, per_op_chain)\n", unit.c_str());
    return 2;
  }
  for (long i = 0; i < n; ++i) once();
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 4 && std::string(argv[1]) == "--run") return run_unit(argv[2], std::atol(argv[3]));
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
