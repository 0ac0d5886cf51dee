#include "oracles/forward_mode.hpp"

#include "oracles/propagated.hpp"

namespace tc::oracles {

namespace {

// Tangent u = e_index (per element) or the entry's direction: the dual part of f is vᵀ(J u).
double set_tangent(std::vector<Dual>& x, const EntryTask& task, const std::vector<double>* direction, double) {
  if (!direction) {
    x[static_cast<std::size_t>(task.index)].d = 1.0;
  } else {
    for (std::size_t i = 0; i < x.size(); ++i) x[i].d = (*direction)[i];
  }
  return 1.0;
}

double dual_part(const Dual& v) { return v.d; }

Propagation<Dual> forward_mode_propagation(const ForwardModeOptions& opt) {
  Propagation<Dual> how;
  how.oracle = "forward_mode";
  how.not_evaluated = "the dual-number evaluation failed or is not finite";
  how.per_element = opt.per_element;
  how.directions = DirectionDraw{opt.directions, opt.seed, 0x6a76ULL};
  how.perturb = &set_tangent;
  how.derivative = &dual_part;
  how.judge_kink_rules = opt.judge_kink_rules;
  how.semantics = opt.semantics;
  return how;
}

}  // namespace

std::vector<Finding> check_forward_mode(const graph::Graph& g, const eut::InputValues& inputs,
                                        const eut::RunResult& engine_result,
                                        const ForwardModeOptions& opt) {
  return check_propagated(g, inputs, engine_result, forward_mode_propagation(opt), opt.threads, opt.probe_seed);
}

std::vector<Finding> check_forward_mode(const PreparedObjectives& prepared, const eut::RunResult& engine_result,
                                        const ForwardModeOptions& opt) {
  return check_propagated(prepared, engine_result, forward_mode_propagation(opt), opt.threads, opt.probe_seed);
}

std::vector<std::vector<Finding>> check_forward_mode(const std::vector<OracleCase>& cases, const ForwardModeOptions& options) {
  return check_cases(cases, options.threads, [&](const OracleCase& c, int threads) {
    ForwardModeOptions one = options;
    one.threads = threads;
    return check_forward_mode(*c.graph, *c.inputs, *c.result, one);
  });
}

}  // namespace tc::oracles
