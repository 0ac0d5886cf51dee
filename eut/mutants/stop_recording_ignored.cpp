// ops inside stop_recording recorded: a paused tape keeps recording, so values computed inside stop_recording carry gradient
// Mirrors https://github.com/dmlc/minpy/issues/155
#include "engine/api.hpp"
#include "engine/ops/grad_util.hpp"
#include "engine/ops/op_rows.hpp"
#include "eut/mutants/mutant.hpp"

namespace tc::eut {
namespace {

bool records(bool started, int) { return started; }

void mutate(RuleSet& rules) { rules.tape.records = &records; }

}  // namespace

extern const Mutant mutant_stop_recording_ignored{
    "stop_recording_ignored", "ops inside stop_recording recorded",
    "a paused tape keeps recording, so values computed inside stop_recording carry gradient",
    "https://github.com/dmlc/minpy/issues/155", &mutate};

}  // namespace tc::eut
