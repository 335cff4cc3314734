#include "io/checkpoint/slice_key.h"

namespace frost {

void ordered_code_append_num_increasing(std::string& out, uint64_t value) {
  // A length byte, then the value big-endian without leading zero bytes
  // (0 is the single byte 0x00).
  unsigned char digits[8];
  int n = 0;
  for (; value > 0; value >>= 8) digits[n++] = static_cast<unsigned char>(value & 0xff);
  out.push_back(static_cast<char>(n));
  while (n > 0) out.push_back(static_cast<char>(digits[--n]));
}

void ordered_code_append_signed_num_increasing(std::string& out, int64_t value) {
  // n bytes hold values in [-2^(7n-1), 2^(7n-1)): the two's complement value
  // in n big-endian bytes, whose leading n+1 bits (all copies of the sign)
  // are replaced by a header: the sign bit inverted n times, then a delimiter
  // bit equal to the sign. XOR with n leading one-bits does exactly that.
  const uint64_t magnitude = value < 0 ? ~static_cast<uint64_t>(value) : static_cast<uint64_t>(value);
  int bits = 0;  // significant bits of the magnitude
  while (bits < 64 && (magnitude >> bits) != 0) ++bits;
  int n = 1;
  while (n < 10 && bits + 1 > 7 * n) ++n;  // n bytes leave 7n - 1 bits for the magnitude
  unsigned char bytes[10];
  const uint64_t u = static_cast<uint64_t>(value);
  const unsigned char sign_fill = value < 0 ? 0xff : 0x00;
  for (int i = 0; i < n; ++i) {
    const int from_end = n - 1 - i;  // byte index counted from the least significant
    bytes[i] = from_end < 8 ? static_cast<unsigned char>(u >> (8 * from_end)) : sign_fill;
  }
  // Header: n one-bits from the top of the first byte (spilling into the
  // second byte for n > 8).
  for (int b = 0; b < n; ++b) bytes[b / 8] ^= static_cast<unsigned char>(0x80u >> (b % 8));
  out.append(reinterpret_cast<const char*>(bytes), static_cast<std::size_t>(n));
}

void ordered_code_append_string(std::string& out, const std::string& value) {
  for (const char c : value) {
    if (c == '\0') {
      out.push_back('\0');
      out.push_back('\xff');
    } else if (c == '\xff') {
      out.push_back('\xff');
      out.push_back('\0');
    } else {
      out.push_back(c);
    }
  }
  out.push_back('\0');
  out.push_back('\x01');
}

std::string encode_slice_key(const std::string& name, const SliceSpec& spec) {
  std::string key;
  ordered_code_append_num_increasing(key, 0);
  ordered_code_append_string(key, name);
  ordered_code_append_num_increasing(key, spec.size());
  for (const SliceExtent& e : spec) {
    ordered_code_append_signed_num_increasing(key, e.start);
    ordered_code_append_signed_num_increasing(key, e.length);
  }
  return key;
}

std::string slice_spec_to_string(const SliceSpec& spec) {
  std::string s;
  for (std::size_t i = 0; i < spec.size(); ++i) {
    if (i) s += ':';
    if (spec[i].length == SliceExtent::kFull) s += '-';
    else s += std::to_string(spec[i].start) + ',' + std::to_string(spec[i].length);
  }
  return s;
}

}  // namespace frost
