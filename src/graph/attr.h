// Node attributes, typed. Mirrors TensorFlow's AttrValue: scalars, lists, a
// shape, a tensor (Const values are decoded once at import). Function-valued
// and placeholder attrs Frost does not interpret are kept as the serialized
// AttrValue bytes so export writes them back unchanged.
#pragma once

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "graph/dtype.h"
#include "graph/shape.h"
#include "graph/tensor.h"

namespace frost {

struct OpaqueAttr {
  std::string serialized;  // a tensorflow.AttrValue, binary wire format
  bool operator==(const OpaqueAttr&) const = default;
};

// An empty list has no element type in TensorFlow; it reads as any list kind.
struct EmptyList {
  bool operator==(const EmptyList&) const = default;
};

class AttrValue {
 public:
  using Value = std::variant<std::string, int64_t, float, bool, DType, PartialShape, Tensor,
                             std::vector<std::string>, std::vector<int64_t>, std::vector<float>,
                             std::vector<bool>, std::vector<DType>, std::vector<PartialShape>,
                             std::vector<Tensor>, EmptyList, OpaqueAttr>;

  AttrValue() : value_(EmptyList{}) {}
  template <class T>
  AttrValue(T v) : value_(std::move(v)) {}  // NOLINT: implicit, attrs read like values
  AttrValue(int v) : value_(int64_t{v}) {}
  AttrValue(const char* s) : value_(std::string(s)) {}

  const Value& value() const { return value_; }
  template <class T>
  bool is() const { return std::holds_alternative<T>(value_); }

  // Typed reads; each throws frost::Error naming the expected and actual kind.
  const std::string& s() const;
  int64_t i() const;
  float f() const;
  bool b() const;
  DType type() const;
  const PartialShape& shape() const;
  const Tensor& tensor() const;
  std::vector<std::string> list_s() const;
  std::vector<int64_t> list_i() const;
  std::vector<float> list_f() const;
  std::vector<DType> list_type() const;
  std::vector<PartialShape> list_shape() const;

  std::string kind_name() const;  // "string", "int", "list(int)", ...
  std::string to_string() const;  // short human form for inspect/errors

 private:
  Value value_;
};

}  // namespace frost
