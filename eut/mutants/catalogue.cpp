#include "eut/mutants/mutant.hpp"

namespace tc::eut {

#define TC_MUTANT(name) extern const Mutant mutant_##name;
#include "eut/mutants/mutants.inc"
#undef TC_MUTANT

const std::vector<const Mutant*>& mutants() {
  static const std::vector<const Mutant*> all = {
#define TC_MUTANT(name) &mutant_##name,
#include "eut/mutants/mutants.inc"
#undef TC_MUTANT
  };
  return all;
}

const Mutant* find_mutant(std::string_view name) {
  for (const Mutant* m : mutants())
    if (name == m->name) return m;
  return nullptr;
}

RuleSet rules_of(const Mutant& m) {
  RuleSet rules;
  m.mutate(rules);
  return rules;
}

}  // namespace tc::eut
