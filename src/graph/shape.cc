#include "graph/shape.h"

#include <algorithm>
#include <charconv>

#include "graph/error.h"
#include "graph/text_append.h"

namespace frost {

Shape::Shape(std::initializer_list<int64_t> dims) : Shape(std::vector<int64_t>(dims)) {}

Shape::Shape(std::vector<int64_t> dims) : dims_(std::move(dims)) {
  for (int64_t d : dims_) FROST_CHECK(d >= 0, "negative dimension " + std::to_string(d) + " in shape");
}

int64_t Shape::num_elements() const {
  // Called for every tensor a kernel touches: an overflow check by multiply
  // flag, not by a 64-bit division per dimension.
  int64_t n = 1;
  for (int64_t d : dims_)
    if (__builtin_mul_overflow(n, d, &n)) throw Error("shape " + to_string() + " has too many elements");
  return n;
}

int Shape::axis(int64_t a) const {
  const int64_t r = rank();
  FROST_CHECK(a >= -r && a < r, "axis " + std::to_string(a) + " out of range for shape " + to_string());
  return static_cast<int>(a < 0 ? a + r : a);
}

void append_dims(std::string& s, const std::vector<int64_t>& dims) {
  s += '[';
  for (size_t i = 0; i < dims.size(); ++i) {
    if (i) s += ',';
    if (dims[i] < 0) {
      s += '?';
      continue;
    }
    char digits[24];
    s.append(digits, std::to_chars(digits, digits + sizeof digits, dims[i]).ptr);
  }
  s += ']';
}

static std::string dims_to_string(const std::vector<int64_t>& dims) {
  std::string s;
  append_dims(s, dims);
  return s;
}

std::string Shape::to_string() const { return dims_to_string(dims_); }

bool PartialShape::fully_known() const {
  return known_rank_ && std::all_of(dims_.begin(), dims_.end(), [](int64_t d) { return d >= 0; });
}

Shape PartialShape::to_shape() const {
  FROST_CHECK(fully_known(), "shape " + to_string() + " is not fully known");
  return Shape(dims_);
}

bool PartialShape::accepts(const Shape& s) const {
  if (!known_rank_) return true;
  if (rank() != s.rank()) return false;
  for (int i = 0; i < rank(); ++i)
    if (dims_[static_cast<size_t>(i)] >= 0 && dims_[static_cast<size_t>(i)] != s.dim(i)) return false;
  return true;
}

std::string PartialShape::to_string() const {
  return known_rank_ ? dims_to_string(dims_) : "<unknown rank>";
}

Shape broadcast_shapes(const Shape& a, const Shape& b) {
  const int r = std::max(a.rank(), b.rank());
  std::vector<int64_t> out(static_cast<size_t>(r));
  for (int i = 0; i < r; ++i) {
    const int ia = a.rank() - r + i, ib = b.rank() - r + i;
    const int64_t da = ia >= 0 ? a.dim(ia) : 1, db = ib >= 0 ? b.dim(ib) : 1;
    FROST_CHECK(da == db || da == 1 || db == 1,
                "shapes " + a.to_string() + " and " + b.to_string() + " cannot be broadcast");
    out[static_cast<size_t>(i)] = da == 1 ? db : da;
  }
  return Shape(std::move(out));
}

PartialShape broadcast_shapes(const PartialShape& a, const PartialShape& b) {
  if (!a.known_rank() || !b.known_rank()) return PartialShape::unknown();
  const int r = std::max(a.rank(), b.rank());
  std::vector<int64_t> out(static_cast<size_t>(r));
  for (int i = 0; i < r; ++i) {
    const int ia = a.rank() - r + i, ib = b.rank() - r + i;
    const int64_t da = ia >= 0 ? a.dim(ia) : 1, db = ib >= 0 ? b.dim(ib) : 1;
    int64_t d;
    if (da == 1) d = db;
    else if (db == 1) d = da;
    else if (da < 0) d = db;  // unknown vs known: must be the known one (or 1, then da)
    else if (db < 0) d = da;
    else {
      FROST_CHECK(da == db, "shapes " + a.to_string() + " and " + b.to_string() + " cannot be broadcast");
      d = da;
    }
    out[static_cast<size_t>(i)] = d;
  }
  return PartialShape(std::move(out));
}

}  // namespace frost
