// The attributes of the windowed ops' tests (conv1d, conv2d, max_pool2d, avg_pool2d).
#pragma once
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "engine/ops/op_def.hpp"

namespace tc::test {

inline OpAttrs window_attrs(std::vector<std::int64_t> strides, const char* padding,
                            std::vector<std::int64_t> dilations = {}) {
  OpAttrs a;
  a.strides = std::move(strides);
  a.padding = padding;
  a.dilations = std::move(dilations);
  return a;
}

inline OpAttrs pool_attrs(std::vector<std::int64_t> ksize, std::vector<std::int64_t> strides, const char* padding) {
  OpAttrs a = window_attrs(std::move(strides), padding);
  a.ksize = std::move(ksize);
  return a;
}

}  // namespace tc::test
