// A cap on the property tests' address space (outside sanitizer builds, whose shadow memory
// needs a huge one): an engine that allocates without bound on some graph then raises
// std::bad_alloc — an error the property reports and shrinks — instead of exhausting a shared
// machine. 2 GiB is far above what any generated graph needs (tensors of at most 24 elements).
#include <sys/resource.h>

namespace {

#if defined(__SANITIZE_ADDRESS__)
constexpr bool kSanitized = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr bool kSanitized = true;
#else
constexpr bool kSanitized = false;
#endif
#else
constexpr bool kSanitized = false;
#endif

const bool kCapped = [] {
  if (kSanitized) return false;
  rlimit r{};
  if (getrlimit(RLIMIT_AS, &r) != 0) return false;
  const rlim_t cap = rlim_t{2} << 30;
  if (r.rlim_cur != RLIM_INFINITY && r.rlim_cur <= cap) return true;
  r.rlim_cur = cap;
  return setrlimit(RLIMIT_AS, &r) == 0;
}();

}  // namespace
