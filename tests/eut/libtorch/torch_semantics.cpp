#include "tests/eut/libtorch/torch_semantics.hpp"

#include <algorithm>
#include <optional>
#include <set>
#include <string>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "engine/core/dtype.hpp"
#include "engine/ops/op_rows.hpp"
#include "engine/ops/op_table.hpp"
#include "eut/semantics_profile.hpp"
#include "graph/validate.hpp"

namespace tc::test::torch_semantics {
namespace {

using graph::Block;
using graph::OpStmt;
using graph::Statement;

// Fresh SSA names for the statements a rewrite adds.
class Names {
 public:
  explicit Names(const graph::Graph& g) {
    for (const graph::Input& in : g.inputs) taken_.insert(in.name);
    collect(g.body);
  }
  std::string fresh() {
    std::string n;
    do n = "%torch" + std::to_string(next_++);
    while (taken_.count(n));
    taken_.insert(n);
    return n;
  }

 private:
  void collect(const Block& b) {
    for (const Statement& s : b)
      std::visit(
          [&](const auto& node) {
            using T = std::decay_t<decltype(node)>;
            if constexpr (std::is_same_v<T, OpStmt>) taken_.insert(node.result);
            if constexpr (std::is_same_v<T, graph::Record> || std::is_same_v<T, graph::StopRecording>)
              collect(node.body);
            if constexpr (std::is_same_v<T, graph::Cond>) {
              taken_.insert(node.results.begin(), node.results.end());
              collect(node.then_body);
              collect(node.else_body);
            }
            if constexpr (std::is_same_v<T, graph::While>) {
              taken_.insert(node.results.begin(), node.results.end());
              taken_.insert(node.params.begin(), node.params.end());
              collect(node.cond_body);
              collect(node.body);
            }
            if constexpr (std::is_same_v<T, graph::Gradient>) taken_.insert(node.results.begin(), node.results.end());
          },
          s.node);
  }
  std::set<std::string> taken_;
  int next_ = 0;
};

Statement op(std::string result, std::string name, std::vector<std::string> operands, OpAttrs attrs = {},
             graph::Location loc = {}) {
  return {OpStmt{std::move(result), std::move(name), std::move(operands), std::move(attrs)}, loc};
}

// Replaces every OpStmt (at any depth) for which `rewrite` returns statements by those.
// `rewrite(op, loc)`, or `rewrite(op, loc, recording)` with recording = torch's grad mode there
// (inside some record block and no stop_recording block).
template <class F>
void rewrite_ops(Block& block, F&& rewrite, int open = 0, int paused = 0) {
  Block out;
  for (Statement& s : block) {
    if (auto* o = std::get_if<OpStmt>(&s.node)) {
      std::vector<Statement> replacement;
      if constexpr (std::is_invocable_v<F, const OpStmt&, graph::Location, bool>)
        replacement = rewrite(*o, s.loc, open > 0 && paused == 0);
      else
        replacement = rewrite(*o, s.loc);
      if (!replacement.empty()) {
        for (Statement& r : replacement) out.push_back(std::move(r));
        continue;
      }
    } else if (auto* r = std::get_if<graph::Record>(&s.node)) {
      rewrite_ops(r->body, rewrite, open + 1, paused);
    } else if (auto* p = std::get_if<graph::StopRecording>(&s.node)) {
      rewrite_ops(p->body, rewrite, open, paused + 1);
    } else if (auto* c = std::get_if<graph::Cond>(&s.node)) {
      rewrite_ops(c->then_body, rewrite, open, paused);
      rewrite_ops(c->else_body, rewrite, open, paused);
    } else if (auto* w = std::get_if<graph::While>(&s.node)) {
      rewrite_ops(w->cond_body, rewrite, open, paused);
      rewrite_ops(w->body, rewrite, open, paused);
    }
    out.push_back(std::move(s));
  }
  block = std::move(out);
}

// A zero of x's dtype and shape that no tape connects to anything: stop_gradient(x) - itself.
std::vector<Statement> constant_zero(Names& names, const std::string& x, std::string& zero) {
  const std::string cut = names.fresh();
  zero = names.fresh();
  return {op(cut, "stop_gradient", {x}), op(zero, "sub", {cut, cut})};
}

// --- tapes ------------------------------------------------------------------------------------

// A trainable variable is a leaf with requires_grad from the start: every tape watches it, in
// every tape (watch_accessed_variables=false has no torch equivalent) and even unread.
graph::Graph trainable_variables_require_grad(const graph::Graph& g) {
  graph::Graph out = g;
  std::vector<std::string> trainable;
  for (const graph::Input& in : g.inputs)
    if (in.kind == graph::InputKind::variable && in.trainable && is_floating(in.dtype)) trainable.push_back(in.name);
  if (trainable.empty()) return out;
  Block prefix;
  for (const graph::TapeDecl& t : g.tapes) prefix.push_back({graph::Watch{t.name, trainable}, {}});
  out.body.insert(out.body.begin(), prefix.begin(), prefix.end());
  return out;
}

// One autograd graph and one grad mode: an op is recorded for every tape when some tape records
// and no stop_recording encloses it; watch() is requires_grad_(), seen by every tape.
class OneGraph {
 public:
  explicit OneGraph(const graph::Graph& g) : g_(g) {}

  Block block(const Block& in) {
    Block out;
    for (const Statement& s : in) statement(s, out);
    return out;
  }

 private:
  bool recording() const { return open_ > 0 && paused_ == 0; }

  // `body` inside nested blocks of kind T for every tape.
  template <class T>
  Statement every_tape(Block body, graph::Location loc) const {
    for (auto t = g_.tapes.rbegin(); t != g_.tapes.rend(); ++t) body = {Statement{T{t->name, std::move(body)}, loc}};
    return std::move(body.front());
  }

  void statement(const Statement& s, Block& out) {
    if (const auto* r = std::get_if<graph::Record>(&s.node)) {
      const bool was = recording();
      ++open_;
      Block body = block(r->body);
      --open_;
      if (!was && paused_ == 0 && !g_.tapes.empty())
        out.push_back(every_tape<graph::Record>(std::move(body), s.loc));
      else
        out.insert(out.end(), body.begin(), body.end());
    } else if (const auto* p = std::get_if<graph::StopRecording>(&s.node)) {
      const bool was = recording();
      ++paused_;
      Block body = block(p->body);
      --paused_;
      if (was)
        out.push_back(every_tape<graph::StopRecording>(std::move(body), s.loc));
      else
        out.insert(out.end(), body.begin(), body.end());
    } else if (const auto* w = std::get_if<graph::Watch>(&s.node)) {
      for (const graph::TapeDecl& t : g_.tapes) out.push_back({graph::Watch{t.name, w->values}, s.loc});
    } else if (const auto* c = std::get_if<graph::Cond>(&s.node)) {
      graph::Cond copy = *c;
      copy.then_body = block(c->then_body);
      copy.else_body = block(c->else_body);
      out.push_back({std::move(copy), s.loc});
    } else if (const auto* l = std::get_if<graph::While>(&s.node)) {
      graph::While copy = *l;
      copy.cond_body = block(l->cond_body);
      copy.body = block(l->body);
      out.push_back({std::move(copy), s.loc});
    } else {
      out.push_back(s);
    }
  }

  const graph::Graph& g_;
  int open_ = 0, paused_ = 0;
};

graph::Graph one_autograd_graph(const graph::Graph& g) {
  graph::Graph out = g;
  out.body = OneGraph(g).block(g.body);
  return out;
}

// Replaces uses of `from` by `to` in the statements that read values (ops, cond predicates
// and yields, while inits and yields, watches); gradient targets and sources keep naming
// `from`.
void rename_uses(Block& block, const std::string& from, const std::string& to) {
  auto swap = [&](std::string& name) {
    if (name == from) name = to;
  };
  auto swap_all = [&](std::vector<std::string>& names) {
    for (std::string& n : names) swap(n);
  };
  for (Statement& s : block) {
    if (auto* o = std::get_if<OpStmt>(&s.node)) {
      swap_all(o->operands);
    } else if (auto* w = std::get_if<graph::Watch>(&s.node)) {
      swap_all(w->values);
    } else if (auto* r = std::get_if<graph::Record>(&s.node)) {
      rename_uses(r->body, from, to);
    } else if (auto* p = std::get_if<graph::StopRecording>(&s.node)) {
      rename_uses(p->body, from, to);
    } else if (auto* c = std::get_if<graph::Cond>(&s.node)) {
      swap(c->pred);
      rename_uses(c->then_body, from, to);
      rename_uses(c->else_body, from, to);
      swap_all(c->then_yield);
      swap_all(c->else_yield);
    } else if (auto* l = std::get_if<graph::While>(&s.node)) {
      swap_all(l->init);
      rename_uses(l->cond_body, from, to);
      rename_uses(l->body, from, to);
      swap_all(l->body_yield);
    }
  }
}

// A view made under no_grad of a base that requires grad (or made before its base required
// grad) is a "ghost" (pytorch/pytorch#11390): it reports requires_grad=True once its base
// does, so ops on it in grad mode have a grad_fn, but their edge to it is empty — no gradient
// reaches the view, nor its base through it, and watch() (requires_grad_) changes nothing.
// Modelled with such a view v = view(x): its uses read g = stop_gradient(v), watched by every
// tape, so ops on it are recorded (outputs connected) while v and x are cut. Which views are
// ghosts depends on whether the base requires grad, which the rewrite does not track: it takes
// every view made under no_grad (`all`: every view), an over-approximation used only to
// explain a disagreement whose numbers it must then reproduce.
graph::Graph views_become_ghosts(const graph::Graph& g, bool all) {
  // The ops whose torch program returns a view (torch_ops.cpp): reshape, unsqueeze, squeeze,
  // narrow, permute, expand, chunk, unbind, diagonal.
  static const std::set<std::string> views = {"reshape",      "expand_dims", "squeeze", "slice",    "transpose",
                                              "broadcast_to", "split",       "unstack", "diag_part"};
  graph::Graph out = g;
  Names names(g);
  std::vector<std::pair<std::string, std::string>> renames;  // (view, its ghost)
  rewrite_ops(out.body, [&](const OpStmt& o, graph::Location loc, bool recording) -> std::vector<Statement> {
    if (!views.count(o.op) || (recording && !all)) return {};
    const std::string ghost = names.fresh();
    renames.emplace_back(o.result, ghost);
    std::vector<Statement> s = {Statement{o, loc}, op(ghost, "stop_gradient", {o.result})};
    for (const graph::TapeDecl& t : g.tapes) s.push_back({graph::Watch{t.name, {ghost}}, loc});
    return s;
  });
  // Every use reads the ghost, except the ghost's own definition.
  for (const auto& [view, ghost] : renames) {
    rename_uses(out.body, view, ghost);
    for_each_op(out.body, [&, v = view, gh = ghost](OpStmt& o) {
      if (o.result == gh) o.operands = {v};
    });
  }
  return out;
}

graph::Graph views_under_no_grad_are_ghosts(const graph::Graph& g) { return views_become_ghosts(g, false); }
graph::Graph every_view_may_be_a_ghost(const graph::Graph& g) { return views_become_ghosts(g, true); }

// --- ops --------------------------------------------------------------------------------------

// floor, ceil, round, floor_div: torch's derivative is zeros_like(grad), a value (TF: None).
// As op(x) + sign(x)·0 (+ sign(b)·0 for floor_div's divisor): the same value, a zero
// gradient, and no second derivative (sign's gradient is a constant zero).
graph::Graph rounding_ops_have_zero_gradient(const graph::Graph& g) {
  graph::Graph out = g;
  Names names(g);
  graph::ValueSpecs specs;  // to leave i32 floor_div alone; a graph other rewrites renamed may not validate
  try {
    specs = graph::validate(g);
  } catch (const std::exception&) {
  }
  rewrite_ops(out.body, [&](const OpStmt& o, graph::Location loc) -> std::vector<Statement> {
    if (o.op != "floor" && o.op != "ceil" && o.op != "round" && o.op != "floor_div") return {};
    const auto spec = specs.find(o.operands[0]);
    if (spec != specs.end() && !is_floating(spec->second.dtype)) return {};  // i32 floor_div: no gradient
    std::string zero;
    std::vector<Statement> s = constant_zero(names, o.operands[0], zero);
    std::string cur = names.fresh();
    s.push_back(op(cur, o.op, o.operands, o.attrs, loc));
    for (std::size_t k = 0; k < o.operands.size(); ++k) {
      const std::string sign = names.fresh(), nothing = names.fresh();
      const std::string sum = k + 1 == o.operands.size() ? o.result : names.fresh();
      s.push_back(op(sign, "sign", {o.operands[k]}));
      s.push_back(op(nothing, "mul", {sign, zero}));
      s.push_back(op(sum, "add", {cur, nothing}, {}, loc));
      cur = sum;
    }
    return s;
  });
  return out;
}

// maximum, minimum, clip_by_value, reduce_max/min, sign: torch's backward masks are made by
// comparisons (`self <= other`, `clamp_backward`'s `self >= min & self <= max`, amax's
// `self == result`) or are `zeros_like(grad)`; reduce_prod over a group of one (nothing
// reduced) has the constant 1 for the product of the others: constants, so the second
// derivative through them is None (TF's is too, but for reduce_prod, whose cumprods are
// connected); the reference's are connected with a zero derivative: zeros
// (R5 at every order, docs/engine.md). On torch's side, as op(x...) + (Σ x)²·0 (reduced like the op
// when it reduces): the same value and gradient, and a second derivative 2·0 = 0.
graph::Graph comparison_masks_second_derivative_is_zero(const graph::Graph& g) {
  static const std::set<std::string> masked = {"maximum",    "minimum",    "clip_by_value", "reduce_max",
                                               "reduce_min", "reduce_prod", "sign"};
  static const std::set<std::string> reducing = {"reduce_max", "reduce_min", "reduce_prod"};
  graph::Graph out = g;
  Names names(g);
  rewrite_ops(out.body, [&](const OpStmt& o, graph::Location loc) -> std::vector<Statement> {
    if (masked.count(o.op) == 0) return {};
    // (Σ operands)²·0: the gradient of each operand is connected to every operand, as the
    // reference's mask of a and b is to both.
    std::vector<Statement> s;
    std::string all = o.operands[0];
    for (std::size_t k = 1; k < o.operands.size(); ++k) {
      const std::string next = names.fresh();
      s.push_back(op(next, "add", {all, o.operands[k]}));
      all = next;
    }
    std::string zero;
    for (Statement& z : constant_zero(names, all, zero)) s.push_back(std::move(z));
    const std::string plain = names.fresh(), squared = names.fresh(), nothing = names.fresh();
    s.push_back(op(plain, o.op, o.operands, o.attrs, loc));
    s.push_back(op(squared, "square", {all}));
    s.push_back(op(nothing, "mul", {squared, zero}));
    std::string term = nothing;
    if (reducing.count(o.op) != 0) {
      term = names.fresh();
      s.push_back(op(term, "reduce_sum", {nothing}, o.attrs));
    }
    s.push_back(op(o.result, "add", {plain, term}, {}, loc));
    return s;
  });
  return out;
}

// maximum/minimum: torch splits a tie's gradient evenly (TF: all to the first operand). As
// where(a == b, a/2 + b/2, op(a, b)); 1/2 is sigmoid(0) of a constant zero.
graph::Graph extremum_ties_split_evenly(const graph::Graph& g) {
  graph::Graph out = g;
  Names names(g);
  rewrite_ops(out.body, [&](const OpStmt& o, graph::Location loc) -> std::vector<Statement> {
    if (eut::torch_profile().op(get_op(o.op)).ties != eut::TieRule::split_evenly) return {};
    const std::string& a = o.operands[0];
    const std::string& b = o.operands[1];
    std::string zero;
    std::vector<Statement> s = constant_zero(names, a, zero);
    const std::string half = names.fresh(), ha = names.fresh(), hb = names.fresh(), mean = names.fresh(),
                      tie = names.fresh(), plain = names.fresh();
    s.push_back(op(half, "sigmoid", {zero}));
    s.push_back(op(ha, "mul", {a, half}));
    s.push_back(op(hb, "mul", {b, half}));
    s.push_back(op(mean, "add", {ha, hb}));
    s.push_back(op(tie, "equal", {a, b}));
    s.push_back(op(plain, o.op, o.operands, o.attrs, loc));
    s.push_back(op(o.result, "where", {tie, mean, plain}, {}, loc));
    return s;
  });
  return out;
}

// elu: torch's elu'(0) is the left derivative alpha (TF: 1). At x = 0 as leaky_relu(x; alpha),
// whose value there is 0 and derivative alpha.
graph::Graph elu_derivative_at_zero_is_alpha(const graph::Graph& g) {
  graph::Graph out = g;
  Names names(g);
  rewrite_ops(out.body, [&](const OpStmt& o, graph::Location loc) -> std::vector<Statement> {
    if (&get_op(o.op) != &op_elu || eut::torch_profile().op(op_elu).kink_side != eut::KinkSide::left) return {};
    const std::string& x = o.operands[0];
    std::string zero;
    std::vector<Statement> s = constant_zero(names, x, zero);
    const std::string at_zero = names.fresh(), left = names.fresh(), plain = names.fresh();
    s.push_back(op(at_zero, "equal", {x, zero}));
    s.push_back(op(left, "leaky_relu", {x}, o.attrs));
    s.push_back(op(plain, "elu", {x}, o.attrs, loc));
    s.push_back(op(o.result, "where", {at_zero, left, plain}, {}, loc));
    return s;
  });
  return out;
}

// selu: torch's selu'(0) is the left derivative λα (elu_backward tests x <= 0; TF: λ). At
// x = 0 as leaky_relu(x; λα), whose value there is 0 and derivative λα.
graph::Graph selu_derivative_at_zero_is_scale_alpha(const graph::Graph& g) {
  graph::Graph out = g;
  Names names(g);
  rewrite_ops(out.body, [&](const OpStmt& o, graph::Location loc) -> std::vector<Statement> {
    if (&get_op(o.op) != &op_selu || eut::torch_profile().op(op_selu).kink_side != eut::KinkSide::left) return {};
    const std::string& x = o.operands[0];
    std::string zero;
    std::vector<Statement> s = constant_zero(names, x, zero);
    const std::string at_zero = names.fresh(), left = names.fresh(), plain = names.fresh();
    OpAttrs slope;
    slope.alpha = 1.0507009873554804934193349852946 * 1.6732632423543772848170429916717;
    s.push_back(op(at_zero, "equal", {x, zero}));
    s.push_back(op(left, "leaky_relu", {x}, slope));
    s.push_back(op(plain, "selu", {x}, {}, loc));
    s.push_back(op(o.result, "where", {at_zero, left, plain}, {}, loc));
    return s;
  });
  return out;
}

// hypot: torch's backward and forward AD divide by the result, NaN at the origin (the
// reference takes the zero subgradient). As sqrt(a² + b²), whose derivative at 0 is 0·inf =
// NaN in the reference too. (reduce_std, the other cone point, torch masks: 0, as the reference.)
graph::Graph hypot_origin_has_nan_gradients(const graph::Graph& g) {
  graph::Graph out = g;
  Names names(g);
  rewrite_ops(out.body, [&](const OpStmt& o, graph::Location loc) -> std::vector<Statement> {
    if (o.op != "hypot") return {};
    const std::string a2 = names.fresh(), b2 = names.fresh(), sum = names.fresh();
    return {op(a2, "square", {o.operands[0]}), op(b2, "square", {o.operands[1]}), op(sum, "add", {a2, b2}, {}, loc),
            op(o.result, "sqrt", {sum}, {}, loc)};
  });
  return out;
}

// xlogy at x = 0 with y > 0: torch's ∂/∂x is ln y, backward (xlogy(grad, y)) and forward
// (xlogy(x_t, y)) alike, masked only where y <= 0 (pytorch#80770: the directional derivative
// along x = 0); TF's _XLogyGrad, and the reference, mask x = 0 to 0. As
// where(x = 0, x·ln y, xlogy(x, y)): the same value, torch's derivative (the sampled y is
// positive: xlogy's domain).
graph::Graph xlogy_derivative_at_zero_is_log_y(const graph::Graph& g) {
  graph::Graph out = g;
  Names names(g);
  rewrite_ops(out.body, [&](const OpStmt& o, graph::Location loc) -> std::vector<Statement> {
    if (o.op != "xlogy") return {};
    const std::string& x = o.operands[0];
    std::string zero;
    std::vector<Statement> s = constant_zero(names, x, zero);
    const std::string at_zero = names.fresh(), log_y = names.fresh(), product = names.fresh(), plain = names.fresh();
    s.push_back(op(at_zero, "equal", {x, zero}));
    s.push_back(op(log_y, "log", {o.operands[1]}));
    s.push_back(op(product, "mul", {x, log_y}));
    s.push_back(op(plain, "xlogy", o.operands, {}, loc));
    s.push_back(op(o.result, "where", {at_zero, product, plain}, {}, loc));
    return s;
  });
  return out;
}

// softplus: torch's F.softplus(beta=1, threshold=20) is x itself where x > 20.
graph::Graph softplus_is_linear_above_20(const graph::Graph& g) {
  graph::Graph out = g;
  Names names(g);
  rewrite_ops(out.body, [&](const OpStmt& o, graph::Location loc) -> std::vector<Statement> {
    const std::optional<double> linear_above = eut::torch_profile().op(get_op(o.op)).linear_above;
    if (!linear_above) return {};
    const std::string& x = o.operands[0];
    std::string zero;
    std::vector<Statement> s = constant_zero(names, x, zero);
    const std::string threshold = names.fresh(), above = names.fresh(), plain = names.fresh();
    OpAttrs at;
    at.lo = at.hi = *linear_above;
    s.push_back(op(threshold, "clip_by_value", {zero}, at));
    s.push_back(op(above, "greater", {x, threshold}));
    s.push_back(op(plain, "softplus", {x}, {}, loc));
    s.push_back(op(o.result, "where", {above, x, plain}, {}, loc));
    return s;
  });
  return out;
}

// --- on torch's side -------------------------------------------------------------------------

// Where each name is defined: an input (at the top of the body), an OpStmt, cond or while_loop
// (right after it).
// Moves a copy of every watch() to the definition of what it watches, so that torch's
// requires_grad_() happens before any use. TF's tape reaches a value watched after its use
// through the ops that recorded it (they were recorded because another input was tracked);
// torch adds no edge to ops that already ran.
class HoistWatches {
 public:
  explicit HoistWatches(const graph::Graph& g) : g_(g) {}

  graph::Graph apply() {
    collect(g_.body);
    graph::Graph out = g_;
    Block top;
    for (const auto& [tape, name] : watches_)
      if (inputs().count(name)) top.push_back({graph::Watch{tape, {name}}, {}});
    out.body = insert(g_.body);
    out.body.insert(out.body.begin(), top.begin(), top.end());
    return out;
  }

 private:
  std::set<std::string> inputs() const {
    std::set<std::string> names;
    for (const graph::Input& in : g_.inputs) names.insert(in.name);
    return names;
  }

  void collect(const Block& b) {
    for (const Statement& s : b) {
      if (const auto* w = std::get_if<graph::Watch>(&s.node))
        for (const std::string& v : w->values) watches_.emplace_back(w->tape, v);
      else if (const auto* r = std::get_if<graph::Record>(&s.node))
        collect(r->body);
      else if (const auto* p = std::get_if<graph::StopRecording>(&s.node))
        collect(p->body);
      else if (const auto* c = std::get_if<graph::Cond>(&s.node)) {
        collect(c->then_body);
        collect(c->else_body);
      } else if (const auto* l = std::get_if<graph::While>(&s.node)) {
        collect(l->cond_body);
        collect(l->body);
      }
    }
  }

  Block insert(const Block& in) {
    Block out;
    for (Statement s : in) {
      if (auto* r = std::get_if<graph::Record>(&s.node)) r->body = insert(r->body);
      if (auto* p = std::get_if<graph::StopRecording>(&s.node)) p->body = insert(p->body);
      if (auto* c = std::get_if<graph::Cond>(&s.node)) {
        c->then_body = insert(c->then_body);
        c->else_body = insert(c->else_body);
      }
      if (auto* l = std::get_if<graph::While>(&s.node)) {
        l->cond_body = insert(l->cond_body);
        l->body = insert(l->body);
      }
      std::vector<std::string> defined;
      if (const auto* o = std::get_if<OpStmt>(&s.node)) defined = {o->result};
      if (const auto* c = std::get_if<graph::Cond>(&s.node)) defined = c->results;
      if (const auto* l = std::get_if<graph::While>(&s.node)) defined = l->results;
      out.push_back(std::move(s));
      for (const auto& [tape, name] : watches_)
        if (std::find(defined.begin(), defined.end(), name) != defined.end())
          out.push_back({graph::Watch{tape, {name}}, {}});
    }
    return out;
  }

  const graph::Graph& g_;
  std::vector<std::pair<std::string, std::string>> watches_;  // (tape, value)
};

graph::Graph watch_where_defined(const graph::Graph& g) { return HoistWatches(g).apply(); }

// v = op(...) as v = op(...) + 0, the 0 cut from every tape: v is then a new tensor with the
// same value, no backward formula reads it, and the op's own output stays unnamed.
graph::Graph copy_results(const graph::Graph& g, bool (*selected)(const OpStmt&)) {
  graph::Graph out = g;
  Names names(g);
  rewrite_ops(out.body, [&](const OpStmt& o, graph::Location loc) -> std::vector<Statement> {
    if (!selected(o)) return {};
    const std::string result = names.fresh();
    std::string zero;
    std::vector<Statement> s = {op(result, o.op, o.operands, o.attrs, loc)};
    for (Statement& z : constant_zero(names, result, zero)) s.push_back(std::move(z));
    s.push_back(op(o.result, "add", {result, zero}, {}, loc));
    return s;
  });
  return out;
}

// Whether some input's backward reads the op's output: by the row's vjp_reads (the reference)
// or by torch's profile (row 16).
bool reads_output(const OpDef& row, bool torch) {
  for (int i = 0; i < static_cast<int>(row.inputs.size()); ++i)
    for (const VjpRead& r : torch ? eut::torch_profile().vjp_reads(row, i) : row.input(i).vjp_reads)
      if (r.operand == VjpOperand::output) return true;
  return false;
}

// A second derivative with respect to an op's output is connected when the op's backward
// formula reads that output. Torch's expm1, prod and relu backwards read it (derivatives.yaml:
// `result`); the reference's VJPs of these read the inputs. On torch's side: the output the IR
// names is a copy no backward reads.
graph::Graph backward_reads_no_output(const graph::Graph& g) {
  return copy_results(g, [](const OpStmt& o) {
    const OpDef& row = get_op(o.op);
    return reads_output(row, true) && !reads_output(row, false);
  });
}

// The converse: the reference's div and elu VJPs read the output (-y/b, min(y, 0) + alpha);
// torch's read the inputs (-a/b², alpha·eˣ). On the reference's side: the IR's name a copy.
graph::Graph reference_backward_reads_no_output(const graph::Graph& g) {
  return copy_results(g, [](const OpStmt& o) {
    const OpDef& row = get_op(o.op);
    return reads_output(row, false) && !reads_output(row, true);
  });
}

// Tensor.to(dtype) returns the tensor itself when it has that dtype already (as tf.cast does);
// the reference's cast makes a new tensor, which outside recording is a constant.
graph::Graph cast_makes_a_new_tensor(const graph::Graph& g) {
  return copy_results(g, [](const OpStmt& o) { return o.op == "cast" && is_floating(o.attrs.dtype); });
}

}  // namespace

void for_each_op(Block& block, const std::function<void(OpStmt&)>& f) {
  for (Statement& s : block) {
    if (auto* o = std::get_if<OpStmt>(&s.node)) {
      f(*o);
    } else if (auto* r = std::get_if<graph::Record>(&s.node)) {
      for_each_op(r->body, f);
    } else if (auto* p = std::get_if<graph::StopRecording>(&s.node)) {
      for_each_op(p->body, f);
    } else if (auto* c = std::get_if<graph::Cond>(&s.node)) {
      for_each_op(c->then_body, f);
      for_each_op(c->else_body, f);
    } else if (auto* w = std::get_if<graph::While>(&s.node)) {
      for_each_op(w->cond_body, f);
      for_each_op(w->body, f);
    }
  }
}

const std::vector<Rewrite>& rewrites() {
  static const std::vector<Rewrite> all = {
      {"trainable variables require grad from the start, for every tape", &trainable_variables_require_grad},
      {"one autograd graph: record, watch and stop_recording act on every tape", &one_autograd_graph},
      {"a view made under no_grad is a ghost: it reports requires_grad, no gradient reaches it (pytorch#11390)",
       &views_under_no_grad_are_ghosts, /*in_model=*/true, /*forward_mode=*/false},
      {"a view made before its base required grad is a ghost too (pytorch#11390)", &every_view_may_be_a_ghost,
       /*in_model=*/false, /*forward_mode=*/false},
      {"floor/ceil/round/floor_div: a zero gradient, not None", &rounding_ops_have_zero_gradient},
      {"second order w.r.t. a div/elu output: torch's backward reads the inputs, the reference's the output",
       &reference_backward_reads_no_output},
      {"maximum/minimum: a tie splits the gradient evenly", &extremum_ties_split_evenly},
      {"elu'(0) = alpha", &elu_derivative_at_zero_is_alpha},
      {"selu'(0) = scale alpha", &selu_derivative_at_zero_is_scale_alpha},
      {"hypot at the origin: NaN gradients (a/h)", &hypot_origin_has_nan_gradients},
      {"softplus(x) = x for x > 20", &softplus_is_linear_above_20},
      {"xlogy at x = 0 (y > 0): d/dx = ln y", &xlogy_derivative_at_zero_is_log_y},
  };
  return all;
}

const std::vector<Rewrite>& torch_rewrites() {
  static const std::vector<Rewrite> all = {
      {"watch after use: torch's requires_grad_() reaches no op that already ran (TF's tape does)",
       &watch_where_defined},
      {"second order w.r.t. an expm1/prod/relu output: torch's backward reads it (derivatives.yaml `result`)",
       &backward_reads_no_output},
      {"maximum/minimum/clip/reduce_max/min, sign, reduce_prod of one: a None second derivative through a "
       "comparison mask or a constant (the reference: zeros, R5)",
       &comparison_masks_second_derivative_is_zero},
      {"cast to the tensor's own dtype returns the tensor itself (Tensor.to, as tf.cast)", &cast_makes_a_new_tensor},
  };
  return all;
}

graph::Graph torch_model(const graph::Graph& g) {
  graph::Graph out = g;
  for (const Rewrite& r : rewrites())
    if (r.in_model) out = r.apply(out);
  return out;
}

graph::Graph torch_forward_model(const graph::Graph& g) {
  graph::Graph out = g;
  for (const Rewrite& r : rewrites())
    if (r.in_model && r.forward_mode) out = r.apply(out);
  return out;
}

}  // namespace tc::test::torch_semantics
