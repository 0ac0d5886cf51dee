// JSON <-> Graph. The reader gives every statement, name and attribute a synthetic Location
// that stands for its JSON path (SourceMap::paths), runs validate() with that map so that
// semantic errors name the path, then clears the Locations.
#include "graph/json.hpp"

#include <cmath>
#include <limits>
#include <string>

#include "engine/ops/op_table.hpp"
#include "graph/validate.hpp"

namespace tc::graph {

using nlohmann::json;

namespace {

// ---- writing ----------------------------------------------------------------------------

json number(double d) { return std::isfinite(d) ? json(d) : json(format_double(d)); }

json names(const std::vector<std::string>& v) { return json(v); }

json block_json(const Block& b);

json attrs_json(const OpStmt& s) {
  json a = json::object();
  if (const OpDef* def = find_op(s.op))
    for (std::string_view name : declared_attrs(*def)) {
      const AttrField* f = find_attr_field(name);
      if (!f) continue;
      switch (f->kind) {
        case AttrKind::integer: a[f->name] = s.attrs.*f->integer; break;
        case AttrKind::int_list: a[f->name] = s.attrs.*f->int_list; break;
        case AttrKind::boolean: a[f->name] = s.attrs.*f->boolean; break;
        case AttrKind::real: a[f->name] = number(s.attrs.*f->real); break;
        case AttrKind::dtype: a[f->name] = std::string(dtype_name(s.attrs.*f->dtype)); break;
        case AttrKind::text: a[f->name] = s.attrs.*f->text; break;
      }
    }
  return a;
}

json statement_json(const Statement& st) {
  if (const auto* op = std::get_if<OpStmt>(&st.node))
    return {{"kind", "op"}, {"result", op->result}, {"op", op->op},
            {"operands", names(op->operands)}, {"attrs", attrs_json(*op)}};
  if (const auto* r = std::get_if<Record>(&st.node))
    return {{"kind", "record"}, {"tape", r->tape}, {"body", block_json(r->body)}};
  if (const auto* s = std::get_if<StopRecording>(&st.node))
    return {{"kind", "stop_recording"}, {"tape", s->tape}, {"body", block_json(s->body)}};
  if (const auto* w = std::get_if<Watch>(&st.node))
    return {{"kind", "watch"}, {"tape", w->tape}, {"values", names(w->values)}};
  if (const auto* c = std::get_if<Cond>(&st.node))
    return {{"kind", "cond"},
            {"results", names(c->results)},
            {"pred", c->pred},
            {"then", block_json(c->then_body)},
            {"then_yield", names(c->then_yield)},
            {"else", block_json(c->else_body)},
            {"else_yield", names(c->else_yield)}};
  if (const auto* w = std::get_if<While>(&st.node))
    return {{"kind", "while"},
            {"results", names(w->results)},
            {"init", names(w->init)},
            {"max_iterations", w->max_iterations},
            {"params", names(w->params)},
            {"cond", block_json(w->cond_body)},
            {"cond_yield", w->cond_yield},
            {"body", block_json(w->body)},
            {"body_yield", names(w->body_yield)}};
  if (const auto* a = std::get_if<ApplyGradients>(&st.node))
    return {{"kind", "apply_gradients"},
            {"gradients", names(a->gradients)},
            {"variables", names(a->variables)},
            {"learning_rate", number(a->learning_rate)}};
  const auto& g = std::get<Gradient>(st.node);
  json j = {{"kind", "grad"},
            {"results", names(g.results)},
            {"tape", g.tape},
            {"target", g.target},
            {"sources", names(g.sources)},
            {"unconnected", g.unconnected == Unconnected::zero ? "zero" : "none"}};
  if (g.output_gradients) j["output_gradients"] = *g.output_gradients;
  return j;
}

json block_json(const Block& b) {
  json a = json::array();
  for (const Statement& st : b) a.push_back(statement_json(st));
  return a;
}

json input_json(const Input& in) {
  json init;
  switch (in.init.kind) {
    case Init::Kind::values: {
      json vals = json::array();
      for (double x : in.init.values)
        vals.push_back(in.dtype == DType::boolean && (x == 0.0 || x == 1.0) ? json(x != 0.0)
                                                                            : number(x));
      init = {{"kind", "values"}, {"values", vals}};
      break;
    }
    case Init::Kind::uniform:
      init = {{"kind", "uniform"}, {"lo", number(in.init.a)}, {"hi", number(in.init.b)},
              {"seed", in.init.seed}};
      break;
    case Init::Kind::normal:
      init = {{"kind", "normal"}, {"mean", number(in.init.a)}, {"stddev", number(in.init.b)},
              {"seed", in.init.seed}};
      break;
  }
  json j = {{"name", in.name},
            {"dtype", std::string(dtype_name(in.dtype))},
            {"shape", in.shape.to_vector()},
            {"kind", in.kind == InputKind::variable ? "variable" : "constant"},
            {"init", init}};
  if (in.kind == InputKind::variable) j["trainable"] = in.trainable;
  return j;
}

// ---- reading ----------------------------------------------------------------------------

class Reader {
 public:
  SourceMap map;

  Graph graph(const json& j) {
    expect_object(j, {"name", "inputs", "tapes", "body"});
    Graph g;
    if (const json* n = opt(j, "name")) g.name = string(*n, "name");
    if (const json* a = opt(j, "inputs")) {
      Enter e(*this, "inputs");
      expect_array(*a);
      for (std::size_t i = 0; i < a->size(); ++i) {
        Enter ei(*this, std::to_string(i));
        g.inputs.push_back(input((*a)[i]));
      }
    }
    if (const json* a = opt(j, "tapes")) {
      Enter e(*this, "tapes");
      expect_array(*a);
      for (std::size_t i = 0; i < a->size(); ++i) {
        Enter ei(*this, std::to_string(i));
        g.tapes.push_back(tape((*a)[i]));
      }
    }
    if (const json* b = opt(j, "body")) g.body = block(*b, "body", 0);
    return g;
  }

 private:
  std::vector<std::string> path_;

  struct Enter {
    Reader& r;
    Enter(Reader& reader, std::string part) : r(reader) { r.path_.push_back(std::move(part)); }
    ~Enter() { r.path_.pop_back(); }
    Enter(const Enter&) = delete;
    Enter& operator=(const Enter&) = delete;
  };

  std::string path() const {
    if (path_.empty()) return "/";
    std::string p;
    for (const auto& s : path_) p += "/" + s;
    return p;
  }
  [[noreturn]] void fail(const std::string& message) const {
    throw GraphError({}, path() + ": " + message);
  }
  // A synthetic Location standing for the current path (plus `part`, if given).
  Location here(const std::string& part = "") {
    map.paths.push_back(part.empty() ? path() : path() + "/" + part);
    return {static_cast<int>(map.paths.size()), 0};
  }

  static const char* type_name(const json& j) { return j.type_name(); }

  void expect_object(const json& j, std::initializer_list<const char*> keys) {
    if (!j.is_object()) fail(std::string("expected an object, found ") + type_name(j));
    for (auto it = j.begin(); it != j.end(); ++it) {
      bool known = false;
      for (const char* k : keys) known = known || it.key() == k;
      if (!known) {
        std::string list;
        for (const char* k : keys) list += std::string(list.empty() ? "" : ", ") + k;
        fail("unknown key '" + quote_name(it.key()) + "' (expected: " + list + ")");
      }
    }
  }
  void expect_array(const json& j) {
    if (!j.is_array()) fail(std::string("expected an array, found ") + type_name(j));
  }
  const json* opt(const json& obj, const char* key) {
    auto it = obj.find(key);
    return it == obj.end() ? nullptr : &*it;
  }
  const json& req(const json& obj, const char* key) {
    auto it = obj.find(key);
    if (it == obj.end()) fail(std::string("missing key '") + key + "'");
    return *it;
  }

  std::string string(const json& j, const char* key) {
    Enter e(*this, key);
    if (!j.is_string()) fail(std::string("expected a string, found ") + type_name(j));
    return j.get<std::string>();
  }
  std::string text(const json& j, const char* key) {
    std::string s = string(j, key);
    Enter e(*this, key);
    if (!is_attr_text(s)) fail("text may hold printable ASCII only, without '\"' and '\\'");
    return s;
  }
  bool boolean(const json& j, const char* key) {
    Enter e(*this, key);
    if (!j.is_boolean()) fail(std::string("expected true or false, found ") + type_name(j));
    return j.get<bool>();
  }
  std::int64_t integer(const json& j) {
    if (j.is_number_unsigned()) {
      if (j.get<std::uint64_t>() > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
        fail("integer out of range");
      return static_cast<std::int64_t>(j.get<std::uint64_t>());
    }
    if (!j.is_number_integer()) fail(std::string("expected an integer, found ") + type_name(j));
    return j.get<std::int64_t>();
  }
  std::int64_t integer(const json& j, const char* key) {
    Enter e(*this, key);
    return integer(j);
  }
  double real(const json& j) {
    if (j.is_number()) return j.get<double>();
    if (j.is_string()) {
      const auto& s = j.get_ref<const std::string&>();
      if (s == "nan" || s == "inf" || s == "-inf") return *parse_double(s);
    }
    fail(std::string("expected a number (or \"nan\", \"inf\", \"-inf\"), found ") + type_name(j));
  }
  double real(const json& j, const char* key) {
    Enter e(*this, key);
    return real(j);
  }
  std::vector<std::int64_t> int_list(const json& j, const char* key) {
    Enter e(*this, key);
    expect_array(j);
    if (j.size() > kMaxListEntries) fail("more than " + std::to_string(kMaxListEntries) + " entries");
    std::vector<std::int64_t> v;
    for (std::size_t i = 0; i < j.size(); ++i) {
      Enter ei(*this, std::to_string(i));
      v.push_back(integer(j[i]));
    }
    return v;
  }
  DType dtype(const json& j, const char* key) {
    Enter e(*this, key);
    if (!j.is_string()) fail(std::string("expected a dtype string, found ") + type_name(j));
    const auto d = parse_dtype(j.get_ref<const std::string&>());
    if (!d)
      fail("unknown dtype '" + quote_name(j.get_ref<const std::string&>()) +
           "' (dtypes: f32, f64, i32, bool)");
    return *d;
  }

  // A name, recording its location in `locs`.
  std::string name(const json& obj, const char* key, std::vector<Location>& locs) {
    const json& j = req(obj, key);
    Enter e(*this, key);
    if (!j.is_string()) fail(std::string("expected a name (string), found ") + type_name(j));
    locs.push_back(here());
    return j.get<std::string>();
  }
  std::vector<std::string> name_list(const json& obj, const char* key,
                                     std::vector<Location>& locs) {
    const json& j = req(obj, key);
    Enter e(*this, key);
    expect_array(j);
    std::vector<std::string> v;
    for (std::size_t i = 0; i < j.size(); ++i) {
      Enter ei(*this, std::to_string(i));
      if (!j[i].is_string()) fail(std::string("expected a name (string), found ") + type_name(j[i]));
      locs.push_back(here());
      v.push_back(j[i].get<std::string>());
    }
    return v;
  }

  // A number for an f32 input must fit f32: 1e300 would silently become inf.
  double f32_in_range(const Input& in, double v, const char* key = nullptr) {
    if (in.dtype == DType::f32 && overflows_f32(v)) {
      std::optional<Enter> e;
      if (key) e.emplace(*this, key);
      fail("value " + format_double(v) + " is out of range for f32 (largest finite f32: 3.4028235e+38)");
    }
    return v;
  }

  Input input(const json& j) {
    expect_object(j, {"name", "dtype", "shape", "kind", "trainable", "init"});
    Input in;
    in.loc = here();
    SourceMap::Spans sp;
    in.name = name(j, "name", sp.names);
    in.dtype = dtype(req(j, "dtype"), "dtype");
    sp.keyword = here("dtype");
    {
      const json& s = req(j, "shape");
      Enter e(*this, "shape");
      expect_array(s);
      if (s.size() > static_cast<std::size_t>(limits::kMaxRank))
        fail("rank " + std::to_string(s.size()) + " exceeds the maximum rank " +
             std::to_string(limits::kMaxRank));
      std::vector<std::int64_t> dims;
      for (std::size_t i = 0; i < s.size(); ++i) {
        Enter ei(*this, std::to_string(i));
        const std::int64_t d = integer(s[i]);
        if (d < 0) fail("negative dimension " + std::to_string(d));
        dims.push_back(d);
      }
      in.shape = Shape(dims);
      sp.attrs.emplace_back("shape", here());
    }
    const std::string kind = string(req(j, "kind"), "kind");
    if (kind == "variable") {
      in.kind = InputKind::variable;
    } else if (kind == "constant") {
      in.kind = InputKind::constant;
    } else {
      Enter e(*this, "kind");
      fail("expected \"constant\" or \"variable\", found \"" + quote_name(kind) + "\"");
    }
    if (const json* t = opt(j, "trainable")) {
      in.trainable = boolean(*t, "trainable");
      sp.attrs.emplace_back("trainable", here("trainable"));
    }
    {
      const json& ij = req(j, "init");
      Enter e(*this, "init");
      sp.attrs.emplace_back("init", here());
      if (!ij.is_object()) fail(std::string("expected an object, found ") + type_name(ij));
      const std::string k = string(req(ij, "kind"), "kind");
      if (k == "values") {
        expect_object(ij, {"kind", "values"});
        const json& vals = req(ij, "values");
        Enter ev(*this, "values");
        expect_array(vals);
        in.init.kind = Init::Kind::values;
        for (std::size_t i = 0; i < vals.size(); ++i) {
          Enter ei(*this, std::to_string(i));
          in.init.values.push_back(vals[i].is_boolean() ? (vals[i].get<bool>() ? 1.0 : 0.0)
                                                        : f32_in_range(in, real(vals[i])));
        }
      } else if (k == "uniform" || k == "normal") {
        const bool u = k == "uniform";
        const char* a = u ? "lo" : "mean";
        const char* b = u ? "hi" : "stddev";
        expect_object(ij, {"kind", a, b, "seed"});
        in.init.kind = u ? Init::Kind::uniform : Init::Kind::normal;
        in.init.a = f32_in_range(in, real(req(ij, a), a), a);
        in.init.b = f32_in_range(in, real(req(ij, b), b), b);
        if (const json* s = opt(ij, "seed")) {
          Enter es(*this, "seed");
          if (!s->is_number_unsigned() && !(s->is_number_integer() && s->get<std::int64_t>() >= 0))
            fail("expected a non-negative integer seed");
          in.init.seed = s->get<std::uint64_t>();
        }
      } else {
        Enter ek(*this, "kind");
        fail("expected \"values\", \"uniform\" or \"normal\", found \"" + quote_name(k) + "\"");
      }
    }
    map.add(in.loc) = std::move(sp);
    return in;
  }

  TapeDecl tape(const json& j) {
    expect_object(j, {"name", "persistent", "watch_accessed_variables"});
    TapeDecl t;
    t.loc = here();
    SourceMap::Spans sp;
    t.name = name(j, "name", sp.names);
    if (const json* p = opt(j, "persistent")) t.persistent = boolean(*p, "persistent");
    if (const json* w = opt(j, "watch_accessed_variables"))
      t.watch_accessed_variables = boolean(*w, "watch_accessed_variables");
    map.add(t.loc) = std::move(sp);
    return t;
  }

  Block block(const json& j, const char* key, int depth) {
    Enter e(*this, key);
    if (depth > kMaxBlockDepth)
      fail("blocks nest deeper than " + std::to_string(kMaxBlockDepth) + " levels");
    expect_array(j);
    Block b;
    for (std::size_t i = 0; i < j.size(); ++i) {
      Enter ei(*this, std::to_string(i));
      b.push_back(statement(j[i], depth));
    }
    return b;
  }

  Statement statement(const json& j, int depth) {
    if (!j.is_object()) fail(std::string("expected a statement object, found ") + type_name(j));
    Statement st;
    st.loc = here();
    SourceMap::Spans sp;
    const std::string kind = string(req(j, "kind"), "kind");
    if (kind == "op") {
      expect_object(j, {"kind", "result", "op", "operands", "attrs"});
      OpStmt s;
      s.result = name(j, "result", sp.names);
      s.op = string(req(j, "op"), "op");
      sp.keyword = here("op");
      s.operands = name_list(j, "operands", sp.names);
      if (const json* a = opt(j, "attrs")) {
        Enter ea(*this, "attrs");
        if (!a->is_object()) fail(std::string("expected an object, found ") + type_name(*a));
        for (auto it = a->begin(); it != a->end(); ++it) {
          const AttrField* f = find_attr_field(it.key());
          if (!f) fail("unknown attribute '" + quote_name(it.key()) + "'");
          sp.attrs.emplace_back(f->name, here(f->name));
          switch (f->kind) {
            case AttrKind::integer: s.attrs.*f->integer = integer(*it, f->name); break;
            case AttrKind::int_list: s.attrs.*f->int_list = int_list(*it, f->name); break;
            case AttrKind::boolean: s.attrs.*f->boolean = boolean(*it, f->name); break;
            case AttrKind::real: s.attrs.*f->real = real(*it, f->name); break;
            case AttrKind::dtype: s.attrs.*f->dtype = dtype(*it, f->name); break;
            case AttrKind::text: s.attrs.*f->text = text(*it, f->name); break;
          }
        }
      }
      st.node = std::move(s);
    } else if (kind == "record" || kind == "stop_recording") {
      expect_object(j, {"kind", "tape", "body"});
      std::string tape = name(j, "tape", sp.names);
      Block body = block(req(j, "body"), "body", depth + 1);
      if (kind == "record")
        st.node = Record{std::move(tape), std::move(body)};
      else
        st.node = StopRecording{std::move(tape), std::move(body)};
    } else if (kind == "watch") {
      expect_object(j, {"kind", "tape", "values"});
      Watch w;
      w.tape = name(j, "tape", sp.names);
      w.values = name_list(j, "values", sp.names);
      st.node = std::move(w);
    } else if (kind == "cond") {
      expect_object(j, {"kind", "results", "pred", "then", "then_yield", "else", "else_yield"});
      Cond c;
      c.results = name_list(j, "results", sp.names);
      c.pred = name(j, "pred", sp.names);
      c.then_body = block(req(j, "then"), "then", depth + 1);
      c.then_yield = name_list(j, "then_yield", sp.names);
      c.else_body = block(req(j, "else"), "else", depth + 1);
      c.else_yield = name_list(j, "else_yield", sp.names);
      st.node = std::move(c);
    } else if (kind == "while") {
      expect_object(j, {"kind", "results", "init", "max_iterations", "params", "cond",
                        "cond_yield", "body", "body_yield"});
      While w;
      w.results = name_list(j, "results", sp.names);
      w.init = name_list(j, "init", sp.names);
      w.params = name_list(j, "params", sp.names);
      if (const json* m = opt(j, "max_iterations")) {
        w.max_iterations = integer(*m, "max_iterations");
        sp.attrs.emplace_back("max_iterations", here("max_iterations"));
      }
      w.cond_body = block(req(j, "cond"), "cond", depth + 1);
      w.cond_yield = name(j, "cond_yield", sp.names);
      w.body = block(req(j, "body"), "body", depth + 1);
      w.body_yield = name_list(j, "body_yield", sp.names);
      st.node = std::move(w);
    } else if (kind == "grad") {
      expect_object(j, {"kind", "results", "tape", "target", "sources", "output_gradients",
                        "unconnected"});
      Gradient g;
      g.results = name_list(j, "results", sp.names);
      g.tape = name(j, "tape", sp.names);
      g.target = name(j, "target", sp.names);
      g.sources = name_list(j, "sources", sp.names);
      if (opt(j, "output_gradients")) g.output_gradients = name(j, "output_gradients", sp.names);
      if (const json* u = opt(j, "unconnected")) {
        const std::string s = string(*u, "unconnected");
        if (s == "zero") {
          g.unconnected = Unconnected::zero;
        } else if (s != "none") {
          Enter eu(*this, "unconnected");
          fail("expected \"none\" or \"zero\", found \"" + quote_name(s) + "\"");
        }
      }
      st.node = std::move(g);
    } else if (kind == "apply_gradients") {
      expect_object(j, {"kind", "gradients", "variables", "learning_rate"});
      ApplyGradients a;
      sp.keyword = here("kind");
      a.gradients = name_list(j, "gradients", sp.names);
      a.variables = name_list(j, "variables", sp.names);
      if (const json* lr = opt(j, "learning_rate")) {
        a.learning_rate = real(*lr, "learning_rate");
        sp.attrs.emplace_back("learning_rate", here("learning_rate"));
      }
      st.node = std::move(a);
    } else {
      Enter ek(*this, "kind");
      fail("unknown statement kind \"" + quote_name(kind) +
           "\" (op, record, stop_recording, watch, cond, while, grad, apply_gradients)");
    }
    map.add(st.loc) = std::move(sp);
    return st;
  }
};

void clear_locations(Block& b) {
  for (Statement& st : b) {
    st.loc = {};
    std::visit(
        [](auto& n) {
          using T = std::decay_t<decltype(n)>;
          if constexpr (std::is_same_v<T, Record> || std::is_same_v<T, StopRecording>) {
            clear_locations(n.body);
          } else if constexpr (std::is_same_v<T, Cond>) {
            clear_locations(n.then_body);
            clear_locations(n.else_body);
          } else if constexpr (std::is_same_v<T, While>) {
            clear_locations(n.cond_body);
            clear_locations(n.body);
          }
        },
        st.node);
  }
}

}  // namespace

json to_json(const Graph& g) {
  json inputs = json::array(), tapes = json::array();
  for (const Input& in : g.inputs) inputs.push_back(input_json(in));
  for (const TapeDecl& t : g.tapes)
    tapes.push_back({{"name", t.name},
                     {"persistent", t.persistent},
                     {"watch_accessed_variables", t.watch_accessed_variables}});
  return {{"name", g.name}, {"inputs", inputs}, {"tapes", tapes}, {"body", block_json(g.body)}};
}

Graph graph_from_json(const json& j) {
  Reader r;
  Graph g = r.graph(j);
  validate(g, &r.map);
  for (Input& in : g.inputs) in.loc = {};
  for (TapeDecl& t : g.tapes) t.loc = {};
  clear_locations(g.body);
  return g;
}

Graph graph_from_json_text(std::string_view text) {
  json j;
  try {
    j = json::parse(text.begin(), text.end());
  } catch (const json::exception& e) {
    const JsonSyntaxError s = describe_json_error(text, e);
    throw GraphError(s.at, s.message);
  }
  return graph_from_json(j);
}

namespace {

Location location_of_byte(std::string_view text, std::size_t offset) {
  Location at{1, 1};
  for (std::size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++at.line;
      at.column = 1;
    } else {
      ++at.column;
    }
  }
  return at;
}

std::string shown_char(char c) {
  const auto u = static_cast<unsigned char>(c);
  if (c == '\n') return "a line break";
  if (c == '\t') return "a tab";
  if (u < 0x20 || u == 0x7f) return "a control character";
  if (u >= 0x80) return "a non-ASCII byte";
  return std::string("'") + c + "'";
}

}  // namespace

JsonSyntaxError describe_json_error(std::string_view text, const json::exception& e) {
  const std::string lib = e.what();  // only chooses which of our sentences applies
  auto said = [&](const char* s) { return lib.find(s) != std::string::npos; };
  if (said("number overflow")) {
    // out_of_range.406 carries no position; its text names the literal: "parsing '1e999'".
    const std::size_t q = lib.find('\'');
    const std::size_t q2 = q == std::string::npos ? q : lib.find('\'', q + 1);
    const std::string literal = q2 == std::string::npos ? "" : lib.substr(q + 1, q2 - q - 1);
    const std::size_t at = literal.empty() ? std::string_view::npos : text.find(literal);
    return {at == std::string_view::npos ? Location{} : location_of_byte(text, at),
            "number " + (literal.empty() ? std::string("literal") : literal) +
                " is out of range for a double (write \"inf\" or \"-inf\" for infinity)"};
  }
  const auto* pe = dynamic_cast<const json::parse_error*>(&e);
  const std::size_t byte = pe ? pe->byte : 0;  // 1-based index of the last character read
  const bool at_end = byte == 0 || byte > text.size();
  const Location at = location_of_byte(text, at_end ? text.size() : byte - 1);
  if (said("missing closing quote")) return {at, "a string is not closed (missing '\"')"};
  if (at_end) {
    if (text.find_first_not_of(" \t\r\n") == std::string_view::npos) return {at, "no JSON value: the text is empty"};
    return {at, "the JSON text ends before its value is complete (an unclosed '{', '[' or string?)"};
  }
  const std::string found = shown_char(text[byte - 1]);
  if (said("control character")) return {at, found + " inside a string must be escaped (\\n, \\t, \\u00XX)"};
  if (said("invalid string")) return {at, "invalid string: a bad escape or encoding before " + found};
  if (said("; expected end of input")) return {at, "unexpected " + found + " after the JSON value"};
  if (said("; expected ':'")) return {at, "unexpected " + found + ": expected ':' after the object key"};
  if (said("; expected string literal")) return {at, "unexpected " + found + ": expected a quoted object key"};
  if (said("; expected '}'")) return {at, "unexpected " + found + ": expected ',' or '}' in the object"};
  if (said("; expected ']'")) return {at, "unexpected " + found + ": expected ',' or ']' in the array"};
  return {at, "unexpected " + found + ": expected a JSON value (object, array, string, number, true, false or null)"};
}

}  // namespace tc::graph
