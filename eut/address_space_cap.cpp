#include "eut/address_space_cap.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <cstdio>

namespace tc::eut {

namespace {

// Bytes of address space mapped by this process now: the first field of /proc/self/statm,
// in pages. 0 when it cannot be read.
std::uint64_t mapped_bytes_now() {
  std::FILE* f = std::fopen("/proc/self/statm", "r");
  if (!f) return 0;
  unsigned long long pages = 0;
  const int read = std::fscanf(f, "%llu", &pages);
  std::fclose(f);
  if (read != 1) return 0;
  return static_cast<std::uint64_t>(pages) * static_cast<std::uint64_t>(::sysconf(_SC_PAGESIZE));
}

}  // namespace

bool address_space_cap_unsupported() {
#if defined(__SANITIZE_ADDRESS__)
  return true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
  return true;
#else
  return false;
#endif
#else
  return false;
#endif
}

bool cap_address_space(std::uint64_t headroom_bytes) {
  if (address_space_cap_unsupported()) return false;
  rlimit r{};
  if (::getrlimit(RLIMIT_AS, &r) != 0) return false;
  const rlim_t cap = static_cast<rlim_t>(mapped_bytes_now() + headroom_bytes);
  if (r.rlim_cur != RLIM_INFINITY && r.rlim_cur <= cap) return true;
  r.rlim_cur = cap;
  if (r.rlim_max != RLIM_INFINITY && r.rlim_cur > r.rlim_max) r.rlim_cur = r.rlim_max;
  return ::setrlimit(RLIMIT_AS, &r) == 0;
}

}  // namespace tc::eut
