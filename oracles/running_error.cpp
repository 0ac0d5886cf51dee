#include "oracles/running_error.hpp"

#include <algorithm>
#include <cmath>
#include <exception>
#include <map>
#include <mutex>

#include "engine/core/errors.hpp"
#include "oracles/tolerance.hpp"

namespace tc::oracles {

namespace {

// The work (elements touched, OpDef::work) building the local Jacobians may cost: ~0.1 s.
constexpr double kJacobianBudget = 5e7;

// ∂y/∂x of one operand: diagonal (element-wise, same shape) or dense, column e = ∂y/∂x_e.
struct Jacobian {
  std::size_t operand = 0;  // tensor index
  bool diagonal = false;
  std::vector<double> entries;
};

struct Node {
  const OpTrace::Application* application = nullptr;
  std::size_t result = 0;              // tensor index
  std::vector<std::size_t> operands;   // tensor indices
  std::vector<Jacobian> jacobians;
  std::vector<double> value_terms;     // t_n of the node's own rounding (forward values)
};

// op(operands) on scalar type S: the kernel the table gives, run once.
template <class S>
std::vector<S> run_kernel(const OpTrace::Application& a, const std::vector<std::vector<S>>& operands,
                          const std::vector<const TensorSpec*>& specs, const TensorSpec& out) {
  std::vector<In<S>> ins;
  for (std::size_t p = 0; p < operands.size(); ++p) ins.push_back({operands[p].data(), *specs[p]});
  std::vector<S> y(static_cast<std::size_t>(out.shape.numel()), S{});
  const ForwardFn<S> forward = a.op->template forward<S>();
  if (!forward) throw Error(std::string(a.op->name) + ": no kernel for this scalar type");
  forward(*a.attrs, ins.data(), static_cast<int>(ins.size()), {y.data(), out}, nullptr);
  return y;
}

double sum_abs_products(const std::vector<double>& a, const std::vector<double>& t) {
  double s = 0;
  for (std::size_t i = 0; i < a.size() && i < t.size(); ++i) s += std::abs(a[i]) * t[i];
  return std::isfinite(s) ? s : 0.0;
}

// Whether an op's floating result sums terms of its operands (a reduction, a matmul, softmax's
// normalisation), so that it rounds relative to them rather than to itself; not an op that
// works element by element, only moves elements, or holds an input constant.
bool sums_terms(const OpDef& op, DType result) {
  return is_floating(result) && !op.traits.has(Trait::elementwise) && !op.traits.has(Trait::shape) &&
         !op.holds_input_constant();
}

}  // namespace

std::vector<double> own_rounding_terms(const OpTrace::Application& a,
                                       const std::vector<const std::vector<double>*>& operands,
                                       const std::vector<const TensorSpec*>& specs, const std::vector<double>& z,
                                       const TensorSpec& out) {
  const OpDef& op = *a.op;
  std::vector<double> terms(z.size(), 0.0);
  if (!is_floating(out.dtype) || op.traits.has(Trait::shape) || op.holds_input_constant()) return terms;
  for (std::size_t i = 0; i < z.size(); ++i) terms[i] = std::isfinite(z[i]) ? std::abs(z[i]) : 0.0;
  if (!sums_terms(op, out.dtype)) return terms;  // element-wise: its own magnitude
  // An op that sums: relative to its operands' magnitudes, Σ_k |∂z_i/∂x_k|·|x_k|.
  std::vector<std::vector<TermsDual>> duals;
  for (std::size_t p = 0; p < operands.size(); ++p) {
    const bool moves = is_floating(specs[p]->dtype) && op.input(static_cast<int>(p)).differentiable();
    duals.emplace_back();
    for (double v : *operands[p]) duals.back().push_back(TermsDual(v, moves ? std::abs(v) : 0.0));
  }
  const std::vector<TermsDual> t = run_kernel(a, duals, specs, out);
  for (std::size_t i = 0; i < z.size() && i < t.size(); ++i)
    if (std::isfinite(t[i].d)) terms[i] = std::max(terms[i], t[i].d);
  return terms;
}

std::map<std::string, std::vector<double>> cancelled_terms(const OpTrace& t) {
  std::map<std::string, std::vector<double>> out;
  for (const OpTrace::Application& a : t.applications) {
    if (!a.name || !sums_terms(*a.op, t.specs.at(a.result).dtype)) continue;
    std::vector<const std::vector<double>*> operands;
    std::vector<const TensorSpec*> specs;
    for (std::uint64_t id : a.operands) {
      operands.push_back(&t.values.at(id));
      specs.push_back(&t.specs.at(id));
    }
    const std::vector<double>& z = t.values.at(a.result);
    std::vector<double> beyond;
    try {
      beyond = own_rounding_terms(a, operands, specs, z, t.specs.at(a.result));
    } catch (const std::exception&) {
      continue;  // no kernel on TermsDual: its result keeps the jitter relative to itself
    }
    bool cancels = false;
    for (std::size_t i = 0; i < z.size(); ++i) {
      beyond[i] = std::isfinite(z[i]) ? std::max(0.0, beyond[i] - std::abs(z[i])) : 0.0;
      cancels = cancels || beyond[i] > 0;
    }
    if (!cancels) continue;
    // A statement applied once per iteration of a loop: the largest, element by element.
    const auto [it, fresh] = out.try_emplace(*a.name, beyond);
    if (fresh) continue;
    if (it->second.size() != beyond.size()) {
      out.erase(it);  // a loop whose values change shape: no one scale (not expected)
      continue;
    }
    for (std::size_t i = 0; i < beyond.size(); ++i) it->second[i] = std::max(it->second[i], beyond[i]);
  }
  return out;
}

struct TraceSensitivity::Impl {
  std::map<std::uint64_t, std::size_t> index;
  std::vector<const std::vector<double>*> values;
  std::vector<const TensorSpec*> specs;
  std::vector<int> producer;  // node index, -1 for an input
  std::vector<Node> nodes;
  bool valid = true;

  explicit Impl(const OpTrace& t) {
    for (const auto& [id, v] : t.values) {
      index[id] = values.size();
      values.push_back(&v);
      specs.push_back(&t.specs.at(id));
      producer.push_back(-1);
    }
    double work = 0;
    for (const OpTrace::Application& a : t.applications) {
      Node n;
      n.application = &a;
      n.result = index.at(a.result);
      for (std::uint64_t id : a.operands) n.operands.push_back(index.at(id));
      producer[n.result] = static_cast<int>(nodes.size());
      work += build(n, work);
      if (work > kJacobianBudget) {
        valid = false;
        return;
      }
      nodes.push_back(std::move(n));
    }
  }

  std::vector<const std::vector<double>*> operand_values(const Node& n) const {
    std::vector<const std::vector<double>*> out;
    for (std::size_t k : n.operands) out.push_back(values[k]);
    return out;
  }

  // Fills n's Jacobians and value terms; returns the work it took.
  double build(Node& n, double work_so_far) {
    const OpTrace::Application& a = *n.application;
    const OpDef& op = *a.op;
    const TensorSpec& out = *specs[n.result];
    const std::size_t n_out = values[n.result]->size();
    std::vector<const TensorSpec*> in_specs;
    std::vector<TensorSpec> in_spec_values;
    for (std::size_t k : n.operands) {
      in_specs.push_back(specs[k]);
      in_spec_values.push_back(*specs[k]);
    }
    const double one_run =
        static_cast<double>(op.work(in_spec_values.data(), static_cast<int>(in_spec_values.size()), out));
    double work = 0;
    std::vector<std::vector<Dual>> duals;
    for (std::size_t k : n.operands) {
      duals.emplace_back();
      for (double v : *values[k]) duals.back().push_back(Dual(v, 0.0));
    }
    const bool floating_result = is_floating(out.dtype);
    for (std::size_t p = 0; p < n.operands.size() && floating_result; ++p) {
      const std::size_t k = n.operands[p];
      const std::size_t n_in = values[k]->size();
      const InputDef& in = op.input(static_cast<int>(p));
      if (!is_floating(specs[k]->dtype)) continue;
      Jacobian j;
      j.operand = k;
      if (in.grad == InputGrad::stop_gradient) {
        // The value passes through (the tape sees a constant; a forward value does not).
        if (n_in != n_out) continue;
        j.diagonal = true;
        j.entries.assign(n_out, 1.0);
      } else if (!in.differentiable()) {
        continue;  // piecewise constant in it: no sensitivity
      } else if (op.traits.has(Trait::elementwise) && specs[k]->shape == out.shape) {
        j.diagonal = true;
        for (Dual& d : duals[p]) d.d = 1.0;
        const std::vector<Dual> y = run_kernel(a, duals, in_specs, out);
        for (Dual& d : duals[p]) d.d = 0.0;
        for (const Dual& yi : y) j.entries.push_back(yi.d);
        work += one_run;
      } else {
        work += one_run * static_cast<double>(n_in);
        if (work_so_far + work > kJacobianBudget) return work;
        j.entries.resize(n_in * n_out);
        for (std::size_t e = 0; e < n_in; ++e) {
          duals[p][e].d = 1.0;
          const std::vector<Dual> y = run_kernel(a, duals, in_specs, out);
          duals[p][e].d = 0.0;
          for (std::size_t i = 0; i < n_out; ++i) j.entries[e * n_out + i] = y[i].d;
        }
      }
      n.jacobians.push_back(std::move(j));
    }
    // The node's own rounding terms (forward values).
    n.value_terms = own_rounding_terms(a, operand_values(n), in_specs, *values[n.result], out);
    if (sums_terms(op, out.dtype)) work += one_run;  // own_rounding_terms' run on TermsDual
    return work;
  }
};

TraceSensitivity::TraceSensitivity(const OpTrace& t) : impl_(std::make_unique<Impl>(t)) {}
TraceSensitivity::~TraceSensitivity() = default;

bool TraceSensitivity::valid() const { return impl_->valid; }

std::vector<std::vector<double>> TraceSensitivity::adjoints(std::uint64_t seed,
                                                            const std::vector<double>& seed_adjoint) const {
  const Impl& m = *impl_;
  std::vector<std::vector<double>> adj(m.values.size());
  const auto at = m.index.find(seed);
  if (at == m.index.end()) return adj;
  adj[at->second] = seed_adjoint;
  for (auto n = m.nodes.rbegin(); n != m.nodes.rend(); ++n) {
    const std::vector<double>& a = adj[n->result];
    if (a.empty()) continue;
    for (const Jacobian& j : n->jacobians) {
      std::vector<double>& to = adj[j.operand];
      if (to.empty()) to.assign(m.values[j.operand]->size(), 0.0);
      if (j.diagonal) {
        for (std::size_t i = 0; i < a.size(); ++i) to[i] += j.entries[i] * a[i];
      } else {
        for (std::size_t e = 0; e < to.size(); ++e) {
          double s = 0;
          for (std::size_t i = 0; i < a.size(); ++i) s += j.entries[e * a.size() + i] * a[i];
          to[e] += s;
        }
      }
    }
  }
  return adj;
}

double TraceSensitivity::value_rounding(const std::vector<std::vector<double>>& adjoint) const {
  const Impl& m = *impl_;
  double bound = 0;
  for (std::size_t k = 0; k < adjoint.size(); ++k) {
    if (adjoint[k].empty()) continue;
    const double u = unit_roundoff(m.specs[k]->dtype);
    if (m.producer[k] >= 0) {
      bound += u * sum_abs_products(adjoint[k], m.nodes[static_cast<std::size_t>(m.producer[k])].value_terms);
    } else if (m.specs[k]->dtype == DType::f32) {
      // An input the engine holds in f32 is rounded once on the way in.
      std::vector<double> magnitude;
      for (double v : *m.values[k]) magnitude.push_back(std::isfinite(v) ? std::abs(v) : 0.0);
      bound += u * sum_abs_products(adjoint[k], magnitude);
    }
  }
  return bound;
}

double TraceSensitivity::oracle_rounding(const std::vector<std::vector<double>>& adjoint) const {
  const Impl& m = *impl_;
  double bound = 0;
  for (const Node& n : m.nodes) {
    const OpTrace::Application& a = *n.application;
    if (n.result >= adjoint.size() || adjoint[n.result].empty()) continue;
    if (a.op->result.converts_to(DType::f32, *a.attrs)) {
      std::vector<double> magnitude;
      for (double v : *m.values[n.result]) magnitude.push_back(std::isfinite(v) ? std::abs(v) : 0.0);
      bound += unit_roundoff(DType::f32) * sum_abs_products(adjoint[n.result], magnitude);
    } else {
      bound += unit_roundoff(DType::f64) * sum_abs_products(adjoint[n.result], n.value_terms);
    }
  }
  return bound;
}

double TraceSensitivity::gradient_rounding(const std::vector<std::vector<double>>& adjoint, std::uint64_t source,
                                           const std::vector<double>& tangent) const {
  double bound = 0;
  for (double t : gradient_rounding_terms(adjoint, source, tangent)) bound += t;
  return std::isfinite(bound) ? bound : 0.0;
}

std::vector<double> TraceSensitivity::gradient_rounding_terms(const std::vector<std::vector<double>>& adjoint,
                                                              std::uint64_t source,
                                                              const std::vector<double>& tangent) const {
  const Impl& m = *impl_;
  std::vector<double> terms_out;
  const auto at = m.index.find(source);
  if (at == m.index.end()) return terms_out;
  std::vector<std::vector<double>> dot(m.values.size());
  dot[at->second] = tangent;
  for (const Node& n : m.nodes) {
    bool moves = false;
    for (std::size_t k : n.operands) moves = moves || !dot[k].empty();
    if (!moves) continue;
    // ż of the result, from the local Jacobians.
    std::vector<double>& y = dot[n.result];
    y.assign(m.values[n.result]->size(), 0.0);
    for (const Jacobian& j : n.jacobians) {
      const std::vector<double>& x = dot[j.operand];
      if (x.empty()) continue;
      if (j.diagonal) {
        for (std::size_t i = 0; i < y.size(); ++i) y[i] += j.entries[i] * x[i];
      } else {
        for (std::size_t e = 0; e < x.size(); ++e)
          if (x[e] != 0)
            for (std::size_t i = 0; i < y.size(); ++i) y[i] += j.entries[e * y.size() + i] * x[e];
      }
    }
    if (n.result >= adjoint.size() || adjoint[n.result].empty() || !is_floating(m.specs[n.result]->dtype)) continue;
    // The terms of the op's JVP with its operands' tangent magnitudes: inside this op only.
    std::vector<std::vector<TermsDual>> terms;
    std::vector<const TensorSpec*> in_specs;
    for (std::size_t k : n.operands) {
      in_specs.push_back(m.specs[k]);
      terms.emplace_back();
      const std::vector<double>& v = *m.values[k];
      for (std::size_t e = 0; e < v.size(); ++e)
        terms.back().push_back(TermsDual(v[e], dot[k].empty() ? 0.0 : std::abs(dot[k][e])));
    }
    try {
      const std::vector<TermsDual> t = run_kernel(*n.application, terms, in_specs, *m.specs[n.result]);
      const double u = unit_roundoff(m.specs[n.result]->dtype);
      const std::vector<double>& a = adjoint[n.result];
      for (std::size_t i = 0; i < t.size(); ++i) {
        const double c = i < a.size() && std::isfinite(t[i].d) ? u * std::abs(a[i]) * t[i].d : 0.0;
        terms_out.push_back(std::isfinite(c) ? c : 0.0);
      }
    } catch (const std::exception&) {
      // A node whose terms cannot be computed still holds its place, so that the terms of two
      // traces of one program line up element by element.
      terms_out.resize(terms_out.size() + m.values[n.result]->size(), 0.0);
    }
  }
  return terms_out;
}

struct GradientRounding::Impl {
  const Objective* o;
  std::once_flag once;
  OpTrace trace;
  std::unique_ptr<TraceSensitivity> sensitivity;
  std::vector<std::vector<double>> adjoint;
  std::vector<std::uint64_t> source_tensor;  // per source, 0 if none
  bool ok = false;

  void build() {
    if (!o->not_applicable.empty()) return;
    try {
      trace = oracles::trace(o->graph, o->base);
      const auto& tensors = trace.evaluation.tensors;
      const auto target = tensors.find(o->target_value);
      if (target == tensors.end()) return;
      sensitivity = std::make_unique<TraceSensitivity>(trace);
      if (!sensitivity->valid()) return;
      adjoint = sensitivity->adjoints(target->second, o->cotangent);
      for (const ObjectiveSource& s : o->sources) {
        const auto it = tensors.find(s.name);
        source_tensor.push_back(s.why_not.empty() && it != tensors.end() ? it->second : 0);
      }
      ok = true;
    } catch (const std::exception&) {
      ok = false;
    }
  }
};

GradientRounding::GradientRounding(const Objective& o) : impl_(std::make_unique<Impl>()) { impl_->o = &o; }
GradientRounding::~GradientRounding() = default;

double GradientRounding::bound(std::size_t source, std::int64_t index, const std::vector<double>* direction) const {
  Impl& m = *impl_;
  std::call_once(m.once, [&m] { m.build(); });
  if (!m.ok || source >= m.source_tensor.size() || m.source_tensor[source] == 0) return 0;
  std::vector<double> tangent;
  if (direction) {
    tangent = *direction;
  } else {
    const auto it = m.o->base.find(m.o->sources[source].name);
    if (it == m.o->base.end() || index < 0 || static_cast<std::size_t>(index) >= it->second.size()) return 0;
    tangent.assign(it->second.size(), 0.0);
    tangent[static_cast<std::size_t>(index)] = 1.0;
  }
  return m.sensitivity->gradient_rounding(m.adjoint, m.source_tensor[source], tangent);
}

double GradientRounding::oracle_rounding() const {
  Impl& m = *impl_;
  std::call_once(m.once, [&m] { m.build(); });
  return m.ok ? m.sensitivity->oracle_rounding(m.adjoint) : 0.0;
}

std::vector<double> GradientRounding::bound_terms(std::size_t source, const std::vector<double>& direction) const {
  Impl& m = *impl_;
  std::call_once(m.once, [&m] { m.build(); });
  if (!m.ok || source >= m.source_tensor.size() || m.source_tensor[source] == 0) return {};
  return m.sensitivity->gradient_rounding_terms(m.adjoint, m.source_tensor[source], direction);
}

double first_order_rounding_slope(const Objective& o, const std::string& moved, const std::vector<double>& w,
                                  double h, bool plus_side, bool minus_side,
                                  const std::map<std::string, std::vector<double>>& directions) {
  if (!o.not_applicable.empty() || h <= 0 || (!plus_side && !minus_side)) return 0;
  const auto x = o.base.find(moved);
  if (x == o.base.end() || x->second.size() != w.size()) return 0;
  // Every source's terms at x + t·w, t = ±h or 0.
  auto terms_at = [&](double t) {
    Objective at = o;
    std::vector<double>& v = at.base.at(moved);
    for (std::size_t k = 0; k < v.size(); ++k) v[k] += t * w[k];
    const GradientRounding rounding(at);
    std::vector<std::vector<double>> terms;
    for (std::size_t s = 0; s < o.sources.size(); ++s) {
      const auto u = directions.find(o.sources[s].name);
      terms.push_back(u == directions.end() ? std::vector<double>{} : rounding.bound_terms(s, u->second));
    }
    return terms;
  };
  const double lo = minus_side ? -h : 0.0;
  const double hi = plus_side ? h : 0.0;
  const std::vector<std::vector<double>> a = terms_at(lo), b = terms_at(hi);
  double slope = 0;
  for (std::size_t s = 0; s < a.size() && s < b.size(); ++s) {
    if (a[s].size() != b[s].size()) return 0;  // not one program: nothing to difference
    for (std::size_t k = 0; k < a[s].size(); ++k) slope += std::abs(b[s][k] - a[s][k]);
  }
  slope /= hi - lo;
  return std::isfinite(slope) ? slope : 0.0;
}

}  // namespace tc::oracles
