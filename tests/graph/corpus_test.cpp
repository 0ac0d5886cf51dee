// Every hand-written graph in corpus/graphs/ is valid and in canonical form: after its
// leading comment lines (which say what it exercises), the file is exactly what
// print_tcg prints for it.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "graph/json.hpp"
#include "graph/tcg.hpp"
#include "graph/validate.hpp"

namespace tc::graph {
namespace {

std::vector<std::filesystem::path> corpus_files() {
  std::vector<std::filesystem::path> files;
  for (const auto& e : std::filesystem::directory_iterator(TAPECHECK_CORPUS_DIR))
    if (e.path().extension() == ".tcg") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  return files;
}

std::string read(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// The text after the leading '#' lines.
std::string without_header(const std::string& text) {
  std::size_t pos = 0;
  while (pos < text.size() && text[pos] == '#') {
    const std::size_t nl = text.find('\n', pos);
    pos = nl == std::string::npos ? text.size() : nl + 1;
  }
  return text.substr(pos);
}

TEST(Corpus, HasSeedGraphs) { EXPECT_GE(corpus_files().size(), 6u); }

TEST(Corpus, EveryFileIsValidCanonicalAndRoundTrips) {
  for (const auto& path : corpus_files()) {
    SCOPED_TRACE(path.filename().string());
    const std::string text = read(path);
    ASSERT_EQ(text.rfind("# ", 0), 0u) << "the first line should say what the graph exercises";
    Graph g;
    try {
      g = parse_tcg(text);
    } catch (const GraphError& e) {
      FAIL() << path.filename().string() << ":" << e.what();
    }
    EXPECT_FALSE(validate(g).empty());
    EXPECT_EQ(print_tcg(g), without_header(text));
    EXPECT_TRUE(structurally_equal(graph_from_json(to_json(g)), g));
    EXPECT_EQ(g.name, path.stem().string()) << "the graph is named after its file";
  }
}

}  // namespace
}  // namespace tc::graph
