// Bounds-checked little-endian decoding of a byte range (varints, fixed-width
// integers, slices), shared by the SSTable, snappy and bundle readers.
// Every read checks the remaining length first; a short or malformed input
// throws frost::Error (callers add the file name) and never reads past `end`.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "graph/error.h"

namespace frost {

class ByteReader {
 public:
  explicit ByteReader(std::string_view bytes, std::string what = "data")
      : bytes_(bytes), what_(std::move(what)) {}

  std::size_t position() const { return pos_; }
  std::size_t remaining() const { return bytes_.size() - pos_; }
  bool at_end() const { return pos_ == bytes_.size(); }

  uint8_t u8() {
    need(1);
    return static_cast<uint8_t>(bytes_[pos_++]);
  }
  uint32_t fixed32() { return static_cast<uint32_t>(fixed(4)); }
  uint64_t fixed64() { return fixed(8); }
  // Little-endian integer of 1..8 bytes.
  uint64_t fixed(int width) {
    need(static_cast<std::size_t>(width));
    uint64_t v = 0;
    for (int i = 0; i < width; ++i)
      v |= uint64_t{static_cast<uint8_t>(bytes_[pos_ + static_cast<std::size_t>(i)])} << (8 * i);
    pos_ += static_cast<std::size_t>(width);
    return v;
  }

  // Base-128 varint, 7 bits per byte, least significant group first.
  uint64_t varint64() { return varint(64); }
  uint32_t varint32() { return static_cast<uint32_t>(varint(32)); }

  std::string_view take(uint64_t n) {
    need(n);
    const std::string_view s = bytes_.substr(pos_, static_cast<std::size_t>(n));
    pos_ += static_cast<std::size_t>(n);
    return s;
  }

 private:
  void need(uint64_t n) const {
    if (n > remaining())
      throw Error("truncated " + what_ + ": needs " + std::to_string(n) + " bytes at offset " +
                  std::to_string(pos_) + ", only " + std::to_string(remaining()) + " left");
  }

  uint64_t varint(int bits) {
    uint64_t v = 0;
    for (int shift = 0; shift < bits; shift += 7) {
      const uint8_t byte = u8();
      const uint64_t group = byte & 0x7f;
      // The last group may only fill the bits the type has left.
      if (bits - shift < 7 && (group >> (bits - shift)) != 0) break;
      v |= group << shift;
      if (!(byte & 0x80)) return v;
    }
    throw Error("malformed varint in " + what_ + " before offset " + std::to_string(pos_));
  }

  std::string_view bytes_;
  std::size_t pos_ = 0;
  std::string what_;
};

}  // namespace frost
