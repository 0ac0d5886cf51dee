// Oracle speed on ../shared/BENCH_GRAPH.md (bench/bench_graph.tcg: a, b, c f64 8×8, N = 192
// source elements). None of these figures include the engine's own forward and backward: they
// time the oracle judging a RunResult it is handed (bench/vs_torch_bench.cpp times the whole
// check, engine run included, beside torch's gradcheck), with the objectives prepared once for
// the graph (oracles::PreparedObjectives; BM_Oracle_MakeObjective is that cost). Counters, each named for what it
// divides by what:
//   check_over_2n_evaluator_forwards  FD full-Jacobian check / (2N × one run of the oracle's
//                        compiled evaluator: oracles::Evaluator<double>::run with branch
//                        recording, the exact work the FD oracle does per stencil point).
//                        Single thread, thread CPU time. The oracle's own overhead; goal <= 1.25
//   check_over_2n_fused_forwards  the same check / (2N × BENCH_GRAPH in fused Eigen, the floor
//                        of engine_bench): the check against the cheapest 2N forwards there are
//   check_cpu_ms         the check's thread CPU time (single thread)
//   parallel_efficiency  t(1 thread) / (threads × t(threads)) of the same check, wall clock;
//                        goal >= 0.9 on an idle machine
//   checks_per_second    complete checks (all three sources) per second, wall clock
//   cpu_checks_per_second  the same in thread CPU time (single thread; immune to load)
//   load_average         the 1-minute load average when measured: parallel figures need an
//                        idle machine (nproc >= 2 free cores)
//   cpu_work_ratio       process CPU time of the check at N threads / at 1 thread: the work the
//                        parallel version adds (team start, scheduling, spinning at barriers).
//                        Independent of other processes, unlike parallel_efficiency
//   forwards_per_entry   Ridders-only FD check / (N × one evaluator run)
// Wall-clock figures are the minimum over several batches of calls (bench/timing.hpp).
#include <benchmark/benchmark.h>
#include <omp.h>

#include <string>

#include "bench/bench_graph.hpp"
#include "bench/fused_eigen.hpp"
#include "bench/timing.hpp"
#include "engine/ops/op_rows.hpp"
#include "eut/engine_under_test.hpp"
#include "oracles/complex_step.hpp"
#include "oracles/evaluate.hpp"
#include "oracles/finite_difference.hpp"
#include "oracles/forward_mode.hpp"
#include "oracles/objective.hpp"

namespace {

using namespace tc;  // NOLINT

constexpr int kSourceElements = 192;

struct Fixture {
  graph::Graph g = bench::bench_ir_graph();
  eut::InputValues inputs;
  // The objectives prepared once for the graph and reused by every check below, as
  // check_graph() shares them between its oracles (BM_Oracle_MakeObjective times the preparation).
  oracles::PreparedObjectives prepared{g, inputs};
  eut::RunResult result;
  std::map<std::string, std::vector<double>> f64_inputs;  // by name, as evaluate() takes them
  std::vector<std::vector<double>> values;                // in the graph's input order
  Fixture() {
    result = eut::make_reference_engine()->run(g, {});
    // The .tcg's inputs are seeded distributions: their values as every engine and oracle
    // materialises them.
    const std::vector<eut::Value> v = bench::bench_input_values();
    for (std::size_t i = 0; i < g.inputs.size(); ++i) {
      values.push_back(v[i].data);
      f64_inputs[g.inputs[i].name] = v[i].data;
    }
  }
};

const Fixture& fixture() {
  static const Fixture f;
  return f;
}

using bench::Clock;
using bench::load_average;

// The fastest of `batches` batches of calls, each batch at least `batch_seconds` long.
template <class F>
double min_seconds_per_call(F f, Clock clock = Clock::wall, double batch_seconds = 0.03, int batches = 7) {
  return bench::seconds_per_call(f, clock, batch_seconds, batches);
}

// One forward as the FD oracle runs it: the compiled evaluator, inputs in place, branches
// recorded.
double forward_seconds(Clock clock) {
  oracles::Evaluator<double> ev(fixture().g);
  for (std::size_t i = 0; i < fixture().g.inputs.size(); ++i) ev.input(i) = fixture().values[i];
  return min_seconds_per_call(
      [&] {
        ev.run(true);
        benchmark::DoNotOptimize(ev.branches());
      },
      clock);
}
double forward_cpu_seconds() {
  static const double s = forward_seconds(Clock::thread_cpu);
  return s;
}

// One forward of BENCH_GRAPH in fused Eigen (engine_bench's floor), thread CPU time.
double fused_forward_cpu_seconds() {
  static const double s = [] {
    const auto in = bench::BenchInputs::make();
    const bench::FusedMat a = bench::to_fused_mat(in.a), b = bench::to_fused_mat(in.b), c = bench::to_fused_mat(in.c);
    return min_seconds_per_call([&] { benchmark::DoNotOptimize(bench::fused_eigen_loss(a, b, c)); }, Clock::thread_cpu);
  }();
  return s;
}

// The compiled evaluator's run (the FD oracle's unit of work) and the one-shot evaluate()
// (compile + run + maps).
void BM_Oracle_Forward(benchmark::State& state) {
  const Fixture& f = fixture();
  oracles::Evaluator<double> ev(f.g);
  for (std::size_t i = 0; i < f.g.inputs.size(); ++i) ev.input(i) = f.values[i];
  for (auto _ : state) {
    ev.run(true);
    benchmark::DoNotOptimize(ev.branches());
  }
  state.counters["forward_cpu_us"] = forward_cpu_seconds() * 1e6;
}
BENCHMARK(BM_Oracle_Forward)->Unit(benchmark::kMicrosecond);

void BM_Oracle_EvaluateOneShot(benchmark::State& state) {
  const Fixture& f = fixture();
  for (auto _ : state) benchmark::DoNotOptimize(oracles::evaluate<double>(f.g, f.f64_inputs, true));
}
BENCHMARK(BM_Oracle_EvaluateOneShot)->Unit(benchmark::kMicrosecond);

// The serial part of every check: preparing the objective (base-point evaluation, the tape
// analysis, f at the base point). With the per-thread compile of the evaluator it bounds
// parallel_efficiency (Amdahl).
void BM_Oracle_MakeObjective(benchmark::State& state) {
  const Fixture& f = fixture();
  for (auto _ : state) benchmark::DoNotOptimize(oracles::make_objective(f.g, f.inputs, 0));
}
BENCHMARK(BM_Oracle_MakeObjective)->Unit(benchmark::kMicrosecond);

void BM_Oracle_CompileRunner(benchmark::State& state) {
  const Fixture& f = fixture();
  const oracles::Objective o = oracles::make_objective(f.g, f.inputs, 0);
  for (auto _ : state) {
    oracles::ObjectiveRunner<double> runner(o);
    benchmark::DoNotOptimize(runner);
  }
}
BENCHMARK(BM_Oracle_CompileRunner)->Unit(benchmark::kMicrosecond);

void BM_Engine_ForwardBackward(benchmark::State& state) {
  const Fixture& f = fixture();
  auto engine = eut::make_reference_engine();
  for (auto _ : state) benchmark::DoNotOptimize(engine->run(f.g, {}));
}
BENCHMARK(BM_Engine_ForwardBackward)->Unit(benchmark::kMicrosecond);

oracles::FdOptions fd_options(oracles::FdOptions::Mode mode, int threads) {
  oracles::FdOptions o;
  o.mode = mode;
  o.threads = threads;
  return o;
}

// Stricter than oracles::all_agree (no mismatch): every finding must be an agreement; else
// the benchmark reports the first one that is not.
bool every_agrees(const std::vector<oracles::Finding>& fs, benchmark::State& state) {
  for (const oracles::Finding& f : fs)
    if (f.outcome != oracles::Outcome::agree) {
      const std::string why = std::string(oracles::outcome_name(f.outcome)) + ": " + f.detail;
      state.SkipWithError(why.c_str());
      return false;
    }
  return true;
}

double fd_seconds(oracles::FdOptions::Mode mode, int threads, Clock clock = Clock::wall) {
  const Fixture& f = fixture();
  return min_seconds_per_call(
      [&] { benchmark::DoNotOptimize(check_finite_differences(f.prepared, f.result, fd_options(mode, threads))); },
      clock);
}

// FD, full Jacobian, at state.range(0) threads.
void BM_Oracle_FD_Full(benchmark::State& state) {
  const Fixture& f = fixture();
  const int threads = static_cast<int>(state.range(0));
  const auto opt = fd_options(oracles::FdOptions::Mode::full, threads);
  std::vector<oracles::Finding> fs;
  for (auto _ : state) fs = check_finite_differences(f.prepared, f.result, opt);
  if (!every_agrees(fs, state)) return;
  const double t = fd_seconds(oracles::FdOptions::Mode::full, threads);
  state.counters["checks_per_second"] = 1.0 / t;
  state.counters["load_average"] = load_average();
  if (threads == 1) {
    const double cpu = fd_seconds(oracles::FdOptions::Mode::full, 1, Clock::thread_cpu);
    state.counters["check_over_2n_evaluator_forwards"] = cpu / (2.0 * kSourceElements * forward_cpu_seconds());
    state.counters["check_over_2n_fused_forwards"] = cpu / (2.0 * kSourceElements * fused_forward_cpu_seconds());
    state.counters["check_cpu_ms"] = cpu * 1e3;
  } else {
    state.counters["parallel_efficiency"] =
        fd_seconds(oracles::FdOptions::Mode::full, 1) / (threads * t);
    state.counters["cpu_work_ratio"] = fd_seconds(oracles::FdOptions::Mode::full, threads, Clock::process_cpu) /
                                       fd_seconds(oracles::FdOptions::Mode::full, 1, Clock::process_cpu);
  }
}
BENCHMARK(BM_Oracle_FD_Full)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();

// FD without the screen: every entry through the Ridders tableau (the price of certainty).
void BM_Oracle_FD_Full_RiddersOnly(benchmark::State& state) {
  const Fixture& f = fixture();
  auto opt = fd_options(oracles::FdOptions::Mode::full, 1);
  opt.screen = false;
  std::vector<oracles::Finding> fs;
  for (auto _ : state) fs = check_finite_differences(f.prepared, f.result, opt);
  if (!every_agrees(fs, state)) return;
  const double t = min_seconds_per_call(
      [&] { benchmark::DoNotOptimize(check_finite_differences(f.prepared, f.result, opt)); }, Clock::thread_cpu,
      0.2, 3);
  state.counters["forwards_per_entry"] = t / (kSourceElements * forward_cpu_seconds());
}
BENCHMARK(BM_Oracle_FD_Full_RiddersOnly)->Unit(benchmark::kMillisecond)->UseRealTime();

// FD, projection mode (2 random directions per source), at state.range(0) threads.
void BM_Oracle_FD_Projection(benchmark::State& state) {
  const Fixture& f = fixture();
  const int threads = static_cast<int>(state.range(0));
  const auto opt = fd_options(oracles::FdOptions::Mode::projection, threads);
  std::vector<oracles::Finding> fs;
  for (auto _ : state) fs = check_finite_differences(f.prepared, f.result, opt);
  if (!every_agrees(fs, state)) return;
  state.counters["checks_per_second"] = 1.0 / fd_seconds(oracles::FdOptions::Mode::projection, threads);
  state.counters["load_average"] = load_average();
  if (threads == 1)
    state.counters["cpu_checks_per_second"] =
        1.0 / fd_seconds(oracles::FdOptions::Mode::projection, 1, Clock::thread_cpu);
}
BENCHMARK(BM_Oracle_FD_Projection)->Arg(1)->Arg(2)->Unit(benchmark::kMicrosecond)->UseRealTime();

void BM_Oracle_ComplexStep(benchmark::State& state) {
  const Fixture& f = fixture();
  oracles::ComplexStepOptions opt;
  opt.threads = static_cast<int>(state.range(0));
  std::vector<oracles::Finding> fs;
  for (auto _ : state) fs = check_complex_step(f.prepared, f.result, opt);
  if (!every_agrees(fs, state)) return;
  state.counters["checks_per_second"] =
      1.0 / min_seconds_per_call([&] { benchmark::DoNotOptimize(check_complex_step(f.prepared, f.result, opt)); });
}
BENCHMARK(BM_Oracle_ComplexStep)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_Oracle_ForwardMode(benchmark::State& state) {
  const Fixture& f = fixture();
  oracles::ForwardModeOptions opt;
  opt.threads = static_cast<int>(state.range(0));
  std::vector<oracles::Finding> fs;
  for (auto _ : state) fs = check_forward_mode(f.prepared, f.result, opt);
  if (!every_agrees(fs, state)) return;
  state.counters["checks_per_second"] =
      1.0 / min_seconds_per_call([&] { benchmark::DoNotOptimize(check_forward_mode(f.prepared, f.result, opt)); });
}
BENCHMARK(BM_Oracle_ForwardMode)->Arg(1)->Arg(2)->Unit(benchmark::kMicrosecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
