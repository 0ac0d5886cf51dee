// Small inline SVG charts for the HTML report, written directly (a report must work offline
// and print, so no chart library): a log-log line plot (the finite-difference step sweep) and
// a heat map (relative error per element of a gradient). Numbers are printed with fixed
// precision, so the same input gives the same bytes.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace tc::reports {

struct PlotSeries {
  std::string name;
  std::string color;  // a CSS color
  std::vector<std::pair<double, double>> points;  // (x, y); drawn in x order
  bool dashed = false;
};

struct PlotLine {
  std::string name;
  std::string color;
  double y = 0;
};

struct LogLogPlot {
  std::string title;  // the SVG's accessible name
  std::string x_label, y_label;
  std::vector<PlotSeries> series;
  std::vector<PlotLine> horizontal;  // reference levels (a tolerance, an error estimate)
  std::optional<double> marker_x;    // a vertical marker (the chosen step)
  std::string marker_label;
  int width = 460, height = 270;
};

// Points with a non-positive or non-finite coordinate cannot be placed on log axes and are left
// out; `*left_out` (if given) counts them. A plot with no placeable point is a short note.
std::string svg_loglog(const LogLogPlot& plot, int* left_out = nullptr);

struct HeatMap {
  std::string title;
  std::vector<std::int64_t> shape;  // rows x columns from the last dimension; 1-D wraps
  std::vector<double> values;       // relative errors, flat row-major; NaN allowed
  std::vector<bool> flagged;        // cells outlined (beyond their tolerance); empty: none
  std::vector<std::string> labels;  // each cell's name in its tooltip ("[1, 2]"); empty: no tooltips
  int max_cells = 1024;             // cells drawn at most; the rest are counted, not drawn
  int width = 460;
};

// Colour from 1e-16 (pale) to >= 1 (dark red) on a log scale; NaN and inf purple. Cells carry
// a tooltip (<title>: its label) when there are labels and at most 256 cells. `*left_out` counts cells not drawn.
std::string svg_heatmap(const HeatMap& map, int* left_out = nullptr);

}  // namespace tc::reports
