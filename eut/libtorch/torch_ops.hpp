// PRIVATE to the libtorch adapter: included by its .cpp files only, because it pulls in
// torch's Tensor header (heavy; no other target may see torch). The op table's ops as a
// PyTorch user would write them, one torch program per op-table row, found by the row's name.
// docs/libtorch.md lists where torch's semantics differ from the reference's.
#pragma once
#include <optional>
#include <string_view>
#include <vector>

#include <ATen/core/Tensor.h>

#include "engine/core/dtype.hpp"
#include "engine/ops/op_def.hpp"

namespace tc::eut::libtorch {

// The op's result from its operands (in the IR's order) and attributes. Throws c10::Error
// (torch's own checks) or tc::Error (the IR's own, e.g. slice's one begin/size per axis).
using TorchOpFn = at::Tensor (*)(const std::vector<at::Tensor>& operands, const OpAttrs& attrs);

// The torch program for the op-table row called `op`, or nullptr if torch lacks the op.
TorchOpFn find_torch_op(std::string_view op);

// The torch dtype of an IR dtype, and back (nullopt for a torch dtype the IR does not have).
at::ScalarType torch_dtype(DType d);
std::optional<DType> ir_dtype(at::ScalarType s);

}  // namespace tc::eut::libtorch
