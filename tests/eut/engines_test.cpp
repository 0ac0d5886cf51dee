// eut/engines.hpp: engines by name, the mutant catalogue's metadata, and the errors a wrong
// name gives.
#include "eut/engines.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <set>

#include "engine/core/errors.hpp"
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

}  // namespace
}  // namespace tc::eut
