#include "campaign/options.hpp"

#include "campaign/graph_file.hpp"

namespace tc::campaign {

using nlohmann::json;

json to_json(const CampaignOptions& o, std::size_t planned) {
  json j = {{"seed", o.seed},
          {"graphs", o.graphs},
          {"max_size", o.max_size},
          {"shrink_budget", o.shrink_budget},
          {"graph_timeout", o.graph_timeout},
          {"memory_limit_mb", o.memory_limit_mb},
          {"corpus", o.corpus},
          {"engine", o.engine},
          {"focus_op", o.focus_op},
          {"planned", planned}};
  // Written only for a shard, so that the header of an unsharded campaign is what it was.
  if (o.shards > 1) {
    j["shard"] = o.shard;
    j["shards"] = o.shards;
  }
  return j;
}

void parse_shard(const std::string& text, CampaignOptions& options) {
  const std::size_t slash = text.find('/');
  auto number = [&](const std::string& s) -> long {
    if (s.empty() || s.size() > 6 || s.find_first_not_of("0123456789") != std::string::npos) return -1;
    return std::stol(s);
  };
  const long i = slash == std::string::npos ? -1 : number(text.substr(0, slash));
  const long n = slash == std::string::npos ? -1 : number(text.substr(slash + 1));
  if (i < 0 || n < 1 || i >= n)
    throw InputError("--shard: '" + text + "' is not I/N with 0 <= I < N (e.g. 0/4 ... 3/4)");
  options.shard = static_cast<int>(i);
  options.shards = static_cast<int>(n);
}

CampaignOptions options_from_json(const json& j, const std::string& where) {
  if (!j.is_object()) throw InputError(where + ": the log does not record the campaign's options");
  auto field = [&](const char* key, auto check) -> const json& {
    auto it = j.find(key);
    if (it == j.end() || !check(*it))
      throw InputError(where + ": the log's campaign options lack a valid \"" + key + "\"");
    return *it;
  };
  auto is_count = [](const json& v) { return v.is_number_unsigned() || (v.is_number_integer() && v.get<std::int64_t>() >= 0); };
  auto is_number = [](const json& v) { return v.is_number(); };
  auto is_string = [](const json& v) { return v.is_string(); };
  CampaignOptions o;
  o.seed = field("seed", is_count).get<std::uint64_t>();
  o.graphs = field("graphs", is_count).get<int>();
  o.max_size = field("max_size", is_count).get<int>();
  o.shrink_budget = field("shrink_budget", is_count).get<int>();
  o.graph_timeout = field("graph_timeout", is_number).get<double>();
  o.memory_limit_mb = field("memory_limit_mb", is_count).get<int>();
  o.corpus = field("corpus", is_string).get<std::string>();
  o.engine = field("engine", is_string).get<std::string>();
  if (auto it = j.find("focus_op"); it != j.end() && it->is_string()) o.focus_op = it->get<std::string>();
  if (auto it = j.find("shards"); it != j.end()) {
    o.shards = field("shards", is_count).get<int>();
    o.shard = field("shard", is_count).get<int>();
    if (o.shards < 1 || o.shard >= o.shards) throw InputError(where + ": the log's shard is out of range");
  }
  if (o.max_size < 1 || o.graph_timeout <= 0)
    throw InputError(where + ": the log's campaign options are out of range (max_size, graph_timeout)");
  return o;
}

}  // namespace tc::campaign
