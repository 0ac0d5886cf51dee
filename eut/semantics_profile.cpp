#include "eut/semantics_profile.hpp"

#include "engine/ops/op_rows.hpp"

namespace tc::eut {

const OpSemantics& SemanticsProfile::op(const OpDef& row) const {
  static const OpSemantics kRowsOwn;
  auto it = ops.find(&row);
  return it == ops.end() ? kRowsOwn : it->second;
}

bool SemanticsProfile::passes(const OpDef& row, int input) const {
  const InputDef& in = row.input(input);
  return in.differentiable() || (in.grad == InputGrad::non_differentiable && op(row).non_differentiable_gives_zeros);
}

bool SemanticsProfile::returns_operand(const OpDef& row, std::size_t n_operands, DType operand,
                                       DType result) const {
  return n_operands == 1 && op(row).same_dtype_returns_input && operand == result;
}

const std::vector<VjpRead>& SemanticsProfile::vjp_reads(const OpDef& row, int input) const {
  const OpSemantics& rules = op(row);
  const auto k = static_cast<std::size_t>(input);
  return k < rules.vjp_reads.size() ? rules.vjp_reads[k] : row.input(input).vjp_reads;
}

const SemanticsProfile& tf_profile() {
  static const SemanticsProfile profile = [] {
    SemanticsProfile p;
    p.name = "tf";
    p.source = "../shared/SEMANTICS.md (TF 2 tf.GradientTape)";
    return p;
  }();
  return profile;
}

const SemanticsProfile& torch_profile() {
  static const SemanticsProfile profile = [] {
    SemanticsProfile p;
    p.name = "torch";
    p.source = "docs/libtorch.md, semantics table (libtorch 1.13.1)";
    p.recording = Recording::one_graph;            // rows 1, 2
    p.variables = VariableWatch::from_start;       // row 3
    p.edges = EdgeBinding::at_creation;            // row 4
    p.second_gradient = SecondGradient::raises_if_freed;  // rows 21, 22
    p.rounding = Rounding::own_kernels;                    // row 28
    OpSemantics zeros;  // rows 6, 31: derivatives.yaml `zeros_like(grad)` / `grad.new_zeros`
    zeros.non_differentiable_gives_zeros = true;
    for (const OpDef* row : {&op_floor, &op_ceil, &op_round, &op_floor_div}) p.ops[row] = zeros;
    OpSemantics masked;  // row 15: the masks are comparisons (`self <= other`, clamp_backward,
    masked.masks_are_constants = true;  // xlogy's masked_fill((self == 0.) & (other <= 0.), 0.))
    for (const OpDef* row : {&op_clip_by_value, &op_reduce_max, &op_reduce_min, &op_sign, &op_xlogy}) p.ops[row] = masked;
    OpSemantics extremum = masked;  // row 8: `at::where(self == other, grad / 2, grad)`
    extremum.ties = TieRule::split_evenly;
    for (const OpDef* row : {&op_maximum, &op_minimum}) p.ops[row] = extremum;
    OpSemantics left;  // rows 10, 29: elu_backward tests x <= 0; row 11: threshold_backward
    left.kink_side = KinkSide::left;  // masks result > 0, leaky_relu_backward self > 0
    for (const OpDef* row : {&op_elu, &op_selu, &op_relu, &op_leaky_relu}) p.ops[row] = left;
    OpSemantics mean;  // row 11: abs' = sgn(x), 0 at 0
    mean.kink_side = KinkSide::mean;
    p.ops[&op_abs] = mean;
    // Row 16: what each backward saves (Functions.h) — the output for expm1 (:1351
    // Expm1Backward0 `result_`), relu (:5162 ReluBackward0, threshold_backward(grad, result,
    // 0)), prod (:3334 ProdBackward0 `self_`, `result_`) and logsumexp (:2355
    // LogsumexpBackward0 `self_`, `result_`: grad·exp(self − result)); the inputs only for div
    // (:1124 DivBackward0 `self_`, `other_`), elu and selu (:5198 EluBackward0 `self_`:
    // at::selu is at::elu with selu's alpha and scale); and the input of avg_pool2d (:6093
    // AvgPool2DBackward0 `self_`), although its backward depends on it only through its shape:
    // derivatives.yaml `avg_pool2d_backward`: `self: zeros_like(self)`, a connected zero, as
    // through a mask.
    using reads::upstream;
    p.ops[&op_expm1].vjp_reads = {{upstream, reads::output(Dependence::smooth)}};
    p.ops[&op_relu].vjp_reads = {{upstream, reads::output(Dependence::piecewise)}};
    p.ops[&op_reduce_prod].vjp_reads = {{upstream, reads::self(Dependence::smooth), reads::output(Dependence::smooth)}};
    p.ops[&op_logsumexp].vjp_reads = {{upstream, reads::self(Dependence::smooth), reads::output(Dependence::smooth)}};
    p.ops[&op_avg_pool2d].vjp_reads = {{upstream, reads::self(Dependence::piecewise)}};
    p.ops[&op_div].vjp_reads = {{upstream, reads::input(1, Dependence::smooth)},
                                {upstream, reads::input(0, Dependence::linear), reads::input(1, Dependence::smooth)}};
    for (const OpDef* row : {&op_elu, &op_selu}) p.ops[row].vjp_reads = {{upstream, reads::self(Dependence::smooth)}};
    // batch_norm, layer_norm: the native kernels' backward nodes save the input and the batch
    // statistics, not the output (:2872 NativeBatchNormBackward0, :2922 NativeLayerNormBackward0
    // `input_`, `result1_`, `result2_`); the port's (x − mean)/sqrt(var + eps) on other axes reads
    // x − mean and the root. The reference's VJP reads its output.
    for (const OpDef* row : {&op_batch_norm, &op_layer_norm}) p.ops[row].vjp_reads = {{upstream, reads::self(Dependence::smooth)}};
    p.ops[&op_cumprod].scan_of_one_reads_nothing = true;  // row 15: cumprod_backward, the port's shift
    p.ops[&op_reduce_prod].product_reads_by_zeros = true;  // rows 15, 16: prod_backward, zeros or not
    p.ops[&op_hypot].nan_at_kink = true;  // row 30: derivatives.yaml `hypot`: grad * self / result
    OpSemantics to;  // row 17: Tensor.to(dtype) returns self when the dtype is already dtype
    to.same_dtype_returns_input = true;
    p.ops[&op_cast] = to;
    OpSemantics softplus;  // row 13: F.softplus(beta=1, threshold=20)
    softplus.linear_above = 20.0;
    p.ops[&op_softplus] = softplus;
    return p;
  }();
  return profile;
}

}  // namespace tc::eut
