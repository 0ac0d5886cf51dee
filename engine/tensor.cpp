#include "engine/tensor.hpp"

#include <atomic>
#include <cmath>
#include <new>
#include <sstream>
#include <type_traits>

#include "engine/core/errors.hpp"
#include "engine/rules.hpp"
#include "engine/tape_hooks.hpp"

namespace tc {

// TensorImpl and its shared_ptr control block (16 bytes) share one pool block: keep them
// within the 256-byte class (the next is 512).
static_assert(sizeof(TensorImpl) + 16 <= 256, "TensorImpl outgrew its pool block");

namespace {
std::atomic<std::int64_t> g_next_id{1};
// This thread's block of ids: the next one and the end of the block.
thread_local std::int64_t t_next_id = 0, t_block_end = 0;
}

// Ids come from the global counter in blocks: an atomic increment per op waited for every
// pending store of the thread to drain (measured: a fifth of apply_op's time). Within a
// thread ids still only grow, which is all the tapes need: a tape records, and compares ids
// with its recording spans, on the thread that runs it.
std::int64_t next_tensor_id() {
  constexpr std::int64_t kBlock = 1024;
  if (t_next_id == t_block_end) {
    t_next_id = g_next_id.fetch_add(kBlock, std::memory_order_relaxed);
    t_block_end = t_next_id + kBlock;
  }
  return t_next_id++;
}

void restart_tensor_ids() {
  g_next_id.store(1, std::memory_order_relaxed);
  t_next_id = t_block_end = 0;
}

namespace {
// Inputs released past this depth wait on a work list (see ~TensorImpl).
constexpr int kMaxReleaseDepth = 64;
struct ReleaseList {
  std::vector<Tensor> items;
  bool* alive;
  explicit ReleaseList(bool* a) : alive(a) { *alive = true; }
  ~ReleaseList() { *alive = false; }
};
thread_local int t_release_depth = 0;
thread_local bool t_release_list_alive = false;
}  // namespace

TensorImpl::~TensorImpl() {
  // Dropping the last reference to a loss releases its whole provenance graph. Releasing it
  // recursively is fastest but a while_loop of 10^5 iterations builds a chain that deep and
  // would overflow the stack: up to kMaxReleaseDepth nested releases recurse, deeper ones
  // go to a thread-local work list that the release at the cut-off drains in a loop.
  if (inputs.empty()) return;
  if (t_release_depth < kMaxReleaseDepth) {
    ++t_release_depth;
    inputs.clear();
    --t_release_depth;
    return;
  }
  // At thread exit other thread_locals holding tensors (cond's untaken branches) may be
  // destroyed after the work list; once it is gone, inputs are released directly.
  thread_local ReleaseList pending(&t_release_list_alive);
  if (!t_release_list_alive) return;  // thread exit: members release the inputs
  for (std::size_t i = 0; i < inputs.size(); ++i) pending.items.push_back(std::move(inputs[i]));
  inputs.clear();
  if (t_release_depth > kMaxReleaseDepth) return;  // the frame at the cut-off drains them
  t_release_depth = kMaxReleaseDepth + 1;         // nested releases only push
  while (t_release_list_alive && !pending.items.empty()) {
    auto p = std::move(pending.items.back());
    pending.items.pop_back();
    p = Tensor();  // pushes p's inputs onto `pending`
  }
  t_release_depth = kMaxReleaseDepth;
}

namespace {
// A fresh constant of `shape`, its storage zero-filled.
std::shared_ptr<TensorImpl> make_constant(const Shape& shape, DType dtype) {
  auto impl = make_tensor_impl();
  impl->id = next_tensor_id();
  impl->spec = {dtype, shape};
  impl->data.resize(static_cast<std::size_t>(shape.numel()));
  return impl;
}
}  // namespace

Tensor Tensor::constant(std::vector<double> values, const Shape& shape, DType dtype) {
  check_element_cap(shape, "constant");
  if (static_cast<std::int64_t>(values.size()) != shape.numel())
    throw ShapeError("constant: " + std::to_string(values.size()) + " values for shape " +
                     shape.str() + " (" + std::to_string(shape.numel()) + " elements)");
  auto impl = make_constant(shape, dtype);
  for (std::size_t i = 0; i < values.size(); ++i) impl->data[i] = round_to_dtype(values[i], dtype);
  return Tensor(std::move(impl));
}

// scalar() and full() build no vector of values: VJPs make a scalar constant per node
// (scalar_like), and a vector of one value was a heap allocation each time.
Tensor Tensor::scalar(double value, DType dtype) { return full(Shape(), value, dtype); }

Tensor Tensor::full(const Shape& shape, double value, DType dtype) {
  check_element_cap(shape, "full");
  auto impl = make_constant(shape, dtype);
  const double v = round_to_dtype(value, dtype);
  if (v != 0.0 || std::signbit(v))
    for (double& x : impl->data) x = v;
  return Tensor(std::move(impl));
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

namespace {
// Stack room for N objects, left unconstructed (placement new fills it).
template <class T, int N>
union UninitialisedArray {
  static_assert(std::is_trivially_destructible_v<T>);
  T items[N];
  UninitialisedArray() {}
};

// Inputs up to this many are handled on the stack, with no allocation: every op but a long
// add_n or concat. The tape sums a value's fan-out with one add_n (BENCH_GRAPH's backward:
// three of nine gradients each), and its three heap vectors were a third of such an add_n.
constexpr int kStackInputs = 16;
}  // namespace

Tensor apply_op(const OpDef& op, const Tensor* inputs, int n, const OpAttrs& attrs) {
  if (n <= 0) return apply_op(op, static_cast<const OperandRef*>(nullptr), n, attrs);
  if (n <= kStackInputs) {
    UninitialisedArray<OperandRef, kStackInputs> refs;
    for (int i = 0; i < n; ++i) new (&refs.items[i]) OperandRef(inputs[i]);
    return apply_op(op, refs.items, n, attrs);
  }
  const std::vector<OperandRef> refs(inputs, inputs + n);
  return apply_op(op, refs.data(), n, attrs);
}

namespace {
// apply_op. How provenance keeps `attrs`: `shared` if given (`attrs` is *shared), else moved
// from `owned` if given (the caller handed them over; `attrs` is *owned), else a copy.
Tensor run_op(const OpDef& op, const OperandRef* inputs, int n, const OpAttrs& attrs, OpAttrs* owned,
              const std::shared_ptr<const OpAttrs>* shared) {
  // The row of the active rules computes; the table's row is what provenance records.
  const OpDef& rule = active_rules().row(op);
  if (op.arity >= 0 && n != op.arity)
    throw ShapeError(std::string(op.name) + ": expects " + std::to_string(op.arity) +
                     " inputs, got " + std::to_string(n));
  if (n < 1 && op.arity < 0) throw ShapeError(std::string(op.name) + ": expects at least one input");
  // The inputs' specs (for infer) and kernel views, each copied once from the input. The
  // slots for up to kStackInputs inputs live on the stack uninitialised: zero-filling them
  // first, then overwriting them field by field made every later 64-byte read of a spec wait
  // on store forwarding (measured: a third of apply_op's time on one-element tensors).
  UninitialisedArray<TensorSpec, kStackInputs> spec_slots;
  UninitialisedArray<In<double>, kStackInputs> in_slots;
  std::vector<TensorSpec> spec_heap;
  std::vector<In<double>> in_heap;
  TensorSpec* specs = spec_slots.items;
  In<double>* ins = in_slots.items;
  if (n > kStackInputs) {
    spec_heap.resize(n);
    in_heap.resize(n);
    specs = spec_heap.data();
    ins = in_heap.data();
  }
  for (int i = 0; i < n; ++i) {
    if (!inputs[i].get().defined())
      throw Error(std::string(op.name) + ": input " + std::to_string(i) + " is an empty tensor");
    const TensorImpl& in = *inputs[i].get().impl();
    if (n > 1) new (&specs[i]) TensorSpec(in.spec);
    new (&ins[i]) In<double>{in.data.data(), in.spec};
  }
  // One input: infer reads its spec where it is, already in memory, instead of a copy it
  // would wait on.
  const TensorSpec* infer_specs = n == 1 ? &inputs[0].get().impl()->spec : specs;
  // The result is built in place in the return slot (one named result, returned on every
  // path): assembling the shared_ptr on the stack and then copying it out made the copy's
  // 16-byte load wait on the two 8-byte stores before it (a store-forwarding stall, measured
  // at a sixth of an add's bookkeeping).
  std::shared_ptr<TensorImpl> fresh = make_tensor_impl();
  TensorImpl& impl = *fresh;
  Tensor out(std::move(fresh));
  new (&impl.spec) TensorSpec(rule.infer(attrs, infer_specs, n));  // infer writes in place (no copy)
  const TensorSpec& out_spec = impl.spec;
  const std::int64_t numel = out_spec.shape.numel();
  if (numel > limits::kMaxElements) throw_element_cap(out_spec.shape, op.name);
  impl.data.resize(static_cast<std::size_t>(numel));
  rule.forward_f64(attrs, ins, n, {impl.data.data(), out_spec}, nullptr);
  if (out_spec.dtype != DType::f64)
    for (double& v : impl.data) v = round_to_dtype(v, out_spec.dtype);

  if (op.leaves_graph) {  // a new constant: no op, no inputs, nothing for a tape to see
    impl.id = next_tensor_id();
    return out;
  }
  impl.kind = LeafKind::op_output;
  impl.op = &op;
  if (!op.attrs.empty()) {
    if (shared)
      impl.attrs = *shared;
    else if (owned)
      impl.attrs = std::allocate_shared<const OpAttrs>(pool::Allocator<OpAttrs>{}, std::move(*owned));
    else
      impl.attrs = std::allocate_shared<const OpAttrs>(pool::Allocator<OpAttrs>{}, attrs);
  }
  impl.inputs.reserve(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) impl.inputs.push_back(inputs[i].get());
  impl.id = next_tensor_id();
  detail::on_op_executed(out);
  return out;
}
}  // namespace

Tensor apply_op(const OpDef& op, const OperandRef* inputs, int n, const OpAttrs& attrs) {
  return run_op(op, inputs, n, attrs, nullptr, nullptr);
}

Tensor apply_op(const OpDef& op, const OperandRef* inputs, int n, OpAttrs&& attrs) {
  return run_op(op, inputs, n, attrs, &attrs, nullptr);
}

Tensor apply_op(const OpDef& op, std::initializer_list<OperandRef> inputs,
                const std::shared_ptr<const OpAttrs>& attrs) {
  return run_op(op, inputs.begin(), static_cast<int>(inputs.size()), *attrs, nullptr, &attrs);
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
