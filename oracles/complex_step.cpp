#include "oracles/complex_step.hpp"

#include <algorithm>
#include <cmath>

#include "oracles/propagated.hpp"

namespace tc::oracles {

namespace {

// x_j + i·h, h = step · max(|x_j|, 1): Im f / h is the derivative. Along a direction u:
// x + i·h·u, h = step · max(max_k |x_k|, 1), and Im f / h is <∇f, u>.
double step_imaginary(std::vector<c128>& x, const EntryTask& task, const std::vector<double>* direction, double step) {
  if (!direction) {
    c128& xj = x[static_cast<std::size_t>(task.index)];
    const double h = step * std::max(std::abs(xj.real()), 1.0);
    xj = c128(xj.real(), h);
    return h;
  }
  double scale = 1.0;
  for (const c128& xk : x) scale = std::max(scale, std::abs(xk.real()));
  const double h = step * scale;
  for (std::size_t k = 0; k < x.size(); ++k) x[k] = c128(x[k].real(), h * (*direction)[k]);
  return h;
}

double imaginary_part(const c128& v) { return v.imag(); }

std::string without_complex_extension(const Objective& o) {
  if (o.complex_ineligible.empty()) return "";
  return "the derivative flows through " + o.complex_ineligible +
         ", which has no complex extension (op table: complex_step_ok = false)";
}

Propagation<c128> complex_step_propagation(const ComplexStepOptions& opt) {
  Propagation<c128> how;
  how.oracle = "complex_step";
  how.not_evaluated = "the complex evaluation failed or is not finite";
  how.per_element = opt.per_element;
  how.directions = DirectionDraw{opt.directions, opt.seed, 0x6373ULL};
  how.step = opt.step;
  how.step_can_be_too_large = true;
  how.refuses = &without_complex_extension;
  how.perturb = &step_imaginary;
  how.derivative = &imaginary_part;
  how.judge_kink_rules = opt.judge_kink_rules;
  how.semantics = opt.semantics;
  return how;
}

}  // namespace

std::vector<Finding> check_complex_step(const graph::Graph& g, const eut::InputValues& inputs,
                                        const eut::RunResult& engine_result,
                                        const ComplexStepOptions& opt) {
  return check_propagated(g, inputs, engine_result, complex_step_propagation(opt), opt.threads, opt.probe_seed);
}

std::vector<Finding> check_complex_step(const PreparedObjectives& prepared, const eut::RunResult& engine_result,
                                        const ComplexStepOptions& opt) {
  return check_propagated(prepared, engine_result, complex_step_propagation(opt), opt.threads, opt.probe_seed);
}

std::vector<std::vector<Finding>> check_complex_step(const std::vector<OracleCase>& cases, const ComplexStepOptions& options) {
  return check_cases(cases, options.threads, [&](const OracleCase& c, int threads) {
    ComplexStepOptions one = options;
    one.threads = threads;
    return check_complex_step(*c.graph, *c.inputs, *c.result, one);
  });
}

}  // namespace tc::oracles
