// Mutant engines: the reference engine with one rule replaced, each mirroring a gradient bug
// that a real engine shipped. A mutant that the suite does not kill is a finding about the
// suite (a generator, oracle or tolerance that let the bug through), never about the mutant.
//
// Each mutant lives in its own file, eut/mutants/<name>.cpp, listed once in mutants.inc. It
// replaces one op-table row's VJP / forward / kink rule, or one tape behaviour, in a RuleSet
// (engine/rules.hpp) from outside the engine: the engine itself never asks which it is.
#pragma once
#include <string_view>
#include <vector>

#include "engine/rules.hpp"

namespace tc::eut {

struct Mutant {
  const char* name;       // "add_broadcast_not_reduced"; the engine is "mutant:<name>"
  const char* bug_class;  // the class of real-world bug it belongs to
  const char* sentence;   // what it does wrong, in one sentence
  const char* mirrors;    // the public issue or pull request it mirrors
  void (*mutate)(RuleSet& rules);  // replaces its one rule in the reference rules
};

// Every mutant, in the order of mutants.inc.
const std::vector<const Mutant*>& mutants();

// The mutant called `name`, or null.
const Mutant* find_mutant(std::string_view name);

// The reference rules with `m`'s one rule replaced.
RuleSet rules_of(const Mutant& m);

}  // namespace tc::eut
