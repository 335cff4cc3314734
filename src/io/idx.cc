#include "io/idx.h"

#include <zlib.h>

#include <cstring>
#include <filesystem>
#include <memory>
#include <vector>

namespace frost {

namespace {

constexpr int kUnsignedByte = 0x08;
constexpr int kMaxDims = 8;

struct GzCloser {
  void operator()(gzFile f) const { gzclose(f); }
};
using GzFile = std::unique_ptr<std::remove_pointer_t<gzFile>, GzCloser>;

// Reads up to `size` bytes; returns how many were read (fewer at end of file).
size_t read_some(gzFile f, void* out, size_t size) {
  size_t done = 0;
  while (done < size) {
    const unsigned chunk = static_cast<unsigned>(std::min<size_t>(size - done, 1u << 30));
    const int got = gzread(f, static_cast<char*>(out) + done, chunk);
    if (got < 0) {
      int code = 0;
      throw Error(std::string("read error: ") + gzerror(f, &code));
    }
    if (got == 0) break;
    done += static_cast<size_t>(got);
  }
  return done;
}

uint32_t big_endian_u32(const unsigned char* b) {
  return (uint32_t{b[0]} << 24) | (uint32_t{b[1]} << 16) | (uint32_t{b[2]} << 8) | uint32_t{b[3]};
}

Tensor parse_idx(gzFile f) {
  unsigned char magic[4];
  if (read_some(f, magic, 4) != 4) throw Error("truncated IDX file (no magic number)");
  if (magic[0] != 0 || magic[1] != 0)
    throw Error("not an IDX file (magic must start with two zero bytes)");
  if (magic[2] != kUnsignedByte)
    throw Error("IDX element type 0x" + std::string(1, "0123456789abcdef"[magic[2] >> 4]) +
                std::string(1, "0123456789abcdef"[magic[2] & 15]) + " is not supported (only 0x08, unsigned byte)");
  const int ndims = magic[3];
  if (ndims < 1 || ndims > kMaxDims) throw Error("IDX file with " + std::to_string(ndims) + " dimensions");

  std::vector<int64_t> dims;
  int64_t n = 1;
  for (int i = 0; i < ndims; ++i) {
    unsigned char b[4];
    if (read_some(f, b, 4) != 4) throw Error("truncated IDX header (dimension " + std::to_string(i) + ")");
    const int64_t d = big_endian_u32(b);
    dims.push_back(d);
    if (d != 0 && n > kMaxTensorBytes / d) throw Error("IDX dims " + Shape(dims).to_string() + "... are absurdly large");
    n *= d;  // stays 0 once a dimension is 0
  }

  // The dims are only a claim: read into a buffer that grows with the data
  // actually present, so a tiny (or compressed) file cannot make us allocate
  // its claimed size up front.
  std::string data;
  const size_t want = static_cast<size_t>(n);
  constexpr size_t kChunk = size_t{1} << 20;
  while (data.size() < want) {
    const size_t step = std::min(kChunk, want - data.size());
    const size_t old = data.size();
    data.resize(old + step);
    const size_t got = read_some(f, data.data() + old, step);
    data.resize(old + got);
    if (got < step) break;
  }
  if (data.size() < want)
    throw Error("truncated IDX data: dims " + Shape(dims).to_string() + " need " + std::to_string(want) +
                " bytes, the file has " + std::to_string(data.size()));
  char extra;
  if (read_some(f, &extra, 1) != 0) throw Error("IDX file has bytes past the end of its data");

  Tensor t(DType::UInt8, Shape(std::move(dims)));
  if (want) std::memcpy(t.raw_data(), data.data(), want);
  return t;
}

}  // namespace

Tensor read_idx(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) throw std::move(Error("no such file").file(path));
  if (std::filesystem::is_directory(path, ec)) throw std::move(Error("is a directory, expected a file").file(path));
  GzFile f(gzopen(path.c_str(), "rb"));
  if (!f) throw std::move(Error("cannot open the file").file(path));
  try {
    return parse_idx(f.get());
  } catch (Error& e) {
    e.file(path);
    throw;
  }
}

}  // namespace frost
