// CRC-32C, its masking, snappy decompression and the ordered-code slice keys.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "graph/error.h"
#include "io/checkpoint/crc32c.h"
#include "io/checkpoint/slice_key.h"
#include "io/checkpoint/snappy.h"

using namespace frost;

namespace {
std::string bytes(std::initializer_list<int> v) {
  std::string s;
  for (int b : v) s.push_back(static_cast<char>(b));
  return s;
}
}  // namespace

TEST_CASE("crc32c: known vectors (iSCSI / RFC 3720 test patterns)") {
  CHECK(crc32c("123456789") == 0xe3069283u);
  CHECK(crc32c("") == 0u);
  CHECK(crc32c("a") == 0xc1d04330u);
  const std::string zeros(32, '\0');
  CHECK(crc32c(zeros) == 0x8a9136aau);
  const std::string ones(32, '\xff');
  CHECK(crc32c(ones) == 0x62a8ab43u);
  std::string up, down;
  for (int i = 0; i < 32; ++i) {
    up.push_back(static_cast<char>(i));
    down.push_back(static_cast<char>(31 - i));
  }
  CHECK(crc32c(up) == 0x46dd794eu);
  CHECK(crc32c(down) == 0x113fdb5cu);
}

TEST_CASE("crc32c: extend composes, hardware and table paths agree on every length and alignment") {
  std::string s;
  for (int i = 0; i < 300; ++i) s.push_back(static_cast<char>(i * 37 + 11));
  CHECK(crc32c_extend(crc32c("hello "), "world", 5) == crc32c("hello world"));
  MESSAGE("crc32c hardware (SSE4.2) path: " << std::string(crc32c_hardware_available() ? "used" : "not available"));
  for (std::size_t start = 0; start < 9; ++start)
    for (std::size_t len = 0; start + len <= s.size(); len += 7) {
      const uint32_t hw = crc32c(s.data() + start, len);
      const uint32_t sw = crc32c_extend_portable(0, s.data() + start, len);
      REQUIRE_MESSAGE(hw == sw, "start " << start << " len " << len);
      // Split anywhere: extend over the two halves equals the whole.
      const std::size_t cut = len / 3;
      CHECK(crc32c_extend(crc32c(s.data() + start, cut), s.data() + start + cut, len - cut) == hw);
    }
}

TEST_CASE("crc32c: LevelDB/TensorFlow masking") {
  // mask(c) = rotr(c, 15) + 0xa282ead8, by hand for a few values.
  CHECK(crc32c_mask(0) == 0xa282ead8u);
  CHECK(crc32c_mask(0x00008000u) == 0xa282ead9u);  // bit 15 rotates to bit 0
  CHECK(crc32c_mask(1) == 0xa284ead8u);           // bit 0 rotates to bit 17
  const uint32_t c = crc32c("foo");
  CHECK(crc32c_mask(c) != c);
  CHECK(crc32c_mask(crc32c_mask(c)) != c);
  CHECK(crc32c_unmask(crc32c_mask(c)) == c);
  CHECK(crc32c_unmask(crc32c_unmask(crc32c_mask(crc32c_mask(c)))) == c);
  for (uint32_t v : {0u, 1u, 0xffffffffu, 0x80000000u, 0xe3069283u}) CHECK(crc32c_unmask(crc32c_mask(v)) == v);
}

TEST_CASE("snappy: literals, overlapping copies with 1-, 2- and 4-byte offsets") {
  // "abc" literal, then copy length 9 offset 3 (1-byte-offset form): repeats.
  CHECK(snappy_decompress(bytes({12, 0x08, 'a', 'b', 'c', 0x15, 0x03})) == "abcabcabcabc");
  // 2-byte offset copy: length 5 ((5-1)<<2 | 2), offset 2.
  CHECK(snappy_decompress(bytes({7, 0x04, 'x', 'y', 0x12, 0x02, 0x00})) == "xyxyxyx");
  // 4-byte offset copy: length 2, offset 1.
  CHECK(snappy_decompress(bytes({3, 0x00, 'z', 0x07, 0x01, 0, 0, 0})) == "zzz");
  // A literal with a 1-byte length (tag 60): 61 bytes.
  std::string lit = bytes({61, 60 << 2, 60});
  lit += std::string(61, 'q');
  CHECK(snappy_decompress(lit) == std::string(61, 'q'));
  CHECK(snappy_decompress(bytes({0})).empty());
}

TEST_CASE("snappy: malformed streams throw, never read out of bounds") {
  CHECK_THROWS_AS(snappy_decompress(""), Error);                                     // no length
  CHECK_THROWS_AS(snappy_decompress(bytes({5, 0x10, 'a'})), Error);                  // literal truncated
  CHECK_THROWS_AS(snappy_decompress(bytes({4, 0x00, 'a', 0x15, 0x02})), Error);      // offset past start
  CHECK_THROWS_AS(snappy_decompress(bytes({4, 0x00, 'a', 0x15, 0x00})), Error);      // offset 0
  CHECK_THROWS_AS(snappy_decompress(bytes({2, 0x08, 'a', 'b', 'c'})), Error);        // longer than declared
  CHECK_THROWS_AS(snappy_decompress(bytes({9, 0x08, 'a', 'b', 'c'})), Error);        // shorter than declared
  CHECK_THROWS_AS(snappy_decompress(bytes({0xff, 0xff, 0xff, 0xff, 0x0f})), Error);  // 4 GiB claim
  CHECK_THROWS_AS(snappy_decompress(bytes({3, 0x00, 'z', 0x06, 0x01})), Error);     // 2-byte offset cut
}

TEST_CASE("ordered code: documented examples and slice keys") {
  std::string s;
  ordered_code_append_num_increasing(s, 0);
  CHECK(s == bytes({0}));
  s.clear();
  ordered_code_append_num_increasing(s, 0x0102);
  CHECK(s == bytes({2, 1, 2}));
  // Examples from TensorFlow's ordered_code.cc comments.
  s.clear();
  ordered_code_append_signed_num_increasing(s, 0x424242);
  CHECK(s == bytes({0xf0, 0x42, 0x42, 0x42}));
  s.clear();
  ordered_code_append_signed_num_increasing(s, -0x800);
  CHECK(s == bytes({0x38, 0x00}));
  // One byte holds [-64, 64).
  s.clear();
  ordered_code_append_signed_num_increasing(s, 0);
  ordered_code_append_signed_num_increasing(s, 63);
  ordered_code_append_signed_num_increasing(s, -1);
  ordered_code_append_signed_num_increasing(s, -64);
  CHECK(s == bytes({0x80, 0xbf, 0x7f, 0x40}));
  s.clear();
  ordered_code_append_signed_num_increasing(s, 64);
  CHECK(s == bytes({0xc0, 0x40}));
  // Extremes: 10 bytes, header spilling into the second byte.
  s.clear();
  ordered_code_append_signed_num_increasing(s, INT64_MAX);
  CHECK(s == bytes({0xff, 0xc0, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}));
  s.clear();
  ordered_code_append_signed_num_increasing(s, INT64_MIN);
  CHECK(s == bytes({0x00, 0x3f, 0x80, 0, 0, 0, 0, 0, 0, 0}));
  // Encodings sort like the numbers.
  std::vector<int64_t> nums{INT64_MIN, -1000000, -65, -64, -1, 0, 1, 63, 64, 8191, 8192, 1 << 30, INT64_MAX};
  std::vector<std::string> enc;
  for (int64_t v : nums) {
    std::string e;
    ordered_code_append_signed_num_increasing(e, v);
    enc.push_back(e);
  }
  for (std::size_t i = 1; i < enc.size(); ++i) CHECK_MESSAGE(enc[i - 1] < enc[i], "at " << nums[i]);

  s.clear();
  ordered_code_append_string(s, std::string("a\0b\xff", 4));
  CHECK(s == bytes({'a', 0x00, 0xff, 'b', 0xff, 0x00, 0x00, 0x01}));

  // Slice [0,2) x whole of "w": 0, "w" 00 01, rank 2, (0, 2), (0, -1).
  const SliceSpec spec{{0, 2}, {0, SliceExtent::kFull}};
  CHECK(encode_slice_key("w", spec) == bytes({0x00, 'w', 0x00, 0x01, 0x01, 0x02, 0x80, 0x82, 0x80, 0x7f}));
  CHECK(slice_spec_to_string(spec) == "0,2:-");
}
