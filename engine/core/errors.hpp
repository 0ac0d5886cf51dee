// The error types tapecheck raises. Nothing in the engine aborts: every misuse is one of these.
#pragma once
#include <stdexcept>
#include <string>

namespace tc {

struct Error : std::runtime_error {
  using std::runtime_error::runtime_error;
};
// Incompatible shapes, bad axes, wrong arity: raised at the op (R15) with both shapes.
struct ShapeError : Error {
  using Error::Error;
};
struct DTypeError : Error {
  using Error::Error;
};
// Misuse of a tape: second gradient() on a non-persistent tape (R9), unknown source, ...
struct TapeError : Error {
  using Error::Error;
};
// A size cap (elements per tensor, nodes per tape, loop iterations) was exceeded.
struct LimitError : Error {
  using Error::Error;
};
// A None gradient result used by a later statement (TF raises; the value does not exist).
struct NoneUsedError : Error {
  using Error::Error;
};
// Optimizer step with no gradient for any variable (R14).
struct NoGradientsError : Error {
  using Error::Error;
};

}  // namespace tc
