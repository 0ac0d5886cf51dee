// P10: persistent and non-persistent tapes agree (R9). Making every tape persistent changes no
// result; and each gradient() call on a persistent tape gives exactly what the same call gives
// as the only call on a non-persistent tape.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <variant>

#include "eut/engine_under_test.hpp"
#include "graph/validate.hpp"
#include "properties/checks.hpp"
#include "properties/generators.hpp"

namespace tc::properties {
namespace {

// Removes the Gradient statements of `tape` except the `keep`-th of them (pre-order).
graph::Graph keep_one_gradient(graph::Graph g, const std::string& tape, int keep) {
  int seen = 0;
  std::function<void(graph::Block&)> walk = [&](graph::Block& b) {
    graph::Block out;
    for (graph::Statement& s : b) {
      if (auto* gr = std::get_if<graph::Gradient>(&s.node); gr && gr->tape == tape) {
        if (seen++ != keep) continue;
      } else if (auto* r = std::get_if<graph::Record>(&s.node)) {
        walk(r->body);
      } else if (auto* sr = std::get_if<graph::StopRecording>(&s.node)) {
        walk(sr->body);
      }
      out.push_back(std::move(s));
    }
    b = std::move(out);
  };
  walk(g.body);
  return g;
}

RC_GTEST_PROP(P10_Persistence, PersistentAndNonPersistentTapesAgree, ()) {
  GenOptions o;
  o.persistent = true;
  const graph::Graph g = *genGraph(o);
  auto engine = eut::make_reference_engine();
  const Case c = prepare(g, *engine);

  graph::Graph all_persistent = g;
  for (auto& t : all_persistent.tapes) t.persistent = true;
  std::string why;
  const bool same = same_gradients(c.run, engine->run(all_persistent, c.inputs), &why);
  if (!same) RC_LOG() << "every tape persistent: " << why;
  RC_ASSERT(same);

  const auto statements = gradient_statements(g);
  int compared = 0;
  for (const auto& tape : g.tapes) {
    if (!tape.persistent) continue;
    std::vector<std::size_t> mine;
    for (std::size_t k = 0; k < statements.size(); ++k)
      if (statements[k]->tape == tape.name) mine.push_back(k);
    if (mine.size() < 2) continue;
    for (std::size_t j = 0; j < mine.size(); ++j) {
      graph::Graph one = keep_one_gradient(g, tape.name, static_cast<int>(j));
      for (auto& t : one.tapes)
        if (t.name == tape.name) t.persistent = false;
      try {
        graph::validate(one);
      } catch (const std::exception&) {
        continue;  // a later statement uses a removed result
      }
      const eut::RunResult r = engine->run(one, c.inputs);
      if (r.error) RC_LOG() << "one call on a non-persistent tape raised: " << r.error->message;
      RC_ASSERT(!r.error.has_value());
      // The kept statement's position in execution order.
      const auto kept = gradient_statements(one);
      std::size_t pos = 0;
      while (pos < kept.size() && kept[pos]->results != statements[mine[j]]->results) ++pos;
      RC_ASSERT(pos < r.gradients.size());
      RC_ASSERT(mine[j] < c.run.gradients.size());
      eut::RunResult x, y;
      x.gradients = {c.run.gradients[mine[j]]};
      y.gradients = {r.gradients[pos]};
      const bool equal = same_gradients(x, y, &why);
      if (!equal) RC_LOG() << "gradient #" << mine[j] << " alone on a non-persistent tape: " << why;
      RC_ASSERT(equal);
      ++compared;
    }
  }
  RC_CLASSIFY(compared > 0, "several calls on a persistent tape");
}

}  // namespace
}  // namespace tc::properties
