// Eager control flow (R11): cond runs and records only the taken branch; while_loop records
// every executed iteration.
#pragma once
#include <functional>
#include <vector>

#include "engine/tensor.hpp"

namespace tc {

// `pred` is a scalar bool tensor; it is not differentiable. The untaken branch is traced
// with every tape suspended so that explain() can say "untaken branch" for sources used
// only there; its result (and any error it raises) is discarded.
Tensor cond(const Tensor& pred, const std::function<Tensor()>& then_fn,
            const std::function<Tensor()>& else_fn);

// Runs body while cond(vars) is true; at most `max_iterations` (LimitError beyond).
std::vector<Tensor> while_loop(const std::function<Tensor(const std::vector<Tensor>&)>& cond_fn,
                               const std::function<std::vector<Tensor>(const std::vector<Tensor>&)>& body_fn,
                               std::vector<Tensor> loop_vars, std::int64_t max_iterations = -1);

namespace detail {
struct UntakenBranch {
  std::shared_ptr<const TensorImpl> result;  // the untaken branch's traced result, may be null
  std::shared_ptr<const TensorImpl> pred;
};
// Untaken branches recorded for the cond whose (taken) result is `t`.
std::vector<UntakenBranch> untaken_branches_of(const TensorImpl* t);
}  // namespace detail

}  // namespace tc
