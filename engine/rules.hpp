// The rules an engine runs by: the op table's rows and a handful of tape behaviours.
//
// The reference engine runs the op table as written. Another engine built from the same code —
// a mutant with one VJP, forward or kink rule replaced, or one tape behaviour changed — is the
// reference engine handed another RuleSet. Rules are chosen per thread for the duration of a
// run (RuleSet::Use), so a mutant and the reference run side by side in one process, and the
// oracles, which read the op table directly, stay independent of whatever an engine does.
//
// Nothing in the engine asks "am I a mutant?": every decision that a rule set may replace is
// made by calling the rule (active_rules().row(op).vjp, active_rules().tape.aggregate, ...).
#pragma once
#include <deque>
#include <optional>
#include <utility>

#include "engine/ops/op_def.hpp"

namespace tc {

class Tensor;
struct VariableInfo;

// Tape behaviours a rule set may replace. Each default is the reference semantics
// (../shared/SEMANTICS.md) and lives in engine/rules.cpp next to why it is right.
struct TapeRules {
  // The gradient of a value reached along n >= 2 paths (fan-out) from the n gradients, in the
  // order the backward pass reached them: their sum (R6).
  Tensor (*aggregate)(const Tensor* parts, int n);
  // Whether a tape that started recording and is paused `pause_depth` times records (R1).
  bool (*records)(bool started, int pause_depth);
  // Whether reading `variable` while a tape records watches it (R2).
  bool (*auto_watches)(const VariableInfo& variable, bool watch_accessed_variables);
  // Whether values of `dtype` carry gradient (R3).
  bool (*carries_gradient)(DType dtype);
  // The upstream gradient the backward pass starts from (R8): output_gradients, else ones.
  Tensor (*seed)(const Tensor& target, const std::optional<Tensor>& output_gradients);
  // What gradient() returns for one source, given the gradient the backward pass reached
  // (nullopt: none reached it) and whether the caller asked for zeros (R6, R7).
  std::optional<Tensor> (*result)(const std::optional<Tensor>& reached, const Tensor& source,
                                  bool unconnected_zero);
};

class RuleSet {
 public:
  // The reference rules: the op table as written, the tape as SEMANTICS.md says.
  RuleSet();

  // The row an engine running these rules uses for `op` (`op` itself unless replaced). Rows
  // are identified by the table's row: a tensor's provenance always names the table's op.
  const OpDef& row(const OpDef& op) const {
    for (const auto& [from, to] : replaced_)
      if (from == &op) return to;
    return op;
  }
  // Replaces `op`'s row, e.g. a copy of it with another vjp. Returns the new row to edit.
  OpDef& replace(const OpDef& op);
  bool replaces_anything() const { return !replaced_.empty(); }

  TapeRules tape;

  // Makes `rules` the active rules of this thread while alive (nesting restores the outer).
  class Use {
   public:
    explicit Use(const RuleSet& rules);
    ~Use();
    Use(const Use&) = delete;
    Use& operator=(const Use&) = delete;

   private:
    const RuleSet* saved_;
  };

 private:
  std::deque<std::pair<const OpDef*, OpDef>> replaced_;  // a deque: replace() hands out references
};

namespace detail {
extern thread_local const RuleSet* t_active_rules;  // null: the reference rules
// Inline, like active_rules(): the call into rules.cpp was as long as the lookup.
inline const RuleSet& reference_rules() {
  static const RuleSet rules;
  return rules;
}
}  // namespace detail

// The rules of this thread's current run: the reference rules unless a RuleSet::Use is alive.
// Inline: every op asks (apply_op, the tape's offer), and the answer is one load.
inline const RuleSet& active_rules() {
  const RuleSet* r = detail::t_active_rules;
  return r ? *r : detail::reference_rules();
}

// The reference tape behaviours, for a rule that changes one case and defers to them otherwise.
const TapeRules& reference_tape_rules();

}  // namespace tc
