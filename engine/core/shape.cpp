#include "engine/core/shape.hpp"

#include <sstream>

#include "engine/core/errors.hpp"

namespace tc {

Shape::Shape(std::initializer_list<std::int64_t> dims) : Shape(std::vector<std::int64_t>(dims)) {}

void Shape::throw_rank_exceeded(std::size_t rank) {
  throw ShapeError("rank " + std::to_string(rank) + " exceeds the maximum rank " +
                   std::to_string(limits::kMaxRank));
}

Shape::Shape(const std::vector<std::int64_t>& dims) {
  if (dims.size() > static_cast<std::size_t>(limits::kMaxRank)) throw_rank_exceeded(dims.size());
  rank_ = static_cast<int>(dims.size());
  for (int i = 0; i < rank_; ++i) {
    if (dims[i] < 0) throw ShapeError("negative dimension " + std::to_string(dims[i]));
    dims_[i] = dims[i];
  }
}

std::string Shape::str() const {
  std::ostringstream os;
  os << '[';
  for (int i = 0; i < rank_; ++i) os << (i ? "," : "") << dims_[i];
  os << ']';
  return os.str();
}

Shape broadcast_different_shapes(const Shape& a, const Shape& b, const char* op) {
  const int r = std::max(a.rank(), b.rank());
  Shape out = a.rank() >= b.rank() ? a : b;  // of rank r; every dimension is set below
  for (int i = 0; i < r; ++i) {
    const int ia = a.rank() - r + i, ib = b.rank() - r + i;
    const std::int64_t da = ia >= 0 ? a[ia] : 1, db = ib >= 0 ? b[ib] : 1;
    if (da != db && da != 1 && db != 1)
      throw ShapeError(std::string(op) + ": incompatible shapes " + a.str() + " and " + b.str() +
                       " for broadcasting");
    out[i] = da == 1 ? db : da;
  }
  return out;
}

std::array<std::int64_t, limits::kMaxRank> broadcast_strides(const Shape& s, const Shape& to) {
  std::array<std::int64_t, limits::kMaxRank> st{};
  std::int64_t stride = 1;
  for (int i = to.rank() - 1; i >= 0; --i) {
    const int is = s.rank() - to.rank() + i;
    const std::int64_t d = is >= 0 ? s[is] : 1;
    st[i] = (d == 1 && to[i] != 1) || is < 0 ? 0 : stride;
    stride *= d;
  }
  return st;
}

int normalize_axis(std::int64_t axis, int rank, const char* op) {
  const std::int64_t a = axis < 0 ? axis + rank : axis;
  if (a < 0 || a >= std::max(rank, 1) || (rank == 0))
    throw ShapeError(std::string(op) + ": axis " + std::to_string(axis) +
                     " is out of range for a tensor of rank " + std::to_string(rank));
  return static_cast<int>(a);
}

void throw_element_cap(const Shape& s, const char* what) {
  throw LimitError(std::string(what) + ": shape " + s.str() + " has more than " +
                     std::to_string(limits::kMaxElements) + " elements (the per-tensor cap)");
}

}  // namespace tc
