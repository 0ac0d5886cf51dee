// SGD with TF's apply_gradients contract (R14): all-None gradients are an error naming each
// variable and why its gradient is None; some-None warns and applies the rest.
#pragma once
#include <vector>

#include "engine/tape.hpp"
#include "engine/variable.hpp"

namespace tc {

class SGD {
 public:
  explicit SGD(double learning_rate) : lr_(learning_rate) {}
  // grads[i] belongs to vars[i] (as returned by tape.gradient(loss, vars)).
  void apply_gradients(const Gradients& grads, const std::vector<Variable>& vars);

 private:
  double lr_;
};

}  // namespace tc
