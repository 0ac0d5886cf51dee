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
#pragma once
#include <cstdint>
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

}  // namespace tc::oracles
