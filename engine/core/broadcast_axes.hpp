// Which axes a broadcast adds to an operand: what a gradient is summed over (the engine's
// unbroadcast) and what makes an operand broadcast (the generator's draws). Kept out of
// shape.hpp, which every translation unit includes.
#pragma once
#include <vector>

#include "engine/core/shape.hpp"

namespace tc {

// The axes of `to` along which `s` is broadcast (right-aligned): the leading axes `s` lacks,
// and those where `s` has 1 and `to` does not. A gradient for `s` is summed over them.
std::vector<int> broadcast_axes(const Shape& s, const Shape& to);

}  // namespace tc
