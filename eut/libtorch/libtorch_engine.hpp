// PyTorch's autograd (libtorch, the C++ API) behind the EngineUnderTest interface. Built only
// when CMake finds Torch (TAPECHECK_LIBTORCH), as the library tapecheck_libtorch and as the
// module `--engine libtorch` loads (libtorch_module.cpp). No torch header is reachable from
// here: consumers compile fast.
// docs/libtorch.md: how TF's tapes map onto torch, and every semantic difference found.
#pragma once
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "eut/engine_under_test.hpp"

namespace tc::eut {

// name() "libtorch". Sets torch's intra-op thread count to 1 (campaigns parallelise across
// processes). A graph using an op torch lacks stops with RaisedError kind "unsupported".
std::unique_ptr<EngineUnderTest> make_libtorch_engine();

// The op-table rows the adapter cannot run on torch, each with the reason (empty: all run).
std::vector<std::pair<std::string, std::string>> libtorch_unsupported_ops();

}  // namespace tc::eut
