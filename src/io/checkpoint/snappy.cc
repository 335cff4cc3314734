#include "io/checkpoint/snappy.h"

#include "graph/error.h"
#include "io/checkpoint/byte_reader.h"

namespace frost {

namespace {
// A copy element of at most 3 bytes yields at most 64 bytes, so no valid
// stream expands by more than ~22x; anything claiming more is corrupt.
constexpr uint64_t kMaxExpansion = 32;
constexpr uint64_t kMaxUncompressed = uint64_t{1} << 30;
}  // namespace

std::string snappy_decompress(std::string_view compressed) {
  ByteReader in(compressed, "snappy stream");
  const uint64_t expected = in.varint32();
  if (expected > kMaxUncompressed || expected > compressed.size() * kMaxExpansion + 64)
    throw Error("snappy stream declares " + std::to_string(expected) + " bytes from only " +
                std::to_string(compressed.size()) + " compressed bytes");
  std::string out;
  out.reserve(static_cast<std::size_t>(expected));

  auto check_room = [&](uint64_t len) {
    if (len > expected - out.size())
      throw Error("snappy stream expands beyond its declared " + std::to_string(expected) + " bytes");
  };

  while (!in.at_end()) {
    const uint8_t tag = in.u8();
    const unsigned kind = tag & 3u;
    if (kind == 0) {  // literal
      uint64_t len = tag >> 2;
      if (len >= 60) len = in.fixed(static_cast<int>(len - 59));  // 1..4 length bytes
      len += 1;
      check_room(len);
      out.append(in.take(len));
      continue;
    }
    uint64_t len = 0, offset = 0;
    if (kind == 1) {
      len = 4 + ((tag >> 2) & 7u);
      offset = (static_cast<uint64_t>(tag >> 5) << 8) | in.u8();
    } else if (kind == 2) {
      len = 1 + (tag >> 2);
      offset = in.fixed(2);
    } else {
      len = 1 + (tag >> 2);
      offset = in.fixed(4);
    }
    if (offset == 0 || offset > out.size())
      throw Error("snappy copy offset " + std::to_string(offset) + " outside the " +
                  std::to_string(out.size()) + " bytes produced so far");
    check_room(len);
    // Byte by byte: a copy may overlap its own output (offset < len repeats).
    std::size_t from = out.size() - static_cast<std::size_t>(offset);
    for (uint64_t i = 0; i < len; ++i) out.push_back(out[from++]);
  }
  if (out.size() != expected)
    throw Error("snappy stream ends after " + std::to_string(out.size()) + " of " +
                std::to_string(expected) + " bytes");
  return out;
}

}  // namespace frost
