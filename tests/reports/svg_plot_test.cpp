// reports/svg_plot: the log-log plot and the heat map place what they can, say what they
// cannot, and are deterministic.
#include "reports/svg_plot.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace tc::reports {
namespace {

std::size_t count(const std::string& s, const std::string& what) {
  std::size_t n = 0;
  for (std::size_t at = s.find(what); at != std::string::npos; at = s.find(what, at + what.size())) ++n;
  return n;
}

bool contains(const std::string& s, const std::string& what) { return s.find(what) != std::string::npos; }

TEST(LogLogPlot, PlacesPositivePointsOnly) {
  LogLogPlot plot;
  plot.title = "sweep";
  plot.series.push_back({"a", "#ff0000", {{1e-3, 1e-8}, {1e-2, 1e-6}, {1e-1, 1e-4}, {1e-4, 0.0}, {-1, 1}}, false});
  plot.horizontal.push_back({"tolerance", "#000000", 1e-7});
  plot.marker_x = 1e-2;
  plot.marker_label = "chosen h";
  int left_out = -1;
  const std::string svg = svg_loglog(plot, &left_out);
  EXPECT_EQ(left_out, 2);
  EXPECT_EQ(svg.rfind("<svg", 0), 0u);
  EXPECT_EQ(count(svg, "<circle"), 3u);
  EXPECT_TRUE(contains(svg, "tolerance 1e-07"));
  EXPECT_TRUE(contains(svg, "chosen h"));
  // Decades from 10^-3 to 10^-1 on x: their labels are there.
  EXPECT_TRUE(contains(svg, "10<tspan dy=\"-5\" font-size=\"8\">\xe2\x88\x92" "3</tspan>"));
  EXPECT_EQ(svg, svg_loglog(plot));
}

TEST(LogLogPlot, NothingPlaceableIsANote) {
  LogLogPlot plot;
  plot.series.push_back({"a", "#ff0000", {{0, 1}, {NAN, 2}}, false});
  EXPECT_EQ(svg_loglog(plot).rfind("<p class=\"note\">", 0), 0u);
}

TEST(HeatMap, CellsColoursAndCap) {
  HeatMap map;
  map.shape = {3, 4};
  map.values = {0, 1e-16, 1e-12, 1e-8, 1e-4, 1e-2, 1, 10, NAN, INFINITY, 1e-3, 1e-5};
  map.flagged.assign(12, false);
  map.flagged[7] = true;
  for (int i = 0; i < 12; ++i) map.labels.push_back("[" + std::to_string(i) + "]");
  int left_out = -1;
  const std::string svg = svg_heatmap(map, &left_out);
  EXPECT_EQ(left_out, 0);
  EXPECT_EQ(count(svg, "<title>"), 12u);
  EXPECT_EQ(count(svg, "stroke=\"#111111\" stroke-width=\"1.2\"><title>"), 1u);  // the flagged cell
  EXPECT_TRUE(contains(svg, "[7] relative error 10 (beyond tolerance)"));
  EXPECT_EQ(count(svg, "fill=\"#6d28d9\""), 3u);  // NaN, inf, and the legend's swatch
  EXPECT_TRUE(contains(svg, "fill=\"#7f1d1d\""));  // >= 1: darkest red

  map.shape = {100, 100};
  map.values.assign(10000, 1e-6);
  map.flagged.clear();
  map.labels.clear();
  map.max_cells = 1024;
  const std::string capped = svg_heatmap(map, &left_out);
  // 64 columns (wrapped from 100) x 16 rows drawn, no tooltips for that many.
  EXPECT_EQ(left_out, 10000 - 1024);
  EXPECT_EQ(count(capped, "<title>"), 0u);
  EXPECT_EQ(count(capped, "<rect"), 1024u + 32 + 2);  // cells, the colour scale, two legend swatches
}

}  // namespace
}  // namespace tc::reports
