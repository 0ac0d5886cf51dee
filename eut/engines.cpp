#include "eut/engines.hpp"

#include <dlfcn.h>

#include <filesystem>

#include "engine/core/errors.hpp"
#include "eut/mutants/mutant.hpp"
#include "eut/plugin.hpp"

#ifdef TAPECHECK_WITH_LIBTORCH
#include "eut/libtorch/libtorch_engine.hpp"
#endif

namespace tc::eut {

namespace {

constexpr const char* kMutantPrefix = "mutant:";
constexpr const char* kPluginPrefix = "plugin:";

bool starts_with(const std::string& s, const char* prefix) { return s.rfind(prefix, 0) == 0; }

// Loads the plugin once per process (dlopen keeps it loaded); the factory calls its symbol.
EngineFactory plugin_factory(const std::string& path) {
  if (!std::filesystem::exists(path)) throw Error("--engine plugin:" + path + ": no such file");
  void* lib = ::dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!lib) throw Error("--engine plugin:" + path + ": cannot load it: " + std::string(::dlerror()));
  using AbiFn = int (*)();
  using MakeFn = EngineUnderTest* (*)();
  const auto abi = reinterpret_cast<AbiFn>(::dlsym(lib, "tapecheck_plugin_abi"));
  const auto make = reinterpret_cast<MakeFn>(::dlsym(lib, "tapecheck_make_engine"));
  if (!abi || !make)
    throw Error("--engine plugin:" + path +
                ": it does not define tapecheck_plugin_abi and tapecheck_make_engine "
                "(TAPECHECK_DEFINE_PLUGIN in eut/plugin.hpp)");
  if (abi() != TAPECHECK_PLUGIN_ABI)
    throw Error("--engine plugin:" + path + ": it was built for plugin interface " +
                std::to_string(abi()) + ", this tapecheck has " + std::to_string(TAPECHECK_PLUGIN_ABI) +
                "; rebuild it against these headers");
  return [make, path] {
    std::unique_ptr<EngineUnderTest> engine(make());
    if (!engine) throw Error("--engine plugin:" + path + ": tapecheck_make_engine returned null");
    return engine;
  };
}

std::string valid_names() {
  std::string s = "reference, mutant:<name> (tapecheck engines lists them)";
#ifdef TAPECHECK_WITH_LIBTORCH
  s += ", libtorch";
#endif
  return s + ", plugin:<path to .so>";
}

}  // namespace

std::vector<EngineListing> list_engines() {
  std::vector<EngineListing> out;
  out.push_back({"reference", "reference", "the reference engine: TensorFlow GradientTape semantics (engine/)"});
  for (const Mutant* m : mutants())
    out.push_back({std::string(kMutantPrefix) + m->name, "mutant",
                   std::string(m->sentence) + " [" + m->bug_class + "; mirrors " + m->mirrors + "]"});
#ifdef TAPECHECK_WITH_LIBTORCH
  out.push_back({"libtorch", "libtorch",
                 "PyTorch's autograd (libtorch 1.13) behind the same interface; its semantics differ from TF's "
                 "(docs/libtorch.md)"});
#endif
  return out;
}

EngineFactory engine_factory(const std::string& name) {
  if (name == "reference") return [] { return make_reference_engine(); };
  if (starts_with(name, kMutantPrefix)) {
    const std::string bare = name.substr(std::char_traits<char>::length(kMutantPrefix));
    const Mutant* m = find_mutant(bare);
    if (!m) throw Error("unknown engine '" + name + "': no mutant called '" + bare + "' (tapecheck engines lists them)");
    return [m, name] { return make_reference_engine(rules_of(*m), name); };
  }
#ifdef TAPECHECK_WITH_LIBTORCH
  if (name == "libtorch") return [] { return make_libtorch_engine(); };
#endif
  if (starts_with(name, kPluginPrefix))
    return plugin_factory(name.substr(std::char_traits<char>::length(kPluginPrefix)));
  throw Error("unknown engine '" + name + "'; engines: " + valid_names());
}

std::unique_ptr<EngineUnderTest> make_engine(const std::string& name) { return engine_factory(name)(); }

}  // namespace tc::eut
