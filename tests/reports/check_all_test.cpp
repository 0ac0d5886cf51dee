// oracles/check_all: every oracle on one graph, verdicts per (gradient, source). (Lives with
// the report tests: check_graph is what the CLI and the findings log are built on.)
#include "oracles/check_all.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "oracles/complex_step.hpp"
#include "test_util.hpp"

namespace tc::oracles {
namespace {

using test::corpus_graph;

// IR names may or may not keep the '%' of the .tcg spelling: compare without it.
std::string bare(const std::string& s) { return !s.empty() && s[0] == '%' ? s.substr(1) : s; }

const SourceVerdict* find(const CheckReport& r, int gradient, const std::string& source) {
  for (const SourceVerdict& s : r.sources)
    if (s.gradient == gradient && bare(s.source) == bare(source)) return &s;
  return nullptr;
}

TEST(CheckGraph, EveryCorpusGraphAgreesOnTheReferenceEngine) {
  for (const std::string& name : test::corpus_names()) {
    SCOPED_TRACE(name);
    auto engine = eut::make_reference_engine();
    const CheckReport r = check_graph(corpus_graph(name), *engine, {});
    EXPECT_NE(r.verdict, Verdict::mismatch);
    // S14's run stops with the error its seed is about (an optimizer step without gradients).
    if (name == "optimizer_no_gradients")
      EXPECT_EQ(r.run.error ? r.run.error->kind : eut::ErrorKind::other, eut::ErrorKind::no_gradients);
    else
      EXPECT_FALSE(r.run.error.has_value());
    EXPECT_FALSE(r.sources.empty());
    for (const SourceVerdict& s : r.sources) EXPECT_NE(s.verdict, Verdict::mismatch) << s.source << ": " << s.detail;
    EXPECT_EQ(r.engine, engine->name());
  }
}

TEST(CheckGraph, VerdictsNameSourcesWithEngineAnswers) {
  auto engine = eut::make_reference_engine();
  const CheckReport r = check_graph(corpus_graph("round_in_loss"), *engine, {});
  ASSERT_EQ(r.sources.size(), 2u);
  const SourceVerdict* w = find(r, 0, "%w");
  const SourceVerdict* b = find(r, 0, "%b");
  ASSERT_TRUE(w && b);
  EXPECT_EQ(w->verdict, Verdict::agree);
  EXPECT_EQ(w->engine_value, "None");
  EXPECT_FALSE(w->why_none.empty());
  EXPECT_EQ(w->oracle, "connectivity");
  EXPECT_EQ(bare(w->target), "loss");
  EXPECT_EQ(b->verdict, Verdict::agree);
  EXPECT_EQ(b->engine_value, "f32[4]");
  EXPECT_NE(b->oracle, "connectivity");  // a numerical oracle agreed: the most precise one decides
  EXPECT_EQ(r.run.gradient_calls, 1);
  EXPECT_EQ(r.run.results, 2);
  EXPECT_EQ(r.run.none_results, 1);
  EXPECT_EQ(r.verdict, Verdict::agree);
}

TEST(CheckGraph, RunsEveryOracle) {
  auto engine = eut::make_reference_engine();
  const CheckReport r = check_graph(corpus_graph("broadcasting_add"), *engine, {});
  for (const char* o : {"connectivity", "finite_difference", "complex_step", "forward_mode", "second_order"}) {
    EXPECT_NE(std::find(r.oracles_run.begin(), r.oracles_run.end(), o), r.oracles_run.end()) << o;
    bool found = false;
    for (const Finding& f : r.findings) found |= f.oracle == o;
    EXPECT_TRUE(found) << o;
  }
}

// Above per_element_limit the oracles that take one whole-graph evaluation per element (finite
// differences, complex step) take a few random directions per source instead.
TEST(CheckGraph, AboveThePerElementLimitFiniteDifferencesAndComplexStepTakeDirections) {
  auto engine = eut::make_reference_engine();
  const graph::Graph g = corpus_graph("broadcasting_add");
  auto entries = [&](std::int64_t limit, const char* oracle) {
    CheckOptions options;
    options.per_element_limit = limit;
    std::int64_t n = 0;
    for (const Finding& f : check_graph(g, *engine, options).findings)
      if (f.oracle == oracle) {
        EXPECT_EQ(f.outcome, Outcome::agree) << f.detail;
        n += f.entries_checked;
      }
    return n;
  };
  const std::int64_t elements = entries(CheckOptions{}.per_element_limit, "complex_step");
  EXPECT_EQ(entries(CheckOptions{}.per_element_limit, "finite_difference"), elements);
  ASSERT_GT(elements, 0);
  const std::int64_t directions = entries(0, "complex_step");
  EXPECT_GT(directions, 0);
  EXPECT_NE(directions, elements);
  EXPECT_EQ(directions % ComplexStepOptions{}.directions, 0);
  const std::int64_t projections = entries(0, "finite_difference");
  EXPECT_GT(projections, 0);
  EXPECT_NE(projections, elements);
}

TEST(CheckGraph, DeterministicForASeed) {
  const graph::Graph g = corpus_graph("non_trainable_variable");
  auto e1 = eut::make_reference_engine();
  auto e2 = eut::make_reference_engine();
  CheckOptions one;
  one.seed = 7;
  one.threads = 1;
  CheckOptions two = one;
  two.threads = 2;
  const CheckReport a = check_graph(g, *e1, one);
  const CheckReport b = check_graph(g, *e2, two);
  ASSERT_EQ(a.findings.size(), b.findings.size());
  for (std::size_t i = 0; i < a.findings.size(); ++i) {
    EXPECT_EQ(a.findings[i].oracle, b.findings[i].oracle);
    EXPECT_EQ(a.findings[i].detail, b.findings[i].detail);
    EXPECT_EQ(a.findings[i].max_abs_error, b.findings[i].max_abs_error);
    EXPECT_EQ(a.findings[i].tolerance, b.findings[i].tolerance);
  }
  EXPECT_EQ(a.verdict, b.verdict);
}

TEST(CheckGraph, AWrongGradientIsAMismatch) {
  test::ScaledEngine engine(1.01);
  const CheckReport r = check_graph(corpus_graph("non_trainable_variable"), engine, {});
  EXPECT_EQ(r.verdict, Verdict::mismatch);
  const SourceVerdict* v = find(r, 0, "%w");
  ASSERT_TRUE(v);
  EXPECT_EQ(v->verdict, Verdict::mismatch);
  EXPECT_NE(v->oracle, "connectivity");
  EXPECT_GT(v->max_rel_error, 1e-3);
  EXPECT_GT(v->tolerance, 0);
  EXPECT_NE(v->detail.find("disagree"), std::string::npos);
  // %frozen is None on both sides: scaling changes nothing there.
  EXPECT_EQ(find(r, 0, "%frozen")->verdict, Verdict::agree);
}

// Issue #8's target: gradients 1 % off are caught on every corpus graph that has a gradient
// with a nonzero entry (zeros scale to themselves), the second-order seed included, and by a
// numerical oracle: connectivity cannot see a value.
TEST(CheckGraph, GradientsScaledByOnePercentAreCaughtOnEveryCorpusGraphWithAGradient) {
  std::vector<std::string> judged;
  for (const std::string& name : test::corpus_names()) {
    SCOPED_TRACE(name);
    const graph::Graph g = corpus_graph(name);
    const eut::RunResult reference = eut::make_reference_engine()->run(g, {});
    bool has_nonzero_gradient = false;
    for (const auto& grad : reference.gradients)
      for (const auto& v : grad.values)
        if (v)
          for (double x : v->data) has_nonzero_gradient |= std::isfinite(x) && x != 0;
    if (!has_nonzero_gradient) continue;
    judged.push_back(name);
    test::ScaledEngine scaled(1.01);
    const CheckReport r = check_graph(g, scaled, {});
    EXPECT_EQ(r.verdict, Verdict::mismatch);
    bool numerical_mismatch = false;
    for (const SourceVerdict& s : r.sources)
      numerical_mismatch |= s.verdict == Verdict::mismatch && s.oracle != "connectivity";
    EXPECT_TRUE(numerical_mismatch);
  }
  // Not vacuous: 11 of the 15 corpus graphs have one (in the rest every gradient is None or
  // zero), the second-order seed among them.
  EXPECT_GE(judged.size(), 11u);
  EXPECT_NE(std::find(judged.begin(), judged.end(), "second_order"), judged.end());
}

TEST(CheckGraph, AMissingGradientIsAConnectivityMismatch) {
  test::NoneEngine engine;
  const CheckReport r = check_graph(corpus_graph("round_in_loss"), engine, {});
  const SourceVerdict* b = find(r, 0, "%b");
  ASSERT_TRUE(b);
  EXPECT_EQ(b->verdict, Verdict::mismatch);
  EXPECT_EQ(b->oracle, "connectivity");
  EXPECT_EQ(b->engine_value, "None");
  EXPECT_EQ(b->why_none, "this engine never computes gradients");
  EXPECT_EQ(r.verdict, Verdict::mismatch);
}

TEST(CheckGraph, AThrowingEngineIsAFindingNotACrash) {
  // The graph runs without error by the semantics, so an engine that throws on it is wrong
  // there: every result it did not deliver is a mismatch, and the error is kept.
  test::ThrowingEngine engine;
  const CheckReport r = check_graph(corpus_graph("broadcasting_add"), engine, {});
  ASSERT_TRUE(r.run.error.has_value());
  EXPECT_EQ(r.run.error->kind, "engine_threw");
  EXPECT_EQ(r.verdict, Verdict::mismatch);
  ASSERT_FALSE(r.sources.empty());
  for (const SourceVerdict& s : r.sources) {
    EXPECT_EQ(s.verdict, Verdict::mismatch) << s.source;
    EXPECT_NE(s.detail.find("an error the graph does not raise"), std::string::npos) << s.detail;
  }
}

TEST(CheckGraph, AnErrorTheGraphRaisesIsReported) {
  // A second gradient() on a non-persistent tape (R9).
  const graph::Graph g = graph::parse_tcg(
      "input %x: f64[2] variable values(1, 2)\n"
      "tape t\n"
      "record t {\n"
      "  %y = exp %x\n"
      "  %l = reduce_sum %y axes=[] keepdims=false\n"
      "}\n"
      "%g1 = grad t %l wrt %x\n"
      "%g2 = grad t %l wrt %x\n");
  auto engine = eut::make_reference_engine();
  const CheckReport r = check_graph(g, *engine, {});
  ASSERT_TRUE(r.run.error.has_value());
  EXPECT_EQ(r.run.error->kind, "tape");
  EXPECT_EQ(r.verdict, Verdict::error_raised);
  EXPECT_EQ(find(r, 0, "%x")->verdict, Verdict::agree);
  EXPECT_EQ(find(r, 1, "%x")->verdict, Verdict::error_raised);
}

TEST(CheckGraph, CombineRule) {
  Finding agree, judged, mismatch, inconclusive, na;
  judged.compared_entries = true;
  mismatch.outcome = Outcome::mismatch;
  inconclusive.outcome = Outcome::inconclusive;
  na.outcome = Outcome::not_applicable;
  EXPECT_EQ(combine({&agree, &mismatch}, false, true), Verdict::mismatch);
  EXPECT_EQ(combine({&agree, &judged, &inconclusive, &na}, false, true), Verdict::agree);
  // A value that only the connectivity oracle agreed with: no number was checked.
  EXPECT_EQ(combine({&agree, &inconclusive, &na}, false, true), Verdict::unverified);
  // None needs no numbers.
  EXPECT_EQ(combine({&agree, &na}, false, false), Verdict::agree);
  EXPECT_EQ(combine({&inconclusive, &na}, false, true), Verdict::inconclusive);
  EXPECT_EQ(combine({&inconclusive}, true, false), Verdict::error_raised);
  EXPECT_EQ(combine({&agree}, true, false), Verdict::error_raised);
  EXPECT_EQ(combine({&mismatch}, true, false), Verdict::mismatch);
  EXPECT_EQ(combine({}, false, true), Verdict::inconclusive);
  for (Verdict v : kAllVerdicts) EXPECT_EQ(verdict_from_name(verdict_name(v)), v);
  EXPECT_FALSE(verdict_from_name("bogus").has_value());
}

}  // namespace
}  // namespace tc::oracles
