// tf.Variable: a named, mutable slot whose value keeps one id across assignments, so that
// tapes and gradients refer to the variable rather than to one of its values.
#pragma once
#include <memory>
#include <string>

#include "engine/tensor.hpp"

namespace tc {

class Variable {
 public:
  Variable(const Tensor& initial, bool trainable = true, std::string name = "");

  // Reads the value; a trainable variable read while a tape records is watched by it
  // (unless that tape was made with watch_accessed_variables = false), R2.
  Tensor read() const;
  operator Tensor() const { return read(); }  // NOLINT: ops read variables implicitly, as in TF
  // The current value without watching: for sources of gradient() and inspection.
  Tensor value() const;

  void assign(const Tensor& new_value);  // same shape and dtype, else ShapeError/DTypeError
  const std::string& name() const { return state_->info->name; }
  bool trainable() const { return state_->info->trainable; }
  std::int64_t id() const { return state_->id; }

 private:
  struct State {
    std::int64_t id;
    std::shared_ptr<VariableInfo> info;
    std::shared_ptr<const TensorImpl> value;
  };
  std::shared_ptr<State> state_;  // copies share the variable, as Python references do
};

}  // namespace tc
