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

class DotWriter {
 public:
  DotWriter(const graph::Graph& g, const std::set<std::string>& highlight)
      : g_(g), highlight_(highlight) {}

  std::string write() {
    out_ << "digraph " << quoted(g_.name.empty() ? "graph" : g_.name) << " {\n"
         << "  rankdir=TB;\n  bgcolor=\"transparent\";\n"
         << "  node [fontname=\"Helvetica\", fontsize=10, style=filled, fillcolor=\"#ffffff\"];\n"
         << "  edge [fontname=\"Helvetica\", fontsize=9, color=\"#555555\"];\n";
    for (const graph::Input& in : g_.inputs) {
      std::string label = in.name + "\n" + std::string(dtype_name(in.dtype)) + in.shape.str() + " " +
                          (in.kind == graph::InputKind::variable ? "variable" : "constant");
      if (in.kind == graph::InputKind::variable && !in.trainable) label += "\ntrainable=false";
      define(in.name, label, "shape=box, fillcolor=\"#e8f0fe\"");
    }
    block(g_.body, 1);
    out_ << edges_.str() << "}\n";
    return out_.str();
  }

 private:
  std::string indent(int depth) const { return std::string(2 * static_cast<std::size_t>(depth), ' '); }

  std::string node(const std::string& label, const std::string& attrs, int depth) {
    const std::string id = "n" + std::to_string(next_++);
    out_ << indent(depth) << id << " [label=" << quoted(label) << (attrs.empty() ? "" : ", ") << attrs
         << "];\n";
    return id;
  }

  void define(const std::string& value, const std::string& label, std::string attrs, int depth = 1) {
    if (highlight_.count(value)) attrs += ", color=\"#c62828\", penwidth=2.2, fontcolor=\"#c62828\"";
    ids_[value] = node(label, attrs, depth);
  }

  // The node of a value; a name used before any definition (invalid graphs) gets a plain node.
  std::string id(const std::string& value) {
    auto it = ids_.find(value);
    if (it != ids_.end()) return it->second;
    define(value, value, "shape=plaintext");
    return ids_[value];
  }

  void edge(const std::string& from, const std::string& to, const std::string& attrs = "") {
    edges_ << "  " << from << " -> " << to << (attrs.empty() ? "" : " [" + attrs + "]") << ";\n";
  }

  void open_cluster(const std::string& label, const std::string& style, int depth) {
    out_ << indent(depth) << "subgraph cluster_" << clusters_++ << " {\n"
         << indent(depth + 1) << "label=" << quoted(label) << "; fontname=\"Helvetica\"; fontsize=10; "
         << style << "\n";
  }
  void close_cluster(int depth) { out_ << indent(depth) << "}\n"; }

  void block(const graph::Block& b, int depth) {
    for (const graph::Statement& s : b)
      std::visit([&](const auto& node) { statement(node, depth); }, s.node);
  }

  void statement(const graph::OpStmt& s, int depth) {
    std::vector<std::string> from;
    for (const std::string& o : s.operands) from.push_back(id(o));
    define(s.result, s.op + "\n" + s.result, "shape=ellipse", depth);
    for (std::size_t i = 0; i < from.size(); ++i)
      edge(from[i], ids_[s.result], from.size() > 1 ? "taillabel=" + quoted(std::to_string(i)) : "");
  }

  void statement(const graph::Record& r, int depth) {
    open_cluster("record " + r.tape, "style=\"rounded,dashed\"; color=\"#1a73e8\";", depth);
    block(r.body, depth + 1);
    close_cluster(depth);
  }

  void statement(const graph::StopRecording& r, int depth) {
    open_cluster("stop_recording " + r.tape, "style=\"rounded,dotted\"; color=\"#888888\";", depth);
    block(r.body, depth + 1);
    close_cluster(depth);
  }

  void statement(const graph::Watch& w, int depth) {
    const std::string n = node("watch " + w.tape, "shape=note, fillcolor=\"#fff8e1\"", depth);
    for (const std::string& v : w.values) edge(id(v), n, "style=dashed");
  }

  void statement(const graph::Cond& c, int depth) {
    const std::string pred = id(c.pred);
    const std::string n = node("cond", "shape=diamond, fillcolor=\"#f3e5f5\"", depth);
    edge(pred, n, "label=\"pred\", style=dotted");
    open_cluster("then", "style=rounded; color=\"#8e24aa\";", depth);
    block(c.then_body, depth + 1);
    close_cluster(depth);
    open_cluster("else", "style=rounded; color=\"#8e24aa\";", depth);
    block(c.else_body, depth + 1);
    close_cluster(depth);
    std::vector<std::string> then_ids, else_ids;
    for (const std::string& y : c.then_yield) then_ids.push_back(id(y));
    for (const std::string& y : c.else_yield) else_ids.push_back(id(y));
    for (std::size_t i = 0; i < c.results.size(); ++i) {
      define(c.results[i], c.results[i], "shape=ellipse, fillcolor=\"#f3e5f5\"", depth);
      const std::string r = ids_[c.results[i]];
      edge(n, r, "style=dotted");
      if (i < then_ids.size()) edge(then_ids[i], r, "label=\"then\"");
      if (i < else_ids.size()) edge(else_ids[i], r, "label=\"else\"");
    }
  }

  void statement(const graph::While& w, int depth) {
    std::vector<std::string> init;
    for (const std::string& v : w.init) init.push_back(id(v));
    const std::string n =
        node("while\nmax_iterations=" + std::to_string(w.max_iterations), "shape=hexagon, fillcolor=\"#e0f2f1\"",
             depth);
    open_cluster("loop", "style=rounded; color=\"#00897b\";", depth);
    for (std::size_t i = 0; i < w.params.size(); ++i) {
      define(w.params[i], w.params[i], "shape=ellipse, fillcolor=\"#e0f2f1\"", depth + 1);
      if (i < init.size()) edge(init[i], ids_[w.params[i]], "label=\"init\"");
    }
    block(w.cond_body, depth + 1);
    if (!w.cond_yield.empty()) edge(id(w.cond_yield), n, "label=\"continue?\", style=dotted");
    block(w.body, depth + 1);
    close_cluster(depth);
    for (std::size_t i = 0; i < w.body_yield.size() && i < w.params.size(); ++i)
      edge(id(w.body_yield[i]), ids_[w.params[i]], "label=\"next\", style=dashed, constraint=false");
    for (std::size_t i = 0; i < w.results.size(); ++i) {
      define(w.results[i], w.results[i], "shape=ellipse, fillcolor=\"#e0f2f1\"", depth);
      edge(n, ids_[w.results[i]]);
      if (i < w.params.size()) edge(ids_[w.params[i]], ids_[w.results[i]], "style=dotted");
    }
  }

  void statement(const graph::Gradient& gr, int depth) {
    std::string label = "grad " + gr.tape;
    if (gr.unconnected == graph::Unconnected::zero) label += "\nunconnected=zero";
    const std::string n = node(label, "shape=box, style=\"rounded,filled\", fillcolor=\"#fce8e6\"", depth);
    edge(id(gr.target), n, "label=\"target\", penwidth=1.8");
    for (const std::string& s : gr.sources) edge(id(s), n, "label=\"wrt\", style=dashed");
    if (gr.output_gradients) edge(id(*gr.output_gradients), n, "label=\"output_gradients\", style=dotted");
    for (const std::string& r : gr.results) {
      define(r, r, "shape=box, style=\"rounded,filled\", fillcolor=\"#fce8e6\"", depth);
      edge(n, ids_[r]);
    }
  }

  const graph::Graph& g_;
  const std::set<std::string>& highlight_;
  std::ostringstream out_, edges_;
  std::map<std::string, std::string> ids_;
  int next_ = 0, clusters_ = 0;
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

bool is_executable_file(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(path.c_str(), X_OK) == 0;
}

}  // namespace

std::string graph_to_dot(const graph::Graph& g, const std::set<std::string>& highlight) {
  return DotWriter(g, highlight).write();
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
  out.svg = svg.substr(start, end + 6 - start);
  return out;
}

}  // namespace tc::reports
