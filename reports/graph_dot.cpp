#include "reports/graph_dot.hpp"

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <map>
#include <sstream>
#include <type_traits>
#include <variant>
#include <vector>

#include "graph/ir_util.hpp"

#include "engine/core/dtype.hpp"

namespace tc::reports {

namespace {

// A DOT string literal: quotes and backslashes escaped, newlines as \n.
std::string quoted(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else if (static_cast<unsigned char>(c) < 0x20) {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out + "\"";
}

// The drawing as data: nodes (values and statements), operand edges, nested clusters. One
// walk builds it; the DOT text and the path queries read it.
struct Flow {
  struct Node {
    std::string value;       // the value it defines, "" for a statement node (cond, grad, ...)
    std::string op;          // the op computing it, "" if none
    std::string label, attrs;
    std::string grad_target, grad_source;  // a gradient result: of what, with respect to what
  };
  struct Edge {
    int from = 0, to = 0;
    std::string attrs;
  };
  struct Item {
    bool cluster = false;
    int index = 0;
  };
  struct Cluster {
    std::string label, style;
    std::vector<Item> items;
  };
  std::vector<Node> nodes;
  std::vector<Edge> edges;
  std::vector<Cluster> clusters{Cluster{}};  // 0: the graph itself
  std::map<std::string, int> ids;            // value -> node

  int node_of(const std::string& value) const {
    auto it = ids.find(value);
    return it == ids.end() ? -1 : it->second;
  }
};

class FlowBuilder {
 public:
  explicit FlowBuilder(Flow& f) : f_(f) {}

  void graph(const graph::Graph& g) {
    for (const graph::Input& in : g.inputs) {
      std::string label = in.name + "\n" + std::string(dtype_name(in.dtype)) + in.shape.str() + " " +
                          (in.kind == graph::InputKind::variable ? "variable" : "constant");
      if (in.kind == graph::InputKind::variable && !in.trainable) label += "\ntrainable=false";
      define(in.name, label, "shape=box, fillcolor=\"#e8f0fe\"");
    }
    block(g.body);
  }

 private:
  int node(const std::string& label, const std::string& attrs) {
    const int id = static_cast<int>(f_.nodes.size());
    f_.nodes.push_back({"", "", label, attrs, "", ""});
    f_.clusters[static_cast<std::size_t>(current_)].items.push_back({false, id});
    return id;
  }

  int define(const std::string& value, const std::string& label, const std::string& attrs) {
    const int id = node(label, attrs);
    f_.nodes[static_cast<std::size_t>(id)].value = value;
    f_.ids[value] = id;
    return id;
  }

  // The node of a value; a name used before any definition (invalid graphs) gets a plain node.
  int id(const std::string& value) {
    const int found = f_.node_of(value);
    return found >= 0 ? found : define(value, value, "shape=plaintext");
  }

  void edge(int from, int to, const std::string& attrs = "") { f_.edges.push_back({from, to, attrs}); }

  template <class Body>
  void cluster(const std::string& label, const std::string& style, Body body) {
    const int index = static_cast<int>(f_.clusters.size());
    f_.clusters.push_back({label, style, {}});
    f_.clusters[static_cast<std::size_t>(current_)].items.push_back({true, index});
    const int outer = current_;
    current_ = index;
    body();
    current_ = outer;
  }

  void block(const graph::Block& b) {
    for (const graph::Statement& s : b) std::visit([&](const auto& node) { statement(node); }, s.node);
  }

  void statement(const graph::OpStmt& s) {
    std::vector<int> from;
    for (const std::string& o : s.operands) from.push_back(id(o));
    const int n = define(s.result, s.op + "\n" + s.result, "shape=ellipse");
    f_.nodes[static_cast<std::size_t>(n)].op = s.op;
    for (std::size_t i = 0; i < from.size(); ++i)
      edge(from[i], n, from.size() > 1 ? "taillabel=" + quoted(std::to_string(i)) : "");
  }

  void statement(const graph::Record& r) {
    cluster("record " + r.tape, "style=\"rounded,dashed\"; color=\"#1a73e8\";", [&] { block(r.body); });
  }

  void statement(const graph::StopRecording& r) {
    cluster("stop_recording " + r.tape, "style=\"rounded,dotted\"; color=\"#888888\";", [&] { block(r.body); });
  }

  void statement(const graph::Watch& w) {
    const int n = node("watch " + w.tape, "shape=note, fillcolor=\"#fff8e1\"");
    for (const std::string& v : w.values) edge(id(v), n, "style=dashed");
  }

  void statement(const graph::Cond& c) {
    const int pred = id(c.pred);
    const int n = node("cond", "shape=diamond, fillcolor=\"#f3e5f5\"");
    edge(pred, n, "label=\"pred\", style=dotted");
    cluster("then", "style=rounded; color=\"#8e24aa\";", [&] { block(c.then_body); });
    cluster("else", "style=rounded; color=\"#8e24aa\";", [&] { block(c.else_body); });
    std::vector<int> then_ids, else_ids;
    for (const std::string& y : c.then_yield) then_ids.push_back(id(y));
    for (const std::string& y : c.else_yield) else_ids.push_back(id(y));
    for (std::size_t i = 0; i < c.results.size(); ++i) {
      const int r = define(c.results[i], c.results[i], "shape=ellipse, fillcolor=\"#f3e5f5\"");
      edge(n, r, "style=dotted");
      if (i < then_ids.size()) edge(then_ids[i], r, "label=\"then\"");
      if (i < else_ids.size()) edge(else_ids[i], r, "label=\"else\"");
    }
  }

  void statement(const graph::While& w) {
    std::vector<int> init;
    for (const std::string& v : w.init) init.push_back(id(v));
    const int n = node("while\nmax_iterations=" + std::to_string(w.max_iterations), "shape=hexagon, fillcolor=\"#e0f2f1\"");
    std::vector<int> params;
    cluster("loop", "style=rounded; color=\"#00897b\";", [&] {
      for (std::size_t i = 0; i < w.params.size(); ++i) {
        params.push_back(define(w.params[i], w.params[i], "shape=ellipse, fillcolor=\"#e0f2f1\""));
        if (i < init.size()) edge(init[i], params.back(), "label=\"init\"");
      }
      block(w.cond_body);
      if (!w.cond_yield.empty()) edge(id(w.cond_yield), n, "label=\"continue?\", style=dotted");
      block(w.body);
    });
    for (std::size_t i = 0; i < w.body_yield.size() && i < params.size(); ++i)
      edge(id(w.body_yield[i]), params[i], "label=\"next\", style=dashed, constraint=false");
    for (std::size_t i = 0; i < w.results.size(); ++i) {
      const int r = define(w.results[i], w.results[i], "shape=ellipse, fillcolor=\"#e0f2f1\"");
      edge(n, r);
      if (i < params.size()) edge(params[i], r, "style=dotted");
    }
  }

  void statement(const graph::Gradient& gr) {
    std::string label = "grad " + gr.tape;
    if (gr.unconnected == graph::Unconnected::zero) label += "\nunconnected=zero";
    const int n = node(label, "shape=box, style=\"rounded,filled\", fillcolor=\"#fce8e6\"");
    edge(id(gr.target), n, "label=\"target\", penwidth=1.8");
    for (const std::string& s : gr.sources) edge(id(s), n, "label=\"wrt\", style=dashed");
    if (gr.output_gradients) edge(id(*gr.output_gradients), n, "label=\"output_gradients\", style=dotted");
    for (std::size_t i = 0; i < gr.results.size(); ++i) {
      const int r = define(gr.results[i], gr.results[i], "shape=box, style=\"rounded,filled\", fillcolor=\"#fce8e6\"");
      Flow::Node& rn = f_.nodes[static_cast<std::size_t>(r)];
      rn.grad_target = gr.target;
      if (i < gr.sources.size()) rn.grad_source = gr.sources[i];
      edge(n, r);
    }
  }

  // An optimizer step: its gradients flow in; the variables it updates are named in its label
  // rather than drawn as edges back to their inputs, which would close cycles in the flow.
  void statement(const graph::ApplyGradients& a) {
    std::string label = "apply_gradients\nlearning_rate=" + graph::format_double(a.learning_rate) + "\nupdates";
    for (std::size_t i = 0; i < a.variables.size(); ++i) label += (i ? ", %" : " %") + a.variables[i];
    const int n = node(label, "shape=box, style=\"rounded,filled\", fillcolor=\"#e6f4ea\"");
    for (const std::string& g : a.gradients) edge(id(g), n, "label=\"gradient\"");
  }

  Flow& f_;
  int current_ = 0;
};

Flow build_flow(const graph::Graph& g) {
  Flow f;
  FlowBuilder(f).graph(g);
  return f;
}

// Nodes reachable from `from` along edges (forward) or reaching it (backward).
std::vector<bool> reachable(const Flow& f, int from, bool forward) {
  std::vector<std::vector<int>> next(f.nodes.size());
  for (const Flow::Edge& e : f.edges) {
    if (forward)
      next[static_cast<std::size_t>(e.from)].push_back(e.to);
    else
      next[static_cast<std::size_t>(e.to)].push_back(e.from);
  }
  std::vector<bool> seen(f.nodes.size(), false);
  if (from < 0) return seen;
  std::vector<int> stack = {from};
  seen[static_cast<std::size_t>(from)] = true;
  while (!stack.empty()) {
    const int n = stack.back();
    stack.pop_back();
    for (int m : next[static_cast<std::size_t>(n)])
      if (!seen[static_cast<std::size_t>(m)]) {
        seen[static_cast<std::size_t>(m)] = true;
        stack.push_back(m);
      }
  }
  return seen;
}

// Which nodes and edges lie on a source-to-target path (both vectors empty when none does).
struct OnPath {
  std::vector<bool> nodes, edges;
};

OnPath on_path(const Flow& f, const std::string& source, const std::string& target) {
  OnPath p;
  const int s = f.node_of(source), t = f.node_of(target);
  if (s < 0 || t < 0) return p;
  const std::vector<bool> from_source = reachable(f, s, true), to_target = reachable(f, t, false);
  if (!from_source[static_cast<std::size_t>(t)]) return p;
  p.nodes.resize(f.nodes.size());
  for (std::size_t i = 0; i < f.nodes.size(); ++i) p.nodes[i] = from_source[i] && to_target[i];
  p.edges.resize(f.edges.size());
  for (std::size_t i = 0; i < f.edges.size(); ++i)
    p.edges[i] = from_source[static_cast<std::size_t>(f.edges[i].from)] &&
                 to_target[static_cast<std::size_t>(f.edges[i].to)];
  return p;
}

OnPath named_path(const Flow& f, const std::vector<std::string>& values) {
  OnPath p;
  p.nodes.assign(f.nodes.size(), false);
  for (const std::string& v : values)
    if (const int n = f.node_of(v); n >= 0) p.nodes[static_cast<std::size_t>(n)] = true;
  p.edges.resize(f.edges.size());
  for (std::size_t i = 0; i < f.edges.size(); ++i)
    p.edges[i] = p.nodes[static_cast<std::size_t>(f.edges[i].from)] && p.nodes[static_cast<std::size_t>(f.edges[i].to)];
  return p;
}

constexpr const char* kRed = "#cf222e";
constexpr const char* kPath = "#e16f24";
constexpr const char* kCut = "#8250df";

class DotPrinter {
 public:
  DotPrinter(const graph::Graph& g, const Flow& f, const DotStyle& style) : g_(g), f_(f), style_(style) {
    path_ = style.path.empty() ? on_path(f, style.path_source, style.path_target) : named_path(f, style.path);
  }

  std::string print() {
    out_ << "digraph " << quoted(g_.name.empty() ? "graph" : g_.name) << " {\n"
         << "  rankdir=TB;\n  bgcolor=\"transparent\";\n"
         << "  node [fontname=\"Helvetica\", fontsize=10, style=filled, fillcolor=\"#ffffff\"];\n"
         << "  edge [fontname=\"Helvetica\", fontsize=9, color=\"#555555\"];\n";
    items(f_.clusters[0], 1);
    for (std::size_t i = 0; i < f_.edges.size(); ++i) {
      const Flow::Edge& e = f_.edges[i];
      std::string attrs = e.attrs;
      if (!path_.edges.empty() && path_.edges[i])
        attrs += std::string(attrs.empty() ? "" : ", ") + "color=\"" + kPath + "\", penwidth=2.4";
      out_ << "  n" << e.from << " -> n" << e.to << (attrs.empty() ? "" : " [" + attrs + "]") << ";\n";
    }
    out_ << "}\n";
    return out_.str();
  }

 private:
  static std::string indent(int depth) { return std::string(2 * static_cast<std::size_t>(depth), ' '); }

  void items(const Flow::Cluster& c, int depth) {
    for (const Flow::Item& it : c.items) {
      if (!it.cluster) {
        node(it.index, depth);
        continue;
      }
      const Flow::Cluster& inner = f_.clusters[static_cast<std::size_t>(it.index)];
      out_ << indent(depth) << "subgraph cluster_" << it.index - 1 << " {\n"
           << indent(depth + 1) << "label=" << quoted(inner.label) << "; fontname=\"Helvetica\"; fontsize=10; "
           << inner.style << "\n";
      items(inner, depth + 1);
      out_ << indent(depth) << "}\n";
    }
  }

  void node(int index, int depth) {
    const Flow::Node& n = f_.nodes[static_cast<std::size_t>(index)];
    std::string label = n.label, attrs = n.attrs;
    if (!n.grad_target.empty()) {
      auto it = style_.gradient_values.find({n.grad_target, n.grad_source});
      if (it != style_.gradient_values.end() && !it->second.empty()) {
        label += "\n= " + it->second;
        if (it->second == "None")
          attrs += ", style=\"rounded,filled,dashed\", fillcolor=\"#f6f8fa\", fontcolor=\"#59636e\"";
      }
    }
    if (!n.value.empty()) {
      if (auto it = style_.notes.find(n.value); it != style_.notes.end()) label += "\n" + it->second;
      if (!path_.nodes.empty() && path_.nodes[static_cast<std::size_t>(index)])
        attrs += std::string(", color=\"") + kPath + "\", penwidth=2.2";
      if (n.value == style_.cut) {
        if (!style_.cut_note.empty()) label += "\n" + style_.cut_note;
        attrs += std::string(", color=\"") + kCut + "\", fontcolor=\"" + kCut +
                 "\", peripheries=2, penwidth=2, fillcolor=\"#fbefff\"";
      }
      if (style_.highlight.count(n.value))
        attrs += std::string(", color=\"") + kRed + "\", penwidth=2.2, fontcolor=\"" + kRed + "\"";
    }
    out_ << indent(depth) << "n" << index << " [label=" << quoted(label) << (attrs.empty() ? "" : ", ") << attrs
         << "];\n";
  }

  const graph::Graph& g_;
  const Flow& f_;
  const DotStyle& style_;
  OnPath path_;
  std::ostringstream out_;
};

std::string shell_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'')
      out += "'\\''";
    else
      out += c;
  }
  return out + "'";
}

// Graphviz writes a comment and a <title> (a tooltip reading "n12") per node and edge: noise
// that makes a report of many drawings heavier. Graphviz escapes '<' in text, so the first
// "-->" or "</title>" after an opening one closes it.
std::string without_comments_and_titles(const std::string& svg) {
  std::string out;
  out.reserve(svg.size());
  for (std::size_t i = 0; i < svg.size();) {
    std::size_t skip_to = std::string::npos;
    if (svg.compare(i, 4, "<!--") == 0) {
      const std::size_t e = svg.find("-->", i);
      if (e != std::string::npos) skip_to = e + 3;
    } else if (svg.compare(i, 7, "<title>") == 0) {
      const std::size_t e = svg.find("</title>", i);
      if (e != std::string::npos) skip_to = e + 8;
    }
    if (skip_to == std::string::npos) {
      out += svg[i++];
      continue;
    }
    i = skip_to;
    while (i < svg.size() && svg[i] == '\n') ++i;
  }
  return out;
}

bool is_executable_file(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(path.c_str(), X_OK) == 0;
}

}  // namespace

std::string graph_to_dot(const graph::Graph& g, const DotStyle& style) {
  const Flow f = build_flow(g);
  return DotPrinter(g, f, style).print();
}

std::string graph_to_dot(const graph::Graph& g, const std::set<std::string>& highlight) {
  DotStyle style;
  style.highlight = highlight;
  return graph_to_dot(g, style);
}

ValuePath path_between(const graph::Graph& g, const std::string& source, const std::string& target) {
  ValuePath out;
  const Flow f = build_flow(g);
  const OnPath p = on_path(f, source, target);
  if (p.nodes.empty()) return out;
  out.found = true;
  std::set<std::string> ops;
  for (std::size_t i = 0; i < f.nodes.size(); ++i) {
    if (!p.nodes[i] || f.nodes[i].value.empty()) continue;
    out.values.push_back(f.nodes[i].value);
    if (!f.nodes[i].op.empty() && ops.insert(f.nodes[i].op).second) out.ops.push_back(f.nodes[i].op);
  }
  return out;
}

bool defines_value(const graph::Graph& g, const std::string& name) { return build_flow(g).node_of(name) >= 0; }

std::vector<std::pair<std::string, std::string>> gradient_pairs(const graph::Graph& g) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const Flow::Node& n : build_flow(g).nodes)
    if (!n.grad_target.empty()) out.emplace_back(n.grad_target, n.grad_source);
  return out;
}

bool have_executable(const std::string& command) {
  if (command.empty()) return false;
  if (command.find('/') != std::string::npos) return is_executable_file(command);
  const char* path = std::getenv("PATH");
  std::string dirs = path ? path : "/usr/bin:/bin";
  std::size_t pos = 0;
  while (pos <= dirs.size()) {
    std::size_t end = dirs.find(':', pos);
    if (end == std::string::npos) end = dirs.size();
    std::string dir = dirs.substr(pos, end - pos);
    if (dir.empty()) dir = ".";
    if (is_executable_file(dir + "/" + command)) return true;
    pos = end + 1;
  }
  return false;
}

SvgResult render_svg(const std::string& dot, const std::string& dot_command) {
  SvgResult out;
  if (!have_executable(dot_command)) {
    out.error = "Graphviz `" + dot_command + "` was not found, so graphs are shown as .tcg text only " +
                "(install graphviz to get drawings)";
    return out;
  }
  const char* tmpdir = std::getenv("TMPDIR");
  std::string tmpl = std::string(tmpdir && *tmpdir ? tmpdir : "/tmp") + "/tapecheck-dot-XXXXXX";
  std::vector<char> name(tmpl.begin(), tmpl.end());
  name.push_back('\0');
  const int fd = ::mkstemp(name.data());
  if (fd < 0) {
    out.error = "could not create a temporary file for Graphviz";
    return out;
  }
  const std::string tmp(name.data());
  bool written = true;
  for (std::size_t done = 0; done < dot.size();) {
    const ssize_t n = ::write(fd, dot.data() + done, dot.size() - done);
    if (n <= 0) {
      written = false;
      break;
    }
    done += static_cast<std::size_t>(n);
  }
  ::close(fd);
  if (!written) {
    ::unlink(tmp.c_str());
    out.error = "could not write a temporary file for Graphviz";
    return out;
  }
  const std::string cmd = shell_quote(dot_command) + " -Tsvg " + shell_quote(tmp) + " 2>/dev/null";
  std::string svg;
  int status = -1;
  if (FILE* p = ::popen(cmd.c_str(), "r")) {
    char buf[8192];
    std::size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) svg.append(buf, n);
    status = ::pclose(p);
  }
  ::unlink(tmp.c_str());
  if (status != 0) {
    out.error = "Graphviz `" + dot_command + " -Tsvg` failed (exit status " +
                std::to_string(WIFEXITED(status) ? WEXITSTATUS(status) : status) + ")";
    return out;
  }
  const auto start = svg.find("<svg");
  const auto end = svg.rfind("</svg>");
  if (start == std::string::npos || end == std::string::npos || end < start) {
    out.error = "Graphviz `" + dot_command + " -Tsvg` gave no SVG";
    return out;
  }
  out.svg = without_comments_and_titles(svg.substr(start, end + 6 - start));
  return out;
}

}  // namespace tc::reports
