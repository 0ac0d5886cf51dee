#include "engine/ops/op_table.hpp"

#include <unordered_map>

#include "engine/core/errors.hpp"
#include "engine/ops/op_rows.hpp"

namespace tc {

const std::vector<const OpDef*>& op_table() {
  static const std::vector<const OpDef*> table = {
#define TC_OP(name) &op_##name,
#include "engine/ops/unary/ops.inc"
#include "engine/ops/binary/ops.inc"
#include "engine/ops/reduce/ops.inc"
#include "engine/ops/cumulative/ops.inc"
#include "engine/ops/sort/ops.inc"
#include "engine/ops/linalg/ops.inc"
#include "engine/ops/shape/ops.inc"
#include "engine/ops/nn/ops.inc"
#include "engine/ops/loss/ops.inc"
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

GradClass grad_class(InputGrad g) {
  switch (g) {
    case InputGrad::differentiable: return GradClass::differentiable;
    case InputGrad::stop_gradient:
    case InputGrad::non_differentiable:
    case InputGrad::predicate: return GradClass::none;
    case InputGrad::integer_index: return GradClass::integer;
  }
  return GradClass::none;
}

std::string edges_name(Edges set) {
  static constexpr std::pair<Edges, const char*> kNames[] = {
      {Edges::zero, "zero"}, {Edges::ties, "ties"}, {Edges::bounds, "bounds"}, {Edges::large, "large"}};
  std::string s;
  for (const auto& [e, name] : kNames)
    if (has(set, e)) s += (s.empty() ? "" : ", ") + std::string(name);
  return s;
}

const char* input_grad_name(InputGrad g) {
  switch (g) {
    case InputGrad::differentiable: return "differentiable";
    case InputGrad::stop_gradient: return "stop_gradient";
    case InputGrad::non_differentiable: return "non-differentiable";
    case InputGrad::predicate: return "predicate";
    case InputGrad::integer_index: return "integer index";
  }
  return "?";
}

namespace {
// Indexed by Attr: the C++ field names of OpAttrs.
constexpr const char* kAttrNames[kAttrCount] = {
    "axes",     "keepdims",  "axis",  "perm",     "shape",      "begin",    "size",
    "alpha",    "lo",        "hi",    "dtype",    "exclusive",  "reverse",  "ord",
    "k",        "descending", "equation", "lower", "strides",   "dilations", "ksize",
    "padding",  "epsilon",   "rate",  "depth",    "paddings",   "mode",     "multiples",
    "shift",    "mask",      "num",   "index",    "order",      "transpose_a", "transpose_b"};
}  // namespace

const char* attr_name(Attr a) { return kAttrNames[static_cast<int>(a)]; }

std::optional<Attr> parse_attr(std::string_view name) {
  for (int i = 0; i < kAttrCount; ++i)
    if (name == kAttrNames[i]) return static_cast<Attr>(i);
  return std::nullopt;
}

std::string dtypes_name(DTypes d) {
  if (d == DTypes::any) return "any";
  std::string s;
  for (auto [bit, word] : {std::pair{DTypes::floating, "float"}, std::pair{DTypes::integer, "int"},
                           std::pair{DTypes::boolean, "bool"}})
    if (static_cast<unsigned>(d) & static_cast<unsigned>(bit)) s += (s.empty() ? "" : "|") + std::string(word);
  return s.empty() ? "none" : s;
}

const char* trait_name(Trait t) {
  switch (t) {
    case Trait::elementwise: return "elementwise";
    case Trait::broadcasts: return "broadcasts";
    case Trait::reduction: return "reduction";
    case Trait::normalization: return "normalization";
    case Trait::linalg: return "linalg";
    case Trait::shape: return "shape";
    case Trait::order_comparison: return "order_comparison";
    case Trait::equality_comparison: return "equality_comparison";
    case Trait::logical: return "logical";
    case Trait::discontinuous: return "discontinuous";
  }
  return "?";
}

bool OpDef::accepts_dtypes(const DType* dtypes, int n) const {
  if (arity >= 0 ? n != arity : n < 1) return false;
  for (int i = 0; i < n; ++i) {
    const InputDef& in = input(i);
    if (!accepts(in.dtypes, dtypes[i])) return false;
    const int k = arity < 0 ? 0 : in.same_dtype_as;  // variadic: one dtype for all
    if (k >= 0 && dtypes[k] != dtypes[i]) return false;
  }
  return true;
}

bool OpDef::has_differentiable_input() const {
  for (const InputDef& in : inputs)
    if (in.differentiable()) return true;
  return false;
}

bool OpDef::selects() const {
  for (const InputDef& in : inputs)
    if (in.grad == InputGrad::predicate) return true;
  return false;
}

bool OpDef::holds_input_constant() const {
  for (const InputDef& in : inputs)
    if (in.grad == InputGrad::stop_gradient) return true;
  return false;
}

std::int64_t elements_moved(const TensorSpec* in, int n, const TensorSpec& out) {
  std::int64_t w = out.shape.numel();
  for (int i = 0; i < n; ++i) w += in[i].shape.numel();
  return w;
}

std::int64_t OpDef::work(const TensorSpec* in, int n, const TensorSpec& out) const {
  return cost ? cost(in, n, out) : elements_moved(in, n, out);
}

std::string OpDef::result_dtype_text() const {
  switch (result.rule) {
    case ResultDType::Rule::input:
      return std::string("dtype of ") +
             (result.input < static_cast<int>(inputs.size()) ? input(result.input).name : "?");
    case ResultDType::Rule::fixed: return std::string(dtype_name(result.fixed));
    case ResultDType::Rule::attr: return "the dtype attribute";
  }
  return "?";
}

OpRow& OpRow::input(const OpInput& in) {
  InputDef d = in.def();
  if (d.same_dtype_as >= 0) d.dtypes = def_.inputs.at(static_cast<std::size_t>(d.same_dtype_as)).dtypes;
  def_.inputs.push_back(std::move(d));
  def_.arity = static_cast<int>(def_.inputs.size());
  return *this;
}

OpRow& OpRow::variadic(const OpInput& in) {
  def_.inputs = {in.def()};
  def_.arity = -1;
  return *this;
}

OpRow& OpRow::vjp_reads(int input, std::vector<VjpRead> reads) {
  def_.inputs.at(static_cast<std::size_t>(input)).vjp_reads = std::move(reads);
  return *this;
}

const char* vjp_operand_name(VjpOperand o) {
  switch (o) {
    case VjpOperand::upstream: return "upstream";
    case VjpOperand::output: return "output";
    case VjpOperand::self: return "self";
    case VjpOperand::input: return "input";
  }
  return "?";
}

const char* dependence_name(Dependence d) {
  switch (d) {
    case Dependence::linear: return "linear";
    case Dependence::smooth: return "smooth";
    case Dependence::piecewise: return "piecewise";
  }
  return "?";
}

OpRow& OpRow::rules(InferFn infer, ForwardFn<double> f64, ForwardFn<c128> c128_fn,
                    ForwardFn<Dual> dual, ForwardFn<TermsDual> terms, VjpFn vjp) {
  def_.infer = infer;
  def_.forward_f64 = f64;
  def_.forward_c128 = c128_fn;
  def_.forward_dual = dual;
  def_.forward_terms = terms;
  def_.vjp = vjp;
  return *this;
}

bool operator==(const OpAttrs& a, const OpAttrs& b) {
  return a.axes == b.axes && a.keepdims == b.keepdims && a.axis == b.axis && a.perm == b.perm &&
         a.shape == b.shape && a.begin == b.begin && a.size == b.size && a.alpha == b.alpha &&
         a.lo == b.lo && a.hi == b.hi && a.dtype == b.dtype && a.exclusive == b.exclusive &&
         a.reverse == b.reverse && a.ord == b.ord && a.k == b.k && a.descending == b.descending &&
         a.equation == b.equation && a.lower == b.lower && a.strides == b.strides &&
         a.dilations == b.dilations && a.ksize == b.ksize && a.padding == b.padding &&
         a.epsilon == b.epsilon && a.rate == b.rate && a.depth == b.depth &&
         a.paddings == b.paddings && a.mode == b.mode && a.multiples == b.multiples &&
         a.shift == b.shift && a.mask == b.mask && a.num == b.num && a.index == b.index &&
         a.order == b.order && a.transpose_a == b.transpose_a && a.transpose_b == b.transpose_b;
}

}  // namespace tc
