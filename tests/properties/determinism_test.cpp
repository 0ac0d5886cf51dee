// P7: determinism. The engine gives bitwise identical gradients when a graph runs again, when
// it runs on another thread, and when two runs go on at once; the oracles give identical
// findings for one thread and two.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <sstream>
#include <thread>

#include "eut/engine_under_test.hpp"
#include "oracles/finite_difference.hpp"
#include "oracles/forward_mode.hpp"
#include "properties/checks.hpp"
#include "properties/generators.hpp"
#include "tests/properties/support.hpp"

namespace tc::properties {
namespace {

std::string fingerprint(const std::vector<oracles::Finding>& findings) {
  std::ostringstream os;
  os.precision(17);
  for (const auto& f : findings)
    os << f.oracle << " " << f.gradient << " " << f.source << " " << oracles::outcome_name(f.outcome) << " "
       << f.max_abs_error << " " << f.max_rel_error << " " << f.tolerance << " " << f.entries_checked << " "
       << f.entries_inconclusive << " " << f.worst_entry << "\n";
  return os.str();
}

void expect_same(const eut::RunResult& a, const eut::RunResult& b, const char* what) {
  std::string why;
  const bool same = same_gradients(a, b, &why);
  if (!same) RC_LOG() << what << ": " << why;
  RC_ASSERT(same);
}

RC_GTEST_PROP(P7_Determinism, RerunAndThreadsGiveIdenticalGradients, ()) {
  const graph::Graph g = *genGraph();
  auto engine = eut::make_reference_engine();
  const Case c = prepare(g, *engine, /*allow_predicted_errors=*/true);
  expect_same(c.run, engine->run(g, c.inputs), "rerun");
  eut::RunResult on_thread, first, second;
  std::thread([&] { on_thread = eut::make_reference_engine()->run(g, c.inputs); }).join();
  expect_same(c.run, on_thread, "another thread");
  std::thread a([&] { first = eut::make_reference_engine()->run(g, c.inputs); });
  std::thread b([&] { second = eut::make_reference_engine()->run(g, c.inputs); });
  a.join();
  b.join();
  expect_same(c.run, first, "two concurrent runs (first)");
  expect_same(c.run, second, "two concurrent runs (second)");
}

RC_GTEST_PROP(P7_Determinism, OraclesGiveIdenticalFindingsForOneAndTwoThreads, ()) {
  const graph::Graph g = *genGraph();
  auto engine = eut::make_reference_engine();
  const Case c = prepare(g, *engine);
  oracles::FdOptions fd = fd_options(c.graph, c.specs);
  fd.threads = 1;
  const std::string fd1 = fingerprint(oracles::check_finite_differences(c.graph, c.inputs, c.run, fd));
  fd.threads = 2;
  const std::string fd2 = fingerprint(oracles::check_finite_differences(c.graph, c.inputs, c.run, fd));
  RC_LOG() << "1 thread:\n" << fd1 << "2 threads:\n" << fd2;
  RC_ASSERT(fd1 == fd2);
  oracles::ForwardModeOptions fm;
  fm.seed = graph_seed(g);
  fm.threads = 1;
  const std::string fm1 = fingerprint(oracles::check_forward_mode(c.graph, c.inputs, c.run, fm));
  fm.threads = 2;
  const std::string fm2 = fingerprint(oracles::check_forward_mode(c.graph, c.inputs, c.run, fm));
  RC_ASSERT(fm1 == fm2);
}

}  // namespace
}  // namespace tc::properties
