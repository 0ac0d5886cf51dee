// Which one-sided derivative an engine takes at a kink its semantics profile states a rule for
// (eut/semantics_profile.hpp: OpSemantics::kink_side, ties), as a finite-difference stencil.
//
// On a line φ(t) = f(x0 + t·u) through a point on kinks, the branch signature just right of 0
// (`plus`, t → 0+) and just left (`minus`) differ from the base point's where the line crosses
// a kink. An engine's chain rule takes, at every crossed kink, its rule's derivative; that sum
// of products is a one-sided derivative of φ when every crossed kink wants the side the same
// direction of t reaches (a kink whose input falls as t grows has its left side at t > 0), and
// the mean of both when the only crossed kink takes the mean (a tie split evenly, abs'(0) = 0:
// the mean of the two slopes). Anything else — a kink with no stated rule (the row's text, a
// cond, a while_loop), a point near but not on a kink, rules wanting both directions, several
// means at once (their product is no mean of φ's sides) — has no such stencil.
//
// Second order (below) asks the same of φ(t) = <g(x0 + t·w), u>, g the engine's gradient, by
// the profile's rules or, for an engine that takes the op table's, by the table's as the rows'
// own kernels realise them (KinkArms), under stricter conditions: second_order_kink_rule.
#pragma once
#include <cstdint>
#include <optional>
#include <vector>

#include "engine/ops/op_def.hpp"
#include "eut/semantics_profile.hpp"

namespace tc::oracles {

enum class KinkStencil : std::uint8_t { none, forward, backward, mean };

struct KinkRule {
  KinkStencil stencil = KinkStencil::none;
  const char* why = "";  // for none: why no one-sided difference stands for the engine's rule
};

// Whether `profile` states the rule of any kink or tie (else no kink is judged by it).
bool states_kink_rules(const eut::SemanticsProfile& profile);

// `base`: the base point's signature, `ops`: the op that recorded each of its sides
// (Evaluator::branch_ops, nullptr for control flow); `plus` / `minus`: the signatures at the
// smallest steps either side. Kink sides are read as the unary kernels record them: the sign
// of the input relative to the kink (-1, 0 on it, 1).
KinkRule profile_kink_rule(const eut::SemanticsProfile& profile, const Branches& base,
                           const std::vector<const OpDef*>& ops, const Branches& plus, const Branches& minus);

// --- second order -------------------------------------------------------------------------

// The piece an engine's rule takes at a kink its point lies on, as the branch code the op's
// kernel records for that piece (relu: -1, the side below the kink; maximum: 0, a won).
class KinkArms {
 public:
  // The rules `profile` states: kink_side left (-1) or right (1) — the sign of the input
  // relative to the kink, as unary kernels record it — and ties to the first operand of a
  // binary op (0, as the extremum kernels record a's win). A mean is no one piece.
  static KinkArms stated_by(const eut::SemanticsProfile& profile);
  // The op table's rows' rules (an engine with Capabilities::table_kink_rules), as each row's
  // own dual-number kernel realises them: an elementwise op with a kink at 0 (Edges::zero)
  // evaluated at 0 and at ±δ, a binary one with ties (Edges::ties) at a = b and a = b ± δ; the
  // piece is the neighbour whose tangent the kink point's equals while the other's differs.
  // An op that is C¹ at its kink (softsign: both tangents equal), takes a mean (abs'(0) = 0)
  // or has its kink elsewhere (clip's bounds, a group's ties) gets none here.
  static KinkArms of_table();

  // The branch code of the piece `row`'s rule takes at its kink; nullopt where it is no one
  // piece or the rule is not known.
  std::optional<std::int32_t> arm(const OpDef& row) const;
  bool are_the_tables() const { return profile_ == nullptr; }

 private:
  const eut::SemanticsProfile* profile_ = nullptr;  // null: the table's
};

struct SecondOrderKinkRule {
  KinkStencil stencil = KinkStencil::none;  // none, forward or backward
  // The side is the engine's at second order for certain (where its values are the oracle's):
  // every kink that chose it lies on the point (its code there is neither neighbour's) and its
  // rule is the table's, whose VJPs are written in engine ops with the forward's masks, so the
  // outer tape differentiates them on the same piece. Not where a kink lies within rounding of
  // the point on one side (an engine that rounds otherwise may lie on its other side), nor by a
  // profile's rules: they state first-order sides, and an engine's double backward may take a
  // kink by its own (libtorch's elu at 0: the first derivative the left piece's, the second
  // the right's). Otherwise only an agreement with the side is a verdict.
  bool decides = false;
  const char* why = "";  // for none
};

// φ(t) = <g(x0 + t·w), u> through a point on kinks. The nested tapes differentiate the
// engine's backward at the point, where each kink's rule picks a piece twice: in the VJP's mask
// that makes g, and again where the outer tape differentiates the op itself. A side rule picks
// the same piece both times (a 0/1 mask squared is itself), so the engine's Hessian-vector
// product is the derivative of that piece of φ: the one-sided derivative on the side of t
// whose signature is the piece's. A mean does not carry over — abs'(0) = sign(0) = 0 gives
// h''(0)·sign(0)² = 0 for h(|x|), while both sides of φ have h''(0) — so means are no rule
// here. Stricter than profile_kink_rule also where the line only touches a kink: relu(x²) at
// 0 lies above the kink on both sides, where its second derivative is 2, but the point is on
// the piece below (relu'(0) = 0), where the nested tapes give 0 — such a kink needs its rule's
// piece to be the one both sides share. A kink within rounding of the point on one side (its
// code there equals one neighbour's) wants that side: the kernel put the point on it.
SecondOrderKinkRule second_order_kink_rule(const KinkArms& arms, const Branches& base,
                                           const std::vector<const OpDef*>& ops, const Branches& plus,
                                           const Branches& minus);

}  // namespace tc::oracles
