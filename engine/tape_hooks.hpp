// Internal: how op execution and variable reads reach the active tapes.
#pragma once
namespace tc {
class Tensor;
namespace detail {
void on_op_executed(const Tensor& out);        // record on tapes tracking an input
void on_variable_read(const Tensor& value);     // auto-watch trainable variables (R2)
// While alive, no tape records anything (optimizer updates, shadow branches).
class SuspendAllTapes {
 public:
  SuspendAllTapes();
  ~SuspendAllTapes();
  SuspendAllTapes(const SuspendAllTapes&) = delete;
  SuspendAllTapes& operator=(const SuspendAllTapes&) = delete;
};
}  // namespace detail
}  // namespace tc
