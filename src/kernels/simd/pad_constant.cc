// The CPU backend's constant padding (kernels/pad_constant.h). The
// reference op filled the whole output and then copied the input into its
// interior: every interior byte written twice, on one thread. ResNet-50's
// pool1_pad (112²×64 → 114²×64) took 0.38 ms at 1 thread and 0.75 ms in a
// 2-thread run, where its input had been written by both cores.
//
// Here the geometry is simplified first: trailing dims without padding
// become the byte size of one unit, and size-1 dims without padding are
// dropped. The output is then a stack of lines along the innermost padded
// dim; a line is either all fill (it lies in an outer dim's pad band) or
// fill, an interior row of the input, fill. Consecutive fill bytes are
// contiguous in the output, so they are gathered into one memset (or one
// pattern fill) between interior rows. The lines are shared by the threads,
// in chunks taken in turn. Nothing here is ISA-specific.
#include <cstring>
#include <vector>

#include "kernels/pad_constant.h"
#include "kernels/simd/copy_work.h"
#include "kernels/simd/row_copy.h"

namespace frost::kernels {

namespace {

struct PadDim {
  int64_t in, before, after;
  int64_t out() const { return before + in + after; }
};

// Writes n bytes of fill (whole elements) at dst.
struct Filler {
  const std::byte* fill;  // null: zero bytes
  std::size_t elem;
  void operator()(std::byte* dst, int64_t n) const {
    if (n <= 0) return;
    if (!fill) {
      std::memset(dst, 0, static_cast<std::size_t>(n));
      return;
    }
    // One element, then doubling copies of what is already written.
    const int64_t e = static_cast<int64_t>(elem);
    std::memcpy(dst, fill, elem);
    for (int64_t done = e; done < n;) {
      const int64_t step = done < n - done ? done : n - done;
      std::memcpy(dst + done, dst, static_cast<std::size_t>(step));
      done += step;
    }
  }
};

bool all_zero(const void* fill, std::size_t elem) {
  const auto* b = static_cast<const std::byte*>(fill);
  for (std::size_t i = 0; i < elem; ++i)
    if (b[i] != std::byte{0}) return false;
  return true;
}

}  // namespace

void pad_constant(const PadConstantParams& p, const void* src, void* dst, std::size_t elem_bytes, const void* fill,
                  const GemmRun& run) {
  const size_t rank = p.in_dims.size();
  const Filler filler{fill && !all_zero(fill, elem_bytes) ? static_cast<const std::byte*>(fill) : nullptr, elem_bytes};
  auto* out = static_cast<std::byte*>(dst);
  const auto* in = static_cast<const std::byte*>(src);

  // Simplified geometry, outermost first, in units of `unit` bytes.
  int64_t unit = static_cast<int64_t>(elem_bytes), out_total = 1, in_total = 1;
  std::vector<PadDim> g;
  for (size_t k = rank; k-- > 0;) {
    const PadDim d{p.in_dims[k], p.before[k], p.after[k]};
    out_total *= d.out();
    in_total *= d.in;
    const bool unpadded = d.before == 0 && d.after == 0;
    if (unpadded && g.empty()) unit *= d.in;
    else if (!(unpadded && d.in == 1)) g.insert(g.begin(), d);
  }
  const int64_t out_bytes = out_total * static_cast<int64_t>(elem_bytes);
  if (out_bytes == 0) return;
  if (in_total == 0 || g.empty()) {  // all fill, or no padding at all
    if (in_total == 0) filler(out, out_bytes);
    else std::memcpy(out, in, static_cast<std::size_t>(out_bytes));
    return;
  }

  // Lines: the innermost dim of g; their count is the product of the outer dims' output extents.
  const size_t m = g.size() - 1;
  const PadDim row = g[m];
  const int64_t line_bytes = row.out() * unit, lead = row.before * unit, body = row.in * unit;
  int64_t lines = 1;
  for (size_t k = 0; k < m; ++k) lines *= g[k].out();
  std::vector<int64_t> src_stride(m + 1);  // bytes of the input per index step of g's dim k
  src_stride[m] = unit;
  for (size_t k = m; k-- > 0;) src_stride[k] = src_stride[k + 1] * g[k + 1].in;

  const int threads = simd::copy_threads(static_cast<double>(out_bytes + in_total * static_cast<int64_t>(elem_bytes)), run);
  const int64_t chunks = simd::chunk_count(lines, threads);
  simd::parallel_for(threads, chunks, [&](int64_t c, int) {
    const simd::ChunkRange r = simd::chunk_range(lines, chunks, c);
    // The first line's index over the outer dims.
    std::vector<int64_t> index(m);
    for (int64_t rest = r.begin, k = static_cast<int64_t>(m); k-- > 0;) {
      index[static_cast<size_t>(k)] = rest % g[static_cast<size_t>(k)].out();
      rest /= g[static_cast<size_t>(k)].out();
    }
    std::byte* pending = out + r.begin * line_bytes;  // fill not yet written, up to the current line
    for (int64_t l = r.begin; l < r.end; ++l) {
      std::byte* line = out + l * line_bytes;
      bool inside = true;
      int64_t from = 0;
      for (size_t k = 0; k < m; ++k) {
        const int64_t j = index[k] - g[k].before;
        inside = inside && j >= 0 && j < g[k].in;
        from += j * src_stride[k];
      }
      if (inside) {
        filler(pending, line + lead - pending);
        simd::copy_rows(line + lead, 0, in + from, 0, 1, static_cast<std::size_t>(body));
        pending = line + lead + body;
      }
      for (size_t k = m; k-- > 0;) {  // next line's index
        if (++index[k] < g[k].out()) break;
        index[k] = 0;
      }
    }
    filler(pending, out + r.end * line_bytes - pending);
  });
}

}  // namespace frost::kernels
