// Small tensor builders and an error check for the math op tests.
#pragma once

#include <initializer_list>
#include <limits>
#include <string>
#include <vector>

#include "op_test_util.h"

namespace frost::testing {

inline const float kNaN = std::numeric_limits<float>::quiet_NaN();
inline const float kInf = std::numeric_limits<float>::infinity();

inline Tensor f64(std::vector<double> v, Shape s) { return Tensor::from_vector(v, std::move(s)); }
inline Tensor u8(std::vector<uint8_t> v, Shape s) { return Tensor::from_vector(v, std::move(s)); }
inline Tensor boolean(std::vector<int> v, Shape s) {
  std::vector<bool> b(v.begin(), v.end());
  Tensor t(DType::Bool, std::move(s));
  REQUIRE(static_cast<int64_t>(b.size()) == t.num_elements());
  for (size_t i = 0; i < b.size(); ++i) t.data<bool>()[i] = b[i];
  return t;
}

// Half / bfloat16 tensors from float values (rounded to nearest even).
inline Tensor f16(std::vector<float> v, Shape s, DType t = DType::Half) {
  Tensor out(t, std::move(s));
  REQUIRE(static_cast<int64_t>(v.size()) == out.num_elements());
  for (size_t i = 0; i < v.size(); ++i)
    out.data<uint16_t>()[i] = t == DType::Half ? float_to_half(v[i]) : float_to_bfloat16(v[i]);
  return out;
}
inline Tensor bf16(std::vector<float> v, Shape s) { return f16(std::move(v), std::move(s), DType::BFloat16); }

// Exact comparison of every element (as double), dtype and shape included.
inline void check_equal(const Tensor& got, const Tensor& want) { check_close(got, want, 0.0); }

// Runs f, which must throw frost::Error whose text contains every fragment.
template <class F>
void check_error(F&& f, std::initializer_list<std::string> fragments) {
  try {
    f();
    FAIL_CHECK("expected a frost::Error");
  } catch (const Error& e) {
    const std::string text = e.what();
    for (const std::string& frag : fragments)
      CHECK_MESSAGE(text.find(frag) != std::string::npos, "error '" << text << "' does not mention '" << frag << "'");
  }
}

}  // namespace frost::testing
