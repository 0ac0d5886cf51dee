// The differential smoke test: random graphs (properties::build_graph) on the reference engine
// and on libtorch. Wherever both define a value or a gradient they must agree. A disagreement
// must be explained:
//   - by a documented semantic difference: each is a rewrite of the graph that makes the
//     reference compute what torch computes (torch_semantics.hpp); the disagreement is gone
//     on reference(rewrite(g));
//   - by a documented torch error (an op torch lacks for a dtype, a freed graph);
//   - or by f32 rounding: gone when both engines compute the graph in f64, and torch's f32
//     error no larger than the reference's (not_f32_rounding).
// Anything else fails the test with the graph's .tcg. The count per class is printed
// (docs/libtorch.md quotes them). 200 graphs by default; TAPECHECK_LIBTORCH_GRAPHS=N,
// TAPECHECK_LIBTORCH_FIRST=K and TAPECHECK_LIBTORCH_REQUIRE (below) explore further.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <map>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "engine/ops/op_table.hpp"
#include "eut/engine_under_test.hpp"
#include "eut/inputs.hpp"
#include "eut/libtorch/libtorch_engine.hpp"
#include "graph/tcg.hpp"
#include "properties/generators.hpp"
#include "tests/eut/libtorch/torch_semantics.hpp"

namespace tc::eut {
namespace {

namespace ts = tc::test::torch_semantics;

// f32 if the graph computes in f32 anywhere (an f32 input or a cast to f32), else f64: an f64
// value cast from an f32 one carries f32 rounding.
DType least_precise(const graph::Graph& g) {
  graph::Graph copy = g;
  bool f32 = false;
  for (const graph::Input& in : g.inputs) f32 = f32 || in.dtype == DType::f32;
  ts::for_each_op(copy.body, [&](graph::OpStmt& o) {
    f32 = f32 || (get_op(o.op).result.converts_to(DType::f32, o.attrs));
  });
  return f32 ? DType::f32 : DType::f64;
}

// Two engines agree on a tensor when every element is within
//   relative_tolerance · (the tensor's largest magnitude) + 64 · 2^-53 · (the run's largest magnitude)
// of the other: elements that cancel to ~0 are judged against the tensor's scale, and a
// tensor that cancels as a whole (3.2 - sum of eight 0.4s) against the terms behind it, which
// are values of the run, at f64's rounding. f32 rounding beyond that needs the evidence of
// not_f32_rounding().
double relative_tolerance(DType precision) { return precision == DType::f32 ? 1e-4 : 1e-9; }

struct Scale {
  DType precision = DType::f64;
  double run = 0;  // the largest finite magnitude either run computed (values and gradients)
  double torch_error = 0;  // the relative error torch's own kernels are documented to reach here
  double floor() const { return std::max(64 * 0x1p-53, torch_error) * run; }
};

void widen(double& m, const Value& v) {
  for (double x : v.data)
    if (std::isfinite(x)) m = std::max(m, std::abs(x));
}

double largest_magnitude(const RunResult& r) {
  double m = 0;
  for (const auto& [name, v] : r.values) widen(m, v);
  for (const GradientResult& g : r.gradients)
    for (const auto& v : g.values)
      if (v) widen(m, *v);
  return m;
}

// The largest elementwise difference beyond the scale's floor, relative to the tensors' own
// scale; infinite when the NaN/inf patterns differ.
double scaled_difference(const Value& a, const Value& b, const Scale& s) {
  double scale = 0;
  widen(scale, a);
  widen(scale, b);
  double worst = 0;
  for (std::size_t i = 0; i < a.data.size(); ++i) {
    const double x = a.data[i], y = b.data[i];
    if (std::isnan(x) || std::isnan(y)) {
      if (std::isnan(x) != std::isnan(y)) return INFINITY;
    } else if (std::isinf(x) || std::isinf(y)) {
      if (x != y) return INFINITY;
    } else if (std::abs(x - y) > s.floor()) {
      worst = std::max(worst, (std::abs(x - y) - s.floor()) / scale);
    }
  }
  return worst;
}

struct Disagreement {
  std::string key;  // "error", "value %v3", "gradient 0 source 1"
  std::string detail;
  std::string value;               // the value's name, for "value" keys
  int gradient = -1, source = -1;  // for "gradient" keys
};

// The number a disagreement is about, in one run (nullopt if that run has none).
std::optional<Value> lookup(const RunResult& r, const Disagreement& d) {
  if (!d.value.empty()) {
    const auto it = r.values.find(d.value);
    return it == r.values.end() ? std::nullopt : std::optional<Value>(it->second);
  }
  if (d.gradient < 0 || d.gradient >= static_cast<int>(r.gradients.size())) return std::nullopt;
  const auto& values = r.gradients[static_cast<std::size_t>(d.gradient)].values;
  if (d.source >= static_cast<int>(values.size())) return std::nullopt;
  return values[static_cast<std::size_t>(d.source)];
}

void compare(Disagreement where, const Value& torch, const Value& ref, const Scale& scale,
             std::vector<Disagreement>& out) {
  if (torch.dtype != ref.dtype || torch.shape != ref.shape) {
    where.detail = "torch " + std::string(dtype_name(torch.dtype)) + torch.shape.str() + ", reference " +
                   std::string(dtype_name(ref.dtype)) + ref.shape.str();
    out.push_back(where);
    return;
  }
  const double d = scaled_difference(torch, ref, scale);
  if (d <= relative_tolerance(scale.precision)) return;
  std::ostringstream detail;
  detail << "differs by " << d << " of its scale";
  where.detail = detail.str();
  out.push_back(where);
}

std::string describe(const std::optional<RaisedError>& e) {
  return e ? "[" + std::string(error_kind_name(e->kind)) + "] " + e->message : "no error";
}

// Everything both runs define, compared. A run that stopped with an error has its values as
// they were at the error (a loop's variables mid-iteration), so values are compared only when
// neither run raised; gradient() calls both completed always are.
std::vector<Disagreement> disagreements(const RunResult& torch, const RunResult& ref, DType precision,
                                       double torch_error = 0) {
  const Scale scale{precision, std::max(largest_magnitude(torch), largest_magnitude(ref)), torch_error};
  std::vector<Disagreement> out;
  if (bool(torch.error) != bool(ref.error))
    out.push_back({"error", "torch: " + describe(torch.error) + "; reference: " + describe(ref.error)});
  for (const auto& [name, v] : ref.values) {
    const auto it = torch.values.find(name);
    if (!torch.error && !ref.error && it != torch.values.end())
      compare({"value " + name, "", name}, it->second, v, scale, out);
  }
  for (std::size_t k = 0; k < std::min(torch.gradients.size(), ref.gradients.size()); ++k) {
    const GradientResult& t = torch.gradients[k];
    const GradientResult& r = ref.gradients[k];
    for (std::size_t s = 0; s < std::min(t.values.size(), r.values.size()); ++s) {
      Disagreement where{"gradient " + std::to_string(k) + " source " + std::to_string(s), "", "",
                         static_cast<int>(k), static_cast<int>(s)};
      if (t.values[s] && r.values[s]) {
        compare(where, *t.values[s], *r.values[s], scale, out);
        continue;
      }
      if (t.values[s])
        where.detail = "torch a value, reference None (" + r.why_none[s] + ")";
      else if (r.values[s])
        where.detail = "torch None (" + t.why_none[s] + "), reference a value";
      else
        continue;
      out.push_back(where);
    }
  }
  return out;
}

bool has_key(const std::vector<Disagreement>& ds, const std::string& key) {
  return std::any_of(ds.begin(), ds.end(), [&](const Disagreement& d) { return d.key == key; });
}

// Torch errors docs/libtorch.md documents, by what torch says.
std::optional<std::string> documented_error(const RunResult& torch, const RunResult& ref) {
  if (torch.error && torch.error->kind == "unsupported")
    return "torch lacks the op for this dtype (argmax/argmin of bool)";
  if (!torch.error && ref.error && ref.error->kind == "tape")
    return "a second gradient() of a non-persistent tape: torch raises only where it freed saved tensors";
  if (torch.error && torch.error->message.find("backward through the graph a second time") != std::string::npos)
    return "a non-persistent tape's gradient() freed the graph another gradient() needs (retain_graph=false)";
  if (torch.error && torch.error->message.find("does not require grad and does not have a grad_fn") != std::string::npos)
    return "a view computed under no_grad reports requires_grad, autograd.grad then refuses it (pytorch#11390)";
  return std::nullopt;
}

// --- rounding ---------------------------------------------------------------------------------

// The graph computed in f64, with the same input values: f32 inputs typed f64 (their f32
// values kept) and every op attribute naming f32 naming f64.
struct Promoted {
  graph::Graph graph;
  InputValues inputs;
};

Promoted promoted(const graph::Graph& g) {
  Promoted p{g, materialize_inputs(g, {})};
  for (graph::Input& in : p.graph.inputs)
    if (in.dtype == DType::f32) in.dtype = DType::f64;
  for (auto& [name, v] : p.inputs)
    if (v.dtype == DType::f32) v.dtype = DType::f64;
  ts::for_each_op(p.graph.body, [](graph::OpStmt& o) {
    if (get_op(o.op).result.converts_to(DType::f32, o.attrs)) o.attrs.dtype = DType::f64;
  });
  return p;
}

double largest_difference(const Value& a, const Value& b) {
  double m = 0;
  for (std::size_t i = 0; i < a.data.size() && i < b.data.size(); ++i)
    if (std::isfinite(a.data[i]) && std::isfinite(b.data[i])) m = std::max(m, std::abs(a.data[i] - b.data[i]));
  return m;
}

// A disagreement on a graph that computes in f32 is f32 rounding when (1) the engines agree on
// it with the graph computed in f64, and (2) torch's f32 result is no further from its own f64
// one than 16 times the larger of the reference's f32 error (how this graph amplifies f32
// rounding) and one f32 unit of the computation's scale (its largest magnitude: the terms
// behind a result that cancels, which the reference's correctly rounded ops may cancel
// exactly where torch's vectorised float kernels leave an ulp).
// Returns why not, or nullopt if it is rounding.
std::optional<std::string> not_f32_rounding(const Disagreement& d, const RunResult& torch32, const RunResult& ref32,
                                            const RunResult& torch64, const RunResult& ref64) {
  const auto t32 = lookup(torch32, d), r32 = lookup(ref32, d), t64 = lookup(torch64, d), r64 = lookup(ref64, d);
  if (!t32 || !r32 || !t64 || !r64) return "not defined by every run in f32 and f64";
  if (t32->shape != t64->shape || r32->shape != r64->shape) return "shapes differ";
  std::vector<Disagreement> in64;
  compare(d, *t64, *r64, Scale{DType::f64, std::max(largest_magnitude(torch64), largest_magnitude(ref64))}, in64);
  if (!in64.empty()) return "in f64 too: " + in64.front().detail;
  const double torch_error = largest_difference(*t32, *t64), ref_error = largest_difference(*r32, *r64);
  const double scale = std::max(largest_magnitude(torch64), largest_magnitude(ref64));
  if (torch_error <= 16 * std::max(ref_error, 0x1p-24 * scale)) return std::nullopt;
  std::ostringstream os;
  os << "torch's f32 error " << torch_error << ", the reference's " << ref_error << ", the run's scale " << scale;
  return os.str();
}

// --- the classification -----------------------------------------------------------------------

// What a value is computed from, and whether the computation has kinks (OpDef::kinks for an
// op; a cond or while_loop result jumps where its predicate flips).
struct Dependencies {
  std::vector<std::string> operands;
  bool kinked = false;
};

std::optional<Dependencies> dependencies(const graph::Block& block, const std::string& name) {
  for (const graph::Statement& s : block) {
    std::optional<Dependencies> d;
    std::visit(
        [&](const auto& node) {
          using T = std::decay_t<decltype(node)>;
          if constexpr (std::is_same_v<T, graph::OpStmt>) {
            if (node.result == name) d = Dependencies{node.operands, *get_op(node.op).kinks != '\0'};
          } else if constexpr (std::is_same_v<T, graph::Record> || std::is_same_v<T, graph::StopRecording>) {
            d = dependencies(node.body, name);
          } else if constexpr (std::is_same_v<T, graph::Cond>) {
            for (std::size_t k = 0; k < node.results.size(); ++k)
              if (node.results[k] == name) d = Dependencies{{node.pred, node.then_yield[k], node.else_yield[k]}, true};
            if (!d) d = dependencies(node.then_body, name);
            if (!d) d = dependencies(node.else_body, name);
          } else if constexpr (std::is_same_v<T, graph::While>) {
            for (std::size_t k = 0; k < node.results.size(); ++k)
              if (node.results[k] == name || node.params[k] == name)
                d = Dependencies{{node.init[k], node.body_yield[k], node.cond_yield}, true};
            if (!d) d = dependencies(node.cond_body, name);
            if (!d) d = dependencies(node.body, name);
          }
        },
        s.node);
    if (d) return d;
  }
  return std::nullopt;
}

// What is left after the rewrites and rounding: a value computed with a kink (an op with kinks
// in the table: sign, relu, maximum, floor, comparisons ...; a cond) from operands on which the
// engines agree (within rounding) is rounding that put an operand on different sides of the
// kink: sign(4 - sum(softmax(x))) is sign(0) or sign(-4e-16). A value computed from an operand
// whose disagreement is explained follows from it, and so does a gradient in a graph with a
// flipped kink.
void explain_by_kinks(const graph::Graph& g, const std::vector<Disagreement>& found, std::vector<std::string>& classes) {
  auto index_of = [&](const std::string& value) {
    for (std::size_t i = 0; i < found.size(); ++i)
      if (found[i].value == value) return static_cast<int>(i);
    return -1;
  };
  bool flipped = false, changed = true;
  while (changed) {
    changed = false;
    for (std::size_t i = 0; i < found.size(); ++i) {
      if (!classes[i].empty() || found[i].value.empty()) continue;
      const auto deps = dependencies(g.body, found[i].value);
      if (!deps) continue;
      bool operands_agree = true, operands_explained = true;
      for (const std::string& operand : deps->operands) {
        const int k = index_of(operand);
        operands_agree = operands_agree && k < 0;
        operands_explained = operands_explained && (k < 0 || !classes[static_cast<std::size_t>(k)].empty());
      }
      if (operands_agree && deps->kinked) {
        classes[i] = "rounding put an operand on the other side of a kink";
        flipped = changed = true;
      } else if (!operands_agree && operands_explained) {
        classes[i] = "follows from a disagreeing operand";
        changed = true;
      }
    }
  }
  for (std::size_t i = 0; i < found.size(); ++i)
    if (classes[i].empty() && flipped && found[i].gradient >= 0) classes[i] = "follows from a disagreeing operand";
}

// Every torch-side rewrite applied in turn.
graph::Graph torch_side(const graph::Graph& g) {
  graph::Graph out = g;
  for (const ts::Rewrite& r : ts::torch_rewrites()) out = r.apply(out);
  return out;
}

// Torch 1.13's trigamma (digamma's derivative, polygamma(1), lgamma's second derivative) is
// good to ~5e-10 relative only (docs/libtorch.md, finding 4): on a graph through these, terms
// of the run's magnitude carry that error, which cancellation leaves in smaller results.
double trigamma_error(const graph::Graph& g) {
  graph::Graph copy = g;
  bool uses = false;
  ts::for_each_op(copy.body, [&](graph::OpStmt& o) {
    uses = uses || o.op == "digamma" || o.op == "polygamma" || o.op == "lgamma";
  });
  return uses ? 1e-9 : 0;
}

struct Tally {
  std::map<std::string, int> by_class;
  std::vector<std::string> unexplained;
  int graphs = 0, agreeing_graphs = 0, compared = 0;
};

void check_graph(const graph::Graph& g, EngineUnderTest& torch_engine, EngineUnderTest& ref_engine, Tally& tally) {
  ++tally.graphs;
  const DType precision = least_precise(g);
  const RunResult torch = torch_engine.run(g, {});
  const RunResult ref = ref_engine.run(g, {});
  const std::vector<Disagreement> found = disagreements(torch, ref, precision);
  tally.compared += static_cast<int>(ref.values.size());
  if (found.empty()) {
    ++tally.agreeing_graphs;
    return;
  }
  // The disagreements left on reference(rewrite(g)), for each rewrite alone and for all.
  std::vector<std::vector<Disagreement>> left;
  for (const ts::Rewrite& r : ts::rewrites())
    left.push_back(disagreements(torch, ref_engine.run(r.apply(g), {}), precision));
  const RunResult model = ref_engine.run(ts::torch_model(g), {});
  const std::vector<Disagreement> left_by_all = disagreements(torch, model, precision);
  std::optional<std::vector<Disagreement>> left_by_both;  // every rewrite, on torch's side too
  std::optional<std::vector<Disagreement>> within_trigamma;  // with finding 4's error allowed
  std::vector<std::vector<Disagreement>> left_on_torch_side;
  for (const ts::Rewrite& r : ts::torch_rewrites())
    left_on_torch_side.push_back(disagreements(torch_engine.run(r.apply(g), {}), ref, precision));
  // For f32 rounding: both engines on the graph in f64, and the reference on the torch model
  // (every rewrite) in f32 and f64, for a disagreement that is semantics and rounding at once.
  struct Rounding {
    RunResult torch64, ref64, model32, model64;
  };
  std::optional<Rounding> rounding;
  std::vector<std::string> classes(found.size());
  std::vector<std::string> details(found.size());
  for (std::size_t i = 0; i < found.size(); ++i) {
    Disagreement d = found[i];
    std::string& cls = classes[i];
    if (d.key == "error")
      if (const auto why = documented_error(torch, ref)) cls = *why;
    for (std::size_t r = 0; cls.empty() && r < left.size(); ++r)
      if (!has_key(left[r], d.key)) cls = ts::rewrites()[r].name;
    if (cls.empty() && !has_key(left_by_all, d.key)) cls = "several of the rewrites together";
    for (std::size_t r = 0; cls.empty() && r < left_on_torch_side.size(); ++r)
      if (!has_key(left_on_torch_side[r], d.key)) cls = ts::torch_rewrites()[r].name;
    if (cls.empty()) {
      if (!left_by_both) left_by_both = disagreements(torch_engine.run(torch_side(g), {}), model, precision);
      if (!has_key(*left_by_both, d.key)) cls = "several of the rewrites together, on both sides";
    }
    if (cls.empty() && trigamma_error(g) > 0) {
      if (!within_trigamma) within_trigamma = disagreements(torch, ref, precision, trigamma_error(g));
      if (!has_key(*within_trigamma, d.key)) cls = "torch's trigamma: ~5e-10 of the run's magnitude (finding 4)";
    }
    if (cls.empty() && precision == DType::f32) {
      if (!rounding) {
        const Promoted p = promoted(g);
        rounding = Rounding{torch_engine.run(p.graph, p.inputs), ref_engine.run(p.graph, p.inputs),
                            model, ref_engine.run(ts::torch_model(p.graph), p.inputs)};
      }
      const auto why_not = not_f32_rounding(d, torch, ref, rounding->torch64, rounding->ref64);
      if (!why_not)
        cls = "f32 rounding (gone in f64; torch's f32 error within the reference's)";
      else if (!not_f32_rounding(d, torch, rounding->model32, rounding->torch64, rounding->model64))
        cls = "f32 rounding, once the rewrites give the reference torch's semantics";
      else
        d.detail += " (not f32 rounding: " + *why_not + ")";
    }
    details[i] = d.key + ": " + d.detail;
  }
  explain_by_kinks(g, found, classes);
  for (std::size_t i = 0; i < found.size(); ++i) {
    if (classes[i].empty()) {
      tally.unexplained.push_back(details[i] + "\n" + graph::print_tcg(g));
      classes[i] = "UNEXPLAINED";
    }
    ++tally.by_class[classes[i]];
  }
}

int env_int(const char* name, int fallback) {
  const char* v = std::getenv(name);
  return v ? std::atoi(v) : fallback;
}

// TAPECHECK_LIBTORCH_REQUIRE: a comma-separated list of second_order, cond, while,
// output_gradients, tape_error (GenOptions::require_*), for exploring.
properties::GenOptions options_from_env() {
  properties::GenOptions o;
  const char* v = std::getenv("TAPECHECK_LIBTORCH_REQUIRE");
  const std::string list = v ? v : "";
  auto has = [&](const char* what) { return list.find(what) != std::string::npos; };
  o.require_second_order = has("second_order");
  o.require_cond = has("cond");
  o.require_while = has("while");
  o.require_output_gradients = has("output_gradients");
  o.require_tape_error = has("tape_error");
  return o;
}

TEST(LibtorchDifferential, RandomGraphsAgreeOrDifferAsDocumented) {
  auto torch = make_libtorch_engine();
  auto ref = make_reference_engine();
  Tally tally;
  const properties::GenOptions options = options_from_env();
  const int first = env_int("TAPECHECK_LIBTORCH_FIRST", 0);
  const int n = env_int("TAPECHECK_LIBTORCH_GRAPHS", 200);
  for (int i = first; i < first + n; ++i) {
    const std::uint64_t seed = 0x9e3779b97f4a7c15ULL * static_cast<std::uint64_t>(i + 1);
    const graph::Graph g = properties::build_graph(options, seed, i % 101);
    try {
      check_graph(g, *torch, *ref, tally);
    } catch (const std::exception& e) {  // run() must not throw for anything a graph does
      ADD_FAILURE() << "graph " << i << ": an engine threw: " << e.what() << "\n" << graph::print_tcg(g);
    }
  }
  std::cout << tally.graphs << " graphs, " << tally.agreeing_graphs << " agree everywhere; "
            << tally.compared << " values compared; disagreements by class:\n";
  for (const auto& [cls, count] : tally.by_class) std::cout << "  " << count << "  " << cls << "\n";
  EXPECT_GT(tally.agreeing_graphs, 0);  // the comparison compares something
  EXPECT_GT(tally.compared, 0);
  for (const std::string& u : tally.unexplained) ADD_FAILURE() << "unexplained disagreement: " << u;
}

}  // namespace
}  // namespace tc::eut

namespace tc::eut {
namespace {

// Forward mode: torch's dual tensors against the reference's JVP (by double backward) on f64
// graphs that both run without an error, with the tangents of every floating input random.
// Tape statements are transparent here; what differs is the ops' conventions at kinks
// (torch_forward_model). The tolerance is f64's, with the same floor for tangents that cancel.
TEST(LibtorchDifferential, ForwardModeAgreesWithTheReferenceJvp) {
  auto torch = make_libtorch_engine();
  auto ref = make_reference_engine();
  properties::GenOptions f64_only;
  f64_only.f32 = false;
  int graphs = 0, compared = 0;
  std::vector<std::string> unexplained;
  for (int i = 0; i < env_int("TAPECHECK_LIBTORCH_GRAPHS", 200); ++i) {
    const std::uint64_t seed = 0x9e3779b97f4a7c15ULL * static_cast<std::uint64_t>(i + 1);
    const graph::Graph g = properties::build_graph(f64_only, seed, i % 101);
    if (torch->run(g, {}).error || ref->run(g, {}).error) continue;  // jvp() stops at errors silently
    ++graphs;
    std::mt19937_64 rng(seed);
    std::uniform_real_distribution<double> direction(-1, 1);
    InputValues tangents;
    for (const auto& [name, v] : materialize_inputs(g, {})) {
      if (!is_floating(v.dtype)) continue;
      Value u = v;
      for (double& x : u.data) x = direction(rng);
      tangents[name] = u;
    }
    const auto t = torch->jvp(g, {}, tangents);
    const auto r = ref->jvp(ts::torch_forward_model(g), {}, tangents);
    ASSERT_TRUE(t && r);
    RunResult as_torch, as_ref;  // the tangents as values, to compare them as values
    for (const auto& [name, v] : *t) as_torch.values[name] = v;
    for (const auto& [name, v] : *r)
      if (t->count(name)) as_ref.values[name] = v;
    compared += static_cast<int>(as_ref.values.size());
    // A tangent of a kinked op (abs, relu, ...) whose operands' tangents agree is rounding that
    // put the operand's value on the kink in one engine only (an edge value computed in each
    // engine's own ulps: abs(digamma(x) - c) at 0 or at 1e-16), as in the backward comparison.
    const std::vector<Disagreement> found = disagreements(as_torch, as_ref, DType::f64, trigamma_error(g));
    std::vector<std::string> classes(found.size());
    explain_by_kinks(g, found, classes);
    for (std::size_t k = 0; k < found.size(); ++k)
      if (classes[k].empty()) unexplained.push_back(found[k].key + ": " + found[k].detail + "\n" + graph::print_tcg(g));
  }
  std::cout << graphs << " graphs without errors, " << compared << " tangents compared\n";
  EXPECT_GT(compared, 0);
  for (const std::string& u : unexplained) ADD_FAILURE() << "tangents disagree: " << u;
}

}  // namespace
}  // namespace tc::eut
