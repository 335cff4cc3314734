// IDX (MNIST format) through zlib: plain and gzipped files built here, the
// real Fashion-MNIST test set when installed, and bad files.
#include <doctest/doctest.h>

#include <zlib.h>

#include <filesystem>

#include "io/graph_file.h"
#include "io/idx.h"
#include "io_test_util.h"

using namespace frost;
using frost::testing::has;
using frost::testing::TempDir;

namespace {

std::string idx_bytes(uint8_t type, const std::vector<uint32_t>& dims, const std::string& data) {
  std::string out = {'\0', '\0', static_cast<char>(type), static_cast<char>(dims.size())};
  for (uint32_t d : dims)
    for (int shift = 24; shift >= 0; shift -= 8) out += static_cast<char>((d >> shift) & 0xff);
  return out + data;
}

void write_gz(const std::string& path, const std::string& bytes) {
  gzFile f = gzopen(path.c_str(), "wb");
  REQUIRE(f != nullptr);
  REQUIRE(gzwrite(f, bytes.data(), static_cast<unsigned>(bytes.size())) == static_cast<int>(bytes.size()));
  gzclose(f);
}

}  // namespace

TEST_CASE("idx: labels and images, plain and gzipped") {
  TempDir tmp;
  const std::string labels = idx_bytes(0x08, {3}, std::string("\x09\x00\x05", 3));
  write_file_bytes(tmp.file("labels"), labels);
  write_gz(tmp.file("labels.gz"), labels);
  for (const auto& path : {tmp.file("labels"), tmp.file("labels.gz")}) {
    CAPTURE(path);
    const Tensor t = read_idx(path);
    CHECK(t.dtype() == DType::UInt8);
    CHECK(t.shape() == Shape{3});
    CHECK(t.to_int64_vector() == std::vector<int64_t>{9, 0, 5});
  }
  std::string pixels;
  for (int i = 0; i < 2 * 2 * 3; ++i) pixels += static_cast<char>(i * 20);
  write_gz(tmp.file("images.gz"), idx_bytes(0x08, {2, 2, 3}, pixels));
  const Tensor images = read_idx(tmp.file("images.gz"));
  CHECK(images.shape() == Shape{2, 2, 3});
  CHECK(images.data<uint8_t>()[11] == 220);
  CHECK(images.data<uint8_t>()[6] == 120);
}

TEST_CASE("idx: bad magic, unsupported types, truncation, trailing bytes and absurd dims") {
  TempDir tmp;
  auto error_for = [&](const std::string& bytes) {
    const std::string path = tmp.file("bad.idx.gz");
    write_gz(path, bytes);
    try {
      read_idx(path);
    } catch (const Error& e) {
      CHECK(std::string(e.what()).find(path) != std::string::npos);
      return std::string(e.what());
    }
    return std::string("<no error>");
  };
  CHECK(error_for("\x01\x02\x08\x01").find("not an IDX file") != std::string::npos);
  CHECK(error_for(idx_bytes(0x0d, {1}, "abcd")).find("0x0d is not supported") != std::string::npos);
  CHECK(error_for(idx_bytes(0x08, {}, "")).find("0 dimensions") != std::string::npos);
  CHECK(error_for(std::string("\0\0", 2)).find("truncated") != std::string::npos);
  CHECK(error_for(idx_bytes(0x08, {10, 28, 28}, "").substr(0, 10)).find("truncated IDX header") != std::string::npos);
  CHECK(error_for(idx_bytes(0x08, {10, 28, 28}, std::string(100, 'x'))).find("truncated IDX data") != std::string::npos);
  CHECK(error_for(idx_bytes(0x08, {2}, "abc")).find("past the end") != std::string::npos);
  // 4 x 2^32-1 bytes claimed by a 30-byte file: refused without allocating it.
  CHECK(error_for(idx_bytes(0x08, {0xffffffff, 0xffffffff, 0xffffffff}, "")).find("absurdly large") != std::string::npos);
  CHECK(error_for(idx_bytes(0x08, {0xffffffffu, 2}, "tiny")).find("truncated IDX data") != std::string::npos);
  CHECK_THROWS_WITH_AS(read_idx(tmp.file("missing.gz")), has("missing.gz: no such file"), Error);
  // A zero dimension is an empty tensor.
  write_gz(tmp.file("empty.gz"), idx_bytes(0x08, {0, 28}, ""));
  CHECK(read_idx(tmp.file("empty.gz")).shape() == Shape{0, 28});
}

TEST_CASE("idx: the Fashion-MNIST test set (Debian dataset-fashion-mnist)") {
  const std::string dir = "/usr/share/datasets/fashion-mnist";
  if (!std::filesystem::exists(dir + "/t10k-labels-idx1-ubyte.gz")) {
    MESSAGE("SKIPPED: Fashion-MNIST not installed (apt-get install dataset-fashion-mnist)");
    return;
  }
  const Tensor labels = read_idx(dir + "/t10k-labels-idx1-ubyte.gz");
  CHECK(labels.shape() == Shape{10000});
  CHECK(labels.data<uint8_t>()[0] == 9);  // ankle boot
  CHECK(labels.data<uint8_t>()[1] == 2);  // pullover
  int64_t per_class[10] = {};
  for (uint8_t l : labels.values<uint8_t>()) {
    REQUIRE(l < 10);
    ++per_class[l];
  }
  for (int64_t count : per_class) CHECK(count == 1000);  // the test set is balanced

  const Tensor images = read_idx(dir + "/t10k-images-idx3-ubyte.gz");
  CHECK(images.shape() == Shape{10000, 28, 28});
  int64_t lit = 0;
  for (int i = 0; i < 28 * 28; ++i) lit += images.data<uint8_t>()[i] > 0;
  CHECK(lit > 100);  // the first image (a boot) is not blank
}
