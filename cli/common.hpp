// What the subcommands share: loading a graph file with located errors, exit codes, and
// small formatting helpers.
#pragma once
#include <CLI/CLI.hpp>
#include <iostream>
#include <stdexcept>
#include <string>

#include "engine/core/errors.hpp"

#include "eut/engine_under_test.hpp"
#include "graph/ir.hpp"
#include "oracles/finding.hpp"

namespace tc::cli {

// Exit codes of every command.
inline constexpr int kExitOk = 0;        // no mismatch
inline constexpr int kExitMismatch = 1;  // some oracle found a mismatch
inline constexpr int kExitBadInput = 2;  // missing/malformed input, unwritable output, bad usage

// Bad input, already worded for the user: what() is "FILE:line:col: message" or
// "FILE: message". Commands print it and exit with kExitBadInput.
struct InputError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Reads, parses and validates a .tcg file (or a JSON graph, if the name ends in .json).
// InputError "FILE:line:col: message" for syntax and validation errors.
graph::Graph load_graph(const std::string& path);

// Ends the command with `code` (main() returns it); nothing more is printed.
[[noreturn]] void exit_with(int code);

// Runs `body`; InputError and tc::Error end the command with kExitBadInput after printing the
// message to stderr. Other exceptions propagate (main reports them).
template <class Body>
void guarded(Body&& body) {
  int code = kExitOk;
  try {
    code = body();
  } catch (const InputError& e) {
    std::cerr << e.what() << "\n";
    code = kExitBadInput;
  } catch (const tc::Error& e) {  // ReportError: an unreadable log, an unwritable output
    std::cerr << e.what() << "\n";
    code = kExitBadInput;
  }
  if (code != kExitOk) exit_with(code);
}

// A value name as .tcg spells it: "%w" for the IR's "w".
inline std::string pct(const std::string& name) {
  return name.empty() || name[0] == '%' ? name : "%" + name;
}

// Compact number: "3.1e-16", "0", "inf" (format_number with two digits).
std::string fmt_num(double v);

// "f64[3] = [1, 2, 3]" (at most `max_values` values, then "...").
std::string value_text(const eut::Value& v, std::size_t max_values = 8);

}  // namespace tc::cli
