#include "eut/engines.hpp"

#include <dlfcn.h>

#include <cstdlib>
#include <filesystem>

#include "engine/core/errors.hpp"
#include "engine/ops/op_table.hpp"
#include "engine/tensor.hpp"
#include "eut/mutants/mutant.hpp"
#include "eut/plugin.hpp"

namespace tc::eut {

namespace {

constexpr const char* kMutantPrefix = "mutant:";
constexpr const char* kPluginPrefix = "plugin:";

bool starts_with(const std::string& s, const char* prefix) { return s.rfind(prefix, 0) == 0; }

// A plugin links its own copy of tapecheck's libraries, op table included, so the rows its
// semantics profile is keyed by are not this process's rows: looked up by this process's
// oracles, every fact in it would be missed (the engine judged by TF's rules). The profile is
// re-keyed onto this process's table, by each row's name, once per plugin.
SemanticsProfile rekeyed_onto_this_table(const SemanticsProfile& theirs, const std::string& what) {
  SemanticsProfile ours = theirs;
  ours.ops.clear();
  for (const auto& [row, rules] : theirs.ops) {
    const OpDef* same = find_op(row->name);
    if (!same)
      throw Error(what + ": its semantics profile states rules for op '" + row->name +
                  "', which this tapecheck's op table does not have; rebuild it against these headers");
    ours.ops.emplace(same, rules);
  }
  return ours;
}

// A plugin's engine, as this process's oracles read it: everything forwarded, the profile
// re-keyed.
class PluginEngine final : public EngineUnderTest {
 public:
  PluginEngine(std::unique_ptr<EngineUnderTest> engine, std::shared_ptr<const SemanticsProfile> profile)
      : engine_(std::move(engine)), profile_(std::move(profile)) {}
  std::string name() const override { return engine_->name(); }
  Capabilities capabilities() const override { return engine_->capabilities(); }
  const SemanticsProfile& semantics() const override { return *profile_; }
  RunResult run(const graph::Graph& g, const InputValues& inputs) override { return engine_->run(g, inputs); }
  RunResult run_for_gradients(const graph::Graph& g, const InputValues& inputs) override {
    return engine_->run_for_gradients(g, inputs);
  }
  std::optional<std::map<std::string, Value>> jvp(const graph::Graph& g, const InputValues& inputs,
                                                  const InputValues& tangents) override {
    return engine_->jvp(g, inputs, tangents);
  }

 private:
  std::unique_ptr<EngineUnderTest> engine_;
  std::shared_ptr<const SemanticsProfile> profile_;
};

// Loads the plugin once per process (dlopen keeps it loaded); the factory calls its symbol.
// `what` names it in errors: the --engine argument, and where that is not the path, the path.
EngineFactory plugin_factory(const std::string& path, const std::string& what) {
  if (!std::filesystem::exists(path)) throw Error(what + ": no such file");
  void* lib = ::dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!lib) throw Error(what + ": cannot load it: " + std::string(::dlerror()));
  using AbiFn = int (*)();
  using MakeFn = EngineUnderTest* (*)();
  const auto abi = reinterpret_cast<AbiFn>(::dlsym(lib, "tapecheck_plugin_abi"));
  const auto make = reinterpret_cast<MakeFn>(::dlsym(lib, "tapecheck_make_engine"));
  if (!abi || !make)
    throw Error(what +
                ": it does not define tapecheck_plugin_abi and tapecheck_make_engine "
                "(TAPECHECK_DEFINE_PLUGIN in eut/plugin.hpp)");
  if (abi() != TAPECHECK_PLUGIN_ABI)
    throw Error(what + ": it was built for plugin interface " +
                std::to_string(abi()) + ", this tapecheck has " + std::to_string(TAPECHECK_PLUGIN_ABI) +
                "; rebuild it against these headers");
  auto make_checked = [make, what] {
    std::unique_ptr<EngineUnderTest> engine(make());
    if (!engine) throw Error(what + ": tapecheck_make_engine returned null");
    return engine;
  };
  // The profile is a fact of the engine, not of an instance: re-keyed once, shared by all.
  const auto profile = std::make_shared<const SemanticsProfile>(rekeyed_onto_this_table(make_checked()->semantics(), what));
  return [make_checked, profile]() -> std::unique_ptr<EngineUnderTest> {
    return std::make_unique<PluginEngine>(make_checked(), profile);
  };
}

#ifdef TAPECHECK_LIBTORCH_MODULE
// The libtorch adapter's module: $TAPECHECK_LIBTORCH_MODULE, else where the build put it
// relative to this program (the build tree and an installed prefix lay them out alike).
std::string libtorch_module_path() {
  if (const char* env = std::getenv("TAPECHECK_LIBTORCH_MODULE"); env && *env) return env;
  std::error_code ec;
  const std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) throw Error("--engine libtorch: cannot find this program's directory (/proc/self/exe: " + ec.message() +
                      "); set TAPECHECK_LIBTORCH_MODULE to libtapecheck_libtorch.so's path");
  return (self.parent_path() / TAPECHECK_LIBTORCH_MODULE).lexically_normal().string();
}
#endif

std::string valid_names();

// The shared library an engine name loads: libtorch's module or a plugin's path; "" for an
// engine of this process (the reference, the mutants). tc::Error for a name no engine has.
std::string library_of(const std::string& name) {
  if (name == "reference" || starts_with(name, kMutantPrefix)) return "";
#ifdef TAPECHECK_LIBTORCH_MODULE
  if (name == "libtorch") return libtorch_module_path();
#endif
  if (starts_with(name, kPluginPrefix)) return name.substr(std::char_traits<char>::length(kPluginPrefix));
  throw Error("unknown engine '" + name + "'; engines: " + valid_names());
}

std::string valid_names() {
  std::string s = "reference, mutant:<name> (tapecheck engines lists them)";
#ifdef TAPECHECK_LIBTORCH_MODULE
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
#ifdef TAPECHECK_LIBTORCH_MODULE
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
  const std::string path = library_of(name);
  return plugin_factory(path, name == "libtorch" ? "--engine libtorch (its module " + path + ")" : "--engine " + name);
}

std::unique_ptr<EngineUnderTest> make_engine(const std::string& name) { return engine_factory(name)(); }

std::function<void()> tensor_id_restart(const std::string& name) {
  const std::string path = library_of(name);
  if (path.empty()) return [] { restart_tensor_ids(); };
  // The handle the engine's factory loaded (dlopen counts; neither is ever closed).
  void* lib = ::dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!lib) throw Error("--engine " + name + ": cannot load it: " + std::string(::dlerror()));
  using RestartFn = void (*)();
  const auto restart = reinterpret_cast<RestartFn>(::dlsym(lib, "tapecheck_restart_tensor_ids"));
  if (!restart) return {};
  return restart;
}

}  // namespace tc::eut
