#include "engine/variable.hpp"

#include "engine/core/errors.hpp"
#include "engine/tape_hooks.hpp"

namespace tc {

namespace {
std::shared_ptr<const TensorImpl> variable_value(std::int64_t id,
                                                 std::shared_ptr<const VariableInfo> info,
                                                 const Tensor& v) {
  auto impl = make_tensor_impl();
  impl->id = id;
  impl->spec = v.spec();
  impl->data.assign(v.data(), v.data() + v.numel());
  impl->name = info->name;
  impl->kind = LeafKind::variable;
  impl->variable = std::move(info);
  return impl;
}
}  // namespace

Variable::Variable(const Tensor& initial, bool trainable, std::string name) {
  if (!initial.defined()) throw Error("Variable: empty initial value");
  state_ = std::make_shared<State>();
  state_->id = next_tensor_id();
  state_->info = std::make_shared<VariableInfo>(VariableInfo{std::move(name), trainable});
  if (state_->info->name.empty()) state_->info->name = "Variable#" + std::to_string(state_->id);
  state_->value = variable_value(state_->id, state_->info, initial);
}

Tensor Variable::value() const { return Tensor(state_->value); }

Tensor Variable::read() const {
  Tensor v = value();
  detail::on_variable_read(v);
  return v;
}

void Variable::assign(const Tensor& new_value) {
  const TensorSpec& s = state_->value->spec;
  if (new_value.shape() != s.shape)
    throw ShapeError("Variable '" + name() + "'.assign: shape " + new_value.shape().str() +
                     " differs from the variable's shape " + s.shape.str());
  if (new_value.dtype() != s.dtype)
    throw DTypeError("Variable '" + name() + "'.assign: dtype " +
                     std::string(dtype_name(new_value.dtype())) + " differs from " +
                     std::string(dtype_name(s.dtype)));
  state_->value = variable_value(state_->id, state_->info, new_value);
}

}  // namespace tc
