// Internal: how op execution and variable reads reach the active tapes.
#pragma once
namespace tc {
class Tensor;
namespace detail {
// This thread's recording tapes (counted) and SuspendAllTapes depth, as plain data: every op
// asks whether any tape could record it, and without a tape the answer costs two loads
// (no call, no thread_local initialisation guard).
struct TapeHookState {
  int active_tapes;
  int suspended;
};
extern thread_local TapeHookState t_tape_hooks;

void offer_to_active_tapes(const Tensor& out);
// Record on tapes tracking an input.
inline void on_op_executed(const Tensor& out) {
  if (t_tape_hooks.active_tapes != 0 && t_tape_hooks.suspended == 0) offer_to_active_tapes(out);
}
void on_variable_read(const Tensor& value);     // auto-watch trainable variables (R2)
// While alive, no tape records anything (optimizer updates, shadow branches).
class SuspendAllTapes {
 public:
  SuspendAllTapes() { ++t_tape_hooks.suspended; }
  ~SuspendAllTapes() { --t_tape_hooks.suspended; }
  SuspendAllTapes(const SuspendAllTapes&) = delete;
  SuspendAllTapes& operator=(const SuspendAllTapes&) = delete;
};
}  // namespace detail
}  // namespace tc
