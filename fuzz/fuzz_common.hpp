// Shared by every fuzz target (fuzz/<target>_fuzzer.cpp): the failure report, the round-trip
// contract of the two graph spellings, the size budget that keeps an engine run short, and a
// line-aware mutator for the .tcg targets.
//
// A target returns normally for every input the code under test handles as documented
// (including every tc::Error it raises); anything else is a finding and ends in fail(),
// which prints what broke and the graph that broke it, then aborts so that libFuzzer (or
// replay_main in the g++ build) saves the input and reports it.
#pragma once
#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <random>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "engine/core/errors.hpp"
#include "engine/ops/op_table.hpp"
#include "graph/ir.hpp"
#include "graph/ir_util.hpp"
#include "graph/json.hpp"
#include "graph/tcg.hpp"
#include "graph/validate.hpp"
#include "graph/walk.hpp"

namespace tc::fuzz {

inline std::string_view as_text(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

// The graph as .tcg for a failure report; printing must not hide the original failure.
inline std::string printed_or_note(const graph::Graph& g) {
  try {
    return graph::print_tcg(g);
  } catch (const std::exception& e) {
    return std::string("<print_tcg threw: ") + e.what() + ">\n";
  }
}

[[noreturn]] inline void fail(const char* target, const std::string& what,
                              const std::string& context = "") {
  std::fprintf(stderr, "\n==== %s: %s\n", target, what.c_str());
  if (!context.empty()) std::fprintf(stderr, "---- graph ----\n%s---- end ----\n", context.c_str());
  std::fflush(stderr);
  std::abort();
}

// Runs `step`; a tc::Error from it is the documented way to refuse and is passed on to the
// caller as `false`. Any other exception is a finding.
template <class F>
bool refuses(const char* target, const char* step, F&& f) {
  try {
    std::forward<F>(f)();
    return false;
  } catch (const tc::Error&) {
    return true;
  } catch (const std::exception& e) {
    fail(target, std::string(step) + " threw a non-tc::Error exception: " + e.what());
  } catch (...) {
    fail(target, std::string(step) + " threw a non-std::exception");
  }
}

// The contract both spellings promise for a valid graph `g` (docs/tcg.md):
//   parse_tcg(print_tcg(g)) is structurally equal to g, and printing it again gives the same
//   text (the canonical form is a fixed point);
//   graph_from_json(to_json(g)) is structurally equal to g, and to_json of it is the same
//   JSON; the JSON text (dump) reads back too.
// Every step must succeed: `g` came out of a validating reader.
inline void check_round_trips(const char* target, const graph::Graph& g) {
  std::string printed;
  try {
    printed = graph::print_tcg(g);
  } catch (const std::exception& e) {
    fail(target, std::string("print_tcg of a valid graph threw: ") + e.what());
  }
  graph::Graph again;
  try {
    again = graph::parse_tcg(printed);
  } catch (const std::exception& e) {
    fail(target, std::string("the printed form of a valid graph does not parse: ") + e.what(),
         printed);
  }
  if (!graph::structurally_equal(g, again))
    fail(target, "parse_tcg(print_tcg(g)) is not structurally equal to g", printed);
  const std::string reprinted = printed_or_note(again);
  if (reprinted != printed)
    fail(target, "print_tcg is not a fixed point; the second print is:\n" + reprinted, printed);

  nlohmann::json j;
  graph::Graph from_json;
  std::string dumped;
  try {
    j = graph::to_json(g);
    dumped = j.dump();
    from_json = graph::graph_from_json(j);
  } catch (const std::exception& e) {
    fail(target, std::string("JSON round trip of a valid graph threw: ") + e.what(), printed);
  }
  if (!graph::structurally_equal(g, from_json))
    fail(target, "graph_from_json(to_json(g)) is not structurally equal to g:\n" + dumped, printed);
  try {
    if (graph::to_json(from_json) != j)
      fail(target, "to_json(graph_from_json(to_json(g))) differs from to_json(g):\n" + dumped,
           printed);
    const graph::Graph from_text = graph::graph_from_json_text(dumped);
    if (!graph::structurally_equal(g, from_text))
      fail(target, "graph_from_json_text(dump) is not structurally equal to g:\n" + dumped, printed);
  } catch (const std::exception& e) {
    fail(target, std::string("JSON text round trip of a valid graph threw: ") + e.what() + "\n" + dumped,
         printed);
  }
}

// How much work running a graph may take, estimated from the graph alone, so that the
// engine target rejects graphs that would be slow (a timeout is not a finding) before
// running them. Elements are counted from the validator's shapes; a statement inside a
// while body counts once per possible trip (graph::max_trips: the cap, and the last
// condition); a gradient() counts everything before it, since its backward pass may replay
// all of it.
struct Budget {
  std::int64_t max_statements = 2000;  // statements in the whole graph, blocks included
  std::int64_t max_elements = 4096;    // in any one value
  std::int64_t max_work = 1 << 20;     // elements touched, loops and gradients included
};

namespace detail {

constexpr std::int64_t kOver = std::int64_t{1} << 50;  // saturation: "too much"

inline std::int64_t sat_add(std::int64_t a, std::int64_t b) { return a + b > kOver ? kOver : a + b; }
inline std::int64_t sat_mul(std::int64_t a, std::int64_t b) {
  if (a == 0 || b == 0) return 0;
  return a > kOver / b ? kOver : a * b;
}

struct Estimator {
  const graph::ValueSpecs& specs;
  const Budget& budget;
  std::int64_t statements = 0, work = 0;
  bool too_big = false;

  std::int64_t numel(const std::string& name) {
    auto it = specs.find(name);
    if (it == specs.end()) return 1;
    const std::int64_t n = it->second.shape.numel();
    if (n > budget.max_elements) too_big = true;
    return n;
  }
  // A value's spec; a scalar if unknown (counted as one element).
  TensorSpec spec(const std::string& name) {
    numel(name);
    auto it = specs.find(name);
    return it == specs.end() ? TensorSpec{} : it->second;
  }
  std::int64_t names(const std::vector<std::string>& v) {
    std::int64_t n = 0;
    for (const std::string& s : v) n = sat_add(n, numel(s));
    return n;
  }

  // One statement, run up to place.max_trips times; the walk brings the statements of its
  // blocks after it.
  graph::Step statement(const graph::Statement& st, const graph::Place& place) {
    if (++statements > budget.max_statements) too_big = true;
    if (too_big) return graph::Step::stop;
    const std::int64_t trips = place.max_trips;
    if (const auto* s = std::get_if<graph::OpStmt>(&st.node)) {
      // The op table's cost: elements read and written, or its own (matmul's inner products).
      std::vector<TensorSpec> in;
      for (const std::string& o : s->operands) in.push_back(spec(o));
      const OpDef* op = find_op(s->op);
      const TensorSpec out = spec(s->result);
      const std::int64_t cost = op ? op->work(in.data(), static_cast<int>(in.size()), out)
                                   : sat_add(numel(s->result), names(s->operands));
      work = sat_add(work, sat_mul(trips, std::min(cost, kOver)));
    } else if (const auto* w = std::get_if<graph::Watch>(&st.node)) {
      work = sat_add(work, sat_mul(trips, names(w->values)));
    } else if (const auto* c = std::get_if<graph::Cond>(&st.node)) {
      work = sat_add(work, sat_mul(trips, names(c->results)));
    } else if (const auto* w = std::get_if<graph::While>(&st.node)) {
      work = sat_add(work, sat_mul(sat_mul(trips, graph::max_trips(*w)), names(w->params)));
    } else if (const auto* g = std::get_if<graph::Gradient>(&st.node)) {
      const std::int64_t own = sat_add(names(g->results), numel(g->target));
      work = sat_add(work, sat_mul(trips, sat_add(work, own)));
    } else if (const auto* a = std::get_if<graph::ApplyGradients>(&st.node)) {
      work = sat_add(work, sat_mul(trips, sat_add(names(a->gradients), names(a->variables))));
    }
    return graph::Step::next;
  }
};

}  // namespace detail

// True if `g` (valid) fits the budget. Input shapes count as values.
inline bool within_budget(const graph::Graph& g, const Budget& budget = {}) {
  graph::ValueSpecs specs;
  try {
    specs = graph::validate(g);
  } catch (const tc::Error&) {
    return false;
  }
  detail::Estimator e{specs, budget};
  for (const graph::Input& in : g.inputs) {
    const std::int64_t n = in.shape.numel();
    if (n > budget.max_elements) return false;
    e.work = detail::sat_add(e.work, n);
  }
  graph::walk(g.body, [&](const graph::Statement& s, const graph::Place& place) { return e.statement(s, place); });
  return !e.too_big && e.work <= budget.max_work;
}

// ---- A line-aware mutator for the .tcg targets ----------------------------------------------
// Byte-level mutation rarely keeps a graph valid (most mutants fail the parser or the
// validator), so the engine target would mostly test the parser again. These mutations work
// on whole statements instead: delete, duplicate (under a fresh result name), move or swap
// lines, rename a value to another one used in the text, swap an op for another from the op
// table, and splice lines of two inputs. Half of the time libFuzzer's own byte mutation runs
// instead, so nothing the parser sees is lost.
//
// TAPECHECK_TEXT_MUTATOR() defines LLVMFuzzerCustomMutator/LLVMFuzzerCustomCrossOver; it
// expands to nothing without libFuzzer (TAPECHECK_LIBFUZZER undefined: the replay build).

inline std::vector<std::string> split_lines(std::string_view text) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    lines.emplace_back(text.substr(start, end - start));
    start = end + 1;
  }
  return lines;
}

inline std::string join_lines(const std::vector<std::string>& lines) {
  std::string out;
  for (const std::string& l : lines) out += l + "\n";
  return out;
}

// The %names in `text`, with repetition (frequent names are picked more often).
inline std::vector<std::string> value_names(std::string_view text) {
  std::vector<std::string> names;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') continue;
    std::size_t j = i + 1;
    while (j < text.size() && (std::isalnum(static_cast<unsigned char>(text[j])) || text[j] == '_')) ++j;
    if (j > i + 1) names.emplace_back(text.substr(i, j - i));
    i = j - 1;
  }
  return names;
}

// One statement-level mutation of `text`; returns false if none applied.
inline bool mutate_lines(std::string& text, std::mt19937& rng) {
  std::vector<std::string> lines = split_lines(text);
  if (lines.empty()) return false;
  auto pick = [&](std::size_t n) { return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng); };
  const std::size_t i = pick(lines.size()), j = pick(lines.size());
  switch (pick(6)) {
    case 0:  // delete a line
      lines.erase(lines.begin() + static_cast<std::ptrdiff_t>(i));
      break;
    case 1: {  // duplicate a line at j, its result renamed so that SSA still holds
      std::string copy = lines[i];
      const std::size_t eq = copy.find(" = ");
      const std::size_t pct = copy.find('%');
      if (eq != std::string::npos && pct != std::string::npos && pct < eq) {
        std::size_t end = pct + 1;
        while (end < copy.size() && (std::isalnum(static_cast<unsigned char>(copy[end])) || copy[end] == '_')) ++end;
        copy.insert(end, "_d" + std::to_string(rng() % 1000));
      }
      lines.insert(lines.begin() + static_cast<std::ptrdiff_t>(j), copy);
      break;
    }
    case 2:  // swap two lines
      std::swap(lines[i], lines[j]);
      break;
    case 3: {  // move a line
      std::string l = lines[i];
      lines.erase(lines.begin() + static_cast<std::ptrdiff_t>(i));
      lines.insert(lines.begin() + static_cast<std::ptrdiff_t>(std::min(j, lines.size())), l);
      break;
    }
    case 4: {  // one use of a value becomes another value of the text
      const std::vector<std::string> names = value_names(lines[i]);
      const std::vector<std::string> all = value_names(text);
      if (names.empty() || all.empty()) return false;
      const std::string& from = names[pick(names.size())];
      const std::string& to = all[pick(all.size())];
      std::size_t at = lines[i].rfind(from);  // the last use: operands, not the result
      if (at == std::string::npos) return false;
      lines[i].replace(at, from.size(), to);
      break;
    }
    default: {  // another op from the table
      const std::size_t eq = lines[i].find(" = ");
      if (eq == std::string::npos) return false;
      const std::size_t start = eq + 3;
      const std::size_t end = lines[i].find(' ', start);
      const std::string word = lines[i].substr(start, end == std::string::npos ? std::string::npos : end - start);
      if (!find_op(word)) return false;
      const auto& table = op_table();
      lines[i].replace(start, word.size(), table[pick(table.size())]->name);
      break;
    }
  }
  text = join_lines(lines);
  return true;
}

// The first lines of one input, then the rest from the other.
inline std::string splice_lines(std::string_view a, std::string_view b, std::mt19937& rng) {
  std::vector<std::string> la = split_lines(a), lb = split_lines(b);
  const std::size_t ca = la.empty() ? 0 : rng() % (la.size() + 1);
  const std::size_t cb = lb.empty() ? 0 : rng() % (lb.size() + 1);
  std::vector<std::string> out(la.begin(), la.begin() + static_cast<std::ptrdiff_t>(ca));
  out.insert(out.end(), lb.begin() + static_cast<std::ptrdiff_t>(cb), lb.end());
  return join_lines(out);
}

inline std::size_t store(const std::string& text, std::uint8_t* out, std::size_t max_size) {
  const std::size_t n = std::min(text.size(), max_size);
  std::memcpy(out, text.data(), n);
  return n;
}

}  // namespace tc::fuzz

#ifdef TAPECHECK_LIBFUZZER
extern "C" std::size_t LLVMFuzzerMutate(std::uint8_t* data, std::size_t size, std::size_t max_size);
#define TAPECHECK_TEXT_MUTATOR()                                                                   \
  extern "C" std::size_t LLVMFuzzerCustomMutator(std::uint8_t* data, std::size_t size,             \
                                                 std::size_t max_size, unsigned int seed) {        \
    std::mt19937 rng(seed);                                                                        \
    if (rng() % 2 == 0) {                                                                          \
      std::string text(reinterpret_cast<const char*>(data), size);                                 \
      if (tc::fuzz::mutate_lines(text, rng)) return tc::fuzz::store(text, data, max_size);        \
    }                                                                                              \
    return LLVMFuzzerMutate(data, size, max_size);                                                 \
  }                                                                                                \
  extern "C" std::size_t LLVMFuzzerCustomCrossOver(                                                \
      const std::uint8_t* a, std::size_t a_size, const std::uint8_t* b, std::size_t b_size,        \
      std::uint8_t* out, std::size_t max_out, unsigned int seed) {                                 \
    std::mt19937 rng(seed);                                                                        \
    return tc::fuzz::store(                                                                        \
        tc::fuzz::splice_lines({reinterpret_cast<const char*>(a), a_size},                        \
                               {reinterpret_cast<const char*>(b), b_size}, rng),                   \
        out, max_out);                                                                             \
  }
#else
#define TAPECHECK_TEXT_MUTATOR()
#endif
