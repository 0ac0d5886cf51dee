// A Gradient statement's source that the graph computes (the result of an op, a cond or a
// while_loop)
// rather than reads as an input, and how the numerical oracles perturb it.
//
// TF's gradient with respect to an intermediate tensor v counts only the paths from v to the
// target: it treats v as the variable at the point it is computed, its own inputs fixed. The
// oracles therefore differentiate the graph with v overridden from its statement on: v's
// statement is kept under another name (computed) and every later use reads
//   moved = computed + v
// where v is now an input, zero at the base point. Perturbing that input moves v from its
// statement on and nothing before it; and since moved still depends on computed, every other
// source of the statement keeps its paths through v (the function of the other sources is
// unchanged). The first-order objective (objective.hpp) and the second-order programs
// (hvp_program.hpp) both build on this.
#pragma once
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "engine/ops/op_def.hpp"
#include "graph/ir.hpp"

namespace tc::oracles {

// Whether a statement at top level or inside record / stop_recording blocks of `block`
// defines `name` as a new value that can be overridden right after its statement: an op's
// result, or a cond's result that both branches compute inside them by an op and yield once —
// or, given `taken` (Evaluation::then_taken of an evaluation of the graph `block` belongs to:
// the branch each cond took at the point), that the taken branch does. The engine's result is
// then the taken branch's fresh tensor, whatever the other branch would have yielded, and the
// branch cannot change as the source moves: its predicate is computed before the source.
// Likewise, given `trips` (Evaluation::trips), a while_loop's result that its body computes by
// an op and yields once, where the loop ran at least once at the point: the result is the last
// trip's fresh tensor.
// Not a value defined inside a cond branch or a while_loop block (it has no one place in
// straight-line order), not a cond or while_loop result that is an outer value passed through
// (a cond's branch yielding its input, a loop after zero trips or whose body yields its
// parameter: the engine hands back the very tensor it was given, so d/d result reaches
// whatever else reads that tensor, and moving the result alone would differentiate another
// function: a false mismatch on `while ... yield %p1`, seed 0 graph 250), and not a value a
// branch yields at two positions (one tensor behind two results). Without `trips`, no
// while_loop result.
bool defined_in_line(const graph::Block& block, const std::string& name,
                     const std::map<const graph::Cond*, bool>* taken = nullptr,
                     const std::map<const graph::While*, std::int64_t>* trips = nullptr);

// Where the tensor bound to `name` was made: the graph input holding that very tensor
// (`tensors`: which tensor each name is at the point, Evaluation::tensors as the engine's
// profile binds them), or else the first name `block` defines, in program order, that holds it
// and that `in_line` accepts — `name` itself when it made the tensor. "" if none. A name that
// only passes a tensor on (a cond branch yielding an outer value, a while_loop after zero
// trips or whose body yields its parameter, an op the profile returns its operand from) is
// that tensor: TF's gradient with respect to it counts every path from where the tensor was
// made, so moving the origin is moving `name`.
std::string tensor_origin(const std::string& name, const std::vector<graph::Input>& inputs,
                          const graph::Block& block, const std::map<std::string, std::uint64_t>& tensors,
                          const std::function<bool(const std::string&)>& in_line);

// Why intermediate source `name` cannot be overridden (defined_in_line is false).
std::string not_overridable(const std::string& name);

// The name every later use of an overridden `v` reads: computed + the input v.
std::string moved_name(const std::string& v);

// Overrides `v` in `block` (defined_in_line(block, v) must hold): its statement defines
// computed instead, `moved_name(v) = add(computed, v)` follows it, and every use of v — in
// any statement, nested blocks, watches and gradient() statements included — reads moved.
// The input v itself (override_input) is the caller's to add.
void override_from_definition(graph::Block& block, const std::string& v);

// The input v of an overridden source of spec `spec`: zeros (the base point), a constant
// (it is watched where a tape must track it).
graph::Input override_input(const std::string& v, const TensorSpec& spec);

}  // namespace tc::oracles
