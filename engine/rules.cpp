#include "engine/rules.hpp"

#include "engine/ops/binary/binary.hpp"
#include "engine/tensor.hpp"

namespace tc {

namespace {

// Paths to one value contribute the sum of their gradients (R6): the chain rule's sum over
// paths, as TF aggregates fan-out — one add_n when the value's gradient is needed, not an add
// per path as each arrives (BENCH_GRAPH's backward: 37 ops fewer of 199).
Tensor aggregate(const Tensor* parts, int n) { return add_n(parts, n); }

// stop_recording pauses a recording tape until the outermost pause ends (R1).
bool records(bool started, int pause_depth) { return started && pause_depth == 0; }

// Only trainable variables are watched on read, and only by tapes that watch what they read
// (R2); non-trainable variables need an explicit watch().
bool auto_watches(const VariableInfo& variable, bool watch_accessed_variables) {
  return variable.trainable && watch_accessed_variables;
}

// Only floating values carry gradient: integer and bool values are constants to every tape (R3).
bool carries_gradient(DType dtype) { return is_floating(dtype); }

// A non-scalar target means sum(target) unless output_gradients weight it (R8).
Tensor seed(const Tensor& target, const std::optional<Tensor>& output_gradients) {
  return output_gradients ? *output_gradients : Tensor::ones(target.shape(), target.dtype());
}

// None is not zero: a source no gradient reached gets None, or zeros of its shape and dtype
// when the caller asked for unconnected_gradients=ZERO (R6, R7).
std::optional<Tensor> result(const std::optional<Tensor>& reached, const Tensor& source,
                             bool unconnected_zero) {
  if (reached) return reached;
  if (unconnected_zero) return Tensor::zeros(source.shape(), source.dtype());
  return std::nullopt;
}

const TapeRules kReferenceTape{&aggregate, &records, &auto_watches, &carries_gradient, &seed, &result};

}  // namespace

namespace detail {
thread_local const RuleSet* t_active_rules = nullptr;
}  // namespace detail

RuleSet::RuleSet() : tape(kReferenceTape) {}

OpDef& RuleSet::replace(const OpDef& op) {
  for (auto& [from, to] : replaced_)
    if (from == &op) return to;
  return replaced_.emplace_back(&op, op).second;
}

RuleSet::Use::Use(const RuleSet& rules) : saved_(detail::t_active_rules) { detail::t_active_rules = &rules; }
RuleSet::Use::~Use() { detail::t_active_rules = saved_; }

const TapeRules& reference_tape_rules() { return kReferenceTape; }

}  // namespace tc
