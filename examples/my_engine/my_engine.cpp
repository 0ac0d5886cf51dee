#include "my_engine.hpp"

#include <cmath>
#include <functional>
#include <map>
#include <stdexcept>
#include <variant>

#include "eut/inputs.hpp"

namespace {

using tc::eut::Value;

struct Unsupported : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// An optimizer step given no gradient at all (TF's "No gradients provided for any variable").
struct NoGradients : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// One recorded op: its inputs' node ids, and how to push an output gradient back to them.
struct Node {
  std::vector<int> inputs;
  std::function<std::vector<std::vector<double>>(const std::vector<double>& grad)> backward;
};

struct Tensor {
  Value value;
  int node = -1;  // -1: a constant to the tape
};

class Runner {
 public:
  explicit Runner(const tc::graph::Graph& g) : g_(g) {}

  void run(const tc::eut::InputValues& inputs, tc::eut::RunResult& out) {
    for (const tc::graph::Input& in : g_.inputs) {
      Tensor t{inputs.at(in.name)};
      env_[in.name] = t;
      if (in.kind == tc::graph::InputKind::variable && in.trainable) variables_.push_back(in.name);
    }
    for (const tc::graph::Statement& s : g_.body) exec(s, out);
  }
  const std::map<std::string, Tensor>& env() const { return env_; }

 private:
  void exec(const tc::graph::Statement& s, tc::eut::RunResult& out) {
    if (const auto* r = std::get_if<tc::graph::Record>(&s.node)) {
      if (recording_) throw Unsupported("nested record blocks");
      recording_ = true;
      for (const std::string& v : variables_) watch(v);  // read while recording: watched
      for (const tc::graph::Statement& inner : r->body) exec(inner, out);
      recording_ = false;
    } else if (const auto* w = std::get_if<tc::graph::Watch>(&s.node)) {
      for (const std::string& v : w->values) watch(v);
    } else if (const auto* o = std::get_if<tc::graph::OpStmt>(&s.node)) {
      env_[o->result] = apply(*o);
    } else if (const auto* gr = std::get_if<tc::graph::Gradient>(&s.node)) {
      out.gradients.push_back(gradient(*gr));
    } else if (const auto* a = std::get_if<tc::graph::ApplyGradients>(&s.node)) {
      out.steps.push_back(step(*a, out.warnings));
    } else {
      throw Unsupported("control flow and stop_recording");
    }
  }

  void watch(const std::string& name) {
    Tensor& t = env_.at(name);
    if (t.node < 0) {
      t.node = static_cast<int>(nodes_.size());
      nodes_.push_back({});
    }
  }

  Tensor apply(const tc::graph::OpStmt& o) {
    std::vector<const Tensor*> in;
    for (const std::string& name : o.operands) in.push_back(&env_.at(name));
    Tensor out;
    out.value = in[0]->value;
    const std::size_t n = out.value.data.size();
    auto at = [](const Tensor& t, std::size_t i) { return t.value.data.size() == 1 ? t.value.data[0] : t.value.data[i]; };
    auto unary = [&](double (*f)(double), double (*df)(double)) {
      const std::vector<double> x = in[0]->value.data;
      for (std::size_t i = 0; i < n; ++i) out.value.data[i] = f(x[i]);
      return [x, df](const std::vector<double>& g) {
        std::vector<double> gx(x.size());
        for (std::size_t i = 0; i < x.size(); ++i) gx[i] = g[i] * df(x[i]);
        return std::vector<std::vector<double>>{gx};
      };
    };
    std::function<std::vector<std::vector<double>>(const std::vector<double>&)> backward;
    if (o.op == "sin") backward = unary([](double x) { return std::sin(x); }, [](double x) { return std::cos(x); });
    else if (o.op == "cos") backward = unary([](double x) { return std::cos(x); }, [](double x) { return -std::sin(x); });
    else if (o.op == "exp") backward = unary([](double x) { return std::exp(x); }, [](double x) { return std::exp(x); });
    else if (o.op == "tanh")
      backward = unary([](double x) { return std::tanh(x); }, [](double x) { return 1 - std::tanh(x) * std::tanh(x); });
    else if (o.op == "neg") backward = unary([](double x) { return -x; }, [](double) { return -1.0; });
    else if (o.op == "add" || o.op == "sub" || o.op == "mul") {
      if (in[0]->value.shape != in[1]->value.shape && in[1]->value.data.size() != 1) throw Unsupported("broadcasting");
      const std::vector<double> a = in[0]->value.data, b = in[1]->value.data;
      const char op = o.op[0];
      for (std::size_t i = 0; i < n; ++i) {
        const double bi = b.size() == 1 ? b[0] : b[i];
        out.value.data[i] = op == 'a' ? a[i] + bi : op == 's' ? a[i] - bi : a[i] * bi;
      }
      backward = [a, b, op](const std::vector<double>& g) {
        std::vector<double> ga(a.size()), gb(b.size(), 0.0);
        for (std::size_t i = 0; i < a.size(); ++i) {
          const std::size_t j = b.size() == 1 ? 0 : i;
          ga[i] = op == 'm' ? g[i] * b[j] : g[i];
          gb[j] += op == 'm' ? g[i] * a[i] : op == 's' ? -g[i] : g[i];
        }
        return std::vector<std::vector<double>>{ga, gb};
      };
    } else if (o.op == "reduce_sum" && o.attrs.axes.empty() && !o.attrs.keepdims) {
      double s = 0;
      for (std::size_t i = 0; i < n; ++i) s += at(*in[0], i);
      out.value.shape = tc::Shape{};
      out.value.data = {s};
      backward = [n](const std::vector<double>& g) { return std::vector<std::vector<double>>{std::vector<double>(n, g[0])}; };
    } else {
      throw Unsupported("op " + o.op);
    }
    for (double& v : out.value.data) v = tc::round_to_dtype(v, out.value.dtype);
    bool tracked = false;
    for (const Tensor* t : in) tracked |= t->node >= 0;
    if (recording_ && tracked) {
      Node node;
      for (const Tensor* t : in) node.inputs.push_back(t->node);
      node.backward = backward;
      out.node = static_cast<int>(nodes_.size());
      nodes_.push_back(std::move(node));
    }
    return out;
  }

  tc::eut::GradientResult gradient(const tc::graph::Gradient& gr) {
    if (gr.output_gradients || gr.unconnected == tc::graph::Unconnected::zero) throw Unsupported("gradient options");
    const Tensor& target = env_.at(gr.target);
    std::map<int, std::vector<double>> grads;
    if (target.node >= 0) grads[target.node] = std::vector<double>(target.value.data.size(), 1.0);
    for (int id = static_cast<int>(nodes_.size()) - 1; id >= 0; --id) {
      auto g = grads.find(id);
      if (g == grads.end() || !nodes_[id].backward) continue;
      const auto parts = nodes_[id].backward(g->second);
      for (std::size_t k = 0; k < parts.size(); ++k) {
        const int in = nodes_[id].inputs[k];
        if (in < 0) continue;
        auto [slot, fresh] = grads.try_emplace(in, parts[k]);
        if (!fresh)
          for (std::size_t i = 0; i < parts[k].size(); ++i) slot->second[i] += parts[k][i];
      }
    }
    tc::eut::GradientResult r;
    for (std::size_t k = 0; k < gr.sources.size(); ++k) {
      const Tensor& s = env_.at(gr.sources[k]);
      auto g = s.node >= 0 ? grads.find(s.node) : grads.end();
      if (g == grads.end()) {
        r.values.emplace_back(std::nullopt);
        r.why_none.emplace_back("not connected");
        continue;
      }
      Value v = s.value;
      v.data = g->second;
      for (double& x : v.data) x = tc::round_to_dtype(x, v.dtype);
      env_[gr.results[k]] = Tensor{v};
      r.values.emplace_back(std::move(v));
      r.why_none.emplace_back();
    }
    return r;
  }

  // SGD: variable -= learning_rate * gradient, where the gradient is not None (a None result is
  // never put in env_). Later statements read the new value.
  tc::eut::StepResult step(const tc::graph::ApplyGradients& a, std::vector<std::string>& warnings) {
    tc::eut::StepResult r;
    std::string missing;
    for (std::size_t k = 0; k < a.variables.size(); ++k)
      if (!env_.count(a.gradients[k])) missing += " '" + tc::eut::bare_name(a.variables[k]) + "'";
    bool any = false;
    for (std::size_t k = 0; k < a.variables.size(); ++k) {
      const auto g = env_.find(a.gradients[k]);
      if (g == env_.end()) {
        r.variables.emplace_back(std::nullopt);
        continue;
      }
      any = true;
      Value& v = env_.at(a.variables[k]).value;
      for (std::size_t i = 0; i < v.data.size(); ++i)
        v.data[i] = tc::round_to_dtype(v.data[i] - a.learning_rate * g->second.value.data[i], v.dtype);
      r.variables.emplace_back(v);
    }
    if (!any) throw NoGradients("No gradients provided for any variable:" + missing);
    if (!missing.empty()) {
      r.warning = "Gradients do not exist for variables" + missing + " when minimizing the loss";
      warnings.push_back(r.warning);
    }
    return r;
  }

  const tc::graph::Graph& g_;
  std::map<std::string, Tensor> env_;
  std::vector<std::string> variables_;
  std::vector<Node> nodes_;
  bool recording_ = false;
};

}  // namespace

tc::eut::Capabilities MyEngine::capabilities() const {
  tc::eut::Capabilities c;
  c.second_order = false;
  c.control_flow = false;
  return c;
}

tc::eut::RunResult MyEngine::run(const tc::graph::Graph& g, const tc::eut::InputValues& inputs) {
  tc::eut::RunResult out;
  Runner runner(g);
  tc::eut::InputValues values;
  try {
    values = tc::eut::materialize_inputs(g, inputs);
    runner.run(values, out);
  } catch (const Unsupported& e) {
    out.error = tc::eut::RaisedError{tc::eut::ErrorKind::unsupported, std::string("my_engine does not support ") + e.what(), {}};
  } catch (const NoGradients& e) {
    out.error = tc::eut::RaisedError{tc::eut::ErrorKind::no_gradients, e.what(), {}};
  } catch (const std::exception& e) {
    out.error = tc::eut::RaisedError{tc::eut::ErrorKind::other, e.what(), {}};
  }
  for (const auto& [name, t] : runner.env()) out.values[name] = t.value;
  // An input's value is the one it started with, before any optimizer step (RunResult::values).
  for (const auto& [name, v] : values) out.values[name] = v;
  return out;
}
