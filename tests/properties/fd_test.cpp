// P1: the tape's gradient agrees with finite differences (kink-aware Ridders, oracles/
// finite_difference.hpp) on random graphs. Only a mismatch fails; inconclusive entries (a
// kink within the engine's rounding) and not-applicable statements are counted. Results that
// are R7 zero fills (unconnected=zero where None is due) are not gradients: P3 judges them.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "eut/engine_under_test.hpp"
#include "oracles/finite_difference.hpp"
#include "properties/checks.hpp"
#include "properties/generators.hpp"
#include "tests/properties/support.hpp"

namespace tc::properties {
namespace {

RC_GTEST_PROP(P1_FiniteDifferences, TapeGradientAgreesWithFiniteDifferences, ()) {
  const graph::Graph g = *genGraph();
  auto engine = eut::make_reference_engine();
  const Case c = prepare(g, *engine);
  const auto findings = on_values(oracles::check_finite_differences(c.graph, c.inputs, c.run, fd_options(c.graph, c.specs)), c);
  classify_findings(findings);
  assert_no_mismatch(findings);
}

}  // namespace
}  // namespace tc::properties
