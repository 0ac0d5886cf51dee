// The engine's rounding bounded per node: Wilkinson's running error analysis on the program one
// evaluation executed (OpTrace). To first order, the rounding error of a result f is
//
//   |δf| <= Σ_n u_n · Σ_i |∂f/∂z_n,i| · t_n,i
//
// over the graph's intermediate results z_n (every op application, loop iterations apart),
// where u_n is the unit roundoff of z_n's dtype and t_n,i the magnitude of the terms op n sums
// for element i — its own result, or the Σ|terms| inside the op where it sums (a reduction, a
// matmul, softmax's normalisation, a VJP's y·(g − Σ g·y)). Each node's rounding is weighted by
// the sensitivity of f to that node alone, so the bound adds once per node and never
// multiplies along paths (a bound built from Σ over paths of |Π partials| grows with the
// number of paths: docs/oracles.md). It sees what a tolerance relative to the result cannot: a
// small result of cancelled terms (a forward value x − 1001.84, a gradient from softmax's VJP
// near a one-hot output) carries rounding relative to the terms.
//
// The sensitivities come from a reverse sweep over the trace with local Jacobians that the op
// table's forward kernels give on dual numbers (one tangent per operand element; one per
// operand for an element-wise op without broadcasting) — the oracles' own arithmetic, never
// the engine's VJPs.
//
// For a gradient (forward mode, complex step, finite differences) f is the projected gradient
// uᵀ∇(vᵀT) of an entry (u an element or a direction). The engine's reverse pass rounds each
// node's adjoint ā_n relative to the terms its VJP sums, and the sensitivity of uᵀ∇ to ā_n is
// the forward tangent ż_n along u; by the transpose of each op's local map that is
//
//   B(u) = Σ_n u_n · Σ_i |ā_n,i| · t_n,i(u),
//
// t_n(u) the Σ|terms| of op n's JVP with its operands' tangents |ż| (TermsDual, reset at every
// op: terms inside one op, not along paths). For a forward value y_k, f = y_k and t_n,i the
// rounding terms of z_n itself: |z_n,i| for element-wise ops, Σ_k |∂z_n,i/∂x_k|·|x_k| over
// the operands for ops that sum (what a backward-stable kernel's rounding is relative to),
// 0 for ops that only move elements; f32 inputs count their own rounding |x|.
#pragma once
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "oracles/evaluate.hpp"
#include "oracles/objective.hpp"

namespace tc::oracles {

// How many roundings one node commits relative to its terms: an op's JVP/VJP evaluates a
// product, a sum, a difference and a product per term (softmax's VJP), and the adjoint of a
// value used several times is accumulated once more.
inline constexpr double kRoundingsPerNode = 4.0;

// What the rounding of one application's result z is relative to, element by element: |z_i|
// for an element-wise op, max(|z_i|, Σ_k |∂z_i/∂x_k|·|x_k|) over the operands for an op that
// sums (a backward-stable kernel's rounding: a matmul whose products cancel rounds on the
// products' scale), 0 for an op that only moves elements or holds an input constant, or makes
// no floating result.
std::vector<double> own_rounding_terms(const OpTrace::Application& a,
                                       const std::vector<const std::vector<double>*>& operands,
                                       const std::vector<const TensorSpec*>& specs, const std::vector<double>& z,
                                       const TensorSpec& out);
// Per statement result (by name) of an op that sums, the rounding terms beyond the result's own
// magnitude, own_rounding_terms − |z| — where its terms cancel — the largest over the
// statement's applications (loop iterations). Statements whose terms never exceed |z| are left
// out.
std::map<std::string, std::vector<double>> cancelled_terms(const OpTrace& t);

// The local Jacobians of every application of a trace and the sweeps over them. Building them
// costs one dual-number kernel run per operand element (per operand where element-wise):
// refused (valid() false) beyond a budget of work, so a huge graph keeps the other terms.
class TraceSensitivity {
 public:
  explicit TraceSensitivity(const OpTrace& t);
  ~TraceSensitivity();
  TraceSensitivity(const TraceSensitivity&) = delete;
  TraceSensitivity& operator=(const TraceSensitivity&) = delete;
  bool valid() const;
  // ∂(seedᵀ z_seed)/∂z for every tensor z upstream of tensor `seed` (by tensor id).
  std::vector<std::vector<double>> adjoints(std::uint64_t seed, const std::vector<double>& seed_adjoint) const;
  // Σ_n u_n Σ_i |ā_n,i| t_n,i for a forward value: `adjoint` from adjoints(), t as above.
  double value_rounding(const std::vector<std::vector<double>>& adjoint) const;
  // The rounding of the oracles' own evaluation of the seeded value, which runs in f64 and
  // rounds to f32 only where an op converts to it (a cast): Σ_n u_n Σ_i |ā_n,i| t_n,i with
  // u_n = u_f32 for those nodes (t = |z|) and u_f64 for every other.
  double oracle_rounding(const std::vector<std::vector<double>>& adjoint) const;
  // B(u) for the tangent `tangent` of input tensor `source` (the other inputs fixed), with the
  // adjoints of f from adjoints().
  double gradient_rounding(const std::vector<std::vector<double>>& adjoint, std::uint64_t source,
                           const std::vector<double>& tangent) const;
  // B(u)'s terms u_n |ā_n,i| t_n,i(u), node by node in trace order: two traces of one program
  // (the same branches) give them element for element, so their change can be taken.
  std::vector<double> gradient_rounding_terms(const std::vector<std::vector<double>>& adjoint, std::uint64_t source,
                                              const std::vector<double>& tangent) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The per-node bound of the engine's gradient of one statement, entry by entry: the trace of
// its objective at the base point and the adjoints of f = vᵀT, built on first use (a
// disagreement; most entries never need it) and thread-safe after that.
class GradientRounding {
 public:
  explicit GradientRounding(const Objective& o);
  ~GradientRounding();
  // B(u) (absolute, units included) for element `index` of source `source`, or direction
  // `direction` of it; 0 where the sweep cannot run (not applicable, over budget, error).
  double bound(std::size_t source, std::int64_t index, const std::vector<double>* direction) const;
  // B(direction)'s terms (TraceSensitivity::gradient_rounding_terms); empty where bound() is 0.
  std::vector<double> bound_terms(std::size_t source, const std::vector<double>& direction) const;
  // How far the oracles' own f = vᵀT may be off (TraceSensitivity::oracle_rounding): relative
  // to the terms behind it, not to f, which may cancel or absorb them (a cross-entropy of
  // logits 52 apart is 744.2 + 2.6e-23 − 744.2 = 0 in f64; a cast to f32 makes f a staircase).
  // A difference quotient divides it by its step. 0 where the sweep cannot run.
  double oracle_rounding() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The second-order part of the engine's first-order rounding. Nested tapes differentiate the
// engine's first-order pass as it ran, roundings included: a rounding committed relative to
// terms that change with the point (batch_norm's VJP rounds mean(w) of a constant upstream w,
// then multiplies by 1/σ(x)) is a smooth error of the gradient, and its derivative is an error
// of the Hessian-vector product that no rounding of the product's own terms shows — where the
// product is ~0 (Σ batch_norm'(x)·w ≡ 0 under a shift) it is all there is. To first order the
// error of d/dt φ(x + t w), φ = Σ_s u_sᵀ g_s, is bounded by
//
//   Σ_s Σ_n,i |d/dt (u_n |ā_n,i| t_n,i(u_s))|,
//
// each term of B(u_s) differentiated on its own (never their sum, whose changes may cancel).
// The derivative is a central difference over ±h·w in `moved` (one-sided where `sides` says
// only one side keeps the base point's branches; 0 with neither), each side a trace of the
// first-order objective `o` with that source moved — the oracles' arithmetic, not the engine's.
// `directions` holds u_s per source name of `o`; a source not in it carries no tangent.
double first_order_rounding_slope(const Objective& o, const std::string& moved, const std::vector<double>& w,
                                  double h, bool plus_side, bool minus_side,
                                  const std::map<std::string, std::vector<double>>& directions);

}  // namespace tc::oracles
