// An engine's gradient semantics as data: where its rules differ from TF GradientTape's (the
// reference, ../shared/SEMANTICS.md), each difference is one typed fact here. The oracles read
// the engine's profile (EngineUnderTest::semantics()) instead of assuming TF: the connectivity
// oracle's model (which tapes record, what is watched, which edges pass gradient, which
// higher-order gradients are None) and the numerical oracles' tape analysis (which values the
// engine holds constant). Facts about one op are keyed by its op-table row (op_rows.hpp), never
// by its name. docs/libtorch.md's semantics table gives each of torch's facts its source.
#pragma once
#include <cstdint>
#include <optional>
#include <unordered_map>
#include <vector>

#include "engine/ops/op_def.hpp"

namespace tc::eut {

// How recording scopes work.
enum class Recording : std::uint8_t {
  per_tape,    // TF: each tape records while it is in its own record block and not paused
  one_graph,   // torch: one autograd graph and one grad mode: an op is recorded for every tape
               // when some tape records and no stop_recording (no_grad) encloses it; watch()
               // (requires_grad_) is seen by every tape; a tape's gradient() run while grad
               // mode is on is itself recorded (create_graph)
};

// When a trainable variable is watched.
enum class VariableWatch : std::uint8_t {
  on_read,     // TF: when read while a tape records (unless watch_accessed_variables = false)
  from_start,  // torch: a parameter requires grad from its creation, for every tape, read or not
};

// Which inputs of an op a recorded op keeps an edge to.
enum class EdgeBinding : std::uint8_t {
  by_value,     // TF: the tape finds the path by tensor identity when gradient() runs, so a
                // value watched after its use is reached through ops recorded for another input
  at_creation,  // torch: an op's edges are fixed when it runs; watching an input later adds none
};

// How an engine's arithmetic rounds, as far as the tolerance model needs to know.
enum class Rounding : std::uint8_t {
  table_kernels,  // the reference: the op table's kernels and VJPs, every f32 op computed in
                  // double and rounded once, so a graph's exact cancellations stay exact
  own_kernels,    // its own kernels and backward formulas (torch: float kernels, vectorised
                  // Sleef, float accumulation; softmax as exp(x - logsumexp)): a few ulps per
                  // op, and an intermediate as large as the graph's largest value carries its
                  // rounding into results whose terms look small
};

// A second gradient() on a non-persistent tape (R9).
enum class SecondGradient : std::uint8_t {
  raises,            // TF: always an error
  raises_if_freed,   // torch: an error only where the first call freed saved tensors
                     // (retain_graph=false); through ops that save nothing it runs
};

// The derivative an op's rule takes at a tie (maximum/minimum with equal operands).
enum class TieRule : std::uint8_t { first_operand, split_evenly };

// The derivative an op's rule takes at a kink between two smooth pieces: one of the one-sided
// derivatives there, or their mean (torch's abs'(0) = sgn(0) = 0, halfway between -1 and 1).
enum class KinkSide : std::uint8_t { right, left, mean };

// One op's rules where they differ from its op-table row (the reference's). Default: none.
struct OpSemantics {
  // Inputs the row classes non_differentiable (floor, round, floor_div) get a zero gradient,
  // not None: the edge passes, its gradient is a constant zero (torch: zeros_like(grad)).
  bool non_differentiable_gives_zeros = false;
  // The VJP's masks (reads with Dependence::piecewise) are constants made by comparisons, not
  // values connected to the inputs: the second derivative through them is None, not zeros.
  bool masks_are_constants = false;
  // With a result of its one operand's dtype, the result is the operand itself, not a new
  // tensor (torch's Tensor.to: "self is returned"): outside recording it stays connected.
  bool same_dtype_returns_input = false;
  // Kink and tie rules. The row's `kinks` text states the reference's rule, which the oracles'
  // own kernels take; an engine whose Capabilities::table_kink_rules says it takes every row's
  // rule is judged by them. For any other engine these facts are what the finite-difference
  // oracle judges a derivative at a kink by (oracles/profile_kinks.hpp): the one-sided
  // difference on the stated side, or the mean of both. So a profile states the side of every
  // kink its engine documents, also where it is the row's (torch's relu'(0) = 0: left); a
  // kink it says nothing about stays a convention no oracle judges.
  std::optional<TieRule> ties;
  std::optional<KinkSide> kink_side;  // at the op's kink (relu, leaky_relu, elu, selu, abs at 0)
  // The derivative at the op's kink is NaN, a convention (torch's hypot at the origin:
  // grad·self/result = 0/0), and the chain rule carries it into every gradient it reaches, where
  // the exact one is zero by a zero factor or by cancellation (x − x: NaN − NaN). The numerical oracles do not judge an engine's
  // non-finite value at a point that puts such an op on its kink.
  bool nan_at_kink = false;
  // A scan each of whose elements combines at most one input element (an axis of one element;
  // of two for an exclusive scan) reads no input in its backward, so a second derivative
  // through it is None; the reference's VJP reads the input (zeros). Torch: cumprod_backward
  // returns the upstream gradient as it is for an axis of one element (FunctionsManual.cpp:
  // `input.size(dim) == 1`), and an exclusive cumprod is a port's ones behind the cumprod of
  // all but the last element: over two elements, (1, x₀), over one, (1).
  bool scan_of_one_reads_nothing = false;
  // What a product's backward reads depends on whether its input holds a zero, so a second
  // derivative through it is None where it reads nothing: for a scalar input nothing; for an
  // input without a zero, the input and the output (grad·result/input); for one holding a zero,
  // the input only (the products of the others, by exclusive cumprods), and nothing where each
  // group is one element. The reference's VJP reads both always. Torch: prod_backward returns
  // the upstream gradient as it is for a 0-d input, and prod_safe_zeros_backward does for a
  // reduced axis of one element (`inp.size(dim) == 1`, FunctionsManual.cpp).
  bool product_reads_by_zeros = false;
  // What the engine's backward reads, per input, where it differs from the row's vjp_reads:
  // torch's backward nodes save `result_` or `self_` (Functions.h), and a second derivative
  // with respect to an op's output is connected exactly where the backward reads that output
  // (expm1's grad·(result + 1); div's −grad·self/other², not the reference's −y/b). The
  // connectivity model connects gradients through these reads instead. Empty: the row's.
  std::vector<std::vector<VjpRead>> vjp_reads;
  // Above this input the op is computed as the identity (torch's softplus threshold = 20):
  // its derivative there is exactly 1.
  std::optional<double> linear_above;
};

struct SemanticsProfile {
  const char* name = "";  // "tf", "torch"
  const char* source = "";  // where the facts are documented
  Recording recording = Recording::per_tape;
  VariableWatch variables = VariableWatch::on_read;
  EdgeBinding edges = EdgeBinding::by_value;
  SecondGradient second_gradient = SecondGradient::raises;
  Rounding rounding = Rounding::table_kernels;
  std::unordered_map<const OpDef*, OpSemantics> ops;

  // The op's rules (defaults: its row's).
  const OpSemantics& op(const OpDef& row) const;
  // Whether input `input` of `row` passes gradient under this profile: differentiable by its
  // row, or non_differentiable with non_differentiable_gives_zeros.
  bool passes(const OpDef& row, int input) const;
  // What the backward of input `input` of `row` reads under this profile (vjp_reads above, or
  // the row's InputDef::vjp_reads).
  const std::vector<VjpRead>& vjp_reads(const OpDef& row, int input) const;
  // Whether an application of `row` to `n_operands` operands, the first of dtype `operand`,
  // with a result of dtype `result`, hands back that operand itself, not a new tensor
  // (same_dtype_returns_input): every model of an engine asks this one question.
  bool returns_operand(const OpDef& row, std::size_t n_operands, DType operand, DType result) const;
};

// TF GradientTape's: the reference engine's, and the default of an engine that says nothing.
const SemanticsProfile& tf_profile();
// PyTorch autograd's (libtorch 1.13), docs/libtorch.md rows 1–6, 8, 10, 11, 13, 15, 16, 21, 28–31.
const SemanticsProfile& torch_profile();

}  // namespace tc::eut
