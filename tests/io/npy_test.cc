// .npy read/write: every supported dtype round trips; headers of versions
// 1.0, 2.0 and 3.0 built byte by byte here (as np.save writes them) decode;
// Fortran order, big-endian, object and unknown dtypes, truncation and absurd
// shapes are refused with the file named.
#include <doctest/doctest.h>

#include <cstring>

#include "io/npy.h"
#include "io_test_util.h"

using namespace frost;
using frost::testing::has;
using frost::testing::TempDir;

namespace {

// A .npy file: magic, version, little-endian header length, the header text
// (padded with spaces and '\n' to a multiple of 64 bytes), then `data`.
std::string npy_file(int major, const std::string& dict, const std::string& data, bool pad = true) {
  const size_t len_width = major == 1 ? 2 : 4;
  std::string header = dict;
  if (pad) {
    const size_t total = 8 + len_width + header.size() + 1;
    header.append((64 - total % 64) % 64, ' ');
    header += '\n';
  }
  std::string out("\x93NUMPY", 6);
  out += static_cast<char>(major);
  out += '\0';
  for (size_t i = 0; i < len_width; ++i) out += static_cast<char>((header.size() >> (8 * i)) & 0xff);
  return out + header + data;
}

template <class T>
std::string raw(std::initializer_list<T> values) {
  std::string s(values.size() * sizeof(T), '\0');
  std::memcpy(s.data(), std::data(values), s.size());
  return s;
}

std::vector<double> as_doubles(const Tensor& t) {
  std::vector<double> out;
  for (int64_t i = 0; i < t.num_elements(); ++i) out.push_back(t.as_double(i));
  return out;
}

}  // namespace

TEST_CASE("npy: reads the header np.save writes, versions 1.0, 2.0 and 3.0") {
  const std::string data = raw<float>({1, 2, 3, 4, 5, 6});
  for (int major : {1, 2, 3}) {
    CAPTURE(major);
    const Tensor t = npy_from_bytes(npy_file(major, "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", data));
    CHECK(t.dtype() == DType::Float);
    CHECK(t.shape() == Shape{2, 3});
    CHECK(as_doubles(t) == std::vector<double>{1, 2, 3, 4, 5, 6});
  }
}

TEST_CASE("npy: header variants: key order, double quotes, no padding, 1-d, scalar, empty, Python 2 longs") {
  const Tensor a = npy_from_bytes(
      npy_file(1, "{\"shape\": (3,), \"fortran_order\": False, \"descr\": \"<i4\"}", raw<int32_t>({-1, 0, 7}), false));
  CHECK(a.shape() == Shape{3});
  CHECK(as_doubles(a) == std::vector<double>{-1, 0, 7});
  const Tensor scalar = npy_from_bytes(npy_file(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (), }", raw<double>({2.5})));
  CHECK(scalar.rank() == 0);
  CHECK(scalar.data<double>()[0] == 2.5);
  const Tensor empty = npy_from_bytes(npy_file(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (0, 5), }", ""));
  CHECK(empty.shape() == Shape{0, 5});
  const Tensor longs = npy_from_bytes(npy_file(1, "{'descr': '|u1', 'fortran_order': False, 'shape': (2L, 1L), }", "\x05\x06"));
  CHECK(longs.shape() == Shape{2, 1});
  // Fortran order of a 1-d array is the same layout and is accepted.
  const Tensor f1 = npy_from_bytes(npy_file(1, "{'descr': '<i2', 'fortran_order': True, 'shape': (2,), }", raw<int16_t>({3, 4})));
  CHECK(as_doubles(f1) == std::vector<double>{3, 4});
}

TEST_CASE("npy: every supported descr decodes") {
  struct Case {
    const char* descr;
    DType dtype;
    std::string data;
    std::vector<double> want;
  };
  const std::vector<Case> cases = {
      {"<f2", DType::Half, raw<uint16_t>({0x3c00, 0xc100}), {1.0, -2.5}},
      {"<f4", DType::Float, raw<float>({0.5f, -8}), {0.5, -8}},
      {"<f8", DType::Double, raw<double>({1e-300, 3}), {1e-300, 3}},
      {"|i1", DType::Int8, raw<int8_t>({-128, 127}), {-128, 127}},
      {"<i2", DType::Int16, raw<int16_t>({-32768, 5}), {-32768, 5}},
      {"<i4", DType::Int32, raw<int32_t>({-70000, 1}), {-70000, 1}},
      {"<i8", DType::Int64, raw<int64_t>({int64_t{1} << 40, -1}), {1099511627776.0, -1}},
      {"|u1", DType::UInt8, raw<uint8_t>({255, 0}), {255, 0}},
      {"<u2", DType::UInt16, raw<uint16_t>({65535, 1}), {65535, 1}},
      {"<u4", DType::UInt32, raw<uint32_t>({4000000000u, 2}), {4000000000.0, 2}},
      {"<u8", DType::UInt64, raw<uint64_t>({uint64_t{1} << 63, 3}), {9223372036854775808.0, 3}},
      {"|b1", DType::Bool, std::string("\x01\x00", 2), {1, 0}},
  };
  for (const auto& c : cases) {
    CAPTURE(c.descr);
    const std::string dict = std::string("{'descr': '") + c.descr + "', 'fortran_order': False, 'shape': (2,), }";
    const Tensor t = npy_from_bytes(npy_file(1, dict, c.data));
    CHECK(t.dtype() == c.dtype);
    CHECK(as_doubles(t) == c.want);
  }
}

TEST_CASE("npy: write then read gives the same tensor for each dtype; the header is what numpy expects") {
  TempDir tmp;
  for (DType d : {DType::Half, DType::Float, DType::Double, DType::Int8, DType::Int16, DType::Int32, DType::Int64,
                  DType::UInt8, DType::UInt16, DType::UInt32, DType::UInt64, DType::Bool}) {
    CAPTURE(dtype_name(d));
    Tensor t(d, Shape{2, 3, 1});
    auto* bytes = static_cast<uint8_t*>(t.raw_data());
    for (size_t i = 0; i < t.byte_size(); ++i) bytes[i] = static_cast<uint8_t>(d == DType::Bool ? i % 2 : i * 29 + 3);
    const std::string path = tmp.file("t.npy");
    write_npy(path, t);
    const Tensor back = read_npy(path);
    CHECK(back.dtype() == d);
    CHECK(back.shape() == t.shape());
    CHECK(std::memcmp(back.raw_data(), t.raw_data(), t.byte_size()) == 0);
  }
  const std::string bytes = npy_to_bytes(Tensor::from_vector<float>({1, 2, 3}));
  CHECK(bytes.substr(0, 8) == std::string("\x93NUMPY\x01\x00", 8));
  const size_t header_len = static_cast<unsigned char>(bytes[8]) | (static_cast<unsigned char>(bytes[9]) << 8);
  CHECK((10 + header_len) % 64 == 0);
  const std::string dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }";
  CHECK(header_len == 118);  // 10 + 118 = 128, as np.save pads it
  CHECK(bytes.substr(10, header_len) == dict + std::string(128 - 10 - dict.size() - 1, ' ') + "\n");
  CHECK(bytes.size() == 10 + header_len + 12);
  // Scalars write "()".
  CHECK(npy_to_bytes(Tensor::scalar<int64_t>(4)).find("'shape': (), ") != std::string::npos);
}

TEST_CASE("npy: a header too long for version 1.0 is written as version 2.0") {
  // 30000 dims: the shape literal alone is ~90 KiB, past v1.0's 16-bit length.
  std::vector<int64_t> dims(30000, 1);
  dims[0] = 2;
  // Shapes of this rank cannot be read back (rank limit), but the writer must choose v2.
  Tensor t(DType::UInt8, Shape(dims));
  const std::string bytes = npy_to_bytes(t);
  CHECK(bytes[6] == '\x02');
  const size_t header_len = static_cast<unsigned char>(bytes[8]) | (static_cast<unsigned char>(bytes[9]) << 8) |
                            (static_cast<size_t>(static_cast<unsigned char>(bytes[10])) << 16);
  CHECK(header_len > 0xffff);
  CHECK((12 + header_len) % 64 == 0);
  CHECK(bytes.size() == 12 + header_len + 2);
}

TEST_CASE("npy: bfloat16 and quantised tensors are written as numpy types") {
  Tensor bf(DType::BFloat16, Shape{2});
  bf.data<uint16_t>()[0] = 0x3f80;  // 1.0
  bf.data<uint16_t>()[1] = 0x4049;  // 3.140625
  const Tensor back = npy_from_bytes(npy_to_bytes(bf));
  CHECK(back.dtype() == DType::Float);
  CHECK(as_doubles(back) == std::vector<double>{1.0, 3.140625});
  Tensor q(DType::QUInt8, Shape{1});
  q.data<uint8_t>()[0] = 200;
  const Tensor qb = npy_from_bytes(npy_to_bytes(q));
  CHECK(qb.dtype() == DType::UInt8);
  CHECK(qb.data<uint8_t>()[0] == 200);
  Tensor s(DType::String, Shape{1});
  CHECK_THROWS_AS(npy_to_bytes(s), Error);
}

TEST_CASE("npy: unsupported layouts and dtypes are clear errors naming the file") {
  auto error_for = [](const std::string& dict, const std::string& data) {
    TempDir tmp;
    const std::string path = tmp.file("bad.npy");
    std::string bytes = npy_file(1, dict, data);
    FILE* f = std::fopen(path.c_str(), "wb");
    std::fwrite(bytes.data(), 1, bytes.size(), f);
    std::fclose(f);
    try {
      read_npy(path);
    } catch (const Error& e) {
      CHECK(std::string(e.what()).find(path) != std::string::npos);
      return std::string(e.what());
    }
    return std::string("<no error>");
  };
  CHECK(error_for("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 2), }", raw<float>({1, 2, 3, 4}))
            .find("Fortran-order") != std::string::npos);
  CHECK(error_for("{'descr': '>f4', 'fortran_order': False, 'shape': (1,), }", raw<float>({1}))
            .find("big-endian") != std::string::npos);
  CHECK(error_for("{'descr': '|O', 'fortran_order': False, 'shape': (1,), }", raw<int64_t>({0}))
            .find("object arrays") != std::string::npos);
  CHECK(error_for("{'descr': '<c8', 'fortran_order': False, 'shape': (1,), }", raw<float>({1, 2}))
            .find("unsupported dtype descr '<c8'") != std::string::npos);
  CHECK(error_for("{'descr': '<U3', 'fortran_order': False, 'shape': (1,), }", std::string(12, 'a'))
            .find("unsupported dtype descr") != std::string::npos);
  CHECK(error_for("{'descr': [('a', '<i4')], 'fortran_order': False, 'shape': (1,), }", raw<int32_t>({1}))
            .find("structured") != std::string::npos);
}

TEST_CASE("npy: truncated files, bad headers and absurd shapes never read out of bounds") {
  const std::string good = npy_file(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (4,), }", raw<float>({1, 2, 3, 4}));
  // Every prefix of a valid file is an error, not a crash.
  for (size_t keep = 0; keep < good.size(); ++keep) {
    CAPTURE(keep);
    CHECK_THROWS_AS(npy_from_bytes(good.substr(0, keep), "cut.npy"), Error);
  }
  CHECK_THROWS_WITH_AS(npy_from_bytes(good.substr(0, good.size() - 3), "cut.npy"), has("cut.npy: truncated .npy data"),
                       Error);
  CHECK_THROWS_WITH_AS(npy_from_bytes(good + "xx", "long.npy"), has("2 bytes more"), Error);
  CHECK_THROWS_WITH_AS(npy_from_bytes("PK\x03\x04 not npy", "x.npy"), has("x.npy: not a .npy file"), Error);

  // A header length pointing past the end of the file.
  std::string lying = good;
  lying[8] = '\xff';
  lying[9] = '\x7f';
  CHECK_THROWS_WITH_AS(npy_from_bytes(lying, "h.npy"), has("truncated .npy header"), Error);
  std::string v4 = good;
  v4[6] = 4;
  CHECK_THROWS_WITH_AS(npy_from_bytes(v4, "v.npy"), has("format version 4"), Error);

  // Absurd shapes are refused from the header alone (no 10^20-element allocation).
  CHECK_THROWS_WITH_AS(
      npy_from_bytes(npy_file(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (100000000000, 1000000000), }", ""),
                     "big.npy"),
      has("big.npy: malformed .npy header (absurd dimension in shape)"), Error);
  CHECK_THROWS_WITH_AS(
      npy_from_bytes(npy_file(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (100000, 100000, 100000), }", ""),
                     "big.npy"),
      has("absurdly large"), Error);
  CHECK_THROWS_AS(npy_from_bytes(npy_file(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (2000000000,), }", "")),
                  Error);
  CHECK_THROWS_AS(npy_from_bytes(npy_file(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999999999999999,), }", "")),
                  Error);
  CHECK_THROWS_AS(npy_from_bytes(npy_file(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (-1,), }", "")), Error);
  // Malformed dicts.
  for (const char* dict : {"{'descr': '<f4', 'shape': (1,), }", "{'descr': '<f4', 'fortran_order': Maybe, 'shape': (1,)}",
                           "{'descr': '<f4', 'fortran_order': False, 'shape': (1,", "{'descr: '<f4'}", "", "[1, 2]",
                           "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), 'extra': 1}"}) {
    CAPTURE(dict);
    CHECK_THROWS_AS(npy_from_bytes(npy_file(1, dict, raw<float>({1}))), Error);
  }
  CHECK_THROWS_WITH_AS(read_npy("/nonexistent/in.npy"), has("/nonexistent/in.npy: no such file"), Error);
}
