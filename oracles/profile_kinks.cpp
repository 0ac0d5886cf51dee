#include "oracles/profile_kinks.hpp"

namespace tc::oracles {

bool states_kink_rules(const eut::SemanticsProfile& profile) {
  for (const auto& [row, rule] : profile.ops)
    if (rule.ties == eut::TieRule::split_evenly || rule.kink_side) return true;
  return false;
}

KinkRule profile_kink_rule(const eut::SemanticsProfile& profile, const Branches& base,
                           const std::vector<const OpDef*>& ops, const Branches& plus, const Branches& minus) {
  const std::size_t n = base.sides.size();
  if (plus.sides.size() != n || minus.sides.size() != n || ops.size() != n)
    return {KinkStencil::none, "the path through the graph changes at the point (control flow)"};
  bool forward = false, backward = false;
  int means = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const std::int32_t at = base.sides[i], right = plus.sides[i], left = minus.sides[i];
    if (right == left) continue;  // not crossed: the same piece either side
    if (right == at || left == at)
      return {KinkStencil::none, "a kink within the engine's rounding of the point, not on it"};
    if (!ops[i]) return {KinkStencil::none, "a cond or while_loop decides at the point"};
    const eut::OpSemantics& rule = profile.op(*ops[i]);
    if (rule.ties == eut::TieRule::split_evenly || rule.kink_side == eut::KinkSide::mean) {
      ++means;
      continue;
    }
    if (!rule.kink_side) return {KinkStencil::none, "the point lies on a kink whose rule the engine's profile does not state"};
    if (at != 0 || right * left != -1)
      return {KinkStencil::none, "a kink whose sides are not the sign of its input"};
    const std::int32_t wanted = *rule.kink_side == eut::KinkSide::left ? -1 : 1;
    (right == wanted ? forward : backward) = true;
  }
  if (means > 0 && (forward || backward || means > 1))
    return {KinkStencil::none, "kinks whose rules no one-sided difference combines"};
  if (means == 1) return {KinkStencil::mean, ""};
  if (forward && backward) return {KinkStencil::none, "kinks whose rules want both sides of the point"};
  if (forward) return {KinkStencil::forward, ""};
  if (backward) return {KinkStencil::backward, ""};
  return {KinkStencil::none, "no kink crossed at the point"};
}

}  // namespace tc::oracles
