// The two symbols `--engine plugin:libmy_engine.so` looks for.
#include "eut/plugin.hpp"
#include "my_engine.hpp"

TAPECHECK_DEFINE_PLUGIN(MyEngine)
