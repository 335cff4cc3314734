// Keys under which a tensor bundle stores the slices of a partitioned
// variable. TensorFlow writes each slice as its own entry keyed by
// checkpoint::EncodeTensorNameSlice(name, slice), an "ordered code" string:
//   NumIncreasing(0)  — so all slice keys sort before any tensor name
//   String(name)      — bytes with 0x00 -> 00 ff and 0xff -> ff 00, then 00 01
//   NumIncreasing(rank)
//   per dimension: SignedNumIncreasing(start), SignedNumIncreasing(length)
// A dimension the slice takes whole is start 0, length -1.
// (Encodings as documented in TensorFlow's lib/strings/ordered_code.cc.)
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace frost {

struct SliceExtent {
  static constexpr int64_t kFull = -1;  // the whole dimension
  int64_t start = 0;
  int64_t length = kFull;
};

// One slice of a partitioned tensor: an extent per dimension.
using SliceSpec = std::vector<SliceExtent>;

std::string slice_spec_to_string(const SliceSpec& spec);  // "0,2:-" as TensorFlow prints

// The bundle key of slice `spec` of tensor `name`.
std::string encode_slice_key(const std::string& name, const SliceSpec& spec);

// The ordered-code pieces, exposed for tests.
void ordered_code_append_num_increasing(std::string& out, uint64_t value);
void ordered_code_append_signed_num_increasing(std::string& out, int64_t value);
void ordered_code_append_string(std::string& out, const std::string& value);

}  // namespace frost
