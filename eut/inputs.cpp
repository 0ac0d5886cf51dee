#include "eut/inputs.hpp"

#include <cmath>
#include <cstdint>
#include <random>
#include <set>

#include "engine/core/errors.hpp"

namespace tc::eut {

namespace {

// A uniform double in [0, 1) from the top 53 bits of one draw.
double unit_interval(std::mt19937_64& rng) {
  return static_cast<double>(rng() >> 11) * 0x1.0p-53;
}

// Standard normals by Box–Muller, both outputs of each pair used in order. u1 is drawn from
// (0, 1] so that log(u1) is finite.
class NormalDraws {
 public:
  explicit NormalDraws(std::uint64_t seed) : rng_(seed) {}
  double next() {
    if (have_spare_) {
      have_spare_ = false;
      return spare_;
    }
    constexpr double kTwoPi = 6.283185307179586476925286766559;
    const double u1 = static_cast<double>((rng_() >> 11) + 1) * 0x1.0p-53;
    const double u2 = unit_interval(rng_);
    const double r = std::sqrt(-2.0 * std::log(u1));
    spare_ = r * std::sin(kTwoPi * u2);
    have_spare_ = true;
    return r * std::cos(kTwoPi * u2);
  }

 private:
  std::mt19937_64 rng_;
  double spare_ = 0;
  bool have_spare_ = false;
};

std::string describe(const Value& v) {
  return std::string(dtype_name(v.dtype)) + v.shape.str();
}

std::string describe(const graph::Input& in) {
  return std::string(dtype_name(in.dtype)) + in.shape.str();
}

}  // namespace

std::string bare_name(const std::string& ir_name) {
  return !ir_name.empty() && ir_name[0] == '%' ? ir_name.substr(1) : ir_name;
}

Value materialize_input(const graph::Input& input) {
  Value v;
  v.dtype = input.dtype;
  v.shape = input.shape;
  const auto n = static_cast<std::size_t>(input.shape.numel());
  const graph::Init& init = input.init;
  switch (init.kind) {
    case graph::Init::Kind::values:
      if (init.values.size() != n)
        throw Error("input '" + bare_name(input.name) + "': " + std::to_string(init.values.size()) +
                    " values listed for shape " + input.shape.str() + " (" + std::to_string(n) +
                    " elements)");
      v.data = init.values;
      break;
    case graph::Init::Kind::uniform: {
      std::mt19937_64 rng(init.seed);
      v.data.resize(n);
      for (double& x : v.data) x = init.a + (init.b - init.a) * unit_interval(rng);
      break;
    }
    case graph::Init::Kind::normal: {
      NormalDraws draws(init.seed);
      v.data.resize(n);
      for (double& x : v.data) x = init.a + init.b * draws.next();
      break;
    }
  }
  for (double& x : v.data) x = round_to_dtype(x, input.dtype);
  return v;
}

void for_each_input_value(const graph::Graph& g, const InputValues& overrides,
                          const std::function<void(const graph::Input&, const Value&)>& visit) {
  // Every override must name an input. Inputs' names are distinct, so overrides matched by
  // their exact names are distinct too: counting them is enough unless a bare name matched
  // (the oracles' hot loops pass every input by its exact name, each run).
  auto override_of = [&](const graph::Input& input) {  // by its exact name, else its bare one
    auto it = overrides.find(input.name);
    for (auto o = overrides.begin(); o != overrides.end() && it == overrides.end(); ++o)
      if (bare_name(o->first) == bare_name(input.name)) it = o;
    return it;
  };
  std::size_t exact = 0;
  bool by_bare_name = false;
  for (const graph::Input& input : g.inputs) {
    const auto it = override_of(input);
    if (it == overrides.end()) {
      visit(input, materialize_input(input));
      continue;
    }
    if (it->first == input.name) ++exact;
    else by_bare_name = true;
    const Value& given = it->second;
    if (given.dtype != input.dtype || given.shape != input.shape)
      throw Error("input '" + bare_name(input.name) + "': the value given is " + describe(given) +
                  ", the graph declares " + describe(input));
    if (given.data.size() != static_cast<std::size_t>(input.shape.numel()))
      throw Error("input '" + bare_name(input.name) + "': " + std::to_string(given.data.size()) +
                  " values given for shape " + input.shape.str() + " (" + std::to_string(input.shape.numel()) +
                  " elements)");
    visit(input, given);
  }
  if (exact == overrides.size() && !by_bare_name) return;
  std::set<std::string> used;
  for (const graph::Input& input : g.inputs)
    if (const auto it = override_of(input); it != overrides.end()) used.insert(it->first);
  for (const auto& [name, value] : overrides)
    if (!used.count(name)) throw Error("input '" + bare_name(name) + "': the graph has no input of that name");
}

InputValues materialize_inputs(const graph::Graph& g, const InputValues& overrides) {
  InputValues out;
  for_each_input_value(g, overrides, [&](const graph::Input& input, const Value& value) {
    Value& v = out.emplace_hint(out.end(), input.name, value)->second;
    if (v.dtype != DType::f64)
      for (double& x : v.data) x = round_to_dtype(x, v.dtype);
  });
  return out;
}

InputValues materialize_tangents(const graph::Graph& g, const InputValues& tangents) {
  graph::Graph zeros;
  for (graph::Input in : g.inputs) {
    in.init.kind = graph::Init::Kind::values;
    in.init.values.assign(static_cast<std::size_t>(in.shape.numel()), 0.0);
    zeros.inputs.push_back(std::move(in));
  }
  return materialize_inputs(zeros, tangents);
}

}  // namespace tc::eut
