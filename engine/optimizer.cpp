#include "engine/optimizer.hpp"

#include "engine/core/errors.hpp"
#include "engine/core/warnings.hpp"
#include "engine/ops/binary/binary.hpp"
#include "engine/tape_hooks.hpp"

namespace tc {

namespace {
std::string why(const Gradients& g, std::size_t i) {
  return g.why[i] ? g.why[i]->sentence() : std::string("no explanation recorded");
}
}  // namespace

void SGD::apply_gradients(const Gradients& grads, const std::vector<Variable>& vars) {
  if (grads.size() != vars.size())
    throw Error("SGD.apply_gradients: " + std::to_string(grads.size()) + " gradients for " +
                std::to_string(vars.size()) + " variables");
  std::vector<std::size_t> missing;
  for (std::size_t i = 0; i < vars.size(); ++i)
    if (!grads[i]) missing.push_back(i);
  if (!vars.empty() && missing.size() == vars.size()) {
    std::string msg = "No gradients provided for any variable:";
    for (std::size_t i : missing) msg += "\n  '" + vars[i].name() + "': " + why(grads, i);
    throw NoGradientsError(msg);
  }
  if (!missing.empty()) {
    std::string msg = "Gradients do not exist for variables";
    for (std::size_t i : missing) msg += " '" + vars[i].name() + "' (" + why(grads, i) + ")";
    warn(msg + " when minimizing the loss; they are left unchanged");
  }
  // The update itself is not differentiable and must not appear on any tape.
  detail::SuspendAllTapes off_the_record;
  for (std::size_t i = 0; i < vars.size(); ++i) {
    if (!grads[i]) continue;
    const Variable& v = vars[i];
    Variable(v).assign(sub(v.value(), mul(Tensor::scalar(lr_, v.value().dtype()), *grads[i])));
  }
}

}  // namespace tc
