// Semantic validation. One pass in statement order with a scope stack (names defined in a
// cond branch or while block are visible only there), after a first pass that records
// where every name is defined, so that "undefined" can say "used before its definition"
// or "not visible here". Shape/dtype inference goes through OpDef::infer only.
#include "graph/validate.hpp"

#include <algorithm>
#include <cmath>
#include <unordered_map>
#include <unordered_set>

#include "engine/core/limits.hpp"
#include "engine/ops/op_table.hpp"
#include "graph/walk.hpp"

namespace tc::graph {
namespace {

std::string spec_str(const TensorSpec& s) {
  return std::string(dtype_name(s.dtype)) + s.shape.str();
}

bool same_spec(const TensorSpec& a, const TensorSpec& b) {
  return a.dtype == b.dtype && a.shape == b.shape;
}

std::string v(std::string_view name) { return "%" + quote_name(name); }

// Levenshtein distance, for "did you mean"; callers keep both strings short.
std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j)
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] != b[j - 1])});
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

std::string suggest_ops(std::string_view name) {
  if (name.empty() || name.size() > 64) return "";
  std::vector<std::pair<std::size_t, std::string_view>> near;
  for (const OpDef* op : op_table()) {
    const std::string_view n = op->name;
    const std::size_t d = edit_distance(name, n);
    const bool close = d <= std::max<std::size_t>(1, name.size() / 3);
    const bool contains = name.size() >= 3 && (n.find(name) != std::string_view::npos ||
                                               name.find(n) != std::string_view::npos);
    if (close || contains) near.emplace_back(close ? d : 100 + d, n);
  }
  if (near.empty()) return "";
  std::sort(near.begin(), near.end());
  std::string s = " (did you mean: ";
  for (std::size_t i = 0; i < near.size() && i < 4; ++i)
    s += std::string(i ? ", " : "") + std::string(near[i].second);
  return s + "?)";
}

std::string attr_list(const OpDef& op) {
  std::string s;
  for (std::string_view a : declared_attrs(op)) s += std::string(s.empty() ? "" : ", ") + std::string(a);
  return s.empty() ? std::string(op.name) + " takes no attributes"
                   : std::string(op.name) + " takes: " + s;
}

// "matmul: inner dimensions ..." -> "inner dimensions ..." when the op already prefixes.
std::string strip_op_prefix(std::string msg, std::string_view op) {
  const std::string prefix = std::string(op) + ": ";
  if (msg.compare(0, prefix.size(), prefix) == 0) msg.erase(0, prefix.size());
  return msg;
}

class Validator {
 public:
  Validator(const Graph& g, const SourceMap* map) : g_(g), map_(map) {}

  ValueSpecs run() {
    collect_defs_graph();
    if (!g_.name.empty() && !is_graph_name(g_.name))
      fail({}, "invalid graph name '" + quote_name(g_.name) + "'");
    for (const Input& in : g_.inputs) check_input(in);
    for (const TapeDecl& t : g_.tapes) {
      const Location at = name_at(t.loc, 0);
      if (!is_tape_name(t.name)) fail(at, "invalid tape name '" + quote_name(t.name) + "'");
      auto [it, fresh] = tapes_.emplace(t.name, &t);
      if (!fresh)
        fail(at, "tape '" + t.name + "' is already declared" + where(it->second->loc));
    }
    visit_block(g_.body, 0);
    ValueSpecs specs;
    for (auto& [name, info] : names_)
      if (info.defined) specs.emplace(name, info.spec);
    return specs;
  }

 private:
  const Graph& g_;
  const SourceMap* map_;
  // Everything known about one name; one hash lookup per use.
  struct NameInfo {
    Location first_def;     // from the first pass
    Location def;           // set once the definition has been validated
    bool defined = false;
    bool visible = false;
    TensorSpec spec;
  };
  std::unordered_map<std::string, NameInfo> names_;
  std::vector<std::vector<NameInfo*>> scopes_;  // names visible only in the open blocks
  std::unordered_map<std::string, const TapeDecl*> tapes_;
  enum class TapeState : std::uint8_t { idle, recording, paused };
  std::unordered_map<std::string, TapeState> state_;

  [[noreturn]] void fail(Location at, std::string message) const {
    if (map_ && map_->is_path(at)) throw GraphError({}, map_->describe(at) + ": " + message);
    throw GraphError(at, std::move(message));
  }
  std::string where(Location at) const {
    if (map_) {
      const std::string d = map_->describe(at);
      return d.empty() ? d : " at " + d;
    }
    return at.line > 0 ? " at " + std::to_string(at.line) + ":" + std::to_string(at.column) : "";
  }

  // ---- locations ----
  const SourceMap::Spans* spans(Location stmt) const { return map_ ? map_->find(stmt) : nullptr; }
  Location name_at(Location stmt, std::size_t k) const {
    const auto* sp = spans(stmt);
    return sp && k < sp->names.size() ? sp->names[k] : stmt;
  }
  Location keyword_at(Location stmt) const {
    const auto* sp = spans(stmt);
    return sp && sp->keyword.line > 0 ? sp->keyword : stmt;
  }
  Location attr_at(Location stmt, std::string_view name) const {
    const auto* sp = spans(stmt);
    const Location* at = sp ? sp->attr(name) : nullptr;
    return at ? *at : stmt;
  }

  // ---- first pass: where every name is defined; also bounds the nesting depth ----
  void note_def(const std::string& name, Location at) {
    auto [it, fresh] = names_.try_emplace(name);
    if (fresh) it->second.first_def = at;
  }
  void collect_defs_graph() {
    for (const Input& in : g_.inputs) note_def(in.name, in.loc);
    walk(g_.body, [&](const Statement& st, const Place& place) {
      bool has_blocks = false;
      for_each_block(st, [&](const Block&, BlockRole) { has_blocks = true; });
      if (has_blocks && place.depth + 1 > kMaxBlockDepth)
        fail(st.loc, "blocks nest deeper than " + std::to_string(kMaxBlockDepth) + " levels");
      for_each_def(st, [&](const std::string& n) { note_def(n, st.loc); });
    });
  }

  // ---- names ----
  void define(const std::string& name, const TensorSpec& spec, Location at, bool visible = true) {
    if (!is_value_name(name)) fail(at, "invalid value name '" + quote_name(name) + "'");
    NameInfo& info = names_[name];
    if (info.defined)
      fail(at, v(name) + " is already defined" + where(info.def) +
                   " (each value is defined once)");
    info.defined = true;
    info.def = at;
    info.spec = spec;
    if (visible) make_visible(info);
  }
  void make_visible(NameInfo& info) {
    info.visible = true;
    if (!scopes_.empty()) scopes_.back().push_back(&info);
  }
  void make_visible(const std::string& name) { make_visible(names_.at(name)); }
  void push_scope() { scopes_.emplace_back(); }
  void pop_scope() {
    for (NameInfo* n : scopes_.back()) n->visible = false;
    scopes_.pop_back();
  }

  const TensorSpec& use(const std::string& name, Location at) {
    auto it = names_.find(name);
    if (it != names_.end() && it->second.visible) return it->second.spec;
    if (!is_value_name(name)) fail(at, "invalid value name '" + quote_name(name) + "'");
    if (it == names_.end()) fail(at, "undefined value " + v(name));
    if (it->second.defined)
      fail(at, v(name) + " is not visible here: it is defined inside a block" +
                   where(it->second.def) + " (use yield to pass it out)");
    fail(at, v(name) + " is used before its definition" + where(it->second.first_def));
  }

  const TapeDecl& tape(const std::string& name, Location at) {
    auto it = tapes_.find(name);
    if (it == tapes_.end()) {
      std::string known;
      for (const TapeDecl& t : g_.tapes) known += std::string(known.empty() ? "" : ", ") + t.name;
      fail(at, "undeclared tape '" + quote_name(name) + "'" +
                   (known.empty() ? std::string(" (the graph declares no tapes)")
                                  : " (declared: " + known + ")"));
    }
    return *it->second;
  }

  // ---- inputs ----
  void check_input(const Input& in) {
    const TensorSpec spec{in.dtype, in.shape};
    define(in.name, spec, name_at(in.loc, 0));
    const std::string who = "input " + v(in.name);
    try {
      check_element_cap(in.shape, who.c_str());
    } catch (const tc::Error& e) {
      fail(attr_at(in.loc, "shape"), e.what());
    }
    if (in.kind == InputKind::constant && !in.trainable)
      fail(attr_at(in.loc, "trainable"), who + ": trainable=false applies to variables only");
    const Location init_at = attr_at(in.loc, "init");
    const Init& init = in.init;
    switch (init.kind) {
      case Init::Kind::values: {
        const std::int64_t n = in.shape.numel();
        if (static_cast<std::int64_t>(init.values.size()) != n)
          fail(init_at, who + ": values(...) has " + std::to_string(init.values.size()) +
                            " value(s) but " + spec_str(spec) + " has " + std::to_string(n) +
                            " element(s)");
        for (double x : init.values) {
          if (in.dtype == DType::i32 &&
              !(std::isfinite(x) && x == std::trunc(x) && x >= -2147483648.0 && x <= 2147483647.0))
            fail(init_at, who + ": value " + format_double(x) + " is not an i32");
          if (in.dtype == DType::boolean && !(x == 0.0 || x == 1.0))
            fail(init_at, who + ": value " + format_double(x) + " is not a bool (true or false)");
        }
        break;
      }
      case Init::Kind::uniform:
        if (!std::isfinite(init.a) || !std::isfinite(init.b) || !(init.a <= init.b))
          fail(init_at, who + ": uniform(lo, hi) needs finite lo <= hi, got uniform(" +
                            format_double(init.a) + ", " + format_double(init.b) + ")");
        break;
      case Init::Kind::normal:
        if (!std::isfinite(init.a) || !std::isfinite(init.b) || !(init.b >= 0))
          fail(init_at, who + ": normal(mean, stddev) needs a finite mean and stddev >= 0, got "
                            "normal(" + format_double(init.a) + ", " + format_double(init.b) + ")");
        break;
    }
  }

  // ---- statements ----
  void visit_block(const Block& b, int depth) {
    for (const Statement& st : b) visit(st, depth);
  }

  void visit(const Statement& st, int depth) {
    if (const auto* op = std::get_if<OpStmt>(&st.node)) return visit_op(*op, st.loc);
    if (const auto* r = std::get_if<Record>(&st.node)) {
      const Location at = name_at(st.loc, 0);
      tape(r->tape, at);
      TapeState& s = state_[r->tape];
      if (s != TapeState::idle)
        fail(at, "tape '" + r->tape + "' is already recording here (a tape cannot be entered "
                 "again inside its own record block)");
      s = TapeState::recording;
      visit_block(r->body, depth + 1);
      state_[r->tape] = TapeState::idle;
      return;
    }
    if (const auto* sr = std::get_if<StopRecording>(&st.node)) {
      const Location at = name_at(st.loc, 0);
      tape(sr->tape, at);
      TapeState& s = state_[sr->tape];
      if (s != TapeState::recording)
        fail(at, "stop_recording: tape '" + sr->tape + "' is not recording here" +
                     (s == TapeState::paused ? " (already inside stop_recording)"
                                             : " (put it inside a record block of the tape)"));
      s = TapeState::paused;
      visit_block(sr->body, depth + 1);
      state_[sr->tape] = TapeState::recording;
      return;
    }
    if (const auto* w = std::get_if<Watch>(&st.node)) {
      tape(w->tape, name_at(st.loc, 0));
      if (w->values.empty()) fail(st.loc, "watch needs at least one value");
      for (std::size_t k = 0; k < w->values.size(); ++k) use(w->values[k], name_at(st.loc, 1 + k));
      return;
    }
    if (const auto* c = std::get_if<Cond>(&st.node)) return visit_cond(*c, st.loc, depth);
    if (const auto* w = std::get_if<While>(&st.node)) return visit_while(*w, st.loc, depth);
    if (const auto* g = std::get_if<Gradient>(&st.node)) return visit_grad(*g, st.loc);
    if (const auto* a = std::get_if<ApplyGradients>(&st.node)) return visit_apply(*a, st.loc, depth);
  }

  void visit_op(const OpStmt& s, Location loc) {
    const Location kw = keyword_at(loc);
    const OpDef* def = find_op(s.op);
    if (!def) fail(kw, "unknown op '" + quote_name(s.op) + "'" + suggest_ops(s.op));
    if (const auto* sp = spans(loc))
      for (const auto& [name, at] : sp->attrs)
        if (const std::optional<Attr> a = parse_attr(name); !a || !def->attrs.has(*a))
          fail(at, "op " + s.op + " has no attribute '" + name + "' (" + attr_list(*def) + ")");
    const OpAttrs defaults;
    for (const AttrField& f : attr_fields())
      if (!def->attrs.has(f.attr) && !attr_equal(s.attrs, defaults, f))
        fail(kw, "op " + s.op + " has no attribute '" + f.name + "' (" + attr_list(*def) + ")");
    const std::size_t n = s.operands.size();
    if (def->arity >= 0 && n != static_cast<std::size_t>(def->arity)) {
      const std::string m = s.op + " takes " + std::to_string(def->arity) + " operand" +
                            (def->arity == 1 ? "" : "s") + ", got " + std::to_string(n);
      fail(n > static_cast<std::size_t>(def->arity) ? name_at(loc, 1 + def->arity) : kw, m);
    }
    if (def->arity < 0 && n == 0) fail(kw, s.op + " takes at least one operand, got 0");
    std::vector<TensorSpec> in;
    in.reserve(n);
    for (std::size_t k = 0; k < n; ++k) in.push_back(use(s.operands[k], name_at(loc, 1 + k)));
    TensorSpec out;
    try {
      out = def->infer(s.attrs, in.data(), static_cast<int>(n));
      check_element_cap(out.shape, def->name);
    } catch (const tc::Error& e) {
      fail(kw, v(s.result) + " = " + s.op + ": " + strip_op_prefix(e.what(), s.op));
    }
    define(s.result, out, name_at(loc, 0));
  }

  void visit_cond(const Cond& c, Location loc, int depth) {
    const std::size_t R = c.results.size(), T = c.then_yield.size(), E = c.else_yield.size();
    if (R == 0) fail(loc, "cond defines no results");
    const Location pred_at = name_at(loc, R);
    const TensorSpec pred = use(c.pred, pred_at);
    if (pred.dtype != DType::boolean || pred.shape.rank() != 0)
      fail(pred_at, "the cond predicate " + v(c.pred) + " must be a scalar bool, got " +
                        spec_str(pred));
    auto branch = [&](const Block& body, const std::vector<std::string>& yields,
                      std::size_t first_slot, const char* which) {
      push_scope();
      visit_block(body, depth + 1);
      if (yields.size() != R)
        fail(name_at(loc, first_slot), std::string("cond has ") + std::to_string(R) +
                                           " result(s) but its " + which + " branch yields " +
                                           std::to_string(yields.size()));
      std::vector<TensorSpec> specs;
      for (std::size_t k = 0; k < yields.size(); ++k)
        specs.push_back(use(yields[k], name_at(loc, first_slot + k)));
      pop_scope();
      return specs;
    };
    const auto then_specs = branch(c.then_body, c.then_yield, R + 1, "then");
    const auto else_specs = branch(c.else_body, c.else_yield, R + 1 + T, "else");
    for (std::size_t k = 0; k < R; ++k)
      if (!same_spec(then_specs[k], else_specs[k]))
        fail(name_at(loc, R + 1 + T + k),
             "cond result " + v(c.results[k]) + ": the then branch yields " +
                 spec_str(then_specs[k]) + " but the else branch yields " + spec_str(else_specs[k]));
    (void)E;
    for (std::size_t k = 0; k < R; ++k) define(c.results[k], then_specs[k], name_at(loc, k));
  }

  void visit_while(const While& w, Location loc, int depth) {
    const std::size_t R = w.results.size(), I = w.init.size(), P = w.params.size();
    if (I == 0) fail(loc, "while needs at least one loop variable");
    std::vector<TensorSpec> init;
    for (std::size_t k = 0; k < I; ++k) init.push_back(use(w.init[k], name_at(loc, R + k)));
    if (P != I)
      fail(name_at(loc, R + I), "while has " + std::to_string(I) + " initial value(s) but " +
                                    std::to_string(P) + " loop variable(s)");
    if (R != I)
      fail(name_at(loc, 0), "while has " + std::to_string(R) + " result(s) for " +
                                std::to_string(I) + " loop variable(s)");
    if (w.max_iterations < 0 || w.max_iterations > limits::kMaxLoopIterations)
      fail(attr_at(loc, "max_iterations"),
           "max_iterations must be in [0, " + std::to_string(limits::kMaxLoopIterations) +
               "], got " + std::to_string(w.max_iterations));
    for (std::size_t k = 0; k < P; ++k) define(w.params[k], init[k], name_at(loc, R + I + k), false);

    push_scope();
    for (const auto& p : w.params) make_visible(p);
    visit_block(w.cond_body, depth + 1);
    const Location cy_at = name_at(loc, R + I + P);
    const TensorSpec cy = use(w.cond_yield, cy_at);
    if (cy.dtype != DType::boolean || cy.shape.rank() != 0)
      fail(cy_at, "the while condition must yield a scalar bool, got " + v(w.cond_yield) + ": " +
                      spec_str(cy));
    pop_scope();

    push_scope();
    for (const auto& p : w.params) make_visible(p);
    visit_block(w.body, depth + 1);
    const std::size_t first = R + I + P + 1;
    if (w.body_yield.size() != P)
      fail(name_at(loc, first), "the while body yields " + std::to_string(w.body_yield.size()) +
                                    " value(s) for " + std::to_string(P) + " loop variable(s)");
    for (std::size_t k = 0; k < P; ++k) {
      const Location at = name_at(loc, first + k);
      const TensorSpec& y = use(w.body_yield[k], at);
      if (!same_spec(y, init[k]))
        fail(at, "the while body yields " + spec_str(y) + " for loop variable " + v(w.params[k]) +
                     ", which is " + spec_str(init[k]) +
                     " (loop variables keep their dtype and shape)");
    }
    pop_scope();
    for (std::size_t k = 0; k < R; ++k) define(w.results[k], init[k], name_at(loc, k));
  }

  void visit_grad(const Gradient& g, Location loc) {
    const std::size_t R = g.results.size(), S = g.sources.size();
    tape(g.tape, name_at(loc, R));
    const TensorSpec target = use(g.target, name_at(loc, R + 1));
    if (S == 0) fail(loc, "grad needs at least one source");
    std::vector<TensorSpec> sources;
    for (std::size_t k = 0; k < S; ++k) sources.push_back(use(g.sources[k], name_at(loc, R + 2 + k)));
    if (g.output_gradients) {
      const Location at = name_at(loc, R + 2 + S);
      const TensorSpec& og = use(*g.output_gradients, at);
      if (og.shape != target.shape)
        fail(at, "output_gradients " + v(*g.output_gradients) + " has shape " + og.shape.str() +
                     " but the target " + v(g.target) + " has shape " + target.shape.str());
    }
    if (R != S)
      fail(name_at(loc, 0), "grad has " + std::to_string(R) + " result(s) for " +
                                std::to_string(S) + " source(s) (one result per source)");
    for (std::size_t k = 0; k < R; ++k) {
      define(g.results[k], sources[k], name_at(loc, k));
      gradient_results_.insert(g.results[k]);
    }
  }

  // An optimizer step updates variables in place, outside every tape: at the top level only,
  // so that each run of the graph makes it once and no tape is recording (TF's optimizers
  // run it outside `with tape:`; a step inside a branch or loop is a program we do not model).
  void visit_apply(const ApplyGradients& a, Location loc, int depth) {
    const Location kw = keyword_at(loc);
    if (depth > 0)
      fail(kw, "apply_gradients is only allowed at the top level of the graph (not inside record, "
               "stop_recording, cond or while blocks)");
    const std::size_t G = a.gradients.size(), V = a.variables.size();
    if (G == 0) fail(kw, "apply_gradients needs at least one gradient");
    if (G != V)
      fail(name_at(loc, G), "apply_gradients has " + std::to_string(G) + " gradient(s) for " +
                                std::to_string(V) + " variable(s) (one gradient per variable)");
    if (!std::isfinite(a.learning_rate))
      fail(attr_at(loc, "learning_rate"),
           "learning_rate must be a finite number, got " + format_double(a.learning_rate));
    for (std::size_t k = 0; k < G; ++k) {
      const Location g_at = name_at(loc, k), v_at = name_at(loc, G + k);
      const TensorSpec grad = use(a.gradients[k], g_at);
      if (!gradient_results_.count(a.gradients[k]))
        fail(g_at, v(a.gradients[k]) + " is not the result of a grad statement (apply_gradients "
                                       "takes gradients)");
      const TensorSpec var = use(a.variables[k], v_at);
      const auto in = std::find_if(g_.inputs.begin(), g_.inputs.end(),
                                   [&](const Input& i) { return i.name == a.variables[k]; });
      if (in == g_.inputs.end() || in->kind != InputKind::variable)
        fail(v_at, v(a.variables[k]) + " is not a variable (apply_gradients updates inputs of kind "
                                       "variable)");
      // An integer variable has no gradient (R3), yet unconnected=zero gives it zeros: the
      // update would be integer arithmetic no optimizer does.
      if (!is_floating(var.dtype))
        fail(v_at, v(a.variables[k]) + " is " + spec_str(var) + ": apply_gradients updates floating variables");
      for (std::size_t j = 0; j < k; ++j)
        if (a.variables[j] == a.variables[k])
          fail(v_at, v(a.variables[k]) + " is given twice (one gradient per variable)");
      if (!same_spec(grad, var))
        fail(g_at, "the gradient " + v(a.gradients[k]) + " is " + spec_str(grad) + " but the variable " +
                       v(a.variables[k]) + " is " + spec_str(var));
    }
  }

  std::unordered_set<std::string> gradient_results_;  // names defined by grad statements
};

}  // namespace

ValueSpecs validate(const Graph& g, const SourceMap* map) { return Validator(g, map).run(); }

}  // namespace tc::graph
