#include "eut/address_space_cap.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <new>
#include <vector>

namespace tc::eut {
namespace {

// In a child process: capped at 256 MB beyond what it maps now, a 16 MB allocation still
// succeeds and a 1 GB one raises std::bad_alloc (exit 0 = both as expected).
TEST(AddressSpaceCap, CapsWhatIsTakenBeyondWhatIsMappedNow) {
  if (address_space_cap_unsupported()) GTEST_SKIP() << "no address-space cap under ASan";
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  auto capped = [] {
    if (!cap_address_space(std::uint64_t{256} << 20)) std::exit(2);
    std::vector<char> small(std::size_t{16} << 20, 1);
    try {
      std::vector<char> big(std::size_t{1} << 30, 1);
      std::exit(3);
    } catch (const std::bad_alloc&) {
      std::exit(small[0] == 1 ? 0 : 4);
    }
  };
  EXPECT_EXIT(capped(), ::testing::ExitedWithCode(0), "");
}

}  // namespace
}  // namespace tc::eut
