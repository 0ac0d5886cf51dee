#include "oracles/chain_terms.hpp"

#include <omp.h>

#include <cmath>
#include <exception>

namespace tc::oracles {

std::vector<double> chain_terms(const Objective& o, const EntryPlan& plan, int threads) {
  const std::vector<EntryTask>& tasks = plan.tasks;
  std::vector<double> out(tasks.size(), 0.0);
  if (!o.not_applicable.empty() || tasks.empty()) return out;
  const auto n_tasks = static_cast<std::int64_t>(tasks.size());
#pragma omp parallel num_threads(threads_or_default(threads))
  {
    ObjectiveRunner<TermsDual> runner(o);
#pragma omp for schedule(dynamic, 1)
    for (std::int64_t ti = 0; ti < n_tasks; ++ti) {
      const auto t = static_cast<std::size_t>(ti);
      const EntryTask& task = tasks[t];
      std::vector<TermsDual>& x = runner.source(task.source);
      if (plan.per_element) {
        x[static_cast<std::size_t>(task.index)].d = 1.0;
      } else {
        const std::vector<double>& u = plan.directions[t];
        for (std::size_t i = 0; i < x.size() && i < u.size(); ++i) x[i].d = std::abs(u[i]);
      }
      try {
        const double terms = runner.run(false).d;
        if (std::isfinite(terms)) out[t] = terms;
      } catch (const std::exception&) {
      }
      runner.restore(task.source);
    }
  }
  return out;
}

}  // namespace tc::oracles
