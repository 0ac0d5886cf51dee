// The libtorch adapter as a module the engine registry loads on `--engine libtorch`
// (eut/engines.cpp), through the plugin interface every user's engine uses (eut/plugin.hpp).
// Why a module: a process that maps libtorch (~280 shared libraries) forks ~2.7 ms slower, and a
// campaign forks a worker per batch of graphs; linked into the CLI it made reference campaigns 37 % slower
// although they never touch torch (BENCHMARKS.md, "Loading libtorch only when asked").
#include "eut/libtorch/libtorch_engine.hpp"
#include "eut/plugin.hpp"

extern "C" int tapecheck_plugin_abi() { return TAPECHECK_PLUGIN_ABI; }
extern "C" ::tc::eut::EngineUnderTest* tapecheck_make_engine() { return ::tc::eut::make_libtorch_engine().release(); }
TAPECHECK_PLUGIN_RESTARTS_TENSOR_IDS
