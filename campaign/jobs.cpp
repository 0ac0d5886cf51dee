#include "campaign/jobs.hpp"

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <random>
#include <sstream>

#include "campaign/graph_file.hpp"
#include "engine/ops/op_table.hpp"
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

int focus_places(const OpDef& op) {
  // An op that broadcasts but not element by element (matmul's batch dimensions) broadcasts
  // only where exactly one operand has the batch its sampler draws; elementwise ops broadcast
  // under most related shapes.
  const bool rare_broadcast = op.traits.has(Trait::broadcasts) && !op.traits.has(Trait::elementwise);
  bool rare = op.has_kinks || op.attrs.has(Attr::perm) || rare_broadcast;
  for (const InputDef& in : op.inputs) rare = rare || in.edges != Edges::none;
  return rare ? 2 : 1;
}

std::vector<Job> plan_jobs(const CampaignOptions& options) {
  std::vector<Job> jobs;
  if (!options.corpus.empty())
    for (const std::string& file : corpus_files(options.corpus)) {
      Job j;
      j.origin = file;
      j.graph = load_graph_file(file);
      jobs.push_back(std::move(j));
    }
  // The op each generated graph focuses on: the one asked for, or every op of the table in a
  // seeded order, round after round — a rare op (one that needs shapes to line up) otherwise
  // appears in a few graphs of hundreds. Without --focus-op a graph also focuses on the ops a
  // quarter, a half and three quarters of the order further on, so each op is focused in four
  // graphs a round instead of one (GenOptions::also_focus says why).
  // An op whose bugs need a rare configuration takes two places in a round (focus_places):
  // a boundary's >= for >, or a tie's gradient sent to every tied element, shows only on an
  // operand exactly at a kink or tie, which about one focused graph in 5–10 draws, where a
  // smooth op's bugs show on almost any operand. With one place each, three such mutants
  // survived 1000 graphs on each of seeds 0, 1 and 2 once the table had 131 ops; the
  // uninverted transpose took 600–900 graphs on four of five seeds, and survived one; with
  // 133 ops, matmul's batch gradient left unsummed survived 1000 graphs on seeds 2 and 3.
  // Each round is shuffled anew: with one order for every round an op met the same three
  // companions in every round, and where they left its value out of the loss (comparisons and
  // ceil beside reduce_max on seed 1), none of its graphs could judge it.
  std::vector<const OpDef*> places, order;
  if (!options.focus_op.empty()) {
    const OpDef* op = find_op(options.focus_op);
    if (!op) throw InputError("--focus-op: no op called '" + options.focus_op + "' (tapecheck ops lists them)");
    places = {op};
  } else {
    for (const OpDef* op : op_table())
      for (int place = 0; place < focus_places(*op); ++place) places.push_back(op);
  }
  std::size_t shuffled_round = SIZE_MAX;
  for (int i = 0; i < options.graphs; ++i) {
    Job j;
    const std::size_t n = places.size(), at = static_cast<std::size_t>(i) % n, round = static_cast<std::size_t>(i) / n;
    if (round != shuffled_round) {
      order = places;
      std::mt19937_64 shuffle(oracles::mix_seed((options.seed ^ 0x666f637573ULL) + round));
      std::shuffle(order.begin(), order.end(), shuffle);
      shuffled_round = round;
    }
    j.focus = order[at];
    if (options.focus_op.empty() && n >= 4)
      j.also_focus = {order[(at + n / 4) % n], order[(at + n / 2) % n], order[(at + 3 * n / 4) % n]};
    j.generated = true;
    j.gen_index = i;
    j.gen_seed = oracles::mix_seed(options.seed * 0x9e3779b97f4a7c15ULL + static_cast<std::uint64_t>(i) + 1);
    j.gen_size = 1 + (i * 7) % options.max_size;
    std::ostringstream origin;
    origin << "generated: build_graph(seed=" << j.gen_seed << ", size=" << j.gen_size << ", focus=" << j.focus->name;
    for (const OpDef* also : j.also_focus) origin << (also == j.also_focus.front() ? ", also=" : "+") << also->name;
    origin << ")";
    j.origin = origin.str();
    jobs.push_back(std::move(j));
  }
  // Sharding keeps every shards-th job: planning all of them first is what keeps a graph's
  // seed, size and focus op those of its position in the whole campaign.
  std::vector<Job> shard;
  for (std::size_t i = 0; i < jobs.size(); ++i) {
    jobs[i].position = i;
    if (static_cast<int>(i % static_cast<std::size_t>(options.shards)) == options.shard)
      shard.push_back(std::move(jobs[i]));
  }
  return shard;
}

graph::Graph job_graph(const Job& job, const eut::Capabilities& engine) {
  if (!job.generated) return job.graph;
  properties::GenOptions gen;
  gen.second_order = engine.second_order;
  gen.cond = gen.while_loop = engine.control_flow;
  gen.f32 = engine.f32;
  gen.optimizer_step = engine.optimizer_step;
  gen.focus_op = job.focus;
  gen.also_focus = job.also_focus;
  graph::Graph g = properties::build_graph(gen, job.gen_seed, job.gen_size);
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
