// What the subcommands share: loading a graph file with located errors, exit codes, option
// validators that say what is wrong, isolated runs with limits, and small formatting helpers.
#pragma once
#include <CLI/CLI.hpp>
#include <cstdint>
#include <functional>
#include <iosfwd>
#include <iostream>
#include <memory>
#include <stdexcept>
#include <string>

#include "campaign/graph_file.hpp"
#include "engine/core/errors.hpp"
#include "eut/engine_under_test.hpp"
#include "eut/engines.hpp"
#include "graph/ir.hpp"
#include "oracles/finding.hpp"

namespace tc::cli {

// Exit codes of every command (docs/cli.md). A campaign stopped by SIGINT or SIGTERM exits
// with 128 + the signal: 130 or 143.
inline constexpr int kExitOk = 0;          // no mismatch
inline constexpr int kExitMismatch = 1;    // some oracle found a mismatch
inline constexpr int kExitBadInput = 2;    // missing/malformed input, unwritable output, bad usage
inline constexpr int kExitInternal = 3;    // a bug of tapecheck's (main)
inline constexpr int kExitUnfinished = 4;  // a limit or a crash stopped the check before its verdict

// Bad input, already worded for the user: what() is "FILE:line:col: message" or
// "FILE: message". Commands print it and exit with kExitBadInput.
using InputError = campaign::InputError;

// Reads, parses and validates a .tcg file (or a JSON graph, if the name ends in .json).
// InputError "FILE:line:col: message" for syntax and validation errors, and for a graph with no
// gradient request.
inline graph::Graph load_graph(const std::string& path) { return campaign::load_graph_file(path); }

// Ends the command with `code` (main() returns it); nothing more is printed.
[[noreturn]] void exit_with(int code);

// Runs `body`; InputError and tc::Error end the command with kExitBadInput after printing the
// message to stderr. Other exceptions propagate (main reports them).
template <class Body>
void guarded(Body&& body) {
  int code = kExitOk;
  try {
    code = body();
  } catch (const tc::Error& e) {  // InputError, ReportError: an unreadable log, an unwritable output
    std::cerr << e.what() << "\n";
    code = kExitBadInput;
  }
  if (code != kExitOk) exit_with(code);
}

// Validators whose messages say what is wrong: "--graphs: 'abc' is not a whole number",
// "--graphs: 2000000 is not between 0 and 1000000", "--seed: -1 is negative; seeds are 0 to
// 18446744073709551615".
CLI::Validator whole_number(std::int64_t lo, std::int64_t hi);
CLI::Validator real_number(double lo, double hi);
CLI::Validator seed_number();

// --time-limit and --memory-limit of a command that checks one graph in an isolated worker.
struct CheckLimits {
  double seconds = 0;  // 0 = none
  int memory_mb = 0;   // 0 = none
};
void add_limit_options(CLI::App& cmd, CheckLimits& limits);

// Runs `body` in a worker process under `limits` and prints what it wrote to stdout. Its exit
// code, or kExitUnfinished with the reason on stderr ("FILE: stopped after 5 s (--time-limit)")
// when the worker was killed for time, died of a signal or failed.
int run_limited(const std::string& file, const CheckLimits& limits, const std::function<int(std::ostream&)>& body);

// --engine NAME on `cmd` (default "reference"; eut/engines.hpp lists the names).
void add_engine_option(CLI::App* cmd, std::string& name);

// A factory of the engine called `name` (a plugin is loaded now); InputError listing the valid
// names otherwise. Resolved before a worker is forked, so that a bad name is bad input.
eut::EngineFactory engine_factory(const std::string& name);

// A value name as .tcg spells it: "%w" for the IR's "w".
inline std::string pct(const std::string& name) {
  return name.empty() || name[0] == '%' ? name : "%" + name;
}

// Compact number: "3.1e-16", "0", "inf" (format_number with two digits).
std::string fmt_num(double v);

// "f64[3] = [1, 2, 3]" (at most `max_values` values, then "...").
std::string value_text(const eut::Value& v, std::size_t max_values = 8);

}  // namespace tc::cli
