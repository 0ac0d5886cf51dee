// What kind of error a run stopped with, at the engine-under-test boundary: the kinds an
// engine raises (shape, dtype, tape, limit, a None result used, an optimizer step without
// gradients, other, unsupported) and the ones the harness records about a run (bad input
// values, an engine that threw, a crashed or timed-out worker). Each kind has its name — the
// findings log's spelling, stable — and its phrase for sentences ("the engine stopped with a
// shape error", "... with an error").
#pragma once
#include <cstdint>
#include <exception>
#include <optional>
#include <string_view>

namespace tc::eut {

enum class ErrorKind : std::uint8_t {
  shape,         // incompatible shapes, a bad axis (R15)
  dtype,         // a dtype an op does not take
  tape,          // tape misuse: a second gradient() on a non-persistent tape (R9), ...
  limit,         // a size cap: elements per tensor, nodes per tape, loop iterations
  none_used,     // a None gradient result used by a later statement
  no_gradients,  // an optimizer step given no gradient for any variable (R14)
  other,         // any other error the engine raised
  unsupported,   // the engine lacks an op (or an op for that dtype): a graph to skip, not a finding
  input,         // input values that do not fit the graph: no engine ran
  engine_threw,  // the engine threw instead of reporting: a broken engine
  crash,         // the process checking the graph died
  timeout,       // checking the graph took longer than allowed
};

const char* error_kind_name(ErrorKind);  // "shape", "none_used", ... as the findings log spells it
std::optional<ErrorKind> parse_error_kind(std::string_view name);
// A noun phrase with its article: "a shape error", "an error", "a timeout".
const char* error_kind_phrase(ErrorKind);

// The kind of a tc::Error an engine or model raised (ShapeError -> shape, NoneUsedError ->
// none_used, NoGradientsError -> no_gradients, ..., anything else -> other).
ErrorKind classify_error(const std::exception& e);

// So that a kind compares with its name (tests, logs read back): kind == "tape".
inline bool operator==(ErrorKind k, std::string_view name) { return name == error_kind_name(k); }
inline bool operator!=(ErrorKind k, std::string_view name) { return !(k == name); }

}  // namespace tc::eut
