#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>
#include <type_traits>

#include "graph/ir_util.hpp"

namespace tc::graph {

// ---- attributes ------------------------------------------------------------------------

const std::vector<AttrField>& attr_fields() {
  // Every OpAttrs field, in Attr order; a field added to OpAttrs must be added here too.
  static const std::vector<AttrField> fields = [] {
    std::vector<AttrField> f;
    auto field = [&](Attr a, AttrKind kind) -> AttrField& {
      f.push_back(AttrField{a, attr_name(a), kind});
      return f.back();
    };
    field(Attr::axes, AttrKind::int_list).int_list = &OpAttrs::axes;
    field(Attr::keepdims, AttrKind::boolean).boolean = &OpAttrs::keepdims;
    field(Attr::axis, AttrKind::integer).integer = &OpAttrs::axis;
    field(Attr::perm, AttrKind::int_list).int_list = &OpAttrs::perm;
    field(Attr::shape, AttrKind::int_list).int_list = &OpAttrs::shape;
    field(Attr::begin, AttrKind::int_list).int_list = &OpAttrs::begin;
    field(Attr::size, AttrKind::int_list).int_list = &OpAttrs::size;
    field(Attr::alpha, AttrKind::real).real = &OpAttrs::alpha;
    field(Attr::lo, AttrKind::real).real = &OpAttrs::lo;
    field(Attr::hi, AttrKind::real).real = &OpAttrs::hi;
    field(Attr::dtype, AttrKind::dtype).dtype = &OpAttrs::dtype;
    field(Attr::exclusive, AttrKind::boolean).boolean = &OpAttrs::exclusive;
    field(Attr::reverse, AttrKind::boolean).boolean = &OpAttrs::reverse;
    field(Attr::ord, AttrKind::real).real = &OpAttrs::ord;
    field(Attr::k, AttrKind::integer).integer = &OpAttrs::k;
    field(Attr::descending, AttrKind::boolean).boolean = &OpAttrs::descending;
    field(Attr::equation, AttrKind::text).text = &OpAttrs::equation;
    field(Attr::lower, AttrKind::boolean).boolean = &OpAttrs::lower;
    field(Attr::strides, AttrKind::int_list).int_list = &OpAttrs::strides;
    field(Attr::dilations, AttrKind::int_list).int_list = &OpAttrs::dilations;
    field(Attr::ksize, AttrKind::int_list).int_list = &OpAttrs::ksize;
    field(Attr::padding, AttrKind::text).text = &OpAttrs::padding;
    field(Attr::epsilon, AttrKind::real).real = &OpAttrs::epsilon;
    field(Attr::rate, AttrKind::real).real = &OpAttrs::rate;
    field(Attr::depth, AttrKind::integer).integer = &OpAttrs::depth;
    field(Attr::paddings, AttrKind::int_list).int_list = &OpAttrs::paddings;
    field(Attr::mode, AttrKind::text).text = &OpAttrs::mode;
    field(Attr::multiples, AttrKind::int_list).int_list = &OpAttrs::multiples;
    field(Attr::shift, AttrKind::int_list).int_list = &OpAttrs::shift;
    field(Attr::mask, AttrKind::int_list).int_list = &OpAttrs::mask;
    field(Attr::num, AttrKind::integer).integer = &OpAttrs::num;
    field(Attr::index, AttrKind::integer).integer = &OpAttrs::index;
    field(Attr::order, AttrKind::integer).integer = &OpAttrs::order;
    field(Attr::transpose_a, AttrKind::boolean).boolean = &OpAttrs::transpose_a;
    field(Attr::transpose_b, AttrKind::boolean).boolean = &OpAttrs::transpose_b;
    return f;
  }();
  return fields;
}

const AttrField& attr_field(Attr a) { return attr_fields()[static_cast<std::size_t>(a)]; }

const AttrField* find_attr_field(std::string_view name) {
  const std::optional<Attr> a = parse_attr(name);
  return a ? &attr_field(*a) : nullptr;
}

std::vector<std::string_view> declared_attrs(const OpDef& op) {
  std::vector<std::string_view> out;
  op.attrs.for_each([&](Attr a) { out.push_back(attr_name(a)); });
  return out;
}

bool same_double(double a, double b) {
  if (std::isnan(a) || std::isnan(b)) return std::isnan(a) && std::isnan(b);
  return a == b && std::signbit(a) == std::signbit(b);
}

bool attr_equal(const OpAttrs& a, const OpAttrs& b, const AttrField& f) {
  switch (f.kind) {
    case AttrKind::integer: return a.*f.integer == b.*f.integer;
    case AttrKind::int_list: return a.*f.int_list == b.*f.int_list;
    case AttrKind::boolean: return a.*f.boolean == b.*f.boolean;
    case AttrKind::real: return same_double(a.*f.real, b.*f.real);
    case AttrKind::dtype: return a.*f.dtype == b.*f.dtype;
    case AttrKind::text: return a.*f.text == b.*f.text;
  }
  return false;
}

bool is_attr_text(std::string_view s) {
  for (char c : s)
    if (c < ' ' || c > '~' || c == '"' || c == '\\') return false;
  return true;
}

bool attrs_equal(const OpAttrs& a, const OpAttrs& b) {
  for (const AttrField& f : attr_fields())
    if (!attr_equal(a, b, f)) return false;
  return true;
}

// ---- structural equality ---------------------------------------------------------------

namespace {

// Integer and bool values have no signed zero (-0 prints as `false` for a bool).
bool init_equal(const Init& a, const Init& b, DType dtype) {
  if (a.kind != b.kind) return false;
  if (a.kind == Init::Kind::values) {
    if (a.values.size() != b.values.size()) return false;
    for (std::size_t i = 0; i < a.values.size(); ++i)
      if (is_floating(dtype) ? !same_double(a.values[i], b.values[i])
                             : !(a.values[i] == b.values[i] ||
                                 (std::isnan(a.values[i]) && std::isnan(b.values[i]))))
        return false;
    return true;
  }
  return same_double(a.a, b.a) && same_double(a.b, b.b) && a.seed == b.seed;
}

bool input_equal(const Input& a, const Input& b) {
  return a.name == b.name && a.dtype == b.dtype && a.shape == b.shape && a.kind == b.kind &&
         (a.kind == InputKind::constant || a.trainable == b.trainable) &&
         init_equal(a.init, b.init, a.dtype);
}

bool stmt_equal(const Statement& a, const Statement& b);

bool node_equal(const OpStmt& a, const OpStmt& b) {
  return a.result == b.result && a.op == b.op && a.operands == b.operands &&
         attrs_equal(a.attrs, b.attrs);
}
bool node_equal(const Record& a, const Record& b) {
  return a.tape == b.tape && structurally_equal(a.body, b.body);
}
bool node_equal(const StopRecording& a, const StopRecording& b) {
  return a.tape == b.tape && structurally_equal(a.body, b.body);
}
bool node_equal(const Watch& a, const Watch& b) { return a.tape == b.tape && a.values == b.values; }
bool node_equal(const Cond& a, const Cond& b) {
  return a.results == b.results && a.pred == b.pred && a.then_yield == b.then_yield &&
         a.else_yield == b.else_yield && structurally_equal(a.then_body, b.then_body) &&
         structurally_equal(a.else_body, b.else_body);
}
bool node_equal(const While& a, const While& b) {
  return a.results == b.results && a.init == b.init && a.params == b.params &&
         a.cond_yield == b.cond_yield && a.body_yield == b.body_yield &&
         a.max_iterations == b.max_iterations && structurally_equal(a.cond_body, b.cond_body) &&
         structurally_equal(a.body, b.body);
}
bool node_equal(const Gradient& a, const Gradient& b) {
  return a.results == b.results && a.tape == b.tape && a.target == b.target &&
         a.sources == b.sources && a.output_gradients == b.output_gradients &&
         a.unconnected == b.unconnected;
}
bool node_equal(const ApplyGradients& a, const ApplyGradients& b) {
  return a.gradients == b.gradients && a.variables == b.variables &&
         same_double(a.learning_rate, b.learning_rate);
}

bool stmt_equal(const Statement& a, const Statement& b) {
  if (a.node.index() != b.node.index()) return false;
  return std::visit(
      [&](const auto& x) {
        using T = std::decay_t<decltype(x)>;
        return node_equal(x, std::get<T>(b.node));
      },
      a.node);
}

}  // namespace

bool structurally_equal(const Block& a, const Block& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (!stmt_equal(a[i], b[i])) return false;
  return true;
}

bool structurally_equal(const Graph& a, const Graph& b) {
  if (a.name != b.name || a.inputs.size() != b.inputs.size() || a.tapes.size() != b.tapes.size())
    return false;
  for (std::size_t i = 0; i < a.inputs.size(); ++i)
    if (!input_equal(a.inputs[i], b.inputs[i])) return false;
  for (std::size_t i = 0; i < a.tapes.size(); ++i) {
    const TapeDecl &x = a.tapes[i], &y = b.tapes[i];
    if (x.name != y.name || x.persistent != y.persistent ||
        x.watch_accessed_variables != y.watch_accessed_variables)
      return false;
  }
  return structurally_equal(a.body, b.body);
}

// ---- names ------------------------------------------------------------------------------

namespace {
bool is_alnum_(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}
}  // namespace

bool is_value_name(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (!is_alnum_(c)) return false;
  return true;
}

bool is_tape_name(std::string_view s) {
  if (s.empty() || (s[0] >= '0' && s[0] <= '9')) return false;
  for (char c : s)
    if (!is_alnum_(c)) return false;
  return true;
}

bool is_graph_name(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (!is_alnum_(c) && c != '.' && c != '-') return false;
  return true;
}

std::string quote_name(std::string_view s, std::size_t max_len) {
  std::string out;
  const bool cut = s.size() > max_len;
  if (cut) s = s.substr(0, max_len);
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    out += (u >= 0x20 && u < 0x7f) ? c : '?';
  }
  if (cut) out += "...";
  return out;
}

// ---- numbers ----------------------------------------------------------------------------

std::string format_double(double v) {
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v < 0 ? "-inf" : "inf";
  if (v == std::trunc(v) && std::fabs(v) <= 9007199254740992.0) {
    if (v == 0 && std::signbit(v)) return "-0";
    return std::to_string(static_cast<long long>(v));
  }
  char buf[64];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, r.ptr);
}

std::optional<double> parse_double(std::string_view s) {
  if (s.empty() || s[0] == '+') return std::nullopt;
  const std::string_view body = s[0] == '-' ? s.substr(1) : s;
  if (body == "inf") return s[0] == '-' ? -HUGE_VAL : HUGE_VAL;
  if (body == "nan") return std::nan("");
  // Only plain decimal forms: digits, '.', exponent. (from_chars would also take
  // "infinity", "nan(...)" and a leading '-' twice is impossible since body has none.)
  if (body.empty() || !((body[0] >= '0' && body[0] <= '9') || body[0] == '.')) return std::nullopt;
  double v = 0;
  const auto r = std::from_chars(s.data(), s.data() + s.size(), v, std::chars_format::general);
  if (r.ec == std::errc::result_out_of_range) {
    // Overflow to infinity or underflow to zero is still a number; be exact about which.
    // from_chars leaves v unchanged here, so fall back to the C library.
    const std::string copy(s);
    char* end = nullptr;
    v = std::strtod(copy.c_str(), &end);
    if (end != copy.c_str() + copy.size()) return std::nullopt;
    return v;
  }
  if (r.ec != std::errc() || r.ptr != s.data() + s.size()) return std::nullopt;
  return v;
}

bool overflows_f32(double v) {
  return std::isfinite(v) && std::fabs(v) > static_cast<double>(std::numeric_limits<float>::max());
}

bool subnormal_f32(double v) { return v != 0 && std::fabs(v) < static_cast<double>(std::numeric_limits<float>::min()); }

bool overflows_f64(std::string_view text, double v) {
  return std::isinf(v) && text != "inf" && text != "-inf";
}

std::optional<std::int64_t> parse_int(std::string_view s) {
  if (s.empty()) return std::nullopt;
  std::int64_t v = 0;
  const auto r = std::from_chars(s.data(), s.data() + s.size(), v, 10);
  if (r.ec != std::errc() || r.ptr != s.data() + s.size()) return std::nullopt;
  return v;
}

}  // namespace tc::graph
