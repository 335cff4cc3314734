// A minimal .npy reader for the examples (and the API tests): version 1/2
// files of little-endian float32, float64, int32, int64 or uint8 in C order.
// Real programs would use their own I/O; Frost's API takes plain memory.
#pragma once

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>
#include <vector>

namespace example {

struct NpyArray {
  std::string descr;            // "<f4", "|u1", ...
  std::vector<int64_t> shape;
  std::vector<unsigned char> bytes;
};

inline NpyArray read_npy(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error(path + ": cannot open");
  const std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (data.size() < 10 || data.compare(0, 6, "\x93NUMPY") != 0) throw std::runtime_error(path + ": not a .npy file");
  const bool v1 = data[6] == 1;
  const size_t len_bytes = v1 ? 2 : 4, start = 8 + len_bytes;
  size_t header_len = 0;
  for (size_t i = 0; i < len_bytes; ++i) header_len |= size_t{static_cast<unsigned char>(data[8 + i])} << (8 * i);
  if (start + header_len > data.size()) throw std::runtime_error(path + ": truncated header");
  const std::string header = data.substr(start, header_len);
  auto field = [&](const std::string& key) {
    const size_t k = header.find("'" + key + "'");
    if (k == std::string::npos) throw std::runtime_error(path + ": no '" + key + "' in the header");
    return header.substr(header.find(':', k) + 1);
  };
  NpyArray a;
  const std::string descr = field("descr");
  a.descr = descr.substr(descr.find('\'') + 1, 3);
  const std::string order = field("fortran_order");
  if (order.find("True") < order.find(',')) throw std::runtime_error(path + ": Fortran order is not supported");
  const std::string shape = field("shape");
  const char* p = shape.c_str() + shape.find('(') + 1;
  while (*p && *p != ')') {
    char* end = nullptr;
    const long long d = std::strtoll(p, &end, 10);
    if (end == p) { ++p; continue; }
    a.shape.push_back(d);
    p = end;
  }
  a.bytes.assign(data.begin() + static_cast<std::ptrdiff_t>(start + header_len), data.end());
  return a;
}

}  // namespace example
