// P6: second order. The second-order oracle (oracles/second_order.hpp) compares the engine's
// Hessian-vector products through nested tapes with Ridders differences of its own gradient,
// for the first gradient statement of random graphs; and graphs that take a gradient of a
// gradient themselves (an outer tape recording an inner gradient() call, R10) must agree with
// the connectivity oracle about every None and run without an error.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "eut/engine_under_test.hpp"
#include "oracles/connectivity.hpp"
#include "oracles/second_order.hpp"
#include "properties/checks.hpp"
#include "properties/generators.hpp"
#include "tests/properties/support.hpp"

namespace tc::properties {
namespace {

RC_GTEST_PROP(P6_SecondOrder, HessianVectorProductsAgreeWithDifferencesOfTheGradient, ()) {
  const graph::Graph g = *genGraph();
  auto engine = eut::make_reference_engine();
  const Case c = prepare(g, *engine);
  oracles::SecondOrderOptions o;
  o.seed = graph_seed(g);
  const auto findings = oracles::check_second_order(*engine, c.graph, c.inputs, 0, o);
  classify_findings(findings);
  assert_no_mismatch(findings);
}

RC_GTEST_PROP(P6_SecondOrder, NestedTapesAgreeWithTheOracles, ()) {
  GenOptions go;
  go.require_second_order = true;
  const graph::Graph g = *genGraph(go);
  auto engine = eut::make_reference_engine();
  const Case c = prepare(g, *engine);
  RC_CLASSIFY(facts(g).second_order, "a gradient result feeds the outer loss");
  assert_no_mismatch(oracles::check_connectivity(c.graph, c.inputs, c.run));
  oracles::SecondOrderOptions o;
  o.seed = graph_seed(g);
  std::vector<oracles::Finding> findings;
  for (int k = 0; k < static_cast<int>(c.run.gradients.size()); ++k) {
    const auto f = oracles::check_second_order(*engine, c.graph, c.inputs, k, o);
    findings.insert(findings.end(), f.begin(), f.end());
  }
  classify_findings(findings);
  assert_no_mismatch(findings);
}

}  // namespace
}  // namespace tc::properties
