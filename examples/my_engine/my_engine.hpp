// A deliberately small reverse-mode engine, written the way a user would write theirs, to show
// how tapecheck checks an engine it did not write. It knows one tape, element-wise ops on
// tensors of equal shape (or a scalar operand), and reduce_sum over all axes; anything else it
// reports as "unsupported", which tapecheck skips instead of judging.
#pragma once
#include "eut/engine_under_test.hpp"

class MyEngine final : public tc::eut::EngineUnderTest {
 public:
  std::string name() const override { return "my_engine"; }
  tc::eut::Capabilities capabilities() const override;
  tc::eut::RunResult run(const tc::graph::Graph& g, const tc::eut::InputValues& inputs) override;
};
