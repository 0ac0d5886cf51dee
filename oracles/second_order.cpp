#include "oracles/second_order.hpp"

#include <algorithm>
#include <cmath>
#include <optional>
#include <set>
#include <utility>
#include <variant>

#include "engine/core/errors.hpp"
#include "engine/core/format.hpp"
#include "engine/ops/op_table.hpp"
#include "eut/inputs.hpp"
#include "graph/ir_util.hpp"
#include "graph/walk.hpp"
#include "oracles/comparison.hpp"
#include "oracles/evaluate.hpp"
#include "oracles/finite_difference.hpp"
#include "oracles/objective.hpp"
#include "oracles/profile_kinks.hpp"
#include "oracles/rounding_probe.hpp"
#include "oracles/running_error.hpp"
#include "oracles/tolerance.hpp"

namespace tc::oracles {

namespace {

// <g, u> from a first-order run: Σ_i Σ_k g_i[k] u_i[k] (a None slot is zero), and Σ|terms|.
struct Dot {
  double value = 0, magnitude = 0;
  bool ok = false;
};
Dot dot_with(const eut::RunResult& r, const HvpProgram& prog) {
  Dot d;
  const std::size_t own = static_cast<std::size_t>(prog.earlier_gradients);
  if (r.error || r.gradients.size() <= own || r.gradients[own].values.size() != prog.sources.size()) return d;
  for (std::size_t i = 0; i < prog.sources.size(); ++i) {
    const auto& g = r.gradients[own].values[i];
    if (!g) continue;
    const std::vector<double>& u = prog.u.at(prog.sources[i]);
    if (g->data.size() != u.size()) return d;
    for (std::size_t k = 0; k < u.size(); ++k) {
      d.value += g->data[k] * u[k];
      d.magnitude += std::abs(g->data[k] * u[k]);
    }
  }
  d.ok = std::isfinite(d.value);
  return d;
}

// An op whose every input is cut (no differentiable input) and that has no kink: its result
// moves with the sources while the tape holds it constant — stop_gradient, by the op table.
// Piecewise-constant cut ops (floor, comparisons) need no such care: within a stencil that
// keeps the branch signature they do not move.
bool holds_constant(const graph::OpStmt& s) {
  const OpDef* op = find_op(s.op);
  if (!op || op->has_kinks) return false;
  const int n = op->arity < 0 ? static_cast<int>(s.operands.size()) : op->arity;
  for (int i = 0; i < n; ++i)
    if (op->input(i).differentiable()) return false;
  return n > 0;
}

// The first-order program with every such value held at its base value (an input), as the
// nested tapes see it: the finite differences must differentiate the function the tape
// differentiates. So too every value computed inside stop_recording where the engine's
// stop_recording pauses every tape (Recording::one_graph). Empty `why` on success.
struct Frozen {
  graph::Graph program;
  std::map<std::string, std::vector<double>> values;  // the frozen inputs
  std::string why;
};
// Every name a statement defines, through nested blocks.
void collect_defined(const graph::Statement& s, std::set<std::string>& out) {
  const graph::Block one{s};
  graph::walk(one, [&](const graph::Statement& x, const graph::Place&) {
    graph::for_each_def(x, [&](const std::string& n) { out.insert(n); });
  });
}

// The values that may move with `sources`, in execution order: an op's result moves with
// any operand that moves, except a held op's (it is held at its base value); a cond's results
// may come from either branch, a while_loop's every value from any iteration, and an earlier
// gradient's results are the engine's: all three are taken to move.
std::set<std::string> moving_values(const graph::Block& block, const std::vector<std::string>& sources,
                                    const std::set<std::string>& unrecorded) {
  std::set<std::string> moving(sources.begin(), sources.end());
  graph::walk(block, [&](const graph::Statement& s, const graph::Place&) {
    if (const auto* o = std::get_if<graph::OpStmt>(&s.node)) {
      if (holds_constant(*o) || unrecorded.count(o->result)) return;
      for (const std::string& x : o->operands)
        if (moving.count(x)) return void(moving.insert(o->result));
    } else if (std::holds_alternative<graph::While>(s.node)) {
      collect_defined(s, moving);
    } else {
      graph::for_each_def(s, [&](const std::string& n) { moving.insert(n); });
    }
  });
  return moving;
}

// The values computed inside a stop_recording block, where the engine's recording pauses every
// tape, not only the one the block names (Recording::one_graph: torch's no_grad): constants
// to the outer tape as a stop_gradient result is, while they move with the sources.
std::set<std::string> unrecorded_by_every_tape(const graph::Block& block, const eut::SemanticsProfile& semantics) {
  std::set<std::string> out;
  if (semantics.recording != eut::Recording::one_graph) return out;
  graph::walk(block, [&](const graph::Statement& s, const graph::Place&) {
    if (std::holds_alternative<graph::StopRecording>(s.node)) collect_defined(s, out);
  });
  return out;
}

// A value defined inside a while_loop runs once per iteration: it has no one base value.
std::set<std::string> defined_in_loops(const graph::Block& block) {
  std::set<std::string> out;
  graph::walk(block, [&](const graph::Statement& s, const graph::Place&) {
    if (std::holds_alternative<graph::While>(s.node)) collect_defined(s, out);
  });
  return out;
}

graph::Input held_input(const std::string& name, DType dtype, const Shape& shape, const std::vector<double>& values) {
  graph::Input in;
  in.name = name;
  in.dtype = dtype;
  in.shape = shape;
  in.init.kind = graph::Init::Kind::values;
  in.init.values = values;
  return in;
}

// Held ops are hoisted wherever they ran once: at top level, inside the graph's own tape
// blocks (the first-order program through an earlier gradient keeps them; an input is a
// constant to every tape, as a stop_gradient result is) and inside the taken branch of a
// cond (the stencil keeps the branch signature, so the same branch runs). Their base value is
// the oracle's evaluation's, or — after an earlier gradient(), where the evaluator stops —
// the engine's own forward value (`executed`; the forward_values oracle judges those). A held
// op that did not run (an untaken branch) stays: it does not run at any stencil point either.
// One inside a while_loop runs once per iteration with a different value: not hoistable.
//
// `native`: the values of the first-order program run in the graph's own dtypes. A value at
// top level that does not move with the sources but was computed in f32 is taken from there:
// promoted, it would be a slightly different constant (clip_by_value of an f32 constant at 0.9
// is 0.899999976 in f32, 0.9 promoted), and the differences would differentiate a slightly
// different function from the one the nested tapes do. Not inside tape blocks: a value that
// does not move with the checked sources may still move with an inner tape's own sources.
Frozen freeze(const graph::Graph& first_order, const Evaluation<double>& base,
              const std::map<std::string, eut::Value>& native, const std::map<std::string, eut::Value>& executed,
              const std::vector<std::string>& sources, const eut::SemanticsProfile& semantics) {
  Frozen f;
  f.program = first_order;
  auto& record = std::get<graph::Record>(f.program.body.at(0).node);
  const std::set<std::string> unrecorded = unrecorded_by_every_tape(record.body, semantics);
  const std::set<std::string> moving = moving_values(record.body, sources, unrecorded);
  const std::set<std::string> in_loops = defined_in_loops(record.body);
  std::vector<graph::Input> held;
  graph::rewrite(record.body, [&](graph::Statement&& s, graph::Block& out, const graph::Place& place) {
    const auto* o = std::get_if<graph::OpStmt>(&s.node);
    if (!o) return out.push_back(std::move(s));
    bool moves = false;
    for (const std::string& x : o->operands) moves = moves || moving.count(x) > 0;
    const auto nv = native.find(o->result);
    if (place.depth == 0 && !moves && nv != native.end() && nv->second.dtype == DType::f32 &&
        base.values.count(o->result)) {
      held.push_back(held_input(o->result, DType::f64, nv->second.shape, nv->second.data));
      return;
    }
    if (!(holds_constant(*o) || unrecorded.count(o->result)) || !moves) return out.push_back(std::move(s));
    const auto spec = base.specs.find(o->result);
    const auto ran = executed.find(o->result);
    const DType dtype = spec != base.specs.end() ? spec->second.dtype
                        : ran != executed.end()  ? ran->second.dtype
                                                 : DType::f64;
    // A non-floating result changes only where a kink does, which the stencil avoids.
    if (!is_floating(dtype)) return out.push_back(std::move(s));
    if (in_loops.count(o->result)) {
      if (f.why.empty())
        f.why = o->result + " = " + o->op + " (a stop_gradient-like op) inside while_loop moves with the sources "
                "and runs once per iteration: it cannot be held at one base value";
      return out.push_back(std::move(s));
    }
    if (auto v = base.values.find(o->result); v != base.values.end())
      held.push_back(held_input(o->result, dtype, spec->second.shape, v->second));
    else if (ran != executed.end())
      held.push_back(held_input(o->result, dtype, ran->second.shape, ran->second.data));
    else
      return out.push_back(std::move(s));  // did not run: an untaken branch
  });
  for (graph::Input& in : held) {
    f.values[in.name] = in.init.values;
    f.program.inputs.push_back(std::move(in));
  }
  return f;
}

}  // namespace

namespace {

// The step, relative to the point's scale, of the central difference that takes the change of
// the engine's first-order rounding terms along a direction: the terms are smooth where the
// branches hold, so its own error (h² times their third derivative) is small beside them.
constexpr double kRoundingSlopeStep = 0x1p-10;

// How many times the reference engine's observed rounding in a Hessian-vector product another
// engine's may be, at the same points, and still be excused as rounding (measure_hvp_noise).
constexpr double kRoundingExcuse = 16;

// The same values with every f32 one typed f64 (the f64-promoted programs' inputs).
eut::InputValues promoted(eut::InputValues values) {
  for (auto& [name, v] : values)
    if (v.dtype == DType::f32) v.dtype = DType::f64;
  return values;
}

// noise[j][k] = max(noise[j][k], |Δ|), Δ = moved − base of source j's Hessian-vector product,
// minus (moved64 − base64) when those are given (the true change, taken out). Products
// missing or mis-sized in any result are skipped.
void widen_by_change(std::vector<std::vector<double>>& noise, const eut::GradientResult& base,
                     const eut::GradientResult& moved, const eut::GradientResult* base64 = nullptr,
                     const eut::GradientResult* moved64 = nullptr) {
  auto product = [](const eut::GradientResult* r, std::size_t j, std::size_t n) -> const eut::Value* {
    if (!r || j >= r->values.size() || !r->values[j] || r->values[j]->data.size() != n) return nullptr;
    return &*r->values[j];
  };
  for (std::size_t j = 0; j < noise.size(); ++j) {
    const std::size_t n = noise[j].size();
    const eut::Value* b = product(&base, j, n);
    const eut::Value* m = product(&moved, j, n);
    const eut::Value* b64 = product(base64, j, n);
    const eut::Value* m64 = product(moved64, j, n);
    if (!b || !m || (base64 && (!b64 || !m64))) continue;
    for (std::size_t k = 0; k < n; ++k) {
      double d = m->data[k] - b->data[k];
      if (base64) d -= m64->data[k] - b64->data[k];
      d = std::abs(d);
      if (std::isfinite(d)) noise[j][k] = std::max(noise[j][k], d);
    }
  }
}

// Why an f32 product that departs from its f64-promoted copy beyond the floor is left open.
constexpr const char* kUnresolvedF32Departure =
    "the f32 product departs from the f64 one by less than the differences of the engine's own f32 gradient "
    "resolve: rounding inside its f32 backward passes or an f32-only error, undecided";

// One direction w: wᵀ(H u) from the nested tapes (engine) against the differences of the
// engine's gradient (reference ± error), and the verdict.
struct Entry {
  double engine = 0, reference = 0, error = 0, tolerance = 0;
  // An agreement of the screen: the first step of its differences and their stencil.
  double screen_h = 0;
  Stencil screen_stencil = Stencil::central;
  // 0 inconclusive (a kink), 1 agree, 2 mismatch, 3 inconclusive (steps too large),
  // 4 inconclusive (an f32 departure below what the engine's f32 gradient resolves)
  int state = 0;
  bool one_sided = false;  // judged by the one-sided difference at kinks (one_sided_at_kinks below)
  const char* kink_why = "a kink within the kink radius";  // state 0: why
};

// A direction whose every central stencil crosses a kink within the kink radius, with the
// point on kinks: the side of t whose piece the engine's rules take there (profile_kinks.hpp,
// second_order_kink_rule), where one-sided differences of φ are taken, their samples usable
// where their signature is that side's. Stencil::none with `why` where there is none.
struct AtKinks {
  Stencil stencil = Stencil::none;  // forward or backward
  Branches side;                    // the signature the samples keep
  // A disagreement is a mismatch: the rule decides the side (SecondOrderKinkRule::decides)
  // and the engine ran in f64, so its values lie on the kinks where the oracle's do. Otherwise
  // (f32 rounding, a kink within rounding of the point, a profile's first-order rules) the
  // engine may have taken another piece there, and only an agreement is a verdict.
  bool decisive = false;
  const char* why = "";
};

// `signature_at(t)`: the signature at x + t w (nullopt if it cannot be evaluated), read at
// ±h_floor (the kink radius); `base_ops`: which op recorded each side of `base`.
template <class SignatureAt>
AtKinks side_at_kinks(const SignatureAt& signature_at, const KinkArms& arms, const Branches& base,
                      const std::vector<const OpDef*>& base_ops, double h_floor, bool f64_engine) {
  AtKinks out;
  const std::optional<Branches> plus = signature_at(h_floor), minus = signature_at(-h_floor);
  if (!plus || !minus) {
    out.why = "a kink within the kink radius, and the program does not evaluate beside the point";
    return out;
  }
  const SecondOrderKinkRule rule = second_order_kink_rule(arms, base, base_ops, *plus, *minus);
  if (rule.stencil == KinkStencil::none) {
    out.why = rule.why;
    return out;
  }
  out.stencil = rule.stencil == KinkStencil::forward ? Stencil::forward : Stencil::backward;
  out.side = out.stencil == Stencil::forward ? *plus : *minus;
  out.decisive = rule.decides && f64_engine;
  return out;
}

// The screen that settles a direction without Ridders' tableaux (~64 runs of the engine): three
// central differences at h/2, h/4, h/8 (h Ridders' first step), two Richardson steps
// R = (4·d(h/4) − d(h/2))/3 and R' = (4·d(h/8) − d(h/4))/3 — the h² term out, as the tableaux'
// first column — and R' − R as its error, plus R''s rounding (5/3)·2·noise/(h/8). Trusted where
// that error is within screen_resolution of the direction's size or within twice the rounding
// floor of the tableaux' own smallest step (a Hessian vanishing along w — linear parts and
// exact zeros, common on random graphs — has size ~0 and is settled by the floor): the screen is
// then about as precise as the tableaux would be. True, and `e` agreed, when it is trusted and the
// nested tapes agree with R'. `tol(error, size)` is the tolerance model for such a reference.
// One-sided (`stencil` forward or backward, at kinks; `phi0` = φ(0)): differences
// d(s) = (φ(±s) − φ(0))/(±s), whose series is in h, so R = 2·d(h/4) − d(h/2) and
// R' = 2·d(h/8) − d(h/4), R''s rounding (5/2)·2·noise/(h/8), and the one-sided tableaux' floor
// (twice the central one). A gradient that jumps at 0 makes R' − R grow like R' itself: never
// trusted.
template <class ToleranceOf>
bool screen_agrees(const ScalarFunction& phi, const SecondOrderOptions& opt, double scale, double noise, double size,
                   Entry& e, const ToleranceOf& tol, Stencil stencil = Stencil::central, double phi0 = 0) {
  const bool central = stencil == Stencil::central;
  const double sign = stencil == Stencil::backward ? -1 : 1;
  const double h = opt.ridders_step * scale;
  const double k = central ? 4 : 2;  // the factor that takes out the leading term
  const double ridders_floor = (central ? 2 : 4) * noise * std::pow(opt.shrink, opt.levels - 1) / h;
  // Two stages of three differences each: steps h/2, h/4, h/8, then — where those resolve φ's
  // derivative only to more than the resolution (a curved φ: most unsettled directions of
  // small graphs, 701 of 817 on 823 fuzz inputs) — h/16, h/32, h/64, whose extrapolation error
  // is 8^(2 or 1) times smaller, for 6 runs instead of Ridders' tableaux (up to 64). The
  // resolution is the same at both stages.
  double d[6];
  for (int stage = 0; stage < 2; ++stage) {
    for (int i = 3 * stage; i < 3 * stage + 3; ++i) {
      const double step = h / (2 << i);
      if (central) {
        const Sample p = phi(step), m = phi(-step);
        if (!p.usable || !m.usable) return false;
        d[i] = (p.value - m.value) / (2 * step);
      } else {
        const Sample one = phi(sign * step);
        if (!one.usable) return false;
        d[i] = (one.value - phi0) / (sign * step);
      }
    }
    const double* s = d + 3 * stage;
    const double finest = h / (8 << (3 * stage));
    const double coarse = (k * s[1] - s[0]) / (k - 1), fine = (k * s[2] - s[1]) / (k - 1);
    const double error = std::abs(fine - coarse) + (central ? 5.0 / 3 : 5.0 / 2) * 2 * noise / finest;
    if (!std::isfinite(error)) return false;
    if (error > std::max(opt.screen_resolution * std::max(std::abs(fine), size), 2 * ridders_floor)) continue;
    const Tolerance t = tol(error, std::abs(fine));
    if (!within(e.engine, fine, t)) return false;
    e.reference = fine;
    e.error = error;
    e.tolerance = t.total();
    e.state = 1;
    e.screen_h = h / (2 << (3 * stage));
    e.screen_stencil = stencil;
    return true;
  }
  return false;
}

}  // namespace

std::vector<Finding> check_second_order(eut::EngineUnderTest& engine, const graph::Graph& g,
                                        const eut::InputValues& inputs, int gradient,
                                        const SecondOrderOptions& opt) {
  const HvpProgram prog = make_hvp_program(g, gradient, opt.seed, inputs);
  std::vector<Finding> out;
  const std::size_t n_slots = prog.statement.sources.size();
  auto finding = [&](std::size_t slot, Outcome o, std::string detail) {
    Finding f;
    f.oracle = "second_order";
    f.gradient = gradient;
    f.target = prog.statement.target;
    f.source = slot < n_slots ? prog.statement.sources[slot] : std::string();
    f.outcome = o;
    f.detail = std::move(detail);
    return f;
  };
  auto all = [&](Outcome o, const std::string& detail) {
    if (n_slots == 0) out.push_back(finding(0, o, detail));
    for (std::size_t s = 0; s < n_slots; ++s)
      out.push_back(finding(s, o, prog.why_not.size() > s && !prog.why_not[s].empty() ? prog.why_not[s] : detail));
    return out;
  };
  if (!prog.not_applicable.empty()) return all(Outcome::not_applicable, prog.not_applicable);
  if (!engine.capabilities().second_order)
    return all(Outcome::not_applicable, "the engine under test has no nested tapes");

  // The base point, in the graph's dtypes and promoted to f64: g's inputs and the inputs that
  // override intermediate sources (zero), which the first-order program holds both of.
  eut::InputValues base;
  try {
    base = eut::materialize_inputs(prog.first_order_native, inputs);
  } catch (const std::exception& e) {
    return all(Outcome::not_applicable, std::string("inputs: ") + e.what());
  }
  const eut::InputValues base64 = promoted(base);
  std::map<std::string, std::vector<double>> base_eval;
  for (const auto& [n, v] : base64) base_eval[n] = v.data;

  // The engine's Hessian-vector products.
  const eut::RunResult nested = engine.run(prog.nested, base);
  // The nested program's own gradients follow the graph's earlier ones: g, then the products.
  const std::size_t hvp_at = static_cast<std::size_t>(prog.earlier_gradients) + 1;
  if (nested.error || nested.gradients.size() <= hvp_at)
    return all(Outcome::inconclusive,
               "the engine could not run the nested-tape program" +
                   (nested.error ? ": " + std::string(eut::error_kind_phrase(nested.error->kind)) + ": " +
                                          nested.error->message
                                    : std::string()));
  const eut::GradientResult& hvp = nested.gradients[hvp_at];

  // The first-order program in the graph's own dtypes at the base point: run once, for
  // whichever of the tolerance context and the f32 values below needs it.
  std::optional<eut::RunResult> native_once;
  auto native_run = [&]() -> const eut::RunResult& {
    if (!native_once) native_once = engine.run(prog.first_order_native, base);
    return *native_once;
  };
  // Tolerances: the context of the first-order statement in the graph's own dtypes, with the
  // depth doubled for the backward pass of the backward pass.
  ToleranceContext ctx;
  // The first-order objective of this statement in the graph's own dtypes (not through an
  // earlier gradient): where the engine's first-order rounding changes with the point.
  std::optional<Objective> first_order_objective;
  {
    // Through an earlier gradient: the first statement's context (its forward part is this
    // one's innermost), with two more backward passes on top.
    const eut::SemanticsProfile& semantics = engine.semantics();
    Objective o = prog.through_earlier_gradient ? make_objective(g, inputs, 0, semantics)
                                                : make_objective(prog.first_order_native, inputs, 0, semantics);
    if (o.not_applicable.empty()) {
      ctx = o.tolerance;
    } else {
      // The objective cannot hold what this oracle holds (a stop_gradient inside a cond's
      // taken branch): the whole graph's context, in the dtypes the engine computes it in.
      std::map<std::string, TensorSpec> specs;
      for (const auto& [n, v] : base) specs[n] = {v.dtype, v.shape};
      for (const auto& [n, v] : native_run().values) specs[n] = {v.dtype, v.shape};
      ctx = whole_graph_tolerance(prog.through_earlier_gradient ? g : prog.first_order_native, specs);
    }
    // Through an earlier gradient the first statement's context misses what runs after that
    // gradient and before this statement: a cast of its results to f32 and back rounds this
    // statement's gradient (and its Hessian) to f32 although the first statement is all f64.
    // The least precise dtype any value of the first-order program has is the engine's unit.
    if (prog.through_earlier_gradient)
      for (const auto& [n, v] : native_run().values)
        if (is_floating(v.dtype)) ctx.engine_unit = std::max(ctx.engine_unit, unit_roundoff(v.dtype));
    ctx.depth = 2 * ctx.depth + 2;
    if (prog.through_earlier_gradient) ctx.depth = 2 * ctx.depth + 2;
    if (!prog.through_earlier_gradient && o.not_applicable.empty()) first_order_objective = std::move(o);
  }
  ToleranceContext ctx64 = ctx;
  ctx64.engine_unit = ctx64.oracle_unit = unit_roundoff(DType::f64);
  const bool has_f32 = ctx.engine_unit > unit_roundoff(DType::f64);

  // The first-order program as the outer tape sees it (stop_gradient values held, f32 values
  // that do not move as the engine computed them), the gradient at the base point, and the
  // base point's branch signature.
  Frozen frozen;
  Branches base_branches;
  const eut::RunResult no_run;
  const eut::RunResult* native_values = &no_run;
  eut::RunResult executed;
  try {
    if (has_f32) native_values = &native_run();
    // After an earlier gradient() the evaluator stops: the engine's forward values go on.
    executed = engine.run(prog.first_order, base64);
    frozen = freeze(prog.first_order, evaluate<double>(prog.first_order, base_eval, false), native_values->values,
                    executed.values, prog.sources, engine.semantics());
    for (const auto& [n, v] : frozen.values) base_eval[n] = v;
    base_branches = evaluate<double>(frozen.program, base_eval, true).branches;
  } catch (const std::exception& e) {
    return all(Outcome::not_applicable, std::string("the forward evaluation fails: ") + e.what());
  }
  if (!frozen.why.empty()) return all(Outcome::inconclusive, frozen.why);
  const graph::Graph& first_order = frozen.program;
  // With nothing held, the program is prog.first_order itself, already run at the base point.
  const Dot phi0 = dot_with(frozen.values.empty() ? executed : engine.run_for_gradients(first_order, base64), prog);
  // Whether the first-order program takes the base point's branches at moved inputs: compiled
  // once (a one-shot evaluate() compiles per call, a third of the oracle's time on the small
  // graphs fuzzing makes). Throws as evaluate() does, std::out_of_range for a missing input.
  Evaluator<double> branch_probe(first_order);
  // Through an earlier gradient the evaluator would stop at it and the ops after it would
  // record no sides (softsign of a value computed after one: soak graph 18514, whose
  // differences crossed its kink). The engine's values of that gradient at the same point carry
  // the probe on past it: the kinks of the program the engine differentiates, at its values.
  std::set<std::string> gradient_results;
  if (prog.through_earlier_gradient)
    graph::walk(first_order.body, [&](const graph::Statement& s, const graph::Place&) {
      if (const auto* gs = std::get_if<graph::Gradient>(&s.node)) gradient_results.insert(gs->results.begin(), gs->results.end());
    });
  GradientValues engine_gradients;
  auto branches_at = [&](const std::map<std::string, std::vector<double>>& at,
                         const eut::RunResult* engine_at = nullptr) -> const Branches& {
    for (std::size_t i = 0; i < first_order.inputs.size(); ++i) branch_probe.input(i) = at.at(first_order.inputs[i].name);
    if (gradient_results.empty()) {
      branch_probe.run(true);
      return branch_probe.branches();
    }
    eut::RunResult own;
    if (!engine_at) {
      eut::InputValues inputs64 = base64;
      for (auto& [name, v] : inputs64)
        if (const auto moved = at.find(name); moved != at.end()) v.data = moved->second;
      own = engine.run(first_order, inputs64);
      engine_at = &own;
    }
    if (engine_at->error) throw Error("the engine's first-order program fails at this point: " + engine_at->error->message);
    engine_gradients.values.clear();
    engine_gradients.specs.clear();
    for (const std::string& r : gradient_results)
      if (const auto v = engine_at->values.find(r); v != engine_at->values.end()) {
        engine_gradients.values[r] = v->second.data;
        engine_gradients.specs[r] = {v->second.dtype, v->second.shape};
      }
    branch_probe.run(true, engine_gradients);
    return branch_probe.branches();
  };
  if (!gradient_results.empty()) {
    try {
      base_branches = branches_at(base_eval);
    } catch (const std::exception& e) {
      return all(Outcome::not_applicable, std::string("the forward evaluation fails: ") + e.what());
    }
  }
  auto same_branches_at = [&](const std::map<std::string, std::vector<double>>& at) {
    return same_branches(branches_at(at), base_branches);
  };
  if (!phi0.ok) return all(Outcome::inconclusive, "the engine's first-order gradient at the base point is not finite or not defined");


  // The engine's rounding in its Hessian-vector products, observed. Where a second derivative
  // cancels to ~0 (Σ exp(log_softmax(x)) ≡ 1, og·sqrt(x + c)²) the a-priori model, relative
  // to the result, allows nothing, while the engine's HVP carries ~u·|terms that cancelled|.
  // The nested program is rerun with the checked sources moved, where the branch signature
  // stays; the change of its HVP is the true change plus the difference of two roundings.
  //  - always: a move of a few units of the source's rounding, too small for the true change
  //    to show;
  //  - graphs with f32, besides: a move of 2^-10·max(|x|, 1) — a few rounding units of x are
  //    often absorbed downstream (1 + 4.3 rounds to the same f32 either way) and show nothing —
  //    with the true change taken out by the same engine's f64-promoted nested program at the
  //    same two points, whose own rounding is 2^29 times smaller.
  // A systematic error moves little between two points this close, so it stays visible.
  // What an engine's products show at those moves is what it is excused, but only as far as the
  // function asks: an algorithm can amplify rounding where the function does not. torch 1.13's
  // cumprod backward divides by each factor unless it is exactly zero, so next to a factor of
  // 5.6e-17 its Hessian moves by 0.2 of 18.6 between points 4u apart, while the function's
  // Hessian is continuous there (docs/libtorch.md, seed 8 #588) — had that move been excused,
  // the error it measures would have been too. So for any engine but the reference, each
  // entry's observed move is capped at kRoundingExcuse times the reference engine's largest move
  // of the same source's products at the same points (the largest, because two or four probes
  // can leave one entry of the reference exactly where it was by chance): different summation
  // orders and formulas differ by small factors; a cancellation the function does not have
  // differs by orders of magnitude. The reference's own algorithms only widen the cap where
  // they are the less stable ones. Where any of the reference's probe runs fails, nothing is
  // capped; nor is a source whose products the reference's probes did not move at all.
  using NoiseTable = std::vector<std::vector<double>>;
  auto zero_noise = [&](const eut::GradientResult& products) {
    NoiseTable noise(prog.sources.size());
    for (std::size_t j = 0; j < prog.sources.size() && j < products.values.size(); ++j)
      if (products.values[j]) noise[j].assign(products.values[j]->data.size(), 0.0);
    return noise;
  };
  NoiseTable hvp_noise = zero_noise(hvp);
  // The f64-promoted nested program at the base point (graphs with f32): run once, when the
  // probes or a product that is not finite need it.
  std::optional<eut::RunResult> nested64;
  bool have64 = false;
  auto run_nested64 = [&] {
    if (!has_f32 || nested64) return;
    nested64 = engine.run(prog.nested_f64, base64);
    have64 = !nested64->error && nested64->gradients.size() > hvp_at;
  };
  // The probes run once, for the first direction that needs them: what they observe only
  // widens a tolerance (its engine part is the larger of the a-priori bound and the observed
  // rounding), so a direction the screen settles without them it settles with them too, and
  // most graphs' directions are settled so. A direction that is not is judged with them.
  bool noise_measured = false;
  auto measure_hvp_noise = [&] {
    if (noise_measured) return;
    noise_measured = true;
    run_nested64();
    // The moved points, chosen once; each engine is observed at the same ones.
    struct Probe {
      eut::InputValues at;
      bool large;  // the f32 probe: its true change taken out by the f64-promoted program
    };
    std::vector<Probe> probes;
    for (int run = 0; run < (has_f32 && have64 ? 4 : 2); ++run) {
      const bool large = run >= 2;  // runs 2 and 3: the f32 probe
      // Each element moved at random; where that changes the branch signature (a tie, an exact
      // zero or another kink at the base point: edge inputs put them there on purpose) the
      // sources are scaled instead, by 1 ± step each — a move along the ray keeps ties, zeros and
      // signs, and still changes every element's rounding. Where that changes it too (a source
      // sits exactly on a clip bound: any move leaves it) the sources are moved one at a time,
      // each kept only if the signature holds, so that one source on a kink does not hide every
      // other source's rounding (hypot(x, x) in f32 beside a clip at its bound: soak graph 419).
      eut::InputValues moved;
      std::map<std::string, std::vector<double>> moved_eval;
      auto move_source = [&](std::size_t j, bool radial) {
        eut::Value& xv = moved.at(prog.sources[j]);
        const std::vector<double> r = random_direction(xv.data.size(), second_order_stream(opt.seed, 0x6e, j, static_cast<std::uint64_t>(run)));
        const double step = large ? 0x1p-10 : 4 * unit_roundoff(xv.dtype);
        const double factor = 1 + step * (r.empty() || r[0] >= 0 ? 1 : -1);
        for (std::size_t k = 0; k < xv.data.size(); ++k)
          xv.data[k] = round_to_dtype(radial ? xv.data[k] * factor
                                             : xv.data[k] + step * std::max(std::abs(xv.data[k]), 1.0) * r[k],
                                      xv.dtype);
        moved_eval[prog.sources[j]] = xv.data;
      };
      auto keeps_branches = [&] {
        try {
          return same_branches_at(moved_eval);
        } catch (const std::exception&) {
          return false;
        }
      };
      enum class Move { every_source_at_random, every_source_radially, one_source_at_a_time };
      bool usable = false;
      for (const Move how : {Move::every_source_at_random, Move::every_source_radially, Move::one_source_at_a_time}) {
        moved = base;
        moved_eval = base_eval;
        if (how != Move::one_source_at_a_time) {
          for (std::size_t j = 0; j < prog.sources.size(); ++j) move_source(j, how == Move::every_source_radially);
          usable = keeps_branches();
        } else {
          for (std::size_t j = 0; j < prog.sources.size(); ++j) {
            const std::string& x = prog.sources[j];
            const eut::Value held = moved.at(x);
            move_source(j, false);
            if (keeps_branches()) {
              usable = true;
            } else {
              moved.at(x) = held;
              moved_eval[x] = held.data;
            }
          }
        }
        if (usable) break;
      }
      if (usable) probes.push_back({std::move(moved), large});
    }
    // Graphs with f32, besides: how far f32 rounding of the intermediates moves the Hessian.
    // The nested tapes differentiate the f32 program, whose every f32 value is rounded; the
    // finite differences difference the f64-promoted one, whose values are not. Where the
    // Hessian changes fast (H' ≫ H) that is a different point: clip_by_value(x, 0.9) is
    // 0.899999976 in f32 and a relative 2.6e-4 of H away in f64 (docs/properties.md, item 8).
    // The f64-promoted nested program is rerun with every value that is f32 in the graph
    // multiplied by 1 + δ, |δ| ≤ 2^-24, twice: the change of its HVP is that sensitivity.
    // An error in the engine's f32 HVP is not a rounding-sized move of its intermediates.
    std::vector<graph::Graph> jittered;
    if (has_f32 && have64) {
      std::map<std::string, TensorSpec> f32_values;
      for (const auto& [name, v] : native_values->values)
        if (v.dtype == DType::f32) f32_values[name] = {DType::f64, v.shape};
      // And the gradients the engine computes in f32 (the graph's earlier ones, the nested
      // program's inner g, named as in the first-order program): their rounding relative to
      // each element, differentiated by the outer tape, is no rounding of the product's own
      // terms (where Σ g ≡ 0 the product is 0 while each g_i moves with x). A cancellation
      // inside a VJP is below the g_i and not seen here: first_order_rounding_slope and the
      // through-an-earlier-gradient split below are for that.
      {
        std::size_t k = 0;
        graph::walk(prog.first_order_native.body, [&](const graph::Statement& st, const graph::Place&) {
          const auto* gs = std::get_if<graph::Gradient>(&st.node);
          if (!gs) return;
          if (k < native_values->gradients.size()) {
            const eut::GradientResult& r = native_values->gradients[k];
            for (std::size_t i = 0; i < gs->results.size() && i < r.values.size(); ++i)
              if (r.values[i] && r.values[i]->dtype == DType::f32)
                f32_values[gs->results[i]] = {DType::f64, r.values[i]->shape};
          }
          ++k;
        });
      }
      for (std::uint64_t r = 0; r < 2 && !f32_values.empty(); ++r) {
        graph::Graph& program = jittered.emplace_back(prog.nested_f64);
        std::vector<graph::Input> extra;
        jitter_block(program.body, f32_values, unit_roundoff(DType::f32), second_order_stream(opt.seed, 0x6a, r), extra);
        for (graph::Input& in : extra) program.inputs.push_back(std::move(in));
      }
    }
    // What `eng` shows at the probes, its products at the base point being `at_base` (and
    // `at_base64` of the f64-promoted program, with f32); false where a run failed.
    auto observe = [&](eut::EngineUnderTest& eng, const eut::GradientResult& at_base,
                       const eut::GradientResult* at_base64, NoiseTable& noise) {
      bool all_ran = true;
      auto products = [&](const eut::RunResult& r) -> const eut::GradientResult* {
        if (r.error || r.gradients.size() <= hvp_at) {
          all_ran = false;
          return nullptr;
        }
        return &r.gradients[hvp_at];
      };
      for (const Probe& p : probes) {
        const eut::RunResult again = eng.run_for_gradients(prog.nested, p.at);
        const eut::GradientResult* moved = products(again);
        if (!moved) continue;
        if (!p.large) {
          widen_by_change(noise, at_base, *moved);
          continue;
        }
        const eut::RunResult again64 = eng.run_for_gradients(prog.nested_f64, promoted(p.at));
        if (const eut::GradientResult* moved64 = products(again64))
          widen_by_change(noise, at_base, *moved, at_base64, moved64);
      }
      for (const graph::Graph& program : jittered) {
        const eut::RunResult moved = eng.run_for_gradients(program, base64);
        if (const eut::GradientResult* products64 = products(moved)) widen_by_change(noise, *at_base64, *products64);
      }
      return all_ran;
    };
    const eut::GradientResult* hvp64 = have64 ? &nested64->gradients[hvp_at] : nullptr;
    observe(engine, hvp, hvp64, hvp_noise);
    if (eut::is_reference_engine(engine) || (probes.empty() && jittered.empty())) return;
    const std::unique_ptr<eut::EngineUnderTest> reference = eut::make_reference_engine();
    const eut::RunResult reference_nested = reference->run_for_gradients(prog.nested, base);
    std::optional<eut::RunResult> reference_nested64;
    if (have64) reference_nested64 = reference->run_for_gradients(prog.nested_f64, base64);
    const eut::GradientResult* reference_hvp =
        reference_nested.error || reference_nested.gradients.size() <= hvp_at ? nullptr : &reference_nested.gradients[hvp_at];
    const eut::GradientResult* reference_hvp64 =
        !reference_nested64 || reference_nested64->error || reference_nested64->gradients.size() <= hvp_at
            ? nullptr
            : &reference_nested64->gradients[hvp_at];
    if (!reference_hvp || (have64 && !reference_hvp64)) return;
    NoiseTable reference_noise = zero_noise(*reference_hvp);
    if (!observe(*reference, *reference_hvp, reference_hvp64, reference_noise)) return;
    for (std::size_t j = 0; j < hvp_noise.size() && j < reference_noise.size(); ++j) {
      if (reference_noise[j].empty() || reference_noise[j].size() != hvp_noise[j].size()) continue;
      const double reference_moved = *std::max_element(reference_noise[j].begin(), reference_noise[j].end());
      // Not a move at all (one element, or f32 moves absorbed downstream): no measure of what
      // the function asks, and a cap of 0 would leave only the a-priori model, which allows
      // nothing where a second derivative cancels. Uncapped, as before.
      if (reference_moved == 0) continue;
      const double cap = kRoundingExcuse * reference_moved;
      for (double& moved : hvp_noise[j]) moved = std::min(moved, cap);
    }
  };
  // φ's rounding: relative to its terms, and never below the rounding of a unit tangent
  // carried through the gradient (Σ|u_k|): softmax at logits 45 apart absorbs e^-45 into 1
  // in f64, so the engine's gradient there is exact only to u·|u|, however small its value
  // (the propagated oracles' reference error has the same floor, propagated.cpp).
  double unit_tangent = 0;
  for (const auto& [name, u] : prog.u)
    for (double uk : u) unit_tangent += std::abs(uk);
  const double noise = rounding_bound(ctx64, ctx64.engine_unit, std::max(phi0.magnitude, unit_tangent));
  const double radius = kink_radius(ctx);
  // At a point on kinks, whose rules say which side of φ the nested tapes differentiate: the
  // op table's rows' for an engine that takes them, else those its profile states.
  const KinkArms arms =
      engine.capabilities().table_kink_rules ? KinkArms::of_table() : KinkArms::stated_by(engine.semantics());
  std::optional<std::vector<const OpDef*>> base_ops;  // which op recorded each base side, once needed
  auto ensure_base_ops = [&]() -> const std::vector<const OpDef*>& {
    if (!base_ops) {
      try {
        branches_at(base_eval);
        base_ops = branch_probe.branch_ops();
      } catch (const std::exception&) {
        base_ops.emplace();
      }
    }
    return *base_ops;
  };
  // Whether the base point puts an op on its kink (side 0) where the engine's semantics
  // profile says its derivative is NaN (torch's hypot at the origin, row 30). There the
  // first-order checks take a non-finite gradient as inconclusive (comparison.cpp); the nested
  // tapes differentiate that NaN once more, and it reaches every source's product (relu(x) = 0
  // into hypot(relu(x), relu(x)) made x0's and x3's products NaN: libtorch seed 12, graph 904).
  auto on_a_nan_kink = [&]() {
    const std::vector<const OpDef*>& ops = ensure_base_ops();
    for (std::size_t i = 0; i < base_branches.sides.size() && i < ops.size(); ++i)
      if (ops[i] && base_branches.sides[i] == 0 && engine.semantics().op(*ops[i]).nan_at_kink) return true;
    return false;
  };

  // Where the product itself leaves f32's range — an entry of the f64-promoted nested
  // program's Hessian-vector product beyond FLT_MAX for a source whose product the engine
  // computes in f32 (the row of an intermediate of magnitude ~1e-39 under reduce_std is ~1e38)
  // — no f32 engine can give it, and the rows computed from it in reverse mode are inf·0 = NaN.
  // A non-finite product is then no evidence either way: inconclusive, with the entry named.
  // Looked for once, where a product is not finite.
  std::optional<std::string> beyond_f32_range_once;
  auto beyond_f32_range = [&]() -> const std::string& {
    if (beyond_f32_range_once) return *beyond_f32_range_once;
    std::string& beyond = beyond_f32_range_once.emplace();
    run_nested64();
    // An f32 value of the first-order program that is subnormal: its reciprocal (solve(A, A)
    // with A ~ -1e-40, whose derivative is 0) overflows inside any f32 backward pass.
    if (has_f32)
      for (const auto& [name, v] : native_values->values) {
        if (v.dtype != DType::f32 || !beyond.empty()) continue;
        for (double q : v.data)
          if (graph::subnormal_f32(q)) {
            beyond = name + " = " + format_number(q) + " is subnormal in f32: a reciprocal of it is beyond f32's "
                     "range inside the engine's backward passes, and what they compute from it need not be finite";
            break;
          }
      }
    if (!beyond.empty() || !(has_f32 && have64)) return beyond;
    const eut::GradientResult& wide = nested64->gradients[hvp_at];
    for (std::size_t i = 0; i < hvp.values.size() && i < wide.values.size() && beyond.empty(); ++i) {
      if (!hvp.values[i] || hvp.values[i]->dtype != DType::f32 || !wide.values[i]) continue;
      for (double v : wide.values[i]->data)
        if (graph::overflows_f32(v)) {
          beyond = "the Hessian-vector product for " + prog.sources[i] + " has an entry " + format_number(v) +
                   " (the engine's f64-promoted nested tapes), beyond f32's range: an f32 engine cannot "
                   "represent it, and what reverse mode computes from it is not finite";
          break;
        }
    }
    return beyond;
  };

  // The f32 floor of a product (below): the rounding of the largest value or gradient entry of
  // the f64-promoted nested program, once.
  std::optional<double> f32_floor_once;
  auto f32_floor = [&]() {
    if (f32_floor_once) return *f32_floor_once;
    double largest = 0;
    auto take = [&](const eut::Value& v) {
      for (double q : v.data)
        if (std::isfinite(q)) largest = std::max(largest, std::abs(q));
    };
    if (have64) {
      for (const auto& [name, v] : nested64->values) take(v);
      for (const eut::GradientResult& r : nested64->gradients)
        for (const std::optional<eut::Value>& v : r.values)
          if (v) take(*v);
    }
    const double f = std::max(ctx.op_factor, 1.0);
    f32_floor_once = kEngineSafety * f * rounding_bound(ctx, ctx.engine_unit, largest);
    return *f32_floor_once;
  };

  // How far the slope along w of <g, u> computed from the engine's own f32 gradient departs
  // from the same slope of its f64-promoted gradient φ: central differences of both at the
  // same steps h and h/2, so that their truncation cancels and what is left is the derivative
  // of the f32 gradient's own error. x moves in its dtype (the
  // offset actually taken along w is what the f32 difference divides by); every point must
  // keep the base point's branches. Its error: the change from h to h/2 and the f32 rounding
  // of φ over the step. nullopt where a point is not usable.
  struct Drift {
    double value = 0, error = 0;
  };
  auto f32_gradient_drift = [&](const std::string& x, const std::vector<double>& w, double scale,
                                const ScalarFunction& phi64) -> std::optional<Drift> {
    double ww = 0;
    for (double wk : w) ww += wk * wk;
    if (!(ww > 0)) return std::nullopt;
    auto phi32 = [&](double t) {
      Sample sample;
      eut::InputValues at = base;
      eut::Value& xv = at.at(x);
      std::map<std::string, std::vector<double>> at_eval = base_eval;
      std::vector<double>& xe = at_eval[x];
      double along = 0;
      for (std::size_t k = 0; k < xv.data.size() && k < w.size(); ++k) {
        const double moved = round_to_dtype(xv.data[k] + t * w[k], xv.dtype);
        along += (moved - xv.data[k]) * w[k];
        xv.data[k] = moved;
        xe[k] = moved;
      }
      try {
        if (!same_branches_at(at_eval)) return sample;
      } catch (const std::exception&) {
        return sample;
      }
      const Dot v = dot_with(engine.run_for_gradients(prog.first_order_native, at), prog);
      sample.value = v.value;
      sample.usable = v.ok && std::isfinite(v.value);
      sample.offset = along / ww;
      return sample;
    };
    // The largest steps that cross no kink, from four times the tableaux' first (f32's
    // rounding of φ over the step is then 4× smaller) down as the tableaux' starts go.
    for (const double factor : {4.0, 1.0, 1.0 / 8, 1.0 / 64, 1.0 / 512}) {
      const double h = factor * opt.ridders_step * scale;
      double drift[2] = {0, 0};
      bool usable = true;
      for (int i = 0; i < 2 && usable; ++i) {
        const double step = i == 0 ? h : h / 2;
        const Sample p32 = phi32(step), m32 = phi32(-step), p64 = phi64(step), m64 = phi64(-step);
        usable = p32.usable && m32.usable && p64.usable && m64.usable && p32.offset > m32.offset;
        if (usable) drift[i] = (p32.value - m32.value) / (p32.offset - m32.offset) - (p64.value - m64.value) / (2 * step);
      }
      if (!usable) continue;
      const double rounding = 2 * ctx.engine_unit * std::max(phi0.magnitude, unit_tangent) / (h / 2);
      return Drift{drift[1], std::abs(drift[0] - drift[1]) + rounding};
    }
    return std::nullopt;
  };

  std::optional<bool> kink_near;  // computed once, for the first disagreement in an f32 graph
  auto kink_within_engine_rounding = [&] {
    if (!kink_near) kink_near = kink_within_rounding(first_order, base_eval, base_branches, radius, 0x6b696e6bULL);
    return *kink_near;
  };

  std::size_t checked = 0;
  for (std::size_t slot = 0; slot < n_slots; ++slot) {
    if (!prog.why_not[slot].empty()) {
      out.push_back(finding(slot, Outcome::not_applicable, prog.why_not[slot]));
      continue;
    }
    const std::size_t j = checked++;
    const std::string& x = prog.sources[j];
    const std::vector<double>& x0 = base64.at(x).data;
    const std::optional<eut::Value>& h = j < hvp.values.size() ? hvp.values[j] : std::nullopt;
    if (h && h->data.size() != x0.size()) {
      out.push_back(finding(slot, Outcome::mismatch,
                            "the Hessian-vector product for " + x + " has shape " + h->shape.str() +
                                ", not the source's"));
      continue;
    }
    if (h && std::any_of(h->data.begin(), h->data.end(), [](double v) { return !std::isfinite(v); })) {
      if (!beyond_f32_range().empty()) {
        out.push_back(finding(slot, Outcome::inconclusive, beyond_f32_range()));
        continue;
      }
      if (on_a_nan_kink()) {
        out.push_back(finding(slot, Outcome::inconclusive,
                              "the product is not finite and the point lies on a kink where the engine's semantics "
                              "profile gives a NaN derivative (torch's hypot at the origin)"));
        continue;
      }
    }
    const double scale = point_scale(x0);
    std::vector<Entry> entries;
    for (int d = 0; d < opt.directions; ++d) {
      const std::vector<double> w = random_direction(x0.size(), second_order_stream(opt.seed, 0x77, j, static_cast<std::uint64_t>(d)));
      Entry e;
      double terms = 0, observed = 0;  // observed: 0 until the probes have run
      for (std::size_t k = 0; k < w.size(); ++k) {
        const double hk = h ? h->data[k] : 0.0;  // None: a structural zero
        e.engine += hk * w[k];
        terms += std::abs(hk * w[k]);
      }
      auto moved_eval = [&](double t) {
        std::map<std::string, std::vector<double>> at_eval = base_eval;
        std::vector<double>& xv = at_eval[x];
        for (std::size_t k = 0; k < xv.size(); ++k) xv[k] += t * w[k];
        return at_eval;
      };
      auto observe = [&] {
        measure_hvp_noise();
        observed = 0;
        for (std::size_t k = 0; k < w.size() && k < hvp_noise[j].size(); ++k) observed += hvp_noise[j][k] * std::abs(w[k]);
        // The change along w of the engine's first-order rounding (running_error.hpp), which the
        // nested tapes differentiate with the rest of the first-order pass: each side used where
        // it keeps the base point's branches.
        if (first_order_objective) {
          const double step = kRoundingSlopeStep * scale;
          auto keeps = [&](double t) {
            try {
              return same_branches_at(moved_eval(t));
            } catch (const std::exception&) {
              return false;
            }
          };
          observed += kRoundingsPerNode * first_order_rounding_slope(*first_order_objective, x, w, step, keeps(step),
                                                                     keeps(-step), prog.u);
        }
      };
      // φ(t) = <g(x + t w), u>: usable only where the branch signature is `side`'s — the base
      // point's, or for a one-sided difference at kinks the signature on that side.
      auto phi_on = [&](const Branches& side) -> ScalarFunction {
        return [&, side = &side](double t) {
          Sample s;
          const std::map<std::string, std::vector<double>> at_eval = moved_eval(t);
          eut::InputValues at = base64;
          at.at(x).data = at_eval.at(x);
          // Run first where the signature needs the engine's earlier gradient at this point.
          std::optional<eut::RunResult> run;
          if (!gradient_results.empty()) run = engine.run(first_order, at);
          try {
            if (!same_branches(branches_at(at_eval, run ? &*run : nullptr), *side)) return s;
          } catch (const std::exception&) {
            return s;
          }
          if (!run) run = engine.run_for_gradients(first_order, at);
          const Dot v = dot_with(*run, prog);
          s.value = v.value;
          s.usable = v.ok;
          return s;
        };
      };
      // Each point of φ is one engine run: the screens before and after the probes (and
      // Ridders' tableaux, where their steps meet) take the same points, so each is run once.
      std::map<double, Sample> phi_at;
      const ScalarFunction phi_once = phi_on(base_branches);
      const ScalarFunction phi = [&](double t) {
        const auto seen = phi_at.find(t);
        return seen != phi_at.end() ? seen->second : phi_at.emplace(t, phi_once(t)).first->second;
      };
      const double bound = std::max(terms, std::abs(e.engine));
      auto screen_tolerance = [&](double error, double size) {
        return tolerance(ctx, error, std::max(bound, size), observed);
      };
      // An agreement whose tolerance admits the product's own size says little, and where the
      // differences do not resolve the point it says nothing: reduce_std of f32 values ~1e-39
      // (soak graph 152076) has Hessian rows ~1e38 — nested tapes 9.5e37 in f32 and in f64 —
      // while steps ~1e-2 see its cone from afar (differences 126, ~1/h), and the probes'
      // observed rounding made the tolerance 6e38. Such an agreement is inconclusive (scale).
      auto says_nothing = [&](const ScalarFunction& line, const DerivativeEstimate& est) {
        return e.state == 1 && e.engine != 0 && e.tolerance >= std::abs(e.engine) &&
               !steps_resolve_point(line, phi0.value, est, noise);
      };
      auto screened = [&] {
        DerivativeEstimate est;
        est.value = e.reference;
        est.stencil = e.screen_stencil;
        est.h = e.screen_h;
        return est;
      };
      if (opt.screen && !noise_measured && screen_agrees(phi, opt, scale, noise, bound, e, screen_tolerance)) {
        if (says_nothing(phi, screened())) e.state = 3;
        entries.push_back(e);  // agrees without the observed rounding
        continue;
      }
      observe();
      if (opt.screen && screen_agrees(phi, opt, scale, noise, bound, e, screen_tolerance)) {
        if (says_nothing(phi, screened())) e.state = 3;
        entries.push_back(e);
        continue;
      }
      const RiddersOptions ro = ridders_options(opt, scale, radius, noise);
      DerivativeEstimate est = ridders_derivative(phi, phi0.value, ro);
      AtKinks kinks;  // where no central stencil is usable
      if (!est.ok()) {
        auto signature_at = [&](double t) -> std::optional<Branches> {
          try {
            return branches_at(moved_eval(t));
          } catch (const std::exception&) {
            return std::nullopt;
          }
        };
        kinks = side_at_kinks(signature_at, arms, base_branches, ensure_base_ops(), ro.h_floor, !has_f32);
        if (kinks.stencil != Stencil::none) {
          e.one_sided = true;
          // At a kink in f32 the observed rounding is no rounding: the probe's moves, whose
          // signatures are checked in f64, can carry the engine's f32 values across the kink,
          // and the change of its product there is the jump of H.
          if (has_f32) observed = 0;
          const ScalarFunction one_side = phi_on(kinks.side);
          if (opt.screen &&
              screen_agrees(one_side, opt, scale, noise, bound, e, screen_tolerance, kinks.stencil, phi0.value)) {
            if (says_nothing(one_side, screened())) e.state = 3;
            entries.push_back(e);
            continue;
          }
          est = ridders_one_sided(one_side, phi0.value, kinks.stencil, ro);
          if (!est.ok()) kinks.why = "a kink within the kink radius, and no one-sided step on the rules' side is usable";
        }
      }
      if (!est.ok()) {
        e.one_sided = false;
        e.kink_why = kinks.why;
        entries.push_back(e);  // inconclusive: a kink within the kink radius
        continue;
      }
      const ScalarFunction line = e.one_sided ? phi_on(kinks.side) : phi;
      // A one-sided difference starts at φ(0), the engine's gradient at the point: where that is
      // not the limit of φ on the rules' side (its value there is another piece's) the quotients
      // grow like the jump over the step, and their garbage must not be compared.
      if (e.one_sided && !steps_resolve_point(line, phi0.value, est, noise)) {
        e.one_sided = false;
        e.kink_why = "at a kink the engine's gradient is not continuous from the side whose piece the rules take";
        entries.push_back(e);
        continue;
      }
      e.reference = est.value;
      e.error = est.error;
      const Tolerance tol = tolerance(ctx, est.error, std::max(bound, std::abs(est.value)), observed);
      e.tolerance = tol.total();
      e.state = within(e.engine, e.reference, tol) ? 1 : 2;
      // In f32 the engine's product carries the rounding inside its double backward, which
      // the oracle does not trace: logsumexp's VJP of its VJP cancels terms ~|w| into a
      // product ~1e-5 (soak graph 104718, chaotic ±5e-8 from point to point); hypot(1, 9e-5)
      // absorbs the small operand in f32, so the f32 product is exactly 0 where the true one
      // is 5e-9 (115451); and through an earlier gradient, that gradient's VJPs are
      // differentiated once more: batch_norm's VJP cancels terms ~|w|/σ to Σ g ≡ 0, and the f32
      // residue is a smooth function of x (14439, 44404). None of it is a rounding of the
      // product's own terms. So the product is judged in two parts: the engine's f64-promoted
      // nested tapes against the differences — every error that does not depend on the
      // dtype, at the same tolerance — and the f32 product against the f64 one, within the
      // rounding of the largest value the nested program holds (the a-priori floor first
      // order gives engines with their own kernels).
      if (e.state == 2 && has_f32 && have64) {
        double e64 = 0;
        const eut::GradientResult& wide = nested64->gradients[hvp_at];
        const bool sized = j < wide.values.size() && wide.values[j] && wide.values[j]->data.size() == w.size();
        for (std::size_t k = 0; sized && k < w.size(); ++k) e64 += wide.values[j]->data[k] * w[k];
        const double floor = f32_floor();
        if (sized && within(e64, e.reference, tol) && std::abs(e.engine - e64) <= floor) {
          e.state = 1;
          e.tolerance = tol.total() + floor;  // what |engine − reference| was allowed, in all
        } else if (sized && !e.one_sided && within(e64, e.reference, tol)) {
          // Beyond the floor, the f32 product is judged as what it is: the derivative of the
          // engine's own f32 gradient. Rounding inside that gradient's VJPs is a smooth function
          // of x wherever the branches hold — batch_norm's r·(g − mean g − …) rounds mean g
          // once, and differentiated twice more (σ² + ε)^-½ makes it ~1e-3 (soak 86186); two
          // f32 cancellations (solve, +1.24, solve, −333.12) do the same to 1e-3 relative
          // (167671) — so the engine's f32 product departs from the f64 one by that function's
          // derivative, which the differences of its f32 gradient show too. An error of the
          // f32 double backward alone is no derivative of the f32 gradient and stays visible;
          // an error in the f32 gradient itself is the first-order oracles' to catch.
          const std::optional<Drift> own = f32_gradient_drift(x, w, scale, phi);
          if (own) {
            const double departure = e.engine - e64;
            const Tolerance tol32 = tolerance(ctx, own->error, std::max(bound, std::abs(e64)), observed);
            if (std::abs(departure) <= tol32.total()) {
              e.state = 4;  // as far as the drift is uncertain: no evidence either way
            } else if (within(departure, own->value, tol32)) {
              e.state = 1;
              e.tolerance = tol32.total();
            }
          }
        }
      }
      if (says_nothing(line, est)) e.state = 3;
      if (e.state == 2 && !steps_resolve_point(line, phi0.value, est, noise)) e.state = 3;
      if (e.state == 2 && !e.one_sided && finer_steps_side_with(line, est, e.engine, noise)) e.state = 3;
      if (e.state == 2 && e.one_sided && !kinks.decisive) {
        e.state = 0;
        e.kink_why = "at a kink the engine may take another piece (its rounding, or its double backward's own "
                     "rule): it disagrees with the one-sided difference on the side whose piece the rules take";
      }
      // A kink this direction's line does not reach may lie within the engine's f32 rounding of
      // the point through another source (minimum(square(selu(x2)), c0) with c0 one f32 unit
      // from the square, x0's row: libtorch seed 16 #232, where torch's f32 selu is one ulp
      // above the correctly rounded value and its nested tapes take the other piece). As the
      // first-order oracles do: every input moved by the engine's rounding at once.
      if (e.state == 2 && has_f32 && gradient_results.empty() && kink_within_engine_rounding()) {
        e.state = 0;
        e.kink_why = "a kink within the engine's f32 rounding of the point (moving every input by it changes the "
                     "branch signature): the engine's values may lie on another piece";
      }
      entries.push_back(e);
    }

    Finding f = finding(slot, Outcome::agree, "");
    // The numbers side by side, one entry per direction w: wᵀ(H u) from the nested tapes and
    // from the differences of the engine's gradient.
    for (const Entry& e : entries) {
      EntryCheck c;
      c.state = e.state == 1 ? EntryCheck::State::agree
                : e.state == 2 ? EntryCheck::State::mismatch
                               : EntryCheck::State::inconclusive;
      c.engine = e.engine;
      c.reference = e.reference;
      c.error = e.error;
      c.tolerance = e.tolerance;
      if (e.state == 0) {
        c.why = e.kink_why;
        c.reason = "kink";
      } else if (e.one_sided) {
        c.why = "at a kink: the one-sided difference on the side whose piece the engine's rules take";
      }
      if (e.state == 3) {
        c.why = "the differences do not resolve the gradient near the point (it varies on a scale below the smallest step)";
        c.reason = "scale";
      }
      if (e.state == 4) {
        c.why = kUnresolvedF32Departure;
        c.reason = "rounding";
      }
      f.evidence.entries.push_back(c);
    }
    f.evidence.directions = true;
    f.evidence.shape = {static_cast<std::int64_t>(entries.size())};
    int worst = -1, mismatches = 0, unresolved = 0, f32_unresolved = 0, one_sided = 0;
    double worst_ratio = -1;
    for (std::size_t i = 0; i < entries.size(); ++i) {
      const Entry& e = entries[i];
      if (e.state == 0 || e.state == 3 || e.state == 4) {
        ++f.entries_inconclusive;
        unresolved += e.state == 3;
        f32_unresolved += e.state == 4;
        continue;
      }
      ++f.entries_checked;
      mismatches += e.state == 2;
      one_sided += e.one_sided;
      const double err = std::abs(e.engine - e.reference);
      const double ratio = e.tolerance > 0 ? err / e.tolerance : (err > 0 ? INFINITY : 0);
      f.max_abs_error = std::max(f.max_abs_error, err == err ? err : INFINITY);
      f.max_rel_error = std::max(f.max_rel_error, relative_error(e.engine, e.reference));
      if (worst < 0 || ratio > worst_ratio || !(ratio == ratio)) {
        worst = static_cast<int>(i);
        worst_ratio = ratio == ratio ? ratio : INFINITY;
        f.tolerance = e.tolerance;
      }
    }
    const std::string what = "wᵀ(H u) for " + x + (h ? "" : " (the engine's product is None: zeros)");
    const int at_kinks = f.entries_inconclusive - unresolved - f32_unresolved;
    std::string kinks;
    if (at_kinks) kinks += "; " + std::to_string(at_kinks) + " direction(s) inconclusive (a kink within the kink radius)";
    if (unresolved)
      kinks += "; " + std::to_string(unresolved) +
               " direction(s) inconclusive (the gradient varies on a scale below the smallest step)";
    if (f32_unresolved)
      kinks += "; " + std::to_string(f32_unresolved) + " direction(s) inconclusive (" + kUnresolvedF32Departure + ")";
    if (one_sided)
      kinks += "; " + std::to_string(one_sided) +
               " direction(s) judged one-sided at a kink (the side whose piece the engine's rules take)";
    if (mismatches) {
      const Entry& e = entries[static_cast<std::size_t>(worst)];
      f.outcome = Outcome::mismatch;
      f.detail = what + ": " + std::to_string(mismatches) + " of " + std::to_string(entries.size()) +
                 " directions disagree; worst: nested tapes " + format_number(e.engine) +
                 ", finite differences of the engine's gradient " + format_number(e.reference) + " ± " + format_number(e.error) +
                 " (tolerance " + format_number(e.tolerance) + ")" + kinks;
    } else if (f.entries_checked == 0) {
      f.outcome = entries.empty() ? Outcome::not_applicable : Outcome::inconclusive;
      f.detail = entries.empty() ? x + ": no directions requested"
                                 : unresolved + f32_unresolved == 0 ? what + ": every direction crosses a kink within the kink radius; "
                                                            "no usable stencil (" + entries.front().kink_why + ")"
                                                   : what + ": no direction decided" + kinks;
    } else {
      f.detail = what + ": " + std::to_string(f.entries_checked) + " direction(s) agree (max relative error " +
                 format_number(f.max_rel_error) + ")" + kinks;
    }
    out.push_back(std::move(f));
  }
  return out;
}

}  // namespace tc::oracles
