// A user's engine as a plugin: build a shared library that defines
//
//   extern "C" int tapecheck_plugin_abi() { return TAPECHECK_PLUGIN_ABI; }
//   extern "C" tc::eut::EngineUnderTest* tapecheck_make_engine() { return new MyEngine; }
//
// (TAPECHECK_DEFINE_PLUGIN(MyEngine) writes both), and run any command with
// `--engine plugin:path/to/libmyengine.so`. The library is built against the same
// tapecheck headers and C++ standard library as the tapecheck that loads it: the ABI number
// changes whenever eut/engine_under_test.hpp does, and a mismatch is refused by name.
#pragma once
#include "eut/engine_under_test.hpp"

#define TAPECHECK_PLUGIN_ABI 3  // 3: EngineUnderTest::run_for_gradients

#define TAPECHECK_DEFINE_PLUGIN(EngineClass)                                                    \
  extern "C" int tapecheck_plugin_abi() { return TAPECHECK_PLUGIN_ABI; }                         \
  extern "C" ::tc::eut::EngineUnderTest* tapecheck_make_engine() { return new EngineClass(); }
