// A minimal byte format for passing plain data from a child process to its
// parent (child_process.h): little-endian u64 numbers and length-prefixed
// byte strings. Both sides are the same binary, so there is no versioning;
// the reader still checks every length, because a child that died mid-write
// leaves a truncated stream.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>

#include "graph/error.h"

namespace frost::keras {

class ByteWriter {
 public:
  void u64(uint64_t v) { out_.append(reinterpret_cast<const char*>(&v), sizeof v); }
  void bytes(const void* p, size_t n) {
    u64(n);
    out_.append(static_cast<const char*>(p), n);
  }
  void str(const std::string& s) { bytes(s.data(), s.size()); }
  std::string take() { return std::move(out_); }

 private:
  std::string out_;
};

class ByteReader {
 public:
  explicit ByteReader(const std::string& in) : in_(in) {}
  uint64_t u64() {
    need(sizeof(uint64_t));
    uint64_t v;
    std::memcpy(&v, in_.data() + pos_, sizeof v);
    pos_ += sizeof v;
    return v;
  }
  // The next length-prefixed byte string, copied into `dst` of exactly `n` bytes.
  void bytes_into(void* dst, size_t n) {
    if (u64() != n) throw Error("internal: child process stream out of step");
    need(n);
    if (n) std::memcpy(dst, in_.data() + pos_, n);
    pos_ += n;
  }
  std::string str() {
    const uint64_t n = u64();
    need(n);
    std::string s = in_.substr(pos_, n);
    pos_ += n;
    return s;
  }
  bool done() const { return pos_ == in_.size(); }

 private:
  void need(uint64_t n) const {
    if (n > in_.size() - pos_) throw Error("internal: child process stream truncated");
  }
  const std::string& in_;
  size_t pos_ = 0;
};

// A frost::Error as its message, file, node and op (the parts a user sees).
inline void write_error(ByteWriter& w, const Error& e) {
  for (const std::string* s : {&e.message(), &e.file_name(), &e.node_name(), &e.op_name()}) w.str(*s);
}
inline Error read_error(ByteReader& r) {
  Error e(r.str());
  for (auto set : {&Error::file, &Error::node, &Error::op}) {
    const std::string s = r.str();
    if (!s.empty()) (e.*set)(s);
  }
  return e;
}

}  // namespace frost::keras
