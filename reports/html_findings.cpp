#include "reports/html_findings.hpp"

#include <algorithm>
#include <cmath>
#include <optional>
#include <set>

#include <nlohmann/json.hpp>

#include "graph/tcg.hpp"
#include "oracles/tolerance.hpp"
#include "reports/graph_dot.hpp"
#include "reports/html_text.hpp"
#include "reports/svg_plot.hpp"

namespace tc::reports::html {

using oracles::Outcome;

namespace {

// A JSON array or object for a data- attribute (escaped by the caller): names may hold any
// character, so no separator would be safe.
std::string json_attr(const nlohmann::json& j) { return esc(j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)); }

std::string derivative(const oracles::Finding& f) {
  return "d " + (f.target.empty() ? std::string("?") : f.target) + " / d " +
         (f.source.empty() ? std::string("(all sources)") : f.source);
}

std::string op_chips(const std::vector<std::string>& ops) {
  if (ops.empty()) return "<span class=\"note\">no op</span>";
  std::string out;
  for (std::size_t i = 0; i < ops.size(); ++i)
    out += (i ? "<span class=\"arrow\">→</span>" : "") + std::string("<code class=\"op\">") + esc(ops[i]) + "</code>";
  return out;
}

// In the long lists: one click selects the whole command (no button, fewer bytes).
void write_short_command(std::ostream& h, const GraphRecord& g) {
  h << "<div class=\"cmd\"><code>" << esc(reproduce_command(g)) << "</code></div>";
}

std::string graph_link(const GraphRecord& g, const LogIndex& index) {
  return row_link(index, g.id, "graph #" + std::to_string(g.id)) +
         (g.name.empty() ? std::string() : " <b>" + esc(g.name) + "</b>");
}

// The findings of every oracle about the same gradient result as `f`.
std::vector<const FindingRecord*> same_result(const LogIndex& index, const FindingRecord& f) {
  std::vector<const FindingRecord*> out;
  for (const FindingRecord* o : index.findings_of[static_cast<std::size_t>(f.graph)])
    if (o->finding.gradient == f.finding.gradient && o->finding.target == f.finding.target &&
        o->finding.source == f.finding.source)
      out.push_back(o);
  return out;
}

void filter_bar(std::ostream& h, const std::vector<FindingGroup>& groups, std::size_t shown, long findings) {
  std::set<std::string> engines, kinds, oracles_seen, ops;
  for (std::size_t i = 0; i < shown; ++i) {
    const FindingGroup& g = groups[i];
    engines.insert(g.engines.begin(), g.engines.end());
    kinds.insert(kind_name(g.kind));
    oracles_seen.insert(g.oracle);
    ops.insert(g.op_path.begin(), g.op_path.end());
  }
  auto select = [&](const char* key, const char* label, const std::set<std::string>& values) {
    h << "<label>" << label << " <select id=\"filter-" << key << "\" data-key=\"" << key
      << "\"><option value=\"\">all</option>";
    for (const std::string& v : values) h << "<option value=\"" << esc(v) << "\">" << esc(v) << "</option>";
    h << "</select></label>\n";
  };
  h << "<div class=\"filters js-only\" role=\"search\">\n";
  select("engine", "Engine", engines);
  select("kind", "Kind", kinds);
  select("oracle", "Oracle", oracles_seen);
  select("op", "Op", ops);
  h << "<button type=\"button\" id=\"filter-clear\">Clear</button></div>\n";
  h << "<p class=\"showing\">Showing <b id=\"shown-groups\">" << shown << "</b> of " << shown
    << " groups, <b id=\"shown-findings\">" << findings << "</b> findings. <span class=\"js-only note\">Filters "
       "are also read from the address: <code>#filter?oracle=finite_difference&amp;op=tanh</code>.</span></p>\n";
}

// `shown`: shown_tcg(g) parsed, null if it does not parse; `names`: the result in its names.
std::string figure_for(const GraphRecord& g, const FindingRecord& f, const graph::Graph* shown, const ShownResult& names,
                       const CutNode* cut, const HtmlOptions& opt, int& drawn, bool have_dot) {
  if (!opt.draw_graphs) return "<p class=\"note\">Drawings are off.</p>";
  if (!shown) return "<p class=\"note\">No drawing: the .tcg text does not parse.</p>";
  if (!have_dot)
    return "<p class=\"note\">Graphviz <code>" + esc(opt.dot_command) +
           "</code> was not found, so the graph is shown as .tcg text only (install graphviz to get drawings).</p>";
  if (drawn >= opt.max_drawn)
    return "<p class=\"note\">Not drawn: only the first " + std::to_string(opt.max_drawn) +
           " groups are drawn; the .tcg below is the graph.</p>";
  ++drawn;
  DotStyle style;
  if (!names.source.empty()) style.highlight.insert(names.source);
  if (!names.target.empty()) style.highlight.insert(names.target);
  style.path = culprit_path(f);
  style.path_source = names.source;
  style.path_target = names.target;
  if (cut) {
    style.cut = cut->node;
    style.cut_note = "cut: " + cut->rule;
  }
  for (const oracles::SourceVerdict& s : g.sources)
    style.gradient_values.emplace(std::make_pair(s.target, s.source), s.engine_value);
  style.notes = node_values(g);
  const SvgResult svg = render_svg(graph_to_dot(*shown, style), opt.dot_command);
  if (!svg.ok()) return "<p class=\"note\">No drawing: " + esc(svg.error) + ".</p>";
  return "<figure class=\"graph-drawing\">" + svg.svg +
         "<figcaption><span class=\"key k-red\"></span><code>" + esc(names.source) + "</code> and <code>" +
         esc(names.target) + "</code> <span class=\"key k-path\"></span>" +
         (style.path.empty() ? std::string("the path between them")
                             : std::string("the path at fault (through the value nearest the target whose "
                                           "gradient is still wrong; the culprit op reads it)")) +
         std::string(cut ? " <span class=\"key k-cut\"></span>the predicted cut" : "") +
         " <span class=\"key k-none\"></span>a None result. Gradient results show what the engine "
         "returned.</figcaption></figure>";
}

// Both tables' error and tolerance headers: a finding's tolerance is its worst entry's, in
// absolute terms, beside the absolute error.
constexpr const char* kErrorAndToleranceHeaders =
    "<th class=\"num\" title=\"largest |engine − oracle|\">max abs. error</th><th class=\"num\">max rel. "
    "error</th><th class=\"num\" title=\"absolute: the allowance of the entry worst against its own\">tolerance</th>";

void oracle_table(std::ostream& h, const std::vector<const FindingRecord*>& result, const FindingRecord& shown) {
  h << "<div class=\"scroll\"><table class=\"oracles\"><thead><tr><th>oracle</th><th>outcome</th>"
    << kErrorAndToleranceHeaders << "<th class=\"num\" title=\"entries judged\">entries</th></tr></thead><tbody>\n";
  for (const FindingRecord* r : result) {
    const oracles::Finding& f = r->finding;
    h << "<tr" << (r == &shown ? " class=\"this\"" : "") << "><td class=\"nw\"><code>" << esc(f.oracle)
      << "</code></td><td>" << outcome_badge(f.outcome) << "</td><td class=\"num\">" << num(f.max_abs_error)
      << "</td><td class=\"num\">" << num(f.max_rel_error) << "</td><td class=\"num\">" << num(f.tolerance)
      << "</td><td class=\"num\">" << f.entries_checked
      << (f.entries_inconclusive ? " (+" + std::to_string(f.entries_inconclusive) + " not judged)" : "")
      << "</td></tr>\n";
  }
  h << "</tbody></table></div>\n";
}

std::string entry_label(const EntryValues& ev, std::int64_t i) {
  if (ev.kind == EntryValues::Kind::direction) return "direction " + std::to_string(i);
  if (ev.shape.size() < 2) return "[" + std::to_string(i) + "]";
  std::vector<std::int64_t> idx(ev.shape.size());
  std::int64_t flat = i;
  for (std::size_t d = ev.shape.size(); d-- > 0;) {
    const std::int64_t n = std::max<std::int64_t>(ev.shape[d], 1);
    idx[d] = flat % n;
    flat /= n;
  }
  std::string out = "[";
  for (std::size_t d = 0; d < idx.size(); ++d) out += (d ? ", " : "") + std::to_string(idx[d]);
  return out + "]";
}

void entries_block(std::ostream& h, const FindingRecord& r, const HtmlOptions& opt) {
  const EntryValues* ev = entry_values(r);
  if (!ev) {
    h << "<p class=\"note\">This log has no per-entry values for this finding (docs/report.md, "
         "<code>entries</code>); the sentence above names the worst entry.</p>\n";
    return;
  }
  const std::size_t n = std::min(ev->engine.size(), ev->oracle.size());
  const std::set<std::int64_t> not_judged(ev->inconclusive.begin(), ev->inconclusive.end());
  std::vector<double> rel(n), ratio(n);
  std::vector<bool> beyond(n);
  for (std::size_t i = 0; i < n; ++i) {
    const double e = ev->engine[i], o = ev->oracle[i];
    const double tol = i < ev->tolerance.size() ? ev->tolerance[i] : r.finding.tolerance;
    rel[i] = oracles::relative_error(e, o);
    const double diff = std::abs(e - o);
    ratio[i] = std::isnan(diff) ? HUGE_VAL : (tol > 0 ? diff / tol : (diff > 0 ? HUGE_VAL : 0));
    beyond[i] = !not_judged.count(static_cast<std::int64_t>(i)) && (std::isnan(diff) || diff > tol);
  }
  const char* what = ev->kind == EntryValues::Kind::direction ? "direction" : "element";
  h << "<div class=\"entries\"><h4>Engine vs " << esc(r.finding.oracle) << ", " << plural(static_cast<long>(n), what)
    << "</h4>\n";
  if (n > 12) {
    HeatMap map;
    map.title = std::string("relative error per ") + what;
    map.shape = ev->kind == EntryValues::Kind::direction ? std::vector<std::int64_t>{static_cast<std::int64_t>(n)}
                                                         : ev->shape;
    map.values = rel;
    map.flagged = beyond;
    map.max_cells = opt.max_heat_cells;
    if (n <= 256)
      for (std::size_t i = 0; i < n; ++i) map.labels.push_back(entry_label(*ev, static_cast<std::int64_t>(i)));
    int left_out = 0;
    h << "<figure class=\"heat\">" << svg_heatmap(map, &left_out) << "<figcaption>Relative error |engine − oracle| / "
      << "|oracle| of each " << what << " (row-major); outlined: beyond its tolerance."
      << (left_out ? " " + std::to_string(left_out) + " more not drawn." : "") << "</figcaption></figure>\n";
  }
  std::vector<std::size_t> order(n);
  for (std::size_t i = 0; i < n; ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return std::make_pair(!beyond[a], -ratio[a]) < std::make_pair(!beyond[b], -ratio[b]);
  });
  const std::size_t rows = std::min<std::size_t>(n, static_cast<std::size_t>(opt.max_entry_rows));
  const bool errors = !ev->oracle_error.empty();
  h << "<div class=\"scroll\"><table class=\"entries\"><thead><tr><th></th><th>" << what
    << "</th><th class=\"num\">engine</th><th class=\"num\">oracle</th>"
    << (errors ? "<th class=\"num\">± oracle error</th>" : "")
    << "<th class=\"num\">abs. error</th><th class=\"num\">rel. error</th><th class=\"num\">tolerance</th></tr></thead>"
       "<tbody>\n";
  for (std::size_t k = 0; k < rows; ++k) {
    const std::size_t i = order[k];
    const double tol = i < ev->tolerance.size() ? ev->tolerance[i] : r.finding.tolerance;
    const bool skipped = not_judged.count(static_cast<std::int64_t>(i)) > 0;
    h << "<tr class=\"" << (skipped ? "skipped" : beyond[i] ? "bad" : "ok") << "\"><td class=\"mark\" title=\""
      << (skipped ? "not judged" : beyond[i] ? "beyond its tolerance" : "within its tolerance") << "\">"
      << (skipped ? "·" : beyond[i] ? "✗" : "✓") << "</td><td class=\"nw\">"
      << esc(entry_label(*ev, static_cast<std::int64_t>(i))) << "</td><td class=\"num\">" << precise(ev->engine[i])
      << "</td><td class=\"num\">" << precise(ev->oracle[i]) << "</td>";
    if (errors)
      h << "<td class=\"num\">" << (i < ev->oracle_error.size() ? num(ev->oracle_error[i]) : std::string("-")) << "</td>";
    h << "<td class=\"num\">" << num(std::abs(ev->engine[i] - ev->oracle[i])) << "</td><td class=\"num\">" << num(rel[i])
      << "</td><td class=\"num\">" << num(tol) << "</td></tr>\n";
  }
  h << "</tbody></table></div>\n";
  if (rows < n)
    h << "<p class=\"note\">The " << rows << " worst of " << n << " " << what << "s are listed"
      << (n > 12 ? "; the heat map shows the rest" : "") << ".</p>\n";
  h << "</div>\n";
}

void sweep_block(std::ostream& h, const std::vector<const FindingRecord*>& result) {
  const FindingRecord* with_sweep = nullptr;
  for (const FindingRecord* r : result)
    if (step_sweep(*r)) with_sweep = r;
  if (!with_sweep) return;
  const StepSweep& sw = *step_sweep(*with_sweep);
  const EntryValues* ev = entry_values(*with_sweep);
  std::optional<double> engine;
  if (ev && sw.entry >= 0 && static_cast<std::size_t>(sw.entry) < ev->engine.size())
    engine = ev->engine[static_cast<std::size_t>(sw.entry)];
  LogLogPlot plot;
  plot.title = "finite-difference step sweep";
  plot.x_label = "step h";
  plot.y_label = "error";
  PlotSeries to_estimate{"|D(h) − estimate|", "#0969da", {}, false};
  PlotSeries to_engine{"|D(h) − engine|", "#cf222e", {}, false};
  for (const StepSweep::Point& p : sw.points) {
    to_estimate.points.emplace_back(p.h, std::abs(p.difference - sw.estimate));
    if (engine) to_engine.points.emplace_back(p.h, std::abs(p.difference - *engine));
  }
  if (engine) plot.series.push_back(to_engine);
  plot.series.push_back(to_estimate);
  plot.horizontal.push_back({"tolerance", "#59636e", with_sweep->finding.tolerance});
  plot.horizontal.push_back({"error estimate", "#8250df", sw.error});
  plot.marker_x = sw.chosen_h;
  plot.marker_label = "chosen h";
  int left_out = 0;
  h << "<div class=\"sweep\"><h4>Finite differences, step sweep ("
    << (ev ? "element " + esc(entry_label(*ev, sw.entry)) : "entry " + std::to_string(sw.entry)) << ")</h4><figure>"
    << svg_loglog(plot, &left_out) << "<figcaption>D(h): the central difference at step h. Estimate "
    << precise(sw.estimate) << " ± " << num(sw.error)
    << (engine ? ", engine " + precise(*engine) : std::string()) << ". Where |D(h) − engine| stays above the "
    << "tolerance at every h while |D(h) − estimate| dips below it, the engine is wrong, not the step."
    << (left_out ? " " + std::to_string(left_out) + " points at 0 are not drawn." : "")
    << "</figcaption></figure></div>\n";
}

// A None mismatch: the engine's words beside the connectivity oracle's prediction.
void why_none_block(std::ostream& h, const GroupMember& m) {
  const std::string value = m.source ? m.source->engine_value : "";
  const std::string why = m.source ? m.source->why_none : "";
  h << "<div class=\"why\"><div class=\"side engine-side\"><h4>The engine returned <code>"
    << esc(value.empty() ? "nothing" : value) << "</code></h4><p>"
    << (why.empty() ? std::string("<span class=\"note\">It gave no reason.</span>") : esc(why))
    << "</p></div><div class=\"side oracle-side\"><h4>The connectivity oracle predicts</h4><p>"
    << esc(m.record->finding.detail) << "</p>";
  if (const CutNode* cut = predicted_cut(*m.record))
    h << "<p class=\"cut\">Cut at <code>" << esc(cut->node) << "</code>" << (cut->op.empty() ? "" : " (" + esc(cut->op))
      << (cut->input >= 0 ? ", input " + std::to_string(cut->input) : "") << (cut->op.empty() ? "" : ")") << ": "
      << esc(cut->rule) << "</p>";
  h << "</div></div>\n";
}

void representative(std::ostream& h, const FindingGroup& group, std::size_t gi, const LogIndex& index,
                    const HtmlOptions& opt, int& drawn, bool have_dot) {
  const GroupMember& m = group.members.front();
  const GraphRecord& g = *m.graph;
  const oracles::Finding& f = m.record->finding;
  const std::vector<const FindingRecord*> result = same_result(index, *m.record);
  const CutNode* cut = nullptr;
  for (const FindingRecord* r : result)
    if (!cut) cut = predicted_cut(*r);
  std::optional<graph::Graph> shown;
  try {
    shown = graph::parse_tcg_syntax(shown_tcg(g));
  } catch (const std::exception&) {
  }
  const ShownResult names = shown ? shown_result(*shown, g, *m.record) : ShownResult{f.target, f.source};
  const bool renamed = names.target != f.target || names.source != f.source;
  const std::string id = "g" + std::to_string(gi + 1);
  h << "<div class=\"rep\">\n<div class=\"rep-head\">" << graph_link(g, index) << " · gradient " << f.gradient << ": <code>"
    << esc(derivative(f)) << "</code> · engine <code>" << esc(g.engine) << "</code> returned <code>"
    << esc(m.source && !m.source->engine_value.empty() ? m.source->engine_value : "?") << "</code> · seed " << g.seed
    << "<div class=\"origin\">" << esc(g.origin)
    << (g.minimal_tcg.empty() ? std::string()
                              : " — shown minimized" + (renamed ? ", where it is d " + esc(names.target) + " / d " +
                                                                      esc(names.source)
                                                                : std::string()))
    << "</div></div>\n";
  h << "<div class=\"rep-grid\"><div class=\"rep-graph\">"
    << figure_for(g, *m.record, shown ? &*shown : nullptr, names, cut, opt, drawn, have_dot)
    << "</div>\n<div class=\"rep-numbers\">";
  // A None mismatch's sentence is the oracle's side of the why-None pair.
  if (group.kind == FindingKind::wrong_value)
    h << "<p class=\"sentence\">" << esc(f.detail) << "</p>\n";
  else
    why_none_block(h, m);
  oracle_table(h, result, *m.record);
  if (group.kind == FindingKind::wrong_value) entries_block(h, *m.record, opt);
  sweep_block(h, result);
  h << "</div></div>\n<div class=\"rep-repro\">";
  write_command(h, g, "cmd-" + id);
  write_tcg_block(h, g, "tcg-" + id);
  h << "</div></div>\n";
}

void members_table(std::ostream& h, const FindingGroup& group, std::size_t gi, const LogIndex& index,
                   const HtmlOptions& opt) {
  if (group.members.size() < 2) return;
  const std::size_t rows = std::min<std::size_t>(group.members.size() - 1, static_cast<std::size_t>(opt.max_members));
  h << "<h4>The other " << plural(static_cast<long>(group.members.size() - 1), "finding")
    << " with this signature</h4>\n<div class=\"scroll\"><table class=\"members\"><thead><tr><th>graph</th><th>engine</th>"
       "<th>result</th>"
    << kErrorAndToleranceHeaders << "</tr></thead><tbody>\n";
  // Two rows per finding: its numbers, then its reproduce command across the table.
  for (std::size_t k = 1; k <= rows; ++k) {
    const GroupMember& m = group.members[k];
    const std::string engine = esc(m.graph->engine);
    h << "<tr data-engine=\"" << engine << "\"><td class=\"nw\">" << graph_link(*m.graph, index)
      << "</td><td class=\"nw\"><code>" << engine << "</code></td><td class=\"nw\"><code>"
      << esc(derivative(m.record->finding)) << "</code></td><td class=\"num\">" << num(m.record->finding.max_abs_error)
      << "</td><td class=\"num\">" << num(m.record->finding.max_rel_error)
      << "</td><td class=\"num\">" << num(m.record->finding.tolerance) << "</td></tr>\n<tr data-engine=\"" << engine
      << "\" class=\"cmd-row\"><td colspan=\"6\">";
    write_short_command(h, *m.graph);
    h << "</td></tr>\n";
  }
  h << "</tbody></table></div>\n";
  if (rows + 1 < group.members.size())
    h << "<p class=\"note\">" << (group.members.size() - 1 - rows)
      << " more not listed (the findings log has them all).</p>\n";
}

}  // namespace

LogIndex index_log(const FindingsLog& log, const std::vector<FindingGroup>& groups, const HtmlOptions& opt) {
  LogIndex index;
  index.findings_of.resize(log.graphs.size());
  index.group_of.assign(log.graphs.size(), -1);
  index.listed.assign(log.graphs.size(), false);
  for (std::size_t id = 0; id < log.graphs.size() && id < static_cast<std::size_t>(std::max(opt.max_listed, 0)); ++id)
    index.listed[id] = true;
  for (std::size_t gi = 0; gi < groups.size() && gi < static_cast<std::size_t>(std::max(opt.max_groups, 0)); ++gi)
    index.listed[static_cast<std::size_t>(groups[gi].members.front().graph->id)] = true;
  for (const FindingRecord& f : log.findings)
    if (f.graph >= 0 && static_cast<std::size_t>(f.graph) < log.graphs.size())
      index.findings_of[static_cast<std::size_t>(f.graph)].push_back(&f);
  for (std::size_t gi = 0; gi < groups.size(); ++gi)
    for (const GroupMember& m : groups[gi].members) {
      int& first = index.group_of[static_cast<std::size_t>(m.graph->id)];
      if (first < 0) first = static_cast<int>(gi);
    }
  return index;
}

std::string row_link(const LogIndex& index, int graph, const std::string& label_html) {
  const bool listed = graph >= 0 && static_cast<std::size_t>(graph) < index.listed.size() &&
                      index.listed[static_cast<std::size_t>(graph)];
  return listed ? "<a href=\"#row-" + std::to_string(graph) + "\">" + label_html + "</a>" : label_html;
}

void write_command(std::ostream& h, const GraphRecord& g, const std::string& id) {
  h << "<div class=\"cmd\"><code id=\"" << id << "\">" << esc(reproduce_command(g))
    << "</code><button type=\"button\" class=\"copy js-only\" data-copy=\"" << id << "\">Copy</button></div>";
}

void write_tcg_block(std::ostream& h, const GraphRecord& g, const std::string& id) {
  const std::string file = replay_file(g);
  const bool on_disk = file == saved_tcg_file(g) || file == g.origin;
  h << "<div class=\"tcg-block\"><div class=\"tcg-head\">" << (g.minimal_tcg.empty() ? "graph" : "minimized graph")
    << " <code>" << esc(file) << "</code>"
    << (on_disk ? "" : " <span class=\"note\">(not on disk: save it under this name to replay)</span>")
    << "<button type=\"button\" class=\"save js-only\" data-save=\"" << id << "\" data-name=\"" << esc(file)
    << "\">Save .tcg</button><button type=\"button\" class=\"copy js-only\" data-copy=\"" << id
    << "\">Copy</button></div><pre class=\"tcg\" id=\"" << id << "\">" << esc(shown_tcg(g)) << "</pre></div>";
}

void write_findings_section(std::ostream& h, const std::vector<FindingGroup>& groups, const LogIndex& index,
                            const HtmlOptions& opt) {
  long total = 0;
  for (const FindingGroup& g : groups) total += static_cast<long>(g.members.size());
  h << "<section id=\"mismatches\"><h2>Findings <span class=\"count\">" << plural(static_cast<long>(groups.size()), "group")
    << ", " << plural(total, "mismatch", "mismatches") << "</span></h2>\n";
  if (groups.empty()) {
    h << "<p class=\"note\">No oracle found a gradient that disagrees with it.</p>\n</section>\n";
    return;
  }
  h << "<p class=\"lede\">Mismatches with the same signature — kind, oracle, and the ops on the path from source "
       "to target — are one group, worst first: wrong values, then None where a value is due, then a value where "
       "None is due; within a kind by the largest relative error. Each group shows its smallest graph in full.</p>\n";
  const std::size_t shown = std::min(groups.size(), static_cast<std::size_t>(opt.max_groups));
  long shown_findings = 0;
  for (std::size_t i = 0; i < shown; ++i) shown_findings += static_cast<long>(groups[i].members.size());
  filter_bar(h, groups, shown, shown_findings);
  const bool have_dot = opt.draw_graphs && have_executable(opt.dot_command);
  int drawn = 0;
  for (std::size_t gi = 0; gi < shown; ++gi) {
    const FindingGroup& group = groups[gi];
    nlohmann::json per_engine = nlohmann::json::object();
    for (const GroupMember& m : group.members) per_engine[m.graph->engine] = per_engine.value(m.graph->engine, 0) + 1;
    std::set<int> graphs;
    for (const GroupMember& m : group.members) graphs.insert(m.graph->id);
    h << "<details class=\"group k-" << kind_name(group.kind) << "\" id=\"group-" << gi + 1 << "\" data-kind=\""
      << kind_name(group.kind) << "\" data-oracle=\"" << esc(group.oracle) << "\" data-engines=\""
      << json_attr(per_engine) << "\" data-ops=\"" << json_attr(group.op_path) << "\" data-count=\""
      << group.members.size() << "\"" << (gi == 0 ? " open" : "") << ">\n<summary><span class=\"rank\">" << gi + 1
      << "</span><span class=\"kind\">" << kind_title(group.kind) << "</span><code class=\"oracle\">"
      << esc(group.oracle) << "</code><span class=\"path\">" << op_chips(group.op_path)
      << "</span><span class=\"stats\"><b>" << plural(static_cast<long>(group.members.size()), "finding") << "</b> in "
      << plural(static_cast<long>(graphs.size()), "graph") << " · "
      << (group.kind == FindingKind::wrong_value ? "rel. error up to " + num(group.worst_rel_error) + " · " : "");
    for (std::size_t e = 0; e < group.engines.size(); ++e) h << (e ? ", " : "") << "<code>" << esc(group.engines[e]) << "</code>";
    h << "</span></summary>\n<div class=\"group-body\">\n";
    representative(h, group, gi, index, opt, drawn, have_dot);
    members_table(h, group, gi, index, opt);
    h << "</div></details>\n";
  }
  if (shown < groups.size()) {
    long rest = 0;
    for (std::size_t i = shown; i < groups.size(); ++i) rest += static_cast<long>(groups[i].members.size());
    h << "<p class=\"note\">" << (groups.size() - shown) << " more groups (" << rest
      << " findings) are not shown; the findings log has them all.</p>\n";
  }
  h << "</section>\n";
}

}  // namespace tc::reports::html
