// The canonical .tcg text: 2 spaces per block level, every attribute an op declares (in
// OpDef::attrs order) and no other, defaults of inputs/tapes/grads left out except seed.
#include "engine/ops/op_table.hpp"
#include "graph/tcg.hpp"

namespace tc::graph {
namespace {

class Printer {
 public:
  std::string out;

  void graph(const Graph& g) {
    if (!g.name.empty()) out += "graph " + g.name + "\n";
    for (const Input& in : g.inputs) input(in);
    for (const TapeDecl& t : g.tapes) {
      out += "tape " + t.name;
      if (t.persistent) out += " persistent";
      if (!t.watch_accessed_variables) out += " watch_accessed_variables=false";
      out += "\n";
    }
    block(g.body, 0);
  }

 private:
  void indent(int depth) { out.append(static_cast<std::size_t>(depth) * 2, ' '); }

  void names(const std::vector<std::string>& v) {
    for (std::size_t i = 0; i < v.size(); ++i) out += (i ? ", %" : "%") + v[i];
  }

  void input(const Input& in) {
    out += "input %" + in.name + ": " + std::string(dtype_name(in.dtype)) + in.shape.str();
    out += in.kind == InputKind::variable ? " variable" : " constant";
    if (in.kind == InputKind::variable && !in.trainable) out += " trainable=false";
    const Init& init = in.init;
    switch (init.kind) {
      case Init::Kind::values:
        out += " values(";
        for (std::size_t i = 0; i < init.values.size(); ++i) {
          if (i) out += ", ";
          const double x = init.values[i];
          if (in.dtype == DType::boolean && (x == 0.0 || x == 1.0))
            out += x != 0.0 ? "true" : "false";
          else
            out += format_double(x);
        }
        out += ")";
        break;
      case Init::Kind::uniform:
      case Init::Kind::normal:
        out += init.kind == Init::Kind::uniform ? " uniform(" : " normal(";
        out += format_double(init.a) + ", " + format_double(init.b) + ") seed=" +
               std::to_string(init.seed);
        break;
    }
    out += "\n";
  }

  void attr(const OpAttrs& a, const AttrField& f) {
    out += " ";
    out += f.name;
    out += "=";
    switch (f.kind) {
      case AttrKind::integer: out += std::to_string(a.*f.integer); break;
      case AttrKind::int_list: {
        out += "[";
        const auto& l = a.*f.int_list;
        for (std::size_t i = 0; i < l.size(); ++i) out += (i ? "," : "") + std::to_string(l[i]);
        out += "]";
        break;
      }
      case AttrKind::boolean: out += a.*f.boolean ? "true" : "false"; break;
      case AttrKind::real: out += format_double(a.*f.real); break;
      case AttrKind::dtype: out += dtype_name(a.*f.dtype); break;
      case AttrKind::text: out += "\"" + a.*f.text + "\""; break;
    }
  }

  void block(const Block& b, int depth) {
    for (const Statement& st : b) statement(st, depth);
  }

  void yield(const std::vector<std::string>& v, int depth) {
    indent(depth);
    out += "yield ";
    names(v);
    out += "\n";
  }

  void statement(const Statement& st, int depth) {
    indent(depth);
    if (const auto* op = std::get_if<OpStmt>(&st.node)) {
      out += "%" + op->result + " = " + op->op;
      for (const auto& o : op->operands) out += " %" + o;
      if (const OpDef* def = find_op(op->op))
        def->attrs.for_each([&](Attr a) { attr(op->attrs, attr_field(a)); });
      out += "\n";
    } else if (const auto* r = std::get_if<Record>(&st.node)) {
      out += "record " + r->tape + " {\n";
      block(r->body, depth + 1);
      indent(depth);
      out += "}\n";
    } else if (const auto* s = std::get_if<StopRecording>(&st.node)) {
      out += "stop_recording " + s->tape + " {\n";
      block(s->body, depth + 1);
      indent(depth);
      out += "}\n";
    } else if (const auto* w = std::get_if<Watch>(&st.node)) {
      out += "watch " + w->tape + " ";
      names(w->values);
      out += "\n";
    } else if (const auto* c = std::get_if<Cond>(&st.node)) {
      names(c->results);
      out += " = cond %" + c->pred + " {\n";
      block(c->then_body, depth + 1);
      yield(c->then_yield, depth + 1);
      indent(depth);
      out += "} else {\n";
      block(c->else_body, depth + 1);
      yield(c->else_yield, depth + 1);
      indent(depth);
      out += "}\n";
    } else if (const auto* wl = std::get_if<While>(&st.node)) {
      names(wl->results);
      out += " = while ";
      names(wl->init);
      out += " max_iterations=" + std::to_string(wl->max_iterations) + " (";
      names(wl->params);
      out += ") {\n";
      block(wl->cond_body, depth + 1);
      yield({wl->cond_yield}, depth + 1);
      indent(depth);
      out += "} do {\n";
      block(wl->body, depth + 1);
      yield(wl->body_yield, depth + 1);
      indent(depth);
      out += "}\n";
    } else if (const auto* g = std::get_if<Gradient>(&st.node)) {
      names(g->results);
      out += " = grad " + g->tape + " %" + g->target + " wrt ";
      names(g->sources);
      if (g->output_gradients) out += " output_gradients=%" + *g->output_gradients;
      if (g->unconnected == Unconnected::zero) out += " unconnected=zero";
      out += "\n";
    } else if (const auto* a = std::get_if<ApplyGradients>(&st.node)) {
      out += "apply_gradients ";
      names(a->gradients);
      out += " to ";
      names(a->variables);
      out += " learning_rate=" + format_double(a->learning_rate) + "\n";
    }
  }
};

}  // namespace

std::string print_tcg(const Graph& g) {
  Printer p;
  p.graph(g);
  return std::move(p.out);
}

}  // namespace tc::graph
