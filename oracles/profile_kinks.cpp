#include "oracles/profile_kinks.hpp"

#include <cmath>
#include <exception>
#include <unordered_map>

#include "engine/ops/op_table.hpp"
#include "graph/ir.hpp"
#include "oracles/evaluate.hpp"

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

// --- second order -------------------------------------------------------------------------

namespace {

// The row evaluated on dual numbers at its kink and at ±δ beside it (three elements of one
// tensor): the kink point's code and tangent, and each neighbour's. Only the first input moves.
struct ArmProbe {
  std::int32_t at = 0, plus = 0, minus = 0;
  double tangent_at = 0, tangent_plus = 0, tangent_minus = 0;
};

std::optional<ArmProbe> probe_kink(const OpDef& row) {
  if (!row.has_kinks || !row.forward_dual || !row.traits.has(Trait::elementwise)) return std::nullopt;
  constexpr double delta = 0x1p-30;
  std::vector<std::vector<double>> inputs;
  if (row.arity == 1 && has(row.input(0).edges, Edges::zero))
    inputs = {{0.0, delta, -delta}};
  else if (row.arity == 2 && has(row.input(0).edges, Edges::ties) && has(row.input(1).edges, Edges::ties))
    inputs = {{1.0, 1.0 + delta, 1.0 - delta}, {1.0, 1.0, 1.0}};
  else
    return std::nullopt;
  graph::Graph g;
  graph::OpStmt op;
  op.result = "y";
  op.op = row.name;
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    graph::Input in;
    in.name = "x" + std::to_string(i);
    in.shape = Shape{3};
    g.inputs.push_back(in);
    op.operands.push_back(in.name);
  }
  g.body.push_back(graph::Statement{op});
  try {
    Evaluator<Dual> ev(g);
    for (std::size_t i = 0; i < inputs.size(); ++i) {
      std::vector<Dual>& x = ev.input(i);
      x.clear();
      for (double v : inputs[i]) x.emplace_back(v, i == 0 ? 1.0 : 0.0);
    }
    ev.run(true);
    const std::vector<std::int32_t>& sides = ev.branches().sides;
    const std::vector<Dual>& y = ev.value(ev.slot("y"));
    if (sides.size() != 3 || y.size() != 3) return std::nullopt;
    return ArmProbe{sides[0], sides[1], sides[2], y[0].d, y[1].d, y[2].d};
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

// The neighbour whose piece the kernel takes at its kink: its tangent is the kink point's
// (within the drift over δ) while the other's is not; nullopt for a mean or a C¹ kink.
std::optional<std::int32_t> table_arm(const OpDef& row) {
  const std::optional<ArmProbe> p = probe_kink(row);
  if (!p || p->at == p->plus || p->at == p->minus || p->plus == p->minus) return std::nullopt;
  const double scale = 1 + std::abs(p->tangent_at);
  const double to_plus = std::abs(p->tangent_at - p->tangent_plus), to_minus = std::abs(p->tangent_at - p->tangent_minus);
  constexpr double same = 1e-6, different = 1e-3;
  if (to_plus <= same * scale && to_minus > different * scale) return p->plus;
  if (to_minus <= same * scale && to_plus > different * scale) return p->minus;
  return std::nullopt;
}

}  // namespace

KinkArms KinkArms::stated_by(const eut::SemanticsProfile& profile) {
  KinkArms a;
  a.profile_ = &profile;
  return a;
}

KinkArms KinkArms::of_table() { return KinkArms{}; }

std::optional<std::int32_t> KinkArms::arm(const OpDef& row) const {
  if (!profile_) {
    // Once for every row: the probes are cheap, and the map is then read without locks.
    static const std::unordered_map<const OpDef*, std::int32_t> arms = [] {
      std::unordered_map<const OpDef*, std::int32_t> m;
      for (const OpDef* r : op_table())
        if (const std::optional<std::int32_t> side = table_arm(*r)) m[r] = *side;
      return m;
    }();
    const auto it = arms.find(&row);
    return it == arms.end() ? std::nullopt : std::optional<std::int32_t>(it->second);
  }
  const eut::OpSemantics& rule = profile_->op(row);
  if (rule.kink_side == eut::KinkSide::left) return -1;
  if (rule.kink_side == eut::KinkSide::right) return 1;
  if (rule.ties == eut::TieRule::first_operand && row.arity == 2) return 0;
  return std::nullopt;
}

SecondOrderKinkRule second_order_kink_rule(const KinkArms& arms, const Branches& base,
                                           const std::vector<const OpDef*>& ops, const Branches& plus,
                                           const Branches& minus) {
  const std::size_t n = base.sides.size();
  if (plus.sides.size() != n || minus.sides.size() != n || ops.size() != n)
    return {KinkStencil::none, false, "the path through the graph changes at the point (control flow)"};
  bool forward = false, backward = false, near = false;
  for (std::size_t i = 0; i < n; ++i) {
    const std::int32_t at = base.sides[i], right = plus.sides[i], left = minus.sides[i];
    if (right == at && left == at) continue;  // no kink here
    if (right != left && (right == at || left == at)) {  // the kernel put the point on one side
      near = true;
      (right == at ? forward : backward) = true;
      continue;
    }
    if (!ops[i]) return {KinkStencil::none, false, "a cond or while_loop decides at the point"};
    const std::optional<std::int32_t> arm = arms.arm(*ops[i]);
    if (!arm)
      return {KinkStencil::none, false,
              "the point lies on a kink whose rule is no one side's piece (a mean, a tie split, a rule not stated)"};
    if (right == left) {  // touched, not crossed: the rule's piece must be the one both sides share
      if (*arm != right)
        return {KinkStencil::none, false, "the line touches a kink whose rule takes the piece neither side has"};
      continue;
    }
    if (*arm == right)
      forward = true;
    else if (*arm == left)
      backward = true;
    else
      return {KinkStencil::none, false, "the point lies on a kink whose rule takes a piece neither side has"};
  }
  if (forward && backward) return {KinkStencil::none, false, "kinks whose rules want both sides of the point"};
  if (!forward && !backward) return {KinkStencil::none, false, "no side of the point is the rules' piece"};
  return {forward ? KinkStencil::forward : KinkStencil::backward, !near && arms.are_the_tables(), ""};
}

}  // namespace tc::oracles
