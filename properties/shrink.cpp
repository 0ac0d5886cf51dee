#include "properties/shrink.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "eut/inputs.hpp"
#include "graph/tcg.hpp"
#include "graph/validate.hpp"
#include "graph/walk.hpp"
#include "properties/concrete.hpp"

namespace tc::properties {
namespace {

using namespace graph;

// ---- walking ----------------------------------------------------------------------------------

// Statements are numbered in the walk's pre-order (graph/walk.hpp); enumeration and
// application number them alike.
template <class F>
void each(const Graph& g, const F& f) {
  int id = 0;
  walk(g.body, [&](const Statement& s, const Place&) { f(s, id++); });
}

// Calls f(block, index) for the statement numbered `target`; false if there is none.
template <class F>
bool at(Graph& g, int target, const F& f) {
  int id = 0;
  bool found = false;
  walk(g.body, [&](Statement&, const BasicPlace<Block>& place) {
    if (id++ != target) return Step::next;
    f(*place.block, place.index);  // may change the block: the walk stops here
    found = true;
    return Step::stop;
  });
  return found;
}

void rename_uses(Graph& g, const std::string& from, const std::string& to) {
  walk(g.body, [&](Statement& s, const BasicPlace<Block>&) {
    for_each_use(s, [&](std::string& n) {
      if (n == from) n = to;
    });
  });
}

std::map<std::string, int> use_counts(const Graph& g, bool count_watches) {
  std::map<std::string, int> uses;
  walk(g.body, [&](const Statement& s, const Place&) {
    if (!count_watches && std::holds_alternative<Watch>(s.node)) return;
    for_each_use(s, [&](const std::string& n) { uses[n]++; });
  });
  return uses;
}

// One pass of dead-code elimination; true if anything changed.
bool dce_pass(Graph& g) {
  const auto uses = use_counts(g, /*count_watches=*/false);
  auto used = [&](const std::string& n) {
    auto it = uses.find(n);
    return it != uses.end() && it->second > 0;
  };
  bool changed = false;
  rewrite(g.body, [&](Statement&& s, Block& out, const Place&) {
    if (auto* op = std::get_if<OpStmt>(&s.node)) {
      if (!used(op->result)) {
        changed = true;
        return;
      }
    } else if (std::holds_alternative<Record>(s.node) || std::holds_alternative<StopRecording>(s.node)) {
      bool empty = false;
      for_each_block(s, [&](const Block& body, BlockRole) { empty = body.empty(); });
      if (empty) {
        changed = true;
        return;
      }
    } else if (auto* w = std::get_if<Watch>(&s.node)) {
      // A watch of a value nothing else uses does nothing.
      std::vector<std::string> keep;
      for (auto& v : w->values)
        if (used(v)) keep.push_back(v);
      if (keep.size() != w->values.size()) changed = true;
      if (keep.empty()) return;
      w->values = keep;
    } else if (const auto* c = std::get_if<Cond>(&s.node)) {
      if (std::none_of(c->results.begin(), c->results.end(), used)) {
        changed = true;
        return;
      }
    } else if (const auto* wl = std::get_if<While>(&s.node)) {
      if (std::none_of(wl->results.begin(), wl->results.end(), used)) {
        changed = true;
        return;
      }
    }
    out.push_back(std::move(s));
  });
  // Inputs and tapes nothing refers to.
  const auto all_uses = use_counts(g, /*count_watches=*/true);
  const std::size_t n_inputs = g.inputs.size();
  g.inputs.erase(std::remove_if(g.inputs.begin(), g.inputs.end(),
                                [&](const Input& in) { return !all_uses.count(in.name); }),
                 g.inputs.end());
  changed = changed || g.inputs.size() != n_inputs;
  std::set<std::string> tapes;
  each(g, [&](const Statement& s, int) {
    if (const std::string* t = tape_of(s)) tapes.insert(*t);
  });
  const std::size_t n_tapes = g.tapes.size();
  g.tapes.erase(std::remove_if(g.tapes.begin(), g.tapes.end(),
                               [&](const TapeDecl& t) { return !tapes.count(t.name); }),
                g.tapes.end());
  return changed || g.tapes.size() != n_tapes;
}

// ---- edits ------------------------------------------------------------------------------------

enum class EditKind {
  dce, drop_gradient, cond_then, cond_else, while_drop, unwrap, cut_source, cut_constant, bypass,
  drop_source, drop_watch, drop_og, zero_to_none, dim_shrink, init_simplify, var_to_const,
  make_trainable, tape_plain, keepdims_off, axes_all, drop_step, drop_step_variable,
};

struct Edit {
  EditKind kind;
  int id = -1;            // statement id, or input/tape index
  int a = 0;              // operand / source / watch index, simplify mode
  std::int64_t from = 0, to = 0;  // dim_shrink
};

std::string unique_name(const Graph& g, const std::set<std::string>& taken, std::string base) {
  (void)g;
  for (int k = 0;; ++k) {
    std::string n = base + std::to_string(k);
    if (!taken.count(n)) return n;
  }
}

std::set<std::string> all_names(const Graph& g) {
  std::set<std::string> s;
  for (const Input& in : g.inputs) s.insert(in.name);
  each(g, [&](const Statement& st, int) { for_each_def(st, [&](const std::string& n) { s.insert(n); }); });
  return s;
}

// The shared state of one shrink step: the graph, its value specs and concrete values.
struct Context {
  Graph g;
  std::string printed;
  ValueSpecs specs;
  ConcreteEnv values;
  std::vector<Edit> edits;
};

Init values_init(const std::vector<double>& v) {
  Init init;
  init.kind = Init::Kind::values;
  init.values = v;
  return init;
}

// Replaces the op statement at `id` (result r) by an input named r.
std::optional<Graph> cut(const Context& c, int id, bool as_source) {
  Graph g = c.g;
  std::string result;
  at(g, id, [&](Block& b, std::size_t i) {
    if (const auto* op = std::get_if<OpStmt>(&b[i].node)) {
      result = op->result;
      b.erase(b.begin() + static_cast<std::ptrdiff_t>(i));
    }
  });
  if (result.empty()) return std::nullopt;
  const TensorSpec& spec = c.specs.at(result);
  if (as_source && !is_floating(spec.dtype)) return std::nullopt;
  Input in;
  in.name = result;
  in.dtype = spec.dtype;
  in.shape = spec.shape;
  in.kind = as_source ? InputKind::variable : InputKind::constant;
  auto v = c.values.find(result);
  if (v != c.values.end() && v->second.spec.shape == spec.shape) {
    std::vector<double> vals = v->second.data;
    for (double& x : vals) x = round_to_dtype(x, spec.dtype);
    in.init = values_init(vals);
  } else if (is_floating(spec.dtype)) {
    in.init.kind = Init::Kind::uniform;
    in.init.a = -1;
    in.init.b = 1;
    in.init.seed = 1;
  } else {
    in.init = values_init(std::vector<double>(static_cast<std::size_t>(spec.shape.numel()), 0.0));
  }
  g.inputs.push_back(in);
  if (as_source) {
    std::set<std::string> taken = all_names(g);
    walk(
        g.body,
        [&](Statement& s, const BasicPlace<Block>&) {
          auto* gr = std::get_if<Gradient>(&s.node);
          if (!gr || std::find(gr->sources.begin(), gr->sources.end(), result) != gr->sources.end()) return;
          gr->sources.push_back(result);
          const std::string r = unique_name(g, taken, "d" + result + "_");
          taken.insert(r);
          gr->results.push_back(r);
        },
        Enter::tape_blocks);
  }
  return g;
}

std::vector<double> simplified(const std::vector<double>& v, int mode, DType d) {
  std::vector<double> out = v;
  switch (mode) {
    case 0: std::fill(out.begin(), out.end(), 0.0); break;
    case 1: std::fill(out.begin(), out.end(), 1.0); break;
    case 2: std::fill(out.begin(), out.end(), v.empty() ? 0.0 : v[0]); break;
    default:
      for (double& x : out) x = std::round(x * 10) / 10;
  }
  for (double& x : out) x = round_to_dtype(x, d);
  return out;
}

std::optional<Graph> apply(const Context& c, const Edit& e) {
  Graph g = c.g;
  bool ok = true;
  auto stmt = [&](const auto& f) { ok = at(g, e.id, f) && ok; };
  switch (e.kind) {
    case EditKind::dce: break;
    case EditKind::drop_gradient:
    case EditKind::drop_step:
    case EditKind::drop_watch:
      stmt([&](Block& b, std::size_t i) {
        if (auto* w = std::get_if<Watch>(&b[i].node); w && w->values.size() > 1) {
          w->values.erase(w->values.begin() + e.a);
          return;
        }
        b.erase(b.begin() + static_cast<std::ptrdiff_t>(i));
      });
      break;
    case EditKind::cond_then:
    case EditKind::cond_else: {
      std::vector<std::pair<std::string, std::string>> renames;
      stmt([&](Block& b, std::size_t i) {
        Cond c2 = std::get<Cond>(b[i].node);
        const bool then = e.kind == EditKind::cond_then;
        Block body = then ? c2.then_body : c2.else_body;
        const auto& ys = then ? c2.then_yield : c2.else_yield;
        for (std::size_t k = 0; k < c2.results.size(); ++k) renames.push_back({c2.results[k], ys[k]});
        b.erase(b.begin() + static_cast<std::ptrdiff_t>(i));
        b.insert(b.begin() + static_cast<std::ptrdiff_t>(i), body.begin(), body.end());
      });
      for (auto& [from, to] : renames) rename_uses(g, from, to);
      break;
    }
    case EditKind::while_drop: {
      std::vector<std::pair<std::string, std::string>> renames;
      stmt([&](Block& b, std::size_t i) {
        const While& w = std::get<While>(b[i].node);
        for (std::size_t k = 0; k < w.results.size(); ++k) renames.push_back({w.results[k], w.init[k]});
        b.erase(b.begin() + static_cast<std::ptrdiff_t>(i));
      });
      for (auto& [from, to] : renames) rename_uses(g, from, to);
      break;
    }
    case EditKind::unwrap:
      stmt([&](Block& b, std::size_t i) {
        Block body;
        for_each_block(b[i], [&](const Block& inner, BlockRole) { body = inner; });  // record, stop_recording
        b.erase(b.begin() + static_cast<std::ptrdiff_t>(i));
        b.insert(b.begin() + static_cast<std::ptrdiff_t>(i), body.begin(), body.end());
      });
      break;
    case EditKind::cut_source:
    case EditKind::cut_constant: {
      auto r = cut(c, e.id, e.kind == EditKind::cut_source);
      if (!r) return std::nullopt;
      g = std::move(*r);
      break;
    }
    case EditKind::bypass: {
      std::string from, to;
      stmt([&](Block& b, std::size_t i) {
        const OpStmt& op = std::get<OpStmt>(b[i].node);
        from = op.result;
        to = op.operands[static_cast<std::size_t>(e.a)];
        b.erase(b.begin() + static_cast<std::ptrdiff_t>(i));
      });
      rename_uses(g, from, to);
      break;
    }
    case EditKind::drop_source:
      stmt([&](Block& b, std::size_t i) {
        Gradient& gr = std::get<Gradient>(b[i].node);
        gr.sources.erase(gr.sources.begin() + e.a);
        gr.results.erase(gr.results.begin() + e.a);
      });
      break;
    case EditKind::drop_step_variable:
      stmt([&](Block& b, std::size_t i) {
        ApplyGradients& a = std::get<ApplyGradients>(b[i].node);
        a.gradients.erase(a.gradients.begin() + e.a);
        a.variables.erase(a.variables.begin() + e.a);
      });
      break;
    case EditKind::drop_og:
      stmt([&](Block& b, std::size_t i) { std::get<Gradient>(b[i].node).output_gradients.reset(); });
      break;
    case EditKind::zero_to_none:
      stmt([&](Block& b, std::size_t i) { std::get<Gradient>(b[i].node).unconnected = Unconnected::none; });
      break;
    case EditKind::keepdims_off:
      stmt([&](Block& b, std::size_t i) { std::get<OpStmt>(b[i].node).attrs.keepdims = false; });
      break;
    case EditKind::axes_all:
      stmt([&](Block& b, std::size_t i) { std::get<OpStmt>(b[i].node).attrs.axes.clear(); });
      break;
    case EditKind::dim_shrink: {
      for (Input& in : g.inputs) {
        std::vector<std::int64_t> d = in.shape.to_vector();
        bool hit = false;
        for (auto& x : d)
          if (x == e.from) x = e.to, hit = true;
        if (!hit) continue;
        const std::int64_t old_n = in.shape.numel();
        in.shape = Shape(d);
        if (in.init.kind == Init::Kind::values) {
          std::vector<double> v;
          for (std::int64_t k = 0; k < in.shape.numel(); ++k)
            v.push_back(in.init.values[static_cast<std::size_t>(k % std::max<std::int64_t>(old_n, 1))]);
          in.init.values = v;
        }
      }
      walk(g.body, [&](Statement& s, const BasicPlace<Block>&) {
        auto* op = std::get_if<OpStmt>(&s.node);
        if (!op) return;
        for (auto& x : op->attrs.shape)
          if (x == e.from) x = e.to;
        for (auto& x : op->attrs.size)
          if (x == e.from) x = e.to;
        for (auto& x : op->attrs.begin)
          if (x >= e.to) x = e.to - 1;
      });
      break;
    }
    case EditKind::init_simplify: {
      Input& in = g.inputs[static_cast<std::size_t>(e.id)];
      const eut::Value v = eut::materialize_input(in);
      in.init = values_init(simplified(v.data, e.a, in.dtype));
      break;
    }
    case EditKind::var_to_const:
      g.inputs[static_cast<std::size_t>(e.id)].kind = InputKind::constant;
      g.inputs[static_cast<std::size_t>(e.id)].trainable = true;
      break;
    case EditKind::make_trainable: g.inputs[static_cast<std::size_t>(e.id)].trainable = true; break;
    case EditKind::tape_plain:
      if (e.a == 0) g.tapes[static_cast<std::size_t>(e.id)].persistent = false;
      else g.tapes[static_cast<std::size_t>(e.id)].watch_accessed_variables = true;
      break;
  }
  if (!ok) return std::nullopt;
  while (dce_pass(g)) {
  }
  try {
    validate(g);
  } catch (const std::exception&) {
    return std::nullopt;
  }
  if (print_tcg(g) == c.printed) return std::nullopt;
  return g;
}

std::vector<Edit> enumerate(const Context& c) {
  std::vector<Edit> e;
  const Graph& g = c.g;
  e.push_back({EditKind::dce});
  int gradients = 0;
  each(g, [&](const Statement& s, int) { gradients += std::holds_alternative<Gradient>(s.node); });
  std::vector<Edit> ops, bypasses, later;
  each(g, [&](const Statement& s, int id) {
    if (std::holds_alternative<Gradient>(s.node) && gradients > 1) e.push_back({EditKind::drop_gradient, id});
    if (std::holds_alternative<Cond>(s.node)) {
      e.push_back({EditKind::cond_then, id});
      e.push_back({EditKind::cond_else, id});
    }
    if (std::holds_alternative<While>(s.node)) e.push_back({EditKind::while_drop, id});
    if (std::holds_alternative<StopRecording>(s.node) || std::holds_alternative<Record>(s.node))
      e.push_back({EditKind::unwrap, id});
    if (const auto* op = std::get_if<OpStmt>(&s.node)) {
      ops.push_back({EditKind::cut_source, id});
      ops.push_back({EditKind::cut_constant, id});
      const auto rs = c.specs.find(op->result);
      for (std::size_t k = 0; k < op->operands.size(); ++k) {
        const auto os = c.specs.find(op->operands[k]);
        if (rs != c.specs.end() && os != c.specs.end() && os->second.dtype == rs->second.dtype &&
            os->second.shape == rs->second.shape)
          bypasses.push_back({EditKind::bypass, id, static_cast<int>(k)});
      }
      if (op->attrs.keepdims) later.push_back({EditKind::keepdims_off, id});
      if (!op->attrs.axes.empty()) later.push_back({EditKind::axes_all, id});
    }
    if (const auto* gr = std::get_if<Gradient>(&s.node)) {
      if (gr->sources.size() > 1)
        for (std::size_t k = 0; k < gr->sources.size(); ++k)
          later.push_back({EditKind::drop_source, id, static_cast<int>(k)});
      if (gr->output_gradients) later.push_back({EditKind::drop_og, id});
      if (gr->unconnected == Unconnected::zero) later.push_back({EditKind::zero_to_none, id});
    }
    if (const auto* w = std::get_if<Watch>(&s.node))
      for (std::size_t k = 0; k < w->values.size(); ++k)
        later.push_back({EditKind::drop_watch, id, static_cast<int>(k)});
    if (const auto* a = std::get_if<ApplyGradients>(&s.node)) {
      e.push_back({EditKind::drop_step, id});
      if (a->variables.size() > 1)
        for (std::size_t k = 0; k < a->variables.size(); ++k)
          later.push_back({EditKind::drop_step_variable, id, static_cast<int>(k)});
    }
  });
  e.insert(e.end(), ops.begin(), ops.end());
  e.insert(e.end(), bypasses.begin(), bypasses.end());
  e.insert(e.end(), later.begin(), later.end());
  // Shapes: each dim size, lowered everywhere at once.
  std::set<std::int64_t> dims;
  for (const Input& in : g.inputs)
    for (int d = 0; d < in.shape.rank(); ++d)
      if (in.shape[d] > 1) dims.insert(in.shape[d]);
  for (auto it = dims.rbegin(); it != dims.rend(); ++it) {
    e.push_back({EditKind::dim_shrink, -1, 0, *it, 1});
    if (*it > 2) e.push_back({EditKind::dim_shrink, -1, 0, *it, *it - 1});
  }
  // Values and flags.
  for (std::size_t i = 0; i < g.inputs.size(); ++i) {
    const Input& in = g.inputs[i];
    const eut::Value v = eut::materialize_input(in);
    const bool zeros = std::all_of(v.data.begin(), v.data.end(), [](double x) { return x == 0; });
    const bool ones = std::all_of(v.data.begin(), v.data.end(), [](double x) { return x == 1; });
    const bool same = std::all_of(v.data.begin(), v.data.end(), [&](double x) { return x == v.data[0]; });
    const int id = static_cast<int>(i);
    if (!zeros) e.push_back({EditKind::init_simplify, id, 0});
    if (!zeros && !ones) e.push_back({EditKind::init_simplify, id, 1});
    if (!same) e.push_back({EditKind::init_simplify, id, 2});
    if (is_floating(in.dtype) && (in.init.kind != Init::Kind::values || simplified(v.data, 3, in.dtype) != v.data))
      e.push_back({EditKind::init_simplify, id, 3});
    if (in.kind == InputKind::variable) e.push_back({EditKind::var_to_const, id});
    if (in.kind == InputKind::variable && !in.trainable) e.push_back({EditKind::make_trainable, id});
  }
  for (std::size_t i = 0; i < g.tapes.size(); ++i) {
    if (g.tapes[i].persistent) e.push_back({EditKind::tape_plain, static_cast<int>(i), 0});
    if (!g.tapes[i].watch_accessed_variables) e.push_back({EditKind::tape_plain, static_cast<int>(i), 1});
  }
  return e;
}

std::shared_ptr<const Context> make_context(const Graph& g) {
  auto c = std::make_shared<Context>();
  c->g = g;
  c->printed = print_tcg(g);
  try {
    c->specs = validate(g);
    const ConcreteRun run = run_concrete(g, eut::materialize_inputs(g, {}));
    c->values = run.values;
  } catch (const std::exception&) {
  }
  c->edits = enumerate(*c);
  return c;
}

class CandidateSeq {
 public:
  explicit CandidateSeq(std::shared_ptr<const Context> c) : c_(std::move(c)) {}
  rc::Maybe<Graph> operator()() {
    while (next_ < c_->edits.size()) {
      auto g = apply(*c_, c_->edits[next_++]);
      if (!g) continue;
      std::string text = print_tcg(*g);
      if (!seen_.insert(std::move(text)).second) continue;
      return std::move(*g);
    }
    return rc::Nothing;
  }

 private:
  std::shared_ptr<const Context> c_;
  std::size_t next_ = 0;
  std::set<std::string> seen_;
};

}  // namespace

Graph eliminate_dead_code(const Graph& g) {
  Graph out = g;
  while (dce_pass(out)) {
  }
  return out;
}

int op_count(const Graph& g) {
  int n = 0;
  each(g, [&](const Statement& s, int) { n += std::holds_alternative<OpStmt>(s.node); });
  return n;
}

rc::Seq<Graph> shrink_graph(const Graph& g) { return rc::Seq<Graph>(CandidateSeq(make_context(g))); }

std::vector<Graph> shrink_candidates(const Graph& g) {
  std::vector<Graph> out;
  auto seq = shrink_graph(g);
  while (auto x = seq.next()) out.push_back(std::move(*x));
  return out;
}

}  // namespace tc::properties
