// Size caps. Generous for real use, small enough that a fuzzer cannot exhaust 24 GiB.
#pragma once
#include <cstdint>

namespace tc::limits {

constexpr int kMaxRank = 6;
constexpr std::int64_t kMaxElements = std::int64_t{1} << 24;  // per tensor (128 MiB of f64)
constexpr std::int64_t kMaxTapeNodes = 1'000'000;              // ops recorded on one tape
constexpr std::int64_t kMaxLoopIterations = 100'000;           // while_loop

}  // namespace tc::limits
