// argmax(x, axis): the index of the largest element along `axis`, as i32; the axis is dropped
// (x: [2,3], axis=1 -> [2]). Ties go to the FIRST index (TF). x may have any dtype.
// Errors: a scalar x or an out-of-range axis, and an empty axis (nothing to index) raise
// ShapeError naming the shape.
// Piecewise constant in x; the tape gives None (SEMANTICS R4; an i32 result carries no
// gradient in any case). Branches: the winning index per output element.
#include <functional>

#include "engine/ops/family_rows.hpp"
#include "engine/ops/nondiff/arg_extremum.hpp"

namespace tc {
namespace {

constexpr char kName[] = "argmax";
using Rule = ArgExtremum<kName, std::greater<double>>;  // x_j > best: j is the new best

}  // namespace

extern const OpDef op_argmax = index_reduction_row("argmax")
    .kinks("x_j tied for the largest along axis: the first index; the index jumps where the "
        "winner changes")
    .math("y = argmax_j x_j; gradient None")
    .rules(&Rule::infer, TC_FORWARDS(Rule::forward));

Tensor argmax(const Tensor& x, std::int64_t axis) { return Rule::apply(op_argmax, x, axis); }

}  // namespace tc
