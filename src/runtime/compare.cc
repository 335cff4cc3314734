#include "runtime/compare.h"

#include <cmath>
#include <sstream>

namespace frost {

Comparison compare_tensors(const Tensor& got, const Tensor& expected) {
  Comparison c;
  c.shape_matches = got.shape() == expected.shape();
  if (!c.shape_matches) return c;
  if (got.dtype() == DType::String || expected.dtype() == DType::String) {
    c.shape_matches = got.dtype() == expected.dtype();
    if (c.shape_matches && got.strings() != expected.strings()) c.max_abs_error = INFINITY;
    return c;
  }
  const int64_t n = got.num_elements();
  for (int64_t i = 0; i < n; ++i) {
    const double g = got.as_double(i), e = expected.as_double(i);
    if (std::isnan(g) || std::isnan(e)) {
      c.nan_mismatches += std::isnan(g) != std::isnan(e);
      continue;
    }
    if (std::isinf(e) || std::isinf(g)) {
      if (g != e) c.max_abs_error = INFINITY;
      continue;
    }
    c.max_abs_error = std::max(c.max_abs_error, std::fabs(g - e));
    c.max_abs_expected = std::max(c.max_abs_expected, std::fabs(e));
  }
  const int64_t cols = got.rank() >= 1 ? got.shape().dim(got.rank() - 1) : 1;
  if (cols > 1) {
    c.rows = n / cols;
    for (int64_t r = 0; r < c.rows; ++r) {
      int64_t best_g = 0, best_e = 0;
      for (int64_t k = 1; k < cols; ++k) {
        if (got.as_double(r * cols + k) > got.as_double(r * cols + best_g)) best_g = k;
        if (expected.as_double(r * cols + k) > expected.as_double(r * cols + best_e)) best_e = k;
      }
      c.argmax_agree += best_g == best_e;
    }
  }
  return c;
}

std::string Comparison::to_string() const {
  if (!shape_matches) return "shape or dtype differs";
  std::ostringstream s;
  s.precision(3);
  s << std::scientific << "max abs error " << max_abs_error << ", relative to max|expected| "
    << relative_error();
  if (rows) s << ", argmax agrees " << argmax_agree << "/" << rows;
  if (nan_mismatches) s << ", " << nan_mismatches << " NaN mismatches";
  return s.str();
}

}  // namespace frost
