#include "eut/error_kind.hpp"

#include "engine/core/errors.hpp"

namespace tc::eut {

std::string error_kind(const std::exception& e) {
  if (dynamic_cast<const ShapeError*>(&e)) return "shape";
  if (dynamic_cast<const DTypeError*>(&e)) return "dtype";
  if (dynamic_cast<const TapeError*>(&e)) return "tape";
  if (dynamic_cast<const LimitError*>(&e)) return "limit";
  return "other";
}

}  // namespace tc::eut
