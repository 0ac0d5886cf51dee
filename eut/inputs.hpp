// Input values for a graph run: each Input's `Init` made concrete, deterministically.
//
// The same (Init, dtype, shape) gives the same values on every platform and standard library:
// draws come from std::mt19937_64 (whose output sequence the C++ standard fixes) mapped to
// [0, 1) with 53 random bits, and normals use our own Box–Muller, never the library's
// distributions (whose algorithms are unspecified). Every value is rounded to the dtype as
// the engine rounds a constant (round_to_dtype).
#pragma once
#include <functional>
#include <string>

#include "eut/engine_under_test.hpp"

namespace tc::eut {

// The values of one input from its Init: `values` as listed, or `uniform(a, b)` /
// `normal(mean a, stddev b)` drawn from `seed`. tc::Error naming the input if a listed
// Init has the wrong number of values.
Value materialize_input(const graph::Input& input);

// A value for every input of `g`: the override of that name where given (checked against the
// input's dtype and shape, and rounded to the dtype), else the input's Init. Overrides may
// name an input with or without its leading '%'. tc::Error naming the input for a wrong
// dtype, shape or value count, and for an override that names no input.
InputValues materialize_inputs(const graph::Graph& g, const InputValues& overrides);

// materialize_inputs without the map, for a caller that copies each value into its own store
// anyway (an engine's setup, once per run of every oracle's hot loop): `visit(input, value)`
// for each input of `g` in order, `value` the override as given — checked, *not yet rounded*
// to the dtype — or the Init's values (rounded). Throws as materialize_inputs does; an
// override naming no input is found after every input was visited.
void for_each_input_value(const graph::Graph& g, const InputValues& overrides,
                          const std::function<void(const graph::Input&, const Value&)>& visit);

// A tangent for every input of `g` (forward mode): the one given in `tangents` (checked like an
// override), zeros otherwise.
InputValues materialize_tangents(const graph::Graph& g, const InputValues& tangents);

// "x" for "%x" (and for "x"): the name engines and explanations use.
std::string bare_name(const std::string& ir_name);

}  // namespace tc::eut
