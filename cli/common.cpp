#include "cli/common.hpp"

#include <string.h>

#include <charconv>
#include <cmath>
#include <cstdio>

#include "campaign/process_pool.hpp"
#include "engine/core/format.hpp"
#include "eut/engines.hpp"
#include "graph/json.hpp"
#include "graph/tcg.hpp"
#include "reports/atomic_file.hpp"

namespace tc::cli {

void exit_with(int code) { throw CLI::RuntimeError(code); }

void add_engine_option(CLI::App* cmd, std::string& name) {
  cmd->add_option("--engine", name,
                  "The engine under test: reference (default), mutant:<name>, libtorch, plugin:<path.so> "
                  "(tapecheck engines lists them)");
}

eut::EngineFactory engine_factory(const std::string& name) {
  try {
    return eut::engine_factory(name);
  } catch (const tc::Error& e) {
    throw InputError(e.what());
  }
}

namespace {

std::string in_quotes(const std::string& s) { return "'" + s + "'"; }

}  // namespace

CLI::Validator whole_number(std::int64_t lo, std::int64_t hi) {
  return CLI::Validator(
      [lo, hi](std::string& s) -> std::string {
        std::int64_t v = 0;
        const auto r = std::from_chars(s.data(), s.data() + s.size(), v);
        if (r.ec == std::errc::result_out_of_range || (r.ec == std::errc() && r.ptr == s.data() + s.size() &&
                                                       (v < lo || v > hi)))
          return s + " is not between " + std::to_string(lo) + " and " + std::to_string(hi);
        if (r.ec != std::errc() || r.ptr != s.data() + s.size()) return in_quotes(s) + " is not a whole number";
        return "";
      },
      "INT in [" + std::to_string(lo) + " - " + std::to_string(hi) + "]", "whole_number");
}

CLI::Validator real_number(double lo, double hi) {
  return CLI::Validator(
      [lo, hi](std::string& s) -> std::string {
        char* end = nullptr;
        const double v = std::strtod(s.c_str(), &end);
        if (s.empty() || end != s.c_str() + s.size() || !std::isfinite(v)) return in_quotes(s) + " is not a number";
        if (v < lo || v > hi) return s + " is not between " + fmt_num(lo) + " and " + fmt_num(hi);
        return "";
      },
      "NUMBER in [" + fmt_num(lo) + " - " + fmt_num(hi) + "]", "real_number");
}

CLI::Validator seed_number() {
  return CLI::Validator(
      [](std::string& s) -> std::string {
        const std::string range = "; seeds are 0 to 18446744073709551615";
        if (!s.empty() && s[0] == '-') return s + " is negative" + range;
        std::uint64_t v = 0;
        const auto r = std::from_chars(s.data(), s.data() + s.size(), v);
        if (r.ec == std::errc::result_out_of_range) return s + " is too large" + range;
        if (r.ec != std::errc() || r.ptr != s.data() + s.size()) return in_quotes(s) + " is not a whole number" + range;
        return "";
      },
      "SEED in [0 - 2^64-1]", "seed_number");
}

void add_limit_options(CLI::App& cmd, CheckLimits& limits) {
  cmd.add_option("--time-limit", limits.seconds,
                 "Seconds the check may take before it is stopped (exit 4; 0 = none, the default)")
      ->check(real_number(0, 1e7));
  cmd.add_option("--memory-limit", limits.memory_mb,
                 "Address space the check may take beyond what its worker maps at start, in MB (0 = none, the "
                 "default); past it the engine's allocations fail")
      ->check(whole_number(0, 1 << 24));
}

int run_limited(const std::string& file, const CheckLimits& limits, const std::function<int(std::ostream&)>& body) {
  const campaign::IsolatedRun run =
      campaign::run_isolated({limits.seconds, static_cast<std::uint64_t>(limits.memory_mb) << 20}, body);
  std::cout << run.output << std::flush;
  const campaign::WorkerOutcome& o = run.outcome;
  using End = campaign::WorkerOutcome::End;
  if (o.end == End::exited && (o.exit_code == kExitOk || o.exit_code == kExitMismatch)) return o.exit_code;
  const std::string memory =
      limits.memory_mb > 0 ? "; it may have run out of its " + std::to_string(limits.memory_mb) + " MB (--memory-limit)"
                           : "";
  switch (o.end) {
    case End::timed_out:
      std::cerr << file << ": stopped after " << limits.seconds
                << " s (--time-limit): the check did not finish, nothing was judged\n";
      break;
    case End::signaled:
    case End::stopped:
      std::cerr << file << ": the worker checking the graph died of signal " << o.signal << " ("
                << ::strsignal(o.signal) << ")" << memory << "\n";
      break;
    case End::exited:
      std::cerr << file << ": the worker checking the graph failed (exit status " << o.exit_code << ")" << memory
                << "\n";
      break;
    case End::not_run:
      std::cerr << file << ": the worker was stopped before the check began\n";
      break;
  }
  return kExitUnfinished;
}

std::string fmt_num(double v) { return format_number(v, 2); }

std::string value_text(const eut::Value& v, std::size_t max_values) {
  std::string out = std::string(dtype_name(v.dtype)) + v.shape.str() + " = ";
  if (v.shape.rank() == 0 && v.data.size() == 1) return out + format_number(v.data[0]);
  out += "[";
  for (std::size_t i = 0; i < v.data.size() && i < max_values; ++i)
    out += (i ? ", " : "") + format_number(v.data[i]);
  if (v.data.size() > max_values) out += ", ... (" + std::to_string(v.data.size()) + " values)";
  return out + "]";
}

}  // namespace tc::cli
