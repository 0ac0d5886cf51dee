#pragma once
// A cap on how much more address space this process may take, for running an engine under
// test on graphs that might make it allocate without bound: past the cap its allocations fail
// (std::bad_alloc, a reportable error) instead of exhausting a shared machine.
//
// Why "more than now" rather than an absolute RLIMIT_AS: what a process already holds at the
// moment it is capped varies from machine to machine (libraries, thread stacks, malloc arenas,
// the test runner's own mappings), so an absolute figure that fits one machine starves the
// process on another. Sanitizer builds reserve terabytes of shadow memory up front; there the
// cap is not applied at all.
#include <cstdint>

namespace tc::eut {

// True when this build runs under AddressSanitizer (the cap is then never applied).
bool address_space_cap_unsupported();

// Sets RLIMIT_AS to the address space mapped now plus `headroom_bytes` (never raising a lower
// limit already in force). Returns whether a cap is in force afterwards.
bool cap_address_space(std::uint64_t headroom_bytes);

}  // namespace tc::eut
