// A cap on the property tests' address space: an engine that allocates without bound on some
// graph then raises std::bad_alloc (an error the property reports and shrinks) instead of
// exhausting a shared machine. 2 GiB beyond what the process maps at start-up is far above what
// any generated graph needs (tensors of at most 24 elements). Not applied under ASan, whose
// test preset caps resident memory instead (hard_rss_limit_mb).
#include "eut/address_space_cap.hpp"

namespace {

const bool kCapped = tc::eut::cap_address_space(std::uint64_t{2} << 30);

}  // namespace
