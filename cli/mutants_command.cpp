// `tapecheck mutants [--budget N] [--seed S] [--threads T] [--mutant NAME]... [--json] [--list]
// [--out DIR]`: mutation analysis. Every mutant engine (eut/mutants/) on the random graphs a
// campaign with this seed generates, until its first mismatch or N graphs: killed or survived,
// which oracles killed it, graphs and seconds to the kill, the shrunk counterexample. With
// --out, DIR/mutants.json, DIR/findings.jsonl (each killing graph) and DIR/report.html (with
// the mutant x oracle matrix). Exit 0 when every mutant is killed (or --at-least N are), 1
// when one survived (a finding about the suite), 2 for bad input.
#include <algorithm>
#include <filesystem>
#include <iomanip>
#include <iostream>
#include <memory>

#include "campaign/mutation.hpp"
#include "cli/commands.hpp"
#include "cli/common.hpp"
#include "eut/mutants/mutant.hpp"
#include "reports/atomic_file.hpp"
#include "reports/findings_log.hpp"
#include "reports/html_report.hpp"

namespace tc::cli {

namespace {

double median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

std::string joined(const std::vector<std::string>& v) {
  std::string s;
  for (const std::string& x : v) s += (s.empty() ? "" : ",") + x;
  return s;
}

struct Args {
  campaign::MutationOptions options;
  bool json = false, list = false, quiet = false;
  int at_least = -1;  // kills needed for exit 0 (-1: every mutant)
  std::string out;
  std::string dot = "dot";
};

int run(const Args& a) {
  if (a.list) {
    for (const eut::Mutant* m : eut::mutants())
      std::cout << std::left << std::setw(34) << m->name << m->bug_class << "\n";
    return kExitOk;
  }
  const std::vector<campaign::MutantResult> results =
      campaign::run_mutation_analysis(a.options, [&](const campaign::MutationProgress& p) {
        if (a.quiet || a.json) return;
        const campaign::MutantResult& r = *p.last;
        std::cerr << "[" << p.done << "/" << p.total << "] " << r.name << ": " << campaign::end_name(r.end);
        if (r.end == campaign::MutantResult::End::killed)
          std::cerr << " by " << joined(r.oracles) << " on graph " << r.graphs << " (" << fmt_num(r.seconds) << " s)";
        std::cerr << "\n";
      });
  std::vector<double> graphs, seconds, ops;
  std::size_t killed = 0, false_alarms = 0;
  for (const campaign::MutantResult& r : results) false_alarms += r.false_alarms.size();
  for (const campaign::MutantResult& r : results)
    if (r.end == campaign::MutantResult::End::killed) {
      ++killed;
      graphs.push_back(r.graphs);
      seconds.push_back(r.seconds);
      ops.push_back(r.minimal_ops);
    }
  nlohmann::json summary = {{"seed", a.options.seed},
                            {"budget", a.options.budget},
                            {"mutants", results.size()},
                            {"killed", killed},
                            {"reference_false_alarms", false_alarms},
                            {"median_graphs_to_kill", median(graphs)},
                            {"median_seconds_to_kill", median(seconds)},
                            {"median_counterexample_ops", median(ops)}};
  nlohmann::json all = nlohmann::json::array();
  for (const campaign::MutantResult& r : results) all.push_back(campaign::to_json(r));
  if (!a.out.empty()) {
    std::filesystem::create_directories(a.out);
    reports::write_file_atomically(a.out + "/mutants.json", nlohmann::json{{"summary", summary}, {"mutants", all}}.dump(2) + "\n", false);
    const reports::FindingsLog log = campaign::mutation_log(a.options, results);
    reports::write_findings_log(a.out + "/findings.jsonl", log);
    reports::HtmlOptions html;
    html.title = "tapecheck mutation analysis";
    html.source = "findings.jsonl";
    html.dot_command = a.dot;
    reports::write_html_report(a.out + "/report.html", log, html);
  }
  if (a.json) {
    std::cout << nlohmann::json{{"summary", summary}, {"mutants", all}}.dump(2) << "\n";
  } else if (!a.quiet) {
    std::cout << std::left << std::setw(34) << "mutant" << std::setw(10) << "end" << std::setw(36) << "killed by"
              << std::right << std::setw(7) << "graphs" << std::setw(9) << "seconds" << std::setw(5) << "ops" << "\n";
    for (const campaign::MutantResult& r : results) {
      const bool k = r.end == campaign::MutantResult::End::killed;
      std::cout << std::left << std::setw(34) << r.name << std::setw(10) << campaign::end_name(r.end) << std::setw(36)
                << (k ? joined(r.oracles) : r.failure.empty() ? "-" : r.failure) << std::right << std::setw(7)
                << r.graphs << std::setw(9) << fmt_num(r.seconds) << std::setw(5) << (k ? std::to_string(r.minimal_ops) : "-")
                << "\n";
    }
    std::cout << "killed " << killed << " of " << results.size() << " mutants by random graphs (seed " << a.options.seed
              << ", at most " << a.options.budget << " graphs each); median to a kill: " << fmt_num(median(graphs))
              << " graphs, " << fmt_num(median(seconds)) << " s; median counterexample: " << fmt_num(median(ops))
              << " ops\n";
    if (false_alarms > 0)
      std::cout << false_alarms << " graph(s) had a mismatch on the reference engine too (not counted as kills; "
                << "listed under false_alarms in --json): false alarms of the oracles, findings about the suite.\n";
    if (killed < results.size())
      std::cout << "A survivor is a finding about the suite: a generator, oracle or tolerance let a real bug through.\n";
    if (!a.out.empty()) std::cout << "results: " << a.out << "/mutants.json; report: " << a.out << "/report.html\n";
  }
  const std::size_t wanted = a.at_least >= 0 ? static_cast<std::size_t>(a.at_least) : results.size();
  return killed >= wanted ? kExitOk : kExitMismatch;
}

}  // namespace

void register_mutants(CLI::App& app) {
  auto* cmd = app.add_subcommand("mutants",
                                 "Mutation analysis: each mutant engine on random graphs until a mismatch kills it. "
                                 "Exit 0 every mutant killed, 1 one survived, 2 bad input");
  auto a = std::make_shared<Args>();
  campaign::MutationOptions& o = a->options;
  cmd->add_option("--budget", o.budget, "Graphs per mutant before it counts as a survivor (default 1000)")
      ->check(whole_number(1, 1000000));
  cmd->add_option("--seed", o.seed, "Seed of the generated graphs and of the oracles (default 0)")->check(seed_number());
  cmd->add_option("--threads", o.threads, "Mutants checked at once, one process each (0 = all cores)")
      ->check(whole_number(0, 1024));
  cmd->add_option("--max-size", o.max_size, "Largest generator size parameter (default 40)")->check(whole_number(1, 100));
  cmd->add_option("--shrink-budget", o.shrink_budget, "Checks spent shrinking each killing graph (default 150)")
      ->check(whole_number(0, 1000000));
  cmd->add_option("--graph-timeout", o.graph_timeout, "Seconds one graph may take (default 10)")
      ->check(real_number(0.01, 1e7));
  cmd->add_option("--focus-op", o.focus_op, "Every graph contains this op (default: each op of the table in turn)");
  cmd->add_option("--at-least", a->at_least,
                  "Exit 0 when at least N mutants are killed (default: all); a floor CI holds the suite to")
      ->check(whole_number(0, 1000000));
  cmd->add_option("--mutant", o.only, "Run only these mutants (repeatable; default all)");
  cmd->add_option("--out", a->out, "Write DIR/mutants.json, DIR/findings.jsonl and DIR/report.html");
  cmd->add_option("--dot", a->dot, "The Graphviz dot command for the report's drawings (default dot)");
  cmd->add_flag("--json", a->json, "Print the results as one JSON object");
  cmd->add_flag("--list", a->list, "List the mutants and their bug classes, run nothing");
  cmd->add_flag("--quiet", a->quiet, "No progress and no table (exit status only, and --json)");
  cmd->callback([a] { guarded([&] { return run(*a); }); });
}

}  // namespace tc::cli
