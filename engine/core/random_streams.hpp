// Seeded streams of numbers that are the same on every platform and standard library
// (std::hash and <random>'s distributions are not): splitmix64's mixing step derives and
// advances a stream, FNV-1a turns a name into a seed. The oracles' random directions and
// rounding jitter, and the campaign's per-graph seeds, come from here.
#pragma once
#include <cstdint>
#include <string_view>

namespace tc {

// splitmix64: a well-mixed 64-bit value from x. Streams are advanced by state = mix_seed(state)
// and combined by mix_seed(a) ^ mix_seed(b).
inline std::uint64_t mix_seed(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

// FNV-1a: a name's 64-bit hash.
inline std::uint64_t fnv1a(std::string_view s) {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (unsigned char c : s) h = (h ^ c) * 0x100000001b3ULL;
  return h;
}

// Advances the stream and returns a double in [0, 1) from its top 53 bits.
inline double next_unit(std::uint64_t& state) {
  state = mix_seed(state);
  return static_cast<double>(state >> 11) * 0x1p-53;
}

}  // namespace tc
