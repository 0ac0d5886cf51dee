#include "campaign/jobs.hpp"

#include <algorithm>
#include <filesystem>
#include <sstream>

#include "campaign/graph_file.hpp"
#include "oracles/objective.hpp"
#include "properties/generators.hpp"

namespace tc::campaign {

namespace fs = std::filesystem;

namespace {

std::vector<std::string> corpus_files(const std::string& dir) {
  if (!fs::is_directory(dir)) throw InputError(dir + ": no such corpus directory");
  std::vector<std::string> files;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec))
    if (it->path().extension() == ".tcg" && it->is_regular_file()) files.push_back(it->path().string());
  if (ec) throw InputError(dir + ": cannot list the corpus: " + ec.message());
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace

std::vector<Job> plan_jobs(const CampaignOptions& options) {
  std::vector<Job> jobs;
  if (!options.corpus.empty())
    for (const std::string& file : corpus_files(options.corpus)) {
      Job j;
      j.origin = file;
      j.graph = load_graph_file(file);
      jobs.push_back(std::move(j));
    }
  for (int i = 0; i < options.graphs; ++i) {
    Job j;
    j.generated = true;
    j.gen_index = i;
    j.gen_seed = oracles::mix_seed(options.seed * 0x9e3779b97f4a7c15ULL + static_cast<std::uint64_t>(i) + 1);
    j.gen_size = 1 + (i * 7) % options.max_size;
    std::ostringstream origin;
    origin << "generated: build_graph(seed=" << j.gen_seed << ", size=" << j.gen_size << ")";
    j.origin = origin.str();
    jobs.push_back(std::move(j));
  }
  return jobs;
}

graph::Graph job_graph(const Job& job) {
  if (!job.generated) return job.graph;
  graph::Graph g = properties::build_graph(properties::GenOptions{}, job.gen_seed, job.gen_size);
  if (g.name.empty() || g.name == "gen") g.name = "gen_" + std::to_string(job.gen_index);
  return g;
}

std::string default_corpus() {
  if (fs::is_directory("corpus/graphs")) return "corpus/graphs";
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec)
    for (fs::path dir = exe.parent_path(); !dir.empty() && dir != dir.root_path(); dir = dir.parent_path())
      if (fs::is_directory(dir / "corpus" / "graphs")) return (dir / "corpus" / "graphs").string();
  return "";
}

}  // namespace tc::campaign
