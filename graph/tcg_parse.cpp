// The .tcg reader: a line-at-a-time tokenizer and a recursive-descent parser over lines.
// Syntax only; parse_tcg() then runs validate() with the SourceMap built here so that
// semantic errors point at the exact token. Hostile input is safe: every loop consumes
// input, recursion is bounded by kMaxBlockDepth, and nothing is sized from a number in the
// text.
#include <algorithm>
#include <charconv>
#include <climits>

#include "engine/ops/op_table.hpp"
#include "graph/tcg.hpp"
#include "graph/validate.hpp"

namespace tc::graph {

GraphError::GraphError(Location loc, std::string message)
    : tc::Error(loc.line > 0 ? std::to_string(loc.line) + ":" + std::to_string(loc.column) +
                                   ": " + message
                             : message),
      loc_(loc),
      message_(std::move(message)) {}

const Location* SourceMap::Spans::attr(std::string_view name) const {
  for (const auto& [n, at] : attrs)
    if (n == name) return &at;
  return nullptr;
}

const SourceMap::Spans* SourceMap::find(Location at) const {
  if (at.line <= 0) return nullptr;
  auto it = spans.find(key(at));
  return it == spans.end() ? nullptr : &it->second;
}

std::string SourceMap::describe(Location at) const {
  if (is_path(at)) return paths[static_cast<std::size_t>(at.line) - 1];
  if (at.line <= 0) return "";
  return std::to_string(at.line) + ":" + std::to_string(at.column);
}

namespace {

enum class Tok : std::uint8_t { word, value, punct, text };

struct Token {
  Tok kind;
  std::string_view text;  // a value's name without the '%'
  Location at;
};

bool is_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}
bool is_word_char(char c) { return is_name_char(c) || c == '.' || c == '+' || c == '-'; }
bool is_punct(char c) {
  switch (c) {
    case '=': case ',': case ':': case '[': case ']': case '(': case ')': case '{': case '}':
      return true;
    default: return false;
  }
}

std::string describe(const Token& t) {
  switch (t.kind) {
    case Tok::value: return "%" + quote_name(t.text);
    case Tok::punct: return "'" + std::string(t.text) + "'";
    case Tok::word: return "'" + quote_name(t.text) + "'";
    case Tok::text: return "\"" + std::string(t.text) + "\"";
  }
  return "?";
}

std::string join(const std::vector<std::string_view>& v) {
  std::string s;
  for (std::string_view x : v) s += std::string(s.empty() ? "" : ", ") + std::string(x);
  return s;
}

class Parser {
 public:
  Parser(std::string_view text, SourceMap* map) : text_(text), map_(map) {}

  Graph run() {
    Graph g;
    bool body_started = false, have_header = false;
    while (next_line()) {
      const Token& t = toks_[0];
      if (is_punct_tok(t, '}')) fail(t.at, "unexpected '}': no block is open");
      if (is_word(t, "graph")) {
        if (have_header || body_started)
          fail(t.at, "'graph' must be the first statement and appear once");
        ++i_;
        const Token& n = expect(Tok::word, "a graph name");
        if (!is_graph_name(n.text)) fail(n.at, "invalid graph name " + describe(n));
        g.name = std::string(n.text);
        expect_eol();
      } else if (is_word(t, "input") || is_word(t, "tape")) {
        if (body_started)
          fail(t.at, "'" + std::string(t.text) +
                         "' declarations must come before the first statement");
        if (is_word(t, "input"))
          g.inputs.push_back(parse_input());
        else
          g.tapes.push_back(parse_tape());
      } else {
        body_started = true;
        parse_statement(g.body, 0);
      }
      have_header = true;
    }
    return g;
  }

 private:
  std::string_view text_;
  SourceMap* map_;
  std::size_t pos_ = 0;  // start of the next line in text_
  int line_no_ = 0;
  std::vector<Token> toks_;
  std::size_t i_ = 0;       // next token on the current line
  Location line_end_;       // just after the current line's last token

  [[noreturn]] static void fail(Location at, std::string message) {
    throw GraphError(at, std::move(message));
  }

  // Loads the next line that has a token; false at the end of the text.
  bool next_line() {
    for (;;) {
      if (pos_ >= text_.size()) return false;
      std::size_t end = text_.find('\n', pos_);
      if (end == std::string_view::npos) end = text_.size();
      const std::string_view line = text_.substr(pos_, end - pos_);
      pos_ = end + 1;
      if (line_no_ < INT_MAX) ++line_no_;
      tokenize(line);
      if (!toks_.empty()) return true;
    }
  }

  void tokenize(std::string_view line) {
    toks_.clear();
    i_ = 0;
    std::size_t k = 0, last_end = 0;
    const std::size_t n = line.size();
    // Columns (and lines, in next_line) saturate instead of overflowing on >2 GiB input.
    auto loc = [&](std::size_t col0) {
      return Location{line_no_, static_cast<int>(std::min<std::size_t>(col0, INT_MAX - 1)) + 1};
    };
    while (k < n) {
      const char c = line[k];
      if (c == ' ' || c == '\t' || c == '\r') {
        ++k;
        continue;
      }
      if (c == '#') break;
      const std::size_t start = k;
      if (c == '%') {
        ++k;
        while (k < n && is_name_char(line[k])) ++k;
        if (k == start + 1) fail(loc(start), "expected a name after '%'");
        toks_.push_back({Tok::value, line.substr(start + 1, k - start - 1), loc(start)});
      } else if (c == '"') {  // a text attribute's value, without escapes (is_attr_text)
        const std::size_t close = line.find('"', k + 1);
        if (close == std::string_view::npos)
          fail(loc(start), "unterminated text: expected a closing '\"' on the same line");
        const std::string_view content = line.substr(k + 1, close - k - 1);
        if (!is_attr_text(content))
          fail(loc(start), "text may hold printable ASCII only, without '\\'");
        k = close + 1;
        toks_.push_back({Tok::text, content, loc(start)});
      } else if (is_punct(c)) {
        ++k;
        toks_.push_back({Tok::punct, line.substr(start, 1), loc(start)});
      } else if (is_word_char(c)) {
        while (k < n && is_word_char(line[k])) ++k;
        toks_.push_back({Tok::word, line.substr(start, k - start), loc(start)});
      } else {
        const auto u = static_cast<unsigned char>(c);
        if (u >= 0x21 && u < 0x7f) fail(loc(start), std::string("unexpected character '") + c + "'");
        static const char* hex = "0123456789abcdef";
        fail(loc(start), std::string("unexpected byte 0x") + hex[u >> 4] + hex[u & 15]);
      }
      last_end = k;
    }
    line_end_ = loc(last_end);
  }

  // ---- token helpers ----
  const Token* peek() const { return i_ < toks_.size() ? &toks_[i_] : nullptr; }
  Location here() const { return i_ < toks_.size() ? toks_[i_].at : line_end_; }
  static bool is_word(const Token& t, std::string_view w) {
    return t.kind == Tok::word && t.text == w;
  }
  static bool is_punct_tok(const Token& t, char c) {
    return t.kind == Tok::punct && t.text[0] == c;
  }
  bool at_word(std::string_view w) const { return peek() && is_word(*peek(), w); }
  bool at_punct(char c) const { return peek() && is_punct_tok(*peek(), c); }
  bool at(Tok k) const { return peek() && peek()->kind == k; }

  std::string found() const { return peek() ? describe(*peek()) : "the end of the line"; }

  const Token& expect(Tok kind, const char* what) {
    if (!at(kind)) fail(here(), std::string("expected ") + what + ", found " + found());
    return toks_[i_++];
  }
  const Token& expect_punct(char c) {
    if (!at_punct(c))
      fail(here(), std::string("expected '") + c + "', found " + found());
    return toks_[i_++];
  }
  void expect_word(std::string_view w) {
    if (!at_word(w)) fail(here(), "expected '" + std::string(w) + "', found " + found());
    ++i_;
  }
  void expect_eol() {
    if (peek()) fail(here(), "unexpected " + found() + " (one statement per line)");
  }

  // %a, %b, ...  (at least one)
  void value_list(std::vector<std::string>& names, std::vector<Location>& locs,
                  const char* what) {
    for (;;) {
      const Token& t = expect(Tok::value, what);
      names.emplace_back(t.text);
      locs.push_back(t.at);
      if (!at_punct(',')) return;
      ++i_;
    }
  }

  std::string tape_name(std::vector<Location>& locs) {
    const Token& t = expect(Tok::word, "a tape name");
    if (!is_tape_name(t.text)) fail(t.at, "invalid tape name " + describe(t));
    locs.push_back(t.at);
    return std::string(t.text);
  }

  bool parse_bool(const char* what) {
    const Token& t = expect(Tok::word, "true or false");
    if (t.text == "true") return true;
    if (t.text == "false") return false;
    fail(t.at, std::string(what) + " takes true or false, found " + describe(t));
  }

  std::int64_t parse_integer(const char* what) {
    const Token& t = expect(Tok::word, "an integer");
    const auto v = parse_int(t.text);
    if (!v) fail(t.at, std::string(what) + " takes an integer, found " + describe(t));
    return *v;
  }

  // `dtype`: the literal is a value of that dtype (an f32 input's values must fit f32).
  double parse_number(const char* what, bool allow_bool, DType dtype = DType::f64) {
    const Token& t = expect(Tok::word, "a number");
    if (allow_bool && t.text == "true") return 1.0;
    if (allow_bool && t.text == "false") return 0.0;
    const auto v = parse_double(t.text);
    if (!v) fail(t.at, std::string(what) + " takes a number, found " + describe(t));
    if (overflows_f64(t.text, *v))
      fail(t.at, "number " + describe(t) +
                     " is out of range for a double (largest finite: 1.7976931348623157e+308); write inf "
                     "for infinity");
    if (dtype == DType::f32 && overflows_f32(*v))
      fail(t.at, "number " + describe(t) +
                     " is out of range for f32 (largest finite f32: 3.4028235e+38); write inf for infinity");
    return *v;
  }

  // [i, j, ...] with at most kMaxListEntries entries.
  std::vector<std::int64_t> int_list(const char* what) {
    const Location open = expect_punct('[').at;
    std::vector<std::int64_t> v;
    if (at_punct(']')) {
      ++i_;
      return v;
    }
    for (;;) {
      if (v.size() == kMaxListEntries)
        fail(here(), std::string(what) + " has more than " + std::to_string(kMaxListEntries) +
                         " entries");
      v.push_back(parse_integer(what));
      if (at_punct(',')) {
        ++i_;
        continue;
      }
      if (at_punct(']')) {
        ++i_;
        return v;
      }
      fail(here(), std::string("unterminated list: expected ',' or ']' after the entry, found ") +
                       found() + " (the list opens at " + std::to_string(open.line) + ":" +
                       std::to_string(open.column) + ")");
    }
  }

  // ---- declarations ----
  Input parse_input() {
    Input in;
    in.loc = toks_[i_++].at;
    SourceMap::Spans sp;
    const Token& name = expect(Tok::value, "an input name (%name)");
    in.name = std::string(name.text);
    sp.names.push_back(name.at);
    expect_punct(':');
    const Token& dt = expect(Tok::word, "a dtype (f32, f64, i32, bool)");
    const auto dtype = parse_dtype(dt.text);
    if (!dtype) fail(dt.at, "unknown dtype " + describe(dt) + " (dtypes: f32, f64, i32, bool)");
    in.dtype = *dtype;
    sp.keyword = dt.at;
    // The shape: [d0, d1, ...]
    const Location open = expect_punct('[').at;
    sp.attrs.emplace_back("shape", open);
    std::vector<std::int64_t> dims;
    if (at_punct(']')) {
      ++i_;
    } else {
      for (;;) {
        const Location dim_at = here();
        const std::int64_t d = parse_integer("a dimension");
        if (d < 0) fail(dim_at, "negative dimension " + std::to_string(d));
        if (dims.size() == static_cast<std::size_t>(limits::kMaxRank))
          fail(dim_at, "rank exceeds the maximum rank " + std::to_string(limits::kMaxRank));
        dims.push_back(d);
        if (at_punct(',')) {
          ++i_;
          continue;
        }
        if (at_punct(']')) {
          ++i_;
          break;
        }
        fail(here(), "unterminated shape: expected ',' or ']', found " + found() +
                         " (the shape opens at " + std::to_string(open.line) + ":" +
                         std::to_string(open.column) + ")");
      }
    }
    in.shape = Shape(dims);
    const Token& kind = expect(Tok::word, "'constant' or 'variable'");
    sp.attrs.emplace_back("kind", kind.at);
    if (kind.text == "constant")
      in.kind = InputKind::constant;
    else if (kind.text == "variable")
      in.kind = InputKind::variable;
    else
      fail(kind.at, "expected 'constant' or 'variable', found " + describe(kind));

    bool have_init = false, have_seed = false, have_trainable = false;
    Location seed_at;
    while (const Token* t = peek()) {
      if (is_word(*t, "trainable")) {
        if (have_trainable) fail(t->at, "'trainable' given twice");
        have_trainable = true;
        sp.attrs.emplace_back("trainable", t->at);
        ++i_;
        expect_punct('=');
        in.trainable = parse_bool("trainable");
      } else if (is_word(*t, "seed")) {
        if (have_seed) fail(t->at, "'seed' given twice");
        have_seed = true;
        seed_at = t->at;
        sp.attrs.emplace_back("seed", t->at);
        ++i_;
        expect_punct('=');
        const Token& v = expect(Tok::word, "a seed (a non-negative integer)");
        std::uint64_t seed = 0;
        const auto r = std::from_chars(v.text.data(), v.text.data() + v.text.size(), seed, 10);
        if (r.ec != std::errc() || r.ptr != v.text.data() + v.text.size())
          fail(v.at, "seed takes a non-negative integer below 2^64, found " + describe(v));
        in.init.seed = seed;
      } else if (is_word(*t, "values") || is_word(*t, "uniform") || is_word(*t, "normal")) {
        if (have_init) fail(t->at, "the input has two initializers");
        have_init = true;
        sp.attrs.emplace_back("init", t->at);
        const std::string_view what = t->text;
        ++i_;
        const Location open_paren = expect_punct('(').at;
        if (what == "values") {
          in.init.kind = Init::Kind::values;
          if (at_punct(')')) {
            ++i_;
          } else {
            for (;;) {
              in.init.values.push_back(parse_number("values(...)", true, in.dtype));
              if (at_punct(',')) {
                ++i_;
                continue;
              }
              if (at_punct(')')) {
                ++i_;
                break;
              }
              fail(here(), "unterminated values(...): expected ',' or ')', found " + found() +
                               " (opened at " + std::to_string(open_paren.line) + ":" +
                               std::to_string(open_paren.column) + ")");
            }
          }
        } else {
          in.init.kind = what == "uniform" ? Init::Kind::uniform : Init::Kind::normal;
          in.init.a = parse_number(what == "uniform" ? "uniform(lo, hi)" : "normal(mean, stddev)",
                                   false, in.dtype);
          expect_punct(',');
          in.init.b = parse_number(what == "uniform" ? "uniform(lo, hi)" : "normal(mean, stddev)",
                                   false, in.dtype);
          expect_punct(')');
        }
      } else {
        fail(t->at, "unexpected " + describe(*t) +
                        " (an input takes trainable=, values(...), uniform(lo, hi) or "
                        "normal(mean, stddev), and seed=)");
      }
    }
    if (!have_init)
      fail(line_end_,
           "the input needs an initializer: values(...), uniform(lo, hi) or normal(mean, stddev)");
    if (have_seed && in.init.kind == Init::Kind::values)
      fail(seed_at, "seed applies only to uniform(...) and normal(...)");
    if (map_) map_->spans[SourceMap::key(in.loc)] = std::move(sp);
    return in;
  }

  TapeDecl parse_tape() {
    TapeDecl t;
    t.loc = toks_[i_++].at;
    SourceMap::Spans sp;
    t.name = tape_name(sp.names);
    bool have_p = false, have_w = false;
    while (const Token* tok = peek()) {
      if (is_word(*tok, "persistent")) {
        if (have_p) fail(tok->at, "'persistent' given twice");
        have_p = true;
        sp.attrs.emplace_back("persistent", tok->at);
        ++i_;
        t.persistent = true;
        if (at_punct('=')) {
          ++i_;
          t.persistent = parse_bool("persistent");
        }
      } else if (is_word(*tok, "watch_accessed_variables")) {
        if (have_w) fail(tok->at, "'watch_accessed_variables' given twice");
        have_w = true;
        sp.attrs.emplace_back("watch_accessed_variables", tok->at);
        ++i_;
        expect_punct('=');
        t.watch_accessed_variables = parse_bool("watch_accessed_variables");
      } else {
        fail(tok->at, "unexpected " + describe(*tok) +
                          " (a tape takes 'persistent' and 'watch_accessed_variables=')");
      }
    }
    if (map_) map_->spans[SourceMap::key(t.loc)] = std::move(sp);
    return t;
  }

  // ---- statements and blocks ----
  enum class Yield : std::uint8_t { none, one, many };

  // After `... {` (the current line must end there): statements up to the line starting
  // with '}', which stays current with i_ just after the '}'.
  Block parse_block(int depth, Location open, Yield yield_kind, std::vector<std::string>* yields,
                    std::vector<Location>* yield_locs) {
    Block b;
    bool yielded = false;
    for (;;) {
      if (!next_line()) fail(open, "'{' is never closed (missing '}')");
      const Token& t = toks_[0];
      if (is_punct_tok(t, '}')) {
        i_ = 1;
        if (yield_kind != Yield::none && !yielded)
          fail(t.at, "the block must end with 'yield'");
        return b;
      }
      if (yielded) fail(t.at, "'yield' must be the last statement of its block");
      if (is_word(t, "yield")) {
        if (yield_kind == Yield::none)
          fail(t.at, "'yield' is only allowed in cond and while blocks");
        ++i_;
        value_list(*yields, *yield_locs, "a value to yield (%name)");
        if (yield_kind == Yield::one && yields->size() != 1)
          fail(t.at, "a while condition yields exactly one value (a scalar bool)");
        expect_eol();
        yielded = true;
        continue;
      }
      if (is_word(t, "input") || is_word(t, "tape") || is_word(t, "graph"))
        fail(t.at, "'" + std::string(t.text) + "' is only allowed at the top of the graph");
      parse_statement(b, depth);
    }
  }

  Location open_block(int depth) {
    const Location brace = expect_punct('{').at;
    expect_eol();
    if (depth + 1 > kMaxBlockDepth)
      fail(brace, "blocks nest deeper than " + std::to_string(kMaxBlockDepth) + " levels");
    return brace;
  }

  void parse_statement(Block& out, int depth) {
    const Token& first = toks_[0];
    Statement st;
    st.loc = first.at;
    SourceMap::Spans sp;
    if (is_word(first, "record") || is_word(first, "stop_recording")) {
      const bool rec = first.text == "record";
      ++i_;
      std::string tape = tape_name(sp.names);
      const Location brace = open_block(depth);
      Block body = parse_block(depth + 1, brace, Yield::none, nullptr, nullptr);
      expect_eol();
      if (rec)
        st.node = Record{std::move(tape), std::move(body)};
      else
        st.node = StopRecording{std::move(tape), std::move(body)};
    } else if (is_word(first, "watch")) {
      ++i_;
      Watch w;
      w.tape = tape_name(sp.names);
      value_list(w.values, sp.names, "a value to watch (%name)");
      expect_eol();
      st.node = std::move(w);
    } else if (is_word(first, "apply_gradients")) {
      sp.keyword = first.at;
      ++i_;
      st.node = parse_apply_gradients(sp);
    } else if (first.kind == Tok::value) {
      std::vector<std::string> results;
      value_list(results, sp.names, "a result name (%name)");
      expect_punct('=');
      const Token& kw = expect(Tok::word, "an op name, 'cond', 'while' or 'grad'");
      sp.keyword = kw.at;
      if (kw.text == "cond")
        st.node = parse_cond(std::move(results), sp, depth);
      else if (kw.text == "while")
        st.node = parse_while(std::move(results), sp, depth);
      else if (kw.text == "grad")
        st.node = parse_grad(std::move(results), sp);
      else
        st.node = parse_op(std::move(results), kw, sp);
    } else {
      fail(first.at, "expected a statement, found " + describe(first) +
                         " (statements: %x = <op> ..., record, stop_recording, watch, "
                         "cond, while, grad, apply_gradients)");
    }
    if (map_) map_->spans[SourceMap::key(st.loc)] = std::move(sp);
    out.push_back(std::move(st));
  }

  OpStmt parse_op(std::vector<std::string> results, const Token& op, SourceMap::Spans& sp) {
    if (results.size() != 1) fail(sp.names[1], "an op statement defines exactly one result");
    OpStmt s;
    s.result = std::move(results[0]);
    s.op = std::string(op.text);
    while (at(Tok::value)) {
      s.operands.emplace_back(peek()->text);
      sp.names.push_back(peek()->at);
      ++i_;
    }
    while (const Token* t = peek()) {
      if (t->kind == Tok::value) fail(t->at, "operands must come before attributes");
      if (t->kind != Tok::word)
        fail(t->at, "unexpected " + describe(*t) + " (expected an operand or name=value)");
      const AttrField* f = find_attr_field(t->text);
      if (!f) {
        std::string m = "unknown attribute " + describe(*t);
        if (const OpDef* def = find_op(s.op))
          m += declared_attrs(*def).empty() ? " (" + s.op + " takes no attributes)"
                                            : " (" + s.op + " takes: " +
                                                  join(declared_attrs(*def)) + ")";
        fail(t->at, m);
      }
      if (sp.attr(f->name)) fail(t->at, "attribute '" + std::string(f->name) + "' given twice");
      sp.attrs.emplace_back(f->name, t->at);
      ++i_;
      expect_punct('=');
      switch (f->kind) {
        case AttrKind::integer: s.attrs.*f->integer = parse_integer(f->name); break;
        case AttrKind::int_list: s.attrs.*f->int_list = int_list(f->name); break;
        case AttrKind::boolean: s.attrs.*f->boolean = parse_bool(f->name); break;
        case AttrKind::real: s.attrs.*f->real = parse_number(f->name, false); break;
        case AttrKind::dtype: {
          const Token& d = expect(Tok::word, "a dtype (f32, f64, i32, bool)");
          const auto dt = parse_dtype(d.text);
          if (!dt) fail(d.at, "unknown dtype " + describe(d) + " (dtypes: f32, f64, i32, bool)");
          s.attrs.*f->dtype = *dt;
          break;
        }
        case AttrKind::text: s.attrs.*f->text = std::string(expect(Tok::text, "a quoted text (\"...\")").text); break;
      }
    }
    return s;
  }

  Cond parse_cond(std::vector<std::string> results, SourceMap::Spans& sp, int depth) {
    Cond c;
    c.results = std::move(results);
    const Token& pred = expect(Tok::value, "the predicate (%name)");
    c.pred = std::string(pred.text);
    sp.names.push_back(pred.at);
    const Location open = open_block(depth);
    c.then_body = parse_block(depth + 1, open, Yield::many, &c.then_yield, &sp.names);
    expect_word("else");
    const Location open2 = open_block(depth);
    c.else_body = parse_block(depth + 1, open2, Yield::many, &c.else_yield, &sp.names);
    expect_eol();
    return c;
  }

  While parse_while(std::vector<std::string> results, SourceMap::Spans& sp, int depth) {
    While w;
    w.results = std::move(results);
    value_list(w.init, sp.names, "an initial value (%name)");
    if (at_word("max_iterations")) {
      sp.attrs.emplace_back("max_iterations", peek()->at);
      ++i_;
      expect_punct('=');
      w.max_iterations = parse_integer("max_iterations");
    }
    expect_punct('(');
    value_list(w.params, sp.names, "a loop variable name (%name)");
    expect_punct(')');
    const Location open = open_block(depth);
    std::vector<std::string> cy;
    w.cond_body = parse_block(depth + 1, open, Yield::one, &cy, &sp.names);
    w.cond_yield = cy.at(0);
    expect_word("do");
    const Location open2 = open_block(depth);
    w.body = parse_block(depth + 1, open2, Yield::many, &w.body_yield, &sp.names);
    expect_eol();
    return w;
  }

  Gradient parse_grad(std::vector<std::string> results, SourceMap::Spans& sp) {
    Gradient g;
    g.results = std::move(results);
    g.tape = tape_name(sp.names);
    const Token& target = expect(Tok::value, "the target (%name)");
    g.target = std::string(target.text);
    sp.names.push_back(target.at);
    expect_word("wrt");
    value_list(g.sources, sp.names, "a source (%name)");
    bool have_og = false, have_u = false;
    while (const Token* t = peek()) {
      if (is_word(*t, "output_gradients")) {
        if (have_og) fail(t->at, "'output_gradients' given twice");
        have_og = true;
        sp.attrs.emplace_back("output_gradients", t->at);
        ++i_;
        expect_punct('=');
        const Token& v = expect(Tok::value, "a value (%name)");
        g.output_gradients = std::string(v.text);
        sp.names.push_back(v.at);
      } else if (is_word(*t, "unconnected")) {
        if (have_u) fail(t->at, "'unconnected' given twice");
        have_u = true;
        sp.attrs.emplace_back("unconnected", t->at);
        ++i_;
        expect_punct('=');
        const Token& v = expect(Tok::word, "none or zero");
        if (v.text == "none")
          g.unconnected = Unconnected::none;
        else if (v.text == "zero")
          g.unconnected = Unconnected::zero;
        else
          fail(v.at, "unconnected takes none or zero, found " + describe(v));
      } else {
        fail(t->at, "unexpected " + describe(*t) +
                        " (grad takes output_gradients=%v and unconnected=none|zero)");
      }
    }
    return g;
  }

  // apply_gradients %g1, %g2 to %v1, %v2 [learning_rate=x]
  ApplyGradients parse_apply_gradients(SourceMap::Spans& sp) {
    ApplyGradients a;
    value_list(a.gradients, sp.names, "a gradient (%name)");
    expect_word("to");
    value_list(a.variables, sp.names, "a variable (%name)");
    bool have_lr = false;
    while (const Token* t = peek()) {
      if (!is_word(*t, "learning_rate"))
        fail(t->at, "unexpected " + describe(*t) + " (apply_gradients takes learning_rate=<number>)");
      if (have_lr) fail(t->at, "'learning_rate' given twice");
      have_lr = true;
      sp.attrs.emplace_back("learning_rate", t->at);
      ++i_;
      expect_punct('=');
      a.learning_rate = parse_number("learning_rate", false);
    }
    return a;
  }
};

}  // namespace

Graph parse_tcg_syntax(std::string_view text, SourceMap* map) {
  return Parser(text, map).run();
}

Graph parse_tcg(std::string_view text) {
  SourceMap map;
  Graph g = parse_tcg_syntax(text, &map);
  validate(g, &map);
  return g;
}

}  // namespace tc::graph
