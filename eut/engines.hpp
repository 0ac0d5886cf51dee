// Engines under test by name, for every command and target that runs one:
//   reference         the reference engine (engine/)
//   mutant:<name>     the reference engine with one rule replaced (eut/mutants/)
//   libtorch          PyTorch's autograd through libtorch, when tapecheck was built with it: a
//                     module loaded on first use (libtapecheck_libtorch.so, eut/libtorch/)
//   plugin:<path.so>  a user's engine in a shared library (eut/plugin.hpp), loaded with dlopen
#pragma once
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "eut/engine_under_test.hpp"

namespace tc::eut {

struct EngineListing {
  std::string name;         // what --engine takes
  std::string kind;         // "reference", "mutant", "libtorch"
  std::string description;  // one sentence (a mutant's bug, its class and the issue it mirrors)
};

// Every engine that can be named without a path, in a fixed order: reference, the mutants in
// catalogue order, libtorch when built.
std::vector<EngineListing> list_engines();

// A factory for the engine called `name`; tc::Error naming the valid names (or the plugin's
// problem: no such file, no factory symbol, another interface version) otherwise. Each call
// of the factory makes a fresh engine (one per thread or per worker process).
EngineFactory engine_factory(const std::string& name);

// engine_factory(name)().
std::unique_ptr<EngineUnderTest> make_engine(const std::string& name);

// What restarts the tensor ids of the engine called `name` (restart_tensor_ids(),
// engine/tensor.hpp), so that a graph checked after others is checked as in a process of its
// own: this process's for the reference engine and the mutants; a module's or a plugin's own
// copy's through its tapecheck_restart_tensor_ids (eut/plugin.hpp); empty for a plugin without
// one. tc::Error as engine_factory.
std::function<void()> tensor_id_restart(const std::string& name);

}  // namespace tc::eut
