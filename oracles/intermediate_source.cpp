#include "oracles/intermediate_source.hpp"

#include <algorithm>
#include <cstddef>
#include <optional>
#include <utility>
#include <variant>
#include <vector>

#include "engine/ops/op_rows.hpp"
#include "graph/walk.hpp"

namespace tc::oracles {

namespace {

// Whether an op statement at top level or inside record / stop_recording blocks defines `name`.
bool defined_by_op(const graph::Block& block, const std::string& name) {
  bool found = false;
  graph::walk(
      block,
      [&](const graph::Statement& s, const graph::Place&) {
        const auto* o = std::get_if<graph::OpStmt>(&s.node);
        found = o && o->result == name;
        return found ? graph::Step::stop : graph::Step::next;
      },
      graph::Enter::tape_blocks);
  return found;
}

// Whether a statement of `body` uses `name` (its yield aside). A cond result is the very
// tensor its branch yields (TF eager: `r0 = v6` in a Python if), so the gradient with respect to
// r0 counts v6's other uses in the branch too — hypot(v6, v0) beside `yield v6` (soak run 4,
// graph 56442: the engine -0.573, a move of r0 alone 0.741). Moving r0 alone is then a
// function the engine does not compute.
bool used_in(const graph::Block& body, const std::string& name) {
  bool used = false;
  graph::walk(body, [&](const graph::Statement& s, const graph::Place&) {
    graph::for_each_use(s, [&](const std::string& n) { used = used || n == name; });
    return used ? graph::Step::stop : graph::Step::next;
  });
  return used;
}

}  // namespace

bool defined_in_line(const graph::Block& block, const std::string& name,
                     const std::map<const graph::Cond*, bool>* taken,
                     const std::map<const graph::While*, std::int64_t>* trips) {
  if (defined_by_op(block, name)) return true;
  // Result k is a fresh tensor where `body` computes it by an op, yields it once and reads it
  // nowhere else. A value yielded at two positions is one tensor behind two results, and one
  // the body also reads feeds what reads it there: moving result k alone would be a function
  // the engine does not compute.
  auto fresh = [](const graph::Block& body, const std::vector<std::string>& yields, std::size_t k) {
    return k < yields.size() && std::count(yields.begin(), yields.end(), yields[k]) == 1 &&
           defined_by_op(body, yields[k]) && !used_in(body, yields[k]);
  };
  auto position = [&](const std::vector<std::string>& results) -> std::optional<std::size_t> {
    const auto at = std::find(results.begin(), results.end(), name);
    if (at == results.end()) return std::nullopt;
    return static_cast<std::size_t>(at - results.begin());
  };
  bool found = false;
  graph::walk(
      block,
      [&](const graph::Statement& s, const graph::Place&) {
        if (const auto* c = std::get_if<graph::Cond>(&s.node)) {
          const std::optional<std::size_t> k = position(c->results);
          if (!k) return graph::Step::next;
          const auto went = taken ? taken->find(c) : std::map<const graph::Cond*, bool>::const_iterator();
          if (taken && went != taken->end())
            found = went->second ? fresh(c->then_body, c->then_yield, *k) : fresh(c->else_body, c->else_yield, *k);
          else
            found = fresh(c->then_body, c->then_yield, *k) && fresh(c->else_body, c->else_yield, *k);
          return graph::Step::stop;
        }
        if (const auto* w = std::get_if<graph::While>(&s.node)) {
          const std::optional<std::size_t> k = position(w->results);
          if (!k) return graph::Step::next;
          // After zero trips a result is the initial value itself. After one or more it is
          // what the last trip's body yielded; the trip count cannot change as the result
          // moves (the loop has ended), and a move of another source that changes it changes
          // the branch signature, which refuses the stencil.
          const auto ran = trips ? trips->find(w) : std::map<const graph::While*, std::int64_t>::const_iterator();
          found = trips && ran != trips->end() && ran->second > 0 && fresh(w->body, w->body_yield, *k);
          return graph::Step::stop;
        }
        return graph::Step::next;
      },
      graph::Enter::tape_blocks);
  return found;
}

std::string tensor_origin(const std::string& name, const std::vector<graph::Input>& inputs,
                          const graph::Block& block, const std::map<std::string, std::uint64_t>& tensors,
                          const std::function<bool(const std::string&)>& in_line) {
  const auto t = tensors.find(name);
  if (t == tensors.end()) return "";
  auto holds = [&](const std::string& n) {
    const auto u = tensors.find(n);
    return u != tensors.end() && u->second == t->second;
  };
  for (const graph::Input& in : inputs)
    if (holds(in.name)) return in.name;
  std::string origin;
  graph::walk(block, [&](const graph::Statement& s, const graph::Place&) {
    graph::for_each_def(s, [&](const std::string& n) {
      if (origin.empty() && holds(n) && in_line(n)) origin = n;
    });
    return origin.empty() ? graph::Step::next : graph::Step::stop;
  });
  return origin;
}

std::string not_overridable(const std::string& name) {
  return name + " is an intermediate value defined inside a cond branch or a while_loop block, a value a cond's "
                "taken branch or a while_loop passes through (the same tensor as its input: an untaken loop, or a "
                "body that yields its parameter), yields as two results or uses in its body besides yielding it, a "
                "while_loop's result at second order, or not defined before the gradient() statement: it cannot be "
                "overridden from its statement on";
}

std::string moved_name(const std::string& v) { return "%~moved." + v; }

void override_from_definition(graph::Block& block, const std::string& v) {
  const std::string computed = "%~computed." + v, moved = moved_name(v);
  graph::rewrite(
      block,
      [&](graph::Statement&& s, graph::Block& out, const graph::Place&) {
        graph::for_each_use(s, [&](std::string& n) {
          if (n == v) n = moved;
        });
        bool defines = false;
        graph::for_each_def(s, [&](std::string& n) {
          if (n != v) return;
          n = computed;
          defines = true;
        });
        out.push_back(std::move(s));
        if (defines) out.push_back({graph::OpStmt{moved, op_add.name, {computed, v}, {}}, {}});
      },
      graph::Enter::all);
}

graph::Input override_input(const std::string& v, const TensorSpec& spec) {
  graph::Input in;
  in.name = v;
  in.dtype = spec.dtype;
  in.shape = spec.shape;
  in.kind = graph::InputKind::constant;
  in.init.kind = graph::Init::Kind::values;
  in.init.values.assign(static_cast<std::size_t>(spec.shape.numel()), 0.0);
  return in;
}

}  // namespace tc::oracles
