// Every row of the op table by name, op_<name> (op_mul, op_reduce_sum ...), for code that
// builds a graph or applies an op it has chosen (a gradient's sum, an adapter's mul): naming
// the row is a fact checked by the compiler, a string is not. op_table() lists the same rows.
#pragma once
#include "engine/ops/op_def.hpp"

namespace tc {

// Each family lists its ops once, in engine/ops/<family>/ops.inc; each op's row lives in
// its own file, engine/ops/<family>/<op>.cpp.
#define TC_OP(name) extern const OpDef op_##name;
#include "engine/ops/unary/ops.inc"
#include "engine/ops/binary/ops.inc"
#include "engine/ops/reduce/ops.inc"
#include "engine/ops/cumulative/ops.inc"
#include "engine/ops/sort/ops.inc"
#include "engine/ops/linalg/ops.inc"
#include "engine/ops/shape/ops.inc"
#include "engine/ops/nn/ops.inc"
#include "engine/ops/loss/ops.inc"
#include "engine/ops/select/ops.inc"
#include "engine/ops/nondiff/ops.inc"
#include "engine/ops/dtype/ops.inc"
#undef TC_OP

}  // namespace tc
