// The engine's tensor: an immutable value with a process-unique id, plus its provenance
// (the op and inputs that produced it). Tapes record ids; provenance lets explain() say
// why a gradient is None even for ops no tape recorded.
#pragma once
#include <array>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "engine/core/pool.hpp"
#include "engine/ops/op_def.hpp"

namespace tc {

struct VariableInfo {
  std::string name;
  bool trainable = true;
};

enum class LeafKind : std::uint8_t { op_output, constant, variable };

struct TensorImpl;

// A handle to an immutable TensorImpl (below), shared. The accessors that read the impl are
// defined after it: InputList holds Tensors, so Tensor comes first.
class Tensor {
 public:
  Tensor() = default;
  explicit Tensor(std::shared_ptr<const TensorImpl> impl) : impl_(std::move(impl)) {}

  // Constants: leaves no tape watches unless told to (R2).
  static Tensor constant(std::vector<double> values, const Shape& shape, DType dtype = DType::f64);
  static Tensor scalar(double value, DType dtype = DType::f64);
  static Tensor full(const Shape& shape, double value, DType dtype = DType::f64);
  static Tensor zeros(const Shape& shape, DType dtype = DType::f64) { return full(shape, 0, dtype); }
  static Tensor ones(const Shape& shape, DType dtype = DType::f64) { return full(shape, 1, dtype); }

  bool defined() const { return impl_ != nullptr; }
  std::int64_t id() const;
  DType dtype() const;
  const Shape& shape() const;
  const TensorSpec& spec() const;
  std::int64_t numel() const;
  const double* data() const;
  std::vector<double> values() const;  // a copy
  double item() const;  // the single element; tc::Error if numel() != 1
  double operator[](std::int64_t i) const;

  const std::string& name() const;
  const Tensor& named(std::string name) const;
  // "'loss'" if named, else "#<id> (<op>)".
  std::string label() const;

  const TensorImpl* impl() const { return impl_.get(); }
  const std::shared_ptr<const TensorImpl>& impl_ptr() const { return impl_; }

 private:
  std::shared_ptr<const TensorImpl> impl_;
};

// An op's inputs, contiguous, so that the backward pass hands them to a VJP where they are
// (a copy of each would cost an atomic increment and decrement of its reference count): up to
// three held inline (no allocation per op); a longer list (concat) all in one vector. The
// vector sits behind a pointer so that the list takes 64 bytes: TensorImpl and its control
// block fit one 256-byte pool block.
class InputList {
 public:
  std::size_t size() const { return n_; }
  bool empty() const { return n_ == 0; }
  const Tensor* data() const { return more_ ? more_->data() : inline_.data(); }
  Tensor* data() { return more_ ? more_->data() : inline_.data(); }
  const Tensor& operator[](std::size_t i) const { return data()[i]; }
  Tensor& operator[](std::size_t i) { return data()[i]; }
  const Tensor* begin() const { return data(); }
  const Tensor* end() const { return data() + n_; }
  void reserve(std::size_t n) {
    if (n > kInline) spill(n);
  }
  void push_back(Tensor t) {
    if (!more_ && n_ < kInline)
      inline_[n_] = std::move(t);
    else
      spill(n_ + 1).push_back(std::move(t));
    ++n_;
  }
  void clear() {
    for (std::size_t i = 0; i < n_ && i < kInline; ++i) inline_[i] = Tensor();
    more_.reset();
    n_ = 0;
  }

 private:
  static constexpr std::size_t kInline = 3;
  // The vector, holding every input so far (moved there from inline_ the first time).
  std::vector<Tensor>& spill(std::size_t capacity) {
    if (!more_) {
      more_ = std::make_unique<std::vector<Tensor>>();
      more_->reserve(capacity);
      for (std::size_t i = 0; i < n_; ++i) more_->push_back(std::move(inline_[i]));
    }
    return *more_;
  }
  std::array<Tensor, kInline> inline_;
  std::unique_ptr<std::vector<Tensor>> more_;
  std::size_t n_ = 0;
};

struct TensorImpl {
  std::int64_t id = 0;
  TensorSpec spec;
  pool::Buffer data;  // every dtype held as double; see docs/engine.md
  mutable std::string name;  // optional label for explanations and reports
  LeafKind kind = LeafKind::constant;
  std::shared_ptr<const VariableInfo> variable;  // set for a variable's value
  // Provenance, for op outputs.
  const OpDef* op = nullptr;
  std::shared_ptr<const OpAttrs> attrs;
  InputList inputs;

  // User-provided, not `= default`: make_tensor_impl value-initialises, which for a defaulted
  // constructor zero-fills the whole object (a 232-byte memset per op) before the member
  // initialisers above write it again.
  TensorImpl() {}  // NOLINT(modernize-use-equals-default)
  TensorImpl(const TensorImpl&) = delete;
  TensorImpl& operator=(const TensorImpl&) = delete;
  ~TensorImpl();  // releases long provenance chains iteratively (no deep recursion)
};

std::int64_t next_tensor_id();

// Ids start again from 1, as in a fresh process, for a process that checks graphs one after
// another (a campaign's worker): each graph's explanations name the tensors as a process of its
// own would. Only while no tensor, variable or tape of this process is alive, on its only
// thread that makes tensors: ids must stay unique among live tensors, and a tape orders its
// tensors by id.
void restart_tensor_ids();

// A fresh TensorImpl in one pooled block with its control block (pool.hpp).
inline std::shared_ptr<TensorImpl> make_tensor_impl() {
  return std::allocate_shared<TensorImpl>(pool::Allocator<TensorImpl>{});
}

// Tensor's accessors, here where TensorImpl is complete.
inline std::int64_t Tensor::id() const { return impl_->id; }
inline DType Tensor::dtype() const { return impl_->spec.dtype; }
inline const Shape& Tensor::shape() const { return impl_->spec.shape; }
inline const TensorSpec& Tensor::spec() const { return impl_->spec; }
inline std::int64_t Tensor::numel() const { return impl_->spec.shape.numel(); }
inline const double* Tensor::data() const { return impl_->data.data(); }
inline std::vector<double> Tensor::values() const { return {impl_->data.begin(), impl_->data.end()}; }
inline double Tensor::operator[](std::int64_t i) const { return impl_->data[static_cast<std::size_t>(i)]; }
inline const std::string& Tensor::name() const { return impl_->name; }


// An operand as apply_op takes it: a reference, so that passing a tensor to an op copies no
// shared_ptr (each copy costs an atomic increment and decrement). A temporary tensor passed
// in a braced list lives until the end of the full expression, past apply_op's return.
class OperandRef {
 public:
  OperandRef(const Tensor& t) : t_(&t) {}  // NOLINT(implicit): `apply_op(op, {a, b})`
  const Tensor& get() const { return *t_; }

 private:
  const Tensor* t_;
};

// Runs one op eagerly: infers the result, computes it, records it on every recording tape
// that tracks an input (R1, R6). Throws ShapeError/DTypeError at the op (R15).
Tensor apply_op(const OpDef& op, const OperandRef* inputs, int n_inputs, const OpAttrs& attrs);
Tensor apply_op(const OpDef& op, const Tensor* inputs, int n_inputs, const OpAttrs& attrs = no_attrs());
inline Tensor apply_op(const OpDef& op, std::initializer_list<OperandRef> inputs,
                       const OpAttrs& attrs = no_attrs()) {
  return apply_op(op, inputs.begin(), static_cast<int>(inputs.size()), attrs);
}
// The same with attributes the caller hands over: provenance keeps them without a copy (a
// copy of an OpAttrs copies its vectors, an allocation each: transpose's perm, reduce_sum's
// axes, in every VJP of matmul and reduce_sum).
Tensor apply_op(const OpDef& op, const OperandRef* inputs, int n_inputs, OpAttrs&& attrs);
inline Tensor apply_op(const OpDef& op, std::initializer_list<OperandRef> inputs, OpAttrs&& attrs) {
  return apply_op(op, inputs.begin(), static_cast<int>(inputs.size()), std::move(attrs));
}
// The same with attributes made once and shared (a VJP's fixed ones, as matrix_transpose's
// permutation): provenance shares them, nothing is built, copied or allocated per op.
Tensor apply_op(const OpDef& op, std::initializer_list<OperandRef> inputs,
                const std::shared_ptr<const OpAttrs>& attrs);

std::string to_string(const Tensor& t);
std::string label_of(const TensorImpl& t);  // what Tensor::label() returns  // "f64[2,3] {1, 2, ...}"

}  // namespace tc
