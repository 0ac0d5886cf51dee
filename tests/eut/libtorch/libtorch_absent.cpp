// Stands in for the libtorch suite when the adapter is not built, so that `ctest -L libtorch`
// reports a skip with the reason instead of passing with no tests.
#include <gtest/gtest.h>

TEST(Libtorch, AdapterNotBuilt) {
  GTEST_SKIP() << "the libtorch adapter is not built (" TAPECHECK_LIBTORCH_ABSENT_REASON
                  "): install libtorch-dev, or configure with -DTAPECHECK_LIBTORCH=ON";
}
