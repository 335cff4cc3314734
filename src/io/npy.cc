#include "io/npy.h"

#include <bit>
#include <cctype>
#include <cstring>
#include <optional>
#include <vector>

#include "io/file_bytes.h"

namespace frost {

static_assert(std::endian::native == std::endian::little, "Frost assumes a little-endian host");

namespace {

constexpr char kMagic[] = "\x93NUMPY";
constexpr size_t kMagicSize = 6;
// The header dict of a real file is ~100 bytes; anything past this is not one.
constexpr uint32_t kMaxHeaderBytes = 1 << 20;

struct Header {
  std::string descr;
  bool fortran_order = false;
  std::vector<int64_t> shape;
};

// A parser for the one Python literal np.save writes:
//   {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }
// Keys may come in any order; strings in either quote; a trailing comma is
// allowed. Anything else (a structured dtype's list, nested dicts) is refused.
class HeaderParser {
 public:
  explicit HeaderParser(std::string text) : s_(std::move(text)) {}

  Header parse() {
    Header h;
    bool seen_descr = false, seen_order = false, seen_shape = false;
    expect('{');
    while (true) {
      skip_space();
      if (peek() == '}') break;
      const std::string key = string_literal();
      expect(':');
      skip_space();
      if (key == "descr") {
        if (peek() != '\'' && peek() != '"') fail("structured dtypes (descr that is not a string) are not supported");
        h.descr = string_literal();
        seen_descr = true;
      } else if (key == "fortran_order") {
        h.fortran_order = boolean();
        seen_order = true;
      } else if (key == "shape") {
        h.shape = tuple();
        seen_shape = true;
      } else {
        fail("unexpected key '" + key + "' in the header");
      }
      skip_space();
      if (peek() == ',') {
        ++pos_;
        continue;
      }
      skip_space();
      if (peek() != '}') fail("expected ',' or '}' in the header");
    }
    ++pos_;
    if (!seen_descr || !seen_order || !seen_shape)
      fail("header lacks one of 'descr', 'fortran_order', 'shape'");
    return h;
  }

 private:
  [[noreturn]] void fail(const std::string& what) const {
    throw Error("malformed .npy header (" + what + ")");
  }
  char peek() const { return pos_ < s_.size() ? s_[pos_] : '\0'; }
  void skip_space() {
    while (pos_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[pos_]))) ++pos_;
  }
  void expect(char c) {
    skip_space();
    if (peek() != c) fail(std::string("expected '") + c + "'");
    ++pos_;
  }
  std::string string_literal() {
    skip_space();
    const char quote = peek();
    if (quote != '\'' && quote != '"') fail("expected a quoted string");
    const size_t end = s_.find(quote, pos_ + 1);
    if (end == std::string::npos) fail("unterminated string");
    std::string out = s_.substr(pos_ + 1, end - pos_ - 1);
    pos_ = end + 1;
    return out;
  }
  bool boolean() {
    if (s_.compare(pos_, 4, "True") == 0) {
      pos_ += 4;
      return true;
    }
    if (s_.compare(pos_, 5, "False") == 0) {
      pos_ += 5;
      return false;
    }
    fail("expected True or False");
  }
  std::vector<int64_t> tuple() {
    expect('(');
    std::vector<int64_t> dims;
    while (true) {
      skip_space();
      if (peek() == ')') break;
      if (!std::isdigit(static_cast<unsigned char>(peek()))) fail("shape holds something other than a non-negative integer");
      int64_t v = 0;
      while (std::isdigit(static_cast<unsigned char>(peek()))) {
        if (v > kMaxTensorBytes) fail("absurd dimension in shape");
        v = v * 10 + (s_[pos_++] - '0');
      }
      if (peek() == 'L') ++pos_;  // Python 2 long literal
      if (dims.size() >= 64) fail("shape has too many dimensions");
      dims.push_back(v);
      skip_space();
      if (peek() == ',') ++pos_;
      else if (peek() != ')') fail("expected ',' or ')' in shape");
    }
    ++pos_;
    return dims;
  }

  const std::string s_;
  size_t pos_ = 0;
};

// Maps a descr such as '<f4' to a DType; explains what is wrong otherwise.
DType dtype_from_descr(const std::string& descr) {
  if (descr.size() < 2) throw Error("unsupported dtype descr '" + descr + "'");
  const char order = descr[0];
  const std::string kind = descr.substr(1);
  if (kind.size() >= 1 && kind[0] == 'O') throw Error("object arrays (descr '" + descr + "') are not supported");
  if (order == '>' && kind != "i1" && kind != "u1" && kind != "b1")
    throw Error("big-endian data (descr '" + descr + "') is not supported; save it little-endian");
  if (order != '<' && order != '|' && order != '=' && order != '>')
    throw Error("unsupported dtype descr '" + descr + "'");
  static const std::pair<const char*, DType> kinds[] = {
      {"f2", DType::Half},  {"f4", DType::Float},  {"f8", DType::Double}, {"i1", DType::Int8},
      {"i2", DType::Int16}, {"i4", DType::Int32},  {"i8", DType::Int64},  {"u1", DType::UInt8},
      {"u2", DType::UInt16}, {"u4", DType::UInt32}, {"u8", DType::UInt64}, {"b1", DType::Bool},
  };
  for (const auto& [name, dtype] : kinds)
    if (kind == name) {
      if (order == '|' && dtype_size(dtype) != 1) break;  // '|' means "no byte order": 1-byte types only
      return dtype;
    }
  throw Error("unsupported dtype descr '" + descr + "' (supported: f2 f4 f8 i1 i2 i4 i8 u1 u2 u4 u8 b1)");
}

const char* descr_for(DType dtype) {
  switch (dtype) {
    case DType::Half: return "<f2";
    case DType::Float: case DType::BFloat16: return "<f4";
    case DType::Double: return "<f8";
    case DType::Int8: case DType::QInt8: return "|i1";
    case DType::UInt8: case DType::QUInt8: return "|u1";
    case DType::Bool: return "|b1";
    case DType::Int16: case DType::QInt16: return "<i2";
    case DType::UInt16: case DType::QUInt16: return "<u2";
    case DType::Int32: case DType::QInt32: return "<i4";
    case DType::UInt32: return "<u4";
    case DType::Int64: return "<i8";
    case DType::UInt64: return "<u8";
    default: throw Error("cannot write a " + dtype_name(dtype) + " tensor as .npy");
  }
}

std::string shape_literal(const Shape& shape) {
  std::string out = "(";
  for (int i = 0; i < shape.rank(); ++i) {
    if (i) out += ", ";
    out += std::to_string(shape.dim(i));
  }
  if (shape.rank() == 1) out += ",";
  return out + ")";
}

uint32_t read_le(const std::string& bytes, size_t at, size_t width) {
  uint32_t v = 0;
  for (size_t i = 0; i < width; ++i) v |= static_cast<uint32_t>(static_cast<unsigned char>(bytes[at + i])) << (8 * i);
  return v;
}

Tensor parse_npy(const std::string& bytes) {
  if (bytes.size() < kMagicSize + 2 || bytes.compare(0, kMagicSize, kMagic, kMagicSize) != 0)
    throw Error("not a .npy file (no \\x93NUMPY magic)");
  const int major = static_cast<unsigned char>(bytes[6]);
  const int minor = static_cast<unsigned char>(bytes[7]);
  if (major < 1 || major > 3)
    throw Error("unsupported .npy format version " + std::to_string(major) + "." + std::to_string(minor));
  const size_t len_width = major == 1 ? 2 : 4;
  const size_t prefix = kMagicSize + 2 + len_width;
  if (bytes.size() < prefix) throw Error("truncated .npy header");
  const uint32_t header_len = read_le(bytes, kMagicSize + 2, len_width);
  if (header_len > kMaxHeaderBytes) throw Error("absurd .npy header length " + std::to_string(header_len));
  if (bytes.size() - prefix < header_len) throw Error("truncated .npy header");
  const Header h = HeaderParser(bytes.substr(prefix, header_len)).parse();

  const DType dtype = dtype_from_descr(h.descr);
  if (h.fortran_order && h.shape.size() >= 2)
    throw Error("Fortran-order arrays are not supported; save with np.ascontiguousarray");
  // Element count, refused past kMaxTensorBytes before any multiplication can overflow.
  int64_t n = 1;
  for (int64_t d : h.shape) {
    if (d == 0) { n = 0; break; }
    if (d > kMaxTensorBytes || n > kMaxTensorBytes / d)
      throw Error("array shape " + Shape(h.shape).to_string() + " is absurdly large");
    n *= d;
  }
  const auto elem = static_cast<int64_t>(dtype_size(dtype));
  if (n > kMaxTensorBytes / elem) throw Error("array shape " + Shape(h.shape).to_string() + " exceeds the size limit");
  const size_t data_bytes = static_cast<size_t>(n * elem);
  const size_t have = bytes.size() - prefix - header_len;
  if (have < data_bytes)
    throw Error("truncated .npy data: shape " + Shape(h.shape).to_string() + " of " + dtype_name(dtype) + " needs " +
                std::to_string(data_bytes) + " bytes, the file has " + std::to_string(have));
  if (have > data_bytes)
    throw Error(".npy data has " + std::to_string(have - data_bytes) + " bytes more than shape " +
                Shape(h.shape).to_string() + " of " + dtype_name(dtype) + " needs");

  Tensor t(dtype, Shape(h.shape));
  if (data_bytes) std::memcpy(t.raw_data(), bytes.data() + prefix + header_len, data_bytes);
  if (dtype == DType::Bool) {
    auto* b = static_cast<uint8_t*>(t.raw_data());
    for (size_t i = 0; i < data_bytes; ++i) b[i] = b[i] != 0;
  }
  return t;
}

}  // namespace

Tensor npy_from_bytes(const std::string& bytes, const std::string& name) {
  try {
    return parse_npy(bytes);
  } catch (Error& e) {
    e.file(name);
    throw;
  }
}

std::string npy_to_bytes(const Tensor& tensor) {
  FROST_CHECK(tensor.valid(), "cannot write a tensor without a value as .npy");
  const Tensor t = tensor.dtype() == DType::BFloat16 ? [&] {
    Tensor f(DType::Float, tensor.shape());
    for (int64_t i = 0; i < tensor.num_elements(); ++i)
      f.data<float>()[i] = bfloat16_to_float(tensor.data<uint16_t>()[i]);
    return f;
  }() : tensor;
  std::string dict = std::string("{'descr': '") + descr_for(t.dtype()) +
                     "', 'fortran_order': False, 'shape': " + shape_literal(t.shape()) + ", }";
  // Pad with spaces and a final newline so that the data starts at a multiple of 64.
  auto padded = [&](size_t prefix) {
    std::string h = dict;
    const size_t total = prefix + h.size() + 1;
    h.append((64 - total % 64) % 64, ' ');
    h += '\n';
    return h;
  };
  std::string header = padded(kMagicSize + 2 + 2);
  const bool v2 = header.size() > 0xffff;
  if (v2) header = padded(kMagicSize + 2 + 4);
  std::string out(kMagic, kMagicSize);
  out += static_cast<char>(v2 ? 2 : 1);
  out += '\0';
  const size_t len = header.size();
  for (size_t i = 0; i < (v2 ? 4u : 2u); ++i) out += static_cast<char>((len >> (8 * i)) & 0xff);
  out += header;
  out.append(static_cast<const char*>(t.raw_data()), t.byte_size());
  return out;
}

Tensor read_npy(const std::string& path) {
  return npy_from_bytes(read_file_bytes(path, kMaxTensorBytes + kMaxHeaderBytes + 64), path);
}

void write_npy(const std::string& path, const Tensor& tensor) {
  std::string bytes;
  try {
    bytes = npy_to_bytes(tensor);
  } catch (Error& e) {
    e.file(path);
    throw;
  }
  write_file_bytes(path, bytes);
}

}  // namespace frost
