// Canonical .tcg texts shared by the graph tests. Together they use every statement kind,
// every attribute kind and every input initializer.
#pragma once
#include <string>
#include <vector>

namespace tc::graph::test {

// Every statement kind, nested tapes, both branches of cond, a while loop, second order, an
// optimizer step.
inline const char* const kFullGraph = R"(graph full
input %a: f64[2,2] variable normal(0, 1) seed=1
input %b: f32[3] variable trainable=false uniform(-1, 1) seed=2
input %c: f64[2] constant values(1.5, -2)
input %k: i32[] constant values(3)
input %n: f64[] constant values(3)
input %zero: f64[] constant values(0)
input %one: f64[] constant values(1)
tape t persistent
tape outer watch_accessed_variables=false
record outer {
  watch outer %a
  record t {
    watch t %c, %b
    %x = matmul %a %a transpose_a=false transpose_b=false
    %s = reduce_sum %x axes=[0] keepdims=false
    stop_recording t {
      %z = exp %s
    }
    %ssum = reduce_sum %s axes=[] keepdims=false
    %zsum = reduce_sum %z axes=[] keepdims=false
    %p = less %ssum %zsum
    %r = cond %p {
      %q = exp %s
      yield %q
    } else {
      %w = sin %s
      yield %w
    }
    %i, %acc = while %n, %r max_iterations=10 (%li, %la) {
      %c2 = greater %li %zero
      yield %c2
    } do {
      %li2 = sub %li %one
      %la2 = tanh %la
      yield %li2, %la2
    }
    %kf = cast %k dtype=f64
    %loss0 = reduce_sum %acc axes=[] keepdims=false
    %loss = mul %loss0 %kf
  }
  %ga, %gc = grad t %loss wrt %a, %c
  %gs = reduce_sum %ga axes=[] keepdims=false
}
%h = grad outer %gs wrt %a output_gradients=%one unconnected=zero
apply_gradients %h to %a learning_rate=0.1
)";

// Attributes of every kind, a yield of an outer value, a cond with two results, a
// variadic op, bool and i32 inputs, awkward doubles.
inline const char* const kAttrsGraph = R"(graph attrs.v2
input %x: f64[2,3] variable uniform(-0.5, 0.25) seed=18446744073709551615
input %m: bool[2] constant values(true, false)
input %idx: i32[2] constant values(1, -0)
input %big: f64[3] constant values(1e+300, 0.1, -inf)
tape t
record t {
  %y = leaky_relu %x alpha=0.1
  %e = elu %x alpha=1
  %cl = clip_by_value %x lo=-0.30000000000000004 hi=1
  %tr = transpose %x perm=[1,0]
  %rs = reshape %x shape=[3,-1]
  %bt = broadcast_to %x shape=[4,2,3]
  %ex = expand_dims %x axis=-1
  %sq = squeeze %ex axes=[2]
  %cc = concat %x %y %e axis=0
  %sl = slice %x begin=[0,1] size=[-1,2]
  %g = gather %x %idx axis=1
  %am = argmax %x axis=1
  %cs = cast %x dtype=bool
  %t0 = reduce_sum %x axes=[0,1] keepdims=false
  %t1 = reduce_sum %y axes=[] keepdims=false
  %p = greater %t0 %t1
  %u, %v = cond %p {
    yield %x, %t0
  } else {
    %neg = neg %x
    yield %neg, %t1
  }
}
%dx, %didx, %dm = grad t %t0 wrt %x, %idx, %m
)";

// No graph name, no tapes: a forward-only graph; an empty record block.
inline const char* const kPlainGraph = R"(input %a: f32[] constant values(2)
tape t
%b = exp %a
record t {
}
)";

inline std::vector<std::string> canonical_texts() { return {kFullGraph, kAttrsGraph, kPlainGraph}; }

}  // namespace tc::graph::test
