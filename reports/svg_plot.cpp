#include "reports/svg_plot.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

#include "reports/number_text.hpp"

namespace tc::reports {

namespace {

std::string fixed(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  return buf;
}

// Text for SVG content: the few characters XML reserves.
std::string xml_text(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

bool placeable(double x, double y) { return std::isfinite(x) && std::isfinite(y) && x > 0 && y > 0; }

// "10" with the exponent raised; U+2212 for the minus sign.
std::string decade_label(int e) {
  std::string exp = e < 0 ? "\xe2\x88\x92" + std::to_string(-e) : std::to_string(e);
  return "10<tspan dy=\"-5\" font-size=\"8\">" + exp + "</tspan>";
}

struct LogAxis {
  int lo = 0, hi = 1;  // decades
  double from = 0, to = 0;  // pixels
  double at(double v) const { return from + (std::log10(v) - lo) / (hi - lo) * (to - from); }
};

LogAxis axis_over(double min, double max, double from, double to) {
  LogAxis a;
  a.lo = static_cast<int>(std::floor(std::log10(min)));
  a.hi = static_cast<int>(std::ceil(std::log10(max)));
  if (a.hi <= a.lo) a.hi = a.lo + 1;
  a.from = from;
  a.to = to;
  return a;
}

}  // namespace

std::string svg_loglog(const LogLogPlot& plot, int* left_out) {
  int dropped = 0;
  double xmin = HUGE_VAL, xmax = -HUGE_VAL, ymin = HUGE_VAL, ymax = -HUGE_VAL;
  auto take = [&](double x, double y) {
    xmin = std::min(xmin, x);
    xmax = std::max(xmax, x);
    ymin = std::min(ymin, y);
    ymax = std::max(ymax, y);
  };
  for (const PlotSeries& s : plot.series)
    for (const auto& [x, y] : s.points) {
      if (placeable(x, y))
        take(x, y);
      else
        ++dropped;
    }
  if (left_out) *left_out = dropped;
  if (xmin > xmax) return "<p class=\"note\">No point of this sweep can be drawn on log axes.</p>";
  for (const PlotLine& l : plot.horizontal)
    if (placeable(1, l.y)) ymin = std::min(ymin, l.y), ymax = std::max(ymax, l.y);
  if (plot.marker_x && placeable(*plot.marker_x, 1))
    xmin = std::min(xmin, *plot.marker_x), xmax = std::max(xmax, *plot.marker_x);

  const double left = 52, right = plot.width - 12, top = 30, bottom = plot.height - 36;
  const LogAxis x = axis_over(xmin, xmax, left, right), y = axis_over(ymin, ymax, bottom, top);
  std::ostringstream s;
  s << "<svg class=\"plot\" viewBox=\"0 0 " << plot.width << " " << plot.height
    << "\" width=\"" << plot.width << "\" height=\"" << plot.height << "\" role=\"img\" aria-label=\""
    << xml_text(plot.title) << "\" font-family=\"Helvetica, Arial, sans-serif\" font-size=\"10\">\n";
  s << "<rect x=\"" << fixed(left) << "\" y=\"" << fixed(top) << "\" width=\"" << fixed(right - left) << "\" height=\""
    << fixed(bottom - top) << "\" fill=\"#fbfcfd\" stroke=\"#d1d9e0\"/>\n";
  // Decade grid and labels; at most ~7 labels per axis.
  auto grid = [&](const LogAxis& a, bool vertical) {
    const int step = std::max(1, (a.hi - a.lo + 6) / 7);
    for (int e = a.lo; e <= a.hi; e += step) {
      const double p = a.at(std::pow(10.0, e));
      if (vertical) {
        s << "<line x1=\"" << fixed(p) << "\" y1=\"" << fixed(top) << "\" x2=\"" << fixed(p) << "\" y2=\""
          << fixed(bottom) << "\" stroke=\"#e6eaef\"/><text x=\"" << fixed(p) << "\" y=\"" << fixed(bottom + 14)
          << "\" text-anchor=\"middle\" fill=\"#59636e\">" << decade_label(e) << "</text>\n";
      } else {
        s << "<line x1=\"" << fixed(left) << "\" y1=\"" << fixed(p) << "\" x2=\"" << fixed(right) << "\" y2=\""
          << fixed(p) << "\" stroke=\"#e6eaef\"/><text x=\"" << fixed(left - 6) << "\" y=\"" << fixed(p + 3)
          << "\" text-anchor=\"end\" fill=\"#59636e\">" << decade_label(e) << "</text>\n";
      }
    }
  };
  grid(x, true);
  grid(y, false);
  s << "<text x=\"" << fixed((left + right) / 2) << "\" y=\"" << plot.height - 6
    << "\" text-anchor=\"middle\" fill=\"#1f2328\">" << xml_text(plot.x_label) << "</text>\n";
  s << "<text transform=\"translate(12 " << fixed((top + bottom) / 2) << ") rotate(-90)\" text-anchor=\"middle\" "
    << "fill=\"#1f2328\">" << xml_text(plot.y_label) << "</text>\n";

  // Labels alternate between the right end above the line and the left end below it, so two
  // close levels (a tolerance and an error estimate) stay readable.
  for (std::size_t k = 0; k < plot.horizontal.size(); ++k) {
    const PlotLine& l = plot.horizontal[k];
    if (!placeable(1, l.y)) continue;
    const double p = y.at(l.y);
    const bool right_end = k % 2 == 0;
    s << "<line x1=\"" << fixed(left) << "\" y1=\"" << fixed(p) << "\" x2=\"" << fixed(right) << "\" y2=\"" << fixed(p)
      << "\" stroke=\"" << l.color << "\" stroke-dasharray=\"5 3\"/><text x=\"" << fixed(right_end ? right - 4 : left + 4)
      << "\" y=\"" << fixed(right_end ? p - 3 : p + 11) << "\" text-anchor=\"" << (right_end ? "end" : "start")
      << "\" fill=\"" << l.color << "\">" << xml_text(l.name) << " " << number_text(l.y) << "</text>\n";
  }
  if (plot.marker_x && placeable(*plot.marker_x, 1)) {
    const double p = x.at(*plot.marker_x);
    s << "<line x1=\"" << fixed(p) << "\" y1=\"" << fixed(top) << "\" x2=\"" << fixed(p) << "\" y2=\"" << fixed(bottom)
      << "\" stroke=\"#8250df\" stroke-dasharray=\"2 2\"/><text x=\"" << fixed(p + 3) << "\" y=\"" << fixed(top + 10)
      << "\" fill=\"#8250df\">" << xml_text(plot.marker_label) << "</text>\n";
  }
  double legend_x = left;
  for (const PlotSeries& series : plot.series) {
    std::vector<std::pair<double, double>> pts;
    for (const auto& [px, py] : series.points)
      if (placeable(px, py)) pts.emplace_back(px, py);
    std::sort(pts.begin(), pts.end());
    s << "<polyline fill=\"none\" stroke=\"" << series.color << "\" stroke-width=\"1.6\""
      << (series.dashed ? " stroke-dasharray=\"4 2\"" : "") << " points=\"";
    for (std::size_t i = 0; i < pts.size(); ++i)
      s << (i ? " " : "") << fixed(x.at(pts[i].first)) << "," << fixed(y.at(pts[i].second));
    s << "\"/>\n";
    for (const auto& [px, py] : pts)
      s << "<circle cx=\"" << fixed(x.at(px)) << "\" cy=\"" << fixed(y.at(py)) << "\" r=\"2.4\" fill=\""
        << series.color << "\"/>";
    s << "\n<rect x=\"" << fixed(legend_x) << "\" y=\"10\" width=\"14\" height=\"3\" fill=\"" << series.color
      << "\"/><text x=\"" << fixed(legend_x + 18) << "\" y=\"15\" fill=\"#1f2328\">" << xml_text(series.name)
      << "</text>\n";
    legend_x += 26 + 5.6 * static_cast<double>(series.name.size());
  }
  s << "</svg>";
  return s.str();
}

namespace {

// Pale for tiny relative errors, through yellow and orange, to dark red at 1 and beyond.
std::string heat_color(double v) {
  if (!std::isfinite(v)) return "#6d28d9";
  struct Stop {
    double t;
    int r, g, b;
  };
  static const Stop stops[] = {{0.0, 0xf3, 0xf6, 0xf9}, {0.5, 0xfd, 0xe6, 0x8a}, {0.75, 0xf5, 0x9e, 0x0b},
                               {0.875, 0xdc, 0x26, 0x26}, {1.0, 0x7f, 0x1d, 0x1d}};
  const double t = v <= 0 ? 0.0 : std::clamp((std::log10(v) + 16.0) / 16.0, 0.0, 1.0);
  std::size_t k = 1;
  while (k + 1 < std::size(stops) && stops[k].t < t) ++k;
  const Stop& a = stops[k - 1];
  const Stop& b = stops[k];
  const double u = (t - a.t) / (b.t - a.t);
  auto mix = [&](int p, int q) { return static_cast<int>(std::lround(p + (q - p) * std::clamp(u, 0.0, 1.0))); };
  char buf[8];
  std::snprintf(buf, sizeof buf, "#%02x%02x%02x", mix(a.r, b.r), mix(a.g, b.g), mix(a.b, b.b));
  return buf;
}

}  // namespace

std::string svg_heatmap(const HeatMap& map, int* left_out) {
  const std::int64_t n = static_cast<std::int64_t>(map.values.size());
  std::int64_t cols = map.shape.size() >= 2 ? std::max<std::int64_t>(map.shape.back(), 1) : std::min<std::int64_t>(n, 32);
  if (cols > 64) cols = 64;  // a very wide last dimension wraps
  if (cols < 1) cols = 1;
  const std::int64_t rows = (n + cols - 1) / cols;
  const std::int64_t shown_rows = std::max<std::int64_t>(1, std::min<std::int64_t>(rows, map.max_cells / cols));
  const std::int64_t shown = std::min(n, shown_rows * cols);
  if (left_out) *left_out = static_cast<int>(n - shown);
  const double cell = std::clamp(std::floor((map.width - 40.0) / static_cast<double>(cols)), 4.0, 22.0);
  const double x0 = 34, y0 = 4;
  const double grid_h = cell * static_cast<double>(shown_rows);
  const int height = static_cast<int>(y0 + grid_h + 40);
  const bool titles = shown <= 256 && map.labels.size() >= static_cast<std::size_t>(shown);
  std::ostringstream s;
  s << "<svg class=\"heat\" viewBox=\"0 0 " << map.width << " " << height
    << "\" width=\"" << map.width << "\" height=\"" << height << "\" role=\"img\" aria-label=\"" << xml_text(map.title)
    << "\" font-family=\"Helvetica, Arial, sans-serif\" font-size=\"9\">\n";
  for (std::int64_t i = 0; i < shown; ++i) {
    const double cx = x0 + cell * static_cast<double>(i % cols), cy = y0 + cell * static_cast<double>(i / cols);
    const bool flag = static_cast<std::size_t>(i) < map.flagged.size() && map.flagged[static_cast<std::size_t>(i)];
    s << "<rect x=\"" << fixed(cx) << "\" y=\"" << fixed(cy) << "\" width=\"" << fixed(cell - 1) << "\" height=\""
      << fixed(cell - 1) << "\" fill=\"" << heat_color(map.values[static_cast<std::size_t>(i)]) << "\""
      << (flag ? " stroke=\"#111111\" stroke-width=\"1.2\"" : "");
    if (titles)
      s << "><title>" << xml_text(map.labels[static_cast<std::size_t>(i)]) << " relative error "
        << number_text(map.values[static_cast<std::size_t>(i)]) << (flag ? " (beyond tolerance)" : "") << "</title></rect>";
    else
      s << "/>";
  }
  s << "\n<text x=\"" << fixed(x0 - 4) << "\" y=\"" << fixed(y0 + cell * 0.7) << "\" text-anchor=\"end\" fill=\"#59636e\">0</text>";
  if (shown_rows > 1)
    s << "<text x=\"" << fixed(x0 - 4) << "\" y=\"" << fixed(y0 + grid_h - cell * 0.3)
      << "\" text-anchor=\"end\" fill=\"#59636e\">" << (shown_rows - 1) * cols << "</text>";
  // The colour scale: 1e-16 .. 1, as 32 steps.
  const double ly = y0 + grid_h + 12, lw = 200;
  for (int k = 0; k < 32; ++k)
    s << "<rect x=\"" << fixed(x0 + lw * k / 32) << "\" y=\"" << fixed(ly) << "\" width=\"" << fixed(lw / 32 + 0.5)
      << "\" height=\"8\" fill=\"" << heat_color(std::pow(10.0, -16.0 + 16.0 * (k + 0.5) / 32)) << "\"/>";
  for (int e : {-16, -12, -8, -4, 0})
    s << "<text x=\"" << fixed(x0 + lw * (e + 16) / 16.0) << "\" y=\"" << fixed(ly + 19)
      << "\" text-anchor=\"middle\" fill=\"#59636e\">" << decade_label(e) << "</text>";
  s << "<rect x=\"" << fixed(x0 + lw + 16) << "\" y=\"" << fixed(ly) << "\" width=\"8\" height=\"8\" fill=\""
    << heat_color(NAN) << "\"/><text x=\"" << fixed(x0 + lw + 28) << "\" y=\"" << fixed(ly + 7)
    << "\" fill=\"#59636e\">non-finite</text><rect x=\"" << fixed(x0 + lw + 90) << "\" y=\"" << fixed(ly)
    << "\" width=\"8\" height=\"8\" fill=\"#ffffff\" stroke=\"#111111\" stroke-width=\"1.2\"/><text x=\""
    << fixed(x0 + lw + 102) << "\" y=\"" << fixed(ly + 7) << "\" fill=\"#59636e\">beyond tolerance</text>\n</svg>";
  return s.str();
}

}  // namespace tc::reports
