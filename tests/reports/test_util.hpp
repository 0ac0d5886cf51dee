// Helpers shared by the report tests: corpus graphs, temporary directories, fake engines.
#pragma once
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <stdexcept>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "eut/engine_under_test.hpp"
#include "graph/tcg.hpp"

#include "tests/support/scratch.hpp"

namespace tc::test {

inline graph::Graph corpus_graph(const std::string& name) {
  return graph::parse_tcg(slurp(std::string(TAPECHECK_CORPUS_DIR) + "/" + name + ".tcg"));
}

inline std::vector<std::string> corpus_names() {
  std::vector<std::string> out;
  for (const auto& e : std::filesystem::directory_iterator(TAPECHECK_CORPUS_DIR))
    if (e.path().extension() == ".tcg") out.push_back(e.path().stem().string());
  std::sort(out.begin(), out.end());
  return out;
}

// A fresh directory, removed with its contents at the end of the test.
struct TempDir {
  std::string path;
  TempDir() {
    std::string t = (std::filesystem::temp_directory_path() / "tapecheck-test-XXXXXX").string();
    std::vector<char> buf(t.begin(), t.end());
    buf.push_back('\0');
    path = ::mkdtemp(buf.data());
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::permissions(path, std::filesystem::perms::owner_all, ec);
    std::filesystem::remove_all(path, ec);
  }
  std::string file(const std::string& name) const { return path + "/" + name; }
  std::vector<std::string> entries() const {
    std::vector<std::string> out;
    for (const auto& e : std::filesystem::directory_iterator(path)) out.push_back(e.path().filename().string());
    std::sort(out.begin(), out.end());
    return out;
  }
};

// The reference engine with every gradient value scaled: a wrong backward pass.
class ScaledEngine : public eut::EngineUnderTest {
 public:
  explicit ScaledEngine(double factor) : ref_(eut::make_reference_engine()), factor_(factor) {}
  std::string name() const override { return "scaled"; }
  eut::RunResult run(const graph::Graph& g, const eut::InputValues& inputs) override {
    eut::RunResult r = ref_->run(g, inputs);
    for (auto& grad : r.gradients)
      for (auto& v : grad.values)
        if (v)
          for (double& x : v->data) x *= factor_;
    return r;
  }

 private:
  std::unique_ptr<eut::EngineUnderTest> ref_;
  double factor_;
};

// The reference engine that answers None for every gradient result.
class NoneEngine : public eut::EngineUnderTest {
 public:
  NoneEngine() : ref_(eut::make_reference_engine()) {}
  std::string name() const override { return "all_none"; }
  eut::RunResult run(const graph::Graph& g, const eut::InputValues& inputs) override {
    eut::RunResult r = ref_->run(g, inputs);
    for (auto& grad : r.gradients) {
      grad.why_none.resize(grad.values.size());
      for (std::size_t k = 0; k < grad.values.size(); ++k) {
        grad.values[k].reset();
        grad.why_none[k] = "this engine never computes gradients";
      }
    }
    return r;
  }

 private:
  std::unique_ptr<eut::EngineUnderTest> ref_;
};

// An engine that throws (a broken engine, not an error the graph raises).
class ThrowingEngine : public eut::EngineUnderTest {
 public:
  std::string name() const override { return "throws"; }
  eut::RunResult run(const graph::Graph&, const eut::InputValues&) override {
    throw std::runtime_error("engine crashed");
  }
};

}  // namespace tc::test
