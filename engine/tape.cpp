#include "engine/tape.hpp"

#include <algorithm>
#include <array>

#include "engine/core/errors.hpp"
#include "engine/core/limits.hpp"
#include "engine/core/warnings.hpp"
#include "engine/ops/binary/binary.hpp"
#include "engine/rules.hpp"
#include "engine/tape_hooks.hpp"

namespace tc {

namespace {
// Tapes currently between start() and stop() on this thread, outermost first.
thread_local std::vector<GradientTape*> t_active;

bool in_spans(std::int64_t id, const std::vector<std::pair<std::int64_t, std::int64_t>>& spans) {
  for (const auto& [first, last] : spans)
    if (id >= first && id < last) return true;
  return false;
}

// A point in id order: ids only grow, so a tensor id tells when it was made.
std::int64_t id_now() { return next_tensor_id(); }
}  // namespace

namespace detail {
thread_local TapeHookState t_tape_hooks{};

void offer_to_active_tapes(const Tensor& out) {
  for (GradientTape* tape : t_active) tape->offer(out);
}
void on_variable_read(const Tensor& value) {
  if (t_tape_hooks.suspended || !value.impl()->variable) return;
  const TapeRules& rules = active_rules().tape;
  for (GradientTape* tape : t_active)
    if (tape->is_recording() && rules.auto_watches(*value.impl()->variable, tape->watch_accessed_variables()))
      tape->watch(value);
}
}  // namespace detail

GradientTape::GradientTape(bool persistent, bool watch_accessed_variables)
    : persistent_(persistent), watch_accessed_variables_(watch_accessed_variables) {}

GradientTape::~GradientTape() {
  if (recording_) stop();
}

void GradientTape::start() {
  if (recording_) throw TapeError("GradientTape.start(): the tape is already recording");
  recording_ = true;
  // Room for a small graph's ops from the start: growing the id map rehashes every id it
  // holds, and growing the entries moves every one (twice each for BENCH_GRAPH's 86 ops).
  constexpr std::size_t kFirstOps = 128;
  tracked_.reserve(kFirstOps);
  if (entries_.capacity() < kFirstOps) entries_.reserve(kFirstOps);
  if (input_slots_.capacity() < 2 * kFirstOps) input_slots_.reserve(2 * kFirstOps);
  recording_spans_.emplace_back(id_now(), INT64_MAX);
  t_active.push_back(this);
  detail::t_tape_hooks.active_tapes = static_cast<int>(t_active.size());
}

void GradientTape::stop() {
  if (!recording_) throw TapeError("GradientTape.stop(): the tape is not recording");
  recording_ = false;
  recording_spans_.back().second = id_now();
  t_active.erase(std::remove(t_active.begin(), t_active.end(), this), t_active.end());
  detail::t_tape_hooks.active_tapes = static_cast<int>(t_active.size());
}

GradientTape::Pause::Pause(GradientTape& t) : tape_(t) {
  if (tape_.pause_depth_++ == 0) tape_.paused_spans_.emplace_back(id_now(), INT64_MAX);
}
GradientTape::Pause::~Pause() {
  if (--tape_.pause_depth_ == 0) tape_.paused_spans_.back().second = id_now();
}

void GradientTape::watch(const Tensor& t) {
  if (!t.defined()) throw TapeError("GradientTape.watch(): empty tensor");
  if (!is_floating(t.dtype())) {
    warn("GradientTape.watch(" + t.label() + "): dtype " + std::string(dtype_name(t.dtype())) +
         " is not floating; its gradient will be None");
    watched_integer_.push_back(t.label());
    return;
  }
  track(t.id()).flags |= kWatched;
}

GradientTape::Tracked& GradientTape::track(std::int64_t id) {
  Tracked& t = tracked_[id];
  if (t.slot == kUntracked) t.slot = slots_++;
  return t;
}

bool GradientTape::is_recording() const { return active_rules().tape.records(recording_, pause_depth_); }

void GradientTape::offer(const Tensor& out) {
  const RuleSet& rules = active_rules();
  if (!rules.tape.records(recording_, pause_depth_)) return;  // is_recording(), rules looked up once
  const TensorImpl& n = *out.impl();
  if (!rules.tape.carries_gradient(n.spec.dtype)) return;  // an integer/bool output carries no gradient (R3)
  const OpDef& op = rules.row(*n.op);
  // Every input's slot, noted for the backward pass (which then looks up no id).
  const std::size_t first_input = input_slots_.size();
  bool flows = false;
  for (std::size_t j = 0; j < n.inputs.size(); ++j) {
    const TensorImpl& in = *n.inputs[j].impl();
    const Tracked* t = tracked_.find(in.id);
    input_slots_.push_back(t ? t->slot : kUntracked);
    flows = flows || (t && op.input(static_cast<int>(j)).differentiable() &&
                      rules.tape.carries_gradient(in.spec.dtype));
  }
  if (!flows || static_cast<std::int64_t>(entries_.size()) >= limits::kMaxTapeNodes) {
    input_slots_.resize(first_input);
    if (!flows) return;
    throw LimitError("GradientTape: more than " + std::to_string(limits::kMaxTapeNodes) +
                     " recorded ops (the per-tape cap)");
  }
  // An op's output is offered once, when it is made: its id is new to the tape.
  const auto [t, fresh] = tracked_.try_emplace(n.id, Tracked{kRecorded, slots_});
  if (fresh) ++slots_;
  t->flags |= kRecorded;
  entries_.push_back({out, t->slot, first_input});
}

GradientTape::Recorded GradientTape::how_recorded(std::int64_t id) const {
  if (has(id, kRecorded)) return Recorded::yes;
  if (in_spans(id, paused_spans_)) return Recorded::paused;
  if (!in_spans(id, recording_spans_)) return Recorded::outside;
  return Recorded::untracked;
}

Gradients GradientTape::gradient(const Tensor& target, const std::vector<Source>& sources,
                                 const GradientOptions& options) {
  if (!target.defined()) throw TapeError("GradientTape.gradient(): empty target");
  if (used_ && !persistent_)
    throw TapeError(
        "GradientTape.gradient can only be called once on a non-persistent tape; "
        "create the tape with persistent=true to call it again");
  used_ = true;
  if (options.output_gradients) {
    const Tensor& og = *options.output_gradients;
    if (og.shape() != target.shape())
      throw ShapeError("GradientTape.gradient(): output_gradients shape " + og.shape().str() +
                       " differs from the target shape " + target.shape().str());
  }
  // This tape does not record its own backward pass; outer tapes do (R10). The pause ends
  // however gradient() ends — a VJP that throws included — so that later ops are not taken
  // for paused ones (explain() would name stop_recording for them).
  std::optional<Pause> own_backward_pass;
  if (recording_) own_backward_pass.emplace(*this);

  // The gradients reaching each value so far, one per path, by the value's slot: summed by
  // the rules' aggregate (one add_n) when the value's own VJP needs them, or at the end for
  // a source — TF's aggregation. A value with very many paths is summed on the way, every
  // kMaxParts gradients, so that waiting gradients never hold more than that many tensors
  // per value.
  struct Reached {
    bool reached = false;
    bool source = false;  // a source's gradient is kept after its VJP has run
    Tensor first;
    std::vector<Tensor> more;  // the later paths' gradients (allocated only on fan-out)
  };
  constexpr std::size_t kMaxParts = 64;
  const RuleSet& rules = active_rules();
  auto sum_of = [&](Reached& r) -> const Tensor& {
    if (r.more.empty()) return r.first;
    r.more.insert(r.more.begin(), std::move(r.first));  // the parts in arrival order, in place
    r.first = rules.tape.aggregate(r.more.data(), static_cast<int>(r.more.size()));
    r.more.clear();
    return r.first;
  };
  // The slots tracked when the call began (the tape is paused while it runs, so it tracks
  // nothing new; a slot past them would be one it tracked since, and reached by no path).
  std::vector<Reached> grads(static_cast<std::size_t>(slots_));
  auto slot_of = [&](std::int64_t id) -> std::int32_t {
    const Tracked* t = tracked_.find(id);
    return t != nullptr && t->slot < static_cast<std::int32_t>(grads.size()) ? t->slot : kUntracked;
  };
  auto reached_at = [&](std::int64_t id) -> Reached* {
    const std::int32_t slot = slot_of(id);
    return slot != kUntracked && grads[static_cast<std::size_t>(slot)].reached ? &grads[static_cast<std::size_t>(slot)]
                                                                              : nullptr;
  };
  // A node's gradient is needed only for its own VJP — its inputs are older than it, so no
  // node visited later reads it — unless it is a source. Other nodes' gradients are released
  // as soon as their VJP has run: their storage goes back to the pool while still in cache,
  // for the next VJP's results, instead of the backward pass's working set growing with the
  // graph.
  for (const Source& s : sources)
    if (s.tensor().defined())
      if (const std::int32_t slot = slot_of(s.tensor().id()); slot != kUntracked)
        grads[static_cast<std::size_t>(slot)].source = true;
  const std::int32_t target_slot = rules.tape.carries_gradient(target.dtype()) ? slot_of(target.id()) : kUntracked;
  if (target_slot != kUntracked) {
    Reached& seed = grads[static_cast<std::size_t>(target_slot)];
    seed.reached = true;
    seed.first = rules.tape.seed(target, options.output_gradients);  // R8
    // The VJPs' results: inline for up to four inputs (no allocation per node), emptied
    // after each node.
    constexpr int kInline = 4;
    std::array<std::optional<Tensor>, kInline> gin_inline;
    std::vector<std::optional<Tensor>> gin_heap;
    // Walk recorded ops newest first; everything recorded after the target is irrelevant.
    for (auto it = entries_.rbegin(); it != entries_.rend(); ++it) {
      const Tensor& out = it->out;
      const TensorImpl& node = *out.impl();
      if (node.id > target.id()) continue;
      Reached& reached = grads[static_cast<std::size_t>(it->slot)];
      if (!reached.reached) continue;
      // Every path to the node has been walked (they all start at newer nodes). Its gradient is
      // moved out (the node is visited once), or kept for a source.
      sum_of(reached);
      const Tensor upstream = reached.source ? reached.first : std::move(reached.first);
      const int n = static_cast<int>(node.inputs.size());
      // The VJP reads the inputs where provenance holds them.
      const Tensor* inputs = node.inputs.data();
      std::optional<Tensor>* gin = gin_inline.data();
      if (n > kInline) {
        gin_heap.assign(static_cast<std::size_t>(n), std::nullopt);
        gin = gin_heap.data();
      }
      const OpDef& op = rules.row(*node.op);
      op.vjp({node.attrs ? *node.attrs : no_attrs(), inputs, n, out, upstream}, gin);
      const std::int32_t* input_slots = input_slots_.data() + it->first_input;
      for (int j = 0; j < n; ++j) {
        const Tensor& in = inputs[j];
        std::int32_t slot = input_slots[j];
        if (slot == kUntracked) slot = slot_of(in.id());  // watched after the op ran, or not tracked
        if (slot == kUntracked || !op.input(j).differentiable() || !rules.tape.carries_gradient(in.dtype()))
          continue;
        if (!gin[j])
          throw Error(std::string("internal: VJP of ") + node.op->name +
                      " returned None for differentiable input " + std::to_string(j));
        Reached& r = grads[static_cast<std::size_t>(slot)];
        if (r.reached) {
          if (r.more.size() + 1 == kMaxParts) sum_of(r);
          if (r.more.capacity() == 0) r.more.reserve(4);  // room to put `first` in front, too
          r.more.push_back(std::move(*gin[j]));
        } else {
          r.reached = true;
          r.first = std::move(*gin[j]);
        }
      }
      for (int j = 0; j < n; ++j) gin[j].reset();
    }
  }

  Gradients result;
  for (const Source& s : sources) {
    const Tensor& src = s.tensor();
    if (!src.defined()) throw TapeError("GradientTape.gradient(): empty source");
    Reached* g = reached_at(src.id());
    std::optional<Tensor> reached;
    if (g && rules.tape.carries_gradient(src.dtype())) reached = sum_of(*g);
    std::optional<Tensor> value = rules.tape.result(reached, src, options.unconnected == Unconnected::zero);
    // A None, or zeros standing for one (R7), is explained.
    result.why.emplace_back(reached ? std::nullopt : std::optional<Explanation>(explain(target, s)));
    result.values.push_back(std::move(value));
  }
  return result;
}

}  // namespace tc
