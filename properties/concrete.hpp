// Concrete evaluation for the generators and the properties' preconditions: a graph's values
// computed with the op table's f64 kernels (floating values promoted to f64, i32/bool exact —
// the view the oracles take, oracles/evaluate.hpp), with every operand of every executed op
// checked against the op table's sampling Domain of its input slot, in every loop iteration.
//
// Why a second evaluator: the generator needs values while it builds a graph (to pick an
// adapter that moves an operand into its op's domain, to decide a cond predicate robustly)
// and the properties need to know, for a shrunk graph, whether every op still runs inside its
// domain; the oracles' Evaluator shows only the last iteration of a loop and has no per-op
// hook. Gradient results are not computed here: pass the engine's values (`known`) or they
// are unknown, and ops that consume an unknown value are skipped (their results unknown).
//
// The domain rule (docs/properties.md, "Domains"):
//   - a floating operand lies in [lo, hi] of its slot's Domain and keeps `margin` from every
//     `away_from` point (poles, log(0), rounding points, cast's integers);
//   - an integer index operand (InputGrad::integer_index) lies in [lo, hi];
//   - an op with an OpDef::accepts_operand hook accepts the operand's values as a whole (a
//     matrix far from singular, a safely positive definite one), with the same margin_scale;
//   - bool operands and i32 operands of other slots are not checked;
//   - exemption — affine maps by known scalars: a slot whose Domain is the table's default
//     (lo = -3, hi = 3, no away_from) of an op without kinks, all of whose other operands are
//     rank-0 constant inputs, takes any finite value, and so does such a slot's operand when
//     it is itself a rank-0 constant input. Multiplying or shifting by a known scalar is
//     well-conditioned at any magnitude; this is how the generator's adapters (x·s + c, s and
//     c scalar constants) bring an out-of-domain value into a domain.
#pragma once
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "engine/ops/op_def.hpp"
#include "eut/engine_under_test.hpp"
#include "graph/ir.hpp"

namespace tc::properties {

struct Concrete {
  TensorSpec spec;
  std::vector<double> data;
};
using ConcreteEnv = std::map<std::string, Concrete>;

struct Interval {
  double lo = 0, hi = 0;
  double width() const { return hi - lo; }
};

// [lo, hi] of `d` minus (p - margin·scale, p + margin·scale) for every away_from point p,
// as disjoint intervals in increasing order (empty pieces dropped).
std::vector<Interval> safe_intervals(const Domain& d, double margin_scale = 1.0);

// Whether every element of `v` satisfies the domain rule for slot `slot` of `op`
// (`margin_scale` scales the away_from margins: the generator uses 1, preconditions 0.5 so that
// f32 rounding and tiny shrink edits do not flip a verdict). `exempt`: the affine exemption
// applies (see above; exempt_slot()).
bool operand_in_domain(const OpDef& op, int slot, const Concrete& v, bool exempt,
                       double margin_scale = 1.0);

// The affine exemption for `slot` given which operands are rank-0 constant inputs.
bool exempt_slot(const OpDef& op, int slot, const std::vector<bool>& scalar_constant);

// One op on concrete operands through OpDef::infer and OpDef::forward_f64; i32/bool results
// rounded as the engine stores them. Throws tc::Error as infer or the kernel does.
Concrete eval_op(const OpDef& op, const OpAttrs& attrs, const std::vector<const Concrete*>& in);

struct DomainViolation {
  std::string result;  // the op's result name
  std::string op;
  int slot = 0;
  std::string operand;
};

struct ConcreteRun {
  ConcreteEnv values;  // every value defined (last iteration, taken branch); unknown ones absent
  std::vector<DomainViolation> violations;
  std::optional<std::string> error;  // infer/kernel error, non-finite value, loop limit
  bool all_known = true;             // false if some op consumed an unknown value
};

// Runs `g` on `inputs` (every input, e.g. eut::materialize_inputs). `known` supplies values
// this evaluator cannot compute (gradient results), e.g. RunResult::values.
ConcreteRun run_concrete(const graph::Graph& g, const eut::InputValues& inputs,
                         const std::map<std::string, eut::Value>* known = nullptr,
                         double margin_scale = 0.5);

}  // namespace tc::properties
