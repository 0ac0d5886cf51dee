// a trainable=false variable auto-watched: reading a non-trainable variable while a tape records watches it, so it gets a gradient
// Mirrors https://github.com/tensorflow/tensorflow/issues/23639 (and tensorflow/tfjs-core#537)
#include "engine/api.hpp"
#include "engine/ops/grad_util.hpp"
#include "engine/ops/op_rows.hpp"
#include "eut/mutants/mutant.hpp"

namespace tc::eut {
namespace {

bool auto_watches(const VariableInfo&, bool watch_accessed_variables) { return watch_accessed_variables; }

void mutate(RuleSet& rules) { rules.tape.auto_watches = &auto_watches; }

}  // namespace

extern const Mutant mutant_non_trainable_auto_watched{
    "non_trainable_auto_watched", "a trainable=false variable auto-watched",
    "reading a non-trainable variable while a tape records watches it, so it gets a gradient",
    "https://github.com/tensorflow/tensorflow/issues/23639", &mutate};

}  // namespace tc::eut
