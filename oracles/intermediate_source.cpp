#include "oracles/intermediate_source.hpp"

#include <algorithm>
#include <cstddef>
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
                     const std::map<const graph::Cond*, bool>* taken) {
  if (defined_by_op(block, name)) return true;
  bool found = false;
  graph::walk(
      block,
      [&](const graph::Statement& s, const graph::Place&) {
        const auto* c = std::get_if<graph::Cond>(&s.node);
        if (!c) return graph::Step::next;
        const auto at = std::find(c->results.begin(), c->results.end(), name);
        if (at == c->results.end()) return graph::Step::next;
        const std::size_t k = static_cast<std::size_t>(at - c->results.begin());
        // A value a branch yields at two positions is one tensor behind two results: moving
        // one of them alone is a function the engine does not compute.
        // A branch makes the result a fresh tensor: computed in it by an op, yielded once, read
        // nowhere else in it.
        auto fresh = [&](const graph::Block& body, const std::vector<std::string>& yields) {
          return k < yields.size() && std::count(yields.begin(), yields.end(), yields[k]) == 1 &&
                 defined_by_op(body, yields[k]) && !used_in(body, yields[k]);
        };
        const auto went = taken ? taken->find(c) : std::map<const graph::Cond*, bool>::const_iterator();
        if (taken && went != taken->end())
          found = went->second ? fresh(c->then_body, c->then_yield) : fresh(c->else_body, c->else_yield);
        else
          found = fresh(c->then_body, c->then_yield) && fresh(c->else_body, c->else_yield);
        return graph::Step::stop;
      },
      graph::Enter::tape_blocks);
  return found;
}

std::string not_overridable(const std::string& name) {
  return name + " is an intermediate value defined inside a cond branch or a while_loop block, a while_loop's "
                "result, a value a cond's taken branch passes through (the same tensor as its input), yields as two "
                "results or uses in its branch besides yielding it, or not defined before the gradient() statement: it "
                "cannot be overridden from its statement on";
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
