// The one traversal of a graph's nested blocks. A statement may hold blocks — record and
// stop_recording a body, cond a then and an else branch, while_loop a condition and a body —
// and every pass that looks at "all statements" (oracles, the shrinker, the generator, the
// validator) walks them with the functions here, saying what to do at a statement, not how to
// reach it (as LLVM's InstVisitor and MLIR's walk()).
//
//   for_each_block(s, f)   the blocks statement s holds, in order;
//   walk(block, visit)     every statement, pre-order (a statement, then its blocks' statements);
//   rewrite(block, f)      every statement replaced by what f makes of it, bottom-up;
//   for_each_name          the names a statement itself reads (uses) and defines (defs);
//   loop_cap / assumed_trips   how often a while_loop body runs (the one loop-count model).
//
// Interpreters (the reference engine, the oracles' evaluators, the connectivity model) execute
// a graph — one branch of a cond, every iteration of a loop, scopes — and dispatch on
// statements themselves; they share the loop-count model below.
#pragma once
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <variant>

#include "engine/core/errors.hpp"
#include "engine/core/limits.hpp"
#include "graph/ir.hpp"

namespace tc::graph {

// Which block of its statement a block is.
enum class BlockRole : std::uint8_t {
  record,          // Record::body
  stop_recording,  // StopRecording::body
  then_branch,     // Cond::then_body
  else_branch,     // Cond::else_body
  loop_condition,  // While::cond_body
  loop_body,       // While::body
};

// Tape blocks (record, stop_recording) run once, in line; control-flow blocks (cond branches,
// while blocks) run data-dependently: once, not at all, or many times.
inline bool is_control_flow(BlockRole r) {
  return r != BlockRole::record && r != BlockRole::stop_recording;
}

// Which nested blocks a walk or rewrite enters.
enum class Enter : std::uint8_t {
  tape_blocks,  // record and stop_recording bodies only: straight-line execution order
  all,          // every block
};

// ---- the loop-count model ------------------------------------------------------------------

// How many times a while_loop's body may run: the graph's max_iterations, capped by the
// engine's limits::kMaxLoopIterations (a negative max_iterations means "no limit of its own").
// One more iteration raises LimitError.
inline std::int64_t loop_cap(const While& w) {
  return w.max_iterations < 0 || w.max_iterations > limits::kMaxLoopIterations
             ? limits::kMaxLoopIterations
             : w.max_iterations;
}

// How many iterations a static estimate (without running the loop) assumes: the cap, but at
// least 1 and at most kAssumedTripsMax. A tolerance model weights a body's ops by it: a loop's
// rounding grows with its trip count, yet a cap of 1000 would make every tolerance useless.
inline constexpr std::int64_t kAssumedTripsMax = 16;
inline std::int64_t assumed_trips(const While& w) {
  return std::clamp<std::int64_t>(loop_cap(w), 1, kAssumedTripsMax);
}

// The most times a statement in a while_loop block can run per run of the loop: loop_cap()
// iterations, and the condition once more. A budget (the fuzzers') takes this worst case.
inline std::int64_t max_trips(const While& w) { return loop_cap(w) + 1; }

// Products of trip counts saturate here rather than overflow (loops nest up to 64 deep).
inline constexpr std::int64_t kTripsSaturated = std::int64_t{1} << 62;
inline std::int64_t times_trips(std::int64_t a, std::int64_t b) {
  return a != 0 && b > kTripsSaturated / a ? kTripsSaturated : a * b;
}

// ---- control-flow statements that do not line up -------------------------------------------

// What an interpreter raises for a cond whose branches yield other than one value per result,
// or a while_loop whose initial values, parameters and body yields differ in number. The
// validator refuses such graphs; a graph built in code may still have one.
inline void expect_cond_yields(std::size_t results, std::size_t then_yields, std::size_t else_yields) {
  if (then_yields != results || else_yields != results)
    throw Error("cond: " + std::to_string(results) + " results but the branches yield " +
                std::to_string(then_yields) + " and " + std::to_string(else_yields) + " values");
}
inline void expect_loop_arity(std::size_t init, std::size_t params, std::size_t body_yields) {
  if (params != init || body_yields != init)
    throw Error("while_loop: " + std::to_string(init) + " initial values, " + std::to_string(params) +
                " parameters, the body yields " + std::to_string(body_yields));
}

// ---- the blocks of one statement -------------------------------------------------------------

// f(block, role) for each block statement `s` holds, in order: then before else, condition
// before body. `S` is Statement or const Statement; the blocks have its constness.
template <class S, class F>
void for_each_block(S& s, F&& f) {
  static_assert(std::is_same_v<std::remove_const_t<S>, Statement>);
  std::visit(
      [&](auto& n) {
        using T = std::decay_t<decltype(n)>;
        if constexpr (std::is_same_v<T, Record>) {
          f(n.body, BlockRole::record);
        } else if constexpr (std::is_same_v<T, StopRecording>) {
          f(n.body, BlockRole::stop_recording);
        } else if constexpr (std::is_same_v<T, Cond>) {
          f(n.then_body, BlockRole::then_branch);
          f(n.else_body, BlockRole::else_branch);
        } else if constexpr (std::is_same_v<T, While>) {
          f(n.cond_body, BlockRole::loop_condition);
          f(n.body, BlockRole::loop_body);
        }
      },
      s.node);
}

// ---- names -----------------------------------------------------------------------------------

// Whether a name a statement holds is read or defined by it.
enum class NameRole : std::uint8_t { use, def };

// f(name, role) for every name statement `s` itself holds (not those of its blocks'
// statements). Uses: an op's operands, a watch's values, a cond's predicate and both
// branches' yields, a while_loop's initial values and yields, a gradient's target, sources and
// output_gradients, an optimizer step's gradients and variables (it updates the variables in
// place, as tf.Variable.assign_sub: no new name). Definitions: an op's result, a cond's results, a while_loop's parameters
// and results, a gradient's results. With a non-const statement f may rename in place.
namespace detail {
// f(name, role) for a name, each name of a list, or an optional name if set.
template <class N, class F>
void each_name(N& names, NameRole role, F& f) {
  using T = std::remove_const_t<N>;
  if constexpr (std::is_same_v<T, std::string>) {
    f(names, role);
  } else if constexpr (std::is_same_v<T, std::optional<std::string>>) {
    if (names) f(*names, role);
  } else {
    for (auto& n : names) f(n, role);
  }
}
}  // namespace detail

template <class S, class F>
void for_each_name(S& s, F&& f) {
  static_assert(std::is_same_v<std::remove_const_t<S>, Statement>);
  auto names = [&](NameRole role, auto&... held) { (detail::each_name(held, role, f), ...); };
  constexpr NameRole use = NameRole::use, def = NameRole::def;
  std::visit(
      [&](auto& n) {
        using T = std::decay_t<decltype(n)>;
        if constexpr (std::is_same_v<T, OpStmt>) {
          names(use, n.operands);
          names(def, n.result);
        } else if constexpr (std::is_same_v<T, Watch>) {
          names(use, n.values);
        } else if constexpr (std::is_same_v<T, Cond>) {
          names(use, n.pred, n.then_yield, n.else_yield);
          names(def, n.results);
        } else if constexpr (std::is_same_v<T, While>) {
          names(use, n.init, n.cond_yield, n.body_yield);
          names(def, n.params, n.results);
        } else if constexpr (std::is_same_v<T, Gradient>) {
          names(use, n.target, n.sources, n.output_gradients);
          names(def, n.results);
        } else if constexpr (std::is_same_v<T, ApplyGradients>) {
          names(use, n.gradients, n.variables);
        }
      },
      s.node);
}

// f(name) for every name statement `s` itself reads (for_each_name's uses).
template <class S, class F>
void for_each_use(S& s, F&& f) {
  for_each_name(s, [&](auto& n, NameRole role) {
    if (role == NameRole::use) f(n);
  });
}

// f(name) for every name statement `s` itself defines (for_each_name's definitions).
template <class S, class F>
void for_each_def(S& s, F&& f) {
  for_each_name(s, [&](auto& n, NameRole role) {
    if (role == NameRole::def) f(n);
  });
}

// The tape a statement names (record, stop_recording, watch, gradient), or null.
inline const std::string* tape_of(const Statement& s) {
  return std::visit(
      [](const auto& n) -> const std::string* {
        using T = std::decay_t<decltype(n)>;
        if constexpr (std::is_same_v<T, Record> || std::is_same_v<T, StopRecording> ||
                      std::is_same_v<T, Watch> || std::is_same_v<T, Gradient>)
          return &n.tape;
        else
          return nullptr;
      },
      s.node);
}

// ---- walk --------------------------------------------------------------------------------------

// Where a visited statement sits. `B` is Block or const Block, as the walk's.
template <class B>
struct BasicPlace {
  B* block = nullptr;          // the block holding the statement
  std::size_t index = 0;       // its position there
  int depth = 0;               // 0 in the graph's body, +1 per enclosing block
  bool in_control_flow = false;  // inside a cond branch or a while_loop block, at any depth
  std::int64_t assumed_trips = 1;  // the product of assumed_trips() of the enclosing loops
  std::int64_t max_trips = 1;      // the product of max_trips() of the enclosing loops
};
using Place = BasicPlace<const Block>;

// What a visitor returning a Step asks of the walk next.
enum class Step : std::uint8_t {
  next,         // go on: into this statement's blocks, then to the next statement
  skip_blocks,  // go on, but not into this statement's blocks
  stop,         // end the walk
};

namespace detail {

// The place of a block's statements, one level below `place` (the holder's).
template <class B, class S>
void enter_block(BasicPlace<B>& child, const S& holder, BlockRole role) {
  child.depth += 1;
  child.in_control_flow = child.in_control_flow || is_control_flow(role);
  if (role == BlockRole::loop_condition || role == BlockRole::loop_body) {
    const While& w = std::get<While>(holder.node);
    child.assumed_trips = times_trips(child.assumed_trips, assumed_trips(w));
    child.max_trips = times_trips(child.max_trips, max_trips(w));
  }
}

template <class B, class Visit>
bool walk_block(B& block, Visit& visit, Enter enter, const BasicPlace<B>& parent) {
  for (std::size_t i = 0; i < block.size(); ++i) {
    BasicPlace<B> place = parent;
    place.block = &block;
    place.index = i;
    auto& s = block[i];
    Step step = Step::next;
    if constexpr (std::is_void_v<decltype(visit(s, place))>)
      visit(s, place);
    else
      step = visit(s, place);
    if (step == Step::stop) return false;
    if (step == Step::skip_blocks) continue;
    bool go_on = true;
    for_each_block(s, [&](B& inner, BlockRole role) {
      if (!go_on || (enter == Enter::tape_blocks && is_control_flow(role))) return;
      BasicPlace<B> child = place;
      enter_block(child, s, role);
      go_on = walk_block(inner, visit, enter, child);
    });
    if (!go_on) return false;
  }
  return true;
}

}  // namespace detail

// Visits every statement of `block` and of the blocks inside it, pre-order: a statement, then
// the statements of its blocks (for_each_block's order), then the next statement. This is the
// order in which straight-line code runs. visit(statement, place) returns void or a Step.
// `B` is Block (a visitor taking Statement& may change statements, not the blocks' sizes) or
// const Block.
template <class B, class Visit>
void walk(B& block, Visit&& visit, Enter enter = Enter::all) {
  if constexpr (!std::is_const_v<B> &&
                !std::is_invocable_v<Visit&, Statement&, const BasicPlace<Block>&>) {
    walk(static_cast<const Block&>(block), visit, enter);  // a visitor of const statements
  } else {
    BasicPlace<B> top;
    detail::walk_block(block, visit, enter, top);
  }
}

// ---- rewrite -----------------------------------------------------------------------------------

// Rebuilds `block` bottom-up: first the blocks inside a statement (those `enter` allows), then
// the statement itself is handed to replace(std::move(statement), out, place), which appends
// what takes its place to `out` — itself to keep it, nothing to drop it, other statements
// (which are not rewritten again) to replace it. A statement is handed over after the
// statements of its blocks, so a stateful replace sees the statements without blocks in the
// order straight-line code runs them. `place` tells where the statement stood.
template <class Replace>
void rewrite(Block& block, Replace&& replace, Enter enter = Enter::all);

namespace detail {

template <class Replace>
void rewrite_block(Block& block, Replace& replace, Enter enter, const Place& parent) {
  Block out;
  out.reserve(block.size());
  for (std::size_t i = 0; i < block.size(); ++i) {
    Place place = parent;
    place.block = &block;
    place.index = i;
    Statement& s = block[i];
    for_each_block(s, [&](Block& inner, BlockRole role) {
      if (enter == Enter::tape_blocks && is_control_flow(role)) return;
      Place child = place;
      enter_block(child, s, role);
      rewrite_block(inner, replace, enter, child);
    });
    replace(std::move(s), out, place);
  }
  block = std::move(out);
}

}  // namespace detail

template <class Replace>
void rewrite(Block& block, Replace&& replace, Enter enter) {
  detail::rewrite_block(block, replace, enter, Place{});
}

}  // namespace tc::graph
