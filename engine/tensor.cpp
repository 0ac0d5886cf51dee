#include "engine/tensor.hpp"

#include <atomic>
#include <sstream>

#include "engine/core/errors.hpp"
#include "engine/tape_hooks.hpp"

namespace tc {

namespace {
std::atomic<std::int64_t> g_next_id{1};
}

std::int64_t next_tensor_id() { return g_next_id.fetch_add(1, std::memory_order_relaxed); }

TensorImpl::~TensorImpl() {
  // A while_loop of 10^5 iterations builds a provenance chain that deep; releasing it
  // recursively would overflow the stack. Defer inputs to a thread-local work list instead.
  if (inputs.empty()) return;
  // At thread exit other thread_locals holding tensors (cond's untaken branches) may be
  // destroyed after the work list; once it is gone, inputs are released directly.
  struct WorkList {
    std::vector<std::shared_ptr<const TensorImpl>> items;
    bool* alive;
    explicit WorkList(bool* a) : alive(a) { *alive = true; }
    ~WorkList() { *alive = false; }
  };
  thread_local bool alive = false;
  thread_local WorkList pending(&alive);
  thread_local bool draining = false;
  if (!alive) return;  // thread exit: members release the inputs
  for (std::size_t i = 0; i < inputs.size(); ++i) pending.items.push_back(std::move(inputs[i]));
  inputs.clear();
  if (draining) return;
  draining = true;
  while (alive && !pending.items.empty()) {
    auto p = std::move(pending.items.back());
    pending.items.pop_back();
    p.reset();  // may push p's inputs onto `pending`
  }
  draining = false;
}

Tensor Tensor::constant(std::vector<double> values, const Shape& shape, DType dtype) {
  check_element_cap(shape, "constant");
  if (static_cast<std::int64_t>(values.size()) != shape.numel())
    throw ShapeError("constant: " + std::to_string(values.size()) + " values for shape " +
                     shape.str() + " (" + std::to_string(shape.numel()) + " elements)");
  auto impl = std::make_shared<TensorImpl>();
  impl->id = next_tensor_id();
  impl->spec = {dtype, shape};
  for (double& v : values) v = round_to_dtype(v, dtype);
  impl->data = std::move(values);
  return Tensor(std::move(impl));
}

Tensor Tensor::scalar(double value, DType dtype) { return constant({value}, Shape{}, dtype); }

Tensor Tensor::full(const Shape& shape, double value, DType dtype) {
  check_element_cap(shape, "full");
  return constant(std::vector<double>(static_cast<std::size_t>(shape.numel()), value), shape, dtype);
}

double Tensor::item() const {
  if (numel() != 1)
    throw Error("item(): tensor of shape " + shape().str() + " has " + std::to_string(numel()) +
                " elements, not 1");
  return impl_->data[0];
}

const Tensor& Tensor::named(std::string name) const {
  impl_->name = std::move(name);
  return *this;
}

std::string Tensor::label() const { return label_of(*impl_); }

std::string label_of(const TensorImpl& t) {
  if (!t.name.empty()) return "'" + t.name + "'";
  std::string s = "#" + std::to_string(t.id);
  if (t.op) s += std::string(" (") + t.op->name + ")";
  return s;
}

Tensor apply_op(const OpDef& op, const Tensor* inputs, int n, const OpAttrs& attrs) {
  if (op.arity >= 0 && n != op.arity)
    throw ShapeError(std::string(op.name) + ": expects " + std::to_string(op.arity) +
                     " inputs, got " + std::to_string(n));
  if (n < 1 && op.arity < 0) throw ShapeError(std::string(op.name) + ": expects at least one input");
  constexpr int kInline = 4;
  TensorSpec spec_inline[kInline];
  In<double> in_inline[kInline];
  std::vector<TensorSpec> spec_heap;
  std::vector<In<double>> in_heap;
  TensorSpec* specs = spec_inline;
  In<double>* ins = in_inline;
  if (n > kInline) {
    spec_heap.resize(n);
    in_heap.resize(n);
    specs = spec_heap.data();
    ins = in_heap.data();
  }
  for (int i = 0; i < n; ++i) {
    if (!inputs[i].defined())
      throw Error(std::string(op.name) + ": input " + std::to_string(i) + " is an empty tensor");
    specs[i] = inputs[i].spec();
    ins[i] = {inputs[i].data(), specs[i]};
  }
  const TensorSpec out_spec = op.infer(attrs, specs, n);
  check_element_cap(out_spec.shape, op.name);

  auto impl = std::make_shared<TensorImpl>();
  impl->spec = out_spec;
  impl->data.resize(static_cast<std::size_t>(out_spec.shape.numel()));
  op.forward_f64(attrs, ins, n, {impl->data.data(), out_spec}, nullptr);
  if (out_spec.dtype != DType::f64)
    for (double& v : impl->data) v = round_to_dtype(v, out_spec.dtype);

  impl->kind = LeafKind::op_output;
  impl->op = &op;
  if (op.attrs[0] != '\0') impl->attrs = std::make_shared<const OpAttrs>(attrs);
  impl->inputs.reserve(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) impl->inputs.push_back(inputs[i].impl_ptr());
  impl->id = next_tensor_id();
  Tensor out(std::move(impl));
  detail::on_op_executed(out);
  return out;
}

std::string to_string(const Tensor& t) {
  std::ostringstream os;
  os.precision(17);
  os << dtype_name(t.dtype()) << t.shape().str() << " {";
  const std::int64_t n = t.numel(), shown = std::min<std::int64_t>(n, 16);
  for (std::int64_t i = 0; i < shown; ++i) os << (i ? ", " : "") << t[i];
  if (n > shown) os << ", ...";
  os << "}";
  return os.str();
}

}  // namespace tc
