// Neural-network ops along one axis. One file per op: nn/<op>.cpp.
#pragma once
#include <cstdint>

#include "engine/tensor.hpp"

namespace tc {
// `axis` may be negative (-1 = last, TF's default). Note that OpAttrs::axis defaults to 0:
// code building OpAttrs by hand must set it; the .tcg format and the graph IR always pass
// it explicitly.
Tensor softmax(const Tensor& x, std::int64_t axis = -1);
Tensor log_softmax(const Tensor& x, std::int64_t axis = -1);
}  // namespace tc
