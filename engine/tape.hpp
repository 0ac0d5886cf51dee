// tf.GradientTape with the semantics of ../shared/SEMANTICS.md (R1–R13).
#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "engine/core/id_map.hpp"
#include "engine/explain.hpp"
#include "engine/tensor.hpp"
#include "engine/variable.hpp"

namespace tc {

enum class Unconnected : std::uint8_t { none, zero };  // R7

// A gradient source: a tensor or a variable (passing a variable does not read it).
class Source {
 public:
  Source(const Tensor& t) : tensor_(t) {}                  // NOLINT(implicit)
  Source(const Variable& v) : tensor_(v.value()) {}        // NOLINT(implicit)
  const Tensor& tensor() const { return tensor_; }

 private:
  Tensor tensor_;
};

struct GradientOptions {
  std::optional<Tensor> output_gradients;  // same shape as the target (R8)
  Unconnected unconnected = Unconnected::none;
};

// One optional per source: a tensor of the source's shape and dtype, or None (R6, R12).
// `why[i]` explains each None (also kept in ZERO mode, where the value is zeros).
struct Gradients {
  std::vector<std::optional<Tensor>> values;
  std::vector<std::optional<Explanation>> why;
  std::size_t size() const { return values.size(); }
  const std::optional<Tensor>& operator[](std::size_t i) const { return values[i]; }
};

class GradientTape {
 public:
  explicit GradientTape(bool persistent = false, bool watch_accessed_variables = true);
  ~GradientTape();
  GradientTape(const GradientTape&) = delete;
  GradientTape& operator=(const GradientTape&) = delete;

  // Recording scope, like Python's `with tape:`. start() pushes the tape on this thread's
  // stack of recording tapes; stop() pops it. Recording() returns an RAII scope.
  void start();
  void stop();
  class Scope {
   public:
    explicit Scope(GradientTape& t) : tape_(t) { tape_.start(); }
    ~Scope() { tape_.stop(); }
    Scope(const Scope&) = delete;
    Scope& operator=(const Scope&) = delete;

   private:
    GradientTape& tape_;
  };
  [[nodiscard]] Scope recording() { return Scope(*this); }

  // tape.stop_recording(): ops inside are not recorded (R1).
  class Pause {
   public:
    explicit Pause(GradientTape& t);
    ~Pause();
    Pause(const Pause&) = delete;
    Pause& operator=(const Pause&) = delete;

   private:
    GradientTape& tape_;
  };
  [[nodiscard]] Pause stop_recording() { return Pause(*this); }

  // Watches a floating tensor (R2). Watching an integer/bool tensor warns and has no effect (R3).
  void watch(const Tensor& t);
  void watch(const Variable& v) { watch(v.value()); }

  // d target / d sources. A non-persistent tape allows one call (R9).
  Gradients gradient(const Tensor& target, const std::vector<Source>& sources,
                     const GradientOptions& options = {});
  // One source (a Tensor or a Variable) gives one optional. A braced list `{x}` always
  // means the list form above: the template cannot be deduced from a braced list.
  template <class T, class = std::enable_if_t<std::is_same_v<T, Tensor> || std::is_same_v<T, Variable>>>
  std::optional<Tensor> gradient(const Tensor& target, const T& source,
                                 const GradientOptions& options = {}) {
    return gradient(target, std::vector<Source>{Source(source)}, options).values[0];
  }

  // Why gradient(target, source) is (or would be) None.
  Explanation explain(const Tensor& target, const Source& source) const;

  bool persistent() const { return persistent_; }
  bool is_recording() const;  // started and not paused, as the active rules say (R1)
  bool watch_accessed_variables() const { return watch_accessed_variables_; }
  std::size_t recorded_ops() const { return entries_.size(); }
  bool tracks(std::int64_t id) const { return tracked_.contains(id); }
  bool is_watched(std::int64_t id) const { return has(id, kWatched); }

  // Internal (tape_hooks): offered every executed op.
  void offer(const Tensor& out);

 private:
  friend class ExplainWalk;
  enum class Recorded { yes, paused, outside, untracked };
  Recorded how_recorded(std::int64_t node_id) const;

  bool persistent_;
  bool watch_accessed_variables_;
  bool recording_ = false;
  int pause_depth_ = 0;
  bool used_ = false;
  // The tensors this tape tracks: watched ones and outputs of ops it recorded (one entry
  // per id, so recording an op costs one insertion). Each has a slot, numbered densely in
  // the order the tape first tracked it: the backward pass keeps gradients in an array by
  // slot and finds an input's slot where its op's entry noted it, so that it looks up no id.
  enum TrackFlags : std::uint8_t { kWatched = 1, kRecorded = 2 };
  struct Tracked {
    std::uint8_t flags = 0;
    std::int32_t slot = -1;
  };
  static constexpr std::int32_t kUntracked = -1;
  Tracked& track(std::int64_t id);  // the id's entry, given the next slot if it is new
  bool has(std::int64_t id, TrackFlags flag) const {
    const Tracked* t = tracked_.find(id);
    return t && (t->flags & flag);
  }
  IdMap<Tracked> tracked_;
  std::int32_t slots_ = 0;
  // A recorded op: its output, the output's slot, and where its inputs' slots begin in
  // input_slots_ (one per input, in order; kUntracked for an input the tape did not track
  // when the op ran — gradient() looks that one up again, as it may have been watched since).
  struct Entry {
    Tensor out;
    std::int32_t slot;
    std::size_t first_input;
  };
  std::vector<Entry> entries_;  // recorded ops, in order
  std::vector<std::int32_t> input_slots_;
  // Id ranges [first, last) during which the tape recorded, and during which it was paused.
  std::vector<std::pair<std::int64_t, std::int64_t>> recording_spans_, paused_spans_;
  std::vector<std::string> watched_integer_;  // labels, for explanations
};

}  // namespace tc
