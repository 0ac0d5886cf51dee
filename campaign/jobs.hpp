// The graphs of a campaign, in order: the corpus files (by name), then the generated ones. Job
// i depends only on the options, so a resumed run (and, later, a shard) addresses graphs by
// their global index.
#pragma once
#include "engine/ops/op_def.hpp"
#include <cstdint>
#include <string>
#include <vector>

#include "campaign/options.hpp"
#include "eut/engine_under_test.hpp"
#include "graph/ir.hpp"

namespace tc::campaign {

struct Job {
  std::size_t position = 0;     // in the whole campaign (a shard's jobs keep theirs)
  std::string origin;           // the file, or "generated: build_graph(seed=..., size=...)"
  graph::Graph graph;           // corpus graphs: parsed up front, so a bad file stops the
                                // campaign before any graph runs
  bool generated = false;       // generated graphs are built in their worker (job_graph)
  std::uint64_t gen_seed = 0;
  int gen_size = 0;
  int gen_index = 0;
  const OpDef* focus = nullptr;  // the op the generated graph contains (GenOptions::focus_op)
  std::vector<const OpDef*> also_focus;  // GenOptions::also_focus
};

// Every job of `options` (of its shard: CampaignOptions::shard). InputError for a missing
// corpus directory or a bad corpus file.
std::vector<Job> plan_jobs(const CampaignOptions& options);

// The places `op` takes in a focus round (plan_jobs): 2 for an op whose bugs show only on a
// configuration of operands that few graphs draw, from its row's facts — an operand exactly at
// a kink or edge point (OpDef::has_kinks, InputDef::edges: relu's 0, a max's tie, a product
// through zero), or a permutation of three axes of equal extent (Attr::perm: a transpose VJP
// that forgets to invert its permutation is right on any other operand); 1 for any other op.
int focus_places(const OpDef& op);

// The job's graph: the corpus graph, or properties::build_graph for a generated one, with
// only the features the engine under test has (`engine`: its capabilities): a campaign on an
// engine without optimizer steps would otherwise spend a share of its graphs on `unsupported`.
graph::Graph job_graph(const Job& job, const eut::Capabilities& engine = {});

// corpus/graphs below the working directory, else above the executable; "" if neither.
std::string default_corpus();

}  // namespace tc::campaign
