// Every row of the op table by its C++ name, `op_<name>`: for code that builds on one op's row
// (a rule set replacing it, a graph built in C++) without looking an op up by its spelling.
#pragma once
#include "engine/ops/op_def.hpp"

namespace tc {
#define TC_OP(name) extern const OpDef op_##name;
#include "engine/ops/unary/ops.inc"
#include "engine/ops/binary/ops.inc"
#include "engine/ops/reduce/ops.inc"
#include "engine/ops/linalg/ops.inc"
#include "engine/ops/shape/ops.inc"
#include "engine/ops/nn/ops.inc"
#include "engine/ops/select/ops.inc"
#include "engine/ops/nondiff/ops.inc"
#include "engine/ops/dtype/ops.inc"
#undef TC_OP
}  // namespace tc
