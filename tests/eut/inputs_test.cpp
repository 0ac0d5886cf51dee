#include "eut/inputs.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <random>

#include "engine/core/errors.hpp"
#include "tests/eut/ir_builder.hpp"

namespace tc::eut {
namespace {

using test::ir::constant;

graph::Input drawn(graph::Init::Kind kind, double a, double b, std::uint64_t seed, Shape shape,
                   DType dtype = DType::f64) {
  graph::Input in;
  in.name = "%x";
  in.dtype = dtype;
  in.shape = shape;
  in.init.kind = kind;
  in.init.a = a;
  in.init.b = b;
  in.init.seed = seed;
  return in;
}

std::string message_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(MaterializeInput, ListedValuesAreTakenAsGiven) {
  const Value v = materialize_input(constant("%x", Shape{2, 2}, {1, -2, 3.5, 4}));
  EXPECT_EQ(v.dtype, DType::f64);
  EXPECT_EQ(v.shape, (Shape{2, 2}));
  EXPECT_EQ(v.data, (std::vector<double>{1, -2, 3.5, 4}));
}

TEST(MaterializeInput, WrongValueCountNamesTheInput) {
  const std::string m = message_of([] { materialize_input(constant("%x", Shape{3}, {1, 2})); });
  EXPECT_NE(m.find("'x'"), std::string::npos) << m;
  EXPECT_NE(m.find("2 values"), std::string::npos) << m;
}

TEST(MaterializeInput, ValuesAreRoundedToTheDtype) {
  EXPECT_EQ(materialize_input(constant("%x", Shape{}, {0.1}, DType::f32)).data[0],
            static_cast<double>(0.1f));
  EXPECT_EQ(materialize_input(constant("%i", Shape{2}, {2.7, -2.7}, DType::i32)).data,
            (std::vector<double>{2, -2}));
  EXPECT_EQ(materialize_input(constant("%b", Shape{2}, {0.0, -3}, DType::boolean)).data,
            (std::vector<double>{0, 1}));
}

TEST(MaterializeInput, UniformIsTheDocumentedMappingOfMt19937_64) {
  const Value v = materialize_input(drawn(graph::Init::Kind::uniform, -2, 3, 42, Shape{4, 5}));
  std::mt19937_64 rng(42);
  for (double x : v.data) {
    const double u = static_cast<double>(rng() >> 11) * 0x1.0p-53;
    EXPECT_EQ(x, -2 + 5 * u);
    EXPECT_GE(x, -2);
    EXPECT_LT(x, 3);
  }
}

TEST(MaterializeInput, DrawsAreDeterministicPerSeed) {
  for (auto kind : {graph::Init::Kind::uniform, graph::Init::Kind::normal}) {
    const Value a = materialize_input(drawn(kind, 0, 1, 7, Shape{100}));
    const Value b = materialize_input(drawn(kind, 0, 1, 7, Shape{100}));
    const Value c = materialize_input(drawn(kind, 0, 1, 8, Shape{100}));
    EXPECT_EQ(a.data, b.data);
    EXPECT_NE(a.data, c.data);
  }
}

TEST(MaterializeInput, NormalHasTheRequestedMeanAndStddev) {
  const Value v = materialize_input(drawn(graph::Init::Kind::normal, 3, 2, 1, Shape{200, 100}));
  double sum = 0, sq = 0;
  for (double x : v.data) sum += x;
  const double mean = sum / static_cast<double>(v.data.size());
  for (double x : v.data) sq += (x - mean) * (x - mean);
  const double sd = std::sqrt(sq / static_cast<double>(v.data.size()));
  EXPECT_NEAR(mean, 3, 0.05);  // 5 standard errors (2/sqrt(20000) = 0.014)
  EXPECT_NEAR(sd, 2, 0.05);
  for (double x : v.data) EXPECT_TRUE(std::isfinite(x));
}

TEST(MaterializeInput, DrawsAreRoundedToF32) {
  const Value v = materialize_input(drawn(graph::Init::Kind::normal, 0, 1, 3, Shape{10}, DType::f32));
  for (double x : v.data) EXPECT_EQ(x, static_cast<double>(static_cast<float>(x)));
}

graph::Graph two_inputs() {
  graph::Graph g;
  g.inputs.push_back(constant("%x", Shape{2}, {1, 2}));
  g.inputs.push_back(constant("%y", Shape{}, {5}));
  return g;
}

TEST(MaterializeInputs, OverridesReplaceInitsByNameWithOrWithoutPercent) {
  const graph::Graph g = two_inputs();
  InputValues over;
  over["y"] = Value{DType::f64, Shape{}, {9}};
  const InputValues v = materialize_inputs(g, over);
  ASSERT_EQ(v.size(), 2u);
  EXPECT_EQ(v.at("%x").data, (std::vector<double>{1, 2}));
  EXPECT_EQ(v.at("%y").data, (std::vector<double>{9}));
}

TEST(MaterializeInputs, BadOverridesAreErrorsNamingTheInput) {
  const graph::Graph g = two_inputs();
  auto error_for = [&](const std::string& name, Value v) {
    InputValues over;
    over[name] = std::move(v);
    return message_of([&] { materialize_inputs(g, over); });
  };
  std::string m = error_for("%x", Value{DType::f32, Shape{2}, {1, 2}});
  EXPECT_NE(m.find("'x'"), std::string::npos) << m;
  EXPECT_NE(m.find("f32[2]"), std::string::npos) << m;
  m = error_for("%x", Value{DType::f64, Shape{3}, {1, 2, 3}});
  EXPECT_NE(m.find("'x'"), std::string::npos) << m;
  EXPECT_NE(m.find("[3]"), std::string::npos) << m;
  m = error_for("%x", Value{DType::f64, Shape{2}, {1}});
  EXPECT_NE(m.find("'x'"), std::string::npos) << m;
  EXPECT_NE(m.find("1 values"), std::string::npos) << m;
  m = error_for("%nope", Value{DType::f64, Shape{}, {1}});
  EXPECT_NE(m.find("'nope'"), std::string::npos) << m;
}

}  // namespace
}  // namespace tc::eut
