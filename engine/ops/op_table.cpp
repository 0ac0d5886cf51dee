#include "engine/ops/op_table.hpp"

#include <cstring>
#include <unordered_map>

#include "engine/core/errors.hpp"
#include "engine/ops/op_rows.hpp"

namespace tc {

// Each family lists its ops once, in engine/ops/<family>/ops.inc; each op's row lives in
// its own file, engine/ops/<family>/<op>.cpp (declared in op_rows.hpp).
const std::vector<const OpDef*>& op_table() {
  static const std::vector<const OpDef*> table = {
#define TC_OP(name) &op_##name,
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
  };
  return table;
}

const OpDef* find_op(std::string_view name) {
  static const auto index = [] {
    std::unordered_map<std::string_view, const OpDef*> m;
    for (const OpDef* op : op_table()) m.emplace(op->name, op);
    return m;
  }();
  auto it = index.find(name);
  return it == index.end() ? nullptr : it->second;
}

const OpDef& get_op(std::string_view name) {
  if (const OpDef* op = find_op(name)) return *op;
  std::string near;
  for (const OpDef* op : op_table())
    if (std::string_view(op->name).find(name.substr(0, 3)) != std::string_view::npos)
      near += std::string(near.empty() ? "" : ", ") + op->name;
  throw Error("unknown op '" + std::string(name) + "'" +
              (near.empty() ? std::string() : " (did you mean: " + near + "?)"));
}

const char* grad_class_name(GradClass g) {
  switch (g) {
    case GradClass::differentiable: return "differentiable";
    case GradClass::none: return "none";
    case GradClass::integer: return "integer";
  }
  return "?";
}

bool OpDef::takes_attr(const char* attr) const {
  const std::size_t n = std::strlen(attr);
  for (const char* p = attrs; *p;) {
    const char* end = std::strchr(p, ',');
    const std::size_t len = end ? static_cast<std::size_t>(end - p) : std::strlen(p);
    if (len == n && std::strncmp(p, attr, n) == 0) return true;
    if (!end) break;
    p = end + 1;
  }
  return false;
}

bool operator==(const OpAttrs& a, const OpAttrs& b) {
  return a.axes == b.axes && a.keepdims == b.keepdims && a.axis == b.axis && a.perm == b.perm &&
         a.shape == b.shape && a.begin == b.begin && a.size == b.size && a.alpha == b.alpha &&
         a.lo == b.lo && a.hi == b.hi && a.dtype == b.dtype;
}

}  // namespace tc
