// Graphs the engine-adapter tests share: one scenario per tape concept, run on the reference
// engine (reference_engine_test.cpp) and on libtorch (libtorch/libtorch_engine_test.cpp), so
// that both engines are held to the same programs.
#pragma once
#include <cstdint>

#include "tests/eut/ir_builder.hpp"

namespace tc::test::scenarios {

using namespace tc::test::ir;  // NOLINT

// loss = sum(w * x) with w a trainable variable, x a constant.
inline graph::Graph weighted_sum(bool persistent = false, bool watch_accessed_variables = true) {
  graph::Graph g;
  g.inputs = {variable("%w", Shape{3}, {1, 2, 3}), constant("%x", Shape{3}, {4, 5, 6})};
  g.tapes = {tape("t", persistent, watch_accessed_variables)};
  g.body = {
      record("t", {op("%p", "mul", {"%w", "%x"}), op("%loss", "reduce_sum", {"%p"})}),
      gradient({"%gw", "%gx"}, "t", "%loss", {"%w", "%x"}),
  };
  return g;
}

// y = w * w with w = (3, -1) a non-trainable variable, never watched.
inline graph::Graph non_trainable_square() {
  graph::Graph g;
  g.inputs = {variable("%w", Shape{2}, {3, -1}, /*trainable=*/false)};
  g.tapes = {tape("t", /*persistent=*/true)};
  g.body = {record("t", {op("%y", "mul", {"%w", "%w"})}), gradient({"%g1"}, "t", "%y", {"%w"})};
  return g;
}

// w = 2: before = exp(w) outside the tape, a = w·w recorded, b = exp(w) under stop_recording,
// c = a + b, d = before · w; gradients of c, b, d with respect to w.
inline graph::Graph outside_and_stop_recording() {
  graph::Graph g;
  g.inputs = {variable("%w", Shape{}, {2})};
  g.tapes = {tape("t", /*persistent=*/true)};
  g.body = {
      op("%before", "exp", {"%w"}),
      record("t", {op("%a", "mul", {"%w", "%w"}), stop_recording("t", {op("%b", "exp", {"%w"})}),
                   op("%c", "add", {"%a", "%b"}), op("%d", "mul", {"%before", "%w"})}),
      gradient({"%gc"}, "t", "%c", {"%w"}),
      gradient({"%gb"}, "t", "%b", {"%w"}),
      gradient({"%gd"}, "t", "%d", {"%w"}),
  };
  return g;
}

// y = x · x, x = (3, 4) watched, output_gradients (1, 10), z watched but unconnected, ZERO.
inline graph::Graph output_gradients_and_unconnected_zero() {
  graph::Graph g;
  g.inputs = {constant("%x", Shape{2}, {3, 4}), constant("%z", Shape{2}, {1, 1}), constant("%og", Shape{2}, {1, 10})};
  g.tapes = {tape("t")};
  g.body = {record("t", {watch("t", {"%x", "%z"}), op("%y", "mul", {"%x", "%x"})}),
            gradient({"%gx", "%gz"}, "t", "%y", {"%x", "%z"}, {}, "%og", graph::Unconnected::zero)};
  return g;
}

// A [2,3] + [4] broadcast error at line 3, column 7, after c = -a at line 2.
inline graph::Graph shape_error_at_line_3() {
  graph::Graph g;
  g.inputs = {constant("%a", Shape{2, 3}, {1, 2, 3, 4, 5, 6}), constant("%b", Shape{4}, {1, 2, 3, 4})};
  g.tapes = {tape("t")};
  g.body = {
      record("t",
             {op("%c", "neg", {"%a"}, {}, at(2)), op("%d", "add", {"%a", "%b"}, {}, at(3, 7)),
              op("%e", "neg", {"%d"}, {}, at(4))},
             at(1)),
      gradient({"%g"}, "t", "%e", {"%a"}, at(5)),
  };
  return g;
}

// s = sum(w · w) in f32, w = (0.1, 0.3).
inline graph::Graph f32_square_sum() {
  graph::Graph g;
  g.inputs = {variable("%w", Shape{2}, {0.1, 0.3}, true, DType::f32)};
  g.tapes = {tape("t")};
  g.body = {record("t", {op("%y", "mul", {"%w", "%w"}), op("%s", "reduce_sum", {"%y"})}),
            gradient({"%g"}, "t", "%s", {"%w"})};
  return g;
}

// y = x³ at x = 3 under inner, dy = 3x² while outer records, d²y = 6x (R10).
inline graph::Graph cube_under_nested_tapes() {
  graph::Graph g;
  g.inputs = {variable("%x", Shape{}, {3})};
  g.tapes = {tape("outer"), tape("inner")};
  g.body = {
      record("outer", {record("inner", {op("%x2", "mul", {"%x", "%x"}), op("%y", "mul", {"%x2", "%x"})}),
                       gradient({"%dy"}, "inner", "%y", {"%x"})}),
      gradient({"%d2y"}, "outer", "%dy", {"%x"}),
  };
  return g;
}

// y = x² at x = 3 under both tapes, dy taken after the outer tape stopped: no second order.
inline graph::Graph gradient_outside_the_outer_tape() {
  graph::Graph g;
  g.inputs = {variable("%x", Shape{}, {3})};
  g.tapes = {tape("outer"), tape("inner")};
  g.body = {
      record("outer", {record("inner", {op("%y", "mul", {"%x", "%x"})})}),
      gradient({"%dy"}, "inner", "%y", {"%x"}),
      gradient({"%d2y"}, "outer", "%dy", {"%x"}),
  };
  return g;
}

// r = cond(p, x*x, exp(z)), r2 = cond(p, -x, -z); s = sum(r + r2).
inline graph::Graph cond_graph() {
  graph::Graph g;
  g.inputs = {constant("%p", Shape{}, {1}, DType::boolean), constant("%x", Shape{2}, {1, 2}),
              constant("%z", Shape{2}, {0, 1})};
  g.tapes = {tape("t")};
  g.body = {
      record("t", {watch("t", {"%x", "%z"}),
                   cond({"%r", "%r2"}, "%p", {op("%a", "mul", {"%x", "%x"}), op("%a2", "neg", {"%x"})}, {"%a", "%a2"},
                        {op("%b", "exp", {"%z"}), op("%b2", "neg", {"%z"})}, {"%b", "%b2"}),
                   op("%s0", "add", {"%r", "%r2"}), op("%s", "reduce_sum", {"%s0"})}),
      gradient({"%gx", "%gz"}, "t", "%s", {"%x", "%z"}),
  };
  return g;
}

// x ← x·x while i < n (i += 1): x^(2^n), d/dx = 2^n x^(2^n - 1); the loop at line 2.
inline graph::Graph squaring_loop(std::int64_t max_iterations = 1000) {
  graph::Graph g;
  g.inputs = {variable("%x", Shape{}, {1.5}), constant("%i0", Shape{}, {0}), constant("%n", Shape{}, {3}),
              constant("%one", Shape{}, {1})};
  g.tapes = {tape("t")};
  g.body = {
      record("t", {while_loop({"%xf", "%if"}, {"%x", "%i0"}, {"%xp", "%ip"}, {op("%c", "less", {"%ip", "%n"})}, "%c",
                              {op("%xn", "mul", {"%xp", "%xp"}), op("%in", "add", {"%ip", "%one"})}, {"%xn", "%in"},
                              max_iterations, at(2))}),
      gradient({"%gx"}, "t", "%xf", {"%x"}),
  };
  return g;
}

// y = x·w, z = exp(y), k = -c, cut = stop_gradient(z), s = sum(z); a gradient; after = -s.
// For forward mode: tangents of everything before the gradient() call.
inline graph::Graph forward_mode_chain() {
  graph::Graph g;
  g.inputs = {constant("%x", Shape{2}, {0.5, -1}), variable("%w", Shape{2}, {2, 3}), constant("%c", Shape{2}, {7, 8})};
  g.tapes = {tape("t")};
  g.body = {
      record("t", {op("%y", "mul", {"%x", "%w"}), op("%z", "exp", {"%y"}), op("%k", "neg", {"%c"}),
                   op("%cut", "stop_gradient", {"%z"}), op("%s", "reduce_sum", {"%z"})}),
      gradient({"%gw"}, "t", "%s", {"%w"}),
      op("%after", "neg", {"%s"}),
  };
  return g;
}

}  // namespace tc::test::scenarios
