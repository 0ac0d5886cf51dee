#include "eut/error_kind.hpp"

#include "engine/core/errors.hpp"

namespace tc::eut {

namespace {

struct Words {
  ErrorKind kind;
  const char* name;    // the findings log's spelling
  const char* phrase;  // for sentences
};

// In ErrorKind's order.
constexpr Words kWords[] = {
    {ErrorKind::shape, "shape", "a shape error"},
    {ErrorKind::dtype, "dtype", "a dtype error"},
    {ErrorKind::tape, "tape", "a tape error"},
    {ErrorKind::limit, "limit", "a size-limit error"},
    {ErrorKind::none_used, "none_used", "an error for a None gradient used later"},
    {ErrorKind::no_gradients, "no_gradients", "an optimizer error for a step without any gradient"},
    {ErrorKind::other, "other", "an error"},
    {ErrorKind::unsupported, "unsupported", "an op the engine does not support"},
    {ErrorKind::input, "input", "an error in the input values"},
    {ErrorKind::engine_threw, "engine_threw", "an exception the engine threw instead of reporting"},
    {ErrorKind::crash, "crash", "a crash"},
    {ErrorKind::timeout, "timeout", "a timeout"},
};

const Words& words(ErrorKind k) {
  const auto i = static_cast<std::size_t>(k);
  return i < std::size(kWords) && kWords[i].kind == k ? kWords[i] : kWords[static_cast<std::size_t>(ErrorKind::other)];
}

}  // namespace

const char* error_kind_name(ErrorKind k) { return words(k).name; }
const char* error_kind_phrase(ErrorKind k) { return words(k).phrase; }

std::optional<ErrorKind> parse_error_kind(std::string_view name) {
  for (const Words& w : kWords)
    if (name == w.name) return w.kind;
  return std::nullopt;
}

ErrorKind classify_error(const std::exception& e) {
  if (dynamic_cast<const NoneUsedError*>(&e)) return ErrorKind::none_used;
  if (dynamic_cast<const NoGradientsError*>(&e)) return ErrorKind::no_gradients;
  if (dynamic_cast<const ShapeError*>(&e)) return ErrorKind::shape;
  if (dynamic_cast<const DTypeError*>(&e)) return ErrorKind::dtype;
  if (dynamic_cast<const TapeError*>(&e)) return ErrorKind::tape;
  if (dynamic_cast<const LimitError*>(&e)) return ErrorKind::limit;
  return ErrorKind::other;
}

}  // namespace tc::eut
