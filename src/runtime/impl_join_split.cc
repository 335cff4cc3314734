// Joining and splitting along an axis as block copies (kernels/concat.h):
//  - concat/memcpy: ConcatV2, Concat, Pack along any axis, any numeric dtype:
//    one memcpy per piece per outer row (one per piece along axis 0);
//  - split/view: Split, SplitV, Unpack. Along the outermost non-trivial axis
//    each piece is a contiguous run of the input: it becomes a view of the
//    input's storage when it starts 64-byte aligned (as every buffer Frost
//    hands a kernel does), else one memcpy; other axes are row memcpys.
// Strings, malformed axes and mismatched shapes go to the reference, which
// validates and reports.
#include <array>
#include <cstring>

#include "kernels/concat.h"
#include "runtime/impl_families.h"

namespace frost {

namespace {

constexpr std::size_t kViewAlignment = 64;

bool movable(const Tensor& t) {
  return t.valid() && t.dtype() != DType::String && t.dtype() != DType::Resource && t.dtype() != DType::Variant &&
         dtype_size(t.dtype()) > 0;
}

// An axis in [-rank, rank) as [0, rank), or -1.
int resolve_axis(int64_t axis, int rank) {
  if (axis < -rank || axis >= rank) return -1;
  return static_cast<int>(axis < 0 ? axis + rank : axis);
}

// A scalar (or one-element) integer tensor's value.
std::optional<int64_t> int_scalar(const Tensor& t) {
  if (!t.valid() || !dtype_is_integer(t.dtype()) || t.num_elements() != 1) return std::nullopt;
  return t.as_int64(0);
}

int64_t product(const std::vector<int64_t>& dims, size_t begin, size_t end) {
  int64_t p = 1;
  for (size_t k = begin; k < end; ++k) p *= dims[k];
  return p;
}

// A few pieces on the stack, more on the heap (the kernel is shared by
// concurrent runs, so no scratch is kept in the closure).
template <class Piece>
struct Pieces {
  explicit Pieces(size_t n) : size(n) {
    if (n > local.size()) heap.resize(n);
  }
  Piece* data() { return heap.empty() ? local.data() : heap.data(); }
  std::span<const Piece> span() { return {data(), size}; }
  std::array<Piece, 32> local;
  std::vector<Piece> heap;
  size_t size;
};

enum class JoinOp { ConcatV2, Concat, Pack };

// values (n of them) joined along `a` (for Pack: a new axis a); false when
// the reference must handle (and report) the inputs.
bool join(OpContext& ctx, std::span<const Tensor> values, int64_t a, bool pack) {
  const Tensor& first = values[0];
  if (!movable(first)) return false;
  const int in_rank = first.rank();
  const int out_rank = pack ? in_rank + 1 : in_rank;
  if (out_rank == 0) return false;
  const int axis = resolve_axis(a, out_rank);
  if (axis < 0) return false;
  const std::vector<int64_t>& d0 = first.shape().dims();
  std::vector<int64_t> out_dims = d0;
  if (pack) out_dims.insert(out_dims.begin() + axis, static_cast<int64_t>(values.size()));
  else out_dims[static_cast<size_t>(axis)] = 0;
  const std::size_t elem = dtype_size(first.dtype());
  Pieces<kernels::JoinPiece> pieces(values.size());
  for (size_t i = 0; i < values.size(); ++i) {
    const Tensor& v = values[i];
    if (!v.valid() || v.dtype() != first.dtype() || v.rank() != in_rank) return false;
    const std::vector<int64_t>& d = v.shape().dims();
    for (int k = 0; k < in_rank; ++k)
      if ((pack || k != axis) && d[static_cast<size_t>(k)] != d0[static_cast<size_t>(k)]) return false;
    if (!pack) out_dims[static_cast<size_t>(axis)] += d[static_cast<size_t>(axis)];
    // Pack's new axis sits before input dim `axis`: a piece's row is dims axis.. of the input.
    const int64_t row = product(d, static_cast<size_t>(axis), d.size());
    pieces.data()[i] = {v.raw_data(), static_cast<std::size_t>(row) * elem};
  }
  Tensor& out = ctx.allocate_output(0, first.dtype(), Shape(out_dims));
  kernels::concat_rows(pieces.span(), product(d0, 0, static_cast<size_t>(axis)), out.raw_data());
  return true;
}

KernelFn prepare_join(const PrepareContext& pc) {
  const OpDef& def = pc.def;
  const JoinOp op = pc.node.op == "Pack" ? JoinOp::Pack : pc.node.op == "Concat" ? JoinOp::Concat : JoinOp::ConcatV2;
  const int64_t pack_axis = op == JoinOp::Pack ? pc.node.attr_int_or("axis", 0) : 0;
  return [&def, op, pack_axis](OpContext& ctx) {
    const int inputs = ctx.num_inputs();
    const int n = op == JoinOp::Pack ? inputs : inputs - 1;
    if (n < 1 || static_cast<int64_t>(n) != ctx.node().attr_int_or("N", n)) return def.reference(ctx);
    bool done = false;
    if (op == JoinOp::Pack) {
      done = join(ctx, ctx.inputs(), pack_axis, true);
    } else {
      const std::optional<int64_t> axis = int_scalar(ctx.input(op == JoinOp::Concat ? 0 : n));
      const auto values = ctx.inputs().subspan(op == JoinOp::Concat ? 1 : 0, static_cast<size_t>(n));
      done = axis && values[0].rank() > 0 && join(ctx, values, *axis, false);
    }
    if (!done) def.reference(ctx);
  };
}

// Splits `in` along `axis` into pieces of `sizes` (summing to the dim); with
// `drop_axis` (Unpack) the outputs lose that dim.
void split(OpContext& ctx, const Tensor& in, int axis, const std::vector<int64_t>& sizes, bool drop_axis) {
  const std::vector<int64_t>& dims = in.shape().dims();
  const int64_t outer = product(dims, 0, static_cast<size_t>(axis));
  const int64_t inner = product(dims, static_cast<size_t>(axis) + 1, dims.size());
  const std::size_t elem = dtype_size(in.dtype());
  auto out_shape = [&](int64_t size) {
    std::vector<int64_t> d = dims;
    if (drop_axis) d.erase(d.begin() + axis);
    else d[static_cast<size_t>(axis)] = size;
    return Shape(std::move(d));
  };
  if (outer == 1) {
    // Each piece is contiguous: a view where aligned, else one copy.
    const auto base = reinterpret_cast<uintptr_t>(in.raw_data());
    int64_t start = 0;
    for (size_t k = 0; k < sizes.size(); ++k) {
      const int64_t first = start * inner, count = sizes[k] * inner;
      const std::size_t offset = static_cast<std::size_t>(first) * elem;
      start += sizes[k];
      if (count > 0 && (base + offset) % kViewAlignment == 0) {
        ctx.set_output(static_cast<int>(k), in.elements_view(first, out_shape(sizes[k])));
        continue;
      }
      Tensor& out = ctx.allocate_output(static_cast<int>(k), in.dtype(), out_shape(sizes[k]));
      if (count > 0)
        std::memcpy(out.raw_data(), static_cast<const std::byte*>(in.raw_data()) + offset,
                    static_cast<std::size_t>(count) * elem);
    }
    return;
  }
  Pieces<kernels::SplitPiece> pieces(sizes.size());
  for (size_t k = 0; k < sizes.size(); ++k) {
    Tensor& out = ctx.allocate_output(static_cast<int>(k), in.dtype(), out_shape(sizes[k]));
    pieces.data()[k] = {out.raw_data(), static_cast<std::size_t>(sizes[k] * inner) * elem};
  }
  kernels::split_rows(in.raw_data(), outer, pieces.span());
}

enum class SplitOp { Split, SplitV, Unpack };

// The piece sizes along the axis, or nullopt for the reference to report.
std::optional<std::vector<int64_t>> split_sizes(const OpContext& ctx, SplitOp op, int64_t dim, int n) {
  if (op == SplitOp::Unpack) {
    if (dim != n) return std::nullopt;
    return std::vector<int64_t>(static_cast<size_t>(n), 1);
  }
  if (op == SplitOp::Split) {
    if (dim % n != 0) return std::nullopt;
    return std::vector<int64_t>(static_cast<size_t>(n), dim / n);
  }
  const Tensor& s = ctx.input(1);
  if (!s.valid() || !dtype_is_integer(s.dtype()) || s.rank() != 1 || s.num_elements() != n) return std::nullopt;
  std::vector<int64_t> sizes = s.to_int64_vector();
  int64_t known = 0;
  int rest = -1;
  for (size_t k = 0; k < sizes.size(); ++k) {
    if (sizes[k] == -1 && rest < 0) rest = static_cast<int>(k);
    else if (sizes[k] < 0) return std::nullopt;
    else known += sizes[k];
  }
  if (known > dim || (rest < 0 && known != dim)) return std::nullopt;
  if (rest >= 0) sizes[static_cast<size_t>(rest)] = dim - known;
  return sizes;
}

KernelFn prepare_split(const PrepareContext& pc) {
  const OpDef& def = pc.def;
  const SplitOp op = pc.node.op == "Unpack" ? SplitOp::Unpack : pc.node.op == "SplitV" ? SplitOp::SplitV : SplitOp::Split;
  const int64_t n = pc.node.attr_int(op == SplitOp::Unpack ? "num" : "num_split");
  const int64_t unpack_axis = op == SplitOp::Unpack ? pc.node.attr_int_or("axis", 0) : 0;
  return [&def, op, n, unpack_axis](OpContext& ctx) {
    const int value_input = op == SplitOp::Split ? 1 : 0;
    const int expected_inputs = op == SplitOp::Unpack ? 1 : op == SplitOp::Split ? 2 : 3;
    if (ctx.num_inputs() != expected_inputs || n < 1 || n != ctx.num_outputs()) return def.reference(ctx);
    const Tensor& in = ctx.input(value_input);
    if (!movable(in) || in.rank() == 0) return def.reference(ctx);
    std::optional<int64_t> a = unpack_axis;
    if (op == SplitOp::Split) a = int_scalar(ctx.input(0));
    if (op == SplitOp::SplitV) a = int_scalar(ctx.input(2));
    const int axis = a ? resolve_axis(*a, in.rank()) : -1;
    if (axis < 0) return def.reference(ctx);
    const auto sizes = split_sizes(ctx, op, in.shape().dim(axis), static_cast<int>(n));
    if (!sizes) return def.reference(ctx);
    split(ctx, in, axis, *sizes, op == SplitOp::Unpack);
  };
}

bool always(const PrepareContext&) { return true; }

}  // namespace

std::vector<Implementation> join_split_implementations() {
  return {{"concat/memcpy", {"ConcatV2", "Concat", "Pack"}, always, prepare_join},
          {"split/view", {"Split", "SplitV", "Unpack"}, always, prepare_split}};
}

}  // namespace frost
