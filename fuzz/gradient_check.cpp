#include "fuzz/gradient_check.hpp"

#include <algorithm>
#include <random>
#include <set>

#include <fuzzer/FuzzedDataProvider.h>

#include "graph/walk.hpp"

namespace tc::fuzz {

namespace {

// The generator's choices from a fuzz input. Integers in a range take only the bytes the range
// needs (FuzzedDataProvider::ConsumeIntegralInRange), so a mutated byte changes one choice;
// probabilities take two bytes. When the bytes run out FuzzedDataProvider gives the low end
// of every range; unit() then gives a value near 1, so that `chance(p)` is false and nothing
// optional is added: the graph ends small instead of switching every feature on. Raw words
// then come from a fixed-seed stream: std::shuffle's uniform_int_distribution rejects and
// redraws some words, and a constant 0 would be rejected forever.
class FuzzedChoices final : public properties::ChoiceSource {
 public:
  explicit FuzzedChoices(FuzzedDataProvider& bytes) : bytes_(bytes) {}
  std::uint64_t word() override {
    return bytes_.remaining_bytes() >= sizeof(std::uint64_t) ? bytes_.ConsumeIntegral<std::uint64_t>() : after_();
  }
  std::int64_t integer(std::int64_t lo, std::int64_t hi) override {
    return bytes_.ConsumeIntegralInRange<std::int64_t>(lo, hi);
  }
  double unit() override {
    if (bytes_.remaining_bytes() == 0) return 1.0 - 0x1p-16;
    return bytes_.ConsumeIntegral<std::uint16_t>() * 0x1p-16;
  }

 private:
  FuzzedDataProvider& bytes_;
  std::mt19937_64 after_;
};

constexpr int kMaxSteps = 8;

}  // namespace

properties::GenOptions gradient_check_options() {
  properties::GenOptions o;
  o.max_elements = 12;
  return o;
}

graph::Graph graph_from_fuzz_input(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider bytes(data, size);
  properties::GenOptions options = gradient_check_options();
  // The program's size first, so that it stays put while later bytes mutate.
  options.max_steps = bytes.ConsumeIntegralInRange<int>(1, kMaxSteps);
  const int generator_size = bytes.ConsumeIntegralInRange<int>(1, 40);  // rank 3 from size 10 on
  FuzzedChoices choices(bytes);
  return properties::build_graph(options, choices, generator_size);
}

oracles::CheckOptions gradient_check_check_options() {
  oracles::CheckOptions o;
  o.threads = 1;
  o.seed = 0;
  return o;
}

std::vector<std::string> op_path(const graph::Graph& g, const std::string& target, const std::string& source) {
  // Every statement at any depth as (uses, defs): a def depends on the statement's uses. A
  // while_loop's back edge is a cycle, so both closures run to a fixed point.
  struct Node {
    std::vector<std::string> uses, defs;
    const std::string* op = nullptr;
  };
  std::vector<Node> nodes;
  graph::walk(g.body, [&](const graph::Statement& s, const graph::Place&) {
    Node n;
    graph::for_each_use(s, [&](const std::string& name) { n.uses.push_back(name); });
    graph::for_each_def(s, [&](const std::string& name) { n.defs.push_back(name); });
    if (const auto* op = std::get_if<graph::OpStmt>(&s.node)) n.op = &op->op;
    nodes.push_back(std::move(n));
    return graph::Step::next;
  });
  auto closure = [&](std::set<std::string> reached, bool forward) {
    for (bool grew = true; grew;) {
      grew = false;
      for (const Node& n : nodes) {
        const auto& from = forward ? n.uses : n.defs;
        const auto& to = forward ? n.defs : n.uses;
        if (std::none_of(from.begin(), from.end(), [&](const std::string& x) { return reached.count(x) > 0; }))
          continue;
        for (const std::string& x : to) grew = reached.insert(x).second || grew;
      }
    }
    return reached;
  };
  const std::set<std::string> feeds_target = closure({target}, false);
  const std::set<std::string> from_source = source.empty() ? feeds_target : closure({source}, true);
  std::set<std::string> ops;
  for (const Node& n : nodes)
    if (n.op && !n.defs.empty() && feeds_target.count(n.defs.front()) && from_source.count(n.defs.front()))
      ops.insert(*n.op);
  return {ops.begin(), ops.end()};
}

std::vector<MismatchFacts> mismatches(const graph::Graph& g, const oracles::CheckReport& report) {
  std::vector<MismatchFacts> out;
  for (const oracles::SourceVerdict& s : report.sources) {
    if (s.verdict != oracles::Verdict::mismatch) continue;
    out.push_back({s.oracle, s.gradient, s.target, s.source, op_path(g, s.target, s.source), s.detail});
  }
  return out;
}

std::string signature(const MismatchFacts& m) {
  std::string ops;
  for (const std::string& op : m.op_path) ops += (ops.empty() ? "" : ",") + op;
  return "mismatch " + m.oracle + " " + (ops.empty() ? "-" : ops);
}

}  // namespace tc::fuzz
