#include "reports/html_report.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <map>
#include <set>
#include <sstream>

#include "engine/core/format.hpp"
#include "engine/ops/op_table.hpp"
#include "graph/tcg.hpp"
#include "reports/graph_dot.hpp"

namespace tc::reports {

using oracles::Outcome;
using oracles::Verdict;

namespace {

constexpr std::array<Outcome, 4> kOutcomes = {Outcome::agree, Outcome::mismatch, Outcome::inconclusive,
                                              Outcome::not_applicable};
constexpr std::array<Verdict, 4> kVerdicts = {Verdict::agree, Verdict::mismatch, Verdict::inconclusive,
                                              Verdict::error_raised};

// Oracles in a fixed order (the ones a log names that are not listed here follow by name).
const std::vector<std::string>& known_oracles() {
  static const std::vector<std::string> v = {"connectivity", "finite_difference", "complex_step",
                                             "forward_mode", "second_order"};
  return v;
}

std::string num(double v) { return format_number(v, 3); }

std::string esc(const std::string& s) { return html_escape(s); }

std::string verdict_badge(Verdict v) {
  return std::string("<span class=\"badge v-") + oracles::verdict_name(v) + "\">" +
         oracles::verdict_name(v) + "</span>";
}

std::string graph_title(const GraphRecord& g) {
  return "#" + std::to_string(g.id) + " " + (g.name.empty() ? std::string("(unnamed)") : g.name);
}

std::string location(const eut::RaisedError& e) {
  if (e.at.line <= 0) return "";
  return std::to_string(e.at.line) + (e.at.column > 0 ? ":" + std::to_string(e.at.column) : "");
}

const char* kCss = R"css(
:root { --fg:#1f2328; --muted:#59636e; --line:#d1d9e0; --bg:#ffffff; --soft:#f6f8fa;
        --agree:#1a7f37; --mismatch:#cf222e; --inconclusive:#9a6700; --na:#6e7781; --error:#8250df; }
* { box-sizing: border-box; }
body { font: 14px/1.45 -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; color: var(--fg);
       background: var(--bg); margin: 0 auto; max-width: 1180px; padding: 24px 28px 60px; }
h1 { font-size: 24px; margin: 0 0 6px; }
h2 { font-size: 19px; margin: 34px 0 10px; padding-bottom: 4px; border-bottom: 1px solid var(--line); }
h3 { font-size: 15px; margin: 0 0 8px; }
p.lede { color: var(--muted); margin: 0 0 14px; max-width: 900px; }
nav { font-size: 13px; margin: 0 0 10px; }
nav a { margin-right: 14px; color: #0969da; text-decoration: none; }
.cards { display: flex; gap: 12px; flex-wrap: wrap; margin: 12px 0; }
.card { border: 1px solid var(--line); border-radius: 8px; padding: 10px 16px; min-width: 140px; background: var(--soft); }
.card .n { font-size: 26px; font-weight: 600; }
.card .l { color: var(--muted); font-size: 12px; text-transform: uppercase; letter-spacing: .04em; }
.card.v-agree .n { color: var(--agree); } .card.v-mismatch .n { color: var(--mismatch); }
.card.v-inconclusive .n { color: var(--inconclusive); } .card.v-error_raised .n { color: var(--error); }
table { border-collapse: collapse; margin: 8px 0 14px; font-size: 13px; width: 100%; }
th, td { border: 1px solid var(--line); padding: 4px 8px; text-align: left; vertical-align: top;
         overflow-wrap: anywhere; }
th { background: var(--soft); font-weight: 600; }
td.nw { white-space: nowrap; overflow-wrap: normal; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.zero { color: #b0b7bf; }
tr.uncovered td { color: #8c959f; background: #fbfbfc; }
.badge { display: inline-block; padding: 0 7px; border-radius: 10px; font-size: 12px; font-weight: 600;
         color: #fff; white-space: nowrap; }
.v-agree.badge, .o-agree.badge { background: var(--agree); }
.v-mismatch.badge, .o-mismatch.badge { background: var(--mismatch); }
.v-inconclusive.badge, .o-inconclusive.badge { background: var(--inconclusive); }
.o-not_applicable.badge { background: var(--na); }
.v-error_raised.badge { background: var(--error); }
article.graph { border: 1px solid var(--line); border-left: 4px solid var(--mismatch); border-radius: 6px;
                padding: 12px 16px; margin: 14px 0; }
.meta { color: var(--muted); font-size: 12px; margin-bottom: 8px; }
.detail { margin: 2px 0 0; }
.explain { background: #fff8c5; border: 1px solid #eac54f; border-radius: 6px; padding: 6px 10px; margin: 8px 0; }
.explain b { font-weight: 600; }
pre { background: var(--soft); border: 1px solid var(--line); border-radius: 6px; padding: 10px 12px;
      overflow-x: auto; font: 12px/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; margin: 6px 0; }
code { font: 12px ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
.pair { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); gap: 14px; align-items: start; }
figure { margin: 6px 0; overflow-x: auto; border: 1px solid var(--line); border-radius: 6px; padding: 6px; background: #fff; }
figure svg { max-width: 100%; height: auto; }
figcaption { color: var(--muted); font-size: 12px; }
.note { color: var(--muted); font-style: italic; }
details summary { cursor: pointer; color: #0969da; font-size: 12px; margin-top: 4px; }
footer { margin-top: 40px; color: var(--muted); font-size: 12px; border-top: 1px solid var(--line); padding-top: 8px; }
)css";

struct Counts {
  std::map<Verdict, int> verdicts;
  std::map<std::string, std::map<Outcome, int>> per_oracle;
  std::vector<std::string> oracle_order;
};

Counts count(const FindingsLog& log) {
  Counts c;
  for (const GraphRecord& g : log.graphs) ++c.verdicts[g.verdict];
  std::set<std::string> seen;
  for (const FindingRecord& f : log.findings) {
    ++c.per_oracle[f.finding.oracle][f.finding.outcome];
    seen.insert(f.finding.oracle);
  }
  for (const std::string& o : known_oracles())
    if (seen.count(o)) c.oracle_order.push_back(o);
  for (const std::string& o : seen)
    if (std::find(c.oracle_order.begin(), c.oracle_order.end(), o) == c.oracle_order.end())
      c.oracle_order.push_back(o);
  return c;
}

void summary_section(std::ostringstream& h, const FindingsLog& log, const Counts& c) {
  h << "<section id=\"summary\"><h2>Summary</h2>\n<div class=\"cards\">\n";
  h << "<div class=\"card\"><div class=\"n\">" << log.graphs.size()
    << "</div><div class=\"l\">graphs</div></div>\n";
  for (Verdict v : kVerdicts) {
    auto it = c.verdicts.find(v);
    h << "<div class=\"card v-" << oracles::verdict_name(v) << "\"><div class=\"n\">"
      << (it == c.verdicts.end() ? 0 : it->second) << "</div><div class=\"l\">" << oracles::verdict_name(v)
      << "</div></div>\n";
  }
  h << "<div class=\"card\"><div class=\"n\">" << log.findings.size()
    << "</div><div class=\"l\">findings</div></div>\n</div>\n";

  h << "<h3>Findings per oracle and outcome</h3>\n<table class=\"per-oracle\"><thead><tr><th>oracle</th>";
  for (Outcome o : kOutcomes) h << "<th class=\"num\">" << oracles::outcome_name(o) << "</th>";
  h << "<th class=\"num\">total</th></tr></thead><tbody>\n";
  std::map<Outcome, int> totals;
  for (const std::string& oracle : c.oracle_order) {
    const auto& row = c.per_oracle.at(oracle);
    int total = 0;
    h << "<tr><td class=\"nw\"><code>" << esc(oracle) << "</code></td>";
    for (Outcome o : kOutcomes) {
      auto it = row.find(o);
      const int n = it == row.end() ? 0 : it->second;
      total += n;
      totals[o] += n;
      h << "<td class=\"num" << (n ? "" : " zero") << "\">" << n << "</td>";
    }
    h << "<td class=\"num\">" << total << "</td></tr>\n";
  }
  int grand = 0;
  h << "<tr><th>all oracles</th>";
  for (Outcome o : kOutcomes) {
    grand += totals[o];
    h << "<th class=\"num\">" << totals[o] << "</th>";
  }
  h << "<th class=\"num\">" << grand << "</th></tr>\n</tbody></table>\n";
  if (c.oracle_order.empty()) h << "<p class=\"note\">The log holds no findings.</p>\n";
  h << "</section>\n";
}

// The findings of each graph, by graph id.
std::vector<std::vector<const oracles::Finding*>> findings_by_graph(const FindingsLog& log) {
  std::vector<std::vector<const oracles::Finding*>> out(log.graphs.size());
  for (const FindingRecord& f : log.findings)
    if (f.graph >= 0 && static_cast<std::size_t>(f.graph) < out.size())
      out[static_cast<std::size_t>(f.graph)].push_back(&f.finding);
  return out;
}

void mismatch_article(std::ostringstream& h, const GraphRecord& g,
                      const std::vector<const oracles::Finding*>& findings, const HtmlOptions& opt,
                      int& drawn, bool have_dot, const std::string& dot_missing) {
  h << "<article class=\"graph\" id=\"graph-" << g.id << "\">\n<h3>" << esc(graph_title(g)) << " "
    << verdict_badge(g.verdict) << "</h3>\n";
  h << "<div class=\"meta\">origin: <code>" << esc(g.origin.empty() ? "-" : g.origin) << "</code> · engine: <code>"
    << esc(g.engine) << "</code> · seed: " << g.seed << "</div>\n";

  h << "<table class=\"mismatch-numbers\"><thead><tr><th>oracle</th><th>gradient</th><th>d target / d source</th>"
       "<th class=\"num\">max |engine − oracle|</th><th class=\"num\">max rel. error</th>"
       "<th class=\"num\">tolerance</th><th class=\"num\">entries checked</th>"
       "<th class=\"num\">inconclusive</th><th class=\"num\">worst entry</th></tr></thead><tbody>\n";
  std::set<std::string> highlight;
  for (const oracles::Finding* f : findings) {
    if (f->outcome != Outcome::mismatch) continue;
    if (!f->source.empty()) highlight.insert(f->source);
    if (!f->target.empty()) highlight.insert(f->target);
    h << "<tr><td class=\"nw\"><code>" << esc(f->oracle) << "</code></td><td class=\"num\">" << f->gradient
      << "</td><td><code>d " << esc(f->target.empty() ? "?" : f->target) << " / d "
      << esc(f->source.empty() ? "(all)" : f->source) << "</code></td><td class=\"num\">" << num(f->max_abs_error)
      << "</td><td class=\"num\">" << num(f->max_rel_error) << "</td><td class=\"num\">" << num(f->tolerance)
      << "</td><td class=\"num\">" << f->entries_checked << "</td><td class=\"num\">" << f->entries_inconclusive
      << "</td><td class=\"num\">" << (f->worst_entry >= 0 ? std::to_string(f->worst_entry) : "-")
      << "</td></tr>\n<tr><td></td><td colspan=\"8\" class=\"detail\">" << esc(f->detail) << "</td></tr>\n";
  }
  h << "</tbody></table>\n";

  // None mismatches: the engine's words and the connectivity oracle's prediction side by side.
  for (const oracles::SourceVerdict& s : g.sources) {
    if (s.verdict != Verdict::mismatch) continue;
    const oracles::Finding* conn = nullptr;
    for (const oracles::Finding* f : findings)
      if (f->oracle == "connectivity" && f->gradient == s.gradient && f->source == s.source &&
          f->outcome == Outcome::mismatch)
        conn = f;
    if (!conn) continue;
    h << "<div class=\"explain\"><b>None mismatch, d " << esc(s.target) << " / d " << esc(s.source)
      << "</b> (gradient " << s.gradient << "). The engine returned <code>"
      << esc(s.engine_value.empty() ? "nothing" : s.engine_value) << "</code>";
    if (!s.why_none.empty()) h << "; the engine says: <i>" << esc(s.why_none) << "</i>";
    h << ".<br>Connectivity oracle: " << esc(conn->detail) << "</div>\n";
  }

  const bool minimal = !g.minimal_tcg.empty();
  const std::string& tcg = minimal ? g.minimal_tcg : g.tcg;
  h << "<div class=\"pair\"><div><div class=\"meta\">" << (minimal ? "minimal graph (.tcg)" : "graph (.tcg)")
    << "</div><pre class=\"tcg\">" << esc(tcg) << "</pre></div>\n<div>";
  if (!opt.draw_graphs) {
    h << "<p class=\"note\">Drawings are off.</p>";
  } else if (!have_dot) {
    h << "<p class=\"note\">" << esc(dot_missing) << ".</p>";
  } else if (drawn >= opt.max_drawn) {
    h << "<p class=\"note\">Not drawn: only the first " << opt.max_drawn << " mismatching graphs are.</p>";
  } else {
    ++drawn;
    std::string svg_error;
    try {
      const graph::Graph parsed = graph::parse_tcg_syntax(tcg);
      const SvgResult svg = render_svg(graph_to_dot(parsed, highlight), opt.dot_command);
      if (svg.ok())
        h << "<figure>" << svg.svg << "<figcaption>Drawn with Graphviz; mismatching values in red.</figcaption></figure>";
      else
        svg_error = svg.error;
    } catch (const std::exception& e) {
      svg_error = std::string("the .tcg text does not parse: ") + e.what();
    }
    if (!svg_error.empty()) h << "<p class=\"note\">No drawing: " << esc(svg_error) << ".</p>";
  }
  h << "</div></div>\n</article>\n";
}

void mismatches_section(std::ostringstream& h, const FindingsLog& log,
                        const std::vector<std::vector<const oracles::Finding*>>& by_graph,
                        const HtmlOptions& opt) {
  int n = 0;
  for (const GraphRecord& g : log.graphs) n += g.verdict == Verdict::mismatch;
  h << "<section id=\"mismatches\"><h2>Mismatches (" << n << " graph" << (n == 1 ? "" : "s") << ")</h2>\n";
  if (n == 0) {
    h << "<p class=\"note\">No oracle found a gradient that disagrees with it.</p>\n</section>\n";
    return;
  }
  const bool have_dot = opt.draw_graphs && have_executable(opt.dot_command);
  const std::string dot_missing = "Graphviz `" + opt.dot_command +
                                  "` was not found, so graphs are shown as .tcg text only "
                                  "(install graphviz to get drawings)";
  if (opt.draw_graphs && !have_dot) h << "<p class=\"note\">" << esc(dot_missing) << ".</p>\n";
  int drawn = 0;
  for (const GraphRecord& g : log.graphs)
    if (g.verdict == Verdict::mismatch)
      mismatch_article(h, g, by_graph[static_cast<std::size_t>(g.id)], opt, drawn, have_dot, dot_missing);
  h << "</section>\n";
}

void errors_section(std::ostringstream& h, const FindingsLog& log) {
  int n = 0;
  for (const GraphRecord& g : log.graphs) n += g.run.error.has_value();
  h << "<section id=\"errors\"><h2>Errors raised (" << n << ")</h2>\n";
  if (n == 0) {
    h << "<p class=\"note\">No engine run stopped with an error.</p>\n</section>\n";
    return;
  }
  h << "<table><thead><tr><th>graph</th><th>verdict</th><th>kind</th><th>at (line:col)</th><th>message</th>"
       "</tr></thead><tbody>\n";
  for (const GraphRecord& g : log.graphs) {
    if (!g.run.error) continue;
    h << "<tr><td><a href=\"#row-" << g.id << "\">" << esc(graph_title(g)) << "</a></td><td>"
      << verdict_badge(g.verdict) << "</td><td><code>" << esc(eut::error_kind_name(g.run.error->kind)) << "</code></td><td class=\"num\">"
      << esc(location(*g.run.error)) << "</td><td>" << esc(g.run.error->message);
    if (!g.tcg.empty())
      h << "<details><summary>graph (.tcg)</summary><pre class=\"tcg\">" << esc(g.tcg) << "</pre></details>";
    h << "</td></tr>\n";
  }
  h << "</tbody></table>\n</section>\n";
}

void inconclusive_section(std::ostringstream& h, const FindingsLog& log, const HtmlOptions& opt) {
  int n = 0;
  for (const GraphRecord& g : log.graphs)
    for (const oracles::SourceVerdict& s : g.sources) n += s.verdict == Verdict::inconclusive;
  h << "<section id=\"inconclusive\"><h2>Inconclusive results (" << n << ")</h2>\n";
  if (n == 0) {
    h << "<p class=\"note\">Every gradient result was judged by some oracle.</p>\n</section>\n";
    return;
  }
  h << "<p class=\"lede\">No oracle could judge these (kinks, non-finite values, ops without a complex "
       "extension ...). They are not failures.</p>\n";
  h << "<table><thead><tr><th>graph</th><th>gradient</th><th>source</th><th>oracle</th><th>why</th></tr></thead>"
       "<tbody>\n";
  int shown = 0;
  for (const GraphRecord& g : log.graphs)
    for (const oracles::SourceVerdict& s : g.sources) {
      if (s.verdict != Verdict::inconclusive || shown >= opt.max_listed) continue;
      ++shown;
      h << "<tr><td><a href=\"#row-" << g.id << "\">" << esc(graph_title(g)) << "</a></td><td class=\"num\">"
        << s.gradient << "</td><td><code>" << esc(s.source) << "</code></td><td class=\"nw\"><code>" << esc(s.oracle)
        << "</code></td><td>" << esc(s.detail) << "</td></tr>\n";
    }
  h << "</tbody></table>\n";
  if (shown < n) h << "<p class=\"note\">" << (n - shown) << " more not listed.</p>\n";
  h << "</section>\n";
}

void coverage_section(std::ostringstream& h, const FindingsLog& log) {
  struct Row {
    std::string family;
    bool in_table = false;
    int graphs = 0;
    std::map<Verdict, int> verdicts;
  };
  std::map<std::string, Row> rows;
  std::vector<std::string> order;
  for (const OpDef* op : op_table()) {
    rows[op->name].family = op->family;
    rows[op->name].in_table = true;
    order.push_back(op->name);
  }
  for (const GraphRecord& g : log.graphs)
    for (const std::string& op : g.ops) {
      Row& r = rows[op];
      if (!r.in_table && r.graphs == 0) {
        r.family = "?";
        order.push_back(op);
      }
      ++r.graphs;
      ++r.verdicts[g.verdict];
    }
  int covered = 0, table_ops = 0;
  for (const auto& [name, r] : rows) {
    table_ops += r.in_table;
    covered += r.in_table && r.graphs > 0;
  }
  h << "<section id=\"coverage\"><h2>Op coverage</h2>\n<p class=\"lede\">" << covered << " of " << table_ops
    << " ops in the op table appear in at least one graph. Counts are graphs using the op, by the graph's "
       "verdict.</p>\n";
  h << "<table class=\"coverage\"><thead><tr><th>op</th><th>family</th><th class=\"num\">graphs</th>";
  for (Verdict v : kVerdicts) h << "<th class=\"num\">" << oracles::verdict_name(v) << "</th>";
  h << "</tr></thead><tbody>\n";
  for (const std::string& name : order) {
    const Row& r = rows[name];
    h << "<tr" << (r.graphs ? "" : " class=\"uncovered\"") << "><td><code>" << esc(name) << "</code>"
      << (r.in_table ? "" : " <span class=\"note\">(not in the op table)</span>") << "</td><td>" << esc(r.family)
      << "</td><td class=\"num\">" << r.graphs << "</td>";
    for (Verdict v : kVerdicts) {
      auto it = r.verdicts.find(v);
      const int n = it == r.verdicts.end() ? 0 : it->second;
      h << "<td class=\"num" << (n ? "" : " zero") << "\">" << n << "</td>";
    }
    h << "</tr>\n";
  }
  h << "</tbody></table>\n</section>\n";
}

void graphs_section(std::ostringstream& h, const FindingsLog& log,
                    const std::vector<std::vector<const oracles::Finding*>>& by_graph, const HtmlOptions& opt) {
  h << "<section id=\"graphs\"><h2>All graphs (" << log.graphs.size() << ")</h2>\n";
  h << "<table class=\"graphs\"><thead><tr><th class=\"num\">#</th><th>name</th><th>origin</th><th>engine</th>"
       "<th>verdict</th><th class=\"num\">gradient calls</th><th class=\"num\">results</th>"
       "<th class=\"num\">None</th>";
  for (Outcome o : kOutcomes) h << "<th class=\"num\">" << oracles::outcome_name(o) << "</th>";
  h << "</tr></thead><tbody>\n";
  int shown = 0;
  for (const GraphRecord& g : log.graphs) {
    if (shown++ >= opt.max_listed && g.verdict != Verdict::mismatch) continue;
    std::map<Outcome, int> per;
    for (const oracles::Finding* f : by_graph[static_cast<std::size_t>(g.id)]) ++per[f->outcome];
    h << "<tr id=\"row-" << g.id << "\"><td class=\"num\">" << g.id << "</td><td>";
    if (g.verdict == Verdict::mismatch)
      h << "<a href=\"#graph-" << g.id << "\">" << esc(g.name.empty() ? "(unnamed)" : g.name) << "</a>";
    else
      h << esc(g.name.empty() ? "(unnamed)" : g.name);
    h << "</td><td><code>" << esc(g.origin) << "</code></td><td><code>" << esc(g.engine) << "</code></td><td>"
      << verdict_badge(g.verdict) << "</td><td class=\"num\">" << g.run.gradient_calls << "</td><td class=\"num\">"
      << g.run.results << "</td><td class=\"num\">" << g.run.none_results << "</td>";
    for (Outcome o : kOutcomes) h << "<td class=\"num" << (per[o] ? "" : " zero") << "\">" << per[o] << "</td>";
    h << "</tr>\n";
  }
  h << "</tbody></table>\n";
  if (static_cast<int>(log.graphs.size()) > opt.max_listed)
    h << "<p class=\"note\">Only the first " << opt.max_listed << " graphs (and every mismatch) are listed.</p>\n";
  h << "</section>\n";
}

// The length of the valid UTF-8 sequence at s[i], or 0.
std::size_t utf8_length(const std::string& s, std::size_t i) {
  const auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char c = b(i);
  std::size_t n;
  if (c < 0x80) return 1;
  if (c >= 0xc2 && c <= 0xdf) n = 2;
  else if (c >= 0xe0 && c <= 0xef) n = 3;
  else if (c >= 0xf0 && c <= 0xf4) n = 4;
  else return 0;
  if (i + n > s.size()) return 0;
  for (std::size_t k = 1; k < n; ++k)
    if ((b(i + k) & 0xc0) != 0x80) return 0;
  if (c == 0xe0 && b(i + 1) < 0xa0) return 0;   // overlong
  if (c == 0xed && b(i + 1) >= 0xa0) return 0;  // surrogates
  if (c == 0xf0 && b(i + 1) < 0x90) return 0;   // overlong
  if (c == 0xf4 && b(i + 1) >= 0x90) return 0;  // > U+10FFFF
  return n;
}

}  // namespace

std::string html_escape(const std::string& text) {
  std::string out;
  out.reserve(text.size() + text.size() / 8);
  for (std::size_t i = 0; i < text.size();) {
    const char c = text[i];
    switch (c) {
      case '&': out += "&amp;"; ++i; continue;
      case '<': out += "&lt;"; ++i; continue;
      case '>': out += "&gt;"; ++i; continue;
      case '"': out += "&quot;"; ++i; continue;
      case '\'': out += "&#39;"; ++i; continue;
      default: break;
    }
    const unsigned char u = static_cast<unsigned char>(c);
    if (u < 0x20 && c != '\n' && c != '\t' && c != '\r') {
      out += "\xef\xbf\xbd";
      ++i;
      continue;
    }
    const std::size_t n = utf8_length(text, i);
    if (n == 0) {
      out += "\xef\xbf\xbd";  // U+FFFD
      ++i;
    } else {
      out.append(text, i, n);
      i += n;
    }
  }
  return out;
}

std::string render_html(const FindingsLog& log, const HtmlOptions& opt) {
  const Counts c = count(log);
  const auto by_graph = findings_by_graph(log);
  std::set<std::string> engines;
  for (const GraphRecord& g : log.graphs) engines.insert(g.engine);
  std::string engine_list;
  for (const std::string& e : engines) engine_list += (engine_list.empty() ? "" : ", ") + e;
  auto verdicts = [&](Verdict v) {
    auto it = c.verdicts.find(v);
    return it == c.verdicts.end() ? 0 : it->second;
  };

  std::ostringstream h;
  h << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
    << "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>" << esc(opt.title)
    << "</title>\n<style>" << kCss << "</style>\n</head>\n<body>\n";
  h << "<h1>" << esc(opt.title) << "</h1>\n<p class=\"lede\">" << log.graphs.size() << " graph"
    << (log.graphs.size() == 1 ? "" : "s") << " checked"
    << (engine_list.empty() ? std::string() : " on engine " + esc(engine_list)) << ": " << verdicts(Verdict::agree)
    << " agree, " << verdicts(Verdict::mismatch) << " mismatch, " << verdicts(Verdict::inconclusive)
    << " inconclusive, " << verdicts(Verdict::error_raised) << " raised an error. " << log.findings.size()
    << " findings from " << c.oracle_order.size() << " oracle" << (c.oracle_order.size() == 1 ? "" : "s")
    << ".</p>\n";
  h << "<nav><a href=\"#summary\">Summary</a><a href=\"#mismatches\">Mismatches</a><a href=\"#errors\">Errors "
       "raised</a><a href=\"#inconclusive\">Inconclusive</a><a href=\"#coverage\">Op coverage</a><a "
       "href=\"#graphs\">All graphs</a></nav>\n";
  summary_section(h, log, c);
  mismatches_section(h, log, by_graph, opt);
  errors_section(h, log);
  inconclusive_section(h, log, opt);
  coverage_section(h, log);
  graphs_section(h, log, by_graph, opt);
  h << "<footer>Generated by tapecheck from the findings log" << (opt.source.empty() ? "" : " ")
    << "<code>" << esc(opt.source) << "</code> (format " << kLogFormat << " v" << kLogVersion
    << "). Self-contained: no scripts, nothing fetched.</footer>\n</body>\n</html>\n";
  return h.str();
}

void write_html_report(const std::string& path, const FindingsLog& log, const HtmlOptions& options) {
  write_file_atomically(path, render_html(log, options));
}

}  // namespace tc::reports
