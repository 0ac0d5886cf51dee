// oracles/tape_analysis.hpp: the values a tape holds constant although they move with the
// sources, read from the recording rule and the op table's gradient rules (stop_gradient's
// by its rule, not its name), and where such a value cannot be held.
#include "oracles/tape_analysis.hpp"

#include <gtest/gtest.h>

#include <string>

#include "graph/tcg.hpp"
#include "tests/eut/ir_builder.hpp"

namespace tc::oracles {
namespace {

using namespace tc::test::ir;  // NOLINT

TapeConstants analyse(const graph::Graph& g, const eut::SemanticsProfile& profile = eut::tf_profile()) {
  std::map<std::string, std::vector<double>> values;
  for (const graph::Input& in : g.inputs) values[in.name] = in.init.values;
  const Evaluation<double> base = evaluate<double>(g, values, false);
  const graph::Gradient* target = nullptr;
  for (const graph::Statement& s : g.body)
    if (const auto* gr = std::get_if<graph::Gradient>(&s.node)) target = gr;
  return tape_constants(g, *target, base, profile);
}

TEST(TapeAnalysis, HoldsWhatMovesButIsNotRecorded) {
  graph::Graph g;
  g.inputs = {variable("%x", Shape{2}, {0.3, 0.6}), constant("%c", Shape{2}, {1, 2})};
  g.tapes = {tape("t")};
  g.body = {op("%early", "exp", {"%x"}),
            record("t", {op("%held", "stop_gradient", {"%x"}), op("%still", "sin", {"%c"}),
                         op("%live", "mul", {"%x", "%c"}), op("%a", "add", {"%early", "%held"}),
                         op("%b", "add", {"%a", "%live"}), op("%l", "reduce_sum", {"%b"})}),
            gradient({"%g"}, "t", "%l", {"%x"})};
  const TapeConstants t = analyse(g);
  EXPECT_TRUE(t.problem.empty()) << t.problem;
  EXPECT_EQ(t.frozen, (std::vector<std::string>{"%early", "%held"}));  // %still does not move
  EXPECT_EQ(t.complex_ineligible, "");
}

// A loop body runs once per trip, each time with other values: no one base value holds it.
TEST(TapeAnalysis, AHeldValueInALoopBodyIsAProblem) {
  graph::Graph g;
  g.inputs = {variable("%x", Shape{}, {0.3}), constant("%n", Shape{}, {2}), constant("%zero", Shape{}, {0}),
              constant("%one", Shape{}, {1})};
  g.tapes = {tape("t")};
  graph::Statement w = while_loop({"%r", "%i"}, {"%x", "%zero"}, {"%rp", "%ip"}, {op("%c", "less", {"%ip", "%n"})},
                                  "%c",
                                  {op("%h", "stop_gradient", {"%rp"}), op("%rn", "mul", {"%h", "%rp"}),
                                   op("%in", "add", {"%ip", "%one"})},
                                  {"%rn", "%in"});
  g.body = {record("t", {w, op("%l", "mul", {"%r", "%x"})}), gradient({"%g"}, "t", "%l", {"%x"})};
  const TapeConstants t = analyse(g);
  EXPECT_NE(t.problem.find("%h = stop_gradient"), std::string::npos) << t.problem;
}

// The branch a top-level cond takes at the point runs once, at the point and at every point
// the oracles use (another branch changes the branch signature): a value in it is held like
// one outside. Only the taken branch is read.
TEST(TapeAnalysis, AHeldValueInTheBranchATopLevelCondTakesIsHeld) {
  for (const double p : {1.0, 0.0}) {
    graph::Graph g;
    g.inputs = {variable("%x", Shape{}, {0.3}), constant("%p", Shape{}, {p}, DType::boolean)};
    g.tapes = {tape("t")};
    graph::Statement c = cond({"%r"}, "%p", {op("%h", "stop_gradient", {"%x"}), op("%a", "mul", {"%h", "%x"})},
                              {"%a"}, {op("%e", "host_round_trip", {"%x"}), op("%b", "add", {"%e", "%x"})}, {"%b"});
    g.body = {record("t", {c, op("%l", "mul", {"%r", "%x"})}), gradient({"%g"}, "t", "%l", {"%x"})};
    const TapeConstants t = analyse(g);
    EXPECT_TRUE(t.problem.empty()) << t.problem;
    EXPECT_EQ(t.frozen, (std::vector<std::string>{p != 0 ? "%h" : "%e"})) << "p = " << p;
  }
}

// A held value nothing reads cannot move the target: dead code in a branch is no problem
// (seed 0 graph 842: a host_round_trip in a while_loop body that nothing read left the graph
// unverified).
TEST(TapeAnalysis, AHeldValueInsideControlFlowThatNothingReadsIsNoProblem) {
  graph::Graph g;
  g.inputs = {variable("%x", Shape{}, {0.3}), constant("%p", Shape{}, {1}, DType::boolean)};
  g.tapes = {tape("t")};
  graph::Statement c = cond({"%r"}, "%p", {op("%h", "stop_gradient", {"%x"}), op("%s", "sin", {"%x"})}, {"%s"}, {},
                            {"%x"});
  g.body = {record("t", {c, op("%l", "mul", {"%r", "%x"})}), gradient({"%g"}, "t", "%l", {"%x"})};
  const TapeConstants t = analyse(g);
  EXPECT_TRUE(t.problem.empty()) << t.problem;
}

TEST(TapeAnalysis, NamesTheFirstOpWithoutAComplexExtension) {
  graph::Graph g;
  g.inputs = {variable("%x", Shape{}, {0.3})};
  g.tapes = {tape("t")};
  g.body = {record("t", {op("%a", "erf", {"%x"}), op("%b", "sign", {"%a"})}), gradient({"%g"}, "t", "%b", {"%x"})};
  EXPECT_EQ(analyse(g).complex_ineligible, "erf");
}

}  // namespace
}  // namespace tc::oracles

namespace tc::oracles {
namespace {

TapeConstants analyse_tcg(const std::string& text, const eut::SemanticsProfile& profile) {
  return analyse(graph::parse_tcg(text), profile);
}

// Torch's no_grad pauses every tape: what another tape's stop_recording computed is a constant
// to this one too; and a parameter is watched without being read while recording.
TEST(TapeAnalysis, HoldsWhatTheEnginesProfileHolds) {
  const std::string g = R"(graph g
input %x: f64[2] variable values(0.3, 0.6)
tape t
tape u
record t {
  record u {
    stop_recording u {
      %p = sin %x
    }
  }
  %l = reduce_sum %p axes=[] keepdims=false
}
%g = grad t %l wrt %x
)";
  EXPECT_TRUE(analyse_tcg(g, eut::tf_profile()).frozen.empty());
  EXPECT_EQ(analyse_tcg(g, eut::torch_profile()).frozen, (std::vector<std::string>{"p"}));
}

TEST(TapeAnalysis, ACastToItsOwnDtypeMovesUnderTorchsProfile) {
  const std::string g = R"(graph g
input %x: f64[2] variable values(0.3, 0.6)
tape t
%y = cast %x dtype=f64
record t {
  %z = sin %y
  %l = reduce_sum %z axes=[] keepdims=false
}
%g = grad t %l wrt %x
)";
  EXPECT_EQ(analyse_tcg(g, eut::tf_profile()).frozen, (std::vector<std::string>{"y"}));
  EXPECT_TRUE(analyse_tcg(g, eut::torch_profile()).frozen.empty());
}

// Row 4: torch fixes an op's edges when it runs. %a read %x before the watch: no edge, so %x
// is a constant to %a alone (a held use), while %b, after the watch, differentiates through
// it. TF's tape (edges read at gradient time) holds nothing.
TEST(TapeAnalysis, AnOpThatReadAValueBeforeItWasWatchedHoldsItUnderTorchsProfile) {
  const std::string g = R"(graph g
input %w: f64[2] variable values(0.5, -1.5)
input %x: f64[2] variable trainable=false values(0.3, 0.6)
tape t
record t {
  %a = mul %w %x
  watch t %x
  %b = mul %w %x
  %s = add %a %b
  %l = reduce_sum %s axes=[] keepdims=false
}
%gw, %gx = grad t %l wrt %w, %x
)";
  EXPECT_TRUE(analyse_tcg(g, eut::tf_profile()).held_uses.empty());
  const TapeConstants torch = analyse_tcg(g, eut::torch_profile());
  ASSERT_EQ(torch.held_uses.size(), 1u);
  EXPECT_EQ(torch.held_uses[0].result, "a");
  EXPECT_EQ(torch.held_uses[0].operand, 1u);
  EXPECT_EQ(torch.held_uses[0].value, "x");
  EXPECT_TRUE(torch.frozen.empty());
}

}  // namespace
}  // namespace tc::oracles
