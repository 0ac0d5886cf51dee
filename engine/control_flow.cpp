#include "engine/control_flow.hpp"

#include <unordered_map>

#include "engine/core/errors.hpp"
#include "engine/core/limits.hpp"
#include "engine/tape_hooks.hpp"

namespace tc {

namespace {
struct Entry {
  std::weak_ptr<const TensorImpl> key;  // guards against a reused address
  detail::UntakenBranch branch;
};
thread_local std::unordered_multimap<const TensorImpl*, Entry> t_untaken;

void remember(const Tensor& taken, detail::UntakenBranch b) {
  if (t_untaken.size() > 4096) {  // drop entries whose cond result no longer exists
    for (auto it = t_untaken.begin(); it != t_untaken.end();)
      it = it->second.key.expired() ? t_untaken.erase(it) : std::next(it);
  }
  t_untaken.emplace(taken.impl(), Entry{taken.impl_ptr(), std::move(b)});
}
}  // namespace

namespace detail {
std::vector<UntakenBranch> untaken_branches_of(const TensorImpl* t) {
  std::vector<UntakenBranch> out;
  auto [lo, hi] = t_untaken.equal_range(t);
  for (auto it = lo; it != hi; ++it) {
    auto k = it->second.key.lock();
    if (k && k.get() == t) out.push_back(it->second.branch);
  }
  return out;
}
}  // namespace detail

Tensor cond(const Tensor& pred, const std::function<Tensor()>& then_fn,
            const std::function<Tensor()>& else_fn) {
  if (!pred.defined() || pred.numel() != 1 || pred.dtype() != DType::boolean)
    throw DTypeError("cond: the predicate must be a scalar bool tensor, got " +
                     (pred.defined() ? std::string(dtype_name(pred.dtype())) + pred.shape().str()
                                     : std::string("an empty tensor")));
  const bool taken_then = pred.item() != 0.0;
  Tensor result = taken_then ? then_fn() : else_fn();
  if (!result.defined()) throw Error("cond: the taken branch returned an empty tensor");
  detail::UntakenBranch untaken{nullptr, pred.impl_ptr()};
  {
    detail::SuspendAllTapes suspend;
    try {
      Tensor shadow = taken_then ? else_fn() : then_fn();
      untaken.result = shadow.impl_ptr();
    } catch (const Error&) {
      // The untaken branch would fail on these values; it never ran for real, as in TF.
    }
  }
  remember(result, std::move(untaken));
  return result;
}

std::vector<Tensor> while_loop(
    const std::function<Tensor(const std::vector<Tensor>&)>& cond_fn,
    const std::function<std::vector<Tensor>(const std::vector<Tensor>&)>& body_fn,
    std::vector<Tensor> vars, std::int64_t max_iterations) {
  if (max_iterations < 0) max_iterations = limits::kMaxLoopIterations;
  for (std::int64_t i = 0;; ++i) {
    const Tensor c = cond_fn(vars);
    if (!c.defined() || c.numel() != 1 || c.dtype() != DType::boolean)
      throw DTypeError("while_loop: the condition must return a scalar bool tensor");
    if (c.item() == 0.0) return vars;
    if (i >= max_iterations)
      throw LimitError("while_loop: more than " + std::to_string(max_iterations) + " iterations");
    std::vector<Tensor> next = body_fn(vars);
    if (next.size() != vars.size())
      throw ShapeError("while_loop: the body returned " + std::to_string(next.size()) +
                       " loop variables, expected " + std::to_string(vars.size()));
    for (std::size_t k = 0; k < next.size(); ++k)
      if (next[k].shape() != vars[k].shape() || next[k].dtype() != vars[k].dtype())
        throw ShapeError("while_loop: loop variable " + std::to_string(k) + " changed from " +
                         std::string(dtype_name(vars[k].dtype())) + vars[k].shape().str() + " to " +
                         std::string(dtype_name(next[k].dtype())) + next[k].shape().str());
    vars = std::move(next);
  }
}

}  // namespace tc
