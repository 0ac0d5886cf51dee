// explain(): why gradient(target, source) is None, from the tensors' provenance and the
// tape's record. The walk starts at the target and follows only edges along which gradient
// flows; the first edge it cannot follow on each path to the source is that path's cut
// (R13: the cut nearest the target).
#include <algorithm>
#include <unordered_map>
#include <unordered_set>

#include "engine/control_flow.hpp"
#include "engine/core/errors.hpp"
#include "engine/tape.hpp"

namespace tc {

const char* cut_rule_name(CutRule r) {
  switch (r) {
    case CutRule::stop_gradient: return "stop_gradient";
    case CutRule::non_differentiable: return "non-differentiable";
    case CutRule::integer_dtype: return "integer dtype";
    case CutRule::untaken_branch: return "untaken branch";
    case CutRule::outside_recording: return "outside recording";
    case CutRule::stop_recording: return "stop_recording";
  }
  return "?";
}

const char* none_reason_name(NoneReason r) {
  switch (r) {
    case NoneReason::not_watched: return "not watched";
    case NoneReason::integer_source: return "integer source";
    case NoneReason::integer_target: return "integer target";
    case NoneReason::no_path: return "no path";
    case NoneReason::cut: return "path cut";
  }
  return "?";
}

std::optional<CutRule> cut_rule_of(InputGrad g) {
  switch (g) {
    case InputGrad::differentiable: return std::nullopt;
    case InputGrad::stop_gradient: return CutRule::stop_gradient;
    case InputGrad::non_differentiable:
    case InputGrad::predicate: return CutRule::non_differentiable;
    case InputGrad::integer_index: return CutRule::integer_dtype;
  }
  return std::nullopt;
}

namespace {
std::string cut_phrase(const Cut& c) {
  switch (c.rule) {
    case CutRule::stop_gradient: return "stop_gradient blocks the gradient";
    case CutRule::non_differentiable:
      return c.op == "cond" ? "the predicate of cond is not differentiable"
                            : c.op + " has no gradient (non-differentiable)";
    case CutRule::integer_dtype:
      return c.op == "cond"
                 ? "an integer/bool value carries no gradient"
                 : "its input " + c.input_node + " has dtype " + c.input_dtype +
                       ", and an integer/bool value carries no gradient";
    case CutRule::untaken_branch:
      // The node is the cond's result, which is the taken branch's value: name the predicate
      // that decided, so the reader finds the cond.
      return "the source is used only in the branch of the cond on " +
             (c.input_node.empty() ? std::string("its predicate") : c.input_node) +
             " that did not run (the cond's result here is the taken branch's value)";
    case CutRule::outside_recording:
      return "it was computed while the tape was not recording (compute it inside the tape's recording "
             "block, after the tape starts, so that the tape sees how it depends on the source)";
    case CutRule::stop_recording: return "it was computed inside tape.stop_recording()";
  }
  return "";
}
}  // namespace

std::string Explanation::sentence() const {
  std::string s = "gradient of " + target + " with respect to " + source + " is None: ";
  switch (reason) {
    case NoneReason::not_watched: return s + source + " is not watched (" + detail + ")";
    case NoneReason::integer_source:
      return s + source + " has an integer/bool dtype, which never carries gradient";
    case NoneReason::integer_target:
      return s + "the target has an integer/bool dtype, so no gradient flows from it";
    case NoneReason::no_path:
      // The tape cannot tell "never used" from "used, then taken out of the graph and back in"
      // (a host copy is a new constant with no history): both are named.
      return s + target + " does not depend on " + source + " (no path: " + source +
             " is not used in computing " + target +
             ", or a value on the way was taken out of the graph and back in, which starts a new graph)";
    case NoneReason::cut: break;
  }
  s += "every path is cut — ";
  for (std::size_t i = 0; i < cuts.size(); ++i) {
    const Cut& c = cuts[i];
    s += (i ? "; " : "") + std::string("at node ") + c.node + ": " + cut_phrase(c);
  }
  return s;
}

namespace {
using ImplPtr = const TensorImpl*;

// Does the source (by id) feed `n`, along any edge, cut or not, taken branch or not?
class Reach {
 public:
  explicit Reach(std::int64_t source) : source_(source) {}
  bool from(ImplPtr root) {
    if (auto it = memo_.find(root); it != memo_.end()) return it->second;
    // Iterative post-order DFS: provenance chains can be 10^5 deep. cond's untaken-branch
    // links can close a cycle (the taken result feeding the untaken branch), so nodes on
    // the current path are not entered again.
    std::vector<std::pair<ImplPtr, std::size_t>> stack{{root, 0}};
    std::unordered_set<ImplPtr> on_path{root};
    while (!stack.empty()) {
      auto& [n, k] = stack.back();
      const std::vector<ImplPtr> ins = inputs_of(n);
      if (k < ins.size()) {
        ImplPtr next = ins[k++];
        if (!memo_.count(next) && on_path.insert(next).second) stack.emplace_back(next, 0);
        continue;
      }
      bool r = n->id == source_;
      for (ImplPtr in : ins) {
        auto it = memo_.find(in);
        r = r || (it != memo_.end() && it->second);
      }
      memo_[n] = r;
      on_path.erase(n);
      stack.pop_back();
    }
    return memo_.at(root);
  }
  static std::vector<ImplPtr> inputs_of(ImplPtr n) {
    std::vector<ImplPtr> ins;
    for (const Tensor& in : n->inputs) ins.push_back(in.impl());
    for (const auto& b : detail::untaken_branches_of(n)) {
      if (b.result) ins.push_back(b.result.get());
      ins.push_back(b.pred.get());
    }
    return ins;
  }

 private:
  std::int64_t source_;
  std::unordered_map<ImplPtr, bool> memo_;
};

std::string not_watched_detail(const TensorImpl& s, const GradientTape& tape) {
  if (s.variable) {
    if (!s.variable->trainable)
      return "it is a Variable with trainable=false; call tape.watch() on it";
    if (!tape.watch_accessed_variables())
      return "the tape was created with watch_accessed_variables=false; call tape.watch() on it";
    return "the Variable was not read while the tape was recording";
  }
  if (s.kind == LeafKind::constant)
    return "it is a plain tensor, not a Variable; call tape.watch() on it";
  return "it was computed by an op the tape did not record and was never watched";
}
}  // namespace

class ExplainWalk {
 public:
  static Explanation run(const GradientTape& tape, const Tensor& target, const Tensor& src) {
    Explanation e{NoneReason::no_path, target.label(), src.label(), "", {}};
    if (!is_floating(src.dtype())) {
      e.reason = NoneReason::integer_source;
      return e;
    }
    if (!is_floating(target.dtype())) {
      e.reason = NoneReason::integer_target;
      return e;
    }
    Reach reach(src.id());
    if (!reach.from(target.impl())) return e;  // no_path

    std::unordered_set<ImplPtr> seen{target.impl()};
    std::vector<ImplPtr> frontier{target.impl()};
    std::unordered_set<std::string> cut_keys;
    auto add_cut = [&](Cut c) {
      // Several inputs of one node cut by the same rule are one cut (x * x before the tape).
      const std::string key = c.node + "/" + c.op + "/" + cut_rule_name(c.rule);
      if (cut_keys.insert(key).second) e.cuts.push_back(std::move(c));
    };
    while (!frontier.empty()) {
      ImplPtr n = frontier.back();
      frontier.pop_back();
      if (n->id == src.id()) continue;
      const std::string label = label_of(*n);
      for (const auto& b : detail::untaken_branches_of(n)) {
        if (b.result && reach.from(b.result.get()))
          add_cut({label, "cond", 0, CutRule::untaken_branch, label_of(*b.pred), ""});
        if (reach.from(b.pred.get()))
          add_cut({label, "cond", 0, CutRule::non_differentiable, "", ""});
      }
      if (!n->op) continue;
      const auto recorded = tape.how_recorded(n->id);
      for (std::size_t j = 0; j < n->inputs.size(); ++j) {
        ImplPtr in = n->inputs[j].impl();
        if (!reach.from(in)) continue;
        std::optional<CutRule> rule = cut_rule_of(n->op->input(static_cast<int>(j)).grad);
        if (!rule) {  // not cut by the op table: by the dtypes or the recording
          if (!is_floating(in->spec.dtype) || !is_floating(n->spec.dtype))
            rule = CutRule::integer_dtype;
          else if (recorded == GradientTape::Recorded::paused)
            rule = CutRule::stop_recording;
          else if (recorded == GradientTape::Recorded::outside)
            rule = CutRule::outside_recording;
        }
        if (rule) {
          const bool int_edge = !is_floating(in->spec.dtype);
          add_cut({label, n->op->name, static_cast<int>(j), *rule, label_of(*in),
                   std::string(dtype_name(int_edge ? in->spec.dtype : n->spec.dtype))});
        } else if (seen.insert(in).second) {
          frontier.push_back(in);
        }
      }
    }
    if (!e.cuts.empty()) {
      e.reason = NoneReason::cut;
    } else {
      e.reason = NoneReason::not_watched;
      e.detail = not_watched_detail(*src.impl(), tape);
    }
    return e;
  }
};

Explanation GradientTape::explain(const Tensor& target, const Source& source) const {
  if (!target.defined() || !source.tensor().defined())
    throw TapeError("GradientTape.explain(): empty tensor");
  return ExplainWalk::run(*this, target, source.tensor());
}

}  // namespace tc
