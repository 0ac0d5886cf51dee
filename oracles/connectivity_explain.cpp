// Why the connectivity model predicts None (R13): the cut nearest the target on each path,
// with the engine's vocabulary (engine/explain.hpp) and the op table's cut rules.
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "engine/explain.hpp"
#include "eut/inputs.hpp"
#include "oracles/connectivity_nodes.hpp"

namespace tc::oracles::connectivity {

namespace {

class Explainer {
 public:
  explicit Explainer(const std::deque<Node>& nodes) : nodes_(nodes) {}

  std::string label(NodeId id) const {
    const Node& n = nodes_[id];
    if (!n.label.empty()) return n.label;
    if (n.kind == Node::Kind::gradient) return "#" + std::to_string(id) + " (" + gradient_words(n) + ")";
    return "#" + std::to_string(id) + " (" + (n.op ? n.op->name : "constant") + ")";
  }

  // "the gradient of %y = mul for its input a" (a backward pass's value).
  std::string gradient_words(const Node& g) const {
    const Node& of = nodes_[g.of];
    if (of.kind == Node::Kind::gradient) return "the gradient of " + label(g.of);
    return "the gradient of " + label(g.of) + (of.op ? " = " + std::string(of.op->name) + " for its input " +
                                                          of.op->input(g.for_input).name
                                                    : std::string());
  }

  // Why there is no path although the target was computed from a gradient taken with respect
  // to something the source feeds: that gradient does not depend on the source (R6 at second
  // order: the VJP reads only what the op table says, e.g. d(a·b)/da = b, not a). "" if not so.
  std::string gradient_without_source(NodeId target, NodeId source) const {
    std::unordered_set<NodeId> seen{target};
    std::vector<NodeId> stack{target};
    while (!stack.empty()) {
      const NodeId n = stack.back();
      stack.pop_back();
      const Node& node = nodes_[n];
      if (node.kind == Node::Kind::gradient && node.of >= 0 && depends_on(node.of, source)) {
        std::string reads;
        for (NodeId r : node.inputs) reads += (reads.empty() ? "" : ", ") + label(r);
        return "it depends on " + label(source) + " only through " +
               (node.label.empty() ? gradient_words(node) : node.label + ", " + gradient_words(node)) +
               ", which is computed from " + (reads.empty() ? std::string("constants") : reads) +
               " alone: the first derivative does not depend on " + label(source) +
               ", so its derivative is None (R6, R10)";
      }
      for_each_dependency(n, [&](NodeId in) {
        if (seen.insert(in).second) stack.push_back(in);
      });
    }
    return "";
  }

  // Why there is no path although a value on the way was copied from one the source feeds:
  // it left the graph and came back (host_round_trip), a new constant with no history. "" if
  // not so.
  std::string left_the_graph(NodeId target, NodeId source) const {
    std::unordered_set<NodeId> seen{target};
    std::vector<NodeId> stack{target};
    while (!stack.empty()) {
      const NodeId n = stack.back();
      stack.pop_back();
      const Node& node = nodes_[n];
      for (NodeId c : node.copied_from)
        if (depends_on(c, source, /*through_copies=*/true))
          return "it depends on " + label(source) + " only through " + label(n) + ", a copy of " + label(c) +
                 " taken out of the graph and back in: a new constant with no history (R6)";
      for_each_dependency(n, [&](NodeId in) {
        if (seen.insert(in).second) stack.push_back(in);
      });
    }
    return "";
  }

  // Whether `from` depends on `source`; with through_copies, also through values that left the
  // graph and came back (copied_from).
  bool depends_on(NodeId from, NodeId source, bool through_copies = false) const {
    std::unordered_set<NodeId> seen{from};
    std::vector<NodeId> stack{from};
    while (!stack.empty()) {
      const NodeId n = stack.back();
      stack.pop_back();
      if (n == source) return true;
      auto push = [&](NodeId in) {
        if (seen.insert(in).second) stack.push_back(in);
      };
      for_each_dependency(n, push);
      if (through_copies)
        for (NodeId c : nodes_[n].copied_from) push(c);
    }
    return false;
  }

  // Every edge a value depends on, cut or not: op inputs and untaken-branch links.
  template <class F>
  void for_each_dependency(NodeId id, F&& f) const {
    const Node& n = nodes_[id];
    for (NodeId in : n.inputs) f(in);
    for (const Node::Untaken& u : n.untaken) {
      if (u.result) f(*u.result);
      f(u.pred);
    }
  }

  // The values from which `source` is reachable, among those `target` depends on. Untaken
  // links can close a cycle (a branch yields x, the other branch reads x), so this is a
  // plain search, not a recursion over inputs.
  std::unordered_set<NodeId> reaching(NodeId target, NodeId source) const {
    std::unordered_set<NodeId> seen{target};
    std::vector<NodeId> stack{target};
    std::unordered_map<NodeId, std::vector<NodeId>> users;
    while (!stack.empty()) {
      const NodeId n = stack.back();
      stack.pop_back();
      for_each_dependency(n, [&](NodeId in) {
        users[in].push_back(n);
        if (seen.insert(in).second) stack.push_back(in);
      });
    }
    std::unordered_set<NodeId> reach;
    if (!seen.count(source)) return reach;
    reach.insert(source);
    stack = {source};
    while (!stack.empty()) {
      const NodeId n = stack.back();
      stack.pop_back();
      for (NodeId u : users[n])
        if (reach.insert(u).second) stack.push_back(u);
    }
    return reach;
  }

  std::string not_watched_detail(const Node& s, const TapeState& t) const {
    const std::string tape = "'" + eut::bare_name(t.decl->name) + "'";
    switch (s.kind) {
      case Node::Kind::variable:
        if (!s.trainable) return "a Variable with trainable=false; only tape.watch() watches it";
        if (!t.decl->watch_accessed_variables)
          return "tape " + tape + " was made with watch_accessed_variables=false and never watched it";
        return "the Variable was never read while tape " + tape + " was recording";
      case Node::Kind::constant:
        return "a plain tensor, not a Variable, and tape " + tape + " never watched it";
      case Node::Kind::op:
      case Node::Kind::gradient: break;
    }
    return "computed by an op tape " + tape + " did not record, and never watched";
  }

  // Why d target / d source is None on tape `t`: walk from the target along the edges the
  // value depends on; the first edge on each path that R1–R5/R11 cut is that path's cut.
  void explain(const TapeState& t, std::size_t ti, NodeId target, NodeId source, SourcePrediction& p) const {
    if (!is_floating(nodes_[source].spec.dtype)) {
      p.reason = NoneReason::integer_source;
      return;
    }
    if (!is_floating(nodes_[target].spec.dtype)) {
      p.reason = NoneReason::integer_target;
      return;
    }
    const std::unordered_set<NodeId> reach = reaching(target, source);
    if (!reach.count(target)) {
      p.reason = NoneReason::no_path;
      p.detail = gradient_without_source(target, source);
      if (p.detail.empty()) p.detail = left_the_graph(target, source);
      return;
    }
    std::unordered_set<NodeId> seen{target};
    std::vector<NodeId> queue{target};
    std::unordered_set<std::string> keys;
    // One cut per node and rule (x * x before the tape is one cut, not two).
    auto cut = [&](NodeId at, const std::string& op, int input, CutRule rule,
                   std::optional<NodeId> in = std::nullopt) {
      Cut c{label(at), op, input, rule, "", ""};
      if (in) {
        c.input_node = label(*in);
        const bool int_edge = !is_floating(nodes_[*in].spec.dtype);
        c.input_dtype = dtype_name(int_edge ? nodes_[*in].spec.dtype : nodes_[at].spec.dtype);
      }
      if (keys.insert(c.node + "/" + op + "/" + rule_words(rule)).second) p.cuts.push_back(std::move(c));
    };
    for (std::size_t q = 0; q < queue.size(); ++q) {
      const NodeId id = queue[q];
      if (id == source) continue;
      const Node& n = nodes_[id];
      for (const Node::Untaken& u : n.untaken) {
        if (u.result && reach.count(*u.result)) cut(id, "cond", 0, CutRule::untaken_branch);
        if (reach.count(u.pred)) cut(id, "cond", 0, CutRule::non_differentiable);
      }
      if (!n.op && n.kind != Node::Kind::gradient) continue;
      // A gradient node passes gradient to everything it reads (R5: a mask gives zeros).
      const std::string op = n.op ? n.op->name : "gradient";
      for (std::size_t j = 0; j < n.inputs.size(); ++j) {
        const NodeId in = n.inputs[j];
        if (!reach.count(in)) continue;
        std::optional<CutRule> rule = n.op ? cut_rule_of(n.op->input(static_cast<int>(j)).grad) : std::nullopt;
        if (!rule) {  // not cut by the op table: by the dtypes or the recording
          if (!is_floating(nodes_[in].spec.dtype) || !is_floating(n.spec.dtype))
            rule = CutRule::integer_dtype;
          else if (n.phase[ti] == Phase::paused)
            rule = CutRule::stop_recording;
          else if (n.phase[ti] == Phase::outside || n.phase[ti] == Phase::suspended)
            rule = CutRule::outside_recording;
        }
        if (rule)
          cut(id, op, static_cast<int>(j), *rule, in);
        else if (seen.insert(in).second)
          queue.push_back(in);
      }
    }
    if (!p.cuts.empty()) {
      p.reason = NoneReason::cut;
    } else {
      p.reason = NoneReason::not_watched;
      p.detail = not_watched_detail(nodes_[source], t);
    }
  }

 private:
  const std::deque<Node>& nodes_;
};

}  // namespace

std::string label(const std::deque<Node>& nodes, NodeId id) { return Explainer(nodes).label(id); }

void explain_none(const std::deque<Node>& nodes, const TapeState& t, std::size_t ti, NodeId target,
                  NodeId source, SourcePrediction& p) {
  Explainer(nodes).explain(t, ti, target, source, p);
}

}  // namespace tc::oracles::connectivity
