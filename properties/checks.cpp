#include "properties/checks.hpp"

#include <rapidcheck.h>

#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <sstream>
#include <variant>

#include "engine/ops/op_table.hpp"
#include "eut/inputs.hpp"
#include "graph/ir_util.hpp"
#include "graph/walk.hpp"
#include "oracles/connectivity.hpp"
#include "oracles/objective.hpp"
#include "properties/concrete.hpp"

namespace tc::properties {

std::string run_returns(eut::EngineUnderTest& engine, const graph::Graph& g, const eut::InputValues& inputs,
                        double seconds, long max_rss) {
  std::cout.flush();
  std::cerr.flush();
  const long page = sysconf(_SC_PAGESIZE);
  auto resident_pages = [](const std::string& statm) {
    long size = 0, rss_pages = 0;
    if (std::FILE* f = std::fopen(statm.c_str(), "r")) {
      if (std::fscanf(f, "%ld %ld", &size, &rss_pages) != 2) rss_pages = 0;
      std::fclose(f);
    }
    return rss_pages;
  };
  // The child starts with the parent's resident pages (shared after fork, but counted in its
  // RSS); under ASan the test process itself grows past 1 GiB over a long run. What the
  // engine uses is the growth beyond that.
  const long inherited = resident_pages("/proc/self/statm");
  // The child holds the write end of a pipe: the read end reports end-of-file the moment the
  // child exits, so the parent sleeps in poll() rather than polling waitpid().
  int fds[2];
  if (pipe(fds) != 0) return "";  // cannot isolate: the in-process run will tell
  const pid_t pid = fork();
  if (pid < 0) {
    close(fds[0]);
    close(fds[1]);
    return "";
  }
  if (pid == 0) {
    close(fds[0]);
    int code = 0;
    try {
      const eut::RunResult r = engine.run(g, inputs);
      if (r.error && r.error->message.find("bad_alloc") != std::string::npos) code = 3;
    } catch (...) {
      code = 4;
    }
    _exit(code);
  }
  close(fds[1]);
  const auto start = std::chrono::steady_clock::now();
  const std::string statm = "/proc/" + std::to_string(pid) + "/statm";
  std::string why;
  for (;;) {
    pollfd p{fds[0], POLLIN, 0};
    if (poll(&p, 1, 10) != 0) break;  // the child exited (or poll failed): reap it below
    const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if ((resident_pages(statm) - inherited) * page > max_rss)
      why = "the engine used more than " + std::to_string(max_rss >> 20) + " MiB";
    else if (elapsed > seconds)
      why = "the engine did not return within " + std::to_string(static_cast<int>(seconds)) + " s";
    if (!why.empty()) {
      kill(pid, SIGKILL);
      break;
    }
  }
  close(fds[0]);
  int status = 0;
  if (waitpid(pid, &status, 0) != pid) return why;
  if (!why.empty()) return why;
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return "";
  if (WIFEXITED(status) && WEXITSTATUS(status) == 3) return "the engine ran out of memory (std::bad_alloc)";
  if (WIFEXITED(status) && WEXITSTATUS(status) == 4) return "the engine threw out of run()";
  return "the engine's process died (status " + std::to_string(status) + ")";
}

Case prepare(const graph::Graph& g, eut::EngineUnderTest& engine, bool allow_predicted_errors) {
  Case c;
  c.graph = g;
  try {
    c.specs = graph::validate(g);
    c.inputs = eut::materialize_inputs(g, {});
  } catch (const std::exception& e) {
    RC_DISCARD(std::string("invalid graph: ") + e.what());
  }
  const std::string stuck = run_returns(engine, g, c.inputs);
  if (!stuck.empty()) RC_FAIL(stuck + " on this graph");
  c.run = engine.run(g, c.inputs);
  if (c.run.error) {
    const oracles::ConnectivityPrediction p = oracles::predict_connectivity(g, c.inputs);
    if (!p.error)
      RC_FAIL("the engine raised an error no oracle predicts: [" + std::string(eut::error_kind_name(c.run.error->kind)) + "] " +
              c.run.error->message);
    if (!allow_predicted_errors) RC_DISCARD("a predicted error: " + p.error->message);
  }
  const ConcreteRun cr = run_concrete(g, c.inputs, &c.run.values, 0.5);
  if (cr.error) RC_DISCARD("forward evaluation: " + *cr.error);
  if (!cr.violations.empty()) {
    const DomainViolation& v = cr.violations.front();
    RC_DISCARD("%" + v.operand + " is outside the domain of " + v.op + " input " + std::to_string(v.slot));
  }
  return c;
}

oracles::FdOptions fd_options(const graph::Graph& g, const graph::ValueSpecs& specs) {
  oracles::FdOptions o;
  o.threads = 1;
  for (const graph::Gradient* gr : gradient_statements(g))
    for (const std::string& s : gr->sources) {
      auto it = specs.find(s);
      if (it != specs.end() && it->second.shape.numel() > kFullFdElements)
        o.mode = oracles::FdOptions::Mode::projection;
    }
  return o;
}

std::vector<oracles::Finding> on_values(const std::vector<oracles::Finding>& findings, const Case& c) {
  const oracles::ConnectivityPrediction p = oracles::predict_connectivity(c.graph, c.inputs);
  std::vector<oracles::Finding> out;
  for (const oracles::Finding& f : findings) {
    bool zero_fill = false;
    for (const auto& gp : p.gradients)
      if (gp.index == f.gradient)
        for (const auto& sp : gp.sources)
          if (sp.source == f.source && sp.zero_filled) zero_fill = true;
    if (!zero_fill) out.push_back(f);
  }
  return out;
}

bool zero_filled(const Case& c, int gradient, const std::string& source) {
  const oracles::ConnectivityPrediction p = oracles::predict_connectivity(c.graph, c.inputs);
  for (const auto& gp : p.gradients)
    if (gp.index == gradient)
      for (const auto& sp : gp.sources)
        if ((sp.source == source || sp.source == "%" + source) && sp.zero_filled) return true;
  return false;
}

oracles::ToleranceContext tolerance_context(const Case& c, int gradient) {
  const oracles::Objective o = oracles::make_objective(c.graph, c.inputs, gradient);
  if (o.not_applicable.empty()) return o.tolerance;
  return oracles::whole_graph_tolerance(c.graph, c.specs);
}

std::string mismatches(const std::vector<oracles::Finding>& findings) {
  std::ostringstream os;
  for (const oracles::Finding& f : findings) {
    if (f.outcome != oracles::Outcome::mismatch) continue;
    os << f.oracle << ": gradient #" << f.gradient << " d" << f.target << "/d" << f.source << ": "
       << f.detail << " (max abs error " << f.max_abs_error << ", rel " << f.max_rel_error
       << ", tolerance " << f.tolerance << ", worst entry " << f.worst_entry << ")\n";
  }
  return os.str();
}

void assert_no_mismatch(const std::vector<oracles::Finding>& findings) {
  const std::string m = mismatches(findings);
  if (!m.empty()) RC_LOG() << m;
  RC_ASSERT(m.empty());
}

namespace {

bool same_value(const eut::Value& a, const eut::Value& b) {
  if (a.dtype != b.dtype || a.shape != b.shape || a.data.size() != b.data.size()) return false;
  for (std::size_t i = 0; i < a.data.size(); ++i)
    if (!graph::same_double(a.data[i], b.data[i])) return false;
  return true;
}

}  // namespace

bool same_gradients(const eut::RunResult& a, const eut::RunResult& b, std::string* why) {
  auto fail = [&](const std::string& w) {
    if (why) *why = w;
    return false;
  };
  if (a.error.has_value() != b.error.has_value())
    return fail(std::string("one run raised, the other did not: ") + (a.error ? a.error->message : b.error->message));
  if (a.error && a.error->message != b.error->message)
    return fail("different errors: " + a.error->message + " | " + b.error->message);
  if (a.gradients.size() != b.gradients.size())
    return fail(std::to_string(a.gradients.size()) + " vs " + std::to_string(b.gradients.size()) +
                " gradient statements executed");
  for (std::size_t k = 0; k < a.gradients.size(); ++k) {
    const auto& x = a.gradients[k].values;
    const auto& y = b.gradients[k].values;
    if (x.size() != y.size()) return fail("gradient #" + std::to_string(k) + ": result counts differ");
    for (std::size_t i = 0; i < x.size(); ++i) {
      if (x[i].has_value() != y[i].has_value())
        return fail("gradient #" + std::to_string(k) + " source " + std::to_string(i) + ": None in one run only");
      if (x[i] && !same_value(*x[i], *y[i]))
        return fail("gradient #" + std::to_string(k) + " source " + std::to_string(i) + ": values differ");
    }
  }
  return true;
}

std::vector<const graph::Gradient*> gradient_statements(const graph::Graph& g) {
  std::vector<const graph::Gradient*> out;
  graph::walk(
      g.body,
      [&](const graph::Statement& s, const graph::Place&) {
        if (const auto* gr = std::get_if<graph::Gradient>(&s.node)) out.push_back(gr);
      },
      graph::Enter::tape_blocks);
  return out;
}

}  // namespace tc::properties
