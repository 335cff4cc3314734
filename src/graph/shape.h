// Shapes. `Shape` is concrete (every dimension known, used by tensors at run
// time); `PartialShape` may have unknown dimensions (-1) or an unknown rank, as
// in placeholders and static shape inference.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

namespace frost {

class Shape {
 public:
  Shape() = default;  // a scalar
  Shape(std::initializer_list<int64_t> dims);
  explicit Shape(std::vector<int64_t> dims);  // throws on a negative dimension

  int rank() const { return static_cast<int>(dims_.size()); }
  int64_t dim(int i) const { return dims_[static_cast<size_t>(i)]; }
  int64_t operator[](int i) const { return dim(i); }
  const std::vector<int64_t>& dims() const { return dims_; }
  // Product of the dimensions; throws if it overflows int64.
  int64_t num_elements() const;
  // Resolves a possibly negative axis against the rank; throws if out of range.
  int axis(int64_t a) const;

  std::string to_string() const;  // "[1,28,28,1]", "[]" for a scalar
  bool operator==(const Shape& o) const { return dims_ == o.dims_; }
  bool operator!=(const Shape& o) const { return dims_ != o.dims_; }

 private:
  std::vector<int64_t> dims_;
};

class PartialShape {
 public:
  static constexpr int64_t kUnknown = -1;

  PartialShape() = default;  // unknown rank
  PartialShape(std::initializer_list<int64_t> dims) : known_rank_(true), dims_(dims) {}
  explicit PartialShape(std::vector<int64_t> dims) : known_rank_(true), dims_(std::move(dims)) {}
  PartialShape(const Shape& s) : known_rank_(true), dims_(s.dims()) {}  // NOLINT: implicit on purpose
  static PartialShape unknown() { return PartialShape(); }

  bool known_rank() const { return known_rank_; }
  bool fully_known() const;
  int rank() const { return static_cast<int>(dims_.size()); }  // only when known_rank()
  int64_t dim(int i) const { return dims_[static_cast<size_t>(i)]; }
  const std::vector<int64_t>& dims() const { return dims_; }
  Shape to_shape() const;  // throws unless fully_known()
  // Whether a concrete shape fits (same rank, equal where known).
  bool accepts(const Shape& s) const;

  std::string to_string() const;  // "[?,28,28,1]", "<unknown rank>"
  bool operator==(const PartialShape& o) const {
    return known_rank_ == o.known_rank_ && dims_ == o.dims_;
  }

 private:
  bool known_rank_ = false;
  std::vector<int64_t> dims_;
};

// Numpy broadcasting of two shapes; throws if they are incompatible.
Shape broadcast_shapes(const Shape& a, const Shape& b);
PartialShape broadcast_shapes(const PartialShape& a, const PartialShape& b);

}  // namespace frost
