// EngineUnderTest::run_for_gradients against run(): the same gradients (values, None and why)
// and the same error, and no values. Shared by each engine's adapter test.
#pragma once
#include <gtest/gtest.h>

#include "eut/engine_under_test.hpp"
#include "tests/eut/ir_builder.hpp"
#include "tests/eut/scenarios.hpp"

namespace tc::test {

inline void expect_run_for_gradients_is_runs_gradients(eut::EngineUnderTest& engine, const graph::Graph& g) {
  const eut::RunResult whole = engine.run(g, {});
  const eut::RunResult lean = engine.run_for_gradients(g, {});
  EXPECT_TRUE(lean.values.empty());
  ASSERT_EQ(lean.error.has_value(), whole.error.has_value());
  if (whole.error) {
    EXPECT_EQ(lean.error->message, whole.error->message);
    EXPECT_EQ(lean.error->kind, whole.error->kind);
  } else {
    EXPECT_FALSE(whole.values.empty());
  }
  ASSERT_EQ(lean.gradients.size(), whole.gradients.size());
  for (std::size_t k = 0; k < whole.gradients.size(); ++k) {
    EXPECT_EQ(lean.gradients[k].why_none, whole.gradients[k].why_none);
    ASSERT_EQ(lean.gradients[k].values.size(), whole.gradients[k].values.size());
    for (std::size_t i = 0; i < whole.gradients[k].values.size(); ++i) {
      ASSERT_EQ(lean.gradients[k].values[i].has_value(), whole.gradients[k].values[i].has_value());
      if (whole.gradients[k].values[i]) {
        EXPECT_EQ(lean.gradients[k].values[i]->data, whole.gradients[k].values[i]->data);
      }
    }
  }
}

// On a graph that runs (two sources, one None) and on one that raises.
inline void expect_run_for_gradients_is_runs_gradients(eut::EngineUnderTest& engine) {
  expect_run_for_gradients_is_runs_gradients(engine, scenarios::weighted_sum());
  graph::Graph broken = scenarios::weighted_sum();
  broken.body.insert(broken.body.begin(), ir::op("%bad", "add", {"%undefined", "%w"}));
  ASSERT_TRUE(engine.run(broken, {}).error);
  expect_run_for_gradients_is_runs_gradients(engine, broken);
}

}  // namespace tc::test
