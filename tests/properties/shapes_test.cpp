// P9: every gradient result that is a value has exactly its source's shape and dtype (R6),
// whatever broadcasting, reductions, casts and control flow lie between them.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "eut/engine_under_test.hpp"
#include "properties/checks.hpp"
#include "properties/generators.hpp"

namespace tc::properties {
namespace {

RC_GTEST_PROP(P9_Shapes, GradientShapesAndDtypesEqualTheSources, ()) {
  GenOptions o;
  o.broadcasting = true;
  o.reductions = true;
  const graph::Graph g = *genGraph(o);
  auto engine = eut::make_reference_engine();
  const Case c = prepare(g, *engine);
  const auto statements = gradient_statements(g);
  RC_ASSERT(c.run.gradients.size() <= statements.size());
  bool broadcast_source = false;
  for (std::size_t k = 0; k < c.run.gradients.size(); ++k) {
    const auto& values = c.run.gradients[k].values;
    RC_ASSERT(values.size() == statements[k]->sources.size());
    for (std::size_t i = 0; i < values.size(); ++i) {
      if (!values[i]) continue;
      const TensorSpec& spec = c.specs.at(statements[k]->sources[i]);
      if (values[i]->dtype != spec.dtype || values[i]->shape != spec.shape)
        RC_LOG() << "gradient #" << k << " d/d%" << statements[k]->sources[i] << ": "
                 << dtype_name(values[i]->dtype) << values[i]->shape.str() << " for a source "
                 << dtype_name(spec.dtype) << spec.shape.str();
      RC_ASSERT(values[i]->dtype == spec.dtype);
      RC_ASSERT(values[i]->shape == spec.shape);
      RC_ASSERT(values[i]->data.size() == static_cast<std::size_t>(spec.shape.numel()));
      broadcast_source = broadcast_source || spec.shape.rank() < 2;
    }
  }
  RC_CLASSIFY(broadcast_source, "a source of rank < 2");
}

}  // namespace
}  // namespace tc::properties
