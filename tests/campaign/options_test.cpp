// campaign/options: the options a campaign's log records, and --shard's I/N.
#include "campaign/options.hpp"

#include <gtest/gtest.h>

#include "campaign/graph_file.hpp"

namespace tc::campaign {
namespace {

TEST(CampaignOptions, AShardIsIOfN) {
  CampaignOptions o;
  parse_shard("2/5", o);
  EXPECT_EQ(o.shard, 2);
  EXPECT_EQ(o.shards, 5);
  parse_shard("0/1", o);
  EXPECT_EQ(o.shard, 0);
  EXPECT_EQ(o.shards, 1);
  for (const char* bad : {"5/5", "1/0", "-1/3", "3", "a/b", "1/", "/2", "1/2/3", ""})
    EXPECT_THROW(parse_shard(bad, o), InputError) << bad;
}

TEST(CampaignOptions, TheHeaderNamesTheShardOnlyForAShard) {
  CampaignOptions whole;
  EXPECT_FALSE(to_json(whole, 10).contains("shards"));  // unsharded logs are as they were
  CampaignOptions part;
  parse_shard("1/3", part);
  const nlohmann::json j = to_json(part, 4);
  EXPECT_EQ(j.at("shard"), 1);
  EXPECT_EQ(j.at("shards"), 3);
  const CampaignOptions back = options_from_json(j, "log");
  EXPECT_EQ(back.shard, 1);
  EXPECT_EQ(back.shards, 3);
  EXPECT_EQ(options_from_json(to_json(whole, 10), "log").shards, 1);
}

}  // namespace
}  // namespace tc::campaign
