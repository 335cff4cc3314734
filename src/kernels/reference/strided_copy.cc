#include "kernels/strided_copy.h"

#include <cstring>

namespace frost::kernels {

namespace {

// Copies one element of a fixed or run-time size; bytes-as-elements keeps the
// kernel dtype-agnostic (float, int64, bool and quint8 all move the same way).
struct ByteMover {
  std::size_t elem_bytes;
  using Ptr = std::byte*;
  using CPtr = const std::byte*;
  CPtr advance(CPtr p, int64_t elems) const { return p + elems * static_cast<int64_t>(elem_bytes); }
  Ptr advance(Ptr p, int64_t elems) const { return p + elems * static_cast<int64_t>(elem_bytes); }
  void row(CPtr src, int64_t src_stride, Ptr dst, int64_t dst_stride, int64_t n) const {
    if (src_stride == 1 && dst_stride == 1) {
      std::memcpy(dst, src, static_cast<std::size_t>(n) * elem_bytes);
      return;
    }
    for (int64_t i = 0; i < n; ++i) std::memcpy(advance(dst, i * dst_stride), advance(src, i * src_stride), elem_bytes);
  }
};

struct StringMover {
  using Ptr = std::string*;
  using CPtr = const std::string*;
  CPtr advance(CPtr p, int64_t elems) const { return p + elems; }
  Ptr advance(Ptr p, int64_t elems) const { return p + elems; }
  void row(CPtr src, int64_t src_stride, Ptr dst, int64_t dst_stride, int64_t n) const {
    for (int64_t i = 0; i < n; ++i) dst[i * dst_stride] = src[i * src_stride];
  }
};

template <class Mover>
void copy_dim(const StridedCopyParams& p, const Mover& m, std::size_t d, typename Mover::CPtr src,
              typename Mover::Ptr dst) {
  const int64_t n = p.dims[d];
  if (d + 1 == p.dims.size()) {
    m.row(src, p.src_strides[d], dst, p.dst_strides[d], n);
    return;
  }
  for (int64_t i = 0; i < n; ++i)
    copy_dim(p, m, d + 1, m.advance(src, i * p.src_strides[d]), m.advance(dst, i * p.dst_strides[d]));
}

template <class Mover>
void copy_all(const StridedCopyParams& p, const Mover& m, typename Mover::CPtr src, typename Mover::Ptr dst) {
  for (int64_t d : p.dims)
    if (d == 0) return;
  if (p.dims.empty()) {
    m.row(src, 1, dst, 1, 1);  // rank 0: one element
    return;
  }
  copy_dim(p, m, 0, src, dst);
}

}  // namespace

void strided_copy_reference(const StridedCopyParams& p, const void* src, void* dst, std::size_t elem_bytes) {
  copy_all(p, ByteMover{elem_bytes}, static_cast<const std::byte*>(src), static_cast<std::byte*>(dst));
}

void strided_copy_reference(const StridedCopyParams& p, const std::string* src, std::string* dst) {
  copy_all(p, StringMover{}, src, dst);
}

}  // namespace frost::kernels
