// `tapecheck explain FILE.tcg [--engine E] [--time-limit S] [--memory-limit MB]`: for every
// gradient() call and source, the engine's value or None with its own why-None sentence, beside
// the connectivity oracle's prediction under the engine's semantics profile. Exit 0: they agree
// on every None; 1: they disagree somewhere; 2: bad input; 4: a limit or a crash stopped it.
#include <iostream>
#include <string>

#include "cli/commands.hpp"
#include "cli/common.hpp"
#include "eut/engine_under_test.hpp"
#include "eut/inputs.hpp"
#include "graph/ir_util.hpp"
#include "oracles/connectivity.hpp"

namespace tc::cli {

namespace {

std::string at_line(const graph::Location& at) {
  return at.line > 0 ? " (line " + std::to_string(at.line) + ")" : "";
}

}  // namespace

void register_explain(CLI::App& app) {
  auto* cmd = app.add_subcommand(
      "explain", "For each gradient and source: the engine's value or None and why, beside the connectivity "
                 "oracle's prediction. Exit 0 if they agree, 1 if not, 2 bad input, 4 stopped by a limit");
  auto file = std::make_shared<std::string>();
  auto limits = std::make_shared<CheckLimits>();
  cmd->add_option("FILE", *file, "A .tcg graph (or a JSON graph, *.json)")->required();
  add_limit_options(*cmd, *limits);
  auto engine_name = std::make_shared<std::string>("reference");
  add_engine_option(cmd, *engine_name);
  cmd->callback([=] {
    guarded([&] {
      const graph::Graph g = load_graph(*file);
      const eut::EngineFactory factory = engine_factory(*engine_name);
      return run_limited(*file, *limits, [&](std::ostream& out) {
        auto engine = factory();
        const eut::InputValues inputs = eut::materialize_inputs(g, {});
        eut::RunResult run;
        try {
          run = engine->run(g, inputs);
        } catch (const std::exception& e) {
          run.error = eut::RaisedError{eut::ErrorKind::engine_threw, e.what(), {}};
        }
        const oracles::ConnectivityPrediction pred = oracles::predict_connectivity(g, inputs, engine->semantics());

        out << *file << ": graph " << (g.name.empty() ? "(unnamed)" : g.name) << " on engine "
            << engine->name() << "\n";
        bool disagree = false;
        const std::size_t calls = std::max(run.gradients.size(), pred.gradients.size());
        for (std::size_t i = 0; i < calls; ++i) {
          const oracles::GradientPrediction* p = i < pred.gradients.size() ? &pred.gradients[i] : nullptr;
          const eut::GradientResult* r = i < run.gradients.size() ? &run.gradients[i] : nullptr;
          out << "gradient " << i;
          if (p) {
            out << ": grad " << p->tape << " " << pct(p->target) << " wrt ";
            for (std::size_t k = 0; k < p->sources.size(); ++k) out << (k ? ", " : "") << pct(p->sources[k].source);
            out << at_line(p->loc);
          }
          out << "\n";
          if (!r) out << "  the engine did not run this call\n";
          if (!p) out << "  the connectivity oracle predicts no such call\n";
          const std::size_t n = std::max(r ? r->values.size() : 0, p ? p->sources.size() : 0);
          std::size_t width = 4;
          for (std::size_t k = 0; k < n; ++k)
            if (p && k < p->sources.size()) width = std::max(width, pct(p->sources[k].source).size());
          for (std::size_t k = 0; k < n; ++k) {
            const std::string name = p && k < p->sources.size() ? pct(p->sources[k].source) : "#" + std::to_string(k);
            std::string engine_text = "(no result)", predicted_text = "(no prediction)";
            bool engine_none = false, predicted_none = false, have_both = r && p && k < r->values.size() &&
                                                                          k < p->sources.size();
            if (r && k < r->values.size()) {
              if (r->values[k]) {
                engine_text = value_text(*r->values[k]);
              } else {
                engine_none = true;
                const std::string why = k < r->why_none.size() ? r->why_none[k] : "";
                engine_text = "None" + (why.empty() ? std::string() : ": " + why);
              }
            }
            if (p && k < p->sources.size()) {
              const oracles::SourcePrediction& s = p->sources[k];
              predicted_none = s.is_none();
              predicted_text = s.sentence(p->target);
            }
            const bool differs = !have_both || engine_none != predicted_none;
            disagree |= differs;
            const std::string pad(width + 2, ' ');
            out << "  " << name << std::string(width - std::min(width, name.size()), ' ') << "  engine:    "
                << engine_text << (differs ? "   <-- disagree" : "") << "\n"
                << "  " << pad << "predicted: " << predicted_text << "\n";
          }
        }
        if (calls == 0) out << "  (the graph has no gradient() call)\n";
        for (std::size_t j = 0; j < pred.steps.size(); ++j) {
          const oracles::StepPrediction& s = pred.steps[j];
          out << "optimizer step " << j << at_line(s.loc) << ": learning_rate " << graph::format_double(s.learning_rate)
              << "\n";
          for (const oracles::StepPrediction::Variable& v : s.variables)
            out << "  " << pct(v.name) << " " << (v.none ? "left unchanged: its gradient " + pct(v.gradient) + " is None — " + v.why
                                                          : "updated by its gradient " + pct(v.gradient))
                << "\n";
        }
        for (const std::string& w : run.warnings) out << "the engine warned: " << w << "\n";
        if (run.error)
          out << "the engine raised " << eut::error_kind_phrase(run.error->kind) << at_line(run.error->at) << ": "
              << run.error->message << "\n";
        if (pred.error)
          out << "the connectivity oracle predicts " << eut::error_kind_phrase(pred.error->kind) << at_line(pred.error->at)
              << ": " << pred.error->message << "\n";
        if (run.error.has_value() != pred.error.has_value()) disagree = true;
        return disagree ? kExitMismatch : kExitOk;
      });
    });
  });
}

}  // namespace tc::cli
