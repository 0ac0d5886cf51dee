// Every mutant is caught by the suite on its witness, corpus/mutants/<name>.tcg: a small graph
// on which its bug shows. The reference engine passes the same graph (no false alarm), and the
// mutant gets a mismatch from some oracle. (How quickly random graphs catch each mutant, without
// a witness, is `tapecheck mutants`'s measure.)
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "eut/engines.hpp"
#include "eut/mutants/mutant.hpp"
#include "graph/tcg.hpp"
#include "oracles/check_all.hpp"

namespace tc::eut {
namespace {

namespace fs = std::filesystem;

std::string read(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

fs::path witness_of(const Mutant& m) { return fs::path(TAPECHECK_MUTANT_CORPUS_DIR) / (std::string(m.name) + ".tcg"); }

std::string mismatches(const oracles::CheckReport& r) {
  std::string s;
  for (const oracles::Finding& f : r.findings)
    if (f.outcome == oracles::Outcome::mismatch) s += f.oracle + ": " + f.detail + "\n";
  return s;
}

class Witness : public ::testing::TestWithParam<const Mutant*> {};

TEST_P(Witness, TheReferencePassesAndTheMutantIsCaught) {
  const Mutant& m = *GetParam();
  const fs::path file = witness_of(m);
  ASSERT_TRUE(fs::exists(file)) << "no witness graph " << file;
  const graph::Graph g = graph::parse_tcg(read(file));
  oracles::CheckOptions options;
  const oracles::CheckReport reference = oracles::check_graph(g, *make_reference_engine(), options);
  EXPECT_NE(reference.verdict, oracles::Verdict::mismatch) << "false alarm on the reference engine:\n"
                                                             << mismatches(reference);
  const oracles::CheckReport mutant = oracles::check_graph(g, *make_engine(std::string("mutant:") + m.name), options);
  EXPECT_EQ(mutant.verdict, oracles::Verdict::mismatch) << m.name << " survived its witness " << file;
}

INSTANTIATE_TEST_SUITE_P(Mutants, Witness, ::testing::ValuesIn(mutants()),
                         [](const ::testing::TestParamInfo<const Mutant*>& info) { return std::string(info.param->name); });

TEST(Witness, EveryWitnessBelongsToAMutant) {
  for (const auto& entry : fs::directory_iterator(TAPECHECK_MUTANT_CORPUS_DIR))
    EXPECT_TRUE(find_mutant(entry.path().stem().string())) << "stray witness " << entry.path();
}

}  // namespace
}  // namespace tc::eut
