// eut/engines.hpp: engines by name, the mutant catalogue's metadata, and the errors a wrong
// name gives.
#include "eut/engines.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <set>
#include <sstream>

#include "engine/core/errors.hpp"
#include "engine/tensor.hpp"
#include "eut/mutants/mutant.hpp"

namespace tc::eut {
namespace {

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

TEST(Engines, ListsTheReferenceThenEveryMutant) {
  const std::vector<EngineListing> all = list_engines();
  ASSERT_FALSE(all.empty());
  EXPECT_EQ(all[0].name, "reference");
  std::size_t mutant_count = 0;
  for (const EngineListing& e : all) mutant_count += e.kind == "mutant";
  EXPECT_EQ(mutant_count, mutants().size());
  EXPECT_GE(mutant_count, 30u);
}

TEST(Engines, EveryListedEngineCanBeMadeAndCarriesItsName) {
  for (const EngineListing& e : list_engines()) {
    const auto engine = make_engine(e.name);
    ASSERT_TRUE(engine) << e.name;
    EXPECT_EQ(engine->name(), e.name);
  }
}

TEST(Engines, EveryMutantSaysWhatItBreaksAndWhichPublicIssueItMirrors) {
  std::set<std::string> names;
  for (const Mutant* m : mutants()) {
    EXPECT_TRUE(names.insert(m->name).second) << "duplicate mutant " << m->name;
    EXPECT_GT(std::string(m->bug_class).size(), 5u) << m->name;
    EXPECT_GT(std::string(m->sentence).size(), 20u) << m->name;
    EXPECT_TRUE(contains(m->mirrors, "https://github.com/")) << m->name << ": " << m->mirrors;
    EXPECT_EQ(find_mutant(m->name), m);
    // Each replaces exactly one rule: a row, or a tape behaviour.
    const RuleSet rules = rules_of(*m);
    const RuleSet reference;
    const bool tape_changed = std::memcmp(&rules.tape, &reference.tape, sizeof(TapeRules)) != 0;
    EXPECT_NE(rules.replaces_anything(), tape_changed) << m->name;
  }
}

TEST(Engines, AnUnknownNameIsAnErrorListingTheValidOnes) {
  try {
    make_engine("refernce");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_TRUE(contains(e.what(), "unknown engine 'refernce'")) << e.what();
    EXPECT_TRUE(contains(e.what(), "reference")) << e.what();
    EXPECT_TRUE(contains(e.what(), "mutant:")) << e.what();
  }
  try {
    make_engine("mutant:no_such_bug");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_TRUE(contains(e.what(), "no mutant called 'no_such_bug'")) << e.what();
  }
}

TEST(Engines, APluginThatIsNotThereOrNotAPluginIsRefusedByName) {
  try {
    make_engine("plugin:/nonexistent/libengine.so");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_TRUE(contains(e.what(), "no such file")) << e.what();
  }
  try {
    make_engine("plugin:/etc/hostname");  // exists, not a shared library
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_TRUE(contains(e.what(), "cannot load it")) << e.what();
  }
}

bool libtorch_listed() {
  for (const EngineListing& e : list_engines())
    if (e.name == "libtorch") return true;
  return false;
}

bool maps_libtorch() {
  std::ifstream maps("/proc/self/maps");
  std::stringstream all;
  all << maps.rdbuf();
  return contains(all.str(), "libtorch");
}

// The libtorch adapter is a module loaded on `--engine libtorch`: a process that maps libtorch
// forks ~2.7 ms slower, and a campaign on any other engine forks per graph for nothing.
TEST(Engines, LibtorchIsMappedOnlyOnceTheLibtorchEngineIsAskedFor) {
  if (!libtorch_listed()) GTEST_SKIP() << "this build has no libtorch adapter (TAPECHECK_LIBTORCH)";
  // (The first test that makes every listed engine may have run before this one in the process.)
  if (!maps_libtorch()) {
    const auto reference = make_engine("reference");
    EXPECT_FALSE(maps_libtorch()) << "making the reference engine mapped libtorch";
  }
  const auto torch = make_engine("libtorch");
  EXPECT_EQ(torch->name(), "libtorch");
  EXPECT_TRUE(maps_libtorch());
}

// A plugin (the libtorch module is one) carries its own copy of the op table; the facts its
// profile states must be found by this process's rows, or every oracle judges it by TF's rules.
TEST(Engines, APluginsSemanticsProfileIsReadThroughThisProcesssOpRows) {
  if (!libtorch_listed()) GTEST_SKIP() << "this build has no libtorch adapter (TAPECHECK_LIBTORCH)";
  const auto torch = make_engine("libtorch");
  const SemanticsProfile& loaded = torch->semantics();
  const SemanticsProfile& expected = torch_profile();  // this process's copy, keyed by its rows
  EXPECT_STREQ(loaded.name, "torch");
  ASSERT_EQ(loaded.ops.size(), expected.ops.size());
  for (const auto& [row, rules] : expected.ops) {
    ASSERT_EQ(loaded.ops.count(row), 1u) << row->name << " is not keyed by this process's row";
    EXPECT_EQ(loaded.op(*row).kink_side, rules.kink_side) << row->name;
    EXPECT_EQ(loaded.op(*row).scan_of_one_reads_nothing, rules.scan_of_one_reads_nothing) << row->name;
    EXPECT_EQ(loaded.op(*row).product_reads_by_zeros, rules.product_reads_by_zeros) << row->name;
  }
}

// A campaign's worker checks several graphs, each with the tensor ids a process of its own
// gives them: the engine's restart is this process's for the reference engine and the mutants,
// and a module's own copy's for libtorch (it has its own engine library, ids included).
TEST(Engines, TheReferenceEnginesTensorIdsRestartWithThisProcesss) {
  for (const char* name : {"reference", "mutant:sub_sign_flipped"}) {
    const std::function<void()> restart = tensor_id_restart(name);
    ASSERT_TRUE(restart) << name;
    for (int i = 0; i < 2000; ++i) (void)Tensor::scalar(1.0);
    restart();
    EXPECT_EQ(Tensor::scalar(1.0).id(), 1) << name;
  }
}

TEST(Engines, TheLibtorchModuleRestartsItsOwnTensorIdsNotThisProcesss) {
  if (!libtorch_listed()) GTEST_SKIP() << "this build has no libtorch adapter (TAPECHECK_LIBTORCH)";
  const std::function<void()> restart = tensor_id_restart("libtorch");
  ASSERT_TRUE(restart) << "the module does not export tapecheck_restart_tensor_ids";
  const std::int64_t before = Tensor::scalar(1.0).id();
  restart();
  EXPECT_GT(Tensor::scalar(1.0).id(), before);  // this process's counter went on
}

TEST(Engines, AMissingLibtorchModuleIsAnErrorNamingItsPath) {
  if (!libtorch_listed()) GTEST_SKIP() << "this build has no libtorch adapter (TAPECHECK_LIBTORCH)";
  ::setenv("TAPECHECK_LIBTORCH_MODULE", "/nonexistent/libtapecheck_libtorch.so", 1);
  try {
    make_engine("libtorch");
    ::unsetenv("TAPECHECK_LIBTORCH_MODULE");
    FAIL() << "no error";
  } catch (const Error& e) {
    ::unsetenv("TAPECHECK_LIBTORCH_MODULE");
    EXPECT_TRUE(contains(e.what(), "--engine libtorch")) << e.what();
    EXPECT_TRUE(contains(e.what(), "/nonexistent/libtapecheck_libtorch.so")) << e.what();
    EXPECT_TRUE(contains(e.what(), "no such file")) << e.what();
  }
}

}  // namespace
}  // namespace tc::eut
