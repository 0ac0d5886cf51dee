// Oracle speed on ../shared/BENCH_GRAPH.md (a, b, c: f64 8×8, N = 192 source elements), the
// graph written in the IR. User counters:
//   overhead_ratio      FD full-Jacobian check time / (2N × one forward), single thread, both
//                       in thread CPU time (immune to other processes); goal <= 1.25. "One
//                       forward" is one run of the compiled generic evaluator
//                       (oracles::Evaluator<double>::run with branch recording), the exact
//                       work the FD oracle does per stencil point.
//   parallel_efficiency t(1 thread) / (2 × t(2 threads)) of the same check; goal >= 0.9
//   checks_per_second   complete checks (all three sources) per second, wall clock
//   cpu_checks_per_second  the same in thread CPU time (single thread; immune to load)
//   load_average        the 1-minute load average when measured: parallel figures need an
//                       idle machine (nproc >= 2 free cores)
//   cpu_work_ratio      process CPU time of the check at N threads / at 1 thread: the work the
//                       parallel version adds (team start, scheduling, spinning at barriers).
//                       Independent of other processes, unlike parallel_efficiency; on an idle
//                       machine parallel_efficiency ≈ 1 / cpu_work_ratio when the load balances
// Wall-clock figures are the minimum over several batches of calls, which is robust against
// other processes on a loaded machine (a batch can only be slowed down by interference).
#include <benchmark/benchmark.h>
#include <omp.h>

#include <time.h>

#include <chrono>
#include <cstdio>
#include <string>

#include "bench/bench_graph.hpp"
#include "engine/ops/op_rows.hpp"
#include "eut/engine_under_test.hpp"
#include "oracles/complex_step.hpp"
#include "oracles/evaluate.hpp"
#include "oracles/finite_difference.hpp"
#include "oracles/forward_mode.hpp"
#include "oracles/objective.hpp"

namespace {

using namespace tc;  // NOLINT

graph::Input matrix_input(const char* name, unsigned seed) {
  graph::Input in;
  in.name = name;
  in.dtype = DType::f64;
  in.shape = Shape{8, 8};
  in.kind = graph::InputKind::variable;
  in.init.kind = graph::Init::Kind::values;
  in.init.values = bench::normal_values(64, seed);  // the values bench_graph.hpp uses
  return in;
}

graph::Statement op(std::string result, const OpDef& def, std::vector<std::string> operands) {
  return {graph::OpStmt{std::move(result), def.name, std::move(operands), {}}, {}};
}

// x = tanh(a @ b) + sigmoid(c)
// repeat 8: x = exp(-(x * x)) * b + log1p(c * c) - sin(x) @ a
// loss = reduce_sum(x * x);  gradient(loss, [a, b, c])
graph::Graph bench_ir_graph() {
  graph::Graph g;
  g.name = "bench_graph";
  g.inputs = {matrix_input("%a", 1), matrix_input("%b", 2), matrix_input("%c", 3)};
  g.tapes = {graph::TapeDecl{"t", false, true, {}}};
  graph::Block body = {op("%ab", op_matmul, {"%a", "%b"}), op("%t", op_tanh, {"%ab"}),
                       op("%sc", op_sigmoid, {"%c"}), op("%x0", op_add, {"%t", "%sc"})};
  for (int i = 0; i < 8; ++i) {
    const std::string p = "%i" + std::to_string(i) + "_", x = "%x" + std::to_string(i);
    const std::string next = "%x" + std::to_string(i + 1);
    body.push_back(op(p + "xx", op_mul, {x, x}));
    body.push_back(op(p + "n", op_neg, {p + "xx"}));
    body.push_back(op(p + "e", op_exp, {p + "n"}));
    body.push_back(op(p + "eb", op_mul, {p + "e", "%b"}));
    body.push_back(op(p + "cc", op_mul, {"%c", "%c"}));
    body.push_back(op(p + "l", op_log1p, {p + "cc"}));
    body.push_back(op(p + "s", op_sin, {x}));
    body.push_back(op(p + "sa", op_matmul, {p + "s", "%a"}));
    body.push_back(op(p + "sum", op_add, {p + "eb", p + "l"}));
    body.push_back(op(next, op_sub, {p + "sum", p + "sa"}));
  }
  body.push_back(op("%sq", op_mul, {"%x8", "%x8"}));
  body.push_back(op("%loss", op_reduce_sum, {"%sq"}));
  g.body = {{graph::Record{"t", std::move(body)}, {}},
            {graph::Gradient{{"%ga", "%gb", "%gc"}, "t", "%loss", {"%a", "%b", "%c"}, std::nullopt,
                             graph::Unconnected::none},
             {}}};
  return g;
}

constexpr int kSourceElements = 192;

struct Fixture {
  graph::Graph g = bench_ir_graph();
  eut::InputValues inputs;
  eut::RunResult result;
  std::map<std::string, std::vector<double>> f64_inputs;
  Fixture() {
    result = eut::make_reference_engine()->run(g, {});
    for (const graph::Input& in : g.inputs) f64_inputs[in.name] = in.init.values;
  }
};

const Fixture& fixture() {
  static const Fixture f;
  return f;
}

double process_cpu_now() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

double thread_cpu_now() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

double wall_now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

enum class Clock { wall, thread_cpu, process_cpu };

// The fastest of `batches` batches of calls, each batch at least `batch_seconds` long.
template <class F>
double seconds_per_call(F f, Clock clock = Clock::wall, double batch_seconds = 0.03, int batches = 7) {
  auto now = [clock] {
    return clock == Clock::wall ? wall_now() : clock == Clock::thread_cpu ? thread_cpu_now() : process_cpu_now();
  };
  auto time = [&](int reps) {
    const double t0 = now();
    for (int i = 0; i < reps; ++i) f();
    return now() - t0;
  };
  int reps = 1;
  while (time(reps) < batch_seconds) reps *= 2;
  double best = time(reps);
  for (int b = 1; b < batches; ++b) best = std::min(best, time(reps));
  return best / reps;
}

double load_average() {
  double load = 0;
  if (FILE* f = std::fopen("/proc/loadavg", "r")) {
    if (std::fscanf(f, "%lf", &load) != 1) load = 0;
    std::fclose(f);
  }
  return load;
}

// One forward as the FD oracle runs it: the compiled evaluator, inputs in place, branches
// recorded.
double forward_seconds(Clock clock) {
  oracles::Evaluator<double> ev(fixture().g);
  for (std::size_t i = 0; i < fixture().g.inputs.size(); ++i) ev.input(i) = fixture().g.inputs[i].init.values;
  return seconds_per_call(
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

// The compiled evaluator's run (the FD oracle's unit of work) and the one-shot evaluate()
// (compile + run + maps).
void BM_Oracle_Forward(benchmark::State& state) {
  const Fixture& f = fixture();
  oracles::Evaluator<double> ev(f.g);
  for (std::size_t i = 0; i < f.g.inputs.size(); ++i) ev.input(i) = f.g.inputs[i].init.values;
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
  return seconds_per_call(
      [&] { benchmark::DoNotOptimize(check_finite_differences(f.g, f.inputs, f.result, fd_options(mode, threads))); },
      clock);
}

// FD, full Jacobian, at state.range(0) threads.
void BM_Oracle_FD_Full(benchmark::State& state) {
  const Fixture& f = fixture();
  const int threads = static_cast<int>(state.range(0));
  const auto opt = fd_options(oracles::FdOptions::Mode::full, threads);
  std::vector<oracles::Finding> fs;
  for (auto _ : state) fs = check_finite_differences(f.g, f.inputs, f.result, opt);
  if (!every_agrees(fs, state)) return;
  const double t = fd_seconds(oracles::FdOptions::Mode::full, threads);
  state.counters["checks_per_second"] = 1.0 / t;
  state.counters["load_average"] = load_average();
  if (threads == 1) {
    const double cpu = fd_seconds(oracles::FdOptions::Mode::full, 1, Clock::thread_cpu);
    state.counters["overhead_ratio"] = cpu / (2.0 * kSourceElements * forward_cpu_seconds());
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
  for (auto _ : state) fs = check_finite_differences(f.g, f.inputs, f.result, opt);
  if (!every_agrees(fs, state)) return;
  const double t = seconds_per_call(
      [&] { benchmark::DoNotOptimize(check_finite_differences(f.g, f.inputs, f.result, opt)); }, Clock::thread_cpu,
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
  for (auto _ : state) fs = check_finite_differences(f.g, f.inputs, f.result, opt);
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
  for (auto _ : state) fs = check_complex_step(f.g, f.inputs, f.result, opt);
  if (!every_agrees(fs, state)) return;
  state.counters["checks_per_second"] =
      1.0 / seconds_per_call([&] { benchmark::DoNotOptimize(check_complex_step(f.g, f.inputs, f.result, opt)); });
}
BENCHMARK(BM_Oracle_ComplexStep)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_Oracle_ForwardMode(benchmark::State& state) {
  const Fixture& f = fixture();
  oracles::ForwardModeOptions opt;
  opt.threads = static_cast<int>(state.range(0));
  std::vector<oracles::Finding> fs;
  for (auto _ : state) fs = check_forward_mode(f.g, f.inputs, f.result, opt);
  if (!every_agrees(fs, state)) return;
  state.counters["checks_per_second"] =
      1.0 / seconds_per_call([&] { benchmark::DoNotOptimize(check_forward_mode(f.g, f.inputs, f.result, opt)); });
}
BENCHMARK(BM_Oracle_ForwardMode)->Arg(1)->Arg(2)->Unit(benchmark::kMicrosecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
