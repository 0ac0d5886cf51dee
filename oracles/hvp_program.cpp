#include "oracles/hvp_program.hpp"

#include <algorithm>
#include <exception>
#include <optional>
#include <set>
#include <utility>
#include <variant>

#include "engine/core/random_streams.hpp"
#include "engine/ops/op_rows.hpp"
#include "engine/ops/op_table.hpp"
#include "eut/inputs.hpp"
#include "graph/walk.hpp"
#include "oracles/comparison.hpp"
#include "oracles/evaluate.hpp"
#include "oracles/intermediate_source.hpp"
#include "oracles/objective.hpp"

namespace tc::oracles {

namespace {

const std::string kOuter = "~so.outer", kInner = "~so.inner", kTape = "~so.t";
const std::string kLoss = "%~so.loss", kWeighted = "%~so.weighted";
std::string name(const char* what, std::size_t i) { return "%~so." + std::string(what) + std::to_string(i); }

// f32 → f64 where a statement names a dtype (the op table says which ops read `dtype`).
void promote(graph::OpStmt& s) {
  const OpDef* op = find_op(s.op);
  if (op && op->attrs.has(Attr::dtype) && s.attrs.dtype == DType::f32) s.attrs.dtype = DType::f64;
}

// A block with every tape statement removed: record and stop_recording inlined, watches and
// gradients dropped.
graph::Block strip(graph::Block block, bool promote_f32) {
  graph::rewrite(block, [&](graph::Statement&& s, graph::Block& out, const graph::Place&) {
    if (auto* o = std::get_if<graph::OpStmt>(&s.node)) {
      if (promote_f32) promote(*o);
    } else if (std::holds_alternative<graph::Record>(s.node) ||
               std::holds_alternative<graph::StopRecording>(s.node)) {
      graph::for_each_block(s, [&](graph::Block& body, graph::BlockRole) {
        for (graph::Statement& inner : body) out.push_back(std::move(inner));
      });
      return;
    } else if (std::holds_alternative<graph::Watch>(s.node) || std::holds_alternative<graph::Gradient>(s.node)) {
      return;
    }
    out.push_back(std::move(s));
  });
  return block;
}

// The statements before Gradient statement `k` (pre-order through record blocks), tape
// statements included (stripped by the caller per program), and that statement.
struct Prefix {
  const graph::Gradient* found = nullptr;
  graph::Block forward;
  // The same statements with their tape blocks, watches and earlier gradients kept (a block
  // holding statement k kept up to it): what the engine must run when the forward part reads
  // an earlier gradient's result (second and higher order, R10).
  graph::Block with_tapes;
  bool reads_earlier_gradient = false;
  Prefix(const graph::Block& block, int k) {
    int seen = 0;
    std::set<std::string> gradient_results;
    graph::walk(
        block,
        [&](const graph::Statement& s, const graph::Place&) {
          if (const auto* g = std::get_if<graph::Gradient>(&s.node)) {
            if (seen++ == k) found = g;
            if (!found) gradient_results.insert(g->results.begin(), g->results.end());
            return found ? graph::Step::stop : graph::Step::next;
          }
          if (!std::holds_alternative<graph::Record>(s.node) &&
              !std::holds_alternative<graph::StopRecording>(s.node) &&
              !std::holds_alternative<graph::Watch>(s.node)) {
            forward.push_back(s);
          }
          return graph::Step::next;
        },
        graph::Enter::tape_blocks);
    if (found) {
      const auto uses = [&](const std::string& n) {
        reads_earlier_gradient = reads_earlier_gradient || gradient_results.count(n) > 0;
      };
      graph::walk(
          forward,
          [&](const graph::Statement& s, const graph::Place&) {
            graph::for_each_use(s, uses);
            return graph::Step::next;
          },
          graph::Enter::all);
      uses(found->target);
      if (found->output_gradients) uses(*found->output_gradients);
      seen = 0;
      truncate(block, k, seen, with_tapes);
    }
  }

  // Copies `in` into `out` up to Gradient statement k; true once it is reached.
  static bool truncate(const graph::Block& in, int k, int& seen, graph::Block& out) {
    for (const graph::Statement& s : in) {
      if (std::holds_alternative<graph::Gradient>(s.node) && seen++ == k) return true;
      graph::Block* body = nullptr;
      graph::Statement copy = s;
      if (auto* r = std::get_if<graph::Record>(&copy.node)) body = &r->body;
      if (auto* p = std::get_if<graph::StopRecording>(&copy.node)) body = &p->body;
      if (body) {
        graph::Block kept;
        const bool reached = truncate(*body, k, seen, kept);
        *body = std::move(kept);
        out.push_back(std::move(copy));
        if (reached) return true;
        continue;
      }
      out.push_back(std::move(copy));
    }
    return false;
  }
};

graph::Statement stmt(graph::OpStmt o) { return {std::move(o), {}}; }
graph::Statement op(std::string result, const OpDef& def, std::vector<std::string> operands, OpAttrs attrs = {}) {
  return stmt(graph::OpStmt{std::move(result), def.name, std::move(operands), std::move(attrs)});
}

graph::TapeDecl tape(const std::string& n) {
  graph::TapeDecl t;
  t.name = n;
  t.watch_accessed_variables = false;  // the sources are watched explicitly, nothing else
  return t;
}

// The forward part the programs run: the prefix stripped of tape statements, or, when it reads
// an earlier gradient's result, with them (the graph's own tapes compute that gradient; the
// oracle's tapes, recording around them, differentiate through its computation).
graph::Block forward_part(const Prefix& prefix, bool promote_f32) {
  if (!prefix.reads_earlier_gradient) return strip(prefix.forward, promote_f32);
  graph::Block b = prefix.with_tapes;
  if (promote_f32)
    graph::rewrite(b, [&](graph::Statement&& s, graph::Block& out, const graph::Place&) {
      if (auto* o = std::get_if<graph::OpStmt>(&s.node)) promote(*o);
      out.push_back(std::move(s));
    });
  return b;
}

// The graph's tapes, when the forward part keeps them, then the oracle's.
std::vector<graph::TapeDecl> tapes(const graph::Graph& g, const Prefix& prefix, std::vector<graph::TapeDecl> own) {
  std::vector<graph::TapeDecl> all = prefix.reads_earlier_gradient ? g.tapes : std::vector<graph::TapeDecl>{};
  for (graph::TapeDecl& t : own) all.push_back(std::move(t));
  return all;
}

// The forward part and the scalar loss L = sum(v · T), inside the innermost record block,
// with every intermediate source overridden from its statement on (the loss reads a target
// that is one as moved); the watch, first, names the sources' inputs.
graph::Block loss_block(const Prefix& prefix, const graph::Gradient& st, const std::string& tape,
                        const std::vector<std::string>& xs, const std::vector<graph::Input>& overrides,
                        bool promote_f32) {
  graph::Block b = forward_part(prefix, promote_f32);
  if (st.output_gradients) {
    b.push_back(op(kWeighted, op_mul, {st.target, *st.output_gradients}));
    b.push_back(op(kLoss, op_reduce_sum, {kWeighted}));
  } else {
    b.push_back(op(kLoss, op_reduce_sum, {st.target}));
  }
  for (const graph::Input& v : overrides) override_from_definition(b, v.name);
  b.insert(b.begin(), {graph::Watch{tape, xs}, {}});
  return b;
}

// g's inputs, the overridden sources' and `more`, f32 ones typed f64 if `promote_f32`.
std::vector<graph::Input> program_inputs(const graph::Graph& g, const std::vector<graph::Input>& overrides,
                                         const std::vector<graph::Input>& more, bool promote_f32) {
  std::vector<graph::Input> all = g.inputs;
  all.insert(all.end(), overrides.begin(), overrides.end());
  all.insert(all.end(), more.begin(), more.end());
  if (promote_f32)
    for (graph::Input& in : all)
      if (in.dtype == DType::f32) in.dtype = DType::f64;
  return all;
}

graph::Gradient gradient_of(std::vector<std::string> results, const std::string& tape, const std::string& target,
                            const std::vector<std::string>& xs, graph::Unconnected unconnected) {
  graph::Gradient g;
  g.results = std::move(results);
  g.tape = tape;
  g.target = target;
  g.sources = xs;
  g.unconnected = unconnected;
  return g;
}

std::vector<std::string> names(const char* what, std::size_t n) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < n; ++i) out.push_back(name(what, i));
  return out;
}

graph::Graph first_order_program(const graph::Graph& g, const Prefix& forward, const graph::Gradient& st,
                                 const std::vector<std::string>& xs, const std::vector<graph::Input>& overrides,
                                 bool promote_f32) {
  graph::Graph p;
  p.name = g.name;
  p.inputs = program_inputs(g, overrides, {}, promote_f32);
  p.tapes = tapes(g, forward, {tape(kTape)});
  p.body.push_back({graph::Record{kTape, loss_block(forward, st, kTape, xs, overrides, promote_f32)}, {}});
  p.body.push_back({gradient_of(names("g", xs.size()), kTape, kLoss, xs, graph::Unconnected::zero), {}});
  return p;
}

graph::Graph nested_program(const graph::Graph& g, const Prefix& forward, const graph::Gradient& st,
                            const std::vector<std::string>& xs, const std::vector<graph::Input>& overrides,
                            const std::vector<graph::Input>& u_inputs, bool promote_f32) {
  graph::Graph p;
  p.name = g.name;
  p.inputs = program_inputs(g, overrides, u_inputs, promote_f32);
  p.tapes = tapes(g, forward, {tape(kOuter), tape(kInner)});
  graph::Block outer{{graph::Watch{kOuter, xs}, {}},
                     {graph::Record{kInner, loss_block(forward, st, kInner, xs, overrides, promote_f32)}, {}},
                     {gradient_of(names("g", xs.size()), kInner, kLoss, xs, graph::Unconnected::zero), {}}};
  // p = Σ_i sum(g_i · u_i), each term in f64 (sources may differ in dtype; no implicit promotion).
  std::string dot;
  for (std::size_t i = 0; i < xs.size(); ++i) {
    OpAttrs to64;
    to64.dtype = DType::f64;
    outer.push_back(op(name("p", i), op_mul, {name("g", i), u_inputs[i].name}));
    outer.push_back(op(name("s", i), op_reduce_sum, {name("p", i)}));
    outer.push_back(op(name("c", i), op_cast, {name("s", i)}, to64));
    if (i == 0) {
      dot = name("c", i);
    } else {
      outer.push_back(op(name("dot", i), op_add, {dot, name("c", i)}));
      dot = name("dot", i);
    }
  }
  p.body.push_back({graph::Record{kOuter, std::move(outer)}, {}});
  p.body.push_back({gradient_of(names("h", xs.size()), kOuter, dot, xs, graph::Unconnected::none), {}});
  return p;
}

}  // namespace

std::uint64_t second_order_stream(std::uint64_t seed, std::uint64_t salt, std::uint64_t a, std::uint64_t b) {
  return mix_seed(seed) ^ mix_seed(salt + (a << 20) + b);
}

HvpProgram make_hvp_program(const graph::Graph& g, int gradient, std::uint64_t seed, const eut::InputValues& inputs) {
  HvpProgram prog;
  prog.gradient = gradient;
  const Prefix prefix(g.body, gradient);
  if (!prefix.found) {
    prog.not_applicable = "the graph has no Gradient statement #" + std::to_string(gradient) +
                          " outside cond/while_loop";
    return prog;
  }
  prog.statement = *prefix.found;
  if (std::string step = optimizer_step_in(prefix.forward); !step.empty()) {
    prog.not_applicable = std::move(step);
    return prog;
  }
  const graph::Gradient& st = prog.statement;
  std::vector<graph::Input> u_inputs;
  // The spec of an intermediate source the programs can override from its statement on, or why
  // there is none: the oracle's evaluator gives the specs of the values before the graph's
  // first gradient() (where it stops), evaluated once, when the first such source is met.
  std::optional<std::map<std::string, TensorSpec>> specs;
  std::string unknown = ": it is defined after an earlier gradient(), where the oracle's evaluator stops";
  auto intermediate_spec = [&](const std::string& s, std::string& why) -> std::optional<TensorSpec> {
    if (!defined_in_line(prefix.forward, s)) {
      why = not_overridable(s);
      return std::nullopt;
    }
    if (!specs) try {
        std::map<std::string, std::vector<double>> at;
        for (const auto& [n, v] : eut::materialize_inputs(g, inputs)) at[n] = v.data;
        specs = evaluate<double>(g, at, false).specs;
      } catch (const std::exception& e) {
        specs.emplace();
        unknown = std::string(": the graph does not evaluate (") + e.what() + ")";
      }
    if (auto it = specs->find(s); it != specs->end()) return it->second;
    why = s + " is an intermediate value of unknown dtype and shape" + unknown;
    return std::nullopt;
  };
  for (const std::string& s : st.sources) {
    const auto in = std::find_if(g.inputs.begin(), g.inputs.end(), [&](const graph::Input& i) { return i.name == s; });
    const bool intermediate = in == g.inputs.end();
    std::string why;
    const std::optional<TensorSpec> spec = intermediate ? intermediate_spec(s, why) : TensorSpec{in->dtype, in->shape};
    if (spec && !is_floating(spec->dtype))
      why = s + " is " + std::string(dtype_name(spec->dtype)) + ": no gradient (R3)";
    else if (spec && std::find(prog.sources.begin(), prog.sources.end(), s) != prog.sources.end())
      why = s + " is listed twice; checked at its first slot";
    prog.why_not.push_back(why);
    if (!why.empty()) continue;
    const std::size_t i = prog.sources.size();
    prog.sources.push_back(s);
    if (intermediate) prog.overrides.push_back(override_input(s, *spec));
    graph::Input u;
    u.name = name("u", i);
    u.dtype = spec->dtype;
    u.shape = spec->shape;
    u.kind = graph::InputKind::constant;
    u.init.kind = graph::Init::Kind::values;
    u.init.values = random_direction(static_cast<std::size_t>(spec->shape.numel()), second_order_stream(seed, 0x75, i));
    for (double& x : u.init.values) x = round_to_dtype(x, spec->dtype);
    prog.u[s] = u.init.values;
    u_inputs.push_back(std::move(u));
  }
  if (prog.sources.empty()) {
    prog.not_applicable = "no source of the statement is a floating graph input or an intermediate value that "
                          "can be overridden";
    return prog;
  }
  prog.through_earlier_gradient = prefix.reads_earlier_gradient;
  if (prog.through_earlier_gradient) {
    int all = 0;
    graph::walk(prefix.with_tapes, [&](const graph::Statement& s, const graph::Place&) {
      all += std::holds_alternative<graph::Gradient>(s.node);
      return graph::Step::next;
    });
    if (all != gradient) {
      prog.not_applicable = "a gradient() inside cond/while_loop comes before this one: how often it runs is "
                            "data-dependent";
      return prog;
    }
    prog.earlier_gradients = gradient;
  }
  prog.nested = nested_program(g, prefix, st, prog.sources, prog.overrides, u_inputs, false);
  prog.nested_f64 = nested_program(g, prefix, st, prog.sources, prog.overrides, u_inputs, true);
  prog.first_order = first_order_program(g, prefix, st, prog.sources, prog.overrides, true);
  prog.first_order_native = first_order_program(g, prefix, st, prog.sources, prog.overrides, false);
  return prog;
}

}  // namespace tc::oracles
