// engine/ops/op_table.cpp and op_def.hpp: the table's typed facts. The dtype signature and
// result rule each row declares agree with what its infer() does; attribute names parse back;
// kinks, traits, cut rules and costs are what consumers rely on; OpRow builds rows by name.
#include "engine/ops/op_table.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <set>
#include <string>
#include <vector>

#include "engine/core/errors.hpp"
#include "engine/ops/kernel.hpp"
#include "engine/ops/op_rows.hpp"
#include "engine/tensor.hpp"

namespace tc {
namespace {

constexpr DType kRepresentatives[] = {DType::f64, DType::i32, DType::boolean};

// The lowest value of every draw: a row's sampling hook then proposes its plainest attributes.
class LowestDraw final : public Draw {
 public:
  double uniform(double lo, double) override { return lo; }
  std::int64_t integer(std::int64_t lo, std::int64_t) override { return lo; }
};

// Operand shapes under which every op's infer() accepts some dtypes: all [2, 2] (elementwise,
// matmul, gather, concat, where ...), the last operand [2] (scatter_add's indices), the first
// [2] (sparse labels before their [2, 2] logits), or, for a row that samples its operands'
// shapes (conv2d's [N, H, W, C] and a fitting filter), the shapes its hook proposes.
std::vector<std::vector<TensorSpec>> shape_configs(const OpDef& op, int n) {
  std::vector<TensorSpec> square(static_cast<std::size_t>(n), TensorSpec{DType::f64, Shape{2, 2}});
  std::vector<TensorSpec> last_vector = square, first_vector = square;
  if (n > 1) last_vector.back().shape = Shape{2};
  if (n > 1) first_vector.front().shape = Shape{2};
  std::vector<std::vector<TensorSpec>> configs{square, last_vector, first_vector};
  if (op.sample_shape) {
    std::vector<TensorSpec> sampled;
    LowestDraw lowest;
    for (int i = 0; i < n; ++i)
      sampled.push_back({DType::f64, op.sample_shape(i, sampled.data(), i, 64, lowest)});
    configs.push_back(sampled);
  }
  return configs;
}

OpAttrs probe_attrs() {
  OpAttrs a;
  a.shape = {2, 2};
  a.begin = {0, 0};
  a.size = {-1, -1};
  a.dtype = DType::f64;
  return a;
}

// Every dtype combination of `n` operands (each f64, i32 or bool).
std::vector<std::vector<DType>> combinations(int n) {
  std::vector<std::vector<DType>> out{{}};
  for (int i = 0; i < n; ++i) {
    std::vector<std::vector<DType>> next;
    for (const auto& c : out)
      for (DType d : kRepresentatives) {
        next.push_back(c);
        next.back().push_back(d);
      }
    out = std::move(next);
  }
  return out;
}

std::string text(const std::vector<DType>& d) {
  std::string s;
  for (DType x : d) s += std::string(s.empty() ? "" : ",") + std::string(dtype_name(x));
  return s;
}

// The table's dtype facts are what infer() checks: under one shape configuration, infer accepts
// exactly the dtype combinations accepts_dtypes() admits, and its result dtype follows the
// result rule. (The generator reads the facts instead of probing infer().)
TEST(OpTable, DtypeSignaturesAndResultRulesAgreeWithInfer) {
  const OpAttrs attrs = probe_attrs();
  for (const OpDef* op : op_table()) {
    SCOPED_TRACE(op->name);
    const int n = op->arity < 0 ? 2 : op->arity;
    bool agreed = false;
    std::string disagreement;
    for (std::vector<TensorSpec> specs : shape_configs(*op, n)) {
      bool all = true, some = false;
      std::string why;
      for (const std::vector<DType>& dtypes : combinations(n)) {
        for (int i = 0; i < n; ++i) specs[static_cast<std::size_t>(i)].dtype = dtypes[static_cast<std::size_t>(i)];
        std::optional<TensorSpec> out;
        LowestDraw lowest;  // attributes that must fit the operands come from the row's hook
        const OpAttrs fitted = op->sample_attrs ? op->sample_attrs(specs.data(), n, lowest) : attrs;
        try {
          out = op->infer(fitted, specs.data(), n);
        } catch (const Error&) {
        }
        const bool admitted = op->accepts_dtypes(dtypes.data(), n);
        if (out.has_value() != admitted) {
          all = false;
          why = text(dtypes) + (admitted ? ": admitted by the table, refused by infer"
                                         : ": refused by the table, accepted by infer");
          continue;
        }
        if (!out) continue;
        some = true;
        DType expected = DType::f64;
        switch (op->result.rule) {
          case ResultDType::Rule::input: expected = dtypes[static_cast<std::size_t>(op->result.input)]; break;
          case ResultDType::Rule::fixed: expected = op->result.fixed; break;
          case ResultDType::Rule::attr: expected = fitted.dtype; break;
        }
        EXPECT_EQ(out->dtype, expected) << text(dtypes) << ": result " << op->result_dtype_text();
      }
      if (all && some) agreed = true;
      disagreement = why;
    }
    EXPECT_TRUE(agreed) << disagreement;
  }
}

TEST(OpTable, VariadicOpsTakeOneDtypeForEveryOperand) {
  const DType same[] = {DType::f32, DType::f32, DType::f32};
  const DType mixed[] = {DType::f32, DType::f64, DType::f32};
  EXPECT_TRUE(op_concat.accepts_dtypes(same, 3));
  EXPECT_FALSE(op_concat.accepts_dtypes(mixed, 3));
  EXPECT_FALSE(op_concat.accepts_dtypes(same, 0));
  EXPECT_FALSE(op_add.accepts_dtypes(same, 3));  // arity 2
}

TEST(OpTable, AttributeNamesParseBackAndUnknownOnesDoNot) {
  std::set<std::string> names;
  for (int i = 0; i < kAttrCount; ++i) {
    const Attr a = static_cast<Attr>(i);
    names.insert(attr_name(a));
    EXPECT_EQ(parse_attr(attr_name(a)), a);
  }
  EXPECT_EQ(names.size(), static_cast<std::size_t>(kAttrCount));
  EXPECT_EQ(parse_attr("axiss"), std::nullopt);
  EXPECT_EQ(parse_attr(""), std::nullopt);
  EXPECT_TRUE(op_reduce_sum.attrs.has(Attr::axes) && op_reduce_sum.attrs.has(Attr::keepdims));
  EXPECT_FALSE(op_reduce_sum.attrs.has(Attr::axis));
  std::vector<Attr> order;
  op_scatter_add.attrs.for_each([&](Attr a) { order.push_back(a); });
  EXPECT_EQ(order, (std::vector<Attr>{Attr::axis, Attr::shape}));  // the fields' order
}

TEST(OpTable, KinksAreAFlagWithTheirDescription) {
  for (const OpDef* op : op_table())
    EXPECT_EQ(op->has_kinks, std::strlen(op->kinks) > 0) << op->name;
  EXPECT_TRUE(op_relu.has_kinks);
  EXPECT_FALSE(op_exp.has_kinks);
}

TEST(OpTable, ComparisonsAreFoundByTrait) {
  std::set<std::string> order, equality;
  for (const OpDef* op : op_table()) {
    if (op->traits.has(Trait::order_comparison)) order.insert(op->name);
    if (op->traits.has(Trait::equality_comparison)) equality.insert(op->name);
  }
  EXPECT_EQ(order, (std::set<std::string>{"less", "less_equal", "greater", "greater_equal"}));
  EXPECT_EQ(equality, (std::set<std::string>{"equal", "not_equal"}));
  for (const OpDef* op : op_table()) {
    if (op->traits.has(Trait::order_comparison) || op->traits.has(Trait::equality_comparison)) {
      EXPECT_EQ(op->result.fixed, DType::boolean) << op->name;
    }
  }
}

TEST(OpTable, FactsTheOraclesReadInsteadOfNames) {
  OpAttrs to_f32, to_f64;
  to_f32.dtype = DType::f32;
  to_f64.dtype = DType::f64;
  EXPECT_TRUE(op_cast.result.converts_to(DType::f32, to_f32));
  EXPECT_FALSE(op_cast.result.converts_to(DType::f32, to_f64));
  EXPECT_FALSE(op_add.result.converts_to(DType::f32, to_f32));
  std::set<std::string> selecting, holding, leaving;
  for (const OpDef* op : op_table()) {
    if (op->selects()) selecting.insert(op->name);
    if (op->holds_input_constant()) holding.insert(op->name);
    if (op->leaves_graph) leaving.insert(op->name);
  }
  EXPECT_EQ(selecting, std::set<std::string>{"where"});
  EXPECT_EQ(holding, (std::set<std::string>{"host_round_trip", "stop_gradient"}));
  EXPECT_EQ(leaving, std::set<std::string>{"host_round_trip"});
}

TEST(OpTable, WorkIsElementsMovedUnlessTheRowHasACost) {
  const TensorSpec a{DType::f64, Shape{2, 3}}, b{DType::f64, Shape{3, 4}}, y{DType::f64, Shape{2, 4}};
  const TensorSpec ab[] = {a, b};
  EXPECT_EQ(op_add.work(ab, 2, y), 6 + 12 + 8);
  EXPECT_EQ(op_matmul.work(ab, 2, y), (6 + 12 + 8) * 3);  // every (row, inner, column) triple
}

// --- OpRow ---------------------------------------------------------------------------------

TensorSpec infer_first(const OpAttrs&, const TensorSpec* in, int) { return in[0]; }
template <class S>
void copy_first(const OpAttrs&, const In<S>* in, int, const Out<S>& out, Branches*) {
  kernel::unary(in[0], out, [](S x) { return x; });
}

TEST(OpRow, BuildsARowFieldByField) {
  const OpDef row = OpRow("pick", "test")
                        .input(OpInput("p").dtypes(DTypes::boolean).grad(InputGrad::predicate).domain({0, 1}))
                        .input(OpInput("a").dtypes(DTypes::floating | DTypes::integer))
                        .input(OpInput("b").same_dtype_as(1))
                        .result(ResultDType::of_input(1))
                        .attrs(Attr::axis | Attr::keepdims)
                        .traits(Trait::elementwise | Trait::broadcasts)
                        .kinks("p flips")
                        .math("y = p ? a : b")
                        .tolerance_factor(2)
                        .rules(&infer_first, TC_FORWARDS(copy_first));
  EXPECT_STREQ(row.name, "pick");
  EXPECT_EQ(row.arity, 3);
  EXPECT_EQ(row.input(2).dtypes, DTypes::floating | DTypes::integer);  // taken from input 1
  EXPECT_EQ(row.input(0).grad_class(), GradClass::none);
  EXPECT_EQ(row.input(0).domain.hi, 1);
  EXPECT_TRUE(row.has_kinks);
  EXPECT_FALSE(row.complex_step_ok);
  EXPECT_EQ(row.tolerance_factor, 2);
  EXPECT_TRUE(row.selects());
  EXPECT_FALSE(row.has_differentiable_input() && !row.input(1).differentiable());
  EXPECT_EQ(row.vjp, nullptr);
  EXPECT_EQ(row.result_dtype_text(), "dtype of a");
  EXPECT_TRUE(row.attrs.has(Attr::keepdims));
  EXPECT_EQ(dtypes_name(row.input(1).dtypes), "float|int");
  const DType ok[] = {DType::boolean, DType::i32, DType::i32};
  const DType bad[] = {DType::boolean, DType::i32, DType::f64};
  EXPECT_TRUE(row.accepts_dtypes(ok, 3));
  EXPECT_FALSE(row.accepts_dtypes(bad, 3));

  const OpDef many = OpRow("join", "test").variadic(OpInput("x").dtypes(DTypes::any)).rules(&infer_first, TC_FORWARDS(copy_first));
  EXPECT_EQ(many.arity, -1);
  EXPECT_EQ(&many.input(5), &many.input(0));
}

}  // namespace
}  // namespace tc
