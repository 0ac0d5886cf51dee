#include "properties/sampling.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "properties/concrete.hpp"

namespace tc::properties {

using graph::Init;

namespace {
std::int64_t uniform_integer(Rng& rng, std::int64_t lo, std::int64_t hi) {
  if (hi <= lo) return lo;
  if (ChoiceSource* c = rng.choices()) return c->integer(lo, hi);
  return lo + static_cast<std::int64_t>(rng() % static_cast<std::uint64_t>(hi - lo + 1));
}
}  // namespace

int uniform_int(Rng& rng, int lo, int hi) { return static_cast<int>(uniform_integer(rng, lo, hi)); }
double uniform_real(Rng& rng, double lo, double hi) {
  ChoiceSource* c = rng.choices();
  const double u = c ? c->unit() : static_cast<double>(rng() >> 11) * 0x1p-53;
  return lo + (hi - lo) * u;
}
bool chance(Rng& rng, double p) { return uniform_real(rng, 0, 1) < p; }
double round_to(double x, int digits) {
  const double s = std::pow(10.0, digits);
  return std::round(x * s) / s;
}

std::int64_t RngDraw::integer(std::int64_t lo, std::int64_t hi) { return uniform_integer(rng_, lo, hi); }

namespace {

std::int64_t numel(const std::vector<std::int64_t>& d) {
  std::int64_t n = 1;
  for (auto x : d) n *= x;
  return n;
}

}  // namespace

Shape random_shape(Rng& rng, const ShapeFamily& f) {
  for (int attempt = 0; attempt < 16; ++attempt) {
    const int rank = uniform_int(rng, 0, f.max_rank);
    std::vector<std::int64_t> d;
    for (int i = 0; i < rank; ++i) d.push_back(chance(rng, 0.2) ? 1 : pick(rng, f.dims));
    if (numel(d) <= f.max_elements) return Shape(d);
  }
  return Shape({pick(rng, f.dims)});
}

Shape equal_extents_shape(Rng& rng, const ShapeFamily& f, int min_rank) {
  const int rank = uniform_int(rng, min_rank, 3);
  std::int64_t d = std::max<std::int64_t>(2, pick(rng, f.dims));
  while (d > 2 && numel(std::vector<std::int64_t>(static_cast<std::size_t>(rank), d)) > f.max_elements) --d;
  return Shape(std::vector<std::int64_t>(static_cast<std::size_t>(rank), d));
}

Shape related_shape(Rng& rng, const Shape& s0, const ShapeFamily& f, bool broadcasting) {
  const std::vector<std::int64_t> d = s0.to_vector();
  const int r = s0.rank();
  switch (uniform_int(rng, 0, broadcasting ? 7 : 3)) {
    case 0:
    case 1: return s0;
    case 2: {  // matmul: [.., k] x [k, n]
      if (r == 0) return s0;
      return Shape({d.back(), pick(rng, f.dims)});
    }
    case 3: {  // a contiguous block of s0 (index operands), or a random small shape
      if (r == 0 || chance(rng, 0.3)) return random_shape(rng, f);
      const int a = uniform_int(rng, 0, r - 1), b = uniform_int(rng, a, r - 1);
      return Shape(std::vector<std::int64_t>(d.begin() + a, d.begin() + b + 1));
    }
    case 4: {  // some dims set to 1
      std::vector<std::int64_t> e = d;
      for (auto& x : e)
        if (chance(rng, 0.5)) x = 1;
      return Shape(e);
    }
    case 5: {  // a suffix
      if (r == 0) return s0;
      const int k = uniform_int(rng, 0, r - 1);
      return Shape(std::vector<std::int64_t>(d.begin() + k, d.end()));
    }
    case 6: return Shape();  // a scalar
    default: {               // one more leading dim
      if (r >= f.max_rank) return s0;
      std::vector<std::int64_t> e{pick(rng, f.dims)};
      e.insert(e.end(), d.begin(), d.end());
      if (numel(e) > 2 * f.max_elements) return s0;
      return Shape(e);
    }
  }
}

namespace {

std::vector<std::int64_t> factorize(Rng& rng, std::int64_t n) {
  std::vector<std::int64_t> primes;
  for (std::int64_t p = 2; p * p <= n; ++p)
    while (n % p == 0) {
      primes.push_back(p);
      n /= p;
    }
  if (n > 1) primes.push_back(n);
  const int k = uniform_int(rng, 1, 3);
  std::vector<std::int64_t> dims(static_cast<std::size_t>(k), 1);
  for (auto p : primes) dims[static_cast<std::size_t>(uniform_int(rng, 0, k - 1))] *= p;
  return dims;
}

// A `shape` attribute for operands `in`: a factorisation of in[0]'s size (reshape), in[0]'s
// shape broadcast (broadcast_to) or, with a second operand, the result of a scatter along
// `axis` of indices in[1] (scatter_add); infer() decides which fits.
std::vector<std::int64_t> propose_shape(Rng& rng, const std::vector<TensorSpec>& in, std::int64_t axis,
                                        const ShapeFamily& f) {
  const Shape s0 = in.empty() ? Shape() : in[0].shape;
  const int r = s0.rank();
  std::vector<std::vector<std::int64_t>> options;
  options.push_back(factorize(rng, s0.numel()));
  if (chance(rng, 0.3) && !options.back().empty())
    options.back()[static_cast<std::size_t>(uniform_int(rng, 0, static_cast<int>(options.back().size()) - 1))] = -1;
  {  // broadcast: 1-dims expanded, maybe one more leading dim
    std::vector<std::int64_t> e = s0.to_vector();
    for (auto& x : e)
      if (x == 1 && chance(rng, 0.7)) x = pick(rng, f.dims);
    if (chance(rng, 0.4) && static_cast<int>(e.size()) < f.max_rank) e.insert(e.begin(), pick(rng, f.dims));
    options.push_back(e);
  }
  if (in.size() >= 2) {  // the result of a scatter along `axis` of indices in[1]
    const int ki = in[1].shape.rank();
    const int out_rank = r - ki + 1;
    if (out_rank >= 1) {
      const std::int64_t ax = axis < 0 ? axis + out_rank : axis;
      if (ax >= 0 && ax < out_rank) {
        std::vector<std::int64_t> e;
        for (int d = 0; d < ax; ++d) e.push_back(s0[d]);
        e.push_back(uniform_int(rng, 2, 3));
        for (int d = static_cast<int>(ax) + ki; d < r; ++d) e.push_back(s0[d]);
        options.push_back(e);
        options.push_back(e);
      }
    }
  }
  return pick(rng, options);
}

// Attributes for `op` on operands `in`: every attribute the op declares (OpDef::attrs) gets a
// proposal, in the fields' order; infer() decides whether they fit.
OpAttrs propose_attrs(Rng& rng, const OpDef& op, const std::vector<TensorSpec>& in,
                      const AttrKnobs& k, const ShapeFamily& f) {
  OpAttrs a;
  const Shape s0 = in.empty() ? Shape() : in[0].shape;
  const int r = s0.rank();
  op.attrs.for_each([&](Attr attr) {
    switch (attr) {
      case Attr::axes:
        a.axes.clear();
        if (!k.reductions && chance(rng, 0.7)) break;  // [] = all axes
        {
          // Now and then only size-1 axes (keepdims' corner); mostly real ones.
          const bool ones_only = chance(rng, 0.25);
          for (int d = 0; d < r; ++d)
            if (ones_only ? s0[d] == 1 : chance(rng, 0.5)) a.axes.push_back(chance(rng, 0.2) ? d - r : d);
        }
        break;
      case Attr::keepdims: a.keepdims = k.reductions && chance(rng, 0.4); break;
      case Attr::axis: a.axis = uniform_int(rng, -(r + 1), r); break;
      case Attr::perm: {
        a.perm.clear();
        if (chance(rng, 0.2)) break;  // [] = reverse
        std::vector<std::int64_t> p(static_cast<std::size_t>(r));
        std::iota(p.begin(), p.end(), 0);
        if (r >= 3 && chance(rng, 0.5)) {
          // A rotation: not its own inverse, so a VJP that forgets to invert it shows (every
          // permutation of fewer than three axes is its own inverse).
          std::rotate(p.begin(), p.begin() + uniform_int(rng, 1, r - 1), p.end());
        } else {
          std::shuffle(p.begin(), p.end(), rng);
          // The identity moves nothing: mostly trade it for the reversal.
          if (r >= 2 && std::is_sorted(p.begin(), p.end()) && chance(rng, 0.7)) std::reverse(p.begin(), p.end());
        }
        a.perm = p;
        break;
      }
      case Attr::shape: a.shape = propose_shape(rng, in, a.axis, f); break;
      case Attr::begin:
        a.begin.clear();
        for (int d = 0; d < r; ++d) a.begin.push_back(uniform_int(rng, 0, static_cast<int>(s0[d]) - 1));
        break;
      case Attr::size:
        a.size.clear();
        for (int d = 0; d < r; ++d) {
          const int b = d < static_cast<int>(a.begin.size()) ? static_cast<int>(a.begin[d]) : 0;
          a.size.push_back(chance(rng, 0.3) ? -1 : uniform_int(rng, 1, static_cast<int>(s0[d]) - b));
        }
        break;
      case Attr::alpha: a.alpha = round_to(uniform_real(rng, 0.05, 0.5), 2); break;
      case Attr::lo: a.lo = round_to(uniform_real(rng, -2, 1), 1); break;
      case Attr::hi: a.hi = a.lo + round_to(uniform_real(rng, 0.5, 2), 1); break;
      case Attr::dtype: {
        std::vector<DType> choices;
        const DType self = in.empty() ? DType::f64 : in[0].dtype;
        if (k.other_float) {
          choices.push_back(DType::f32);
          choices.push_back(DType::f64);
        } else if (is_floating(self)) {
          choices.push_back(self);
        }
        if (k.integer_paths) choices.push_back(DType::i32);
        if (k.bool_paths) choices.push_back(DType::boolean);
        if (choices.empty()) choices.push_back(self);
        a.dtype = pick(rng, choices);
        break;
      }
      case Attr::exclusive: a.exclusive = chance(rng, 0.5); break;
      case Attr::reverse: a.reverse = chance(rng, 0.5); break;
      case Attr::descending: a.descending = chance(rng, 0.5); break;
      case Attr::lower: a.lower = chance(rng, 0.5); break;
      case Attr::ord: a.ord = pick(rng, std::vector<double>{1, 1.5, 2, 3}); break;
      case Attr::k: a.k = uniform_int(rng, 1, r == 0 ? 1 : static_cast<int>(s0[r - 1])); break;
      // Attributes that must fit the operands' shapes together (an einsum equation, windows,
      // paddings, a mask per element, a matmul's operand layouts ...): the ops that read them
      // propose them in their sample_attrs hook; a row without one keeps the OpAttrs defaults here.
      case Attr::equation:
      case Attr::strides:
      case Attr::dilations:
      case Attr::ksize:
      case Attr::padding:
      case Attr::epsilon:
      case Attr::rate:
      case Attr::depth:
      case Attr::paddings:
      case Attr::mode:
      case Attr::multiples:
      case Attr::shift:
      case Attr::mask:
      case Attr::num:
      case Attr::index:
      case Attr::order:
      case Attr::transpose_a:
      case Attr::transpose_b: break;
    }
  });
  return a;
}

}  // namespace

OpAttrs sample_attrs(Rng& rng, const OpDef& op, const std::vector<TensorSpec>& in, const AttrKnobs& k,
                     const ShapeFamily& f) {
  if (op.sample_attrs) {
    RngDraw draw(rng);
    OpAttrs a = op.sample_attrs(in.data(), static_cast<int>(in.size()), draw);
    // A row's hook knows its op, not the graph: one_hot draws f32 or f64 for its result, and a
    // graph generated without one of them (an engine without f32) must not get it that way.
    if (op.attrs.has(Attr::dtype) && is_floating(a.dtype) && !k.other_float) a.dtype = k.float_dtype;
    return a;
  }
  return propose_attrs(rng, op, in, k, f);
}

Init sample_values(Rng& rng, DType dtype, const Shape& shape, const Domain& d) {
  Init init;
  const std::int64_t n = shape.numel();
  if (dtype == DType::boolean) {
    init.kind = Init::Kind::values;
    for (std::int64_t i = 0; i < n; ++i) init.values.push_back(chance(rng, 0.5) ? 1 : 0);
    return init;
  }
  if (dtype == DType::i32) {
    init.kind = Init::Kind::values;
    const int lo = static_cast<int>(std::ceil(d.lo)), hi = static_cast<int>(std::floor(d.hi));
    for (std::int64_t i = 0; i < n; ++i) init.values.push_back(uniform_int(rng, lo, std::max(lo, hi)));
    return init;
  }
  const auto safe = safe_intervals(d);
  Interval iv = safe.empty() ? Interval{d.lo, d.hi} : pick(rng, safe);
  const double w = iv.width();
  iv = {iv.lo + 0.1 * w, iv.hi - 0.1 * w};
  if (chance(rng, 0.2)) {  // a narrower window: values of one sign, ties less likely
    const double a = uniform_real(rng, iv.lo, iv.hi), b = uniform_real(rng, iv.lo, iv.hi);
    if (std::abs(a - b) > 0.2 * w) iv = {std::min(a, b), std::max(a, b)};
  }
  init.kind = Init::Kind::uniform;
  init.a = round_to(iv.lo, 2);
  init.b = round_to(iv.hi, 2);
  if (init.a < iv.lo) init.a = round_to(iv.lo + 0.005, 2);
  if (init.b > iv.hi) init.b = round_to(iv.hi - 0.005, 2);
  if (!(init.a <= init.b)) init.a = init.b = round_to((iv.lo + iv.hi) / 2, 3);
  init.seed = static_cast<std::uint64_t>(uniform_int(rng, 1, 999));
  return init;
}

Init sample_operand(Rng& rng, const OpDef& op, int slot, DType dtype, const Shape& shape) {
  if (!op.sample_input) return sample_values(rng, dtype, shape, op.input(slot).domain);
  RngDraw draw(rng);
  Init init;
  init.kind = Init::Kind::values;
  init.values = op.sample_input(slot, TensorSpec{dtype, shape}, draw);
  for (double& v : init.values) v = round_to_dtype(v, dtype);
  return init;
}

double large_edge_limit(DType dtype) { return dtype == DType::f32 ? 95.0 : 750.0; }

namespace {

// An element other than `i` in i's row along one of `axes` (empty: any axis), or i itself
// when every such axis has extent 1.
std::size_t along_an_axis(Rng& rng, std::size_t i, const Shape& shape, const std::vector<int>& axes) {
  std::vector<int> open;
  for (int a = 0; a < shape.rank(); ++a)
    if (shape[a] > 1 && (axes.empty() || std::find(axes.begin(), axes.end(), a) != axes.end())) open.push_back(a);
  if (open.empty()) return i;
  const int a = pick(rng, open);
  std::int64_t stride = 1;
  for (int b = a + 1; b < shape.rank(); ++b) stride *= shape[b];
  const std::int64_t at = static_cast<std::int64_t>(i) / stride % shape[a];
  std::int64_t to = uniform_int(rng, 0, static_cast<int>(shape[a]) - 2);
  if (to >= at) ++to;
  return static_cast<std::size_t>(static_cast<std::int64_t>(i) + (to - at) * stride);
}

}  // namespace

bool place_edges(Rng& rng, const InputDef& in, const OpAttrs& attrs, const std::vector<int>& tie_axes, DType dtype,
                 const Shape& shape, std::vector<double>& values, const std::vector<double>* partner) {
  if (values.empty() || !is_floating(dtype)) return false;
  const std::vector<double> before = values;
  const int n = static_cast<int>(values.size());
  auto some = [&] { return uniform_int(rng, 1, std::max(1, n / 3)); };
  auto any_index = [&] { return static_cast<std::size_t>(uniform_int(rng, 0, n - 1)); };
  std::vector<Edges> kinds;
  for (Edges e : {Edges::zero, Edges::ties, Edges::bounds, Edges::large})
    if (has(in.edges, e)) kinds.push_back(e);
  if (kinds.empty()) return false;
  switch (pick(rng, kinds)) {
    case Edges::zero:
      for (int k = some(); k > 0; --k) values[any_index()] = 0.0;
      break;
    case Edges::bounds:
      for (int k = some(); k > 0; --k) values[any_index()] = chance(rng, 0.5) ? attrs.lo : attrs.hi;
      break;
    case Edges::ties:
      if (partner && partner->size() == values.size() && chance(rng, 0.6)) {
        for (int k = some(); k > 0; --k) {
          const std::size_t i = any_index();
          values[i] = (*partner)[i];
        }
      } else if (partner && !partner->empty() && (n == 1 || partner->size() == 1)) {
        // One side a scalar, broadcast against the other: a tie is the scalar equal to an
        // element of the other side (maximum(x, c) with c one of x's values).
        if (n == 1) {
          const int last = static_cast<int>(partner->size()) - 1;
          values[0] = (*partner)[static_cast<std::size_t>(uniform_int(rng, 0, last))];
        } else {
          for (int k = some(); k > 0; --k) values[any_index()] = (*partner)[0];
        }
      } else if (n > 1 && shape.numel() == n) {
        // The largest and the smallest element repeated in their rows along a compared axis:
        // a tie for a max and for a min (a reduction of either kind reads the operand; one tie
        // of the other kind is no tie), in the row a reduction over that axis compares.
        auto extreme = [&](bool largest) {
          const auto it = largest ? std::max_element(values.begin(), values.end())
                                  : std::min_element(values.begin(), values.end());
          return static_cast<std::size_t>(it - values.begin());
        };
        // An element of i's row to repeat it into, other than those in `keep` (the other
        // extreme and its repeat, which share the row at times); i itself if none was found.
        auto partner_of = [&](std::size_t i, std::initializer_list<std::size_t> keep) {
          for (int attempt = 0; attempt < 8; ++attempt) {
            const std::size_t to = along_an_axis(rng, i, shape, tie_axes);
            if (std::find(keep.begin(), keep.end(), to) == keep.end()) return to;
          }
          return i;
        };
        const std::size_t hi_at = extreme(true), lo_at = extreme(false);
        const std::size_t hi_to = partner_of(hi_at, {lo_at});
        const std::size_t lo_to = partner_of(lo_at, {hi_at, hi_to});
        values[hi_to] = values[hi_at];
        values[lo_to] = values[lo_at];
        for (int k = some() - 1; k > 0; --k) {  // more ties, among any rows' elements
          const std::size_t i = any_index(), to = along_an_axis(rng, i, shape, tie_axes);
          if (to != lo_at && to != lo_to && to != hi_at && to != hi_to) values[to] = values[i];
        }
      }
      break;
    case Edges::large: {
      // One dominating element (a max shift matters) or all of them large (softplus).
      const double lim = large_edge_limit(dtype), sign = chance(rng, 0.8) ? 1.0 : -1.0;
      if (chance(rng, 0.5))
        values[any_index()] = sign * round_to(uniform_real(rng, 0.95 * lim, lim), 1);
      else
        for (double& v : values) v = sign * round_to(uniform_real(rng, 0.9 * lim, lim), 1) + v;
      break;
    }
    default: break;
  }
  for (double& v : values) v = round_to_dtype(v, dtype);
  return values != before;
}

}  // namespace tc::properties
