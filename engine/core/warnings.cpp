#include "engine/core/warnings.hpp"

namespace tc {
namespace {
thread_local std::vector<std::string> t_warnings;
}
void warn(std::string message) { t_warnings.push_back(std::move(message)); }
std::vector<std::string> take_warnings() {
  std::vector<std::string> out;
  out.swap(t_warnings);
  return out;
}
}  // namespace tc
