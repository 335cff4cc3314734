// Comparing a computed tensor with a reference (TensorFlow's) value: the
// numbers `frost check` and the model tests report.
#pragma once

#include <cstdint>
#include <string>

#include "graph/tensor.h"

namespace frost {

struct Comparison {
  bool shape_matches = false;
  double max_abs_error = 0;     // max |got - expected|
  double max_abs_expected = 0;  // max |expected|, the scale errors are judged against
  int64_t rows = 0;             // argmax over the last axis, for rows of >1 element
  int64_t argmax_agree = 0;
  int64_t nan_mismatches = 0;   // NaN on one side only

  // max_abs_error relative to the expected tensor's scale.
  double relative_error() const { return max_abs_expected > 0 ? max_abs_error / max_abs_expected : max_abs_error; }
  // Passes when the error is within atol + rtol * max|expected|.
  bool within(double rtol, double atol) const {
    return shape_matches && nan_mismatches == 0 && max_abs_error <= atol + rtol * max_abs_expected;
  }
  std::string to_string() const;
};

// Numeric tensors of any dtype (compared as doubles); strings compare equal or not.
Comparison compare_tensors(const Tensor& got, const Tensor& expected);

}  // namespace frost
