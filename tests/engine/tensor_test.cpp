// engine/tensor.cpp: tensor ids — unique and growing within a thread, and restarted for a
// process that checks graphs one after another, so that each graph's tensors have the ids a
// process of its own gives them.
#include "engine/tensor.hpp"

#include <gtest/gtest.h>

#include <vector>

#include "engine/ops/binary/binary.hpp"

namespace tc {
namespace {

// The ids of a small computation's tensors, in the order they were made.
std::vector<std::int64_t> ids_of_a_small_computation() {
  const Tensor x = Tensor::scalar(2.0);
  const Tensor y = mul(x, x);
  return {x.id(), y.id()};
}

TEST(TensorIds, GrowWithinAThread) {
  const std::vector<std::int64_t> first = ids_of_a_small_computation();
  const std::vector<std::int64_t> second = ids_of_a_small_computation();
  EXPECT_LT(first[0], first[1]);
  EXPECT_LT(first[1], second[0]);
}

TEST(TensorIds, RestartingGivesTheNextComputationTheIdsOfAFreshProcess) {
  restart_tensor_ids();
  const std::vector<std::int64_t> alone = ids_of_a_small_computation();
  EXPECT_EQ(alone[0], 1);
  // Past the end of this thread's first block of ids (1024), as a graph checked earlier in a
  // campaign's worker would go.
  for (int i = 0; i < 3000; ++i) (void)Tensor::scalar(1.0);
  EXPECT_GT(ids_of_a_small_computation()[0], 3000);
  restart_tensor_ids();
  EXPECT_EQ(ids_of_a_small_computation(), alone);
}

}  // namespace
}  // namespace tc
