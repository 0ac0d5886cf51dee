// tapecheck side by side with torch.autograd.gradcheck, in one run, on BENCH_GRAPH
// (bench/bench_graph.tcg; the torch side is bench/vs_torch/gradcheck_server.py, run with
// Debian's python3-torch). Both sides are measured in interleaved rounds, each side's
// minimum kept; at 1 thread in thread CPU time on both sides, at 2 threads in wall time.
//
// What one check computes on each side (bench/BENCHMARKS.md says it at length):
//   tapecheck full check   the reference engine runs the graph through the engine-under-test
//                          interface (run_for_gradients: forward + backward, the gradients of
//                          all 3 sources, no copy of every value), on tcmalloc as the CLI, then the
//                          finite-difference oracle checks every element of every source: a
//                          screen of central differences (2N = 384 forwards of its compiled
//                          evaluator) and Ridders' extrapolation where the screen cannot decide.
//   torch gradcheck        counted by the script: 386 evaluations of f (2N central differences
//                          + 2) and 4 backward passes (the analytical Jacobian, its reentrancy
//                          check, the undefined-gradient check), comparing the full Jacobian.
//   tapecheck projection   the same engine run, then the FD oracle in projection mode (2 random
//                          directions per source, each <g, u> against a central difference,
//                          Ridders' derivative where it cannot decide).
//   gradcheck fast_mode    8 evaluations of f and 4 backward passes: v^T J u for one random pair.
// Counters, each named for what it divides by what:
//   gradcheck_over_tapecheck       gradcheck's seconds per check / tapecheck's full check's
//   gradcheck_fast_over_tapecheck  gradcheck(fast_mode=True) / tapecheck's projection check
//   torch_forward_backward_over_engine_run  torch's forward + torch.autograd.grad in Python /
//                                  the reference engine's run of the graph
//   libtorch_run_over_reference_run  the libtorch adapter's run / the reference engine's run
//   BM_Libtorch_*: the same full and projection checks with the libtorch adapter as the engine
//                  under test (its run, torch's forward + autograd.grad in-process, then the FD
//                  oracle), against gradcheck and gradcheck(fast_mode=True) on the same function
//   prepare_objectives_us           the objectives of the graph prepared once (make_objective),
//                                  reused by every check above and not counted in them
//   tapecheck_ms, torch_ms, load_average
// Without python3-torch the torch side is skipped with the reason, the tapecheck side still runs.
#include <benchmark/benchmark.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "bench/bench_graph.hpp"
#include "bench/timing.hpp"
#include "eut/engines.hpp"
#include "eut/inputs.hpp"
#include "oracles/finite_difference.hpp"

namespace {

using namespace tc;  // NOLINT
using bench::Clock;
using nlohmann::json;

constexpr int kRounds = 5;
constexpr double kBatchSeconds = 0.2;

Clock clock_for(int threads) { return threads == 1 ? Clock::thread_cpu : Clock::wall; }

// The torch side: gradcheck_server.py in a child process, one JSON line per request.
class TorchServer {
 public:
  TorchServer() {
    const char* python = std::getenv("TAPECHECK_TORCH_PYTHON");
    python_ = python ? python : "/usr/bin/python3";  // Debian's, where python3-torch lives
    const std::string script = std::string(TAPECHECK_BENCH_DIR) + "/vs_torch/gradcheck_server.py";
    int to_child[2], from_child[2];
    if (pipe(to_child) != 0 || pipe(from_child) != 0) {
      why_not_ = "pipe() failed";
      return;
    }
    ::signal(SIGPIPE, SIG_IGN);  // a dead child is reported as such, not by a signal
    pid_ = fork();
    if (pid_ == 0) {
      dup2(to_child[0], 0);
      dup2(from_child[1], 1);
      close(to_child[1]);
      close(from_child[0]);
      execl(python_.c_str(), python_.c_str(), script.c_str(), static_cast<char*>(nullptr));
      _exit(127);
    }
    close(to_child[0]);
    close(from_child[1]);
    in_ = fdopen(to_child[1], "w");
    out_ = fdopen(from_child[0], "r");
    const std::vector<eut::Value> v = bench::bench_input_values();
    json hello = {{"a", v[0].data}, {"b", v[1].data}, {"c", v[2].data}, {"shape", {8, 8}}};
    const std::optional<json> reply = request(hello);
    if (!reply) {
      why_not_ = python_ + " could not run " + script + " (exit status " + std::to_string(finish()) + ")";
    } else if (reply->contains("error")) {
      why_not_ = (*reply)["error"].get<std::string>();
    } else {
      version_ = (*reply)["torch"].get<std::string>();
      calls_ = (*reply)["calls"];
    }
  }
  ~TorchServer() { finish(); }

  bool available() const { return why_not_.empty(); }
  const std::string& why_not() const { return why_not_; }
  const std::string& version() const { return version_; }
  const json& calls() const { return calls_; }

  // Seconds per call of `what` ("gradcheck", "gradcheck_fast", "forward_backward") at `threads`.
  double seconds(const std::string& what, int threads) {
    const std::optional<json> r = request({{"what", what}, {"threads", threads}, {"min_seconds", kBatchSeconds}});
    if (!r || !r->contains("seconds")) throw Error("the torch side stopped answering");
    if (!(*r)["passed"].get<bool>()) throw Error("torch " + what + " did not pass on BENCH_GRAPH");
    return (*r)["seconds"].get<double>();
  }

 private:
  std::optional<json> request(const json& j) {
    if (!in_ || !out_) return std::nullopt;
    const std::string line = j.dump() + "\n";
    if (std::fputs(line.c_str(), in_) < 0 || std::fflush(in_) != 0) return std::nullopt;
    std::string reply;
    char buf[4096];
    while (std::fgets(buf, sizeof buf, out_)) {
      reply += buf;
      if (!reply.empty() && reply.back() == '\n') break;
    }
    if (reply.empty()) return std::nullopt;
    return json::parse(reply, nullptr, false);
  }
  int finish() {
    if (in_) std::fclose(in_);
    if (out_) std::fclose(out_);
    in_ = out_ = nullptr;
    int status = 0;
    if (pid_ > 0) waitpid(pid_, &status, 0);
    pid_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

  std::string python_, why_not_, version_;
  json calls_;
  pid_t pid_ = -1;
  FILE* in_ = nullptr;
  FILE* out_ = nullptr;
};

// tapecheck's side: the engine's run, and a check of that run by the FD oracle.
struct Tapecheck {
  graph::Graph g = bench::bench_ir_graph();
  // The graph's own seeded inputs, drawn once as check_graph() draws them (an engine handed
  // no inputs would draw them again on every run).
  eut::InputValues inputs = eut::materialize_inputs(g, {});

  // The objectives each engine's semantics needs, prepared once for the graph and reused by
  // every check (as check_graph() shares them between its oracles); Comparison::prepare times
  // the preparation apart.
  mutable std::map<const eut::SemanticsProfile*, oracles::PreparedObjectives> prepared;

  // The FD oracle reads the run's gradients and error only: the run an engine gives such a
  // caller (run_for_gradients: no copy of every value into the result).
  eut::RunResult run(eut::EngineUnderTest& engine) const { return engine.run_for_gradients(g, inputs); }
  const oracles::PreparedObjectives& objectives(const eut::SemanticsProfile& semantics) const {
    auto it = prepared.find(&semantics);
    if (it == prepared.end()) it = prepared.emplace(&semantics, oracles::PreparedObjectives(g, inputs, semantics)).first;
    return it->second;
  }
  std::vector<oracles::Finding> check(eut::EngineUnderTest& engine, oracles::FdOptions::Mode mode, int threads) const {
    oracles::FdOptions o;
    o.mode = mode;
    o.threads = threads;
    return oracles::check_finite_differences(objectives(engine.semantics()), run(engine), o);
  }
};

const Tapecheck& tapecheck() {
  static const Tapecheck t;
  return t;
}

std::unique_ptr<eut::EngineUnderTest> libtorch_engine() {
  try {
    return eut::make_engine("libtorch");
  } catch (const Error&) {
    return nullptr;  // not built with the adapter
  }
}

// Every figure of the comparison, from one set of interleaved rounds.
struct Comparison {
  std::string torch_skipped;  // why, when the torch side could not run
  std::string torch_version;
  json torch_calls;
  double load_average = 0;
  // seconds per check, by (kind, threads); kind: "full", "projection"
  std::map<std::pair<std::string, int>, double> ours, theirs;
  double engine_run = 0, torch_forward_backward = 0;
  double prepare = 0;  // the objectives prepared once per graph (not in the checks above)
  std::optional<double> libtorch_run, libtorch_full_check, libtorch_projection_check;
};

bool agrees(const std::vector<oracles::Finding>& fs) {
  for (const oracles::Finding& f : fs)
    if (f.outcome != oracles::Outcome::agree) return false;
  return true;
}

const Comparison& comparison() {
  static const Comparison c = [] {
    Comparison c;
    const Tapecheck& side = tapecheck();
    auto reference = eut::make_reference_engine();
    for (auto mode : {oracles::FdOptions::Mode::full, oracles::FdOptions::Mode::projection})
      if (!agrees(side.check(*reference, mode, 1))) throw Error("the FD oracle does not agree with the reference engine on BENCH_GRAPH");
    TorchServer torch;
    if (!torch.available()) c.torch_skipped = torch.why_not();
    c.torch_version = torch.version();
    c.torch_calls = torch.calls();
    auto libtorch = libtorch_engine();
    auto keep_min = [](auto& slot, double t) { slot = slot > 0 ? std::min(slot, t) : t; };
    for (int r = 0; r < kRounds; ++r) {
      for (int threads : {1, 2}) {
        const Clock clock = clock_for(threads);
        for (auto [kind, mode, theirs] :
             {std::tuple{"full", oracles::FdOptions::Mode::full, "gradcheck"},
              std::tuple{"projection", oracles::FdOptions::Mode::projection, "gradcheck_fast"}}) {
          keep_min(c.ours[{kind, threads}],
                   bench::seconds_per_call([&] { benchmark::DoNotOptimize(side.check(*reference, mode, threads)); },
                                           clock, kBatchSeconds));
          if (torch.available()) keep_min(c.theirs[{kind, threads}], torch.seconds(theirs, threads));
        }
      }
      keep_min(c.engine_run, bench::seconds_per_call([&] { benchmark::DoNotOptimize(side.run(*reference)); },
                                                     Clock::thread_cpu, kBatchSeconds));
      if (torch.available()) keep_min(c.torch_forward_backward, torch.seconds("forward_backward", 1));
      keep_min(c.prepare, bench::seconds_per_call(
                              [&] {
                                benchmark::DoNotOptimize(
                                    oracles::PreparedObjectives(side.g, side.inputs, reference->semantics()));
                              },
                              Clock::thread_cpu, kBatchSeconds));
      if (libtorch) {
        double run = c.libtorch_run.value_or(0), full = c.libtorch_full_check.value_or(0),
               projection = c.libtorch_projection_check.value_or(0);
        keep_min(run, bench::seconds_per_call([&] { benchmark::DoNotOptimize(side.run(*libtorch)); },
                                              Clock::thread_cpu, kBatchSeconds));
        keep_min(full, bench::seconds_per_call(
                           [&] { benchmark::DoNotOptimize(side.check(*libtorch, oracles::FdOptions::Mode::full, 1)); },
                           Clock::thread_cpu, kBatchSeconds));
        keep_min(projection,
                 bench::seconds_per_call(
                     [&] { benchmark::DoNotOptimize(side.check(*libtorch, oracles::FdOptions::Mode::projection, 1)); },
                     Clock::thread_cpu, kBatchSeconds));
        c.libtorch_run = run;
        c.libtorch_full_check = full;
        c.libtorch_projection_check = projection;
      }
    }
    c.load_average = bench::load_average();
    return c;
  }();
  return c;
}

void report(benchmark::State& state, const std::string& kind, int threads, const char* ratio_name) {
  const Comparison& c = comparison();
  const double ours = c.ours.at({kind, threads});
  state.counters["tapecheck_ms"] = ours * 1e3;
  state.counters["load_average"] = c.load_average;
  if (!c.torch_skipped.empty()) {
    state.SetLabel("torch side skipped: " + c.torch_skipped);
    return;
  }
  const double theirs = c.theirs.at({kind, threads});
  state.counters["torch_ms"] = theirs * 1e3;
  state.counters[ratio_name] = theirs / ours;
}

void BM_FullCheck(benchmark::State& state) {
  const int threads = static_cast<int>(state.range(0));
  auto engine = eut::make_reference_engine();
  for (auto _ : state) benchmark::DoNotOptimize(tapecheck().check(*engine, oracles::FdOptions::Mode::full, threads));
  report(state, "full", threads, "gradcheck_over_tapecheck");
}
BENCHMARK(BM_FullCheck)->ArgName("threads")->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_ProjectionCheck(benchmark::State& state) {
  const int threads = static_cast<int>(state.range(0));
  auto engine = eut::make_reference_engine();
  for (auto _ : state)
    benchmark::DoNotOptimize(tapecheck().check(*engine, oracles::FdOptions::Mode::projection, threads));
  report(state, "projection", threads, "gradcheck_fast_over_tapecheck");
}
BENCHMARK(BM_ProjectionCheck)->ArgName("threads")->Arg(1)->Arg(2)->Unit(benchmark::kMicrosecond)->UseRealTime();

// The engine's own forward + backward through the interface, against torch's in Python.
void BM_EngineRun(benchmark::State& state) {
  auto engine = eut::make_reference_engine();
  for (auto _ : state) benchmark::DoNotOptimize(tapecheck().run(*engine));
  const Comparison& c = comparison();
  state.counters["load_average"] = c.load_average;
  state.counters["prepare_objectives_us"] = c.prepare * 1e6;
  if (c.torch_skipped.empty())
    state.counters["torch_forward_backward_over_engine_run"] = c.torch_forward_backward / c.engine_run;
}
BENCHMARK(BM_EngineRun)->Unit(benchmark::kMicrosecond);

// BENCH_GRAPH run, and fully checked, on PyTorch's autograd through the libtorch adapter.
std::unique_ptr<eut::EngineUnderTest> libtorch_engine_or_skip(benchmark::State& state) {
  auto engine = libtorch_engine();
  if (!engine) state.SkipWithError("the libtorch adapter is not built (TAPECHECK_LIBTORCH)");
  return engine;
}

void BM_Libtorch_EngineRun(benchmark::State& state) {
  auto engine = libtorch_engine_or_skip(state);
  if (!engine) return;
  for (auto _ : state) benchmark::DoNotOptimize(tapecheck().run(*engine));
  const Comparison& c = comparison();
  state.counters["libtorch_run_over_reference_run"] = *c.libtorch_run / c.engine_run;
}
BENCHMARK(BM_Libtorch_EngineRun)->Unit(benchmark::kMicrosecond);

void BM_Libtorch_FullCheck(benchmark::State& state) {
  auto engine = libtorch_engine_or_skip(state);
  if (!engine) return;
  for (auto _ : state) benchmark::DoNotOptimize(tapecheck().check(*engine, oracles::FdOptions::Mode::full, 1));
  const Comparison& c = comparison();
  state.counters["tapecheck_ms"] = *c.libtorch_full_check * 1e3;
  if (c.torch_skipped.empty())
    state.counters["gradcheck_over_tapecheck"] = c.theirs.at({"full", 1}) / *c.libtorch_full_check;
}
BENCHMARK(BM_Libtorch_FullCheck)->Unit(benchmark::kMillisecond);

void BM_Libtorch_ProjectionCheck(benchmark::State& state) {
  auto engine = libtorch_engine_or_skip(state);
  if (!engine) return;
  for (auto _ : state)
    benchmark::DoNotOptimize(tapecheck().check(*engine, oracles::FdOptions::Mode::projection, 1));
  const Comparison& c = comparison();
  state.counters["tapecheck_ms"] = *c.libtorch_projection_check * 1e3;
  if (c.torch_skipped.empty())
    state.counters["gradcheck_fast_over_tapecheck"] = c.theirs.at({"projection", 1}) / *c.libtorch_projection_check;
}
BENCHMARK(BM_Libtorch_ProjectionCheck)->Unit(benchmark::kMicrosecond);

// The ratios once more as a table, after Google Benchmark's own output.
void print_summary() {
  const Comparison& c = comparison();
  std::printf("\nBENCH_GRAPH, one run, interleaved rounds (min of %d); load average %.2f\n", kRounds, c.load_average);
  if (!c.torch_skipped.empty()) {
    std::printf("torch side skipped: %s\n", c.torch_skipped.c_str());
  } else {
    std::printf("torch %s: gradcheck calls f %d times and runs %d backward passes per check; fast_mode %d and %d\n",
                c.torch_version.c_str(), c.torch_calls["gradcheck"]["forward"].get<int>(),
                c.torch_calls["gradcheck"]["backward"].get<int>(), c.torch_calls["gradcheck_fast"]["forward"].get<int>(),
                c.torch_calls["gradcheck_fast"]["backward"].get<int>());
  }
  std::printf("%-44s %12s %12s %10s\n", "check (engine run included on both sides)", "tapecheck", "torch", "ratio");
  for (int threads : {1, 2})
    for (auto [kind, label] : {std::pair{"full", "full Jacobian vs gradcheck"}, std::pair{"projection", "projection vs gradcheck(fast_mode)"}}) {
      const double ours = c.ours.at({kind, threads});
      const std::string name = std::string(label) + ", " + std::to_string(threads) + " thread" + (threads > 1 ? "s" : "");
      if (c.torch_skipped.empty()) {
        const double theirs = c.theirs.at({kind, threads});
        std::printf("%-44s %10.3f ms %10.3f ms %9.1fx\n", name.c_str(), ours * 1e3, theirs * 1e3, theirs / ours);
      } else {
        std::printf("%-44s %10.3f ms %12s %10s\n", name.c_str(), ours * 1e3, "-", "-");
      }
    }
  std::printf("%-44s %10.1f us (once per graph, outside the checks)\n", "objectives prepared", c.prepare * 1e6);
  std::printf("%-44s %10.1f us", "engine run (forward + backward)", c.engine_run * 1e6);
  if (c.torch_skipped.empty())
    std::printf(" %10.1f us %9.1fx", c.torch_forward_backward * 1e6, c.torch_forward_backward / c.engine_run);
  std::printf("\n");
  if (!c.libtorch_run) {
    std::printf("libtorch adapter not built (TAPECHECK_LIBTORCH): no check through it\n");
    return;
  }
  std::printf("libtorch adapter: run %.1f us (%.2fx the reference engine's)\n", *c.libtorch_run * 1e6,
              *c.libtorch_run / c.engine_run);
  for (auto [kind, label, ours] :
       {std::tuple{"full", "libtorch: full vs gradcheck", *c.libtorch_full_check},
        std::tuple{"projection", "libtorch: projection vs fast_mode", *c.libtorch_projection_check}}) {
    const std::string name = std::string(label) + ", 1 thread";
    if (c.torch_skipped.empty()) {
      const double theirs = c.theirs.at({kind, 1});
      std::printf("%-44s %10.3f ms %10.3f ms %9.1fx\n", name.c_str(), ours * 1e3, theirs * 1e3, theirs / ours);
    } else {
      std::printf("%-44s %10.3f ms %12s %10s\n", name.c_str(), ours * 1e3, "-", "-");
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  print_summary();
  return 0;
}
