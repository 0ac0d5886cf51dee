#include "engine/core/broadcast_axes.hpp"

namespace tc {

std::vector<int> broadcast_axes(const Shape& s, const Shape& to) {
  std::vector<int> axes;
  for (int i = 0; i < to.rank(); ++i) {
    const int is = s.rank() - to.rank() + i;
    if (is < 0 || (s[is] == 1 && to[i] != 1)) axes.push_back(i);
  }
  return axes;
}

}  // namespace tc
