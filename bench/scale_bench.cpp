// How cost grows with graph size: generated deep chains and random DAGs of 10^3..10^5 ops,
// and a graph of 10^6-element tensors. One case per process (peak RSS is per process), one
// JSON line per case on stdout; bench/scale/run_scale.py runs the sizes, fits the growth and
// draws bench/scale/bench_scale.svg.
//
//   scale_bench --shape chain|dag|tensor --ops N [--elements E] [--repeats 3]
//
// Shapes (sources %x and %w, f64, 4 elements each unless stated):
//   chain   x_{i+1} = f_i(x_i) with f cycling tanh, ·w, +w, sin: a chain N deep whose source
//           %w fans out to N/2 uses (every use adds one gradient into w's on the way back)
//   dag     each step picks two earlier values uniformly at random, combines them (add, mul,
//           sub, in turn) and squashes with tanh (2 ops a step): random fan-out, early values
//           used by many later ones
//   tensor  %x, %w of E elements (default 10^6, as 1000×1000); N/4 steps of
//           x = tanh(x·w) + sin(x)
//   loss = reduce_sum(last value)
//
// Figures (each the minimum of --repeats runs, thread CPU time; memory from the first run):
//   record_s            ops executed while a tape records (the forward pass)
//   backward_s          tape.gradient(loss, [x, w])
//   explain_s           gradient() for a watched source the loss does not depend on: the None
//                       is explained by a walk of the provenance graph
//   tape_bytes_per_op   heap growth from recording (tensors, provenance, tape) / ops
//   engine_run_s        the reference engine's run of the IR graph (eut): forward + backward
//   connectivity_s      the connectivity oracle's check of that run
//   projection_check_s  the finite-difference oracle in projection mode (2 directions/source)
//   evaluator_forward_s one run of the oracles' compiled evaluator (what FD does per stencil
//                       point); projection_check_s / evaluator_forward_s = forwards per check
//   peak_rss_mb         the process's peak resident set
#include <malloc.h>
#include <sys/resource.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "bench/timing.hpp"
#include "engine/api.hpp"
#include "engine/ops/op_rows.hpp"
#include "eut/engine_under_test.hpp"
#include "eut/inputs.hpp"
#include "oracles/connectivity.hpp"
#include "oracles/evaluate.hpp"
#include "oracles/finite_difference.hpp"

namespace {

using namespace tc;  // NOLINT

// A generated graph: op applications on numbered values (0: %x, 1: %w, then one per op).
struct Step {
  const OpDef* op;
  std::vector<int> operands;
};
struct Recipe {
  Shape shape;
  std::vector<Step> steps;
  int loss_of = 0;  // the value reduce_sum'ed into the loss
};

Recipe chain(int ops, const Shape& shape) {
  Recipe r{shape, {}, 0};
  int x = 0;
  for (int i = 0; i < ops; ++i) {
    const int next = 2 + i;
    switch (i % 4) {
      case 0: r.steps.push_back({&op_tanh, {x}}); break;
      case 1: r.steps.push_back({&op_mul, {x, 1}}); break;
      case 2: r.steps.push_back({&op_add, {x, 1}}); break;
      default: r.steps.push_back({&op_sin, {x}}); break;
    }
    x = next;
  }
  r.loss_of = x;
  return r;
}

Recipe dag(int ops, const Shape& shape, unsigned seed) {
  Recipe r{shape, {}, 0};
  std::mt19937_64 rng(seed);
  const OpDef* combine[] = {&op_add, &op_mul, &op_sub};
  int values = 2;
  for (int i = 0; i + 1 < ops; i += 2) {
    std::uniform_int_distribution<int> pick(0, values - 1);
    r.steps.push_back({combine[(i / 2) % 3], {pick(rng), pick(rng)}});
    r.steps.push_back({&op_tanh, {values}});
    values += 2;
  }
  r.loss_of = values - 1;
  return r;
}

Recipe tensor_graph(int ops, const Shape& shape) {
  // Each step: tanh(x * w) + sin(x), 4 ops.
  Recipe r{shape, {}, 0};
  int x = 0, next = 2;
  for (int i = 0; i + 3 < ops; i += 4) {
    r.steps.push_back({&op_mul, {x, 1}});
    r.steps.push_back({&op_tanh, {next}});
    r.steps.push_back({&op_sin, {x}});
    r.steps.push_back({&op_add, {next + 1, next + 2}});
    x = next + 3;
    next += 4;
  }
  r.loss_of = x;
  return r;
}

std::string value_name(int v) { return v == 0 ? "%x" : v == 1 ? "%w" : "%v" + std::to_string(v); }

// The recipe as the IR: a recorded body, then the gradient of the loss for %x and %w.
graph::Graph to_graph(const Recipe& r) {
  graph::Graph g;
  g.name = "scale";
  for (int k = 0; k < 2; ++k) {
    graph::Input in;
    in.name = value_name(k);
    in.shape = r.shape;
    in.kind = graph::InputKind::variable;
    in.init.kind = graph::Init::Kind::uniform;
    in.init.a = -1;
    in.init.b = 1;
    in.init.seed = 7 + static_cast<std::uint64_t>(k);
    g.inputs.push_back(in);
  }
  g.tapes = {graph::TapeDecl{"t", false, true, {}}};
  graph::Block body;
  body.reserve(r.steps.size() + 1);
  for (std::size_t i = 0; i < r.steps.size(); ++i) {
    std::vector<std::string> operands;
    for (int v : r.steps[i].operands) operands.push_back(value_name(v));
    body.push_back({graph::OpStmt{value_name(static_cast<int>(i) + 2), r.steps[i].op->name, operands, {}}, {}});
  }
  graph::OpStmt loss{"%loss", op_reduce_sum.name, {value_name(r.loss_of)}, {}};
  body.push_back({loss, {}});
  g.body.push_back({graph::Record{"t", std::move(body)}, {}});
  g.body.push_back({graph::Gradient{{"%gx", "%gw"}, "t", "%loss", {"%x", "%w"}, std::nullopt,
                                    graph::Unconnected::none},
                    {}});
  return g;
}

std::size_t heap_in_use() {
  const struct mallinfo2 m = mallinfo2();
  return m.uordblks + m.hblkhd;
}

struct EngineFigures {
  double record_s = 0, backward_s = 0, explain_s = 0;
  double tape_bytes_per_op = 0;
};

// The recipe on the engine's API directly: record, then the gradient; and a gradient for a
// watched source that the loss does not depend on, whose None is explained.
EngineFigures run_engine(const Recipe& r, int repeats) {
  EngineFigures f;
  f.record_s = f.backward_s = f.explain_s = 1e300;
  const auto n = static_cast<std::size_t>(r.shape.numel());
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> u(-1, 1);
  auto random_tensor = [&] {
    std::vector<double> v(n);
    for (double& e : v) e = u(rng);
    return Tensor::constant(v, r.shape);
  };
  const Tensor x = random_tensor(), w = random_tensor(), unused = random_tensor();
  for (int rep = 0; rep < repeats; ++rep) {
    const std::size_t heap_before = heap_in_use();
    double t0 = bench::now(bench::Clock::thread_cpu);
    GradientTape tape(/*persistent=*/true);
    Tensor loss;
    {
      auto rec = tape.recording();
      for (const Tensor* s : {&x, &w, &unused}) tape.watch(*s);
      std::vector<Tensor> values = {x, w};
      values.reserve(r.steps.size() + 2);
      for (const Step& s : r.steps) {
        OperandRef ops[2] = {values[s.operands[0]], values[s.operands.size() > 1 ? s.operands[1] : 0]};
        values.push_back(apply_op(*s.op, ops, static_cast<int>(s.operands.size()), {}));
      }
      loss = reduce_sum(values[r.loss_of]);
    }
    f.record_s = std::min(f.record_s, bench::now(bench::Clock::thread_cpu) - t0);
    if (rep == 0)
      f.tape_bytes_per_op = static_cast<double>(heap_in_use() - heap_before) / static_cast<double>(r.steps.size() + 1);
    t0 = bench::now(bench::Clock::thread_cpu);
    const Gradients g = tape.gradient(loss, {x, w});
    f.backward_s = std::min(f.backward_s, bench::now(bench::Clock::thread_cpu) - t0);
    if (!g[0] || !g[1]) throw Error("scale_bench: a source got no gradient");
    t0 = bench::now(bench::Clock::thread_cpu);
    const Gradients none = tape.gradient(loss, {unused});
    f.explain_s = std::min(f.explain_s, bench::now(bench::Clock::thread_cpu) - t0);
    if (none[0] || !none.why[0]) throw Error("scale_bench: the unused source got a gradient");
  }
  return f;
}

struct OracleFigures {
  double engine_run_s = 1e300, connectivity_s = 1e300, projection_check_s = 1e300, evaluator_forward_s = 1e300;
  std::string verdict = "agree";
};

OracleFigures run_oracles(const graph::Graph& g, int repeats) {
  OracleFigures f;
  auto engine = eut::make_reference_engine();
  const eut::InputValues inputs;
  oracles::FdOptions fd;
  fd.mode = oracles::FdOptions::Mode::projection;
  fd.threads = 1;
  oracles::Evaluator<double> ev(g);
  const eut::InputValues values = eut::materialize_inputs(g, inputs);
  for (std::size_t i = 0; i < g.inputs.size(); ++i) ev.input(i) = values.at(g.inputs[i].name).data;
  for (int rep = 0; rep < repeats; ++rep) {
    double t0 = bench::now(bench::Clock::thread_cpu);
    ev.run(true);
    f.evaluator_forward_s = std::min(f.evaluator_forward_s, bench::now(bench::Clock::thread_cpu) - t0);
    t0 = bench::now(bench::Clock::thread_cpu);
    const eut::RunResult run = engine->run(g, inputs);
    f.engine_run_s = std::min(f.engine_run_s, bench::now(bench::Clock::thread_cpu) - t0);
    if (run.error) throw Error("scale_bench: the engine raised " + run.error->message);
    t0 = bench::now(bench::Clock::thread_cpu);
    const auto connectivity = oracles::check_connectivity(g, inputs, run);
    f.connectivity_s = std::min(f.connectivity_s, bench::now(bench::Clock::thread_cpu) - t0);
    t0 = bench::now(bench::Clock::thread_cpu);
    const auto findings = oracles::check_finite_differences(g, inputs, run, fd);
    f.projection_check_s = std::min(f.projection_check_s, bench::now(bench::Clock::thread_cpu) - t0);
    for (const auto* fs : {&connectivity, &findings})
      for (const oracles::Finding& x : *fs)
        if (x.outcome != oracles::Outcome::agree) f.verdict = oracles::outcome_name(x.outcome);
  }
  return f;
}

}  // namespace

int main(int argc, char** argv) {
  std::string shape = "chain";
  int ops = 1000, repeats = 3;
  long long elements = 1000000;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--shape")) shape = argv[i + 1];
    else if (!std::strcmp(argv[i], "--ops")) ops = std::atoi(argv[i + 1]);
    else if (!std::strcmp(argv[i], "--repeats")) repeats = std::atoi(argv[i + 1]);
    else if (!std::strcmp(argv[i], "--elements")) elements = std::atoll(argv[i + 1]);
    else {
      std::fprintf(stderr, "usage: scale_bench --shape chain|dag|tensor --ops N [--elements E] [--repeats R]\n");
      return 2;
    }
  }
  try {
    Recipe r;
    if (shape == "chain") r = chain(ops, Shape{4});
    else if (shape == "dag") r = dag(ops, Shape{4}, 11);
    else if (shape == "tensor")
      r = tensor_graph(ops, elements % 1000 == 0 ? Shape{elements / 1000, 1000} : Shape{elements});
    else throw Error("unknown --shape " + shape + " (chain, dag, tensor)");
    const EngineFigures e = run_engine(r, repeats);
    const OracleFigures o = run_oracles(to_graph(r), repeats);
    rusage ru{};
    getrusage(RUSAGE_SELF, &ru);
    std::printf(
        "{\"shape\": \"%s\", \"ops\": %zu, \"elements\": %lld, \"record_s\": %.6g, \"backward_s\": %.6g, "
        "\"explain_s\": %.6g, \"tape_bytes_per_op\": %.1f, \"engine_run_s\": %.6g, \"connectivity_s\": %.6g, "
        "\"projection_check_s\": %.6g, \"evaluator_forward_s\": %.6g, \"verdict\": \"%s\", \"peak_rss_mb\": %.1f, \"load_average\": %.2f}\n",
        shape.c_str(), r.steps.size() + 1, static_cast<long long>(r.shape.numel()), e.record_s, e.backward_s,
        e.explain_s, e.tape_bytes_per_op, o.engine_run_s, o.connectivity_s, o.projection_check_s,
        o.evaluator_forward_s, o.verdict.c_str(),
        static_cast<double>(ru.ru_maxrss) / 1024.0, bench::load_average());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "scale_bench: %s\n", e.what());
    return 1;
  }
  return 0;
}
