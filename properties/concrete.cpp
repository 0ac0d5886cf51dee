#include "properties/concrete.hpp"

#include <algorithm>
#include <cmath>
#include <set>
#include <variant>

#include "engine/core/errors.hpp"
#include "engine/core/limits.hpp"
#include "engine/ops/op_table.hpp"
#include "graph/walk.hpp"
#include "properties/sampling.hpp"

namespace tc::properties {

std::vector<Interval> safe_intervals(const Domain& d, double margin_scale) {
  std::vector<Interval> out{{d.lo, d.hi}};
  const double m = d.margin * margin_scale;
  for (double p : d.away_from) {
    std::vector<Interval> next;
    for (const Interval& iv : out) {
      if (p + m < iv.lo || p - m > iv.hi) {
        next.push_back(iv);
        continue;
      }
      if (p - m > iv.lo) next.push_back({iv.lo, p - m});
      if (p + m < iv.hi) next.push_back({p + m, iv.hi});
    }
    out = std::move(next);
  }
  out.erase(std::remove_if(out.begin(), out.end(), [](const Interval& iv) { return !(iv.hi > iv.lo); }),
            out.end());
  return out;
}

namespace {

bool is_default_domain(const Domain& d) {
  const Domain def;
  return d.lo == def.lo && d.hi == def.hi && d.away_from.empty();
}

}  // namespace

bool exempt_slot(const OpDef& op, int slot, const std::vector<bool>& scalar_constant) {
  if (op.has_kinks) return false;
  if (!is_default_domain(op.input(slot).domain)) return false;
  if (scalar_constant.size() < 2) return false;
  if (scalar_constant[static_cast<std::size_t>(slot)]) return true;  // the known scalar itself
  for (std::size_t k = 0; k < scalar_constant.size(); ++k)
    if (static_cast<int>(k) != slot && !scalar_constant[k]) return false;
  return true;
}

bool operand_in_domain(const OpDef& op, int slot, const Concrete& v, bool exempt,
                       double margin_scale) {
  const InputDef& in = op.input(slot);
  const Domain& d = in.domain;
  if (op.accepts_operand && !op.accepts_operand(slot, v.spec, v.data.data(), margin_scale)) return false;
  if (in.grad == InputGrad::integer_index) {
    for (double x : v.data)
      if (!(x >= d.lo && x <= d.hi)) return false;
    return true;
  }
  if (!is_floating(v.spec.dtype)) return true;
  if (exempt) {
    for (double x : v.data)
      if (!std::isfinite(x)) return false;
    return true;
  }
  // A value within a few roundings of a bound is inside: the generator's bounds are sampling
  // ranges checked on the engine's values, and an f32 reduce_sum of softmax rows, 3 in exact
  // arithmetic, is 3.0000002 (seed 19 of Generator.KnobsAreObeyed). The slack is relative to
  // the bound itself, so a bound of 0 (sqrt, log's margin) stays exact.
  // Magnitudes near exp's overflow are edge points of inputs the op handles there (Edges::large).
  if (has(in.edges, Edges::large)) {
    const double lim = large_edge_limit(v.spec.dtype);
    bool large = false;
    for (double x : v.data) large = large || std::abs(x) > d.hi;
    if (large) {
      for (double x : v.data)
        if (!(std::abs(x) <= lim + 3 * std::abs(d.hi))) return false;
      return true;
    }
  }
  const double u = v.spec.dtype == DType::f32 ? 0x1p-24 : 0x1p-53;
  const double lo = d.lo - 4 * u * std::abs(d.lo), hi = d.hi + 4 * u * std::abs(d.hi);
  const double m = d.margin * margin_scale;
  for (double x : v.data) {
    if (!(x >= lo && x <= hi)) return false;
    for (double p : d.away_from)
      if (std::abs(x - p) < m) return false;
  }
  return true;
}

Concrete eval_op(const OpDef& op, const OpAttrs& attrs, const std::vector<const Concrete*>& in) {
  const int n = static_cast<int>(in.size());
  std::vector<TensorSpec> specs;
  std::vector<In<double>> ins;
  for (const Concrete* c : in) specs.push_back(c->spec);
  const TensorSpec out_spec = op.infer(attrs, specs.data(), n);
  check_element_cap(out_spec.shape, op.name);
  for (const Concrete* c : in) ins.push_back({c->data.data(), c->spec});
  Concrete out;
  out.spec = out_spec;
  out.data.assign(static_cast<std::size_t>(out_spec.shape.numel()), 0.0);
  op.forward_f64(attrs, ins.data(), n, {out.data.data(), out_spec}, nullptr);
  if (!is_floating(out_spec.dtype))
    for (double& x : out.data) x = round_to_dtype(x, out_spec.dtype);
  return out;
}

namespace {

using namespace graph;

struct Stop {
  std::string why;
};

class Runner {
 public:
  Runner(const Graph& g, const std::map<std::string, eut::Value>* known, double margin_scale)
      : known_(known), margin_scale_(margin_scale) {
    for (const Input& in : g.inputs)
      if (in.kind == InputKind::constant && in.shape.rank() == 0) scalar_constants_.insert(in.name);
  }

  ConcreteRun run(const Graph& g, const eut::InputValues& inputs) {
    for (const Input& in : g.inputs) {
      auto it = inputs.find(in.name);
      if (it == inputs.end()) continue;
      out_.values[in.name] = Concrete{{it->second.dtype, it->second.shape}, it->second.data};
    }
    try {
      block(g.body);
    } catch (const Stop& s) {
      out_.error = s.why;
    }
    return std::move(out_);
  }

 private:
  const Concrete* find(const std::string& name) const {
    auto it = out_.values.find(name);
    return it == out_.values.end() ? nullptr : &it->second;
  }

  void block(const Block& b) {
    for (const Statement& s : b) std::visit([&](const auto& n) { exec(n); }, s.node);
  }

  void exec(const OpStmt& s) {
    const OpDef* op = find_op(s.op);
    if (!op) throw Stop{"unknown op " + s.op};
    std::vector<const Concrete*> in;
    for (const std::string& o : s.operands) {
      const Concrete* c = find(o);
      if (!c) {  // consumes an unknown value (a gradient result not given)
        out_.all_known = false;
        out_.values.erase(s.result);
        return;
      }
      in.push_back(c);
    }
    std::vector<bool> scalar_const;
    for (const std::string& o : s.operands) scalar_const.push_back(scalar_constants_.count(o) > 0);
    for (std::size_t k = 0; k < in.size(); ++k) {
      const int slot = static_cast<int>(k);
      if (!operand_in_domain(*op, slot, *in[k], exempt_slot(*op, slot, scalar_const), margin_scale_))
        out_.violations.push_back({s.result, s.op, slot, s.operands[k]});
    }
    Concrete r;
    try {
      r = eval_op(*op, s.attrs, in);
    } catch (const std::exception& e) {
      throw Stop{s.result + " = " + s.op + ": " + e.what()};
    }
    for (double x : r.data)
      if (!std::isfinite(x)) throw Stop{s.result + " = " + s.op + " is not finite"};
    out_.values[s.result] = std::move(r);
  }

  void exec(const Record& r) { block(r.body); }
  void exec(const StopRecording& r) { block(r.body); }
  void exec(const Watch&) {}

  void exec(const Cond& c) {
    const Concrete* p = find(c.pred);
    if (!p) {
      out_.all_known = false;
      return;
    }
    const bool taken = p->data.at(0) != 0.0;
    block(taken ? c.then_body : c.else_body);
    carry(taken ? c.then_yield : c.else_yield, c.results);
  }

  void carry(const std::vector<std::string>& from, const std::vector<std::string>& to) {
    std::vector<std::optional<Concrete>> v;
    for (const std::string& f : from) {
      const Concrete* c = find(f);
      v.push_back(c ? std::optional<Concrete>(*c) : std::nullopt);
    }
    for (std::size_t k = 0; k < to.size() && k < v.size(); ++k) {
      if (v[k])
        out_.values[to[k]] = *v[k];
      else
        out_.values.erase(to[k]);
    }
  }

  void exec(const While& w) {
    carry(w.init, w.params);
    const std::int64_t cap = graph::loop_cap(w);
    for (std::int64_t i = 0;; ++i) {
      block(w.cond_body);
      const Concrete* c = find(w.cond_yield);
      if (!c) {
        out_.all_known = false;
        break;
      }
      if (c->data.at(0) == 0.0) break;
      if (i >= cap) throw Stop{"while_loop: more than " + std::to_string(cap) + " iterations"};
      block(w.body);
      carry(w.body_yield, w.params);
    }
    carry(w.params, w.results);
  }

  void exec(const Gradient& g) {
    for (const std::string& r : g.results) {
      if (known_) {
        auto it = known_->find(r);
        if (it != known_->end()) {
          out_.values[r] = Concrete{{it->second.dtype, it->second.shape}, it->second.data};
          continue;
        }
      }
      out_.values.erase(r);
    }
  }

  // An optimizer step changes its variables' values for later statements; the engine's values
  // after it are not given, so they are unknown from here on (ops reading them are skipped).
  void exec(const ApplyGradients& a) {
    for (const std::string& v : a.variables) out_.values.erase(v);
  }

  const std::map<std::string, eut::Value>* known_;
  double margin_scale_;
  std::set<std::string> scalar_constants_;
  ConcreteRun out_;
};

}  // namespace

ConcreteRun run_concrete(const Graph& g, const eut::InputValues& inputs,
                         const std::map<std::string, eut::Value>* known, double margin_scale) {
  return Runner(g, known, margin_scale).run(g, inputs);
}

}  // namespace tc::properties
