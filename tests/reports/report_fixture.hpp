// A findings log with something in every part of the HTML report: agreeing graphs on the
// reference engine, wrong values from engines with injected faults, None where a value is due
// and a value where None is due, errors (one out of memory, one timeout), and the optional
// evidence (per-element values, a finite-difference step sweep, a predicted cut, campaign
// timing, mutant descriptions). The findings are the oracles' own (check_graph on real
// engines); the evidence is what an oracle would write for them: the oracle's values are the
// reference engine's gradient (the true one), the step sweep is the central difference of
// tanh itself at each step.
#pragma once
#include <cmath>
#include <string>

#include "oracles/check_all.hpp"
#include "reports/findings_log.hpp"
#include "test_util.hpp"

namespace tc::test {

// A graph with a gradient of 48 elements, enough for a heat map.
inline const char* kTanhMatrixTcg = R"(graph tanh_matrix
input %x: f64[6,8] variable uniform(-2, 2) seed=21
tape t
record t {
  %h = tanh %x
  %loss = reduce_sum %h axes=[] keepdims=false
}
%gx = grad t %loss wrt %x
)";

// The reference engine with its gradients changed after the run: a fault injected from outside.
class AlteredReference : public eut::EngineUnderTest {
 public:
  eut::RunResult run(const graph::Graph& g, const eut::InputValues& inputs) override {
    eut::RunResult r = ref_->run(g, inputs);
    for (std::size_t k = 0; k < r.gradients.size(); ++k) alter(g, k, r.gradients[k]);
    return r;
  }

 protected:
  // Changes the results of the k-th gradient() call.
  virtual void alter(const graph::Graph& g, std::size_t k, eut::GradientResult& grad) = 0;

 private:
  std::unique_ptr<eut::EngineUnderTest> ref_ = eut::make_reference_engine();
};

// Each gradient element's error grows along the row: element i is scaled by
// 1 + 1e-10 * 10^(i mod 8), so some elements are within tolerance, some beyond.
class GrowingErrorEngine : public AlteredReference {
 public:
  std::string name() const override { return "mutant:growing_error"; }

 protected:
  void alter(const graph::Graph&, std::size_t, eut::GradientResult& grad) override {
    for (auto& v : grad.values)
      if (v)
        for (std::size_t i = 0; i < v->data.size(); ++i) v->data[i] *= 1 + 1e-10 * std::pow(10.0, static_cast<double>(i % 8));
  }
};

// Zeros where the answer is None (tensorflow#26808).
class ZeroForNoneEngine : public AlteredReference {
 public:
  std::string name() const override { return "mutant:zero_for_none"; }

 protected:
  void alter(const graph::Graph& g, std::size_t k, eut::GradientResult& grad) override {
    const graph::Gradient* stmt = nth_gradient(g, k);
    for (std::size_t i = 0; i < grad.values.size(); ++i) {
      if (grad.values[i] || !stmt || i >= stmt->sources.size()) continue;
      for (const graph::Input& in : g.inputs)
        if (in.name == stmt->sources[i])
          grad.values[i] = eut::Value{in.dtype, in.shape, std::vector<double>(static_cast<std::size_t>(in.shape.numel()), 0.0)};
    }
    grad.why_none.assign(grad.values.size(), "");
  }

 private:
  // The k-th top-level Gradient statement (the fixture's graphs have no nested ones).
  static const graph::Gradient* nth_gradient(const graph::Graph& g, std::size_t k) {
    for (const graph::Statement& s : g.body)
      if (const auto* gr = std::get_if<graph::Gradient>(&s.node))
        if (k-- == 0) return gr;
    return nullptr;
  }
};

// The position of a finding's source among its gradient() call's results.
inline std::size_t result_slot(const reports::GraphRecord& g, const oracles::Finding& f) {
  std::size_t k = 0;
  for (const oracles::SourceVerdict& s : g.sources) {
    if (s.gradient != f.gradient) continue;
    if (s.source == f.source) return k;
    ++k;
  }
  return k;
}

// Entries for every elementwise mismatch of graph `id`: the engine's values and the true ones.
inline void attach_entries(reports::FindingsLog& log, int id, const graph::Graph& g, eut::EngineUnderTest& engine) {
  auto ref = eut::make_reference_engine();
  const eut::RunResult truth = ref->run(g, {});
  const eut::RunResult got = engine.run(g, {});
  const reports::GraphRecord& record = log.graphs[static_cast<std::size_t>(id)];
  for (reports::FindingRecord& f : log.findings) {
    if (f.graph != id || f.finding.outcome != oracles::Outcome::mismatch) continue;
    if (f.finding.oracle != "finite_difference" && f.finding.oracle != "complex_step") continue;
    const std::size_t k = result_slot(record, f.finding);
    const auto& t = truth.gradients.at(static_cast<std::size_t>(f.finding.gradient)).values.at(k);
    const auto& e = got.gradients.at(static_cast<std::size_t>(f.finding.gradient)).values.at(k);
    if (!t || !e) continue;
    reports::EntryValues ev;
    ev.shape = t->shape.to_vector();
    ev.engine = e->data;
    ev.oracle = t->data;
    f.evidence.entries = ev;
  }
}

// The central difference of tanh at x for steps from 0.1 down to 1e-13: truncation error on
// the right, rounding on the left.
inline reports::StepSweep tanh_sweep(double x, std::int64_t entry) {
  reports::StepSweep sw;
  sw.entry = entry;
  for (double h = 0.1; h > 1e-13; h /= 3.0)
    sw.points.push_back({h, (std::tanh(x + h) - std::tanh(x - h)) / (2 * h)});
  sw.estimate = 1 - std::tanh(x) * std::tanh(x);
  sw.chosen_h = 1e-3;
  sw.error = 1e-11;
  return sw;
}

inline reports::FindingsLog report_fixture() {
  using reports::append;
  reports::FindingsLog log;
  auto ref = eut::make_reference_engine();
  ScaledEngine scaled(1.01);
  GrowingErrorEngine growing;
  NoneEngine none;
  ZeroForNoneEngine zero_for_none;
  const graph::Graph tanh_matrix = graph::parse_tcg(kTanhMatrixTcg);

  for (const char* name : {"broadcasting_add", "stop_gradient_only_path", "round_in_loss"})
    append(log, corpus_graph(name), oracles::check_graph(corpus_graph(name), *ref, {}),
           std::string("corpus/graphs/") + name + ".tcg", 0);
  const int reference_graphs = static_cast<int>(log.graphs.size());

  const int tanh_id = append(log, tanh_matrix, oracles::check_graph(tanh_matrix, growing, {}), "tanh_matrix.tcg", 0);
  attach_entries(log, tanh_id, tanh_matrix, growing);
  for (reports::FindingRecord& f : log.findings)
    if (f.graph == tanh_id && f.finding.oracle == "finite_difference" && f.evidence.entries) {
      const eut::RunResult run = ref->run(tanh_matrix, {});
      const std::int64_t worst = f.finding.worst_entry >= 0 ? f.finding.worst_entry : 0;
      f.evidence.sweep = tanh_sweep(run.values.at("x").data.at(static_cast<std::size_t>(worst)), worst);
    }

  for (const char* name : {"broadcasting_add", "non_trainable_variable"}) {
    const graph::Graph g = corpus_graph(name);
    const int id = append(log, g, oracles::check_graph(g, scaled, {}), std::string("corpus/graphs/") + name + ".tcg", 0);
    attach_entries(log, id, g, scaled);
  }
  const graph::Graph round = corpus_graph("round_in_loss");
  append(log, round, oracles::check_graph(round, none, {}), "corpus/graphs/round_in_loss.tcg", 0);
  const int zero_id = append(log, round, oracles::check_graph(round, zero_for_none, {}), "corpus/graphs/round_in_loss.tcg", 0);
  for (reports::FindingRecord& f : log.findings)
    if (f.graph == zero_id && f.finding.oracle == "connectivity" && f.finding.outcome == oracles::Outcome::mismatch)
      f.evidence.cut = reports::CutNode{"r", "round", 0, "non-differentiable"};

  // Errors the campaign's limits cause: out of memory, a timeout.
  const graph::Graph sg = corpus_graph("stop_gradient_only_path");
  for (const eut::ErrorKind kind : {eut::ErrorKind::engine_threw, eut::ErrorKind::timeout}) {
    reports::GraphRecord r = reports::make_record(static_cast<int>(log.graphs.size()), sg, {}, "corpus/graphs/stop_gradient_only_path.tcg", 0);
    r.engine = "mutant:growing_error";
    r.verdict = oracles::Verdict::error_raised;
    r.run.error = eut::RaisedError{kind, kind == eut::ErrorKind::timeout ? "checking this graph took longer than 10 s; its worker was killed (--graph-timeout)"
                                                                         : "the engine threw: std::bad_alloc", {}};
    log.graphs.push_back(r);
  }

  log.campaign_info.runs = {
      {"reference engine", "reference", 0, 2, 0, reference_graphs, 0.42},
      {"injected faults", "", 0, 2, reference_graphs, static_cast<int>(log.graphs.size()) - reference_graphs, 1.5},
  };
  log.campaign_info.mutants = {
      {"mutant:growing_error", "derivative off by a small relative error", "each element's gradient off by 1e-10 to 1e-3", ""},
      {"mutant:zero_for_none", "None turned into zero", "a None gradient returned as zeros", "tensorflow#26808"},
      {"mutant:never_caught", "a bug no oracle sees", "listed, never run", ""},
  };
  return log;
}

}  // namespace tc::test
