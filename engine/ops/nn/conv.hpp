// Convolutions and pools over channels-last operands (TF's NWC / NHWC). One file per op:
// nn/<op>.cpp; the shared geometry is in window_plan.hpp. `padding` is "valid" or "same" (TF's);
// empty strides and dilations mean 1 on every spatial axis.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "engine/tensor.hpp"

namespace tc {
// x [N, W, C], filters [K, C, O] -> [N, W', O].
Tensor conv1d(const Tensor& x, const Tensor& filters, std::vector<std::int64_t> strides = {},
              std::string padding = "valid", std::vector<std::int64_t> dilations = {});
// x [N, H, W, C], filters [KH, KW, C, O] -> [N, H', W', O].
Tensor conv2d(const Tensor& x, const Tensor& filters, std::vector<std::int64_t> strides = {},
              std::string padding = "valid", std::vector<std::int64_t> dilations = {});
// Windows of ksize [KH, KW] over x [N, H, W, C], per channel -> [N, H', W', C].
Tensor max_pool2d(const Tensor& x, std::vector<std::int64_t> ksize, std::vector<std::int64_t> strides = {},
                  std::string padding = "valid");
Tensor avg_pool2d(const Tensor& x, std::vector<std::int64_t> ksize, std::vector<std::int64_t> strides = {},
                  std::string padding = "valid");
}  // namespace tc
