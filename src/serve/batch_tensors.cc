#include "serve/batch_tensors.h"

#include <cstring>

namespace frost::serve {

namespace {

Shape with_rows(const Shape& s, int64_t rows) {
  std::vector<int64_t> dims = s.dims();
  dims[0] = rows;
  return Shape(dims);
}

int64_t row_elements(const Tensor& t) { return t.shape().dim(0) == 0 ? 0 : t.num_elements() / t.shape().dim(0); }

}  // namespace

bool same_row_shape(const Tensor& a, const Tensor& b) {
  if (a.dtype() != b.dtype() || a.rank() != b.rank() || a.rank() == 0) return false;
  for (int d = 1; d < a.rank(); ++d)
    if (a.shape().dim(d) != b.shape().dim(d)) return false;
  return true;
}

Tensor concat_rows(const std::vector<const Tensor*>& parts, int64_t total_rows) {
  const Tensor& first = *parts.front();
  Tensor out(first.dtype(), with_rows(first.shape(), total_rows));
  if (out.dtype() == DType::String) {
    auto& dst = out.strings();
    size_t next = 0;
    for (const Tensor* p : parts)
      for (const std::string& s : p->strings()) dst[next++] = s;
    return out;
  }
  auto* dst = static_cast<std::byte*>(out.raw_data());
  size_t written = 0;
  for (const Tensor* p : parts) {
    std::memcpy(dst + written, p->raw_data(), p->byte_size());
    written += p->byte_size();
  }
  std::memset(dst + written, 0, out.byte_size() - written);
  return out;
}

Tensor slice_rows(const Tensor& t, int64_t begin, int64_t count) {
  Tensor out(t.dtype(), with_rows(t.shape(), count));
  const int64_t per_row = row_elements(t);
  if (t.dtype() == DType::String) {
    const auto& src = t.strings();
    std::copy(src.begin() + begin * per_row, src.begin() + (begin + count) * per_row, out.strings().begin());
    return out;
  }
  const size_t row_bytes = static_cast<size_t>(per_row) * dtype_size(t.dtype());
  std::memcpy(out.raw_data(), static_cast<const std::byte*>(t.raw_data()) + static_cast<size_t>(begin) * row_bytes,
              static_cast<size_t>(count) * row_bytes);
  return out;
}

}  // namespace frost::serve
