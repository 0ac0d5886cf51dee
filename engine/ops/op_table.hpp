// The op table: one row per op, read by everything in tapecheck.
#pragma once
#include <string_view>
#include <vector>

#include "engine/ops/op_def.hpp"

namespace tc {

// All ops, in a fixed order (family, then name as listed in the family's .inc file).
const std::vector<const OpDef*>& op_table();

// The op called `name`, or null.
const OpDef* find_op(std::string_view name);

// The op called `name`; throws tc::Error listing close names if there is none.
const OpDef& get_op(std::string_view name);

}  // namespace tc
