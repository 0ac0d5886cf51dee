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
#include "reports/html_assets.hpp"
#include "reports/html_findings.hpp"
#include "reports/html_text.hpp"
#include "reports/report_model.hpp"

namespace tc::reports {

using oracles::Outcome;
using oracles::Verdict;
using namespace html;

namespace {

constexpr std::array<Outcome, 4> kOutcomes = {Outcome::agree, Outcome::mismatch, Outcome::inconclusive,
                                              Outcome::not_applicable};

// Everything the sections share, computed once.
struct Page {
  const FindingsLog& log;
  const HtmlOptions& opt;
  std::vector<FindingGroup> groups;
  LogIndex index;
  std::vector<std::string> oracles;
  std::map<Verdict, int> verdicts;
  std::map<std::string, std::map<Outcome, int>> per_oracle;
  int results = 0, inconclusive_results = 0, errors = 0;
  int value_results = 0, unverified_results = 0;  // values (not None); values no numerical oracle checked

  Page(const FindingsLog& l, const HtmlOptions& o) : log(l), opt(o) {
    groups = group_findings(log);
    index = index_log(log, groups, opt);
    oracles = oracle_order(log);
    for (const GraphRecord& g : log.graphs) {
      ++verdicts[g.verdict];
      errors += g.run.error.has_value();
      for (const oracles::SourceVerdict& s : g.sources) {
        ++results;
        inconclusive_results += s.verdict == Verdict::inconclusive;
        unverified_results += s.verdict == Verdict::unverified;
        value_results += !s.engine_value.empty() && s.engine_value != "None";
      }
    }
    for (const FindingRecord& f : log.findings) ++per_oracle[f.finding.oracle][f.finding.outcome];
    for (const auto& [oracle, outcomes] : log.omitted.per_oracle)
      for (const auto& [outcome, count] : outcomes) per_oracle[oracle][outcome] += static_cast<int>(count);
  }
  int verdict_count(Verdict v) const {
    auto it = verdicts.find(v);
    return it == verdicts.end() ? 0 : it->second;
  }
};

std::string graph_label(const GraphRecord& g) {
  return "#" + std::to_string(g.id) + (g.name.empty() ? std::string() : " " + g.name);
}

std::string location(const eut::RaisedError& e) {
  if (e.at.line <= 0) return "";
  return std::to_string(e.at.line) + (e.at.column > 0 ? ":" + std::to_string(e.at.column) : "");
}

std::string percent(double part, double whole) {
  if (whole <= 0) return "0";
  char buf[16];
  std::snprintf(buf, sizeof buf, "%.1f", 100.0 * part / whole);
  return buf;
}

std::string duration(double s) {
  char buf[32];
  if (s < 60)
    std::snprintf(buf, sizeof buf, "%.1f s", s);
  else
    std::snprintf(buf, sizeof buf, "%d min %02d s", static_cast<int>(s) / 60, static_cast<int>(s) % 60);
  return buf;
}

// What to do about an error the campaign's limits caused.
std::string error_hint(const eut::RaisedError& e) {
  if (e.message.find("bad_alloc") != std::string::npos || e.message.find("--memory-limit") != std::string::npos)
    return "Out of memory: each worker's address space is capped by <code>--memory-limit</code> (MB; 0 = no cap). "
           "Raise it if the graph is meant to be this large.";
  if (e.kind == "timeout")
    return "The graph took longer than <code>--graph-timeout</code> allows (seconds). Raise it if the graph is "
           "meant to be this slow; a loop that never ends is a finding.";
  return "";
}

void header(std::ostream& h, const Page& p) {
  const FindingsLog& log = p.log;
  std::set<std::string> engines;
  for (const GraphRecord& g : log.graphs) engines.insert(g.engine);
  std::string engine_list;
  for (const std::string& e : engines) engine_list += (engine_list.empty() ? "" : ", ") + esc(e);
  h << "<header class=\"top\"><div class=\"inner\"><h1>" << esc(p.opt.title) << "</h1>\n<p class=\"lede\">"
    << plural(static_cast<long>(log.graphs.size()), "graph") << " checked"
    << (engine_list.empty() ? std::string() : " on " + std::string(engines.size() == 1 ? "engine " : "engines ") + engine_list)
    << ": " << p.verdict_count(Verdict::agree) << " agree, " << p.verdict_count(Verdict::mismatch) << " mismatch, "
    << p.verdict_count(Verdict::unverified) << " unverified, " << p.verdict_count(Verdict::inconclusive)
    << " inconclusive, " << p.verdict_count(Verdict::error_raised) << " raised an error. " << plural(static_cast<long>(log.finding_count()), "finding") << " from "
    << plural(static_cast<long>(p.oracles.size()), "oracle") << ".</p>\n";
  long mismatches = 0;
  for (const FindingGroup& g : p.groups) mismatches += static_cast<long>(g.members.size());
  if (!p.groups.empty())
    h << "<div class=\"status bad\"><span class=\"big\">" << p.groups.size() << "</span><div><b>"
      << plural(static_cast<long>(p.groups.size()), "kind of mismatch", "kinds of mismatch") << "</b> ("
      << plural(mismatches, "finding") << " in " << plural(p.verdict_count(Verdict::mismatch), "graph")
      << "). The worst: <a href=\"#group-1\">" << esc(p.groups.front().signature()) << "</a>.</div></div>\n";
  else if (p.errors)
    h << "<div class=\"status bad\"><span class=\"big\">" << p.errors << "</span><div><b>"
      << plural(p.errors, "graph") << " raised an error</b>, no mismatch. See <a href=\"#errors\">Errors</a>.</div></div>\n";
  else
    h << "<div class=\"status ok\"><span class=\"big\">✓</span><div><b>No mismatch</b>: every gradient the oracles "
         "could judge agrees with them"
      << (p.unverified_results + p.inconclusive_results == 0
              ? std::string(", and they judged every one: each value by a numerical oracle, each None by the connectivity oracle")
              : "; " + std::to_string(p.unverified_results) + " values were not checked numerically (<a href=\"#unverified\">unverified</a>) and " +
                    std::to_string(p.inconclusive_results) + " results by no oracle (<a href=\"#inconclusive\">inconclusive</a>)")
      << ".</div></div>\n";
  h << "</div></header>\n<nav><div class=\"inner\"><a href=\"#summary\">Summary</a><a href=\"#mismatches\">Findings <b>"
    << p.groups.size() << "</b></a><a href=\"#errors\">Errors <b>" << p.errors
    << "</b></a><a href=\"#unverified\">Unverified <b>" << p.unverified_results
    << "</b></a><a href=\"#inconclusive\">Inconclusive <b>" << p.inconclusive_results
    << "</b></a><a href=\"#coverage\">Op coverage</a><a href=\"#graphs\">All graphs <b>" << log.graphs.size()
    << "</b></a></div></nav>\n<main>\n";
}

void campaign_table(std::ostream& h, const Page& p) {
  const std::vector<CampaignRun> runs = campaign_runs(p.log);
  h << "<div><h3>Campaign</h3><div class=\"scroll\"><table class=\"campaign\"><thead><tr><th>run</th><th>engine</th><th class=\"num\">seed</th>"
       "<th class=\"num\">graphs</th><th class=\"num\">duration</th><th class=\"num\">graphs/s</th><th "
       "class=\"num\">checks/s</th></tr></thead><tbody>\n";
  bool timed = false;
  for (const CampaignRun& r : runs) {
    long checks = 0;
    for (int id = r.first_graph; id < r.first_graph + r.graphs && id < static_cast<int>(p.log.graphs.size()); ++id)
      if (id >= 0)
        checks += static_cast<long>(p.index.findings_of[static_cast<std::size_t>(id)].size()) +
                  p.log.graphs[static_cast<std::size_t>(id)].omitted_findings;
    const bool has_time = r.duration_s && *r.duration_s > 0;
    timed = timed || has_time;
    std::set<std::string> engines;
    if (r.engine.empty())
      for (int id = std::max(r.first_graph, 0); id < r.first_graph + r.graphs && id < static_cast<int>(p.log.graphs.size()); ++id)
        engines.insert(p.log.graphs[static_cast<std::size_t>(id)].engine);
    else
      engines.insert(r.engine);
    h << "<tr><td>" << esc(r.label.empty() ? "-" : r.label) << "</td><td>";
    for (const std::string& e : engines) h << "<code class=\"nw\">" << esc(e) << "</code> ";
    h << "</td><td class=\"num\">" << r.seed << "</td><td class=\"num\">" << r.graphs << "</td><td class=\"num\">"
      << (has_time ? duration(*r.duration_s) : "-") << "</td><td class=\"num\">"
      << (has_time ? num(r.graphs / *r.duration_s) : "-") << "</td><td class=\"num\">"
      << (has_time ? num(static_cast<double>(checks) / *r.duration_s) : "-") << "</td></tr>\n";
  }
  h << "</tbody></table></div>\n";
  if (!timed)
    h << "<p class=\"note\">This log does not say how long the campaign took (docs/report.md, "
         "<code>duration_s</code>).</p>\n";
  h << "<p class=\"note\">A check is one oracle's judgement of one gradient result.</p></div>\n";
}

void oracle_bars(std::ostream& h, const Page& p) {
  h << "<div><h3>Findings per oracle and outcome</h3><div class=\"legend\">";
  for (Outcome o : kOutcomes) h << "<span><i class=\"bar-" << oracles::outcome_name(o) << "\"></i>" << oracles::outcome_name(o) << "</span>";
  h << "</div><div class=\"scroll\"><table class=\"per-oracle\"><thead><tr><th>oracle</th><th></th>";
  for (Outcome o : kOutcomes)
    h << "<th class=\"num\">" << (o == Outcome::not_applicable ? "n/a" : o == Outcome::inconclusive ? "inconcl." : oracles::outcome_name(o)) << "</th>";
  h << "</tr></thead><tbody>\n";
  for (const std::string& oracle : p.oracles) {
    auto it = p.per_oracle.find(oracle);
    if (it == p.per_oracle.end()) continue;
    int total = 0;
    for (const auto& [o, n] : it->second) total += n;
    h << "<tr><td class=\"nw\"><code>" << esc(oracle) << "</code></td><td style=\"width:34%\"><div class=\"bar\">";
    for (Outcome o : kOutcomes) {
      auto c = it->second.find(o);
      if (c != it->second.end() && c->second > 0)
        h << "<span class=\"" << oracles::outcome_name(o) << "\" style=\"width:" << percent(c->second, total) << "%\"></span>";
    }
    h << "</div></td>";
    for (Outcome o : kOutcomes) {
      auto c = it->second.find(o);
      const int n = c == it->second.end() ? 0 : c->second;
      h << "<td class=\"num" << (n ? "" : " zero") << "\">" << n << "</td>";
    }
    h << "</tr>\n";
  }
  h << "</tbody></table></div>\n";
  if (p.per_oracle.empty()) h << "<p class=\"note\">The log holds no findings.</p>\n";
  h << "</div>\n";
}

void sensitivity_section(std::ostream& h, const Page& p) {
  if (!shows_sensitivity(p.log)) return;
  const SensitivityMatrix m = sensitivity(p.log);
  h << "<h3 id=\"sensitivity\">Sensitivity: which oracle caught which engine</h3>\n<p class=\"lede\">Each cell counts the "
       "graphs on which that oracle found a mismatch. A mutant (an engine with one injected bug) that no oracle "
       "catches is a finding about the suite.</p>\n<div class=\"scroll\"><table class=\"matrix\"><thead><tr><th>engine</th>"
       "<th class=\"num\">graphs</th>";
  for (const std::string& o : m.oracles) h << "<th class=\"num\"><code>" << esc(o) << "</code></th>";
  h << "<th>verdict</th></tr></thead><tbody>\n";
  for (const SensitivityRow& r : m.rows) {
    h << "<tr><td><code>" << esc(r.engine) << "</code>";
    if (r.mutant)
      h << "<div class=\"note\">" << esc(r.mutant->bug_class) << (r.mutant->description.empty() ? "" : ": ")
        << esc(r.mutant->description) << (r.mutant->issue.empty() ? "" : " (" + esc(r.mutant->issue) + ")") << "</div>";
    h << "</td><td class=\"num\">" << r.graphs << "</td>";
    for (const std::string& o : m.oracles) {
      auto it = r.caught.find(o);
      if (it == r.caught.end())
        h << "<td class=\"miss\">·</td>";
      else
        h << "<td class=\"hit\">" << it->second << "</td>";
    }
    if (r.first_caught >= 0)
      h << "<td>caught by " << plural(static_cast<long>(r.caught.size()), "oracle") << "; first on "
        << row_link(p.index, r.first_caught, "graph #" + std::to_string(r.first_caught)) << "</td>";
    else if (r.graphs == 0)
      h << "<td class=\"note\">not run</td>";
    else
      h << "<td class=\"" << (r.mutant ? "survived" : "") << "\">" << (r.mutant ? "survived" : "no mismatch") << "</td>";
    h << "</tr>\n";
  }
  h << "</tbody></table></div>\n";
}

void summary_section(std::ostream& h, const Page& p) {
  h << "<section id=\"summary\"><h2>Summary</h2>\n<div class=\"cards\">\n<div class=\"card\"><div class=\"n\">"
    << p.log.graphs.size() << "</div><div class=\"l\">graphs</div></div>\n";
  for (Verdict v : oracles::kAllVerdicts)
    h << "<div class=\"card v-" << oracles::verdict_name(v) << "\"><div class=\"n\">" << p.verdict_count(v)
      << "</div><div class=\"l\">" << oracles::verdict_name(v) << "</div></div>\n";
  h << "<div class=\"card\"><div class=\"n\">" << p.log.finding_count() << "</div><div class=\"l\">oracle checks</div></div>\n"
    << "<div class=\"card" << (p.groups.empty() ? "" : " v-mismatch") << "\"><div class=\"n\">" << p.groups.size()
    << "</div><div class=\"l\">finding groups</div></div>\n</div>\n";
  if (!p.log.complete)
    h << "<p class=\"note\">This log is incomplete: its campaign was interrupted after " << p.log.graphs.size()
      << (p.log.campaign.contains("planned") ? " of " + p.log.campaign["planned"].dump() : std::string())
      << " graphs (<code>tapecheck campaign --resume DIR</code> continues it).</p>\n";
  h << "<div class=\"two\">";
  campaign_table(h, p);
  oracle_bars(h, p);
  int inconclusive_checks = 0;
  for (const auto& [oracle, outcomes] : p.per_oracle) {
    auto it = outcomes.find(Outcome::inconclusive);
    if (it != outcomes.end()) inconclusive_checks += it->second;
  }
  h << "</div>\n<p>Inconclusive: <b>" << p.inconclusive_results << "</b> of " << p.results << " gradient results ("
    << percent(p.inconclusive_results, p.results) << "%) were judged by no oracle; "
    << plural(inconclusive_checks, "oracle check") << " could not judge (" << percent(inconclusive_checks, static_cast<double>(p.log.finding_count()))
    << "% of all checks): <a href=\"#inconclusive\">why</a>. Unverified: <b>" << p.unverified_results << "</b> of "
    << p.value_results << " values (" << percent(p.unverified_results, p.value_results)
    << "%) agreed with the connectivity oracle only — a value is due — but no numerical oracle checked their "
       "numbers: <a href=\"#unverified\">why</a>.</p>\n";
  sensitivity_section(h, p);
  h << "</section>\n";
}

void errors_section(std::ostream& h, const Page& p) {
  h << "<section id=\"errors\"><h2>Errors raised <span class=\"count\">" << p.errors << "</span></h2>\n";
  if (p.errors == 0) {
    h << "<p class=\"note\">No engine run stopped with an error.</p>\n</section>\n";
    return;
  }
  h << "<div class=\"scroll\"><table class=\"errors\"><thead><tr><th>graph</th><th>from</th><th>engine</th><th>kind</th>"
       "<th>at</th><th>message</th></tr></thead><tbody>\n";
  int listed = 0;
  for (const GraphRecord& g : p.log.graphs) {
    if (!g.run.error) continue;
    if (listed++ >= p.opt.max_listed) continue;
    const eut::RaisedError& e = *g.run.error;
    const std::string hint = error_hint(e);
    h << "<tr><td class=\"nw\">" << row_link(p.index, g.id, esc(graph_label(g))) << "</td><td><code>"
      << esc(g.origin.empty() ? "-" : g.origin) << "</code></td><td class=\"nw\"><code>" << esc(g.engine)
      << "</code></td><td class=\"nw\"><code>" << esc(eut::error_kind_name(e.kind)) << "</code></td><td class=\"num\">" << esc(location(e))
      << "</td><td>" << esc(e.message) << (hint.empty() ? "" : "<div class=\"hint\">" + hint + "</div>");
    if (!g.tcg.empty()) {
      h << "<details><summary>.tcg · replay</summary>";
      write_command(h, g, "cmd-err-" + std::to_string(g.id));
      write_tcg_block(h, g, "tcg-err-" + std::to_string(g.id));
      h << "</details>";
    }
    h << "</td></tr>\n";
  }
  h << "</tbody></table></div>\n";
  if (listed > p.opt.max_listed)
    h << "<p class=\"note\">" << (listed - p.opt.max_listed) << " more not listed.</p>\n";
  h << "</section>\n";
}

void unverified_section(std::ostream& h, const Page& p) {
  h << "<section id=\"unverified\"><h2>Unverified <span class=\"count\">" << p.unverified_results << " of "
    << p.value_results << " values (" << percent(p.unverified_results, p.value_results) << "%)</span></h2>\n";
  if (p.unverified_results == 0) {
    h << "<p class=\"note\">Every value the engine returned had its numbers checked by a numerical oracle (finite "
         "differences, complex step, forward mode or second order), or was R7's exact zeros.</p>\n</section>\n";
    return;
  }
  h << "<p class=\"lede\">The connectivity oracle agrees that these results are values, but no numerical oracle "
       "compared their numbers; each row says why each numerical oracle could not. An engine returning wrong numbers "
       "here would not have been caught.</p>\n<div class=\"scroll\"><table><thead><tr><th>graph</th><th "
       "class=\"num\">gradient</th><th>source</th><th>why not checked</th></tr></thead><tbody>\n";
  int shown = 0;
  for (const GraphRecord& g : p.log.graphs)
    for (const oracles::SourceVerdict& s : g.sources) {
      if (s.verdict != Verdict::unverified || shown >= p.opt.max_listed) continue;
      ++shown;
      h << "<tr><td class=\"nw\">" << row_link(p.index, g.id, esc(graph_label(g))) << "</td><td class=\"num\">"
        << s.gradient << "</td><td><code>" << esc(s.source) << "</code></td><td>" << esc(s.detail) << "</td></tr>\n";
    }
  h << "</tbody></table></div>\n";
  if (shown < p.unverified_results) h << "<p class=\"note\">" << (p.unverified_results - shown) << " more not listed.</p>\n";
  h << "</section>\n";
}

void inconclusive_section(std::ostream& h, const Page& p) {
  h << "<section id=\"inconclusive\"><h2>Inconclusive <span class=\"count\">" << p.inconclusive_results << " of "
    << p.results << " results (" << percent(p.inconclusive_results, p.results) << "%)</span></h2>\n";
  const std::vector<ReasonCount> reasons = inconclusive_reasons(p.log);
  if (reasons.empty() && p.inconclusive_results == 0) {
    h << "<p class=\"note\">Every oracle could judge every result it applies to; no result went unjudged (values whose numbers no oracle checked are counted apart, under Unverified).</p>\n</section>\n";
    return;
  }
  h << "<p class=\"lede\">An oracle that cannot judge says why (a kink in every stencil, a non-finite value, an op "
       "without a complex extension ...). A result is inconclusive when no oracle could judge it; these are not "
       "failures, but each is a gradient nobody checked.</p>\n";
  if (!reasons.empty()) {
    h << "<h3>Why oracles could not judge</h3><div class=\"scroll\"><table class=\"reasons\"><thead><tr><th class=\"num\">"
         "findings</th><th>oracle</th><th>reason</th><th>first seen</th></tr></thead><tbody>\n";
    const std::size_t rows = std::min<std::size_t>(reasons.size(), 15);
    for (std::size_t i = 0; i < rows; ++i) {
      const ReasonCount& r = reasons[i];
      h << "<tr><td class=\"num\">" << r.count << "</td><td class=\"nw\"><code>" << esc(r.oracle) << "</code></td><td>"
        << esc(r.reason) << "</td><td class=\"nw\">"
        << row_link(p.index, r.example_graph, "graph #" + std::to_string(r.example_graph)) << "</td></tr>\n";
    }
    h << "</tbody></table></div>\n";
    if (rows < reasons.size()) h << "<p class=\"note\">" << (reasons.size() - rows) << " rarer reasons not listed.</p>\n";
  }
  if (p.inconclusive_results > 0) {
    h << "<details><summary>The inconclusive results</summary><div class=\"scroll\"><table><thead><tr><th>graph</th><th "
         "class=\"num\">gradient</th><th>source</th><th>oracle</th><th>why</th></tr></thead><tbody>\n";
    int shown = 0;
    for (const GraphRecord& g : p.log.graphs)
      for (const oracles::SourceVerdict& s : g.sources) {
        if (s.verdict != Verdict::inconclusive || shown >= p.opt.max_listed) continue;
        ++shown;
        h << "<tr><td class=\"nw\">" << row_link(p.index, g.id, esc(graph_label(g))) << "</td><td class=\"num\">"
          << s.gradient << "</td><td><code>" << esc(s.source) << "</code></td><td class=\"nw\"><code>" << esc(s.oracle)
          << "</code></td><td>" << esc(s.detail) << "</td></tr>\n";
      }
    h << "</tbody></table></div>";
    if (shown < p.inconclusive_results)
      h << "<p class=\"note\">" << (p.inconclusive_results - shown) << " more not listed.</p>";
    h << "</details>\n";
  }
  h << "</section>\n";
}

void coverage_section(std::ostream& h, const Page& p) {
  struct Use {
    int graphs = 0, mismatching = 0;
  };
  std::map<std::string, Use> uses;
  for (const GraphRecord& g : p.log.graphs)
    for (const std::string& op : g.ops) {
      Use& u = uses[op];
      ++u.graphs;
      u.mismatching += g.verdict == Verdict::mismatch;
    }
  std::vector<std::string> families;
  std::map<std::string, std::vector<const OpDef*>> by_family;
  int covered = 0;
  for (const OpDef* op : op_table()) {
    const std::string family = op->family;
    if (!by_family.count(family)) families.push_back(family);
    by_family[family].push_back(op);
    covered += uses.count(op->name) > 0;
  }
  h << "<section id=\"coverage\"><h2>Op coverage <span class=\"count\">" << covered << " of " << op_table().size()
    << " ops of the op table exercised</span></h2>\n<p class=\"lede\">The number is how many graphs use the op; the "
       "darker, the more. A red edge: some graph using it has a mismatch. Dashed: never exercised.</p>\n";
  auto chip = [&](const std::string& name) {
    auto it = uses.find(name);
    const Use u = it == uses.end() ? Use{} : it->second;
    const char* level = u.graphs == 0 ? "none" : u.graphs < 3 ? "c1" : u.graphs < 10 ? "c2" : u.graphs < 100 ? "c3" : "c4";
    h << "<span class=\"chip " << level << (u.mismatching ? " bad" : "") << "\" title=\"" << esc(name) << ": "
      << plural(u.graphs, "graph") << (u.mismatching ? ", " + std::to_string(u.mismatching) + " with a mismatch" : "")
      << "\">" << esc(name) << "<b>" << u.graphs << "</b></span>";
  };
  for (const std::string& family : families) {
    h << "<div class=\"family\"><span class=\"fname\">" << esc(family) << "</span><div class=\"chips\">";
    for (const OpDef* op : by_family[family]) chip(op->name);
    h << "</div></div>\n";
  }
  std::vector<std::string> unknown;
  for (const auto& [name, u] : uses)
    if (!find_op(name)) unknown.push_back(name);
  if (!unknown.empty()) {
    h << "<div class=\"family\"><span class=\"fname\">not in the op table</span><div class=\"chips\">";
    for (const std::string& name : unknown) chip(name);
    h << "</div></div>\n";
  }
  h << "</section>\n";
}

void graphs_section(std::ostream& h, const Page& p) {
  const FindingsLog& log = p.log;
  h << "<section id=\"graphs\"><h2>All graphs <span class=\"count\">" << log.graphs.size() << "</span></h2>\n";
  h << "<div class=\"scroll\"><table class=\"graphs\"><thead><tr><th class=\"num\">#</th><th>graph</th><th>engine</th>"
       "<th>verdict</th><th class=\"num\">results</th><th class=\"num\">None</th><th class=\"num\">mismatch</th>"
       "<th>details</th></tr></thead><tbody>\n";
  int listed = 0;
  for (const GraphRecord& g : log.graphs) {
    if (!p.index.listed[static_cast<std::size_t>(g.id)]) continue;
    ++listed;
    const int group = p.index.group_of[static_cast<std::size_t>(g.id)];
    int mismatches = 0;
    for (const FindingRecord* f : p.index.findings_of[static_cast<std::size_t>(g.id)])
      mismatches += f->finding.outcome == Outcome::mismatch;
    h << "<tr id=\"row-" << g.id << "\"><td class=\"num\">" << g.id << "</td><td>"
      << (g.name.empty() ? std::string("<span class=\"note\">unnamed</span>") : "<b>" + esc(g.name) + "</b>")
      << "<div class=\"origin\"><code>" << esc(g.origin) << "</code></div></td><td class=\"nw\"><code>" << esc(g.engine)
      << "</code></td><td class=\"nw\">" << verdict_badge(g.verdict) << "</td><td class=\"num\">" << g.run.results
      << "</td><td class=\"num" << (g.run.none_results ? "" : " zero") << "\">" << g.run.none_results
      << "</td><td class=\"num" << (mismatches ? "" : " zero") << "\">";
    if (group >= 0)
      h << "<a href=\"#group-" << group + 1 << "\">" << mismatches << " → group " << group + 1 << "</a>";
    else
      h << mismatches;
    h << "</td><td><details><summary>.tcg";
    int nones = 0;
    for (const oracles::SourceVerdict& s : g.sources) nones += s.engine_value == "None";
    if (nones) h << " · why None";
    h << "</summary>";
    if (nones) {
      h << "<ul class=\"why-none\">";
      for (const oracles::SourceVerdict& s : g.sources)
        if (s.engine_value == "None")
          h << "<li><code>d " << esc(s.target) << " / d " << esc(s.source) << "</code> is None: "
            << esc(s.why_none.empty() ? s.detail : s.why_none) << "</li>";
      h << "</ul>";
    }
    write_command(h, g, "cmd-row-" + std::to_string(g.id));
    write_tcg_block(h, g, "tcg-row-" + std::to_string(g.id));
    h << "</details></td></tr>\n";
  }
  h << "</tbody></table></div>\n";
  if (listed < static_cast<int>(log.graphs.size()))
    h << "<p class=\"note\">The first " << p.opt.max_listed << " graphs and each finding group's representative "
      << "are listed; " << (log.graphs.size() - static_cast<std::size_t>(listed)) << " more are in the findings log.</p>\n";
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
  const Page p(log, opt);
  std::ostringstream h;
  h << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
    << "<meta http-equiv=\"Content-Security-Policy\" content=\"" << report_csp() << "\">\n"
    << "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>" << esc(opt.title)
    << "</title>\n<style>" << report_css() << "</style>\n</head>\n<body>\n";
  header(h, p);
  summary_section(h, p);
  write_findings_section(h, p.groups, p.index, opt);
  errors_section(h, p);
  unverified_section(h, p);
  inconclusive_section(h, p);
  coverage_section(h, p);
  graphs_section(h, p);
  h << "</main>\n<footer>Generated by tapecheck from the findings log" << (opt.source.empty() ? "" : " ") << "<code>"
    << esc(opt.source) << "</code> (format " << kLogFormat << " v" << kLogVersion
    << "). Self-contained: nothing is fetched; the page works without scripts, which only add filters and copy "
       "buttons.</footer>\n<script>"
    << report_script() << "</script>\n</body>\n</html>\n";
  return h.str();
}

void write_html_report(const std::string& path, const FindingsLog& log, const HtmlOptions& options) {
  // Rendered in full before anything is written, then written atomically: a failure at any
  // point leaves the target as it was.
  write_file_atomically(path, render_html(log, options));
}

}  // namespace tc::reports
