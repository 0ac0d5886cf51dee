// Each subcommand lives in its own file and registers itself on the app.
#pragma once
#include <CLI/CLI.hpp>
#include <iosfwd>

namespace tc::oracles {
struct CheckReport;
}

namespace tc::cli {
void register_ops(CLI::App& app);       // ops_command.cpp
void register_replay(CLI::App& app);    // replay_command.cpp
void register_explain(CLI::App& app);   // explain_command.cpp
void register_campaign(CLI::App& app);  // campaign_command.cpp
void register_report(CLI::App& app);    // report_command.cpp
void register_engines(CLI::App& app);   // engines_command.cpp
void register_mutants(CLI::App& app);   // mutants_command.cpp
void register_fuzz_input(CLI::App& app);  // fuzz_input_command.cpp

// One line per (gradient, source) of a check: source, verdict, oracle, numbers or the None
// explanation (replay_command.cpp).
void print_verdicts(std::ostream& out, const oracles::CheckReport& report);
}  // namespace tc::cli
