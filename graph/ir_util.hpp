// Small helpers over the graph IR (ir.hpp) shared by the .tcg parser and printer, the JSON
// form and the validator: structural equality, the attribute fields by name, name syntax,
// and exact number spelling.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "graph/ir.hpp"

namespace tc::graph {

// Blocks (record, stop_recording, cond branches, while blocks) nest at most this deep; the
// parser, the JSON reader and the validator all refuse deeper nesting, so recursion over a
// graph is bounded.
constexpr int kMaxBlockDepth = 64;

// True if the graphs are the same ignoring Locations. Fields that mean nothing for their
// kind are ignored too: `trainable` of constants, the Init fields its kind does not use.
// Doubles compare by bits (NaN equals NaN), except the values of i32/bool inputs, which
// compare as numbers (-0 == 0).
bool structurally_equal(const Graph& a, const Graph& b);
bool structurally_equal(const Block& a, const Block& b);

// One OpAttrs field, under the name the .tcg and JSON forms use (attr_name: the C++ field
// name), with the member it reads.
enum class AttrKind : std::uint8_t { integer, int_list, boolean, real, dtype, text };
struct AttrField {
  Attr attr;
  const char* name;  // attr_name(attr)
  AttrKind kind;
  std::int64_t OpAttrs::*integer = nullptr;
  std::vector<std::int64_t> OpAttrs::*int_list = nullptr;
  bool OpAttrs::*boolean = nullptr;
  double OpAttrs::*real = nullptr;
  DType OpAttrs::*dtype = nullptr;
  std::string OpAttrs::*text = nullptr;  // printable ASCII without '"' and '\\' (is_attr_text)
};
const std::vector<AttrField>& attr_fields();  // indexed by Attr
// The most entries a list attribute may have: per-axis lists have at most kMaxRank, pad's
// paddings two per axis, boolean_mask's mask one per element of its axis.
inline constexpr std::size_t kMaxListEntries = 64;
const AttrField& attr_field(Attr a);
const AttrField* find_attr_field(std::string_view name);  // parse_attr's field, or null
// The attribute names `op` reads (OpDef::attrs), in the fields' order.
std::vector<std::string_view> declared_attrs(const OpDef& op);
bool attr_equal(const OpAttrs& a, const OpAttrs& b, const AttrField& f);
bool attrs_equal(const OpAttrs& a, const OpAttrs& b);  // every field; NaN equals NaN
// A text attribute's value: printable ASCII (space to '~') without '"' and '\\', so that the
// .tcg form spells it between double quotes with no escapes ("ij,jk->ik").
bool is_attr_text(std::string_view s);

// Name syntax. Values: [A-Za-z0-9_]+ (spelled %name in .tcg). Tapes: an identifier
// [A-Za-z_][A-Za-z0-9_]*. Graph names: [A-Za-z0-9_.-]+.
bool is_value_name(std::string_view s);
bool is_tape_name(std::string_view s);
bool is_graph_name(std::string_view s);

// Doubles spelled so that parsing gives back the same bits (except NaN payloads): integral
// values up to 2^53 as integers ("1", "-3"), others in the shortest round-trip form
// ("0.2", "1e+300"), and "inf", "-inf", "nan".
std::string format_double(double v);
// Accepts what format_double prints and any decimal or exponent form; not "+x" or hex.
std::optional<double> parse_double(std::string_view s);
// A finite value beyond f32's range (|v| > FLT_MAX): as an f32 literal it would become inf.
bool overflows_f32(double v);
// A nonzero value below f32's smallest normal (|v| < FLT_MIN = 2^-126): subnormal as an f32, and
// its reciprocal is beyond f32's range.
bool subnormal_f32(double v);
// True when `text`, which parse_double read as `v`, spells a finite number too large for a
// double ("1e999"; parse_double gives inf for it), as opposed to "inf" itself.
bool overflows_f64(std::string_view text, double v);
// A decimal int64, optionally negative; nullopt on overflow or any other character.
std::optional<std::int64_t> parse_int(std::string_view s);
bool same_double(double a, double b);  // equal bits, or both NaN

// A name for use in messages: long or odd names are cut and quoted safely.
std::string quote_name(std::string_view s, std::size_t max_len = 40);

}  // namespace tc::graph
