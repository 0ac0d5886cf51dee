// The connectivity model's values and tapes (connectivity_model.cpp), shared with its
// explanations (connectivity_explain.cpp). Internal to the connectivity oracle.
#pragma once
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

#include "engine/ops/op_def.hpp"
#include "engine/tensor.hpp"
#include "graph/ir.hpp"
#include "oracles/connectivity.hpp"

namespace tc::oracles::connectivity {

using NodeId = int;

// What a tape was doing when a node was made.
enum class Phase : std::uint8_t {
  recording,  // started and not paused: the op was offered to it
  paused,     // inside its stop_recording(), or while it ran its own gradient()
  outside,    // not started yet, or stopped
  suspended,  // the untaken branch of a cond: no tape sees anything
};

// A value of the run. Ids grow in creation order, so inputs have smaller ids than their
// consumers (the untaken-branch links of a cond are the one exception, see Cond).
//
// A backward pass makes `gradient` nodes: the gradient a VJP gives for one input of one
// recorded node, standing for the whole VJP computation. Its `inputs` are what that gradient
// is computed from, as the op table's facts declare it (InputDef::vjp_reads: the upstream
// gradient, the node's output, its inputs), each with how it depends on it (`how`); every one
// of them passes gradient (R5: a masked dependence gives zeros, not None). An outer tape that
// records such a node differentiates through exactly those edges (R10).
struct Node {
  enum class Kind : std::uint8_t { constant, variable, op, gradient };
  Kind kind = Kind::constant;
  TensorSpec spec;
  std::vector<double> value;
  std::string label;  // the first IR name bound to it; "" for backward-pass temporaries
  bool trainable = false;
  const OpDef* op = nullptr;  // Kind::op: its row
  OpAttrs attrs;
  std::vector<NodeId> inputs;
  // Under a profile whose edges are fixed at creation: per input, whether it had one (empty:
  // every input has its edge).
  std::vector<bool> edge_at_creation;
  std::vector<Phase> phase;  // per tape, when it was made
  struct Untaken {
    std::optional<NodeId> result;  // the untaken branch's result, if it could be traced
    NodeId pred;
  };
  std::vector<Untaken> untaken;  // conds whose taken result this node is
  // A value that left the graph and came back (OpDef::leaves_graph): a constant with no edges,
  // and the values it was copied from — not edges, only for the explanation to name the trip.
  std::vector<NodeId> copied_from;
  // Kind::gradient: the node whose VJP made it and which input's gradient it is, how it
  // depends on each of `inputs`, and whether those dependences are the table's facts (exact)
  // or the model's rule for a gradient of a gradient (approximate: connectivity.cpp).
  NodeId of = -1;
  int for_input = -1;
  std::vector<Dependence> how;
  bool approximate = false;
  // The value as an engine tensor, for running VJPs: a constant for values of the graph; for a
  // gradient node the tensor the VJP returned, whose provenance leads back to the tensors of
  // its inputs (a gradient of a gradient is computed along it: connectivity_model.cpp).
  Tensor tensor;
};

struct TapeState {
  const graph::TapeDecl* decl = nullptr;
  bool recording = false;
  int paused = 0;
  bool used = false;
  std::unordered_set<NodeId> tracked;  // watched, or made by an op this tape recorded
  std::vector<NodeId> recorded;        // ops this tape recorded, in order
};

// "%y", or "#12 (round)" for a node the graph does not name.
std::string label(const std::deque<Node>& nodes, NodeId id);

// Why d target / d source is None on tape `t` (index `ti`, R13): from the target along the
// edges the value depends on, the first edge on each path that R1–R5/R11 cut is that path's
// cut; with none, the source is not watched. Fills p.reason, p.cuts and p.detail.
void explain_none(const std::deque<Node>& nodes, const TapeState& t, std::size_t ti, NodeId target,
                  NodeId source, SourcePrediction& p);

}  // namespace tc::oracles::connectivity
