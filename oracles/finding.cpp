#include "oracles/finding.hpp"

namespace tc::oracles {

const char* outcome_name(Outcome o) {
  switch (o) {
    case Outcome::agree: return "agree";
    case Outcome::mismatch: return "mismatch";
    case Outcome::inconclusive: return "inconclusive";
    case Outcome::not_applicable: return "not_applicable";
  }
  return "?";
}

bool all_agree(const std::vector<Finding>& findings) {
  for (const Finding& f : findings)
    if (f.outcome == Outcome::mismatch) return false;
  return true;
}

}  // namespace tc::oracles
