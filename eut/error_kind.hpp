// The RaisedError kind (engine_under_test.hpp) of a tapecheck exception, shared by the
// adapters: "shape", "dtype", "tape", "limit", or "other" for any other exception.
#pragma once
#include <exception>
#include <string>

namespace tc::eut {

std::string error_kind(const std::exception& e);

}  // namespace tc::eut
