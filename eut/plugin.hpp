// A user's engine as a plugin: build a shared library that defines
//
//   extern "C" int tapecheck_plugin_abi() { return TAPECHECK_PLUGIN_ABI; }
//   extern "C" tc::eut::EngineUnderTest* tapecheck_make_engine() { return new MyEngine; }
//
// (TAPECHECK_DEFINE_PLUGIN(MyEngine) writes both, and the optional third symbol below), and
// run any command with
// `--engine plugin:path/to/libmyengine.so`. The library is built against the same
// tapecheck headers and C++ standard library as the tapecheck that loads it: the ABI number
// changes whenever eut/engine_under_test.hpp does, and a mismatch is refused by name.
#pragma once
#include "engine/tensor.hpp"
#include "eut/engine_under_test.hpp"

#define TAPECHECK_PLUGIN_ABI 3  // 3: EngineUnderTest::run_for_gradients

// Optional: restarts the tensor ids of the plugin's own copy of tapecheck's engine library, so
// that a campaign's worker can check several graphs one after another, each as in a process of
// its own (a plugin without it gets a worker process per graph: slower, the same log).
#define TAPECHECK_PLUGIN_RESTARTS_TENSOR_IDS \
  extern "C" void tapecheck_restart_tensor_ids() { ::tc::restart_tensor_ids(); }

#define TAPECHECK_DEFINE_PLUGIN(EngineClass)                                                    \
  extern "C" int tapecheck_plugin_abi() { return TAPECHECK_PLUGIN_ABI; }                         \
  extern "C" ::tc::eut::EngineUnderTest* tapecheck_make_engine() { return new EngineClass(); } \
  TAPECHECK_PLUGIN_RESTARTS_TENSOR_IDS
