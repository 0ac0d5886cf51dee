// Why a gradient is None (SEMANTICS R13), as data and as one readable sentence.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "engine/ops/op_def.hpp"

namespace tc {

enum class NoneReason : std::uint8_t {
  not_watched,      // the source is not watched (constant, non-trainable, watch_accessed=false)
  integer_source,   // the source is integer/bool: never carries gradient (R3)
  integer_target,   // the target is integer/bool: every gradient is None (R3)
  no_path,          // the target does not depend on the source at all
  cut,              // every path is cut; `cuts` holds the cut nearest the target on each path
};

enum class CutRule : std::uint8_t {
  stop_gradient,       // stop_gradient on the path
  non_differentiable,  // an op with no gradient (round, argmax, comparisons, where's condition)
  integer_dtype,       // an integer/bool value on the path (cast to int, gather indices)
  untaken_branch,      // the source feeds only the branch of cond that did not run
  outside_recording,   // the op ran while the tape was not recording (before start / after stop)
  stop_recording,      // the op ran inside tape.stop_recording()
};
// The vocabulary's words ("stop_gradient", "non-differentiable", ...; "not watched", "no path",
// ...): spelled here only. The connectivity oracle names its predictions with the same words
// (oracles::rule_words / reason_words forward to these) so a report can set them side by side.
const char* cut_rule_name(CutRule);
const char* none_reason_name(NoneReason);

// The cut an op input's gradient rule (the op table's InputGrad) makes: stop_gradient,
// non-differentiable (a predicate too), integer dtype (an integer index); nullopt for a
// differentiable input.
std::optional<CutRule> cut_rule_of(InputGrad);

struct Cut {
  std::string node;   // label of the node whose input edge is cut, e.g. "'y'" or "#12 (round)"
  std::string op;     // op name ("cond" for an untaken branch)
  int input = 0;      // which input of that node
  CutRule rule;
  std::string input_node;  // label of that input, e.g. "#11 (argmax)"
  std::string input_dtype; // its dtype name, for integer_dtype cuts
};

struct Explanation {
  NoneReason reason;
  std::string target, source;  // labels
  std::string detail;          // e.g. "'w' is a Variable with trainable=false"
  std::vector<Cut> cuts;
  std::string sentence() const;
};

}  // namespace tc
