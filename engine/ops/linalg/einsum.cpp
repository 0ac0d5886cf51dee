// einsum(a, b; equation): tf.einsum / torch.einsum on two operands, the subset of explicit
// equations "A,B->C" where A, B and C are strings of distinct letters (one per axis): a letter
// in C and both operands is a batch axis, in both operands only a contraction, in one operand
// only and C a free axis, in one operand only and not C summed away; C's order transposes.
//   y[C] = Σ_{letters not in C} a[A] · b[B]
// Left out (clear errors): ellipses, a letter repeated in one operand (diagonals), implicit
// output, broadcasting of size-1 axes (a letter has one extent everywhere).
// Bilinear, so each operand's gradient is the einsum of the upstream with the other operand
// (as TF's _EinsumGrad and torch's einsum backward derive):
//   ∂L/∂a = einsum(g, b; "C,B->A'")  with A' the letters of A found in C or B,
// then broadcast along the letters of A summed away in the forward (each element of such an
// axis receives the same gradient); likewise ∂L/∂b. Engine ops (einsum, reshape,
// broadcast_to), so an outer tape records them and second order is the same derivation again.
// Smooth everywhere: no kinks.
#include <algorithm>
#include <array>
#include <string>

#include "engine/ops/kernel.hpp"
#include "engine/ops/linalg/linalg.hpp"
#include "engine/ops/shape/shape.hpp"

namespace tc {
namespace {

struct Equation {
  std::array<std::string, 2> operand;
  std::string output;
};

[[noreturn]] void bad_equation(const std::string& eq, std::size_t at, const std::string& why) {
  throw ShapeError("einsum: equation \"" + eq + "\" at character " + std::to_string(at + 1) + ": " + why);
}

bool is_letter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

// Subscripts of one side of the equation, from `begin` to the first of `stops` (or the end):
// letters only, none twice.
std::string subscripts(const std::string& eq, std::size_t& at, const char* stops, const char* what) {
  std::string s;
  for (; at < eq.size() && !std::char_traits<char>::find(stops, std::char_traits<char>::length(stops), eq[at]);
       ++at) {
    const char c = eq[at];
    if (c == '.') bad_equation(eq, at, "ellipses (...) are not supported; name every axis");
    if (!is_letter(c)) bad_equation(eq, at, std::string("'") + c + "' is not a letter naming an axis");
    if (s.find(c) != std::string::npos)
      bad_equation(eq, at, std::string("'") + c + "' appears twice in " + what +
                               " (diagonals and traces are not supported)");
    s += c;
  }
  return s;
}

Equation parse(const std::string& eq) {
  Equation e;
  std::size_t at = 0;
  e.operand[0] = subscripts(eq, at, ",->", "operand 0");
  if (at >= eq.size() || eq[at] != ',')
    bad_equation(eq, at, "expected ',' and the second operand's subscripts (einsum takes two operands)");
  ++at;
  e.operand[1] = subscripts(eq, at, ",->", "operand 1");
  if (at < eq.size() && eq[at] == ',') bad_equation(eq, at, "a third operand (einsum takes two)");
  if (eq.compare(at, 2, "->") != 0)
    bad_equation(eq, at, "expected \"->\" and the output's subscripts (implicit output is not supported)");
  at += 2;
  e.output = subscripts(eq, at, "", "the output");
  for (std::size_t k = 0; k < e.output.size(); ++k) {
    const char c = e.output[k];
    if (e.operand[0].find(c) == std::string::npos && e.operand[1].find(c) == std::string::npos)
      bad_equation(eq, eq.size() - e.output.size() + k, std::string("output letter '") + c + "' names no operand axis");
  }
  return e;
}

// The letters of the equation and their extents; per letter, its stride in a, b and y (0 where
// the letter is not an axis of it).
struct Plan {
  Equation eq;
  std::string letters;  // the output's letters, then the summed ones
  std::vector<std::int64_t> extent;
  std::array<std::vector<std::int64_t>, 2> stride;
  std::int64_t out_count = 1, sum_count = 1;
  Shape result;
};

std::vector<std::int64_t> row_major_strides(const std::string& subs, const std::string& letters,
                                            const std::vector<std::int64_t>& extent) {
  std::vector<std::int64_t> stride(letters.size(), 0);
  std::int64_t s = 1;
  for (std::size_t k = subs.size(); k-- > 0;) {
    const std::size_t l = letters.find(subs[k]);
    stride[l] = s;
    s *= extent[l];
  }
  return stride;
}

Plan plan(const std::string& equation, const Shape& a, const Shape& b) {
  Plan p;
  p.eq = parse(equation);
  const std::array<const Shape*, 2> shapes{&a, &b};
  for (int k = 0; k < 2; ++k)
    if (static_cast<int>(p.eq.operand[k].size()) != shapes[k]->rank())
      throw ShapeError("einsum: operand " + std::to_string(k) + " " + shapes[k]->str() + " has rank " +
                       std::to_string(shapes[k]->rank()) + " but \"" + p.eq.operand[k] + "\" in \"" + equation +
                       "\" names " + std::to_string(p.eq.operand[k].size()) + " axes");
  p.letters = p.eq.output;
  for (const std::string& subs : p.eq.operand)
    for (char c : subs)
      if (p.letters.find(c) == std::string::npos) p.letters += c;
  p.extent.assign(p.letters.size(), -1);
  std::vector<int> first(p.letters.size(), -1);
  for (int k = 0; k < 2; ++k)
    for (std::size_t d = 0; d < p.eq.operand[k].size(); ++d) {
      const std::size_t l = p.letters.find(p.eq.operand[k][d]);
      const std::int64_t e = (*shapes[k])[static_cast<int>(d)];
      if (p.extent[l] >= 0 && p.extent[l] != e)
        throw ShapeError("einsum: letter '" + std::string(1, p.letters[l]) + "' of \"" + equation + "\" is " +
                         std::to_string(p.extent[l]) + " in operand " + std::to_string(first[l]) + " " +
                         shapes[static_cast<std::size_t>(first[l])]->str() + " but " + std::to_string(e) +
                         " in operand " + std::to_string(k) + " " + shapes[k]->str());
      p.extent[l] = e;
      if (first[l] < 0) first[l] = k;
    }
  std::vector<std::int64_t> dims;
  for (std::size_t l = 0; l < p.letters.size(); ++l) {
    if (l < p.eq.output.size()) {
      dims.push_back(p.extent[l]);
      p.out_count *= p.extent[l];
    } else {
      p.sum_count *= p.extent[l];
    }
  }
  if (static_cast<int>(dims.size()) > limits::kMaxRank)
    throw ShapeError("einsum: output \"" + p.eq.output + "\" of rank " + std::to_string(dims.size()) +
                     " exceeds the maximum rank " + std::to_string(limits::kMaxRank));
  p.result = Shape(dims);
  for (int k = 0; k < 2; ++k) p.stride[k] = row_major_strides(p.eq.operand[k], p.letters, p.extent);
  return p;
}

// Offsets into a and b of every combination of the letters [first, last) (row-major).
std::array<std::vector<std::int64_t>, 2> offsets(const Plan& p, std::size_t first, std::size_t last,
                                                 std::int64_t count) {
  std::array<std::vector<std::int64_t>, 2> off;
  std::vector<std::int64_t> idx(p.letters.size(), 0);
  std::array<std::int64_t, 2> at{0, 0};
  for (std::int64_t i = 0; i < count; ++i) {
    for (int k = 0; k < 2; ++k) off[k].push_back(at[k]);
    for (std::size_t l = last; l-- > first;) {  // odometer
      ++idx[l];
      for (int k = 0; k < 2; ++k) at[k] += p.stride[k][l];
      if (idx[l] < p.extent[l]) break;
      for (int k = 0; k < 2; ++k) at[k] -= p.stride[k][l] * idx[l];
      idx[l] = 0;
    }
  }
  return off;
}

template <class S>
void forward(const OpAttrs& attrs, const In<S>* in, int, const Out<S>& out, Branches*) {
  const Plan p = plan(attrs.equation, in[0].spec.shape, in[1].spec.shape);
  const std::size_t n_out = p.eq.output.size();
  const auto outer = offsets(p, 0, n_out, p.out_count);
  const auto inner = offsets(p, n_out, p.letters.size(), p.sum_count);
  for (std::int64_t o = 0; o < p.out_count; ++o) {
    const S* a = in[0].data + outer[0][static_cast<std::size_t>(o)];
    const S* b = in[1].data + outer[1][static_cast<std::size_t>(o)];
    S sum(0);
    for (std::int64_t s = 0; s < p.sum_count; ++s)
      sum += a[inner[0][static_cast<std::size_t>(s)]] * b[inner[1][static_cast<std::size_t>(s)]];
    out.data[o] = sum;
  }
}

TensorSpec infer(const OpAttrs& attrs, const TensorSpec* in, int n) {
  kernel::expect_arity("einsum", n, 2);
  kernel::expect_same_floating("einsum", in, 0, 1);
  return {in[0].dtype, plan(attrs.equation, in[0].shape, in[1].shape).result};
}

void vjp(const VjpArgs& a, std::optional<Tensor>* g) {
  const Equation eq = parse(a.attrs.equation);
  for (int k = 0; k < 2; ++k) {
    const std::string& mine = eq.operand[k];
    const std::string& other = eq.operand[1 - k];
    std::string kept;  // the letters of mine the upstream or the other operand still has
    std::vector<std::int64_t> kept_shape;
    const Shape& shape = a.inputs[k].shape();
    for (std::size_t d = 0; d < mine.size(); ++d) {
      const bool found = eq.output.find(mine[d]) != std::string::npos || other.find(mine[d]) != std::string::npos;
      if (found) kept += mine[d];
      kept_shape.push_back(found ? shape[static_cast<int>(d)] : 1);
    }
    Tensor r = einsum(a.grad, a.inputs[1 - k], eq.output + "," + other + "->" + kept);
    if (kept.size() != mine.size()) r = broadcast_to(reshape(r, kept_shape), shape.to_vector());
    g[k] = r;
  }
}

// Every combination of the letters is one multiply-add: the elements moved plus that product.
std::int64_t cost(const TensorSpec* in, int n, const TensorSpec& out) {
  std::int64_t combinations = out.shape.numel();
  if (n == 2) {
    // The summed letters' extents are what a and b hold beyond the output's: bounded by a's and
    // b's sizes, so the product of sizes bounds the work without parsing the equation here.
    combinations = std::max<std::int64_t>(1, in[0].shape.numel()) * std::max<std::int64_t>(1, in[1].shape.numel());
  }
  return elements_moved(in, n, out) + combinations;
}

// ---- sampling: operands, then an equation that fits their shapes --------------------------

// a: rank 1-3 with extents 1-3; b: rank 1-3, each axis a's extent at a random axis half the
// time (a letter the equation can share) or 1-3.
Shape sample_shape(int slot, const TensorSpec* earlier, int n_earlier, std::int64_t max_elements, Draw& draw) {
  std::vector<std::int64_t> dims;
  const std::int64_t rank = draw.integer(1, 3);
  const Shape a = slot > 0 && n_earlier > 0 ? earlier[0].shape : Shape();
  for (std::int64_t d = 0; d < rank; ++d)
    dims.push_back(a.rank() > 0 && draw.integer(0, 1) == 1 ? a[static_cast<int>(draw.integer(0, a.rank() - 1))]
                                                           : draw.integer(1, 3));
  while (Shape(dims).numel() > max_elements && dims.size() > 1) dims.pop_back();
  return Shape(dims);
}

// Letters for a's axes; each axis of b shares an unused letter of a's of equal extent (batch or
// contraction) or takes a new one; each letter goes to the output or is summed (shared
// letters summed more often: contractions), the output in a random order (transposes) and
// kept within rank 4 and 64 elements.
OpAttrs sample_attrs(const TensorSpec* in, int n, Draw& draw) {
  OpAttrs attrs;
  if (n < 2) return attrs;
  static const char kLetters[] = "ijklmnopqrstuvwxyzabcdefgh";
  std::size_t next = 0;
  std::string a, b;
  for (int d = 0; d < in[0].shape.rank(); ++d) a += kLetters[next++];
  std::string shared;
  for (int d = 0; d < in[1].shape.rank(); ++d) {
    std::string options;
    for (int e = 0; e < in[0].shape.rank(); ++e)
      if (in[0].shape[e] == in[1].shape[d] && b.find(a[static_cast<std::size_t>(e)]) == std::string::npos)
        options += a[static_cast<std::size_t>(e)];
    if (!options.empty() && draw.integer(0, 3) > 0) {
      const char c = options[static_cast<std::size_t>(draw.integer(0, static_cast<std::int64_t>(options.size()) - 1))];
      b += c;
      shared += c;
    } else {
      b += kLetters[next++];
    }
  }
  std::string out;
  std::vector<std::int64_t> extent;
  auto consider = [&](char c, std::int64_t e) {
    if (out.find(c) != std::string::npos) return;
    const bool is_shared = shared.find(c) != std::string::npos;
    if (draw.integer(0, 3) < (is_shared ? 1 : 3)) {
      out += c;
      extent.push_back(e);
    }
  };
  for (std::size_t d = 0; d < a.size(); ++d) consider(a[d], in[0].shape[static_cast<int>(d)]);
  for (std::size_t d = 0; d < b.size(); ++d) consider(b[d], in[1].shape[static_cast<int>(d)]);
  auto elements = [&] {
    std::int64_t m = 1;
    for (std::int64_t e : extent) m *= e;
    return m;
  };
  while (!out.empty() && (out.size() > 4 || elements() > 64)) {
    out.pop_back();
    extent.pop_back();
  }
  for (std::size_t i = out.size(); i > 1; --i)  // a random order: transposes
    std::swap(out[i - 1], out[static_cast<std::size_t>(draw.integer(0, static_cast<std::int64_t>(i) - 1))]);
  attrs.equation = a + "," + b + "->" + out;
  return attrs;
}

}  // namespace

extern const OpDef op_einsum = OpRow("einsum", "linalg")
    .input(OpInput("a")).input(OpInput("b").same_dtype_as(0)).result(ResultDType::of_input(0))
    .shape_rule("the output subscripts' extents (\"A,B->C\": distinct letters per operand)")
    .attrs(Attr::equation).traits(Trait::linalg)
    .math("y[C] = sum over letters not in C of a[A] b[B]; da = einsum(g, b; \"C,B->A\"), "
          "db = einsum(g, a; \"C,A->B\") (broadcast along letters only one operand sums)")
    .complex_step_ok().cost(&cost)
    .sample_shape(&sample_shape).sample_attrs(&sample_attrs)
    .vjp_reads(0, {reads::upstream, reads::input(1, Dependence::linear)})
    .vjp_reads(1, {reads::upstream, reads::input(0, Dependence::linear)})
    .rules(&infer, TC_FORWARDS(forward), &vjp);

Tensor einsum(const Tensor& a, const Tensor& b, std::string equation) {
  OpAttrs attrs;
  attrs.equation = std::move(equation);
  return apply_op(op_einsum, {a, b}, std::move(attrs));
}

}  // namespace tc
