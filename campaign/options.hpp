// What a campaign computes: its graphs, seeds, limits and engine. These options are recorded in
// the findings log's header (docs/findings_log.md), so `tapecheck campaign --resume DIR`
// continues exactly the campaign that was started. How a run goes — threads, time limit,
// progress — changes nothing in the log and is not recorded (RunSettings, campaign.hpp).
#pragma once
#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

namespace tc::campaign {

struct CampaignOptions {
  std::uint64_t seed = 0;        // the generated graphs and the oracles
  int graphs = 100;              // random graphs after the corpus
  int max_size = 40;             // generated graph i has size 1 + 7i mod max_size
  int shrink_budget = 150;       // checks spent shrinking a mismatching graph
  double graph_timeout = 10;     // seconds one graph may take, check and shrinking
  int memory_limit_mb = 2048;    // per worker, beyond what it maps at fork; 0 = none
  std::string corpus;            // directory of .tcg graphs checked first; "" = none
  std::string engine = "reference";  // the engine's name, as `--engine` will take it
  // The op every generated graph contains; "" = each op of the table in turn (graph i contains
  // the i-th op of a seeded order), so that every op gets a fair share of graphs.
  std::string focus_op;
  // One shard of the campaign: of the graphs the options above plan (corpus, then generated),
  // this run checks those whose position i has i mod shards == shard, in order. Each graph is
  // a function of its position alone, so N shards check exactly the graphs of the whole
  // campaign between them, each one as the whole campaign checks it (docs/cli.md, --shard).
  int shard = 0;
  int shards = 1;
};

// "I/N" -> (I, N) with 0 <= I < N; InputError("--shard: ...") otherwise.
void parse_shard(const std::string& text, CampaignOptions& options);

// The header's "campaign" object; `planned` is the number of graphs (corpus and generated).
nlohmann::json to_json(const CampaignOptions& options, std::size_t planned);

// Reads it back; InputError ("<where>: ...") if a field is missing or mistyped.
CampaignOptions options_from_json(const nlohmann::json& j, const std::string& where);

}  // namespace tc::campaign
